#!/usr/bin/env bash
# Installs what the desktop app needs to build (only what is missing) and builds the UI into ui/dist.
# Idempotent: safe to run again.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=apt-install.sh
source "$root/scripts/apt-install.sh"

apt_install libwebkit2gtk-4.1-dev build-essential pkg-config libssl-dev

cd "$root/ui"
if [[ ! -f node_modules/.package-lock.json ]] || [[ package-lock.json -nt node_modules/.package-lock.json ]]; then
  npm ci --no-audit --no-fund
fi
npm run --silent build
