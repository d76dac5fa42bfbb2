//! What the vault is measured against: the real `age` CLI decrypting the same snapshot, and a plain on-disk
//! SQLite database (a copy of the vault's database: same schema, same data; WAL, `synchronous=FULL`) committing the
//! same change.

use std::path::Path;
use std::process::{Command, Stdio};

use circlebook_core::ErrorKind;
use rusqlite::Connection;

use crate::failure::Failure;

/// A plain SQLite database file holding the same demo cases as a benchmark vault.
#[derive(Debug)]
pub struct PlainSqlite {
    conn: Connection,
}

impl PlainSqlite {
    /// Writes the vault's database to `path` (`VACUUM INTO`: the same schema and records, ids included) and opens
    /// it as a plain on-disk database in WAL mode with `synchronous=FULL`. Synthetic data only.
    pub fn copy_of(vault: &Connection, path: &Path) -> Result<Self, Failure> {
        let target = path
            .to_str()
            .ok_or_else(|| Failure::new(ErrorKind::InvalidInput, "the benchmark folder's path is not UTF-8"))?;
        vault.execute("VACUUM INTO ?1", [target])?;
        let conn = Connection::open(path)?;
        let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
        if mode != "wal" {
            return Err(Failure::new(ErrorKind::Io, format_args!("plain SQLite: journal_mode is {mode}, not wal")));
        }
        conn.execute_batch("PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; PRAGMA wal_checkpoint(TRUNCATE);")?;
        Ok(Self { conn })
    }

    /// Replaces one note's body in its own durable transaction.
    pub fn update_note(&mut self, id: &str, body: &str) -> rusqlite::Result<()> {
        let tx = self.conn.transaction()?;
        tx.execute("UPDATE notes SET body = ?1 WHERE id = ?2", (body, id))?;
        tx.commit()
    }
}

/// Whether the `age` CLI can be run.
pub fn age_available() -> bool {
    Command::new("age").arg("--version").stdout(Stdio::null()).stderr(Stdio::null()).status().is_ok_and(|s| s.success())
}

/// `age -d -i KEY_FILE SNAPSHOT > /dev/null`.
pub fn age_decrypt(key_file: &Path, snapshot: &Path) -> std::io::Result<()> {
    let status = Command::new("age")
        .arg("-d")
        .arg("-i")
        .arg(key_file)
        .arg(snapshot)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .status()?;
    if status.success() {
        Ok(())
    } else {
        Err(std::io::Error::other(format!("age -d exited with {status}")))
    }
}
