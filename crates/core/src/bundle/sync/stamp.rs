//! The write path: each committed edit's changes to synced rows take one dot (`stamp`), with the replica id
//! made at the first one.

use super::*;

/// One change of a synced row in a transaction.
pub(super) struct Change {
    table: String,
    key: String,
    kind: Kind,
    /// Insert: every column; update: the changed ones.
    cols: Vec<String>,
    case_id: Option<String>,
}

#[derive(PartialEq, Eq, Clone, Copy)]
pub(super) enum Kind {
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

pub(super) fn next_dot(tx: &Transaction<'_>, signing_key: impl FnOnce() -> String) -> rusqlite::Result<Dot> {
    let replica = replica(tx, signing_key)?;
    let counter: i64 =
        tx.query_row("UPDATE sync_replica SET counter = counter + 1 WHERE id = 1 RETURNING counter", [], |r| r.get(0))?;
    Ok(Dot { replica, counter })
}

pub(super) fn set_field(
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

pub(super) fn bump(
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
