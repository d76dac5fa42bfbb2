//! The journal: each committed transaction becomes one SQL script, age-encrypted (ASCII armor) and appended to
//! the generation's journal file. A script replays with `sqlite3`, so the journal is recoverable without us.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::io::Write as _;

use age::armor::{ArmoredReader, ArmoredWriter, Format};
use age::x25519;
use rusqlite::fallible_streaming_iterator::FallibleStreamingIterator;
use rusqlite::session::Changeset;
use rusqlite::types::ValueRef;
use rusqlite::Connection;
use zeroize::Zeroizing;

use super::keys::{self, OpenFailure};
use super::seal::{self, MacKey, Tag};

const BEGIN_MARKER: &str = "-----BEGIN AGE ENCRYPTED FILE-----";
const END_MARKER: &str = "-----END AGE ENCRYPTED FILE-----";

/// Column names of the tables the journal writes to, read from the schema once per unlock.
#[derive(Debug, Default)]
pub struct Columns(HashMap<String, Vec<String>>);

impl Columns {
    fn of(&mut self, conn: &Connection, table: &str) -> rusqlite::Result<&[String]> {
        if !self.0.contains_key(table) {
            let mut stmt = conn.prepare("SELECT name FROM pragma_table_info(?1) ORDER BY cid")?;
            let names = stmt.query_map([table], |r| r.get::<_, String>(0))?.collect::<Result<Vec<_>, _>>()?;
            self.0.insert(table.to_owned(), names);
        }
        Ok(&self.0[table])
    }
}

/// The first line of a format-1 record; binds it to its generation and place in the sequence.
pub fn header_line(generation: u64, sequence: u64) -> String {
    format!("-- circlebook journal generation {generation} sequence {sequence}")
}

/// A format-2 record's text and tag: the header line `-- circlebook journal generation G sequence S mac TAG`, then
/// the body, where TAG chains the record to its predecessor (see [`MacKey::record_tag`]).
pub fn record_text(
    key: &MacKey,
    vault_id: &str,
    generation: u64,
    sequence: u64,
    previous: &Tag,
    body: &str,
) -> (Zeroizing<String>, Tag) {
    let tag = key.record_tag(vault_id, generation, sequence, previous, body.as_bytes());
    let mut text = Zeroizing::new(String::with_capacity(body.len() + 128));
    let _ = writeln!(text, "{} mac {}", header_line(generation, sequence), seal::hex(&tag));
    text.push_str(body);
    (text, tag)
}

/// Turns a changeset into one SQL script (a record's body) that applies it in a single transaction.
pub fn changeset_sql(
    conn: &Connection,
    columns: &mut Columns,
    changeset: &Changeset,
) -> rusqlite::Result<Zeroizing<String>> {
    let mut sql = Zeroizing::new(String::with_capacity(256));
    sql.push_str("BEGIN;\nPRAGMA defer_foreign_keys=ON;\n");
    let mut items = changeset.iter()?;
    while let Some(item) = items.next()? {
        let op = item.op()?;
        let table = op.table_name().to_owned();
        let count = op.number_of_columns() as usize;
        let pk = item.pk()?.to_vec();
        let names = columns.of(conn, &table)?;
        if names.len() < count {
            return Err(rusqlite::Error::InvalidColumnName(format!("{table}: schema changed without a snapshot")));
        }
        let key_clause = |old: bool| -> rusqlite::Result<String> {
            let mut parts = Vec::new();
            for (i, is_pk) in pk.iter().enumerate().take(count) {
                if *is_pk != 0 {
                    let value = if old { item.old_value(i)? } else { item.new_value(i)? };
                    parts.push(format!("{}={}", ident(&names[i]), literal(value)));
                }
            }
            Ok(parts.join(" AND "))
        };
        match op.code() {
            rusqlite::hooks::Action::SQLITE_INSERT => {
                let cols: Vec<String> = names[..count].iter().map(|n| ident(n)).collect();
                let mut vals = Vec::with_capacity(count);
                for i in 0..count {
                    vals.push(literal(item.new_value(i)?));
                }
                let _ = writeln!(sql, "INSERT INTO {}({}) VALUES({});", ident(&table), cols.join(","), vals.join(","));
            }
            rusqlite::hooks::Action::SQLITE_DELETE => {
                let key = key_clause(true)?;
                let _ = writeln!(sql, "DELETE FROM {} WHERE {};", ident(&table), key);
            }
            rusqlite::hooks::Action::SQLITE_UPDATE => {
                let mut sets = Vec::new();
                for (i, name) in names.iter().enumerate().take(count) {
                    // Unchanged columns have no new value in a changeset.
                    if let Ok(v) = item.new_value(i) {
                        sets.push(format!("{}={}", ident(name), literal(v)));
                    }
                }
                if sets.is_empty() {
                    continue;
                }
                let key = key_clause(true)?;
                let _ = writeln!(sql, "UPDATE {} SET {} WHERE {};", ident(&table), sets.join(","), key);
            }
            _ => {}
        }
    }
    sql.push_str("COMMIT;\n");
    Ok(sql)
}

