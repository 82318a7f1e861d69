"""Shared pieces of the parity suite: the Config record, model file writers, input writers.

A Config names one trained model; `train()` fits it (only when the suite runs) and returns
(estimator, X_test). The model is saved in each of its formats and every saved file is
scored by `ferry predict` on the same input file.
"""

import dataclasses
import gzip  # noqa: F401  (joblib needs the codec modules importable)
import json
import math
import pickle
from typing import Callable, List, Optional

import joblib
import numpy as np
import pandas as pd

SKLEARN_FORMATS = ["pickle2", "pickle4", "pickle5", "joblib", "joblib-zlib", "joblib-gzip",
                   "joblib-xz", "joblib-lzma", "joblib-bz2", "joblib-lz4"]
XGBOOST_FORMATS = ["json", "ubj"]


@dataclasses.dataclass
class Config:
    name: str
    family: str                 # "sklearn" or "xgboost"
    train: Callable             # () -> (estimator, X_test)
    formats: Optional[List[str]] = None  # None: assigned round-robin by the suite


def lz4_available():
    try:
        import lz4.frame  # noqa: F401
        return True
    except ImportError:
        return False


def save_model(estimator, family, fmt, path_stem):
    """Writes `estimator` in format `fmt`; returns the file path."""
    if family == "xgboost":
        path = f"{path_stem}.{fmt}"
        estimator.save_model(path)
        return path
    if fmt.startswith("pickle"):
        path = f"{path_stem}.{fmt}.pkl"
        with open(path, "wb") as f:
            pickle.dump(estimator, f, protocol=int(fmt[len("pickle"):]))
        return path
    if fmt == "joblib":
        path = f"{path_stem}.joblib"
        joblib.dump(estimator, path, compress=0)
        return path
    codec = fmt.split("-", 1)[1]
    path = f"{path_stem}.{codec}.joblib"
    joblib.dump(estimator, path, compress=(codec, 3))
    return path


def _csv_cell(v):
    if v is None:
        return ""
    if isinstance(v, (float, np.floating)):
        v = float(v)
        return "" if math.isnan(v) else repr(v)
    if isinstance(v, (bool, np.bool_)):
        return "true" if v else "false"
    if isinstance(v, (int, np.integer)):
        return str(int(v))
    s = str(v)
    if any(c in s for c in ',"\n'):
        s = '"' + s.replace('"', '""') + '"'
    return s


def write_csv(X, path):
    """CSV with a header. DataFrames keep their column names; arrays get f0..f{n-1}.
    NaN / None become empty cells (missing)."""
    if isinstance(X, pd.DataFrame):
        header = [str(c) for c in X.columns]
        rows = X.itertuples(index=False, name=None)
    else:
        X = np.asarray(X)
        header = [f"f{j}" for j in range(X.shape[1])]
        rows = (tuple(r) for r in X)
    with open(path, "w") as f:
        f.write(",".join(header) + "\n")
        for r in rows:
            f.write(",".join(_csv_cell(v) for v in r) + "\n")
    return path


def write_jsonl(records, path):
    with open(path, "w") as f:
        for rec in records:
            f.write(json.dumps(rec) + "\n")
    return path


def write_input(X, path_stem):
    if isinstance(X, list):
        return write_jsonl(X, path_stem + ".jsonl")
    return write_csv(X, path_stem + ".csv")
