"""Test: the flight delay bundles predict exactly what scikit-learn predicts.

Prepares the example, builds a few hundred requests (known routes on new dates, routes never
flown in the data, unknown airports and carriers, missing FlightNum), derives the features
here with pandas (its own code, not the training script's), and compares with `ferry predict`
on bundle/ (classifier: probabilities within 1e-12, identical decoded label) and
bundle-regression/ (ArrDelay minutes within 1e-12). Also runs the committed sample requests
(JSONL and CSV) and checks that invalid records get error lines and exit status 3.
"""

import json
import os

import joblib
import numpy as np
import pandas as pd

import harness

NAME = "flight_delays"
LABELS = ["Early (15+ Minutes Early)", "Slightly Early (0-15 Minute Early)",
          "Slightly Late (0-30 Minute Delay)", "Very Late (30+ Minutes Late)"]
COLUMNS = ["DepDelay", "Carrier", "FlightDate", "Origin", "Dest", "FlightNum"]


def requests(rng, flights):
    """~300 varied requests as JSON-ready dicts."""
    out = []
    known = flights.sample(n=200, random_state=7).to_dict("records")
    dates = pd.date_range("2016-01-01", "2016-12-31").strftime("%Y-%m-%d").to_list()
    for f in known:
        out.append({"DepDelay": float(f["DepDelay"] + rng.integers(-5, 6)), "Carrier": f["Carrier"],
                    "FlightDate": str(rng.choice(dates)), "Origin": f["Origin"],
                    "Dest": f["Dest"], "FlightNum": str(f["FlightNum"])})
    airports = sorted(set(flights.Origin))
    flown = set(zip(flights.Origin, flights.Dest))
    carriers = sorted(set(flights.Carrier))
    while len(out) < 260:  # routes nobody flew in the data
        origin, dest = rng.choice(airports, size=2, replace=False)
        if (origin, dest) not in flown:
            out.append({"DepDelay": float(rng.choice([-12, -3, 0, 7, 25, 61, 240])),
                        "Carrier": str(rng.choice(carriers)), "FlightDate": str(rng.choice(dates)),
                        "Origin": str(origin), "Dest": str(dest), "FlightNum": str(rng.integers(1, 9999))})
    for i in range(40):  # unknown airports and carriers, and no FlightNum at all
        record = {"DepDelay": float(rng.integers(-20, 300)),
                  "Carrier": ["G4", "SY", "AA", "DL"][i % 4],
                  "FlightDate": str(rng.choice(dates)),
                  "Origin": ["XNA", "BZN", "ATL", "JAC"][i % 4],
                  "Dest": ["ORD", "SEA", "EYW", "DEN"][(i // 4) % 4]}
        if i % 2:  # a number where a string is declared is taken as its text
            record["FlightNum"] = 100 + i if i % 4 == 1 else str(100 + i)
        out.append(record)
    return out


def expected_features(records, distances):
    """The model's input dicts, derived independently of the training script."""
    frame = pd.DataFrame(records)
    frame["Route"] = frame.Origin + "-" + frame.Dest
    frame = frame.merge(distances, on=["Origin", "Dest"], how="left")
    frame["Distance"] = frame.Distance.fillna(0.0)
    dates = pd.to_datetime(frame.FlightDate, format="%Y-%m-%d")
    frame["DayOfMonth"] = dates.dt.day
    frame["DayOfWeek"] = dates.dt.dayofweek
    frame["DayOfYear"] = dates.dt.dayofyear
    keys = ["DepDelay", "Carrier", "Origin", "Dest", "Route", "Distance", "DayOfMonth",
            "DayOfWeek", "DayOfYear"]
    return [{k: r[k] for k in keys} for r in frame.to_dict("records")]


def check_classifier(checks, bundle, records, path, what):
    model = joblib.load(os.path.join(bundle, "model.joblib"))
    distances = pd.read_csv(os.path.join(bundle, "data", "origin_dest_distances.csv"))
    proba = model.predict_proba(expected_features(records, distances))
    classes = list(model.classes_)
    code, lines, stderr = harness.predict(bundle, path)
    if not checks.run_ok(code, lines, stderr, len(records), what):
        return
    for row, (line, p, record) in enumerate(zip(lines, proba, records), start=1):
        label = LABELS[classes[int(np.argmax(p))]]
        checks.check(line.get("delay_class") == label,
                     f"{what}: record {row} {record}: delay_class {line.get('delay_class')!r}, "
                     f"scikit-learn says {label!r} (probabilities {list(p)})")
        got = line.get("probabilities")
        if not checks.check(isinstance(got, dict) and len(got) == len(classes),
                            f"{what}: record {row}: probabilities {got!r}"):
            continue
        for k, cls in enumerate(classes):
            value = got.get(LABELS[cls], got.get(str(cls)))
            checks.check(harness.close(value, p[k]),
                         f"{what}: record {row}: probability of {LABELS[cls]!r} {value!r}, "
                         f"scikit-learn {p[k]!r}")
        checks.check(line.get("FlightNum") == str(record.get("FlightNum", "")),
                     f"{what}: record {row}: FlightNum {line.get('FlightNum')!r} not passed through")
        checks.check(line.get("model_version") == "1",
                     f"{what}: record {row}: model_version {line.get('model_version')!r}")


def check_regressor(checks, bundle, records, path, what):
    model = joblib.load(os.path.join(bundle, "model.joblib"))
    distances = pd.read_csv(os.path.join(bundle, "data", "origin_dest_distances.csv"))
    minutes = model.predict(expected_features(records, distances))
    code, lines, stderr = harness.predict(bundle, path)
    if not checks.run_ok(code, lines, stderr, len(records), what):
        return
    for row, (line, m) in enumerate(zip(lines, minutes), start=1):
        checks.check(harness.close(line.get("ArrDelay"), m),
                     f"{what}: record {row}: ArrDelay {line.get('ArrDelay')!r}, scikit-learn {m!r}")


def check_invalid(checks, bundle, good):
    bad = [  # (record, fields its error should name)
        (dict(good, DepDelay="late"), ["DepDelay"]),
        (dict(good, FlightDate="2016-02-30"), ["FlightDate"]),
        ({k: v for k, v in good.items() if k != "Origin"}, ["Origin"]),
        (dict(good, DepDelay=5000.0), ["DepDelay"]),
        (dict(good, Carrier="american"), ["Carrier"]),
    ]
    records = [good] + [b[0] for b in bad] + [good]
    path = harness.write_jsonl(records, os.path.join(harness.temp_dir(), "invalid.jsonl"))
    code, lines, stderr = harness.predict(bundle, path)
    if not checks.run_ok(code, lines, stderr, len(records), "invalid records",
                         expected_code=harness.EXIT_SOME_RECORDS_FAILED):
        return
    for row in (1, len(records)):
        checks.check("delay_class" in lines[row - 1] and "error" not in lines[row - 1],
                     f"invalid records: valid record {row} was not predicted: {lines[row - 1]}")
    for row, (_, fields) in enumerate(bad, start=2):
        checks.error_line(lines[row - 1], row, fields, "invalid records")


def main():
    harness.make_example(NAME)
    base = harness.example_dir(NAME)
    checks = harness.Checks(f"{NAME} bundles vs scikit-learn")
    flights = pd.read_csv(os.path.join(base, "data", "flights_2015.csv"), dtype={"FlightNum": str})
    records = requests(np.random.default_rng(11), flights)
    tmp = harness.temp_dir()
    jsonl = harness.write_jsonl(records, os.path.join(tmp, "requests.jsonl"))
    csv_path = harness.write_csv(records, COLUMNS, os.path.join(tmp, "requests.csv"))
    for bundle_name, check in (("bundle", check_classifier), ("bundle-regression", check_regressor)):
        bundle = os.path.join(base, bundle_name)
        check(checks, bundle, records, jsonl, f"{bundle_name} (generated JSONL)")
        # In CSV an empty cell is a missing value: a missing FlightNum takes its default "".
        check(checks, bundle, [dict(r, FlightNum=r.get("FlightNum", "")) for r in records],
              csv_path, f"{bundle_name} (generated CSV)")
    with open(os.path.join(base, "requests", "sample.jsonl"), encoding="utf-8") as sample_file:
        sample_records = [json.loads(line) for line in sample_file if line.strip()]
    for sample in ("sample.jsonl", "sample.csv"):
        check_classifier(checks, os.path.join(base, "bundle"),
                         [dict(r, FlightNum=r.get("FlightNum", "")) for r in sample_records],
                         os.path.join(base, "requests", sample), f"requests/{sample}")
    check_invalid(checks, os.path.join(base, "bundle"), records[0])
    checks.finish()


if __name__ == "__main__":
    main()
