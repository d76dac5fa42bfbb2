//! The property test of issue 8 item 8: every consent-gated operation, called through the registry after a
//! random ledger history (grants, declines and withdrawals with effective dates, hours and expiries, entered in
//! random order), succeeds iff a small reference model of the ledger says consent held on the activity's day.
//!
//! It runs in the machine's time zone (`Zone::Machine`, the path `Ctx::new` takes), and once more under each
//! of several `TZ` values in a child process of this test binary, which first checks that the zone took effect.

use std::collections::BTreeMap;

use chrono::{DateTime, Days, Local, NaiveDate, TimeZone, Utc};
use circlebook_core::model::{ops, Ctx, ModelError, Zone};
use circlebook_core::ErrorKind;
use proptest::prelude::*;
use serde_json::{json, Value};

use crate::model_people::Desk;

const A: &str = "0195a1b2-0000-7000-8000-00000000a001"; // the person harmed
const B: &str = "0195a1b2-0000-7000-8000-00000000b002"; // the person responsible
const PEOPLE: [&str; 2] = [A, B];
const ACTIVITIES: [&str; 4] = ["keeping_notes", "indirect_dialogue", "progress_updates", "direct_dialogue"];
const KN: usize = 0;
const ID: usize = 1;
const PU: usize = 2;
const DD: usize = 3;

/// The first day of every story, on the facilitator's calendar.
fn day0() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 3, 1).expect("day")
}

fn day(n: u64) -> NaiveDate {
    day0() + Days::new(n)
}

/// An instant at `hour` on `on` in the machine's zone (the earlier one when a clock change repeats the hour, the
/// next hour when it skips it).
fn local(on: NaiveDate, hour: u32) -> DateTime<Utc> {
    (0..3)
        .find_map(|extra| Local.from_local_datetime(&on.and_hms_opt(hour + extra, 0, 0)?).earliest())
        .expect("a local time")
        .with_timezone(&Utc)
}

/// The reference model's own reading of a day: chrono's local calendar, not the code under test.
fn local_day(at: DateTime<Utc>) -> NaiveDate {
    at.with_timezone(&Local).date_naive()
}

#[derive(Debug, Clone)]
struct Entry {
    who: usize,
    activity: usize,
    /// 0 grant, 1 decline, 2 withdraw.
    decision: usize,
    day: u64,
    hour: u32,
    expires_after: Option<u64>,
}

fn entry() -> impl Strategy<Value = Entry> {
    // Grants most often, and indirect dialogue (which relaying needs from both people) a little more often.
    let decision = prop_oneof![4 => Just(0usize), 1 => Just(1usize), 2 => Just(2usize)];
    let activity = prop_oneof![3 => Just(KN), 4 => Just(ID), 2 => Just(PU), 3 => Just(DD)];
    (0..2usize, activity, decision, 0..30u64, 0..24u32, proptest::option::of(0..12u64)).prop_map(
        |(who, activity, decision, day, hour, expires_after)| Entry {
            who,
            activity,
            decision,
            day,
            hour,
            expires_after,
        },
    )
}

/// Per (participant, activity): the accepted entries in the order recorded, as (local day, decision, expiry).
type Model = BTreeMap<(usize, usize), Vec<(NaiveDate, usize, Option<NaiveDate>)>>;

/// Whether the ledger should accept `e`, by the rules the model knows.
fn accepts(model: &Model, e: &Entry, on: NaiveDate, expires_on: Option<NaiveDate>) -> bool {
    let last = model.get(&(e.who, e.activity)).and_then(|l| l.last());
    let in_order = last.is_none_or(|(last_on, _, _)| *last_on <= on);
    let valid = match e.decision {
        0 => expires_on.is_none_or(|x| x > on),
        1 => expires_on.is_none(),
        _ => last.is_some_and(|(_, d, _)| *d == 0),
    };
    in_order && valid
}

/// What the model says of consent on `on`: granted, a "no" (declined or withdrawn), or neither (not asked, expired).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Said {
    Granted,
    No,
    Neither,
}

fn said(model: &Model, who: usize, activity: usize, on: NaiveDate) -> Said {
    let entry = model.get(&(who, activity)).and_then(|l| l.iter().rev().find(|(d, _, _)| *d <= on));
    match entry {
        None => Said::Neither,
        Some((_, 1 | 2, _)) => Said::No,
        Some((_, _, Some(expiry))) if *expiry < on => Said::Neither,
        Some(_) => Said::Granted,
    }
}

