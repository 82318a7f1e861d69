"""Happy-path scenarios of the stream suite: each source and sink, event formats, dead letters,
metrics, commits, and hot reload. See run_stream_tests.py."""

import glob
import json
import os
import shutil
import subprocess
import threading
import time

import stream_harness as h

RIDE_BUNDLE = os.path.join(h.ROOT, "examples", "ride_duration", "bundle")
FLIGHT_BUNDLE = os.path.join(h.ROOT, "examples", "flight_delays", "bundle")


def uses_jemalloc(binary):
    """Whether the binary allocates through jemalloc (not in sanitizer builds)."""
    linked = subprocess.run(["ldd", binary], capture_output=True, text=True).stdout
    return "libjemalloc" in linked


def ferry_predict(bundle, events, workdir):
    """Predictions of `ferry predict` for the same events, by ride_id: an independent path
    (file reader instead of stream decoding) checked against scikit-learn by the example tests."""
    path = os.path.join(workdir, "predict-input.jsonl")
    with open(path, "w") as f:
        for e in events:
            f.write(json.dumps(e) + "\n")
    done = subprocess.run([h.ferry_binary(), "predict", bundle, "--input", path, "--output", "-"],
                          capture_output=True, text=True, timeout=120)
    return {row["ride_id"]: row["duration"] for row in map(json.loads, done.stdout.splitlines())
            if "duration" in row}


