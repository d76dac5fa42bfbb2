//! Circlebook's core: the encrypted vault engine and the case model, with no knowledge of Tauri or the UI.
//!
//! The database lives only in memory. On disk a vault folder holds age ciphertext: the wrapped identity,
//! snapshots of the whole database and an append-only journal of committed changes (see docs/FORMAT.md).
#![forbid(unsafe_code)]
#![deny(clippy::print_stdout, clippy::print_stderr)]

pub mod bundle;
pub mod error;
pub mod hardening;
pub mod model;
pub mod passphrase;
pub mod schema;
pub mod vault;

pub use error::ErrorKind;
pub use passphrase::{check_passphrase, WeakPassphrase};
pub use secrecy::{ExposeSecret, SecretString};
pub use vault::{
    EditError, Generation, Kdf, LockFailure, RecoveryKey, Stats, UnlockFailure, UnlockKey, UnlockedVault, Vault,
    VerifyReport,
};
