#!/usr/bin/env bash
# Runs every fuzz target built in BUILD_DIR for SECONDS each, starting from fuzz/corpus/<target>
# when it exists. Crashes are written to BUILD_DIR/fuzz-artifacts/ and fail the run.
set -euo pipefail
build=${1:-build-fuzz}
seconds=${2:-60}
root=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$build/fuzz-artifacts"
status=0
for bin in "$build"/fuzz/*_fuzz; do
  [ -x "$bin" ] || continue
  name=$(basename "$bin")
  corpus="$build/fuzz-corpus/$name"
  mkdir -p "$corpus"
  seeds=()
  [ -d "$root/fuzz/corpus/$name" ] && seeds+=("$root/fuzz/corpus/$name")
  echo "fuzz: $name for ${seconds}s"
  if ! "$bin" -max_total_time="$seconds" -max_len=65536 -rss_limit_mb=2048 \
      -artifact_prefix="$build/fuzz-artifacts/$name-" "$corpus" "${seeds[@]}" \
      > "$build/fuzz-artifacts/$name.log" 2>&1; then
    echo "fuzz: $name FAILED (see $build/fuzz-artifacts/$name.log)"
    status=1
  else
    tail -n 1 "$build/fuzz-artifacts/$name.log"
  fi
done
exit $status
