"""Behaviour of `ferry score` and `ferry backfill` on the ride_duration and flight_delays
examples, driven through the built binary (FERRY_BINARY) with Debian's Python.

Covers: month-by-month scoring from Parquet (written by DuckDB) into partitioned Parquet
read back by DuckDB and compared with pandas + scikit-learn; CSV/JSONL outputs; a re-run
replacing exactly its partition; a 6-month backfill (skips, --force); a run killed with
SIGKILL or stopped with SIGTERM leaving no visible output; every exit code; rejects with
their source positions; the flight_delays daily job reading the day's requests from SQLite
by date and writing predictions back; and a PostgreSQL table output when scripts/services.sh
can start PostgreSQL.
"""

import csv
import glob
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import unittest

import joblib
import numpy as np
import pandas as pd

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.environ.get("FERRY_SOURCE_DIR", os.path.dirname(os.path.dirname(HERE)))
FERRY = os.environ.get("FERRY_BINARY", os.path.join(ROOT, "build", "ferry"))
RIDES = os.path.join(ROOT, "examples", "ride_duration")
FLIGHTS = os.path.join(ROOT, "examples", "flight_delays")
MONTHS = ["2021-01", "2021-02", "2021-03", "2021-04", "2021-05", "2021-06"]


def setUpModule():
    subprocess.run([os.path.join(ROOT, "scripts", "make-examples.sh"), "ride_duration",
                    "flight_delays"], check=True, stdout=subprocess.DEVNULL)


PG_ENV = dict(os.environ, FERRY_SERVICES_DIR="/tmp/ferry-batch-services-%d" % os.getuid(),
              FERRY_PG_PORT="15452")
_STARTED_POSTGRES = False


def tearDownModule():
    if _STARTED_POSTGRES:
        subprocess.run([os.path.join(ROOT, "scripts", "services.sh"), "stop", "postgres"],
                       env=PG_ENV, capture_output=True, timeout=120)


def temp_dir(test, prefix):
    path = tempfile.mkdtemp(prefix=prefix)
    test.addCleanup(shutil.rmtree, path, True)
    return path


def ferry(*args, timeout=120):
    p = subprocess.run([FERRY, *args], capture_output=True, text=True, timeout=timeout)
    return p.returncode, p.stdout, p.stderr


def duckdb(sql):
    p = subprocess.run(["node", os.path.join(HERE, "duckdb_sql.mjs"), sql], capture_output=True,
                       text=True, timeout=120, cwd=HERE)
    if p.returncode != 0:
        raise AssertionError("duckdb failed: " + p.stderr)
    return json.loads(p.stdout)


def read_text(path):
    with open(path) as f:
        return f.read()


def write_config(path, text):
    with open(path, "w") as f:
        f.write(text)
    return path


def ride_job(tmp, fmt="parquet", input_path=None, extra=""):
    input_path = input_path or os.path.join(RIDES, "data", "green_tripdata_{date:%Y-%m}.csv")
    return write_config(os.path.join(tmp, "job.yaml"), f"""
name: ride_duration_monthly
bundle: {RIDES}/bundle
period: month
vars: {{taxi_type: green}}
input:
  paths: {input_path}
  skip_if_missing: true
  chunk_rows: 2000
output:
  path: out/taxi_type={{taxi_type}}/year={{year}}/month={{month}}/
  format: {fmt}
columns:
  passthrough: [lpep_pickup_datetime, PULocationID, DOLocationID, trip_distance]
  row_id: ride_id
threads: 2
{extra}""")


_MODEL = None


def sklearn_durations(frame):
    global _MODEL
    if _MODEL is None:
        _MODEL = joblib.load(os.path.join(RIDES, "bundle", "model.joblib"))
    f = frame.copy()
    f["PU_DO"] = f.PULocationID.astype(str) + "_" + f.DOLocationID.astype(str)
    return _MODEL.predict(f[["PU_DO", "trip_distance"]].to_dict("records"))


