//! Reminders: derived from consents, assessments, commitments, supervision and tasks across open cases.

use circlebook_core::model::ops;
use circlebook_core::{ErrorKind, UnlockedVault};
use serde_json::{json, Value};

use crate::common::*;
use crate::model_cases::ctx;
use crate::model_rows::*;

/// Due on, case code name, kind, status and the detail (as JSON text).
type Reminder = (String, String, String, String, String);

fn due(vault: &mut UnlockedVault, args: Value) -> Vec<Reminder> {
    let (items, total) = due_with_total(vault, args);
    assert_eq!(total, items.len(), "without a limit the total is every item");
    items
}

/// The reminders and the total an answer gives.
fn due_with_total(vault: &mut UnlockedVault, args: Value) -> (Vec<Reminder>, usize) {
    let answer = ops::call("due", vault, &ctx(), args).expect("due");
    let total = answer["total"].as_u64().expect("total") as usize;
    let items = answer["items"]
        .as_array()
        .expect("array")
        .iter()
        .map(|i| {
            let s = |k: &str| i[k].as_str().expect(k).to_owned();
            assert_eq!(i["detail"]["kind"], i["kind"], "the detail is tagged with the item's kind");
            (s("due_on"), s("case_code_name"), s("kind"), s("status"), i["detail"].to_string())
        })
        .collect();
    (items, total)
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

    let commitment = |kind: &str, alias: &str| json!({"kind": "commitment", "commitment_kind": kind, "alias": alias});
    let review = |alias: &str| json!({"kind": "assessment_review", "alias": alias});
    let expiry = |activity: &str, alias: &str| json!({"kind": "consent_expiry", "activity": activity, "alias": alias});
    let task = |title: &str| json!({"kind": "task", "title": title});
    let supervision = json!({"kind": "supervision", "interval_weeks": 12});
    let expected = [
        ("2026-02-10", "Heron", "commitment", "overdue", commitment("consent_education", "Birch")),
        ("2026-02-14", "Heron", "commitment", "overdue", commitment("skill_practice", "Birch")),
        ("2026-02-20", "Heron", "assessment_review", "overdue", review("Birch")),
        ("2026-02-23", "Osprey", "supervision", "overdue", supervision.clone()),
        ("2026-02-27", "Heron", "task", "overdue", task("Call the venue")),
        ("2026-03-01", "Kestrel", "consent_expiry", "upcoming", expiry("intake", "Dove")),
        ("2026-03-03", "Heron", "task", "upcoming", task("Send the letter")),
        ("2026-03-05", "Heron", "commitment", "upcoming", commitment("apology_letter", "Birch")),
        ("2026-03-10", "Heron", "consent_expiry", "upcoming", expiry("indirect_dialogue", "Alder")),
        ("2026-03-12", "Heron", "assessment_review", "upcoming", review("Alder")),
        ("2026-03-14", "Heron", "supervision", "upcoming", supervision),
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

    // Issue 9 (the home screen asks for the 30 it shows): with a limit, the soonest that many, in the same order,
    // and the total of them all; every kind's SQL cut agrees with the whole list, ties on a day included.
    for within in [14, 60] {
        let all = due(&mut vault, json!({"within_days": within}));
        for limit in 0..=all.len() + 1 {
            let (items, total) = due_with_total(&mut vault, json!({"within_days": within, "limit": limit}));
            assert_eq!(total, all.len(), "the total with a limit of {limit}");
            assert_eq!(items, all[..limit.min(all.len())], "the first {limit} of {within} days");
        }
    }
}

/// Issue 9: reminders of one kind on the same day are cut in SQL in the order `due` sorts them (code name, then
/// record), and a consent that no longer decides its ledger is not counted in the total.
#[test]
fn a_limit_cuts_ties_in_order_and_counts_only_reminders() {
    let (_fx, mut vault) = Fixture::new();
    let ctx = ctx(); // today is 2026-03-01
    let mut tasks = Vec::new();
    for name in ["Wren", "alder", "Heron", "Émile", "Birch"] {
        let case = case(&mut vault, &ctx, name, json!({"opened_on": "2026-02-01"}));
        for title in ["b", "a"] {
            ops::call("add_task", &mut vault, &ctx, json!({"case_id": case, "title": title, "due_on": "2026-03-02"}))
                .expect("task");
        }
        tasks.push(case);
    }
    let alder = participant(&mut vault, &tasks[1], "Dove", "person_harmed");
    consent(&mut vault, &alder, "intake", "granted", "2026-01-01 10:00:00+00:00", Some("2026-03-02"));
    consent(&mut vault, &alder, "conference", "granted", "2026-01-01 10:00:00+00:00", Some("2026-03-02"));
    consent(&mut vault, &alder, "conference", "withdrawn", "2026-02-01 10:00:00+00:00", None);

    let all = due(&mut vault, json!({}));
    assert_eq!(all.len(), 11, "ten tasks and one consent that still decides: {all:?}");
    let names: Vec<&str> = all.iter().map(|i| i.1.as_str()).collect();
    // Byte order of code names, as before: capitals, then lower case, then accented letters.
    assert_eq!(
        names,
        ["Birch", "Birch", "Heron", "Heron", "Wren", "Wren", "alder", "alder", "alder", "Émile", "Émile"]
    );
    for limit in 0..=12 {
        let (items, total) = due_with_total(&mut vault, json!({"limit": limit}));
        assert_eq!((items.as_slice(), total), (&all[..limit.min(11)], 11), "limit {limit}");
    }
}
