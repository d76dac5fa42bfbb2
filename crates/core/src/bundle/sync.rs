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

/// One change of a synced row in a transaction.
struct Change {
    table: String,
    key: String,
    kind: Kind,
    /// Insert: every column; update: the changed ones.
    cols: Vec<String>,
    case_id: Option<String>,
}

#[derive(PartialEq, Eq, Clone, Copy)]
enum Kind {
    Insert,
    Update,
    Delete,
}

/// Gives this transaction's changes to synced rows their dot (one per transaction): each changed field's dot is
/// replaced by it, the row's version vector covers it, and a deleted row leaves a tombstone. `signing_key` names
/// this vault in a replica id made at the first stamped edit. The writes go into the same transaction (and so
/// into the same journal record). A purged case keeps no metadata.
pub(crate) fn stamp(
    tx: &Transaction<'_>,
    changeset: &Changeset,
    signing_key: impl FnOnce() -> String,
) -> rusqlite::Result<()> {
    let mut changes: Vec<Change> = Vec::new();
    // Cases of parent rows deleted in this transaction (their children may be deleted with them).
    let mut gone: HashMap<(String, String), String> = HashMap::new();
    let mut deleted_children: Vec<(usize, String, String, String)> = Vec::new();
    let mut items = changeset.iter()?;
    while let Some(item) = items.next()? {
        let op = item.op()?;
        let table = op.table_name().to_owned();
        if !SYNCED.contains(&table.as_str()) {
            continue;
        }
        let count = op.number_of_columns() as usize;
        let names = columns(tx, &table)?;
        let pk = pk_columns(tx, &table)?;
        let kind = match op.code() {
            rusqlite::hooks::Action::SQLITE_INSERT => Kind::Insert,
            rusqlite::hooks::Action::SQLITE_DELETE => Kind::Delete,
            rusqlite::hooks::Action::SQLITE_UPDATE => Kind::Update,
            _ => continue,
        };
        let mut values: HashMap<String, SqlValue> = HashMap::new();
        let mut changed = Vec::new();
        for (i, name) in names.iter().enumerate().take(count) {
            let value = match kind {
                Kind::Insert => Some(item.new_value(i)?),
                Kind::Delete => Some(item.old_value(i)?),
                Kind::Update => {
                    if let Ok(v) = item.new_value(i) {
                        changed.push(name.clone());
                        Some(v)
                    } else if pk.contains(name) {
                        Some(item.old_value(i)?)
                    } else {
                        None
                    }
                }
            };
            if let Some(v) = value {
                values.insert(name.clone(), owned(v));
            }
        }
        let key = row_key(&pk.iter().map(|c| values.get(c).cloned().unwrap_or(SqlValue::Null)).collect::<Vec<_>>());
        let cols = match kind {
            Kind::Insert => names.clone(),
            Kind::Update => changed,
            Kind::Delete => Vec::new(),
        };
        let case_id = if kind == Kind::Delete {
            let direct = case_of_live(tx, &table, &values)?;
            if let (Some(case), "participants" | "sessions" | "commitments") = (&direct, table.as_str()) {
                if let Some(SqlValue::Text(id)) = values.get("id") {
                    gone.insert((table.clone(), id.clone()), case.clone());
                }
            }
            if direct.is_none() {
                let parent = match table.as_str() {
                    "consents" | "assessments" => Some(("participants", "participant_id")),
                    "session_attendees" | "safety_plans" | "agreements" => Some(("sessions", "session_id")),
                    "progress_entries" => Some(("commitments", "commitment_id")),
                    _ => None,
                };
                if let Some((p, col)) = parent {
                    if let Some(SqlValue::Text(id)) = values.get(col) {
                        deleted_children.push((changes.len(), p.to_owned(), id.clone(), String::new()));
                    }
                }
            }
            direct
        } else {
            let mut live = values.clone();
            if kind == Kind::Update {
                if let Some(row) = load_row(tx, &table, &names, &pk, &key)? {
                    live = names.iter().cloned().zip(row).collect();
                }
            }
            case_of_live(tx, &table, &live)?
        };
        changes.push(Change { table, key, kind, cols, case_id });
    }
    for (at, parent, id, _) in deleted_children {
        if changes[at].case_id.is_none() {
            changes[at].case_id = gone.get(&(parent, id)).cloned();
        }
    }
    for (table, key, col) in take_touched() {
        let case_id: Option<String> = tx
            .query_row("SELECT case_id FROM sync_rows WHERE tbl = ?1 AND row_key = ?2", [&table, &key], |r| r.get(0))
            .optional()?;
        let case_id = match case_id {
            Some(c) => Some(c),
            None => {
                let names = columns(tx, &table)?;
                let pk = pk_columns(tx, &table)?;
                match load_row(tx, &table, &names, &pk, &key)? {
                    Some(row) => case_of_live(tx, &table, &names.into_iter().zip(row).collect())?,
                    None => None,
                }
            }
        };
        changes.push(Change { table, key, kind: Kind::Update, cols: vec![col], case_id });
    }
    // Rows whose case is unknown (a tombstone's metadata names it) or purged.
    for change in &mut changes {
        if change.case_id.is_none() {
            change.case_id = tx
                .query_row(
                    "SELECT case_id FROM sync_rows WHERE tbl = ?1 AND row_key = ?2",
                    [&change.table, &change.key],
                    |r| r.get(0),
                )
                .optional()?;
        }
    }
    let mut purged: BTreeSet<String> = BTreeSet::new();
    {
        let mut is_purged = tx.prepare_cached("SELECT count(*) > 0 FROM purged_cases WHERE case_id = ?1")?;
        for change in &changes {
            if let Some(case) = &change.case_id {
                if is_purged.query_row([case], |r| r.get::<_, bool>(0))? {
                    purged.insert(case.clone());
                }
            }
        }
    }
    changes.retain(|c| c.case_id.as_ref().is_some_and(|case| !purged.contains(case)));
    for case in &purged {
        tx.execute("DELETE FROM sync_fields WHERE case_id = ?1", [case])?;
        tx.execute("DELETE FROM sync_rows WHERE case_id = ?1", [case])?;
    }
    if changes.is_empty() {
        return Ok(());
    }
    let dot = next_dot(tx, signing_key)?;
    for change in &changes {
        let case = change.case_id.as_deref().unwrap_or_default();
        match change.kind {
            Kind::Insert | Kind::Delete => {
                // A new row's fields all have its insertion dot (no row of their own, see `default_dot`); a deleted
                // row keeps only its existence field, now saying deleted.
                let deleted = change.kind == Kind::Delete;
                tx.execute(
                    "DELETE FROM sync_fields WHERE tbl = ?1 AND row_key = ?2",
                    params![change.table, change.key],
                )?;
                let state = if deleted { DELETED } else { ALIVE };
                set_field(tx, case, &change.table, &change.key, EXISTS, &dot, Some(state))?;
                bump(tx, case, &change.table, &change.key, &dot, Some(deleted))?;
            }
            Kind::Update => {
                for col in &change.cols {
                    set_field(tx, case, &change.table, &change.key, col, &dot, None)?;
                }
                bump(tx, case, &change.table, &change.key, &dot, None)?;
            }
        }
    }
    Ok(())
}

