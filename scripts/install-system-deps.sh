#!/usr/bin/env bash
# Installs the Debian packages Loupe's tests and benchmarks use, when missing. Nothing installed by
# hand survives a new machine, so CI and developers both run this. Idempotent; needs root (or sudo).
set -euo pipefail
want=(chromium ffmpeg sox espeak-ng libebur128-dev libsndfile1-dev postgresql)
missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing Debian packages: ${missing[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
