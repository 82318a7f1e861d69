"""`ferry score` partitions from row values and `ferry backfill` over table outputs, driven
through the built binary (FERRY_BINARY) with Debian's Python on the ride_duration example.

Covers: output.path naming an output column (a day partition from each ride's pickup time,
formatted) splits a monthly run into one atomically published partition per day, each with
_SUCCESS; a re-run replaces exactly that run's partitions (and removes those it no longer has
rows for) and leaves other periods' alone; a partition another period wrote is refused (exit
2, nothing published); backfill skips periods whose row partitions are published; and the
run-record table (ferry_runs) written with the rows of a table output, which backfill consults
in SQLite and in PostgreSQL (started by scripts/services.sh), overridden by --force.
"""
import json
import os
import sqlite3
import subprocess
import unittest

import pandas as pd

import batch_test as bt

PG_ENV = dict(os.environ, FERRY_SERVICES_DIR="/tmp/ferry-batch-partitions-services-%d" % os.getuid(),
              FERRY_PG_PORT="15453")
PG_URL = "postgresql://ferry@127.0.0.1:15453/postgres"
_started_postgres = False


def setUpModule():
    bt.setUpModule()


def tearDownModule():
    if _started_postgres:
        subprocess.run([os.path.join(bt.ROOT, "scripts", "services.sh"), "stop", "postgres"],
                       env=PG_ENV, capture_output=True, timeout=120)


def rides(month):
    return pd.read_csv(os.path.join(bt.RIDES, "data", "green_tripdata_%s.csv" % month))


def day_job(tmp, input_path, path_template="out/pickup_date={lpep_pickup_datetime:%Y-%m-%d}/"):
    return bt.write_config(os.path.join(tmp, "job.yaml"), f"""
name: rides_by_day
bundle: {bt.RIDES}/bundle
period: month
input: {{paths: "{input_path}"}}
output:
  path: {path_template}
  format: jsonl
columns:
  passthrough: [lpep_pickup_datetime, PULocationID]
  row_id: ride_id
threads: 2
""")


def score(job, date, *more):
    code, out, err = bt.ferry("score", "--config", job, "--date", date, *more)
    summary = json.loads(out.strip().splitlines()[-1]) if out.strip() else {}
    return code, summary, err


def partition_rows(root):
    """{partition directory name: rows} for every published partition under root/out."""
    out = {}
    for name in sorted(os.listdir(os.path.join(root, "out"))):
        part = os.path.join(root, "out", name)
        if name.startswith((".", "_")):
            continue
        assert os.path.exists(os.path.join(part, "_SUCCESS")), part
        out[name] = len(bt.read_text(os.path.join(part, "part-00000.jsonl")).splitlines())
    return out


