//! The commands: each takes its arguments, calls core, and writes its result through `out`.

mod access;
mod inspect;
mod upkeep;

use std::path::PathBuf;

use circlebook_core::{ErrorKind, UnlockKey, UnlockedVault, Vault};

use crate::args::{Cli, Command};
use crate::failure::Failure;
use crate::secrets::Secrets;

/// What every vault command needs: the folder, the output mode and the passphrases.
#[derive(Debug)]
pub struct Context {
    pub dir: PathBuf,
    pub json: bool,
    pub secrets: Secrets,
}

impl Context {
    /// Takes the vault's lock, then asks for the passphrase and unlocks. A vault in use or absent is reported
    /// before any passphrase is asked for.
    pub fn unlock(&mut self) -> Result<UnlockedVault, Failure> {
        let vault = Vault::open(&self.dir)?;
        let passphrase = self.secrets.passphrase()?;
        vault.unlock(&UnlockKey::Passphrase(passphrase)).map_err(|f| f.error.into())
    }
}

/// Saves every change, folds the journal and locks.
pub fn close(vault: UnlockedVault) -> Result<(), Failure> {
    vault.lock()?;
    Ok(())
}

/// Runs the command.
pub fn run(cli: Cli, secrets: Secrets) -> Result<(), Failure> {
    if let Command::Bench { cases, vault_dir, samples } = cli.command {
        return crate::bench::run(&crate::bench::Options { cases: cases.map(|n| n as usize), vault_dir, samples: samples as usize }, cli.json);
    }
    let dir = cli.vault.or_else(circlebook_core::vault::default_dir).ok_or_else(|| {
        Failure::new(ErrorKind::InvalidInput, "there is no default vault folder here (no HOME); pass --vault DIR")
    })?;
    let mut ctx = Context { dir, json: cli.json, secrets };
    match cli.command {
        Command::Init { recovery_out } => access::init(&mut ctx, recovery_out.as_deref()),
        Command::Passwd => access::passwd(&mut ctx),
        Command::Recover { recovery_key_file } => access::recover(&mut ctx, &recovery_key_file),
        Command::Demo { cases, seed, today } => upkeep::demo(&mut ctx, cases, seed, today),
        Command::Stats => inspect::stats(&mut ctx),
        Command::Verify => inspect::verify(&mut ctx),
        Command::Backups => inspect::backups(&mut ctx),
        Command::Compact => upkeep::compact(&mut ctx),
        Command::Restore { generation } => upkeep::restore(&mut ctx, generation),
        Command::Bench { .. } => unreachable!("handled above"),
    }
}
