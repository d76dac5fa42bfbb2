//! Change tracking and merging (issue 11, "Merge"): dotted version vectors per field.
//!
//! Every committed edit that changes a case record takes one dot `(replica, counter)` in the write path
//! ([`stamp`], called by `UnlockedVault::edit` from the transaction's own changeset, so no model function can
//! forget it): each changed field keeps that dot (`sync_fields`), and the row's version vector covers it
//! (`sync_rows`). A bundle carries both; [`merge_case`] unites a bundle's case with the one here, field by field:
//! a value is kept unless the other side's vector covers its dot, so a one-sided change is taken, an older bundle
//! changes nothing, and values written on both sides since they last agreed are kept side by side (a conflict)
//! until a facilitator resolves it with a new dot that covers them all. Deletion wins: a deleted record stays
//! deleted. See docs/ARCHITECTURE.md, "Merging bundles", and docs/FORMAT.md, "Change tracking".

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet, HashMap};

use rusqlite::fallible_streaming_iterator::FallibleStreamingIterator;
use rusqlite::session::Changeset;
use rusqlite::types::Value as SqlValue;
use rusqlite::{params, params_from_iter, Connection, OptionalExtension, Transaction};
use sha2::{Digest, Sha256};

use super::export::owner_filter;
use crate::model::ModelError;

mod conflicted;
mod merge;
mod stamp;

pub(crate) use conflicted::*;
pub(crate) use merge::*;
pub(crate) use stamp::*;

/// The tables whose rows are tracked and merged, parents first.
pub(crate) const SYNCED: &[&str] = &[
    "cases",
    "processes",
    "participants",
    "sessions",
    "commitments",
    "notes",
    "case_stage_changes",
    "case_tags",
    "consents",
    "assessments",
    "session_attendees",
    "safety_plans",
    "agreements",
    "shuttle_messages",
    "progress_entries",
    "attachments",
    "tasks",
];

/// Records that never change once written: a union by id, and the same id with other content is refused.
const APPEND_ONLY: &[&str] = &["case_stage_changes", "consents", "assessments", "progress_entries"];

/// Bookkeeping columns merged by keeping the latest value instead of a conflict.
const LATEST_WINS: &[&str] = &["updated_at"];

/// The `col` of a row's existence in `sync_fields`.
pub(crate) const EXISTS: &str = "";
const ALIVE: &str = "\"alive\"";
const DELETED: &str = "\"deleted\"";

pub(crate) type Vv = BTreeMap<String, i64>;

/// A dot; the origin dot (a field written before change tracking) has an empty replica and is covered by every
/// version vector.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct Dot {
    pub replica: String,
    pub counter: i64,
}

impl Dot {
    fn origin() -> Dot {
        Dot { replica: String::new(), counter: 0 }
    }
    fn is_origin(&self) -> bool {
        self.replica.is_empty()
    }
}

pub(crate) fn covers(vv: &Vv, dot: &Dot) -> bool {
    dot.is_origin() || vv.get(&dot.replica).is_some_and(|c| *c >= dot.counter)
}

fn join(a: &Vv, b: &Vv) -> Vv {
    let mut out = a.clone();
    for (r, c) in b {
        let slot = out.entry(r.clone()).or_insert(0);
        *slot = (*slot).max(*c);
    }
    out
}

fn vv_text(vv: &Vv) -> String {
    serde_json::to_string(vv).unwrap_or_else(|_| "{}".into())
}

fn vv_parse(text: &str) -> Vv {
    serde_json::from_str(text).unwrap_or_default()
}

thread_local! {
    /// Fields an operation rewrote with their own value (a conflict resolved in favour of the value shown): the
    /// changeset does not see them, so they are named here for [`stamp`].
    static TOUCHED: RefCell<Vec<(String, String, String)>> = const { RefCell::new(Vec::new()) };
}

/// Asks the write path to give `(table, row_key, col)` a new dot even if its value did not change.
pub(crate) fn touch(table: &str, row_key: &str, col: &str) {
    TOUCHED.with(|t| t.borrow_mut().push((table.to_owned(), row_key.to_owned(), col.to_owned())));
}

pub(crate) fn clear_touched() {
    TOUCHED.with(|t| t.borrow_mut().clear());
}

fn take_touched() -> Vec<(String, String, String)> {
    TOUCHED.with(|t| std::mem::take(&mut *t.borrow_mut()))
}

/// An SQL value as JSON (blobs as `{"blob": HEX}`).
pub(crate) fn to_json(value: &SqlValue) -> serde_json::Value {
    match value {
        SqlValue::Null => serde_json::Value::Null,
        SqlValue::Integer(i) => serde_json::Value::from(*i),
        SqlValue::Real(f) => serde_json::Number::from_f64(*f).map(serde_json::Value::Number).unwrap_or_default(),
        SqlValue::Text(t) => serde_json::Value::String(t.clone()),
        SqlValue::Blob(b) => serde_json::json!({ "blob": hex(b) }),
    }
}

