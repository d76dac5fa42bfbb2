//! Loading a vault into memory: the latest (or a chosen) snapshot, then its journal, then migrations; the
//! rollback check against this computer's high-water mark; and the repairs an unlock makes.

use std::path::PathBuf;

use age::x25519;
use rusqlite::Connection;

use super::errors::UnlockError;
use super::journal::{self, Check, ReadFailure};
use super::layout::Layout;
use super::notice::Notice;
use super::replay;
use super::rotation::{self, Pending, Signer};
use super::seal::{MacKey, Tag};
use super::snapshot::{self, snapshot_name};
use super::unlocked::UnlockedVault;
use super::watermark::{self, Mark, Watermark};
use super::{disk, durable, UnlockFailure, Vault};
use crate::schema::{self, MigrationError};

/// Which state to load.
#[derive(Debug, Clone, Copy)]
pub enum Source {
    /// The newest snapshot and its journal.
    Latest,
    /// As `Latest`, except that a newest snapshot this identity cannot open is skipped (and set aside once the
    /// unlock succeeds) when a `rotation-pending` record sealed under this key names it: a key rotation
    /// interrupted before its commit (issue 8 item 12). Only for an identity unwrapped from `identity.age`, which
    /// is the rotation's commit point.
    LatestForIdentityFile,
    /// One kept generation's snapshot, without any journal.
    Generation(u64),
}

/// How to unlock.
#[derive(Debug, Clone, Default)]
pub struct UnlockOptions {
    /// Open a state older than this computer has seen (after putting back a backup copy on purpose); the vault
    /// opens with a [`Notice::RollbackAccepted`] and the older state becomes the newest seen.
    pub accept_rollback: bool,
    /// Where the high-water marks are kept; `None`: [`watermark::default_state_dir`].
    pub state_dir: Option<PathBuf>,
}

fn journal_name(generation: u64) -> String {
    format!("journal/{generation:08}.journal")
}

pub struct Parts {
    pub conn: Connection,
    pub generation: u64,
    pub sequence: u64,
    pub journal_len: u64,
    /// The torn tail itself (ciphertext), to be moved aside.
    pub torn_tail: Vec<u8>,
    pub migrated: bool,
    /// The vault format the files were read in (1 or 2).
    pub format: u32,
    /// Format 2: the vault's id and the chain (`tags[0]` the snapshot's seal, `tags[s]` record s's tag).
    pub vault_id: String,
    pub tags: Vec<Tag>,
    /// The generation of an interrupted key rotation that was skipped, because a rotation record sealed under
    /// this key names it and this identity cannot open it ([`Source::LatestForIdentityFile`]).
    pub skipped: Vec<u64>,
    /// A `rotation-pending` record whose tag this key checks, and under which of the rotation's two keys.
    pub pending: Option<(Pending, Signer)>,
}

impl Parts {
    pub fn head(&self) -> Tag {
        self.tags.last().copied().unwrap_or([0; 32])
    }
    fn mark(&self) -> Mark {
        Mark {
            vault_id: self.vault_id.clone(),
            generation: self.generation,
            sequence: self.sequence,
            head: self.head(),
        }
    }
}

/// Loads the vault. Nothing on disk changes unless loading succeeds.
pub fn load(
    vault: Vault,
    identity: x25519::Identity,
    source: Source,
    options: &UnlockOptions,
) -> Result<UnlockedVault, UnlockFailure> {
    let key = MacKey::of(&identity);
    let watermark = Watermark::new(options.state_dir.as_deref(), &key);
    let loaded = load_parts(&vault.layout, &identity, &key, source).and_then(|parts| {
        let notice = check_rollback(&parts, &watermark, &key, options.accept_rollback)?;
        Ok((parts, notice))
    });
    match loaded {
        Ok((parts, notice)) => finish(vault, identity, key, watermark, parts, notice),
        Err(error) => Err(UnlockFailure { vault, error }),
    }
}

