//! Cases through the registry: create, stages with who and why, closing rules, purge.

use circlebook_core::model::{bindings, ops, Ctx};
use serde_json::json;

use crate::common::*;

pub fn ctx() -> Ctx {
    Ctx::fixed("2026-03-01T10:00:00Z".parse().expect("time"), "facilitator")
}

#[test]
fn create_and_move_a_case_through_stages() {
    let (_fx, mut vault) = Fixture::new();
    let ctx = ctx();
    let case = ops::call(
        "create_case",
        &mut vault,
        &ctx,
        json!({
            "code_name": "Heron", "harmed_needs": "to be believed", "gender_based_violence": true,
            "referred_by_person_harmed": false, "tags": ["Consent education", "consent education "]
        }),
    )
    .expect("create");
    assert_eq!(case["referral_flagged"], true);
    assert_eq!(case["tags"], json!(["consent education"]));
    let id = case["id"].as_str().expect("id").to_owned();
    let err = ops::call(
        "change_stage",
        &mut vault,
        &ctx,
        json!({"case_id": id, "stage": "paused", "decided_by": "", "reason": "x"}),
    )
    .expect_err("who decided");
    assert_eq!(err.to_string(), "Who decided is required");
    ops::call(
        "change_stage",
        &mut vault,
        &ctx,
        json!({"case_id": id, "stage": "paused", "decided_by": "person harmed", "reason": "needs time"}),
    )
    .expect("pause");
    let record = ops::call("get_case", &mut vault, &ctx, json!({"case_id": id})).expect("get");
    assert_eq!(record["stage_history"][0]["to_stage"], "paused");
    assert_eq!(record["stage_history"][0]["decided_by"], "person harmed");
    let err = ops::call(
        "close_case",
        &mut vault,
        &ctx,
        json!({"case_id": id, "outcome": "partly_completed", "outcome_summary": " ", "decided_by": "f"}),
    )
    .expect_err("summary");
    assert_eq!(err.kind(), circlebook_core::ErrorKind::NotAllowed);
}

#[test]
fn the_registry_describes_every_operation_in_typescript() {
    let ts = bindings::typescript();
    for op in ops::all() {
        assert!(ts.contains(&format!("('{}', args)", op.name)), "{} missing", op.name);
    }
    let types = bindings::typescript_types();
    assert!(types.contains("export type Case = {"), "{types}");
    assert!(types.contains("export type Stage = "), "{types}");
    assert!(ts.contains("from './types';"), "{ts}");
    assert!(bindings::typescript_errors().contains("'consent_required'"));
    assert!(!ts.contains("bigint") && !types.contains("bigint"));
}

