"""Scale-out and fault scenarios of the stream suite: afterwards every sink holds each produced
event exactly once (count and ids compared). See run_stream_tests.py."""

import json
import os
import time

import stream_harness as h
from stream_scenarios import RIDE_BUNDLE


def pg_count(services, table):
    return (services.pg_rows(f"SELECT COUNT(*) FROM {table}") or [[0]])[0][0]


def check_exactly_once(services, table, events, checks, what):
    rows = services.pg_rows(f"SELECT id FROM {table}") or []
    ids = [r[0] for r in rows]
    expected = {e["ride_id"] for e in events}
    checks.check(len(ids) == len(expected) and set(ids) == expected,
                 f"{what}: {len(expected)} events exactly once (rows {len(ids)}, "
                 f"missing {len(expected - set(ids))}, unexpected {len(set(ids) - expected)})")


def redis_streams(services, workdir, checks):
    r = services.redis()
    events = h.rides(0, 900, prefix="x")
    poison = ["{broken", json.dumps({"ride_id": "x-bad", "PULocationID": 0, "DOLocationID": 1,
                                     "trip_distance": 1})]

    def add(batch):
        pipe = r.pipeline()
        for payload in batch:
            pipe.xadd("rides_in", {"data": payload})
        pipe.execute()

    add([json.dumps(e) for e in events[:300]] + poison)

    def config(consumer):
        return {
            "model": {"bundle": RIDE_BUNDLE},
            "source": {"redis": {"url": services.redis_url, "stream": "rides_in", "group": "scorers",
                                 "consumer": consumer, "claim_idle_ms": 1500}},
            "events": {"id_field": "ride_id"},
            "sinks": [{"redis": {"url": services.redis_url, "stream": "preds_out", "maxlen": 100000}},
                      {"postgres": {"url": services.pg_url, "table": "redis_preds"}}],
            "dead_letter": {"redis": {"url": services.redis_url, "stream": "dead_out"}},
            "batch": {"max_records": 50, "max_wait_ms": 50},
            "errors": {"backoff_initial_ms": 100, "backoff_max_ms": 1000, "sink_retries": 60},
        }

    worker = h.Worker(config("c1"), workdir, "c1")
    h.wait_until("300 rows", lambda: pg_count(services, "redis_preds") >= 300)

    # Redis restarts (AOF with fsync always): the worker reconnects and carries on.
    services.restart("redis")
    r = services.redis()
    add([json.dumps(e) for e in events[300:600]])
    h.wait_until("600 rows after the Redis restart", lambda: pg_count(services, "redis_preds") >= 600,
                 timeout=90)
    checks.check(worker.alive(), "the worker survived the Redis restart")

    # A worker killed with entries in flight: another consumer claims them once idle.
    worker.kill9()
    r.xgroup_createconsumer("rides_in", "scorers", "c1")
    add([json.dumps(e) for e in events[600:]])
    # Deliver some new entries to the dead consumer, as if it had read them before dying.
    taken = r.xreadgroup("scorers", "c1", {"rides_in": ">"}, count=40)
    checks.check(taken and len(taken[0][1]) == 40, "40 entries pending on the killed consumer")
    other = h.Worker(config("c2"), workdir, "c2")
    h.wait_until("900 rows", lambda: pg_count(services, "redis_preds") >= 900, timeout=90)
    h.wait_until("nothing pending", lambda: r.xpending("rides_in", "scorers")["pending"] == 0,
                 timeout=30)
    checks.check(other.stop() == 0, "exit 0")
    check_exactly_once(services, "redis_preds", events, checks, "Redis -> PostgreSQL")
    out_ids = {json.loads(fields["data"])["id"] for _, fields in r.xrange("preds_out")}
    checks.check(out_ids == {e["ride_id"] for e in events}, "the Redis output stream has every event")
    dead = [json.loads(fields["data"]) for _, fields in r.xrange("dead_out")]
    reasons = " | ".join(d["error"] for d in dead)
    checks.check(len(dead) == 2 and "invalid JSON" in reasons and "minimum" in reasons,
                 f"2 dead letters with reasons: {reasons}")
    checks.check(all(d["source"].startswith("rides_in/") for d in dead), "dead letters name the entry id")


