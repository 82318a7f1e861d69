"""Streaming benchmark (not a test): the same ride events in one Kafka topic, consumed, scored
with the ride_duration bundle, produced to an output topic and committed, by
  - ferry stream (one process),
  - the Python consumer the field writes, micro-batched (confluent-kafka + scikit-learn),
  - the same consumer per message (on a subset: it is about 1000x slower),
(ferry and the micro-batched consumer in --passes alternating passes, 3 by default, each
reported by its median), then ferry's end-to-end latency (event sent -> output received) at half of its peak rate, with
the C++ load generator and latency reader bench/stream/stream_load (cheap enough not to be
what saturates a 2-core machine). Kafka 0.9 runs locally (scripts/services.sh, private ports).
Prints a Markdown table.

Usage: /usr/bin/python3 bench/stream/stream_bench.py [--events 1000000] [--ferry build/ferry]
  (build the `ferry` and `stream_load` targets in the same build directory first)
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tests", "stream"))
import stream_harness as h  # noqa: E402
import confluent_kafka  # noqa: E402

BUNDLE = os.path.join(ROOT, "examples", "ride_duration", "bundle")
PARTITIONS = 2


def ride(i, sent_us=0):
    # Formatted by hand: json.dumps would make the load generator, not ferry, the bottleneck of
    # the latency runs on 2 cores.
    return (f'{{"ride_id": "{i}:{sent_us}", "sent_ms": {sent_us // 1000}, "PULocationID": {1 + i % 265}, '
            f'"DOLocationID": {1 + (i * 7) % 265}, "trip_distance": {round(0.5 + (i % 40) * 0.37, 2)}}}')


def produce_all(services, topic, n):
    producer = confluent_kafka.Producer({"bootstrap.servers": services.brokers, **h.KAFKA_09,
                                         "linger.ms": 20, "queue.buffering.max.messages": 500000})
    for i in range(n):
        while True:
            try:
                producer.produce(topic, ride(i))
                break
            except BufferError:
                producer.poll(0.01)
        if i % 10000 == 0:
            producer.poll(0)
    producer.flush(120)


def metric(port, name):
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as r:
            for line in r.read().decode().splitlines():
                if line.startswith(name):
                    return float(line.split()[-1])
    except OSError:
        pass
    return 0.0


MAX_RECORDS = 1000  # ferry's batch.max_records (--max-records)
# The low-latency profile of docs/stream.md: at 155,000 events/s waits of 5 ms gave p99 19-24 ms
# where 2 ms gave 34-54 ms (fewer, larger requests for the broker), for a median of 11 ms.
LATENCY_MAX_WAIT_MS = 5  # ferry's batch.max_wait_ms in the latency runs (--latency-max-wait-ms)
LATENCY_FETCH_WAIT_MS = 5  # ferry's fetch.wait.max.ms in the latency runs (--latency-fetch-wait-ms)
LATENCY_LINGER_MS = 1  # ferry's sink linger.ms in the latency runs
LATENCY_SETTINGS = []  # (path, value) overrides of ferry's config in the latency runs (--latency-set)
THROUGHPUT_SETTINGS = []  # (path, value) overrides in the throughput run (--throughput-set)
# Kafka 0.9's cost is per request more than per message: a reader fetching with
# fetch.min.bytes 1 and a generator sending every 1 ms burst with linger.ms 0 made thousands of
# small requests a second and took most of the broker's core from the system under test. The
# reader waits for 16 KiB (or its fetch.wait.max.ms, 2 ms) and the generator lingers 1 ms: both
# can only add to the latency measured (the send time is taken before the linger).
READER_PROPERTIES = ["fetch.min.bytes=16384"]  # of stream_load read (+ --reader-property)
GENERATOR_PROPERTIES = ["linger.ms=1"]  # of stream_load produce (+ --generator-property)
LATENCY_FETCH_MIN_BYTES = 16384  # ferry's source fetch.min.bytes in the latency runs


def set_path(config, path, value):
    """Sets config[a][b]... for path "a/b/..." (a number indexes a list); values under a
    librdkafka `properties` map stay strings, others are read as JSON when they parse."""
    keys = path.split("/")
    node = config
    for key in keys[:-1]:
        node = node[int(key)] if isinstance(node, list) else node.setdefault(key, {})
    if "properties" not in keys:
        try:
            value = json.loads(value)
        except ValueError:
            pass
    node[int(keys[-1]) if isinstance(node, list) else keys[-1]] = value


def ferry_config(services, topic, group, out, port, fetch_wait_ms=100, linger_ms=5, max_wait_ms=20):
    source = h.kafka_source(services, topic, group)
    source["kafka"]["properties"]["fetch.wait.max.ms"] = str(fetch_wait_ms)
    sink = h.kafka_sink(services, out)
    sink["kafka"]["properties"] = {**sink["kafka"]["properties"], "linger.ms": str(linger_ms)}
    return {"model": {"bundle": BUNDLE, "reload_seconds": 0}, "source": source,
            "events": {"id_field": "ride_id"}, "sinks": [sink],
            "batch": {"max_records": MAX_RECORDS, "max_wait_ms": max_wait_ms},
            "metrics": {"port": port, "host": "127.0.0.1"}}


def histogram_summary(port, name):
    """From a Prometheus histogram: the share of observations <= 20 ms and the buckets holding
    the median and the 99th percentile."""
    buckets = []
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as r:
        for line in r.read().decode().splitlines():
            if line.startswith(name + "_bucket"):
                le = line.split('le="')[1].split('"')[0]
                buckets.append((float("inf") if le == "+Inf" else float(le), float(line.split()[-1])))
    total = buckets[-1][1] if buckets else 0
    if not total:
        return "no observations"
    within = next((c for le, c in buckets if le == 0.02), 0) / total
    p50 = next(le for le, c in buckets if c >= 0.5 * total)
    p99 = next(le for le, c in buckets if c >= 0.99 * total)
    return f"{within:.1%} within 20 ms; p50 <= {p50 * 1000:g} ms, p99 <= {p99 * 1000:g} ms"


def stage_breakdown(log_text):
    """Mean ms per 1,000 events of each stage, from ferry's batch log lines."""
    batches = [json.loads(line) for line in log_text.splitlines() if '"event":"batch"' in line]
    events = sum(b["messages"] for b in batches) or 1
    stages = ("poll_ms", "decode_ms", "score_ms", "output_ms", "send_ms", "write_ms", "write_wait_ms",
              "commit_ms")
    per_k = {s: sum(b.get(s, 0) for b in batches) * 1000 / events for s in stages}
    polls = sorted(b.get("poll_ms", 0) for b in batches) or [0]
    return (f"{len(batches)} batches of {events / max(len(batches), 1):.0f} events; per 1,000 events: "
            + ", ".join(f"{s[:-3]} {v:.2f} ms" for s, v in per_k.items())
            + f"; longest polls {', '.join(f'{p:.1f}' for p in polls[-3:])} ms")


