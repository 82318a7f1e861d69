#!/usr/bin/env bash
# The tour `make demo` gives: validates the flight delay bundle, scores its sample requests
# (JSONL and CSV) and shows each request next to its decoded prediction, then the same flights
# in minutes, records ferry rejects, and one line each from the other two examples; it ends by
# serving the flight delay bundle with `ferry serve` at http://localhost:$DEMO_PORT (8080 by
# default) with the embedded async API (no Kafka or PostgreSQL), asks it once with the sync API
# and once with the async API (curl commands shown), and prints the URL of the web form
# (http://localhost:8080/models/flight_delays); Ctrl-C stops it.
# DEMO_SERVE=0 skips the serving step (for scripted runs).
# Expects `make examples` to have run (the Makefile's demo target does that first).
# The binary is $FERRY_BINARY when set, else $BUILD_DIR/ferry (BUILD_DIR defaults to build).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
FERRY="${FERRY_BINARY:-$ROOT/${BUILD_DIR:-build}/ferry}"
PYTHON=/usr/bin/python3
EXAMPLES="$ROOT/examples"
FLIGHTS="$EXAMPLES/flight_delays"

fail() { echo "demo: $*" >&2; exit 1; }
[ -x "$FERRY" ] || fail "no ferry binary at $FERRY; run 'make build' (or set FERRY_BINARY)"
[ -f "$FLIGHTS/bundle/model.joblib" ] || fail "the example models are missing; run 'make examples'"

if [ -t 1 ]; then BOLD=$'\033[1m' PLAIN=$'\033[0m'; else BOLD="" PLAIN=""; fi
say() { printf '\n%s== %s%s\n' "$BOLD" "$*" "$PLAIN"; }
show() { printf '$ %s\n' "${*#"$ROOT/"}"; "$@"; }

# side_by_side REQUESTS.jsonl PREDICTIONS.jsonl FIELD...: one line per request with the chosen
# request fields, then the prediction (and its probability when there is one).
side_by_side() {
  "$PYTHON" - "$@" <<'PY'
import json, sys
requests, predictions, fields = sys.argv[1], sys.argv[2], sys.argv[3:]
with open(requests) as r, open(predictions) as p:
    for request, answer in zip(r, p):
        request, answer = json.loads(request), json.loads(answer)
        asked = " ".join(f"{f}={request.get(f, '-')}" for f in fields)
        if "error" in answer:
            print(f"  {asked:<78} -> rejected: {answer['error']}")
            continue
        name, value = next(iter(answer.items()))
        extra = ""
        if isinstance(answer.get("probabilities"), dict):
            extra = f"  (p = {answer['probabilities'][value]:.2f})"
        elif isinstance(value, float):
            value = f"{value:.1f}"
        print(f"  {asked:<78} -> {name}: {value}{extra}")
PY
}

TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
FIELDS=(Carrier FlightNum Origin Dest FlightDate DepDelay)

say "Validate the flight delay bundle (ferry.yaml, model, lookup table, fit to the model)"
show "$FERRY" validate "$FLIGHTS/bundle"

say "Predict the arrival delay bucket of the sample flights (requests/sample.jsonl)"
show "$FERRY" predict "$FLIGHTS/bundle" --input "$FLIGHTS/requests/sample.jsonl" \
  --output "$TMP/classes.jsonl"
head -n 1 "$TMP/classes.jsonl"
echo "  ... decoded, next to each request:"
side_by_side "$FLIGHTS/requests/sample.jsonl" "$TMP/classes.jsonl" "${FIELDS[@]}"

say "The same flights as CSV give the same answers (requests/sample.csv)"
show "$FERRY" predict "$FLIGHTS/bundle" --input "$FLIGHTS/requests/sample.csv" \
  --output "$TMP/classes_csv.jsonl"
if cmp -s "$TMP/classes.jsonl" "$TMP/classes_csv.jsonl"; then
  echo "  identical output"
else
  fail "CSV and JSONL samples gave different predictions"
fi

say "Arrival delay in minutes (bundle-regression)"
show "$FERRY" predict "$FLIGHTS/bundle-regression" --input "$FLIGHTS/requests/sample.jsonl" \
  --output "$TMP/minutes.jsonl"
side_by_side "$FLIGHTS/requests/sample.jsonl" "$TMP/minutes.jsonl" "${FIELDS[@]}"

say "Records that break the input rules are answered with an error line (exit status 3)"
status=0
show "$FERRY" predict "$FLIGHTS/bundle" --input "$FLIGHTS/requests/invalid.jsonl" \
  --output "$TMP/invalid.jsonl" || status=$?
side_by_side "$FLIGHTS/requests/invalid.jsonl" "$TMP/invalid.jsonl" "${FIELDS[@]}"
echo "  exit status: $status"
[ "$status" -eq 3 ] || fail "expected exit status 3 for invalid records, got $status"

say "The other examples: taxi ride duration and game purchase propensity"
show "$FERRY" predict "$EXAMPLES/ride_duration/bundle" \
  --input "$EXAMPLES/ride_duration/requests/sample.jsonl" --output "$TMP/rides.jsonl"
