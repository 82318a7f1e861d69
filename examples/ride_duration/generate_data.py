"""Generates six months of green taxi trips for the ride duration example.

Writes data/green_tripdata_2021-01.csv .. data/green_tripdata_2021-06.csv, one file per month
(the later batch examples score them month by month), with the columns of the NYC TLC green
taxi records the example uses: VendorID, lpep_pickup_datetime, lpep_dropoff_datetime,
PULocationID, DOLocationID, passenger_count, trip_distance (miles), fare_amount (USD).
Deterministic (fixed seed). Zones 1..265 get fixed positions and congestion; pickups favour a
few dozen busy zones, dropoffs favour nearby popular zones; speed depends on the hour,
weekday and congestion; a small share of records are broken (meter left running, zero
distance) just like the real files, which is why training keeps durations of 1..60 minutes.

Usage: /usr/bin/python3 generate_data.py [--months 6] [--trips-per-month 20000]
"""

import argparse
import os

import numpy as np
import pandas as pd

SEED = 2021
NUM_ZONES = 265


def zones(rng):
    """Zone positions (miles on a 25 x 30 plane), congestion and pickup/dropoff popularity."""
    xy = rng.uniform([0.0, 0.0], [25.0, 30.0], size=(NUM_ZONES, 2))
    # Dense core (like Manhattan above 96th St, where green cabs pick up most) is slower.
    core = np.hypot(xy[:, 0] - 12.0, xy[:, 1] - 17.0)
    congestion = 1.0 + 0.8 * np.exp(-core / 4.0)
    popularity = rng.pareto(1.2, NUM_ZONES) + 0.05
    popularity[rng.choice(NUM_ZONES, size=30, replace=False)] *= 25.0  # busy pickup zones
    popularity[[263, 264]] = 0.3  # 264/265: "Unknown" zones of the TLC map
    return xy, congestion, popularity / popularity.sum()


def month_of_trips(rng, year, month, count, xy, congestion, popularity):
    start = pd.Timestamp(year=year, month=month, day=1)
    seconds_in_month = int((start + pd.offsets.MonthBegin(1) - start).total_seconds())
    # Pickup times: more trips in the morning and evening peaks.
    hour_weights = np.array([2, 1.5, 1, .8, .8, 1.2, 2.5, 4, 5, 4.5, 4, 4, 4.2, 4.3, 4.6, 5,
                             5.5, 5.8, 5.2, 4.4, 3.8, 3.4, 3, 2.5])
    day = rng.integers(0, seconds_in_month // 86400, count)
    hour = rng.choice(24, size=count, p=hour_weights / hour_weights.sum())
    second = rng.integers(0, 3600, count)
    pickup = start + pd.to_timedelta(day * 86400 + hour * 3600 + second, unit="s")

    pu = rng.choice(NUM_ZONES, size=count, p=popularity)
    do = np.empty(count, dtype=int)
    for zone in np.unique(pu):  # gravity model: nearby popular zones attract dropoffs
        rows = np.flatnonzero(pu == zone)
        distance = np.hypot(*(xy - xy[zone]).T)
        weights = popularity * np.exp(-distance / 1.8) + 1e-6
        do[rows] = rng.choice(NUM_ZONES, size=len(rows), p=weights / weights.sum())

    straight = np.hypot(*(xy[do] - xy[pu]).T)
    trip_distance = straight * 1.3 * rng.lognormal(0.0, 0.15, count)
    trip_distance += np.where(pu == do, rng.exponential(0.9, count), 0.2)
    trip_distance[rng.random(count) < 0.01] = 0.0  # GPS glitches record no distance

    weekday = pickup.dayofweek.to_numpy()
    rush = np.isin(hour, [7, 8, 9, 16, 17, 18, 19]) & (weekday < 5)
    night = np.isin(hour, [22, 23, 0, 1, 2, 3, 4, 5])
    speed = np.where(rush, 9.0, np.where(night, 17.0, 12.5)) * np.where(weekday >= 5, 1.15, 1.0)
    speed = speed / ((congestion[pu] + congestion[do]) / 2.0) * rng.lognormal(0.0, 0.25, count)
    minutes = 1.5 + trip_distance / speed * 60.0 + rng.exponential(1.5, count)
    broken = rng.random(count)
    minutes = np.where(broken < 0.006, rng.uniform(61, 1400, count), minutes)  # meter left on
    minutes = np.where(broken > 0.99, rng.uniform(0.0, 0.99, count), minutes)  # cancelled rides
    dropoff = pickup + pd.to_timedelta(np.round(minutes * 60.0), unit="s")

    frame = pd.DataFrame({
        "VendorID": rng.choice([1, 2], size=count, p=[0.2, 0.8]),
        "lpep_pickup_datetime": pickup,
        "lpep_dropoff_datetime": dropoff,
        "PULocationID": pu + 1,
        "DOLocationID": do + 1,
        "passenger_count": rng.choice([1, 2, 3, 4, 5, 6], size=count,
                                      p=[.82, .09, .03, .02, .03, .01]),
        "trip_distance": np.round(trip_distance, 2),
        "fare_amount": np.round(2.5 + 2.5 * trip_distance + 0.5 * np.minimum(minutes, 90), 2),
    })
    return frame.sort_values("lpep_pickup_datetime").reset_index(drop=True)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out-dir", default=os.path.join(here, "data"))
    parser.add_argument("--year", type=int, default=2021)
    parser.add_argument("--months", type=int, default=6)
    parser.add_argument("--trips-per-month", type=int, default=20000)
    args = parser.parse_args()

    rng = np.random.default_rng(SEED)
    xy, congestion, popularity = zones(rng)
    os.makedirs(args.out_dir, exist_ok=True)
    for month in range(1, args.months + 1):
        # Ridership grew through the first half of 2021.
        count = int(args.trips_per_month * (0.85 + 0.06 * month))
        frame = month_of_trips(rng, args.year, month, count, xy, congestion, popularity)
        path = os.path.join(args.out_dir, f"green_tripdata_{args.year:04d}-{month:02d}.csv")
        frame.to_csv(path + ".tmp", index=False)
        os.replace(path + ".tmp", path)
        print(f"ride_duration: wrote {len(frame)} trips to {path}")


if __name__ == "__main__":
    main()
