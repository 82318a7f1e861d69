"""Trains XGBoost models for the parity tests and writes, per case, into OUT_DIR:
  <case>.json, <case>.ubj     the model saved with save_model
  <case>.x.f64                test features, float64 row-major (NaN = missing)
  <case>.pred.f32             the library's outputs as ferry reports them, float32 row-major
  <case>.label.i32            class index per row (classifiers only), as XGBClassifier picks it
and one line per case in cases.txt: name rows features width is_classifier.
Usage: /usr/bin/python3 make_models.py OUT_DIR
"""
import os
import sys

import numpy as np
import xgboost as xgb

OUT = sys.argv[1]
RNG = np.random.RandomState(7)
ROWS, TEST_ROWS, FEATURES = 300, 120, 5


def features(n, nan_fraction=0.1):
    x = RNG.normal(size=(n, FEATURES)).astype(np.float64)
    x[RNG.rand(n, FEATURES) < nan_fraction] = np.nan
    return x


X = features(ROWS)
X_TEST = features(TEST_ROWS)
# Also exercise values exactly at thresholds: reuse training values in the test rows.
X_TEST[:20] = X[:20]
SIGNAL = np.nan_to_num(X[:, 0]) + 0.5 * np.nan_to_num(X[:, 1]) ** 2 - np.nan_to_num(X[:, 2])


def labels_for(objective):
    if objective.startswith("binary:"):
        return (SIGNAL > 0.3).astype(np.float64)
    if objective.startswith("multi:"):
        return np.digitize(SIGNAL, [-0.5, 0.5, 1.5]).astype(np.float64)
    if objective == "reg:logistic":
        return 1.0 / (1.0 + np.exp(-SIGNAL))
    if objective in ("count:poisson",):
        return np.floor(np.exp(SIGNAL / 2)).astype(np.float64)
    if objective in ("reg:gamma", "reg:tweedie"):
        return np.exp(SIGNAL / 3) + 0.1
    return SIGNAL


def write_case(name, booster, x_test, pred, label=None):
    booster.save_model(os.path.join(OUT, name + ".json"))
    booster.save_model(os.path.join(OUT, name + ".ubj"))
    np.ascontiguousarray(x_test, dtype=np.float64).tofile(os.path.join(OUT, name + ".x.f64"))
    pred = np.asarray(pred, dtype=np.float32)
    if pred.ndim == 1:
        pred = pred.reshape(-1, 1)
    np.ascontiguousarray(pred).tofile(os.path.join(OUT, name + ".pred.f32"))
    if label is not None:
        np.asarray(label, dtype=np.int32).tofile(os.path.join(OUT, name + ".label.i32"))
    with open(os.path.join(OUT, "cases.txt"), "a") as f:
        f.write(f"{name} {x_test.shape[0]} {x_test.shape[1]} {pred.shape[1]} "
                f"{int(label is not None)}\n")


def outputs(objective, booster, dtest):
    """The library's outputs and labels in ferry's layout for `objective`."""
    p = booster.predict(dtest)
    one = np.float32(1)
    if objective in ("binary:logistic", "binary:logitraw"):
        p = p.astype(np.float32)
        # XGBClassifier: predict_proba = [1 - p, p], predict = p > 0.5 (also for logitraw).
        return np.stack([one - p, p], axis=1), (p > 0.5).astype(np.int32)
    if objective == "multi:softprob":
        return p, np.argmax(p, axis=1)
    if objective == "multi:softmax":
        label = p.astype(np.int32)
        booster.set_param({"objective": "multi:softprob"})
        prob = booster.predict(dtest)
        booster.set_param({"objective": "multi:softmax"})
        return prob, label
    return p, None


def train_case(name, objective, booster="gbtree", rounds=8, depth=3, feature_names=None,
               extra=None):
    params = {"objective": objective, "max_depth": depth, "eta": 0.3, "booster": booster,
              "seed": 1, "nthread": 1}
    if objective.startswith("multi:"):
        params["num_class"] = 4
    if booster == "dart":
        params.update({"rate_drop": 0.3, "skip_drop": 0.0, "sample_type": "weighted"})
    params.update(extra or {})
    dtrain = xgb.DMatrix(X, labels_for(objective), feature_names=feature_names)
    b = xgb.train(params, dtrain, rounds)
    dtest = xgb.DMatrix(X_TEST, feature_names=feature_names)
    pred, label = outputs(objective, b, dtest)
    write_case(name, b, X_TEST, pred, label)


