#!/usr/bin/python3
"""Parity suite: trains scikit-learn and XGBoost models, saves them in every supported file
format, scores the same input with `ferry predict` and checks ferry predicts exactly like the
library. Prints one table line per (configuration, format) and exits 1 on any mismatch.

Usage: run_parity.py [FERRY_BINARY] [--only SUBSTRING] [--keep DIR]
The binary defaults to $FERRY_BINARY, then build/ferry.
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import bad_rows  # noqa: E402
import parity_common as common  # noqa: E402
import sklearn_configs  # noqa: E402
import xgboost_configs  # noqa: E402
from parity_compare import compare, expected_rows  # noqa: E402


def assign_formats(configs):
    """Gives configs without explicit formats two formats each, round-robin, so every format
    is exercised by several configurations."""
    formats = list(common.SKLEARN_FORMATS)
    if not common.lz4_available():
        print("note: python3-lz4 missing, joblib-lz4 replaced by joblib (install python3-lz4)")
        formats = [f if f != "joblib-lz4" else "joblib" for f in formats]
    i = 0
    for cfg in configs:
        if cfg.formats is None:
            cfg.formats = [formats[i % len(formats)], formats[(i + 5) % len(formats)]]
            i += 1
        elif not common.lz4_available():
            cfg.formats = [f if f != "joblib-lz4" else "joblib" for f in cfg.formats]


def run_ferry(ferry, model_path, input_path, output_path):
    proc = subprocess.run([ferry, "predict", "--model", model_path, "--input", input_path,
                           "--output", output_path], capture_output=True, text=True, timeout=120)
    output = ""
    if os.path.exists(output_path):
        with open(output_path) as f:
            output = f.read()
    return proc.returncode, proc.stderr, output


def run_config(cfg, ferry, workdir):
    """Returns a list of result rows (name, format, rows, max_err, status, details)."""
    results = []
    try:
        estimator, X_test = cfg.train()
        expected = expected_rows(estimator, cfg.family, X_test)
        input_path = common.write_input(X_test, os.path.join(workdir, cfg.name + ".input"))
    except Exception as e:  # a bug of the suite itself: report, do not hide
        return [(cfg.name, "-", 0, 0.0, "SUITE-ERROR", [f"training failed: {e!r}"])]
    for fmt in cfg.formats:
        stem = os.path.join(workdir, f"{cfg.name}")
        model_path = common.save_model(estimator, cfg.family, fmt, stem)
        out_path = os.path.join(workdir, f"{cfg.name}.{fmt}.out.jsonl")
        try:
            code, stderr, output = run_ferry(ferry, model_path, input_path, out_path)
        except subprocess.TimeoutExpired:
            results.append((cfg.name, fmt, len(expected), 0.0, "FAIL", ["ferry timed out"]))
            continue
        if code != 0:
            msg = stderr.strip().splitlines()[:3] or ["(no stderr)"]
            status = "FAIL" if code >= 0 else "CRASH"
            results.append((cfg.name, fmt, len(expected), 0.0, status,
                            [f"exit status {code}: " + " | ".join(msg)]))
            continue
        cmp = compare(expected, output, cfg.family)
        status = "ok" if not cmp.failures else "FAIL"
        results.append((cfg.name, fmt, len(expected), cmp.max_err, status,
                        [f"{os.path.basename(model_path)}: {m}" for m in cmp.failures]))
    return results


def print_table(results):
    width = max(len(r[0]) for r in results) + 2
    print(f"{'configuration':<{width}}{'format':<13}{'rows':>5}  {'max rel err':>11}  status")
    for name, fmt, rows, err, status, details in results:
        print(f"{name:<{width}}{fmt:<13}{rows:>5}  {err:>11.3g}  {status}")
        for d in details:
            print(f"    {d}")


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("ferry", nargs="?", default=os.environ.get("FERRY_BINARY", "build/ferry"))
    parser.add_argument("--only", default="", help="run configurations whose name contains this")
    parser.add_argument("--keep", default="", help="write models and outputs here (kept)")
    args = parser.parse_args()
    if not os.access(args.ferry, os.X_OK):
        print(f"parity: ferry binary not found or not executable: {args.ferry} "
              "(build it, or pass its path / set FERRY_BINARY)")
        return 2
    configs = sklearn_configs.all_configs() + xgboost_configs.all_configs()
    assign_formats(configs)
    configs = [c for c in configs if args.only in c.name]
    start = time.time()
    with tempfile.TemporaryDirectory(prefix="ferry-parity-") as tmp:
        workdir = args.keep or tmp
        os.makedirs(workdir, exist_ok=True)
        results = []
        for cfg in configs:
            results.extend(run_config(cfg, args.ferry, workdir))
        bad = bad_rows.run(args.ferry, workdir) if not args.only else []
    print_table(results)
    for name, ok, detail in bad:
        print(f"bad-rows {name}: {'ok' if ok else 'FAIL: ' + detail}")
    failed = [r for r in results if r[4] != "ok"]
    failed_configs = sorted({r[0] for r in failed})
    n_bad_failed = sum(1 for b in bad if not b[1])
    used = sorted({r[1] for r in results})
    print(f"\nparity: {len(configs)} configurations, {len(results)} model files "
          f"({', '.join(used)}), {len(results) - len(failed)} passed, {len(failed)} failed; "
          f"bad-row checks {len(bad) - n_bad_failed}/{len(bad)} passed; "
          f"{time.time() - start:.1f}s")
    if failed_configs:
        print("failing configurations: " + ", ".join(failed_configs))
    return 1 if failed or n_bad_failed else 0


if __name__ == "__main__":
    sys.exit(main())