#[test]
fn purging_a_closed_case_past_retention_leaves_no_trace_in_the_decrypted_snapshot() {
    use std::process::Command;
    let (fx, mut vault) = Fixture::new();
    let ctx = ctx();
    let marker = "Quillwort";
    let keep = ops::call("create_case", &mut vault, &ctx, json!({"code_name": "Keep", "harmed_needs": "stays"}))
        .expect("case");
    let case = ops::call(
        "create_case",
        &mut vault,
        &ctx,
        json!({
            "code_name": marker, "harmed_needs": format!("{marker} needs quiet"), "tags": ["homophobia"]
        }),
    )
    .expect("case");
    let id = case["id"].as_str().expect("id").to_owned();
    let person = ops::call("add_participant", &mut vault, &ctx, json!({
        "case_id": id, "alias": format!("{marker}-alias"), "role": "person_harmed", "safety_notes": format!("{marker} safety")
    })).expect("participant");
    ops::call(
        "record_consent",
        &mut vault,
        &ctx,
        json!({
            "participant_id": person["id"], "activity": "keeping_notes", "decision": "granted", "method": "written"
        }),
    )
    .expect("consent");
    ops::call("add_note", &mut vault, &ctx, json!({"case_id": id, "body": format!("{marker} private note body")}))
        .expect("note");
    ops::call("add_task", &mut vault, &ctx, json!({"case_id": id, "title": format!("{marker} task")})).expect("task");
    vault.fold().expect("fold: the case is in a snapshot too, not only the journal");
    ops::call(
        "add_note",
        &mut vault,
        &ctx,
        json!({"case_id": id, "body": format!("{marker} second note in the journal")}),
    )
    .expect("note");

    let early = ops::call("close_case", &mut vault, &ctx, json!({
        "case_id": id, "outcome": "agreement_completed", "outcome_summary": "the agreement was completed", "decided_by": "facilitator"
    })).expect("close");
    assert_eq!(early["retention_until"], "2032-03-01", "six years by default");
    let refused = ops::call("purge_case", &mut vault, &ctx, json!({"case_id": id, "confirm_code_name": marker}))
        .expect_err("kept");
    assert!(refused.to_string().contains("kept until 2032-03-01"), "{refused}");

    // Years later the retention date has passed; the confirmation must match the code name.
    let later = Ctx::fixed("2032-03-02T09:00:00Z".parse().expect("time"), "facilitator");
    let refused = ops::call("purge_case", &mut vault, &later, json!({"case_id": id, "confirm_code_name": "quillwort"}))
        .expect_err("confirm");
    assert_eq!(refused.kind(), circlebook_core::ErrorKind::InvalidInput);
    let purged = ops::call("purge_case", &mut vault, &later, json!({"case_id": id, "confirm_code_name": marker}))
        .expect("purge");
    let generation = purged["generation"].as_u64().expect("generation");
    assert_eq!(std::fs::read_dir(fx.dir.join("journal")).expect("dir").count(), 0, "the journal is gone");
    let err = ops::call("get_case", &mut vault, &later, json!({"case_id": id})).expect_err("gone");
    assert_eq!(err.kind(), circlebook_core::ErrorKind::NotFound);
    drop(vault);

    let db = fx.scratch("purged.db");
    run(Command::new("age")
        .arg("-d")
        .arg("-i")
        .arg(&fx.key_file)
        .arg("-o")
        .arg(&db)
        .arg(fx.dir.join(format!("snapshots/{generation:08}.age"))));
    let bytes = std::fs::read(&db).expect("db");
    // As written, and as the search index keeps its words (folded to lower case).
    for needle in [marker.to_owned(), marker.to_lowercase()] {
        let needle = needle.as_bytes();
        assert!(
            !bytes.windows(needle.len()).any(|w| w == needle),
            "the purged case's text is still in the snapshot's bytes"
        );
    }
    assert_eq!(sqlite(&db, "SELECT count(*) FROM cases"), "1");
    assert_eq!(
        sqlite(&db, &format!("SELECT count(*) FROM cases WHERE id = '{}'", keep["id"].as_str().expect("id"))),
        "1"
    );
    for table in ["participants", "consents", "notes", "tasks", "case_tags"] {
        assert_eq!(sqlite(&db, &format!("SELECT count(*) FROM {table}")), "0", "{table}");
    }
    assert_eq!(sqlite(&db, "SELECT count(*) FROM audit_log WHERE action = 'purge'"), "1");
    assert_eq!(sqlite(&db, "PRAGMA integrity_check"), "ok");
}

/// Home's process filter: only cases holding a process of that kind, in any status; closed ones still need asking.
#[test]
fn list_cases_by_process_kind() {
    let (_fx, mut vault) = Fixture::new();
    let ctx = ctx();
    let mut ids = Vec::new();
    for name in ["Heron", "Wren", "Otter"] {
        let case =
            ops::call("create_case", &mut vault, &ctx, json!({"code_name": name, "harmed_needs": "to be heard"}))
                .expect("create");
        ids.push(case["id"].as_str().expect("id").to_owned());
    }
    ops::call("open_process", &mut vault, &ctx, json!({"case_id": ids[0], "kind": "conference"})).expect("open");
    let paused =
        ops::call("open_process", &mut vault, &ctx, json!({"case_id": ids[1], "kind": "conference"})).expect("open");
    ops::call(
        "set_process_status",
        &mut vault,
        &ctx,
        json!({"process_id": paused["id"], "status": "paused", "note": "a break"}),
    )
    .expect("pause");
    ops::call("open_process", &mut vault, &ctx, json!({"case_id": ids[2], "kind": "direct_dialogue"})).expect("open");

    let names = |filter: serde_json::Value, vault: &mut circlebook_core::vault::UnlockedVault| {
        let listed = ops::call("list_cases", vault, &ctx, filter).expect("list");
        let mut names: Vec<String> = listed
            .as_array()
            .expect("list")
            .iter()
            .map(|c| c["code_name"].as_str().expect("name").to_owned())
            .collect();
        names.sort();
        names
    };
    assert_eq!(names(json!({"process": "conference"}), &mut vault), ["Heron", "Wren"]);
    assert_eq!(names(json!({"process": "direct_dialogue"}), &mut vault), ["Otter"]);
    assert!(names(json!({"process": "letter_exchange"}), &mut vault).is_empty());
    assert_eq!(names(json!({"process": "conference", "stage": "referral"}), &mut vault), ["Heron", "Wren"]);
    assert_eq!(names(json!({}), &mut vault).len(), 3, "no filter, every open case");
    let refused = ops::call("list_cases", &mut vault, &ctx, json!({"process": "picnic"})).expect_err("unknown kind");
    assert!(refused.to_string().contains("picnic") || refused.to_string().contains("variant"), "{refused}");
}

