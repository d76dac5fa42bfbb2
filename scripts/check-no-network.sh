#!/usr/bin/env bash
# Invariant 2: no HTTP/network client crate in the dependency tree of the shipped binaries.
set -euo pipefail
cd "$(dirname "$0")/.."
banned='^(reqwest|hyper|hyper-util|ureq|isahc|curl|curl-sys|surf|attohttpc|h2|tokio-tungstenite|tungstenite|rustls|native-tls|openssl|openssl-sys) v'
status=0
for package in circlebook-app circlebook-cli circlebook-core; do
  tree=$(cargo tree -p "$package" -e normal,build --prefix none) || { echo "cargo tree failed for $package" >&2; exit 1; }
  found=$(echo "$tree" | sort -u | grep -E "$banned" || true)
  if [ -n "$found" ]; then
    echo "network-capable crates in $package:" >&2; echo "$found" >&2; status=1
  else
    echo "$package: no network client crates"
  fi
done
# Issue 8 (the shape of the core): the demo generator is for the CLI, tests and benches only; the desktop app
# and core's shipped code must not link it.
for package in circlebook-app circlebook-core; do
  if cargo tree -p "$package" -e normal,build --prefix none | grep -q '^circlebook-demo v'; then
    echo "$package depends on circlebook-demo (the demo generator must not ship)" >&2; status=1
  else
    echo "$package: no demo generator"
  fi
done
exit $status
