//! `list_conflicts` and `resolve_conflict` (issue 11, "Merge"): the fields a merge left holding values written
//! on both sides, each value with where it came from, and the facilitator's choice, written with a new dot that
//! covers them all (so the resolution travels: the other vault's conflict clears when it imports it).

use rusqlite::{Connection, OptionalExtension, Transaction};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::sync;
use crate::model::ops::Op;
use crate::model::rows::audit;
use crate::model::{CaseId, Ctx, ModelError};

pub fn ops() -> Vec<Op> {
    crate::ops! {
        read "list_conflicts" => list_conflicts, "Fields of shared cases that hold values written on both sides since they last agreed, each value with where it came from.";
        write "resolve_conflict" => resolve_conflict, "Keep one of a conflict's values; the choice covers the others and travels with the next bundle.";
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
pub struct ConflictScope {
    /// Only this case's conflicts.
    #[serde(default)]
    #[ts(optional)]
    pub case_id: Option<CaseId>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ConflictValue {
    /// The value as JSON text (`"text"`, `3`, `null`).
    pub value: String,
    /// "this vault", a contact's name, or "another vault".
    pub from: String,
    /// Written in this vault.
    pub this_vault: bool,
    /// The value the record shows now.
    pub shown: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Conflict {
    /// Stable: the same conflict has the same id in every vault.
    pub id: String,
    pub case_id: String,
    pub code_name: String,
    /// The table of the record (`participants`, `notes`, ...).
    pub record_kind: String,
    /// The record's id (its primary key; a JSON array for a record keyed by several columns).
    pub record_id: String,
    pub field: String,
    /// In a stable order: `resolve_conflict`'s `choice` is an index into it.
    pub values: Vec<ConflictValue>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct ResolveConflict {
    pub id: String,
    /// The index of the value kept, in `values`.
    pub choice: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Resolved {
    pub id: String,
    pub record_kind: String,
    pub record_id: String,
    pub field: String,
    /// The value kept, as JSON text.
    pub value: String,
}

/// Who wrote with a replica id: this vault, a contact (by the prefix of their signing key's hash), or unknown.
fn origin(conn: &Connection, replica: &str) -> Result<(String, bool), ModelError> {
    let prefix = replica.split('.').next().unwrap_or_default();
    let mine: Option<String> =
        conn.query_row("SELECT replica FROM sync_replica WHERE id = 1", [], |r| r.get(0)).optional()?;
    if mine.as_deref().is_some_and(|m| m.split('.').next() == Some(prefix)) {
        return Ok(("this vault".into(), true));
    }
    let mut stmt = conn.prepare("SELECT name, signing_key FROM contacts ORDER BY name")?;
    let contacts = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
    for contact in contacts {
        let (name, key) = contact?;
        if sync::key_prefix(&key) == prefix {
            return Ok((name, false));
        }
    }
    Ok(("another vault".into(), false))
}

fn shown_value(conn: &Connection, table: &str, key: &str, col: &str) -> Result<Option<String>, ModelError> {
    let pk: Vec<String> = {
        let mut stmt = conn.prepare("SELECT name FROM pragma_table_info(?1) WHERE pk > 0 ORDER BY pk")?;
        let names = stmt.query_map([table], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
        names
    };
    let clause = pk.iter().enumerate().map(|(i, c)| format!("\"{c}\" = ?{}", i + 1)).collect::<Vec<_>>().join(" AND ");
    let value: Option<rusqlite::types::Value> = conn
        .query_row(
            &format!("SELECT \"{}\" FROM \"{table}\" WHERE {clause}", col.replace('"', "\"\"")),
            rusqlite::params_from_iter(sync::key_values(key)),
            |r| r.get(0),
        )
        .optional()?;
    Ok(value.map(|v| sync::to_json(&v).to_string()))
}

fn describe(conn: &Connection, case_id: &str, table: &str, key: &str, col: &str) -> Result<Conflict, ModelError> {
    let code_name: String = conn
        .query_row("SELECT code_name FROM cases WHERE id = ?1", [case_id], |r| r.get(0))
        .optional()?
        .unwrap_or_default();
    let shown = shown_value(conn, table, key, col)?;
    let mut values = Vec::new();
    for (dot, value) in sync::conflict_values(conn, table, key, col)? {
        let (from, this_vault) = origin(conn, &dot.replica)?;
        values.push(ConflictValue { shown: shown.as_deref() == Some(value.as_str()), value, from, this_vault });
    }
    Ok(Conflict {
        id: sync::conflict_id(table, key, col),
        case_id: case_id.to_owned(),
        code_name,
        record_kind: table.to_owned(),
        record_id: sync::record_id(key),
        field: col.to_owned(),
        values,
    })
}

pub(crate) fn list_conflicts(conn: &Connection, _ctx: &Ctx, args: ConflictScope) -> Result<Vec<Conflict>, ModelError> {
    let case = args.case_id.map(|c| c.to_string());
    let mut out = Vec::new();
    for (case_id, table, key, col) in sync::conflicted(conn, case.as_deref())? {
        out.push(describe(conn, &case_id, &table, &key, &col)?);
    }
    Ok(out)
}

pub(crate) fn resolve_conflict(tx: &Transaction<'_>, ctx: &Ctx, args: ResolveConflict) -> Result<Resolved, ModelError> {
    let found = sync::conflicted(tx, None)?
        .into_iter()
        .find(|(_, table, key, col)| sync::conflict_id(table, key, col) == args.id)
        .ok_or_else(|| ModelError::not_found("conflict", &args.id))?;
    let (case, table, key, col) = found;
    let values = sync::conflict_values(tx, &table, &key, &col)?;
    let Some((_, value)) = values.get(args.choice as usize) else {
        return Err(ModelError::Invalid(format!(
            "the conflict {} has {} values: choose 0 to {}",
            args.id,
            values.len(),
            values.len().saturating_sub(1)
        )));
    };
    let value = value.clone();
    sync::write_field(tx, &table, &key, &col, &value)?;
    // The value came from a bundle: the model must be able to read the record with it.
    let case_id: CaseId =
        serde_json::from_value(serde_json::Value::String(case)).map_err(|e| ModelError::Invalid(e.to_string()))?;
    crate::model::case_file::case_file(tx, ctx, crate::model::cases::CaseRef { case_id })
        .map_err(|e| ModelError::Invalid(format!("that value cannot be kept: {e}")))?;
    audit(tx, ctx, "resolve", "conflict", &args.id)?;
    Ok(Resolved { id: args.id, record_kind: table, record_id: sync::record_id(&key), field: col, value })
}
