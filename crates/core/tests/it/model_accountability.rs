//! The accountability plan through the registry: commitments only for a person responsible, status moves,
//! progress entries, and rule 3 (the person harmed's report holds only shareable entries, as they chose).

use circlebook_core::model::ops;
use circlebook_core::{ErrorKind, UnlockedVault};
use serde_json::json;

use crate::common::Fixture;
use crate::seed_people::*;

fn set_progress_updates(vault: &mut UnlockedVault, who: &str, choice: &str) {
    vault
        .edit(|tx| tx.execute("UPDATE participants SET progress_updates = ?2 WHERE id = ?1", [who, choice]))
        .expect("set choice");
}

#[test]
fn commitments_belong_to_a_person_responsible() {
    let (_fx, mut vault) = Fixture::new();
    let ctx = ctx();
    let case = open_case(&mut vault, &ctx, "Heron");
    let other = open_case(&mut vault, &ctx, "Wren");
    let harmed = participant(&mut vault, &case, "Ash", "person_harmed");
    let supporter = participant(&mut vault, &case, "Birch", "supporter");
    let responsible = participant(&mut vault, &case, "Elm", "person_responsible");
    let elsewhere = participant(&mut vault, &other, "Dune", "person_responsible");
    let add = |vault: &mut UnlockedVault, who: &str, description: &str| {
        ops::call(
            "add_commitment",
            vault,
            &ctx,
            json!({
                "case_id": case, "participant_id": who, "kind": "apology_letter", "description": description
            }),
        )
    };
    assert_eq!(add(&mut vault, &harmed, "a letter").expect_err("harmed").kind(), ErrorKind::NotAllowed);
    assert_eq!(add(&mut vault, &supporter, "a letter").expect_err("supporter").kind(), ErrorKind::NotAllowed);
    assert_eq!(add(&mut vault, &elsewhere, "a letter").expect_err("other case").kind(), ErrorKind::InvalidInput);
    assert_eq!(add(&mut vault, &responsible, " ").expect_err("description").kind(), ErrorKind::InvalidInput);
    let commitment = add(&mut vault, &responsible, " a letter of apology ").expect("add");
    assert_eq!(commitment["status"], "not_started");
    assert_eq!(commitment["description"], "a letter of apology");
    assert_eq!(audited(&vault, "create", "commitment"), 1);
}

#[test]
fn commitments_move_on_and_only_renegotiating_changes_their_terms() {
    let (_fx, mut vault) = Fixture::new();
    let ctx = ctx();
    let case = open_case(&mut vault, &ctx, "Heron");
    let responsible = participant(&mut vault, &case, "Elm", "person_responsible");
    let c = ops::call("add_commitment", &mut vault, &ctx, json!({
        "case_id": case, "participant_id": responsible, "kind": "consent_education", "description": "a course", "due_on": "2026-04-01"
    })).expect("add");
    let id = id_of(&c);
    let update = |vault: &mut UnlockedVault, args: serde_json::Value| {
        let mut args = args;
        args["commitment_id"] = json!(id);
        ops::call("update_commitment", vault, &ctx, args)
    };
    let err = update(&mut vault, json!({"status": "in_progress", "due_on": "2026-05-01"}))
        .expect_err("terms without renegotiating");
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    update(&mut vault, json!({"status": "in_progress"})).expect("start");
    assert_eq!(update(&mut vault, json!({"status": "in_progress"})).expect_err("same").kind(), ErrorKind::NotAllowed);
    assert_eq!(update(&mut vault, json!({"status": "not_started"})).expect_err("back").kind(), ErrorKind::NotAllowed);
    update(&mut vault, json!({"status": "missed"})).expect("missed");
    let renegotiated = update(
        &mut vault,
        json!({"status": "renegotiated", "due_on": "2026-06-01", "description": "a shorter course"}),
    )
    .expect("renegotiate");
    assert_eq!(renegotiated["due_on"], "2026-06-01");
    assert_eq!(renegotiated["description"], "a shorter course");
    let again = update(&mut vault, json!({"status": "renegotiated", "due_on": "2026-07-01"})).expect("again");
    assert_eq!(again["description"], "a shorter course");
    update(&mut vault, json!({"status": "done"})).expect("done");
    assert_eq!(
        update(&mut vault, json!({"status": "in_progress"})).expect_err("done rests").kind(),
        ErrorKind::NotAllowed
    );
    assert_eq!(audited(&vault, "update", "commitment"), 5);
}