side_by_side "$EXAMPLES/ride_duration/requests/sample.jsonl" "$TMP/rides.jsonl" \
  ride_id PULocationID DOLocationID trip_distance
show "$FERRY" predict "$EXAMPLES/game_propensity/bundle" \
  --input "$EXAMPLES/game_propensity/requests/sample.jsonl" --output "$TMP/players.jsonl"
"$PYTHON" - "$EXAMPLES/game_propensity/requests/sample.jsonl" "$TMP/players.jsonl" <<'PY'
import json, sys
with open(sys.argv[1]) as r, open(sys.argv[2]) as p:
    for request, answer in zip(r, p):
        request, answer = json.loads(request), json.loads(answer)
        owned = ",".join(g for g in (f"G{i}" for i in range(1, 11)) if request[g]) or "none"
        print(f"  user_id={request['user_id']:<8} owns {owned:<40} -> propensity "
              f"{answer['propensity']:.3f}")
PY

if [ "${DEMO_SERVE:-1}" = "0" ]; then
  say "Done. See examples/*/README.md for what each example is and how to run it."
  exit 0
fi

PORT="${DEMO_PORT:-8080}"
BASE="http://localhost:$PORT"
URL="$BASE/v1/models/flight_delays/predict"
# The async API's embedded queue and result store (SQLite) live in the build directory, so the
# results page keeps the demo's requests from one run to the next.
STATE="$ROOT/${BUILD_DIR:-build}/demo-state"
say "Serve the flight delay bundle over HTTP, with its web pages and the async API (docs/serve.md)"
printf '$ %s\n' "ferry serve --port $PORT --state-dir ${STATE#"$ROOT/"} examples/flight_delays/bundle"
"$FERRY" serve --port "$PORT" --state-dir "$STATE" "$FLIGHTS/bundle" &
SERVER=$!
trap 'kill -TERM "$SERVER" 2>/dev/null; wait "$SERVER" 2>/dev/null; rm -rf "$TMP"' EXIT
trap 'exit 0' INT TERM
for _ in $(seq 100); do
  curl -s -o /dev/null "$BASE/ping" && break
  kill -0 "$SERVER" 2>/dev/null || fail "ferry serve did not start (is port $PORT busy? set DEMO_PORT)"
  sleep 0.1
done
CURL=(curl -s -F DepDelay=5.0 -F Carrier=AA -F FlightDate=2016-12-23 -F Origin=ATL -F Dest=SFO
      -F FlightNum=1519 "$URL")
say "Ask it now (the sync API; a form post, as web forms and curl -F send it):"
echo "  ${CURL[*]}"
answer="$("${CURL[@]}")" || fail "the request to $URL failed"
echo "  $answer"
"$PYTHON" -c 'import json, sys; p = json.loads(sys.argv[1])["predictions"][0]; print("  -> delay_class:", p["delay_class"])' "$answer" ||
  fail "ferry serve did not answer with a decoded prediction"
echo
echo "  JSON works too:"
echo "  curl -s $URL -H 'Content-Type: application/json' \\"
echo "    -d '{\"DepDelay\": 5.0, \"Carrier\": \"AA\", \"FlightDate\": \"2016-12-23\", \"Origin\": \"ATL\", \"Dest\": \"SFO\"}'"

say "Or submit it as a request (the async API): an id at once, then poll until it is scored"
SUBMIT=(curl -s -F DepDelay=5.0 -F Carrier=AA -F FlightDate=2016-12-23 -F Origin=ATL -F Dest=SFO
        -F FlightNum=1519 "$BASE/v1/models/flight_delays/requests")
echo "  ${SUBMIT[*]}"
submitted="$("${SUBMIT[@]}")" || fail "the request to $BASE/v1/models/flight_delays/requests failed"
echo "  $submitted"
id="$("$PYTHON" -c 'import json, sys; print(json.loads(sys.argv[1])["id"])' "$submitted")" ||
  fail "the async API did not answer with an id"
echo "  curl -s $BASE/v1/requests/$id"
result=""
for _ in $(seq 100); do
  result="$(curl -s "$BASE/v1/requests/$id")"
  case "$result" in *'"status":"WAIT"'*) sleep 0.1 ;; *) break ;; esac
done
echo "  $result"
"$PYTHON" -c 'import json, sys; r = json.loads(sys.argv[1]); assert r["status"] == "OK", r; print("  -> delay_class:", r["prediction"]["delay_class"])' "$result" ||
  fail "the async API did not answer the request with a decoded prediction"
echo "  KServe V2: POST /v2/models/flight_delays/infer   MLflow: POST /invocations   metrics: GET /metrics"

say "Open the pages in a browser:"
echo "  $BASE/models/flight_delays          the form: Predict now, or Submit as request"
echo "  $BASE/models/flight_delays/batch    stored results of the requests, by date"
echo "  $BASE/                              every model, its versions and health"
say "ferry serve is running at $BASE; press Ctrl-C to stop it."
wait "$SERVER"
