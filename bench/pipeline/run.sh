#!/usr/bin/env bash
# Pipeline cost per record next to the model's, for each example bundle.
# Usage: bench/pipeline/run.sh [build-dir] [records]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$root/build}
records=${2:-200000}
"$root/scripts/make-examples.sh" >/dev/null
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(date -u +%Y-%m-%d)"
for ex in flight_delays ride_duration game_propensity; do
  "$build/bench/pipeline/pipeline_bench" "$root/examples/$ex/bundle" \
    "$root/examples/$ex/requests/sample.jsonl" "$records"
done
