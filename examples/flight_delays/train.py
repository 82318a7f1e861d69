"""Trains the flight delay models and fills the example's two bundles.

Reads data/flights_2015.csv (generate_data.py) and writes:
  bundle/model.joblib                 Pipeline(DictVectorizer, RandomForestClassifier): the
                                      arrival delay bucket 0..3 (see bucketize below)
  bundle-regression/model.joblib      Pipeline(DictVectorizer, RandomForestRegressor): ArrDelay
  */data/origin_dest_distances.csv    the lookup table: average Distance per (Origin, Dest)
The feature derivation here is the one each bundle's ferry.yaml declares; keep them in step.
Deterministic: fixed seeds, single-threaded training.

Usage: /usr/bin/python3 train.py [--rows N]
"""

import argparse
import datetime
import math
import os

import joblib
import numpy as np
import pandas as pd
from sklearn.ensemble import RandomForestClassifier, RandomForestRegressor
from sklearn.feature_extraction import DictVectorizer
from sklearn.pipeline import Pipeline

HERE = os.path.dirname(os.path.abspath(__file__))
SEED = 42
# Arrival delay buckets, left-closed like Spark's Bucketizer: [-inf,-15) [-15,0) [0,30) [30,inf).
SPLITS = [-math.inf, -15.0, 0.0, 30.0, math.inf]


def bucketize(value, splits=SPLITS):
    for i in range(len(splits) - 1):
        if splits[i] <= value < splits[i + 1]:
            return i
    return len(splits) - 2  # value == +inf belongs to the last bucket


def route_distances(flights):
    """The lookup table: average distance of every (Origin, Dest) pair seen in the data."""
    table = flights.groupby(["Origin", "Dest"], as_index=False)["Distance"].mean()
    return table.sort_values(["Origin", "Dest"]).reset_index(drop=True)


def features(record, distances):
    """One request's model features (the DictVectorizer keys), as the bundles derive them."""
    day = datetime.date.fromisoformat(record["FlightDate"])
    return {
        "DepDelay": float(record["DepDelay"]),
        "Carrier": record["Carrier"],
        "Origin": record["Origin"],
        "Dest": record["Dest"],
        "Route": f"{record['Origin']}-{record['Dest']}",
        "Distance": distances.get((record["Origin"], record["Dest"]), 0.0),
        "DayOfMonth": day.day,
        "DayOfWeek": day.weekday(),
        "DayOfYear": day.timetuple().tm_yday,
    }


def save(model, bundle, table):
    """Writes the lookup table and the model into `bundle`, each replaced atomically."""
    os.makedirs(os.path.join(bundle, "data"), exist_ok=True)
    lookup = os.path.join(bundle, "data", "origin_dest_distances.csv")
    table.to_csv(lookup + ".tmp", index=False)
    os.replace(lookup + ".tmp", lookup)
    tmp = os.path.join(bundle, "model.joblib.tmp")
    joblib.dump(model, tmp)
    os.replace(tmp, os.path.join(bundle, "model.joblib"))
    size = os.path.getsize(os.path.join(bundle, "model.joblib")) / 1e6
    print(f"flight_delays: wrote {bundle}/model.joblib ({size:.1f} MB)")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", default=os.path.join(HERE, "data", "flights_2015.csv"))
    parser.add_argument("--rows", type=int, default=30000, help="training sample size")
    args = parser.parse_args()

    flights = pd.read_csv(args.data, dtype={"FlightNum": str})
    table = route_distances(flights)
    distances = {(o, d): float(x) for o, d, x in table.itertuples(index=False)}
    sample = flights.sample(n=min(args.rows, len(flights)), random_state=SEED)
    records = sample.to_dict("records")
    x = [features(r, distances) for r in records]
    delay_class = np.array([bucketize(r["ArrDelay"]) for r in records])
    arr_delay = sample["ArrDelay"].to_numpy(dtype=float)

    classifier = Pipeline([
        ("vectorizer", DictVectorizer()),
        ("forest", RandomForestClassifier(n_estimators=50, max_depth=12, min_samples_leaf=5,
                                          random_state=SEED)),
    ]).fit(x, delay_class)
    print(f"flight_delays: classifier trained on {len(x)} flights, "
          f"training accuracy {classifier.score(x, delay_class):.3f}")
    save(classifier, os.path.join(HERE, "bundle"), table)

    regressor = Pipeline([
        ("vectorizer", DictVectorizer()),
        ("forest", RandomForestRegressor(n_estimators=50, max_depth=12, min_samples_leaf=5,
                                         random_state=SEED)),
    ]).fit(x, arr_delay)
    print(f"flight_delays: regressor trained, training R^2 {regressor.score(x, arr_delay):.3f}")
    save(regressor, os.path.join(HERE, "bundle-regression"), table)


if __name__ == "__main__":
    main()
