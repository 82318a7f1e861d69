"""Trains small scikit-learn models and writes them, with the library's own predictions, for
sklearn_loader_test.cc.

Usage: /usr/bin/python3 make_test_models.py OUT_DIR

Writes OUT_DIR/<case>.<ext> model files (pickle protocols 2-5, joblib with several
compressions) and OUT_DIR/manifest.json: for each case the input rows (as records; null for
NaN/None), scikit-learn's predict_proba / predict output, the predicted label indices, the
classes with their Python types, and a few structural facts about the model.
"""
import json
import math
import pickle
import sys
import warnings

import joblib
import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.dummy import DummyClassifier
from sklearn.ensemble import (ExtraTreesClassifier, ExtraTreesRegressor,
                              GradientBoostingClassifier, GradientBoostingRegressor,
                              HistGradientBoostingClassifier, HistGradientBoostingRegressor,
                              RandomForestClassifier, RandomForestRegressor)
from sklearn.feature_extraction import DictVectorizer
from sklearn.impute import SimpleImputer
from sklearn.linear_model import ElasticNet, Lasso, LinearRegression, LogisticRegression, Ridge
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer, MinMaxScaler, OneHotEncoder, StandardScaler
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

warnings.filterwarnings("ignore")
OUT = sys.argv[1]
RNG = np.random.RandomState(7)
FORMATS = ["pickle2", "pickle3", "pickle4", "pickle5", "joblib", "joblib-zlib", "joblib-gzip",
           "joblib-bz2", "joblib-xz", "joblib-lzma"]
cases = []


def dump(model, name, fmt):
    if fmt.startswith("pickle"):
        path = f"{OUT}/{name}.pkl"
        with open(path, "wb") as f:
            pickle.dump(model, f, protocol=int(fmt[-1]))
    else:
        path = f"{OUT}/{name}.joblib"
        compress = {"joblib": 0, "joblib-zlib": 3, "joblib-gzip": ("gzip", 3),
                    "joblib-bz2": ("bz2", 3), "joblib-xz": ("xz", 3),
                    "joblib-lzma": ("lzma", 3)}[fmt]
        joblib.dump(model, path, compress=compress)
    return path


def cell(v):
    if v is None:
        return None
    if isinstance(v, (np.integer,)):
        return int(v)
    if isinstance(v, (float, np.floating)):
        return None if math.isnan(v) else float(v)
    if isinstance(v, (np.bool_, bool)):
        return bool(v)
    return v


def records(X):
    if isinstance(X, pd.DataFrame):
        return [{c: cell(v) for c, v in zip(X.columns, row)} for row in X.itertuples(index=False)]
    if isinstance(X, list):  # dicts for DictVectorizer
        return [{k: cell(v) for k, v in d.items()} for d in X]
    return [{f"c{j}": cell(v) for j, v in enumerate(row)} for row in X]


def typed(v):
    if isinstance(v, (bool, np.bool_)):
        return {"bool": bool(v)}
    if isinstance(v, (int, np.integer)):
        return {"int": int(v)}
    if isinstance(v, (float, np.floating)):
        return {"float": float(v)}
    return {"str": str(v)}


def add(name, model, X, expect=None, fmt=None):
    fmt = fmt or FORMATS[len(cases) % len(FORMATS)]
    case = {"name": name, "file": dump(model, name, fmt), "format": fmt, "rows": records(X),
            "expect": expect or {}}
    if hasattr(model, "predict_proba") and hasattr(model, "classes_"):
        classes = list(model.classes_)
        case["classes"] = [typed(c) for c in classes]
        case["values"] = np.asarray(model.predict_proba(X), dtype=float).tolist()
        case["labels"] = [classes.index(p) for p in model.predict(X)]
    else:
        pred = np.asarray(model.predict(X), dtype=float)
        case["values"] = pred.reshape(len(pred), -1).tolist()
    cases.append(case)


def add_error(name, model, message):
    cases.append({"name": name, "file": dump(model, name, "pickle4"), "error": message})


def numeric(n, p, nan_rate=0.0):
    X = RNG.normal(size=(n, p))
    if nan_rate:
        X[RNG.rand(n, p) < nan_rate] = np.nan
    return X