def run_ferry(services, workdir, n, group="bench-ferry"):
    port = h.free_port()
    config = ferry_config(services, "rides", group, "preds_ferry", port)
    config["metrics"]["log_batches"] = True
    for path, value in THROUGHPUT_SETTINGS:
        set_path(config, path, value)
    worker = h.Worker(config, workdir, "ferry-throughput-" + group)
    name = 'ferry_stream_events_in_total{source="kafka:rides"}'
    h.wait_until("ferry's first batch", lambda: metric(port, name) > 0, timeout=120, interval=0.01)
    broker = broker_pid(services)
    cpu_before = cpu_seconds(broker), cpu_seconds(worker.process.pid), jit_seconds(broker)
    start = time.time()
    first = metric(port, name)
    h.wait_until("ferry done", lambda: metric(port, name) >= n, timeout=1800, interval=0.05)
    elapsed = time.time() - start
    cpu = (cpu_seconds(broker) - cpu_before[0], cpu_seconds(worker.process.pid) - cpu_before[1],
           jit_seconds(broker) - cpu_before[2])
    worker.stop()
    print(f"  CPU seconds in the {elapsed:.1f} s: broker {cpu[0]:.1f} (its JIT compilers "
          f"{cpu[2]:.2f}), ferry {cpu[1]:.1f}", flush=True)
    print("  ferry stages (write overlaps the next batch's poll, decode and score; write_wait is "
          "what the loop still waited for it): " + stage_breakdown(worker.text()), flush=True)
    return (n - first) / elapsed


