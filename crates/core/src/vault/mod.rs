//! The vault: a folder holding age ciphertext only, opened by one process at a time, whose database lives in
//! memory once unlocked. See docs/FORMAT.md for the files and docs/ARCHITECTURE.md for the write path.

mod disk;
mod durable;
mod errors;
#[doc(hidden)]
pub mod fuzzing;
mod inspect;
mod journal;
mod keys;
mod layout;
mod load;
mod notice;
mod pieces;
pub(crate) mod replay;
mod rescue;
mod rotation;
mod seal;
mod snapshot;
mod unlocked;
mod watermark;

use std::fs;
use std::path::{Path, PathBuf};

use secrecy::{ExposeSecret, SecretString};

#[cfg(feature = "testing")]
pub use disk::{faults, Call};
use durable::{File, ReplaceError};
pub use errors::{
    CreateError, EditError, OpenError, PassphraseError, RestoreError, RotateError, SaveError, UnlockError,
};
pub use inspect::{Generation, Stats, VerifyReport};
pub use keys::{MAX_LOG_N, STANDARD_LOG_N};
pub use layout::Layout;
pub use load::UnlockOptions;
pub use notice::Notice;
pub use unlocked::{RotateStep, UnlockedVault};
pub use watermark::{default_state_dir, use_state_dir_for_this_process};

use crate::passphrase::check_passphrase;

/// How many snapshot generations are kept.
pub const KEPT_GENERATIONS: usize = 5;

/// scrypt parameters for wrapping the identity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Kdf {
    /// log2 of scrypt's N.
    pub log_n: u8,
}

impl Kdf {
    /// What Circlebook writes: 2^18.
    pub const STANDARD: Kdf = Kdf { log_n: STANDARD_LOG_N };
}

/// What opens a vault.
#[derive(Debug)]
pub enum UnlockKey {
    /// The passphrase chosen at creation (or since).
    Passphrase(SecretString),
    /// The recovery key (`AGE-SECRET-KEY-1…`) shown once at creation.
    RecoveryKey(SecretString),
}

/// The recovery key: the vault's age identity. Shown once at creation, to be kept offline.
#[derive(Debug)]
pub struct RecoveryKey(SecretString);

impl RecoveryKey {
    /// The key's text, `AGE-SECRET-KEY-1…`.
    pub fn expose(&self) -> &str {
        self.0.expose_secret()
    }
}

/// A vault folder held with an exclusive lock, still locked (no keys in memory).
#[derive(Debug)]
pub struct Vault {
    layout: Layout,
    _lock: File,
    /// The last lock in this process left out changes that could not be written (why): told at the next unlock.
    left_out_at_lock: Option<crate::ErrorKind>,
}

/// Unlocking failed: the error, and the still-locked vault to try again with.
#[derive(Debug)]
pub struct UnlockFailure {
    pub vault: Vault,
    pub error: UnlockError,
}

/// Unsaved changes (edits whose save had already failed, so never acknowledged) could not be written while
/// locking. The vault is locked all the same: the database and keys are dropped, and the changes with them; the
/// next unlock says so with [`Notice::LeftOutAtLock`].
#[derive(Debug)]
pub struct LockFailure {
    pub vault: Vault,
    pub error: SaveError,
}

impl Vault {
    /// Whether `dir` holds a vault.
    pub fn exists(dir: &Path) -> bool {
        disk::symlink_metadata(&Layout::new(dir).marker()).is_ok()
    }

    /// Takes the vault folder's exclusive lock.
    pub fn open(dir: &Path) -> Result<Vault, OpenError> {
        let layout = Layout::new(dir);
        if !durable::file_exists(&layout.marker())? {
            return Err(OpenError::NoVault(dir.to_path_buf()));
        }
        durable::check_dir(&layout.snapshots())?;
        durable::check_dir(&layout.journals())?;
        let lock = take_lock(&layout)?;
        Ok(Vault { layout, _lock: lock, left_out_at_lock: None })
    }

    /// Creates a vault in `dir` (which must be empty or absent) and returns it unlocked, with its recovery key.
    pub fn create(
        dir: &Path,
        passphrase: &SecretString,
        kdf: Kdf,
    ) -> Result<(UnlockedVault, RecoveryKey), CreateError> {
        Self::create_from(dir, passphrase, kdf, keys::generate(), &UnlockOptions::default())
    }