fn grant(model: &Model, who: usize, activity: usize, days: &[NaiveDate]) -> bool {
    days.iter().all(|on| said(model, who, activity, *on) == Said::Granted)
}

fn no_refusal(model: &Model, who: usize, activity: usize, on: NaiveDate) -> bool {
    said(model, who, activity, on) != Said::No
}

/// The records every gated operation works on, written directly so that making them asks no consent.
fn prerequisites(d: &mut Desk, case: &str, ahead: NaiveDate) {
    let long_ago = local(day0() - Days::new(20), 9);
    let held = day0() - Days::new(1);
    d.vault
        .edit(|tx| {
            for (id, role, alias) in [(A, "person_harmed", "Robin"), (B, "person_responsible", "Kit")] {
                tx.execute(
                    "INSERT INTO participants(id, case_id, alias, role, created_at, updated_at) VALUES(?1, ?2, ?3, ?4, ?5, ?5)",
                    rusqlite::params![id, case, alias, role, long_ago],
                )?;
            }
            tx.execute(
                "INSERT INTO notes(id, case_id, body, created_at, participant_id) VALUES('0195a1b2-0000-7000-8000-0000000c0001', ?1, 'about Robin', ?2, ?3)",
                rusqlite::params![case, long_ago, A],
            )?;
            tx.execute(
                "INSERT INTO notes(id, case_id, body, created_at, participant_id) VALUES('0195a1b2-0000-7000-8000-0000000c0002', ?1, 'for a file', ?2, ?3)",
                rusqlite::params![case, long_ago, A],
            )?;
            let sessions: [(&str, &str, Option<NaiveDate>, &[&str]); 5] = [
                ("0195a1b2-0000-7000-8000-0000000c0003", "held", Some(held), &[A, B]),
                ("0195a1b2-0000-7000-8000-0000000c0004", "held", Some(held), &[A, B]),
                ("0195a1b2-0000-7000-8000-0000000c0005", "scheduled", None, &[A]),
                ("0195a1b2-0000-7000-8000-0000000c0006", "held", Some(held), &[A]),
                ("0195a1b2-0000-7000-8000-0000000c0007", "scheduled", None, &[]),
            ];
            for (id, status, held_on, attendees) in sessions {
                let scheduled_for = if id == "0195a1b2-0000-7000-8000-0000000c0007" { local(ahead, 15) } else { long_ago };
                tx.execute(
                    "INSERT INTO sessions(id, case_id, kind, status, scheduled_for, held_on, created_at, updated_at)
                     VALUES(?1, ?2, 'direct_dialogue', ?3, ?4, ?5, ?6, ?6)",
                    rusqlite::params![id, case, status, scheduled_for, held_on, long_ago],
                )?;
                for who in attendees {
                    tx.execute("INSERT INTO session_attendees(session_id, participant_id) VALUES(?1, ?2)", [id, who])?;
                }
            }
            for (id, approved) in [("0195a1b2-0000-7000-8000-0000000c0008", None), ("0195a1b2-0000-7000-8000-0000000c0009", Some(long_ago))] {
                tx.execute(
                    "INSERT INTO shuttle_messages(id, case_id, author_id, recipient_id, content, written_at, approved_at)
                     VALUES(?1, ?2, ?3, ?4, 'words', ?5, ?6)",
                    rusqlite::params![id, case, A, B, long_ago, approved],
                )?;
            }
            tx.execute(
                "INSERT INTO commitments(id, case_id, participant_id, kind, description, created_at, updated_at)
                 VALUES('0195a1b2-0000-7000-8000-0000000c000a', ?1, ?2, 'apology_letter', 'write a letter', ?3, ?3)",
                rusqlite::params![case, B, long_ago],
            )?;
            Ok::<_, rusqlite::Error>(())
        })
        .expect("prerequisites");
}

/// One gated operation: its name, arguments, and whether the model says consent allows it.
struct Gate {
    name: &'static str,
    args: Value,
    allowed: bool,
}

