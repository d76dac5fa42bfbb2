//! Loading a vault into memory: the latest (or a chosen) snapshot, then its journal, then migrations.

use std::fs::{self, File, OpenOptions};
use std::io::BufReader;

use age::x25519;
use rusqlite::Connection;

use super::errors::UnlockError;
use super::journal::{self, ReadFailure};
use super::keys::{self, OpenFailure};
use super::layout::Layout;
use super::unlocked::UnlockedVault;
use super::{durable, UnlockFailure, Vault};
use crate::schema::{self, MigrationError};

/// Which state to load.
#[derive(Debug, Clone, Copy)]
pub enum Source {
    /// The newest snapshot and its journal.
    Latest,
    /// One kept generation's snapshot, without any journal.
    Generation(u64),
}

pub fn snapshot_name(generation: u64) -> String {
    format!("snapshots/{generation:08}.age")
}

fn journal_name(generation: u64) -> String {
    format!("journal/{generation:08}.journal")
}

/// Decrypts one snapshot into a fresh in-memory database.
pub fn read_snapshot(layout: &Layout, identity: &x25519::Identity, generation: u64) -> Result<Connection, UnlockError> {
    let file = File::open(layout.snapshot(generation))?;
    let (plain, len) = keys::decrypt_stream(identity, BufReader::with_capacity(1 << 20, file)).map_err(|e| match e {
        OpenFailure::WrongKey => UnlockError::Damaged {
            file: snapshot_name(generation),
            detail: "it was encrypted to another key".into(),
        },
        OpenFailure::Damaged(detail) => UnlockError::Damaged { file: snapshot_name(generation), detail },
        OpenFailure::ExcessiveWork(_) => UnlockError::Damaged {
            file: snapshot_name(generation),
            detail: "it is passphrase-encrypted, not a snapshot".into(),
        },
        OpenFailure::Io(e) => UnlockError::Io(e),
    })?;
    let damaged = |detail: String| UnlockError::Damaged { file: snapshot_name(generation), detail };
    let mut conn = Connection::open_in_memory().map_err(|e| damaged(e.to_string()))?;
    let len = usize::try_from(len).map_err(|_| damaged("it is too large for this computer".into()))?;
    // The plaintext is decrypted chunk by chunk straight into SQLite's own buffer: no copy of ours to wipe.
    conn.deserialize_read_exact(rusqlite::MAIN_DB, plain, len, false).map_err(|e| match e {
        // rusqlite reports a failed read (here: a chunk failing authentication) as "cannot open".
        rusqlite::Error::SqliteFailure(f, _) if f.code == rusqlite::ErrorCode::CannotOpen => {
            damaged("its content fails authentication (altered or truncated)".into())
        }
        other => damaged(format!("it does not hold a database: {other}")),
    })?;
    conn.execute_batch("PRAGMA temp_store = MEMORY; PRAGMA foreign_keys = ON; PRAGMA secure_delete = ON;")
        .map_err(|e| damaged(format!("it does not hold a database: {e}")))?;
    // Search ranks with it (model/search.rs).
    circlebook_fts_rank::register(&conn).map_err(|e| damaged(format!("search could not be set up: {e}")))?;
    let header_ok: Result<i64, _> = conn.query_row("SELECT count(*) FROM sqlite_schema", [], |r| r.get(0));
    header_ok.map_err(|e| damaged(format!("it does not hold a database: {e}")))?;
    Ok(conn)
}

/// Loads the vault. Nothing on disk changes unless loading succeeds.
pub fn load(vault: Vault, identity: x25519::Identity, source: Source) -> Result<UnlockedVault, UnlockFailure> {
    match load_parts(&vault.layout, &identity, source) {
        Ok(parts) => finish(vault, identity, parts),
        Err(error) => Err(UnlockFailure { vault, error }),
    }
}

pub struct Parts {
    pub conn: Connection,
    pub generation: u64,
    pub sequence: u64,
    pub journal_len: u64,
    pub torn_bytes: u64,
    pub migrated: bool,
}

