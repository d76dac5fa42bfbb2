#!/bin/sh
# Rebuild a Circlebook vault's database with only the recovery key, age and sqlite3.
# Usage: recover.sh VAULT_DIR RECOVERY_KEY_FILE OUTPUT.db
set -eu
vault=$1 key=$2 out=$3
[ ! -e "$out" ] || { echo "$out exists; choose a new file name" >&2; exit 1; }
gen=$(ls "$vault/snapshots" | grep -E '^[0-9]{8}\.age$' | sort | tail -n 1 | cut -c1-8)
age -d -i "$key" -o "$out" "$vault/snapshots/$gen.age"
journal="$vault/journal/$gen.journal"
if [ -s "$journal" ]; then
  parts=$(mktemp -d)
  awk -v dir="$parts" '/^-----BEGIN AGE ENCRYPTED FILE-----$/ { n++ } n { print > sprintf("%s/%08d.age", dir, n) }' "$journal"
  for record in "$parts"/*.age; do
    if grep -q -- '^-----END AGE ENCRYPTED FILE-----$' "$record"; then
      age -d -i "$key" "$record" | sqlite3 -bail -safe "$out"
    else
      echo "skipping a torn last record (an interrupted write, never acknowledged)" >&2
    fi
  done
  rm -rf "$parts"
fi
sqlite3 "$out" 'PRAGMA integrity_check;'
