//! An unlocked vault: the in-memory database and the write path (journal records, snapshots, generations).

use std::collections::HashSet;
use std::fs::{self, File};
use std::io::Write;
use std::sync::Arc;

use age::x25519;
use rusqlite::session::Session;
use rusqlite::{Connection, Transaction};
use secrecy::SecretString;

use super::errors::{EditError, PassphraseError, RestoreError, SaveError};
use super::journal::{self, Columns};
use super::load::{self, Parts, Source};
use super::notice::Notice;
use super::seal::{MacKey, Tag};
use super::snapshot;
use super::watermark::{Mark, Watermark};
use super::{durable, keys, Kdf, LockFailure, Vault, KEPT_GENERATIONS};
use crate::passphrase::check_passphrase;
use crate::schema;

/// A journal larger than this is folded into a new snapshot after the edit that crossed it.
pub const FOLD_AFTER_BYTES: u64 = 8 * 1024 * 1024;

/// A vault whose database is in memory and whose identity is held (zeroized on drop).
pub struct UnlockedVault {
    pub(super) vault: Vault,
    pub(super) conn: Connection,
    pub(super) identity: x25519::Identity,
    pub(super) generation: u64,
    pub(super) sequence: u64,
    pub(super) journal: Option<File>,
    pub(super) journal_len: u64,
    /// Sealed records committed in memory but not yet durable, in sequence order.
    pub(super) pending: Vec<Vec<u8>>,
    /// A change could not be expressed as a record: the next save writes a snapshot instead.
    pub(super) needs_snapshot: bool,
    pub(super) columns: Columns,
    pub(super) tables: Arc<HashSet<String>>,
    pub(super) notices: Vec<Notice>,
    pub(super) key: MacKey,
    pub(super) vault_id: String,
    /// The tag of the last record (or the snapshot's seal): the next record chains to it.
    pub(super) head: Tag,
    pub(super) watermark: Watermark,
}

impl std::fmt::Debug for UnlockedVault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UnlockedVault")
            .field("dir", &self.dir())
            .field("generation", &self.generation)
            .finish_non_exhaustive()
    }
}

