//! The app's one piece of state: the vault folder and whether its vault is absent, locked or unlocked.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, PoisonError};

use circlebook_core::model::{ops, Ctx};
use circlebook_core::vault::{CreateError, Notice, UnlockOptions};
use circlebook_core::{Kdf, RecoveryKey, SecretString, UnlockFailure, UnlockKey, UnlockedVault, Vault};
use serde::Serialize;
use tauri::Manager;

use crate::error::IpcError;

/// Where the vault stands. Keys are in memory only in `Unlocked`.
#[derive(Debug, Default)]
pub enum Session {
    /// The folder holds no vault yet.
    #[default]
    NoVault,
    /// A vault is there but this process does not hold its folder lock (another window has it open).
    NotOpened,
    /// This process holds the folder lock; no keys in memory.
    Locked(Vault),
    /// The database is in memory (boxed: it is much larger than the other states).
    Unlocked(Box<UnlockedVault>),
}

/// What the UI is told about the session: which screen to show.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum VaultStatus {
    NoVault,
    Locked,
    Unlocked,
}

impl Session {
    pub fn status(&self) -> VaultStatus {
        match self {
            Session::NoVault => VaultStatus::NoVault,
            Session::NotOpened | Session::Locked(_) => VaultStatus::Locked,
            Session::Unlocked(_) => VaultStatus::Unlocked,
        }
    }

    /// Creates the vault in `dir` and keeps it unlocked.
    pub fn create(&mut self, dir: &Path, passphrase: &SecretString) -> Result<RecoveryKey, CreateError> {
        if !matches!(self, Session::NoVault) {
            return Err(CreateError::Exists(dir.to_path_buf()));
        }
        let (vault, recovery) = Vault::create(dir, passphrase, Kdf::STANDARD)?;
        *self = Session::Unlocked(Box::new(vault));
        Ok(recovery)
    }

    /// What the last unlock found and repaired or accepted (a torn tail moved aside, a rollback accepted on
    /// purpose, a format upgrade); empty when locked.
    pub fn notices(&self) -> Vec<Notice> {
        match self {
            Session::Unlocked(vault) => vault.notices().to_vec(),
            _ => Vec::new(),
        }
    }

    /// Unlocks, taking the folder lock first if needed; already unlocked is fine.
    pub fn unlock(&mut self, dir: &Path, key: &UnlockKey) -> Result<(), IpcError> {
        self.unlock_by(dir, |vault| vault.unlock(key))
    }

    /// Unlocks accepting an older state than this computer has seen, on purpose (the rollback screen's "open this
    /// older copy"); the vault opens with a `rollback_accepted` notice.
    pub fn unlock_older_copy(&mut self, dir: &Path, key: &UnlockKey) -> Result<(), IpcError> {
        let options = UnlockOptions { accept_rollback: true, ..Default::default() };
        self.unlock_by(dir, |vault| vault.unlock_with(key, &options))
    }

    /// Opens a kept generation of a locked vault, even when its newest snapshot is damaged (the damaged-vault
    /// screen's way back); the restored state is saved as a new generation, the damaged one is kept.
    pub fn restore_generation(&mut self, dir: &Path, key: &UnlockKey, number: u64) -> Result<(), IpcError> {
        self.unlock_by(dir, |vault| vault.restore_generation(key, number, &UnlockOptions::default()))
    }

    fn unlock_by(
        &mut self,
        dir: &Path,
        open: impl FnOnce(Vault) -> Result<UnlockedVault, UnlockFailure>,
    ) -> Result<(), IpcError> {
        let vault = match std::mem::take(self) {
            Session::Unlocked(vault) => {
                *self = Session::Unlocked(vault);
                return Ok(());
            }
            Session::Locked(vault) => vault,
            Session::NoVault | Session::NotOpened => match Vault::open(dir) {
                Ok(vault) => vault,
                Err(error) => {
                    *self = if Vault::exists(dir) { Session::NotOpened } else { Session::NoVault };
                    return Err(error.into());
                }
            },
        };
        match open(vault) {
            Ok(unlocked) => *self = Session::Unlocked(Box::new(unlocked)),
            Err(failure) => {
                *self = Session::Locked(failure.vault);
                return Err(failure.error.into());
            }
        }
        Ok(())
    }

