//! An unlocked vault: the in-memory database and the write path (journal records, snapshots, generations).

use std::collections::HashSet;
use std::fs::{self, File};
use std::io::{BufWriter, Write};
use std::sync::Arc;

use age::x25519;
use rusqlite::session::Session;
use rusqlite::{Connection, Transaction};
use secrecy::SecretString;
use serde::Serialize;

use super::errors::{EditError, PassphraseError, RestoreError, SaveError};
use super::journal::{self, Columns};
use super::layout::Layout;
use super::load::{self, Parts, Source};
use super::{durable, keys, Kdf, LockFailure, Vault, KEPT_GENERATIONS};
use crate::passphrase::check_passphrase;
use crate::schema;

/// A journal larger than this is folded into a new snapshot after the edit that crossed it.
pub const FOLD_AFTER_BYTES: u64 = 8 * 1024 * 1024;

/// One kept snapshot generation.
#[derive(Debug, Clone, Serialize)]
pub struct Generation {
    pub number: u64,
    pub bytes: u64,
    pub written_at: Option<chrono::DateTime<chrono::Utc>>,
    pub current: bool,
}

/// Figures about a vault, with no case content.
#[derive(Debug, Clone, Serialize)]
pub struct Stats {
    pub schema_version: u32,
    pub generation: u64,
    pub generations_kept: usize,
    pub snapshot_bytes: u64,
    pub journal_records: u64,
    pub journal_bytes: u64,
    pub unsaved_changes: bool,
    pub database_bytes: u64,
    pub tables: Vec<(String, u64)>,
}

/// What `verify` found.
#[derive(Debug, Clone, Serialize)]
pub struct VerifyReport {
    /// Each kept generation and whether it decrypts and passes `integrity_check`.
    pub generations: Vec<(u64, Result<(), String>)>,
    /// Journal records that decrypted and replayed.
    pub journal_records: u64,
    /// `PRAGMA integrity_check` of the live database.
    pub integrity: String,
}

impl VerifyReport {
    pub fn ok(&self) -> bool {
        self.integrity == "ok" && self.generations.iter().all(|(_, r)| r.is_ok())
    }
}

/// A vault whose database is in memory and whose identity is held (zeroized on drop).
pub struct UnlockedVault {
    vault: Vault,
    conn: Connection,
    identity: x25519::Identity,
    generation: u64,
    sequence: u64,
    journal: Option<File>,
    journal_len: u64,
    /// Sealed records committed in memory but not yet durable, in sequence order.
    pending: Vec<Vec<u8>>,
    /// A change could not be expressed as a record: the next save writes a snapshot instead.
    needs_snapshot: bool,
    columns: Columns,
    tables: Arc<HashSet<String>>,
    torn_tail: u64,
}

pub(super) fn write_snapshot(layout: &Layout, generation: u64, identity: &x25519::Identity, data: &[u8]) -> std::io::Result<()> {
    durable::replace_with(&layout.snapshot(generation), |file| {
        let mut writer = keys::encrypt_to(identity, BufWriter::with_capacity(1 << 20, &mut *file))?;
        writer.write_all(data)?;
        writer.finish()?.flush()
    })
}

impl std::fmt::Debug for UnlockedVault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UnlockedVault").field("dir", &self.dir()).field("generation", &self.generation).finish_non_exhaustive()
    }
}

impl UnlockedVault {
    pub(super) fn assemble(vault: Vault, identity: x25519::Identity, parts: Parts) -> Result<Self, (Vault, rusqlite::Error)> {
        let tables = match schema::journaled_tables(&parts.conn) {
            Ok(t) => t,
            Err(e) => return Err((vault, e)),
        };
        Ok(Self {
            vault,
            conn: parts.conn,
            identity,
            generation: parts.generation,
            sequence: parts.sequence,
            journal: None,
            journal_len: parts.journal_len,
            pending: Vec::new(),
            needs_snapshot: false,
            columns: Columns::default(),
            tables: Arc::new(tables.into_iter().collect()),
            torn_tail: 0,
        })
    }

    pub(super) fn into_locked(self) -> Vault {
        self.vault
    }

    pub(super) fn set_torn_tail(&mut self, bytes: u64) {
        self.torn_tail = bytes;
    }

    /// Bytes of a torn (never acknowledged) last journal record dropped at unlock; 0 when there was none.
    pub fn torn_tail_dropped(&self) -> u64 {
        self.torn_tail
    }

    /// The database, for reading. Every change goes through [`UnlockedVault::edit`].
    pub fn conn(&self) -> &Connection {
        &self.conn
    }

    /// The vault folder.
    pub fn dir(&self) -> &std::path::Path {
        self.vault.dir()
    }

    /// The current snapshot generation.
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// Whether some committed change is in memory only.
    pub fn has_unsaved_changes(&self) -> bool {
        !self.pending.is_empty() || self.needs_snapshot
    }

