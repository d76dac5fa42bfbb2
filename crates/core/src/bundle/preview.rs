//! `preview_bundle`: verify a bundle file addressed to this vault and say what it holds (who signed it, which
//! cases, how many rows) and what importing it would change (new and changed records, consent entries, conflicts),
//! applying nothing: the import runs in a transaction that is rolled back.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::contacts::known_signer;
use super::file::{self, Key, Limits, Signer};
use super::import::MergeCounts;
use super::keys::{Fingerprint, PublicKey};
use crate::model::ops::Op;
use crate::model::{Ctx, ModelError};
use crate::vault::UnlockedVault;

pub fn ops() -> Vec<Op> {
    crate::ops! {
        vault "preview_bundle" => preview_bundle, "Verify a bundle file addressed to this vault and show who signed it and what it holds, applying nothing.";
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct PreviewArgs {
    /// The bundle file.
    pub path: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct BundleSigner {
    /// A contact of this vault.
    pub known: bool,
    /// The contact's name, when known.
    pub name: Option<String>,
    /// The contact was verified by comparing numbers.
    pub verified: bool,
    pub signing_key: String,
    /// The signer's own number (30 digits): compare it before trusting an unknown signer.
    pub fingerprint: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PreviewCase {
    pub id: String,
    pub code_name: String,
    /// Not in this vault yet.
    pub new: bool,
    /// Purged from this vault: importing refuses it (a purged case never comes back).
    pub purged: bool,
    /// Consent ledger entries the case carries (its participants' consent, as the sender's ledger held it).
    pub consent_entries: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct BundlePreview {
    pub bundle_id: String,
    pub created_at: DateTime<Utc>,
    pub audience: String,
    pub signer: BundleSigner,
    pub cases: Vec<PreviewCase>,
    /// Rows per table, as counted in the payload.
    pub row_counts: BTreeMap<String, u64>,
    /// This bundle was applied here before: importing it again changes nothing.
    pub applied_before: bool,
    /// Whether `import_bundle` would apply it (a co-facilitator's bundle, no case purged here, not applied
    /// before, every record readable); the signer's trust is decided apart (see `signer`).
    pub would_apply: bool,
    /// Why it would not apply, when `would_apply` is false and the bundle was not applied before.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub refusal: Option<String>,
    /// What applying it would do to the cases already here.
    #[serde(flatten)]
    #[ts(flatten)]
    pub counts: MergeCounts,
    /// The conflicts it would create.
    #[serde(default)]
    #[ts(as = "Option<Vec<PreviewConflict>>", optional)]
    pub new_conflicts: Vec<PreviewConflict>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PreviewConflict {
    /// The id `list_conflicts` would give it.
    pub id: String,
    pub case_id: String,
    pub record_kind: String,
    pub record_id: String,
    pub field: String,
}

pub(crate) fn refused(e: impl std::fmt::Display) -> ModelError {
    ModelError::Invalid(e.to_string())
}

/// Reads a plain file (no link, device or FIFO) of at most `max` bytes.
pub(crate) fn read_bounded(path: &str, max: usize) -> Result<Vec<u8>, ModelError> {
    use std::io::Read;
    let unreadable = |e: std::io::Error| ModelError::Invalid(format!("the bundle {path} cannot be read: {e}"));
    let meta = std::fs::symlink_metadata(path).map_err(unreadable)?;
    if !meta.is_file() {
        return Err(ModelError::Invalid(format!("the bundle {path} is not a plain file")));
    }
    let mut bytes = Vec::new();
    std::fs::File::open(path).map_err(unreadable)?.take(max as u64 + 1).read_to_end(&mut bytes).map_err(unreadable)?;
    if bytes.len() > max {
        return Err(refused(file::ReadError::TooLarge { what: "the file", limit: max }));
    }
    Ok(bytes)
}

/// The payload's cases (id, code name), which must be exactly the ones its signed manifest lists.
pub(crate) fn listed_cases(opened: &file::Opened) -> Result<Vec<(String, String)>, ModelError> {
    let listed: BTreeSet<&str> = opened.manifest.case_ids.iter().map(String::as_str).collect();
    let mut stmt = opened.payload.prepare("SELECT id, code_name FROM cases ORDER BY code_name, id")?;
    let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
    let mut cases = Vec::new();
    for row in rows {
        let (id, code_name) = row?;
        if !listed.contains(id.as_str()) {
            return Err(refused("the bundle holds a case its signed manifest does not list"));
        }
        cases.push((id, code_name));
    }
    if cases.len() != listed.len() {
        return Err(refused("the bundle's signed manifest lists cases it does not hold"));
    }
    Ok(cases)
}

pub fn preview_bundle(vault: &mut UnlockedVault, ctx: &Ctx, args: PreviewArgs) -> Result<BundlePreview, ModelError> {
    let limits = Limits::default();
    let bytes = read_bounded(&args.path, limits.max_file_bytes)?;
    let conn = vault.conn();
    let known = |key: &PublicKey| known_signer(conn, key).ok().flatten();
    let opened = file::read(&bytes, Key::Identity(vault.identity()), &known, &limits).map_err(refused)?;
    let manifest = &opened.manifest;
    let mut cases = Vec::new();
    for (id, code_name) in listed_cases(&opened)? {
        let here: bool = vault.conn().query_row("SELECT count(*) > 0 FROM cases WHERE id = ?1", [&id], |r| r.get(0))?;
        let purged: bool =
            vault.conn().query_row("SELECT count(*) > 0 FROM purged_cases WHERE case_id = ?1", [&id], |r| r.get(0))?;
        let consent_entries: i64 = opened.payload.query_row(
            "SELECT count(*) FROM consents WHERE participant_id IN (SELECT id FROM participants WHERE case_id = ?1)",
            [&id],
            |r| r.get(0),
        )?;
        cases.push(PreviewCase { id, code_name, new: !here, purged, consent_entries: consent_entries as u64 });
    }
    let key =
        PublicKey::from_text(&manifest.signer.signing_key).ok_or_else(|| refused("the signer's key is malformed"))?;
    let fingerprint = Fingerprint::of(&key, &manifest.signer.recipient).to_string();
    let signer = match &opened.signer {
        Signer::Known { name, verified } => BundleSigner {
            known: true,
            name: Some(name.clone()),
            verified: *verified,
            signing_key: key.to_text(),
            fingerprint,
        },
        Signer::Unknown { .. } => {
            BundleSigner { known: false, name: None, verified: false, signing_key: key.to_text(), fingerprint }
        }
    };
    let audience =
        serde_json::to_value(manifest.audience).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default();
    let applied_before: bool = vault.conn().query_row(
        "SELECT count(*) > 0 FROM imported_bundles WHERE bundle_id = ?1 AND sha256 = ?2",
        [&manifest.bundle_id, &manifest.payload.sha256],
        |r| r.get(0),
    )?;
    let mut report = super::sync::MergeReport::default();
    let mut refusal = None;
    if applied_before {
    } else if manifest.audience != file::Audience::CoFacilitator {
        refusal = Some("a supervisor's or progress bundle is for reading, not merging".to_owned());
    } else {
        let listed: Vec<(String, String)> = cases.iter().map(|c| (c.id.clone(), c.code_name.clone())).collect();
        let dry_run = (|| {
            super::import::check_ownership(&opened.payload, &manifest.case_ids)?;
            // Rolled back when dropped: nothing is written, nothing journaled.
            let tx = vault.conn().unchecked_transaction()?;
            let applied = super::import::apply(&tx, ctx, &opened.payload, &listed)?;
            tx.rollback()?;
            Ok::<_, ModelError>(applied.report)
        })();
        match dry_run {
            Ok(r) => report = r,
            Err(e) => refusal = Some(e.to_string()),
        }
    }
    let would_apply = !applied_before && refusal.is_none();
    let new_conflicts = report
        .conflicts
        .iter()
        .map(|c| PreviewConflict {
            id: super::sync::conflict_id(&c.table, &c.row_key, &c.field),
            case_id: c.case_id.clone(),
            record_kind: c.table.clone(),
            record_id: super::sync::record_id(&c.row_key),
            field: c.field.clone(),
        })
        .collect::<Vec<_>>();
    Ok(BundlePreview {
        applied_before,
        would_apply,
        refusal,
        counts: MergeCounts::of(&report),
        new_conflicts,
        bundle_id: manifest.bundle_id.clone(),
        created_at: manifest.created_at,
        audience,
        signer,
        cases,
        row_counts: super::payload::row_counts(&opened.payload)?,
    })
}
