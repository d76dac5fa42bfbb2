//! Issue 8 item 9: after a purge, no snapshot, journal or torn tail in the folder holds the case, so `restore`
//! cannot bring it back.

use std::fs;
use std::process::Command;

use circlebook_core::model::{ops, Ctx};
use serde_json::json;

use crate::common::*;

#[test]
fn a_purged_case_is_in_no_generation_journal_or_torn_tail() {
    let (fx, mut vault) = Fixture::new();
    let ctx = Ctx::fixed("2026-03-01T10:00:00Z".parse().expect("time"), "facilitator");
    let marker = "Bladderwrack";
    ops::call("create_case", &mut vault, &ctx, json!({"code_name": "Keep", "harmed_needs": "stays"})).expect("case");
    let case = ops::call(
        "create_case",
        &mut vault,
        &ctx,
        json!({"code_name": marker, "harmed_needs": format!("{marker} needs")}),
    )
    .expect("case");
    let id = case["id"].as_str().expect("id").to_owned();
    vault.fold().expect("fold: the case is in an older generation");
    vault.fold().expect("fold");
    ops::call(
        "close_case",
        &mut vault,
        &ctx,
        json!({
            "case_id": id, "outcome": "agreement_completed", "outcome_summary": "done", "decided_by": "facilitator"
        }),
    )
    .expect("close");
    // A torn tail moved aside earlier could hold the case's text too.
    let generation = vault.generation();
    fs::write(fx.dir.join(format!("journal/{generation:08}.torn-1")), b"-----BEGIN AGE ENCRYPTED FILE-----\n")
        .expect("torn");
    let later = Ctx::fixed("2032-03-02T09:00:00Z".parse().expect("time"), "facilitator");
    ops::call("purge_case", &mut vault, &later, json!({"case_id": id, "confirm_code_name": marker})).expect("purge");
    // Issue 11: only the id is remembered, so that no bundle can bring the case back.
    let tombstone: i64 = vault
        .conn()
        .query_row("SELECT count(*) FROM purged_cases WHERE case_id = ?1", [&id], |r| r.get(0))
        .expect("tombstone");
    assert_eq!(tombstone, 1);
    drop(vault);
    let snapshots: Vec<_> =
        fs::read_dir(fx.dir.join("snapshots")).expect("dir").map(|e| e.expect("entry").path()).collect();
    assert_eq!(snapshots.len(), 2, "one snapshot and its seal: {snapshots:?}");
    assert_eq!(fs::read_dir(fx.dir.join("journal")).expect("dir").count(), 0, "no journal, no torn tail");
    for snapshot in snapshots.iter().filter(|p| p.extension().is_some_and(|e| e == "age")) {
        let db = fx.scratch("purged.db");
        let _ = fs::remove_file(&db);
        run(Command::new("age").arg("-d").arg("-i").arg(&fx.key_file).arg("-o").arg(&db).arg(snapshot));
        let bytes = fs::read(&db).expect("db");
        for needle in [marker.to_owned(), marker.to_lowercase()] {
            assert!(
                !bytes.windows(needle.len()).any(|w| w == needle.as_bytes()),
                "{} holds the purged case",
                snapshot.display()
            );
        }
    }
    let vault = fx.unlock();
    assert_eq!(vault.generations().len(), 1, "nothing to restore the case from");
}