def visible_files(root):
    """Every file under root that a reader would see (no hidden or staging paths)."""
    out = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        out += [os.path.join(dirpath, f) for f in filenames if not f.startswith(".")]
    return sorted(out)


class RideDurationTest(unittest.TestCase):
    def setUp(self):
        self.tmp = temp_dir(self, "ferry-batch-")

    def score(self, job, date, *more):
        code, out, err = ferry("score", "--config", job, "--date", date, *more)
        summary = json.loads(out.strip().splitlines()[-1]) if out.strip() else {}
        return code, summary, err

    def test_month_by_month_parquet_in_and_out_matches_sklearn(self):
        pq = os.path.join(self.tmp, "parquet_in")
        os.makedirs(pq)
        for m in MONTHS[:3]:
            src = os.path.join(RIDES, "data", f"green_tripdata_{m}.csv")
            duckdb(f"COPY (SELECT * FROM read_csv_auto('{src}')) TO "
                   f"'{pq}/green_tripdata_{m}.parquet' (FORMAT PARQUET)")
        job = ride_job(self.tmp, "parquet", pq + "/green_tripdata_{date:%Y-%m}.parquet")
        for m in MONTHS[:3]:
            code, summary, err = self.score(job, m + "-01")
            self.assertEqual(code, 0, err)
            self.assertEqual(summary["status"], "ok")
            self.assertEqual(summary["rows_read"], summary["rows_written"])
        out = os.path.join(self.tmp, "out")
        for m in MONTHS[:3]:
            part = f"{out}/taxi_type=green/year=2021/month={m[5:]}"
            self.assertTrue(os.path.exists(part + "/_SUCCESS"), part)
            rows = duckdb(f"SELECT * FROM read_parquet('{part}/*.parquet') ")
            frame = pd.read_csv(os.path.join(RIDES, "data", f"green_tripdata_{m}.csv"))
            self.assertEqual(len(rows), len(frame))
            expected = sklearn_durations(frame)
            for i in list(range(0, len(rows), 97)) + [len(rows) - 1]:
                r = rows[i]
                self.assertEqual(int(r["PULocationID"]), frame.PULocationID[i])
                self.assertAlmostEqual(float(r["duration"]), expected[i], delta=1e-9)
                self.assertEqual(r["model_version"], "1")
                self.assertRegex(r["ride_id"], r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab]")
        # The whole dataset, hive-partitioned, as a reader would query it.
        counts = duckdb(f"SELECT month, count(*) AS n FROM read_parquet('{out}/*/*/*/*.parquet', "
                        "hive_partitioning=true) GROUP BY month ORDER BY month")
        self.assertEqual([int(c["month"]) for c in counts], [1, 2, 3])

    def test_csv_output_label_difference_and_rerun_replaces_only_its_partition(self):
        data = os.path.join(self.tmp, "data")
        os.makedirs(data)
        for m in MONTHS[:2]:
            frame = pd.read_csv(os.path.join(RIDES, "data", f"green_tripdata_{m}.csv"))
            minutes = (pd.to_datetime(frame.lpep_dropoff_datetime) -
                       pd.to_datetime(frame.lpep_pickup_datetime)).dt.total_seconds() / 60
            frame["actual_duration"] = minutes
            frame.to_csv(f"{data}/green_tripdata_{m}.csv", index=False)
        job = ride_job(self.tmp, "csv", data + "/green_tripdata_{date:%Y-%m}.csv")
        text = read_text(job).replace("  row_id: ride_id\n",
                                        "  row_id: ride_id\n  label: actual_duration\n"
                                        "  difference: duration_error\n")
        write_config(job, text)
        for m in MONTHS[:2]:
            self.assertEqual(self.score(job, m + "-01")[0], 0)
        jan = f"{self.tmp}/out/taxi_type=green/year=2021/month=01"
        feb = f"{self.tmp}/out/taxi_type=green/year=2021/month=02"
        jan_stat = os.stat(jan + "/part-00000.csv")
        feb_before = read_text(feb + "/part-00000.csv")
        out = pd.read_csv(feb + "/part-00000.csv")
        src = pd.read_csv(f"{data}/green_tripdata_2021-02.csv")
        np.testing.assert_allclose(out.duration, sklearn_durations(src), rtol=0, atol=1e-9)
        np.testing.assert_allclose(out.duration_error, src.actual_duration - out.duration,
                                   rtol=0, atol=1e-9)
        self.assertEqual(list(out.columns),
                         ["ride_id", "lpep_pickup_datetime", "PULocationID", "DOLocationID",
                          "trip_distance", "duration", "model_version", "duration_error"])
        # Re-run February: new row ids, same predictions; January untouched.
        code, summary, _ = self.score(job, "2021-02-01")
        self.assertEqual(code, 0)
        feb_after = read_text(feb + "/part-00000.csv")
        self.assertNotEqual(feb_before, feb_after)
        self.assertEqual(pd.read_csv(feb + "/part-00000.csv").duration.tolist(),
                         out.duration.tolist())
        self.assertEqual(os.stat(jan + "/part-00000.csv").st_ino, jan_stat.st_ino)
        self.assertEqual(os.stat(jan + "/part-00000.csv").st_mtime_ns, jan_stat.st_mtime_ns)
        self.assertEqual(visible_files(self.tmp + "/out"),
                         sorted([jan + "/part-00000.csv", jan + "/_SUCCESS",
                                 feb + "/part-00000.csv", feb + "/_SUCCESS"]))
        self.assertEqual([p for p in os.listdir(self.tmp + "/out/taxi_type=green/year=2021")
                          if p.startswith(".")], [])

    def test_model_from_repository_by_alias_or_latest(self):
        repo = os.path.join(self.tmp, "repo", "ride_duration")
        for version in ("1", "2"):
            os.makedirs(os.path.join(repo, version))
            os.link(os.path.join(RIDES, "bundle", "model.joblib"),
                    os.path.join(repo, version, "model.joblib"))
            write_config(os.path.join(repo, version, "ferry.yaml"),
                         read_text(os.path.join(RIDES, "bundle", "ferry.yaml")).replace(
                             'version: "1"', f'version: "{version}"'))
        write_config(os.path.join(repo, "config.yaml"), "version_policy: all\n")
        write_config(os.path.join(repo, "aliases.yaml"), 'production: "1"\n')
        for alias, expected in (("production", "1"), (None, "2")):
            model = f"model: {{repository: repo, name: ride_duration{', alias: ' + alias if alias else ''}}}"
            job = write_config(os.path.join(self.tmp, "job.yaml"), read_text(
                ride_job(self.tmp, "csv")).replace(f"bundle: {RIDES}/bundle", model))
            code, summary, err = self.score(job, "2021-03-01")
            self.assertEqual(code, 0, err)
            out = pd.read_csv(summary["outputs"][0], dtype={"model_version": str})
            self.assertEqual(set(out.model_version), {expected})

    def test_backfill_six_months_skips_published_and_force_reruns(self):
        job = ride_job(self.tmp, "jsonl")
        code, out, err = ferry("backfill", "--config", job, "--from", "2021-01-01", "--to",
                               "2021-06-30", "--every", "month", "--parallel", "2", timeout=300)
        self.assertEqual(code, 0, out + err)
        lines = out.strip().splitlines()
        self.assertEqual(len(lines), 7, out)
        for m, line in zip(MONTHS, lines[1:]):
            self.assertTrue(line.startswith(m + "-01") and " ok " in line, line)
            part = f"{self.tmp}/out/taxi_type=green/year=2021/month={m[5:]}"
            rows = len(read_text(part + "/part-00000.jsonl").splitlines())
            self.assertEqual(rows, len(pd.read_csv(f"{RIDES}/data/green_tripdata_{m}.csv")))
        code, out, _ = ferry("backfill", "--config", job, "--from", "2021-01-01", "--to",
                             "2021-06-01", "--every", "month")
        self.assertEqual(code, 0)
        self.assertEqual(out.count("skipped"), 6, out)
        code, out, _ = ferry("backfill", "--config", job, "--from", "2021-05-01", "--to",
                             "2021-07-01", "--every", "month", "--force", "--json")
        self.assertEqual(code, 0, out)
        statuses = [json.loads(l)["status"] for l in out.strip().splitlines()]
        self.assertEqual(statuses, ["ok", "ok", "nothing_to_do"])

    def big_input(self, copies=25):
        path = os.path.join(self.tmp, "big_2021-01.csv")
        src = read_text(os.path.join(RIDES, "data", "green_tripdata_2021-01.csv"))
        header, body = src.split("\n", 1)
        with open(path, "w") as f:
            f.write(header + "\n" + body * copies)
        return path

    def start_big_run(self):
        self.big_input()
        job = ride_job(self.tmp, "csv", self.tmp + "/big_{date:%Y-%m}.csv")
        proc = subprocess.Popen([FERRY, "score", "--config", job, "--date", "2021-01-01"],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        parent = f"{self.tmp}/out/taxi_type=green/year=2021"
        deadline = time.time() + 60
        while time.time() < deadline:
            staging = glob.glob(parent + "/.month=01.ferry-tmp-*/part-*")
            if staging and os.path.getsize(staging[0]) > 0:
                break
            time.sleep(0.02)
        else:
            proc.kill()
            self.fail("the run never started writing")
        return proc, job, parent

    def test_killed_run_leaves_no_visible_output_and_next_run_cleans_up(self):
        proc, job, parent = self.start_big_run()
        proc.send_signal(signal.SIGKILL)
        proc.communicate(timeout=60)
        self.assertEqual(visible_files(self.tmp + "/out"), [])
        self.assertTrue(glob.glob(parent + "/.month=01.ferry-tmp-*"))  # only hidden staging
        code, summary, err = self.score(job, "2021-01-01")
        self.assertEqual(code, 0, err)
        self.assertEqual(summary["rows_written"], summary["rows_read"])
        self.assertGreater(summary["rows_read"], 400000)
        self.assertEqual(glob.glob(parent + "/.month=01.ferry-tmp-*"), [])
        self.assertTrue(os.path.exists(parent + "/month=01/_SUCCESS"))

    def test_sigterm_stops_cleanly_without_publishing(self):
        proc, job, parent = self.start_big_run()
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=60)
        self.assertEqual(proc.returncode, 1, err)
        self.assertEqual(json.loads(out)["status"], "interrupted")
        self.assertEqual(visible_files(self.tmp + "/out"), [])
        self.assertEqual(glob.glob(parent + "/.month=01.ferry-tmp-*"), [])


