#!/usr/bin/env bash
# Entry point of `make bench`: builds bench/ferry_bench in $BUILD_DIR (default build), then
# runs bench/engine_bench.py, which trains the models in a temp dir and prints ferry against
# scikit-learn / XGBoost side by side. Extra arguments go to engine_bench.py (e.g. --rows N).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BUILD_DIR="${BUILD_DIR:-build}"
case "$BUILD_DIR" in /*) ;; *) BUILD_DIR="$ROOT/$BUILD_DIR" ;; esac
JOBS="${JOBS:-2}"
if [ ! -f "$BUILD_DIR/build.ninja" ]; then
  cmake -S "$ROOT" -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release
fi
cmake --build "$BUILD_DIR" --target ferry_bench -j "$JOBS"
exec /usr/bin/python3 "$ROOT/bench/engine_bench.py" "$BUILD_DIR/bench/ferry_bench" "$@"
