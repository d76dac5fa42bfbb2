//! Processes and sessions through the registry: rule 1 (no attendee without current consent, checked again
//! when recording, withdrawal effective at once), supervision, case boundaries, agreements and follow-ups.

use circlebook_core::model::{ops, Ctx, ModelError};
use circlebook_core::{ErrorKind, UnlockedVault};
use serde_json::{json, Value};

use crate::common::Fixture;
use crate::seed_people::*;

const LATER: &str = "2026-03-10T14:00:00Z";

struct Circle {
    case: String,
    harmed: String,
    supporter: String,
}

fn circle(vault: &mut UnlockedVault, ctx: &Ctx) -> Circle {
    let case = open_case(vault, ctx, "Heron");
    let harmed = participant(vault, &case, "Ash", "person_harmed");
    let supporter = participant(vault, &case, "Birch", "supporter");
    Circle { case, harmed, supporter }
}

fn schedule(
    vault: &mut UnlockedVault,
    ctx: &Ctx,
    case: &str,
    kind: &str,
    attendees: &[&str],
) -> Result<Value, ModelError> {
    ops::call(
        "schedule_session",
        vault,
        ctx,
        json!({"case_id": case, "kind": kind, "scheduled_for": LATER, "attendees": attendees}),
    )
}

fn refused_for(err: ModelError, who: &str, state: &str) {
    match &err {
        ModelError::ConsentRequired(refusal) => {
            assert_eq!(refusal.participant_id.to_string(), who);
            assert_eq!(refusal.state.describe(), state);
        }
        other => panic!("expected ConsentRequired, got {other:?}"),
    }
    assert_eq!(err.kind(), ErrorKind::ConsentRequired);
}

#[test]
fn scheduling_needs_every_attendees_current_consent() {
    let (_fx, mut vault) = Fixture::new();
    let ctx = ctx();
    let c = circle(&mut vault, &ctx);
    grant(&mut vault, &c.harmed, "person_harmed_circle");

    let err =
        schedule(&mut vault, &ctx, &c.case, "person_harmed_circle", &[&c.harmed, &c.supporter]).expect_err("not asked");
    refused_for(err, &c.supporter, "not yet asked");
    assert!(schedule(&mut vault, &ctx, &c.case, "person_harmed_circle", &[&c.supporter])
        .expect_err("x")
        .to_string()
        .contains("Birch"));

    consent_to(&mut vault, &c.supporter, "person_harmed_circle", "declined", None);
    refused_for(
        schedule(&mut vault, &ctx, &c.case, "person_harmed_circle", &[&c.supporter]).expect_err("declined"),
        &c.supporter,
        "declined",
    );

    grant(&mut vault, &c.supporter, "person_harmed_circle");
    consent_to(&mut vault, &c.supporter, "person_harmed_circle", "withdrawn", None);
    refused_for(
        schedule(&mut vault, &ctx, &c.case, "person_harmed_circle", &[&c.supporter]).expect_err("withdrawn"),
        &c.supporter,
        "withdrawn",
    );

    // Expired before today, and valid today but expiring before the session's day: both refused.
    consent_to(&mut vault, &c.supporter, "person_harmed_circle", "granted", Some("2026-02-15"));
    refused_for(
        schedule(&mut vault, &ctx, &c.case, "person_harmed_circle", &[&c.supporter]).expect_err("expired"),
        &c.supporter,
        "expired",
    );
    consent_to(&mut vault, &c.supporter, "person_harmed_circle", "granted", Some("2026-03-05"));
    refused_for(
        schedule(&mut vault, &ctx, &c.case, "person_harmed_circle", &[&c.supporter]).expect_err("expires first"),
        &c.supporter,
        "expired",
    );

    // Consent to another activity does not count.
    grant(&mut vault, &c.supporter, "conference");
    consent_to(&mut vault, &c.supporter, "person_harmed_circle", "granted", Some("2026-03-10"));
    let session = schedule(&mut vault, &ctx, &c.case, "person_harmed_circle", &[&c.harmed, &c.supporter, &c.harmed])
        .expect("granted");
    assert_eq!(session["status"], "scheduled");
    assert_eq!(session["attendees"].as_array().expect("attendees").len(), 2);
    assert_eq!(session["attendees"][0]["alias"], "Ash");
    refused_for(
        schedule(&mut vault, &ctx, &c.case, "blended_circle", &[&c.harmed]).expect_err("other activity"),
        &c.harmed,
        "not yet asked",
    );

    let listed = ops::call("list_sessions", &mut vault, &ctx, json!({"case_id": c.case})).expect("list");
    assert_eq!(listed.as_array().expect("sessions").len(), 1);
    assert_eq!(audited(&vault, "schedule", "session"), 1);
}