fn ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

fn hex(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(s, "{b:02X}");
    }
    s
}

/// An SQL literal that `sqlite3` reads back to the identical value.
fn literal(value: ValueRef<'_>) -> String {
    match value {
        ValueRef::Null => "NULL".into(),
        ValueRef::Integer(i) => i.to_string(),
        ValueRef::Real(f) if f.is_infinite() => if f > 0.0 { "9e999" } else { "-9e999" }.into(),
        ValueRef::Real(f) => format!("{f:?}"),
        ValueRef::Text(t) => match std::str::from_utf8(t) {
            Ok(s) if !s.contains('\0') => format!("'{}'", s.replace('\'', "''")),
            _ => format!("CAST(X'{}' AS TEXT)", hex(t)),
        },
        ValueRef::Blob(b) => format!("X'{}'", hex(b)),
    }
}

/// Encrypts one record (ASCII-armored age, so records can be told apart and split with text tools).
pub fn seal(identity: &x25519::Identity, sql: &str) -> std::io::Result<Vec<u8>> {
    let mut out = Vec::with_capacity(sql.len() * 4 / 3 + 512);
    let armor = ArmoredWriter::wrap_output(&mut out, Format::AsciiArmor)?;
    let mut writer = keys::encrypt_to(identity, armor)?;
    writer.write_all(sql.as_bytes())?;
    writer.finish()?.finish()?;
    Ok(out)
}

/// The journal of one generation, read back.
#[derive(Debug)]
pub struct Replay {
    /// The scripts in sequence order, starting at 1.
    pub scripts: Vec<Zeroizing<String>>,
    /// Byte length of the complete records; anything after is a torn tail.
    pub complete_len: usize,
    /// Format 2: the chain, `tags[0]` the snapshot's seal and `tags[s]` record s's tag.
    pub tags: Vec<Tag>,
}

/// Why a journal could not be read.
#[derive(Debug)]
pub enum ReadFailure {
    /// A complete record did not decrypt or is out of place.
    Damaged { record: u64, detail: String },
    /// The key does not open the records.
    WrongKey,
}

/// How records are authenticated.
#[derive(Debug)]
pub enum Check<'a> {
    /// Format 1: the header line only (no authentication).
    Format1,
    /// Format 2: each record's tag chains it to its predecessor, the first to the snapshot's seal.
    Format2 { key: &'a MacKey, vault_id: &'a str, seal: Tag },
}

/// Reads a journal file: complete records must all decrypt, authenticate and be in order; an incomplete last
/// record is torn.
pub fn read(
    identity: &x25519::Identity,
    check: &Check<'_>,
    generation: u64,
    bytes: &[u8],
) -> Result<Replay, ReadFailure> {
    let mut scripts = Vec::new();
    let mut tags = match check {
        Check::Format1 => Vec::new(),
        Check::Format2 { seal, .. } => vec![*seal],
    };
    let mut offset = 0;
    let end_marker = END_MARKER.as_bytes();
    while offset < bytes.len() {
        let rest = &bytes[offset..];
        let Some(end) = find(rest, end_marker) else { break };
        let mut record_end = end + end_marker.len();
        while record_end < rest.len() && (rest[record_end] == b'\n' || rest[record_end] == b'\r') {
            record_end += 1;
        }
        let record = &rest[..record_end];
        let sequence = scripts.len() as u64 + 1;
        let damaged = |detail: String| ReadFailure::Damaged { record: sequence, detail };
        if !record.starts_with(BEGIN_MARKER.as_bytes()) {
            return Err(damaged("it does not start with an age armor line".into()));
        }
        let plain = keys::decrypt_all(identity, ArmoredReader::new(record)).map_err(|e| match e {
            OpenFailure::WrongKey => ReadFailure::WrongKey,
            OpenFailure::Damaged(d) => damaged(d),
            OpenFailure::ExcessiveWork(_) => damaged("unexpected passphrase record".into()),
            OpenFailure::Io(e) => damaged(e.to_string()),
        })?;
        let text = String::from_utf8(plain.to_vec()).map_err(|_| damaged("it is not text".into()))?;
        let text = Zeroizing::new(text);
        let (first, body) = text.split_once('\n').unwrap_or((text.as_str(), ""));
        match check {
            Check::Format1 if first != header_line(generation, sequence) => {
                return Err(damaged("it belongs to another place in the journal".into()));
            }
            Check::Format1 => {}
            Check::Format2 { key, vault_id, .. } => {
                let previous = *tags.last().expect("starts with the seal");
                let claimed = first
                    .strip_prefix(&header_line(generation, sequence))
                    .and_then(|rest| rest.strip_prefix(" mac "))
                    .and_then(seal::parse_tag)
                    .ok_or_else(|| {
                        damaged("it belongs to another place in the journal, or was not written by Circlebook".into())
                    })?;
                let tag = key.record_tag(vault_id, generation, sequence, &previous, body.as_bytes());
                if !seal::same(&claimed, &tag) {
                    return Err(damaged(
                        "it fails authentication: it was not written with this vault's key, was altered, or does not follow the record before it".into(),
                    ));
                }
                tags.push(tag);
            }
        }
        scripts.push(text);
        offset += record_end;
    }
    let tail = &bytes[offset..];
    if !is_torn_tail(tail) {
        return Err(ReadFailure::Damaged {
            record: scripts.len() as u64 + 1,
            detail: "the bytes after the last whole record are not an interrupted record (damage, not a crash)".into(),
        });
    }
    Ok(Replay { scripts, complete_len: offset, tags })
}

