//! A case's timeline: every kind of dated event, in order, with neutral summaries free of private text.

use circlebook_core::model::ops;
use circlebook_core::ErrorKind;
use serde_json::json;

use crate::common::*;
use crate::model_cases::ctx;
use crate::model_rows::*;

#[test]
fn every_dated_event_in_time_order_without_private_text() {
    let (_fx, mut vault) = Fixture::new();
    let opened = ctx_at("2026-01-02T09:00:00Z");
    let case = case(&mut vault, &opened, "Heron", json!({"opened_on": "2026-01-02", "harmed_needs": "PRIVATE needs"}));
    ops::call(
        "change_stage",
        &mut vault,
        &ctx_at("2026-01-03T09:00:00Z"),
        json!({"case_id": case, "stage": "intake", "decided_by": "person harmed", "reason": "ready to talk"}),
    )
    .expect("stage");
    let alder = participant(&mut vault, &case, "Alder", "person_harmed");
    let birch = participant(&mut vault, &case, "Birch", "person_responsible");
    let consent_id = consent(&mut vault, &alder, "indirect_dialogue", "granted", "2026-01-04 10:00:00+00:00", None);
    consent(&mut vault, &alder, "keeping_notes", "granted", "2026-01-04T10:00:00Z", None);
    assessment(&mut vault, &alder, "proceed", "2026-01-05", Some("2026-04-05"), "PRIVATE reasons");
    process(&mut vault, &case, "indirect_dialogue", "2026-01-06", Some("2026-02-20"), "closed");
    let held = session_with(
        &mut vault,
        &case,
        "preparation_meeting",
        "held",
        "2026-01-07 10:00:00+00:00",
        Some("2026-01-07"),
        "PRIVATE",
    );
    session(&mut vault, &case, "conference", "cancelled", "2026-01-08T10:00:00Z", None);
    session(&mut vault, &case, "supervision", "scheduled", "2026-03-09T10:00:00Z", None);
    agreement(&mut vault, &held, "PRIVATE agreement", "2026-01-07");
    message(
        &mut vault,
        &case,
        &alder,
        &birch,
        "PRIVATE message",
        "2026-01-10T10:00:00Z",
        Some("2026-01-11T10:00:00Z"),
        Some("2026-01-12T10:00:00Z"),
    );
    let letter = commitment(
        &mut vault,
        &case,
        &birch,
        "apology_letter",
        "PRIVATE description",
        Some("2026-02-15"),
        "in_progress",
    );
    progress(&mut vault, &letter, "2026-02-01", "PRIVATE progress");
    let note_ctx = ctx_at("2026-02-02T12:00:00Z");
    ops::call(
        "add_note",
        &mut vault,
        &note_ctx,
        json!({"case_id": case, "participant_id": alder, "body": "PRIVATE note"}),
    )
    .expect("note");
    let task = ops::call(
        "add_task",
        &mut vault,
        &note_ctx,
        json!({"case_id": case, "title": "Book the room", "due_on": "2026-02-10"}),
    )
    .expect("task");
    ops::call("complete_task", &mut vault, &ctx_at("2026-02-09T08:00:00Z"), json!({"task_id": task["id"]}))
        .expect("done");

    let timeline = ops::call("case_timeline", &mut vault, &ctx(), json!({"case_id": case})).expect("timeline");
    let items = timeline.as_array().expect("array");
    let rows: Vec<(String, String, String)> = items
        .iter()
        .map(|i| {
            (
                i["at"].as_str().expect("at")[..10].to_owned(),
                i["kind"].as_str().expect("kind").to_owned(),
                i["summary"].as_str().expect("summary").to_owned(),
            )
        })
        .collect();
    let expected = [
        ("2026-01-02", "case_opened", "Case opened"),
        (
            "2026-01-03",
            "stage_changed",
            "Stage changed from referral to intake, decided by person harmed: ready to talk",
        ),
        ("2026-01-04", "consent_recorded", "Consent granted: indirect dialogue (Alder)"),
        ("2026-01-04", "consent_recorded", "Consent granted: keeping notes (Alder)"),
        ("2026-01-05", "assessment_recorded", "Assessment at the intake stage: proceed (Alder)"),
        ("2026-01-06", "process_opened", "Process opened: indirect dialogue"),
        ("2026-01-07", "session_held", "Preparation meeting held"),
        ("2026-01-07", "agreement_reached", "Agreement reached (preparation meeting)"),
        ("2026-01-08", "session_cancelled", "Conference cancelled"),
        ("2026-01-10", "message_written", "Message written by Alder for Birch"),
        ("2026-01-11", "message_approved", "Message approved by its author, Alder"),
        ("2026-01-12", "message_relayed", "Message relayed to Birch"),
        ("2026-01-20", "commitment_added", "Commitment added: apology letter (Birch)"),
        ("2026-02-01", "progress_recorded", "Progress recorded: apology letter (Birch)"),
        ("2026-02-02", "note_added", "Note added about Alder"),
        ("2026-02-09", "task_done", "Task done: Book the room"),
        ("2026-02-10", "task_due", "Task due: Book the room"),
        ("2026-02-15", "commitment_due", "Commitment due: apology letter (Birch), in progress"),
        ("2026-02-20", "process_closed", "Process closed: indirect dialogue"),
        ("2026-03-09", "session_scheduled", "Supervision scheduled"),
    ];
    let expected: Vec<(String, String, String)> =
        expected.iter().map(|(a, k, s)| (a.to_string(), k.to_string(), s.to_string())).collect();
    assert_eq!(rows, expected);
    assert!(!timeline.to_string().contains("PRIVATE"), "no private text in the timeline");

    // Same-day items: a date sorts at 00:00Z before instants of that day; ties by kind, then id.
    assert_eq!(items[2]["record_id"], json!(consent_id));
    assert_eq!(items[0]["all_day"], true);
    assert_eq!(items[0]["at"], "2026-01-02T00:00:00Z");
    assert_eq!(items[1]["all_day"], false);
    assert_eq!(items[1]["at"], "2026-01-03T09:00:00Z");

    // A closed case still has its timeline, ending with the closing.
    ops::call(
        "close_case",
        &mut vault,
        &ctx_at("2026-03-20T09:00:00Z"),
        json!({"case_id": case, "outcome": "agreement_completed", "outcome_summary": "PRIVATE", "decided_by": "team"}),
    )
    .expect("close");
    let timeline = ops::call("case_timeline", &mut vault, &ctx(), json!({"case_id": case})).expect("timeline");
    let items = timeline.as_array().expect("array");
    let tail: Vec<&str> = items[items.len() - 2..].iter().map(|i| i["summary"].as_str().expect("summary")).collect();
    assert_eq!(
        tail,
        [
            "Case closed: agreement completed",
            "Stage changed from intake to closed, decided by team: closed with an outcome summary"
        ]
    );
    assert!(!timeline.to_string().contains("PRIVATE"));

    let err = ops::call("case_timeline", &mut vault, &ctx(), json!({"case_id": id()})).expect_err("no case");
    assert_eq!(err.kind(), ErrorKind::NotFound);
}
