"""Behaviour of the built `ferry` binary: output lines and exit statuses 0/3/2.

Trains tiny models at test time (scikit-learn, XGBoost) in a temp folder and compares ferry's
JSON lines with the libraries' own predictions. Run by ctest (FERRY_BINARY names the binary).
"""
import json
import os
import subprocess
import tempfile
import unittest

import joblib
import numpy as np
import pandas as pd
from sklearn.ensemble import RandomForestRegressor
from sklearn.feature_extraction import DictVectorizer
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.pipeline import Pipeline

FERRY = os.environ.get("FERRY_BINARY", "build/ferry")


def run(*args, stdin=None):
    proc = subprocess.run([FERRY, *args], input=stdin, capture_output=True, text=True, timeout=60)
    lines = [json.loads(line) for line in proc.stdout.splitlines() if line.startswith("{")]
    return proc.returncode, lines, proc.stdout, proc.stderr


class CliTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        d = cls.tmp.name
        rng = np.random.default_rng(3)
        frame = pd.DataFrame({"a": rng.normal(size=40), "b": rng.normal(size=40)})
        cls.linear = LinearRegression().fit(frame, 3 * frame.a - frame.b + 0.25)
        cls.linear_path = os.path.join(d, "linear.joblib")
        joblib.dump(cls.linear, cls.linear_path)

        x = rng.normal(size=(80, 3))
        labels = np.where(x[:, 0] - x[:, 2] > 0, "yes", "no")
        cls.logistic = LogisticRegression().fit(x, labels)
        cls.logistic_path = os.path.join(d, "logistic.pkl")
        joblib.dump(cls.logistic, cls.logistic_path)

        rides = [{"PU_DO": f"{i % 7}_{i % 5}", "trip_distance": float(i % 13)} for i in range(200)]
        forest = Pipeline([("v", DictVectorizer()),
                           ("f", RandomForestRegressor(n_estimators=5, random_state=0))])
        forest.fit(rides, [r["trip_distance"] * 3 + len(r["PU_DO"]) for r in rides])
        cls.dict_forest_path = os.path.join(d, "dict_forest.joblib")
        joblib.dump(forest, cls.dict_forest_path)

        cls.csv_path = os.path.join(d, "rows.csv")
        with open(cls.csv_path, "w") as f:
            f.write("b,a\n1.5,2\n-1,0.25\n7\n0,1e-3\n")

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def path(self, name):
        return os.path.join(self.tmp.name, name)

    def test_regressor_matches_sklearn_and_bad_row_gives_exit_3(self):
        status, lines, _, stderr = run("predict", "--model", self.linear_path, "--input",
                                       self.csv_path)
        self.assertEqual(status, 3, stderr)
        self.assertEqual(len(lines), 4)
        expected = self.linear.predict(pd.DataFrame({"a": [2, 0.25, 0.001], "b": [1.5, -1, 0]}))
        for line, want in zip([lines[0], lines[1], lines[3]], expected):
            self.assertAlmostEqual(line["prediction"], want, delta=1e-12 * max(1, abs(want)))
        self.assertEqual(lines[2]["row"], 3)
        self.assertIn("line 4: expected 2 fields as in the header, found 1", lines[2]["error"])

    def test_missing_named_column_is_a_row_error_naming_it(self):
        with open(self.path("only_a.csv"), "w") as f:
            f.write("a\n1\n")
        status, lines, _, _ = run("predict", "-m", self.linear_path, "-i", self.path("only_a.csv"))
        self.assertEqual(status, 3)
        self.assertEqual(lines[0]["row"], 1)
        self.assertIn("'b'", lines[0]["error"])

    def test_classifier_with_string_labels_from_stdin_jsonl(self):
        x = np.array([[1.0, 0.5, -1.0], [-2.0, 0.0, 1.0], [0.1, 0.2, 0.3]])
        text = "\n".join(json.dumps(list(row)) for row in x.tolist()) + "\n"
        status, lines, _, stderr = run("predict", "--model", self.logistic_path, stdin=text)
        self.assertEqual(status, 0, stderr)
        proba = self.logistic.predict_proba(x)
        for line, label, p in zip(lines, self.logistic.predict(x), proba):
            self.assertEqual(line["prediction"], label)
            self.assertEqual(list(line["probabilities"]), ["no", "yes"])
            self.assertAlmostEqual(line["probabilities"]["no"], p[0], delta=1e-12)
            self.assertAlmostEqual(line["probabilities"]["yes"], p[1], delta=1e-12)
        status, lines, _, _ = run("predict", "-m", self.logistic_path, "--no-probabilities",
                                  stdin=text)
        self.assertEqual(status, 0)
        self.assertEqual(set(lines[0]), {"prediction"})

    def test_integer_labels_stay_numbers_and_threads_keep_order(self):
        xgb = __import__("xgboost")
        rng = np.random.default_rng(5)
        x = rng.normal(size=(300, 4))
        y = (x[:, 0] + x[:, 1] > 0).astype(int) + (x[:, 2] > 1).astype(int)
        model = xgb.XGBClassifier(n_estimators=5, max_depth=3).fit(x, y)
        model_path = self.path("booster.json")
        model.save_model(model_path)
        input_path = self.path("many.csv")
        pd.DataFrame(x, columns=["f0", "f1", "f2", "f3"]).to_csv(input_path, index=False)
        out_path = self.path("out.jsonl")
        status, _, _, stderr = run("predict", "-m", model_path, "-i", input_path, "-o", out_path,
                                   "--threads", "3", "--chunk-rows", "7")
        self.assertEqual(status, 0, stderr)
        with open(out_path) as f:
            lines = [json.loads(line) for line in f]
        self.assertEqual(len(lines), 300)
        proba = model.predict_proba(x)
        for line, label, p in zip(lines, model.predict(x), proba):
            self.assertIsInstance(line["prediction"], int)
            self.assertEqual(line["prediction"], int(label))
            self.assertEqual(list(line["probabilities"]), ["0", "1", "2"])
            for k in range(3):
                self.assertAlmostEqual(line["probabilities"][str(k)], float(p[k]), delta=1e-6)

    def test_format_override_and_sniffing(self):
        with open(self.path("rows.txt"), "w") as f:
            f.write('{"a": 1, "b": 2}\n\n{"a": 0, "b": 0}\n')
        status, lines, _, _ = run("predict", "-m", self.linear_path, "-i", self.path("rows.txt"))
        self.assertEqual(status, 0)
        self.assertEqual(len(lines), 2)
        status, lines, _, _ = run("predict", "-m", self.linear_path, "-i", self.path("rows.txt"),
                                  "--format", "csv")
        self.assertEqual(status, 3)  # read as CSV, the records do not fit the header
        status, _, _, stderr = run("predict", "-m", self.linear_path, "-i", self.csv_path,
                                   "--format", "xml")
        self.assertEqual(status, 2)
        self.assertIn("unknown input format 'xml'", stderr)

    def test_cannot_run_gives_exit_2_with_reason_and_hint(self):
        cases = [
            ("predict", "--model", self.path("missing.pkl"), "--input", self.csv_path),
            ("predict", "--model", self.csv_path, "--input", self.csv_path),
            ("predict", "--model", self.linear_path, "--input", self.path("missing.csv")),
            ("predict", "--model", self.linear_path, "--input", self.csv_path,
             "--output", self.path("no/such/dir/out.jsonl")),
            ("predict", "--input", self.csv_path),
            ("predict", "--model", self.linear_path, "--threads", "0"),
            ("inspect", "--model", self.path("missing.pkl")),
            ("frobnicate",),
            (),
        ]
        for args in cases:
            status, _, stdout, stderr = run(*args)
            self.assertEqual(status, 2, args)
            self.assertTrue(stderr.startswith("ferry"), (args, stderr))
            if args and args[0] == "predict":
                self.assertIn("hint:", stderr, args)
                self.assertEqual(stdout, "", args)

    def test_bad_files_give_one_clear_line_a_hint_and_exit_2(self):
        """Each bad file gives a first line naming the file and what is wrong, then a hint."""
        empty = self.path("empty.pkl")
        open(empty, "wb").close()
        garbage = self.path("garbage.bin")
        with open(garbage, "wb") as f:
            f.write(bytes(range(256)) * 8)
        unreadable = self.path("unreadable.pkl")
        with open(unreadable, "wb") as f:
            f.write(b"\x80\x04")
        os.chmod(unreadable, 0)
        no_spec = self.path("bundle_without_spec")
        os.makedirs(no_spec, exist_ok=True)
        bad_yaml = self.path("bundle_bad_yaml")
        os.makedirs(bad_yaml, exist_ok=True)
        with open(os.path.join(bad_yaml, "ferry.yaml"), "w") as f:
            f.write("name: x\nmodel: [model.joblib\ninputs: {a: {type: float}}\n")
        cases = [
            (("predict", "--model", self.tmp.name, "--input", self.csv_path), "is a directory"),
            (("predict", "--model", empty, "--input", self.csv_path), "is empty (0 bytes)"),
            (("predict", "--model", garbage, "--input", self.csv_path), garbage),
            (("predict", "--model", self.linear_path, "--input", self.tmp.name), "is a directory"),
            (("predict", no_spec, "--input", self.csv_path), "needs a ferry.yaml"),
            (("predict", bad_yaml, "--input", self.csv_path), "ferry.yaml:"),
            (("predict", self.linear_path, "--input", self.csv_path), "is a file, not a bundle"),
            (("inspect", "--model", self.tmp.name), "is a directory"),
            (("inspect", "--model", empty), "is empty (0 bytes)"),
            (("validate", self.linear_path), "is a file, not a bundle"),
            (("validate", self.path("no_such_bundle")), "no bundle directory"),
        ]
        if os.geteuid() != 0:  # root reads any file
            cases.append((("inspect", "--model", unreadable), "Permission denied"))
        for args, what in cases:
            status, _, stdout, stderr = run(*args)
            self.assertEqual(status, 2, (args, stderr))
            first = stderr.splitlines()[0] if stderr else ""
            self.assertTrue(first.startswith("ferry " + args[0] + ": "), (args, stderr))
            self.assertIn(what, stderr, args)
            self.assertIn("hint:", stderr, args)
            self.assertNotIn("Traceback", stderr)
        status, _, stdout, stderr = run("validate", bad_yaml)
        self.assertEqual(status, 2, stderr)
        self.assertRegex(stdout, r"ferry.yaml:\d+:\d+: error: ")
        status, _, stdout, _ = run("validate", no_spec)
        self.assertEqual(status, 2)
        self.assertIn("needs a ferry.yaml", stdout)

    def test_empty_header_only_and_garbage_inputs_keep_the_row_contract(self):
        header_only = self.path("header_only.csv")
        with open(header_only, "w") as f:
            f.write("a,b\n")
        empty = self.path("empty.csv")
        open(empty, "w").close()
        for path in [header_only, empty]:
            status, lines, stdout, stderr = run("predict", "-m", self.linear_path, "-i", path)
            self.assertEqual((status, stdout), (0, ""), stderr)
        garbage = self.path("garbage.csv")
        with open(garbage, "wb") as f:
            noise = bytes(b for b in range(1, 256) if b not in b'\n\r,"')
            f.write(b"a,b\n" + noise + b"\n\x00\x00,\xff\n1,2\n")
        status, lines, _, stderr = run("predict", "-m", self.linear_path, "-i", garbage)
        self.assertEqual(status, 3, stderr)
        self.assertEqual([("error" in line) for line in lines], [True, True, False])

    def test_help_and_version(self):
        for args in [("--help",), ("predict", "--help"), ("inspect", "--help"),
                     ("validate", "--help")]:
            status, _, stdout, _ = run(*args)
            self.assertEqual(status, 0, args)
            self.assertIn("Exit status", stdout)
            self.assertIn("Examples", stdout)
        status, _, stdout, _ = run("--version")
        self.assertEqual(status, 0)
        self.assertRegex(stdout, r"^ferry \d+\.\d+\.\d+")

    def test_inspect_text_and_json(self):
        status, _, stdout, _ = run("inspect", "--model", self.logistic_path)
        self.assertEqual(status, 0)
        self.assertIn("LogisticRegression", stdout)
        self.assertIn("classes:        no, yes (2)", stdout)
        self.assertIn("scikit-learn", stdout)
        self.assertIn("scoring:        dense feature rows", stdout)
        status, _, stdout, _ = run("inspect", "--model", self.dict_forest_path)
        self.assertEqual(status, 0)
        self.assertIn("scoring:        a lookup table", stdout)
        status, lines, _, _ = run("inspect", "--model", self.linear_path, "--json")
        self.assertEqual(status, 0)
        info = lines[0]
        self.assertEqual(info["inputs"]["names"], ["a", "b"])
        self.assertEqual(info["estimator"]["kind"], "linear")
        self.assertEqual(info["task"], "regression")


if __name__ == "__main__":
    unittest.main(verbosity=2)