#[test]
fn withdrawal_after_scheduling_stops_recording_at_once_and_needs_attention() {
    let (_fx, mut vault) = Fixture::new();
    let ctx = ctx();
    let c = circle(&mut vault, &ctx);
    for who in [&c.harmed, &c.supporter] {
        grant(&mut vault, who, "person_harmed_circle");
    }
    let session =
        schedule(&mut vault, &ctx, &c.case, "person_harmed_circle", &[&c.harmed, &c.supporter]).expect("schedule");
    let id = id_of(&session);
    let none = ops::call("sessions_needing_attention", &mut vault, &ctx, json!({})).expect("attention");
    assert_eq!(none, json!([]));

    consent_to(&mut vault, &c.supporter, "person_harmed_circle", "withdrawn", None);
    let later = Ctx::fixed("2026-03-10T16:00:00Z".parse().expect("time"), "facilitator");
    let err = ops::call("record_session", &mut vault, &later, json!({"session_id": id, "private_notes": "n"}))
        .expect_err("withdrawn");
    refused_for(err, &c.supporter, "withdrawn");
    let kept = ops::call("get_session", &mut vault, &later, json!({"session_id": id})).expect("get");
    assert_eq!(kept["session"]["status"], "scheduled");
    assert_eq!(kept["session"]["attendees"].as_array().expect("attendees").len(), 2);

    let attention =
        ops::call("sessions_needing_attention", &mut vault, &later, json!({"case_id": c.case})).expect("attention");
    assert_eq!(attention.as_array().expect("list").len(), 1);
    assert_eq!(attention[0]["session"]["id"], id.as_str());
    assert_eq!(
        attention[0]["gaps"],
        json!([{
            "participant_id": c.supporter, "alias": "Birch", "activity": "person_harmed_circle", "state": "withdrawn", "on": "2026-03-10"
        }])
    );

    // Taking the supporter off lets the session go ahead for those who consent; history stays.
    ops::call("remove_attendee", &mut vault, &later, json!({"session_id": id, "participant_id": c.supporter}))
        .expect("remove");
    assert_eq!(ops::call("sessions_needing_attention", &mut vault, &later, json!({})).expect("attention"), json!([]));
    let held = ops::call(
        "record_session",
        &mut vault,
        &later,
        json!({
            "session_id": id, "private_notes": "  private  ", "shareable_summary": "we met"
        }),
    )
    .expect("record");
    assert_eq!(held["status"], "held");
    assert_eq!(held["held_on"], "2026-03-10");
    assert_eq!(held["private_notes"], "private");
    let err = ops::call("record_session", &mut vault, &later, json!({"session_id": id})).expect_err("twice");
    assert_eq!(err.kind(), ErrorKind::NotAllowed);
    let err = ops::call("add_attendee", &mut vault, &later, json!({"session_id": id, "participant_id": c.harmed}))
        .expect_err("held");
    assert_eq!(err.kind(), ErrorKind::NotAllowed);
    assert_eq!(audited(&vault, "record", "session"), 1);
    assert_eq!(audited(&vault, "remove_attendee", "session"), 1);
}

