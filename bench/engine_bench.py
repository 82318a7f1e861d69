#!/usr/bin/python3
"""Side-by-side engine benchmark: ferry (in-process, bench/ferry_bench) against
scikit-learn predict (n_jobs=2) and XGBoost inplace_predict (nthread=2) on the same models
and the same rows. Prints a table of figures and ratios against the project's targets.

Usage: engine_bench.py FERRY_BENCH_BINARY [--rows 1000000] [--workdir DIR]
Not a test: timings depend on the machine and its load.
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

import joblib
import numpy as np
import xgboost as xgb
from sklearn.ensemble import RandomForestRegressor
from sklearn.linear_model import LogisticRegression

COLS = 20
TRAIN_ROWS = 20_000


def make_data(n, seed):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, COLS))
    y = X[:, 0] * 3 + np.sin(X[:, 1]) * 2 + X[:, 2] * X[:, 3] + rng.normal(scale=0.5, size=n)
    return X, y


def timed(fn, repeats=1):
    best = float("inf")
    for _ in range(repeats):
        t = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - t)
    return best, result


def latency_us(fn, rows, calls):
    samples = []
    for i in range(calls):
        row = rows[i % len(rows)]
        t = time.perf_counter()
        fn(row)
        samples.append((time.perf_counter() - t) * 1e6)
    samples.sort()
    return statistics.median(samples), samples[int(0.99 * (len(samples) - 1))]


def run_ferry(binary, model, features, calls):
    out = subprocess.run([binary, "--model", model, "--features", features, "--cols", str(COLS),
                          "--threads", "2", "--latency-calls", str(calls)],
                         capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"ferry_bench failed on {model}: {out.stderr.strip()}")
    return {k: float(v) for k, v in (line.split() for line in out.stdout.splitlines())}


def forest_of_size(target_mb, workdir):
    """A RandomForestRegressor whose plain joblib file is close to target_mb."""
    rows = 1500
    for _ in range(4):
        X, y = make_data(rows, 11)
        rf = RandomForestRegressor(n_estimators=100, max_depth=12, random_state=0, n_jobs=2)
        rf.fit(X, y)
        path = os.path.join(workdir, "forest_load.joblib")
        joblib.dump(rf, path)
        mb = os.path.getsize(path) / 1e6
        if abs(mb - target_mb) / target_mb < 0.2:
            break
        rows = int(rows * target_mb / mb)
    return path, mb


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("ferry_bench")
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--workdir", default="")
    args = ap.parse_args()
    workdir = args.workdir or tempfile.mkdtemp(prefix="ferry-bench-")
    print(f"workdir {workdir}; {args.rows} rows x {COLS} features; training models...",
          flush=True)

    X, _ = make_data(args.rows, 1)
    features = os.path.join(workdir, "rows.f64")
    np.ascontiguousarray(X).tofile(features)
    X_tr, y_tr = make_data(TRAIN_ROWS, 2)
    single_rows = [X[i:i + 1] for i in range(2000)]

    rf = RandomForestRegressor(n_estimators=100, max_depth=12, random_state=0, n_jobs=2)
    rf.fit(X_tr, y_tr)
    rf_path = os.path.join(workdir, "forest.joblib")
    joblib.dump(rf, rf_path)
    booster = xgb.XGBRegressor(n_estimators=500, max_depth=6, n_jobs=2, random_state=0)
    booster.fit(X_tr, y_tr)
    xgb_path = os.path.join(workdir, "xgb.json")
    booster.save_model(xgb_path)
    bst = booster.get_booster()
    bst.set_param({"nthread": 2})
    lr = LogisticRegression(max_iter=1000).fit(X_tr, y_tr > np.median(y_tr))
    lr_path = os.path.join(workdir, "logreg.joblib")
    joblib.dump(lr, lr_path)

    rows = []  # (what, ferry, library, ratio text, target text)

    print("random forest...", flush=True)
    lib_s, lib_pred = timed(lambda: rf.predict(X))
    f = run_ferry(args.ferry_bench, rf_path, features, 20000)
    check("forest", f["checksum"], float(np.sum(lib_pred)))
    lib_lat = latency_us(rf.predict, single_rows[:300], 300)
    rows += throughput_rows("RandomForest 100x d12", f, args.rows / lib_s, 10.0, "sklearn")
    rows += latency_rows("RandomForest", f, lib_lat, target_us=5.0)

    print("xgboost...", flush=True)
    lib_s, lib_pred = timed(lambda: bst.inplace_predict(X), repeats=2)
    f = run_ferry(args.ferry_bench, xgb_path, features, 20000)
    check("xgboost", f["checksum"], float(np.sum(lib_pred.astype(np.float64))))
    lib_lat = latency_us(bst.inplace_predict, single_rows, 2000)
    rows += throughput_rows("XGBoost 500x d6", f, args.rows / lib_s, 3.0, "xgboost")
    rows += latency_rows("XGBoost", f, lib_lat)

    print("logistic regression...", flush=True)
    lib_s, lib_pred = timed(lambda: lr.predict_proba(X), repeats=2)
    f = run_ferry(args.ferry_bench, lr_path, features, 20000)
    check("logreg", f["checksum"], float(np.sum(lib_pred[:, 1])))
    lib_lat = latency_us(lr.predict_proba, single_rows, 2000)
    rows += throughput_rows("LogisticRegression", f, args.rows / lib_s, None, "sklearn")
    rows += latency_rows("LogisticRegression", f, lib_lat)

    print("load time...", flush=True)
    load_path, mb = forest_of_size(8.0, workdir)
    lib_load, _ = timed(lambda: joblib.load(load_path), repeats=3)
    f = run_ferry(args.ferry_bench, load_path, features, 10)
    rows.append((f"load {mb:.1f} MB joblib forest (ms)", f["load_ms_median"], lib_load * 1e3,
                 f"{lib_load * 1e3 / f['load_ms_median']:.1f}x faster",
                 verdict(f["load_ms_median"] < 100.0, "< 100 ms")))
    print_table(rows)


def check(name, ferry_sum, lib_sum):
    rel = abs(ferry_sum - lib_sum) / max(abs(lib_sum), 1e-300)
    status = "ok" if rel < 1e-6 else "MISMATCH"
    print(f"  {name}: prediction checksum ferry {ferry_sum:.10g} library {lib_sum:.10g} "
          f"({status}, rel {rel:.2g})", flush=True)


def verdict(ok, target):
    return f"{'met' if ok else 'MISSED'} ({target})"


def throughput_rows(name, f, lib_rps, target_ratio, lib_name):
    ratio = f["rows_per_second"] / lib_rps
    target = verdict(ratio >= target_ratio, f">= {target_ratio:g}x {lib_name}") \
        if target_ratio else "-"
    return [(f"{name} rows/s (2 threads)", f["rows_per_second"], lib_rps, f"{ratio:.1f}x",
             target)]


def latency_rows(name, f, lib_lat, target_us=None):
    med, p99 = lib_lat
    out = [(f"{name} 1-row latency median (us)", f["row_features_us_median"], med,
            f"{med / f['row_features_us_median']:.0f}x lower",
            verdict(f["row_features_us_median"] < target_us, f"< {target_us:g} us")
            if target_us else "-"),
           (f"{name} 1-row latency p99 (us)", f["row_features_us_p99"], p99,
            f"{p99 / f['row_features_us_p99']:.0f}x lower", "-"),
           (f"{name} 1-row Predict(record) median (us)", f["row_record_us_median"], med,
            f"{med / f['row_record_us_median']:.0f}x lower", "-")]
    return out


def print_table(rows):
    print()
    print(f"{'measure':<52}{'ferry':>14}{'library':>14}  {'ratio':<14}target")
    for what, ferry_v, lib_v, ratio, target in rows:
        print(f"{what:<52}{ferry_v:>14.4g}{lib_v:>14.4g}  {ratio:<14}{target}")


if __name__ == "__main__":
    main()