PY_CONSUMER = r"""
import datetime, json, sys, time, joblib, confluent_kafka
brokers, group, out, n, batch = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
k09 = {"api.version.request": "false", "broker.version.fallback": "0.9.0.1"}
model = joblib.load(sys.argv[6])
consumer = confluent_kafka.Consumer({"bootstrap.servers": brokers, **k09, "group.id": group,
    "auto.offset.reset": "earliest", "enable.auto.commit": False})
consumer.subscribe(["rides"])
producer = confluent_kafka.Producer({"bootstrap.servers": brokers, **k09, "linger.ms": 5})
COMMIT_INTERVAL_S = 1.0
done, start, last_commit = 0, None, time.time()
while done < n:
    msgs = [m for m in consumer.consume(num_messages=min(batch, n - done), timeout=0.5) if not m.error()]
    if not msgs:
        continue
    if start is None:
        start = time.time()
    events = [json.loads(m.value()) for m in msgs]
    feats = [{"PU_DO": f"{e['PULocationID']}_{e['DOLocationID']}", "trip_distance": e["trip_distance"]} for e in events]
    preds = model.predict(feats)
    # ferry's output event for this bundle: its outputs (duration, ride_id passed through, the
    # model_version constant) and one processing time per batch.
    processed_at = datetime.datetime.now(datetime.timezone.utc).isoformat(
        timespec="milliseconds").replace("+00:00", "Z")
    for e, p in zip(events, preds):
        producer.produce(out, json.dumps({"model": "ride_duration", "version": "1", "id": e["ride_id"],
                         "prediction": {"duration": float(p), "ride_id": e["ride_id"], "model_version": "1"},
                         "processed_at": processed_at}), key=e["ride_id"])
    producer.flush()
    done += len(msgs)
    # Offsets of delivered batches, sent at most once a second as ferry's default
    # source.kafka.commit_interval_ms does (and once more at the end, waiting for it).
    if time.time() - last_commit >= COMMIT_INTERVAL_S:
        consumer.commit(asynchronous=True)
        last_commit = time.time()
consumer.commit(asynchronous=False)
print(done / (time.time() - start))
"""


def run_python(services, n, batch, suffix=""):
    done = subprocess.run([sys.executable, "-c", PY_CONSUMER, services.brokers,
                           f"bench-py-{batch}{suffix}", f"preds_py_{batch}", str(n), str(batch),
                           os.path.join(BUNDLE, "model.joblib")],
                          capture_output=True, text=True, timeout=7200)
    if done.returncode != 0:
        raise RuntimeError(done.stderr)
    return float(done.stdout.strip().splitlines()[-1])