#[test]
fn expiry_before_the_session_day_needs_attention() {
    let (_fx, mut vault) = Fixture::new();
    let ctx = ctx();
    let c = circle(&mut vault, &ctx);
    grant(&mut vault, &c.harmed, "conference");
    let id = id_of(&schedule(&mut vault, &ctx, &c.case, "conference", &[&c.harmed]).expect("schedule"));
    // A newer entry grants it only until before the session.
    consent_to(&mut vault, &c.harmed, "conference", "granted", Some("2026-03-05"));
    let attention = ops::call("sessions_needing_attention", &mut vault, &ctx, json!({})).expect("attention");
    assert_eq!(attention[0]["session"]["id"], id.as_str());
    assert_eq!(attention[0]["gaps"][0]["state"], "expired");
    assert_eq!(attention[0]["gaps"][0]["on"], "2026-03-10");
}

#[test]
fn supervision_needs_no_participant_consent() {
    let (_fx, mut vault) = Fixture::new();
    let ctx = ctx();
    let c = circle(&mut vault, &ctx);
    let supervisor = participant(&mut vault, &c.case, "Cedar", "supervisor");
    let session = schedule(&mut vault, &ctx, &c.case, "supervision", &[&supervisor]).expect("supervision");
    let id = id_of(&session);
    let later = Ctx::fixed("2026-03-11T09:00:00Z".parse().expect("time"), "facilitator");
    ops::call("record_session", &mut vault, &later, json!({"session_id": id, "held_on": "2026-03-10"}))
        .expect("record");
    assert_eq!(ops::call("sessions_needing_attention", &mut vault, &later, json!({})).expect("attention"), json!([]));
}

#[test]
fn attendees_and_processes_must_belong_to_the_case() {
    let (_fx, mut vault) = Fixture::new();
    let ctx = ctx();
    let c = circle(&mut vault, &ctx);
    let other_case = open_case(&mut vault, &ctx, "Wren");
    let stranger = participant(&mut vault, &other_case, "Dune", "supporter");
    grant(&mut vault, &stranger, "conference");
    grant(&mut vault, &c.harmed, "conference");

    let err = schedule(&mut vault, &ctx, &c.case, "conference", &[&c.harmed, &stranger]).expect_err("other case");
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    let session = schedule(&mut vault, &ctx, &c.case, "conference", &[&c.harmed]).expect("schedule");
    let err =
        ops::call("add_attendee", &mut vault, &ctx, json!({"session_id": id_of(&session), "participant_id": stranger}))
            .expect_err("other case");
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    let missing = Ctx::new("t").new_uuid().to_string();
    let err = schedule(&mut vault, &ctx, &c.case, "conference", &[&missing]).expect_err("missing");
    assert_eq!(err.kind(), ErrorKind::NotFound);

    let foreign = ops::call("open_process", &mut vault, &ctx, json!({"case_id": other_case, "kind": "conference"}))
        .expect("open");
    let err = ops::call("schedule_session", &mut vault, &ctx, json!({
        "case_id": c.case, "process_id": id_of(&foreign), "kind": "conference", "scheduled_for": LATER, "attendees": [c.harmed]
    })).expect_err("process of another case");
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
}

#[test]
fn adding_an_attendee_checks_their_consent() {
    let (_fx, mut vault) = Fixture::new();
    let ctx = ctx();
    let c = circle(&mut vault, &ctx);
    grant(&mut vault, &c.harmed, "preparation_meeting");
    let id = id_of(&schedule(&mut vault, &ctx, &c.case, "preparation_meeting", &[&c.harmed]).expect("schedule"));
    let add = json!({"session_id": id, "participant_id": c.supporter});
    refused_for(
        ops::call("add_attendee", &mut vault, &ctx, add.clone()).expect_err("no consent"),
        &c.supporter,
        "not yet asked",
    );
    grant(&mut vault, &c.supporter, "preparation_meeting");
    let session = ops::call("add_attendee", &mut vault, &ctx, add.clone()).expect("add");
    assert_eq!(session["attendees"].as_array().expect("attendees").len(), 2);
    assert_eq!(ops::call("add_attendee", &mut vault, &ctx, add).expect_err("twice").kind(), ErrorKind::InvalidInput);
    assert_eq!(audited(&vault, "add_attendee", "session"), 1);
}

