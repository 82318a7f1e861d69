"""Trains the game propensity model and writes bundle/model.joblib.

Reads data/games.csv (generate_data.py) and fits LogisticRegression on the columns G1..G10
(a pandas DataFrame, so the model records its input names) to the label; the bundle reports
predict_proba's column for class 1 as `propensity`. Prints the held-out ROC AUC as a check.
Deterministic: the solver (lbfgs) has no randomness and the split has a fixed seed.

Usage: /usr/bin/python3 train.py
"""

import argparse
import os

import joblib
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import train_test_split

HERE = os.path.dirname(os.path.abspath(__file__))
GAMES = [f"G{i}" for i in range(1, 11)]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", default=os.path.join(HERE, "data", "games.csv"))
    parser.add_argument("--out", default=os.path.join(HERE, "bundle", "model.joblib"))
    args = parser.parse_args()

    games = pd.read_csv(args.data)
    x_train, x_test, y_train, y_test = train_test_split(
        games[GAMES], games["label"], test_size=0.3, random_state=42)
    model = LogisticRegression().fit(x_train, y_train)
    auc = roc_auc_score(y_test, model.predict_proba(x_test)[:, 1])
    print(f"game_propensity: trained on {len(x_train)} players, held-out ROC AUC {auc:.3f}")

    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    joblib.dump(model, args.out + ".tmp")
    os.replace(args.out + ".tmp", args.out)
    print(f"game_propensity: wrote {args.out}")


if __name__ == "__main__":
    main()
