//! Programme statistics against a hand count; the CSV export is audited and carries no identity.

use circlebook_core::model::{ops, Ctx};
use circlebook_core::{ErrorKind, UnlockedVault};
use serde_json::{json, Value};

use crate::common::*;
use crate::model_rows::*;

fn closed_case(
    vault: &mut UnlockedVault,
    start: &Ctx,
    name: &str,
    opened_on: &str,
    closed_on: &str,
    outcome: &str,
) -> String {
    let id = case(vault, start, name, json!({"opened_on": opened_on}));
    ops::call(
        "close_case",
        vault,
        &ctx_at(&format!("{closed_on}T15:00:00Z")),
        json!({"case_id": id, "outcome": outcome, "outcome_summary": "what helped", "decided_by": "team"}),
    )
    .expect("close");
    id
}

fn count(section: &Value, key: &str) -> u64 {
    let found = section.as_array().expect("array").iter().find(|c| c["key"] == key);
    found.unwrap_or_else(|| panic!("no {key}"))["value"].as_u64().expect("number")
}

#[test]
fn totals_match_a_hand_count_and_the_export_is_audited() {
    let (_fx, mut vault) = Fixture::new();
    let start = ctx_at("2025-01-01T09:00:00Z");
    // Closed in range after 30, 71 and 29 days (median 30); one closed before the range.
    let a = closed_case(&mut vault, &start, "Heron", "2026-01-01", "2026-01-31", "agreement_completed");
    closed_case(&mut vault, &start, "Osprey", "2025-12-01", "2026-02-10", "partly_completed");
    closed_case(&mut vault, &start, "Kestrel", "2026-02-01", "2026-03-02", "agreement_completed");
    let d = closed_case(&mut vault, &start, "Wren", "2025-06-01", "2025-12-15", "stopped_for_safety");
    let e = case(&mut vault, &start, "Linnet", json!({}));
    case(&mut vault, &start, "Plover", json!({}));
    let g = case(&mut vault, &start, "Curlew", json!({}));
    set_stage(&mut vault, &e, "active");
    set_stage(&mut vault, &g, "paused");

    process(&mut vault, &e, "indirect_dialogue", "2026-01-05", None, "active");
    process(&mut vault, &e, "conference", "2026-02-01", None, "active");
    process(&mut vault, &a, "indirect_dialogue", "2026-01-02", Some("2026-01-30"), "closed");
    process(&mut vault, &d, "direct_dialogue", "2025-07-01", None, "closed");

    let alder = participant(&mut vault, &e, "Alder", "person_harmed");
    let birch = participant(&mut vault, &e, "Birch", "person_responsible");
    consent(&mut vault, &alder, "conference", "withdrawn", "2026-02-01 10:00:00+00:00", None);
    consent(&mut vault, &alder, "intake", "withdrawn", "2025-12-01 10:00:00+00:00", None);
    consent(&mut vault, &alder, "direct_dialogue", "granted", "2026-02-01 10:00:00+00:00", None);
    consent(&mut vault, &birch, "conference", "withdrawn", "2026-03-31T23:00:00Z", None);

    for (due, status) in [
        ("2026-02-01", "done"),
        ("2026-03-01", "done"),
        ("2026-02-15", "missed"),
        ("2026-03-10", "in_progress"),
        ("2026-03-20", "renegotiated"),
        ("2026-05-01", "not_started"),
        ("2025-12-01", "done"),
    ] {
        commitment(&mut vault, &e, &birch, "other", "d", Some(due), status);
    }

    session(&mut vault, &e, "conference", "held", "2026-02-05 10:00:00+00:00", Some("2026-02-05"));
    session(&mut vault, &e, "conference", "held", "2026-03-01T10:00:00Z", Some("2026-03-01"));
    session(&mut vault, &e, "supervision", "held", "2026-01-10 10:00:00+00:00", Some("2026-01-10"));
    session(&mut vault, &e, "conference", "cancelled", "2026-02-06 10:00:00+00:00", None);
    session(&mut vault, &e, "preparation_meeting", "held", "2025-12-20 10:00:00+00:00", Some("2025-12-20"));
    session(&mut vault, &e, "conference", "scheduled", "2026-03-15 10:00:00+00:00", None);

    let ctx = ctx_at("2026-04-15T09:00:00Z");
    let range = json!({"from": "2026-01-01", "to": "2026-03-31"});
    let report = ops::call("programme_report", &mut vault, &ctx, range.clone()).expect("report");

    assert_eq!(count(&report["cases_by_stage"], "closed"), 4);
    assert_eq!(count(&report["cases_by_stage"], "active"), 1);
    assert_eq!(count(&report["cases_by_stage"], "referral"), 1);
    assert_eq!(count(&report["cases_by_stage"], "paused"), 1);
    assert_eq!(count(&report["cases_by_stage"], "intake"), 0);
    assert_eq!(report["cases_by_stage"].as_array().map(Vec::len), Some(8), "every stage is listed");
    assert_eq!(count(&report["processes_opened_by_kind"], "indirect_dialogue"), 2);
    assert_eq!(count(&report["processes_opened_by_kind"], "conference"), 1);
    assert_eq!(count(&report["processes_opened_by_kind"], "direct_dialogue"), 0);
    assert_eq!(count(&report["cases_closed_by_outcome"], "agreement_completed"), 2);
    assert_eq!(count(&report["cases_closed_by_outcome"], "partly_completed"), 1);
    assert_eq!(count(&report["cases_closed_by_outcome"], "stopped_for_safety"), 0);
    assert_eq!(report["consent_withdrawals"], 2);
    assert_eq!(report["commitments_done"], 2);
    assert_eq!(report["commitments_missed"], 2);
    assert_eq!(report["median_days_to_close"], 30.0);
    assert_eq!(count(&report["sessions_held_by_kind"], "conference"), 2);
    assert_eq!(count(&report["sessions_held_by_kind"], "supervision"), 1);
    assert_eq!(count(&report["sessions_held_by_kind"], "preparation_meeting"), 0);

    // No identities: no code names, aliases, ids or text.
    let audits_before: i64 = vault.conn().query_row("SELECT count(*) FROM audit_log", [], |r| r.get(0)).expect("count");
    let csv = ops::call("export_programme_report_csv", &mut vault, &ctx, range.clone()).expect("csv");
    let csv = csv.as_str().expect("text").to_owned();
    for text in [report.to_string(), csv.clone()] {
        for secret in ["Heron", "Osprey", "Linnet", "Alder", "Birch", "what helped", &e, &a, "01900000"] {
            assert!(!text.contains(secret), "{secret} leaked");
        }
    }
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines[0], "section,key,value");
    for line in [
        "range,from,2026-01-01",
        "range,to,2026-03-31",
        "cases_by_stage,closed,4",
        "processes_opened_by_kind,indirect_dialogue,2",
        "cases_closed_by_outcome,agreement_completed,2",
        "sessions_held_by_kind,conference,2",
        "consent,withdrawals,2",
        "commitments_due_in_range,done,2",
        "commitments_due_in_range,missed,2",
        "cases_closed,median_days_to_close,30",
    ] {
        assert!(lines.contains(&line), "missing {line}:\n{csv}");
    }
    assert!(lines.iter().all(|l| l.split(',').count() == 3));
    let (action, kind, record): (String, String, String) = vault
        .conn()
        .query_row("SELECT action, record_kind, record_id FROM audit_log ORDER BY rowid DESC LIMIT 1", [], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .expect("audit");
    assert_eq!(
        (action.as_str(), kind.as_str(), record.as_str()),
        ("export_report", "programme_report", "2026-01-01..2026-03-31")
    );
    let audits_after: i64 = vault.conn().query_row("SELECT count(*) FROM audit_log", [], |r| r.get(0)).expect("count");
    assert_eq!(audits_after, audits_before + 1);

    // An even number of closings takes the mean of the middle two; none gives no median.
    let two = ops::call("programme_report", &mut vault, &ctx, json!({"from": "2026-01-01", "to": "2026-02-28"}))
        .expect("report");
    assert_eq!(two["median_days_to_close"], 50.5);
    let none = ops::call("programme_report", &mut vault, &ctx, json!({"from": "2024-01-01", "to": "2024-12-31"}))
        .expect("report");
    assert_eq!(none["median_days_to_close"], Value::Null);
    let csv =
        ops::call("export_programme_report_csv", &mut vault, &ctx, json!({"from": "2024-01-01", "to": "2024-12-31"}))
            .expect("csv");
    assert!(csv.as_str().expect("text").contains("cases_closed,median_days_to_close,\n"));
    let err = ops::call("programme_report", &mut vault, &ctx, json!({"from": "2026-03-01", "to": "2026-01-01"}))
        .expect_err("range");
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
}