class ExitCodeTest(unittest.TestCase):
    def setUp(self):
        self.tmp = temp_dir(self, "ferry-batch-exit-")

    def test_zero_and_ninety_nine(self):
        job = ride_job(self.tmp, "csv")
        self.assertEqual(ferry("score", "--config", job, "--date", "2021-03-01")[0], 0)
        code, out, _ = ferry("score", "--config", job, "--date", "2021-12-01")
        self.assertEqual(code, 99)
        self.assertEqual(json.loads(out)["status"], "nothing_to_do")

    def test_one_when_input_is_late_or_database_down(self):
        path = ride_job(self.tmp, "csv")
        text = read_text(path).replace("skip_if_missing: true", "skip_if_missing: false")
        write_config(path, text)
        code, out, err = ferry("score", "--config", path, "--date", "2021-12-01")
        self.assertEqual(code, 1, err)
        self.assertIn("no input file matches", err)
        sql = write_config(os.path.join(self.tmp, "sql.yaml"), f"""
bundle: {RIDES}/bundle
input: {{sql: {{url: "postgresql://nobody@127.0.0.1:1/none?connect_timeout=2", query: "SELECT 1"}}}}
output: {{path: "out/{{date}}/", format: csv}}
""")
        code, _, err = ferry("score", "--config", sql, "--date", "2021-03-01")
        self.assertEqual(code, 1, err)

    def test_two_for_bad_config_or_bad_input(self):
        bad_key = write_config(os.path.join(self.tmp, "bad.yaml"), f"""
bundle: {RIDES}/bundle
inputs: {{paths: x.csv}}
output: {{path: out/, format: csv}}
""")
        code, _, err = ferry("score", "--config", bad_key, "--date", "2021-03-01")
        self.assertEqual(code, 2)
        self.assertIn("unknown key 'inputs'", err)
        self.assertIn("bad.yaml:3:1", err)
        no_bundle = ride_job(self.tmp, "csv")
        text = read_text(no_bundle).replace(f"{RIDES}/bundle", self.tmp + "/missing")
        write_config(no_bundle, text)
        self.assertEqual(ferry("score", "--config", no_bundle, "--date", "2021-03-01")[0], 2)
        self.assertEqual(ferry("score", "--config", self.tmp + "/nope.yaml")[0], 2)
        job = ride_job(self.tmp, "csv")
        self.assertEqual(ferry("score", "--config", job, "--date", "2021-13-01")[0], 2)
        unknown_var = write_config(os.path.join(self.tmp, "var.yaml"), read_text(job).replace(
            "month={month}", "month={mnth}"))
        code, _, err = ferry("score", "--config", unknown_var, "--date", "2021-03-01")
        self.assertEqual(code, 2)
        self.assertIn("unknown template variable '{mnth}'", err)
        table = write_config(os.path.join(self.tmp, "table.yaml"), read_text(job).replace(
            "output:\n  path: out/taxi_type={taxi_type}/year={year}/month={month}/\n  format: csv",
            "output:\n  table: {url: 'sqlite:out.db', name: rides}"))
        code, _, err = ferry("score", "--config", table, "--date", "2021-03-01", "--shard", "1/2")
        self.assertEqual(code, 2, err)
        self.assertIn("need output.table.key", err)
        # A Parquet input that is not Parquet: bad input, not worth retrying.
        fake = os.path.join(self.tmp, "rides_2021-03.parquet")
        with open(fake, "w") as f:
            f.write("PULocationID,DOLocationID\n1,2\n")
        pq = write_config(os.path.join(self.tmp, "pq.yaml"), read_text(job).replace(
            f"{RIDES}/data/green_tripdata_", self.tmp + "/rides_").replace(".csv", ".parquet"))
        code, _, err = ferry("score", "--config", pq, "--date", "2021-03-01")
        self.assertEqual(code, 2, err)
        self.assertEqual(visible_files(self.tmp + "/out"), [])

    def test_three_for_rejects_above_threshold_with_reject_file(self):
        data = os.path.join(self.tmp, "rides_2021-03.csv")
        with open(data, "w") as f:
            f.write("PULocationID,DOLocationID,trip_distance\n43,151,1.5\n0,151,1.0\n"
                    "43,151,-3\n74,75,2.0\n")
        job = ride_job(self.tmp, "csv", self.tmp + "/rides_{date:%Y-%m}.csv",
                       "rejects: {max_rows: 1}\n")
        code, out, err = ferry("score", "--config", job, "--date", "2021-03-01")
        self.assertEqual(code, 3, err)
        summary = json.loads(out)
        self.assertEqual((summary["rows_read"], summary["rows_rejected"]), (4, 2))
        self.assertEqual(visible_files(self.tmp + "/out/taxi_type=green/year=2021/month=03")
                         if os.path.exists(self.tmp + "/out/taxi_type=green/year=2021/month=03")
                         else [], [])
        rejects = [json.loads(l) for l in read_text(summary["rejects"]).splitlines()]
        self.assertEqual([(r["line"], r["source"]) for r in rejects], [(3, data), (4, data)])
        self.assertIn("PULocationID", rejects[0]["reason"])
        self.assertEqual(rejects[1]["record"]["trip_distance"], -3)
        # Below the threshold the partition is published and the rejects stay beside it.
        job = ride_job(self.tmp, "csv", self.tmp + "/rides_{date:%Y-%m}.csv",
                       "rejects: {max_fraction: 0.5}\n")
        code, out, _ = ferry("score", "--config", job, "--date", "2021-03-01")
        self.assertEqual(code, 0)
        self.assertEqual(len(pd.read_csv(
            self.tmp + "/out/taxi_type=green/year=2021/month=03/part-00000.csv")), 2)

    def test_progress_bar_only_on_a_terminal(self):
        job = ride_job(self.tmp, "csv")
        code, _, err = ferry("score", "--config", job, "--date", "2021-04-01")
        self.assertEqual(code, 0)
        self.assertNotIn("rows/s", err)
        # `script` gives the run a pseudo-terminal, as an interactive user has.
        p = subprocess.run(["script", "-qec", f"{FERRY} score --config {job} --date 2021-04-01",
                            "/dev/null"], capture_output=True, text=True, timeout=120)
        self.assertEqual(p.returncode, 0, p.stdout)
        self.assertRegex(p.stdout, r"\] +\d+% [0-9.k]+ rows [0-9.k]+ rows/s ETA \d+s")

    def test_jsonl_input_keeps_its_row_ids(self):
        src = os.path.join(RIDES, "requests", "sample.jsonl")
        data = os.path.join(self.tmp, "requests_2021-03.jsonl")
        shutil.copy(src, data)
        job = ride_job(self.tmp, "jsonl", self.tmp + "/requests_{date:%Y-%m}.jsonl")
        code, out, err = ferry("score", "--config", job, "--date", "2021-03-01")
        self.assertEqual(code, 0, err)
        sent = pd.read_json(src, lines=True)
        got = pd.read_json(json.loads(out)["outputs"][0], lines=True)
        self.assertEqual(got.ride_id.tolist(), sent.ride_id.tolist())
        np.testing.assert_allclose(got.duration, sklearn_durations(sent), rtol=0, atol=1e-9)

    def test_shards_split_rows_and_publish_together(self):
        job = ride_job(self.tmp, "csv")
        total = 0
        for i in range(3):
            code, out, err = ferry("score", "--config", job, "--date", "2021-01-01",
                                   "--shard", f"{i}/3")
            self.assertEqual(code, 0, err)
            part = f"{self.tmp}/out/taxi_type=green/year=2021/month=01"
            self.assertEqual(os.path.exists(part + "/_SUCCESS"), i == 2)
            total += len(pd.read_csv(f"{part}/part-{i:05d}.csv"))
        self.assertEqual(total, len(pd.read_csv(f"{RIDES}/data/green_tripdata_2021-01.csv")))
        self.assertEqual(ferry("score", "--config", job, "--shard", "3/3")[0], 2)