    /// Runs `f` in one transaction. On success the change is committed in memory and made durable as one
    /// journal record before this returns; if saving fails the change stays in memory and
    /// [`EditError::Unsaved`] says so ([`UnlockedVault::save`] retries). On `Err` nothing changes.
    pub fn edit<T, E: From<rusqlite::Error>>(
        &mut self,
        f: impl FnOnce(&Transaction<'_>) -> Result<T, E>,
    ) -> Result<T, EditError<E>> {
        let tables = Arc::clone(&self.tables);
        let (value, changeset) = {
            let mut session = Session::new(&self.conn).map_err(|e| EditError::Rejected(e.into()))?;
            session.table_filter(Some(move |t: &str| tables.contains(t)));
            session.attach::<&str>(None).map_err(|e| EditError::Rejected(e.into()))?;
            let tx = self.conn.unchecked_transaction().map_err(|e| EditError::Rejected(e.into()))?;
            let value = f(&tx).map_err(EditError::Rejected)?;
            tx.commit().map_err(|e| EditError::Rejected(e.into()))?;
            let changeset = if session.is_empty() { None } else { Some(session.changeset()) };
            (value, changeset)
        };
        let Some(changeset) = changeset else { return Ok(value) };
        let record = changeset.map_err(SaveError::from).and_then(|cs| {
            let sql = journal::changeset_sql(&self.conn, &mut self.columns, &cs, self.generation, self.sequence + 1)?;
            Ok(journal::seal(&self.identity, &sql)?)
        });
        match record {
            Ok(sealed) => {
                self.sequence += 1;
                self.pending.push(sealed);
            }
            Err(e) => {
                self.needs_snapshot = true;
                return Err(EditError::Unsaved(e));
            }
        }
        self.save().map_err(EditError::Unsaved)?;
        if self.journal_len > FOLD_AFTER_BYTES {
            // Best effort: the edit is already durable in the journal; a failed fold is retried next time.
            let _ = self.fold();
        }
        Ok(value)
    }

    /// Makes every change committed in memory durable.
    pub fn save(&mut self) -> Result<(), SaveError> {
        if self.needs_snapshot {
            return self.fold();
        }
        if self.pending.is_empty() {
            return Ok(());
        }
        let path = self.vault.layout.journal(self.generation);
        let created = self.journal.is_none() && !path.exists();
        if self.journal.is_none() {
            self.journal = Some(durable::options().append(true).create(true).open(&path)?);
        }
        let file = self.journal.as_mut().expect("opened above");
        let batch: Vec<u8> = self.pending.concat();
        let written = file.write_all(&batch).and_then(|()| file.sync_data());
        if let Err(e) = written {
            // Leave the journal exactly as it was: the records stay pending in memory.
            let _ = file.set_len(self.journal_len).and_then(|()| file.sync_data());
            if created {
                self.journal = None;
                let _ = fs::remove_file(&path);
            }
            return Err(e.into());
        }
        if created {
            durable::sync_dir(&self.vault.layout.journals())?;
        }
        self.journal_len += batch.len() as u64;
        self.pending.clear();
        Ok(())
    }

    /// Folds the database into a new snapshot generation, empties the journal and keeps the last
    /// [`KEPT_GENERATIONS`] snapshots. On failure nothing on disk changes.
    pub fn fold(&mut self) -> Result<(), SaveError> {
        let next = self.generation + 1;
        let layout = self.vault.layout.clone();
        {
            let data = self.conn.serialize(rusqlite::MAIN_DB)?;
            write_snapshot(&layout, next, &self.identity, &data)?;
        }
        self.generation = next;
        self.sequence = 0;
        self.journal = None;
        self.journal_len = 0;
        self.pending.clear();
        self.needs_snapshot = false;
        for old in layout.journal_generations().unwrap_or_default() {
            if old < next {
                let _ = fs::remove_file(layout.journal(old));
            }
        }
        let _ = durable::sync_dir(&layout.journals());
        self.prune(KEPT_GENERATIONS);
        Ok(())
    }

    fn prune(&self, keep: usize) {
        let layout = &self.vault.layout;
        let generations = layout.snapshot_generations().unwrap_or_default();
        if generations.len() > keep {
            for old in &generations[..generations.len() - keep] {
                let _ = fs::remove_file(layout.snapshot(*old));
            }
            let _ = durable::sync_dir(&layout.snapshots());
        }
    }

    /// Saves, folds the journal into a snapshot when there is one, and locks: the database is dropped and the
    /// identity zeroized. Fails (staying unlocked) only when unsaved changes cannot be written.
    pub fn lock(mut self) -> Result<Vault, LockFailure> {
        if self.has_unsaved_changes() {
            if let Err(error) = self.save() {
                return Err(LockFailure { vault: Box::new(self), error });
            }
        }
        if self.sequence > 0 {
            // The journal is durable; a failed fold only means the next unlock replays it.
            let _ = self.fold();
        }
        Ok(self.vault)
    }

    /// Re-wraps the identity with a new passphrase. The data is not re-encrypted.
    pub fn change_passphrase(&mut self, new_passphrase: &SecretString, kdf: Kdf) -> Result<(), PassphraseError> {
        check_passphrase(new_passphrase)?;
        let wrapped = keys::wrap_identity(&self.identity, new_passphrase, kdf.log_n)?;
        durable::replace(&self.vault.layout.identity(), &wrapped)?;
        Ok(())
    }

    /// The kept generations, oldest first.
    pub fn generations(&self) -> Vec<Generation> {
        let layout = &self.vault.layout;
        layout
            .snapshot_generations()
            .unwrap_or_default()
            .into_iter()
            .map(|number| {
                let meta = fs::metadata(layout.snapshot(number)).ok();
                Generation {
                    number,
                    bytes: meta.as_ref().map_or(0, |m| m.len()),
                    written_at: meta.and_then(|m| m.modified().ok()).map(chrono::DateTime::<chrono::Utc>::from),
                    current: number == self.generation,
                }
            })
            .collect()
    }

    /// Replaces the current state with a kept generation's. The current state is first saved as a generation
    /// of its own, so a restore can itself be undone.
    pub fn restore(&mut self, number: u64) -> Result<(), RestoreError> {
        if !self.generations().iter().any(|g| g.number == number) {
            return Err(RestoreError::NoSuchGeneration(number));
        }
        let parts = load::load_parts(&self.vault.layout, &self.identity, Source::Generation(number))?;
        if self.sequence > 0 || self.has_unsaved_changes() {
            self.fold()?;
        }
        let previous = std::mem::replace(&mut self.conn, parts.conn);
        if let Err(e) = self.fold() {
            self.conn = previous;
            return Err(e.into());
        }
        self.columns = Columns::default();
        self.tables = Arc::new(schema::journaled_tables(&self.conn).map_err(SaveError::from)?.into_iter().collect());
        Ok(())
    }

    /// Merges the full-text index into one segment, so that the next snapshot holds no deleted text: FTS5 keeps a
    /// deleted or changed record's words until its segments merge, and the pages the merge frees are zeroed
    /// (`secure_delete` is on). The records stay as they were, so nothing is journaled, and should the snapshot
    /// then fail, nothing the user wrote has changed. Every unlocked database has the index (migration 1 makes it).
    pub(crate) fn merge_search_index(&self) -> Result<(), rusqlite::Error> {
        self.conn.execute_batch("INSERT INTO search_index(search_index) VALUES('optimize')")
    }

    /// Folds and then deletes every other generation: one snapshot, no journal, and no deleted text in it (the
    /// search index is merged first). No `VACUUM`: it would need a second copy of the database in memory.
    pub fn compact(&mut self) -> Result<(), SaveError> {
        self.merge_search_index()?;
        self.fold()?;
        self.prune(1);
        Ok(())
    }

    /// Figures about the vault, with no case content.
    pub fn stats(&self) -> Result<Stats, rusqlite::Error> {
        let page_count: i64 = self.conn.query_row("PRAGMA page_count", [], |r| r.get(0))?;
        let page_size: i64 = self.conn.query_row("PRAGMA page_size", [], |r| r.get(0))?;
        let mut tables = Vec::new();
        for table in self.tables.iter() {
            let n: i64 = self.conn.query_row(&format!("SELECT count(*) FROM \"{}\"", table.replace('"', "\"\"")), [], |r| r.get(0))?;
            tables.push((table.clone(), n as u64));
        }
        tables.sort();
        let generations = self.generations();
        Ok(Stats {
            schema_version: schema::version(&self.conn)?,
            generation: self.generation,
            generations_kept: generations.len(),
            snapshot_bytes: generations.iter().find(|g| g.current).map_or(0, |g| g.bytes),
            journal_records: self.sequence,
            journal_bytes: self.journal_len,
            unsaved_changes: self.has_unsaved_changes(),
            database_bytes: (page_count * page_size) as u64,
            tables,
        })
    }

    /// Decrypts every kept generation and the journal, and runs `integrity_check` on each database.
    pub fn verify(&self) -> Result<VerifyReport, rusqlite::Error> {
        let layout = &self.vault.layout;
        let mut generations = Vec::new();
        for g in layout.snapshot_generations().unwrap_or_default() {
            let checked = load::read_snapshot(layout, &self.identity, g).map_err(|e| e.to_string()).and_then(|conn| {
                let r: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0)).map_err(|e| e.to_string())?;
                if r == "ok" { Ok(()) } else { Err(r) }
            });
            generations.push((g, checked));
        }
        let journal_records = match load::load_parts(layout, &self.identity, Source::Latest) {
            Ok(parts) => parts.sequence,
            Err(e) => {
                generations.push((self.generation, Err(format!("journal: {e}"))));
                0
            }
        };
        let integrity: String = self.conn.query_row("PRAGMA integrity_check", [], |r| r.get(0))?;
        Ok(VerifyReport { generations, journal_records, integrity })
    }
}
