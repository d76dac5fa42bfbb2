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

/// Where a new recovery key goes (`--recovery-out`): a private file made before the key exists, so that a refused
/// path fails before anything changes; without one, the terminal.
struct KeyFile<'a>(Option<(&'a Path, File)>);

impl<'a> KeyFile<'a> {
    fn create(path: Option<&'a Path>) -> Result<Self, Failure> {
        Ok(Self(path.map(|path| create_private_file(path).map(|file| (path, file))).transpose()?))
    }

    /// The key was never made: the empty file goes.
    fn discard(self) {
        if let Some((path, file)) = self.0 {
            drop(file);
            let _ = fs::remove_file(path);
        }
    }

    /// Writes the key to the file and says so (`saved`), or shows it on the terminal (`what` the vault in …); a
    /// file that cannot be written shows it too, since the key exists now and must not be lost. Whether it was shown.
    fn deliver(
        self,
        ctx: &Context,
        key: &RecoveryKey,
        what: &str,
        noun: &str,
        saved: impl FnOnce(&Path) -> String,
    ) -> Result<bool, Failure> {
        let Some((path, file)) = self.0 else {
            show_key(ctx.json, &ctx.dir, key, what);
            return Ok(true);
        };
        if let Err(e) = write_key(file, key) {
            show_key(ctx.json, &ctx.dir, key, what);
            return Err(Failure::new(
                ErrorKind::of_io(&e),
                format_args!("{noun} could not be written to {} ({e}); it was printed instead", path.display()),
            ));
        }
        if ctx.json {
            out::json(&json!({ "vault": ctx.dir, "recovery_key_file": path }));
        } else {
            out::line(saved(path));
        }
        Ok(false)
    }
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
    let key_file = KeyFile::create(recovery_out)?;
    let (vault, key) = match Vault::create(&ctx.dir, &passphrase, Kdf::STANDARD) {
        Ok(created) => created,
        Err(e) => {
            key_file.discard();
            return Err(e.into());
        }
    };
    close(vault)?;
    key_file.deliver(ctx, &key, "Created a new vault in", "the recovery key", |path| {
        format!(
            "Created a new vault in {}.\nIts recovery key is in {} (readable only by you). \
             Move it somewhere safe and offline; anyone who holds it can read every case.",
            ctx.dir.display(),
            path.display()
        )
    })?;
    Ok(())
}

fn show_key(json: bool, dir: &Path, key: &RecoveryKey, what: &str) {
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
    let key_file = KeyFile::create(recovery_out)?;
    let key = match vault.rotate_key(&passphrase, Kdf::STANDARD) {
        Ok(key) => key,
        Err(e) => {
            key_file.discard();
            return Err(e.into());
        }
    };
    close(vault)?;
    let shown = key_file.deliver(ctx, &key, "The key of the vault in", "the new recovery key", |path| {
        format!(
            "The key of the vault in {} is changed; the old recovery key no longer opens it.\n\
             The new recovery key is in {} (readable only by you). \
             Move it somewhere safe and offline; anyone who holds it can read every case.",
            ctx.dir.display(),
            path.display()
        )
    })?;
    if shown && !ctx.json {
        out::line("The old recovery key no longer opens the vault; destroy it. The passphrase is unchanged.");
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