class FlightDelaysDailyTest(unittest.TestCase):
    """The daily job: today's prediction requests from the application's database, by date,
    predictions written back to a table of the same database (upsert on the request id)."""

    def test_sqlite_requests_by_date_scored_back_into_a_table(self):
        tmp = temp_dir(self, "ferry-batch-flights-")
        db = os.path.join(tmp, "app.db")
        flights = pd.read_csv(os.path.join(FLIGHTS, "data", "flights_2015.csv"), nrows=4000)
        cols = ["FlightDate", "Carrier", "Origin", "Dest", "DepDelay", "FlightNum"]
        req = flights[cols].copy()
        req.insert(0, "request_id", [f"r{i}" for i in range(len(req))])
        con = sqlite3.connect(db)
        req.to_sql("prediction_requests", con, index=False)
        con.close()
        day = sorted(req.FlightDate.unique())[1]
        job = write_config(os.path.join(tmp, "daily.yaml"), f"""
name: flight_delays_daily
bundle: {FLIGHTS}/bundle
input:
  sql:
    url: sqlite:app.db
    query: >-
      SELECT request_id, FlightDate, Carrier, Origin, Dest, DepDelay, FlightNum
      FROM prediction_requests WHERE FlightDate >= :start_date AND FlightDate < :end_date
      ORDER BY request_id
output:
  table: {{url: "sqlite:app.db", name: delay_predictions, key: [request_id]}}
columns:
  row_id: request_id
  passthrough: [FlightDate]
""")
        for when in (["--date", day], ["--interval-start", day, "--interval-end",
                                       str((pd.Timestamp(day) + pd.Timedelta(days=1)).date())]):
            code, out, err = ferry("score", "--config", job, *when)  # a re-run upserts
            self.assertEqual(code, 0, err)
        todays = req[req.FlightDate == day].reset_index(drop=True)
        con = sqlite3.connect(db)
        got = pd.read_sql("SELECT * FROM delay_predictions ORDER BY request_id", con)
        con.close()
        self.assertEqual(len(got), len(todays))
        self.assertEqual(sorted(got.request_id), sorted(todays.request_id))
        # scikit-learn on the same features the bundle derives.
        model = joblib.load(os.path.join(FLIGHTS, "bundle", "model.joblib"))
        dist = pd.read_csv(os.path.join(FLIGHTS, "bundle", "data", "origin_dest_distances.csv"))
        f = todays.merge(dist, on=["Origin", "Dest"], how="left").fillna({"Distance": 0})
        dates = pd.to_datetime(f.FlightDate)
        f["Route"] = f.Origin + "-" + f.Dest
        f["DayOfMonth"], f["DayOfWeek"], f["DayOfYear"] = dates.dt.day, dates.dt.dayofweek, dates.dt.dayofyear
        feats = f[["DepDelay", "Carrier", "Origin", "Dest", "Route", "Distance", "DayOfMonth",
                   "DayOfWeek", "DayOfYear"]].to_dict("records")
        labels = {0: "Early (15+ Minutes Early)", 1: "Slightly Early (0-15 Minute Early)",
                  2: "Slightly Late (0-30 Minute Delay)", 3: "Very Late (30+ Minutes Late)"}
        expected = dict(zip(f.request_id, [labels[int(c)] for c in model.predict(feats)]))
        mismatches = [r for r in got.itertuples() if expected[r.request_id] != r.delay_class]
        self.assertEqual(mismatches, [])
        self.assertTrue((got.model_version == "1").all())


