"""Serving benchmark (not a test): the ride_duration example served by `ferry serve` and by the
equivalent Flask app under gunicorn (2 sync workers, Debian packages), both loaded by wrk with
keep-alive, the same POST and the same connection count. Prints requests/s, p50 and p99 for
each and the ratios, and the memory a loaded model costs in each (RSS with the model minus RSS
without it), as a Markdown table for bench/RESULTS.md.

usage: /usr/bin/python3 bench/serve/run_serve_bench.py [--ferry build/ferry] [--seconds 10]
       [--connections 8] [--wrk-threads 1] [--ferry-threads 0] [--rounds 1]

On this 2-core machine wrk shares the cores with the server under test. One wrk thread drives
more than 100,000 requests/s, so a second one only takes CPU from the server (either server:
both are measured with the same wrk); --wrk-threads 2 gives the earlier runs' layout.
--ferry-threads sets ferry's event loops (0 = one per core; 1 leaves wrk a core of its own).
--rounds N alternates the two servers N times and reports each round and the median of each
measure.
"""
import argparse
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
BUNDLE = os.path.join(ROOT, "examples", "ride_duration", "bundle")
RIDE = {"ride_id": "2021/03_0", "PULocationID": 43, "DOLocationID": 151, "trip_distance": 1.8}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_kib(pid):
    """Resident memory of a process and its children, in KiB."""
    total = 0
    pids = [pid] + [int(p) for p in subprocess.run(["pgrep", "-P", str(pid)], capture_output=True,
                                                    text=True).stdout.split()]
    for p in pids:
        with open("/proc/%d/status" % p) as f:
            total += int(re.search(r"VmRSS:\s+(\d+)", f.read()).group(1))
    return total


def wait_ready(url, proc, timeout=60):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            sys.exit("server exited early: %s" % proc.args)
        try:
            urllib.request.urlopen(url, timeout=1)
            return
        except Exception:  # noqa: BLE001 - not up yet
            time.sleep(0.1)
    sys.exit("server not ready: %s" % proc.args)


def post(url, body):
    request = urllib.request.Request(url, data=json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)


def start_ferry(ferry, path, port, with_model=True, threads=0):
    # The asynchronous API is off: this measures the synchronous /predict path only, and
    # leaves no state directory behind.
    proc = subprocess.Popen([ferry, "serve", "--port", str(port), "--threads", str(threads),
                             "--async-queue", "none", path],
                            stderr=subprocess.DEVNULL, stdout=subprocess.DEVNULL)
    # /ping answers 503 until a model is loaded; an empty repository is only ever live.
    wait_ready("http://127.0.0.1:%d/%s" % (port, "ping" if with_model else "v2/health/live"), proc)
    return proc


def start_flask(port, model):
    env = dict(os.environ, RIDE_MODEL=model)
    proc = subprocess.Popen(["gunicorn", "-w", "2", "-b", "127.0.0.1:%d" % port, "--chdir", HERE,
                             "--log-level", "warning", "flask_app:app"],
                            env=env, stderr=subprocess.DEVNULL, stdout=subprocess.DEVNULL)
    deadline = time.time() + 60
    while time.time() < deadline:  # ready once both workers answer
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            if len(subprocess.run(["pgrep", "-P", str(proc.pid)], capture_output=True,
                                  text=True).stdout.split()) == 2:
                break
        except OSError:
            pass
        time.sleep(0.2)
    time.sleep(3 if model != "none" else 1.5)  # workers load the model after forking
    return proc


def stop(proc):
    proc.terminate()
    proc.wait(30)