    /// Creates a vault with a given identity, for tests only (`testing` feature): the golden bundles
    /// (tests/data/bundles) are addressed to a committed test identity. Each such vault needs `options` with a
    /// state folder of its own: two vaults of one identity are otherwise taken for a rollback. No shipped build
    /// has this.
    #[cfg(feature = "testing")]
    pub fn create_with_identity(
        dir: &Path,
        passphrase: &SecretString,
        kdf: Kdf,
        identity: age::x25519::Identity,
        options: &UnlockOptions,
    ) -> Result<(UnlockedVault, RecoveryKey), CreateError> {
        Self::create_from(dir, passphrase, kdf, identity, options)
    }

    fn create_from(
        dir: &Path,
        passphrase: &SecretString,
        kdf: Kdf,
        identity: age::x25519::Identity,
        options: &UnlockOptions,
    ) -> Result<(UnlockedVault, RecoveryKey), CreateError> {
        check_passphrase(passphrase)?;
        if disk::symlink_metadata(dir).is_ok() && !disk::read_dir(dir)?.is_empty() {
            return Err(CreateError::Exists(dir.to_path_buf()));
        }
        durable::create_dir(dir)?;
        disk::set_mode(dir, durable::DIR_MODE)?;
        let layout = Layout::new(dir);
        let lock = take_lock(&layout)?;
        let result = Self::create_locked(&layout, passphrase, kdf, identity);
        if result.is_err() {
            // Leave the folder as empty as we found it: no half-made vault.
            for path in [layout.snapshots(), layout.journals()] {
                let _ = disk::remove_dir_all(&path);
            }
            for path in [layout.identity(), layout.marker(), layout.lock()] {
                let _ = disk::remove_file(&path);
            }
            return Err(result.err().expect("checked"));
        }
        let identity = result.expect("checked");
        let recovery = RecoveryKey(identity.to_string());
        let vault = Vault { layout, _lock: lock, left_out_at_lock: None };
        let unlocked = load::load(vault, identity, load::Source::Latest, options).map_err(|f| match f.error {
            UnlockError::Io(e) => CreateError::Io(e),
            other => CreateError::Io(std::io::Error::other(other.to_string())),
        })?;
        Ok((unlocked, recovery))
    }

    fn create_locked(
        layout: &Layout,
        passphrase: &SecretString,
        kdf: Kdf,
        identity: age::x25519::Identity,
    ) -> Result<age::x25519::Identity, CreateError> {
        durable::create_dir(&layout.snapshots())?;
        durable::create_dir(&layout.journals())?;
        let mut conn = rusqlite::Connection::open_in_memory()?;
        replay::harden(&conn)?;
        crate::schema::migrate(&conn).map_err(|e| CreateError::Io(std::io::Error::other(e.to_string())))?;
        snapshot::set_meta(&conn, &seal::new_vault_id(), 1)?;
        let data = conn.serialize(rusqlite::MAIN_DB)?;
        snapshot::write(layout, 1, &identity, &seal::MacKey::of(&identity), &data).map_err(std::io::Error::from)?;
        durable::replace(&layout.identity(), &keys::wrap_identity(&identity, passphrase, kdf.log_n)?)?;
        durable::replace(&layout.marker(), layout::MARKER_CONTENT.as_bytes())?;
        durable::sync_dir(layout.root())?;
        Ok(identity)
    }

    /// Unlocks with the passphrase or the recovery key. On failure the vault comes back, still locked.
    pub fn unlock(self, key: &UnlockKey) -> Result<UnlockedVault, UnlockFailure> {
        self.unlock_with(key, &UnlockOptions::default())
    }

    /// Unlocks with options: where this computer's high-water marks are, and whether an older state than the
    /// one this computer has seen is accepted on purpose (see [`UnlockOptions`]).
    pub fn unlock_with(self, key: &UnlockKey, options: &UnlockOptions) -> Result<UnlockedVault, UnlockFailure> {
        let identity = match self.identity(key) {
            Ok(identity) => identity,
            Err(error) => return Err(UnlockFailure { vault: self, error }),
        };
        // The identity in identity.age decides which generations are current (it is a key rotation's commit point).
        let source = match key {
            UnlockKey::Passphrase(_) => load::Source::LatestForIdentityFile,
            UnlockKey::RecoveryKey(_) => load::Source::Latest,
        };
        load::load(self, identity, source, options)
    }