class SchedulerTest(unittest.TestCase):
    """A per-minute schedule on a clock running 60x faster than real time."""

    def test_cron_jobs_run_retry_never_overlap_and_are_recorded(self):
        tmp = temp_dir(self, "ferry-batch-schedule-")
        ride_job(tmp, "csv")
        write_config(os.path.join(tmp, "late.yaml"), f"""
bundle: {RIDES}/bundle
input: {{paths: "{tmp}/not_there_{{date}}.csv"}}
output: {{path: "late/{{date}}/", format: csv}}
""")
        jobs = write_config(os.path.join(tmp, "jobs.yaml"), """
history: history.db
jobs:
  - name: rides
    cron: "* * * * *"
    timezone: Europe/Berlin
    config: job.yaml
    date: previous_month
    args: [--threads, "1"]
  - name: late_input
    cron: "*/2 * * * *"
    config: late.yaml
    retries: 1
    backoff_seconds: 30
""")
        p = subprocess.run([FERRY, "schedule", "--jobs", jobs, "--clock-start",
                            "2021-03-01 00:00:30", "--clock-speed", "60", "--max-runs", "3"],
                           capture_output=True, text=True, timeout=120)
        self.assertEqual(p.returncode, 0, p.stderr)
        con = sqlite3.connect(os.path.join(tmp, "history.db"))
        runs = con.execute("SELECT job, scheduled_for, attempt, run_date, started_at, "
                           "finished_at, exit_code, status, summary FROM schedule_runs "
                           "ORDER BY rowid").fetchall()
        con.close()
        rides = [r for r in runs if r[0] == "rides" and r[7] != "skipped_overlap"]
        late = [r for r in runs if r[0] == "late_input"]
        self.assertTrue(rides, runs)
        # Berlin is UTC+1: 00:01 UTC on March 1st is 01:01 local; the previous month is February.
        self.assertEqual(rides[0][1], "2021-03-01 01:01:00 CET")
        self.assertEqual((rides[0][3], rides[0][6], rides[0][7]), ("2021-02-01", 0, "ok"))
        self.assertEqual(json.loads(rides[0][8])["rows_written"],
                         len(pd.read_csv(f"{RIDES}/data/green_tripdata_2021-02.csv")))
        self.assertTrue(os.path.exists(tmp + "/out/taxi_type=green/year=2021/month=02/_SUCCESS"))
        # The late input is retried once (exit 1), then given up.
        self.assertEqual([(r[2], r[6], r[7]) for r in late[:2]],
                         [(1, 1, "failed_retryable"), (2, 1, "failed_retryable")])
        self.assertEqual(late[0][3], "2021-03-01")
        # Never two runs of one job at once.
        for job in ("rides", "late_input"):
            spans = [(r[4], r[5]) for r in runs if r[0] == job and r[4]]
            for (s1, e1), (s2, e2) in zip(spans, spans[1:]):
                self.assertLessEqual(e1, s2, (job, spans))
        p = subprocess.run([FERRY, "schedule", "--jobs", jobs, "--status"], capture_output=True,
                           text=True, timeout=60)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("rides  cron '* * * * *' (Europe/Berlin)", p.stdout)
        self.assertIn("failed_retryable", p.stdout)