PY_LATENCY_READER = r"""
import json, resource, sys, time, confluent_kafka
brokers, seconds, topic, count = sys.argv[1], float(sys.argv[2]), sys.argv[3], int(sys.argv[4])
k09 = {"api.version.request": "false", "broker.version.fallback": "0.9.0.1"}
consumer = confluent_kafka.Consumer({"bootstrap.servers": brokers, **k09, "group.id": "bench-lat-reader-" + topic,
    "auto.offset.reset": "latest", "fetch.wait.max.ms": 2, "enable.auto.commit": False,
    "socket.nagle.disable": True})
consumer.subscribe([topic])
latencies, end = [], time.time() + seconds
# poll() returns as soon as one message is there; consume(timeout=0) then drains what is queued
# without waiting (consume with a timeout waits for num_messages or the whole timeout). The
# output key is the event id, "<i>:<send time in us>".
while time.time() < end and len(latencies) < count:
    first = consumer.poll(0.05)
    if first is None:
        continue
    for m in [first] + consumer.consume(num_messages=10000, timeout=0):
        if m.error():
            continue
        now = time.time() * 1e6
        sent = int(m.key().split(b":")[1])
        latencies.append((now - sent) / 1000.0)
consumer.close()
latencies.sort()
pct = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))] if latencies else float("nan")
usage = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({"received": len(latencies), "p50_ms": pct(0.5), "p90_ms": pct(0.9),
                  "p99_ms": pct(0.99), "max_ms": latencies[-1] if latencies else float("nan"),
                  "cpu_s": usage.ru_utime + usage.ru_stime}))
"""

def median(values):
    ordered = sorted(values)
    mid = len(ordered) // 2
    return ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2


def list_rates(values):
    return ", ".join(f"{v:,.0f}" for v in values)


def stat_cpu(path):
    """(name, user + system CPU seconds) from a /proc/.../stat file."""
    with open(path) as f:
        name, rest = f.read().split("(", 1)[1].rsplit(")", 1)
    fields = rest.split()
    return name, (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid):
    """User + system CPU seconds a process has used (from /proc), 0 if it is gone."""
    try:
        return stat_cpu(f"/proc/{pid}/stat")[1]
    except (OSError, IndexError, ValueError):
        return 0.0


def jit_seconds(pid):
    """CPU seconds of a JVM's JIT compiler threads (C1, C2), 0 if it is gone."""
    total = 0.0
    try:
        for tid in os.listdir(f"/proc/{pid}/task"):
            name, seconds = stat_cpu(f"/proc/{pid}/task/{tid}/stat")
            if name.startswith(("C1 ", "C2 ")):
                total += seconds
    except (OSError, IndexError, ValueError):
        pass
    return total


def broker_pid(services):
    with open(os.path.join(services.dir, "kafka.pid")) as f:
        return int(f.read().strip())


KAFKA_09_ARGS = [arg for key, value in h.KAFKA_09.items() for arg in ("-X", f"{key}={value}")]


def start_reader(harness, services, topic, count, seconds, warmup):
    """The latency reader process: stream_load read, or the old Python reader."""
    if harness == "python":
        return subprocess.Popen([sys.executable, "-c", PY_LATENCY_READER, services.brokers,
                                 str(warmup + seconds + 4), topic, str(count)],
                                stdout=subprocess.PIPE, text=True)
    return subprocess.Popen([harness, "read", "--brokers", services.brokers, "--topic", topic,
                             "--count", str(count), "--idle-timeout-s", "5", "--first-timeout-s",
                             str(warmup + 60), *KAFKA_09_ARGS,
                             *[a for kv in READER_PROPERTIES for a in ("-X", kv)]],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)


