"""The deployment ferry serve replaces, as the field writes it (MLOps Zoomcamp's duration
service): a Flask app that loads the ride_duration joblib at start-up and answers POST /predict
by building PU_DO = "<PULocationID>_<DOLocationID>" and trip_distance, like the bundle does.
Run under gunicorn by bench/serve/run_serve_bench.py:
  RIDE_MODEL=examples/ride_duration/bundle/model.joblib gunicorn -w 2 flask_app:app
RIDE_MODEL=none starts it without a model (to measure what the model costs in memory).
"""
import os

import joblib
import sklearn.ensemble  # noqa: F401 - imported before loading, as the model needs it
from flask import Flask, jsonify, request

MODEL_PATH = os.environ.get("RIDE_MODEL", "model.joblib")
model = None if MODEL_PATH == "none" else joblib.load(MODEL_PATH)
app = Flask(__name__)


def prepare_features(ride):
    return {"PU_DO": "%s_%s" % (ride["PULocationID"], ride["DOLocationID"]),
            "trip_distance": float(ride["trip_distance"])}


@app.route("/predict", methods=["POST"])
def predict():
    ride = request.get_json()
    pred = model.predict([prepare_features(ride)])
    return jsonify({"duration": float(pred[0]), "ride_id": ride.get("ride_id", ""),
                    "model_version": "1"})