/// This vault's replica id (made if missing).
pub(crate) fn replica(tx: &Connection, signing_key: impl FnOnce() -> String) -> rusqlite::Result<String> {
    let found: Option<String> =
        tx.query_row("SELECT replica FROM sync_replica WHERE id = 1", [], |r| r.get(0)).optional()?;
    if let Some(r) = found {
        return Ok(r);
    }
    let random: String = tx.query_row("SELECT lower(hex(randomblob(8)))", [], |r| r.get(0))?;
    let replica = format!("{}.{random}", key_prefix(&signing_key()));
    tx.execute("INSERT INTO sync_replica(id, replica, counter) VALUES(1, ?1, 0)", [&replica])?;
    Ok(replica)
}

fn next_dot(tx: &Transaction<'_>, signing_key: impl FnOnce() -> String) -> rusqlite::Result<Dot> {
    let replica = replica(tx, signing_key)?;
    let counter: i64 =
        tx.query_row("UPDATE sync_replica SET counter = counter + 1 WHERE id = 1 RETURNING counter", [], |r| r.get(0))?;
    Ok(Dot { replica, counter })
}

fn set_field(
    tx: &Transaction<'_>,
    case: &str,
    table: &str,
    key: &str,
    col: &str,
    dot: &Dot,
    value: Option<&str>,
) -> rusqlite::Result<()> {
    // Usually the field's one dot is this replica's: it is updated in place (a small journal record).
    tx.prepare_cached("DELETE FROM sync_fields WHERE tbl = ?1 AND row_key = ?2 AND col = ?3 AND replica <> ?4")?
        .execute(params![table, key, col, dot.replica])?;
    tx.prepare_cached(
        "INSERT INTO sync_fields(case_id, tbl, row_key, col, replica, counter, value) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)
         ON CONFLICT(tbl, row_key, col, replica) DO UPDATE SET counter = excluded.counter, value = excluded.value",
    )?
    .execute(params![case, table, key, col, dot.replica, dot.counter, value])?;
    Ok(())
}

