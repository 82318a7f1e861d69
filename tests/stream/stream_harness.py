"""Plumbing of the stream end-to-end tests: real Kafka 0.9, Redis and PostgreSQL started by
scripts/services.sh in a private run directory on free ports, `ferry stream` worker processes,
and small clients (confluent-kafka, redis-py, psycopg2, sqlite3) to produce events and read what
the sinks hold. Everything is stopped at exit, also on failure.
"""

import atexit
import base64
import json
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request

import confluent_kafka
import psycopg2
import redis

ROOT = os.environ.get("FERRY_SOURCE_DIR") or os.path.abspath(
    os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
SERVICES = os.path.join(ROOT, "scripts", "services.sh")
KAFKA_09 = {"api.version.request": "false", "broker.version.fallback": "0.9.0.1"}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def ferry_binary():
    path = os.environ.get("FERRY_BINARY") or os.path.join(ROOT, "build", "ferry")
    if not os.access(path, os.X_OK):
        sys.exit(f"ferry binary not found at {path}: build it or set FERRY_BINARY")
    return path


def wait_until(what, predicate, timeout=60, interval=0.2):
    deadline = time.time() + timeout
    last = None
    while time.time() < deadline:
        last = predicate()
        if last:
            return last
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout} s waiting for {what} (last: {last!r})")


class Services:
    """Kafka, Redis and PostgreSQL for one test run; stop() is registered at exit."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="ferry-stream-services-")
        os.chmod(self.dir, 0o755)
        self.env = dict(os.environ, FERRY_SERVICES_DIR=self.dir,
                        FERRY_REDIS_PORT=str(free_port()), FERRY_PG_PORT=str(free_port()),
                        FERRY_ZK_PORT=str(free_port()), FERRY_KAFKA_PORT=str(free_port()))
        self.brokers = f"127.0.0.1:{self.env['FERRY_KAFKA_PORT']}"
        self.redis_url = f"redis://127.0.0.1:{self.env['FERRY_REDIS_PORT']}"
        self.pg_url = f"postgresql://ferry@127.0.0.1:{self.env['FERRY_PG_PORT']}/postgres"
        atexit.register(self.stop)

    def run(self, *args, timeout=180):
        done = subprocess.run([SERVICES, *args], env=self.env, capture_output=True, text=True,
                              timeout=timeout)
        if done.returncode != 0:
            raise AssertionError(f"services.sh {' '.join(args)} failed:\n{done.stderr}")

    def start(self, *names):
        self.run("start", *names)

    def restart(self, name):
        self.run("restart", name)

    def stop(self):
        if os.path.isdir(self.dir):
            subprocess.run([SERVICES, "stop", "all"], env=self.env, capture_output=True,
                           timeout=120)
            shutil.rmtree(self.dir, ignore_errors=True)

    # Kafka
    def topic(self, name, partitions):
        self.run("kafka-topic", name, str(partitions))

    def producer(self):
        # Messages without a key go to a random partition each: librdkafka's default sends
        # keyless messages to one partition for sticky.partitioning.linger.ms (10 ms), so a
        # quick burst landed in a single partition and the group tests found one worker with
        # all the work and the others with none.
        return confluent_kafka.Producer({"bootstrap.servers": self.brokers, **KAFKA_09,
                                         "linger.ms": 5, "sticky.partitioning.linger.ms": 0})

    def produce(self, topic, payloads, keys=None):
        producer = self.producer()
        for i, payload in enumerate(payloads):
            key = keys[i] if keys else None
            while True:
                try:
                    producer.produce(topic, payload if isinstance(payload, bytes)
                                     else payload.encode(), key=key)
                    break
                except BufferError:
                    producer.poll(0.05)
        assert producer.flush(60) == 0, "producer did not deliver everything"

    def consume_all(self, topic, expected, timeout=60):
        """Every message of `topic` (from the start) once `expected` have arrived."""
        consumer = confluent_kafka.Consumer({
            "bootstrap.servers": self.brokers, **KAFKA_09, "group.id": f"check-{time.time()}",
            "auto.offset.reset": "earliest", "enable.auto.commit": "false"})
        consumer.subscribe([topic])
        messages = []
        deadline = time.time() + timeout
        while len(messages) < expected and time.time() < deadline:
            m = consumer.poll(0.5)
            if m is not None and not m.error():
                messages.append(m)
        # Anything beyond `expected` (duplicates) arrives within a moment.
        end = time.time() + 1.5
        while time.time() < end:
            m = consumer.poll(0.2)
            if m is not None and not m.error():
                messages.append(m)
        consumer.close()
        return messages

    # Redis, PostgreSQL
    def redis(self):
        return redis.Redis.from_url(self.redis_url, decode_responses=True)

    def pg_rows(self, sql):
        try:
            with psycopg2.connect(self.pg_url) as conn, conn.cursor() as cur:
                cur.execute(sql)
                return cur.fetchall()
        except psycopg2.Error:
            return None  # table not made yet, or the server restarting


def sqlite_rows(path, sql):
    try:
        conn = sqlite3.connect(path, timeout=10)
        try:
            return conn.execute(sql).fetchall()
        finally:
            conn.close()
    except sqlite3.Error:
        return None


class Worker:
    """One `ferry stream` process with its config written to a temp file."""

    def __init__(self, config, workdir, name="worker"):
        self.path = os.path.join(workdir, f"{name}.yaml")
        with open(self.path, "w") as f:
            json.dump(config, f, indent=1)  # JSON is YAML
        self.log_path = os.path.join(workdir, f"{name}.log")
        self.process = None
        self.start()

    def start(self):
        self.log = open(self.log_path, "a")
        self.process = subprocess.Popen([ferry_binary(), "stream", "--config", self.path],
                                        stdout=self.log, stderr=self.log)

    def stop(self, timeout=60):
        """SIGTERM; returns the exit status."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            code = self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            code = self.process.wait()
            raise AssertionError(f"ferry stream did not stop within {timeout} s; log:\n{self.text()}")
        self.log.close()
        return code

    def kill9(self):
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()
        self.log.close()

    def text(self):
        with open(self.log_path) as f:
            return f.read()

    def alive(self):
        return self.process.poll() is None

    def metrics(self, port):
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as r:
            return r.read().decode()


def kafka_source(services, topic, group, **extra):
    return {"kafka": {"brokers": services.brokers, "topics": [topic], "group": group,
                      "properties": {**KAFKA_09, "session.timeout.ms": "6000",
                                     "heartbeat.interval.ms": "500",
                                     "topic.metadata.refresh.interval.ms": "1000"}, **extra}}


def kafka_sink(services, topic):
    return {"kafka": {"brokers": services.brokers, "topic": topic, "properties": KAFKA_09}}


def rides(start, count, prefix="r"):
    """Valid ride_duration events with string ids."""
    return [{"ride_id": f"{prefix}{i}", "PULocationID": 1 + i % 265, "DOLocationID": 1 + (i * 7) % 265,
             "trip_distance": round(0.5 + (i % 40) * 0.37, 2), "ts": int(time.time() * 1000)}
            for i in range(start, start + count)]


def kinesis_envelope(events, first_sequence):
    return json.dumps({"Records": [
        {"kinesis": {"data": base64.b64encode(json.dumps(e).encode()).decode(),
                     "partitionKey": e["ride_id"], "sequenceNumber": str(first_sequence + i)}}
        for i, e in enumerate(events)]})


class Checks:
    """Collects failures so one run reports all of them."""

    def __init__(self):
        self.failures = []

    def check(self, ok, message):
        if not ok:
            self.failures.append(message)
            print(f"  FAIL: {message}", flush=True)
        return ok
