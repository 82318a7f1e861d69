#!/usr/bin/env bash
# Installs what building and testing ferry needs, from Debian 12 packages only.
# Safe to re-run: packages already present are skipped. Needs root (or sudo) when
# something is missing.
set -euo pipefail

PACKAGES=(
  build-essential cmake ninja-build pkg-config
  libabsl-dev libsimdjson-dev libyaml-cpp-dev libcli11-dev
  zlib1g-dev libzstd-dev liblz4-dev liblzma-dev libsnappy-dev libbz2-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  python3 python3-sklearn python3-xgboost python3-pandas python3-joblib
  python3-lz4
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "setup: installing ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
