#!/usr/bin/env bash
# Runs each fuzz target of circlebook-core for a bounded time (default 20 s each; FUZZ_SECONDS=N to change),
# installing cargo-fuzz if it is missing. libFuzzer without a sanitizer (`-s none`): the stable toolchain has
# no sanitizers, and core forbids unsafe code; the targets assert what must hold. Prints executions per target.
# Usage: scripts/fuzz.sh [TARGET...]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${FUZZ_SECONDS:-20}
export PATH="$HOME/.cargo/bin:$PATH"
command -v cargo-fuzz >/dev/null || { echo "==> installing cargo-fuzz"; cargo install cargo-fuzz --version '^0.13' --locked --quiet; }

cd crates/core
target_dir="${CARGO_TARGET_DIR:-$PWD/../../target}/fuzz"
targets=("$@")
[ ${#targets[@]} -gt 0 ] || mapfile -t targets < <(cargo fuzz list)
cargo fuzz build -s none -O --target-dir "$target_dir"
for target in "${targets[@]}"; do
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
done
