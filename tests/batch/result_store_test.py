"""The flight_delays daily batch results reach the web page: `ferry score` with a
`shape: json` table output writes the day's predictions into the async API's result store,
and a real `ferry serve` on the same database answers GET /v1/requests/{id} with the same
prediction as its sync /predict, and lists the requests at /models/flight_delays/batch with
decoded labels. Once on SQLite (the application's database file), once on PostgreSQL when
scripts/services.sh can start it; and the configuration errors of the shape (exit 2). Driven
through the built binary (FERRY_BINARY).
"""

import html
import json
import os
import re
import random
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import unittest
import uuid
from datetime import datetime, timedelta, timezone

import pandas as pd
import requests

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "serve"))
import harness  # noqa: E402  (ferry serve on a free port)

ROOT = os.environ.get("FERRY_SOURCE_DIR", os.path.dirname(os.path.dirname(HERE)))
FERRY = os.environ.get("FERRY_BINARY", os.path.join(ROOT, "build", "ferry"))
FLIGHTS = os.path.join(ROOT, "examples", "flight_delays")
LABELS = ["Early (15+ Minutes Early)", "Slightly Early (0-15 Minute Early)",
          "Slightly Late (0-30 Minute Delay)", "Very Late (30+ Minutes Late)"]
PG_ENV = dict(os.environ, FERRY_SERVICES_DIR="/tmp/ferry-batch-results-services-%d" % os.getuid(),
              FERRY_PG_PORT="15454")
PG_URL = "postgresql://ferry@127.0.0.1:15454/postgres"
_STARTED_POSTGRES = False


def setUpModule():
    subprocess.run([os.path.join(ROOT, "scripts", "make-examples.sh"), "flight_delays"],
                   check=True, stdout=subprocess.DEVNULL)


def tearDownModule():
    harness.cleanup()
    if _STARTED_POSTGRES:
        subprocess.run([os.path.join(ROOT, "scripts", "services.sh"), "stop", "postgres"],
                       env=PG_ENV, capture_output=True, timeout=120)


def start_postgres():
    global _STARTED_POSTGRES
    p = subprocess.run([os.path.join(ROOT, "scripts", "services.sh"), "start", "postgres"],
                       env=PG_ENV, capture_output=True, text=True, timeout=120)
    _STARTED_POSTGRES = _STARTED_POSTGRES or p.returncode == 0
    return p.returncode == 0, p.stderr


def ferry(*args):
    p = subprocess.run([FERRY, *args], capture_output=True, text=True, timeout=120)
    return p.returncode, p.stdout, p.stderr