pub fn load_parts(layout: &Layout, identity: &x25519::Identity, source: Source) -> Result<Parts, UnlockError> {
    let generations = layout.snapshot_generations()?;
    let latest = *generations
        .last()
        .ok_or_else(|| UnlockError::Damaged { file: "snapshots/".into(), detail: "there is no snapshot".into() })?;
    let generation = match source {
        Source::Latest => latest,
        Source::Generation(g) => g,
    };
    if let Some(stray) = layout.journal_generations()?.into_iter().find(|g| *g > latest) {
        return Err(UnlockError::Damaged {
            file: journal_name(stray),
            detail: "it belongs to a snapshot that does not exist".into(),
        });
    }
    let conn = read_snapshot(layout, identity, generation)?;
    let (mut sequence, mut journal_len, mut torn_bytes) = (0, 0, 0);
    if matches!(source, Source::Latest) {
        let path = layout.journal(generation);
        if path.exists() {
            let bytes = fs::read(&path)?;
            let replay = journal::read(identity, generation, &bytes).map_err(|e| match e {
                ReadFailure::WrongKey => UnlockError::Damaged {
                    file: journal_name(generation),
                    detail: "it was encrypted to another key".into(),
                },
                ReadFailure::Damaged { record, detail } => UnlockError::Damaged {
                    file: journal_name(generation),
                    detail: format!("record {record}: {detail}"),
                },
            })?;
            for (i, script) in replay.scripts.iter().enumerate() {
                conn.execute_batch(script).map_err(|e| {
                    let _ = conn.execute_batch("ROLLBACK");
                    UnlockError::Damaged {
                        file: journal_name(generation),
                        detail: format!("record {} does not apply: {e}", i + 1),
                    }
                })?;
            }
            sequence = replay.scripts.len() as u64;
            journal_len = replay.complete_len as u64;
            torn_bytes = replay.torn_bytes as u64;
        }
    }
    let migrated = match schema::migrate(&conn) {
        Ok(n) => n > 0,
        Err(MigrationError::Newer { found, supported }) => return Err(UnlockError::NewerFormat { found, supported }),
        Err(MigrationError::Foreign) => {
            return Err(UnlockError::Damaged {
                file: snapshot_name(generation),
                detail: "it holds a database that is not a Circlebook vault".into(),
            })
        }
        Err(MigrationError::Failed(e)) => return Err(UnlockError::MigrationFailed(e.to_string())),
    };
    Ok(Parts { conn, generation, sequence, journal_len, torn_bytes, migrated })
}

fn finish(vault: Vault, identity: x25519::Identity, parts: Parts) -> Result<UnlockedVault, UnlockFailure> {
    let layout = vault.layout.clone();
    let generation = parts.generation;
    let (torn, journal_len, migrated) = (parts.torn_bytes, parts.journal_len, parts.migrated);
    let mut unlocked = match UnlockedVault::assemble(vault, identity, parts) {
        Ok(u) => u,
        Err((vault, e)) => return Err(UnlockFailure { vault, error: UnlockError::Damaged { file: "database".into(), detail: e.to_string() } }),
    };
    if migrated {
        // The journal must never mix schemas: an upgrade is saved as a new snapshot before any edit.
        if let Err(e) = unlocked.fold() {
            return Err(UnlockFailure { vault: unlocked.into_locked(), error: UnlockError::Save(e) });
        }
    } else if torn > 0 {
        // Drop the torn, never-acknowledged tail so that the next record appends after the last whole one.
        let dropped = OpenOptions::new()
            .write(true)
            .open(layout.journal(generation))
            .and_then(|f| f.set_len(journal_len).and_then(|()| f.sync_all()));
        if let Err(e) = dropped {
            return Err(UnlockFailure { vault: unlocked.into_locked(), error: UnlockError::Io(e) });
        }
    }
    // Files that are never data: temp files of interrupted writes and journals already folded into a snapshot.
    for path in layout.leftover_temps().unwrap_or_default() {
        let _ = fs::remove_file(path);
    }
    let mut removed = false;
    for stale in layout.journal_generations().unwrap_or_default() {
        if stale < unlocked.generation() {
            removed |= fs::remove_file(layout.journal(stale)).is_ok();
        }
    }
    if removed {
        let _ = durable::sync_dir(&layout.journals());
    }
    unlocked.set_torn_tail(torn);
    Ok(unlocked)
}
