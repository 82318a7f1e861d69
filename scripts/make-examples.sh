#!/usr/bin/env bash
# Prepares the example reference systems under examples/: generates each example's data
# (examples/<name>/data/) and trains its models into its bundle directories, with Debian's
# /usr/bin/python3 (scikit-learn 1.2.1). Deterministic and idempotent: a step runs only when
# one of its outputs is missing or older than one of its inputs (scripts and data).
# Usage: scripts/make-examples.sh [--force] [example...]   (default: every example)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PYTHON=/usr/bin/python3
FORCE=0
EXAMPLES=()
for arg in "$@"; do
  case "$arg" in
    --force) FORCE=1 ;;
    -h|--help) sed -n '2,6p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) EXAMPLES+=("$arg") ;;
  esac
done
if [ ${#EXAMPLES[@]} -eq 0 ]; then
  EXAMPLES=(flight_delays ride_duration game_propensity)
fi

fail() { echo "make-examples: $*" >&2; exit 1; }

[ -x "$PYTHON" ] || fail "$PYTHON not found; run scripts/setup.sh (Debian's python3 with scikit-learn)"
"$PYTHON" -c 'import sklearn, pandas, joblib' 2>/dev/null ||
  fail "$PYTHON lacks scikit-learn/pandas/joblib; run scripts/setup.sh"

# stale OUTPUT... -- INPUT...: true when an output is missing or older than an input.
stale() {
  local outputs=() out in
  while [ "$1" != "--" ]; do outputs+=("$1"); shift; done
  shift
  [ "$FORCE" -eq 1 ] && return 0
  for out in "${outputs[@]}"; do
    [ -e "$out" ] || return 0
    for in in "$@"; do
      [ "$in" -nt "$out" ] && return 0
    done
  done
  return 1
}

# step NAME DIR SCRIPT OUTPUTS... -- INPUTS...: runs DIR/SCRIPT when stale, timing it.
step() {
  local name="$1" dir="$2" script="$3"
  shift 3
  if stale "$@"; then
    echo "make-examples: $name: running $script"
    local start=$SECONDS
    (cd "$dir" && "$PYTHON" "$script") || fail "$name: $script failed (see the messages above)"
    echo "make-examples: $name: $script done in $((SECONDS - start))s"
  else
    echo "make-examples: $name: $script is up to date"
  fi
}

for name in "${EXAMPLES[@]}"; do
  dir="$ROOT/examples/$name"
  [ -d "$dir" ] || fail "no example named '$name' (look in $ROOT/examples/)"
  case "$name" in
    flight_delays)
      data="$dir/data/flights_2015.csv"
      step "$name" "$dir" generate_data.py "$data" -- "$dir/generate_data.py" "$dir/airports.py"
      step "$name" "$dir" train.py \
        "$dir/bundle/model.joblib" "$dir/bundle/data/origin_dest_distances.csv" \
        "$dir/bundle-regression/model.joblib" \
        "$dir/bundle-regression/data/origin_dest_distances.csv" \
        -- "$dir/train.py" "$data"
      ;;
    ride_duration)
      months=()
      for m in 01 02 03 04 05 06; do months+=("$dir/data/green_tripdata_2021-$m.csv"); done
      step "$name" "$dir" generate_data.py "${months[@]}" -- "$dir/generate_data.py"
      step "$name" "$dir" train.py "$dir/bundle/model.joblib" \
        -- "$dir/train.py" "${months[0]}" "${months[1]}"
      ;;
    game_propensity)
      data="$dir/data/games.csv"
      step "$name" "$dir" generate_data.py "$data" -- "$dir/generate_data.py"
      step "$name" "$dir" train.py "$dir/bundle/model.joblib" -- "$dir/train.py" "$data"
      ;;
    *) fail "don't know how to prepare example '$name'; add it to $0" ;;
  esac
done
echo "make-examples: ready: ${EXAMPLES[*]}"