fn bump(
    tx: &Transaction<'_>,
    case: &str,
    table: &str,
    key: &str,
    dot: &Dot,
    deleted: Option<bool>,
) -> rusqlite::Result<()> {
    let found: Option<(String, bool)> = tx
        .prepare_cached("SELECT vv, deleted FROM sync_rows WHERE tbl = ?1 AND row_key = ?2")?
        .query_row([table, key], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let (mut vv, was_deleted) = found.map(|(v, d)| (vv_parse(&v), d)).unwrap_or_default();
    let slot = vv.entry(dot.replica.clone()).or_insert(0);
    *slot = (*slot).max(dot.counter);
    tx.prepare_cached(
        "INSERT INTO sync_rows(case_id, tbl, row_key, vv, deleted) VALUES(?1, ?2, ?3, ?4, ?5)
         ON CONFLICT(tbl, row_key) DO UPDATE SET vv = excluded.vv, deleted = excluded.deleted",
    )?
    .execute(params![case, table, key, vv_text(&vv), deleted.unwrap_or(was_deleted)])?;
    Ok(())
}

/// A value of one field with its dot; `value` is JSON text, `None` for "the record's own value".
#[derive(Debug, Clone, PartialEq, Eq)]
struct Sib {
    dot: Dot,
    value: Option<String>,
}

/// One side of a row: its live values, metadata and field dots.
#[derive(Debug, Default)]
struct Side {
    row: Option<Vec<SqlValue>>,
    meta: Option<(Vv, bool)>,
    fields: BTreeMap<String, Vec<Sib>>,
}

impl Side {
    fn vv(&self) -> Vv {
        self.meta.as_ref().map(|(v, _)| v.clone()).unwrap_or_default()
    }
    fn deleted(&self) -> bool {
        self.row.is_none() && self.meta.as_ref().is_some_and(|(_, d)| *d)
    }
    fn is_nothing(&self) -> bool {
        self.row.is_none() && !self.deleted()
    }
    /// The siblings of `col`, each with a concrete value (JSON text).
    fn siblings(&self, cols: &[String], col: &str) -> Vec<Sib> {
        let own = |c: &str| -> Option<String> {
            if c == EXISTS {
                return Some(if self.row.is_some() { ALIVE } else { DELETED }.to_owned());
            }
            let i = cols.iter().position(|n| n == c)?;
            self.row.as_ref().map(|r| value_text(&r[i]))
        };
        let listed = self.fields.get(col).cloned().unwrap_or_default();
        let mut out: Vec<Sib> = if !listed.is_empty() {
            listed
        } else if col == EXISTS {
            vec![Sib { dot: Dot::origin(), value: None }]
        } else if self.row.is_some() {
            vec![Sib { dot: default_dot(&self.fields), value: None }]
        } else {
            Vec::new()
        };
        for s in &mut out {
            if s.value.is_none() {
                s.value = own(col);
            }
        }
        out.retain(|s| s.value.is_some());
        out.sort_by(|a, b| a.dot.cmp(&b.dot));
        out
    }
}

/// The dot of a field with no row of its own: the row's insertion (its one existence dot), else the origin.
fn default_dot(fields: &BTreeMap<String, Vec<Sib>>) -> Dot {
    match fields.get(EXISTS).map(Vec::as_slice) {
        Some([one]) => one.dot.clone(),
        _ => Dot::origin(),
    }
}

/// The metadata as stored: a single value keeps no copy (the record holds it), the existence is kept unless it is
/// the origin's, and a field whose one dot is the row's default (see [`default_dot`]) keeps no row.
fn stored(fields: BTreeMap<String, Vec<Sib>>) -> BTreeMap<String, Vec<Sib>> {
    let mut exist = fields.get(EXISTS).cloned().unwrap_or_default();
    if matches!(exist.as_slice(), [one] if one.dot.is_origin()) {
        exist.clear();
    }
    let mut out: BTreeMap<String, Vec<Sib>> = BTreeMap::new();
    if !exist.is_empty() {
        out.insert(EXISTS.into(), exist);
    }
    let default = default_dot(&out);
    for (col, sibs) in fields {
        if col == EXISTS || sibs.is_empty() {
            continue;
        }
        if let [one] = sibs.as_slice() {
            if one.dot != default {
                out.insert(col, vec![Sib { dot: one.dot.clone(), value: None }]);
            }
        } else {
            out.insert(col, sibs);
        }
    }
    out
}

fn read_fields(conn: &Connection, table: &str, key: &str) -> rusqlite::Result<BTreeMap<String, Vec<Sib>>> {
    let mut stmt = conn.prepare_cached(
        "SELECT col, replica, counter, value FROM sync_fields WHERE tbl = ?1 AND row_key = ?2 ORDER BY col, replica, counter",
    )?;
    let mut out: BTreeMap<String, Vec<Sib>> = BTreeMap::new();
    let rows = stmt.query_map([table, key], |r| {
        Ok((r.get::<_, String>(0)?, Sib { dot: Dot { replica: r.get(1)?, counter: r.get(2)? }, value: r.get(3)? }))
    })?;
    for row in rows {
        let (col, sib) = row?;
        out.entry(col).or_default().push(sib);
    }
    Ok(out)
}

fn read_meta(conn: &Connection, table: &str, key: &str) -> rusqlite::Result<Option<(String, Vv, bool)>> {
    conn.prepare_cached("SELECT case_id, vv, deleted FROM sync_rows WHERE tbl = ?1 AND row_key = ?2")?
        .query_row([table, key], |r| Ok((r.get::<_, String>(0)?, vv_parse(&r.get::<_, String>(1)?), r.get(2)?)))
        .optional()
}

/// What a merge did (or, in a preview, would do).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct MergeReport {
    pub new_records: u64,
    pub updated_records: u64,
    pub consent_changes: u64,
    /// Changes made elsewhere to records deleted here (or there): the record stays deleted.
    pub kept_deleted: u64,
    pub conflicts: Vec<NewConflict>,
}

