"""scikit-learn configurations of the parity suite: linear models, trees, forests, boosting
and pipelines, on real (bundled) and synthetic data. Each entry trains lazily."""

import warnings

import numpy as np
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import (ExtraTreesClassifier, ExtraTreesRegressor,
                              GradientBoostingClassifier, GradientBoostingRegressor,
                              HistGradientBoostingClassifier, HistGradientBoostingRegressor,
                              RandomForestClassifier, RandomForestRegressor)
from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_extraction import DictVectorizer
from sklearn.impute import SimpleImputer
from sklearn.linear_model import ElasticNet, Lasso, LinearRegression, LogisticRegression, Ridge
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import MinMaxScaler, OneHotEncoder, StandardScaler
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

import parity_data as data
from parity_common import Config

warnings.filterwarnings("ignore", category=ConvergenceWarning)
warnings.filterwarnings("ignore", category=UserWarning)


def fit(estimator, dataset):
    """Returns a train() closure: fits `estimator` on dataset()[:2], tests on the last item."""
    def train():
        d = dataset()
        estimator.fit(d[0], d[1])
        return estimator, d[-1]
    return train


def fit_xy(estimator, dataset, y_index, x_test_index=-1):
    def train():
        d = dataset()
        estimator.fit(d[0], d[y_index])
        return estimator, d[x_test_index]
    return train


def two_targets():
    X_tr, y_tr, X_te = data.synthetic_regression(p=5)
    return X_tr, np.column_stack([y_tr, -0.5 * y_tr + X_tr[:, 1]]), X_te


def S(name, train, formats=None):
    return Config(name=name, family="sklearn", train=train, formats=formats)


def linear_configs():
    return [
        S("linreg_diabetes", fit(LinearRegression(), data.diabetes)),
        S("ridge_diabetes", fit(Ridge(alpha=0.5), data.diabetes)),
        S("lasso_diabetes", fit(Lasso(alpha=0.05), data.diabetes)),
        S("elasticnet_diabetes", fit(ElasticNet(alpha=0.01, l1_ratio=0.3), data.diabetes)),
        S("linreg_two_targets", fit(LinearRegression(), two_targets)),
        S("logreg_lbfgs_binary_cancer",
          fit(LogisticRegression(max_iter=5000), data.breast_cancer)),
        S("logreg_liblinear_binary_cancer",
          fit(LogisticRegression(solver="liblinear", C=0.5), data.breast_cancer)),
        S("logreg_multinomial_iris",
          fit(LogisticRegression(multi_class="multinomial", max_iter=2000), data.iris)),
        S("logreg_ovr_lbfgs_wine",
          fit(LogisticRegression(multi_class="ovr", max_iter=5000), data.wine)),
        S("logreg_liblinear_wine",
          fit(LogisticRegression(solver="liblinear"), data.wine)),
        S("logreg_multinomial_binary_strlabels",
          fit(LogisticRegression(multi_class="multinomial"),
              lambda: data.synthetic_classes(k=2, string_labels=True))),
        S("logreg_multinomial_digits",
          fit(make_pipeline(StandardScaler(), LogisticRegression(max_iter=300)), data.digits)),
    ]


def tree_configs():
    return [
        S("tree_regressor_deep_diabetes", fit(DecisionTreeRegressor(random_state=0), data.diabetes)),
        S("tree_classifier_iris", fit(DecisionTreeClassifier(max_depth=4, random_state=0), data.iris)),
        S("tree_classifier_deep_digits", fit(DecisionTreeClassifier(random_state=0), data.digits)),
        S("tree_regressor_two_targets",
          fit(DecisionTreeRegressor(max_depth=8, random_state=0), two_targets)),
        S("forest_regressor_100_diabetes",
          fit(RandomForestRegressor(n_estimators=100, max_depth=10, random_state=0), data.diabetes),
          ["joblib", "joblib-zlib", "pickle5"]),
        S("forest_classifier_100_cancer",
          fit(RandomForestClassifier(n_estimators=100, random_state=0), data.breast_cancer),
          ["joblib-lz4", "pickle4", "joblib-gzip"]),
        S("forest_classifier_strlabels",
          fit(RandomForestClassifier(n_estimators=20, max_depth=6, random_state=0),
              lambda: data.synthetic_classes(k=4, string_labels=True))),
        S("extratrees_regressor_diabetes",
          fit(ExtraTreesRegressor(n_estimators=30, random_state=0), data.diabetes)),
        S("extratrees_classifier_wine",
          fit(ExtraTreesClassifier(n_estimators=30, random_state=0), data.wine)),
    ]


