# Sourced by the scripts: installs what Circlebook needs, idempotently (nothing is done twice).
# Debian 12 with a Rust toolchain (cargo) is assumed; everything else comes from apt, npm and crates.io.

BUILD_PACKAGES="build-essential pkg-config libssl-dev libclang-dev libwebkit2gtk-4.1-dev"
TEST_PACKAGES="xvfb xauth x11-utils webkit2gtk-driver imagemagick age sqlite3 xclip dbus-daemon"

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

ensure_apt() {
  local missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "==> installing Debian packages: ${missing[*]}"
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
}

ensure_toolchains() {
  command -v cargo >/dev/null || { echo "cargo is missing: install Rust (rustup) first" >&2; exit 1; }
  command -v npm >/dev/null || ensure_apt nodejs npm
}

ensure_tauri_driver() {
  if ! command -v tauri-driver >/dev/null && [ ! -x "$HOME/.cargo/bin/tauri-driver" ]; then
    echo "==> installing tauri-driver"
    cargo install tauri-driver --version '^2' --locked --quiet
  fi
  export PATH="$HOME/.cargo/bin:$PATH"
}

ensure_ui() {
  (
    cd ui
    if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
      echo "==> installing the UI's npm packages (the versions in package-lock.json)"
      # `npm ci` is not used: npm 11 refuses this lock file over platform-specific optional packages of rollup
      # and esbuild that it does not record; `npm install` installs the locked versions all the same.
      npm install --no-audit --no-fund --loglevel=error
    fi
    # Built again only when a file it is built from is newer than the last build began (the stamp): the same build
    # otherwise, and a build running beside this (the test run's background release build) never sees the folder
    # emptied and written again under it. The translations compiled by the build itself (from messages/) are not
    # among its sources.
    local stamp=node_modules/.circlebook-ui-built
    if [ ! -f "$stamp" ] || [ ! -f dist/index.html ] || [ -n "$(find . -path ./node_modules -prune -o -path ./dist \
      -prune -o -path ./src/lib/i18n/paraglide -prune -o -newer "$stamp" -print -quit)" ]; then
      touch "$stamp.next"
      npm run --silent build
      mv "$stamp.next" "$stamp"
    fi
  )
}

# The end-to-end tests photograph screens in English and Spanish: WebKitGTK takes the language from the C locale.
ensure_locales() {
  if ! locale -a 2>/dev/null | grep -qx 'es_ES.utf8' || ! locale -a 2>/dev/null | grep -qx 'en_GB.utf8'; then
    ensure_apt locales
    echo "==> generating the en_GB and es_ES locales"
    for l in en_GB es_ES; do
      grep -q "^$l.UTF-8 UTF-8" /etc/locale.gen || echo "$l.UTF-8 UTF-8" | as_root tee -a /etc/locale.gen >/dev/null
    done
    as_root locale-gen >/dev/null
  fi
}
