"""The production setups of the asynchronous API, end to end: `ferry serve` queues requests
on a Kafka topic (results in PostgreSQL) or a Redis stream (results in SQLite), and separate
`ferry stream` worker processes consume them and write the results with a table sink of shape
json; GET /v1/requests/{id} on the server reads what the workers wrote, and each answer equals
the synchronous prediction of the same record. Kafka 0.9, Redis and PostgreSQL are started by
scripts/services.sh (tests/stream/stream_harness.py) on free ports and stopped at the end.
"""
import os
import sys
import tempfile
import time
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "serve"))
sys.path.insert(0, os.path.join(HERE, "..", "stream"))
import harness as h  # noqa: E402
import requests  # noqa: E402
import stream_harness as sh  # noqa: E402

RECORDS = [{"x1": 0.5 * i - 2, "x2": 1 - 0.3 * i, "tag": "r%d" % i} for i in range(8)]


def submit_all(server, records):
    ids = []
    for record in records:
        r = requests.post(server.url + "/v1/models/tiny/requests", json=record, timeout=30)
        assert r.status_code == 200 and r.json()["status"] == "OK", r.text
        ids.append(r.json()["id"])
    return ids


def check_answers(server, ids, records, timeout=60):
    for request_id, record in zip(ids, records):
        deadline = time.time() + timeout
        while True:
            r = requests.get(server.url + "/v1/requests/" + request_id, timeout=10)
            assert r.status_code == 200, r.text
            if r.json()["status"] != "WAIT" or time.time() > deadline:
                break
            time.sleep(0.1)
        done = r.json()
        sync = requests.post(server.url + "/v1/models/tiny/predict", json=record, timeout=10).json()
        expected = dict(sync["predictions"][0], model="tiny", version="1")
        assert done["status"] == "OK" and done["prediction"] == expected, (done, expected)


def worker_config(bundle, source, sink):
    return {"model": {"bundle": bundle},
            "source": source,
            "events": {"id_field": "id", "input_path": "inputs", "timestamp_field": "received_at"},
            "sinks": [sink],
            "dead_letter": sink,
            "batch": {"max_records": 50, "max_wait_ms": 50}}


def kafka_with_postgres(services, bundle, workdir):
    services.topic("requests-tiny", 2)
    queue = ("kafka://%s/requests-{model}?api.version.request=false"
             "&broker.version.fallback=0.9.0.1" % services.brokers)
    sink = {"postgres": {"url": services.pg_url, "table": "ferry_async_results", "shape": "json"}}
    source = sh.kafka_source(services, "requests-tiny", "async-workers")
    with h.Server(bundle, "--async-queue", queue, "--async-results", services.pg_url,
                  "--state-dir", os.path.join(workdir, "state")) as server:
        assert "queue kafka:" in server.log() and "results postgresql://" in server.log(), server.log()
        workers = [sh.Worker(worker_config(bundle, source, sink), workdir, "kafka-%d" % i)
                   for i in range(2)]
        try:
            ids = submit_all(server, RECORDS)
            check_answers(server, ids, RECORDS)
            rows = services.pg_rows("SELECT COUNT(*) FROM ferry_async_results WHERE event IS NOT NULL")
            assert rows and rows[0][0] == len(RECORDS), rows
        finally:
            for w in workers:
                code = w.stop()
                assert code == 0, (code, w.text())


def redis_with_sqlite(services, bundle, workdir):
    db = os.path.join(workdir, "results.db")
    queue = "%s/requests-{model}" % services.redis_url
    sink = {"sqlite": {"url": "sqlite://" + db, "table": "ferry_async_results", "shape": "json"}}
    source = {"redis": {"url": services.redis_url, "stream": "requests-tiny", "group": "async"}}
    with h.Server(bundle, "--async-queue", queue, "--async-results", "sqlite://" + db,
                  "--state-dir", os.path.join(workdir, "state")) as server:
        worker = sh.Worker(worker_config(bundle, source, sink), workdir, "redis")
        try:
            ids = submit_all(server, RECORDS)
            entries = services.redis().xrange("requests-tiny")
            assert {f["id"] for _, f in entries} == set(ids), entries
            check_answers(server, ids, RECORDS)
        finally:
            code = worker.stop()
            assert code == 0, (code, worker.text())
    rows = sh.sqlite_rows(db, "SELECT id, model, version FROM ferry_async_results")
    assert sorted(r[0] for r in rows) == sorted(ids) and all(r[1:] == ("tiny", "1") for r in rows), rows


def broker_down(bundle, workdir):
    """A queue that cannot be reached: 503, nothing left waiting in the result store."""
    db = os.path.join(workdir, "down.db")
    port = sh.free_port()
    with h.Server(bundle, "--async-queue", "redis://127.0.0.1:%d/q" % port,
                  "--async-results", "sqlite://" + db,
                  "--state-dir", os.path.join(workdir, "state-down")) as server:
        r = requests.post(server.url + "/v1/models/tiny/requests", json=RECORDS[0], timeout=30)
        assert r.status_code == 503 and "could not be queued" in r.json()["error"], r.text
    assert sh.sqlite_rows(db, "SELECT COUNT(*) FROM ferry_async_results") == [(0,)]


def main():
    h.check_binary()
    bundle = h.copy_bundle(h.temp_dir("bundle-"), "tiny", "1")
    services = sh.Services()
    services.start("all")
    failures = []
    with tempfile.TemporaryDirectory(prefix="ferry-async-broker-") as workdir:
        for name, fn, args in [("kafka_with_postgres", kafka_with_postgres, (services, bundle)),
                               ("redis_with_sqlite", redis_with_sqlite, (services, bundle)),
                               ("broker_down", broker_down, (bundle,))]:
            print("[ RUN  ] " + name, flush=True)
            scenario_dir = os.path.join(workdir, name)
            os.makedirs(scenario_dir)
            try:
                fn(*args, scenario_dir)
                print("[  OK  ] " + name, flush=True)
            except Exception:
                failures.append(name)
                traceback.print_exc()
                for log in sorted(os.listdir(scenario_dir)):
                    if log.endswith(".log"):
                        with open(os.path.join(scenario_dir, log)) as f:
                            print("--- %s\n%s" % (log, "".join(f.readlines()[-30:])))
                print("[FAILED] " + name, flush=True)
    services.stop()
    h.cleanup()
    if failures:
        sys.exit("async broker tests failed: " + ", ".join(failures))
    print("all async broker tests passed")


if __name__ == "__main__":
    main()