impl UnlockedVault {
    pub(super) fn assemble(
        vault: Vault,
        identity: x25519::Identity,
        key: MacKey,
        watermark: Watermark,
        parts: Parts,
    ) -> Result<Self, (Vault, rusqlite::Error)> {
        let head = parts.head();
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
            notices: Vec::new(),
            key,
            vault_id: parts.vault_id,
            head,
            watermark,
        })
    }

    pub(super) fn into_locked(self) -> Vault {
        self.vault
    }

    pub(super) fn add_notices(&mut self, notices: impl IntoIterator<Item = Notice>) {
        self.notices.extend(notices);
    }

    /// Records the current state as this computer's high-water mark. Best effort: the vault's files are already
    /// durable; a mark that could not be written only means an older copy would be noticed later.
    pub(super) fn record_watermark(&self) {
        let mark = Mark {
            vault_id: self.vault_id.clone(),
            generation: self.generation,
            sequence: self.sequence,
            head: self.head,
        };
        let _ = self.watermark.write(&self.key, &mark);
    }

    /// Format 1 to 2: a new vault id inside the database, then a fold writes the first sealed snapshot.
    pub(super) fn upgrade_from_format_1(&mut self) -> Result<(), SaveError> {
        self.vault_id = super::seal::new_vault_id();
        self.fold()
    }

    /// What this unlock repaired or accepted and must be shown to the person (torn tails moved aside, ...).
    pub fn notices(&self) -> &[Notice] {
        &self.notices
    }

    /// Bytes of a torn (never acknowledged) last journal record moved aside at unlock; 0 when there was none.
    pub fn torn_tail_dropped(&self) -> u64 {
        self.notices
            .iter()
            .map(|n| match n {
                Notice::TornTail { bytes, .. } => *bytes,
                _ => 0,
            })
            .sum()
    }

    /// The vault's age identity, for what is derived from it (the bundle signing key, `crate::bundle::keys`).
    pub(crate) fn identity(&self) -> &x25519::Identity {
        &self.identity
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
            let body = journal::changeset_sql(&self.conn, &mut self.columns, &cs)?;
            let (text, tag) =
                journal::record_text(&self.key, &self.vault_id, self.generation, self.sequence + 1, &self.head, &body);
            Ok((journal::seal(&self.identity, &text)?, tag))
        });
        match record {
            Ok((sealed, tag)) => {
                self.sequence += 1;
                self.head = tag;
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
        let created = self.journal.is_none() && !durable::file_exists(&path)?;
        if self.journal.is_none() {
            self.journal = Some(durable::open(&path, durable::options().append(true).create(true))?);
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
        self.record_watermark();
        Ok(())
    }

    /// Folds the database into a new snapshot generation, empties the journal and keeps the last
    /// [`KEPT_GENERATIONS`] snapshots. On failure nothing on disk changes.
    pub fn fold(&mut self) -> Result<(), SaveError> {
        let next = self.generation + 1;
        let layout = self.vault.layout.clone();
        snapshot::set_meta(&self.conn, &self.vault_id, next)?;
        let seal = {
            let data = self.conn.serialize(rusqlite::MAIN_DB)?;
            snapshot::write(&layout, next, &self.identity, &self.key, &data)?
        };
        self.generation = next;
        self.head = seal;
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
        self.record_watermark();
        self.prune(KEPT_GENERATIONS);
        Ok(())
    }

    fn prune(&self, keep: usize) {
        let layout = &self.vault.layout;
        let generations = layout.snapshot_generations().unwrap_or_default();
        if generations.len() > keep {
            for old in &generations[..generations.len() - keep] {
                let _ = fs::remove_file(layout.snapshot(*old));
                let _ = fs::remove_file(layout.seal(*old));
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

    /// Replaces the current state with a kept generation's. The current state is first saved as a generation
    /// of its own, so a restore can itself be undone.
    pub fn restore(&mut self, number: u64) -> Result<(), RestoreError> {
        if !self.generations().iter().any(|g| g.number == number) {
            return Err(RestoreError::NoSuchGeneration(number));
        }
        let parts = load::load_parts(&self.vault.layout, &self.identity, &self.key, Source::Generation(number))?;
        if parts.vault_id != self.vault_id {
            return Err(RestoreError::Unreadable(super::errors::UnlockError::Damaged {
                file: snapshot::snapshot_name(number),
                detail: "it belongs to another vault".into(),
            }));
        }
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

    /// After a purge (issue 8 item 9): folds, then deletes every other generation and every file that may hold
    /// older text (torn tails moved aside, journals kept after a damaged snapshot), so that no snapshot or journal
    /// holds what was purged and `restore` cannot bring it back.
    pub(crate) fn fold_forgetting_history(&mut self) -> Result<(), SaveError> {
        self.fold()?;
        self.prune(1);
        let journals = self.vault.layout.journals();
        let mut removed = false;
        for entry in fs::read_dir(&journals)?.flatten() {
            let name = entry.file_name();
            let name = name.to_string_lossy();
            if name.contains(".torn-") || name.ends_with(".unreplayed") {
                removed |= fs::remove_file(entry.path()).is_ok();
            }
        }
        if removed {
            durable::sync_dir(&journals)?;
        }
        Ok(())
    }

    /// Rebuilds the database without free pages (`VACUUM`). SQLite vacuums through an attached temporary database,
    /// so the connection's attach limit (0 otherwise, see `replay::harden`) is 1 for just this statement.
    pub(crate) fn vacuum(&self) -> Result<(), rusqlite::Error> {
        use rusqlite::limits::Limit;
        self.conn.set_limit(Limit::SQLITE_LIMIT_ATTACHED, 1)?;
        let result = self.conn.execute_batch("VACUUM");
        self.conn.set_limit(Limit::SQLITE_LIMIT_ATTACHED, 0)?;
        result
    }

    /// Folds and then deletes every other generation: one snapshot, no journal, and no deleted text in it (the
    /// search index is merged first). No `VACUUM`: it would need a second copy of the database in memory.
    pub fn compact(&mut self) -> Result<(), SaveError> {
        self.merge_search_index()?;
        self.fold()?;
        self.prune(1);
        Ok(())
    }
}