def boosting_configs():
    gbr = dict(n_estimators=40, max_depth=3, random_state=0)
    return [
        S("gbr_squared_error_diabetes", fit(GradientBoostingRegressor(**gbr), data.diabetes)),
        S("gbr_absolute_error_diabetes",
          fit(GradientBoostingRegressor(loss="absolute_error", **gbr), data.diabetes)),
        S("gbr_huber_synthetic",
          fit(GradientBoostingRegressor(loss="huber", alpha=0.8, **gbr), data.synthetic_regression)),
        S("gbr_quantile_diabetes",
          fit(GradientBoostingRegressor(loss="quantile", alpha=0.75, **gbr), data.diabetes)),
        S("gbr_init_zero_diabetes",
          fit(GradientBoostingRegressor(init="zero", subsample=0.8, **gbr), data.diabetes)),
        S("gbc_log_loss_binary_cancer",
          fit(GradientBoostingClassifier(n_estimators=40, random_state=0), data.breast_cancer)),
        S("gbc_log_loss_multiclass_wine",
          fit(GradientBoostingClassifier(n_estimators=25, random_state=0), data.wine)),
        S("gbc_exponential_cancer",
          fit(GradientBoostingClassifier(loss="exponential", n_estimators=30, random_state=0),
              data.breast_cancer)),
        S("gbc_init_zero_strlabels",
          fit(GradientBoostingClassifier(init="zero", n_estimators=20, random_state=0),
              lambda: data.synthetic_classes(k=3, string_labels=True))),
        S("hgbr_nan_synthetic",
          fit(HistGradientBoostingRegressor(max_iter=40, random_state=0),
              lambda: data.synthetic_regression(nan_fraction=0.15))),
        S("hgbr_poisson",
          fit(HistGradientBoostingRegressor(loss="poisson", max_iter=30, random_state=0),
              data.synthetic_positive_target)),
        S("hgbr_categorical_nan",
          fit_xy(HistGradientBoostingRegressor(categorical_features=[0, 2], max_iter=30,
                                               random_state=0), data.categorical_codes, 1)),
        S("hgbc_binary_nan_cancer",
          fit(HistGradientBoostingClassifier(max_iter=30, random_state=0),
              lambda: tuple(data.with_nans(a) if i in (0, 2) else a
                            for i, a in enumerate(data.breast_cancer())))),
        S("hgbc_multiclass_digits",
          fit(HistGradientBoostingClassifier(max_iter=15, random_state=0), data.digits)),
        S("hgbc_categorical_binary",
          fit_xy(HistGradientBoostingClassifier(categorical_features=[True, False, True, False],
                                                max_iter=25, random_state=0),
                 data.categorical_codes, 2)),
        S("hgbc_multiclass_strlabels_nan",
          fit(HistGradientBoostingClassifier(max_iter=20, random_state=0),
              lambda: data.synthetic_classes(k=3, string_labels=True, nan_fraction=0.1))),
    ]


def _frame_ct(cat_encoder, num_step="passthrough", remainder="drop", drop_cols=()):
    transformers = [("cat", cat_encoder, ["color", "shape"]), ("num", num_step, ["size", "weight"])]
    if drop_cols:
        transformers.append(("dropped", "drop", list(drop_cols)))
    return ColumnTransformer(transformers, remainder=remainder)