    /// Saves what is unsaved and drops the keys; already locked is fine. It always locks: when changes whose
    /// save had already failed still cannot be written (a full disk), they are left out, the error is returned
    /// for the log, and the next unlock tells the person (`Notice::LeftOutAtLock`).
    pub fn lock(&mut self) -> Result<(), IpcError> {
        match std::mem::take(self) {
            Session::Unlocked(vault) => match vault.lock() {
                Ok(vault) => *self = Session::Locked(vault),
                Err(failure) => {
                    *self = Session::Locked(failure.vault);
                    return Err(failure.error.into());
                }
            },
            other => *self = other,
        }
        Ok(())
    }
}

impl Session {
    /// See `commands::vault::vault_revision`.
    pub fn revision(&self) -> Result<String, IpcError> {
        let Session::Unlocked(vault) = self else { return Err(IpcError::locked()) };
        Ok(format!("{}.{}", vault.generation(), vault.conn().total_changes()))
    }

    /// The registry's `export_bundle`, called with its arguments typed rather than as JSON, so that a bundle
    /// passphrase reaches the core as the `SecretString` it is (`commands::share::save_bundle`).
    pub fn export_bundle(
        &mut self,
        args: circlebook_core::bundle::export::ExportArgs,
    ) -> Result<serde_json::Value, IpcError> {
        let Session::Unlocked(vault) = self else { return Err(IpcError::locked()) };
        let exported = circlebook_core::bundle::export::export_bundle(vault, &Ctx::new("facilitator"), args)?;
        serde_json::to_value(exported)
            .map_err(|e| IpcError::from(circlebook_core::model::ModelError::Invalid(e.to_string())))
    }

    /// Runs a registry operation on the unlocked vault; the actor recorded in the audit log is the facilitator.
    pub fn call(&mut self, name: &str, args: serde_json::Value) -> Result<serde_json::Value, IpcError> {
        let Session::Unlocked(vault) = self else { return Err(IpcError::locked()) };
        Ok(ops::call(name, vault, &Ctx::new("facilitator"), args)?)
    }
}

/// Managed by Tauri: the folder and the session behind one lock.
#[derive(Debug)]
pub struct AppState {
    dir: PathBuf,
    session: Mutex<Session>,
}

