//! The consent ledger through the registry: recipients, expiry, withdrawal at once, history, current state,
//! `require` (rule 1), and a property test against a simple model of the ledger.

use std::collections::BTreeMap;

use chrono::{DateTime, Days, NaiveDate, Utc};
use circlebook_core::model::consent::ConsentState;
use circlebook_core::model::{ops, testing, Activity, ModelError, ParticipantId};
use circlebook_core::ErrorKind;
use proptest::prelude::*;
use serde_json::{json, Value};

use crate::model_people::Desk;

const UNKNOWN: &str = "0195a1b2-0000-7000-8000-00000000ffff";

fn base() -> DateTime<Utc> {
    "2026-03-01T10:00:00Z".parse().expect("time")
}

fn day(n: u64) -> NaiveDate {
    base().date_naive() + Days::new(n)
}

fn pid(id: &str) -> ParticipantId {
    id.parse().expect("participant id")
}

fn grant(person: &str, activity: &str) -> Value {
    json!({"participant_id": person, "activity": activity, "decision": "granted", "method": "written"})
}

fn with(mut args: Value, extra: Value) -> Value {
    args.as_object_mut().expect("object").extend(extra.as_object().expect("object").clone());
    args
}

fn setup() -> (Desk, String, String) {
    let mut d = Desk::new();
    let case = d.case("Heron");
    let robin = d.person(&case, "Robin", "person_harmed");
    (d, case, robin)
}

#[test]
fn information_sharing_names_a_recipient_and_nothing_else_does() {
    let (mut d, _case, robin) = setup();
    let err = d.refuse("record_consent", grant(&robin, "information_sharing"));
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    let err = d.refuse("record_consent", with(grant(&robin, "information_sharing"), json!({"shared_with": "  "})));
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    let err = d.refuse("record_consent", with(grant(&robin, "intake"), json!({"shared_with": "Sam"})));
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    let entry = d.call(
        "record_consent",
        with(grant(&robin, "information_sharing"), json!({"shared_with": " Sam (supporter) "})),
    );
    assert_eq!(entry["shared_with"], "Sam (supporter)");
    let state = testing::consent_state_on(
        d.vault.conn(),
        d.ctx.zone(),
        &pid(&robin),
        Activity::InformationSharing,
        "Sam (supporter)",
        day(0),
    )
    .expect("current");
    assert_eq!(state, ConsentState::Granted);
    let state = testing::consent_state_on(
        d.vault.conn(),
        d.ctx.zone(),
        &pid(&robin),
        Activity::InformationSharing,
        "police",
        day(0),
    )
    .expect("current");
    assert_eq!(state, ConsentState::NotAsked, "consent to share with one recipient covers no other");
    let err = d.refuse(
        "withdraw_consent",
        json!({"participant_id": robin, "activity": "information_sharing", "method": "verbal"}),
    );
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    d.call("withdraw_consent", json!({"participant_id": robin, "activity": "information_sharing", "shared_with": "Sam (supporter)", "method": "verbal"}));
}

#[test]
fn an_expiry_must_follow_the_decision_and_belongs_to_grants() {
    let (mut d, _case, robin) = setup();
    for expires_on in ["2026-03-01", "2026-02-27"] {
        let err = d.refuse("record_consent", with(grant(&robin, "intake"), json!({"expires_on": expires_on})));
        assert_eq!(err.to_string(), "a consent's expiry date must be after the day it was given");
    }
    let err = d.refuse(
        "record_consent",
        with(grant(&robin, "intake"), json!({"decided_at": "2026-01-10T09:00:00Z", "expires_on": "2026-01-10"})),
    );
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    let back_dated = d.call(
        "record_consent",
        with(grant(&robin, "intake"), json!({"decided_at": "2026-01-10T09:00:00Z", "expires_on": "2026-01-11"})),
    );
    assert_eq!(back_dated["decided_at"], "2026-01-10T09:00:00Z");
    assert_eq!(back_dated["recorded_at"], "2026-03-01T10:00:00Z");
    let err = d.refuse("record_consent", json!({
        "participant_id": robin, "activity": "intake", "decision": "declined", "method": "verbal", "expires_on": "2026-04-01"
    }));
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    let err = d.refuse("record_consent", with(grant(&robin, "intake"), json!({"decided_at": "2026-03-02T09:00:00Z"})));
    assert_eq!(err.kind(), ErrorKind::InvalidInput, "a decision is not dated in the future");
    assert_eq!(d.refuse("record_consent", grant(UNKNOWN, "intake")).kind(), ErrorKind::NotFound);
    assert_eq!(d.refuse("consent_history", json!({"participant_id": UNKNOWN})).kind(), ErrorKind::NotFound);
    assert_eq!(d.refuse("current_consents", json!({"participant_id": UNKNOWN})).kind(), ErrorKind::NotFound);
    assert_eq!(
        d.refuse("withdraw_consent", json!({"participant_id": UNKNOWN, "activity": "intake", "method": "verbal"}))
            .kind(),
        ErrorKind::NotFound
    );
}