# ---------------------------------------------------------------- linear models
X = numeric(60, 4)
y = X @ [1.5, -2.0, 0.5, 0.0] + 0.3 + RNG.normal(scale=0.1, size=60)
Y2 = np.c_[y, X[:, 0] * 3 - 1]
add("linear_regression", LinearRegression().fit(X, y), X[:20], {"num_inputs": 4})
add("linear_regression_2_targets", LinearRegression().fit(X, Y2), X[:20])
add("ridge_no_intercept", Ridge(alpha=0.5, fit_intercept=False).fit(X, y), X[:20])
add("lasso", Lasso(alpha=0.05).fit(X, y), X[:20])
add("elastic_net_2_targets", ElasticNet(alpha=0.05, l1_ratio=0.3).fit(X, Y2), X[:20])

yb = np.where(X[:, 0] + X[:, 1] > 0, "yes", "no")
y3 = np.digitize(X[:, 0] - X[:, 2], [-0.5, 0.5])  # ints 0, 1, 2
add("logistic_binary_strings", LogisticRegression().fit(X, yb), X[:20],
    {"link": "sigmoid"})
add("logistic_binary_multinomial", LogisticRegression(multi_class="multinomial").fit(X, yb),
    X[:20], {"link": "binary_softmax"})
add("logistic_multinomial", LogisticRegression(C=0.7).fit(X, y3), X[:20], {"link": "softmax"})
add("logistic_ovr", LogisticRegression(multi_class="ovr").fit(X, y3 * 10), X[:20],
    {"link": "ovr"})
add("logistic_liblinear", LogisticRegression(solver="liblinear").fit(X, y3 * 1.0), X[:20],
    {"link": "ovr"})

# ---------------------------------------------------------------- trees and forests
Xt = numeric(150, 5)
ycls = np.array(["cat", "dog", "emu"])[np.digitize(Xt[:, 0] + 0.5 * Xt[:, 1], [-0.4, 0.6])]
yreg = Xt[:, 0] * 2 + np.sin(Xt[:, 1] * 3)
weights = RNG.uniform(0.5, 2.0, size=150)
add("decision_tree_classifier_weighted",
    DecisionTreeClassifier(max_depth=4, random_state=0).fit(Xt, ycls, sample_weight=weights),
    Xt[:30], {"num_trees": 1})
add("decision_tree_regressor", DecisionTreeRegressor(max_depth=5, random_state=0).fit(Xt, yreg),
    Xt[:30])
add("decision_tree_regressor_2_outputs",
    DecisionTreeRegressor(max_depth=4, random_state=0).fit(Xt, np.c_[yreg, -yreg * 2]), Xt[:30])
add("random_forest_classifier",
    RandomForestClassifier(n_estimators=12, max_depth=5, random_state=0).fit(Xt, ycls),
    Xt[:30], {"num_trees": 12})
add("random_forest_regressor",
    RandomForestRegressor(n_estimators=10, max_depth=6, random_state=0).fit(Xt, yreg), Xt[:30],
    {"num_trees": 10})
add("extra_trees_classifier_bool",
    ExtraTreesClassifier(n_estimators=8, max_depth=5, random_state=0).fit(Xt, Xt[:, 2] > 0),
    Xt[:30])
add("extra_trees_regressor",
    ExtraTreesRegressor(n_estimators=8, max_depth=5, random_state=0).fit(Xt, yreg), Xt[:30])

# ---------------------------------------------------------------- gradient boosting
yb_t = (Xt[:, 0] - Xt[:, 3] > 0).astype(int)
add("gb_classifier_binary",
    GradientBoostingClassifier(n_estimators=15, max_depth=3, learning_rate=0.3,
                               random_state=0).fit(Xt, yb_t), Xt[:30],
    {"num_trees": 15, "link": "sigmoid"})
add("gb_classifier_multiclass",
    GradientBoostingClassifier(n_estimators=6, max_depth=2, random_state=0).fit(Xt, ycls),
    Xt[:30], {"num_trees": 18, "link": "softmax"})
add("gb_classifier_exponential",
    GradientBoostingClassifier(loss="exponential", n_estimators=10, max_depth=2,
                               random_state=0).fit(Xt, yb_t), Xt[:30],
    {"link": "sigmoid_times_two"})
add("gb_classifier_zero_init",
    GradientBoostingClassifier(init="zero", n_estimators=10, max_depth=2,
                               random_state=0).fit(Xt, ycls), Xt[:30])
