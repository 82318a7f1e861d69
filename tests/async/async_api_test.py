"""End-to-end tests of the asynchronous API of `ferry serve` with the embedded queue (SQLite in
--state-dir, the server's own workers): every status and error of POST
/v1/models/{name}/requests and GET /v1/requests/{id}, version and alias policies, API keys,
retention, metrics, and the crash test: requests acknowledged by a server whose workers are
off, the server killed with SIGKILL, a new server on the same state directory scores them.

Run by ctest (tests/async/CMakeLists.txt) with FERRY_BINARY and FERRY_SOURCE_DIR set.
"""
import os
import re
import signal
import subprocess
import sys
import time
import traceback

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "serve"))
import harness as h  # noqa: E402
import requests  # noqa: E402

UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")


def repository():
    """tiny v1 ("yes" for x1 + x2 > 0) and v2 (flipped), alias production -> 1; locked (key)."""
    repo = h.temp_dir("repo-")
    h.copy_bundle(os.path.join(repo, "tiny", "1"), "tiny", "1")
    h.copy_bundle(os.path.join(repo, "tiny", "2"), "tiny", "2", flipped=True)
    with open(os.path.join(repo, "tiny", "config.yaml"), "w") as f:
        f.write("version_policy: all\n")
    with open(os.path.join(repo, "tiny", "aliases.yaml"), "w") as f:
        f.write('production: "1"\n')
    h.copy_bundle(os.path.join(repo, "locked", "1"), "locked", "1")
    with open(os.path.join(repo, "locked", "config.yaml"), "w") as f:
        f.write("auth: required\n")
    return repo


def submit(server, path, body=None, **kwargs):
    return requests.post(server.url + path, json=body, timeout=10, **kwargs)


def poll_until_done(server, request_id, timeout=20, **kwargs):
    deadline = time.time() + timeout
    while time.time() < deadline:
        r = requests.get(server.url + "/v1/requests/" + request_id, timeout=10, **kwargs)
        assert r.status_code == 200, (r.status_code, r.text)
        if r.json()["status"] != "WAIT":
            return r.json()
        time.sleep(0.05)
    raise AssertionError("request %s still WAIT after %d s" % (request_id, timeout))


def sync_prediction(server, path, record, **kwargs):
    r = requests.post(server.url + path, json=record, timeout=10, **kwargs)
    assert r.status_code == 200, r.text
    return r.json()


def metric(server, name):
    text = requests.get(server.url + "/metrics", timeout=10).text
    match = re.search(r"^%s (\d+)$" % name, text, re.M)
    return int(match.group(1)) if match else None


def test_ok_json_and_form_equal_the_sync_prediction(server):
    record = {"x1": 1.5, "x2": 0.25, "tag": "t-1"}
    r = submit(server, "/v1/models/tiny/requests", record)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["status"] == "OK" and UUID.match(body["id"]), body
    assert r.headers["Location"] == "/v1/requests/" + body["id"]
    done = poll_until_done(server, body["id"])
    sync = sync_prediction(server, "/v1/models/tiny/predict", record)
    expected = dict(sync["predictions"][0], model="tiny", version=sync["version"])
    assert done == {"status": "OK", "id": body["id"], "prediction": expected,
                    "received_at": done["received_at"], "processed_at": done["processed_at"]}, done
    assert done["prediction"]["version"] == "2" and done["prediction"]["label"] == "no"
    assert done["received_at"] <= done["processed_at"]

    form = requests.post(server.url + "/v1/models/tiny/requests", data={"x1": "-3", "x2": "1"},
                         timeout=10)
    assert form.status_code == 200, form.text
    done = poll_until_done(server, form.json()["id"])
    assert done["prediction"]["label"] == "yes", done  # version 2 is flipped


def test_version_and_alias_policies(server):
    record = {"x1": 2, "x2": 2}
    for path, version, label in [("/v1/models/tiny/aliases/production/requests", "1", "yes"),
                                 ("/v1/models/tiny/versions/2/requests", "2", "no"),
                                 ("/v1/models/tiny/versions/1/requests", "1", "yes")]:
        r = submit(server, path, record)
        assert r.status_code == 200, (path, r.text)
        done = poll_until_done(server, r.json()["id"])
        assert done["prediction"]["version"] == version, (path, done)
        assert done["prediction"]["label"] == label, (path, done)


