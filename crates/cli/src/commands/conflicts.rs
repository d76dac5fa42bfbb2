//! `conflicts` and `resolve ID --take N` (issue 11, "Merge"), through the registry: the fields of shared cases
//! that hold values written on two vaults since they last agreed, and the facilitator's choice among them.

use circlebook_core::bundle::conflicts::{Conflict, Resolved};
use serde_json::json;

use super::{Context, OpenVault};
use crate::failure::Failure;
use crate::out;

/// `conflicts [--case ID]`: reads only.
pub fn list(ctx: &mut Context, case: Option<String>) -> Result<(), Failure> {
    let mut vault = OpenVault::open(ctx)?;
    let found = vault.call_as::<Vec<Conflict>>("list_conflicts", json!({ "case_id": case }));
    vault.finish()?;
    let found = found?;
    if ctx.json {
        out::json(&found);
        return Ok(());
    }
    if found.is_empty() {
        out::line("No conflicts: every shared case agrees.");
        return Ok(());
    }
    for c in &found {
        out::line(format_args!("{}  {}  {} {}  field {}", c.id, c.code_name, c.record_kind, c.record_id, c.field));
        for (i, v) in c.values.iter().enumerate() {
            let shown = if v.shown { "  (shown now)" } else { "" };
            out::line(format_args!("  [{i}] {}  from {}{shown}", v.value, v.from));
        }
    }
    out::line(format_args!(
        "{} conflict(s). Keep one value with `resolve ID --take N`; the choice travels with your next bundle.",
        found.len()
    ));
    Ok(())
}

/// `resolve ID --take N`.
pub fn resolve(ctx: &mut Context, id: &str, take: u32) -> Result<(), Failure> {
    let mut vault = OpenVault::open(ctx)?;
    let done = vault.call_as::<Resolved>("resolve_conflict", json!({ "id": id, "choice": take }));
    vault.finish()?;
    let done = done?;
    if ctx.json {
        out::json(&done);
        return Ok(());
    }
    out::line(format_args!(
        "Kept {} for {} {} field {}. Recorded in the audit log.",
        done.value, done.record_kind, done.record_id, done.field
    ));
    Ok(())
}
