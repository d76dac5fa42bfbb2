#!/usr/bin/env bash
# Runs every Circlebook test on Debian 12, installing what it needs first. CI runs exactly this.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/deps.sh

ensure_toolchains
ensure_apt $BUILD_PACKAGES $TEST_PACKAGES
ensure_tauri_driver
ensure_locales
ensure_ui

echo "==> tidy: rustfmt"
cargo fmt --all --check

echo "==> invariant: no network client in the shipped binaries"
scripts/check-no-network.sh

echo "==> UI: type check (including the generated bindings) and unit tests"
(cd ui && npm run --silent check && npm test --silent)

echo "==> Rust: every crate, end to end under Xvfb"
cargo build --workspace --all-targets --quiet

echo "==> tidy: clippy, warnings are errors"
cargo clippy --workspace --all-targets --quiet -- -D warnings

echo "==> the README's run command: scripts/run-app.sh builds and opens the window (under Xvfb)"
scripts/smoke-run-app.sh

echo "==> every Rust test"
cargo test --workspace --exclude circlebook-e2e --quiet 2>&1

echo "==> the end-to-end suites under Xvfb, one WebDriver session at a time"
xvfb-run -a -s "-screen 0 1280x1024x24" cargo test --quiet -p circlebook-e2e -- --test-threads=1 2>&1

echo "==> fuzz targets, ${FUZZ_SECONDS:-20} s each"
scripts/fuzz.sh

echo "==> the .deb: release build, dpkg -i, /usr/bin/circlebook under Xvfb, dpkg -r leaves the vault"
scripts/test-package.sh