def postgres_url():
    global _STARTED_POSTGRES
    env = PG_ENV
    script = os.path.join(ROOT, "scripts", "services.sh")
    if not os.path.exists(script):
        return None, "scripts/services.sh is missing"
    p = subprocess.run([script, "start", "postgres"], env=env, capture_output=True, text=True,
                       timeout=120)
    if p.returncode != 0:
        return None, p.stderr
    _STARTED_POSTGRES = True
    return "postgresql://ferry@127.0.0.1:15452/postgres", ""


class PostgresTableTest(unittest.TestCase):
    def test_month_into_postgres_table_replaces_its_partition(self):
        url, why = postgres_url()
        if url is None:
            self.skipTest("PostgreSQL could not be started: " + why)
        tmp = temp_dir(self, "ferry-batch-pg-")
        table = "rides_%d" % os.getpid()
        job = write_config(os.path.join(tmp, "pg.yaml"), f"""
bundle: {RIDES}/bundle
period: month
input: {{paths: "{RIDES}/data/green_tripdata_{{date:%Y-%m}}.csv"}}
output: {{table: {{url: "{url}", name: {table}}}}}
columns: {{passthrough: [PULocationID, DOLocationID, trip_distance], row_id: ride_id}}
""")
        for m in ["2021-01-01", "2021-02-01", "2021-02-01"]:
            code, out, err = ferry("score", "--config", job, "--date", m)
            self.assertEqual(code, 0, err)
        q = subprocess.run(["psql", url, "-At", "-c",
                            f"SELECT run_date, count(*), avg(duration) FROM {table} "
                            "GROUP BY run_date ORDER BY run_date"],
                           capture_output=True, text=True, timeout=60)
        self.assertEqual(q.returncode, 0, q.stderr)
        rows = [l.split("|") for l in q.stdout.strip().splitlines()]
        self.assertEqual([r[0] for r in rows], ["2021-01-01", "2021-02-01"])
        for (date, n, avg), m in zip(rows, MONTHS[:2]):
            frame = pd.read_csv(f"{RIDES}/data/green_tripdata_{m}.csv")
            self.assertEqual(int(n), len(frame))
            self.assertAlmostEqual(float(avg), float(np.mean(sklearn_durations(frame))), places=6)
        subprocess.run(["psql", url, "-c", f"DROP TABLE {table}"], capture_output=True)


if __name__ == "__main__":
    unittest.main(verbosity=2)
