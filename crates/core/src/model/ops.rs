//! The one registry of operations on an unlocked vault. The desktop app's `call` command and
//! `circlebook-cli call` both dispatch through it, by the same names with the same JSON shapes; the UI's
//! TypeScript bindings are generated from it ([`bindings`](super::bindings)). An operation missing here exists in
//! neither front end, and area functions are `pub(crate)`: this registry is the only door into the model.

use std::sync::LazyLock;

use rusqlite::Transaction;
use serde_json::Value;

use super::context::Ctx;
use super::errors::ModelError;
use crate::vault::UnlockedVault;

pub use super::op::{config, Access, Op, TypeCollector};

static REGISTRY: LazyLock<Vec<Op>> = LazyLock::new(|| {
    let mut all = Vec::new();
    all.extend(super::cases::ops());
    all.extend(super::case_file::ops());
    all.extend(super::processes::ops());
    all.extend(super::sessions::ops());
    all.extend(super::session_attention::ops());
    all.extend(super::session_record::ops());
    all.extend(super::session_outcomes::ops());
    all.extend(super::shuttle::ops());
    all.extend(super::accountability::ops());
    all.extend(super::progress_report::ops());
    all.extend(super::participants::ops());
    all.extend(super::participant_record::ops());
    all.extend(super::terminology::ops());
    all.extend(super::consent::ops());
    all.extend(super::assessments::ops());
    all.extend(super::safety::ops());
    all.extend(super::audit_log::ops());
    all.extend(super::notes::ops());
    all.extend(super::attachments::ops());
    all.extend(super::tasks::ops());
    all.extend(super::search::ops());
    all.extend(super::timeline::ops());
    all.extend(super::due::ops());
    all.extend(super::stats::ops());
    // Issue 11: identity and contacts (their logic lives in `crate::bundle`).
    all.extend(crate::bundle::contacts::ops());
    all.extend(crate::bundle::export::ops());
    all.extend(crate::bundle::exchange::ops());
    all.extend(crate::bundle::import::ops());
    all.extend(crate::bundle::preview::ops());
    all.extend(crate::bundle::conflicts::ops());
    all.sort_by_key(|op| op.name);
    all
});

/// Every operation, sorted by name.
pub fn all() -> &'static [Op] {
    &REGISTRY
}

/// The operation called `name`.
pub fn find(name: &str) -> Option<&'static Op> {
    REGISTRY.iter().find(|op| op.name == name)
}

/// Runs the operation called `name`.
pub fn call(name: &str, vault: &mut UnlockedVault, ctx: &Ctx, args: Value) -> Result<Value, ModelError> {
    let op = find(name).ok_or_else(|| ModelError::Invalid(format!("there is no operation called `{name}`")))?;
    op.call(vault, ctx, args)
}

/// TypeScript for the UI's error codes: the closed `ErrorKind` union and the list of its words, and the
/// Runs the read or write operation called `name` inside a transaction the caller holds (`UnlockedVault::edit`),
/// so that several operations make one journal record: the demo generator's batches. The operation and its rules
/// are the same as through [`call`]; an operation on the vault itself is refused.
pub fn call_in(name: &str, tx: &Transaction<'_>, ctx: &Ctx, args: Value) -> Result<Value, ModelError> {
    let op = find(name).ok_or_else(|| ModelError::Invalid(format!("there is no operation called `{name}`")))?;
    op.call_in(tx, ctx, args)
}

#[cfg(test)]
mod tests {
    #[test]
    fn names_are_unique_snake_case() {
        let names: Vec<_> = super::all().iter().map(|op| op.name).collect();
        let mut unique = names.clone();
        unique.dedup();
        assert_eq!(names, unique);
        assert!(names.iter().all(|n| n.chars().all(|c| c.is_ascii_lowercase() || c == '_')));
    }
}
