//! Small helpers every area uses on rows: the audit log line, required text, "no row" as not found.

use rusqlite::Connection;

use super::context::Ctx;
use super::errors::ModelError;
use super::ids::AuditId;

/// Appends to the audit log: who did what to which record, never any content.
pub fn audit(
    conn: &Connection,
    ctx: &Ctx,
    action: &str,
    record_kind: &str,
    record_id: &dyn std::fmt::Display,
) -> Result<(), ModelError> {
    conn.execute(
        "INSERT INTO audit_log(id, at, actor, action, record_kind, record_id) VALUES(?1, ?2, ?3, ?4, ?5, ?6)",
        rusqlite::params![AuditId(ctx.new_uuid()), ctx.now(), ctx.actor(), action, record_kind, record_id.to_string()],
    )?;
    Ok(())
}

/// Refuses empty required text.
pub fn required(field: &str, value: &str) -> Result<(), ModelError> {
    if value.trim().is_empty() {
        return Err(ModelError::Invalid(format!("{field} is required")));
    }
    Ok(())
}

/// Maps "no row" to [`ModelError::NotFound`].
pub fn found<T>(result: rusqlite::Result<T>, kind: &'static str, id: &dyn std::fmt::Display) -> Result<T, ModelError> {
    match result {
        Ok(v) => Ok(v),
        Err(rusqlite::Error::QueryReturnedNoRows) => Err(ModelError::not_found(kind, id)),
        Err(e) => Err(e.into()),
    }
}
