#!/usr/bin/env bash
# Builds Circlebook's Debian package: the UI, then a release build of the app, bundled as a .deb by the Tauri CLI
# (the prebuilt CLI from npm, pinned in tools/tauri-cli). Needs no network once the dependencies are installed.
# Prints the path of the .deb on its last line. Set CIRCLEBOOK_SKIP_DEPS=1 to skip the install checks.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/deps.sh

if [ -z "${CIRCLEBOOK_SKIP_DEPS:-}" ]; then
  ensure_toolchains
  ensure_apt $BUILD_PACKAGES
  ensure_ui
fi
(
  cd tools/tauri-cli
  if [ ! -x node_modules/.bin/tauri ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    echo "==> installing the Tauri CLI (tools/tauri-cli)" >&2
    npm install --no-audit --no-fund --loglevel=error >&2
  fi
)

target="${CARGO_TARGET_DIR:-$PWD/target}"
export CARGO_TARGET_DIR="$target"
# Symbols are not needed on a facilitator's laptop; stripping halves the binary.
export CARGO_PROFILE_RELEASE_STRIP=symbols
rm -rf "$target/release/bundle/deb"
echo "==> release build and .deb (slow on a small machine: see docs/PERFORMANCE.md)" >&2
start=$(date +%s)
(cd src-tauri && ../tools/tauri-cli/node_modules/.bin/tauri build --bundles deb --ci >&2)
echo "==> built in $(( $(date +%s) - start )) s" >&2
deb=$(ls "$target"/release/bundle/deb/*.deb)
echo "==> $(du -k "$deb" | cut -f1) KiB .deb, $(du -k "$target/release/circlebook" | cut -f1) KiB binary" >&2
echo "$deb"