    /// Sets a new passphrase using the recovery key (for a forgotten passphrase).
    pub fn recover(
        &self,
        recovery_key: &SecretString,
        new_passphrase: &SecretString,
        kdf: Kdf,
    ) -> Result<(), PassphraseError> {
        let identity = self.identity(&UnlockKey::RecoveryKey(recovery_key.clone())).map_err(|e| match e {
            UnlockError::WrongRecoveryKey => PassphraseError::WrongRecoveryKey,
            other => PassphraseError::Unlock(other),
        })?;
        check_passphrase(new_passphrase)?;
        replace_identity(&self.layout, &keys::wrap_identity(&identity, new_passphrase, kdf.log_n)?)
    }

    /// The vault folder.
    pub fn dir(&self) -> &Path {
        self.layout.root()
    }

    /// The vault's file layout.
    pub fn layout(&self) -> &Layout {
        &self.layout
    }

    fn identity(&self, key: &UnlockKey) -> Result<age::x25519::Identity, UnlockError> {
        self.identity_for(key, None)
    }

    /// The identity; a recovery key is checked against snapshot `generation` (the newest when `None`).
    fn identity_for(&self, key: &UnlockKey, generation: Option<u64>) -> Result<age::x25519::Identity, UnlockError> {
        match key {
            UnlockKey::Passphrase(passphrase) => {
                let wrapped = durable::read(&self.layout.identity())?;
                keys::unwrap_identity(&wrapped, passphrase).map_err(|e| match e {
                    keys::OpenFailure::WrongKey => UnlockError::WrongPassphrase,
                    keys::OpenFailure::ExcessiveWork(n) => UnlockError::ExcessiveWork(n),
                    keys::OpenFailure::Damaged(detail) => UnlockError::Damaged { file: "identity.age".into(), detail },
                    keys::OpenFailure::Io(e) => UnlockError::Io(e),
                })
            }
            UnlockKey::RecoveryKey(text) => {
                let identity = keys::parse_recovery_key(text).ok_or(UnlockError::WrongRecoveryKey)?;
                let newest = self.layout.snapshot_generations()?.last().copied();
                let latest = generation.or(newest).ok_or_else(|| UnlockError::Damaged {
                    file: "snapshots/".into(),
                    detail: "there is no snapshot".into(),
                })?;
                let file = durable::open_read(&self.layout.snapshot(latest))?;
                keys::opens_header(&identity, std::io::BufReader::new(file)).map_err(|e| match e {
                    keys::OpenFailure::WrongKey => UnlockError::WrongRecoveryKey,
                    keys::OpenFailure::Io(e) => UnlockError::Io(e),
                    keys::OpenFailure::Damaged(detail) => {
                        UnlockError::Damaged { file: snapshot::snapshot_name(latest), detail }
                    }
                    keys::OpenFailure::ExcessiveWork(_) => UnlockError::Damaged {
                        file: snapshot::snapshot_name(latest),
                        detail: "it is passphrase-encrypted, not a snapshot".into(),
                    },
                })?;
                Ok(identity)
            }
        }
    }
}

/// Puts a newly wrapped identity in place. The rename is the commit point: after it the new passphrase is the one
/// that opens the vault, so a failed folder fsync then is [`PassphraseError::Unconfirmed`], never "the old one
/// still works".
fn replace_identity(layout: &Layout, wrapped: &[u8]) -> Result<(), PassphraseError> {
    durable::replace_checked(&layout.identity(), wrapped).map_err(|e| match e {
        ReplaceError::Before(e) => PassphraseError::Io(e),
        ReplaceError::After(e) => PassphraseError::Unconfirmed(e),
    })
}

fn take_lock(layout: &Layout) -> Result<File, OpenError> {
    let file = durable::open(&layout.lock(), durable::options().read(true).write(true).create(true).truncate(false))?;
    // A lock just released can still be shared for a moment with a child process between its fork and exec
    // (any thread's `Command::spawn`): wait briefly before saying another process has the vault open.
    for attempt in 0..25 {
        match file.try_lock() {
            Ok(()) => return Ok(file),
            Err(fs::TryLockError::WouldBlock) if attempt < 24 => {
                std::thread::sleep(std::time::Duration::from_millis(10))
            }
            Err(fs::TryLockError::WouldBlock) => return Err(OpenError::AlreadyOpen),
            Err(fs::TryLockError::Error(e)) => return Err(OpenError::Io(e)),
        }
    }
    Err(OpenError::AlreadyOpen)
}

/// The default vault folder: the platform's data directory.
pub fn default_dir() -> Option<PathBuf> {
    let home = std::env::var_os("XDG_DATA_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/share")))?;
    Some(home.join("circlebook").join("vault"))
}
