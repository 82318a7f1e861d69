#!/usr/bin/python3
"""Writes the seed corpora under fuzz/corpus/<target>/: a few tiny valid inputs per fuzz target
(pickles and joblibs made by scikit-learn, XGBoost JSON/UBJSON models, CSV, JSON lines, request
bodies, ferry.yaml texts and expressions, small Parquet files from the conformance set).

Run with Debian's Python: /usr/bin/python3 fuzz/make_corpus.py. The output is committed; rerun
it only to refresh the seeds. Every file stays a few KB so the corpus stays small.
"""
import io
import os
import pickle
import shutil
import sys

import joblib
import numpy as np
import xgboost as xgb
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.preprocessing import StandardScaler
from sklearn.pipeline import make_pipeline
from sklearn.tree import DecisionTreeClassifier

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus")
PARQUET_TESTING = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared",
                               "parquet-testing", "data")
MAX_BYTES = 8192


def write(target, name, data):
    folder = os.path.join(ROOT, target)
    os.makedirs(folder, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    if len(data) > MAX_BYTES:
        sys.exit(f"seed {target}/{name} is {len(data)} bytes; keep seeds under {MAX_BYTES}")
    with open(os.path.join(folder, name), "wb") as f:
        f.write(data)


def joblib_bytes(obj, compress):
    buf = io.BytesIO()
    joblib.dump(obj, buf, compress=compress)
    return buf.getvalue()


def pickles():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(20, 3))
    y = (x[:, 0] > 0).astype(int)
    linear = LinearRegression().fit(x, x[:, 1])
    tree = DecisionTreeClassifier(max_depth=2, random_state=0).fit(x, y)
    pipe = make_pipeline(StandardScaler(), LogisticRegression()).fit(x, y)
    write("pickle_fuzz", "linear_p2.pkl", pickle.dumps(linear, protocol=2))
    write("pickle_fuzz", "linear_p5.pkl", pickle.dumps(linear, protocol=5))
    write("pickle_fuzz", "tree_p4.pkl", pickle.dumps(tree, protocol=4))
    write("pickle_fuzz", "pipeline.joblib", joblib_bytes(pipe, 0))
    write("pickle_fuzz", "tree_zlib.joblib", joblib_bytes(tree, ("zlib", 3)))
    write("pickle_fuzz", "linear_lzma.joblib", joblib_bytes(linear, ("xz", 3)))
    write("pickle_fuzz", "plain_values.pkl",
          pickle.dumps({"a": [1, 2.5, None, True], "b": (b"xy", "z"), "c": {1: frozenset([2])}},
                       protocol=4))


def xgboost_models():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(40, 3))
    x[::7, 1] = np.nan
    y = (x[:, 0] + np.nan_to_num(x[:, 1]) > 0).astype(int)
    params = {"max_depth": 2, "eta": 0.5}
    for name, objective, label in [("binary", "binary:logistic", y),
                                   ("regression", "reg:squarederror", x[:, 2]),
                                   ("multiclass", "multi:softprob", y + (x[:, 2] > 0))]:
        extra = {"num_class": 3} if objective.startswith("multi") else {}
        booster = xgb.train({**params, **extra, "objective": objective},
                            xgb.DMatrix(x, label=label), num_boost_round=2)
        write("xgboost_json_fuzz", f"{name}.json", booster.save_raw("json"))
        write("ubjson_fuzz", f"{name}.ubj", booster.save_raw("ubj"))
    dart = xgb.train({**params, "booster": "dart", "objective": "binary:logistic"},
                     xgb.DMatrix(x, label=y), num_boost_round=2)
    write("xgboost_json_fuzz", "dart.json", dart.save_raw("json"))


def text_inputs():
    write("csv_fuzz", "simple.csv", "a,b,c\n1,2.5,x\n-3,,\"q,\"\"uoted\"\"\"\n")
    write("csv_fuzz", "crlf_bom.csv", "\ufeffname,when\r\nann,2016-12-25\r\n\"multi\nline\",\r\n")
    write("csv_fuzz", "header_only.csv", "x,y\n")
    write("jsonl_fuzz", "records.jsonl",
          '{"a": 1, "b": "x", "c": null}\n{"a": 2.5e3, "b": "\\u00e9\\n", "d": [1]}\n\n')
    write("jsonl_fuzz", "nested.jsonl", '{"o": {"k": true}, "n": -0}\n{"s": "\\ud83d\\ude00"}\n')
    # body_fuzz: the first byte picks the decoder (JSON, url-encoded, multipart, CSV, auto).
    write("body_fuzz", "json_records", b"\x00" + b'[{"a": 1, "b": "x"}, {"a": null}]')
    write("body_fuzz", "json_columns", b"\x00" + b'{"inputs": {"a": [1, 2], "b": ["x", "y"]}}')
    write("body_fuzz", "urlencoded", b"\x01" + b"a=1&b=x%20y&c=")
    write("body_fuzz", "multipart",
          b"\x02" + b"--B\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n--B--\r\n")
    write("body_fuzz", "csv", b"\x03" + b"a,b\n1,x\n")
    write("body_fuzz", "auto_jsonl", b"\x04" + b'{"a": 1}\n{"a": 2}\n')


