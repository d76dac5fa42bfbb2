//! The database schema as an ordered, forward-only list of migrations, applied in one transaction.

use rusqlite::Connection;

/// `PRAGMA application_id` of a Circlebook database ("CBk1").
pub const APPLICATION_ID: i32 = 0x4342_6B31;

/// Every migration, in order. Migration `i` brings `user_version` to `i + 1`. Never edit a landed one.
pub const MIGRATIONS: &[&str] = &[
    include_str!("migrations/0001_case_model.sql"),
    include_str!("migrations/0002_search_facets.sql"),
    include_str!("migrations/0003_search_every_field.sql"),
    include_str!("migrations/0004_contacts.sql"),
    include_str!("migrations/0005_sharing.sql"),
    include_str!("migrations/0006_sync.sql"),
];

/// The `user_version` this build writes.
pub fn current_version() -> u32 {
    MIGRATIONS.len() as u32
}

/// Why the schema could not be brought up to date.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum MigrationError {
    /// The database was written by a newer Circlebook.
    #[error("this vault was written by a newer version of Circlebook (format {found}; this version reads up to {supported}); please update Circlebook")]
    Newer { found: u32, supported: u32 },
    /// The database is not a Circlebook database.
    #[error("this database is not a Circlebook vault")]
    Foreign,
    /// A migration failed; it was rolled back.
    #[error("upgrading the vault's format failed and was undone: {0}")]
    Failed(#[from] rusqlite::Error),
}

/// Reads `user_version`.
pub fn version(conn: &Connection) -> rusqlite::Result<u32> {
    conn.query_row("PRAGMA user_version", [], |r| r.get(0))
}

/// Applies the missing migrations in one transaction. Returns how many were applied.
pub fn migrate(conn: &Connection) -> Result<usize, MigrationError> {
    migrate_with(conn, MIGRATIONS)
}

/// [`migrate`] over an explicit list (tests use it to simulate failing and newer migrations).
pub fn migrate_with(conn: &Connection, migrations: &[&str]) -> Result<usize, MigrationError> {
    let found = version(conn)?;
    let app_id: i32 = conn.query_row("PRAGMA application_id", [], |r| r.get(0))?;
    if found > 0 && app_id != APPLICATION_ID {
        return Err(MigrationError::Foreign);
    }
    let supported = migrations.len() as u32;
    if found > supported {
        return Err(MigrationError::Newer { found, supported });
    }
    if found == supported {
        return Ok(0);
    }
    let tx = conn.unchecked_transaction()?;
    for (i, sql) in migrations.iter().enumerate().skip(found as usize) {
        tx.execute_batch(sql)?;
        tx.execute_batch(&format!("PRAGMA user_version = {}", i + 1))?;
    }
    tx.execute_batch(&format!("PRAGMA application_id = {APPLICATION_ID}"))?;
    tx.commit()?;
    Ok((supported - found) as usize)
}

/// The tables whose changes the journal records: real tables, not virtual tables or their shadows.
pub fn journaled_tables(conn: &Connection) -> rusqlite::Result<Vec<String>> {
    let mut stmt = conn.prepare(
        "SELECT name FROM pragma_table_list WHERE schema = 'main' AND type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'vault_meta' ORDER BY name",
    )?;
    let names = stmt.query_map([], |r| r.get(0))?.collect();
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_journaled_table_has_a_primary_key() {
        let conn = Connection::open_in_memory().expect("db");
        migrate(&conn).expect("migrate");
        for table in journaled_tables(&conn).expect("tables") {
            let pk_cols: i64 = conn
                .query_row("SELECT count(*) FROM pragma_table_info(?1) WHERE pk > 0", [&table], |r| r.get(0))
                .expect("pk");
            assert!(pk_cols > 0, "table {table} has no primary key, so the journal would miss its changes");
        }
    }

    #[test]
    fn a_failing_migration_leaves_the_database_as_it_was() {
        let conn = Connection::open_in_memory().expect("db");
        migrate(&conn).expect("migrate");
        let mut list = MIGRATIONS.to_vec();
        list.push("CREATE TABLE extra(id INTEGER PRIMARY KEY); INSERT INTO nowhere VALUES (1);");
        assert!(matches!(migrate_with(&conn, &list), Err(MigrationError::Failed(_))));
        assert_eq!(version(&conn).expect("v"), current_version());
        assert!(journaled_tables(&conn).expect("t").iter().all(|t| t != "extra"));
    }

    #[test]
    fn a_newer_database_is_refused() {
        let conn = Connection::open_in_memory().expect("db");
        migrate(&conn).expect("migrate");
        conn.execute_batch("PRAGMA user_version = 99").expect("bump");
        assert!(matches!(migrate(&conn), Err(MigrationError::Newer { found: 99, .. })));
    }
}
