"""ferry serve end to end, over loopback with real clients (requests, urllib, curl): every
route of every protocol (native JSON and forms, KServe V2, MLflow), every error case and its
status, metrics (checked by promtool), API keys, the access log and TLS.

Run: FERRY_BINARY=build/ferry /usr/bin/python3 tests/serve/protocols_test.py
"""
import json
import os
import subprocess
import unittest
import urllib.error
import urllib.request

import requests

import harness

KEY = "k-123456"


def curl(*args):
    out = subprocess.run(["curl", "-s", "-S", "--max-time", "10"] + list(args),
                         capture_output=True, text=True)
    return out.stdout


class Protocols(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.repo = harness.temp_dir("repo-")
        harness.copy_bundle(os.path.join(cls.repo, "tiny", "1"), "tiny", "1")
        harness.copy_bundle(os.path.join(cls.repo, "tiny", "2"), "tiny", "2", flipped=True)
        with open(os.path.join(cls.repo, "tiny", "config.yaml"), "w") as f:
            f.write("version_policy: all\n")
        with open(os.path.join(cls.repo, "tiny", "aliases.yaml"), "w") as f:
            f.write('production: "1"\nstaging: "2"\n')
        harness.copy_bundle(os.path.join(cls.repo, "locked", "1"), "locked", "1")
        with open(os.path.join(cls.repo, "locked", "config.yaml"), "w") as f:
            f.write("auth: required\n")
        keys = os.path.join(cls.repo, "..", "keys.txt")
        with open(keys, "w") as f:
            f.write("# test keys\n%s\n" % KEY)
        cls.access_log = os.path.join(harness.temp_dir("log-"), "access.jsonl")
        cls.server = harness.Server(cls.repo, "--api-key-file", keys, "--default-model", "tiny",
                                    "--max-body-bytes", 20000, "--max-rows", 50,
                                    "--access-log", cls.access_log, "--threads", 2)
        cls.url = cls.server.url

    @classmethod
    def tearDownClass(cls):
        code = cls.server.stop()
        assert code == 0, "ferry serve exited %d:\n%s" % (code, cls.server.log())

    def predict(self, path, body, **kwargs):
        return harness.post_json(self.url + path, body, **kwargs)

    # --- native ---------------------------------------------------------------------------
    def test_native_one_record_names_model_and_version(self):
        r = self.predict("/v1/models/tiny/predict", {"x1": 1, "x2": 2, "tag": "a"})
        self.assertEqual(r.status_code, 200, r.text)
        body = r.json()
        self.assertEqual((body["model"], body["version"]), ("tiny", "2"))
        self.assertEqual(body["predictions"][0]["label"], "no")
        self.assertEqual(body["predictions"][0]["tag"], "a")
        self.assertAlmostEqual(sum(body["predictions"][0]["probabilities"].values()), 1.0)
        self.assertEqual(r.headers["X-Ferry-Model"], "tiny")
        self.assertEqual(r.headers["X-Ferry-Model-Version"], "2")

    def test_native_versions_aliases_and_instances(self):
        r = self.predict("/v1/models/tiny/versions/1/predict", {"x1": 1, "x2": 2})
        self.assertEqual(r.json()["predictions"][0]["label"], "yes")
        r = self.predict("/v1/models/tiny/aliases/production/predict", {"x1": 1, "x2": 2})
        self.assertEqual((r.json()["version"], r.json()["predictions"][0]["label"]), ("1", "yes"))
        r = self.predict("/v1/models/tiny/aliases/staging/predict", {"x1": 1, "x2": 2})
        self.assertEqual(r.json()["version"], "2")
        r = self.predict("/v1/models/tiny/versions/1/predict",
                         {"instances": [{"x1": 1, "x2": 1}, {"x1": "oops", "x2": 1},
                                        {"x1": -2, "x2": -2}]})
        self.assertEqual(r.status_code, 200)
        preds = r.json()["predictions"]
        self.assertEqual(preds[0]["label"], "yes")
        self.assertEqual(preds[1], {"row": 2, "error": "x1: 'oops' is not a number"})
        self.assertEqual(preds[2]["label"], "no")

    def test_forms_csv_and_jsonl(self):
        r = requests.post(self.url + "/v1/models/tiny/versions/1/predict",
                          data={"x1": "1.5", "x2": "2", "tag": "two words"}, timeout=10)
        self.assertEqual(r.status_code, 200, r.text)
        self.assertEqual(r.json()["predictions"][0]["tag"], "two words")
        out = json.loads(curl("-F", "x1=-4", "-F", "x2=1", "-F", "tag=curl",
                              self.url + "/v1/models/tiny/versions/1/predict"))
        self.assertEqual(out["predictions"][0], dict(out["predictions"][0], label="no", tag="curl"))
        rows = os.path.join(harness.temp_dir("rows-"), "rows.csv")
        with open(rows, "w") as f:
            f.write("x1,x2\n1,1\n-1,-1\n3,0\n")
        out = json.loads(curl("-F", "rows=@" + rows, "-F", "tag=file",
                              self.url + "/v1/models/tiny/versions/1/predict"))
        self.assertEqual([p["label"] for p in out["predictions"]], ["yes", "no", "yes"])
        self.assertEqual(out["predictions"][2]["tag"], "file")
        r = requests.post(self.url + "/v1/models/tiny/versions/1/predict", data="x1,x2\n2,2\n",
                          headers={"Content-Type": "text/csv"}, timeout=10)
        self.assertEqual(r.json()["predictions"][0]["label"], "yes")
        r = requests.post(self.url + "/v1/models/tiny/versions/1/predict",
                          data='{"x1": 1, "x2": 1}\n{"x1": -1, "x2": -1}\n',
                          headers={"Content-Type": "application/x-ndjson"}, timeout=10)
        self.assertEqual([p["label"] for p in r.json()["predictions"]], ["yes", "no"])
        # curl -d without -H sends a form content type; a JSON body is still understood.
        out = json.loads(curl("-d", '{"x1": 1, "x2": 1}', self.url + "/v1/models/tiny/versions/1/predict"))
        self.assertEqual(out["predictions"][0]["label"], "yes")

    def test_model_listing_with_urllib(self):
        with urllib.request.urlopen(self.url + "/v1/models", timeout=10) as response:
            models = json.load(response)["models"]
        tiny = [m for m in models if m["name"] == "tiny"][0]
        self.assertEqual(tiny["versions"], ["1", "2"])
        self.assertEqual(tiny["aliases"], {"production": "1", "staging": "2"})
        self.assertEqual(tiny["inputs"], ["x1", "x2", "tag"])

    # --- KServe V2 ----------------------------------------------------------------------
    def test_kserve(self):
        self.assertEqual(requests.get(self.url + "/v2/health/live").json(), {"live": True})
        self.assertEqual(requests.get(self.url + "/v2/health/ready").json(), {"ready": True})
        self.assertEqual(requests.get(self.url + "/v2").json()["name"], "ferry")
        meta = requests.get(self.url + "/v2/models/tiny").json()
        self.assertEqual(meta["versions"], ["1", "2"])
        self.assertIn({"name": "tag", "datatype": "BYTES", "shape": [-1]}, meta["inputs"])
        self.assertEqual(requests.get(self.url + "/v2/models/tiny/versions/1/ready").status_code, 200)
        self.assertEqual(requests.get(self.url + "/v2/models/tiny/versions/9/ready").status_code, 404)
        body = {"id": "req-7", "inputs": [
            {"name": "x1", "shape": [3], "datatype": "FP32", "data": [1, -2, 5]},
            {"name": "x2", "shape": [3, 1], "datatype": "INT64", "data": [[1], [-1], [0]]},
            {"name": "tag", "shape": [3], "datatype": "BYTES", "data": ["a", "b", "c"]}]}
        r = self.predict("/v2/models/tiny/versions/1/infer", body)
        self.assertEqual(r.status_code, 200, r.text)
        out = r.json()
        self.assertEqual((out["model_name"], out["model_version"], out["id"]), ("tiny", "1", "req-7"))
        tensors = {t["name"]: t for t in out["outputs"]}
        self.assertEqual(tensors["label"]["data"], ["yes", "no", "yes"])
        self.assertEqual(tensors["label"]["datatype"], "BYTES")
        self.assertEqual(tensors["probabilities"]["shape"], [3, 2])
        self.assertEqual(tensors["tag"]["data"], ["a", "b", "c"])
        only = dict(body, outputs=[{"name": "label"}])
        self.assertEqual([t["name"] for t in self.predict("/v2/models/tiny/infer", only).json()["outputs"]],
                         ["label"])
        bad = {"inputs": [{"name": "x1", "shape": [1], "datatype": "FP32", "data": ["text"]}]}
        self.assertEqual(self.predict("/v2/models/tiny/infer", bad).status_code, 400)
        rule = {"inputs": [{"name": "x1", "shape": [1], "datatype": "FP32", "data": [99999]},
                           {"name": "x2", "shape": [1], "datatype": "FP32", "data": [0]}]}
        r = self.predict("/v2/models/tiny/infer", rule)
        self.assertEqual(r.status_code, 422)
        self.assertIn("x1", r.json()["error"])

    # --- MLflow -------------------------------------------------------------------------
    def test_mlflow(self):
        self.assertEqual(requests.get(self.url + "/ping").status_code, 200)
        self.assertEqual(requests.get(self.url + "/health").status_code, 200)
        self.assertRegex(requests.get(self.url + "/version").text, r"^\d+\.\d+\.\d+")
        bodies = [
            {"dataframe_split": {"columns": ["x1", "x2"], "data": [[1, 1], [-1, -1]]}},
            {"dataframe_records": [{"x1": 1, "x2": 1}, {"x1": -1, "x2": -1}]},
            {"instances": [{"x1": 1, "x2": 1}, {"x1": -1, "x2": -1}]},
            {"instances": [[1, 1], [-1, -1]]},
            {"inputs": {"x1": [1, -1], "x2": [1, -1]}},
            {"inputs": [{"x1": 1, "x2": 1}, {"x1": -1, "x2": -1}]},
        ]
        for body in bodies:
            r = self.predict("/invocations", body)
            self.assertEqual(r.status_code, 200, (body, r.text))
            self.assertEqual([p["label"] for p in r.json()["predictions"]], ["no", "yes"], body)
            self.assertEqual(r.json()["version"], "2")
        r = requests.post(self.url + "/invocations", data="x1,x2\n1,1\n",
                          headers={"Content-Type": "text/csv"}, timeout=10)
        self.assertEqual(r.json()["predictions"][0]["label"], "no")
        self.assertEqual(self.predict("/invocations", {"instances": [{"x1": "z", "x2": 1}]}).status_code, 422)
        self.assertEqual(self.predict("/invocations", {"rows": []}).status_code, 400)

    # --- errors -------------------------------------------------------------------------
    def assert_error(self, response, status, words):
        self.assertEqual(response.status_code, status, response.text)
        self.assertIn(words, response.json()["error"])

    def test_error_cases(self):
        url = self.url + "/v1/models/tiny/predict"
        self.assert_error(requests.post(url, data="{\"x1\": ", headers={"Content-Type": "application/json"}),
                          400, "not valid JSON")
        self.assert_error(requests.post(url, data="<x/>", headers={"Content-Type": "application/xml"}),
                          415, "application/xml")
        self.assert_error(self.predict("/v1/models/nope/predict", {}), 404, "no model named 'nope'")
        self.assert_error(self.predict("/v1/models/tiny/versions/8/predict", {}), 404, "no version '8'")
        self.assert_error(self.predict("/v1/models/tiny/aliases/canary/predict", {}), 404, "no alias")
        self.assert_error(self.predict("/v1/models/tiny/predict", {"x1": "a", "x2": 1}), 422,
                          "x1: 'a' is not a number")
        self.assert_error(self.predict("/v1/models/tiny/predict", {"x2": 1}), 422, "x1")
        self.assert_error(requests.post(url, data="x" * 30000, headers={"Content-Type": "text/csv"}),
                          413, "larger than the limit of 20000")
        self.assert_error(self.predict("/v1/models/tiny/predict", {"instances": [{"x1": 1, "x2": 1}] * 51}),
                          413, "limit is 50")
        deep = "[" * 100 + "]" * 100
        self.assert_error(requests.post(url, data=deep, headers={"Content-Type": "application/json"}),
                          400, "deeper than the limit")
        self.assert_error(requests.get(url), 405, "use POST")
        self.assert_error(requests.get(url, headers={"X-Big": "b" * 20000}), 431, "request head")
        # Names from URLs never reach the filesystem: traversal is refused.
        self.assert_error(self.predict("/v1/models/..%2F..%2Fetc/predict", {}), 400, "not valid")
        self.assert_error(self.predict("/v1/models/tiny/versions/..%2F1/predict", {}), 400, "not valid")
        raw = curl("--path-as-is", "-X", "POST", "-d", "{}", self.url + "/v1/models/../../etc/predict")
        self.assertIn("error", json.loads(raw))
        # After all that, the server answers as before.
        self.assertEqual(self.predict("/v1/models/tiny/predict", {"x1": 1, "x2": 1}).status_code, 200)

    # --- metrics ------------------------------------------------------------------------
    def test_metrics_pass_promtool(self):
        self.predict("/v1/models/tiny/versions/1/predict", {"x1": 1, "x2": 1})
        self.predict("/v1/models/tiny/versions/1/predict", {"x1": "bad", "x2": 1})
        text = requests.get(self.url + "/metrics").text
        check = subprocess.run(["promtool", "check", "metrics"], input=text, capture_output=True, text=True)
        self.assertEqual(check.returncode, 0, check.stdout + check.stderr)
        self.assertRegex(text, r'ferry_predictions_total\{model="tiny",version="1",class="yes"\} \d+')
        self.assertRegex(text, r'ferry_http_request_errors_total\{route="v1_predict",model="tiny",version="1",status="422"\} \d+')
        self.assertRegex(text, r'ferry_http_request_duration_seconds_count\{route="v1_predict",model="tiny",version="1"\} \d+')
        self.assertRegex(text, r'ferry_model_loads_total\{model="locked",version="1",kind="load",result="success"\} 1')
        self.assertIn("ferry_http_requests_in_flight", text)

    # --- auth ---------------------------------------------------------------------------
    def test_auth(self):
        body = {"x1": 1, "x2": 1}
        self.assert_error(self.predict("/v1/models/locked/predict", body), 401, "needs an API key")
        self.assert_error(self.predict("/v1/models/locked/predict", body,
                                       headers={"Authorization": "Bearer nope"}), 401, "not valid")
        r = self.predict("/v1/models/locked/predict", body, headers={"Authorization": "Bearer " + KEY})
        self.assertEqual(r.status_code, 200)
        self.assertEqual(requests.post(self.url + "/v2/repository/index").status_code, 401)
        r = requests.post(self.url + "/v2/repository/index", headers={"Authorization": "Bearer " + KEY})
        self.assertEqual(r.status_code, 200)
        self.assertIn({"name": "tiny", "version": "1", "state": "READY", "reason": ""}, r.json())

    def test_admin_unload_and_load(self):
        auth = {"Authorization": "Bearer " + KEY}
        r = requests.post(self.url + "/v2/repository/models/locked/unload", headers=auth)
        self.assertEqual(r.status_code, 200, r.text)
        self.assertEqual(self.predict("/v1/models/locked/predict", {"x1": 1, "x2": 1},
                                      headers=auth).status_code, 404)
        r = requests.post(self.url + "/v2/repository/models/locked/load", headers=auth)
        self.assertEqual(r.json(), {"name": "locked", "loaded": True, "versions": ["1"]})
        self.assertEqual(self.predict("/v1/models/locked/predict", {"x1": 1, "x2": 1},
                                      headers=auth).status_code, 200)
        self.assertEqual(requests.post(self.url + "/v2/repository/models/ghost/load",
                                       headers=auth).status_code, 404)

    def test_access_log(self):
        self.predict("/v1/models/tiny/versions/1/predict", {"x1": 1, "x2": 1, "tag": "logged"})
        self.assertTrue(harness.wait_until(lambda: os.path.getsize(self.access_log) > 0))
        with open(self.access_log) as f:
            entries = [json.loads(line) for line in f]
        hit = [e for e in entries if e["path"] == "/v1/models/tiny/versions/1/predict" and e["status"] == 200]
        self.assertTrue(hit)
        self.assertEqual((hit[0]["model"], hit[0]["version"], hit[0]["method"]), ("tiny", "1", "POST"))
        self.assertGreaterEqual(hit[0]["duration_us"], 0)


class KeysAndTls(unittest.TestCase):
    def test_admin_refused_without_configured_keys(self):
        bundle = harness.copy_bundle(os.path.join(harness.temp_dir("b-"), "tiny"))
        with harness.Server(bundle) as server:
            r = requests.post(server.url + "/v2/repository/index")
            self.assertEqual(r.status_code, 403)
            self.assertIn("no API key is configured", r.json()["error"])

    def test_keys_from_environment_and_required_for_predict(self):
        bundle = harness.copy_bundle(os.path.join(harness.temp_dir("b-"), "tiny"))
        with harness.Server(bundle, "--require-key-for-predict", env={"FERRY_API_KEYS": "a1, b2"}) as server:
            url = server.url + "/v1/models/tiny/predict"
            self.assertEqual(harness.post_json(url, {"x1": 1, "x2": 1}).status_code, 401)
            r = harness.post_json(url, {"x1": 1, "x2": 1}, headers={"Authorization": "Bearer b2"})
            self.assertEqual(r.status_code, 200)

    def test_tls(self):
        d = harness.temp_dir("tls-")
        cert, key = os.path.join(d, "cert.pem"), os.path.join(d, "key.pem")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key,
                        "-out", cert, "-days", "1", "-subj", "/CN=127.0.0.1"],
                       check=True, capture_output=True)
        bundle = harness.copy_bundle(os.path.join(harness.temp_dir("b-"), "tiny"))
        with harness.Server(bundle, "--tls-cert", cert, "--tls-key", key) as server:
            self.assertTrue(server.url.startswith("https://"))
            out = json.loads(curl("--cacert", cert, "-H", "Content-Type: application/json",
                                  "-d", '{"x1": 1, "x2": 1}', server.url + "/v1/models/tiny/predict"))
            self.assertEqual(out["predictions"][0]["label"], "yes")
            plain = curl("http://127.0.0.1:%d/ping" % server.port)
            self.assertNotEqual(plain, "OK\n")


if __name__ == "__main__":
    harness.main()
