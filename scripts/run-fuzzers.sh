#!/usr/bin/env bash
# Runs every fuzz target built in BUILD_DIR/fuzz for SECONDS each (or only the targets named
# after SECONDS), starting from the seeds in fuzz/corpus/<target> when they exist. An input
# that crashes, leaks, trips a sanitizer or runs longer than 10 s is written to
# BUILD_DIR/fuzz-artifacts/ and fails the run.
#   scripts/run-fuzzers.sh build-fuzz 90                       # every target, 90 s each
#   scripts/run-fuzzers.sh build-fuzz 30 pickle_fuzz csv_fuzz  # two of them
set -euo pipefail
build=${1:-build-fuzz}
seconds=${2:-60}
shift $(( $# >= 2 ? 2 : $# ))
root=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$build/fuzz-artifacts"
bins=()
if [ $# -gt 0 ]; then
  for name in "$@"; do bins+=("$build/fuzz/$name"); done
else
  bins=("$build"/fuzz/*_fuzz)
fi
status=0
ran=0
for bin in "${bins[@]}"; do
  if [ ! -x "$bin" ]; then
    [ $# -gt 0 ] && { echo "fuzz: no target $bin (build it with: make fuzz)"; status=1; }
    continue
  fi
  name=$(basename "$bin")
  corpus="$build/fuzz-corpus/$name"
  mkdir -p "$corpus"
  seeds=()
  [ -d "$root/fuzz/corpus/$name" ] && seeds+=("$root/fuzz/corpus/$name")
  echo "fuzz: $name for ${seconds}s"
  ran=$((ran + 1))
  if ! "$bin" -max_total_time="$seconds" -timeout=10 -max_len=65536 -rss_limit_mb=2048 \
      -artifact_prefix="$build/fuzz-artifacts/$name-" "$corpus" "${seeds[@]}" \
      > "$build/fuzz-artifacts/$name.log" 2>&1; then
    echo "fuzz: $name FAILED (see $build/fuzz-artifacts/$name.log)"
    grep -m1 -E "ERROR: |runtime error|==ERROR" "$build/fuzz-artifacts/$name.log" || true
    status=1
  else
    tail -n 1 "$build/fuzz-artifacts/$name.log"
  fi
done
if [ "$ran" -eq 0 ]; then
  echo "fuzz: no fuzz targets in $build/fuzz (configure with -DFERRY_FUZZ=ON and clang: make fuzz)"
  status=1
fi
exit $status
