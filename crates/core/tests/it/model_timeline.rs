//! A case's timeline: every kind of dated event, in order, with what it was as data (never private text).

use circlebook_core::model::ops;
use circlebook_core::ErrorKind;
use serde_json::{json, Value};

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
    process(&mut vault, &case, "conference", "2026-01-09", Some("2026-02-21"), "withdrawn");
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
    ops::call(
        "add_note",
        &mut vault,
        &ctx_at("2026-02-03T12:00:00Z"),
        json!({"case_id": case, "session_id": held, "body": "PRIVATE shareable note", "shareable": true}),
    )
    .expect("session note");
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
    let rows: Vec<(String, Value)> = items
        .iter()
        .map(|i| {
            assert_eq!(i["detail"]["kind"], i["kind"], "the detail is tagged with the item's kind");
            (i["at"].as_str().expect("at")[..10].to_owned(), i["detail"].clone())
        })
        .collect();
    let expected = [
        ("2026-01-02", json!({"kind": "case_opened"})),
        (
            "2026-01-03",
            json!({"kind": "stage_changed", "from": "referral", "to": "intake", "decided_by": "person harmed",
                   "reason": "ready to talk"}),
        ),
        (
            "2026-01-04",
            json!({"kind": "consent_recorded", "decision": "granted", "activity": "indirect_dialogue", "alias": "Alder"}),
        ),
        (
            "2026-01-04",
            json!({"kind": "consent_recorded", "decision": "granted", "activity": "keeping_notes", "alias": "Alder"}),
        ),
        (
            "2026-01-05",
            json!({"kind": "assessment_recorded", "stage": "intake", "decision": "proceed", "alias": "Alder"}),
        ),
        ("2026-01-06", json!({"kind": "process_opened", "process_kind": "indirect_dialogue"})),
        ("2026-01-07", json!({"kind": "session_held", "session_kind": "preparation_meeting"})),
        ("2026-01-07", json!({"kind": "agreement_reached", "session_kind": "preparation_meeting"})),
        ("2026-01-08", json!({"kind": "session_cancelled", "session_kind": "conference"})),
        ("2026-01-09", json!({"kind": "process_opened", "process_kind": "conference"})),
        ("2026-01-10", json!({"kind": "message_written", "author": "Alder", "recipient": "Birch"})),
        ("2026-01-11", json!({"kind": "message_approved", "author": "Alder"})),
        ("2026-01-12", json!({"kind": "message_relayed", "recipient": "Birch"})),
        ("2026-01-20", json!({"kind": "commitment_added", "commitment_kind": "apology_letter", "alias": "Birch"})),
        ("2026-02-01", json!({"kind": "progress_recorded", "commitment_kind": "apology_letter", "alias": "Birch"})),
        ("2026-02-02", json!({"kind": "note_added", "shareable": false, "alias": "Alder", "session_kind": null})),
        (
            "2026-02-03",
            json!({"kind": "note_added", "shareable": true, "alias": null, "session_kind": "preparation_meeting"}),
        ),
        ("2026-02-09", json!({"kind": "task_done", "title": "Book the room"})),
        ("2026-02-10", json!({"kind": "task_due", "title": "Book the room"})),
        (
            "2026-02-15",
            json!({"kind": "commitment_due", "commitment_kind": "apology_letter", "alias": "Birch",
                   "status": "in_progress"}),
        ),
        ("2026-02-20", json!({"kind": "process_closed", "process_kind": "indirect_dialogue", "status": "closed"})),
        ("2026-02-21", json!({"kind": "process_closed", "process_kind": "conference", "status": "withdrawn"})),
        ("2026-03-09", json!({"kind": "session_scheduled", "session_kind": "supervision"})),
    ];
    let expected: Vec<(String, Value)> = expected.into_iter().map(|(a, d)| (a.to_string(), d)).collect();
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
    let tail: Vec<&Value> = items[items.len() - 2..].iter().map(|i| &i["detail"]).collect();
    assert_eq!(
        tail,
        [
            &json!({"kind": "case_closed", "outcome": "agreement_completed"}),
            &json!({"kind": "stage_changed", "from": "intake", "to": "closed", "decided_by": "team",
                    "reason": ""}),
        ]
    );
    assert!(!timeline.to_string().contains("PRIVATE"));

    // Older vaults (and bundles from them) stored an English sentence as a close's reason: it is read as none.
    let changed = vault
        .edit(|tx| {
            tx.execute(
                "UPDATE case_stage_changes SET reason = 'closed with an outcome summary' WHERE to_stage = 'closed'",
                [],
            )
        })
        .expect("an older close");
    assert_eq!(changed, 1);
    let timeline = ops::call("case_timeline", &mut vault, &ctx(), json!({"case_id": case})).expect("timeline");
    let last = timeline.as_array().and_then(|items| items.last()).expect("last");
    assert_eq!(last["detail"]["reason"], "");

    let err = ops::call("case_timeline", &mut vault, &ctx(), json!({"case_id": id()})).expect_err("no case");
    assert_eq!(err.kind(), ErrorKind::NotFound);
}
