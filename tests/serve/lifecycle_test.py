"""ferry serve end to end: hot reload under load with zero failed requests (a new version, then
a corrupt one, dropped into the repository while clients keep asking), graceful shutdown with
a request in flight, idle timeout, max connections, start-up failures, and the flight_delays
example answered as the README's curl does.

Run: FERRY_BINARY=build/ferry /usr/bin/python3 tests/serve/lifecycle_test.py
"""
import json
import os
import socket
import subprocess
import time
import unittest

import requests

import harness


class HotReload(unittest.TestCase):
    def test_new_then_corrupt_version_under_load_fails_no_request(self):
        repo = harness.temp_dir("reload-")
        os.makedirs(os.path.join(repo, "tiny"))
        harness.drop_version(repo, "tiny", "1")
        server = harness.Server(repo, "--poll-interval", "0.2", env={"FERRY_API_KEYS": "admin"})
        load = harness.LoadLoop(server.url + "/v1/models/tiny/predict")
        seen = load.seen
        try:
            self.assertTrue(harness.wait_until(lambda: len(seen) > 50))
            harness.drop_version(repo, "tiny", "2", flipped=True)
            self.assertTrue(harness.wait_until(lambda: seen and seen[-1][0] == "2", timeout=30),
                            server.log())
            harness.drop_corrupt_version(repo, "tiny", "3")
            self.assertTrue(harness.wait_until(lambda: "failed to load" in server.log(), timeout=30),
                            server.log())
            count = len(seen)
            self.assertTrue(harness.wait_until(lambda: len(seen) > count + 50))
        finally:
            load.stop()
        self.assertEqual(load.failures, [])
        versions = [v for v, _ in seen]
        self.assertEqual(versions[-1], "2")  # the corrupt version 3 never served
        self.assertNotIn("3", versions)
        # Each version answered with its own model: 1 says "yes", 2 (flipped) says "no".
        self.assertEqual({label for v, label in seen if v == "1"}, {"yes"})
        self.assertEqual({label for v, label in seen if v == "2"}, {"no"})
        index = requests.post(server.url + "/v2/repository/index",
                              headers={"Authorization": "Bearer admin"}).json()
        v3 = [row for row in index if row["version"] == "3"][0]
        self.assertEqual(v3["state"], "UNAVAILABLE")
        self.assertTrue(v3["reason"])
        metrics = requests.get(server.url + "/metrics").text
        self.assertIn('ferry_model_load_failures_total{model="tiny",version="3"} 1', metrics)
        self.assertEqual(server.stop(), 0)


