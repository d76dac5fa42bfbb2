#!/usr/bin/env bash
# Sets up (if needed), builds and runs the desktop app. The vault lives in CIRCLEBOOK_VAULT if set, else in
# the platform's data folder (~/.local/share/circlebook/vault).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
. scripts/deps.sh

ensure_toolchains
ensure_apt $BUILD_PACKAGES
ensure_ui
# Built with --workspace and run directly: `cargo run -p circlebook-app` would resolve features for the app
# alone and rebuild about 140 dependencies a second time, next to the workspace build the e2e test uses.
cargo build --workspace
exec "${CARGO_TARGET_DIR:-$root/target}/debug/circlebook" "$@"
