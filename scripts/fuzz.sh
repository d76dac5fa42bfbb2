#!/usr/bin/env bash
# Runs each fuzz target of circlebook-core for a bounded time (default 20 s each; FUZZ_SECONDS=N to change),
# installing cargo-fuzz if it is missing. libFuzzer without a sanitizer (`-s none`): the stable toolchain has
# no sanitizers, and core forbids unsafe code; the targets assert what must hold. Prints executions per target.
# Targets run FUZZ_JOBS at a time (default: one per core; each is one process, so each still has a core to itself).
# `--build-only` builds the targets and runs none (the test run builds them in the background beside the tests).
# Usage: scripts/fuzz.sh [--build-only] [TARGET...]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${FUZZ_SECONDS:-20}
export PATH="$HOME/.cargo/bin:$PATH"
command -v cargo-fuzz >/dev/null || { echo "==> installing cargo-fuzz"; cargo install cargo-fuzz --version '^0.13' --locked --quiet; }

build_only=
if [ "${1:-}" = --build-only ]; then
  build_only=1
  shift
fi
jobs=${FUZZ_JOBS:-$(nproc)}

cd crates/core
target_dir="${CARGO_TARGET_DIR:-$PWD/../../target}/fuzz"
targets=("$@")
[ ${#targets[@]} -gt 0 ] || mapfile -t targets < <(cargo fuzz list)
cargo fuzz build -s none -O --target-dir "$target_dir"
[ -z "$build_only" ] || exit 0

# Runs one target and prints its line; on a failure prints why and exits 1.
run_target() {
  local target=$1 work scratch log runs dict
  work=$(mktemp -d)
  # The targets' fixture vaults are statics, never dropped: TMPDIR puts them in a folder of their own (under
  # /dev/shm when it exists: their fsyncs are cheap there), removed after the target. Not inside the corpus folder,
  # which libFuzzer reads recursively.
  scratch=$(mktemp -d -p /dev/shm 2>/dev/null || mktemp -d)
  # The fixture vault's high-water mark stays in the throw-away folder, not in the user's state folder.
  export CIRCLEBOOK_STATE_DIR="$work/state"
  cp -r "fuzz/seeds/$target/." "$work/" 2>/dev/null || true
  dict=()
  [ -f "fuzz/$target.dict" ] && dict=("-dict=fuzz/$target.dict")
  log="$work/log"
  if ! TMPDIR="$scratch" cargo fuzz run -s none -O --target-dir "$target_dir" "$target" "$work" -- \
      -max_total_time="$seconds" -print_final_stats=1 "${dict[@]}" >"$log" 2>&1; then
    echo "fuzz target $target failed:" >&2
    grep -v -E '^\s+([0-9]+: |at )' "$log" | tail -40 >&2
    rm -rf "$work" "$scratch"
    exit 1
  fi
  runs=$(grep -oE 'stat::number_of_executed_units: *[0-9]+' "$log" | grep -oE '[0-9]+$')
  echo "fuzz $target: $runs executions in ${seconds} s, no failure"
  rm -rf "$work" "$scratch"
}

# FUZZ_JOBS targets at a time; the first failure ends the run with its message.
pids=()
for target in "${targets[@]}"; do
  run_target "$target" &
  pids+=($!)
  if [ ${#pids[@]} -ge "$jobs" ]; then
    wait "${pids[0]}" || { kill "${pids[@]:1}" 2>/dev/null; wait; exit 1; }
    pids=("${pids[@]:1}")
  fi
done
for pid in "${pids[@]}"; do
  wait "$pid" || { kill "${pids[@]}" 2>/dev/null; wait; exit 1; }
done