#[test]
fn the_progress_report_holds_only_shareable_entries_as_the_person_harmed_chose() {
    let (_fx, mut vault) = Fixture::new();
    let ctx = ctx();
    let case = open_case(&mut vault, &ctx, "Heron");
    let harmed = participant(&mut vault, &case, "Ash", "person_harmed");
    let responsible = participant(&mut vault, &case, "Elm", "person_responsible");
    let letter = ops::call(
        "add_commitment",
        &mut vault,
        &ctx,
        json!({
            "case_id": case, "participant_id": responsible, "kind": "apology_letter", "description": "a letter"
        }),
    )
    .expect("add");
    let listening = ops::call("add_commitment", &mut vault, &ctx, json!({
        "case_id": case, "participant_id": responsible, "kind": "skill_practice", "description": "reflective listening"
    })).expect("add");
    let progress = |vault: &mut UnlockedVault, commitment: &str, text: &str, shareable: bool| {
        ops::call(
            "add_progress",
            vault,
            &ctx,
            json!({
                "commitment_id": commitment, "entry_on": "2026-02-20", "text": text, "shareable": shareable,
                "verified_by": "co-facilitator", "verification": "draft seen"
            }),
        )
    };
    let shared = progress(&mut vault, &id_of(&letter), "first draft written", true).expect("progress");
    assert_eq!(shared["verified_by"], "co-facilitator");
    progress(&mut vault, &id_of(&letter), "PRIVATE: struggled with blame", false).expect("progress");
    progress(&mut vault, &id_of(&listening), "PRIVATE: missed a session", false).expect("progress");
    let err = ops::call("add_progress", &mut vault, &ctx, json!({"commitment_id": id_of(&letter), "text": ""}))
        .expect_err("text");
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    let unmarked = ops::call(
        "add_progress",
        &mut vault,
        &ctx,
        json!({"commitment_id": id_of(&listening), "text": "PRIVATE: by default"}),
    )
    .expect("progress");
    assert_eq!(unmarked["shareable"], false);
    assert_eq!(unmarked["entry_on"], "2026-03-01");

    let plan = ops::call("list_commitments", &mut vault, &ctx, json!({"case_id": case})).expect("list");
    assert_eq!(plan[0]["progress"].as_array().expect("progress").len(), 2);
    assert_eq!(plan[1]["progress"].as_array().expect("progress").len(), 2);

    let ask = json!({"case_id": case, "participant_id": harmed});
    let report = ops::call("progress_report", &mut vault, &ctx, ask.clone()).expect("report");
    assert_eq!(report["delivery"], "through_facilitator");
    assert_eq!(report["commitments"].as_array().expect("commitments").len(), 2);
    assert_eq!(report["commitments"][0]["status"], "not_started");
    assert_eq!(
        report["commitments"][0]["progress"],
        json!([{
            "entry_on": "2026-02-20", "text": "first draft written", "verified_by": "co-facilitator", "verification": "draft seen"
        }])
    );
    assert_eq!(report["commitments"][1]["progress"], json!([]));
    assert!(!report.to_string().contains("PRIVATE"));
    assert_eq!(audited(&vault, "export_progress_report", "participant"), 1);

    set_progress_updates(&mut vault, &harmed, "directly");
    let report = ops::call("progress_report", &mut vault, &ctx, ask.clone()).expect("report");
    assert_eq!(report["delivery"], "directly");

    set_progress_updates(&mut vault, &harmed, "not_at_all");
    let err = ops::call("progress_report", &mut vault, &ctx, ask).expect_err("not at all");
    assert_eq!(err.kind(), ErrorKind::NotAllowed);
    assert!(err.to_string().contains("chose not to hear about progress"));
    assert_eq!(audited(&vault, "export_progress_report", "participant"), 2);

    // A report is for the person harmed of this case only.
    let err = ops::call("progress_report", &mut vault, &ctx, json!({"case_id": case, "participant_id": responsible}))
        .expect_err("role");
    assert_eq!(err.kind(), ErrorKind::NotAllowed);
    assert_eq!(audited(&vault, "create", "progress"), 4);
}
