//! Fields holding several values (conflicts): which, their values, their ids, and writing the one kept.

use super::*;

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