/// A conflict a merge creates (or changes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct NewConflict {
    pub case_id: String,
    pub table: String,
    pub row_key: String,
    pub field: String,
}

fn refused(text: impl Into<String>) -> ModelError {
    ModelError::Invalid(text.into())
}

/// Merges the bundle's case `case_id` (in `payload`) into the same case here, in `tx` (whose edit must not stamp:
/// the metadata comes from both sides).
pub(crate) fn merge_case(
    tx: &Transaction<'_>,
    payload: &Connection,
    case_id: &str,
    report: &mut MergeReport,
) -> Result<(), ModelError> {
    let ids = serde_json::to_string(&[case_id]).map_err(|e| refused(e.to_string()))?;
    // No one has seen a dot of this vault it has not given out yet: a bundle claiming so would hide this vault's
    // next changes from merges.
    let mine: Option<(String, i64)> = tx
        .query_row("SELECT replica, counter FROM sync_replica WHERE id = 1", [], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    if let Some((replica, counter)) = &mine {
        let mut stmt = payload.prepare("SELECT vv FROM sync_rows WHERE case_id = ?1")?;
        for vv in stmt.query_map([case_id], |r| r.get::<_, String>(0))? {
            if vv_parse(&vv?).get(replica).is_some_and(|c| c > counter) {
                return Err(refused("the bundle claims changes this vault never made: refused"));
            }
        }
    }
    for table in SYNCED {
        let table = *table;
        let cols = columns(tx, table)?;
        let pk = pk_columns(tx, table)?;
        let filter = owner_filter(table).ok_or_else(|| refused(format!("no owner for {table}")))?;
        let list = cols.iter().map(|c| ident(c)).collect::<Vec<_>>().join(", ");
        let mut remote_rows: BTreeMap<String, Vec<SqlValue>> = BTreeMap::new();
        {
            let mut stmt = payload.prepare(&format!("SELECT {list} FROM {} WHERE {filter}", ident(table)))?;
            let mut rows = stmt.query(params![ids])?;
            while let Some(r) = rows.next()? {
                let values = (0..cols.len()).map(|i| r.get::<_, SqlValue>(i)).collect::<rusqlite::Result<Vec<_>>>()?;
                let key_vals: Vec<SqlValue> =
                    pk.iter().map(|c| values[cols.iter().position(|n| n == c).unwrap_or(0)].clone()).collect();
                remote_rows.insert(row_key(&key_vals), values);
            }
        }
        let mut keys: BTreeSet<String> = remote_rows.keys().cloned().collect();
        {
            let mut stmt = payload.prepare("SELECT row_key FROM sync_rows WHERE tbl = ?1 AND case_id = ?2")?;
            for k in stmt.query_map(params![table, case_id], |r| r.get::<_, String>(0))? {
                keys.insert(k?);
            }
        }
        for key in keys {
            let remote_meta = read_meta(payload, table, &key)?;
            if let Some((c, _, _)) = &remote_meta {
                if c != case_id {
                    return Err(refused("the bundle's change tracking names a record of another case"));
                }
            }
            let remote = Side {
                row: remote_rows.remove(&key),
                meta: remote_meta.map(|(_, v, d)| (v, d)),
                fields: read_fields(payload, table, &key)?,
            };
            let local_meta = read_meta(tx, table, &key)?;
            if let Some((c, _, _)) = &local_meta {
                if c != case_id {
                    return Err(refused(format!(
                        "the bundle holds a record ({table}) that this vault already has elsewhere; nothing was applied"
                    )));
                }
            }
            let local_row = load_row(tx, table, &cols, &pk, &key)?;
            if let Some(row) = &local_row {
                let values: HashMap<String, SqlValue> = cols.iter().cloned().zip(row.iter().cloned()).collect();
                if case_of_live(tx, table, &values)?.as_deref() != Some(case_id) {
                    return Err(refused(format!(
                        "the bundle holds a record ({table}) that this vault already has elsewhere; nothing was applied"
                    )));
                }
            }
            let local = Side {
                row: local_row,
                meta: local_meta.map(|(_, v, d)| (v, d)),
                fields: read_fields(tx, table, &key)?,
            };
            merge_row(tx, table, &cols, &pk, case_id, &key, &local, &remote, report)?;
        }
    }
    Ok(())
}

/// The survivors of one field: a value stays unless the other side's vector covers its dot.
fn survivors(l: &[Sib], vl: &Vv, r: &[Sib], vr: &Vv) -> Vec<Sib> {
    let mut keep: Vec<Sib> = Vec::new();
    for s in l {
        if r.iter().any(|o| o.dot == s.dot) || !covers(vr, &s.dot) {
            keep.push(s.clone());
        }
    }
    for s in r {
        if !l.iter().any(|o| o.dot == s.dot) && !covers(vl, &s.dot) {
            keep.push(s.clone());
        }
    }
    keep.sort_by(|a, b| a.dot.cmp(&b.dot));
    // One value per replica: its writes follow one another, so only the latest can stand (sorted by counter, the
    // later of two is kept).
    keep.reverse();
    keep.dedup_by(|a, b| a.dot.replica == b.dot.replica);
    keep.reverse();
    keep
}

/// How many different values the siblings hold: the same text written on two vaults is one value, never a
/// conflict. Each of its dots is kept (not only the greatest): which of two vaults' dots stood for a value would
/// otherwise depend on their random replica ids, and with it whether a later write that knew only one of them
/// supersedes the value or conflicts with it (found by `three_vaults_converge…` in tests/it/bundle_merge.rs).
fn distinct_values(sibs: &[Sib]) -> usize {
    sibs.iter().map(|s| s.value.as_deref()).collect::<std::collections::BTreeSet<_>>().len()
}

/// Concurrent existence values that are the same are one: the greatest of their dots stands for them (the merged
/// vector covers the others, so every vault collapses them alike).
fn collapse(keep: Vec<Sib>) -> Vec<Sib> {
    let mut best: BTreeMap<Option<String>, Sib> = BTreeMap::new();
    for s in keep {
        match best.get(&s.value) {
            Some(b) if b.dot >= s.dot => {}
            _ => {
                best.insert(s.value.clone(), s);
            }
        }
    }
    let mut out: Vec<Sib> = best.into_values().collect();
    out.sort_by(|a, b| a.dot.cmp(&b.dot));
    out
}

#[allow(clippy::too_many_arguments)]
fn merge_row(
    tx: &Transaction<'_>,
    table: &str,
    cols: &[String],
    pk: &[String],
    case_id: &str,
    key: &str,
    local: &Side,
    remote: &Side,
    report: &mut MergeReport,
) -> Result<(), ModelError> {
    let is_consent = table == "consents";
    if remote.is_nothing() {
        return Ok(());
    }
    let (vl, vr) = (local.vv(), remote.vv());
    if local.is_nothing() && local.meta.is_none() {
        // New here: taken as it is, with its metadata.
        if let Some(row) = &remote.row {
            insert_row(tx, table, cols, row)?;
            if is_consent {
                report.consent_changes += 1;
            } else {
                report.new_records += 1;
            }
        }
        write_meta(tx, case_id, table, key, &vr, remote.deleted() || remote.row.is_none(), &remote.fields)?;
        for (col, sibs) in &remote.fields {
            if distinct_values(sibs) > 1 && col != EXISTS {
                report.conflicts.push(NewConflict {
                    case_id: case_id.into(),
                    table: table.into(),
                    row_key: key.into(),
                    field: col.clone(),
                });
            }
        }
        return Ok(());
    }
    if APPEND_ONLY.contains(&table) {
        if let (Some(a), Some(b)) = (&local.row, &remote.row) {
            if a != b {
                return Err(refused(format!(
                    "the bundle holds a {table} record with the same id as one here but other content: refused"
                )));
            }
        }
    }
    let vv = join(&vl, &vr);
    let exists = survivors(&local.siblings(cols, EXISTS), &vl, &remote.siblings(cols, EXISTS), &vr);
    let deleted = exists.is_empty() || exists.iter().any(|s| s.value.as_deref() == Some(DELETED));
    let exists = if deleted {
        collapse(exists.into_iter().filter(|s| s.value.as_deref() == Some(DELETED)).collect())
    } else {
        collapse(exists)
    };
    let mut fields: BTreeMap<String, Vec<Sib>> = BTreeMap::new();
    if deleted {
        let exist = if exists.is_empty() {
            vec![Sib { dot: Dot::origin(), value: Some(DELETED.into()) }]
        } else {
            exists.into_iter().filter(|s| s.value.as_deref() == Some(DELETED)).collect()
        };
        fields.insert(EXISTS.into(), exist.into_iter().filter(|s| !s.dot.is_origin()).collect());
        if local.row.is_some() {
            tx.execute(
                &format!("DELETE FROM {} WHERE {}", ident(table), key_clause(pk, 1)),
                params_from_iter(key_values(key)),
            )?;
            report.updated_records += 1;
        } else if remote.row.is_some() {
            // Changed there, deleted here: it stays deleted.
            let edited = remote.fields.values().flatten().any(|s| !covers(&vl, &s.dot));
            if edited || local.meta.is_none() {
                report.kept_deleted += 1;
            }
        }
        let fields = fields.into_iter().filter(|(_, v)| !v.is_empty()).collect();
        write_meta_if_changed(tx, case_id, table, key, &vv, true, &fields, local)?;
        return Ok(());
    }
    let mut values: Vec<SqlValue> = Vec::with_capacity(cols.len());
    for (i, col) in cols.iter().enumerate() {
        let l = local.siblings(cols, col);
        let r = remote.siblings(cols, col);
        let mut keep = survivors(&l, &vl, &r, &vr);
        if keep.is_empty() {
            keep = if !l.is_empty() { l.clone() } else { r.clone() };
        }
        if distinct_values(&keep) > 1 && (LATEST_WINS.contains(&col.as_str()) || pk.contains(col)) {
            let best = keep
                .iter()
                .max_by(|a, b| (a.value.as_deref(), &a.dot).cmp(&(b.value.as_deref(), &b.dot)))
                .cloned()
                .expect("not empty");
            keep = vec![best];
        }
        let shown = if distinct_values(&keep) == 1 {
            keep[0].value.clone()
        } else {
            let mine = local.row.as_ref().map(|r| value_text(&r[i]));
            match mine {
                Some(m) if keep.iter().any(|s| s.value.as_deref() == Some(m.as_str())) => Some(m),
                _ => keep.last().and_then(|s| s.value.clone()),
            }
        };
        let value = shown
            .as_deref()
            .and_then(|t| serde_json::from_str::<serde_json::Value>(t).ok())
            .map(|j| from_json(&j))
            .unwrap_or(SqlValue::Null);
        values.push(value);
        if distinct_values(&keep) > 1 {
            let before: Vec<&Dot> = l.iter().map(|s| &s.dot).collect();
            let after: Vec<&Dot> = keep.iter().map(|s| &s.dot).collect();
            if before != after {
                report.conflicts.push(NewConflict {
                    case_id: case_id.into(),
                    table: table.into(),
                    row_key: key.into(),
                    field: col.clone(),
                });
            }
        }
        fields.insert(col.clone(), keep);
    }
    let exist: Vec<Sib> = exists.into_iter().filter(|s| !s.dot.is_origin()).collect();
    fields.insert(EXISTS.into(), exist);
    match &local.row {
        None => {
            insert_row(tx, table, cols, &values)?;
            if is_consent {
                report.consent_changes += 1;
            } else {
                report.new_records += 1;
            }
        }
        Some(old) => {
            let changed: Vec<usize> = (0..cols.len()).filter(|i| old[*i] != values[*i]).collect();
            if !changed.is_empty() {
                let sets = changed.iter().enumerate().map(|(n, i)| format!("{} = ?{}", ident(&cols[*i]), n + 1));
                let sets = sets.collect::<Vec<_>>().join(", ");
                let mut args: Vec<SqlValue> = changed.iter().map(|i| values[*i].clone()).collect();
                args.extend(key_values(key));
                tx.execute(
                    &format!("UPDATE {} SET {sets} WHERE {}", ident(table), key_clause(pk, changed.len() + 1)),
                    params_from_iter(args),
                )?;
                if is_consent {
                    report.consent_changes += 1;
                } else {
                    report.updated_records += 1;
                }
            }
        }
    }
    let fields = stored(fields);
    write_meta_if_changed(tx, case_id, table, key, &vv, false, &fields, local)?;
    Ok(())
}

fn insert_row(tx: &Transaction<'_>, table: &str, cols: &[String], values: &[SqlValue]) -> rusqlite::Result<()> {
    let list = cols.iter().map(|c| ident(c)).collect::<Vec<_>>().join(", ");
    let marks = (1..=cols.len()).map(|i| format!("?{i}")).collect::<Vec<_>>().join(", ");
    tx.execute(&format!("INSERT INTO {}({list}) VALUES({marks})", ident(table)), params_from_iter(values.iter()))?;
    Ok(())
}

#[allow(clippy::too_many_arguments)]
fn write_meta_if_changed(
    tx: &Transaction<'_>,
    case_id: &str,
    table: &str,
    key: &str,
    vv: &Vv,
    deleted: bool,
    fields: &BTreeMap<String, Vec<Sib>>,
    local: &Side,
) -> rusqlite::Result<()> {
    let same_meta = local.meta.as_ref().is_some_and(|(v, d)| v == vv && *d == deleted);
    let mut local_fields = local.fields.clone();
    local_fields.retain(|_, v| !v.is_empty());
    if same_meta && &local_fields == fields {
        return Ok(());
    }
    write_meta(tx, case_id, table, key, vv, deleted, fields)
}

fn write_meta(
    tx: &Transaction<'_>,
    case_id: &str,
    table: &str,
    key: &str,
    vv: &Vv,
    deleted: bool,
    fields: &BTreeMap<String, Vec<Sib>>,
) -> rusqlite::Result<()> {
    if vv.is_empty() && fields.is_empty() {
        return Ok(());
    }
    tx.execute("DELETE FROM sync_fields WHERE tbl = ?1 AND row_key = ?2", params![table, key])?;
    let mut insert = tx.prepare_cached(
        "INSERT INTO sync_fields(case_id, tbl, row_key, col, replica, counter, value) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?;
    for (col, sibs) in fields {
        for s in sibs {
            insert.execute(params![case_id, table, key, col, s.dot.replica, s.dot.counter, s.value])?;
        }
    }
    tx.execute(
        "INSERT INTO sync_rows(case_id, tbl, row_key, vv, deleted) VALUES(?1, ?2, ?3, ?4, ?5)
         ON CONFLICT(tbl, row_key) DO UPDATE SET vv = excluded.vv, deleted = excluded.deleted",
        params![case_id, table, key, vv_text(vv), deleted],
    )?;
    Ok(())
}

/// After a merge: records that refer to a record deleted here lose the reference (`ON DELETE SET NULL`) or go
/// with it (`CASCADE`), as if they had been there when it was deleted. Returns how many were changed.
pub(crate) fn drop_orphans(tx: &Transaction<'_>) -> rusqlite::Result<u64> {
    let mut fixed = 0;
    for _ in 0..8 {
        let mut found = false;
        for table in SYNCED {
            let mut fks: Vec<(String, String, String, String)> = Vec::new();
            {
                let mut stmt =
                    tx.prepare("SELECT \"from\", \"table\", \"to\", on_delete FROM pragma_foreign_key_list(?1)")?;
                for fk in stmt.query_map([table], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))? {
                    fks.push(fk?);
                }
            }
            for (from, parent, to, on_delete) in fks {
                let orphan = format!(
                    "{from} IS NOT NULL AND {from} NOT IN (SELECT {to} FROM {parent})",
                    from = ident(&from),
                    to = ident(&to),
                    parent = ident(&parent)
                );
                let n = if on_delete.eq_ignore_ascii_case("SET NULL") {
                    tx.execute(&format!("UPDATE {} SET {} = NULL WHERE {orphan}", ident(table), ident(&from)), [])?
                } else {
                    tx.execute(&format!("DELETE FROM {} WHERE {orphan}", ident(table)), [])?
                };
                if n > 0 {
                    found = true;
                    fixed += n as u64;
                }
            }
        }
        if !found {
            break;
        }
    }
    Ok(fixed)
}

/// The fields of a case holding more than one value: (table, row_key, col).
pub(crate) fn conflicted(
    conn: &Connection,
    case_id: Option<&str>,
) -> rusqlite::Result<Vec<(String, String, String, String)>> {
    // One case's fields through `sync_fields_by_case`: written as `(?1 IS NULL OR case_id = ?1)`, the one query
    // read every field of every case (about 30 ms at 5,000 cases, at each opening of a case screen).
    let of_case = if case_id.is_some() { "AND case_id = ?1" } else { "" };
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT case_id, tbl, row_key, col FROM sync_fields WHERE col <> '' {of_case}
         GROUP BY tbl, row_key, col HAVING count(DISTINCT value) > 1 ORDER BY case_id, tbl, row_key, col"
    ))?;
    let params: &[&dyn rusqlite::ToSql] = match &case_id {
        Some(case_id) => &[case_id],
        None => &[],
    };
    let rows = stmt.query_map(params, |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?;
    rows.collect()
}

