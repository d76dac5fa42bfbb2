//! Regression tests for issue 8 item 8: consent enforced, not just recorded. Each test shows one defect found on
//! the landed code (rewrites after a withdrawal, a declined progress_updates ignored, entry-order ledger, UTC
//! "today", past sessions judged by today's ledger) and fails on it.

use chrono::{DateTime, FixedOffset, Utc};
use circlebook_core::model::consent::ConsentState;
use circlebook_core::model::{testing, Activity, Ctx, ModelError, ParticipantId, Zone};
use circlebook_core::ErrorKind;
use serde_json::{json, Value};

use crate::model_people::Desk;

fn at(text: &str) -> DateTime<Utc> {
    text.parse().expect("time")
}

fn pid(id: &str) -> ParticipantId {
    id.parse().expect("participant id")
}

fn record(d: &mut Desk, who: &str, activity: &str, decision: &str) -> Value {
    d.call(
        "record_consent",
        json!({"participant_id": who, "activity": activity, "decision": decision, "method": "verbal"}),
    )
}

fn withdraw(d: &mut Desk, who: &str, activity: &str) -> Value {
    d.call("withdraw_consent", json!({"participant_id": who, "activity": activity, "method": "verbal"}))
}

/// The refusal's participant, activity and state, or a panic naming what came instead.
fn refusal(err: &ModelError) -> (String, Activity, ConsentState) {
    match err {
        ModelError::ConsentRequired(r) => (r.participant_id.to_string(), r.activity, r.state),
        other => panic!("expected ConsentRequired, got {other:?}"),
    }
}

fn setup() -> (Desk, String, String) {
    let mut d = Desk::new();
    let case = d.case("Heron");
    let robin = d.person(&case, "Robin", "person_harmed");
    (d, case, robin)
}

#[test]
fn issue_8_item_8_update_note_refuses_after_keeping_notes_was_withdrawn() {
    let (mut d, case, robin) = setup();
    record(&mut d, &robin, "keeping_notes", "granted");
    let note = d.call(
        "add_note",
        json!({"case_id": case, "participant_id": robin, "body": "first meeting", "shareable": true}),
    );
    let note_id = note["id"].as_str().expect("id").to_owned();
    withdraw(&mut d, &robin, "keeping_notes");

    let err = d.refuse("update_note", json!({"note_id": note_id, "body": "rewritten after the withdrawal"}));
    assert_eq!(refusal(&err), (robin.clone(), Activity::KeepingNotes, ConsentState::Withdrawn));
    assert_eq!(err.kind(), ErrorKind::ConsentRequired);
    // Making a note more widely readable is a rewrite too.
    d.call("update_note", json!({"note_id": note_id, "shareable": false}));
    let err = d.refuse("update_note", json!({"note_id": note_id, "shareable": true}));
    assert_eq!(refusal(&err).2, ConsentState::Withdrawn);
    let listed = d.call("list_notes", json!({"case_id": case}));
    assert_eq!(listed[0]["body"], "first meeting", "the refused rewrite left the note as it was");
    assert_eq!(listed[0]["shareable"], false, "making it private is what a withdrawal asks for, and allowed");
    d.call("delete_note", json!({"note_id": note_id}));
}

#[test]
fn issue_8_item_8_update_session_notes_refuses_after_an_attendee_withdrew_keeping_notes() {
    let (mut d, case, robin) = setup();
    record(&mut d, &robin, "preparation_meeting", "granted");
    record(&mut d, &robin, "keeping_notes", "granted");
    let session = d.call("schedule_session", json!({
        "case_id": case, "kind": "preparation_meeting", "scheduled_for": "2026-03-01T09:00:00Z", "attendees": [robin]
    }));
    let session_id = session["id"].as_str().expect("id").to_owned();
    d.call(
        "record_session",
        json!({"session_id": session_id, "private_notes": "talked about safety", "shareable_summary": "met"}),
    );
    withdraw(&mut d, &robin, "keeping_notes");

    let err = d.refuse("update_session_notes", json!({"session_id": session_id, "private_notes": "more about Robin"}));
    assert_eq!(refusal(&err), (robin.clone(), Activity::KeepingNotes, ConsentState::Withdrawn));
    let err = d.refuse("add_note", json!({"case_id": case, "session_id": session_id, "body": "about the session"}));
    assert_eq!(refusal(&err).2, ConsentState::Withdrawn, "a note on the session is about its attendees too");
    let kept = d.call("get_session", json!({"session_id": session_id}));
    assert_eq!(kept["session"]["private_notes"], "talked about safety");
    // Erasing what was written is what a withdrawal asks for.
    let erased =
        d.call("update_session_notes", json!({"session_id": session_id, "private_notes": "", "shareable_summary": ""}));
    assert_eq!(erased["private_notes"], "");
}

