//! The commands: each takes its arguments, calls core, and writes its result through `out`.

mod access;
mod bundles;
mod call;
mod conflicts;
mod contacts;
mod exchange;
mod inspect;
mod reads;
mod show;
mod text;
mod upkeep;
mod wording;

use std::path::PathBuf;

use circlebook_core::model::ops::{self, Access};
use circlebook_core::model::{Ctx, ModelError};
use circlebook_core::vault::UnlockOptions;
use circlebook_core::{ErrorKind, UnlockKey, UnlockedVault, Vault};
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::args::{Cli, Command, ContactAction};
use crate::failure::Failure;
use crate::secrets::Secrets;

/// What every vault command needs: the folder, the output mode and the passphrases.
#[derive(Debug)]
pub struct Context {
    pub dir: PathBuf,
    pub json: bool,
    pub secrets: Secrets,
    /// `--accept-rollback`: open an older state than this computer has seen, on purpose.
    pub accept_rollback: bool,
}

impl Context {
    /// Takes the vault's lock, then asks for the passphrase and unlocks. A vault in use or absent is reported
    /// before any passphrase is asked for.
    pub fn unlock(&mut self) -> Result<UnlockedVault, Failure> {
        let vault = Vault::open(&self.dir)?;
        let passphrase = self.secrets.passphrase()?;
        let options = UnlockOptions { accept_rollback: self.accept_rollback, ..UnlockOptions::default() };
        let vault = vault.unlock_with(&UnlockKey::Passphrase(passphrase), &options).map_err(|f| f.error)?;
        crate::out::vault_notices(vault.notices());
        Ok(vault)
    }
}

/// Who the audit log says acted, for everything done through the command line.
pub const ACTOR: &str = "circlebook-cli";

/// The vault unlocked for one command, reached only through the operation registry (the same names and shapes
/// as the desktop app). Reads leave every file as it was; after a change, [`OpenVault::finish`] saves and locks.
pub struct OpenVault {
    vault: UnlockedVault,
    ctx: Ctx,
    changed: bool,
}

impl OpenVault {
    pub fn open(ctx: &mut Context) -> Result<OpenVault, Failure> {
        Ok(OpenVault { vault: ctx.unlock()?, ctx: Ctx::new(ACTOR), changed: false })
    }

    /// Runs the operation called `name`.
    pub fn call(&mut self, name: &str, args: Value) -> Result<Value, Failure> {
        let op = find(name)?;
        if op.access != Access::Read {
            self.changed = true;
        }
        op.call(&mut self.vault, &self.ctx, args).map_err(|e| {
            if let ModelError::Unsaved(_) = e {
                // The change is in memory only: locking tries to save it once more.
                self.changed = true;
            }
            Failure::from(e)
        })
    }

    /// Runs an operation whose refusal must leave the vault folder byte-identical (export, import): a refused
    /// operation was rolled back, so unless it was committed and only its save failed, nothing is saved for it.
    pub fn attempt(&mut self, name: &str, args: Value) -> Result<Value, Failure> {
        let op = find(name)?;
        match op.call(&mut self.vault, &self.ctx, args) {
            Ok(value) => {
                if op.access != Access::Read {
                    self.changed = true;
                }
                Ok(value)
            }
            Err(e) => {
                if let ModelError::Unsaved(_) = e {
                    self.changed = true;
                }
                Err(Failure::from(e))
            }
        }
    }

    /// Runs a vault operation that changes nothing (`get_identity`, `list_contacts`): nothing is saved after it.
    pub fn peek(&mut self, name: &str, args: Value) -> Result<Value, Failure> {
        find(name)?.call(&mut self.vault, &self.ctx, args).map_err(Failure::from)
    }

    /// Runs the operation called `name` and reads its result as `T` (one of core's result types).
    pub fn call_as<T: DeserializeOwned>(&mut self, name: &str, args: Value) -> Result<T, Failure> {
        let value = self.call(name, args)?;
        serde_json::from_value(value)
            .map_err(|e| Failure::new(ErrorKind::Io, format_args!("the result of {name} could not be read: {e}")))
    }