pub(crate) fn from_json(value: &serde_json::Value) -> SqlValue {
    match value {
        serde_json::Value::Null | serde_json::Value::Bool(_) | serde_json::Value::Array(_) => SqlValue::Null,
        serde_json::Value::Number(n) => match n.as_i64() {
            Some(i) => SqlValue::Integer(i),
            None => SqlValue::Real(n.as_f64().unwrap_or_default()),
        },
        serde_json::Value::String(s) => SqlValue::Text(s.clone()),
        serde_json::Value::Object(o) => {
            SqlValue::Blob(o.get("blob").and_then(|b| b.as_str()).map(unhex).unwrap_or_default())
        }
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(text: &str) -> Vec<u8> {
    (0..text.len() / 2).filter_map(|i| u8::from_str_radix(text.get(2 * i..2 * i + 2)?, 16).ok()).collect()
}

fn value_text(value: &SqlValue) -> String {
    to_json(value).to_string()
}

/// The first 16 hex digits of the SHA-256 of a signing key: how a replica id names the vault that made it.
pub(crate) fn key_prefix(signing_key: &str) -> String {
    hex(&Sha256::digest(signing_key.as_bytes()))[..16].to_owned()
}

/// A table's columns, in order.
pub(crate) fn columns(conn: &Connection, table: &str) -> rusqlite::Result<Vec<String>> {
    let mut stmt = conn.prepare_cached("SELECT name FROM pragma_table_info(?1) ORDER BY cid")?;
    let names = stmt.query_map([table], |r| r.get(0))?.collect();
    names
}

/// A table's primary key columns, in key order.
fn pk_columns(conn: &Connection, table: &str) -> rusqlite::Result<Vec<String>> {
    let mut stmt = conn.prepare_cached("SELECT name FROM pragma_table_info(?1) WHERE pk > 0 ORDER BY pk")?;
    let names = stmt.query_map([table], |r| r.get(0))?.collect();
    names
}

/// A row's key: its primary key values as a JSON array (canonical JSON text).
pub(crate) fn row_key(values: &[SqlValue]) -> String {
    serde_json::Value::Array(values.iter().map(to_json).collect()).to_string()
}

pub(crate) fn key_values(row_key: &str) -> Vec<SqlValue> {
    match serde_json::from_str::<serde_json::Value>(row_key) {
        Ok(serde_json::Value::Array(items)) => items.iter().map(from_json).collect(),
        _ => Vec::new(),
    }
}

fn ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

fn key_clause(pk: &[String], first: usize) -> String {
    pk.iter().enumerate().map(|(i, c)| format!("{} = ?{}", ident(c), first + i)).collect::<Vec<_>>().join(" AND ")
}

/// The live row of `table` with this key (all columns, in order).
fn load_row(
    conn: &Connection,
    table: &str,
    cols: &[String],
    pk: &[String],
    key: &str,
) -> rusqlite::Result<Option<Vec<SqlValue>>> {
    let list = cols.iter().map(|c| ident(c)).collect::<Vec<_>>().join(", ");
    let sql = format!("SELECT {list} FROM {} WHERE {}", ident(table), key_clause(pk, 1));
    let mut stmt = conn.prepare_cached(&sql)?;
    stmt.query_row(params_from_iter(key_values(key)), |r| (0..cols.len()).map(|i| r.get::<_, SqlValue>(i)).collect())
        .optional()
}

fn owned(v: rusqlite::types::ValueRef<'_>) -> SqlValue {
    use rusqlite::types::ValueRef;
    match v {
        ValueRef::Null => SqlValue::Null,
        ValueRef::Integer(i) => SqlValue::Integer(i),
        ValueRef::Real(f) => SqlValue::Real(f),
        ValueRef::Text(t) => SqlValue::Text(String::from_utf8_lossy(t).into_owned()),
        ValueRef::Blob(b) => SqlValue::Blob(b.to_vec()),
    }
}

/// The case a live row belongs to.
fn case_of_live(
    conn: &Connection,
    table: &str,
    values: &HashMap<String, SqlValue>,
) -> rusqlite::Result<Option<String>> {
    let text = |v: Option<&SqlValue>| match v {
        Some(SqlValue::Text(t)) => Some(t.clone()),
        _ => None,
    };
    if table == "cases" {
        return Ok(text(values.get("id")));
    }
    if let Some(case) = text(values.get("case_id")) {
        return Ok(Some(case));
    }
    let (parent, col) = match table {
        "consents" | "assessments" => ("participants", "participant_id"),
        "session_attendees" | "safety_plans" | "agreements" => ("sessions", "session_id"),
        "progress_entries" => ("commitments", "commitment_id"),
        _ => return Ok(None),
    };
    let Some(id) = text(values.get(col)) else { return Ok(None) };
    conn.query_row(&format!("SELECT case_id FROM {parent} WHERE id = ?1"), [&id], |r| r.get(0)).optional()
}
