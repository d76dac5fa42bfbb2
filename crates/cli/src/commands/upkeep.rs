//! Commands that change the vault: `demo`, `compact`, `restore`. Each saves and locks before it reports.

use chrono::{NaiveDate, Utc};
use circlebook_demo as demo;
use serde_json::json;

use circlebook_core::vault::{UnlockError, UnlockOptions};
use circlebook_core::{UnlockFailure, UnlockKey, Vault};

use super::{close, Context};
use crate::failure::Failure;
use crate::out;

/// `demo --cases N [--seed S] [--today DATE]`: adds synthetic cases told up to today (or the day given).
pub fn demo(ctx: &mut Context, cases: usize, seed: u64, today: Option<NaiveDate>) -> Result<(), Failure> {
    let today = today.unwrap_or_else(|| Utc::now().date_naive());
    let mut vault = ctx.unlock()?;
    let summary = demo::add_cases(&mut vault, cases, seed, today)?;
    close(vault)?;
    if ctx.json {
        out::json(&json!({ "added": summary, "seed": seed, "today": today }));
    } else {
        out::line(format_args!(
            "Added {} synthetic cases (seed {seed}, told up to {today}): {} participants, {} consent entries, \
             {} sessions, {} shuttle messages, {} commitments with {} progress entries, and {} notes ({} of note text).",
            summary.cases,
            summary.participants,
            summary.consents,
            summary.sessions,
            summary.messages,
            summary.commitments,
            summary.progress_entries,
            summary.notes,
            out::bytes(summary.note_bytes as u64)
        ));
    }
    Ok(())
}

/// `compact`: one snapshot, no journal, no other generation.
pub fn compact(ctx: &mut Context) -> Result<(), Failure> {
    let mut vault = ctx.unlock()?;
    vault.compact()?;
    let generation = vault.generation();
    let bytes = vault.generations().iter().find(|g| g.current).map_or(0, |g| g.bytes);
    close(vault)?;
    if ctx.json {
        out::json(&json!({ "generation": generation, "snapshot_bytes": bytes }));
    } else {
        out::line(format_args!(
            "Compacted: the vault is now one snapshot (generation {generation}, {}) and no journal; \
             earlier generations were deleted.",
            out::bytes(bytes)
        ));
    }
    Ok(())
}

/// `restore GEN`: a kept generation becomes the current state; the state before it stays a generation.
/// When the newest generation cannot be read (damaged), the kept generation is restored without it: the damaged
/// files stay as they are and the restored state becomes a new generation after them.
pub fn restore(ctx: &mut Context, number: u64) -> Result<(), Failure> {
    let options = UnlockOptions { accept_rollback: ctx.accept_rollback, ..UnlockOptions::default() };
    let locked = Vault::open(&ctx.dir)?;
    let key = UnlockKey::Passphrase(ctx.secrets.passphrase()?);
    let vault = match locked.unlock_with(&key, &options) {
        Ok(mut vault) => {
            out::vault_notices(vault.notices());
            vault.restore(number)?;
            vault
        }
        Err(UnlockFailure { vault: locked, error: error @ UnlockError::Damaged { .. } }) => {
            eprintln!("warning: the current state cannot be read ({error}); restoring generation {number} without it");
            let vault = locked.restore_generation(&key, number, &options)?;
            let now = vault.generation();
            close(vault)?;
            if ctx.json {
                out::json(
                    &json!({ "restored": number, "generation": now, "previous": null, "damaged_newest": now - 1 }),
                );
            } else {
                out::line(format_args!(
                    "Restored generation {number}: it is now the current state (generation {now}). The newest \
                     generation before it ({}) could not be read and was left as it is.",
                    now - 1
                ));
            }
            return Ok(());
        }
        Err(failure) => return Err(failure.error.into()),
    };
    let now = vault.generation();
    close(vault)?;
    if ctx.json {
        out::json(&json!({ "restored": number, "generation": now, "previous": now - 1 }));
    } else {
        out::line(format_args!(
            "Restored generation {number}: it is now the current state (generation {now}). \
             The state before the restore is kept as generation {}.",
            now - 1
        ));
    }
    Ok(())
}
