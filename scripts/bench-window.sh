#!/usr/bin/env bash
# The window's figures (issue 9, "Performance"): a demo vault of BENCH_CASES cases (default 5,000) opened in the
# release build under Xvfb; cold start, unlock to a painted home, opening a case, search keystrokes, memory.
# Builds the .deb's release binary first (scripts/package.sh) unless CIRCLEBOOK_APP names a binary.
# Prints a Markdown table for docs/PERFORMANCE.md. Run on a quiet machine: the figures are wall-clock times.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/deps.sh
ensure_toolchains
ensure_apt $BUILD_PACKAGES xvfb xauth webkit2gtk-driver
ensure_tauri_driver
ensure_ui
target="${CARGO_TARGET_DIR:-$PWD/target}"
cargo build --workspace --quiet
if [ -z "${CIRCLEBOOK_APP:-}" ]; then
  CIRCLEBOOK_SKIP_DEPS=1 scripts/package.sh >/dev/null
  export CIRCLEBOOK_APP="$target/release/circlebook"
fi
export CIRCLEBOOK_CLI="${CIRCLEBOOK_CLI:-$target/debug/circlebook-cli}"
xvfb-run -a -s "-screen 0 1280x1024x24" \
  cargo test --quiet --workspace --test window_bench -- --ignored --nocapture --test-threads=1
