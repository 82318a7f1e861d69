"""Test: the ride duration bundle predicts exactly what scikit-learn predicts.

Prepares the example, builds a few hundred rides (zone pairs seen in January's data and
random pairs of zones 1..265, most of them never seen), derives {PU_DO, trip_distance} here
and compares `ferry predict` on bundle/ with the pipeline's predict within 1e-12, for JSONL
and CSV input; checks ride_id and model_version pass through, runs the committed samples,
and checks that invalid records get error lines and exit status 3.
"""

import json
import os

import joblib
import numpy as np
import pandas as pd

import harness

NAME = "ride_duration"
COLUMNS = ["ride_id", "PULocationID", "DOLocationID", "trip_distance"]


def requests(rng, trips):
    seen = trips.sample(n=150, random_state=3)
    out = [{"ride_id": f"2021/07_{i}", "PULocationID": int(t.PULocationID),
            "DOLocationID": int(t.DOLocationID), "trip_distance": float(t.trip_distance)}
           for i, t in enumerate(seen.itertuples())]
    for i in range(150, 320):
        out.append({"ride_id": f"2021/07_{i}", "PULocationID": int(rng.integers(1, 266)),
                    "DOLocationID": int(rng.integers(1, 266)),
                    "trip_distance": float(np.round(rng.exponential(3.0), 2))})
    out[-1]["trip_distance"] = 0.0
    return out


def expected(model, records):
    frame = pd.DataFrame(records)
    frame["PU_DO"] = frame.PULocationID.map(str) + "_" + frame.DOLocationID.map(str)
    dicts = frame[["PU_DO", "trip_distance"]].to_dict("records")
    return model.predict(dicts)


def check_rides(checks, bundle, model, records, path, what):
    minutes = expected(model, records)
    code, lines, stderr = harness.predict(bundle, path)
    if not checks.run_ok(code, lines, stderr, len(records), what):
        return
    for row, (line, m, record) in enumerate(zip(lines, minutes, records), start=1):
        checks.check(harness.close(line.get("duration"), m),
                     f"{what}: record {row} {record}: duration {line.get('duration')!r}, "
                     f"scikit-learn {m!r}")
        checks.check(line.get("ride_id") == record["ride_id"],
                     f"{what}: record {row}: ride_id {line.get('ride_id')!r}, "
                     f"sent {record['ride_id']!r}")
        checks.check(line.get("model_version") == "1",
                     f"{what}: record {row}: model_version {line.get('model_version')!r}")


def check_invalid(checks, bundle, good):
    bad = [
        (dict(good, PULocationID=0), ["PULocationID"]),
        ({k: v for k, v in good.items() if k != "DOLocationID"}, ["DOLocationID"]),
        (dict(good, trip_distance="far"), ["trip_distance"]),
        (dict(good, trip_distance=-2.0), ["trip_distance"]),
    ]
    records = [good] + [b[0] for b in bad]
    path = harness.write_jsonl(records, os.path.join(harness.temp_dir(), "invalid.jsonl"))
    code, lines, stderr = harness.predict(bundle, path)
    if not checks.run_ok(code, lines, stderr, len(records), "invalid records",
                         expected_code=harness.EXIT_SOME_RECORDS_FAILED):
        return
    checks.check("duration" in lines[0], f"invalid records: valid record 1 not predicted: {lines[0]}")
    for row, (_, fields) in enumerate(bad, start=2):
        checks.error_line(lines[row - 1], row, fields, "invalid records")


def main():
    harness.make_example(NAME)
    base = harness.example_dir(NAME)
    bundle = os.path.join(base, "bundle")
    checks = harness.Checks(f"{NAME} bundle vs scikit-learn")
    model = joblib.load(os.path.join(bundle, "model.joblib"))
    trips = pd.read_csv(os.path.join(base, "data", "green_tripdata_2021-01.csv"))
    records = requests(np.random.default_rng(5), trips)
    tmp = harness.temp_dir()
    check_rides(checks, bundle, model, records,
                harness.write_jsonl(records, os.path.join(tmp, "rides.jsonl")), "generated JSONL")
    check_rides(checks, bundle, model, records,
                harness.write_csv(records, COLUMNS, os.path.join(tmp, "rides.csv")), "generated CSV")
    with open(os.path.join(base, "requests", "sample.jsonl"), encoding="utf-8") as sample_file:
        samples = [json.loads(line) for line in sample_file if line.strip()]
    for sample in ("sample.jsonl", "sample.csv"):
        check_rides(checks, bundle, model, samples, os.path.join(base, "requests", sample),
                    f"requests/{sample}")
    check_invalid(checks, bundle, records[0])
    checks.finish()


if __name__ == "__main__":
    main()
