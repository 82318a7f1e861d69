"""Datasets for the parity suite: sklearn's bundled real datasets and small synthetic tables.

Every function returns (X_train, y_train, X_test[, y_test]) with a fixed seed, so a run is
reproducible. Sizes are modest so that the whole suite trains in well under a minute.
"""

import numpy as np
import pandas as pd
from sklearn import datasets
from sklearn.model_selection import train_test_split

SEED = 7


def _split(X, y, test_size=0.3):
    return train_test_split(X, y, test_size=test_size, random_state=SEED)


def diabetes():
    X, y = datasets.load_diabetes(return_X_y=True)
    X_tr, X_te, y_tr, _ = _split(X, y)
    return X_tr, y_tr, X_te


def breast_cancer():
    X, y = datasets.load_breast_cancer(return_X_y=True)
    X_tr, X_te, y_tr, _ = _split(X, y)
    return X_tr, y_tr, X_te


def wine():
    X, y = datasets.load_wine(return_X_y=True)
    X_tr, X_te, y_tr, _ = _split(X, y)
    return X_tr, y_tr, X_te


def iris():
    X, y = datasets.load_iris(return_X_y=True)
    X_tr, X_te, y_tr, _ = _split(X, y)
    return X_tr, y_tr, X_te


def digits(n=900):
    X, y = datasets.load_digits(return_X_y=True)
    X_tr, X_te, y_tr, _ = _split(X[:n], y[:n])
    return X_tr, y_tr, X_te


def with_nans(X, fraction=0.15, seed=SEED):
    """A copy of X with about `fraction` of its cells set to NaN."""
    rng = np.random.default_rng(seed)
    X = np.array(X, dtype=np.float64, copy=True)
    X[rng.random(X.shape) < fraction] = np.nan
    return X


def synthetic_regression(n=600, p=6, seed=SEED, nan_fraction=0.0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, p)) * rng.uniform(0.5, 20.0, size=p)
    y = X @ rng.normal(size=p) + np.sin(X[:, 0]) * 5.0 + rng.normal(scale=0.3, size=n)
    if nan_fraction:
        X = with_nans(X, nan_fraction, seed)
    X_tr, X_te, y_tr, _ = _split(X, y)
    return X_tr, y_tr, X_te


def synthetic_positive_target(n=600, p=5, seed=SEED):
    """Counts-like positive target for Poisson / gamma objectives."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, p))
    lam = np.exp(0.4 * X[:, 0] - 0.3 * X[:, 1] + 0.5)
    y = rng.poisson(lam).astype(np.float64) + 0.0
    X_tr, X_te, y_tr, _ = _split(X, y)
    return X_tr, y_tr, X_te


def synthetic_gamma_target(n=600, p=5, seed=SEED):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, p))
    mean = np.exp(0.3 * X[:, 0] + 0.2 * X[:, 2] + 1.0)
    y = rng.gamma(2.0, mean / 2.0)
    X_tr, X_te, y_tr, _ = _split(X, y)
    return X_tr, y_tr, X_te


def synthetic_unit_target(n=600, p=5, seed=SEED):
    """Target in [0, 1] for reg:logistic."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, p))
    y = 1.0 / (1.0 + np.exp(-(X[:, 0] - 0.5 * X[:, 1]))) * 0.9 + rng.uniform(0, 0.1, size=n)
    X_tr, X_te, y_tr, _ = _split(X, y)
    return X_tr, y_tr, X_te


def synthetic_classes(n=600, p=6, k=3, seed=SEED, string_labels=False, nan_fraction=0.0):
    """Gaussian blobs; labels 0..k-1 or strings like 'alpha', 'beta', ..."""
    rng = np.random.default_rng(seed)
    centers = rng.normal(scale=2.0, size=(k, p))
    y_idx = rng.integers(0, k, size=n)
    X = centers[y_idx] + rng.normal(scale=1.5, size=(n, p))
    names = np.array(["alpha", "beta", "gamma", "delta", "epsilon"][:k], dtype=object)
    y = names[y_idx] if string_labels else y_idx
    if nan_fraction:
        X = with_nans(X, nan_fraction, seed)
    X_tr, X_te, y_tr, _ = _split(X, y)
    return X_tr, y_tr, X_te


