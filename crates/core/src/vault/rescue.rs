//! Restoring a kept generation without loading the newest one (issue 8 item 7): when the newest snapshot is
//! damaged, "restore an earlier generation" must be possible without first unlocking it.

use super::errors::UnlockError;
use super::load::{self, Source, UnlockOptions};
use super::seal::MacKey;
use super::snapshot::snapshot_name;
use super::unlocked::UnlockedVault;
use super::watermark::Watermark;
use super::{UnlockFailure, UnlockKey, Vault};

impl Vault {
    /// Makes kept generation `number` the current state without reading the newest generation: its snapshot
    /// (which may be damaged) stays on disk as it is, and its journal is kept as `journal/NNNNNNNN.unreplayed`
    /// (ciphertext, never read again); the restored state is saved as a new generation after the newest. Refused
    /// when this computer has seen a newer generation than the folder holds, unless accepted on purpose.
    pub fn restore_generation(
        self,
        key: &UnlockKey,
        number: u64,
        options: &UnlockOptions,
    ) -> Result<UnlockedVault, UnlockFailure> {
        let prepared = (|| {
            let identity = self.identity_for(key, Some(number))?;
            let generations = self.layout.snapshot_generations()?;
            if !generations.contains(&number) {
                return Err(UnlockError::Damaged {
                    file: snapshot_name(number),
                    detail: "there is no such generation; `backups` lists the ones kept".into(),
                });
            }
            let newest = *generations.last().expect("holds number");
            let mac = MacKey::of(&identity);
            let mut parts = load::load_parts(&self.layout, &identity, &mac, Source::Generation(number))?;
            let watermark = Watermark::new(options.state_dir.as_deref(), &mac);
            match watermark.read(&mac) {
                Ok(Some(seen)) if seen.generation > newest && !options.accept_rollback => {
                    return Err(UnlockError::Rollback {
                        detail: format!(
                            "this computer has seen generation {}, newer than any snapshot in the folder (the newest is {newest})",
                            seen.generation
                        ),
                    })
                }
                Err(detail) if !options.accept_rollback => {
                    return Err(UnlockError::Rollback { detail: format!("this computer's high-water mark is damaged: {detail}") })
                }
                _ => {}
            }
            // The restored state continues after the newest generation: the next fold writes newest + 1.
            parts.generation = newest;
            parts.sequence = 0;
            Ok((identity, mac, watermark, parts, newest))
        })();
        let (identity, mac, watermark, parts, newest) = match prepared {
            Ok(p) => p,
            Err(error) => return Err(UnlockFailure { vault: self, error }),
        };
        let layout = self.layout.clone();
        let mut unlocked = match UnlockedVault::assemble(self, identity, mac, watermark, parts) {
            Ok(u) => u,
            Err((vault, e)) => {
                return Err(UnlockFailure {
                    vault,
                    error: UnlockError::Damaged { file: snapshot_name(number), detail: e.to_string() },
                })
            }
        };
        let journal = layout.journal(newest);
        if super::disk::symlink_metadata(&journal).is_ok() {
            let kept = layout.journals().join(format!("{newest:08}.unreplayed"));
            if let Err(e) =
                super::disk::rename(&journal, &kept).and_then(|()| super::durable::sync_dir(&layout.journals()))
            {
                return Err(UnlockFailure { vault: unlocked.into_locked(), error: UnlockError::Io(e) });
            }
        }
        if let Err(e) = unlocked.fold() {
            return Err(UnlockFailure { vault: unlocked.into_locked(), error: UnlockError::Save(e) });
        }
        Ok(unlocked)
    }
}
