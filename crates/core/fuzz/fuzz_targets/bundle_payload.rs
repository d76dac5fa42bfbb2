//! Any bytes as a bundle's `cases.sqlite`: `payload::open` refuses them or returns a read-only database whose
//! tables are exactly the case tables this build writes and which passes SQLite's integrity and foreign key
//! checks (checked again here, independently of the reader). Never a panic.
#![no_main]

use std::sync::OnceLock;

use circlebook_core::bundle::payload;
use libfuzzer_sys::fuzz_target;

fn expected() -> &'static [String] {
    static TABLES: OnceLock<Vec<String>> = OnceLock::new();
    TABLES.get_or_init(|| payload::case_tables(&payload::create().expect("a payload")).expect("its tables"))
}

fuzz_target!(|data: &[u8]| {
    let Ok(conn) = payload::open(data) else { return };
    let check: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0)).expect("integrity_check");
    assert_eq!(check, "ok", "an accepted payload is damaged");
    let dangling: i64 =
        conn.query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| r.get(0)).expect("fk check");
    assert_eq!(dangling, 0, "an accepted payload refers to rows it does not hold");
    assert_eq!(payload::case_tables(&conn).expect("tables"), expected(), "an accepted payload has other tables");
    let others: i64 = conn
        .query_row("SELECT count(*) FROM sqlite_schema WHERE type IN ('trigger', 'view')", [], |r| r.get(0))
        .expect("schema");
    assert_eq!(others, 0, "an accepted payload carries triggers or views");
    assert!(conn.execute("DELETE FROM cases", []).is_err(), "an accepted payload is not read-only");
});