class DailyBatchOnTheWebPage(unittest.TestCase):
    """The application stored one day of prediction requests (UUIDs, received a few minutes
    ago); the daily job scores them into the result store; the server shows them."""

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="ferry-batch-results-")
        self.addCleanup(shutil.rmtree, self.tmp, True)
        flights = pd.read_csv(os.path.join(FLIGHTS, "data", "flights_2015.csv"), nrows=3000,
                              dtype={"FlightNum": str})
        self.day = sorted(flights.FlightDate.unique())[1]
        req = flights[flights.FlightDate == self.day][
            ["FlightDate", "Carrier", "Origin", "Dest", "DepDelay", "FlightNum"]].copy()
        rng = random.Random(7)
        req.insert(0, "request_id", [str(uuid.UUID(int=rng.getrandbits(128), version=4))
                                     for _ in range(len(req))])
        now = datetime.now(timezone.utc).replace(microsecond=0)
        req["requested_at"] = [(now - timedelta(minutes=5, seconds=i)).strftime("%Y-%m-%d %H:%M:%S")
                               for i in range(len(req))]
        req.iloc[-1, req.columns.get_loc("requested_at")] = "yesterday"  # rejected: not a time
        self.requests = req.reset_index(drop=True)
        self.app_db = os.path.join(self.tmp, "app.db")
        con = sqlite3.connect(self.app_db)
        self.requests.to_sql("prediction_requests", con, index=False)
        con.close()

    def job(self, table_url, table):
        path = os.path.join(self.tmp, "daily.yaml")
        with open(path, "w") as f:
            f.write(f"""
name: flight_delays_daily
bundle: {FLIGHTS}/bundle
input:
  sql:
    url: sqlite:app.db
    query: "SELECT * FROM prediction_requests WHERE FlightDate = :date"
output:
  table: {{url: "{table_url}", name: {table}, shape: json, received_at: requested_at}}
columns: {{row_id: request_id}}
""")
        return path

    def score_twice(self, job):
        for _ in range(2):  # a re-run upserts the same ids
            code, out, err = ferry("score", "--config", job, "--date", self.day)
            self.assertEqual(code, 0, err)
            summary = json.loads(out)
            self.assertEqual((summary["rows_written"], summary["rows_rejected"]),
                             (len(self.requests) - 1, 1), summary)
        with open(summary["rejects"]) as f:
            reject = json.loads(f.readline())
        self.assertIn("received_at (input column 'requested_at'): 'yesterday' is not a time",
                      reject["reason"])

    def check_served(self, results_url, table, count_rows):
        scored = self.requests.iloc[:-1]
        self.assertEqual(count_rows(), len(scored))  # one row per id after two runs
        state = os.path.join(self.tmp, "state")
        with harness.Server("--async-results", results_url, "--async-table", table,
                            "--state-dir", state, os.path.join(FLIGHTS, "bundle")) as server:
            for i in (0, len(scored) // 2, len(scored) - 1):
                row = scored.iloc[i]
                record = {k: row[k] for k in ["FlightDate", "Carrier", "Origin", "Dest",
                                              "FlightNum"]}
                record["DepDelay"] = float(row.DepDelay)
                got = requests.get(server.url + "/v1/requests/" + row.request_id, timeout=10)
                self.assertEqual(got.status_code, 200, got.text)
                got = got.json()
                sync = requests.post(server.url + "/v1/models/flight_delays/predict",
                                     json=record, timeout=10)
                self.assertEqual(sync.status_code, 200, sync.text)
                sync = sync.json()
                expected = dict(sync["predictions"][0], model="flight_delays",
                                version=sync["version"])
                self.assertEqual(got["status"], "OK", got)
                self.assertEqual(got["prediction"], expected)
                self.assertIn(got["prediction"]["delay_class"], LABELS)
                checked = (row.request_id, got["prediction"]["delay_class"])
                received = datetime.strptime(row.requested_at, "%Y-%m-%d %H:%M:%S")
                self.assertEqual(got["received_at"], received.strftime("%Y-%m-%dT%H:%M:%S.000Z"))
                self.assertLess(got["received_at"], got["processed_at"])
            today = datetime.now(timezone.utc).date()
            page = requests.get(server.url + "/models/flight_delays/batch",
                                params={"from": str(today - timedelta(days=1)),
                                        "to": str(today)},
                                headers={"Accept": "text/html"}, timeout=10)
            self.assertEqual(page.status_code, 200, page.text)
            self.assertIn("text/html", page.headers["Content-Type"])
            shown = dict(re.findall(r"<code>([0-9a-f-]{36})</code></td><td>([^<]*)</td>",
                                    page.text))
            self.assertEqual(sorted(shown), sorted(scored.request_id))  # not the rejected one
            for request_id, label in shown.items():
                self.assertIn(html.unescape(label), LABELS)
            self.assertEqual(html.unescape(shown[checked[0]]), checked[1])

    def test_sqlite_app_database(self):
        job = self.job("sqlite:app.db", "ferry_async_results")
        self.score_twice(job)
        con = sqlite3.connect(self.app_db)
        run = con.execute("SELECT job, period, rows, output_table FROM ferry_runs").fetchall()
        con.close()
        self.assertEqual(run, [("flight_delays_daily", self.day, len(self.requests) - 1,
                                "ferry_async_results")])

        def count_rows():
            con = sqlite3.connect(self.app_db)
            n = con.execute("SELECT count(*) FROM ferry_async_results").fetchone()[0]
            con.close()
            return n
        self.check_served("sqlite:///" + self.app_db, "ferry_async_results", count_rows)

    def test_configuration_errors_exit_two_and_say_what_to_change(self):
        cases = [
            ("shape: rows", "", "output.table.shape is 'rows': expected columns (default) or json"),
            ("shape: json, key: [request_id]", "", "a shape: json table is keyed on its id column"),
            ("received_at: requested_at", "", "output.table.received_at needs shape: json"),
            ("shape: json", "row_id: null", "set columns.row_id to the input column"),
        ]
        for table_keys, columns, message in cases:
            path = os.path.join(self.tmp, "bad.yaml")
            with open(path, "w") as f:
                f.write(f"""
bundle: {FLIGHTS}/bundle
input: {{sql: {{url: "sqlite:app.db", query: "SELECT * FROM prediction_requests"}}}}
output: {{table: {{url: "sqlite:app.db", name: results, {table_keys}}}}}
columns: {{{columns}}}
""")
            code, out, err = ferry("score", "--config", path, "--date", self.day)
            self.assertEqual(code, 2, (table_keys, out, err))
            self.assertIn(message, out + err, table_keys)

    def test_postgres_result_store(self):
        ok, why = start_postgres()
        if not ok:
            self.skipTest("PostgreSQL could not be started: " + why)
        table = "daily_results_%d" % os.getpid()
        self.addCleanup(subprocess.run, ["psql", PG_URL, "-c", f"DROP TABLE IF EXISTS {table}"],
                        capture_output=True)
        self.score_twice(self.job(PG_URL, table))

        def count_rows():
            q = subprocess.run(["psql", PG_URL, "-At", "-c", f"SELECT count(*) FROM {table}"],
                               capture_output=True, text=True, timeout=60)
            self.assertEqual(q.returncode, 0, q.stderr)
            return int(q.stdout.strip())
        self.check_served(PG_URL, table, count_rows)


if __name__ == "__main__":
    unittest.main(verbosity=2)
