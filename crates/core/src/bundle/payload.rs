//! `cases.sqlite`, a bundle's payload: a small SQLite database with the vault's case tables (no triggers,
//! views, indexes or full-text index), made in memory and read back from untrusted bytes on its own hardened
//! connection, checked against the schema this build expects before anything is read from it.

use rusqlite::limits::Limit;
use rusqlite::Connection;

use crate::schema;

/// `PRAGMA application_id` of a bundle payload ("CBb1"); the vault's own is "CBk1".
pub const PAYLOAD_APPLICATION_ID: i32 = 0x4342_6231;

/// Vault tables that never travel in a bundle: per-vault bookkeeping, not case data.
const LOCAL_TABLES: &[&str] =
    &["audit_log", "contacts", "imported_bundles", "purged_cases", "settings", "sync_replica", "vault_meta"];

/// Why a payload was refused.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PayloadError {
    /// The bytes are not an SQLite database.
    #[error("the bundle's database is not an SQLite database: {0}")]
    NotSqlite(String),
    /// Another program's database, or another schema version than this build writes.
    #[error("the bundle's database was written for another version of Circlebook ({0})")]
    Version(String),
    /// Tables, triggers, views or indexes other than the expected ones.
    #[error("the bundle's database does not have the expected tables: {0}")]
    Schema(String),
    /// SQLite's integrity or foreign key check failed.
    #[error("the bundle's database is damaged: {0}")]
    Damaged(String),
}

/// The case tables a bundle carries, in name order.
pub fn case_tables(conn: &Connection) -> rusqlite::Result<Vec<String>> {
    Ok(schema::journaled_tables(conn)?.into_iter().filter(|t| !LOCAL_TABLES.contains(&t.as_str())).collect())
}

/// The `CREATE TABLE` statements of the payload: the vault's own for each case table (as its migrations made
/// them), so the payload's columns and constraints are the vault's.
fn expected_statements() -> rusqlite::Result<Vec<(String, String)>> {
    let vault = Connection::open_in_memory()?;
    schema::migrate(&vault).map_err(|e| match e {
        schema::MigrationError::Failed(e) => e,
        other => rusqlite::Error::InvalidParameterName(other.to_string()),
    })?;
    let tables = case_tables(&vault)?;
    let mut stmt = vault.prepare("SELECT name, sql FROM sqlite_schema WHERE type = 'table' AND name = ?1")?;
    tables.iter().map(|t| stmt.query_row([t], |r| Ok((r.get(0)?, r.get(1)?)))).collect()
}

/// A new, empty payload database in memory, hardened, with foreign keys enforced.
pub fn create() -> rusqlite::Result<Connection> {
    let conn = Connection::open_in_memory()?;
    crate::vault::replay::harden(&conn)?;
    // Sorts and statement journals stay in memory too: an export never writes plaintext to a temp file.
    conn.execute_batch("PRAGMA temp_store = MEMORY;")?;
    let tx = conn.unchecked_transaction()?;
    for (_, sql) in expected_statements()? {
        tx.execute_batch(&sql)?;
    }
    tx.execute_batch(&format!(
        "PRAGMA application_id = {PAYLOAD_APPLICATION_ID}; PRAGMA user_version = {};",
        schema::current_version()
    ))?;
    tx.commit()?;
    conn.execute_batch("PRAGMA foreign_keys = ON;")?;
    Ok(conn)
}

/// The payload's bytes (what `sqlite3` opens).
pub fn to_bytes(conn: &mut Connection) -> rusqlite::Result<zeroize::Zeroizing<Vec<u8>>> {
    Ok(zeroize::Zeroizing::new(conn.serialize(rusqlite::MAIN_DB)?.to_vec()))
}