def kafka_to_kafka_sqlite_files(services, workdir, checks):
    services.topic("rides_a", 3)
    events = h.rides(0, 600)
    poison = ["not json at all", json.dumps({"PULocationID": 5, "DOLocationID": 6}),
              json.dumps({"ride_id": "bad-zone", "PULocationID": 900, "DOLocationID": 6,
                          "trip_distance": 1.0})]
    services.produce("rides_a", [json.dumps(e) for e in events[:300]] + poison +
                     [json.dumps(e) for e in events[300:]])
    db = os.path.join(workdir, "preds.db")
    metrics_port = h.free_port()
    config = {
        "model": {"bundle": RIDE_BUNDLE},
        "source": h.kafka_source(services, "rides_a", "group-a"),
        "events": {"id_field": "ride_id", "timestamp_field": "ts"},
        "sinks": [h.kafka_sink(services, "preds_a"),
                  {"sqlite": {"url": f"sqlite://{db}", "table": "ride_predictions"}},
                  {"file": {"dir": os.path.join(workdir, "jsonl"), "roll_bytes": 20000}},
                  {"file": {"dir": os.path.join(workdir, "csv"), "format": "csv"}}],
        "dead_letter": h.kafka_sink(services, "dead_a"),
        "batch": {"max_records": 200, "max_wait_ms": 50},
        "metrics": {"port": metrics_port, "host": "127.0.0.1", "log_batches": True},
    }
    worker = h.Worker(config, workdir)
    h.wait_until("600 rows in SQLite", lambda: (h.sqlite_rows(db, "SELECT COUNT(*) FROM ride_predictions")
                                                or [[0]])[0][0] >= 600)
    text = h.wait_until("consumer lag metrics (librdkafka statistics every 5 s)",
                        lambda: (lambda t: t if "ferry_stream_consumer_lag{" in t else None)(
                            worker.metrics(metrics_port)), timeout=30)
    checks.check('ferry_stream_events_out_total{sink="kafka:preds_a"} 600' in text,
                 "metrics: 600 events out to kafka:preds_a")
    checks.check('ferry_stream_events_dead_lettered_total{sink="kafka:dead_a"} 3' in text,
                 "metrics: 3 dead-lettered")
    checks.check("ferry_stream_end_to_end_seconds_count" in text, "metrics: end-to-end histogram")
    with open(f"/proc/{worker.process.pid}/comm") as f:
        name = f.read().strip()
    checks.check(name == os.path.basename(h.ferry_binary())[:15],
                 f"the process keeps its name after the huge-pages restart (comm: {name!r})")
    checks.check(worker.stop() == 0, "ferry stream exits 0 on SIGTERM")
    checks.check('"event":"batch"' in worker.text(), "a JSON log line per batch")
    started = next(json.loads(line) for line in worker.text().splitlines()
                   if '"event":"stream_started"' in line)
    if uses_jemalloc(h.ferry_binary()) and "MALLOC_CONF" not in os.environ:
        checks.check(started.get("malloc_conf") == "thp:always",
                     f"ferry stream restarts itself with huge pages (started line: {started})")

    ids = {e["ride_id"] for e in events}
    out = services.consume_all("preds_a", 600)
    keys = [m.key().decode() for m in out]
    checks.check(len(out) == 600 and set(keys) == ids,
                 f"Kafka sink holds each of the 600 events once (got {len(out)})")
    expected = ferry_predict(RIDE_BUNDLE, events, workdir)
    mismatched = 0
    for m in out:
        value = json.loads(m.value())
        ok = (value["model"] == "ride_duration" and value["version"] == "1"
              and value["id"] == m.key().decode() and "processed_at" in value
              and abs(value["prediction"]["duration"] - expected[value["id"]]) <= 1e-9 * max(1, abs(expected[value["id"]])))
        mismatched += not ok
    checks.check(mismatched == 0, f"{mismatched} Kafka output events differ from ferry predict")

    rows = h.sqlite_rows(db, "SELECT id, version, duration FROM ride_predictions")
    checks.check(len(rows) == 600 and {r[0] for r in rows} == ids, "SQLite sink: 600 rows, same ids")
    for fmt in ("jsonl", "csv"):
        folder = os.path.join(workdir, fmt)
        checks.check(not glob.glob(os.path.join(folder, ".*")), f"{fmt}: no file left in progress")
        lines = []
        for path in sorted(glob.glob(os.path.join(folder, "*"))):
            with open(path) as fh:
                lines += fh.read().splitlines()[1 if fmt == "csv" else 0:]
        got = [json.loads(l)["id"] for l in lines] if fmt == "jsonl" else [l.split(",")[0] for l in lines]
        checks.check(len(got) == 600 and set(got) == ids, f"{fmt} files: 600 events once (got {len(got)})")
    checks.check(len(glob.glob(os.path.join(workdir, "jsonl", "*.jsonl"))) > 1, "jsonl files rolled by size")

    dead = [json.loads(m.value()) for m in services.consume_all("dead_a", 3)]
    checks.check(len(dead) == 3, f"3 dead letters (got {len(dead)})")
    reasons = " | ".join(d["error"] for d in dead)
    checks.check("invalid JSON" in reasons and "id field 'ride_id'" in reasons and
                 "maximum" in reasons, f"dead-letter reasons: {reasons}")
    checks.check(all(d["source"].startswith("rides_a/") and d["attempts"] >= 1 for d in dead),
                 "dead letters name their source position")
    checks.check("not json at all" in [d["payload"] for d in dead], "dead letters keep the original bytes")

    # Offsets were committed: a restarted worker of the same group reads only new events.
    more = h.rides(600, 50)
    services.produce("rides_a", [json.dumps(e) for e in more])
    worker = h.Worker(config, workdir, "worker2")
    h.wait_until("650 rows", lambda: (h.sqlite_rows(db, "SELECT COUNT(*) FROM ride_predictions")
                                      or [[0]])[0][0] >= 650)
    def events_in():  # counted once the batch is committed, a moment after the rows land
        for line in worker.metrics(metrics_port).splitlines():
            if line.startswith('ferry_stream_events_in_total{source="kafka:rides_a"}'):
                return float(line.split()[-1]) >= 50 and float(line.split()[-1])
        return None
    count = h.wait_until("the restarted worker's events_in metric", events_in, timeout=15)
    time.sleep(0.5)
    count = events_in()
    checks.check(count == 50, f"the restarted worker resumed from the committed offsets "
                              f"(50 events in, got {count})")
    checks.check(worker.stop() == 0, "second worker exits 0")


