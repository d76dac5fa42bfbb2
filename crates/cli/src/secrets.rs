//! Where passphrases come from: `CIRCLEBOOK_PASSPHRASE` / `CIRCLEBOOK_NEW_PASSPHRASE` for scripts, else a
//! prompt on the terminal without echo. The variables are removed from the environment once read, so no
//! child process (such as `age` in `bench`) inherits them.

use circlebook_core::{check_passphrase, ErrorKind, ExposeSecret, SecretString};

use crate::failure::Failure;

/// The current passphrase, for unlocking (and for `init`, the one to choose).
pub const PASSPHRASE_VAR: &str = "CIRCLEBOOK_PASSPHRASE";
/// The new passphrase, for `passwd` and `recover`.
pub const NEW_PASSPHRASE_VAR: &str = "CIRCLEBOOK_NEW_PASSPHRASE";
/// The passphrase a bundle is encrypted to (`export --passphrase`).
pub const BUNDLE_PASSPHRASE_VAR: &str = "CIRCLEBOOK_BUNDLE_PASSPHRASE";

/// The passphrases given through the environment, taken once at start-up.
#[derive(Debug)]
pub struct Secrets {
    passphrase: Option<SecretString>,
    new_passphrase: Option<SecretString>,
    bundle_passphrase: Option<SecretString>,
}

fn take(var: &str) -> Option<SecretString> {
    let value = std::env::var(var).ok().map(SecretString::from);
    // Single-threaded at this point: nothing else reads the environment concurrently.
    std::env::remove_var(var);
    value
}

fn prompt(text: &str) -> Result<SecretString, Failure> {
    rpassword::prompt_password(text).map(SecretString::from).map_err(|e| {
        Failure::new(
            ErrorKind::InvalidInput,
            format_args!("no passphrase was given: set {PASSPHRASE_VAR} or run in a terminal ({e})"),
        )
    })
}

/// Asks twice (on the terminal) for a passphrase to choose, refusing a weak one before the second prompt.
fn prompt_new(first: &str) -> Result<SecretString, Failure> {
    let chosen = prompt(first)?;
    check_passphrase(&chosen).map_err(|weak| Failure::new(ErrorKind::WeakPassphrase, weak))?;
    let again = prompt("Type it again: ")?;
    if chosen.expose_secret() != again.expose_secret() {
        return Err(Failure::new(ErrorKind::InvalidInput, "the two passphrases differ; nothing was changed"));
    }
    Ok(chosen)
}

impl Secrets {
    /// Takes the passphrase variables out of the environment. Call before any thread or child is started.
    pub fn from_env() -> Self {
        Self {
            passphrase: take(PASSPHRASE_VAR),
            new_passphrase: take(NEW_PASSPHRASE_VAR),
            bundle_passphrase: take(BUNDLE_PASSPHRASE_VAR),
        }
    }

    /// The passphrase that opens the vault.
    pub fn passphrase(&mut self) -> Result<SecretString, Failure> {
        match self.passphrase.take() {
            Some(p) => Ok(p),
            None => prompt("Vault passphrase: "),
        }
    }

    /// The passphrase for a new vault (`CIRCLEBOOK_PASSPHRASE`, else asked twice).
    pub fn chosen_passphrase(&mut self) -> Result<SecretString, Failure> {
        match self.passphrase.take() {
            Some(p) => Ok(p),
            None => prompt_new("Choose a passphrase for the new vault: "),
        }
    }

    /// The passphrase to change to (`CIRCLEBOOK_NEW_PASSPHRASE`, else asked twice).
    pub fn new_passphrase(&mut self) -> Result<SecretString, Failure> {
        match self.new_passphrase.take() {
            Some(p) => Ok(p),
            None => prompt_new("New passphrase: "),
        }
    }

    /// The passphrase to encrypt a bundle to (`CIRCLEBOOK_BUNDLE_PASSPHRASE`, else asked twice); a weak one is
    /// refused like a vault's.
    pub fn bundle_passphrase(&mut self) -> Result<SecretString, Failure> {
        match self.bundle_passphrase.take() {
            Some(p) => {
                check_passphrase(&p).map_err(|weak| Failure::new(ErrorKind::WeakPassphrase, weak))?;
                Ok(p)
            }
            None => prompt_new("Passphrase for the bundle (tell it to the recipient another way): "),
        }
    }
}