#[test]
fn processes_run_in_parallel_and_pause_close_or_reopen_in_any_order() {
    let (_fx, mut vault) = Fixture::new();
    let ctx = ctx();
    let case = open_case(&mut vault, &ctx, "Heron");
    let circle = ops::call(
        "open_process",
        &mut vault,
        &ctx,
        json!({"case_id": case, "kind": "person_harmed_circle", "note": "first"}),
    )
    .expect("open");
    let shuttle = ops::call(
        "open_process",
        &mut vault,
        &ctx,
        json!({"case_id": case, "kind": "indirect_dialogue", "opened_on": "2026-02-20"}),
    )
    .expect("open");
    assert_eq!(circle["opened_on"], "2026-03-01");
    assert_eq!(circle["status"], "active");
    let list = ops::call("list_processes", &mut vault, &ctx, json!({"case_id": case})).expect("list");
    assert_eq!(list.as_array().expect("list").len(), 2);
    assert_eq!(list[0]["id"], shuttle["id"]);

    let paused = ops::call(
        "set_process_status",
        &mut vault,
        &ctx,
        json!({"process_id": id_of(&circle), "status": "paused", "note": "needs time"}),
    )
    .expect("pause");
    assert_eq!(paused["closed_on"], Value::Null);
    assert_eq!(paused["note"], "needs time");
    let closed =
        ops::call("set_process_status", &mut vault, &ctx, json!({"process_id": id_of(&circle), "status": "withdrawn"}))
            .expect("withdraw");
    assert_eq!(closed["closed_on"], "2026-03-01");
    let err = ops::call(
        "schedule_session",
        &mut vault,
        &ctx,
        json!({
            "case_id": case, "process_id": id_of(&circle), "kind": "supervision", "scheduled_for": LATER
        }),
    )
    .expect_err("withdrawn process");
    assert_eq!(err.kind(), ErrorKind::NotAllowed);
    let reopened =
        ops::call("set_process_status", &mut vault, &ctx, json!({"process_id": id_of(&circle), "status": "active"}))
            .expect("reopen");
    assert_eq!(reopened["closed_on"], Value::Null);
    let err =
        ops::call("set_process_status", &mut vault, &ctx, json!({"process_id": id_of(&circle), "status": "active"}))
            .expect_err("same");
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    ops::call(
        "schedule_session",
        &mut vault,
        &ctx,
        json!({
            "case_id": case, "process_id": id_of(&circle), "kind": "supervision", "scheduled_for": LATER
        }),
    )
    .expect("schedule in process");
    assert_eq!(audited(&vault, "open", "process"), 2);
    assert_eq!(audited(&vault, "set_status", "process"), 3);
}