#[test]
fn issue_8_item_8_progress_report_honours_a_declined_or_withdrawn_progress_updates() {
    let (mut d, case, robin) = setup();
    let report = json!({"case_id": case, "participant_id": robin});
    record(&mut d, &robin, "progress_updates", "declined");
    let err = d.refuse("progress_report", report.clone());
    assert_eq!(refusal(&err), (robin.clone(), Activity::ProgressUpdates, ConsentState::Declined));

    d.at(at("2026-03-02T10:00:00Z"));
    record(&mut d, &robin, "progress_updates", "granted");
    d.call("progress_report", report.clone());
    d.at(at("2026-03-03T10:00:00Z"));
    withdraw(&mut d, &robin, "progress_updates");
    let err = d.refuse("progress_report", report);
    assert_eq!(refusal(&err).2, ConsentState::Withdrawn);
}

#[test]
fn issue_8_item_8_a_grant_back_dated_before_todays_withdrawal_does_not_count() {
    let (mut d, case, robin) = setup();
    record(&mut d, &robin, "direct_dialogue", "granted");
    withdraw(&mut d, &robin, "direct_dialogue");
    // Entered after today's withdrawal, dated 2020: refused, because it would rewrite the ledger's past.
    let err = d.refuse(
        "record_consent",
        json!({
            "participant_id": robin, "activity": "direct_dialogue", "decision": "granted", "method": "written",
            "decided_at": "2020-01-15T10:00:00Z"
        }),
    );
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    assert!(err.to_string().contains("dated on or after"), "{err}");
    let today = d.ctx.today();
    let state =
        testing::consent_state_on(d.vault.conn(), d.ctx.zone(), &pid(&robin), Activity::DirectDialogue, "", today);
    assert_eq!(state.expect("state"), ConsentState::Withdrawn);

    // A vault written before the rule may already hold such an entry (recorded last, dated 2020): the ledger
    // orders by the day a decision took effect, so it still does not count as current.
    d.vault
        .edit(|tx| {
            let seq = testing::consent_next_seq(tx)?;
            tx.execute(
                "INSERT INTO consents(id, participant_id, activity, decision, method, decided_at, expires_on, recorded_at, seq)
                 VALUES('0195a1b2-0000-7000-8000-0000000000aa', ?1, 'direct_dialogue', 'granted', 'written',
                        '2020-01-15T10:00:00Z', '2026-03-05', '2026-03-01T10:00:00Z', ?2)",
                rusqlite::params![robin, seq],
            )
        })
        .expect("legacy entry");
    let err = d.refuse(
        "schedule_session",
        json!({
            "case_id": case, "kind": "direct_dialogue", "scheduled_for": "2026-03-05T10:00:00Z", "attendees": [robin]
        }),
    );
    assert_eq!(refusal(&err).2, ConsentState::Withdrawn);
    let current = d.call("current_consents", json!({"participant_id": robin}));
    assert_eq!(current[0]["state"], "withdrawn");
    let history = d.call("consent_history", json!({"participant_id": robin}));
    assert_eq!(history[2]["decided_at"], "2020-01-15T10:00:00Z", "history is newest first by effect: 2020 is oldest");
    // Nor is it a consent "about to expire": it is not the one in force.
    let due = d.call("due", json!({}));
    assert!(due["items"].as_array().expect("due").iter().all(|item| item["kind"] != "consent_expiry"), "{due}");
}

#[test]
fn issue_8_item_8_record_session_judges_a_past_session_by_the_ledger_of_its_day() {
    let (mut d, case, robin) = setup();
    // Granted on 1 March; the session on 2 March; withdrawn on 5 March; recorded as held afterwards.
    record(&mut d, &robin, "direct_dialogue", "granted");
    let schedule = |d: &mut Desk| {
        let s = d.call("schedule_session", json!({
            "case_id": case, "kind": "direct_dialogue", "scheduled_for": "2026-03-02T15:00:00Z", "attendees": [robin]
        }));
        s["id"].as_str().expect("id").to_owned()
    };
    let held = schedule(&mut d);
    d.at(at("2026-03-05T10:00:00Z"));
    withdraw(&mut d, &robin, "direct_dialogue");
    d.at(at("2026-03-06T10:00:00Z"));
    let recorded = d.call("record_session", json!({"session_id": held, "held_on": "2026-03-02"}));
    assert_eq!(recorded["status"], "held", "the session took place while Robin consented");

    // Withdrawn before the session's day and granted again after it: the day itself was not covered.
    let (mut d, case, robin) = setup();
    record(&mut d, &robin, "direct_dialogue", "granted");
    let session = d.call(
        "schedule_session",
        json!({
            "case_id": case, "kind": "direct_dialogue", "scheduled_for": "2026-03-03T15:00:00Z", "attendees": [robin]
        }),
    );
    let session = session["id"].as_str().expect("id").to_owned();
    d.at(at("2026-03-02T10:00:00Z"));
    withdraw(&mut d, &robin, "direct_dialogue");
    d.at(at("2026-03-04T10:00:00Z"));
    record(&mut d, &robin, "direct_dialogue", "granted");
    d.at(at("2026-03-05T10:00:00Z"));
    let err = d.refuse("record_session", json!({"session_id": session, "held_on": "2026-03-03"}));
    assert_eq!(refusal(&err), (robin.clone(), Activity::DirectDialogue, ConsentState::Withdrawn));
    match &err {
        ModelError::ConsentRequired(r) => {
            assert_eq!(r.on.to_string(), "2026-03-03", "judged for the day it was held");
            assert_eq!(r.decided_on.map(|d| d.to_string()).as_deref(), Some("2026-03-02"));
        }
        other => panic!("{other:?}"),
    }
}