add("gb_regressor", GradientBoostingRegressor(n_estimators=20, max_depth=3,
                                              random_state=0).fit(Xt, yreg), Xt[:30])
add("gb_regressor_huber", GradientBoostingRegressor(loss="huber", n_estimators=10,
                                                    random_state=0).fit(Xt, yreg), Xt[:30])
add("gb_regressor_quantile",
    GradientBoostingRegressor(loss="quantile", alpha=0.8, n_estimators=10,
                              random_state=0).fit(Xt, yreg), Xt[:30])

# ---------------------------------------------------------------- histogram gradient boosting
Xh = numeric(300, 4, nan_rate=0.1)
Xh[:, 3] = RNG.randint(0, 6, size=300).astype(float)  # categorical feature
Xh[RNG.rand(300) < 0.05, 3] = np.nan
yh = np.nan_to_num(Xh[:, 0]) * 2 + (Xh[:, 3] % 3 == 0) * 1.5
Xh_test = Xh[:40].copy()
Xh_test[0, 3] = 9.0   # a category unseen in training
Xh_test[1, 0] = np.nan
yh_cls = np.array(["low", "mid", "high"])[np.digitize(yh, [-0.5, 1.5])]
add("hgb_classifier_binary_nan",
    HistGradientBoostingClassifier(max_iter=15, random_state=0).fit(Xh[:, :3], yh > 0.5),
    Xh_test[:, :3], {"link": "sigmoid"})
add("hgb_classifier_multiclass_categorical",
    HistGradientBoostingClassifier(max_iter=10, categorical_features=[3],
                                   random_state=0).fit(Xh, yh_cls), Xh_test,
    {"num_trees": 30, "link": "softmax"})
add("hgb_regressor_categorical",
    HistGradientBoostingRegressor(max_iter=20, categorical_features=[False, False, False, True],
                                  random_state=0).fit(Xh, yh), Xh_test)
add("hgb_regressor_poisson",
    HistGradientBoostingRegressor(loss="poisson", max_iter=15,
                                  random_state=0).fit(Xh[:, :3], np.exp(yh / 3)),
    Xh_test[:, :3], {"link": "exp"})
add("hgb_regressor_absolute_error",
    HistGradientBoostingRegressor(loss="absolute_error", max_iter=10,
                                  random_state=0).fit(Xh[:, :3], yh), Xh_test[:, :3])

# ---------------------------------------------------------------- pipelines
n = 120
df = pd.DataFrame({
    "age": RNG.uniform(18, 80, size=n).round(1),
    "income": RNG.lognormal(10, 0.5, size=n).round(2),
    "color": RNG.choice(["red", "green", "blue"], size=n),
    "size": RNG.choice([1, 2, 3], size=n),
    "city": RNG.choice(["paris", "rome", "oslo", None], size=n),
})
# Missing strings as pandas.read_csv gives them: float NaN (scikit-learn's imputers treat a
# None as a value, not as missing; ferry records cannot tell None from NaN).
df["city"] = df["city"].where(df["city"].notna(), np.nan)
df.loc[RNG.rand(n) < 0.1, "income"] = np.nan
target = np.where((df["age"] > 45) ^ (df["color"] == "red"), "buy", "skip")
target_reg = df["age"] * 0.1 + (df["color"] == "blue") * 2.0
test = df.iloc[:25].copy()
test.loc[test.index[0], "color"] = "purple"  # unknown category, ignored by the encoder

pipe = Pipeline([
    ("prep", ColumnTransformer([
        ("num", Pipeline([("impute", SimpleImputer(strategy="median")),
                          ("scale", StandardScaler())]), ["age", "income"]),
        ("cat", OneHotEncoder(handle_unknown="ignore"), ["color", "size"]),
        ("city", Pipeline([("impute", SimpleImputer(strategy="most_frequent")),
                           ("onehot", OneHotEncoder(handle_unknown="ignore",
                                                    sparse_output=False))]), ["city"]),
    ])),
    ("model", GradientBoostingClassifier(n_estimators=10, max_depth=3, random_state=0)),
])
add("pipeline_column_transformer_gb", pipe.fit(df, target), test,
    {"num_inputs": 5, "input_names": True, "num_stages": 1})

