"""Batch scoring benchmark (not a test): 1M taxi rides CSV -> CSV scored by `ferry score` and
by the field's pandas + scikit-learn script (read, build PU_DO, predict with the ride_duration
joblib, add model_version and a uuid per row, write), plus Parquet -> Parquet for ferry (input
written by DuckDB). Prints rows/s and peak resident memory of each, and the ratios.

ferry reads chunks of its default size (input.chunk_rows, 4096) unless --chunk-rows says
otherwise; earlier runs used 256-row chunks, when the ride_duration model's PU_DO features were
still expanded densely (thousands of columns) and small chunks kept that matrix in cache.
--compare OTHER_FERRY also scores the CSV with another binary (e.g. an older build) in the same run, so both see the same machine load.

Usage: /usr/bin/python3 bench/batch/batch_bench.py [FERRY_BINARY] [--rows N] [--chunk-rows N]
       [--compare OTHER_FERRY_BINARY]
Needs: scripts/make-examples.sh ride_duration (run here if needed), node + @duckdb/node-api.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
RIDES = os.path.join(ROOT, "examples", "ride_duration")
DUCKDB = os.path.join(ROOT, "tests", "batch", "duckdb_sql.mjs")

PANDAS_SCRIPT = r'''
import sys, uuid
import joblib, pandas as pd
src, dst, model_path = sys.argv[1:4]
model = joblib.load(model_path)
df = pd.read_csv(src)
df["PU_DO"] = df["PULocationID"].astype(str) + "_" + df["DOLocationID"].astype(str)
dicts = df[["PU_DO", "trip_distance"]].to_dict(orient="records")
df["duration"] = model.predict(dicts)
df["model_version"] = "1"
df["ride_id"] = [str(uuid.uuid4()) for _ in range(len(df))]
out = df[["ride_id", "lpep_pickup_datetime", "PULocationID", "DOLocationID", "trip_distance",
          "duration", "model_version"]]
out.to_csv(dst, index=False)
'''

# Runs a command in a fresh child and reports its peak RSS (KiB) and wall seconds.
MEASURE = r'''
import resource, subprocess, sys, time
t = time.monotonic()
code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL).returncode
print(code, time.monotonic() - t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
'''


def measure(cmd):
    out = subprocess.run([sys.executable, "-c", MEASURE, *cmd], capture_output=True, text=True,
                         check=True).stdout.split()
    code, seconds, rss_kib = int(out[0]), float(out[1]), int(out[2])
    if code != 0:
        raise SystemExit(f"{cmd[0]} exited {code}")
    return seconds, rss_kib / 1024.0


def make_input(tmp, rows):
    months = [os.path.join(RIDES, "data", f"green_tripdata_2021-{m:02d}.csv") for m in range(1, 7)]
    header, bodies = None, []
    for path in months:
        with open(path) as f:
            header = f.readline()
            bodies.append(f.read())
    lines = "".join(bodies).splitlines(keepends=True)
    path = os.path.join(tmp, "rides_2021-01.csv")
    with open(path, "w") as f:
        f.write(header)
        written = 0
        while written < rows:
            chunk = lines[: rows - written]
            f.writelines(chunk)
            written += len(chunk)
    parquet = os.path.join(tmp, "rides_2021-01.parquet")
    subprocess.run(["node", DUCKDB, f"COPY (SELECT * FROM read_csv_auto('{path}')) TO "
                    f"'{parquet}' (FORMAT PARQUET)"], check=True, capture_output=True, cwd=HERE)
    return path, parquet


def job(tmp, name, input_path, fmt, chunk_rows):
    path = os.path.join(tmp, name + ".yaml")
    chunk = f", chunk_rows: {chunk_rows}" if chunk_rows else ""
    with open(path, "w") as f:
        f.write(f"""
bundle: {RIDES}/bundle
period: month
input: {{paths: "{input_path}"{chunk}}}
output: {{path: "{tmp}/out_{name}/month={{month}}/", format: {fmt}}}
columns:
  row_id: ride_id
  passthrough: [lpep_pickup_datetime, PULocationID, DOLocationID, trip_distance]
""")
    return path


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("ferry", nargs="?", default=os.path.join(ROOT, "build", "ferry"))
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--chunk-rows", type=int, help="input.chunk_rows (default: ferry's)")
    parser.add_argument("--compare", help="another ferry binary to time on the CSV input")
    args = parser.parse_args()
    subprocess.run([os.path.join(ROOT, "scripts", "make-examples.sh"), "ride_duration"],
                   check=True, stdout=subprocess.DEVNULL)
    with tempfile.TemporaryDirectory(prefix="ferry-batch-bench-") as tmp:
        csv_in, parquet_in = make_input(tmp, args.rows)
        script = os.path.join(tmp, "pandas_score.py")
        with open(script, "w") as f:
            f.write(PANDAS_SCRIPT)
        results = {}
        results["pandas CSV->CSV"] = measure([sys.executable, script, csv_in,
                                              os.path.join(tmp, "pandas_out.csv"),
                                              os.path.join(RIDES, "bundle", "model.joblib")])
        def score(binary, name, input_path, fmt):
            return measure([binary, "score", "--config",
                            job(tmp, name, input_path, fmt, args.chunk_rows), "--date",
                            "2021-01-01", "--no-progress"])
        if args.compare:
            results["compared ferry CSV->CSV"] = score(args.compare, "compare", csv_in, "csv")
        results["ferry CSV->CSV"] = score(args.ferry, "csv", csv_in, "csv")
        results["ferry Parquet->Parquet"] = score(args.ferry, "parquet", parquet_in, "parquet")
        with open(os.path.join(tmp, "out_csv", "month=01", "part-00000.csv")) as f:
            written = sum(1 for _ in f) - 1
        if written != args.rows:
            raise SystemExit(f"ferry wrote {written} rows, expected {args.rows}")
    base_s, base_mb = results["pandas CSV->CSV"]
    print(f"rows: {args.rows:,}; chunk rows: {args.chunk_rows or 'ferry default'}; cores: {os.cpu_count()}; load average: {os.getloadavg()[0]:.1f}")
    print(f"{'run':<24} {'seconds':>8} {'rows/s':>12} {'peak RSS MB':>12} {'speed':>8} {'memory':>8}")
    for name, (s, mb) in results.items():
        print(f"{name:<24} {s:8.2f} {args.rows / s:12,.0f} {mb:12.1f} {base_s / s:7.1f}x "
              f"{mb / base_mb:7.2f}x")
    print(json.dumps({k: {"seconds": s, "rows_per_s": args.rows / s, "peak_rss_mb": mb}
                      for k, (s, mb) in results.items()}))


if __name__ == "__main__":
    main()
