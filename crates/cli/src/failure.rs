//! A command's failure, and the one place that turns it into an exit code and one line on stderr.
//!
//! Exit codes: 0 success; 1 a failure the person can act on (wrong passphrase, vault in use, damaged file,
//! newer format…); 2 a usage error, which clap reports before any command runs.

use std::fmt::Display;
use std::process::ExitCode;

use circlebook_core::model::{ErrorDetails, ModelError};
use circlebook_core::vault::{
    CreateError, OpenError, PassphraseError, RestoreError, RotateError, SaveError, UnlockError,
};
use circlebook_core::{ErrorKind, LockFailure, UnlockFailure};
use circlebook_demo::DemoError;
use serde::Serialize;

/// Exit code of every failure that is not a usage error.
pub const EXIT_FAILURE: u8 = 1;
/// Exit code of a usage error (clap's own, and input the command line cannot use, such as invalid JSON).
pub const EXIT_USAGE: u8 = 2;

/// A failure a person can act on: its kind (for `--json`) and one sentence.
#[derive(Debug, Serialize)]
pub struct Failure {
    pub code: ErrorKind,
    pub message: String,
    /// Structured details (for `consent_required`: who, which activity, which state, as of which day).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub details: Option<ErrorDetails>,
    /// A usage error: exit 2 instead of 1.
    #[serde(skip)]
    pub usage: bool,
}

impl Failure {
    pub fn new(code: ErrorKind, message: impl Display) -> Self {
        // One line, always: scripts read stderr line by line.
        let message = message.to_string().split_whitespace().collect::<Vec<_>>().join(" ");
        Self { code, message, details: None, usage: false }
    }

    /// A usage error (exit 2), like clap's.
    pub fn usage(message: impl Display) -> Self {
        Self { usage: true, ..Self::new(ErrorKind::InvalidInput, message) }
    }

    /// Writes the failure (one line on stderr; with `--json` also an object on stdout) and gives the exit code.
    pub fn report(&self, json: bool) -> ExitCode {
        if json {
            crate::out::json(&serde_json::json!({ "error": self }));
        }
        crate::out::error_line(format_args!("error: {}", self.message));
        ExitCode::from(if self.usage { EXIT_USAGE } else { EXIT_FAILURE })
    }
}

macro_rules! from_core_error {
    ($($error:ty),* $(,)?) => {$(
        impl From<$error> for Failure {
            fn from(e: $error) -> Self {
                Failure::new(e.kind(), &e)
            }
        }
    )*};
}

from_core_error!(OpenError, CreateError, UnlockError, PassphraseError, RestoreError, RotateError, SaveError, DemoError);

impl From<ModelError> for Failure {
    fn from(e: ModelError) -> Self {
        Failure { details: e.details(), ..Failure::new(e.kind(), &e) }
    }
}

impl From<UnlockFailure> for Failure {
    fn from(f: UnlockFailure) -> Self {
        f.error.into()
    }
}

impl From<LockFailure> for Failure {
    fn from(f: LockFailure) -> Self {
        f.error.into()
    }
}

impl From<rusqlite::Error> for Failure {
    fn from(e: rusqlite::Error) -> Self {
        Failure::new(ErrorKind::Io, format_args!("the vault's database could not be read: {e}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_one_line() {
        let f = Failure::new(ErrorKind::Io, "first line\nsecond   line\n");
        assert_eq!(f.message, "first line second line");
    }
}