pipe2 = Pipeline([
    ("prep", ColumnTransformer([
        ("scaled", MinMaxScaler(clip=True, feature_range=(-1, 2)), [0]),
        ("onehot", OneHotEncoder(drop="first"), np.array([False, False, True, False, False])),
        ("raw", "passthrough", slice(3, 4)),
    ], remainder="drop")),
    ("skip", "passthrough"),
    ("model", Ridge(alpha=0.3)),
])
arr = df[["age", "income", "color", "size", "city"]].to_numpy(dtype=object)
arr[:, 1] = np.nan_to_num(arr[:, 1].astype(float))
arr_test = arr[:25].copy()
arr_test[0, 2] = "green"
arr_test[1, 0] = 500.0  # clipped by MinMaxScaler
add("pipeline_array_indices_mask_slice", pipe2.fit(arr, target_reg), arr_test)

pipe3 = Pipeline([
    ("prep", ColumnTransformer([
        ("onehot", OneHotEncoder(drop="if_binary", handle_unknown="error"), ["size"]),
    ], remainder="passthrough")),
    ("scale", StandardScaler(with_mean=False)),
    ("model", LogisticRegression(max_iter=500)),
])
df_num = df[["age", "size"]].copy()
add("pipeline_remainder_passthrough", pipe3.fit(df_num, target), df_num.iloc[:25])

dicts = [{"city": c, "age": float(a), "vip": bool(v)} if isinstance(c, str) else {"age": float(a)}
         for c, a, v in zip(df["city"], df["age"], RNG.rand(n) > 0.7)]
pipe4 = Pipeline([("dict", DictVectorizer(sparse=False)),
                  ("model", RandomForestRegressor(n_estimators=5, max_depth=4,
                                                  random_state=0))])
add("pipeline_dict_vectorizer_forest", pipe4.fit(dicts, target_reg), dicts[:25],
    {"dict_input": True})

Xi = numeric(80, 3)
Xi[RNG.rand(80, 3) < 0.15] = -1.0
inner = Pipeline([("impute", SimpleImputer(missing_values=-1.0, strategy="constant",
                                           fill_value=0.25)),
                  ("scale", StandardScaler(with_std=False))])
pipe5 = Pipeline([("inner", inner), ("identity", FunctionTransformer()),
                  ("model", Pipeline([("last", DecisionTreeClassifier(max_depth=3,
                                                                       random_state=0))]))])
add("nested_pipelines_constant_imputer", pipe5.fit(Xi, Xi[:, 0] > 0), Xi[:20],
    {"chain": "Pipeline,Pipeline,SimpleImputer,StandardScaler,FunctionTransformer,Pipeline,"
              "DecisionTreeClassifier"})

df_missing = df[["city", "income"]].copy()
df_missing["bucket"] = np.floor(df_missing["income"] / 20000.0)  # floats with NaN
pipe6 = Pipeline([
    ("prep", ColumnTransformer([
        ("ohe", OneHotEncoder(handle_unknown="ignore"), ["city", "bucket"]),
        ("city_constant", Pipeline([
            ("impute", SimpleImputer(strategy="constant", fill_value="elsewhere")),
            ("onehot", OneHotEncoder(drop="first"))]), ["city"]),
    ])),
    ("model", LogisticRegression(max_iter=500)),
])
add("onehot_none_and_nan_categories", pipe6.fit(df_missing, target), df_missing.iloc[:25])

# ---------------------------------------------------------------- errors
add_error("error_unsupported_class", DummyClassifier().fit(X, yb), "DummyClassifier")
add_error("error_transformer_only", StandardScaler().fit(X), "not an estimator")
add_error("error_infrequent_categories",
          Pipeline([("ohe", OneHotEncoder(max_categories=2, handle_unknown="infrequent_if_exist")),
                    ("m", LinearRegression())]).fit(df[["color"]], target_reg),
          "infrequent")
add_error("error_multi_output_classifier",
          DecisionTreeClassifier(max_depth=2).fit(Xt, np.c_[yb_t, yb_t]), "multi-output")
add_error("error_imputer_indicator",
          Pipeline([("i", SimpleImputer(add_indicator=True)), ("m", LinearRegression())]).fit(
              Xh[:, :3], yh), "MissingIndicator")

with open(f"{OUT}/manifest.json", "w") as f:
    json.dump({"sklearn_version": __import__("sklearn").__version__, "cases": cases}, f)