/// The values of one conflicted field, each once (with the greatest of the dots that wrote it), in dot order:
/// (dot, JSON text).
pub(crate) fn conflict_values(
    conn: &Connection,
    table: &str,
    key: &str,
    col: &str,
) -> rusqlite::Result<Vec<(Dot, String)>> {
    let mut stmt = conn.prepare(
        "SELECT replica, counter, value FROM sync_fields WHERE tbl = ?1 AND row_key = ?2 AND col = ?3
         ORDER BY replica, counter",
    )?;
    let rows = stmt.query_map([table, key, col], |r| {
        Ok((
            Dot { replica: r.get(0)?, counter: r.get(1)? },
            r.get::<_, Option<String>>(2)?.unwrap_or_else(|| "null".into()),
        ))
    })?;
    let mut best: BTreeMap<String, Dot> = BTreeMap::new();
    for row in rows {
        let (dot, value) = row?;
        match best.get(&value) {
            Some(b) if *b >= dot => {}
            _ => {
                best.insert(value, dot);
            }
        }
    }
    let mut values: Vec<(Dot, String)> = best.into_iter().map(|(value, dot)| (dot, value)).collect();
    values.sort();
    Ok(values)
}

/// Whether a field of a row holds concurrent values.
pub(crate) fn in_conflict(conn: &Connection, table: &str, key: &str, col: &str) -> rusqlite::Result<bool> {
    conn.query_row(
        "SELECT count(DISTINCT value) > 1 FROM sync_fields WHERE tbl = ?1 AND row_key = ?2 AND col = ?3",
        [table, key, col],
        |r| r.get(0),
    )
}