    /// Locks: after a change, saving and folding first; after reads only, writing nothing.
    pub fn finish(self) -> Result<(), Failure> {
        if self.changed {
            close(self.vault)
        } else {
            drop(self.vault);
            Ok(())
        }
    }
}

impl std::fmt::Debug for OpenVault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OpenVault").field("changed", &self.changed).finish_non_exhaustive()
    }
}

/// The registered operation called `name`.
pub fn find(name: &str) -> Result<&'static ops::Op, Failure> {
    ops::find(name).ok_or_else(|| {
        Failure::new(ErrorKind::NotFound, format_args!("there is no operation called {name}; `call --list` shows them"))
    })
}

/// Saves every change, folds the journal and locks.
pub fn close(vault: UnlockedVault) -> Result<(), Failure> {
    vault.lock()?;
    Ok(())
}

/// Runs the command.
pub fn run(cli: Cli, secrets: Secrets) -> Result<(), Failure> {
    match cli.command {
        Command::Bench { cases, vault_dir, samples } => {
            let options =
                crate::bench::Options { cases: cases.map(|n| n as usize), vault_dir, samples: samples as usize };
            return crate::bench::run(&options, cli.json);
        }
        Command::Call { list: true, .. } => return call::list(cli.json),
        _ => {}
    }
    let dir = cli.vault.or_else(circlebook_core::vault::default_dir).ok_or_else(|| {
        Failure::new(ErrorKind::InvalidInput, "there is no default vault folder here (no HOME); pass --vault DIR")
    })?;
    let mut ctx = Context { dir, json: cli.json, secrets, accept_rollback: cli.accept_rollback };
    match cli.command {
        Command::Init { recovery_out } => access::init(&mut ctx, recovery_out.as_deref()),
        Command::Passwd => access::passwd(&mut ctx),
        Command::RotateKey { recovery_out } => access::rotate_key(&mut ctx, recovery_out.as_deref()),
        Command::Recover { recovery_key_file } => access::recover(&mut ctx, &recovery_key_file),
        Command::Demo { cases, seed, today } => upkeep::demo(&mut ctx, cases, seed, today),
        Command::Stats => inspect::stats(&mut ctx),
        Command::Verify => inspect::verify(&mut ctx),
        Command::Backups => inspect::backups(&mut ctx),
        Command::Compact => upkeep::compact(&mut ctx),
        Command::Restore { generation } => upkeep::restore(&mut ctx, generation),
        Command::Call { name, args, args_file, .. } => {
            call::call(&mut ctx, name.as_deref(), args.as_deref(), args_file.as_deref())
        }
        Command::Cases { stage, tag, all } => reads::cases(&mut ctx, stage, tag, all),
        Command::Show { case } => show::show(&mut ctx, &case),
        Command::Search { query, stage, process, tag, role, limit } => {
            reads::search(&mut ctx, &query.join(" "), reads::SearchFilters { stage, process, tag, role, limit })
        }
        Command::Due { within, limit } => reads::due(&mut ctx, within, limit),
        Command::Report { from, to, csv } => reads::report(&mut ctx, from, to, csv),
        Command::Identity { card, name } => contacts::identity(&mut ctx, card, name),
        Command::Contact { action: ContactAction::Add { card, verified } } => contacts::add(&mut ctx, &card, verified),
        Command::Contact { action: ContactAction::Verify { name_or_key } } => contacts::verify(&mut ctx, &name_or_key),
        Command::Contacts => contacts::list(&mut ctx),
        Command::Export { cases, to, passphrase, audience, dry_run, out, to_exchange } => bundles::export(
            &mut ctx,
            bundles::ExportCommand { cases, to, passphrase, audience, dry_run, out, to_exchange },
        ),
        Command::Import { file, dry_run: true, .. } => contacts::import(&mut ctx, &file),
        Command::Import { file, dry_run: false, accept_unknown_signer } => {
            bundles::import(&mut ctx, &file, accept_unknown_signer)
        }
        Command::Conflicts { case } => conflicts::list(&mut ctx, case),
        Command::Resolve { id, take } => conflicts::resolve(&mut ctx, &id, take),
        Command::Exchange { action } => exchange::exchange(&mut ctx, action),
        Command::Bench { .. } => unreachable!("handled above"),
    }
}
