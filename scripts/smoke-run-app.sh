#!/usr/bin/env bash
# Proves the README's first command: runs scripts/run-app.sh (set-up, build and launch) under Xvfb with a
# throw-away vault and home, and passes once an X window named "Circlebook" is on the screen with its first screen painted.
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

# The window as the X server shows it (not WebDriver's view of the page): a painted first screen has text, so
# hundreds of colours where it is anti-aliased; an unpainted window has one or two. This is the mode a person gets
# (no WebDriver; without a GPU, GTK's GL off: src-tauri/src/safety/window.rs), which the end-to-end suites do not
# photograph. Kept in tests/e2e/screenshots/ to look at.
painted() {
  local shots=tests/e2e/screenshots/run-app shot colours
  mkdir -p "$shots"
  shot="$shots/first-screen.png"
  for _ in $(seq 1 40); do
    import -window root "$shot" 2>/dev/null || true
    colours=$(identify -format '%k' "$shot" 2>/dev/null || echo 0)
    if [ "${colours:-0}" -gt 100 ]; then
      echo "run-app.sh: the window's first screen is painted ($colours colours; $shot)"
      return 0
    fi
    sleep 0.5
  done
  echo "run-app.sh: the window stayed unpainted for 20 s (${colours:-0} colours; $shot); its output:" >&2
  cat "$log" >&2
  return 1
}

# Building may take minutes on a cold machine; the window then appears within seconds.
for _ in $(seq 1 1800); do
  if xwininfo -root -tree 2>/dev/null | grep -q '"Circlebook"'; then
    echo "run-app.sh: the Circlebook window is on the screen"
    painted
    exit $?
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
