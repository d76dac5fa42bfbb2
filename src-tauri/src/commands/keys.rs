//! Commands for the person's keys and backups: unlock with the recovery key, change the passphrase, list the kept
//! generations and restore one.

use circlebook_core::vault::{Generation, Layout};
use circlebook_core::{Kdf, SecretString, UnlockKey};
use tauri::State;

use crate::error::IpcError;
use crate::safety::idle::IdleClock;
use crate::session::{AppState, Session};

/// Unlocks with the recovery key (`AGE-SECRET-KEY-1…`), for a forgotten passphrase.
#[tauri::command]
pub async fn unlock_with_recovery_key(
    state: State<'_, AppState>,
    clock: State<'_, IdleClock>,
    recovery_key: String,
) -> Result<(), IpcError> {
    let key = UnlockKey::RecoveryKey(SecretString::from(recovery_key.trim().to_owned()));
    drop(recovery_key);
    let mut session = state.session();
    session.unlock(state.dir(), &key)?;
    clock.touch();
    Ok(())
}

/// Sets a new passphrase on the unlocked vault; the data is not re-encrypted and the recovery key stays the same.
#[tauri::command]
pub async fn change_passphrase(state: State<'_, AppState>, new_passphrase: String) -> Result<(), IpcError> {
    let passphrase = SecretString::from(new_passphrase);
    let mut session = state.session();
    let Session::Unlocked(vault) = &mut *session else {
        return Err(IpcError::locked());
    };
    Ok(vault.change_passphrase(&passphrase, Kdf::STANDARD)?)
}

/// The kept generations (backups), oldest first, with their dates and sizes.
#[tauri::command]
pub async fn backups(state: State<'_, AppState>) -> Result<Vec<Generation>, IpcError> {
    let session = state.session();
    let Session::Unlocked(vault) = &*session else {
        return Err(IpcError::locked());
    };
    Ok(vault.generations())
}

/// The generations kept in a locked vault's folder, read from the file system only (no key needed): what the
/// damaged-vault screen lists.
#[tauri::command]
pub async fn kept_backups(state: State<'_, AppState>) -> Result<Vec<Generation>, IpcError> {
    let session = state.session();
    match &*session {
        Session::Unlocked(vault) => Ok(vault.generations()),
        Session::Locked(vault) => Ok(listing(vault.layout())),
        Session::NoVault | Session::NotOpened => Ok(Vec::new()),
    }
}

fn listing(layout: &Layout) -> Vec<Generation> {
    let numbers = layout.snapshot_generations().unwrap_or_default();
    numbers
        .into_iter()
        .map(|number| {
            let meta = std::fs::metadata(layout.snapshot(number)).ok();
            Generation {
                number,
                bytes: meta.as_ref().map_or(0, std::fs::Metadata::len),
                written_at: meta.and_then(|m| m.modified().ok()).map(chrono::DateTime::<chrono::Utc>::from),
                current: false,
            }
        })
        .collect()
}

/// Replaces the current state with a kept generation's; the current state is kept as a generation first.
/// The UI then starts again from its first page, so no screen shows data from before the restore.
#[tauri::command]
pub async fn restore_backup(state: State<'_, AppState>, number: u64) -> Result<(), IpcError> {
    let mut session = state.session();
    let Session::Unlocked(vault) = &mut *session else {
        return Err(IpcError::locked());
    };
    Ok(vault.restore(number)?)
}