#[test]
fn withdrawal_needs_a_grant_and_takes_effect_at_once() {
    let (mut d, _case, robin) = setup();
    let withdraw =
        json!({"participant_id": robin, "activity": "direct_dialogue", "method": "verbal", "note": "by phone"});
    let err = d.refuse("withdraw_consent", withdraw.clone());
    assert_eq!(err.to_string(), "Robin has no granted consent to direct_dialogue to withdraw (not yet asked)");
    d.call(
        "record_consent",
        json!({"participant_id": robin, "activity": "direct_dialogue", "decision": "declined", "method": "verbal"}),
    );
    assert_eq!(d.refuse("withdraw_consent", withdraw.clone()).kind(), ErrorKind::InvalidInput);

    d.call("record_consent", grant(&robin, "direct_dialogue"));
    testing::consent_require(d.vault.conn(), &d.ctx, &pid(&robin), Activity::DirectDialogue, day(0)).expect("granted");
    let entry = d.call("withdraw_consent", withdraw.clone());
    assert_eq!(entry["decision"], "withdrawn");
    assert_eq!(entry["note"], "by phone");
    match testing::consent_require(d.vault.conn(), &d.ctx, &pid(&robin), Activity::DirectDialogue, day(0)) {
        Err(ModelError::ConsentRequired(r)) => {
            assert_eq!(
                (r.alias.as_str(), r.activity, r.state),
                ("Robin", Activity::DirectDialogue, ConsentState::Withdrawn)
            );
        }
        other => panic!("expected ConsentRequired, got {other:?}"),
    }
    let err = d.refuse("withdraw_consent", withdraw);
    assert!(err.to_string().ends_with("(withdrawn)"), "{err}");
}

#[test]
fn require_refuses_after_expiry_and_before_any_consent() {
    let (mut d, _case, robin) = setup();
    let err = testing::consent_require(d.vault.conn(), &d.ctx, &pid(&robin), Activity::Conference, day(0))
        .expect_err("not asked");
    assert_eq!(err.kind(), ErrorKind::ConsentRequired);
    assert_eq!(
        err.to_string(),
        "Robin has no consent to conference on 2026-03-01 (not yet asked); record their consent first"
    );
    d.call("record_consent", with(grant(&robin, "conference"), json!({"expires_on": "2026-03-10"})));
    testing::consent_require(d.vault.conn(), &d.ctx, &pid(&robin), Activity::Conference, day(9))
        .expect("still granted on the expiry day");
    let err = testing::consent_require(d.vault.conn(), &d.ctx, &pid(&robin), Activity::Conference, day(10))
        .expect_err("expired");
    assert_eq!(err.kind(), ErrorKind::ConsentRequired);
    assert!(err.to_string().contains("(expired after 2026-03-10)"), "{err}");

    d.at("2026-03-11T09:00:00Z".parse().expect("time"));
    let current = d.call("current_consents", json!({"participant_id": robin}));
    assert_eq!(current[0]["state"], "expired");
    let entry =
        d.call("withdraw_consent", json!({"participant_id": robin, "activity": "conference", "method": "written"}));
    assert_eq!(entry["decision"], "withdrawn", "an expired grant can still be withdrawn explicitly");
}