/// Opens untrusted payload bytes read-only on a connection of its own: no attached databases, defensive mode,
/// an untrusted schema, tight length limits; then checks the application id and version, compares the schema
/// with the expected one (exactly these tables, nothing else: no triggers, views or indexes), and runs SQLite's
/// integrity and foreign key checks. Only a payload that passes all of them is returned.
pub fn open(bytes: &[u8]) -> Result<Connection, PayloadError> {
    let not_sqlite = |e: rusqlite::Error| PayloadError::NotSqlite(e.to_string());
    let mut conn = Connection::open_in_memory().map_err(not_sqlite)?;
    crate::vault::replay::harden(&conn).map_err(not_sqlite)?;
    conn.set_limit(Limit::SQLITE_LIMIT_LENGTH, 16 * 1024 * 1024).map_err(not_sqlite)?;
    conn.set_limit(Limit::SQLITE_LIMIT_SQL_LENGTH, 100_000).map_err(not_sqlite)?;
    conn.set_limit(Limit::SQLITE_LIMIT_COLUMN, 200).map_err(not_sqlite)?;
    conn.set_limit(Limit::SQLITE_LIMIT_EXPR_DEPTH, 100).map_err(not_sqlite)?;
    conn.set_limit(Limit::SQLITE_LIMIT_TRIGGER_DEPTH, 1).map_err(not_sqlite)?;
    conn.deserialize_read_exact(rusqlite::MAIN_DB, bytes, bytes.len(), true).map_err(not_sqlite)?;
    conn.execute_batch("PRAGMA temp_store = MEMORY; PRAGMA query_only = ON;").map_err(not_sqlite)?;
    let app_id: i32 = conn.query_row("PRAGMA application_id", [], |r| r.get(0)).map_err(not_sqlite)?;
    if app_id != PAYLOAD_APPLICATION_ID {
        return Err(PayloadError::Version(format!("application id {app_id:#x}")));
    }
    let version: u32 = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).map_err(not_sqlite)?;
    if version != schema::current_version() {
        return Err(PayloadError::Version(format!(
            "schema {version}; this version reads {}",
            schema::current_version()
        )));
    }
    let found: Vec<(String, String, Option<String>)> = {
        let mut stmt = conn
            .prepare("SELECT type, name, sql FROM sqlite_schema ORDER BY name")
            .map_err(|e| PayloadError::Damaged(e.to_string()))?;
        let rows = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .map_err(|e| PayloadError::Damaged(e.to_string()))?;
        rows.collect::<rusqlite::Result<_>>().map_err(|e| PayloadError::Damaged(e.to_string()))?
    };
    let expected = expected_statements().map_err(|e| PayloadError::Schema(e.to_string()))?;
    // SQLite adds an automatic index per text primary key; those alone may appear besides the tables.
    let mut tables = Vec::new();
    for (kind, name, sql) in found {
        match (kind.as_str(), sql) {
            ("table", Some(sql)) => tables.push((name, sql)),
            ("index", None) if name.starts_with("sqlite_autoindex_") => {}
            (kind, _) => return Err(PayloadError::Schema(format!("unexpected {kind} {name}"))),
        }
    }
    let mut expected = expected;
    expected.sort();
    if tables != expected {
        let names: Vec<&str> = tables.iter().map(|(n, _)| n.as_str()).collect();
        return Err(PayloadError::Schema(format!("found {}", names.join(", "))));
    }
    let integrity: String = conn
        .query_row("PRAGMA integrity_check(1)", [], |r| r.get(0))
        .map_err(|e| PayloadError::Damaged(e.to_string()))?;
    if integrity != "ok" {
        return Err(PayloadError::Damaged(integrity));
    }
    let dangling: i64 = conn
        .query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| r.get(0))
        .map_err(|e| PayloadError::Damaged(e.to_string()))?;
    if dangling != 0 {
        return Err(PayloadError::Damaged(format!("{dangling} rows refer to records it does not hold")));
    }
    for (table, _) in &expected {
        every_value_fits(&conn, table)?;
    }
    Ok(conn)
}

/// Reads every value of `table` once: a value over the length limit (16 MiB) refuses the payload here, with a
/// clear reason, instead of failing whichever later query first reads it.
fn every_value_fits(conn: &Connection, table: &str) -> Result<(), PayloadError> {
    let too_big = |e: rusqlite::Error| match e.sqlite_error_code() {
        Some(rusqlite::ErrorCode::TooBig) => {
            PayloadError::Damaged(format!("a value in {table} is larger than a bundle may hold (16 MiB)"))
        }
        _ => PayloadError::Damaged(e.to_string()),
    };
    let mut stmt = conn.prepare(&format!("SELECT * FROM \"{table}\"")).map_err(too_big)?;
    let columns = stmt.column_count();
    let mut rows = stmt.query([]).map_err(too_big)?;
    while let Some(row) = rows.next().map_err(too_big)? {
        for i in 0..columns {
            row.get_ref(i).map_err(too_big)?;
        }
    }
    Ok(())
}

/// Rows per case table (for the manifest and the import preview).
pub fn row_counts(conn: &Connection) -> rusqlite::Result<std::collections::BTreeMap<String, u64>> {
    let mut counts = std::collections::BTreeMap::new();
    for table in case_tables(conn)? {
        let n: i64 = conn.query_row(&format!("SELECT count(*) FROM \"{table}\""), [], |r| r.get(0))?;
        counts.insert(table, n as u64);
    }
    Ok(counts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_payload_round_trips_and_carries_no_local_table() {
        let mut conn = create().expect("payload");
        let tables = case_tables(&conn).expect("tables");
        assert!(tables.contains(&"cases".to_owned()) && tables.contains(&"consents".to_owned()));
        assert!(LOCAL_TABLES.iter().all(|t| !tables.contains(&t.to_string())));
        let bytes = to_bytes(&mut conn).expect("bytes");
        open(&bytes).expect("opens");
    }

    #[test]
    fn a_new_payload_keeps_its_temporary_data_in_memory() {
        let conn = create().expect("payload");
        let store: i64 = conn.query_row("PRAGMA temp_store", [], |r| r.get(0)).expect("temp_store");
        assert_eq!(store, 2, "MEMORY");
    }

    #[test]
    fn extra_tables_triggers_views_and_other_databases_are_refused() {
        for extra in [
            "CREATE TABLE extra(id INTEGER PRIMARY KEY);",
            "CREATE VIEW v AS SELECT 1;",
            "CREATE TRIGGER t AFTER INSERT ON cases BEGIN SELECT 1; END;",
            "CREATE INDEX i ON cases(code_name);",
            "PRAGMA user_version = 1;",
            "PRAGMA application_id = 1;",
        ] {
            let mut conn = create().expect("payload");
            conn.execute_batch(extra).expect(extra);
            let bytes = to_bytes(&mut conn).expect("bytes");
            assert!(open(&bytes).is_err(), "{extra} was accepted");
        }
        assert!(matches!(
            open(b"not a database at all, not even close"),
            Err(PayloadError::NotSqlite(_)) | Err(PayloadError::Version(_))
        ));
    }
}
