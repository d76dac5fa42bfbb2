//! The closed set of error kinds that front ends branch on, shared by every operation's error enum.

use serde::Serialize;
use ts_rs::TS;

/// What went wrong, in the terms a front end needs to decide what to show or which exit code to use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ErrorKind {
    /// The passphrase did not open the vault.
    WrongPassphrase,
    /// The recovery key is malformed or belongs to another vault.
    WrongRecoveryKey,
    /// The new passphrase is too easy to guess.
    WeakPassphrase,
    /// Another process has this vault open.
    AlreadyOpen,
    /// There is no vault in that folder.
    NoVault,
    /// A vault already exists in that folder.
    VaultExists,
    /// A file of the vault is damaged; nothing was overwritten.
    Damaged,
    /// The vault was written by a newer Circlebook.
    NewerFormat,
    /// The disk is full; the change is kept in memory.
    DiskFull,
    /// The input was not acceptable (an unknown generation, a bad argument).
    InvalidInput,
    /// Any other input/output failure.
    Io,
    /// The record does not exist (or was purged).
    NotFound,
    /// A participant's current consent does not cover the activity.
    ConsentRequired,
    /// A shuttle message's author has not approved relaying it.
    ApprovalRequired,
    /// A rule of practice forbids the operation as asked (for example closing without an outcome summary).
    NotAllowed,
    /// The vault is locked: unlock it first.
    Locked,
    /// The folder holds an older state than this computer has seen (a copy put back, or files removed); nothing
    /// was changed, and it opens only when the older state is accepted on purpose.
    Rollback,
}

impl ErrorKind {
    /// Every kind, in declaration order (the generated UI bindings list them).
    pub const ALL: &'static [ErrorKind] = &[
        ErrorKind::WrongPassphrase,
        ErrorKind::WrongRecoveryKey,
        ErrorKind::WeakPassphrase,
        ErrorKind::AlreadyOpen,
        ErrorKind::NoVault,
        ErrorKind::VaultExists,
        ErrorKind::Damaged,
        ErrorKind::NewerFormat,
        ErrorKind::DiskFull,
        ErrorKind::InvalidInput,
        ErrorKind::Io,
        ErrorKind::NotFound,
        ErrorKind::ConsentRequired,
        ErrorKind::ApprovalRequired,
        ErrorKind::NotAllowed,
        ErrorKind::Locked,
        ErrorKind::Rollback,
    ];

    /// The position in [`ErrorKind::ALL`]; the exhaustive match makes a new variant impossible to forget.
    pub fn position(self) -> usize {
        match self {
            ErrorKind::WrongPassphrase => 0,
            ErrorKind::WrongRecoveryKey => 1,
            ErrorKind::WeakPassphrase => 2,
            ErrorKind::AlreadyOpen => 3,
            ErrorKind::NoVault => 4,
            ErrorKind::VaultExists => 5,
            ErrorKind::Damaged => 6,
            ErrorKind::NewerFormat => 7,
            ErrorKind::DiskFull => 8,
            ErrorKind::InvalidInput => 9,
            ErrorKind::Io => 10,
            ErrorKind::NotFound => 11,
            ErrorKind::ConsentRequired => 12,
            ErrorKind::ApprovalRequired => 13,
            ErrorKind::NotAllowed => 14,
            ErrorKind::Locked => 15,
            ErrorKind::Rollback => 16,
        }
    }

    /// The snake_case word the front ends see.
    pub fn code(self) -> String {
        serde_json::to_value(self).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
    }

    /// Classifies an I/O error: a full disk (or quota) is told apart from the rest.
    pub fn of_io(e: &std::io::Error) -> Self {
        match e.kind() {
            std::io::ErrorKind::StorageFull | std::io::ErrorKind::QuotaExceeded => ErrorKind::DiskFull,
            _ => ErrorKind::Io,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::ErrorKind;

    #[test]
    fn all_lists_every_kind_once_in_order() {
        for (i, kind) in ErrorKind::ALL.iter().enumerate() {
            assert_eq!(kind.position(), i, "{kind:?}");
        }
        assert_eq!(ErrorKind::Rollback.position() + 1, ErrorKind::ALL.len());
        assert_eq!(ErrorKind::Rollback.code(), "rollback");
        assert_eq!(ErrorKind::ConsentRequired.code(), "consent_required");
    }
}