/// Refuses a state older than this computer's high-water mark, unless accepted on purpose.
fn check_rollback(
    parts: &Parts,
    watermark: &Watermark,
    key: &MacKey,
    accept: bool,
) -> Result<Option<Notice>, UnlockError> {
    let seen = match watermark.read(key) {
        Ok(seen) => seen,
        Err(detail) => {
            let file = watermark.path().map(|p| p.display().to_string()).unwrap_or_default();
            let why = format!("this computer's record of the newest state it has seen ({file}) is damaged: {detail}");
            return if accept {
                Ok(Some(Notice::RollbackAccepted { detail: why }))
            } else {
                Err(UnlockError::Rollback { detail: why })
            };
        }
    };
    let Some(seen) = seen else { return Ok(None) };
    let why = if parts.format == 1 {
        Some(format!(
            "this computer has seen this vault in format 2 (generation {}, record {}), and the folder now holds a \
             format-1 vault: an older copy, or files forged with the vault's public key",
            seen.generation, seen.sequence
        ))
    } else {
        watermark::older_than(&parts.mark(), &parts.tags, &seen)
    };
    match why {
        None => Ok(None),
        Some(detail) if accept => Ok(Some(Notice::RollbackAccepted { detail })),
        Some(detail) => Err(UnlockError::Rollback { detail }),
    }
}