class RowPartitionsTest(unittest.TestCase):
    def setUp(self):
        self.tmp = bt.temp_dir(self, "ferry-batch-rowparts-")
        self.input = os.path.join(self.tmp, "rides_{date:%Y-%m}.csv")
        for month in ("2021-01", "2021-02"):
            rides(month).to_csv(os.path.join(self.tmp, "rides_%s.csv" % month), index=False)

    def expected_days(self, frame):
        days = frame.lpep_pickup_datetime.str[:10].value_counts()
        return {"pickup_date=" + d: int(n) for d, n in days.items()}

    def test_rows_split_by_day_rerun_replaces_exactly_its_partitions(self):
        job = day_job(self.tmp, self.input)
        code, summary, err = score(job, "2021-01-01")
        self.assertEqual(code, 0, err)
        january = rides("2021-01")
        self.assertEqual(partition_rows(self.tmp), self.expected_days(january))
        self.assertEqual(len(summary["outputs"]), len(self.expected_days(january)))
        one = os.path.join(self.tmp, "out", "pickup_date=2021-01-05", "part-00000.jsonl")
        first = json.loads(bt.read_text(one).splitlines()[0])
        self.assertTrue(first["lpep_pickup_datetime"].startswith("2021-01-05"))
        self.assertIn("duration", first)

        code, _, err = score(job, "2021-02-01")
        self.assertEqual(code, 0, err)
        february_days = self.expected_days(rides("2021-02"))

        # January again, now with only its first ten days: days 11-31 of January disappear,
        # days 1-10 are replaced, February is untouched.
        first_days = january[january.lpep_pickup_datetime.str[:10] <= "2021-01-10"]
        first_days.iloc[: len(first_days) // 2].to_csv(
            os.path.join(self.tmp, "rides_2021-01.csv"), index=False)
        code, summary, err = score(job, "2021-01-01")
        self.assertEqual(code, 0, err)
        expected = dict(self.expected_days(first_days.iloc[: len(first_days) // 2]))
        expected.update(february_days)
        self.assertEqual(partition_rows(self.tmp), expected)
        leftovers = [n for n in os.listdir(os.path.join(self.tmp, "out")) if "ferry-" in n]
        self.assertEqual(leftovers, [])  # no staging or removed copies remain

        # Backfill: both months are published; --force re-runs them.
        code, out, err = bt.ferry("backfill", "--config", job, "--from", "2021-01-01", "--to",
                                  "2021-02-01", "--every", "month")
        self.assertEqual(code, 0, out + err)
        self.assertEqual(out.count("skipped"), 2, out)
        code, out, err = bt.ferry("backfill", "--config", job, "--from", "2021-01-01", "--to",
                                  "2021-03-01", "--every", "month", "--json")
        statuses = [json.loads(line)["status"] for line in out.strip().splitlines()]
        self.assertEqual(statuses, ["skipped", "skipped", "failed"])  # no March input: exit 1
        code, out, err = bt.ferry("backfill", "--config", job, "--from", "2021-02-01", "--to",
                                  "2021-02-01", "--every", "month", "--force")
        self.assertEqual(code, 0, out + err)
        self.assertIn(" ok ", out)

    def test_a_partition_of_another_period_is_never_overwritten(self):
        job = day_job(self.tmp, self.input, "out/zone={PULocationID}/")
        code, _, err = score(job, "2021-01-01")
        self.assertEqual(code, 0, err)
        before = partition_rows(self.tmp)
        code, summary, err = score(job, "2021-02-01")
        self.assertEqual(code, 2, err)
        self.assertIn("must belong to one period", summary["error"])
        self.assertEqual(partition_rows(self.tmp), before)
        self.assertEqual(before, {"zone=%d" % z: int(n)
                                  for z, n in rides("2021-01").PULocationID.value_counts().items()})

    def test_unknown_column_and_shards_are_configuration_errors(self):
        job = day_job(self.tmp, self.input, "out/z={no_such_column}/")
        code, summary, _ = score(job, "2021-01-01")
        self.assertEqual(code, 2)
        self.assertIn("no_such_column", summary["error"])
        self.assertIn("PULocationID", summary["error"])  # names the output columns
        job = day_job(self.tmp, self.input)
        code, summary, _ = score(job, "2021-01-01", "--shard", "0/2")
        self.assertEqual(code, 2)
        self.assertIn("--shard", summary["error"])


def table_job(tmp, url, table):
    return bt.write_config(os.path.join(tmp, "table.yaml"), f"""
name: rides_table
bundle: {bt.RIDES}/bundle
period: month
input: {{paths: "{bt.RIDES}/data/green_tripdata_{{date:%Y-%m}}.csv"}}
output: {{table: {{url: "{url}", name: {table}}}}}   # a re-run replaces its run_date rows
columns: {{passthrough: [PULocationID], row_id: ride_id}}
threads: 2
""")


class TableBackfillTest(unittest.TestCase):
    def backfill(self, job, *more):
        code, out, err = bt.ferry("backfill", "--config", job, "--from", "2021-01-01", "--to",
                                  "2021-02-01", "--every", "month", "--json", *more, timeout=300)
        self.assertEqual(code, 0, out + err)
        return [json.loads(line)["status"] for line in out.strip().splitlines()]

    def check_skips_published_periods(self, job, run_records):
        self.assertEqual(self.backfill(job), ["ok", "ok"])
        records = run_records()
        self.assertEqual([(r[0], r[1], r[2]) for r in records],
                         [("rides_table", "2021-01-01", len(rides("2021-01"))),
                          ("rides_table", "2021-02-01", len(rides("2021-02")))])
        self.assertEqual(self.backfill(job), ["skipped", "skipped"])
        self.assertEqual(self.backfill(job, "--force"), ["ok", "ok"])
        self.assertEqual(len(run_records()), 2)  # a re-run replaces its record

    def test_sqlite_table_run_records(self):
        tmp = bt.temp_dir(self, "ferry-batch-runs-")
        db = os.path.join(tmp, "out.db")
        job = table_job(tmp, "sqlite:out.db", "durations")

        def records():
            con = sqlite3.connect(db)
            rows = con.execute("SELECT job, period, rows, published_at FROM ferry_runs "
                               "ORDER BY period").fetchall()
            count = con.execute("SELECT count(*) FROM durations").fetchone()[0]
            con.close()
            self.assertEqual(count, len(rides("2021-01")) + len(rides("2021-02")))
            self.assertTrue(all(r[3].endswith("Z") for r in rows))
            return rows

        self.check_skips_published_periods(job, records)

    def test_postgres_table_run_records(self):
        global _started_postgres
        script = os.path.join(bt.ROOT, "scripts", "services.sh")
        p = subprocess.run([script, "start", "postgres"], env=PG_ENV, capture_output=True,
                           text=True, timeout=120)
        if p.returncode != 0:
            self.skipTest("PostgreSQL could not be started: " + p.stderr)
        _started_postgres = True
        tmp = bt.temp_dir(self, "ferry-batch-runs-pg-")
        table = "durations_%d" % os.getpid()
        subprocess.run(["psql", PG_URL, "-c", "DROP TABLE IF EXISTS ferry_runs"],
                       capture_output=True, timeout=60)
        job = table_job(tmp, PG_URL, table)

        def records():
            q = subprocess.run(["psql", PG_URL, "-At", "-c",
                                "SELECT job, period, rows FROM ferry_runs ORDER BY period"],
                               capture_output=True, text=True, timeout=60)
            self.assertEqual(q.returncode, 0, q.stderr)
            return [(j, p, int(n)) for j, p, n in
                    (line.split("|") for line in q.stdout.strip().splitlines())]

        self.check_skips_published_periods(job, records)
        subprocess.run(["psql", PG_URL, "-c", f"DROP TABLE {table}; DROP TABLE ferry_runs"],
                       capture_output=True, timeout=60)


if __name__ == "__main__":
    unittest.main(verbosity=2)
