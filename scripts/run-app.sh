#!/usr/bin/env bash
# Sets up (if needed) and runs the desktop app. The vault lives in CIRCLEBOOK_VAULT if set, else the
# platform's data folder (~/.local/share/circlebook/vault).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$root/scripts/setup-app.sh"
cd "$root"
cargo build --workspace
exec cargo run -p circlebook-app "$@"
