//! Demo data through a real vault: every table the case model has gets rows, and the vault verifies.

use circlebook_demo as demo;

use crate::common::*;

#[test]
fn a_demo_vault_fills_every_table_and_verifies() {
    let (fx, mut vault) = Fixture::new();
    let today = "2026-06-15".parse().expect("a date");
    let summary = demo::add_cases(&mut vault, 30, 1, today).expect("demo");
    assert_eq!(summary.cases, 30);
    vault.lock().expect("lock");
    let vault = fx.unlock();
    let count =
        |sql: &str| -> i64 { vault.conn().query_row(sql, [], |r| r.get(0)).unwrap_or_else(|e| panic!("{sql}: {e}")) };
    for table in [
        "cases",
        "participants",
        "consents",
        "assessments",
        "processes",
        "sessions",
        "session_attendees",
        "safety_plans",
        "agreements",
        "shuttle_messages",
        "commitments",
        "progress_entries",
        "notes",
        "tasks",
        "case_tags",
        "case_stage_changes",
        "attachments",
        "audit_log",
    ] {
        assert!(count(&format!("SELECT count(*) FROM {table}")) > 0, "no rows in {table}");
    }
    assert!(count("SELECT count(*) FROM consents WHERE decision = 'withdrawn'") > 0, "no withdrawn consent");
    assert!(count("SELECT count(*) FROM sessions WHERE status = 'held'") > 0, "no held session");
    assert!(count("SELECT count(*) FROM shuttle_messages WHERE relayed_at IS NOT NULL") > 0, "no relayed message");
    assert_eq!(count("SELECT count(*) FROM notes"), summary.notes as i64);
    // The search index is derived from the tables, so it holds every note.
    assert_eq!(count("SELECT count(*) FROM search_index WHERE kind = 'note'"), summary.notes as i64);
    crate::model_search::assert_index_agrees_with_tables(vault.conn());
    let report = vault.verify().expect("verify");
    assert!(report.ok(), "{report:?}");
}