def test_errors(server):
    submitted = metric(server, "ferry_async_requests_submitted_total")
    # Bad input: the field errors, nothing queued.
    r = submit(server, "/v1/models/tiny/requests", {"x1": "abc", "x2": 1})
    assert r.status_code == 422 and "x1" in r.json()["error"] and "not a number" in r.json()["error"], r.text
    r = submit(server, "/v1/models/tiny/requests", {"x1": 5000, "x2": 1})
    assert r.status_code == 422 and "x1" in r.json()["error"], r.text
    r = submit(server, "/v1/models/tiny/requests", {"x1": 1})
    assert r.status_code == 422 and "x2" in r.json()["error"], r.text
    r = submit(server, "/v1/models/tiny/requests", [{"x1": 1, "x2": 2}, {"x1": 1, "x2": 2}])
    assert r.status_code == 400 and "one record" in r.json()["error"], r.text
    r = requests.post(server.url + "/v1/models/tiny/requests", data="{not json", timeout=10,
                      headers={"Content-Type": "application/json"})
    assert r.status_code == 400, r.text
    assert metric(server, "ferry_async_requests_submitted_total") == submitted
    # Unknown model or version, bad names.
    r = submit(server, "/v1/models/nope/requests", {"x1": 1, "x2": 2})
    assert r.status_code == 404 and "no model named 'nope'" in r.json()["error"], r.text
    r = submit(server, "/v1/models/tiny/versions/9/requests", {"x1": 1, "x2": 2})
    assert r.status_code == 404, r.text
    r = submit(server, "/v1/models/tiny/aliases/staging/requests", {"x1": 1, "x2": 2})
    assert r.status_code == 404 and "no alias 'staging'" in r.json()["error"], r.text
    # Ids.
    r = requests.get(server.url + "/v1/requests/not-a-uuid", timeout=10)
    assert r.status_code == 400 and "is not a UUID" in r.json()["error"], r.text
    unknown = "0b7e8f4c-1d2a-4b3c-9d4e-5f6a7b8c9d0e"
    r = requests.get(server.url + "/v1/requests/" + unknown, timeout=10)
    assert r.status_code == 404 and unknown in r.json()["error"], r.text
    # Methods.
    r = requests.get(server.url + "/v1/models/tiny/requests", timeout=10)
    assert r.status_code == 405 and "use POST" in r.json()["error"], r.text
    r = requests.delete(server.url + "/v1/requests/" + unknown, timeout=10)
    assert r.status_code == 405 and "use GET" in r.json()["error"], r.text
    r = requests.get(server.url + "/v1/requests/" + unknown + "/extra", timeout=10)
    assert r.status_code == 404, r.text


def test_api_keys(server):
    record = {"x1": 1, "x2": 1}
    r = submit(server, "/v1/models/locked/requests", record)
    assert r.status_code == 401, r.text
    r = submit(server, "/v1/models/locked/requests", record,
               headers={"Authorization": "Bearer wrong-key"})
    assert r.status_code in (401, 403), r.text
    auth = {"Authorization": "Bearer async-key"}
    r = submit(server, "/v1/models/locked/requests", record, headers=auth)
    assert r.status_code == 200, r.text
    request_id = r.json()["id"]
    done = poll_until_done(server, request_id, headers=auth)
    assert done["status"] == "OK" and done["prediction"]["model"] == "locked", done
    r = requests.get(server.url + "/v1/requests/" + request_id, timeout=10)
    assert r.status_code == 401, r.text  # the model's key rule covers its results


def test_metrics(server):
    text = requests.get(server.url + "/metrics", timeout=10).text
    for name in ("ferry_async_requests_submitted_total", "ferry_async_requests_completed_total",
                 "ferry_async_queue_depth", "ferry_async_submit_failures_total"):
        assert re.search(r"^%s \d+$" % name, text, re.M), name
    assert metric(server, "ferry_async_requests_submitted_total") >= 5