/// Every consent-gated operation of the registry, with `today` (the clock's local day), `on` (a past activity day,
/// not after today) and `ahead` (a session's day, today or later).
fn gates(case: &str, m: &Model, today: NaiveDate, on: NaiveDate, ahead: NaiveDate) -> Vec<Gate> {
    let kn_a = grant(m, 0, KN, &[today]);
    let no_kn_refusal = |who: &[usize]| who.iter().all(|w| no_refusal(m, *w, KN, today));
    vec![
        Gate { name: "add_note", args: json!({"case_id": case, "participant_id": A, "body": "b"}), allowed: kn_a },
        Gate {
            name: "update_note",
            args: json!({"note_id": "0195a1b2-0000-7000-8000-0000000c0001", "body": "b2"}),
            allowed: kn_a,
        },
        Gate {
            name: "add_attachment",
            args: json!({"case_id": case, "note_id": "0195a1b2-0000-7000-8000-0000000c0002", "title": "t", "media_type": "text/plain", "content": "aGk="}),
            allowed: kn_a,
        },
        Gate {
            name: "add_note",
            args: json!({"case_id": case, "session_id": "0195a1b2-0000-7000-8000-0000000c0004", "body": "b"}),
            allowed: no_kn_refusal(&[0, 1]),
        },
        Gate {
            name: "update_session_notes",
            args: json!({"session_id": "0195a1b2-0000-7000-8000-0000000c0003", "private_notes": "p"}),
            allowed: no_kn_refusal(&[0, 1]),
        },
        Gate {
            name: "schedule_session",
            args: json!({"case_id": case, "kind": "direct_dialogue", "scheduled_for": local(ahead, 15), "attendees": [A]}),
            allowed: grant(m, 0, DD, &[ahead, today]),
        },
        Gate {
            name: "add_attendee",
            args: json!({"session_id": "0195a1b2-0000-7000-8000-0000000c0007", "participant_id": A}),
            // The session is on `ahead`, like the one scheduled above.
            allowed: grant(m, 0, DD, &[ahead, today]),
        },
        Gate {
            name: "record_session",
            args: json!({"session_id": "0195a1b2-0000-7000-8000-0000000c0005", "held_on": on, "private_notes": "p"}),
            allowed: grant(m, 0, DD, &[on]) && no_kn_refusal(&[0]),
        },
        Gate {
            name: "add_agreement",
            args: json!({"session_id": "0195a1b2-0000-7000-8000-0000000c0006", "text": "t", "agreed_by": [A], "agreed_on": on}),
            allowed: grant(m, 0, DD, &[on]),
        },
        Gate {
            name: "write_message",
            args: json!({"case_id": case, "author_id": A, "recipient_id": B, "content": "c"}),
            allowed: grant(m, 0, ID, &[today]),
        },
        Gate {
            name: "approve_message",
            args: json!({"message_id": "0195a1b2-0000-7000-8000-0000000c0008", "approved_at": local(on, 8)}),
            allowed: grant(m, 0, ID, &[on]),
        },
        Gate {
            name: "relay_message",
            args: json!({"message_id": "0195a1b2-0000-7000-8000-0000000c0009"}),
            allowed: grant(m, 0, ID, &[today]) && grant(m, 1, ID, &[today]),
        },
        Gate {
            name: "progress_report",
            args: json!({"case_id": case, "participant_id": A}),
            allowed: no_refusal(m, 0, PU, today),
        },
        Gate {
            name: "add_commitment",
            args: json!({"case_id": case, "participant_id": B, "kind": "counselling", "description": "d"}),
            allowed: no_kn_refusal(&[1]),
        },
        Gate {
            name: "update_commitment",
            args: json!({"commitment_id": "0195a1b2-0000-7000-8000-0000000c000a", "status": "in_progress"}),
            allowed: no_kn_refusal(&[1]),
        },
        Gate {
            name: "add_progress",
            args: json!({"commitment_id": "0195a1b2-0000-7000-8000-0000000c000a", "text": "t", "entry_on": on}),
            allowed: no_kn_refusal(&[1]),
        },
    ]
}

/// The names of the operations the property test covers (the report's table lists the same).
pub const GATED: [&str; 15] = [
    "add_agreement",
    "add_attachment",
    "add_attendee",
    "add_commitment",
    "add_note",
    "add_progress",
    "approve_message",
    "progress_report",
    "record_session",
    "relay_message",
    "schedule_session",
    "update_commitment",
    "update_note",
    "update_session_notes",
    "write_message",
];