def produce_paced(harness, services, topic, rate, count):
    """Sends `count` events at `rate`: stream_load produce, or the old Python loop (1 ms ticks,
    in this process). Returns stream_load's report (sent, rate, max_backlog_ms, cpu_s)."""
    if harness != "python":
        done = subprocess.run([harness, "produce", "--brokers", services.brokers, "--topic",
                               topic, "--rate", str(rate), "--count", str(count), *KAFKA_09_ARGS,
                               *[a for kv in GENERATOR_PROPERTIES for a in ("-X", kv)]],
                              capture_output=True, text=True, timeout=count / rate * 3 + 120)
        if done.returncode != 0:
            raise RuntimeError(f"stream_load produce failed: {done.stderr}")
        return json.loads(done.stdout)
    cpu = resource.getrusage(resource.RUSAGE_SELF)
    producer = confluent_kafka.Producer({"bootstrap.servers": services.brokers, **h.KAFKA_09,
                                         "linger.ms": 0, "queue.buffering.max.messages": 500000,
                                         "socket.nagle.disable": True})
    start, i, backlog = time.time(), 0, 0
    while i < count:
        due = min(count, int((time.time() - start) * rate))
        backlog = max(backlog, due - i)
        now_us = int(time.time() * 1e6)
        while i < due:
            producer.produce(topic, ride(i, now_us))
            i += 1
        producer.poll(0)
        time.sleep(0.001)
    seconds = time.time() - start
    producer.flush(30)
    used = resource.getrusage(resource.RUSAGE_SELF)
    return {"sent": i, "rate": i / seconds, "max_backlog_ms": 1000 * backlog / rate,
            "cpu_s": used.ru_utime + used.ru_stime - cpu.ru_utime - cpu.ru_stime}