def test_wait_retention_and_crash(repo, keys):
    """Workers off: WAIT. SIGKILL, restart with workers on the same state dir: scored. Then
    the 2 s retention expires the results: 404."""
    state = h.temp_dir("state-")
    records = [{"x1": 1, "x2": 1}, {"x1": -1, "x2": -1}, {"x1": 3, "x2": -1, "tag": "c"}]
    first = h.Server(repo, "--state-dir", state, "--async-workers", "0",
                     "--api-key-file", keys)
    ids = []
    for record in records:
        r = submit(first, "/v1/models/tiny/aliases/production/requests", record)
        assert r.status_code == 200, r.text
        ids.append(r.json()["id"])
    r = requests.get(first.url + "/v1/requests/" + ids[0], timeout=10)
    assert r.status_code == 200 and r.json() == {
        "status": "WAIT", "id": ids[0], "received_at": r.json()["received_at"]}, r.text
    assert metric(first, "ferry_async_queue_depth") == 3
    first.proc.send_signal(signal.SIGKILL)  # between OK and scoring
    first.stop()

    second = h.Server(repo, "--state-dir", state, "--async-retention", "2s",
                      "--api-key-file", keys)
    try:
        assert "3 asynchronous request(s) were queued before the last stop" in second.log()
        for request_id, record in zip(ids, records):
            done = poll_until_done(second, request_id)
            sync = sync_prediction(second, "/v1/models/tiny/aliases/production/predict", record)
            expected = dict(sync["predictions"][0], model="tiny", version="1")
            assert done["status"] == "OK" and done["prediction"] == expected, (done, expected)
        assert h.wait_until(lambda: metric(second, "ferry_async_queue_depth") == 0, 10)
        # Retention: the results are swept 2 s after they were received.
        assert h.wait_until(lambda: requests.get(second.url + "/v1/requests/" + ids[0],
                                                 timeout=10).status_code == 404, 15)
    finally:
        second.stop()


def test_api_off(repo):
    with h.Server(repo, "--async-queue", "none") as server:
        r = submit(server, "/v1/models/tiny/requests", {"x1": 1, "x2": 1})
        assert r.status_code == 503 and "--async-queue none" in r.json()["error"], r.text
        r = requests.get(server.url + "/v1/requests/0b7e8f4c-1d2a-4b3c-9d4e-5f6a7b8c9d0e",
                         timeout=10)
        assert r.status_code == 503, r.text


def test_state_dir_unusable(repo):
    """A --state-dir that cannot be made stops the server; the default only turns the API off."""
    cwd = h.temp_dir("cwd-")
    with open(os.path.join(cwd, "ferry-state"), "w") as f:
        f.write("a file where the default state directory would go\n")
    done = subprocess.run([h.FERRY, "serve", "--port", "0", repo, "--state-dir",
                           os.path.join(cwd, "ferry-state", "sub")],
                          capture_output=True, text=True, timeout=30)
    assert done.returncode != 0 and "--state-dir" in done.stderr, done.stderr
    here = os.getcwd()
    os.chdir(cwd)
    try:
        server = h.Server(repo)
    finally:
        os.chdir(here)
    with server:
        assert "asynchronous requests are off" in server.log(), server.log()
        r = submit(server, "/v1/models/tiny/requests", {"x1": 1, "x2": 1})
        assert r.status_code == 503, r.text
        r = requests.post(server.url + "/v1/models/tiny/predict", json={"x1": 1, "x2": 1},
                          timeout=10)
        assert r.status_code == 200, r.text


def test_bad_flags(repo):
    for args, words in [(["--async-queue", "rabbitmq://x/y"], "is not known"),
                        (["--async-queue", "kafka://localhost:9092"], "no topic name"),
                        (["--async-retention", "soon"], "is not a duration"),
                        (["--async-results", "mysql://x/y"], "mysql")]:
        done = subprocess.run([h.FERRY, "serve", "--port", "0", repo, "--state-dir",
                               h.temp_dir("bad-")] + args, capture_output=True, text=True,
                              timeout=30)
        assert done.returncode != 0 and words in done.stderr, (args, done.stderr)


def main():
    h.check_binary()
    repo = repository()
    keys = os.path.join(h.temp_dir("keys-"), "keys.txt")
    with open(keys, "w") as f:
        f.write("async-key\n")
    failures = []

    def run(name, fn, *args):
        print("[ RUN  ] " + name, flush=True)
        try:
            fn(*args)
            print("[  OK  ] " + name, flush=True)
        except Exception:  # report every test, then fail
            failures.append(name)
            traceback.print_exc()
            print("[FAILED] " + name, flush=True)

    server = h.Server(repo, "--state-dir", h.temp_dir("state-"), "--api-key-file", keys)
    try:
        for fn in (test_ok_json_and_form_equal_the_sync_prediction,
                   test_version_and_alias_policies, test_errors, test_api_keys, test_metrics):
            run(fn.__name__, fn, server)
    finally:
        if server.stop() != 0:
            failures.append("clean stop")
            print(server.log())
    run("test_wait_retention_and_crash", test_wait_retention_and_crash, repo, keys)
    run("test_api_off", test_api_off, repo)
    run("test_state_dir_unusable", test_state_dir_unusable, repo)
    run("test_bad_flags", test_bad_flags, repo)
    h.cleanup()
    if failures:
        sys.exit("async API tests failed: " + ", ".join(failures))
    print("all async API tests passed")


if __name__ == "__main__":
    main()
