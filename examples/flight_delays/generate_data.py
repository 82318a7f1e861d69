"""Generates a year of on-time performance records for the flight delay example.

Writes data/flights_2015.csv with the columns of the BTS on-time table the example uses:
FlightDate, Carrier, FlightNum, Origin, Dest, DepDelay, ArrDelay, Distance (minutes, miles).
Deterministic (fixed seed). Schedules are hub-and-spoke networks of real carriers over real
airports; distances are great-circle miles; delays have a heavy right tail driven by
carrier, airport congestion, season, weekday and storm days, and the arrival delay follows
the departure delay minus schedule padding plus en-route noise.

Usage: /usr/bin/python3 generate_data.py [--out data/flights_2015.csv] [--year 2015]
"""

import argparse
import datetime
import os

import numpy as np
import pandas as pd

from airports import AIRPORTS, CARRIERS, great_circle_miles

SEED = 20150101


def build_schedule(rng):
    """Returns a list of (carrier, flight_num, origin, dest) flown every day."""
    codes = sorted(AIRPORTS)
    hawaii_and_west = ["HNL", "OGG", "LAX", "SFO", "SEA", "PDX", "OAK", "SJC", "SAN", "LAS",
                       "PHX", "ANC"]
    schedule = []
    for carrier in sorted(CARRIERS):
        hubs, _ = CARRIERS[carrier]
        candidates = hawaii_and_west if carrier in ("HA", "AS", "VX") else codes
        routes = set()
        for hub in hubs:
            # Spokes at least 150 miles away, nearer ones more likely (as real networks).
            spokes = [c for c in candidates if c != hub and great_circle_miles(hub, c) >= 150]
            weights = np.array([1.0 / (300.0 + great_circle_miles(hub, c)) for c in spokes])
            count = min(len(spokes), int(rng.integers(3, 7)))
            for spoke in rng.choice(spokes, size=count, replace=False, p=weights / weights.sum()):
                routes.add((hub, str(spoke)))
                routes.add((str(spoke), hub))
        number = int(rng.integers(100, 900))
        for origin, dest in sorted(routes):
            # Busier routes (between hubs) get more daily departures.
            daily = 1 + int(origin in hubs and dest in hubs) + int(rng.random() < 0.15)
            for _ in range(daily):
                number += int(rng.integers(1, 7))
                schedule.append((carrier, str(number), origin, dest))
    return schedule


def storm_days(rng, days):
    """Per airport, a boolean array over the year marking days with disruptive weather."""
    month = np.array([d.month for d in days])
    # Summer thunderstorms and winter snow make June-August and December-February worse.
    season = np.where(np.isin(month, [6, 7, 8]), 0.07,
                      np.where(np.isin(month, [12, 1, 2]), 0.06, 0.025))
    return {code: rng.random(len(days)) < season * AIRPORTS[code][2] for code in AIRPORTS}


def simulate(rng, schedule, days):
    storms = storm_days(rng, days)
    n_days, n_flights = len(days), len(schedule)
    day_index = np.repeat(np.arange(n_days), n_flights)
    flight_index = np.tile(np.arange(n_flights), n_days)
    carriers = np.array([s[0] for s in schedule])[flight_index]
    origins = np.array([s[2] for s in schedule])[flight_index]
    dests = np.array([s[3] for s in schedule])[flight_index]
    distance = np.array([great_circle_miles(s[2], s[3]) for s in schedule])[flight_index]
    punctuality = np.array([CARRIERS[c][1] for c in carriers])
    origin_congestion = np.array([AIRPORTS[o][2] for o in origins])
    dest_congestion = np.array([AIRPORTS[d][2] for d in dests])
    origin_storm = np.array([storms[o][i] for o, i in zip(origins, day_index)])
    dest_storm = np.array([storms[d][i] for d, i in zip(dests, day_index)])
    month = np.array([d.month for d in days])[day_index]
    weekday = np.array([d.weekday() for d in days])[day_index]
    holiday_rush = np.array([(d.month == 12 and d.day >= 18) or (d.month == 11 and 22 <= d.day <= 30)
                             for d in days])[day_index]

    n = len(day_index)
    season = np.where(np.isin(month, [6, 7, 12]), 1.25, np.where(np.isin(month, [9, 10]), 0.8, 1.0))
    busy_day = np.where(np.isin(weekday, [4, 6]), 1.15, np.where(weekday == 5, 0.85, 1.0))
    pressure = punctuality * origin_congestion * season * busy_day * np.where(holiday_rush, 1.3, 1.0)
    late_probability = np.clip(0.33 * pressure * np.where(origin_storm, 2.2, 1.0), 0.05, 0.95)
    late = rng.random(n) < late_probability
    on_time = np.clip(np.round(rng.normal(-4.0, 3.5, n)), -25, 0)
    tail = rng.exponential(22.0 * pressure)
    # A few flights wait hours (crew, maintenance): a Pareto tail up to the 1500 minute cap.
    long_wait = rng.random(n) < 0.06 * pressure
    tail += np.where(long_wait, 60.0 * (rng.pareto(1.7, n) + 1.0), 0.0)
    tail += np.where(origin_storm, rng.exponential(55.0, n), 0.0)
    dep_delay = np.where(late, np.minimum(np.round(1.0 + tail), 1500.0), on_time)

    padding = 4.0 + 6.0 * (2.0 - punctuality) + 0.004 * distance
    en_route = rng.normal(0.0, 5.0 + distance / 400.0, n)
    arrival_queue = rng.exponential(5.0 * dest_congestion) + np.where(
        dest_storm, rng.exponential(35.0, n), 0.0)
    weekday_effect = np.select([weekday == 4, weekday == 6, weekday == 5], [3.0, 4.0, -2.0], 0.0)
    recovery = np.where(dep_delay > 60, 0.92, 1.0)
    arr_delay = np.round(dep_delay * recovery - padding + en_route + arrival_queue + weekday_effect)
    arr_delay = np.clip(arr_delay, -80, 1600)

    # About 1.5% of flights are cancelled (more on storm days) and never appear in the table.
    flown = rng.random(n) >= np.where(origin_storm | dest_storm, 0.08, 0.012)
    frame = pd.DataFrame({
        "FlightDate": np.array([d.isoformat() for d in days])[day_index],
        "Carrier": carriers,
        "FlightNum": np.array([s[1] for s in schedule])[flight_index],
        "Origin": origins,
        "Dest": dests,
        "DepDelay": dep_delay,
        "ArrDelay": arr_delay,
        "Distance": distance.astype(float),
    })
    return frame[flown].reset_index(drop=True)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", default=os.path.join(here, "data", "flights_2015.csv"))
    parser.add_argument("--year", type=int, default=2015)
    args = parser.parse_args()

    rng = np.random.default_rng(SEED)
    schedule = build_schedule(rng)
    first = datetime.date(args.year, 1, 1)
    days = [first + datetime.timedelta(days=i)
            for i in range((datetime.date(args.year + 1, 1, 1) - first).days)]
    frame = simulate(rng, schedule, days)
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    tmp = args.out + ".tmp"
    frame.to_csv(tmp, index=False, float_format="%.1f")
    os.replace(tmp, args.out)
    print(f"flight_delays: wrote {len(frame)} flights ({len(schedule)} daily departures, "
          f"{frame.groupby(['Origin', 'Dest']).ngroups} routes) to {args.out}")


if __name__ == "__main__":
    main()