/// Per operation name: how many calls the model allowed and refused (both must occur).
type Tally = std::cell::RefCell<BTreeMap<&'static str, (u32, u32)>>;

fn run_case(entries: &[Entry], now: u64, back: u64, forward: u64, tally: &Tally) -> Result<(), TestCaseError> {
    let today = day(now);
    let on = today - Days::new(back.min(now + 1));
    let ahead = today + Days::new(forward);
    let mut d = Desk::new();
    let case = d.case("Heron");
    prerequisites(&mut d, &case, ahead);
    // The ledger is entered after every decision it holds.
    d.ctx = Ctx::fixed(local(day(40), 12), "facilitator").in_zone(Zone::Machine);
    let mut model = Model::new();
    for (n, e) in entries.iter().enumerate() {
        let decided_at = local(day(e.day), e.hour);
        let on = local_day(decided_at);
        let expires_on = e.expires_after.map(|x| on + Days::new(x));
        let expected = accepts(&model, e, on, expires_on);
        let mut args = json!({"participant_id": PEOPLE[e.who], "activity": ACTIVITIES[e.activity], "method": "verbal",
                              "decided_at": decided_at});
        let name = if e.decision == 2 {
            "withdraw_consent"
        } else {
            args["decision"] = json!(["granted", "declined"][e.decision]);
            args["expires_on"] = json!(expires_on);
            "record_consent"
        };
        // Distinct instants keep the fixed clock's ids distinct.
        d.ctx =
            Ctx::fixed(local(day(40), 12) + chrono::Duration::seconds(n as i64), "facilitator").in_zone(Zone::Machine);
        let result = ops::call(name, &mut d.vault, &d.ctx, args);
        prop_assert_eq!(result.is_ok(), expected, "{} {:?}: {:?}", name, e, result);
        if expected {
            model.entry((e.who, e.activity)).or_default().push((on, e.decision, expires_on));
        }
    }
    d.ctx = Ctx::fixed(local(today, 12), "facilitator").in_zone(Zone::Machine);
    prop_assert_eq!(d.ctx.today(), today);
    for gate in gates(&case, &model, today, on, ahead) {
        let result = ops::call(gate.name, &mut d.vault, &d.ctx, gate.args.clone());
        let mut counts = tally.borrow_mut();
        let count = counts.entry(gate.name).or_default();
        if gate.allowed {
            count.0 += 1;
        } else {
            count.1 += 1;
        }
        match (&result, gate.allowed) {
            (Ok(_), true) => {}
            (Err(ModelError::ConsentRequired(_)), false) => {}
            (Err(e), _) if e.kind() != ErrorKind::ConsentRequired => {
                prop_assert!(false, "{} failed for another reason: {} ({})", gate.name, e, gate.args)
            }
            _ => prop_assert!(
                false,
                "{} on {} (activity day {}): model says {}, got {:?}; ledger {:?}",
                gate.name,
                today,
                on,
                gate.allowed,
                result,
                model
            ),
        }
    }
    Ok(())
}

/// Cases per zone: each builds a vault, a ledger of up to 39 entries and makes the 16 gated calls.
const CASES: u32 = 64;

/// Zones the child runs check before anything else: `CONSENT_TZ_EXPECT` holds `instant=offset_seconds` pairs.
fn check_expected_zone() {
    let Ok(expect) = std::env::var("CONSENT_TZ_EXPECT") else { return };
    for pair in expect.split(',') {
        let (instant, offset) = pair.split_once('=').expect("instant=offset");
        let at: DateTime<Utc> = instant.parse().expect("instant");
        let offset: i32 = offset.parse().expect("offset");
        assert_eq!(Zone::Machine.offset_seconds(at), offset, "TZ={:?} is not in effect at {at}", std::env::var("TZ"));
    }
}

