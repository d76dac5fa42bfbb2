//! Case bundles (issue 11): the vault's signing key and contact card, its contacts, and the bundle file, an
//! age-encrypted tar of a signed manifest and a small SQLite database of cases, read in memory only
//! (docs/FORMAT.md, "Case bundles"), and merging them into cases already here (`sync`, `conflicts`).

pub mod card;
pub mod conflicts;
pub mod contacts;
pub mod exchange;
pub mod export;
pub mod file;
pub mod header;
pub mod import;
pub mod keys;
pub mod payload;
pub mod preview;
pub mod sync;

pub use card::{CardError, ContactCard};
pub use keys::{Fingerprint, PublicKey, SigningIdentity};
