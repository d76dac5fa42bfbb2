//! One error enum per vault operation, each variant a sentence a person can act on.

use std::io;
use std::path::PathBuf;

use crate::error::ErrorKind;
use crate::passphrase::WeakPassphrase;

/// Opening (locking) a vault folder failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum OpenError {
    /// The folder holds no vault.
    #[error("there is no Circlebook vault in {0}")]
    NoVault(PathBuf),
    /// Another process holds the vault's lock.
    #[error("this vault is already open in another Circlebook window or command; close it there first")]
    AlreadyOpen,
    /// The folder could not be read.
    #[error("the vault folder could not be opened: {0}")]
    Io(#[from] io::Error),
}

impl OpenError {
    pub fn kind(&self) -> ErrorKind {
        match self {
            Self::NoVault(_) => ErrorKind::NoVault,
            Self::AlreadyOpen => ErrorKind::AlreadyOpen,
            Self::Io(e) => ErrorKind::of_io(e),
        }
    }
}

/// Creating a vault failed; nothing usable was left behind.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CreateError {
    /// The folder already holds a vault or other files.
    #[error("{0} already holds a vault or other files; choose an empty folder")]
    Exists(PathBuf),
    /// The passphrase is too easy to guess.
    #[error(transparent)]
    Weak(#[from] WeakPassphrase),
    /// Another process is creating or using a vault there.
    #[error(transparent)]
    Open(#[from] OpenError),
    /// Writing the vault failed.
    #[error("the vault could not be written: {0}")]
    Io(#[from] io::Error),
    /// The database could not be set up.
    #[error("the vault's database could not be set up: {0}")]
    Database(#[from] rusqlite::Error),
}

impl CreateError {
    pub fn kind(&self) -> ErrorKind {
        match self {
            Self::Exists(_) => ErrorKind::VaultExists,
            Self::Weak(_) => ErrorKind::WeakPassphrase,
            Self::Open(e) => e.kind(),
            Self::Io(e) => ErrorKind::of_io(e),
            Self::Database(_) => ErrorKind::Io,
        }
    }
}

/// Unlocking failed; the vault's files are byte-identical to before.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum UnlockError {
    /// The passphrase does not open the identity file.
    #[error("that passphrase does not open this vault")]
    WrongPassphrase,
    /// The recovery key is malformed or belongs to another vault.
    #[error("that recovery key does not open this vault")]
    WrongRecoveryKey,
    /// The identity file asks for more scrypt work than allowed.
    #[error("the identity file asks for an scrypt work factor of 2^{0}, above the limit of 2^22; it was not made by Circlebook")]
    ExcessiveWork(u8),
    /// A file is damaged; it was not changed.
    #[error("the vault file {file} is damaged ({detail}); nothing was changed. Restore an earlier generation or use the recovery recipe")]
    Damaged { file: String, detail: String },
    /// The folder holds an older state than this computer has seen (issue 8 item 3).
    #[error("{detail}. Nothing was changed. If you put an older copy of this vault folder back on purpose (from a backup), open it once accepting the older state (circlebook-cli --accept-rollback; in the app, accept the older state): this computer then takes it as the newest")]
    Rollback { detail: String },
    /// The vault comes from a newer Circlebook.
    #[error("this vault was written by a newer version of Circlebook (format {found}; this version reads up to {supported}); please update Circlebook")]
    NewerFormat { found: u32, supported: u32 },
    /// Upgrading the vault's format failed and was rolled back.
    #[error("upgrading the vault's format failed and was undone; nothing was changed: {0}")]
    MigrationFailed(String),
    /// The upgraded vault could not be saved.
    #[error("the upgraded vault could not be saved; nothing was changed: {0}")]
    Save(#[from] SaveError),
    /// Reading failed.
    #[error("the vault could not be read: {0}")]
    Io(#[from] io::Error),
}

impl UnlockError {
    pub fn kind(&self) -> ErrorKind {
        match self {
            Self::WrongPassphrase => ErrorKind::WrongPassphrase,
            Self::WrongRecoveryKey => ErrorKind::WrongRecoveryKey,
            Self::ExcessiveWork(_) | Self::Damaged { .. } => ErrorKind::Damaged,
            Self::Rollback { .. } => ErrorKind::Rollback,
            Self::NewerFormat { .. } => ErrorKind::NewerFormat,
            Self::MigrationFailed(_) => ErrorKind::Damaged,
            Self::Save(e) => e.kind(),
            Self::Io(e) => ErrorKind::of_io(e),
        }
    }
}

/// Writing to disk failed; the files on disk are as before and the change is kept in memory.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SaveError {
    /// The disk is full.
    #[error("the disk is full, so the change is kept in memory but not yet saved; free some space and save again")]
    DiskFull(io::Error),
    /// Another write failure.
    #[error("the change is kept in memory but could not be saved: {0}")]
    Io(io::Error),
    /// The database could not produce the change.
    #[error("the change is kept in memory but could not be prepared for saving: {0}")]
    Database(Box<rusqlite::Error>),
    /// The change reached the vault's files (an unlock would find it), but the folder's fsync then failed, so it
    /// may not survive a power cut. The next save retries.
    #[error("the change was written, but the disk reported an error while making it permanent ({0}); save again to make sure it survives a power cut")]
    Unconfirmed(io::Error),
    /// A purge or compaction saved the new snapshot, but an older file that may still hold what was removed could
    /// not be deleted.
    #[error("the new snapshot is saved, but an older generation or journal could not be deleted and may still hold what was removed ({0}); purge or compact again")]
    NotForgotten(io::Error),
    /// An earlier write failure could not be undone; every write is refused until the vault is reopened.
    #[error("an earlier write failure could not be undone ({0}); nothing acknowledged is lost, but this vault accepts no more changes until it is closed and opened again")]
    Reopen(String),
}

impl From<rusqlite::Error> for SaveError {
    fn from(e: rusqlite::Error) -> Self {
        Self::Database(Box::new(e))
    }
}

impl From<io::Error> for SaveError {
    fn from(e: io::Error) -> Self {
        match ErrorKind::of_io(&e) {
            ErrorKind::DiskFull => Self::DiskFull(e),
            _ => Self::Io(e),
        }
    }
}

impl SaveError {
    pub fn kind(&self) -> ErrorKind {
        match self {
            Self::DiskFull(_) => ErrorKind::DiskFull,
            Self::Unconfirmed(e) | Self::NotForgotten(e) => ErrorKind::of_io(e),
            Self::Io(_) | Self::Database(_) | Self::Reopen(_) => ErrorKind::Io,
        }
    }
}

/// An edit either was rejected (rolled back, nothing changed) or is committed in memory but not yet on disk.
#[derive(Debug, thiserror::Error)]
pub enum EditError<E> {
    /// The edit failed and was rolled back.
    #[error(transparent)]
    Rejected(E),
    /// The edit is in memory; saving it failed. [`super::UnlockedVault::save`] retries.
    #[error(transparent)]
    Unsaved(SaveError),
}

/// Setting a new passphrase failed; the old one still works.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PassphraseError {
    /// The new passphrase is too easy to guess.
    #[error(transparent)]
    Weak(#[from] WeakPassphrase),
    /// The recovery key does not belong to this vault.
    #[error("that recovery key does not open this vault")]
    WrongRecoveryKey,
    /// The vault's snapshot could not be read to check the key.
    #[error(transparent)]
    Unlock(#[from] UnlockError),
    /// The identity file could not be written.
    #[error("the new passphrase could not be saved; the old one still works: {0}")]
    Io(#[from] io::Error),
    /// The new identity file is in place, but the folder's fsync failed.
    #[error("the new passphrase is now the one that opens this vault (use it from now on), but the disk reported an error while making the change permanent: {0}")]
    Unconfirmed(io::Error),
}

impl PassphraseError {
    pub fn kind(&self) -> ErrorKind {
        match self {
            Self::Weak(_) => ErrorKind::WeakPassphrase,
            Self::WrongRecoveryKey => ErrorKind::WrongRecoveryKey,
            Self::Unlock(e) => e.kind(),
            Self::Io(e) | Self::Unconfirmed(e) => ErrorKind::of_io(e),
        }
    }
}

/// Rotating the vault's key failed (issue 8 item 12). The passphrase and the old recovery key still open the vault
/// unless the error says the rotation was committed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RotateError {
    /// The passphrase given is not the one that opens the vault; nothing was written.
    #[error("that passphrase does not open this vault; the key was not changed")]
    WrongPassphrase,
    /// Unsaved changes, or the new snapshot, could not be written; the old key still opens the vault.
    #[error("the key was not changed (the old passphrase and recovery key still open the vault): {0}")]
    NotStarted(SaveError),
    /// The new identity file could not be written; the old key still opens the vault.
    #[error("the key was not changed (the old passphrase and recovery key still open the vault): {0}")]
    Identity(io::Error),
    /// The identity file could not be read.
    #[error(transparent)]
    Unlock(UnlockError),
}

impl RotateError {
    pub fn kind(&self) -> ErrorKind {
        match self {
            Self::WrongPassphrase => ErrorKind::WrongPassphrase,
            Self::NotStarted(e) => e.kind(),
            Self::Identity(e) => ErrorKind::of_io(e),
            Self::Unlock(e) => e.kind(),
        }
    }
}

/// Restoring a generation failed; nothing changed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RestoreError {
    /// There is no such generation.
    #[error("there is no generation {0}; `backups` lists the ones kept")]
    NoSuchGeneration(u64),
    /// The generation's snapshot is damaged.
    #[error(transparent)]
    Unreadable(#[from] UnlockError),
    /// The restored state could not be saved.
    #[error(transparent)]
    Save(#[from] SaveError),
}

impl RestoreError {
    pub fn kind(&self) -> ErrorKind {
        match self {
            Self::NoSuchGeneration(_) => ErrorKind::InvalidInput,
            Self::Unreadable(e) => e.kind(),
            Self::Save(e) => e.kind(),
        }
    }
}
