#!/usr/bin/env bash
# Only the end-to-end test (the real app under Xvfb, driven through tauri-driver); scripts/test.sh runs it too.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/deps.sh

ensure_toolchains
ensure_apt $BUILD_PACKAGES xvfb xauth webkit2gtk-driver xclip
ensure_tauri_driver
ensure_locales
ensure_ui
cargo build --workspace --quiet
# Every suite of tests/e2e/tests by name, with `--workspace` as everywhere (`-p circlebook-e2e` would resolve other
# features and rebuild much of the workspace); they take one WebDriver session at a time themselves.
suites=()
for suite in tests/e2e/tests/*.rs; do suites+=(--test "$(basename "$suite" .rs)"); done
xvfb-run -a -s "-screen 0 1280x1024x24" cargo test --workspace "${suites[@]}" -- --nocapture