/// Whether `tail` (the bytes after the last whole record) is what an interrupted append can leave: a prefix of an
/// armored record as [`seal`] writes it (the BEGIN line, 64-column base64 lines, a shorter last line, part of the
/// END line), possibly followed by zero bytes (a file system may extend a file before its data reaches the disk).
/// Anything else (a damaged END line, bytes that are not armor) is damage, never dropped silently.
pub fn is_torn_tail(tail: &[u8]) -> bool {
    let end = tail.iter().rposition(|b| *b != 0).map_or(0, |i| i + 1);
    let tail = &tail[..end];
    let begin = format!("{BEGIN_MARKER}\n");
    let begin = begin.as_bytes();
    if tail.len() <= begin.len() {
        return begin.starts_with(tail);
    }
    if !tail.starts_with(begin) {
        return false;
    }
    let base64 = |line: &[u8]| line.iter().all(|b| b.is_ascii_alphanumeric() || *b == b'+' || *b == b'/' || *b == b'=');
    let mut body_ended = false;
    let mut lines = tail[begin.len()..].split(|b| *b == b'\n').peekable();
    while let Some(line) = lines.next() {
        let last = lines.peek().is_none();
        if body_ended {
            // After the last (short) base64 line comes the END line, which would have made the record whole.
            return last && END_MARKER.as_bytes().starts_with(line) && line.len() < END_MARKER.len();
        }
        if last {
            return (line.len() <= 64 && base64(line))
                || (line.starts_with(b"-") && END_MARKER.as_bytes().starts_with(line));
        }
        if line.is_empty() || line.len() > 64 || !base64(line) {
            return false;
        }
        body_ended = line.len() < 64;
    }
    true
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Issue 8 item 1: only a prefix of a record is a torn tail.
    #[test]
    fn only_an_interrupted_record_is_a_torn_tail() {
        let identity = keys::generate();
        let record = seal(&identity, &"x".repeat(300)).expect("seal");
        let whole = record.len();
        for cut in 1..whole - 1 {
            assert!(is_torn_tail(&record[..cut]), "a prefix of {cut} bytes is a torn tail");
        }
        let mut zeros = record[..whole / 2].to_vec();
        zeros.extend_from_slice(&[0; 100]);
        assert!(is_torn_tail(&zeros));
        assert!(is_torn_tail(&[0; 10]));
        let end = std::str::from_utf8(&record).expect("armor").find(END_MARKER).expect("end");
        for damaged_at in [end, end + 5, end + 20, 3, 40] {
            let mut bad = record.to_vec();
            bad[damaged_at] ^= 0x20;
            assert!(!is_torn_tail(&bad), "a record damaged at {damaged_at} is not a torn tail");
        }
        assert!(!is_torn_tail(b"hello"));
        let mut appended = record[..whole / 2].to_vec();
        appended.extend_from_slice(b"!!");
        assert!(!is_torn_tail(&appended));
    }

    #[test]
    fn literals_round_trip_through_sqlite() {
        let conn = Connection::open_in_memory().expect("db");
        let cases: Vec<rusqlite::types::Value> = vec![
            rusqlite::types::Value::Null,
            rusqlite::types::Value::Integer(i64::MIN),
            rusqlite::types::Value::Real(0.1),
            rusqlite::types::Value::Real(-1.5e300),
            rusqlite::types::Value::Real(f64::INFINITY),
            rusqlite::types::Value::Text("it's \"quoted\"\n; DROP TABLE x; --".into()),
            rusqlite::types::Value::Text("nul\0inside".into()),
            rusqlite::types::Value::Blob(vec![0, 255, 10]),
        ];
        for value in cases {
            let lit = literal(ValueRef::from(&value));
            let back: rusqlite::types::Value =
                conn.query_row(&format!("SELECT {lit}"), [], |r| r.get(0)).expect("query");
            assert_eq!(back, value, "literal {lit}");
        }
    }
}
