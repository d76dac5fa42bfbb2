//! Safe replay: every connection is hardened, and journal records run under an SQLite authorizer that allows only
//! what a record written by [`super::journal::changeset_sql`] needs (issue 8 item 4).

use std::collections::HashSet;

use rusqlite::config::DbConfig;
use rusqlite::hooks::{AuthAction, AuthContext, Authorization};
use rusqlite::limits::Limit;
use rusqlite::Connection;

/// Settings every vault connection gets before it reads anything: no attached databases (so no SQL can write a
/// file), defensive mode (no writable schema, read-only shadow tables), and a schema that is not trusted to call
/// functions or virtual tables with side effects.
pub fn harden(conn: &Connection) -> rusqlite::Result<()> {
    conn.set_limit(Limit::SQLITE_LIMIT_ATTACHED, 0)?;
    conn.set_db_config(DbConfig::SQLITE_DBCONFIG_DEFENSIVE, true)?;
    conn.set_db_config(DbConfig::SQLITE_DBCONFIG_TRUSTED_SCHEMA, false)?;
    conn.execute_batch("PRAGMA trusted_schema = OFF;")
}

/// What a record may touch: the journaled tables (written directly by records), the virtual tables and their
/// shadow tables (written only by triggers and the virtual tables themselves).
#[derive(Debug, Clone)]
pub struct Allowed {
    journaled: HashSet<String>,
    virtuals: HashSet<String>,
    shadows: HashSet<String>,
}

impl Allowed {
    pub fn of(conn: &Connection, journaled: &HashSet<String>) -> rusqlite::Result<Self> {
        let of_type = |kind: &str| -> rusqlite::Result<HashSet<String>> {
            let mut stmt = conn.prepare("SELECT name FROM pragma_table_list WHERE schema = 'main' AND type = ?1")?;
            let names = stmt.query_map([kind], |r| r.get::<_, String>(0))?.collect();
            names
        };
        Ok(Self { journaled: journaled.clone(), virtuals: of_type("virtual")?, shadows: of_type("shadow")? })
    }

    fn decide(&self, ctx: &AuthContext<'_>) -> Authorization {
        let top_level = ctx.accessor.is_none();
        let main = matches!(ctx.database_name, None | Some("main"));
        // A virtual table (the search index) is written by the schema's triggers only. Its shadow tables are
        // written by the virtual table's own statements, which SQLite prepares as top-level SQL while a statement
        // runs; defensive mode refuses them to any statement prepared while none runs, so to every record.
        let writable = |table: &str| {
            main && (self.journaled.contains(table)
                || (!top_level && self.virtuals.contains(table))
                || self.shadows.contains(table))
        };
        let allowed = match ctx.action {
            AuthAction::Transaction { .. } => top_level,
            AuthAction::Pragma { pragma_name, pragma_value: Some(value) } => {
                top_level
                    && pragma_name.eq_ignore_ascii_case("defer_foreign_keys")
                    && (value.eq_ignore_ascii_case("on") || value == "1")
            }
            // The search index reads it to notice changes made by other connections (there are none).
            AuthAction::Pragma { pragma_name, pragma_value: None } => main && pragma_name == "data_version",
            AuthAction::Insert { table_name } | AuthAction::Delete { table_name } => writable(table_name),
            AuthAction::Update { table_name, .. } => writable(table_name),
            AuthAction::Read { .. } | AuthAction::Select => main,
            // Records hold literals only; functions are for the schema's own triggers.
            AuthAction::Function { .. } => !top_level,
            _ => false,
        };
        if allowed {
            Authorization::Allow
        } else {
            Authorization::Deny
        }
    }
}

/// Why a record was not applied.
#[derive(Debug)]
pub struct Refused(pub String);

