"""ferry serve end to end: truthful readiness (KServe /v2/health/ready and model ready while
loading, with nothing loadable, per version, and while draining), bundle directories polled
like a repository (a changed bundle reloads under load with no failed request, a broken one
is reported and the serving version stays), and bare model files served without a bundle.

Run: FERRY_BINARY=build/ferry /usr/bin/python3 tests/serve/readiness_test.py
"""
import os
import re
import shutil
import signal
import socket
import subprocess
import threading
import time
import unittest

import requests

import harness

TRAIN_BARE_MODELS = r"""
import sys
import joblib
import numpy as np
import pandas as pd
from sklearn.ensemble import RandomForestClassifier
from sklearn.feature_extraction import DictVectorizer
from sklearn.linear_model import LinearRegression
from sklearn.pipeline import make_pipeline
out = sys.argv[1]
rng = np.random.default_rng(3)
x = pd.DataFrame({"size": rng.normal(size=300), "age": rng.normal(size=300)})
y = np.where(x["size"] > 0, "big", "small")
joblib.dump(RandomForestClassifier(n_estimators=5, random_state=0).fit(x, y), out + "/named.joblib")
joblib.dump(LinearRegression().fit(x.to_numpy(), 2 * x["size"] + 1), out + "/positional.pkl")
records = [{"zone": z, "km": float(k)} for z, k in zip(rng.choice(["a", "b"], 300), rng.normal(size=300))]
target = [r["km"] * 3 + (10 if r["zone"] == "a" else 0) for r in records]
joblib.dump(make_pipeline(DictVectorizer(), LinearRegression()).fit(records, target), out + "/dict.joblib")
"""


def get(url):
    return requests.get(url, timeout=10)


