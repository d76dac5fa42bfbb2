//! Reading the audit log: who did what to which record, and when. Entries hold no content, so neither does this.

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::context::Ctx;
use super::errors::ModelError;
use super::ids::AuditId;
use super::op::Op;

/// How many entries a listing returns unless told otherwise.
pub const DEFAULT_LIMIT: u32 = 200;
/// The most entries one listing returns.
pub const MAX_LIMIT: u32 = 10_000;

pub(crate) fn ops() -> Vec<Op> {
    crate::ops! {
        read "list_audit" => list_audit, "Audit entries, newest first: who did what to which record, and when (no content).";
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct AuditEntry {
    pub id: AuditId,
    pub at: DateTime<Utc>,
    pub actor: String,
    pub action: String,
    pub record_kind: String,
    pub record_id: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
pub struct AuditFilter {
    /// Only entries about this record.
    #[ts(optional)]
    pub record_id: Option<String>,
    /// Only entries at or after this instant.
    #[ts(optional)]
    pub since: Option<DateTime<Utc>>,
    /// At most this many entries (default 200, at most 10 000).
    #[ts(optional)]
    pub limit: Option<u32>,
}

pub(crate) fn list_audit(conn: &Connection, _ctx: &Ctx, args: AuditFilter) -> Result<Vec<AuditEntry>, ModelError> {
    let limit = args.limit.unwrap_or(DEFAULT_LIMIT);
    if limit == 0 || limit > MAX_LIMIT {
        return Err(ModelError::Invalid(format!("the limit must be between 1 and {MAX_LIMIT}")));
    }
    let record_id = args.record_id.as_deref().map(str::trim);
    let mut stmt = conn.prepare(
        "SELECT id, at, actor, action, record_kind, record_id FROM audit_log
         WHERE (?1 IS NULL OR record_id = ?1) AND (?2 IS NULL OR at >= ?2)
         ORDER BY at DESC, id DESC LIMIT ?3",
    )?;
    let rows = stmt.query_map(params![record_id, args.since, limit], |r| {
        Ok(AuditEntry {
            id: r.get(0)?,
            at: r.get(1)?,
            actor: r.get(2)?,
            action: r.get(3)?,
            record_kind: r.get(4)?,
            record_id: r.get(5)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}
