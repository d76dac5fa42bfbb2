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
}

impl ErrorKind {
    /// Classifies an I/O error: a full disk (or quota) is told apart from the rest.
    pub fn of_io(e: &std::io::Error) -> Self {
        match e.kind() {
            std::io::ErrorKind::StorageFull | std::io::ErrorKind::QuotaExceeded => ErrorKind::DiskFull,
            _ => ErrorKind::Io,
        }
    }
}