/// Reads the files of a state into memory. Nothing on disk changes.
pub fn load_parts(
    layout: &Layout,
    identity: &x25519::Identity,
    key: &MacKey,
    source: Source,
) -> Result<Parts, UnlockError> {
    let format = layout.format()?;
    if format > super::layout::FORMAT {
        return Err(UnlockError::NewerFormat { found: format, supported: super::layout::FORMAT });
    }
    let generations = layout.snapshot_generations()?;
    let latest = *generations
        .last()
        .ok_or_else(|| UnlockError::Damaged { file: "snapshots/".into(), detail: "there is no snapshot".into() })?;
    let mut skipped = Vec::new();
    let pending = match source {
        Source::Generation(_) => None,
        _ => rotation::read(layout)?.and_then(|record| record.signed_by(key).map(|signer| (record, signer))),
    };
    let generation = match source {
        Source::Latest => latest,
        Source::LatestForIdentityFile => match &pending {
            // Only the generation that a rotation record sealed under this key names is skipped, and only when
            // this identity cannot open it: the rotation did not reach its commit. Any other newest snapshot is
            // loaded (and refused if damaged) as ever, so damage is never taken for a rotation.
            Some((record, Signer::Old)) if record.generation == latest && generations.len() > 1 => {
                let file = durable::open_read(&layout.snapshot(latest))?;
                match super::keys::opens_header(identity, std::io::BufReader::new(file)) {
                    Err(super::keys::OpenFailure::WrongKey) => {
                        skipped.push(latest);
                        generations[generations.len() - 2]
                    }
                    _ => latest,
                }
            }
            _ => latest,
        },
        Source::Generation(g) => g,
    };
    if let Some(stray) = layout.journal_generations()?.into_iter().find(|g| *g > latest) {
        return Err(UnlockError::Damaged {
            file: journal_name(stray),
            detail: "it belongs to a snapshot that does not exist".into(),
        });
    }
    let mac = (format >= 2).then_some(key);
    let (mut conn, sealed) = snapshot::read(layout, identity, mac, generation)?;
    let (vault_id, mut tags) = match sealed {
        Some(s) => (s.vault_id, vec![s.seal]),
        None => (String::new(), Vec::new()),
    };
    if let Some((record, _)) = pending.as_ref().filter(|_| !skipped.is_empty()) {
        if record.vault_id != vault_id {
            return Err(UnlockError::Damaged {
                file: snapshot_name(latest),
                detail: "it does not open with this key, and the record of a key change names another vault".into(),
            });
        }
    }
    let (mut sequence, mut journal_len, mut torn_tail) = (0, 0, Vec::new());
    if matches!(source, Source::Latest | Source::LatestForIdentityFile) {
        let path = layout.journal(generation);
        if durable::file_exists(&path)? {
            let bytes = durable::read(&path)?;
            let check = match tags.first() {
                Some(seal) => Check::Format2 { key, vault_id: &vault_id, seal: *seal },
                None => Check::Format1,
            };
            let replay = journal::read(identity, &check, generation, &bytes).map_err(|e| match e {
                ReadFailure::WrongKey => UnlockError::Damaged {
                    file: journal_name(generation),
                    detail: "it was encrypted to another key".into(),
                },
                ReadFailure::Damaged { record, detail } => UnlockError::Damaged {
                    file: journal_name(generation),
                    detail: format!("record {record}: {detail}"),
                },
            })?;
            let damaged = |detail: String| UnlockError::Damaged { file: journal_name(generation), detail };
            let journaled = schema::journaled_tables(&conn).map_err(|e| damaged(e.to_string()))?.into_iter().collect();
            let allowed = replay::Allowed::of(&conn, &journaled).map_err(|e| damaged(e.to_string()))?;
            for (i, script) in replay.scripts.iter().enumerate() {
                replay::apply(&mut conn, &allowed, script)
                    .map_err(|e| damaged(format!("record {} does not apply: {}", i + 1, e.0)))?;
            }
            sequence = replay.scripts.len() as u64;
            journal_len = replay.complete_len as u64;
            torn_tail = bytes[replay.complete_len..].to_vec();
            if !replay.tags.is_empty() {
                tags = replay.tags;
            }
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
    Ok(Parts { conn, generation, sequence, journal_len, torn_tail, migrated, format, vault_id, tags, skipped, pending })
}

fn finish(
    vault: Vault,
    identity: x25519::Identity,
    key: MacKey,
    watermark: Watermark,
    mut parts: Parts,
    rollback: Option<Notice>,
) -> Result<UnlockedVault, UnlockFailure> {
    let layout = vault.layout.clone();
    let generation = parts.generation;
    let (journal_len, migrated, format) = (parts.journal_len, parts.migrated, parts.format);
    let torn_tail = std::mem::take(&mut parts.torn_tail);
    let skipped = std::mem::take(&mut parts.skipped);
    let pending = parts.pending.take();
    let mut unlocked = match UnlockedVault::assemble(vault, identity, key, watermark, parts) {
        Ok(u) => u,
        Err((vault, e)) => {
            return Err(UnlockFailure {
                vault,
                error: UnlockError::Damaged { file: "database".into(), detail: e.to_string() },
            })
        }
    };
    unlocked.add_notices(rollback);
    if !skipped.is_empty() {
        // A key rotation interrupted before identity.age was replaced: its new generation opens with a key nobody
        // was ever shown, and holds nothing the loaded state does not. Set aside (never deleted), so that this
        // key's files are the newest again (for the recovery recipe too).
        let mut moved = Vec::new();
        for g in &skipped {
            match rotation::set_aside(&layout, *g) {
                Ok(path) => moved.push(format!("snapshots/{}", path.file_name().unwrap_or_default().to_string_lossy())),
                Err(e) => return Err(UnlockFailure { vault: unlocked.into_locked(), error: UnlockError::Io(e) }),
            }
        }
        rotation::remove(&layout);
        unlocked.add_notices(Some(Notice::RotationUndone { generations: skipped, moved_to: moved }));
    } else if let Some((record, signer)) = &pending {
        match signer {
            // Sealed under the old key, and nothing to skip: the rotation stopped before its generation was
            // written (or it was set aside before), so the record is all that is left of it.
            Signer::Old if record.generation > generation => {
                rotation::remove(&layout);
                unlocked.add_notices(Some(Notice::RotationUndone { generations: Vec::new(), moved_to: Vec::new() }));
            }
            // Sealed under the new key: the rotation committed; its cleanup is finished below.
            Signer::New if record.generation <= generation => {}
            // A record that does not fit this state is left as it is (never acted on).
            _ => {}
        }
    }
    let left_out = unlocked.vault.left_out_at_lock.take();
    unlocked.add_notices(left_out.map(|cause| Notice::LeftOutAtLock { cause }));
    if !torn_tail.is_empty() {
        // Never cut a journal in place: the torn, never-acknowledged tail is first kept in a file of its own, then
        // the journal is replaced (atomically) by its whole records, so the next record appends after them.
        match move_torn_tail_aside(&layout, generation, journal_len, &torn_tail) {
            Ok(notice) => unlocked.add_notices(Some(notice)),
            Err(e) => return Err(UnlockFailure { vault: unlocked.into_locked(), error: UnlockError::Io(e) }),
        }
    }
    if format < 2 {
        // Format 1 had no authentication: its state, replayed under the authorizer, becomes a format-2 snapshot
        // at once, with a new vault id, and the marker says format 2 once that snapshot is durable.
        let upgraded = unlocked.upgrade_from_format_1().and_then(|()| {
            durable::replace(&layout.marker(), super::layout::MARKER_CONTENT.as_bytes()).map_err(Into::into)
        });
        match upgraded {
            Ok(()) => unlocked.add_notices(Some(Notice::FormatUpgraded { from: 1, generation: unlocked.generation() })),
            Err(e) => return Err(UnlockFailure { vault: unlocked.into_locked(), error: UnlockError::Save(e) }),
        }
    } else if migrated {
        // The journal must never mix schemas: an upgrade is saved as a new snapshot before any edit.
        if let Err(e) = unlocked.fold() {
            return Err(UnlockFailure { vault: unlocked.into_locked(), error: UnlockError::Save(e) });
        }
    }
    // Files that are never data: temp files of interrupted writes, seals without their snapshot, and journals
    // already folded into a snapshot.
    for path in layout.leftover_temps().unwrap_or_default() {
        let _ = disk::remove_file(&path);
    }
    let snapshots = layout.snapshot_generations().unwrap_or_default();
    for orphan in layout.seal_generations().unwrap_or_default() {
        if !snapshots.contains(&orphan) {
            let _ = disk::remove_file(&layout.seal(orphan));
        }
    }
    // A key rotation committed but interrupted before its cleanup (its record, sealed under this new key, is still
    // there): the old key's snapshots, journals and torn tails go, as the rotation would have removed them.
    if let Some((record, Signer::New)) = pending.as_ref().filter(|(r, _)| r.generation <= generation) {
        let older: Vec<u64> = snapshots.iter().copied().filter(|g| *g < record.generation).collect();
        super::unlocked::remove_older_journal_files(&layout, record.generation);
        super::unlocked::remove_older_snapshots(&layout, record.generation);
        rotation::remove(&layout);
        unlocked.add_notices(Some(Notice::RotationFinished { generations: older }));
    }
    let mut removed = false;
    for stale in layout.journal_generations().unwrap_or_default() {
        if stale < unlocked.generation() {
            removed |= disk::remove_file(&layout.journal(stale)).is_ok();
        }
    }
    if removed {
        let _ = durable::sync_dir(&layout.journals());
    }
    unlocked.record_watermark();
    Ok(unlocked)
}

/// Writes the torn tail to `journal/NNNNNNNN.torn-<n>` (the first free n), then replaces the journal by its first
/// `whole` bytes. Both steps are durable; a crash between them leaves the tail in both places, never in neither.
fn move_torn_tail_aside(layout: &Layout, generation: u64, whole: u64, tail: &[u8]) -> std::io::Result<Notice> {
    let journal = layout.journal(generation);
    let mut n = 1;
    while disk::symlink_metadata(&layout.torn_tail(generation, n)).is_ok() {
        n += 1;
    }
    let moved = layout.torn_tail(generation, n);
    durable::replace(&moved, tail)?;
    let bytes = durable::read(&journal)?;
    let whole = usize::try_from(whole).map_err(std::io::Error::other)?;
    if bytes.len() != whole + tail.len() || bytes[whole..] != *tail {
        return Err(std::io::Error::other("the journal changed while it was being read"));
    }
    durable::replace(&journal, &bytes[..whole])?;
    Ok(Notice::TornTail {
        journal: journal_name(generation),
        moved_to: format!("journal/{}", moved.file_name().unwrap_or_default().to_string_lossy()),
        bytes: tail.len() as u64,
    })
}
