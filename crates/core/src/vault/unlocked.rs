//! An unlocked vault: the in-memory database and the write path (journal records, snapshots, generations).

use std::collections::HashSet;
use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;

use age::x25519;
use rusqlite::session::Session;
use rusqlite::{Connection, Transaction};
use secrecy::SecretString;

use super::durable::{File, ReplaceError};
use super::errors::{EditError, PassphraseError, RestoreError, RotateError, SaveError};
use super::journal::{self, Columns};
use super::load::{self, Parts, Source};
use super::notice::Notice;
use super::rotation;
use super::seal::{MacKey, Tag};
use super::snapshot::{self, WriteFailure};
use super::watermark::{Mark, Watermark};
use super::{disk, durable, keys, Kdf, LockFailure, RecoveryKey, Vault, KEPT_GENERATIONS};
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
    /// Folders whose fsync failed after a write into them reached the file system (a new journal, a snapshot's
    /// rename): what an unlock finds now, but not yet sure to survive a power cut. The next save fsyncs them.
    pub(super) unconfirmed_dirs: Vec<PathBuf>,
    /// Set when a failed write could not be undone (the journal could not be cut back to its last record): the
    /// files no longer match what this vault would append after, so it refuses every write until reopened.
    pub(super) broken: Option<String>,
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
    ) -> Result<Self, (Vault, Box<rusqlite::Error>)> {
        let head = parts.head();
        let tables = match schema::journaled_tables(&parts.conn) {
            Ok(t) => t,
            Err(e) => return Err((vault, Box::new(e))),
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
            unconfirmed_dirs: Vec::new(),
            broken: None,
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
        !self.pending.is_empty() || self.needs_snapshot || !self.unconfirmed_dirs.is_empty()
    }

    /// Refuses to write after a failure that could not be undone (see [`SaveError::Reopen`]).
    fn writable(&self) -> Result<(), SaveError> {
        match &self.broken {
            Some(why) => Err(SaveError::Reopen(why.clone())),
            None => Ok(()),
        }
    }

    /// Fsyncs the folders whose fsync failed earlier; the state they hold is then durable.
    fn confirm_dirs(&mut self) -> Result<(), SaveError> {
        if self.unconfirmed_dirs.is_empty() {
            return Ok(());
        }
        while let Some(dir) = self.unconfirmed_dirs.last() {
            durable::sync_dir(dir).map_err(SaveError::Unconfirmed)?;
            self.unconfirmed_dirs.pop();
        }
        self.record_watermark();
        Ok(())
    }

    /// Runs `f` in one transaction. On success the change is committed in memory and made durable as one
    /// journal record before this returns; if saving fails the change stays in memory and
    /// [`EditError::Unsaved`] says so ([`UnlockedVault::save`] retries). On `Err` nothing changes.
    ///
    /// Every change to a case record takes a dot for merging bundles (`crate::bundle::sync::stamp`), from the
    /// transaction's own changeset, in the same transaction and journal record.
    pub fn edit<T, E: From<rusqlite::Error>>(
        &mut self,
        f: impl FnOnce(&Transaction<'_>) -> Result<T, E>,
    ) -> Result<T, EditError<E>> {
        self.edit_stamped(true, f)
    }

    /// [`UnlockedVault::edit`] without new dots: a merge writes the metadata it brings from both sides.
    pub(crate) fn edit_unstamped<T, E: From<rusqlite::Error>>(
        &mut self,
        f: impl FnOnce(&Transaction<'_>) -> Result<T, E>,
    ) -> Result<T, EditError<E>> {
        self.edit_stamped(false, f)
    }

    fn edit_stamped<T, E: From<rusqlite::Error>>(
        &mut self,
        stamped: bool,
        f: impl FnOnce(&Transaction<'_>) -> Result<T, E>,
    ) -> Result<T, EditError<E>> {
        self.writable().map_err(EditError::Unsaved)?;
        let tables = Arc::clone(&self.tables);
        let (value, changeset) = {
            let mut session = Session::new(&self.conn).map_err(|e| EditError::Rejected(e.into()))?;
            session.table_filter(Some(move |t: &str| tables.contains(t)));
            session.attach::<&str>(None).map_err(|e| EditError::Rejected(e.into()))?;
            let tx = self.conn.unchecked_transaction().map_err(|e| EditError::Rejected(e.into()))?;
            crate::bundle::sync::clear_touched();
            let value = f(&tx).map_err(EditError::Rejected)?;
            if stamped {
                let so_far = session.changeset().map_err(|e| EditError::Rejected(e.into()))?;
                let identity = &self.identity;
                let key = || crate::bundle::SigningIdentity::derive(identity).public().to_text();
                crate::bundle::sync::stamp(&tx, &so_far, key).map_err(|e| EditError::Rejected(e.into()))?;
            }
            crate::bundle::sync::clear_touched();
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
    ///
    /// The commit point of a journal append is the journal's `fdatasync`: before it, a failure cuts the journal
    /// back to its last record (or removes the journal it created) and the records stay pending; after it, the
    /// records are in the file and are never appended again, even when the fsync of a new journal's folder then
    /// fails ([`SaveError::Unconfirmed`]; the next save retries that fsync).
    pub fn save(&mut self) -> Result<(), SaveError> {
        self.writable()?;
        self.confirm_dirs()?;
        if self.needs_snapshot {
            return self.fold();
        }
        if self.pending.is_empty() {
            return Ok(());
        }
        let path = self.vault.layout.journal(self.generation);
        let created = self.journal.is_none() && !durable::file_exists(&path)?;
        if self.journal.is_none() {
            match durable::open(&path, durable::options().append(true).create(true)) {
                Ok(file) => self.journal = Some(file),
                Err(e) => {
                    if created {
                        // `open` may have created the file before refusing it: leave the folder as it was.
                        let _ = disk::remove_file(&path);
                    }
                    return Err(e.into());
                }
            }
        }
        let file = self.journal.as_mut().expect("opened above");
        let batch: Vec<u8> = self.pending.concat();
        let written = file.write_all(&batch).and_then(|()| file.sync_data());
        if let Err(e) = written {
            // Leave the journal exactly as it was: the records stay pending in memory.
            let undone = if created {
                self.journal = None;
                disk::remove_file(&path)
            } else {
                file.set_len(self.journal_len).and_then(|()| file.sync_data())
            };
            if let Err(undo) = undone {
                // The journal may now end in part of a record: appending after it would make the journal
                // unreadable. The next unlock moves such a torn tail aside; until then, nothing more is written.
                self.broken = Some(format!(
                    "writing to {} failed ({e}) and the partial record could not be removed ({undo})",
                    path.display()
                ));
            }
            return Err(e.into());
        }
        // The records are in the journal: from here on they are never appended again.
        self.journal_len += batch.len() as u64;
        self.pending.clear();
        if created {
            let journals = self.vault.layout.journals();
            if let Err(e) = durable::sync_dir(&journals) {
                self.unconfirmed_dirs.push(journals);
                return Err(SaveError::Unconfirmed(e));
            }
        }
        self.record_watermark();
        Ok(())
    }

    /// Folds the database into a new snapshot generation, empties the journal and keeps the last
    /// [`KEPT_GENERATIONS`] snapshots. The commit point is the new snapshot's rename: a failure before it leaves
    /// the files on disk as they were; from it on, the new generation is the current one in memory too (an unlock
    /// would load it), even when the folder's fsync then fails ([`SaveError::Unconfirmed`]).
    pub fn fold(&mut self) -> Result<(), SaveError> {
        self.writable()?;
        let next = self.generation + 1;
        let layout = self.vault.layout.clone();
        snapshot::set_meta(&self.conn, &self.vault_id, next)?;
        let written = {
            let data = self.conn.serialize(rusqlite::MAIN_DB)?;
            snapshot::write(&layout, next, &self.identity, &self.key, &data)
        };
        let (seal, unconfirmed) = match written {
            Ok(seal) => (seal, None),
            Err(WriteFailure::Before(e)) => return Err(e.into()),
            Err(WriteFailure::After(seal, e)) => (seal, Some(e)),
        };
        self.generation = next;
        self.head = seal;
        self.sequence = 0;
        self.journal = None;
        self.journal_len = 0;
        self.pending.clear();
        self.needs_snapshot = false;
        if let Some(e) = unconfirmed {
            // Older journals stay until the new snapshot is durable (an unlock removes them as stale).
            self.unconfirmed_dirs.push(layout.snapshots());
            return Err(SaveError::Unconfirmed(e));
        }
        self.unconfirmed_dirs.clear();
        for old in layout.journal_generations().unwrap_or_default() {
            if old < next {
                let _ = disk::remove_file(&layout.journal(old));
            }
        }
        let _ = durable::sync_dir(&layout.journals());
        self.record_watermark();
        let _ = self.prune(KEPT_GENERATIONS);
        Ok(())
    }

    /// Removes all but the newest `keep` generations; tries every one, and returns the first failure.
    fn prune(&self, keep: usize) -> std::io::Result<()> {
        let layout = &self.vault.layout;
        let generations = layout.snapshot_generations()?;
        let mut result = Ok(());
        if generations.len() > keep {
            for old in &generations[..generations.len() - keep] {
                for path in [layout.snapshot(*old), layout.seal(*old)] {
                    match disk::remove_file(&path) {
                        Err(e) if e.kind() != std::io::ErrorKind::NotFound && result.is_ok() => result = Err(e),
                        _ => {}
                    }
                }
            }
            let synced = durable::sync_dir(&layout.snapshots());
            if result.is_ok() {
                result = synced;
            }
        }
        result
    }

    /// Saves, folds the journal into a snapshot when there is one, and locks: the database is dropped and the
    /// identity zeroized. Always locks. When unsaved changes (edits whose save already failed, so never
    /// acknowledged) still cannot be written, they are dropped with the database, the error is returned beside the
    /// locked vault, and the next unlock tells the person ([`Notice::LeftOutAtLock`]). Acknowledged edits are
    /// in the journal already: nothing that was reported as saved is lost.
    pub fn lock(mut self) -> Result<Vault, LockFailure> {
        if self.has_unsaved_changes() {
            if let Err(error) = self.save() {
                let mut vault = self.into_locked();
                vault.left_out_at_lock = Some(error.kind());
                return Err(LockFailure { vault, error });
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
        super::replace_identity(&self.vault.layout, &wrapped)
    }

    /// Key rotation (issue 8 item 12): a new identity (so a new recovery key and a new MAC key), the current state
    /// written as a new generation encrypted to it and sealed with its MAC key, `identity.age` replaced by the new
    /// identity wrapped with the same `passphrase` (checked first: it must unwrap the current `identity.age` to the
    /// identity held; re-wrapping with the same passphrase keeps one thing changing at a time, `change_passphrase`
    /// changes the other), and then every file the old key opens deleted: older generations and their seals,
    /// journals, torn tails. Returns the new recovery key, to be shown once.
    ///
    /// Crash safety: a `rotation-pending` record, sealed under both keys, is written first and removed last; the
    /// replacement of `identity.age` is the commit point. Before it, the generation the record names is a newer
    /// snapshot the old identity cannot open, which an unlock by passphrase skips and sets aside (see
    /// `load::load_parts`); after it, the old key's files left behind are removed at the next unlock. The old
    /// key's high-water mark is moved to the new generation right after the commit, so the old `identity.age`
    /// with the old snapshots put back is refused as a rollback on this computer.
    pub fn rotate_key(&mut self, passphrase: &SecretString, kdf: Kdf) -> Result<RecoveryKey, RotateError> {
        self.rotate_key_until(passphrase, kdf, None).map(|key| key.expect("not stopped"))
    }

    /// [`UnlockedVault::rotate_key`], stopping after `stop` as if the process had died there (crash tests only:
    /// the vault in memory is left as it was before the rotation and must be dropped).
    #[doc(hidden)]
    pub fn rotate_key_until(
        &mut self,
        passphrase: &SecretString,
        kdf: Kdf,
        stop: Option<RotateStep>,
    ) -> Result<Option<RecoveryKey>, RotateError> {
        let wrapped = durable::read(&self.vault.layout.identity()).map_err(|e| RotateError::Unlock(e.into()))?;
        let held = keys::unwrap_identity(&wrapped, passphrase).map_err(|e| match e {
            keys::OpenFailure::WrongKey => RotateError::WrongPassphrase,
            keys::OpenFailure::ExcessiveWork(n) => RotateError::Unlock(super::errors::UnlockError::ExcessiveWork(n)),
            keys::OpenFailure::Damaged(detail) => {
                RotateError::Unlock(super::errors::UnlockError::Damaged { file: "identity.age".into(), detail })
            }
            keys::OpenFailure::Io(e) => RotateError::Unlock(e.into()),
        })?;
        if held.to_public().to_string() != self.identity.to_public().to_string() {
            // identity.age was replaced since this unlock: it is not this vault's key.
            return Err(RotateError::WrongPassphrase);
        }
        drop(held);
        self.save().map_err(RotateError::NotStarted)?;
        let layout = self.vault.layout.clone();
        let identity = keys::generate();
        let key = MacKey::of(&identity);
        let newest = layout.snapshot_generations().unwrap_or_default().last().copied().unwrap_or(0);
        let next = self.generation.max(newest) + 1;
        // 0. The record naming the generation about to be written, sealed under both keys: only the generation it
        //    names may an unlock with the old key skip (a damaged newest snapshot is never taken for a rotation).
        let record = rotation::Pending::new(&self.vault_id, next, &self.key, &key);
        if let Err(e) = rotation::write(&layout, &record) {
            // The record may be in place with its folder's fsync failed: nothing started, so it goes.
            rotation::remove(&layout);
            return Err(RotateError::NotStarted(e.into()));
        }
        if stop == Some(RotateStep::Pending) {
            return Ok(None);
        }
        // 1. The new generation, to the new key. Until identity.age changes, the old key skips it.
        let written = snapshot::set_meta(&self.conn, &self.vault_id, next).map_err(SaveError::from).and_then(|()| {
            let data = self.conn.serialize(rusqlite::MAIN_DB)?;
            snapshot::write(&layout, next, &identity, &key, &data).map_err(|e| {
                if matches!(e, WriteFailure::After(..)) {
                    // In place but not the rotation's commit: taken back like any unfinished rotation.
                    let _ = disk::remove_file(&layout.snapshot(next));
                    let _ = disk::remove_file(&layout.seal(next));
                }
                SaveError::from(std::io::Error::from(e))
            })
        });
        let seal = match written {
            Ok(seal) => seal,
            Err(e) => {
                let _ = snapshot::set_meta(&self.conn, &self.vault_id, self.generation);
                rotation::remove(&layout);
                return Err(RotateError::NotStarted(e));
            }
        };
        if stop == Some(RotateStep::Snapshot) {
            return Ok(None);
        }
        // 2. The new key's high-water mark (nobody else holds the new key yet).
        let mark = Mark { vault_id: self.vault_id.clone(), generation: next, sequence: 0, head: seal };
        let watermark = Watermark::new(self.watermark.path().and_then(std::path::Path::parent), &key);
        let _ = watermark.write(&key, &mark);
        if stop == Some(RotateStep::NewMark) {
            return Ok(None);
        }
        // 3. The commit: identity.age now holds the new identity.
        let wrapped = keys::wrap_identity(&identity, passphrase, kdf.log_n).map_err(RotateError::Identity)?;
        // A failed folder fsync after the rename is past the commit point: the new identity is in force, so the
        // rotation goes on (its recovery key must be shown) and the next save retries the fsync.
        let unconfirmed = match durable::replace_checked(&layout.identity(), &wrapped) {
            Ok(()) => false,
            Err(ReplaceError::After(_)) => true,
            Err(ReplaceError::Before(e)) => {
                // Only what this call wrote is taken back: its own generation and its record.
                let _ = disk::remove_file(&layout.snapshot(next));
                let _ = disk::remove_file(&layout.seal(next));
                let _ = durable::sync_dir(&layout.snapshots());
                rotation::remove(&layout);
                let _ = snapshot::set_meta(&self.conn, &self.vault_id, self.generation);
                return Err(RotateError::Identity(e));
            }
        };
        if stop == Some(RotateStep::Identity) {
            return Ok(None);
        }
        // From here the rotation is done; what follows is best effort and finished by the next unlock.
        // 4. The old key's mark moves to the new generation: the old state put back is then older than seen.
        self.watermark.clone().write(&self.key, &mark).ok();
        if stop == Some(RotateStep::OldMark) {
            return Ok(None);
        }
        // 5. Journals and torn tails first, the old snapshots last (an old-key snapshot left behind tells the
        //    next unlock that the cleanup was interrupted).
        remove_older_journal_files(&layout, next);
        if stop == Some(RotateStep::Journals) {
            return Ok(None);
        }
        remove_older_snapshots(&layout, next);
        if stop == Some(RotateStep::Snapshots) {
            return Ok(None);
        }
        // 6. The record goes last: while it is there, the next unlock finishes the cleanup.
        rotation::remove(&layout);
        let recovery = RecoveryKey(identity.to_string());
        self.identity = identity;
        self.key = key;
        self.watermark = watermark;
        self.generation = next;
        self.head = seal;
        self.sequence = 0;
        self.journal = None;
        self.journal_len = 0;
        self.pending.clear();
        self.needs_snapshot = false;
        if unconfirmed {
            self.unconfirmed_dirs.push(layout.root().to_path_buf());
        }
        Ok(Some(recovery))
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
        // A new replica id: the restored counter must never reissue a dot given out after that generation.
        let _ = self.conn.execute("DELETE FROM sync_replica", []);
        let current = self.generation;
        let folded = self.fold();
        if folded.is_err() && self.generation == current {
            // Failed before the commit point: the restored state is on disk nowhere, so not in memory either.
            self.conn = previous;
            return Err(folded.expect_err("checked").into());
        }
        // The restored state is the newest generation on disk (even if its fsync failed): it is the state now.
        self.columns = Columns::default();
        self.tables = Arc::new(schema::journaled_tables(&self.conn).map_err(SaveError::from)?.into_iter().collect());
        folded.map_err(Into::into)
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
    ///
    /// A failure after the fold (an older file that could not be removed) is [`SaveError::NotForgotten`]: never a
    /// success while some file may still hold what was purged.
    pub(crate) fn fold_forgetting_history(&mut self) -> Result<(), SaveError> {
        self.fold()?;
        self.forget_history().map_err(SaveError::NotForgotten)
    }

    fn forget_history(&self) -> std::io::Result<()> {
        self.prune(1)?;
        let journals = self.vault.layout.journals();
        let mut removed = false;
        for (path, name) in disk::read_dir(&journals)? {
            let name = name.to_string_lossy();
            if name.contains(".torn-") || name.ends_with(".unreplayed") {
                disk::remove_file(&path)?;
                removed = true;
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
        self.prune(1).map_err(SaveError::NotForgotten)
    }
}

/// Where [`UnlockedVault::rotate_key_until`] stops (crash tests): after the step named.
#[doc(hidden)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RotateStep {
    /// The `rotation-pending` record is written.
    Pending,
    /// The new generation (snapshot and seal) is written.
    Snapshot,
    /// The new key's high-water mark is written.
    NewMark,
    /// identity.age holds the new identity (the commit).
    Identity,
    /// The old key's high-water mark points at the new generation.
    OldMark,
    /// Older journals and torn tails are deleted; older snapshots are not yet.
    Journals,
    /// Older snapshots are deleted; the `rotation-pending` record is not yet.
    Snapshots,
}

/// Deletes every journal, torn tail and kept unreplayed journal of generations before `current`.
pub(super) fn remove_older_journal_files(layout: &super::Layout, current: u64) {
    let journals = layout.journals();
    let Ok(entries) = disk::read_dir(&journals) else { return };
    let mut removed = false;
    for (path, name) in entries {
        let name = name.to_string_lossy();
        let generation =
            name.get(..8).filter(|d| d.bytes().all(|b| b.is_ascii_digit())).and_then(|d| d.parse::<u64>().ok());
        if generation.is_some_and(|g| g < current) {
            removed |= disk::remove_file(&path).is_ok();
        }
    }
    if removed {
        let _ = durable::sync_dir(&journals);
    }
}

/// Deletes every snapshot and seal of generations before `current`.
pub(super) fn remove_older_snapshots(layout: &super::Layout, current: u64) {
    let mut removed = false;
    for old in layout.snapshot_generations().unwrap_or_default().into_iter().filter(|g| *g < current) {
        removed |= disk::remove_file(&layout.snapshot(old)).is_ok();
        removed |= disk::remove_file(&layout.seal(old)).is_ok();
    }
    for old in layout.seal_generations().unwrap_or_default().into_iter().filter(|g| *g < current) {
        removed |= disk::remove_file(&layout.seal(old)).is_ok();
    }
    if removed {
        let _ = durable::sync_dir(&layout.snapshots());
    }
}