def categorical_codes(n=700, seed=SEED, nan_fraction=0.1, unseen_in_test=True):
    """Numeric table with two integer-coded categorical columns (0, 2) for HGB.

    Returns X_tr, y_reg_tr, y_cls_tr, X_te. Test rows may hold categories never seen in
    training and NaNs in every column.
    """
    rng = np.random.default_rng(seed)
    cat_a = rng.integers(0, 6, size=n).astype(np.float64)
    num_b = rng.normal(size=n) * 3.0
    cat_c = rng.integers(0, 12, size=n).astype(np.float64)
    num_d = rng.uniform(-5, 5, size=n)
    effect_a = np.array([0.0, 3.0, -2.0, 1.0, 4.0, -1.0])
    effect_c = rng.normal(size=12) * 2.0
    y = effect_a[cat_a.astype(int)] + effect_c[cat_c.astype(int)] + num_b + 0.3 * num_d
    X = np.column_stack([cat_a, num_b, cat_c, num_d])
    X_tr, X_te, y_tr, _ = _split(X, y)
    X_te = X_te.copy()
    if unseen_in_test:
        X_te[::7, 0] = 7.0   # category never seen in training
        X_te[::11, 2] = 13.0
    if nan_fraction:
        X_te = with_nans(X_te, nan_fraction, seed + 1)
        X_tr = with_nans(X_tr, nan_fraction / 2, seed + 2)
    y_cls = (y_tr > np.median(y_tr)).astype(np.int64)
    return X_tr, y_tr, y_cls, X_te


COLORS = ["red", "green", "blue", "yellow"]
SHAPES = ["circle", "square", "triangle"]


def mixed_frame(n=600, seed=SEED, missing=False, unseen_in_test=False):
    """A pandas DataFrame with string categorical and numeric columns.

    Returns df_tr, y_reg_tr, y_cls_tr (string labels 'yes'/'no'/'maybe'), df_te.
    """
    rng = np.random.default_rng(seed)
    df = pd.DataFrame({
        "color": rng.choice(COLORS, size=n),
        "size": rng.normal(10.0, 3.0, size=n),
        "shape": rng.choice(SHAPES, size=n),
        "weight": rng.uniform(1.0, 50.0, size=n),
        "age": rng.integers(0, 90, size=n).astype(np.float64),
    })
    color_effect = df["color"].map({"red": 2.0, "green": -1.0, "blue": 0.5, "yellow": 3.0})
    shape_effect = df["shape"].map({"circle": 1.0, "square": -2.0, "triangle": 0.0})
    y = color_effect + shape_effect + 0.3 * df["size"] - 0.05 * df["weight"] + 0.01 * df["age"]
    y = y.to_numpy() + rng.normal(scale=0.2, size=n)
    labels = np.where(y > 3.0, "yes", np.where(y > 1.0, "maybe", "no")).astype(object)
    idx_tr, idx_te = train_test_split(np.arange(n), test_size=0.3, random_state=SEED)
    df_tr, df_te = df.iloc[idx_tr].reset_index(drop=True), df.iloc[idx_te].reset_index(drop=True)
    if missing:
        for frame, s in ((df_tr, seed + 3), (df_te, seed + 4)):
            mask = np.random.default_rng(s).random(len(frame)) < 0.1
            frame.loc[mask, "size"] = np.nan
            mask = np.random.default_rng(s + 10).random(len(frame)) < 0.1
            frame.loc[mask, "weight"] = np.nan
    if unseen_in_test:
        df_te.loc[::9, "color"] = "purple"
        df_te.loc[::13, "shape"] = "hexagon"
    return df_tr, y[idx_tr], labels[idx_tr], df_te


def records(n=500, seed=SEED):
    """Dict records for DictVectorizer pipelines: string and numeric values, some keys absent.

    Returns train dicts, y_reg, y_cls (strings), test dicts (with unseen keys and values).
    """
    rng = np.random.default_rng(seed)
    out, y = [], []
    for _ in range(n):
        rec = {"city": str(rng.choice(["paris", "oslo", "lima", "kyoto"])),
               "rooms": int(rng.integers(1, 7)),
               "area": float(np.round(rng.uniform(20, 200), 3))}
        if rng.random() < 0.5:
            rec["garden"] = str(rng.choice(["yes", "no"]))
        if rng.random() < 0.3:
            rec["floor"] = float(rng.integers(0, 12))
        base = {"paris": 9.0, "oslo": 7.0, "lima": 3.0, "kyoto": 6.0}[rec["city"]]
        y.append(base * rec["area"] / 10 + 5 * rec["rooms"] + (4 if rec.get("garden") == "yes" else 0)
                 + rng.normal())
        out.append(rec)
    y = np.array(y)
    labels = np.where(y > np.median(y), "expensive", "cheap").astype(object)
    split = int(n * 0.7)
    test = [dict(r) for r in out[split:]]
    for i, rec in enumerate(test):
        if i % 6 == 0:
            rec["city"] = "nairobi"   # value never seen: feature absent from vocabulary
        if i % 8 == 0:
            rec["balcony"] = 1.0      # key never seen
    return out[:split], y[:split], labels[:split], test
