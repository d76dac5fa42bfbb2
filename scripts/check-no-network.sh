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
exit $status
