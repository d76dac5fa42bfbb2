//! Merging a bundle's case with this vault's, field by field (`merge_case`), and the clean-up of metadata whose
//! record is gone (`drop_orphans`).

use super::*;

/// A value of one field with its dot; `value` is JSON text, `None` for "the record's own value".
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Sib {
    dot: Dot,
    value: Option<String>,
}

/// One side of a row: its live values, metadata and field dots.
#[derive(Debug, Default)]
pub(super) struct Side {
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
pub(super) fn default_dot(fields: &BTreeMap<String, Vec<Sib>>) -> Dot {
    match fields.get(EXISTS).map(Vec::as_slice) {
        Some([one]) => one.dot.clone(),
        _ => Dot::origin(),
    }
}

/// The metadata as stored: a single value keeps no copy (the record holds it), the existence is kept unless it is
/// the origin's, and a field whose one dot is the row's default (see [`default_dot`]) keeps no row.
pub(super) fn stored(fields: BTreeMap<String, Vec<Sib>>) -> BTreeMap<String, Vec<Sib>> {
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

pub(super) fn read_fields(conn: &Connection, table: &str, key: &str) -> rusqlite::Result<BTreeMap<String, Vec<Sib>>> {
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

pub(super) fn read_meta(conn: &Connection, table: &str, key: &str) -> rusqlite::Result<Option<(String, Vv, bool)>> {
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

pub(super) fn refused(text: impl Into<String>) -> ModelError {
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
pub(super) fn survivors(l: &[Sib], vl: &Vv, r: &[Sib], vr: &Vv) -> Vec<Sib> {
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
pub(super) fn distinct_values(sibs: &[Sib]) -> usize {
    sibs.iter().map(|s| s.value.as_deref()).collect::<std::collections::BTreeSet<_>>().len()
}

/// Concurrent existence values that are the same are one: the greatest of their dots stands for them (the merged
/// vector covers the others, so every vault collapses them alike).
pub(super) fn collapse(keep: Vec<Sib>) -> Vec<Sib> {
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
pub(super) fn merge_row(
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

pub(super) fn insert_row(
    tx: &Transaction<'_>,
    table: &str,
    cols: &[String],
    values: &[SqlValue],
) -> rusqlite::Result<()> {
    let list = cols.iter().map(|c| ident(c)).collect::<Vec<_>>().join(", ");
    let marks = (1..=cols.len()).map(|i| format!("?{i}")).collect::<Vec<_>>().join(", ");
    tx.execute(&format!("INSERT INTO {}({list}) VALUES({marks})", ident(table)), params_from_iter(values.iter()))?;
    Ok(())
}

#[allow(clippy::too_many_arguments)]
pub(super) fn write_meta_if_changed(
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

pub(super) fn write_meta(
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