def start_raw(*args):
    """`ferry serve` without waiting for its models: (process, port, stderr lines)."""
    proc = subprocess.Popen([harness.FERRY, "serve", "--port", "0"] + [str(a) for a in args],
                            stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
    lines, port = [], []
    got_port = threading.Event()

    def pump():
        for line in proc.stderr:
            lines.append(line)
            match = re.search(r"listening on http://[^:]+:(\d+)", line)
            if match:
                port.append(int(match.group(1)))
                got_port.set()
        got_port.set()

    threading.Thread(target=pump, daemon=True).start()
    if not got_port.wait(30) or not port:
        proc.kill()
        raise RuntimeError("ferry serve did not listen:\n" + "".join(lines))
    return proc, port[0], lines


class Readiness(unittest.TestCase):
    def test_not_ready_while_the_first_load_runs(self):
        # The model file is a FIFO: loading blocks until the test writes the model into it.
        bundle = harness.copy_bundle(os.path.join(harness.temp_dir("fifo-"), "tiny"))
        model = os.path.join(bundle, "model.joblib")
        with open(model, "rb") as f:
            model_bytes = f.read()
        os.remove(model)
        os.mkfifo(model)
        proc, port, lines = start_raw(bundle, "--poll-interval", "0")
        url = "http://127.0.0.1:%d" % port
        try:
            self.assertEqual(get(url + "/v2/health/live").status_code, 200)
            ready = get(url + "/v2/health/ready")
            self.assertEqual(ready.status_code, 503)
            self.assertEqual(ready.json(), {"ready": False, "reason": "loading models"})
            model_ready = get(url + "/v2/models/tiny/ready")
            self.assertEqual(model_ready.status_code, 503)
            self.assertFalse(model_ready.json()["ready"])
            ping = get(url + "/ping")  # MLflow's probe: healthy once the model is loaded
            self.assertEqual((ping.status_code, ping.text), (503, "not ready: loading models\n"))
            self.assertEqual(get(url + "/version").status_code, 200)
            with open(model, "wb") as f:
                f.write(model_bytes)
            self.assertTrue(harness.wait_until(lambda: get(url + "/v2/health/ready").status_code == 200),
                            "".join(lines))
            self.assertEqual(get(url + "/v2/health/ready").json(), {"ready": True})
            body = get(url + "/v2/models/tiny/ready").json()
            self.assertEqual(body, {"name": "tiny", "version": "1", "ready": True})
            self.assertEqual(get(url + "/ping").text, "OK\n")
        finally:
            proc.send_signal(signal.SIGTERM)
            code = proc.wait(20)
            proc.stderr.close()
            self.assertEqual(code, 0, "".join(lines))

    def test_repository_with_nothing_loadable_is_not_ready(self):
        repo = harness.temp_dir("empty-")
        os.makedirs(os.path.join(repo, "tiny"))
        harness.drop_corrupt_version(repo, "tiny", "1")
        with harness.Server(repo, "--poll-interval", "0") as server:
            ready = get(server.url + "/v2/health/ready")
            self.assertEqual(ready.status_code, 503)
            self.assertFalse(ready.json()["ready"])
            self.assertIn("no model loaded", ready.json()["reason"])
            model_ready = get(server.url + "/v2/models/tiny/ready")
            self.assertEqual(model_ready.status_code, 503)
            self.assertIn("UNAVAILABLE", model_ready.json()["reason"])
            self.assertEqual(get(server.url + "/v2/models/nothing/ready").status_code, 404)
            self.assertEqual(get(server.url + "/v2/health/live").status_code, 200)

    def test_model_ready_per_version(self):
        repo = harness.temp_dir("versions-")
        os.makedirs(os.path.join(repo, "tiny"))
        harness.drop_version(repo, "tiny", "1")
        harness.drop_corrupt_version(repo, "tiny", "2")
        with harness.Server(repo, "--poll-interval", "0") as server:
            self.assertEqual(get(server.url + "/v2/health/ready").status_code, 200)
            one = get(server.url + "/v2/models/tiny/versions/1/ready")
            self.assertEqual((one.status_code, one.json()["ready"]), (200, True))
            self.assertEqual(get(server.url + "/v2/models/tiny/ready").json()["version"], "1")
            two = get(server.url + "/v2/models/tiny/versions/2/ready")
            self.assertEqual(two.status_code, 503)
            self.assertEqual(two.json()["version"], "2")
            self.assertIn("UNAVAILABLE", two.json()["reason"])
            self.assertEqual(get(server.url + "/v2/models/tiny/versions/9/ready").status_code, 404)

    def test_not_ready_while_draining(self):
        bundle = harness.copy_bundle(os.path.join(harness.temp_dir("drain-"), "tiny"))
        server = harness.Server(bundle)
        probe = socket.create_connection(("127.0.0.1", server.port))
        head = "GET /v2/health/ready HTTP/1.1\r\nHost: x\r\n"
        probe.sendall(head.encode())  # a probe whose request is still arriving
        time.sleep(0.3)
        server.proc.send_signal(signal.SIGTERM)
        time.sleep(0.3)
        probe.sendall(b"\r\n")
        response = harness.read_until_closed(probe)
        probe.close()
        self.assertTrue(response.startswith(b"HTTP/1.1 503"), response)
        self.assertIn(b'"ready":false', response)
        self.assertIn(b"shutting down", response)
        self.assertEqual(server.stop(), 0)

    def test_repeated_sigterm_while_stopping_still_exits_0(self):
        # A supervisor repeating SIGTERM must not kill the server in the last moments of its
        # shutdown (after the signal handling of the event loops is gone).
        bundle = harness.copy_bundle(os.path.join(harness.temp_dir("resignal-"), "tiny"))
        server = harness.Server(bundle)
        deadline = time.time() + 20
        while server.proc.poll() is None and time.time() < deadline:
            try:
                server.proc.send_signal(signal.SIGTERM)
            except ProcessLookupError:
                break
            time.sleep(0.0005)
        self.assertEqual(server.stop(), 0)


def replace_file(path, data):
    """Writes `data` beside `path`, then renames it over `path` (readers never see half)."""
    temp = path + ".new"
    with open(temp, "wb") as f:
        f.write(data)
    os.rename(temp, path)


class BundlePolling(unittest.TestCase):
    def test_changed_then_broken_bundle_under_load_fails_no_request(self):
        bundle = harness.copy_bundle(os.path.join(harness.temp_dir("poll-"), "tiny"))
        flipped = harness.tiny_bundle(flipped=True)
        server = harness.Server(bundle, "--poll-interval", "0.2")
        load = harness.LoadLoop(server.url + "/v1/models/tiny/predict")
        seen = load.seen
        try:
            self.assertTrue(harness.wait_until(lambda: len(seen) > 50))
            # A new model and a ferry.yaml naming version 2, each replaced by rename.
            with open(os.path.join(flipped, "model.joblib"), "rb") as f:
                replace_file(os.path.join(bundle, "model.joblib"), f.read())
            with open(os.path.join(bundle, "ferry.yaml")) as f:
                spec = f.read().replace('version: "1"', 'version: "2"')
            replace_file(os.path.join(bundle, "ferry.yaml"), spec.encode())
            self.assertTrue(harness.wait_until(lambda: seen and seen[-1][0] == "2", timeout=30),
                            server.log())
            # Then a broken model file: reported, and version 2 keeps serving.
            replace_file(os.path.join(bundle, "model.joblib"), b"\x80\x04not a pickle")
            self.assertTrue(harness.wait_until(lambda: "failed to load" in server.log(), timeout=30),
                            server.log())
            count = len(seen)
            self.assertTrue(harness.wait_until(lambda: len(seen) > count + 50))
        finally:
            load.stop()
        self.assertEqual(load.failures, [])
        self.assertEqual({label for v, label in seen if v == "1"}, {"yes"})
        self.assertEqual({label for v, label in seen if v == "2"}, {"no"})
        self.assertEqual(seen[-1][0], "2")
        self.assertIn("reloaded tiny version 2", server.log())
        metrics = requests.get(server.url + "/metrics").text
        self.assertRegex(metrics, r'ferry_model_load_failures_total\{model="tiny",version="2"\} [1-9]')
        self.assertEqual(get(server.url + "/v2/health/ready").status_code, 200)
        self.assertEqual(server.stop(), 0)


class BareModelFiles(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.models = harness.temp_dir("bare-")
        subprocess.run([harness.PYTHON, "-c", TRAIN_BARE_MODELS, cls.models], check=True)

    def test_model_files_are_served_with_their_own_inputs(self):
        named = os.path.join(self.models, "named.joblib")
        positional = os.path.join(self.models, "positional.pkl")
        dict_model = os.path.join(self.models, "dict.joblib")
        with harness.Server(named, positional, dict_model) as server:
            r = harness.post_json(server.url + "/v1/models/named/predict",
                                  {"instances": [{"size": 2.0, "age": 0.1}, {"size": -2.0, "age": 0.1}]})
            self.assertEqual(r.status_code, 200, r.text)
            predictions = r.json()["predictions"]
            self.assertEqual([p["prediction"] for p in predictions], ["big", "small"])
            self.assertEqual(set(predictions[0]["probabilities"]), {"big", "small"})
            self.assertEqual(r.json()["model"], "named")
            missing = harness.post_json(server.url + "/v1/models/named/predict", {"size": 1.0})
            self.assertIn("age", missing.text)

            r = harness.post_json(server.url + "/v1/models/positional/predict", {"x0": 3.0, "x1": 7.0})
            self.assertEqual(r.status_code, 200, r.text)
            self.assertAlmostEqual(r.json()["predictions"][0]["prediction"], 7.0, places=6)

            r = harness.post_json(server.url + "/v1/models/dict/predict", {"zone": "a", "km": 1.0})
            self.assertEqual(r.status_code, 200, r.text)
            self.assertAlmostEqual(r.json()["predictions"][0]["prediction"], 13.0, places=6)

            metadata = get(server.url + "/v2/models/named").json()
            self.assertEqual([t["name"] for t in metadata["inputs"]], ["size", "age"])
            metadata = get(server.url + "/v2/models/dict").json()
            self.assertEqual(sorted((t["name"], t["datatype"]) for t in metadata["inputs"]),
                             [("km", "FP64"), ("zone", "BYTES")])

    def test_repository_version_holding_only_a_model_file(self):
        repo = harness.temp_dir("bare-repo-")
        os.makedirs(os.path.join(repo, "sizes", "4"))
        shutil.copy(os.path.join(self.models, "named.joblib"), os.path.join(repo, "sizes", "4"))
        with harness.Server(repo, "--poll-interval", "0") as server:
            r = harness.post_json(server.url + "/v1/models/sizes/predict", {"size": 3.0, "age": 1.0})
            self.assertEqual(r.status_code, 200, r.text)
            self.assertEqual((r.json()["model"], r.json()["version"]), ("sizes", "4"))
            self.assertEqual(r.json()["predictions"][0]["prediction"], "big")


if __name__ == "__main__":
    harness.main()