OBJECTIVES = ["reg:squarederror", "reg:linear", "reg:pseudohubererror", "reg:absoluteerror",
              "reg:logistic", "binary:logistic", "binary:logitraw", "multi:softprob",
              "multi:softmax", "count:poisson", "reg:gamma", "reg:tweedie"]
NAMES = [f"f_{i}" for i in range(FEATURES)]
for i, objective in enumerate(OBJECTIVES):
    tag = objective.replace(":", "_")
    train_case(f"{tag}_gbtree", objective, depth=2 + i % 4, rounds=5 + i,
               feature_names=NAMES if i % 2 else None)
    train_case(f"{tag}_dart", objective, booster="dart", depth=3, rounds=6)

# base_score away from the default, so each objective's margin transform is exercised.
train_case("binary_logistic_base", "binary:logistic", extra={"base_score": 0.3141})
train_case("count_poisson_base", "count:poisson", extra={"base_score": 2.71})
train_case("reg_logistic_base", "reg:logistic", extra={"base_score": 0.77})
train_case("binary_logitraw_base", "binary:logitraw", extra={"base_score": 0.2})
# A random forest inside XGBoost and a deep tree.
train_case("forest", "reg:squarederror", rounds=3, extra={"num_parallel_tree": 4,
                                                          "subsample": 0.7})
train_case("deep", "binary:logistic", rounds=4, depth=10)

# Multi-target regression (one tree per target, tree_info names the target).
Y2 = np.stack([SIGNAL, np.nan_to_num(X[:, 3]) * 2], axis=1)
b = xgb.train({"tree_method": "hist", "max_depth": 3, "seed": 1}, xgb.DMatrix(X, Y2), 6)
write_case("multi_target", b, X_TEST, b.predict(xgb.DMatrix(X_TEST)))

# Categorical splits (features 0 and 3 are category codes), both one-hot and partition splits.
XC = X.copy()
XC[:, 0] = RNG.randint(0, 12, size=ROWS)
XC[:, 3] = RNG.randint(0, 3, size=ROWS)
XC[RNG.rand(ROWS) < 0.1, 0] = np.nan
YC = np.where(np.isin(XC[:, 0], [1, 4, 7, 9]), 2.0, -1.0) + XC[:, 3] + np.nan_to_num(XC[:, 1])
XC_TEST = X_TEST.copy()
# Unseen (12..14), negative and non-integral codes too.
XC_TEST[:, 0] = RNG.randint(-2, 15, size=TEST_ROWS) + np.where(RNG.rand(TEST_ROWS) < 0.1, 0.5, 0)
XC_TEST[:, 3] = RNG.randint(0, 3, size=TEST_ROWS)
XC_TEST[RNG.rand(TEST_ROWS) < 0.1, 0] = np.nan
types = ["c", "q", "q", "c", "q"]
for name, onehot in [("categorical_partition", 1), ("categorical_onehot", 64)]:
    b = xgb.train({"tree_method": "hist", "max_depth": 4, "max_cat_to_onehot": onehot,
                   "seed": 1}, xgb.DMatrix(XC, YC, feature_types=types, enable_categorical=True),
                  8)
    pred = b.predict(xgb.DMatrix(XC_TEST, feature_types=types, enable_categorical=True))
    write_case(name, b, XC_TEST, pred)

# The scikit-learn wrapper, trained on a DataFrame (feature names), labels from its predict().
import pandas as pd  # noqa: E402

frame = pd.DataFrame(X, columns=[f"col{i}" for i in range(FEATURES)])
test_frame = pd.DataFrame(X_TEST, columns=frame.columns)
clf = xgb.XGBClassifier(n_estimators=7, max_depth=3, random_state=1, n_jobs=1)
clf.fit(frame, labels_for("multi:softprob").astype(int))
write_case("sklearn_multiclass", clf, X_TEST, clf.predict_proba(test_frame),
           clf.predict(test_frame))