/// The record a row key names, as the lists show it: a key of one value is that value (most tables' `id`), any
/// other key stays as stored (JSON of its values).
pub(crate) fn record_id(key: &str) -> String {
    match serde_json::from_str::<serde_json::Value>(key) {
        Ok(serde_json::Value::Array(items)) if items.len() == 1 => match &items[0] {
            serde_json::Value::String(s) => s.clone(),
            other => other.to_string(),
        },
        _ => key.to_owned(),
    }
}

/// A conflict's stable id: 16 hex digits of the SHA-256 of its table, record key and field.
pub(crate) fn conflict_id(table: &str, key: &str, col: &str) -> String {
    hex(&Sha256::digest(format!("{table}\0{key}\0{col}").as_bytes()))[..16].to_owned()
}

/// Sets a field to a value (JSON text) and asks the write path for a new dot covering its siblings.
pub(crate) fn write_field(
    tx: &Transaction<'_>,
    table: &str,
    key: &str,
    col: &str,
    value: &str,
) -> Result<(), ModelError> {
    if !SYNCED.contains(&table) {
        return Err(refused(format!("{table} is not a case table")));
    }
    let cols = columns(tx, table)?;
    if !cols.iter().any(|c| c == col) {
        return Err(refused(format!("{table} has no field {col}")));
    }
    let pk = pk_columns(tx, table)?;
    let json: serde_json::Value = serde_json::from_str(value).map_err(|e| refused(e.to_string()))?;
    let mut args = vec![from_json(&json)];
    args.extend(key_values(key));
    tx.execute(
        &format!("UPDATE {} SET {} = ?1 WHERE {}", ident(table), ident(col), key_clause(&pk, 2)),
        params_from_iter(args),
    )?;
    touch(table, key, col);
    Ok(())
}
