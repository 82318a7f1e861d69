"""What the training library predicts (in ferry's JSONL output shape) and the comparison of
ferry's output with it.

Rules: scikit-learn values within 1e-12 relative (1e-12 absolute when the expected value is
below 1e-12 in magnitude); XGBoost values equal as float32; labels identical in JSON type and
value; probability keys in classes_ order.
"""

import json
import math

import numpy as np
from sklearn.base import is_classifier

REL_TOL = 1e-12


def json_label(v):
    """The JSON value ferry must print for label `v` (as json.loads returns it)."""
    if isinstance(v, (np.bool_, bool)):
        return bool(v)
    if isinstance(v, (np.integer, int)):
        return int(v)
    if isinstance(v, (np.floating, float)):
        return float(v)
    return str(v)


def _dart_booster_values(estimator, X):
    """XGBoost dart models: the values of Booster.predict on a DMatrix.

    For dart, XGBoost's two prediction paths disagree with each other by a float32 ulp or two:
    inplace_predict (used by XGBClassifier/XGBRegressor.predict*) adds each tree as
    ((base + leaf) - base) * weight, Booster.predict(DMatrix) as leaf * weight. ferry follows
    Booster.predict, the path a model loaded from .json/.ubj is normally scored with; for gbtree
    the two paths are identical and the wrapper is used as is."""
    import xgboost as xgb
    values = estimator.get_booster().predict(xgb.DMatrix(np.asarray(X, dtype=np.float64),
                                                         missing=np.nan))
    if is_classifier(estimator) and values.ndim == 1:
        values = np.stack([np.float32(1.0) - values, values], axis=1)
    return values


def _is_dart(estimator, family):
    return family == "xgboost" and estimator.get_params().get("booster") == "dart"


def expected_rows(estimator, family, X):
    """One dict per row: {"prediction": ...} and, for classifiers, "probabilities"."""
    if is_classifier(estimator):
        labels = estimator.predict(X)
        proba = None
        if not (family == "xgboost" and estimator.objective == "multi:softmax"):
            proba = (_dart_booster_values(estimator, X) if _is_dart(estimator, family)
                     else estimator.predict_proba(X))
        classes = list(estimator.classes_)
        rows = []
        for i, label in enumerate(labels):
            row = {"prediction": json_label(label)}
            if proba is not None:
                row["probabilities"] = {str(json_label(c)): float(proba[i, k])
                                        for k, c in enumerate(classes)}
            rows.append(row)
        return rows
    pred = np.asarray(_dart_booster_values(estimator, X) if _is_dart(estimator, family)
                      else estimator.predict(X))
    if pred.ndim == 2:
        return [{"prediction": [float(v) for v in r]} for r in pred]
    return [{"prediction": float(v)} for v in pred]


class Comparison:
    """Accumulates the largest error and the first mismatches of one ferry run."""

    def __init__(self, family):
        self.family = family
        self.max_err = 0.0
        self.failures = []

    def fail(self, message):
        if len(self.failures) < 3:
            self.failures.append(message)
        elif len(self.failures) == 3:
            self.failures.append("... (more mismatches)")

    def number(self, where, expected, got):
        if isinstance(got, bool) or not isinstance(got, (int, float)):
            self.fail(f"{where}: expected number {expected!r}, got {got!r}")
            return
        got = float(got)
        if math.isnan(got) or math.isnan(expected):
            if not (math.isnan(got) and math.isnan(expected)):
                self.fail(f"{where}: expected {expected!r}, got {got!r}")
            return
        diff = abs(got - expected)
        err = diff if abs(expected) < REL_TOL else diff / abs(expected)
        self.max_err = max(self.max_err, err)
        if self.family == "xgboost":
            ok = np.float32(got) == np.float32(expected)
        else:
            ok = err <= REL_TOL
        if not ok:
            self.fail(f"{where}: expected {expected!r}, got {got!r} (rel err {err:.3g})")

    def label(self, where, expected, got):
        if type(got) is not type(expected) or got != expected:
            self.fail(f"{where}: expected label {json.dumps(expected)}, got {json.dumps(got)}")


def compare(expected, output_text, family):
    """Compares ferry's JSONL output text with the expected rows; returns a Comparison."""
    cmp = Comparison(family)
    lines = output_text.splitlines()
    if len(lines) != len(expected):
        cmp.fail(f"expected {len(expected)} output lines, got {len(lines)}")
    for i, (exp, line) in enumerate(zip(expected, lines)):
        where = f"row {i + 1}"
        try:
            got = json.loads(line)
        except json.JSONDecodeError as e:
            cmp.fail(f"{where}: output is not JSON ({e}): {line[:120]}")
            continue
        if not isinstance(got, dict) or "prediction" not in got:
            cmp.fail(f"{where}: no prediction: {line[:200]}")
            continue
        pred = exp["prediction"]
        if "probabilities" in exp or not isinstance(pred, (float, list)):
            cmp.label(where + " prediction", pred, got["prediction"])
        elif isinstance(pred, list):
            g = got["prediction"]
            if not isinstance(g, list) or len(g) != len(pred):
                cmp.fail(f"{where}: expected list of {len(pred)}, got {json.dumps(g)}")
                continue
            for k, (e, v) in enumerate(zip(pred, g)):
                cmp.number(f"{where} prediction[{k}]", e, v)
        else:
            cmp.number(where + " prediction", pred, got["prediction"])
        if "probabilities" in exp:
            probs = got.get("probabilities")
            if not isinstance(probs, dict):
                cmp.fail(f"{where}: no probabilities object: {line[:200]}")
                continue
            if list(probs.keys()) != list(exp["probabilities"].keys()):
                cmp.fail(f"{where}: probability keys {list(probs.keys())}, expected "
                         f"{list(exp['probabilities'].keys())} (classes_ order)")
                continue
            for key, e in exp["probabilities"].items():
                cmp.number(f"{where} probabilities[{key}]", e, probs[key])
    return cmp