def kafka_revocation_commits(services, workdir, checks):
    """Offsets held back by commit_interval_ms are committed before partitions are revoked: a
    second worker joining the group takes over partitions without reading again what the first
    finished (it would read all of it: nothing was committed by the interval)."""
    services.topic("rides_r", 4)
    services.produce("rides_r", [json.dumps(e) for e in h.rides(0, 400)])
    file_dir = os.path.join(workdir, "out")

    def config(port):
        return {"model": {"bundle": RIDE_BUNDLE},
                "source": h.kafka_source(services, "rides_r", "group-r", commit_interval_ms=600000),
                "events": {"id_field": "ride_id"},
                "sinks": [{"file": {"dir": file_dir}}],
                "batch": {"max_records": 100, "max_wait_ms": 50},
                "metrics": {"port": port, "host": "127.0.0.1"}}

    def metrics(worker, port):
        try:
            return worker.metrics(port)
        except OSError:  # not listening yet
            return ""

    def events_in(worker, port):
        for line in metrics(worker, port).splitlines():
            if line.startswith('ferry_stream_events_in_total{source="kafka:rides_r"}'):
                return float(line.split()[-1])
        return 0.0

    port_a, port_b = h.free_port(), h.free_port()
    first = h.Worker(config(port_a), workdir, "first")
    h.wait_until("the first worker scored 400", lambda: events_in(first, port_a) >= 400)
    second = h.Worker(config(port_b), workdir, "second")
    # The second worker owns partitions once it reports their lag (statistics every 5 s).
    h.wait_until("the second worker's partitions",
                 lambda: "ferry_stream_consumer_lag{" in metrics(second, port_b), timeout=60)
    services.produce("rides_r", [json.dumps(e) for e in h.rides(400, 200)])
    h.wait_until("600 events in", lambda: events_in(first, port_a) + events_in(second, port_b) >= 600)
    time.sleep(1.5)  # anything read twice would show by now
    a, b = events_in(first, port_a), events_in(second, port_b)
    checks.check(a + b == 600 and b > 0,
                 f"after the rebalance each event was read once: first {a:.0f}, second {b:.0f} "
                 "(the first worker's finished offsets were committed at revocation)")

    def lag(worker, port):
        values = [float(line.split()[-1]) for line in metrics(worker, port).splitlines()
                  if line.startswith("ferry_stream_consumer_lag{")]
        return sum(values) if values else None
    # The lag is behind what the workers finished, not behind the commits (held back here).
    settled = h.wait_until("the consumer lag at 0 (statistics every 5 s)",
                           lambda: lag(first, port_a) == 0 and lag(second, port_b) == 0 or None,
                           timeout=20)
    checks.check(settled, "consumer lag counts from the finished offsets, not the last commit")
    def lag_partitions(worker, port):
        return {line.split('partition="')[1].split('"')[0] for line in metrics(worker, port).splitlines()
                if line.startswith("ferry_stream_consumer_lag{")}
    # Statistics arrive every 5 s per worker: wait until all four partitions are reported
    # (a partition reported by both workers fails below all the same).
    def all_reported():
        owned = lag_partitions(first, port_a), lag_partitions(second, port_b)
        return owned if owned[0] | owned[1] == {"0", "1", "2", "3"} else None
    try:
        owned = h.wait_until("every partition's lag reported", all_reported, timeout=20)
    except AssertionError:
        owned = lag_partitions(first, port_a), lag_partitions(second, port_b)
    checks.check(not owned[0] & owned[1] and owned[0] | owned[1] == {"0", "1", "2", "3"},
                 f"each worker reports the lag of the partitions it owns only: {owned}")
    checks.check(first.stop() == 0 and second.stop() == 0, "both workers exit 0")


