"""Bad input rows: `ferry predict` must print {"row": n, "error": "..."} (n 1-based) for a row
it cannot score, keep scoring the others exactly, and exit with status 3.

Cases: text in a numeric column (rows 2 and 4), and a CSV missing a column the model needs
(every row fails). The error text must name the offending column.
"""

import json
import os
import pickle
import subprocess

import numpy as np
import pandas as pd
from sklearn.linear_model import LinearRegression

from parity_compare import compare, expected_rows


def _model(workdir):
    rng = np.random.default_rng(3)
    df = pd.DataFrame({"alpha": rng.normal(size=80), "beta": rng.normal(size=80),
                       "gamma": rng.normal(size=80)})
    y = df["alpha"] * 2 - df["beta"] + 0.5 * df["gamma"]
    model = LinearRegression().fit(df, y)
    path = os.path.join(workdir, "bad_rows_model.pkl")
    with open(path, "wb") as f:
        pickle.dump(model, f, protocol=4)
    return model, path


def _run(ferry, model_path, csv_text, workdir, name):
    in_path = os.path.join(workdir, f"bad_rows_{name}.csv")
    out_path = os.path.join(workdir, f"bad_rows_{name}.out.jsonl")
    with open(in_path, "w") as f:
        f.write(csv_text)
    proc = subprocess.run([ferry, "predict", "--model", model_path, "--input", in_path,
                           "--output", out_path], capture_output=True, text=True, timeout=60)
    out = open(out_path).read() if os.path.exists(out_path) else ""
    return proc.returncode, proc.stderr, out


def _check_error_line(line, row, column):
    try:
        got = json.loads(line)
    except json.JSONDecodeError:
        return f"row {row}: not JSON: {line[:120]}"
    if not isinstance(got, dict) or got.get("row") != row or not isinstance(got.get("error"), str):
        return f"row {row}: expected {{\"row\": {row}, \"error\": ...}}, got {line[:200]}"
    if column not in got["error"]:
        return f"row {row}: error does not name column {column!r}: {got['error']!r}"
    return ""


def text_in_numeric_column(ferry, workdir):
    model, path = _model(workdir)
    good = pd.DataFrame({"alpha": [0.5, -1.25, 3.0], "beta": [1.0, 0.0, -2.5],
                         "gamma": [0.25, 4.0, 1.5]})
    text = ("alpha,beta,gamma\n"
            "0.5,1.0,0.25\n"
            "1.0,abc,2.0\n"
            "-1.25,0.0,4.0\n"
            "2.0,3.0,not-a-number\n"
            "3.0,-2.5,1.5\n")
    code, stderr, out = _run(ferry, path, text, workdir, "text")
    if code != 3:
        return f"exit status {code}, expected 3; stderr: {stderr.strip()[:300]}"
    lines = out.splitlines()
    if len(lines) != 5:
        return f"expected 5 output lines, got {len(lines)}: {out[:400]}"
    for row, column in ((2, "beta"), (4, "gamma")):
        problem = _check_error_line(lines[row - 1], row, column)
        if problem:
            return problem
    good_lines = "\n".join(lines[i] for i in (0, 2, 4))
    cmp = compare(expected_rows(model, "sklearn", good), good_lines, "sklearn")
    return "; ".join(cmp.failures)


def missing_column(ferry, workdir):
    _, path = _model(workdir)
    text = "alpha,beta\n0.5,1.0\n1.5,-2.0\n"
    code, stderr, out = _run(ferry, path, text, workdir, "missing_column")
    if code != 3:
        return f"exit status {code}, expected 3; stderr: {stderr.strip()[:300]}"
    lines = out.splitlines()
    if len(lines) != 2:
        return f"expected 2 output lines, got {len(lines)}: {out[:400]}"
    for row in (1, 2):
        problem = _check_error_line(lines[row - 1], row, "gamma")
        if problem:
            return problem
    return ""


def run(ferry, workdir):
    """Returns [(case name, passed, detail)]."""
    results = []
    for case in (text_in_numeric_column, missing_column):
        try:
            problem = case(ferry, workdir)
        except Exception as e:  # report the suite's own failure as a failed check
            problem = f"check raised {e!r}"
        results.append((case.__name__, not problem, problem))
    return results
