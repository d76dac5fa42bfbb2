//! Commands for the vault's life cycle: status, create, unlock, lock.
//!
//! They are `async` so that scrypt (about a second) runs off the main thread and the window stays responsive.

use circlebook_core::vault::Notice;
use circlebook_core::UnlockKey;
use serde::Serialize;
use tauri::{AppHandle, State};
use zeroize::{Zeroize, ZeroizeOnDrop};

use crate::error::IpcError;
use crate::safety::idle::IdleClock;
use crate::safety::{lock_and_reset, LockReason};
use crate::secret::Secret;
use crate::session::{AppState, VaultStatus};

/// Which screen the UI should show.
#[tauri::command]
pub async fn vault_status(state: State<'_, AppState>) -> Result<VaultStatus, IpcError> {
    Ok(state.session().status())
}

/// The recovery key, shown once; wiped from this process's memory once sent.
#[derive(Serialize, Zeroize, ZeroizeOnDrop, ts_rs::TS)]
pub struct Created {
    recovery_key: String,
}

impl std::fmt::Debug for Created {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Created { recovery_key: [redacted] }")
    }
}

/// Creates the vault, leaves it unlocked and returns its recovery key; the idle lock's deadline starts afresh, so
/// time spent on the creation screen never locks the vault while its recovery key is being shown.
#[tauri::command]
pub async fn create_vault(
    state: State<'_, AppState>,
    clock: State<'_, IdleClock>,
    passphrase: Secret,
) -> Result<Created, IpcError> {
    let passphrase = passphrase.into_inner();
    let mut session = state.session();
    let recovery = session.create(state.dir(), &passphrase)?;
    clock.touch();
    Ok(Created { recovery_key: recovery.expose().to_owned() })
}

/// Unlocks with the passphrase; the idle lock's deadline starts afresh (under the session's lock).
#[tauri::command]
pub async fn unlock(
    state: State<'_, AppState>,
    clock: State<'_, IdleClock>,
    passphrase: Secret,
) -> Result<(), IpcError> {
    let key = UnlockKey::Passphrase(passphrase.into_inner());
    let mut session = state.session();
    session.unlock(state.dir(), &key)?;
    clock.touch();
    Ok(())
}

/// What the unlock found and repaired or accepted, for the workspace to tell the person (issue 8 items 1, 3).
#[tauri::command]
pub async fn vault_notices(state: State<'_, AppState>) -> Result<Vec<Notice>, IpcError> {
    Ok(state.session().notices())
}

/// A word that changes whenever the unlocked vault's data may have changed (its generation and the count of rows
/// SQLite has written since it was opened), so that a screen can keep what it read while nothing has: Home, going
/// back to its list, reads it again only then (at 5,000 cases that read is about 150 ms of the core's time, in
/// which a case opened at once waited behind it).
#[tauri::command]
pub async fn vault_revision(state: State<'_, AppState>) -> Result<String, IpcError> {
    state.session().revision()
}

/// Saves what is unsaved, drops the keys from memory and resets the page (the Lock button and Ctrl+L).
#[tauri::command]
pub async fn lock(app: AppHandle) -> Result<(), IpcError> {
    lock_and_reset(&app, LockReason::Asked)
}
