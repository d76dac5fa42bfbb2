#!/usr/bin/env bash
# Builds the .deb (scripts/package.sh), installs it with dpkg, starts /usr/bin/circlebook under Xvfb and sees the
# unlock screen, then uninstalls it and checks the vault is untouched (tests/e2e/tests/package.rs). Needs root.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/deps.sh
ensure_apt xvfb xauth webkit2gtk-driver
ensure_tauri_driver
# CIRCLEBOOK_DEB names a .deb already built (scripts/test.sh builds it beside the other tests).
deb=${CIRCLEBOOK_DEB:-$(scripts/package.sh | tail -n 1)}
echo "==> testing $deb"
CIRCLEBOOK_DEB="$deb" xvfb-run -a -s "-screen 0 1280x1024x24" \
  cargo test --workspace --test package -- --ignored --test-threads=1
