#!/usr/bin/env bash
# Proves the README's first command: runs scripts/run-app.sh (set-up, build and launch) under Xvfb with a
# throw-away vault and home, and passes once an X window named "Circlebook" is on the screen.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -z "${DISPLAY:-}" ]; then
  exec xvfb-run -a -s "-screen 0 1280x1024x24" "$0" "$@"
fi

home=$(mktemp -d)
log="$home/run-app.log"
cleanup() {
  [ -n "${app:-}" ] && kill -- "-$app" 2>/dev/null || true
  rm -rf "$home"
}
trap cleanup EXIT

# Its own process group, so that the app and anything it started are stopped together.
setsid env HOME="$home" CIRCLEBOOK_VAULT="$home/vault" XDG_DATA_HOME="$home/data" XDG_CONFIG_HOME="$home/config" \
  XDG_CACHE_HOME="$home/cache" XDG_STATE_HOME="$home/state" CARGO_HOME="${CARGO_HOME:-$HOME/.cargo}" \
  RUSTUP_HOME="${RUSTUP_HOME:-$HOME/.rustup}" bash scripts/run-app.sh >"$log" 2>&1 &
app=$!

# Building may take minutes on a cold machine; the window then appears within seconds.
for _ in $(seq 1 1800); do
  if xwininfo -root -tree 2>/dev/null | grep -q '"Circlebook"'; then
    echo "run-app.sh: the Circlebook window is on the screen"
    exit 0
  fi
  if ! kill -0 "$app" 2>/dev/null; then
    echo "run-app.sh exited before a window appeared; its output:" >&2
    cat "$log" >&2
    exit 1
  fi
  sleep 1
done
echo "run-app.sh: no Circlebook window within 30 minutes; its output:" >&2
cat "$log" >&2
exit 1