#[test]
fn history_is_newest_first_and_no_operation_rewrites_it() {
    let (mut d, case, robin) = setup();
    let sam = d.person(&case, "Sam", "supporter");
    d.call("record_consent", grant(&robin, "intake"));
    d.call("record_consent", grant(&robin, "keeping_notes"));
    d.call("withdraw_consent", json!({"participant_id": robin, "activity": "intake", "method": "verbal"}));
    d.call("record_consent", grant(&sam, "conference"));
    let history = d.call("consent_history", json!({"participant_id": robin}));
    let entries: Vec<(&str, &str)> = history
        .as_array()
        .expect("history")
        .iter()
        .map(|e| (e["activity"].as_str().expect("a"), e["decision"].as_str().expect("d")))
        .collect();
    assert_eq!(entries, [("intake", "withdrawn"), ("keeping_notes", "granted"), ("intake", "granted")]);

    let of_robin = d.call("get_participant", json!({"participant_id": robin}))["consents"].clone();
    let states: Vec<(&str, &str)> = of_robin
        .as_array()
        .expect("consents")
        .iter()
        .map(|c| (c["activity"].as_str().expect("a"), c["state"].as_str().expect("s")))
        .collect();
    assert_eq!(states, [("intake", "withdrawn"), ("keeping_notes", "granted")]);
    let of_case = d.call("current_consents", json!({"case_id": case}));
    let rows: Vec<(&str, &str, &str)> = of_case
        .as_array()
        .expect("consents")
        .iter()
        .map(|c| {
            (c["alias"].as_str().expect("alias"), c["activity"].as_str().expect("a"), c["state"].as_str().expect("s"))
        })
        .collect();
    assert_eq!(
        rows,
        [("Robin", "intake", "withdrawn"), ("Robin", "keeping_notes", "granted"), ("Sam", "conference", "granted")]
    );
    assert_eq!(d.refuse("current_consents", json!({})).kind(), ErrorKind::InvalidInput);

    let consent_ops: Vec<&str> = ops::all().iter().map(|op| op.name).filter(|n| n.contains("consent")).collect();
    assert_eq!(consent_ops, ["consent_history", "current_consents", "record_consent", "withdraw_consent"]);
}

#[test]
fn a_closed_case_takes_withdrawals_but_not_grants() {
    let (mut d, case, robin) = setup();
    d.call("record_consent", grant(&robin, "progress_updates"));
    d.close(&case);
    let err = d.refuse("record_consent", grant(&robin, "intake"));
    assert_eq!(err.kind(), ErrorKind::NotAllowed);
    d.call("withdraw_consent", json!({"participant_id": robin, "activity": "progress_updates", "method": "verbal"}));
    let state =
        testing::consent_state_on(d.vault.conn(), d.ctx.zone(), &pid(&robin), Activity::ProgressUpdates, "", day(0))
            .expect("current");
    assert_eq!(state, ConsentState::Withdrawn);
}

// The property test: the ledger against a model where, per (participant, activity, recipient), entries are kept
// in the order recorded, a new entry is never dated before the last one, the last entry on or before a day decides
// that day, and an expired grant is not current.

const ACTIVITIES: [(&str, Activity); 3] = [
    ("intake", Activity::Intake),
    ("direct_dialogue", Activity::DirectDialogue),
    ("information_sharing", Activity::InformationSharing),
];
const RECIPIENTS: [&str; 3] = ["", "Sam", "police liaison"];
const DECISIONS: [&str; 3] = ["granted", "declined", "withdrawn"];

#[derive(Debug, Clone)]
enum Step {
    Record { who: usize, activity: usize, recipient: usize, decision: usize, expiry: Option<i64>, day: u64 },
    Withdraw { who: usize, activity: usize, recipient: usize, day: u64 },
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        4 => (0..2usize, 0..3usize, 0..3usize, 0..3usize, proptest::option::of(-2..8i64), 0..20u64).prop_map(
            |(who, activity, recipient, decision, expiry, day)| Step::Record { who, activity, recipient, decision, expiry, day }
        ),
        1 => (0..2usize, 0..3usize, 0..3usize, 0..20u64)
            .prop_map(|(who, activity, recipient, day)| Step::Withdraw { who, activity, recipient, day }),
    ]
}

type Key = (usize, usize, usize);
/// Per key, the accepted entries in the order recorded: (day, decision, expiry).
type Ledger = BTreeMap<Key, Vec<(NaiveDate, usize, Option<NaiveDate>)>>;

fn entry_on(model: &Ledger, key: &Key, on: NaiveDate) -> Option<(usize, Option<NaiveDate>)> {
    model.get(key)?.iter().rev().find(|(d, _, _)| *d <= on).map(|(_, decision, expiry)| (*decision, *expiry))
}

fn model_state(entry: Option<(usize, Option<NaiveDate>)>, today: NaiveDate) -> ConsentState {
    match entry {
        None => ConsentState::NotAsked,
        Some((1, _)) => ConsentState::Declined,
        Some((2, _)) => ConsentState::Withdrawn,
        Some((_, Some(expiry))) if expiry < today => ConsentState::Expired,
        Some(_) => ConsentState::Granted,
    }
}

fn recipient_ok(activity: usize, recipient: usize) -> bool {
    (activity == 2) == (recipient != 0)
}

