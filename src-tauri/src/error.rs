//! The one error shape the UI sees: a closed `code` to branch on and a sentence to show.

use circlebook_core::model::{ErrorDetails, ModelError};
use circlebook_core::vault::{
    CreateError, OpenError, PassphraseError, RestoreError, RotateError, SaveError, UnlockError,
};
use circlebook_core::ErrorKind;
use serde::Serialize;

/// An error across the IPC boundary, serialised as `{ "code": "wrong_passphrase", "message": "…" }`.
#[derive(Debug, Clone, Serialize)]
pub struct IpcError {
    /// What went wrong, from a closed set (see `ui/src/lib/ipc/commands.ts`).
    pub code: ErrorKind,
    /// A sentence for the person, starting with a capital and ending with a full stop.
    pub message: String,
    /// What the UI needs to word the error itself (for `consent_required`: who, which activity, which state, as
    /// of which day); absent for kinds whose code says it all.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub details: Option<ErrorDetails>,
}

impl IpcError {
    fn new(code: ErrorKind, message: &dyn std::fmt::Display) -> Self {
        Self { code, message: sentence(&message.to_string()), details: None }
    }

    /// An error of the app's own (clipboard, settings) with a code from the closed set.
    pub fn with_code(code: ErrorKind, message: &dyn std::fmt::Display) -> Self {
        Self::new(code, message)
    }

    /// A case-model operation was asked for while the vault is locked.
    pub fn locked() -> Self {
        Self::new(ErrorKind::Locked, &"the vault is locked; unlock it first")
    }
}

macro_rules! from_core {
    ($($error:ty),*) => {$(
        impl From<$error> for IpcError {
            fn from(error: $error) -> Self {
                Self::new(error.kind(), &error)
            }
        }
    )*};
}

from_core!(CreateError, OpenError, UnlockError, SaveError, PassphraseError, RestoreError, RotateError);

impl From<ModelError> for IpcError {
    fn from(error: ModelError) -> Self {
        Self { details: error.details(), ..Self::new(error.kind(), &error) }
    }
}

/// Core messages are clauses ("that passphrase does not open this vault"); the UI shows sentences.
fn sentence(text: &str) -> String {
    let text = text.trim();
    let mut chars = text.chars();
    let mut out: String = match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => return String::from("Something went wrong."),
    };
    if !out.ends_with(['.', '!', '?']) {
        out.push('.');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrong_passphrase_crosses_as_a_code_and_a_sentence() {
        let error = IpcError::from(UnlockError::WrongPassphrase);
        let json = serde_json::to_value(&error).expect("serialises");
        assert_eq!(json["code"], "wrong_passphrase");
        assert_eq!(json["message"], "That passphrase does not open this vault.");
    }

    /// The UI's vault statuses (generated into ui/src/lib/ipc/generated/commands.ts) name every status the Rust
    /// side sends; error codes come from the generated `ipc/generated/errors.ts` (see `commands::registry` tests).
    #[test]
    fn the_ui_knows_every_status() {
        let commands = include_str!("../../ui/src/lib/ipc/generated/commands.ts");
        let statuses = [
            crate::session::VaultStatus::NoVault,
            crate::session::VaultStatus::Locked,
            crate::session::VaultStatus::Unlocked,
        ];
        for status in statuses {
            let name = serde_json::to_value(status).expect("serialises");
            let quoted = format!("\"{}\"", name.as_str().expect("a string"));
            assert!(commands.contains(&quoted), "commands.ts lacks {quoted}");
        }
    }

    #[test]
    fn sentences_keep_their_own_full_stop() {
        assert_eq!(sentence("this is fine."), "This is fine.");
        assert_eq!(sentence(" "), "Something went wrong.");
    }
}