/// Runs one record's script under the authorizer. On failure the transaction is rolled back.
pub fn apply(conn: &mut Connection, allowed: &Allowed, script: &str) -> Result<(), Refused> {
    let policy = allowed.clone();
    conn.authorizer(Some(move |ctx: AuthContext<'_>| policy.decide(&ctx))).map_err(|e| Refused(e.to_string()))?;
    let result = conn.execute_batch(script);
    conn.authorizer(None::<fn(AuthContext<'_>) -> Authorization>).map_err(|e| Refused(e.to_string()))?;
    if result.is_ok() && !conn.is_autocommit() {
        // A record is one whole transaction: one that leaves it open (found by the `replay` fuzz target) would
        // make the next record fail, or the unlocked vault run inside it.
        let _ = conn.execute_batch("ROLLBACK");
        return Err(Refused("it leaves its transaction open".into()));
    }
    result.map_err(|e| {
        if !conn.is_autocommit() {
            let _ = conn.execute_batch("ROLLBACK");
        }
        match e {
            rusqlite::Error::SqliteFailure(f, _) if f.code == rusqlite::ErrorCode::AuthorizationForStatementDenied => {
                Refused("it asks for something a journal record may not do".into())
            }
            other => Refused(other.to_string()),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn db() -> (Connection, Allowed) {
        let conn = Connection::open_in_memory().expect("db");
        harden(&conn).expect("harden");
        crate::schema::migrate(&conn).expect("migrate");
        let journaled = crate::schema::journaled_tables(&conn).expect("tables").into_iter().collect();
        let allowed = Allowed::of(&conn, &journaled).expect("allowed");
        (conn, allowed)
    }

    fn dump(conn: &mut Connection) -> Vec<u8> {
        conn.serialize(rusqlite::MAIN_DB).expect("serialize").to_vec()
    }

    /// Issue 8 item 4: replay runs only DML on journaled tables and transaction control.
    #[test]
    fn replay_refuses_everything_but_dml_on_journaled_tables() {
        let (mut conn, allowed) = db();
        let outside = tempfile::tempdir().expect("tmp");
        let stolen = outside.path().join("stolen.db");
        let before = dump(&mut conn);
        let attacks = [
            format!("BEGIN; ATTACH '{}' AS x; CREATE TABLE x.t AS SELECT * FROM cases; COMMIT;", stolen.display()),
            "BEGIN; PRAGMA writable_schema=ON; UPDATE sqlite_master SET sql = 'x' WHERE name = 'cases'; COMMIT;".into(),
            "BEGIN; DELETE FROM sqlite_master; COMMIT;".into(),
            "BEGIN; CREATE TABLE evil(x); COMMIT;".into(),
            "BEGIN; DROP TABLE notes; COMMIT;".into(),
            "BEGIN; CREATE TRIGGER t AFTER INSERT ON cases BEGIN DELETE FROM notes; END; COMMIT;".into(),
            "BEGIN; INSERT INTO search_index(search_index) VALUES('delete-all'); COMMIT;".into(),
            "BEGIN; DELETE FROM search_index_data; COMMIT;".into(),
            "BEGIN; INSERT INTO cases(id, code_name, created_at, updated_at) VALUES(hex(randomblob(4)), 'x', 't', 't'); COMMIT;".into(),
            "BEGIN; PRAGMA foreign_keys=OFF; COMMIT;".into(),
            "BEGIN; SAVEPOINT a; COMMIT;".into(),
            "VACUUM;".into(),
            // Found by the `replay` fuzz target: a record that opens a transaction and never ends it.
            "BEGIN;".into(),
            "BEGIN; INSERT INTO cases(id, code_name, created_at, updated_at) VALUES('c9', 'x', 't', 't');".into(),
            format!("VACUUM INTO '{}';", stolen.display()),
        ];
        for attack in &attacks {
            assert!(apply(&mut conn, &allowed, attack).is_err(), "replayed: {attack}");
            assert!(conn.is_autocommit(), "left a transaction open: {attack}");
            assert_eq!(dump(&mut conn), before, "changed the database: {attack}");
        }
        assert!(!stolen.exists(), "a record wrote a file outside the vault");
        assert!(conn.execute_batch(&format!("ATTACH '{}' AS y", stolen.display())).is_err(), "ATTACH allowed");
        // What real records do still works, triggers and the search index included.
        apply(
            &mut conn,
            &allowed,
            "BEGIN;\nPRAGMA defer_foreign_keys=ON;\nINSERT INTO \"cases\"(\"id\",\"code_name\",\"created_at\",\"updated_at\") VALUES('c1','Heron','t','t');\nUPDATE \"cases\" SET \"stage\"='intake' WHERE \"id\"='c1';\nCOMMIT;\n",
        )
        .expect("a real record");
        let n: i64 = conn
            .query_row("SELECT count(*) FROM search_index WHERE search_index MATCH 'heron'", [], |r| r.get(0))
            .expect("match");
        assert_eq!(n, 1);
    }
}