/// Issue 9 (the home screen's IPC): `list_case_summaries` lists the cases `list_cases` lists, in the same order
/// and under the same filters, with the first line of the needs instead of the whole statement; `list_cases` and
/// `case_file` still carry the whole of it.
#[test]
fn case_summaries_list_what_list_cases_does_with_the_needs_first_line() {
    let (_fx, mut vault) = Fixture::new();
    let ctx = ctx();
    let long = "é".repeat(200);
    let needs = ["\n  \nTo be heard.  \nAnd to know it will not happen again.", "", long.as_str(), "One line"];
    let mut ids = Vec::new();
    for (name, needs) in ["Heron", "Wren", "Otter", "Finch"].into_iter().zip(needs) {
        let case = ops::call(
            "create_case",
            &mut vault,
            &ctx,
            json!({"code_name": name, "harmed_needs": needs, "harmed_justice_vision": "an apology", "tags": ["b", "a"]}),
        )
        .expect("create");
        ids.push(case["id"].as_str().expect("id").to_owned());
    }
    ops::call(
        "change_stage",
        &mut vault,
        &ctx,
        json!({"case_id": ids[3], "stage": "active", "decided_by": "facilitator", "reason": "ready"}),
    )
    .expect("stage");
    for filter in [json!({}), json!({"stage": "active"}), json!({"tag": " A "}), json!({"include_closed": true})] {
        let cases = ops::call("list_cases", &mut vault, &ctx, filter.clone()).expect("cases");
        let summaries = ops::call("list_case_summaries", &mut vault, &ctx, filter.clone()).expect("summaries");
        let (cases, summaries) = (cases.as_array().expect("cases"), summaries.as_array().expect("summaries"));
        assert_eq!(cases.len(), summaries.len(), "{filter}");
        for (case, summary) in cases.iter().zip(summaries) {
            for field in ["id", "code_name", "stage", "tags", "opened_on", "created_at", "updated_at"] {
                assert_eq!(case[field], summary[field], "{field} under {filter}");
            }
            assert!(summary.get("harmed_needs").is_none() && summary.get("harmed_justice_vision").is_none());
        }
    }
    let summaries = ops::call("list_case_summaries", &mut vault, &ctx, json!({})).expect("summaries");
    let by_name = |name: &str| summaries.as_array().expect("list").iter().find(|s| s["code_name"] == name).cloned();
    let heron = by_name("Heron").expect("Heron");
    assert_eq!((&heron["needs_first_line"], &heron["needs_cut"]), (&json!("To be heard."), &json!(false)));
    let wren = by_name("Wren").expect("Wren");
    assert_eq!((&wren["needs_first_line"], &wren["needs_cut"]), (&json!(""), &json!(false)));
    let otter = by_name("Otter").expect("Otter");
    assert_eq!((&otter["needs_first_line"], &otter["needs_cut"]), (&json!("é".repeat(160)), &json!(true)));
    // The whole statement is still there for the case's own screen and for list_cases.
    let file = ops::call("case_file", &mut vault, &ctx, json!({"case_id": ids[0]})).expect("file");
    assert_eq!(file["harmed_statement"]["needs"], needs[0]);
    let listed = ops::call("list_cases", &mut vault, &ctx, json!({"stage": "referral"})).expect("cases");
    assert!(listed.as_array().expect("list").iter().any(|c| c["harmed_needs"] == needs[0]));
}
