//! Commands for the person's keys and backups: unlock with the recovery key, change the passphrase, rotate the
//! key, list the kept generations and restore one (also from a vault whose newest state is damaged), and open an
//! older copy on purpose. Every passphrase and recovery key arrives as a [`Secret`].

use circlebook_core::vault::{Generation, Layout};
use circlebook_core::{Kdf, UnlockKey};
use serde::Serialize;
use tauri::State;
use zeroize::{Zeroize, ZeroizeOnDrop};

use crate::error::IpcError;
use crate::safety::idle::IdleClock;
use crate::secret::Secret;
use crate::session::{AppState, Session};

/// Unlocks with the recovery key (`AGE-SECRET-KEY-1…`), for a forgotten passphrase.
#[tauri::command]
pub async fn unlock_with_recovery_key(
    state: State<'_, AppState>,
    clock: State<'_, IdleClock>,
    recovery_key: Secret,
) -> Result<(), IpcError> {
    let key = UnlockKey::RecoveryKey(recovery_key.without_whitespace());
    drop(recovery_key);
    let mut session = state.session();
    session.unlock(state.dir(), &key)?;
    clock.touch();
    Ok(())
}

/// Sets a new passphrase on the unlocked vault; the data is not re-encrypted and the recovery key stays the same.
#[tauri::command]
pub async fn change_passphrase(state: State<'_, AppState>, new_passphrase: Secret) -> Result<(), IpcError> {
    let passphrase = new_passphrase.into_inner();
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

/// The key given for a locked vault: the passphrase, or else the recovery key (spaces and line breaks dropped).
fn key_of(passphrase: Option<Secret>, recovery_key: Option<Secret>) -> Result<UnlockKey, IpcError> {
    match (passphrase, recovery_key) {
        (Some(passphrase), _) => Ok(UnlockKey::Passphrase(passphrase.into_inner())),
        (None, Some(key)) => Ok(UnlockKey::RecoveryKey(key.without_whitespace())),
        (None, None) => Err(IpcError::with_code(
            circlebook_core::ErrorKind::InvalidInput,
            &"type the passphrase or the recovery key",
        )),
    }
}

/// Opens a kept generation of a locked vault whose newest saved state is damaged (the way back): the damaged
/// state stays in the folder, the restored one becomes the newest.
#[tauri::command]
pub async fn restore_damaged(
    state: State<'_, AppState>,
    clock: State<'_, IdleClock>,
    passphrase: Option<Secret>,
    recovery_key: Option<Secret>,
    number: u64,
) -> Result<(), IpcError> {
    let key = key_of(passphrase, recovery_key)?;
    state.session().restore_generation(state.dir(), &key, number)?;
    clock.touch();
    Ok(())
}

/// Opens the older copy of the vault that the folder holds, on purpose, after the rollback screen explained it.
#[tauri::command]
pub async fn open_older_copy(
    state: State<'_, AppState>,
    clock: State<'_, IdleClock>,
    passphrase: Option<Secret>,
    recovery_key: Option<Secret>,
) -> Result<(), IpcError> {
    let key = key_of(passphrase, recovery_key)?;
    state.session().unlock_older_copy(state.dir(), &key)?;
    clock.touch();
    Ok(())
}

/// The new recovery key after a rotation, shown once; wiped from this process's memory once sent.
#[derive(Serialize, Zeroize, ZeroizeOnDrop, ts_rs::TS)]
pub struct Rotated {
    recovery_key: String,
}

impl std::fmt::Debug for Rotated {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Rotated { recovery_key: [redacted] }")
    }
}

/// Replaces the vault's key (issue 8 item 12), given the passphrase, which stays the same; returns the new
/// recovery key, to be shown once. The old recovery key then opens nothing written from now on.
#[tauri::command]
pub async fn rotate_key(state: State<'_, AppState>, passphrase: Secret) -> Result<Rotated, IpcError> {
    let passphrase = passphrase.into_inner();
    let mut session = state.session();
    let Session::Unlocked(vault) = &mut *session else {
        return Err(IpcError::locked());
    };
    let key = vault.rotate_key(&passphrase, Kdf::STANDARD)?;
    Ok(Rotated { recovery_key: key.expose().to_owned() })
}
