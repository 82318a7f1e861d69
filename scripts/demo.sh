#!/usr/bin/env bash
# The tour `make demo` gives: validates the flight delay bundle, scores its sample requests
# (JSONL and CSV) and shows each request next to its decoded prediction, then the same flights
# in minutes, records ferry rejects, and one line each from the other two examples.
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

say "Done. See examples/*/README.md for what each example is and how to run it."
