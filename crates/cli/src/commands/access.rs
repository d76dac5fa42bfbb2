//! Who can open the vault: `init` (a new vault and its recovery key), `passwd` and `recover`.

use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::path::Path;

use circlebook_core::{ErrorKind, Kdf, RecoveryKey, SecretString, Vault};
use serde_json::json;

use super::{close, Context};
use crate::failure::Failure;
use crate::out;

/// Creates `path` for the recovery key: it must not exist, and it is private (0600) before a byte is written.
fn create_private_file(path: &Path) -> Result<File, Failure> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path).map_err(|e| {
        let why =
            if e.kind() == std::io::ErrorKind::AlreadyExists { "it already exists".to_owned() } else { e.to_string() };
        Failure::new(
            ErrorKind::of_io(&e),
            format_args!("the recovery key file {} could not be created ({why}); no vault was created", path.display()),
        )
    })
}

fn write_key(mut file: File, key: &RecoveryKey) -> std::io::Result<()> {
    let created = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    write!(
        file,
        "# Circlebook recovery key, created {created}.\n\
         # Anyone who holds this key can read every case in the vault: keep it offline and private.\n\
         # It sets a new passphrase with `circlebook-cli recover`, and it is an age identity (`age -d -i`).\n\
         {}\n",
        key.expose()
    )?;
    file.sync_all()
}

/// `init [--recovery-out FILE]`.
pub fn init(ctx: &mut Context, recovery_out: Option<&Path>) -> Result<(), Failure> {
    if Vault::exists(&ctx.dir) {
        return Err(Failure::new(
            ErrorKind::VaultExists,
            format_args!("there is already a vault in {}", ctx.dir.display()),
        ));
    }
    let passphrase = ctx.secrets.chosen_passphrase()?;
    let key_file = recovery_out.map(|path| create_private_file(path).map(|file| (path, file))).transpose()?;
    let (vault, key) = match Vault::create(&ctx.dir, &passphrase, Kdf::STANDARD) {
        Ok(created) => created,
        Err(e) => {
            if let Some((path, file)) = key_file {
                drop(file);
                let _ = fs::remove_file(path);
            }
            return Err(e.into());
        }
    };
    close(vault)?;
    let dir = ctx.dir.display();
    match key_file {
        Some((path, file)) => {
            if let Err(e) = write_key(file, &key) {
                // The vault exists now: the key must not be lost, so it goes to the terminal instead.
                show_key(ctx.json, &ctx.dir, &key);
                return Err(Failure::new(
                    ErrorKind::of_io(&e),
                    format_args!(
                        "the recovery key could not be written to {} ({e}); it was printed instead",
                        path.display()
                    ),
                ));
            }
            if ctx.json {
                out::json(&json!({ "vault": ctx.dir, "recovery_key_file": path }));
            } else {
                out::line(format_args!(
                    "Created a new vault in {dir}.\nIts recovery key is in {} (readable only by you). \
                     Move it somewhere safe and offline; anyone who holds it can read every case.",
                    path.display()
                ));
            }
        }
        None => show_key(ctx.json, &ctx.dir, &key),
    }
    Ok(())
}

fn show_key(json: bool, dir: &Path, key: &RecoveryKey) {
    show_key_after(json, dir, key, "Created a new vault in");
}

fn show_key_after(json: bool, dir: &Path, key: &RecoveryKey, what: &str) {
    if json {
        out::json(&json!({ "vault": dir, "recovery_key": key.expose() }));
        return;
    }
    out::line(format_args!(
        "{what} {}.\n\n\
         Below is its recovery key. It is shown only this once.\n\
         If the passphrase is ever forgotten, this key sets a new one (circlebook-cli recover).\n\
         Anyone who has it can read every case, so write it on paper or keep it on a drive stored somewhere\n\
         safe and offline, and nowhere else.\n\n    {}\n",
        dir.display(),
        key.expose()
    ));
}

/// `passwd`: a new passphrase, given the current one.
pub fn passwd(ctx: &mut Context) -> Result<(), Failure> {
    let mut vault = ctx.unlock()?;
    let new = ctx.secrets.new_passphrase()?;
    vault.change_passphrase(&new, Kdf::STANDARD)?;
    // Nothing in the database changed: dropping locks without writing anything else.
    drop(vault);
    if ctx.json {
        out::json(&json!({ "changed": true }));
    } else {
        out::line("The passphrase is changed. The old one no longer opens the vault; the recovery key still does.");
    }
    Ok(())
}

/// `rotate-key [--recovery-out FILE]`: a new key for the vault (issue 8 item 12), given the passphrase, which
/// stays the same; the new recovery key is shown (or saved) once, as `init` does.
pub fn rotate_key(ctx: &mut Context, recovery_out: Option<&Path>) -> Result<(), Failure> {
    let vault = Vault::open(&ctx.dir)?;
    let passphrase = ctx.secrets.passphrase()?;
    let options = circlebook_core::vault::UnlockOptions { accept_rollback: ctx.accept_rollback, ..Default::default() };
    let mut vault = vault
        .unlock_with(&circlebook_core::UnlockKey::Passphrase(passphrase.clone()), &options)
        .map_err(|f| f.error)?;
    out::vault_notices(vault.notices());
    let key_file = recovery_out.map(|path| create_private_file(path).map(|file| (path, file))).transpose()?;
    let key = match vault.rotate_key(&passphrase, Kdf::STANDARD) {
        Ok(key) => key,
        Err(e) => {
            if let Some((path, file)) = key_file {
                drop(file);
                let _ = fs::remove_file(path);
            }
            return Err(e.into());
        }
    };
    close(vault)?;
    let what = "The key of the vault in";
    match key_file {
        Some((path, file)) => {
            if let Err(e) = write_key(file, &key) {
                show_key_after(ctx.json, &ctx.dir, &key, what);
                return Err(Failure::new(
                    ErrorKind::of_io(&e),
                    format_args!(
                        "the new recovery key could not be written to {} ({e}); it was printed instead",
                        path.display()
                    ),
                ));
            }
            if ctx.json {
                out::json(&json!({ "vault": ctx.dir, "recovery_key_file": path }));
            } else {
                out::line(format_args!(
                    "The key of the vault in {} is changed; the old recovery key no longer opens it.\n\
                     The new recovery key is in {} (readable only by you). \
                     Move it somewhere safe and offline; anyone who holds it can read every case.",
                    ctx.dir.display(),
                    path.display()
                ));
            }
        }
        None => {
            show_key_after(ctx.json, &ctx.dir, &key, what);
            if !ctx.json {
                out::line("The old recovery key no longer opens the vault; destroy it. The passphrase is unchanged.");
            }
        }
    }
    Ok(())
}

/// `recover --recovery-key-file FILE`: a new passphrase, given the recovery key.
pub fn recover(ctx: &mut Context, key_file: &Path) -> Result<(), Failure> {
    let vault = Vault::open(&ctx.dir)?;
    let key = fs::read_to_string(key_file).map(SecretString::from).map_err(|e| {
        Failure::new(
            ErrorKind::InvalidInput,
            format_args!("the recovery key file {} could not be read: {e}", key_file.display()),
        )
    })?;
    let new = ctx.secrets.new_passphrase()?;
    vault.recover(&key, &new, Kdf::STANDARD)?;
    if ctx.json {
        out::json(&json!({ "changed": true }));
    } else {
        out::line("A new passphrase is set. The recovery key still works; keep it safe.");
    }
    Ok(())
}
