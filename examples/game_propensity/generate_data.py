"""Generates the games dataset for the propensity example.

Writes data/games.csv: user_id, G1..G10 (1 when the player already bought game i, else 0) and
label (1 when the player went on to buy the target game). Deterministic (fixed seed).
Each player has a hidden level of engagement; engaged players own more games, popular games
are owned more often, and the target game appeals most to owners of a few related titles
(G1, G3, G7: the same genre) and least to owners of G9 (a rival franchise).

Usage: /usr/bin/python3 generate_data.py [--players 5000]
"""

import argparse
import os

import numpy as np
import pandas as pd

SEED = 1234
# Share of players owning each game, and how much owning it changes the odds of the target.
POPULARITY = np.array([0.30, 0.22, 0.18, 0.35, 0.12, 0.25, 0.10, 0.15, 0.20, 0.08])
EFFECT = np.array([1.10, 0.15, 0.85, -0.10, 0.30, 0.05, 1.40, 0.20, -0.90, 0.45])


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", default=os.path.join(here, "data", "games.csv"))
    parser.add_argument("--players", type=int, default=5000)
    args = parser.parse_args()

    rng = np.random.default_rng(SEED)
    engagement = rng.normal(0.0, 1.0, args.players)
    base_logit = np.log(POPULARITY / (1.0 - POPULARITY))
    owns = rng.random((args.players, 10)) < 1.0 / (1.0 + np.exp(
        -(base_logit + 0.8 * engagement[:, None])))
    target_logit = -2.6 + owns @ EFFECT + 0.35 * engagement
    label = rng.random(args.players) < 1.0 / (1.0 + np.exp(-target_logit))

    frame = pd.DataFrame(owns.astype(int), columns=[f"G{i}" for i in range(1, 11)])
    frame.insert(0, "user_id", [f"u{100000 + i}" for i in range(args.players)])
    frame["label"] = label.astype(int)
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    frame.to_csv(args.out + ".tmp", index=False)
    os.replace(args.out + ".tmp", args.out)
    print(f"game_propensity: wrote {len(frame)} players ({frame.label.mean():.1%} bought the "
          f"target game) to {args.out}")


if __name__ == "__main__":
    main()
