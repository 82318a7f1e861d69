"""Test: the game propensity bundle reports exactly scikit-learn's predict_proba[:, 1].

Prepares the example, builds a few hundred players (every one of the 1024 ownership patterns
is possible; 300 drawn at random plus the all-zero and all-one players), and compares
`ferry predict` on bundle/ with the LogisticRegression's probability of class 1 within 1e-12,
for JSONL and CSV input; checks user_id passes through, runs the committed samples, and
checks that invalid records get error lines and exit status 3.
"""

import json
import os

import joblib
import numpy as np
import pandas as pd

import harness

NAME = "game_propensity"
GAMES = [f"G{i}" for i in range(1, 11)]


def requests(rng):
    owned = rng.integers(0, 2, size=(300, 10))
    owned = np.vstack([owned, np.zeros(10, dtype=int), np.ones(10, dtype=int)])
    return [dict({"user_id": f"p{i}"}, **{g: int(v) for g, v in zip(GAMES, row)})
            for i, row in enumerate(owned)]


def check_players(checks, bundle, model, records, path, what):
    propensity = model.predict_proba(pd.DataFrame(records)[GAMES])[:, 1]
    predicted = model.predict(pd.DataFrame(records)[GAMES])
    code, lines, stderr = harness.predict(bundle, path)
    if not checks.run_ok(code, lines, stderr, len(records), what):
        return
    for row, (line, p, label, record) in enumerate(
            zip(lines, propensity, predicted, records), start=1):
        checks.check(line.get("prediction") == int(label),
                     f"{what}: record {row}: prediction {line.get('prediction')!r}, "
                     f"scikit-learn {label!r}")
        checks.check(harness.close(line.get("propensity"), p),
                     f"{what}: record {row}: propensity {line.get('propensity')!r}, "
                     f"scikit-learn {p!r}")
        checks.check(line.get("user_id") == record["user_id"],
                     f"{what}: record {row}: user_id {line.get('user_id')!r}")


def check_invalid(checks, bundle, good):
    bad = [
        (dict(good, G1=2), ["G1"]),
        ({k: v for k, v in good.items() if k != "G10"}, ["G10"]),
        (dict(good, G5="yes"), ["G5"]),
    ]
    records = [good] + [b[0] for b in bad]
    path = harness.write_jsonl(records, os.path.join(harness.temp_dir(), "invalid.jsonl"))
    code, lines, stderr = harness.predict(bundle, path)
    if not checks.run_ok(code, lines, stderr, len(records), "invalid records",
                         expected_code=harness.EXIT_SOME_RECORDS_FAILED):
        return
    checks.check("propensity" in lines[0], f"invalid records: record 1 not predicted: {lines[0]}")
    for row, (_, fields) in enumerate(bad, start=2):
        checks.error_line(lines[row - 1], row, fields, "invalid records")


def main():
    harness.make_example(NAME)
    base = harness.example_dir(NAME)
    bundle = os.path.join(base, "bundle")
    checks = harness.Checks(f"{NAME} bundle vs scikit-learn")
    model = joblib.load(os.path.join(bundle, "model.joblib"))
    records = requests(np.random.default_rng(9))
    tmp = harness.temp_dir()
    check_players(checks, bundle, model, records,
                  harness.write_jsonl(records, os.path.join(tmp, "players.jsonl")), "generated JSONL")
    check_players(checks, bundle, model, records,
                  harness.write_csv(records, ["user_id"] + GAMES, os.path.join(tmp, "players.csv")),
                  "generated CSV")
    with open(os.path.join(base, "requests", "sample.jsonl"), encoding="utf-8") as sample_file:
        samples = [json.loads(line) for line in sample_file if line.strip()]
    for sample in ("sample.jsonl", "sample.csv"):
        check_players(checks, bundle, model, samples, os.path.join(base, "requests", sample),
                      f"requests/{sample}")
    check_invalid(checks, bundle, records[0])
    checks.finish()


if __name__ == "__main__":
    main()
