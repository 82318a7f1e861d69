"""XGBoost configurations of the parity suite: gbtree and dart boosters, every objective the
engine supports, NaNs, arrays and DataFrames (feature names). Saved as .json and .ubj."""

import numpy as np
import pandas as pd
import xgboost as xgb

import parity_data as data
from parity_common import XGBOOST_FORMATS, Config

COMMON = dict(n_estimators=30, max_depth=4, learning_rate=0.3, n_jobs=1, random_state=0)


def _fit(make, dataset, **params):
    def train():
        X_tr, y_tr, X_te = dataset()[:3]
        model = make(**{**COMMON, **params})
        model.fit(X_tr, y_tr)
        return model, X_te
    return train


def X(name, train):
    return Config(name=name, family="xgboost", train=train, formats=list(XGBOOST_FORMATS))


def _cancer_nan():
    X_tr, y_tr, X_te = data.breast_cancer()
    return data.with_nans(X_tr, 0.1), y_tr, data.with_nans(X_te, 0.2, seed=3)


def _diabetes_frame_nan():
    X_tr, y_tr, X_te = data.diabetes()
    cols = ["age", "sex", "bmi", "bp", "s1", "s2", "s3", "s4", "s5", "s6"]
    return (pd.DataFrame(data.with_nans(X_tr, 0.1), columns=cols), y_tr,
            pd.DataFrame(data.with_nans(X_te, 0.2, seed=5), columns=cols))


def _wine_int_labels():
    X_tr, y_tr, X_te = data.wine()
    return X_tr, y_tr.astype(np.int64), X_te


def all_configs():
    R, C = xgb.XGBRegressor, xgb.XGBClassifier
    return [
        X("xgb_squarederror_diabetes", _fit(R, data.diabetes, objective="reg:squarederror")),
        X("xgb_squarederror_deep_nan", _fit(R, lambda: data.synthetic_regression(nan_fraction=0.2),
                                            max_depth=10, n_estimators=60)),
        X("xgb_squarederror_frame_names_nan", _fit(R, _diabetes_frame_nan)),
        X("xgb_reg_logistic", _fit(R, data.synthetic_unit_target, objective="reg:logistic")),
        X("xgb_binary_logistic_cancer", _fit(C, data.breast_cancer, objective="binary:logistic")),
        X("xgb_binary_logistic_nan", _fit(C, _cancer_nan, objective="binary:logistic")),
        X("xgb_binary_logitraw_cancer", _fit(C, data.breast_cancer, objective="binary:logitraw")),
        X("xgb_multi_softprob_wine", _fit(C, _wine_int_labels, objective="multi:softprob")),
        X("xgb_multi_softmax_iris", _fit(C, data.iris, objective="multi:softmax")),
        X("xgb_multi_softprob_digits", _fit(C, data.digits, n_estimators=10)),
        X("xgb_count_poisson", _fit(R, data.synthetic_positive_target, objective="count:poisson")),
        X("xgb_reg_gamma", _fit(R, data.synthetic_gamma_target, objective="reg:gamma")),
        X("xgb_dart_squarederror", _fit(R, data.diabetes, booster="dart", rate_drop=0.2,
                                        skip_drop=0.3)),
        X("xgb_dart_binary_logistic_nan", _fit(C, _cancer_nan, booster="dart", rate_drop=0.1,
                                               objective="binary:logistic")),
        X("xgb_dart_multi_softprob", _fit(C, data.iris, booster="dart", rate_drop=0.1)),
    ]
