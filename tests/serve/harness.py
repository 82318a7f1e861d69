"""Shared pieces of the ferry serve end-to-end tests: tiny bundles trained at test time, model
repositories built from them, and a `ferry serve` process started on a free port of the
loopback interface whose stderr is collected (the startup log names the port; a server counts
as started once it logs that its models are loaded).

Environment: FERRY_BINARY (the built ferry), FERRY_SOURCE_DIR (the source tree).
"""
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

import requests

SOURCE_DIR = os.environ.get("FERRY_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))
FERRY = os.environ.get("FERRY_BINARY", os.path.join(SOURCE_DIR, "build", "ferry"))
PYTHON = "/usr/bin/python3"

_made = {}
_root = tempfile.mkdtemp(prefix="ferry-serve-e2e-")


def tiny_bundle(flipped=False):
    """A bundle dir (name tiny, version 1): "yes" when x1 + x2 > 0 (the opposite if flipped)."""
    if flipped not in _made:
        target = os.path.join(_root, "flipped" if flipped else "plain")
        args = [PYTHON, os.path.join(SOURCE_DIR, "tests", "serve", "make_tiny_bundle.py"), target]
        subprocess.run(args + (["--flip"] if flipped else []), check=True)
        _made[flipped] = target
    return _made[flipped]


def copy_bundle(dest, name="tiny", version="1", flipped=False):
    """Copies a tiny bundle to dest, naming it `name` at `version` in its ferry.yaml."""
    source = tiny_bundle(flipped)
    os.makedirs(dest, exist_ok=True)
    shutil.copy(os.path.join(source, "model.joblib"), os.path.join(dest, "model.joblib"))
    with open(os.path.join(source, "ferry.yaml")) as f:
        spec = f.read().replace("name: tiny", "name: " + name).replace(
            'version: "1"', 'version: "%s"' % version)
    with open(os.path.join(dest, "ferry.yaml"), "w") as f:
        f.write(spec)
    return dest


def drop_version(repo, model, version, flipped=False):
    """Adds a version to a repository the way a deployment should: copy, then rename."""
    staging = os.path.join(repo, ".staging-%s-%s" % (model, version))
    copy_bundle(staging, model, version, flipped)
    os.rename(staging, os.path.join(repo, model, version))


def drop_corrupt_version(repo, model, version):
    staging = os.path.join(repo, ".staging-%s-%s" % (model, version))
    os.makedirs(staging)
    with open(os.path.join(staging, "ferry.yaml"), "w") as f:
        f.write('name: %s\nversion: "%s"\nmodel: model.joblib\n' % (model, version))
    with open(os.path.join(staging, "model.joblib"), "wb") as f:
        f.write(b"\x80\x04this is not a pickle")
    os.rename(staging, os.path.join(repo, model, version))


def temp_dir(prefix):
    return tempfile.mkdtemp(prefix=prefix, dir=_root)


class Server:
    """`ferry serve ARGS... --port 0`; .url is its base URL once started."""

    def __init__(self, *args, env=None):
        self.args = [FERRY, "serve", "--port", "0"] + [str(a) for a in args]
        full_env = dict(os.environ)
        full_env.pop("FERRY_API_KEYS", None)
        full_env.update(env or {})
        self.proc = subprocess.Popen(self.args, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL,
                                     env=full_env, text=True)
        self.lines = []
        self.port = None
        self.ready = False
        ready = threading.Event()

        def pump():
            for line in self.proc.stderr:
                self.lines.append(line)
                match = re.search(r"listening on https?://[^:]+:(\d+)", line)
                if match:
                    self.port = int(match.group(1))
                if "ferry serve: ready: serving" in line:
                    self.ready = True
                    ready.set()
            ready.set()

        self.pump = threading.Thread(target=pump, daemon=True)
        self.pump.start()
        if not ready.wait(60) or self.port is None or not self.ready:
            self.proc.kill()
            raise RuntimeError("ferry serve did not start:\n" + "".join(self.lines))
        scheme = "https" if "--tls-cert" in self.args else "http"
        self.url = "%s://127.0.0.1:%d" % (scheme, self.port)

    def log(self):
        return "".join(self.lines)

    def stop(self, timeout=20):
        """SIGTERM, then the exit status."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            code = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            code = self.proc.wait()
        self.pump.join(5)
        self.proc.stderr.close()
        return code

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


class LoadLoop:
    """Client threads posting {"x1": 1, "x2": 1} to a tiny model's predict URL over keep-alive
    connections until stop(): .seen holds (version, label) per answer, .failures the rest."""

    def __init__(self, url, clients=3):
        self.url = url
        self.seen, self.failures = [], []
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.threads = [threading.Thread(target=self.client) for _ in range(clients)]
        for t in self.threads:
            t.start()

    def client(self):
        with requests.Session() as session:  # keep-alive, as real clients do
            while not self.stopping.is_set():
                try:
                    r = session.post(self.url, json={"x1": 1, "x2": 1}, timeout=10)
                    body = r.json()
                    ok = r.status_code == 200 and body["predictions"][0]["label"] in ("yes", "no")
                    with self.lock:
                        if ok:
                            self.seen.append((body.get("version"), body["predictions"][0]["label"]))
                        else:
                            self.failures.append(r.text)
                except Exception as e:  # noqa: BLE001 - any failure counts
                    with self.lock:
                        self.failures.append(repr(e))

    def stop(self):
        self.stopping.set()
        for t in self.threads:
            t.join()


def read_until_closed(sock, timeout=10):
    """Everything the server sends on `sock` until it closes the connection."""
    sock.settimeout(timeout)
    response = b""
    while True:
        chunk = sock.recv(65536)
        if not chunk:
            return response
        response += chunk


def wait_until(predicate, timeout=20, interval=0.05):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return False


def post_json(url, body, **kwargs):
    return requests.post(url, json=body, timeout=10, **kwargs)


def cleanup():
    shutil.rmtree(_root, ignore_errors=True)


def check_binary():
    if not os.path.exists(FERRY):
        sys.exit("serve tests: no ferry binary at %s (set FERRY_BINARY)" % FERRY)


def main():
    """Runs the calling test module's tests against FERRY, then removes the temp files."""
    import unittest
    check_binary()
    try:
        unittest.main(module="__main__", verbosity=2)
    finally:
        cleanup()