def scale_out(services, workdir, checks):
    services.topic("six", 6)
    events = h.rides(0, 3000, prefix="s")

    def config():
        return {
            "model": {"bundle": RIDE_BUNDLE},
            "source": h.kafka_source(services, "six", "group-six"),
            "events": {"id_field": "ride_id"},
            "sinks": [{"postgres": {"url": services.pg_url, "table": "scale_preds"}}],
            "batch": {"max_records": 100, "max_wait_ms": 50},
            "metrics": {"log_batches": True},
        }

    workers = [h.Worker(config(), workdir, f"w{i}") for i in range(3)]
    services.produce("six", [json.dumps(e) for e in events[:1000]])
    h.wait_until("some rows", lambda: pg_count(services, "scale_preds") >= 300)
    workers[1].kill9()  # mid-stream: its uncommitted batch is replayed by another worker
    services.produce("six", [json.dumps(e) for e in events[1000:2000]])
    h.wait_until("2000 rows", lambda: pg_count(services, "scale_preds") >= 2000, timeout=90)
    workers[1].start()  # rejoins the group; partitions are shared again
    time.sleep(1)
    services.produce("six", [json.dumps(e) for e in events[2000:]])
    h.wait_until("3000 rows", lambda: pg_count(services, "scale_preds") >= 3000, timeout=90)
    codes = [w.stop() for w in (workers[0], workers[2], workers[1])]
    checks.check(codes == [0, 0, 0], f"workers exit 0 on SIGTERM (got {codes})")
    for worker, code in zip((workers[0], workers[2], workers[1]), codes):
        if code != 0:  # say why, for the log of the failed run
            print("  worker exited %s; the end of its log:\n%s" % (code, worker.text()[-3000:]))
    check_exactly_once(services, "scale_preds", events, checks, "3 workers, 6 partitions")
    # The work is shared: the two workers that ran throughout both scored batches. The killed
    # and restarted worker may get its partitions back only after the last events were taken
    # (a Kafka 0.9 rebalance waits for the group's session timeout), so it is not required.
    busy = sum(1 for i in (0, 2) if '"event":"batch"' in workers[i].text())
    checks.check(busy == 2, f"both long-running workers scored batches (got {busy})")


def postgres_restart(services, workdir, checks):
    services.topic("pgr", 2)
    events = h.rides(0, 1000, prefix="p")
    config = {
        "model": {"bundle": RIDE_BUNDLE},
        "source": h.kafka_source(services, "pgr", "group-pgr"),
        "events": {"id_field": "ride_id"},
        "sinks": [{"postgres": {"url": services.pg_url, "table": "pgr_preds"}}],
        "batch": {"max_records": 50, "max_wait_ms": 50},
        "errors": {"backoff_initial_ms": 100, "backoff_max_ms": 1000, "sink_retries": 120},
    }
    worker = h.Worker(config, workdir)
    services.produce("pgr", [json.dumps(e) for e in events[:500]])
    h.wait_until("some rows", lambda: pg_count(services, "pgr_preds") >= 100)
    services.run("stop", "postgres")
    services.produce("pgr", [json.dumps(e) for e in events[500:]])
    time.sleep(2)  # the worker retries against a database that is down
    checks.check(worker.alive(), "the worker waits while PostgreSQL is down")
    services.start("postgres")
    h.wait_until("1000 rows", lambda: pg_count(services, "pgr_preds") >= 1000, timeout=90)
    checks.check(worker.stop() == 0, "exit 0")
    checks.check('"event":"sink_retry"' in worker.text(), "the outage was retried")
    check_exactly_once(services, "pgr_preds", events, checks, "PostgreSQL restart")


