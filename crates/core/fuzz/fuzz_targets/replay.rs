//! Replay under the authorizer: any SQL text as a record's body either is refused or only changes rows of the
//! journaled tables. It never attaches a database, never changes the schema or `vault_meta`, never leaves a
//! transaction open, and never touches the file system: the process works in an empty temp folder (its current
//! folder and `TMPDIR`), which must stay empty.
#![no_main]

use std::path::PathBuf;
use std::sync::{Mutex, OnceLock};

use circlebook_core::vault::fuzzing::ReplayFixture;
use libfuzzer_sys::fuzz_target;

struct State {
    fixture: ReplayFixture,
    folder: PathBuf,
    _dir: tempfile::TempDir,
    schema: Vec<String>,
    meta: Vec<String>,
}

fn rows(fixture: &ReplayFixture, sql: &str) -> Vec<String> {
    let mut statement = fixture.conn().prepare(sql).expect("prepare");
    let rows = statement.query_map([], |row| row.get::<_, String>(0)).expect("query");
    rows.collect::<Result<_, _>>().expect("rows")
}

fn state() -> &'static Mutex<State> {
    static STATE: OnceLock<Mutex<State>> = OnceLock::new();
    STATE.get_or_init(|| {
        let dir = tempfile::tempdir().expect("a temp folder");
        let folder = dir.path().join("cwd");
        std::fs::create_dir(&folder).expect("a folder");
        // Relative paths (ATTACH 'x.db', VACUUM INTO 'x') and SQLite's own temp files would land here.
        std::env::set_current_dir(&folder).expect("cd");
        std::env::set_var("TMPDIR", &folder);
        std::env::set_var("SQLITE_TMPDIR", &folder);
        let mut fixture = ReplayFixture::default();
        fixture
            .apply("BEGIN;\nINSERT INTO \"cases\"(\"id\",\"code_name\",\"created_at\",\"updated_at\") VALUES('c1','Heron','t','t');\nCOMMIT;\n")
            .expect("a real record");
        let schema = rows(&fixture, "SELECT type || ' ' || name || ' ' || ifnull(sql, '') FROM sqlite_schema ORDER BY name");
        let meta = rows(&fixture, "SELECT vault_id || ' ' || generation FROM vault_meta");
        Mutex::new(State { fixture, folder, _dir: dir, schema, meta })
    })
}

fuzz_target!(|script: &str| {
    let mut state = state().lock().expect("not poisoned");
    let _ = state.fixture.apply(script);
    let conn = state.fixture.conn();
    assert!(conn.is_autocommit(), "a record left a transaction open: {script:?}");
    let databases = rows(&state.fixture, "SELECT name FROM pragma_database_list WHERE name <> 'temp'");
    assert_eq!(databases, ["main"], "a record attached a database: {script:?}");
    let schema =
        rows(&state.fixture, "SELECT type || ' ' || name || ' ' || ifnull(sql, '') FROM sqlite_schema ORDER BY name");
    assert_eq!(schema, state.schema, "a record changed the schema: {script:?}");
    let meta = rows(&state.fixture, "SELECT vault_id || ' ' || generation FROM vault_meta");
    assert_eq!(meta, state.meta, "a record changed vault_meta: {script:?}");
    let temp_tables = rows(&state.fixture, "SELECT name FROM temp.sqlite_schema");
    assert!(temp_tables.is_empty(), "a record created a temp object: {script:?}");
    let left: Vec<_> =
        std::fs::read_dir(&state.folder).expect("read_dir").map(|e| e.expect("entry").file_name()).collect();
    assert!(left.is_empty(), "a record touched the file system ({left:?}): {script:?}");
});
