//! `exchange`, `exchange set FOLDER` and `exchange unset` (issue 11), through the registry: the folder a sync tool
//! keeps in step, and what other vaults left in it. `export --to-exchange` writes into it (`bundles.rs`); a
//! listed bundle is applied with `import PATH`.

use circlebook_core::bundle::exchange::{ExchangeStatus, IncomingState};
use circlebook_core::ErrorKind;
use serde_json::json;

use super::text::minute;
use super::{Context, OpenVault};
use crate::args::ExchangeAction;
use crate::failure::Failure;
use crate::out;

fn state_words(state: IncomingState) -> &'static str {
    match state {
        IncomingState::New => "new: review it with `import PATH --dry-run`",
        IncomingState::Applied => "applied",
        IncomingState::StillArriving => "still arriving",
        IncomingState::NotForUs => "not for this vault",
        IncomingState::Refused => "refused",
    }
}

fn show(status: &ExchangeStatus) {
    let Some(folder) = &status.folder else {
        out::line("No exchange folder is chosen. `exchange set FOLDER` chooses one a sync tool keeps in step.");
        return;
    };
    out::line(format_args!("Exchange folder  {folder}"));
    out::line(format_args!(
        "Your subfolder   {}  ({} bundle(s) sent)",
        status.my_subfolder.as_deref().unwrap_or_default(),
        status.sent
    ));
    if status.incoming.is_empty() {
        out::line("Nothing has arrived from others.");
    }
    for b in &status.incoming {
        let from = b.from.clone().unwrap_or_else(|| format!("subfolder {}", b.subfolder));
        let when = b.modified.as_ref().map(minute).unwrap_or_default();
        out::line(format_args!("  {}  from {from}  {when}", state_words(b.state)));
        if let Some(reason) = &b.reason {
            out::line(format_args!("    {reason}"));
        }
        out::line(format_args!("    {}", b.path));
    }
    if !status.skipped.is_empty() {
        out::line(format_args!(
            "{} other item(s) left alone (temporary files, conflict copies, links); `--json` lists them.",
            status.skipped.len()
        ));
    }
}

/// `exchange [set FOLDER | unset]`.
pub fn exchange(ctx: &mut Context, action: Option<ExchangeAction>) -> Result<(), Failure> {
    let mut vault = OpenVault::open(ctx)?;
    let value = match &action {
        None => vault.peek("exchange_status", json!({})),
        Some(ExchangeAction::Set { path }) => {
            let text =
                path.to_str().ok_or_else(|| Failure::new(ErrorKind::InvalidInput, "the folder's name is not UTF-8"))?;
            vault.attempt("set_exchange_folder", json!({ "path": text }))
        }
        Some(ExchangeAction::Unset) => vault.attempt("set_exchange_folder", json!({ "path": null })),
    };
    vault.finish()?;
    let status: ExchangeStatus = serde_json::from_value(value?).map_err(|e| {
        Failure::new(ErrorKind::Io, format_args!("the exchange folder's status could not be read: {e}"))
    })?;
    if ctx.json {
        out::json(&status);
    } else {
        show(&status);
    }
    if let Some(problem) = &status.problem {
        return Err(Failure::new(ErrorKind::NotFound, problem));
    }
    Ok(())
}
