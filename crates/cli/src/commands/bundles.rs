//! `export` and `import FILE` (issue 11), through the registry. A refused export or import leaves the vault
//! folder byte-identical (`OpenVault::attempt`); refusals are one line naming the participant and the activity,
//! never case text.

use std::path::PathBuf;

use circlebook_core::bundle::export::{ExportPreview, Exported};
use circlebook_core::bundle::import::Imported;
use circlebook_core::{ErrorKind, ExposeSecret};
use serde_json::{json, Value};

use super::{Context, OpenVault};
use crate::failure::Failure;
use crate::out;

/// `export`'s arguments.
#[derive(Debug)]
pub struct ExportCommand {
    pub cases: Vec<String>,
    pub to: Vec<String>,
    pub passphrase: bool,
    pub audience: String,
    pub dry_run: bool,
    pub out: Option<PathBuf>,
    /// Into this vault's subfolder of the exchange folder.
    pub to_exchange: bool,
}

fn read<T: serde::de::DeserializeOwned>(value: Value, what: &str) -> Result<T, Failure> {
    serde_json::from_value(value)
        .map_err(|e| Failure::new(ErrorKind::Io, format_args!("{what} could not be read: {e}")))
}

fn show_preview(preview: &ExportPreview) {
    let to: Vec<&str> = preview.recipients.iter().map(|r| r.label.as_str()).collect();
    out::line(format_args!("For {}:", if to.is_empty() { "the person harmed".to_owned() } else { to.join(", ") }));
    for case in &preview.cases {
        let rows: u64 = case.rows.values().sum();
        out::line(format_args!("  {}  {}  {rows} row(s)", case.code_name, case.id));
        for (table, n) in &case.rows {
            out::line(format_args!("    {table}: {n}"));
        }
    }
    for left in &preview.leaves_out {
        out::line(format_args!("  left out: {left}"));
    }
    if preview.missing_consent.is_empty() {
        out::line("Every participant's consent covers this export.");
    }
    for m in &preview.missing_consent {
        let who = preview.recipients.iter().find(|r| r.shared_with == m.shared_with).map(|r| r.label.as_str());
        if m.channel_refused {
            out::line(format_args!("  missing: {} chose not to hear about progress at all", m.alias));
        } else {
            out::line(format_args!(
                "  missing: {}'s consent to {}{} ({})",
                m.alias,
                m.activity,
                who.map(|w| format!(" with {w}")).unwrap_or_default(),
                m.state.describe()
            ));
        }
    }
}

/// `export --case ID... --to CONTACT... [--passphrase] [--audience A] (--out FILE | --dry-run)`.
pub fn export(ctx: &mut Context, command: ExportCommand) -> Result<(), Failure> {
    let mut args = json!({ "case_ids": command.cases, "to": command.to, "audience": command.audience });
    if command.dry_run {
        let mut vault = OpenVault::open(ctx)?;
        let value = vault.peek("preview_export", args);
        vault.finish()?;
        let value = value?;
        if ctx.json {
            out::json(&value);
        } else {
            show_preview(&read(value, "the preview")?);
            out::line("Nothing was written (dry run).");
        }
        return Ok(());
    }
    let op = if command.to_exchange {
        "export_to_exchange"
    } else {
        let out_path = command.out.ok_or_else(|| Failure::usage("--out FILE says where to write the bundle"))?;
        let out_text =
            out_path.to_str().ok_or_else(|| Failure::new(ErrorKind::InvalidInput, "the file name is not UTF-8"))?;
        args["out"] = json!(out_text);
        "export_bundle"
    };
    let mut vault = OpenVault::open(ctx)?;
    if command.passphrase {
        let passphrase = ctx.secrets.bundle_passphrase()?;
        args["passphrase"] = json!(passphrase.expose_secret());
    }
    let value = vault.attempt(op, args).map_err(|mut failure| {
        // A refusal names the recipient as the ledger does (`contact:KEY`): say the contact's name instead.
        if let Ok(contacts) = vault.peek("list_contacts", json!({})) {
            for contact in contacts.as_array().into_iter().flatten() {
                if let (Some(key), Some(name)) = (contact["signing_key"].as_str(), contact["name"].as_str()) {
                    failure.message = failure.message.replace(&format!("contact:{key}"), name);
                }
            }
        }
        failure
    });
    vault.finish()?;
    let value = value?;
    if ctx.json {
        out::json(&value);
        return Ok(());
    }
    let done: Exported = read(value, "the result")?;
    let to: Vec<&str> = done.recipients.iter().map(|r| r.label.as_str()).collect();
    out::line(format_args!(
        "Wrote {}: {} case(s), {} row(s), {} bytes, for {}{}. Recorded in the audit log.",
        done.path,
        done.case_ids.len(),
        done.rows,
        done.size,
        serde_json::to_value(done.audience).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default(),
        if to.is_empty() { String::new() } else { format!(" ({})", to.join(", ")) }
    ));
    Ok(())
}

/// `import FILE [--accept-unknown-signer]`: applies a bundle, all or nothing.
pub fn import(ctx: &mut Context, file: &std::path::Path, accept_unknown_signer: bool) -> Result<(), Failure> {
    let path = file.to_str().ok_or_else(|| Failure::new(ErrorKind::InvalidInput, "the file name is not UTF-8"))?;
    let mut vault = OpenVault::open(ctx)?;
    let value = vault.attempt("import_bundle", json!({ "path": path, "accept_unknown_signer": accept_unknown_signer }));
    vault.finish()?;
    let value = value?;
    if ctx.json {
        out::json(&value);
        return Ok(());
    }
    let done: Imported = read(value, "the result")?;
    match &done.signer {
        Some(name) => out::line(format_args!("Signed by {name}.")),
        None => out::line(format_args!("Signed by someone who is not a contact (number {}).", done.signer_fingerprint)),
    }
    if done.already_applied {
        out::line("This bundle was applied before: nothing changed.");
        return Ok(());
    }
    for case in &done.cases {
        out::line(format_args!("  {}  {}  (new here)", case.code_name, case.id));
    }
    for case in &done.merged {
        out::line(format_args!("  {}  {}  (merged)", case.code_name, case.id));
    }
    out::line(format_args!(
        "Consent entries added: {}. Records added: {}, changed: {}.",
        done.counts.consent_changes, done.counts.new_records, done.counts.updated_records
    ));
    if done.counts.kept_deleted > 0 {
        out::line(format_args!(
            "{} change(s) to records deleted on one side: they stay deleted.",
            done.counts.kept_deleted
        ));
    }
    if done.counts.conflicts > 0 {
        out::line(format_args!(
            "{} field(s) changed on both sides are now conflicts: see `conflicts`.",
            done.counts.conflicts
        ));
    }
    out::line(format_args!(
        "Applied {} case(s), {} row(s). Recorded in the audit log.",
        done.cases.len() + done.merged.len(),
        done.rows
    ));
    Ok(())
}
