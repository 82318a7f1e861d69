"""Writes a tiny bundle for the serving tests: a LogisticRegression over two numbers (x1, x2)
trained with scikit-learn, its ferry.yaml with labels "no"/"yes" and probabilities.

usage: /usr/bin/python3 make_tiny_bundle.py DIR [--name tiny] [--version 1] [--flip]
--flip trains on inverted labels, so a version made with it answers the opposite class.
"""
import argparse
import os

import joblib
import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression

SPEC = """name: {name}
version: "{version}"
model: model.joblib
inputs:
  x1: {{type: float, min: -1000, max: 1000}}
  x2: {{type: float}}
  tag: {{type: string, required: false, default: ""}}
features:
  x1: x1
  x2: x2
outputs:
  prediction: label
  labels: {{0: "no", 1: "yes"}}
  probabilities: true
  passthrough: [tag]
"""


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("dir")
    parser.add_argument("--name", default="tiny")
    parser.add_argument("--version", default="1")
    parser.add_argument("--flip", action="store_true")
    args = parser.parse_args()
    rng = np.random.default_rng(7)
    x = pd.DataFrame({"x1": rng.normal(size=200), "x2": rng.normal(size=200)})
    y = ((x["x1"] + x["x2"]) > 0).astype(int)
    if args.flip:
        y = 1 - y
    model = LogisticRegression().fit(x, y)
    os.makedirs(args.dir, exist_ok=True)
    joblib.dump(model, os.path.join(args.dir, "model.joblib"))
    with open(os.path.join(args.dir, "ferry.yaml"), "w") as f:
        f.write(SPEC.format(name=args.name, version=args.version))


if __name__ == "__main__":
    main()