#[test]
fn issue_8_item_8_gated_operations_follow_a_reference_ledger_in_this_zone() {
    check_expected_zone();
    let mut runner =
        proptest::test_runner::TestRunner::new(ProptestConfig { cases: CASES, ..ProptestConfig::default() });
    let tally = Tally::default();
    // A third of the histories are entered in random order (entries dated before the latest one of their ledger
    // are refused), a third in date order, and a third in date order after both people granted everything on the
    // first day (so that operations needing several grants are allowed often enough to be tested).
    let strategy = (proptest::collection::vec(entry(), 0..40), 0..3u8, 0..40u64, 0..12u64, 0..8u64);
    runner
        .run(&strategy, |(mut entries, mode, now, back, forward)| {
            if mode > 0 {
                entries.sort_by_key(|e| (e.day, e.hour));
            }
            if mode == 2 {
                let start = (0..2).flat_map(|who| {
                    (0..4).map(move |activity| Entry {
                        who,
                        activity,
                        decision: 0,
                        day: 0,
                        hour: 0,
                        expires_after: None,
                    })
                });
                entries.splice(0..0, start);
            }
            run_case(&entries, now, back, forward, &tally)
        })
        .unwrap_or_else(|e| panic!("TZ={:?}: {e}", std::env::var("TZ")));
    let tally = tally.into_inner();
    for name in GATED {
        let (allowed, refused) = tally.get(name).copied().unwrap_or_default();
        assert!(allowed > 0 && refused > 0, "{name}: {allowed} allowed, {refused} refused: the cases miss one outcome");
    }
    let calls: u32 = tally.values().map(|(a, r)| a + r).sum();
    let fewest = tally.values().map(|(a, r)| *a.min(r)).min().unwrap_or_default();
    println!(
        "consent gates, TZ={:?}: {CASES} cases, {calls} gated calls; every operation both allowed and refused (rarer outcome at least {fewest} times)",
        std::env::var("TZ")
    );
}

/// Runs the property test in child processes under several `TZ` values, each with offsets it must show (so a
/// machine without the zone data fails instead of passing in UTC).
#[test]
fn issue_8_item_8_gated_operations_follow_a_reference_ledger_under_several_time_zones() {
    let zones = [
        ("UTC", "2026-01-15T12:00:00Z=0,2026-07-15T12:00:00Z=0"),
        ("Pacific/Auckland", "2026-01-15T12:00:00Z=46800,2026-07-15T12:00:00Z=43200"),
        ("America/Los_Angeles", "2026-01-15T12:00:00Z=-28800,2026-07-15T12:00:00Z=-25200"),
        ("Pacific/Kiritimati", "2026-01-15T12:00:00Z=50400,2026-07-15T12:00:00Z=50400"),
        ("Pacific/Pago_Pago", "2026-01-15T12:00:00Z=-39600"),
    ];
    let exe = std::env::current_exe().expect("this test binary");
    let name = "model_consent_gates::issue_8_item_8_gated_operations_follow_a_reference_ledger_in_this_zone";
    for (tz, expect) in zones {
        let out = std::process::Command::new(&exe)
            .args([name, "--exact", "--test-threads", "1"])
            .env("TZ", tz)
            .env("CONSENT_TZ_EXPECT", expect)
            .output()
            .expect("run the child");
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success() && stdout.contains("test result: ok. 1 passed"),
            "TZ={tz}: {}\n{stdout}\n{}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[test]
fn every_gated_operation_is_in_the_registry_and_in_the_property_test() {
    let names: Vec<&str> = ops::all().iter().map(|op| op.name).collect();
    for name in GATED {
        assert!(names.contains(&name), "{name} is not registered");
    }
    let tested: std::collections::BTreeSet<&str> =
        gates("c", &Model::new(), day0(), day0(), day0()).iter().map(|g| g.name).collect();
    assert_eq!(tested, GATED.into_iter().collect());
    assert_eq!(
        names.len(),
        // 70, and issue 11's `preview_export` (a read), `import_bundle` (cases as sent, merged),
        // `export_bundle` (gated on consent to share with each recipient; tested in `bundle_export.rs`, whose
        // recipients the reference ledger here does not model), the exchange folder's `set_exchange_folder`,
        // `exchange_status` and `export_to_exchange` (gated as `export_bundle` is, by the same code; tested in
        // `bundle_exchange.rs`), `list_conflicts` (a read) and `resolve_conflict` (keeps one of the values already
        // recorded on two vaults), and issue 9's `list_case_summaries` (a read: `list_cases` with less text).
        79,
        "a new operation: decide whether it is consent-gated and list it here and in ARCHITECTURE.md"
    );
}