/// A context at `now` in a fixed offset of `hours` east of UTC.
fn zoned(now: &str, hours: i32) -> Ctx {
    let offset = FixedOffset::east_opt(hours * 3600).expect("offset");
    Ctx::fixed(at(now), "facilitator").in_zone(Zone::Fixed(offset))
}

#[test]
fn issue_8_item_8_today_is_the_facilitators_local_date() {
    // 03:00 UTC on 2 March is still 1 March in Los Angeles (UTC-8).
    let (mut d, _case, robin) = setup();
    d.ctx = zoned("2026-03-02T03:00:00Z", -8);
    assert_eq!(d.ctx.today().to_string(), "2026-03-01");
    // A grant "until 2 March" given today (1 March locally) is valid: its expiry follows the day it was given.
    let entry = d.call("record_consent", json!({
        "participant_id": robin, "activity": "conference", "decision": "granted", "method": "verbal", "expires_on": "2026-03-02"
    }));
    assert_eq!(entry["expires_on"], "2026-03-02");
    // "Not in the future": a decision at 20:00 local time on 1 March (04:00 UTC on 2 March) is today, not tomorrow.
    let entry = d.call(
        "record_consent",
        json!({
            "participant_id": robin, "activity": "intake", "decision": "granted", "method": "verbal",
            "decided_at": "2026-03-02T02:59:00Z"
        }),
    );
    assert_eq!(entry["decision"], "granted");

    // 11:00 UTC on 1 March is already 2 March on Kiritimati (UTC+14): a grant whose last day was 1 March has expired.
    let (mut d, _case, robin) = setup();
    d.ctx = zoned("2026-02-20T11:00:00Z", 14);
    d.call("record_consent", json!({
        "participant_id": robin, "activity": "conference", "decision": "granted", "method": "verbal", "expires_on": "2026-03-01"
    }));
    d.ctx = zoned("2026-03-01T11:00:00Z", 14);
    let err = testing::consent_require(d.vault.conn(), &d.ctx, &pid(&robin), Activity::Conference, d.ctx.today())
        .expect_err("expired");
    assert_eq!(refusal(&err).2, ConsentState::Expired);
    let current = d.call("current_consents", json!({"participant_id": robin}));
    assert_eq!(current[0]["state"], "expired");
}

#[test]
fn issue_8_item_8_refusals_are_structured_for_the_ui() {
    let (mut d, case, robin) = setup();
    record(&mut d, &robin, "keeping_notes", "granted");
    d.at(at("2026-03-02T10:00:00Z"));
    withdraw(&mut d, &robin, "keeping_notes");
    let err = d.refuse("add_note", json!({"case_id": case, "participant_id": robin, "body": "x"}));
    let details = serde_json::to_value(err.details().expect("details")).expect("json");
    let entry = &d.call("consent_history", json!({"participant_id": robin}))[0]["id"];
    assert_eq!(
        details,
        json!({
            "kind": "consent_required", "participant_id": robin, "alias": "Robin", "activity": "keeping_notes",
            "shared_with": "", "state": "withdrawn", "on": "2026-03-02", "needs_grant": true, "entry_id": entry,
            "decided_on": "2026-03-02", "expires_on": null
        })
    );
    assert_eq!(
        err.to_string(),
        "Robin has no consent to keeping_notes on 2026-03-02 (withdrawn on 2026-03-02); record their consent first"
    );
    let never = d.person(&case, "Sam", "supporter");
    let err = d.refuse("add_note", json!({"case_id": case, "participant_id": never, "body": "x"}));
    let details = serde_json::to_value(err.details().expect("details")).expect("json");
    assert_eq!((details["state"].as_str(), details["entry_id"].is_null()), (Some("not_asked"), true));
    assert!(d.refuse("add_note", json!({"case_id": case, "body": " "})).details().is_none());
}