fn check(d: &Desk, people: &[String; 2], model: &Ledger, today: NaiveDate) -> Result<(), TestCaseError> {
    let conn = d.vault.conn();
    for (who, person) in people.iter().enumerate() {
        for (a, (_, activity)) in ACTIVITIES.iter().enumerate() {
            for (r, recipient) in RECIPIENTS.iter().enumerate() {
                let expected = model_state(entry_on(model, &(who, a, r), today), today);
                let actual = testing::consent_state_on(conn, d.ctx.zone(), &pid(person), *activity, recipient, today)
                    .expect("state");
                prop_assert_eq!(actual, expected, "{} {:?} {:?} on {}", who, activity, recipient, today);
            }
            let required = testing::consent_require(conn, &d.ctx, &pid(person), *activity, today);
            match (model_state(entry_on(model, &(who, a, 0), today), today), required) {
                (ConsentState::Granted, Ok(())) => {}
                (state, Err(ModelError::ConsentRequired(refusal))) if state != ConsentState::Granted => {
                    prop_assert_eq!(refusal.state, state);
                    prop_assert_eq!(refusal.on, today);
                }
                (state, other) => prop_assert!(false, "require disagrees: model {:?}, ledger {:?}", state, other),
            }
        }
    }
    Ok(())
}

fn current_by_op(d: &mut Desk, case: &str, people: &[String; 2]) -> BTreeMap<Key, String> {
    let current = d.call("current_consents", json!({"case_id": case}));
    current
        .as_array()
        .expect("list")
        .iter()
        .map(|c| {
            let who = people.iter().position(|p| c["participant_id"] == p.as_str()).expect("participant");
            let a = ACTIVITIES.iter().position(|(w, _)| c["activity"] == *w).expect("activity");
            let r = RECIPIENTS.iter().position(|w| c["shared_with"] == *w).expect("recipient");
            ((who, a, r), c["state"].as_str().expect("state").to_owned())
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, .. ProptestConfig::default() })]
    #[test]
    fn the_ledger_matches_a_model(steps in proptest::collection::vec(step(), 1..30)) {
        let (mut d, case, robin) = setup();
        let sam = d.person(&case, "Sam", "supporter");
        let people = [robin, sam];
        let mut model = Ledger::new();
        for (n, step) in steps.iter().enumerate() {
            let (who, activity, recipient, on) = match *step {
                Step::Record { who, activity, recipient, day, .. } | Step::Withdraw { who, activity, recipient, day } => {
                    (who, activity, recipient, day)
                }
            };
            // A distinct instant per step keeps the fixed clock's ids unique.
            d.at(base() + Days::new(on) + chrono::Duration::seconds(n as i64 + 1));
            let today = day(on);
            let key = (who, activity, recipient);
            let mut args = json!({
                "participant_id": people[who], "activity": ACTIVITIES[activity].0, "method": "verbal",
                "shared_with": RECIPIENTS[recipient],
            });
            let (name, accepted, entry) = match *step {
                Step::Record { decision, expiry, .. } => {
                    let expires_on = expiry.map(|e| today + chrono::Duration::days(e));
                    args["decision"] = json!(DECISIONS[decision]);
                    args["expires_on"] = json!(expires_on);
                    let ok = recipient_ok(activity, recipient) && expiry.is_none_or(|e| decision == 0 && e > 0);
                    ("record_consent", ok, (decision, expires_on))
                }
                Step::Withdraw { .. } => {
                    let granted = model.get(&key).and_then(|l| l.last()).is_some_and(|(_, decision, _)| *decision == 0);
                    ("withdraw_consent", recipient_ok(activity, recipient) && granted, (2, None))
                }
            };
            // Never dated before the key's last entry: the ledger's past is not rewritten.
            let in_order = model.get(&key).and_then(|l| l.last()).is_none_or(|(last, _, _)| *last <= today);
            let accepted = accepted && in_order;
            let result = ops::call(name, &mut d.vault, &d.ctx, args);
            prop_assert_eq!(result.is_ok(), accepted, "{} {:?}: {:?}", name, step, result);
            if let Err(e) = &result {
                prop_assert_eq!(e.kind(), ErrorKind::InvalidInput);
            }
            if accepted {
                model.entry(key).or_default().push((today, entry.0, entry.1));
            }
            for later in [0, 3, 10] {
                check(&d, &people, &model, today + Days::new(later))?;
            }
            let by_op = current_by_op(&mut d, &case, &people);
            let expected: BTreeMap<Key, String> = model
                .keys()
                .filter_map(|k| entry_on(&model, k, today).map(|e| (*k, model_state(Some(e), today))))
                .map(|(k, state)| (k, serde_json::to_value(state).expect("json").as_str().expect("s").to_owned()))
                .collect();
            prop_assert_eq!(by_op, expected);
        }
    }
}