def pipeline_configs():
    frame = data.mixed_frame
    return [
        S("pipe_scaler_ridge_diabetes",
          fit(Pipeline([("scale", StandardScaler()), ("ridge", Ridge())]), data.diabetes)),
        S("pipe_imputer_minmax_linreg_nan",
          fit(make_pipeline(SimpleImputer(strategy="median"), MinMaxScaler(), LinearRegression()),
              lambda: data.synthetic_regression(nan_fraction=0.2))),
        S("pipe_imputer_scaler_logreg_nan",
          fit(make_pipeline(SimpleImputer(), StandardScaler(), LogisticRegression(max_iter=1000)),
              lambda: data.synthetic_classes(k=3, nan_fraction=0.15))),
        S("pipe_dictvectorizer_ridge",
          fit_xy(make_pipeline(DictVectorizer(sparse=False), Ridge(alpha=0.1)), data.records, 1)),
        S("pipe_dictvectorizer_logreg_strlabels",
          fit_xy(make_pipeline(DictVectorizer(), LogisticRegression(max_iter=2000)),
                 data.records, 2)),
        # Tree ensembles after a DictVectorizer (scored through the engine's compact one-hot
        # rows): several string keys, numeric keys, absent keys, unseen keys and values.
        S("pipe_dictvectorizer_forest",
          fit_xy(make_pipeline(DictVectorizer(), RandomForestRegressor(n_estimators=20,
                                                                       max_depth=12,
                                                                       random_state=0)),
                 data.records, 1)),
        S("pipe_dictvectorizer_extratrees_strlabels",
          fit_xy(make_pipeline(DictVectorizer(sparse=False),
                               ExtraTreesClassifier(n_estimators=15, random_state=0)),
                 data.records, 2)),
        S("pipe_dictvectorizer_gbc_strlabels",
          fit_xy(make_pipeline(DictVectorizer(),
                               GradientBoostingClassifier(n_estimators=20, random_state=0)),
                 data.records, 2)),
        S("pipe_frame_ohe_forest_regressor_unseen",
          fit_xy(make_pipeline(_frame_ct(OneHotEncoder(handle_unknown="ignore"), "passthrough"),
                               RandomForestRegressor(n_estimators=15, random_state=0)),
                 lambda: frame(unseen_in_test=True), 1)),
        S("pipe_frame_ohe_ignore_scaler_ridge",
          fit_xy(make_pipeline(_frame_ct(OneHotEncoder(handle_unknown="ignore"), StandardScaler(),
                                         remainder="passthrough"), Ridge()),
                 lambda: frame(unseen_in_test=True), 1)),
        S("pipe_frame_ohe_drop_first_logreg",
          fit_xy(make_pipeline(_frame_ct(OneHotEncoder(drop="first"), "passthrough",
                                         drop_cols=["age"]), LogisticRegression(max_iter=3000)),
                 frame, 2)),
        S("pipe_frame_ohe_minmax_forest_remainder_drop",
          fit_xy(make_pipeline(_frame_ct(OneHotEncoder(handle_unknown="ignore",
                                                       sparse_output=False), MinMaxScaler()),
                               RandomForestClassifier(n_estimators=15, random_state=0)),
                 lambda: frame(unseen_in_test=True), 2)),
        S("pipe_frame_imputer_gbr_missing",
          fit_xy(make_pipeline(_frame_ct(OneHotEncoder(handle_unknown="ignore"),
                                         SimpleImputer(strategy="mean"), remainder="passthrough"),
                               GradientBoostingRegressor(n_estimators=30, random_state=0)),
                 lambda: frame(missing=True), 1)),
        S("pipe_frame_numeric_only_scaler_tree",
          fit_xy(make_pipeline(ColumnTransformer([("num", StandardScaler(),
                                                   ["size", "weight", "age"])]),
                               DecisionTreeRegressor(max_depth=12, random_state=0)),
                 frame, 1)),
        S("frame_numeric_logreg_feature_names",
          fit(LogisticRegression(max_iter=3000), _numeric_frame_classes)),
    ]


def _numeric_frame_classes():
    df_tr, _, labels, df_te = data.mixed_frame()
    cols = ["size", "weight", "age"]
    return df_tr[cols], labels, df_te[cols]


def all_configs():
    return linear_configs() + tree_configs() + boosting_configs() + pipeline_configs()
