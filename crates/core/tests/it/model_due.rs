//! Reminders: derived from consents, assessments, commitments, supervision and tasks across open cases.

use circlebook_core::model::ops;
use circlebook_core::{ErrorKind, UnlockedVault};
use serde_json::{json, Value};

use crate::common::*;
use crate::model_cases::ctx;
use crate::model_rows::*;

fn due(vault: &mut UnlockedVault, args: Value) -> Vec<(String, String, String, String, String)> {
    let items = ops::call("due", vault, &ctx(), args).expect("due");
    items
        .as_array()
        .expect("array")
        .iter()
        .map(|i| {
            let s = |k: &str| i[k].as_str().expect(k).to_owned();
            (s("due_on"), s("case_code_name"), s("kind"), s("status"), s("label"))
        })
        .collect()
}

#[test]
fn reminders_across_open_cases_soonest_first() {
    let (_fx, mut vault) = Fixture::new();
    let ctx = ctx(); // today is 2026-03-01; the default window ends 2026-03-15
    let opened = json!({"opened_on": "2025-12-01"});
    let heron = case(&mut vault, &ctx, "Heron", opened.clone());
    let osprey = case(&mut vault, &ctx, "Osprey", opened.clone());
    let kestrel = case(&mut vault, &ctx, "Kestrel", opened.clone());
    let wren = case(&mut vault, &ctx, "Wren", opened.clone());
    let gone = case(&mut vault, &ctx, "Closed", opened);
    set_stage(&mut vault, &heron, "active");
    set_stage(&mut vault, &osprey, "preparation");
    set_stage(&mut vault, &wren, "follow_up");

    // Supervision: Heron's last was 2025-12-20 (due 2026-03-14); Osprey never (due 84 days after opening,
    // 2026-02-23); Kestrel is at referral; Wren's was recent; cancelled and scheduled ones do not count.
    session(&mut vault, &heron, "supervision", "held", "2025-12-20 10:00:00+00:00", Some("2025-12-20"));
    session(&mut vault, &heron, "supervision", "scheduled", "2026-03-20 10:00:00+00:00", None);
    session(&mut vault, &osprey, "supervision", "cancelled", "2026-01-20 10:00:00+00:00", None);
    session(&mut vault, &wren, "supervision", "held", "2026-02-01T10:00:00Z", Some("2026-02-01"));

    let alder = participant(&mut vault, &heron, "Alder", "person_harmed");
    let birch = participant(&mut vault, &heron, "Birch", "person_responsible");
    let cedar = participant(&mut vault, &heron, "Cedar", "supporter");
    let kes = participant(&mut vault, &kestrel, "Dove", "person_harmed");

    consent(&mut vault, &alder, "indirect_dialogue", "granted", "2026-01-01 10:00:00+00:00", Some("2026-03-10"));
    consent(&mut vault, &alder, "direct_dialogue", "granted", "2026-01-01 10:00:00+00:00", Some("2026-03-10"));
    consent(&mut vault, &alder, "direct_dialogue", "withdrawn", "2026-02-01 10:00:00+00:00", None);
    consent(&mut vault, &alder, "conference", "granted", "2026-01-01 10:00:00+00:00", Some("2026-04-30"));
    consent(&mut vault, &alder, "letter_exchange", "granted", "2026-01-01 10:00:00+00:00", Some("2026-02-20"));
    consent(&mut vault, &kes, "intake", "granted", "2026-01-01 10:00:00+00:00", Some("2026-03-01"));

    assessment(&mut vault, &alder, "proceed", "2026-01-01", Some("2026-02-01"), "r");
    assessment(&mut vault, &alder, "proceed", "2026-02-15", Some("2026-03-12"), "r");
    assessment(&mut vault, &birch, "pause", "2026-01-10", Some("2026-02-20"), "r");
    assessment(&mut vault, &cedar, "proceed", "2026-02-01", Some("2026-05-01"), "r");

    let overdue = commitment(&mut vault, &heron, &birch, "consent_education", "d", Some("2026-02-10"), "not_started");
    commitment(&mut vault, &heron, &birch, "apology_letter", "d", Some("2026-03-05"), "in_progress");
    commitment(&mut vault, &heron, &birch, "counselling", "d", Some("2026-02-12"), "done");
    commitment(&mut vault, &heron, &birch, "making_amends", "d", Some("2026-02-13"), "renegotiated");
    commitment(&mut vault, &heron, &birch, "skill_practice", "d", Some("2026-02-14"), "missed");
    commitment(&mut vault, &heron, &birch, "restitution", "d", Some("2026-03-30"), "not_started");
    commitment(&mut vault, &heron, &birch, "no_contact", "d", None, "in_progress");

    let add_task = |vault: &mut UnlockedVault, case: &str, title: &str, due_on: Option<&str>| {
        let task = ops::call("add_task", vault, &ctx, json!({"case_id": case, "title": title, "due_on": due_on}))
            .expect("task");
        task["id"].as_str().expect("id").to_owned()
    };
    add_task(&mut vault, &heron, "Send the letter", Some("2026-03-03"));
    add_task(&mut vault, &heron, "Call the venue", Some("2026-02-27"));
    let done = add_task(&mut vault, &heron, "Done already", Some("2026-02-25"));
    ops::call("complete_task", &mut vault, &ctx, json!({"task_id": done})).expect("complete");
    add_task(&mut vault, &heron, "Someday", None);
    add_task(&mut vault, &gone, "In a closed case", Some("2026-03-02"));
    let gone_p = participant(&mut vault, &gone, "Elm", "person_responsible");
    commitment(&mut vault, &gone, &gone_p, "other", "d", Some("2026-02-01"), "not_started");
    ops::call(
        "close_case",
        &mut vault,
        &ctx,
        json!({"case_id": gone, "outcome": "other", "outcome_summary": "s", "decided_by": "f"}),
    )
    .expect("close");

    let expected = [
        ("2026-02-10", "Heron", "commitment", "overdue", "Commitment due: consent education (Birch)"),
        ("2026-02-14", "Heron", "commitment", "overdue", "Commitment due: skill practice (Birch)"),
        ("2026-02-20", "Heron", "assessment_review", "overdue", "Assessment review (Birch)"),
        ("2026-02-23", "Osprey", "supervision", "overdue", "Supervision or case consultation (every 12 weeks)"),
        ("2026-02-27", "Heron", "task", "overdue", "Task: Call the venue"),
        ("2026-03-01", "Kestrel", "consent_expiry", "upcoming", "Consent to intake expires (Dove)"),
        ("2026-03-03", "Heron", "task", "upcoming", "Task: Send the letter"),
        ("2026-03-05", "Heron", "commitment", "upcoming", "Commitment due: apology letter (Birch)"),
        ("2026-03-10", "Heron", "consent_expiry", "upcoming", "Consent to indirect dialogue expires (Alder)"),
        ("2026-03-12", "Heron", "assessment_review", "upcoming", "Assessment review (Alder)"),
        ("2026-03-14", "Heron", "supervision", "upcoming", "Supervision or case consultation (every 12 weeks)"),
    ];
    let expected: Vec<_> = expected
        .iter()
        .map(|(d, c, k, s, l)| (d.to_string(), c.to_string(), k.to_string(), s.to_string(), l.to_string()))
        .collect();
    assert_eq!(due(&mut vault, json!({})), expected);
    assert_eq!(due(&mut vault, Value::Null), expected);
    assert_eq!(due(&mut vault, json!({"within_days": 14})), expected);

    // Nothing is changed: the overdue commitment keeps its status.
    let status: String = vault
        .conn()
        .query_row("SELECT status FROM commitments WHERE id = ?1", [&overdue], |r| r.get(0))
        .expect("status");
    assert_eq!(status, "not_started");

    // Today only: what is overdue, and what expires today.
    let today = due(&mut vault, json!({"within_days": 0}));
    assert_eq!(today.len(), 6);
    assert!(today.iter().all(|i| i.0.as_str() <= "2026-03-01"));
    // A longer window adds the later dates (Wren's supervision is due 2026-04-26).
    let later = due(&mut vault, json!({"within_days": 60}));
    let added: Vec<_> = later.iter().filter(|i| !expected.contains(i)).map(|i| (i.0.as_str(), i.2.as_str())).collect();
    assert_eq!(added, [("2026-03-30", "commitment"), ("2026-04-26", "supervision"), ("2026-04-30", "consent_expiry")]);
    let err = ops::call("due", &mut vault, &ctx, json!({"within_days": 100000})).expect_err("too far");
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
}