def to_ms(text):
    value, unit = re.match(r"([\d.]+)(us|ms|s)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def run_wrk(url, path, seconds, connections, threads):
    env = dict(os.environ, BENCH_BODY=json.dumps(RIDE), BENCH_PATH=path)
    out = subprocess.run(["wrk", "-t%d" % threads, "-c%d" % connections, "-d%ds" % seconds, "--latency",
                          "-s", os.path.join(HERE, "post.lua"), url],
                         env=env, capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50 = to_ms(re.search(r"\s50%\s+(\S+)", out).group(1))
    p99 = to_ms(re.search(r"\s99%\s+(\S+)", out).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket_errors = re.search(r"Socket errors: (.*)", out)
    return {"rps": rps, "p50": p50, "p99": p99, "non2xx": int(errors.group(1)) if errors else 0,
            "socket_errors": socket_errors.group(1) if socket_errors else "none"}


def median(values):
    ordered = sorted(values)
    return ordered[len(ordered) // 2] if len(ordered) % 2 else \
        (ordered[len(ordered) // 2 - 1] + ordered[len(ordered) // 2]) / 2


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--ferry", default=os.path.join(ROOT, "build", "ferry"))
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--wrk-threads", type=int, default=1)
    parser.add_argument("--ferry-threads", type=int, default=0)
    parser.add_argument("--rounds", type=int, default=1)
    args = parser.parse_args()
    subprocess.run([os.path.join(ROOT, "scripts", "make-examples.sh"), "ride_duration"], check=True,
                   stdout=subprocess.DEVNULL)
    model = os.path.join(BUNDLE, "model.joblib")

    # Memory: each server with and without the model.
    empty = tempfile.mkdtemp(prefix="ferry-empty-repo-")
    port = free_port()
    proc = start_ferry(args.ferry, empty, port, with_model=False, threads=args.ferry_threads)
    ferry_base = rss_kib(proc.pid)
    stop(proc)
    os.rmdir(empty)
    port = free_port()
    proc = start_flask(port, "none")
    flask_base = rss_kib(proc.pid)
    stop(proc)

    ferry_port, flask_port = free_port(), free_port()
    ferry = start_ferry(args.ferry, BUNDLE, ferry_port, threads=args.ferry_threads)
    flask = start_flask(flask_port, model)
    rounds = []
    try:
        ferry_url = "http://127.0.0.1:%d" % ferry_port
        flask_url = "http://127.0.0.1:%d" % flask_port
        ferry_answer = post(ferry_url + "/v1/models/ride_duration/predict", RIDE)["predictions"][0]
        flask_answer = post(flask_url + "/predict", RIDE)
        same = ferry_answer["duration"] == flask_answer["duration"]
        ferry_loaded, flask_loaded = rss_kib(ferry.pid), rss_kib(flask.pid)
        for _ in range(args.rounds):
            rounds.append({
                "ferry": run_wrk(ferry_url, "/v1/models/ride_duration/predict", args.seconds,
                                 args.connections, args.wrk_threads),
                "flask": run_wrk(flask_url, "/predict", args.seconds, args.connections,
                                 args.wrk_threads),
            })
    finally:
        stop(ferry)
        stop(flask)

    print("## Serving: ride_duration, ferry serve vs Flask + gunicorn (2 workers)\n")
    print("wrk -t%d -c%d -d%ds, keep-alive, the same POST of one ride; ferry --threads %d "
          "(0 = one event loop per core); both on this machine (2 cores, shared with wrk; load "
          "average %.1f at the end of the run); %d round(s), the servers alternating. Same answer "
          "from both: %s (ferry %r, Flask %r).\n"
          % (args.wrk_threads, args.connections, args.seconds, args.ferry_threads,
             os.getloadavg()[0], args.rounds, same, ferry_answer["duration"],
             flask_answer["duration"]))
    print("| round | server | requests/s | p50 ms | p99 ms | non-2xx | socket errors |")
    print("|---|---|---:|---:|---:|---:|---|")
    for n, r in enumerate(rounds, 1):
        for name, key in (("ferry serve", "ferry"), ("Flask + gunicorn", "flask")):
            m = r[key]
            print("| %d | %s | %.0f | %.3f | %.3f | %d | %s |" % (
                n, name, m["rps"], m["p50"], m["p99"], m["non2xx"], m["socket_errors"]))
    f = {k: median([r["ferry"][k] for r in rounds]) for k in ("rps", "p50", "p99")}
    g = {k: median([r["flask"][k] for r in rounds]) for k in ("rps", "p50", "p99")}
    rps_ratios = [r["ferry"]["rps"] / r["flask"]["rps"] for r in rounds]
    p99_ratios = [r["flask"]["p99"] / r["ferry"]["p99"] for r in rounds]
    print("\n| ratio (ferry / Flask), median of the rounds | target | measured | per round |")
    print("|---|---|---:|---|")
    print("| requests/s | >= 200x | %.0fx | %s |" % (
        f["rps"] / g["rps"], ", ".join("%.0fx" % x for x in rps_ratios)))
    print("| p99 latency | <= 1/100 | 1/%.0f | %s |" % (
        g["p99"] / f["p99"], ", ".join("1/%.0f" % x for x in p99_ratios)))
    print("\n| memory (RSS) | without model | with model | the model costs |")
    print("|---|---:|---:|---:|")
    print("| ferry serve (1 process) | %.1f MiB | %.1f MiB | %.1f MiB |"
          % (ferry_base / 1024, ferry_loaded / 1024, (ferry_loaded - ferry_base) / 1024))
    print("| gunicorn master + 2 workers | %.1f MiB | %.1f MiB | %.1f MiB (one copy per worker) |"
          % (flask_base / 1024, flask_loaded / 1024, (flask_loaded - flask_base) / 1024))


if __name__ == "__main__":
    main()