class Shutdown(unittest.TestCase):
    def test_sigterm_finishes_the_request_in_flight_then_exits_zero(self):
        bundle = harness.copy_bundle(os.path.join(harness.temp_dir("b-"), "tiny"))
        server = harness.Server(bundle)
        body = b'{"x1": 1, "x2": 1}'
        busy = socket.create_connection(("127.0.0.1", server.port))
        idle = socket.create_connection(("127.0.0.1", server.port))
        head = ("POST /v1/models/tiny/predict HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                "Content-Length: %d\r\n\r\n" % len(body)).encode()
        busy.sendall(head + body[:5])  # the request is in flight: head sent, body not complete
        time.sleep(0.3)
        server.proc.send_signal(15)
        time.sleep(0.3)
        # New connections are refused once the drain started.
        with self.assertRaises(OSError):
            socket.create_connection(("127.0.0.1", server.port), timeout=2).recv(1)
        busy.sendall(body[5:])
        response = harness.read_until_closed(busy)
        self.assertTrue(response.startswith(b"HTTP/1.1 200"), response)
        self.assertIn(b"Connection: close", response)
        self.assertIn(b'"label":"yes"', response)
        idle.settimeout(5)
        self.assertEqual(idle.recv(1), b"")  # the idle connection was closed
        busy.close()
        idle.close()
        code = server.proc.wait(20)
        server.stop()
        self.assertEqual(code, 0)
        self.assertIn("stopped", server.log())


class Limits(unittest.TestCase):
    def test_idle_timeout_and_max_connections(self):
        bundle = harness.copy_bundle(os.path.join(harness.temp_dir("b-"), "tiny"))
        with harness.Server(bundle, "--idle-timeout", "0.5", "--max-connections", "2", "--threads", "1") as server:
            first = socket.create_connection(("127.0.0.1", server.port))
            second = socket.create_connection(("127.0.0.1", server.port))
            time.sleep(0.1)
            third = socket.create_connection(("127.0.0.1", server.port))
            third.settimeout(5)
            self.assertEqual(third.recv(1), b"")  # over the limit: closed at once
            first.settimeout(5)
            started = time.time()
            self.assertEqual(first.recv(1), b"")  # idle: closed after the idle timeout
            self.assertLess(time.time() - started, 4.5)
            for s in (first, second, third):
                s.close()
            self.assertTrue(harness.wait_until(
                lambda: requests.get(server.url + "/ping").status_code == 200))
            self.assertIn("ferry_http_connections_rejected_total 1",
                          requests.get(server.url + "/metrics").text)


    def test_read_timeout_drops_a_body_that_never_arrives(self):
        bundle = harness.copy_bundle(os.path.join(harness.temp_dir("b-"), "tiny"))
        with harness.Server(bundle, "--read-timeout", "0.5") as server:
            slow = socket.create_connection(("127.0.0.1", server.port))
            slow.sendall(b"POST /v1/models/tiny/predict HTTP/1.1\r\nHost: x\r\n"
                         b"Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{")
            slow.settimeout(5)
            started = time.time()
            self.assertEqual(slow.recv(1), b"")
            self.assertLess(time.time() - started, 4.5)
            slow.close()
            self.assertEqual(harness.post_json(server.url + "/v1/models/tiny/predict",
                                               {"x1": 1, "x2": 1}).status_code, 200)
            # Counted as the connection is dropped, which the client may see a moment earlier.
            abandoned = 'ferry_http_requests_total{route="abandoned",model="",version="",status="499"} 1'
            self.assertTrue(harness.wait_until(
                lambda: abandoned in requests.get(server.url + "/metrics").text, timeout=5))


class Startup(unittest.TestCase):
    def test_broken_bundle_is_refused_with_the_reason(self):
        bad = harness.temp_dir("bad-")
        with open(os.path.join(bad, "ferry.yaml"), "w") as f:
            f.write("name: bad\nmodel: missing.joblib\n")
        out = subprocess.run([harness.FERRY, "serve", "--port", "0", bad], capture_output=True,
                             text=True, timeout=30)
        self.assertEqual(out.returncode, 2)
        self.assertIn("missing.joblib", out.stderr)
        out = subprocess.run([harness.FERRY, "serve", "--port", "0", "/nonexistent/repo"],
                             capture_output=True, text=True, timeout=30)
        self.assertEqual(out.returncode, 2)
        self.assertIn("not a directory", out.stderr)


class FlightDelaysExample(unittest.TestCase):
    def test_curl_form_post_gets_a_decoded_label(self):
        subprocess.run([os.path.join(harness.SOURCE_DIR, "scripts", "make-examples.sh"), "flight_delays"],
                       check=True, capture_output=True)
        bundle = os.path.join(harness.SOURCE_DIR, "examples", "flight_delays", "bundle")
        with harness.Server(bundle) as server:
            self.assertIn("loaded flight_delays version 1", server.log())
            out = subprocess.run(["curl", "-s", "-F", "DepDelay=5.0", "-F", "Carrier=AA",
                                  "-F", "FlightDate=2016-12-23", "-F", "Origin=ATL", "-F", "Dest=SFO",
                                  server.url + "/v1/models/flight_delays/predict"],
                                 capture_output=True, text=True, check=True).stdout
            prediction = json.loads(out)["predictions"][0]
            self.assertIn(prediction["delay_class"], [
                "Early (15+ Minutes Early)", "Slightly Early (0-15 Minute Early)",
                "Slightly Late (0-30 Minute Delay)", "Very Late (30+ Minutes Late)"])
            with open(os.path.join(harness.SOURCE_DIR, "examples", "flight_delays", "requests",
                                   "sample.jsonl")) as f:
                records = [json.loads(line) for line in f if line.strip()]
            r = harness.post_json(server.url + "/v1/models/flight_delays/predict", {"instances": records})
            self.assertEqual(len(r.json()["predictions"]), len(records))
            self.assertTrue(all("delay_class" in p for p in r.json()["predictions"]))


if __name__ == "__main__":
    harness.main()
