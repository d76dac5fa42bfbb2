//! `identity`, `contact add`, `contact verify`, `contacts` and `import --dry-run` (issue 11), through the registry. Names come from
//! other people's cards: they are printed neutralised like all stored text.

use circlebook_core::bundle::contacts::{Contact, Identity};
use circlebook_core::bundle::preview::BundlePreview;
use circlebook_core::ErrorKind;
use serde_json::{json, Value};

use super::{Context, OpenVault};
use crate::failure::Failure;
use crate::out;

fn peek(ctx: &mut Context, name: &str, args: Value) -> Result<Value, Failure> {
    let mut vault = OpenVault::open(ctx)?;
    let value = vault.peek(name, args);
    vault.finish()?;
    value
}

fn write(ctx: &mut Context, name: &str, args: Value) -> Result<Contact, Failure> {
    let mut vault = OpenVault::open(ctx)?;
    let value = vault.call_as(name, args);
    vault.finish()?;
    value
}

/// `identity [--card [--name NAME]]`: reads only.
pub fn identity(ctx: &mut Context, card: bool, name: Option<String>) -> Result<(), Failure> {
    let value = peek(ctx, "get_identity", json!({ "name": name }))?;
    let me: Identity = serde_json::from_value(value.clone()).map_err(|e| {
        Failure::new(circlebook_core::ErrorKind::Io, format_args!("the identity could not be read: {e}"))
    })?;
    match (card, ctx.json) {
        (true, true) => out::json(&json!({ "card": me.card })),
        (true, false) => out::line(&me.card),
        (false, true) => out::json(&value),
        (false, false) => {
            out::line(format_args!("recipient    {}", me.recipient));
            out::line(format_args!("signing key  {}", me.signing_key));
            out::line(format_args!("fingerprint  {}", me.fingerprint));
            out::line("\n`identity --card` prints the card to give to a co-facilitator.");
        }
    }
    Ok(())
}

fn show(contact: &Contact) {
    let state = if contact.verified { "verified" } else { "not verified: compare the number by voice" };
    out::line(format_args!("{}  ({state})", contact.name));
    out::line(format_args!("  signing key  {}", contact.signing_key));
    if let Some(pair) = &contact.pair_fingerprint {
        out::line(format_args!("  number       {pair}"));
    } else {
        out::line(format_args!("  fingerprint  {}", contact.fingerprint));
    }
}

/// `contact add --card TEXT [--verified]`.
pub fn add(ctx: &mut Context, card: &str, verified: bool) -> Result<(), Failure> {
    let contact = write(ctx, "add_contact", json!({ "card": card, "verified": verified }))?;
    if ctx.json {
        out::json(&contact);
    } else {
        show(&contact);
        if !contact.verified {
            out::line(format_args!(
                "\nAdded. Read the number in `contacts` aloud with {} and then run `contact verify`.",
                contact.name
            ));
        }
    }
    Ok(())
}

/// `contact verify NAME_OR_KEY`.
pub fn verify(ctx: &mut Context, name_or_key: &str) -> Result<(), Failure> {
    let contact = write(ctx, "verify_contact", json!({ "name_or_key": name_or_key }))?;
    if ctx.json {
        out::json(&contact);
    } else {
        show(&contact);
    }
    Ok(())
}

/// `contacts`: reads only.
pub fn list(ctx: &mut Context) -> Result<(), Failure> {
    let value = peek(ctx, "list_contacts", json!({}))?;
    if ctx.json {
        out::json(&value);
        return Ok(());
    }
    let contacts: Vec<Contact> = serde_json::from_value(value).map_err(|e| {
        Failure::new(circlebook_core::ErrorKind::Io, format_args!("the contacts could not be read: {e}"))
    })?;
    if contacts.is_empty() {
        out::line("No contacts. `contact add --card TEXT` adds one from their card.");
    }
    for contact in &contacts {
        show(contact);
    }
    Ok(())
}

/// `import FILE --dry-run`: verifies the bundle and shows what it holds; writes nothing.
pub fn import(ctx: &mut Context, file: &std::path::Path) -> Result<(), Failure> {
    let path = file.to_str().ok_or_else(|| Failure::new(ErrorKind::InvalidInput, "the file name is not UTF-8"))?;
    let value = peek(ctx, "preview_bundle", json!({ "path": path }))?;
    if ctx.json {
        out::json(&value);
        return Ok(());
    }
    let preview: BundlePreview = serde_json::from_value(value)
        .map_err(|e| Failure::new(ErrorKind::Io, format_args!("the preview could not be read: {e}")))?;
    let signer = &preview.signer;
    match (&signer.name, signer.verified) {
        (Some(name), true) => out::line(format_args!("Signed by {name} (verified contact).")),
        (Some(name), false) => out::line(format_args!(
            "Signed by {name}, a contact not yet verified: compare your number in `contacts` by voice."
        )),
        (None, _) => out::line(format_args!(
            "Signed by someone who is not a contact. Their number: {}\nCompare it with them by voice before trusting this bundle.",
            signer.fingerprint
        )),
    }
    out::line(format_args!(
        "Made {} for the audience {}.",
        preview.created_at.format("%Y-%m-%d %H:%M UTC"),
        preview.audience
    ));
    for case in &preview.cases {
        let state = match (case.purged, case.new) {
            (true, _) => "(purged here: refused, it never comes back)",
            (false, true) => "(new here)",
            (false, false) => "(already here: merged)",
        };
        out::line(format_args!("  {}  {state}, {} consent entries", case.code_name, case.consent_entries));
    }
    out::line(format_args!(
        "Consent entries it would add: {}. Records it would add: {}, change: {}.",
        preview.counts.consent_changes, preview.counts.new_records, preview.counts.updated_records
    ));
    for c in &preview.new_conflicts {
        out::line(format_args!("  conflict {}  {} {}  field {}", c.id, c.record_kind, c.record_id, c.field));
    }
    if preview.counts.conflicts > 0 {
        out::line(format_args!("{} field(s) changed on both sides would become conflicts.", preview.counts.conflicts));
    }
    if preview.counts.kept_deleted > 0 {
        out::line(format_args!("{} change(s) to deleted records would stay deleted.", preview.counts.kept_deleted));
    }
    if let Some(why) = &preview.refusal {
        out::line(format_args!("Refused: {why}"));
    }
    let rows: u64 = preview.row_counts.values().sum();
    out::line(format_args!("{} case(s), {rows} row(s) in all. Nothing was changed (dry run).", preview.cases.len()));
    if preview.applied_before {
        out::line("This bundle was applied here before: importing it again changes nothing.");
    } else if preview.would_apply {
        out::line("`import FILE` would apply it, all or nothing.");
    } else {
        out::line("`import FILE` would refuse it (see above).");
    }
    Ok(())
}