#[test]
fn agreements_follow_ups_and_the_session_record() {
    let (_fx, mut vault) = Fixture::new();
    let ctx = ctx();
    let c = circle(&mut vault, &ctx);
    let responsible = participant(&mut vault, &c.case, "Elm", "person_responsible");
    for who in [&c.harmed, &c.supporter, &responsible] {
        grant(&mut vault, who, "direct_dialogue");
    }
    let id =
        id_of(&schedule(&mut vault, &ctx, &c.case, "direct_dialogue", &[&c.harmed, &responsible]).expect("schedule"));
    let agreement = json!({"session_id": id, "text": "Elm writes a letter", "agreed_by": [c.harmed, responsible]});
    let err = ops::call("add_agreement", &mut vault, &ctx, agreement.clone()).expect_err("not held");
    assert_eq!(err.kind(), ErrorKind::NotAllowed);
    vault
        .edit(|tx| {
            tx.execute(
                "INSERT INTO safety_plans(session_id, venue, updated_at) VALUES(?1, 'library', ?2)",
                [&id, "2026-03-01T10:00:00Z"],
            )
        })
        .expect("safety plan");
    let follow_up = ops::call(
        "add_follow_up",
        &mut vault,
        &ctx,
        json!({"session_id": id, "title": "book the room", "due_on": "2026-03-05"}),
    )
    .expect("follow-up");
    assert_eq!(follow_up["title"], "book the room");

    let later = Ctx::fixed("2026-03-10T18:00:00Z".parse().expect("time"), "facilitator");
    ops::call(
        "record_session",
        &mut vault,
        &later,
        json!({"session_id": id, "shareable_summary": "a hard, good meeting"}),
    )
    .expect("record");
    let err = ops::call(
        "add_agreement",
        &mut vault,
        &later,
        json!({"session_id": id, "text": "x", "agreed_by": [c.supporter]}),
    )
    .expect_err("not an attendee");
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    let err = ops::call("add_agreement", &mut vault, &later, json!({"session_id": id, "text": "x", "agreed_by": []}))
        .expect_err("nobody");
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    let err =
        ops::call("add_agreement", &mut vault, &later, json!({"session_id": id, "text": " ", "agreed_by": [c.harmed]}))
            .expect_err("text");
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    let added = ops::call("add_agreement", &mut vault, &later, agreement).expect("agreement");
    assert_eq!(added["agreed_on"], "2026-03-10");

    // Nobody is named in a new agreement once they have withdrawn.
    consent_to(&mut vault, &responsible, "direct_dialogue", "withdrawn", None);
    let err = ops::call(
        "add_agreement",
        &mut vault,
        &later,
        json!({"session_id": id, "text": "more", "agreed_by": [responsible]}),
    )
    .expect_err("withdrawn");
    refused_for(err, &responsible, "withdrawn");

    ops::call(
        "update_session_notes",
        &mut vault,
        &later,
        json!({"session_id": id, "private_notes": "facilitator only"}),
    )
    .expect("notes");
    let record = ops::call("get_session", &mut vault, &later, json!({"session_id": id})).expect("get");
    assert_eq!(record["has_safety_plan"], true);
    assert_eq!(record["session"]["private_notes"], "facilitator only");
    assert_eq!(record["session"]["shareable_summary"], "a hard, good meeting");
    assert_eq!(record["agreements"][0]["agreed_by"], json!([c.harmed, responsible]));
    assert_eq!(record["follow_ups"][0]["due_on"], "2026-03-05");
    assert_eq!(audited(&vault, "create", "agreement"), 1);
    assert_eq!(audited(&vault, "create", "task"), 1);
    assert_eq!(audited(&vault, "update_notes", "session"), 1);
}

#[test]
fn cancelling_needs_a_reason_and_ends_the_session() {
    let (_fx, mut vault) = Fixture::new();
    let ctx = ctx();
    let case = open_case(&mut vault, &ctx, "Heron");
    let id = id_of(&schedule(&mut vault, &ctx, &case, "supervision", &[]).expect("schedule"));
    let err =
        ops::call("cancel_session", &mut vault, &ctx, json!({"session_id": id, "reason": " "})).expect_err("reason");
    assert_eq!(err.to_string(), "The reason is required");
    let cancelled = ops::call("cancel_session", &mut vault, &ctx, json!({"session_id": id, "reason": "venue unsafe"}))
        .expect("cancel");
    assert_eq!(cancelled["status"], "cancelled");
    assert_eq!(cancelled["cancel_reason"], "venue unsafe");
    let err = ops::call("record_session", &mut vault, &ctx, json!({"session_id": id})).expect_err("cancelled");
    assert_eq!(err.kind(), ErrorKind::NotAllowed);
    assert_eq!(audited(&vault, "cancel", "session"), 1);
}

#[test]
fn a_closed_case_takes_no_new_sessions() {
    let (_fx, mut vault) = Fixture::new();
    let ctx = ctx();
    let case = open_case(&mut vault, &ctx, "Heron");
    ops::call(
        "close_case",
        &mut vault,
        &ctx,
        json!({"case_id": case, "outcome": "other", "outcome_summary": "ended", "decided_by": "f"}),
    )
    .expect("close");
    let err = schedule(&mut vault, &ctx, &case, "supervision", &[]).expect_err("closed");
    assert_eq!(err.kind(), ErrorKind::NotAllowed);
    let err = ops::call("open_process", &mut vault, &ctx, json!({"case_id": case, "kind": "conference"}))
        .expect_err("closed");
    assert_eq!(err.kind(), ErrorKind::NotAllowed);
}
