//! Live feedback on a passphrase being chosen, from the same check that creation enforces.

use serde::Serialize;

use crate::error::IpcError;
use crate::secret::Secret;

/// Whether the passphrase is strong enough, and if not, why and what would help.
#[derive(Debug, Serialize, ts_rs::TS)]
pub struct PassphraseCheck {
    ok: bool,
    reason: Option<String>,
}

/// Checks a passphrase without storing it anywhere.
#[tauri::command]
pub async fn check_passphrase(passphrase: Secret) -> Result<PassphraseCheck, IpcError> {
    let passphrase = passphrase.into_inner();
    Ok(match circlebook_core::check_passphrase(&passphrase) {
        Ok(()) => PassphraseCheck { ok: true, reason: None },
        Err(weak) => PassphraseCheck { ok: false, reason: Some(weak.reason) },
    })
}