def sink_outage(services, workdir, checks):
    """A sink down past bounded retries: exit 1, nothing committed; restarted with retries
    unbounded, the worker waits out a second outage; afterwards every event is there once."""
    services.topic("outage", 2)
    events = h.rides(0, 900, prefix="o")

    def config(max_retries):
        return {
            "model": {"bundle": RIDE_BUNDLE},
            "source": h.kafka_source(services, "outage", "group-outage"),
            "events": {"id_field": "ride_id"},
            "sinks": [{"postgres": {"url": services.pg_url, "table": "outage_preds"}}],
            "batch": {"max_records": 50, "max_wait_ms": 50},
            "errors": {"backoff_initial_ms": 100, "backoff_max_ms": 400, "max_retries": max_retries},
        }

    bounded = h.Worker(config(4), workdir, "bounded")
    services.produce("outage", [json.dumps(e) for e in events[:300]])
    h.wait_until("300 rows", lambda: pg_count(services, "outage_preds") >= 300, timeout=90)
    services.run("stop", "postgres")
    services.produce("outage", [json.dumps(e) for e in events[300:600]])
    h.wait_until("the bounded worker gives up", lambda: not bounded.alive(), timeout=60)
    code = bounded.stop()
    checks.check(code == 1, f"a sink down past max_retries exits 1 (got {code})")
    checks.check("still unavailable after 4 attempts" in bounded.text(),
                 "the exit names the sink and the attempts")
    services.start("postgres")

    forever = h.Worker(config(0), workdir, "forever")
    h.wait_until("600 rows after the restart", lambda: pg_count(services, "outage_preds") >= 600,
                 timeout=120)
    services.run("stop", "postgres")
    services.produce("outage", [json.dumps(e) for e in events[600:]])
    time.sleep(4)  # longer than 4 attempts of the bounded worker took
    checks.check(forever.alive(), "with max_retries 0 the worker keeps waiting for the sink")
    attempts = [json.loads(line)["attempt"] for line in forever.text().splitlines()
                if '"event":"sink_retry"' in line]
    checks.check(len(attempts) > 4 and attempts == sorted(attempts),
                 f"each attempt is logged ({len(attempts)} so far)")
    services.start("postgres")
    h.wait_until("900 rows", lambda: pg_count(services, "outage_preds") >= 900, timeout=120)
    checks.check(forever.stop() == 0, "exit 0")
    check_exactly_once(services, "outage_preds", events, checks, "sink outages")


def kafka_sink_outage(services, workdir, checks):
    """The Kafka broker of a Kafka sink goes away with batches under way (the sink keeps up to
    batch.max_in_flight of them on their way): their deliveries time out, the batches are
    retried with backoff and sent again, nothing is acknowledged to the Redis source meanwhile,
    and once the broker is back every event reaches the output topic."""
    r = services.redis()
    events = h.rides(0, 900, prefix="k")
    services.topic("outage_out", 2)

    def add(batch):
        pipe = r.pipeline()
        for e in batch:
            pipe.xadd("outage_in", {"data": json.dumps(e)})
        pipe.execute()

    port = h.free_port()
    sink = h.kafka_sink(services, "outage_out")
    sink["kafka"]["properties"] = {**sink["kafka"]["properties"], "message.timeout.ms": "3000"}
    worker = h.Worker({
        "model": {"bundle": RIDE_BUNDLE},
        "source": {"redis": {"url": services.redis_url, "stream": "outage_in", "group": "scorers",
                             "consumer": "k1"}},
        "events": {"id_field": "ride_id"},
        "sinks": [sink],
        "batch": {"max_records": 50, "max_wait_ms": 20, "max_in_flight": 8},
        "errors": {"backoff_initial_ms": 200, "backoff_max_ms": 1000},
        "metrics": {"port": port, "host": "127.0.0.1"},
    }, workdir, "kafka-outage")

    def out():
        try:
            text = worker.metrics(port)
        except OSError:  # not listening yet
            return 0
        for line in text.splitlines():
            if line.startswith('ferry_stream_events_out_total{sink="kafka:outage_out"}'):
                return float(line.split()[-1])
        return 0

    add(events[:300])
    h.wait_until("300 events out", lambda: out() >= 300, timeout=60)
    services.run("stop", "kafka")
    add(events[300:600])
    h.wait_until("a retried delivery", lambda: '"event":"sink_retry"' in worker.text(), timeout=60)
    pending = r.xpending("outage_in", "scorers")["pending"]
    checks.check(pending > 0, f"nothing acknowledged while the broker is away ({pending} pending)")
    checks.check(worker.alive(), "the worker waits for the broker")
    services.start("kafka")
    add(events[600:])
    h.wait_until("900 events out", lambda: out() >= 900, timeout=120)
    h.wait_until("nothing pending", lambda: r.xpending("outage_in", "scorers")["pending"] == 0,
                 timeout=30)
    retries = [json.loads(line) for line in worker.text().splitlines()
               if '"event":"sink_retry"' in line]
    checks.check(all(x["sink"] == "kafka:outage_out" for x in retries),
                 f"{len(retries)} retries, all of the Kafka sink")
    lines = worker.text().splitlines()
    checks.check(any('"event":"kafka_error"' in line and '"sink":"kafka:outage_out"' in line
                     for line in lines),
                 "librdkafka's errors while the broker is away are in the JSON log")
    checks.check(all(line.startswith("{") for line in lines),
                 "every log line is JSON (librdkafka's own lines included)")
    checks.check(worker.stop() == 0, "exit 0")
    keys = {m.key().decode() for m in services.consume_all("outage_out", 900)}
    checks.check(keys == {e["ride_id"] for e in events},
                 f"the output topic has every event ({len(keys)} distinct of 900)")