def bundle_specs():
    examples = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "examples")
    for name in ["flight_delays", "game_propensity", "ride_duration"]:
        with open(os.path.join(examples, name, "bundle", "ferry.yaml"), "rb") as f:
            write("bundle_spec_fuzz", f"{name}.yaml", f.read())
    write("bundle_spec_fuzz", "minimal.yaml",
          "name: m\nmodel: model.json\ninputs:\n  x: {type: float, min: 0, max: 10}\n"
          "  s: {type: string, regex: \"^[a-z]+$\", enum: [ab, cd]}\n"
          "  t: {type: timestamp, required: false}\n"
          "features:\n  f0: x * 2 + 1\n  f1: upper(s)\n  f2: hour(t)\n"
          "outputs:\n  prediction: y\n")
    for i, expr in enumerate([
            'concat(s, "-", upper(s))', "i / 0 + f * -2.5", "day_of_week(d) + month(t)",
            "if(b, i, f)", "coalesce(s, \"none\")", "log(f) - sqrt(abs(i))",
            "lower(strip(s)) + string(round(f, 1))", "bucketize(f, [-inf, -15, 0, 30, inf])", "i % 3 == 0 and not b or f >= 1e3"]):
        write("bundle_spec_fuzz", f"expr{i}.txt", expr)


def handler_requests():
    # handler_fuzz: "METHOD TARGET\n", header lines, a blank line, then the body.
    json_post = "POST {}\ncontent-type: application/json\n\n{}"
    seeds = {
        "predict": json_post.format("/v1/models/tiny/predict", '{"x1": 1, "x2": -2, "tag": "t"}'),
        "predict_alias": json_post.format("/v1/models/tiny/aliases/production/predict",
                                          '{"instances": [{"x1": 1, "x2": 2}, {"x1": "a"}]}'),
        "predict_csv": "POST /v1/models/tiny/versions/1/predict\ncontent-type: text/csv\n\n"
                       "x1,x2\n1,2\n-1,3\n",
        "predict_form": "POST /v1/models/locked/predict\nauthorization: Bearer secret-key\n"
                        "content-type: application/x-www-form-urlencoded\n\nx1=1.5&x2=%2D2",
        "kserve_infer": json_post.format(
            "/v2/models/tiny/versions/2/infer",
            '{"inputs": [{"name": "x1", "shape": [2], "datatype": "FP64", "data": [1, -1]},'
            ' {"name": "x2", "shape": [2], "datatype": "FP64", "data": [0.5, 2]}]}'),
        "kserve_ready": "GET /v2/models/tiny/ready\n",
        "admin_unload": "POST /v2/repository/models/tiny/unload\nauthorization: Bearer secret-key\n",
        "admin_index": "POST /v2/repository/index\nauthorization: Bearer secret-key\n",
        "invocations": "POST /invocations\ncontent-type: application/json\n\n"
                       '{"dataframe_split": {"columns": ["x1", "x2"], "data": [[1, 2]]}}',
        "ping": "GET /ping\n",
        "metrics": "GET /metrics\n",
        "async_submit": json_post.format("/v1/models/tiny/requests", '{"x1": 3, "x2": 4}'),
        "async_poll": "GET /v1/requests/6f1c2a3b-5d4e-4f60-8a7b-9c0d1e2f3a4b\n",
        "web_index": "GET /\naccept: text/html\n",
        "web_model": "GET /models/tiny\naccept: text/html\n",
        "web_batch": "GET /models/tiny/batch?from=2026-11-01&to=2026-11-30\naccept: text/html\n",
        "web_asset": "GET /assets/ferry.css\n",
    }
    for name, text in seeds.items():
        write("handler_fuzz", name, text.encode())


def parquet_files():
    names = ["alltypes_plain.snappy.parquet", "binary.parquet", "nulls.snappy.parquet",
             "int32_decimal.parquet", "datapage_v2.snappy.parquet", "nan_in_stats.parquet"]
    folder = os.path.join(ROOT, "parquet_fuzz")
    os.makedirs(folder, exist_ok=True)
    for name in names:
        path = os.path.join(PARQUET_TESTING, name)
        if os.path.exists(path) and os.path.getsize(path) <= MAX_BYTES:
            shutil.copyfile(path, os.path.join(folder, name))


if __name__ == "__main__":
    pickles()
    xgboost_models()
    text_inputs()
    bundle_specs()
    handler_requests()
    parquet_files()
