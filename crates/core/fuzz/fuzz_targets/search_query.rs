//! The search query builder: whatever a person types, `fts_query` gives FTS5 a query that parses, and every
//! word it keeps is matched as plain text (no operator, column filter or quote escapes its string).
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use rusqlite::Connection;

fn index() -> &'static std::sync::Mutex<Connection> {
    static INDEX: OnceLock<std::sync::Mutex<Connection>> = OnceLock::new();
    INDEX.get_or_init(|| {
        let conn = Connection::open_in_memory().expect("an in-memory database");
        conn.execute_batch(
            "CREATE VIRTUAL TABLE t USING fts5(title, body, tokenize = 'unicode61 remove_diacritics 2');
             INSERT INTO t VALUES ('apology letter', 'consent withdrawn on the day'), ('AND OR NOT', 'NEAR(a b) \"q\" *');",
        )
        .expect("the index");
        std::sync::Mutex::new(conn)
    })
}

fuzz_target!(|text: &str| {
    let Some(query) = circlebook_core::model::search::fts_query(text) else { return };
    let conn = index().lock().expect("not poisoned");
    let mut statement = conn.prepare_cached("SELECT count(*) FROM t WHERE t MATCH ?1").expect("prepare");
    let counted: Result<i64, _> = statement.query_row([&query], |row| row.get(0));
    if let Err(error) = counted {
        panic!("fts_query({text:?}) = {query:?} is not a valid FTS5 query: {error}");
    }
});
