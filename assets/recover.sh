#!/bin/sh
# Rebuild a Circlebook vault's database with only the recovery key, age and sqlite3 (vault format 2).
# Usage: recover.sh VAULT_DIR RECOVERY_KEY_FILE OUTPUT.db
# The snapshot's seal and every journal record's chained tag are checked (sqlite3's sha3) before anything is
# used; records replay with sqlite3 -bail -safe. Any failure stops with exit 1 and no OUTPUT.db.
set -eu
umask 077
fail() { echo "recover.sh: $*" >&2; exit 1; }
[ $# -eq 3 ] || fail "usage: recover.sh VAULT_DIR RECOVERY_KEY_FILE OUTPUT.db"
abs() { case $1 in /*) printf '%s' "$1" ;; *) printf '%s/%s' "$PWD" "$1" ;; esac; }
vault=$(abs "$1") key=$(abs "$2") out=$(abs "$3")
[ ! -e "$out" ] || fail "$out exists; choose a new file name"
plain() { [ -f "$1" ] && [ ! -L "$1" ] || fail "$1 is missing or not a plain file"; }
folder() { [ -d "$1" ] && [ ! -L "$1" ] || fail "$1 is missing or not a folder"; }
# Like Circlebook: no link, FIFO or other file where the vault keeps a file or folder is followed or read.
plain "$vault/circlebook-vault"
folder "$vault/snapshots"
folder "$vault/journal"
[ "$(head -n 1 "$vault/circlebook-vault")" = "circlebook vault" ] || fail "the marker file circlebook-vault is damaged"
format=$(sed -n 's/^format //p' "$vault/circlebook-vault")
if [ "$format" = 1 ] && [ "${ACCEPT_UNAUTHENTICATED:-}" != 1 ]; then
  fail "this is a format-1 vault: its files are not authenticated. Open it once with Circlebook (which upgrades it), or run again with ACCEPT_UNAUTHENTICATED=1 if you trust every file in it"
fi
[ "$format" = 1 ] || [ "$format" = 2 ] || fail "unknown vault format '$format'; use a newer recipe"
secret=$(grep -E '^AGE-SECRET-KEY-1[0-9A-Z]+$' "$key" | head -n 1) || true
[ -n "$secret" ] || fail "$key holds no recovery key (AGE-SECRET-KEY-1...)"
mackey=$(printf "SELECT lower(hex(sha3(CAST('circlebook mac key v2' || char(10) || '%s' AS BLOB), 256)));\n" "$secret" | sqlite3 :memory:)
gen=$(ls "$vault/snapshots" | grep -E '^[0-9]{8}\.age$' | sort | tail -n 1 | cut -c1-8) || true
[ -n "$gen" ] || fail "there is no snapshot in $vault/snapshots"
n=$((1$gen - 100000000))
newest_journal=$(ls "$vault/journal" | grep -E '^[0-9]{8}\.journal$' | sort | tail -n 1 | cut -c1-8) || true
[ -z "$newest_journal" ] || [ "$newest_journal" -le "$gen" ] ||
  fail "journal/$newest_journal.journal belongs to a snapshot that does not exist (the newest is $gen)"
work=$(mktemp -d)
ok=
trap 'rm -rf "$work"; [ -n "$ok" ] || rm -f "$out"' EXIT
trap 'exit 1' HUP INT TERM
cd "$work"
# SHA3-256(key || fields || content) in hex: $1 an SQL text (the fields), $2 an SQL blob (the content).
mac() { printf "SELECT lower(hex(sha3(X'%s' || CAST(%s AS BLOB) || %s, 256)));\n" "$mackey" "$1" "$2" | sqlite3 :memory:; }
nl="' || char(10) || '"
plain "$vault/snapshots/$gen.age"
cp "$vault/snapshots/$gen.age" snapshot.age
prev=
if [ "$format" = 2 ]; then
  plain "$vault/snapshots/$gen.seal"
  prev=$(cat "$vault/snapshots/$gen.seal")
  case $prev in
    "head "*)
      # Sealed over its length and head: the age header through its "--- " line, and the 16-byte nonce after it.
      prev=${prev#head }
      sealed=$(printf "WITH f(b) AS MATERIALIZED (SELECT readfile('snapshot.age')),
        m(b, p) AS (SELECT b, instr(substr(b, 1, 4194304), X'0a2d2d2d20') FROM f),
        h(b, e) AS (SELECT b, p + instr(substr(b, p + 1, 4194304), X'0a') + 16 FROM m WHERE p > 0 AND instr(substr(b, p + 1, 4194304), X'0a') > 0)
        SELECT lower(hex(sha3(X'%s' || CAST('circlebook snapshot head v1$nl$n$nl' || length(b) || '$nl' AS BLOB) || substr(b, 1, e), 256))) FROM h WHERE e <= length(b);\n" "$mackey" | sqlite3 :memory:) ;;
    *) sealed=$(mac "'circlebook snapshot v2$nl$n$nl'" "readfile('snapshot.age')") ;;
  esac
  [ "$sealed" = "$prev" ] ||
    fail "snapshots/$gen.age fails authentication (not written with this key, altered, or another generation's)"
fi
age -d -i "$key" -o "$out" snapshot.age || fail "snapshots/$gen.age does not decrypt"
vid=
if [ "$format" = 2 ]; then
  meta=$(sqlite3 -safe "$out" "SELECT vault_id || ' ' || generation FROM vault_meta;") || fail "the snapshot names no vault"
  [ "${meta#* }" = "$n" ] || fail "snapshots/$gen.age holds generation ${meta#* }"
  vid=${meta% *}
fi
journal="$vault/journal/$gen.journal"
if [ -e "$journal" ] || [ -L "$journal" ]; then
  plain "$journal"
  if [ -s "$journal" ] && [ "$(head -n 1 "$journal")" != "-----BEGIN AGE ENCRYPTED FILE-----" ]; then
    # Only the start of the BEGIN line (a crash during the first append) is a torn record; anything else is damage.
    [ "$(wc -l < "$journal")" -eq 0 ] && case "-----BEGIN AGE ENCRYPTED FILE-----" in "$(cat "$journal")"*) true ;; *) false ;; esac ||
      fail "journal/$gen.journal: record 1 is damaged"
    echo "recover.sh: skipping a torn last record (an interrupted write, never acknowledged)" >&2
    journal=/dev/null
  fi
  # One file per record; each closed before the next opens, so journals of any length split.
  awk '/^-----BEGIN AGE ENCRYPTED FILE-----$/ { if (f) close(f); f = sprintf("%08d.rec", ++n) } { print > f } END { if (f) close(f) }' "$journal"
  seq=0
  last=$(ls | grep -E '^[0-9]{8}\.rec$' | tail -n 1) || true
  for record in $(ls | grep -E '^[0-9]{8}\.rec$'); do
    seq=$((seq + 1))
    if ! grep -q -- '^-----END AGE ENCRYPTED FILE-----$' "$record"; then
      [ "$record" = "$last" ] || fail "journal/$gen.journal: record $seq is damaged"
      # A torn tail is only the start of a record: armor lines, maybe the start of the END line.
      sed '1d;$d' "$record" | grep -q -v -E '^[A-Za-z0-9+/=]{1,64}$' && torn=no || torn=yes
      lastline=$(sed '1d' "$record" | tail -n 1)
      case $lastline in
        *[!A-Za-z0-9+/=]*) case "-----END AGE ENCRYPTED FILE-----" in "$lastline"*) ;; *) torn=no ;; esac ;;
      esac
      [ "$torn" = yes ] || fail "journal/$gen.journal: record $seq is damaged (its bytes are not an interrupted record)"
      echo "recover.sh: skipping a torn last record (an interrupted write, never acknowledged)" >&2
      break
    fi
    header="-- circlebook journal generation $n sequence $seq"
    fields="'circlebook record v2$nl$vid$nl$n$nl$seq$nl$prev$nl'"
    rm -f mac.txt failed
    # Every stage's failure is noted in a file (POSIX sh has no pipefail); the body reaches sqlite3 -safe only
    # once its tag is right.
    { age -d -i "$key" "$record" || : > failed; } | { od -An -v -tx1 || : > failed; } | tr -d ' \n' | {
      printf ".bail on\nCREATE TABLE r AS SELECT X'"
      cat
      printf "' AS b;\nCREATE TABLE h AS SELECT instr(b, X'0A') AS p, b FROM r;\n"
      if [ "$format" = 2 ]; then
        printf "CREATE TABLE c AS SELECT substr(b, 1, p - 1) AS head, substr(b, p + 1) AS body, p, lower(hex(sha3(X'%s' || CAST(%s AS BLOB) || substr(b, p + 1), 256))) AS mac FROM h;\n" "$mackey" "$fields"
        printf ".output check.txt\nSELECT CASE WHEN p > 0 AND head = CAST('%s mac ' || mac AS BLOB) THEN 1 ELSE json('not authentic') END FROM c;\n" "$header"
      else
        printf "CREATE TABLE c AS SELECT substr(b, 1, p - 1) AS head, substr(b, p + 1) AS body, p, '' AS mac FROM h;\n"
        printf ".output check.txt\nSELECT CASE WHEN p > 0 AND head = CAST('%s' AS BLOB) THEN 1 ELSE json('not authentic') END FROM c;\n" "$header"
      fi
      printf ".output mac.txt\nSELECT mac FROM c;\n.output stdout\nSELECT CAST(body AS TEXT) FROM c;\n"
    } | sqlite3 :memory: | sqlite3 -bail -safe "$out" || fail "journal/$gen.journal: record $seq does not apply"
    [ ! -e failed ] || fail "journal/$gen.journal: record $seq does not decrypt"
    [ -e mac.txt ] || fail "journal/$gen.journal: record $seq fails authentication (not written with this key, altered, or out of place)"
    prev=$(cat mac.txt)
  done
fi
[ "$(sqlite3 "$out" 'PRAGMA integrity_check;')" = ok ] || fail "the rebuilt database fails its integrity check"
ok=1
echo ok
