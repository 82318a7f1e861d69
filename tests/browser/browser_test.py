"""Browser tests of the web front end: prepares the flight_delays example
(scripts/make-examples.sh, a no-op when up to date), starts a real `ferry serve` on a free
loopback port with the embedded async API (state in a temp dir), stores a few results through
POST /v1/models/flight_delays/requests (waiting until each is scored), then runs pages.mjs,
which drives Debian's Chromium with playwright-core and saves a screenshot of each page into
./screenshots (the ctest working directory: build/tests/browser/screenshots).

Environment: FERRY_BINARY (the built ferry), FERRY_SOURCE_DIR (the source tree).
"""
import datetime
import json
import os
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "serve"))
import harness  # noqa: E402  (tests/serve/harness.py: ferry serve on a free port)

import requests  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
HERE = os.path.dirname(os.path.abspath(__file__))


def require_tools():
    missing = []
    if not os.path.exists(CHROMIUM):
        missing.append("Debian's chromium (%s)" % CHROMIUM)
    if not os.path.isdir(os.path.join(harness.SOURCE_DIR, "node_modules", "playwright-core")):
        missing.append("the npm package playwright-core (node_modules/playwright-core)")
    if shutil.which("node") is None:
        missing.append("node")
    if missing:
        sys.exit("browser tests: missing %s; run scripts/setup.sh (make setup)" % ", ".join(missing))


def seed_results(url, count):
    """Submits `count` sample flights to the async API and waits until each is scored."""
    path = os.path.join(harness.SOURCE_DIR, "examples", "flight_delays", "requests", "sample.jsonl")
    with open(path) as f:
        flights = [json.loads(line) for line in f if line.strip()][:count]
    ids = []
    for flight in flights:
        r = requests.post(url + "/v1/models/flight_delays/requests", json=flight, timeout=10)
        if r.status_code != 200 or r.json().get("status") != "OK":
            sys.exit("browser tests: submitting %s gave HTTP %d %s" % (flight, r.status_code, r.text))
        ids.append(r.json()["id"])
    for request_id in ids:
        scored = harness.wait_until(
            lambda: requests.get(url + "/v1/requests/" + request_id, timeout=10).json().get("status") == "OK",
            timeout=30, interval=0.1)
        if not scored:
            sys.exit("browser tests: request %s was not scored within 30 s" % request_id)
    return len(ids)


def main():
    harness.check_binary()
    require_tools()
    subprocess.run([os.path.join(harness.SOURCE_DIR, "scripts", "make-examples.sh"), "flight_delays"],
                   check=True, stdout=subprocess.DEVNULL)
    bundle = os.path.join(harness.SOURCE_DIR, "examples", "flight_delays", "bundle")
    state = harness.temp_dir("browser-state-")
    shots = os.path.join(os.getcwd(), "screenshots")
    shutil.rmtree(shots, ignore_errors=True)
    try:
        with harness.Server("--state-dir", state, bundle) as server:
            seeded = seed_results(server.url, 5)
            day = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d")
            print("browser tests: %s serves flight_delays; %d results stored on %s" % (server.url, seeded, day))
            started = time.time()
            status = subprocess.run(["node", os.path.join(HERE, "pages.mjs"), server.url, shots, day],
                                    cwd=harness.SOURCE_DIR, timeout=240).returncode
            print("browser tests: took %.1f s" % (time.time() - started))
            if status != 0:
                print("ferry serve log:\n" + server.log())
            return status
    finally:
        harness.cleanup()


if __name__ == "__main__":
    sys.exit(main())
