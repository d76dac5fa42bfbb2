#!/usr/bin/env bash
# Builds the app and runs the end-to-end test: the real app under Xvfb, driven through tauri-driver.
# Idempotent: installs only what is missing.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=apt-install.sh
source "$root/scripts/apt-install.sh"

bash "$root/scripts/setup-app.sh"
apt_install xvfb xauth webkit2gtk-driver

export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
if ! command -v tauri-driver >/dev/null; then
  cargo install tauri-driver --version '^2' --locked
fi

cd "$root"
# Always the whole workspace, so that the test run below reuses this build instead of rebuilding the app.
cargo build --workspace
xvfb-run -a -s "-screen 0 1280x1024x24" cargo test -p circlebook-e2e -- --nocapture