def kafka_to_postgres(services, workdir, checks):
    services.topic("flights", 2)
    with open(os.path.join(h.ROOT, "examples", "flight_delays", "requests", "sample.jsonl")) as f:
        samples = [json.loads(line) for line in f if line.strip()]
    events = [{"UUID": f"f-{i}", "flight": samples[i % len(samples)]} for i in range(300)]
    services.produce("flights", [json.dumps(e) for e in events])
    config = {
        "model": {"bundle": FLIGHT_BUNDLE},
        "source": h.kafka_source(services, "flights", "group-flights"),
        "events": {"id_field": "UUID", "input_path": "flight"},
        "output": {"id_key": "event_id"},
        "sinks": [{"postgres": {"url": services.pg_url, "table": "flight_predictions"}},
                  {"redis": {"url": services.redis_url, "stream": "flights_out", "maxlen": 1000}}],
    }
    worker = h.Worker(config, workdir)
    h.wait_until("300 rows in PostgreSQL", lambda: (services.pg_rows(
        "SELECT COUNT(*) FROM flight_predictions") or [[0]])[0][0] >= 300)
    checks.check(worker.stop() == 0, "exit 0")
    rows = services.pg_rows('SELECT event_id, delay_class, "FlightNum", model FROM flight_predictions')
    checks.check(len(rows) == 300 and {r[0] for r in rows} == {e["UUID"] for e in events},
                 "PostgreSQL: 300 rows with the produced ids")
    checks.check(all(r[1] and r[3] == "flight_delays" for r in rows), "delay_class and model filled")
    redis_ids = {f["id"] for _, f in services.redis().xrange("flights_out")}
    checks.check(redis_ids == {e["UUID"] for e in events}, "Redis stream sink: every event")
    cols = {r[0] for r in services.pg_rows(
        "SELECT column_name FROM information_schema.columns WHERE table_name = 'flight_predictions'")}
    checks.check(any(c.startswith("probabilities_") for c in cols), f"probability columns: {sorted(cols)}")


def kinesis_envelope(services, workdir, checks):
    services.topic("kinesis", 1)
    events = h.rides(0, 200, prefix="k")
    envelopes = [h.kinesis_envelope(events[i:i + 20], 1000 + i) for i in range(0, 200, 20)]
    broken = json.dumps({"Records": [{"kinesis": {"data": "%%%", "sequenceNumber": "77"}}]})
    services.produce("kinesis", envelopes + [broken])
    db = os.path.join(workdir, "k.db")
    config = {
        "model": {"bundle": RIDE_BUNDLE},
        "source": h.kafka_source(services, "kinesis", "group-kinesis"),
        "events": {"format": "kinesis", "id_field": "ride_id"},
        "sinks": [{"sqlite": {"url": f"sqlite://{db}", "table": "preds"}}],
        "dead_letter": {"file": {"dir": os.path.join(workdir, "dead"), "roll_seconds": 0.2}},
    }
    worker = h.Worker(config, workdir)
    h.wait_until("200 rows", lambda: (h.sqlite_rows(db, "SELECT COUNT(*) FROM preds") or [[0]])[0][0] >= 200)
    checks.check(worker.stop() == 0, "exit 0")
    rows = h.sqlite_rows(db, "SELECT id FROM preds")
    checks.check(sorted(r[0] for r in rows) == sorted(e["ride_id"] for e in events),
                 "every Kinesis record scored once")
    dead = []
    for path in glob.glob(os.path.join(workdir, "dead", "*.jsonl")):
        with open(path) as fh:
            dead += [json.loads(l) for l in fh]
    checks.check(len(dead) == 1 and dead[0]["source"].endswith("#77") and "base64" in dead[0]["error"],
                 f"the bad Kinesis record is a dead letter: {dead}")


