//! Cases through the registry: create, stages with who and why, closing rules, purge.

use circlebook_core::model::{ops, Ctx};
use serde_json::json;

use crate::common::*;

pub fn ctx() -> Ctx {
    Ctx::fixed("2026-03-01T10:00:00Z".parse().expect("time"), "facilitator")
}

#[test]
fn create_and_move_a_case_through_stages() {
    let (_fx, mut vault) = Fixture::new();
    let ctx = ctx();
    let case = ops::call("create_case", &mut vault, &ctx, json!({
        "code_name": "Heron", "harmed_needs": "to be believed", "gender_based_violence": true,
        "referred_by_person_harmed": false, "tags": ["Consent education", "consent education "]
    })).expect("create");
    assert_eq!(case["referral_flagged"], true);
    assert_eq!(case["tags"], json!(["consent education"]));
    let id = case["id"].as_str().expect("id").to_owned();
    let err = ops::call("change_stage", &mut vault, &ctx, json!({"case_id": id, "stage": "paused", "decided_by": "", "reason": "x"}))
        .expect_err("who decided");
    assert_eq!(err.to_string(), "Who decided is required");
    ops::call("change_stage", &mut vault, &ctx, json!({"case_id": id, "stage": "paused", "decided_by": "person harmed", "reason": "needs time"}))
        .expect("pause");
    let record = ops::call("get_case", &mut vault, &ctx, json!({"case_id": id})).expect("get");
    assert_eq!(record["stage_history"][0]["to_stage"], "paused");
    assert_eq!(record["stage_history"][0]["decided_by"], "person harmed");
    let err = ops::call("close_case", &mut vault, &ctx, json!({"case_id": id, "outcome": "partly_completed", "outcome_summary": " ", "decided_by": "f"}))
        .expect_err("summary");
    assert_eq!(err.kind(), circlebook_core::ErrorKind::NotAllowed);
}

#[test]
fn the_registry_describes_every_operation_in_typescript() {
    let ts = ops::typescript();
    for op in ops::all() {
        assert!(ts.contains(&format!("('{}', args)", op.name)), "{} missing", op.name);
    }
    assert!(ts.contains("export type Case = {"), "{ts}");
    assert!(ts.contains("export type Stage = "), "{ts}");
    assert!(!ts.contains("bigint"));
}