def run_latency(services, workdir, harness, rate, seconds, suffix="", python_reader=False):
    """Events carry their send time in the id; a separate reader process measures output
    arrival minus send time: consume + score + produce + commit + the reader's own fetch.
    `harness` is the stream_load binary (C++ load generator and reader) or "python" (the old
    Python ones, for comparison). With python_reader, the old Python reader also reads the
    same output topic. Returns (producer report, reader report[, Python reader's])."""
    topic_in, topic_out = "rides_lat" + suffix, "preds_lat" + suffix
    services.topic(topic_in, PARTITIONS)
    services.topic(topic_out, PARTITIONS)
    port = h.free_port()
    config = ferry_config(services, topic_in, "bench-lat" + suffix, topic_out, port,
                          fetch_wait_ms=LATENCY_FETCH_WAIT_MS, linger_ms=LATENCY_LINGER_MS,
                          max_wait_ms=LATENCY_MAX_WAIT_MS)
    config["source"]["kafka"]["properties"]["fetch.min.bytes"] = str(LATENCY_FETCH_MIN_BYTES)
    config["metrics"]["log_batches"] = True
    config["events"]["timestamp_field"] = "sent_ms"  # ferry's own send-to-commit histogram
    for path, value in LATENCY_SETTINGS:
        set_path(config, path, value)
    worker = h.Worker(config, workdir, "ferry-latency" + suffix)
    warmup = 8  # the consumer groups join
    count = int(rate * seconds)
    reader = start_reader(harness, services, topic_out, count, seconds, warmup)
    py_reader = None
    if python_reader and harness != "python":
        py_reader = start_reader("python", services, topic_out, count, seconds, warmup)
    time.sleep(warmup)
    broker = broker_pid(services)
    cpu_before = (cpu_seconds(broker), cpu_seconds(worker.process.pid))
    t_start = time.time()
    sent = produce_paced(harness, services, topic_in, rate, count)
    read = json.loads(reader.communicate(timeout=seconds + 120)[0])
    wall = time.time() - t_start
    cpu = (cpu_seconds(broker) - cpu_before[0], cpu_seconds(worker.process.pid) - cpu_before[1])
    results = [sent, read]
    if py_reader:
        results.append(json.loads(py_reader.communicate(timeout=seconds + 120)[0]))
    print(f"  load generator: {sent['sent']:,} events at {sent['rate']:,.0f} events/s "
          f"(asked {rate:,.0f}; at most {sent['max_backlog_ms']:.1f} ms behind schedule)",
          flush=True)
    print(f"  CPU seconds over the {wall:.1f} s of sending and reading (2 cores: {2 * wall:.1f} "
          f"available): broker {cpu[0]:.1f}, ferry {cpu[1]:.1f}, load generator "
          f"{sent['cpu_s']:.1f}, reader {read['cpu_s']:.1f}; load average "
          f"{os.getloadavg()[0]:.2f}", flush=True)
    print("  ferry's own view, event sent (ms clock) to its batch committed: "
          + histogram_summary(port, "ferry_stream_end_to_end_seconds"), flush=True)
    worker.stop()
    # ferry's own share: poll end to commit per batch, from its batch log lines.
    batches = sorted(json.loads(line)["processing_ms"] for line in worker.text().splitlines()
                     if '"event":"batch"' in line)
    own = (batches[len(batches) // 2], batches[int(len(batches) * 0.99)]) if batches else (0, 0)
    print(f"  ferry's batch processing (poll end to commit) p50 {own[0]:.2f} ms, "
          f"p99 {own[1]:.2f} ms over {len(batches)} batches", flush=True)
    return results


def latency_line(results):
    sent, read = results[0], results[1]
    line = (f"latency at {sent['rate']:,.0f} events/s (batch.max_wait_ms {LATENCY_MAX_WAIT_MS}, "
            f"fetch.wait.max.ms {LATENCY_FETCH_WAIT_MS}, fetch.min.bytes {LATENCY_FETCH_MIN_BYTES}, "
            f"linger.ms {LATENCY_LINGER_MS}"
            + "".join(f", {p} {v}" for p, v in LATENCY_SETTINGS) + f"): p50 {read['p50_ms']:.2f} ms, "
            f"p90 {read['p90_ms']:.2f} ms, p99 {read['p99_ms']:.2f} ms, max {read['max_ms']:.2f} ms "
            f"({read['received']:,}/{sent['sent']:,} received)")
    if len(results) > 2:
        py = results[2]
        line += (f"; Python reader on the same run: p50 {py['p50_ms']:.2f}, p90 {py['p90_ms']:.2f}, "
                 f"p99 {py['p99_ms']:.2f}, max {py['max_ms']:.2f} ms ({py['received']:,} received)")
    return line


def main():
    global MAX_RECORDS, LATENCY_MAX_WAIT_MS, LATENCY_FETCH_WAIT_MS
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=1000000)
    parser.add_argument("--per-message-events", type=int, default=2000)
    parser.add_argument("--warmup-passes", type=int, default=4,
                        help="unreported ferry passes that warm the broker's JIT up first")
    parser.add_argument("--passes", type=int, default=3,
                        help="measured passes of ferry and of the micro-batched Python consumer, "
                             "alternating; the table reports each one's median")
    parser.add_argument("--latency-seconds", type=int, default=15)
    parser.add_argument("--ferry", default=os.path.join(ROOT, "build", "ferry"))
    parser.add_argument("--stream-load", default="",
                        help="the stream_load binary (default: bench/stream/stream_load in the "
                             "build directory holding --ferry)")
    parser.add_argument("--latency-rates", default="",
                        help="extra comma-separated rates (events/s) for the latency run")
    parser.add_argument("--max-records", type=int, default=MAX_RECORDS,
                        help="ferry's batch.max_records")
    parser.add_argument("--latency-max-wait-ms", type=int, default=LATENCY_MAX_WAIT_MS,
                        help="ferry's batch.max_wait_ms in the latency runs")
    parser.add_argument("--latency-fetch-wait-ms", type=int, default=LATENCY_FETCH_WAIT_MS,
                        help="ferry's source fetch.wait.max.ms in the latency runs")
    parser.add_argument("--latency-set", action="append", default=[], metavar="PATH=VALUE",
                        help="override ferry's config in the latency runs, e.g. "
                             "batch/score_threads=1 or sinks/0/kafka/properties/linger.ms=1")
    parser.add_argument("--throughput-set", action="append", default=[], metavar="PATH=VALUE",
                        help="override ferry's config in the throughput run")
    parser.add_argument("--reader-property", action="append", default=[], metavar="KEY=VALUE",
                        help="a librdkafka property of the latency reader (stream_load read), "
                             "e.g. fetch.min.bytes=16384")
    parser.add_argument("--generator-property", action="append", default=[], metavar="KEY=VALUE",
                        help="a librdkafka property of the load generator (stream_load produce), "
                             "e.g. linger.ms=1")
    parser.add_argument("--latency-only", action="store_true",
                        help="only the --latency-rates runs (no throughput, no table)")
    parser.add_argument("--ferry-only", action="store_true",
                        help="only ferry's throughput (quick experiments; no table)")
    parser.add_argument("--python-harness", action="store_true",
                        help="latency runs with the old Python load generator and reader "
                             "instead of stream_load (for comparison)")
    parser.add_argument("--python-reader", action="store_true",
                        help="also run the old Python latency reader on the --latency-rates runs")
    args = parser.parse_args()
    MAX_RECORDS = args.max_records
    LATENCY_MAX_WAIT_MS = args.latency_max_wait_ms
    LATENCY_FETCH_WAIT_MS = args.latency_fetch_wait_ms
    LATENCY_SETTINGS.extend(tuple(s.split("=", 1)) for s in args.latency_set)
    THROUGHPUT_SETTINGS.extend(tuple(s.split("=", 1)) for s in args.throughput_set)
    READER_PROPERTIES.extend(args.reader_property)
    GENERATOR_PROPERTIES.extend(args.generator_property)
    os.environ["FERRY_BINARY"] = os.path.abspath(args.ferry)
    stream_load = os.path.abspath(args.stream_load or os.path.join(
        os.path.dirname(os.path.abspath(args.ferry)), "bench", "stream", "stream_load"))
    if not os.access(stream_load, os.X_OK):
        sys.exit(f"stream_load not found at {stream_load}: build the stream_load target in the "
                 "build directory of --ferry, or pass --stream-load")
    rates = [float(r) for r in args.latency_rates.split(",") if r]
    if args.python_harness:
        stream_load = "python"
    # The broker runs as Kafka ships it (kafka-server-start.sh's heap and GC), not with the test
    # suite's small heap: a full collection of that heap paused it for tens of milliseconds.
    # Its heap is touched at start (AlwaysPreTouch), as a long-running broker's heap has been:
    # this VM backs memory on first touch at about a fifth of the speed of touched memory (dd:
    # 557 MB/s against 2.8 GB/s), and a fresh broker faulting its heap in cost 15-25% of its
    # CPU in the first throughput passes (1.1-2.0 CPU-s a pass without, 1.1-1.5 with).
    os.environ.setdefault("FERRY_KAFKA_JVM_OPTIONS",
                          "-Xms1g -Xmx1g -XX:+UseG1GC -XX:MaxGCPauseMillis=20 "
                          "-XX:InitiatingHeapOccupancyPercent=35 -XX:+AlwaysPreTouch")
    services = h.Services()
    services.start("kafka")
    with tempfile.TemporaryDirectory(prefix="ferry-stream-bench-") as workdir:
        if args.latency_only:
            # The broker's JIT is cold right after its start: at 60,000 events/s the p99 of
            # three runs in a row fell as 474, 112, 47 ms. One unreported 30 s run at the first
            # rate warms it up (in the full benchmark, the throughput runs do).
            print("warming the broker up (not reported)", flush=True)
            run_latency(services, workdir, stream_load, rates[0], 30, "warmup")
            for n, rate in enumerate(rates):
                print(latency_line(run_latency(services, workdir, stream_load, rate,
                                               args.latency_seconds, str(n), args.python_reader)),
                      flush=True)
            services.stop()
            return
        services.topic("rides", PARTITIONS)
        t0 = time.time()
        produce_all(services, "rides", args.events)
        print(f"produced {args.events} events in {time.time() - t0:.1f} s", flush=True)
        # The broker's JIT compiles its hot paths over the first few million messages: after
        # one warm-up pass its compilers still took 0.23-0.31 CPU-s in each of the next two
        # passes, then 0.04-0.05, and the rate rose with it (514,000, 548,000, then
        # 578,000-583,000 events/s). Unreported passes (each its own consumer group) warm it up
        # for every consumer.
        for i in range(max(1, args.warmup_passes)):
            rate = run_ferry(services, workdir, args.events, f"bench-warmup-{i}")
            print(f"warm-up pass {i + 1} (not reported): {rate:,.0f} events/s", flush=True)
        # A ferry pass over 1M events lasts about 2 s, so one pass measures the shared
        # machine's moment as much as ferry: the passes alternate with the Python consumer's
        # (each its own consumer group over the same events) and the medians are compared.
        ferry_rates, py_rates = [], []
        for i in range(max(1, args.passes)):
            ferry_rates.append(run_ferry(services, workdir, args.events, f"bench-ferry-{i}"))
            print(f"ferry pass {i + 1}: {ferry_rates[-1]:,.0f} events/s (batch.max_records "
                  f"{MAX_RECORDS})", flush=True)
            if args.ferry_only:
                continue
            py_rates.append(run_python(services, args.events, 1000, f"-{i}"))
            print(f"python micro-batched pass {i + 1}: {py_rates[-1]:,.0f} events/s", flush=True)
        ferry_rate = median(ferry_rates)
        print(f"ferry: {ferry_rate:,.0f} events/s, the median of {list_rates(ferry_rates)}",
              flush=True)
        if args.ferry_only:
            services.stop()
            return
        py_batch = median(py_rates)
        print(f"python micro-batched: {py_batch:,.0f} events/s, the median of "
              f"{list_rates(py_rates)}; per-pass ratios "
              + ", ".join(f"{f / p:.1f}x" for f, p in zip(ferry_rates, py_rates)), flush=True)
        py_single = run_python(services, args.per_message_events, 1)
        print(f"python per message: {py_single:,.0f} events/s", flush=True)
        # As in --latency-only: the small-request paths of the broker warm up first (the
        # throughput runs did not exercise them; one cold run here had a p99 of 367 ms).
        print("warming the broker up at half of the peak (not reported)", flush=True)
        run_latency(services, workdir, stream_load, ferry_rate / 2, 30, "warmup")
        half = run_latency(services, workdir, stream_load, ferry_rate / 2, args.latency_seconds)
        print(latency_line(half) + f" [half of the peak {ferry_rate:,.0f}: asked "
              f"{ferry_rate / 2:,.0f}, sent {half[0]['rate']:,.0f}]", flush=True)
        extra = []
        for n, rate in enumerate(rates):
            extra.append(run_latency(services, workdir, stream_load, rate, args.latency_seconds,
                                     str(n), args.python_reader))
            print(latency_line(extra[-1]), flush=True)
    services.stop()
    print()
    print("| measure | ferry | Python micro-batched | Python per message | ratio vs micro-batched | target |")
    print("|---|---:|---:|---:|---|---|")
    print(f"| events/s end to end (consume, score, produce, commit), median of {len(ferry_rates)} | "
          f"{ferry_rate:,.0f} | {py_batch:,.0f} | "
          f"{py_single:,.0f} | {ferry_rate / py_batch:.1f}x | >= 10x: {'met' if ferry_rate >= 10 * py_batch else 'MISSED'} |")
    for i, (sent, read, *_) in enumerate([half] + extra):
        target = f"p99 < 20 ms: {'met' if read['p99_ms'] < 20 else 'MISSED'}" if i == 0 else ""
        print(f"| p50 / p90 / p99 / max end-to-end latency at {sent['rate']:,.0f} events/s (ms) | "
              f"{read['p50_ms']:.2f} / {read['p90_ms']:.2f} / {read['p99_ms']:.2f} / "
              f"{read['max_ms']:.2f} | | | | {target} |")


if __name__ == "__main__":
    main()