def hot_reload(services, workdir, checks):
    repo = os.path.join(workdir, "repo")
    model_dir = os.path.join(repo, "ride_duration")

    def add_version(version):
        target = os.path.join(model_dir, version)
        shutil.copytree(RIDE_BUNDLE, target)
        path = os.path.join(target, "ferry.yaml")
        with open(path) as f:
            text = f.read().replace('version: "1"', f'version: "{version}"')
        with open(path, "w") as f:
            f.write(text)

    add_version("1")
    with open(os.path.join(model_dir, "aliases.yaml"), "w") as f:
        f.write('production: "1"\n')
    with open(os.path.join(model_dir, "config.yaml"), "w") as f:
        f.write("version_policy: all\n")
    services.topic("hot", 1)
    db = os.path.join(workdir, "hot.db")
    config = {
        "model": {"repository": repo, "name": "ride_duration", "alias": "production",
                  "reload_seconds": 0.3},
        "source": h.kafka_source(services, "hot", "group-hot"),
        "events": {"id_field": "ride_id"},
        "sinks": [{"sqlite": {"url": f"sqlite://{db}", "table": "preds"}}],
        "batch": {"max_records": 20, "max_wait_ms": 20},
    }
    worker = h.Worker(config, workdir)
    total = 800
    events = h.rides(0, total, prefix="")

    def produce_steadily():
        for i in range(0, total, 20):
            services.produce("hot", [json.dumps(e) for e in events[i:i + 20]])
            time.sleep(0.05)

    producer = threading.Thread(target=produce_steadily)
    producer.start()
    h.wait_until("some events with version 1", lambda: (h.sqlite_rows(
        db, "SELECT COUNT(*) FROM preds") or [[0]])[0][0] >= 100)
    add_version("2")
    with open(os.path.join(model_dir, "aliases.yaml.tmp"), "w") as f:
        f.write('production: "2"\n')
    os.replace(os.path.join(model_dir, "aliases.yaml.tmp"), os.path.join(model_dir, "aliases.yaml"))
    producer.join()
    h.wait_until(f"{total} rows", lambda: (h.sqlite_rows(db, "SELECT COUNT(*) FROM preds")
                                           or [[0]])[0][0] >= total, timeout=90)
    checks.check(worker.stop() == 0, "exit 0")
    rows = h.sqlite_rows(db, "SELECT id, version FROM preds")
    by_id = {int(r[0]): r[1] for r in rows}
    checks.check(sorted(by_id) == list(range(total)), "no event missing across the reload")
    versions = [by_id[i] for i in range(total) if i in by_id]
    switch = versions.index("2") if "2" in versions else -1
    checks.check(switch > 0 and all(v == "1" for v in versions[:switch]) and
                 all(v == "2" for v in versions[switch:]),
                 f"version 1 until the reload, then version 2 (switch at {switch})")


def redis_to_kafka_sqlite_files(services, workdir, checks):
    events = h.rides(0, 400, prefix="q")
    r = services.redis()
    pipe = r.pipeline()
    for e in events:
        pipe.xadd("rides_q", {"data": json.dumps(e)})
    pipe.execute()
    db = os.path.join(workdir, "q.db")
    config = {
        "model": {"bundle": RIDE_BUNDLE},
        "source": {"redis": {"url": services.redis_url, "stream": "rides_q", "group": "q"}},
        "events": {"id_field": "ride_id"},
        "output": {"layout": "flat", "timestamp_key": ""},
        "sinks": [h.kafka_sink(services, "preds_q"),
                  {"sqlite": {"url": f"sqlite://{db}", "table": "preds"}},
                  {"file": {"dir": os.path.join(workdir, "files")}}],
    }
    worker = h.Worker(config, workdir)
    h.wait_until("400 rows", lambda: (h.sqlite_rows(db, "SELECT COUNT(*) FROM preds") or [[0]])[0][0] >= 400)
    checks.check(worker.stop() == 0, "exit 0")
    ids = {e["ride_id"] for e in events}
    out = [json.loads(m.value()) for m in services.consume_all("preds_q", 400)]
    checks.check(len(out) == 400 and {o["id"] for o in out} == ids and
                 all("duration" in o and "processed_at" not in o for o in out),
                 "Kafka sink (flat layout): 400 events once")
    lines = []
    for path in glob.glob(os.path.join(workdir, "files", "*.jsonl")):
        with open(path) as fh:
            lines += [json.loads(l)["id"] for l in fh]
    checks.check(sorted(lines) == sorted(ids), "file sink: 400 events once")
    checks.check(r.xpending("rides_q", "q")["pending"] == 0, "every entry acknowledged")
