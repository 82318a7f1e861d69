"""Shared plumbing of the example tests: prepare an example, run `ferry predict` on one of its
bundles, read the JSON lines it writes, and compare numbers and labels with what the test
computed independently with scikit-learn.

The ferry binary is $FERRY_BINARY when set, else <repo>/build/ferry. Every check records a
failure instead of stopping, so one run lists all mismatches; `Checks.finish()` exits 1 when
any failed.
"""

import csv
import json
import math
import os
import subprocess
import sys
import tempfile

ROOT = os.environ.get("FERRY_SOURCE_DIR") or os.path.abspath(
    os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
TOLERANCE = 1e-12  # relative, with an absolute floor of the same size
EXIT_SOME_RECORDS_FAILED = 3


def example_dir(name):
    return os.path.join(ROOT, "examples", name)


def make_example(name):
    """Runs scripts/make-examples.sh for one example (a no-op when it is up to date)."""
    script = os.path.join(ROOT, "scripts", "make-examples.sh")
    done = subprocess.run([script, name], capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"{script} {name} failed (exit {done.returncode}):\n{done.stdout}{done.stderr}")


def ferry_binary():
    path = os.environ.get("FERRY_BINARY") or os.path.join(ROOT, "build", "ferry")
    if not os.access(path, os.X_OK):
        sys.exit(f"ferry binary not found at {path}: build it (make build) or set FERRY_BINARY")
    return path


_SCRATCH = tempfile.TemporaryDirectory(prefix="ferry-examples-")  # removed at exit


def temp_dir():
    """A fresh directory for request files, removed when the test ends."""
    return tempfile.mkdtemp(dir=_SCRATCH.name)


def write_jsonl(records, path):
    with open(path, "w", encoding="utf-8") as out:
        for record in records:
            out.write(json.dumps(record) + "\n")
    return path


def write_csv(records, columns, path):
    with open(path, "w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        for record in records:
            writer.writerow({c: record.get(c, "") for c in columns})
    return path


def predict(bundle, input_path):
    """Runs `ferry predict BUNDLE --input FILE --output -`; returns (exit code, lines, stderr)
    where lines are the parsed JSON objects of standard output, one per input record."""
    command = [ferry_binary(), "predict", bundle, "--input", input_path, "--output", "-"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=300)
    lines = []
    for number, text in enumerate(done.stdout.splitlines(), start=1):
        try:
            lines.append(json.loads(text))
        except json.JSONDecodeError as error:
            lines.append({"unparsable_output_line": number, "text": text, "why": str(error)})
    return done.returncode, lines, done.stderr


def close(actual, expected):
    if not isinstance(actual, (int, float)) or isinstance(actual, bool):
        return False
    if math.isnan(expected):
        return math.isnan(actual)
    return abs(actual - expected) <= TOLERANCE * max(1.0, abs(expected))


class Checks:
    """Collects failed checks with enough context to see what differed."""

    def __init__(self, title):
        self.title = title
        self.count = 0
        self.failures = []

    def check(self, ok, what):
        self.count += 1
        if not ok:
            self.failures.append(what)
        return ok

    def run_ok(self, code, lines, stderr, expected_rows, what, expected_code=0):
        """The run exited with `expected_code` and wrote one line per record."""
        self.check(code == expected_code,
                   f"{what}: exit status {code}, expected {expected_code}; stderr: {stderr[-2000:]}")
        return self.check(len(lines) == expected_rows,
                          f"{what}: {len(lines)} output lines for {expected_rows} records; "
                          f"first lines: {lines[:3]}; stderr: {stderr[-2000:]}")

    def error_line(self, line, row, fields, what):
        """A failed record's line: {"row": <1-based record number>, "error": "..."} whose message
        names one of `fields`."""
        message = line.get("error")
        self.check(isinstance(message, str) and line.get("row") == row,
                   f"{what}: record {row}: expected an error line with \"row\": {row}, got {line}")
        if isinstance(message, str):
            self.check(any(f in message for f in fields),
                       f"{what}: record {row}: error {message!r} should name one of {fields}")

    def finish(self):
        if self.failures:
            print(f"{self.title}: {len(self.failures)} of {self.count} checks failed:")
            for failure in self.failures[:50]:
                print("  - " + failure)
            if len(self.failures) > 50:
                print(f"  ... and {len(self.failures) - 50} more")
            sys.exit(1)
        print(f"{self.title}: all {self.count} checks passed")
