#!/usr/bin/env bash
# One-time set-up for a fresh Debian machine (idempotent): the Debian packages the lab and the tests use, then the
# npm dependencies from package-lock.json. Run as root (or with sudo available) for the Debian part.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v ffmpeg   >/dev/null 2>&1 || need+=(ffmpeg)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v xmllint  >/dev/null 2>&1 || need+=(libxml2-utils)
command -v openssl  >/dev/null 2>&1 || need+=(openssl)
if [ ${#need[@]} -gt 0 ]; then
  echo "setup: installing Debian packages: ${need[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: installing npm dependencies (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error
fi
