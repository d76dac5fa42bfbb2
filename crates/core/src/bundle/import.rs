//! `import_bundle` (issue 11): verify a bundle as `preview_bundle` does, then apply it all or nothing in one
//! transaction (one authenticated journal record). A case new to this vault arrives with every record it carries;
//! a case already here is merged record by record and field by field (`super::sync`): one-sided changes are
//! taken, values written on both sides are kept as a conflict, a deleted record stays deleted, an older bundle
//! changes nothing. A re-import of a bundle already applied changes nothing; the same bundle id with other
//! content, a purged case, a row that belongs to no listed case or that is already in this vault elsewhere, and
//! any value the model cannot read are refused, and nothing is written.

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::contacts::known_signer;
use super::export::owner_filter;
use super::file::{self, Audience, Key, Limits, Signer};
use super::keys::{Fingerprint, PublicKey};
use super::payload;
use super::preview::{listed_cases, read_bounded, refused};
use super::sync::{self, MergeReport};
use crate::model::cases::CaseRef;
use crate::model::ops::Op;
use crate::model::rows::audit;
use crate::model::{CaseId, Ctx, ModelError};
use crate::vault::{EditError, UnlockedVault};

pub fn ops() -> Vec<Op> {
    crate::ops! {
        vault "import_bundle" => import_bundle, "Verify a bundle addressed to this vault and apply it, all or nothing: new cases with their records, and changes to cases already here merged (conflicts kept for the facilitator); a re-import changes nothing.";
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct ImportArgs {
    /// The bundle file.
    pub path: String,
    /// Apply a bundle whose signer is not a verified contact (after comparing their number by voice).
    #[serde(default)]
    #[ts(optional)]
    pub accept_unknown_signer: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ImportedCase {
    pub id: CaseId,
    pub code_name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Imported {
    pub bundle_id: String,
    /// The signer's name when a contact.
    pub signer: Option<String>,
    pub signer_fingerprint: String,
    /// The cases created (empty when the bundle was applied before).
    pub cases: Vec<ImportedCase>,
    /// Rows written in all (records and consent entries added or changed).
    pub rows: u64,
    /// The bundle had been applied before: nothing changed.
    pub already_applied: bool,
    pub created_at: DateTime<Utc>,
    /// Cases already here that the bundle was merged into.
    #[serde(default)]
    #[ts(as = "Option<Vec<ImportedCase>>", optional)]
    pub merged: Vec<ImportedCase>,
    /// What the merge did (all zero for cases new to this vault).
    #[serde(flatten)]
    #[ts(flatten)]
    pub counts: MergeCounts,
}

/// What a merge did or, in a preview, would do: the counts an import result and a preview both carry.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct MergeCounts {
    /// Consent ledger entries added (shown first: they change what may be done).
    #[serde(default)]
    #[ts(as = "Option<u64>", optional)]
    pub consent_changes: u64,
    /// Records added (consent entries apart).
    #[serde(default)]
    #[ts(as = "Option<u64>", optional)]
    pub new_records: u64,
    /// Records changed or deleted.
    #[serde(default)]
    #[ts(as = "Option<u64>", optional)]
    pub updated_records: u64,
    /// Fields that hold values written on both sides (see `list_conflicts`).
    #[serde(default)]
    #[ts(as = "Option<u64>", optional)]
    pub conflicts: u64,
    /// Records changed in the bundle that were deleted here (or there): they stay deleted.
    #[serde(default)]
    #[ts(as = "Option<u64>", optional)]
    pub kept_deleted: u64,
}

impl MergeCounts {
    pub(crate) fn of(report: &MergeReport) -> Self {
        MergeCounts {
            consent_changes: report.consent_changes,
            new_records: report.new_records,
            updated_records: report.updated_records,
            conflicts: report.conflicts.len() as u64,
            kept_deleted: report.kept_deleted,
        }
    }
}

/// What applying a bundle did.
pub(crate) struct Applied {
    pub created: Vec<ImportedCase>,
    pub merged: Vec<ImportedCase>,
    pub report: MergeReport,
}

/// Applies the bundle's cases in `tx` (an unstamped edit, or a preview's transaction that is rolled back).
pub(crate) fn apply(
    tx: &Transaction<'_>,
    ctx: &Ctx,
    payload: &Connection,
    cases: &[(String, String)],
) -> Result<Applied, ModelError> {
    let mut created = Vec::new();
    let mut merged = Vec::new();
    for (id, code_name) in cases {
        let purged: bool =
            tx.query_row("SELECT count(*) > 0 FROM purged_cases WHERE case_id = ?1", [id], |r| r.get(0))?;
        if purged {
            return Err(ModelError::NotAllowed(format!(
                "the case {code_name} was purged from this vault; a purged case never comes back"
            )));
        }
        let here: bool = tx.query_row("SELECT count(*) > 0 FROM cases WHERE id = ?1", [id], |r| r.get(0))?;
        let case_id: CaseId = id.parse().map_err(|_| {
            refused(format!("the bundle names its case {code_name} by an id that is not a Circlebook id"))
        })?;
        let entry = ImportedCase { id: case_id, code_name: code_name.clone() };
        if here {
            merged.push(entry);
        } else {
            created.push(entry);
        }
    }
    tx.execute_batch("PRAGMA defer_foreign_keys = ON;")?;
    let mut report = MergeReport::default();
    for (id, _) in cases {
        sync::merge_case(tx, payload, id, &mut report)?;
    }
    report.kept_deleted += sync::drop_orphans(tx)?;
    let dangling: i64 = tx.query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| r.get(0))?;
    if dangling != 0 {
        return Err(refused("the bundle's records refer to records it does not hold"));
    }
    for case in created.iter().chain(&merged) {
        // Every record is read back through the model's own types: a value it cannot read refuses the bundle.
        crate::model::case_file::case_file(tx, ctx, CaseRef { case_id: case.id.clone() })
            .map_err(|e| refused(format!("the bundle holds a record this version cannot read: {e}")))?;
    }
    Ok(Applied { created, merged, report })
}

/// Every row of the payload belongs to one of its listed cases.
pub(crate) fn check_ownership(payload: &Connection, case_ids: &[String]) -> Result<(), ModelError> {
    let ids = serde_json::to_string(case_ids).map_err(|e| refused(e.to_string()))?;
    for table in payload::case_tables(payload)? {
        let filter = owner_filter(&table)
            .ok_or_else(|| refused(format!("this build does not know which case the table {table} belongs to")))?;
        let all: i64 = payload.query_row(&format!("SELECT count(*) FROM \"{table}\""), [], |r| r.get(0))?;
        let owned: i64 =
            payload
                .query_row(&format!("SELECT count(*) FROM \"{table}\" WHERE {filter}"), params![ids], |r| r.get(0))?;
        if all != owned {
            return Err(refused(format!("the bundle holds {table} rows that belong to no case it lists")));
        }
    }
    Ok(())
}

pub fn import_bundle(vault: &mut UnlockedVault, ctx: &Ctx, args: ImportArgs) -> Result<Imported, ModelError> {
    let limits = Limits::default();
    let bytes = read_bounded(&args.path, limits.max_file_bytes)?;
    let opened = {
        let conn = vault.conn();
        let known = |key: &PublicKey| known_signer(conn, key).ok().flatten();
        file::read(&bytes, Key::Identity(vault.identity()), &known, &limits).map_err(refused)?
    };
    let manifest = &opened.manifest;
    let key =
        PublicKey::from_text(&manifest.signer.signing_key).ok_or_else(|| refused("the signer's key is malformed"))?;
    let fingerprint = Fingerprint::of(&key, &manifest.signer.recipient).to_string();
    let signer = match &opened.signer {
        Signer::Known { name, verified: true } => Some(name.clone()),
        Signer::Known { name, verified: false } if args.accept_unknown_signer == Some(true) => Some(name.clone()),
        Signer::Unknown { .. } if args.accept_unknown_signer == Some(true) => None,
        Signer::Known { name, verified: false } => {
            return Err(ModelError::NotAllowed(format!(
                "this bundle is signed by {name}, a contact not yet verified: compare your number with them by voice \
                 (`contact verify`), or accept this signer explicitly"
            )))
        }
        Signer::Unknown { .. } => {
            return Err(ModelError::NotAllowed(format!(
                "this bundle is signed by someone who is not a contact (number {fingerprint}): compare it with \
                 them by voice, then add their card or accept this signer explicitly"
            )))
        }
    };
    if manifest.audience != Audience::CoFacilitator {
        return Err(ModelError::NotAllowed(
            "only a co-facilitator's bundle is applied; a supervisor's or progress bundle is for reading, not merging"
                .into(),
        ));
    }
    let cases = listed_cases(&opened)?;
    let seen: Option<String> = vault
        .conn()
        .query_row("SELECT sha256 FROM imported_bundles WHERE bundle_id = ?1", [&manifest.bundle_id], |r| r.get(0))
        .optional()?;
    match seen {
        Some(hash) if hash == manifest.payload.sha256 => {
            return Ok(Imported {
                bundle_id: manifest.bundle_id.clone(),
                signer,
                signer_fingerprint: fingerprint,
                cases: Vec::new(),
                rows: 0,
                already_applied: true,
                created_at: manifest.created_at,
                merged: Vec::new(),
                counts: MergeCounts::default(),
            })
        }
        Some(_) => return Err(refused("a bundle with this id but other content was applied before: refused")),
        None => {}
    }
    check_ownership(&opened.payload, &manifest.case_ids)?;
    let result = vault.edit_unstamped(|tx| {
        let applied = apply(tx, ctx, &opened.payload, &cases)?;
        for case in &applied.created {
            audit(tx, ctx, "import", "case", &case.id)?;
        }
        for case in &applied.merged {
            audit(tx, ctx, "merge", "case", &case.id)?;
        }
        tx.execute(
            "INSERT INTO imported_bundles(bundle_id, sha256, signing_key, imported_at) VALUES(?1, ?2, ?3, ?4)",
            params![manifest.bundle_id, manifest.payload.sha256, key.to_text(), ctx.now()],
        )?;
        audit(tx, ctx, "import", "bundle", &manifest.bundle_id)?;
        Ok::<_, ModelError>(applied)
    });
    let applied = match result {
        Ok(done) => done,
        Err(EditError::Rejected(e)) => return Err(e),
        Err(EditError::Unsaved(e)) => return Err(ModelError::Unsaved(e)),
    };
    let report = applied.report;
    Ok(Imported {
        bundle_id: manifest.bundle_id.clone(),
        signer,
        signer_fingerprint: fingerprint,
        cases: applied.created,
        rows: report.new_records + report.updated_records + report.consent_changes,
        already_applied: false,
        created_at: manifest.created_at,
        merged: applied.merged,
        counts: MergeCounts::of(&report),
    })
}
