"""Trains the ride duration model and writes bundle/model.joblib.

Reads the January trips (data/green_tripdata_2021-01.csv, from generate_data.py), keeps rides
of 1..60 minutes and fits Pipeline(DictVectorizer, RandomForestRegressor) on
{PU_DO: "<PULocationID>_<DOLocationID>", trip_distance} -> duration in minutes; prints the
RMSE on February's trips as a check. The derivation here is the one bundle/ferry.yaml
declares; keep them in step. Deterministic: fixed seed, single-threaded training.

Usage: /usr/bin/python3 train.py [--train data/...-01.csv] [--validate data/...-02.csv]
"""

import argparse
import os

import joblib
import numpy as np
import pandas as pd
from sklearn.ensemble import RandomForestRegressor
from sklearn.feature_extraction import DictVectorizer
from sklearn.pipeline import Pipeline

HERE = os.path.dirname(os.path.abspath(__file__))
SEED = 42


def read_trips(path):
    """Trips of 1..60 minutes with their `duration` in minutes."""
    trips = pd.read_csv(path, parse_dates=["lpep_pickup_datetime", "lpep_dropoff_datetime"])
    duration = trips.lpep_dropoff_datetime - trips.lpep_pickup_datetime
    trips["duration"] = duration.dt.total_seconds() / 60.0
    return trips[(trips.duration >= 1) & (trips.duration <= 60)].reset_index(drop=True)


def features(trips):
    """The model's input dicts, as the bundle derives them from a request."""
    pu_do = trips.PULocationID.astype(str) + "_" + trips.DOLocationID.astype(str)
    return [{"PU_DO": key, "trip_distance": float(distance)}
            for key, distance in zip(pu_do, trips.trip_distance)]


def main():
    data = os.path.join(HERE, "data")
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--train", default=os.path.join(data, "green_tripdata_2021-01.csv"))
    parser.add_argument("--validate", default=os.path.join(data, "green_tripdata_2021-02.csv"))
    parser.add_argument("--out", default=os.path.join(HERE, "bundle", "model.joblib"))
    args = parser.parse_args()

    train = read_trips(args.train)
    model = Pipeline([
        ("vectorizer", DictVectorizer()),
        ("forest", RandomForestRegressor(n_estimators=100, max_depth=20, min_samples_leaf=3,
                                         random_state=SEED)),
    ]).fit(features(train), train.duration.to_numpy())
    validate = read_trips(args.validate)
    error = model.predict(features(validate)) - validate.duration.to_numpy()
    print(f"ride_duration: trained on {len(train)} trips; "
          f"RMSE on {len(validate)} February trips {np.sqrt(np.mean(error ** 2)):.2f} minutes")

    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    joblib.dump(model, args.out + ".tmp")
    os.replace(args.out + ".tmp", args.out)
    print(f"ride_duration: wrote {args.out} ({os.path.getsize(args.out) / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
