#!/usr/bin/env bash
# Runs every Circlebook test on Debian 12, installing what it needs first. CI runs exactly this.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/deps.sh

# Each step prints the minutes and seconds since the start, so that a slow step shows in CI's log.
step() { printf '==> [%dm%02ds] %s\n' $((SECONDS / 60)) $((SECONDS % 60)) "$*"; }

step "dependencies: Debian packages, tauri-driver, locales, the UI's npm packages and build"
ensure_toolchains
ensure_apt $BUILD_PACKAGES $TEST_PACKAGES
ensure_tauri_driver
ensure_locales
ensure_ui

step "tidy: rustfmt"
cargo fmt --all --check

step "invariant: no network client in the shipped binaries"
scripts/check-no-network.sh

step "UI: type check (including the generated bindings) and unit tests"
(cd ui && npm run --silent check && npm test --silent)

# One selection of packages for every cargo command below (`--workspace`, all targets), so that features are unified
# once and nothing is built twice: `--exclude circlebook-e2e` or `-p circlebook-e2e` each resolve other features
# (tokio's, syn's) and rebuilt most of the workspace, about 7 minutes of a clean run.
step "the README's run command: scripts/run-app.sh builds and opens the window (under Xvfb)"
scripts/smoke-run-app.sh
# The app and the CLI exactly as run-app.sh built them, for the end-to-end suites (which find the CLI beside the
# app): the test build below rebuilds both with the dev-dependencies' features (the core's fault-injection seam
# among them), which no shipped build has.
app_dir=$(mktemp -d)
trap 'rm -rf "$app_dir"' EXIT
cp "${CARGO_TARGET_DIR:-target}/debug/circlebook" "${CARGO_TARGET_DIR:-target}/debug/circlebook-cli" "$app_dir/"
export CIRCLEBOOK_APP="$app_dir/circlebook"

step "Rust: every crate and test target"
cargo build --workspace --all-targets --quiet

step "tidy: clippy, warnings are errors"
cargo clippy --workspace --all-targets --quiet -- -D warnings

# While the tests run, the .deb's release build and the fuzz targets' build run side by side in the background, each
# in its own process group, as idle work: SCHED_IDLE (the CPU only when nothing else wants it), nice 19 and the idle
# I/O class. The tests mostly wait on the window. Not earlier: beside the debug builds, idle work still slowed them
# about as much as it gained (the run command's build took 17 min 37 s instead of 9 min 19 s: docs/PERFORMANCE.md,
# "CI, session 15"). Stopped if the run ends early.
step "in the background, as idle work: the .deb's release build (scripts/package.sh) beside the fuzz targets' build"
background_dir=$(mktemp -d)
set -m
chrt --idle 0 nice -n 19 ionice -c 3 env CIRCLEBOOK_SKIP_DEPS=1 scripts/package.sh >"$background_dir/deb" \
  2>"$background_dir/log" &
deb_pid=$!
chrt --idle 0 nice -n 19 ionice -c 3 scripts/fuzz.sh --build-only >"$background_dir/fuzz" 2>&1 &
fuzz_pid=$!
set +m
trap 'kill -- -"$deb_pid" -"$fuzz_pid" 2>/dev/null || true; rm -rf "$background_dir" "$app_dir"' EXIT

# The end-to-end suites take one WebDriver session at a time themselves (a lock in tests/e2e/src/lib.rs), and cargo
# runs one test binary at a time, so the window's tests never share the machine with the crash loop or each other.
step "every Rust test, the end-to-end suites under Xvfb among them"
xvfb-run -a -s "-screen 0 1280x1024x24" cargo test --workspace --quiet 2>&1

step "waiting for the fuzz targets' build"
if ! wait "$fuzz_pid"; then
  echo "the fuzz targets' build failed:" >&2
  cat "$background_dir/fuzz" >&2
  exit 1
fi

# The release build ends in link-time optimisation of one unit, on one core: the fuzz targets run one at a time on
# the other meanwhile.
step "fuzz targets, ${FUZZ_SECONDS:-20} s each, one at a time beside the end of the release build"
FUZZ_JOBS=1 scripts/fuzz.sh

step "waiting for the release build"
if ! wait "$deb_pid"; then
  echo "the release build failed:" >&2
  cat "$background_dir/log" >&2
  exit 1
fi
grep '^==>' "$background_dir/log" || true

step "the .deb: dpkg -i, /usr/bin/circlebook under Xvfb, dpkg -r leaves the vault"
CIRCLEBOOK_DEB="$(tail -n 1 "$background_dir/deb")" scripts/test-package.sh

step "done"
