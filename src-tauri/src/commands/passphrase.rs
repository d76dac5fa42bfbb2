//! Live feedback on a passphrase being chosen, from the same check that creation enforces.

use circlebook_core::SecretString;
use serde::Serialize;

use crate::error::IpcError;

/// Whether the passphrase is strong enough, and if not, why and what would help.
#[derive(Debug, Serialize)]
pub struct PassphraseCheck {
    ok: bool,
    reason: Option<String>,
}

/// Checks a passphrase without storing it anywhere.
#[tauri::command]
pub async fn check_passphrase(passphrase: String) -> Result<PassphraseCheck, IpcError> {
    let passphrase = SecretString::from(passphrase);
    Ok(match circlebook_core::check_passphrase(&passphrase) {
        Ok(()) => PassphraseCheck { ok: true, reason: None },
        Err(weak) => PassphraseCheck { ok: false, reason: Some(weak.reason) },
    })
}