impl AppState {
    /// Looks at the folder and takes the vault's lock if there is a vault.
    pub fn open(dir: PathBuf) -> Self {
        let session = if !Vault::exists(&dir) {
            Session::NoVault
        } else {
            Vault::open(&dir).map_or(Session::NotOpened, Session::Locked)
        };
        Self { dir, session: Mutex::new(session) }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The session; a panic in another command does not make it unusable.
    pub fn session(&self) -> MutexGuard<'_, Session> {
        self.session.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// On exit, writes any unsaved change and drops the keys.
pub fn lock_on_exit(handle: &tauri::AppHandle) {
    if let Err(error) = handle.state::<AppState>().session().lock() {
        eprintln!("circlebook: {}", error.message);
    }
}

#[cfg(test)]
mod tests {
    use circlebook_core::ErrorKind;

    use super::*;

    const PASSPHRASE: &str = "lantern orchard velvet compass drizzle";

    /// Points this test process's high-water marks at a temp folder (once), never at the real
    /// `~/.local/state/circlebook` (each run of these tests left three there).
    fn isolate_state() {
        static DIR: std::sync::OnceLock<tempfile::TempDir> = std::sync::OnceLock::new();
        let dir = DIR.get_or_init(|| tempfile::tempdir().expect("state dir"));
        circlebook_core::vault::use_state_dir_for_this_process(dir.path());
    }

    fn key(text: &str) -> UnlockKey {
        UnlockKey::Passphrase(SecretString::from(text.to_owned()))
    }

    #[test]
    fn create_lock_wrong_then_right_passphrase() {
        isolate_state();
        let dir = tempfile::tempdir().expect("temp dir");
        let state = AppState::open(dir.path().join("vault"));
        let mut session = state.session();
        assert_eq!(session.status(), VaultStatus::NoVault);

        let recovery = session.create(state.dir(), &SecretString::from(PASSPHRASE.to_owned())).expect("created");
        assert!(recovery.expose().starts_with("AGE-SECRET-KEY-1"));
        assert_eq!(session.status(), VaultStatus::Unlocked);

        session.lock().expect("locked");
        session.lock().expect("locking twice is fine");
        assert_eq!(session.status(), VaultStatus::Locked);

        let wrong = session.unlock(state.dir(), &key("lantern orchard velvet")).expect_err("wrong passphrase");
        assert_eq!(wrong.code, ErrorKind::WrongPassphrase);
        assert_eq!(session.status(), VaultStatus::Locked);

        session.unlock(state.dir(), &key(PASSPHRASE)).expect("unlocked");
        assert_eq!(session.status(), VaultStatus::Unlocked);
        let again = session.create(state.dir(), &SecretString::from(PASSPHRASE.to_owned()));
        assert_eq!(again.map_err(|e| e.kind()).err(), Some(ErrorKind::VaultExists));
    }

    /// A small tmpfs, unmounted on drop; mounting needs root, as CI has (like the core's disk_full tests).
    struct Tmpfs {
        path: std::path::PathBuf,
        _holder: tempfile::TempDir,
    }

    impl Tmpfs {
        fn mount(size: &str) -> Tmpfs {
            let holder = tempfile::tempdir().expect("temp dir");
            let path = holder.path().join("small");
            std::fs::create_dir(&path).expect("mkdir");
            let status = std::process::Command::new("mount")
                .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
                .arg(&path)
                .status()
                .expect("this test needs `mount`");
            assert!(status.success(), "this test mounts a small tmpfs and must run as root (as CI does)");
            Tmpfs { path, _holder: holder }
        }
    }

    impl Drop for Tmpfs {
        fn drop(&mut self) {
            let _ = std::process::Command::new("umount").arg(&self.path).status();
        }
    }

    /// Issue 10, disk full while locking: the session locks all the same (keys and database dropped), the edit that
    /// had failed to save is left out, and the next unlock's notices say so.
    #[test]
    fn locking_on_a_full_disk_still_locks_and_the_next_unlock_says_so() {
        isolate_state();
        use std::io::Write;

        let small = Tmpfs::mount("4m");
        let vault = small.path.join("vault");
        let state = AppState::open(vault.clone());
        let mut session = state.session();
        session.create(&vault, &SecretString::from(PASSPHRASE.to_owned())).expect("created");
        let kept = session.call("create_case", serde_json::json!({ "code_name": "Rowan" })).expect("saved");
        assert!(kept["id"].is_string(), "{kept}");

        let filler = small.path.join("filler");
        let mut file = std::fs::File::create(&filler).expect("filler");
        while file.write_all(&[0x5a; 4096]).is_ok() {}
        let _ = file.sync_all();
        let failed = session
            .call("create_case", serde_json::json!({ "code_name": "Aspen", "harmed_needs": "x".repeat(20_000) }))
            .expect_err("the disk is full");
        assert_eq!(failed.code, ErrorKind::DiskFull);

        let error = session.lock().expect_err("the failed edit still cannot be written");
        assert_eq!(error.code, ErrorKind::DiskFull);
        assert_eq!(session.status(), VaultStatus::Locked, "a full disk never keeps the vault open");
        assert_eq!(session.call("list_cases", serde_json::json!({})).expect_err("locked").code, ErrorKind::Locked);

        std::fs::remove_file(filler).expect("free space");
        session.unlock(state.dir(), &key(PASSPHRASE)).expect("unlocked");
        let listed = session.call("list_cases", serde_json::json!({})).expect("listed").to_string();
        assert!(listed.contains("Rowan") && !listed.contains("Aspen"), "{listed}");
        let notices = serde_json::to_value(session.notices()).expect("json");
        assert_eq!(notices, serde_json::json!([{ "kind": "left_out_at_lock", "cause": "disk_full" }]));
    }

    #[test]
    fn a_vault_open_elsewhere_shows_locked_and_says_so_on_unlock() {
        isolate_state();
        let dir = tempfile::tempdir().expect("temp dir");
        let vault = dir.path().join("vault");
        let first = AppState::open(vault.clone());
        first.session().create(&vault, &SecretString::from(PASSPHRASE.to_owned())).expect("created");

        let second = AppState::open(vault.clone());
        let mut session = second.session();
        assert_eq!(session.status(), VaultStatus::Locked);
        let error = session.unlock(&vault, &key(PASSPHRASE)).expect_err("held by the first");
        assert_eq!(error.code, ErrorKind::AlreadyOpen);
        assert_eq!(session.status(), VaultStatus::Locked);
    }
}
