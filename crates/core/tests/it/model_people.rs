//! People through the registry: participants and their relations, terminology, assessments, safety plans, and
//! the audit log (one row per write, never any content).

use chrono::{DateTime, Utc};
use circlebook_core::model::{ops, Ctx, ModelError};
use circlebook_core::{ErrorKind, UnlockedVault};
use serde_json::{json, Value};

use crate::common::*;

pub const SESSION: &str = "0195a1b2-0000-7000-8000-0000000000a1";

/// A fresh vault, one clock, and short ways to call operations.
pub struct Desk {
    pub _fx: Fixture,
    pub vault: UnlockedVault,
    pub ctx: Ctx,
}

impl Desk {
    pub fn new() -> Desk {
        let (fx, vault) = Fixture::new();
        Desk { _fx: fx, vault, ctx: crate::model_cases::ctx() }
    }

    /// Moves the clock (ids stay unique as long as instants differ).
    pub fn at(&mut self, now: DateTime<Utc>) {
        self.ctx = Ctx::fixed(now, "facilitator");
    }

    pub fn call(&mut self, name: &str, args: Value) -> Value {
        ops::call(name, &mut self.vault, &self.ctx, args).unwrap_or_else(|e| panic!("{name}: {e}"))
    }

    pub fn refuse(&mut self, name: &str, args: Value) -> ModelError {
        match ops::call(name, &mut self.vault, &self.ctx, args) {
            Ok(v) => panic!("{name} should have been refused, gave {v}"),
            Err(e) => e,
        }
    }

    pub fn case(&mut self, code_name: &str) -> String {
        self.call("create_case", json!({"code_name": code_name}))["id"].as_str().expect("id").to_owned()
    }

    pub fn person(&mut self, case: &str, alias: &str, role: &str) -> String {
        self.call("add_participant", json!({"case_id": case, "alias": alias, "role": role}))["id"]
            .as_str()
            .expect("id")
            .to_owned()
    }

    pub fn close(&mut self, case: &str) {
        self.call(
            "close_case",
            json!({"case_id": case, "outcome": "other", "outcome_summary": "ended", "decided_by": "f"}),
        );
    }

    /// A session row written directly (the sessions module is not needed here).
    pub fn session(&mut self, id: &str, case: &str) {
        self.vault
            .edit(|tx| {
                tx.execute(
                    "INSERT INTO sessions(id, case_id, kind, scheduled_for, created_at, updated_at)
                     VALUES(?1, ?2, 'conference', '2026-03-10', '2026-03-01', '2026-03-01')",
                    [id, case],
                )
            })
            .expect("add session");
    }

    pub fn audit_rows(&self) -> Vec<[String; 6]> {
        let mut stmt = self
            .vault
            .conn()
            .prepare("SELECT id, at, actor, action, record_kind, record_id FROM audit_log ORDER BY rowid")
            .expect("prepare");
        let rows = stmt
            .query_map([], |r| Ok([r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?]))
            .expect("query");
        rows.collect::<Result<_, _>>().expect("rows")
    }
}

#[test]
fn participants_are_added_with_defaults_and_relations_in_the_same_case() {
    let mut d = Desk::new();
    let case = d.case("Heron");
    let other_case = d.case("Wren");
    let harmed = d.call(
        "add_participant",
        json!({
            "case_id": case, "alias": " Robin ", "role": "person_harmed", "pronouns": "she/her",
            "contact": "07700 900123", "access_needs": "step-free", "cultural_needs": "interpreter"
        }),
    );
    assert_eq!(harmed["alias"], "Robin");
    assert_eq!(harmed["progress_updates"], "through_facilitator");
    assert_eq!(harmed["related_to"], Value::Null);
    let robin = harmed["id"].as_str().expect("id").to_owned();
    let supporter = d.call(
        "add_participant",
        json!({
            "case_id": case, "alias": "Sam", "role": "supporter", "related_to": robin, "progress_updates": "directly"
        }),
    );
    assert_eq!(supporter["related_to"], robin.as_str());
    assert_eq!(supporter["progress_updates"], "directly");

    let err = d.refuse("add_participant", json!({"case_id": case, "alias": "  ", "role": "supporter"}));
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    assert_eq!(err.to_string(), "An alias is required");
    let stranger = d.person(&other_case, "Kit", "person_responsible");
    let err = d
        .refuse("add_participant", json!({"case_id": case, "alias": "Lee", "role": "partner", "related_to": stranger}));
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    assert!(err.to_string().contains("same case"), "{err}");
    let err = d.refuse(
        "add_participant",
        json!({
            "case_id": case, "alias": "Lee", "role": "partner", "related_to": "0195a1b2-0000-7000-8000-00000000ffff"
        }),
    );
    assert_eq!(err.kind(), ErrorKind::NotFound);
    let err = d.refuse(
        "add_participant",
        json!({"case_id": "0195a1b2-0000-7000-8000-00000000fffe", "alias": "Lee", "role": "partner"}),
    );
    assert_eq!(err.kind(), ErrorKind::NotFound);
    let err = d.refuse("add_participant", json!({"case_id": case, "alias": "Lee", "role": "friend"}));
    assert_eq!(err.kind(), ErrorKind::InvalidInput);

    let listed = d.call("list_participants", json!({"case_id": case}));
    let aliases: Vec<_> =
        listed.as_array().expect("list").iter().map(|p| p["alias"].as_str().expect("alias")).collect();
    assert_eq!(aliases, ["Robin", "Sam"]);
    let err = d.refuse("list_participants", json!({"case_id": "0195a1b2-0000-7000-8000-00000000fffe"}));
    assert_eq!(err.kind(), ErrorKind::NotFound);
}

#[test]
fn updates_keep_what_is_left_out_and_check_relations() {
    let mut d = Desk::new();
    let case = d.case("Heron");
    let robin = d.person(&case, "Robin", "person_harmed");
    let sam = d.call(
        "add_participant",
        json!({"case_id": case, "alias": "Sam", "role": "supporter", "related_to": robin, "pronouns": "they/them"}),
    );
    let sam = sam["id"].as_str().expect("id").to_owned();

    let updated = d.call("update_participant", json!({"participant_id": sam, "safety_notes": "leaves first"}));
    assert_eq!(updated["pronouns"], "they/them");
    assert_eq!(updated["related_to"], robin.as_str());
    assert_eq!(updated["safety_notes"], "leaves first");
    let updated =
        d.call("update_participant", json!({"participant_id": sam, "related_to": null, "role": "community_member"}));
    assert_eq!(updated["related_to"], Value::Null);
    assert_eq!(updated["role"], "community_member");

    let err = d.refuse("update_participant", json!({"participant_id": sam, "related_to": sam}));
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    let err = d.refuse("update_participant", json!({"participant_id": sam, "alias": ""}));
    assert_eq!(err.to_string(), "An alias is required");
    let other = d.case("Wren");
    let kit = d.person(&other, "Kit", "person_responsible");
    let err = d.refuse("update_participant", json!({"participant_id": sam, "related_to": kit}));
    assert!(err.to_string().contains("same case"), "{err}");
    let unknown = "0195a1b2-0000-7000-8000-00000000ffff";
    assert_eq!(
        d.refuse("update_participant", json!({"participant_id": unknown, "alias": "x"})).kind(),
        ErrorKind::NotFound
    );
    assert_eq!(d.refuse("get_participant", json!({"participant_id": unknown})).kind(), ErrorKind::NotFound);

    let record = d.call("get_participant", json!({"participant_id": robin}));
    assert_eq!(record["participant"]["alias"], "Robin");
    assert_eq!(record["consents"], json!([]));
}

#[test]
fn a_closed_case_refuses_additions_and_changes() {
    let mut d = Desk::new();
    let case = d.case("Heron");
    let robin = d.person(&case, "Robin", "person_harmed");
    d.session(SESSION, &case);
    d.close(&case);
    let checks = [
        ("add_participant", json!({"case_id": case, "alias": "Sam", "role": "supporter"})),
        ("update_participant", json!({"participant_id": robin, "pronouns": "she/her"})),
        (
            "record_assessment",
            json!({"participant_id": robin, "risk_level": "low", "decision": "proceed", "reasons": "r", "assessed_by": "f"}),
        ),
        ("set_safety_plan", json!({"session_id": SESSION, "venue": "library"})),
    ];
    for (name, args) in checks {
        assert_eq!(d.refuse(name, args).kind(), ErrorKind::NotAllowed, "{name}");
    }
}

#[test]
fn terminology_has_defaults_and_takes_the_programs_own_words() {
    let mut d = Desk::new();
    let labels = d.call("get_terminology", json!({}));
    let pairs: Vec<(&str, &str)> = labels
        .as_array()
        .expect("labels")
        .iter()
        .map(|l| (l["role"].as_str().expect("role"), l["label"].as_str().expect("label")))
        .collect();
    assert_eq!(
        pairs,
        [
            ("person_harmed", "Person harmed"),
            ("person_responsible", "Person responsible"),
            ("supporter", "Supporter"),
            ("community_member", "Community member"),
            ("partner", "Partner"),
            ("co_facilitator", "Co-facilitator"),
            ("specialist", "Specialist"),
            ("supervisor", "Supervisor"),
            ("other", "Other"),
        ]
    );
    assert_eq!(d.call("get_terminology", Value::Null), labels);

    let set = d.call(
        "set_terminology",
        json!({"labels": {"person_harmed": " Survivor ", "person_responsible": "Person who caused harm"}}),
    );
    assert_eq!(set[0]["label"], "Survivor");
    assert_eq!(set[0]["default_label"], "Person harmed");
    assert_eq!(set[1]["label"], "Person who caused harm");
    assert_eq!(set[2]["label"], "Supporter");
    assert_eq!(d.call("get_terminology", json!({})), set);
    let stored: String = d
        .vault
        .conn()
        .query_row("SELECT value FROM settings WHERE key = 'terminology'", [], |r| r.get(0))
        .expect("stored");
    assert_eq!(stored, r#"{"person_harmed":"Survivor","person_responsible":"Person who caused harm"}"#);

    let err = d.refuse("set_terminology", json!({"labels": {"victim": "Victim"}}));
    assert_eq!(err.to_string(), "`victim` is not a role");
    let err = d.refuse("set_terminology", json!({"labels": {"supporter": "  "}}));
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    let err = d.refuse("set_terminology", json!({"labels": {"supporter": "Partner"}}));
    assert!(err.to_string().contains("distinct"), "{err}");
    assert_eq!(d.call("get_terminology", json!({})), set, "a refused change leaves the labels as they were");

    let reset = d.call("set_terminology", json!({"labels": {}}));
    assert_eq!(reset, labels);
}

#[test]
fn assessments_record_decisions_with_reasons_and_suggest_gently() {
    let mut d = Desk::new();
    let case = d.case("Heron");
    d.call(
        "change_stage",
        json!({"case_id": case, "stage": "preparation", "decided_by": "f", "reason": "ready to prepare"}),
    );
    let robin = d.person(&case, "Robin", "person_harmed");
    let kit = d.person(&case, "Kit", "person_responsible");
    let checklist = json!([
        {"question": "Does Robin feel safe meeting?", "answer": "not yet", "note": "wants a supporter present"},
        {"question": "Is the venue accessible?", "answer": "yes"}
    ]);
    let first = d.call("record_assessment", json!({
        "participant_id": robin, "checklist": checklist, "risk_level": "medium", "decision": "pause",
        "reasons": "needs more time", "assessed_on": "2026-02-20", "next_review_on": "2026-03-20", "assessed_by": "Ana"
    }));
    assert_eq!(first["assessment"]["stage"], "preparation");
    assert_eq!(first["assessment"]["checklist"], checklist);
    assert_eq!(first["assessment"]["case_id"], case.as_str());
    assert!(first["suggestion"].as_str().expect("suggestion").starts_with("Consider pausing"));
    let second = d.call("record_assessment", json!({
        "participant_id": kit, "stage": "intake", "risk_level": "high", "decision": "stop", "reasons": "denies the harm",
        "assessed_by": "Ana"
    }));
    assert_eq!(second["assessment"]["assessed_on"], "2026-03-01");
    assert_eq!(second["assessment"]["stage"], "intake");
    assert!(second["suggestion"].as_str().expect("suggestion").starts_with("Consider stopping"));
    let third = d.call("record_assessment", json!({
        "participant_id": robin, "risk_level": "low", "decision": "proceed", "reasons": "feels ready", "assessed_by": "Ana"
    }));
    assert_eq!(third["suggestion"], Value::Null);
    let stage = d.call("get_case", json!({"case_id": case}))["case"]["stage"].clone();
    assert_eq!(stage, "preparation", "a decision never changes the stage by itself");

    let of_robin = d.call("list_assessments", json!({"participant_id": robin}));
    assert_eq!(of_robin.as_array().expect("list").len(), 2);
    assert_eq!(of_robin[0]["reasons"], "feels ready", "newest first");
    let of_case = d.call("list_assessments", json!({"case_id": case}));
    let reasons: Vec<_> = of_case.as_array().expect("list").iter().map(|a| a["reasons"].as_str().expect("r")).collect();
    assert_eq!(
        reasons,
        ["feels ready", "denies the harm", "needs more time"],
        "newest first, same day by when recorded"
    );

    let base = json!({"participant_id": robin, "risk_level": "low", "decision": "proceed", "reasons": "ok", "assessed_by": "Ana"});
    let with = |extra: Value| {
        let mut args = base.clone();
        args.as_object_mut().expect("obj").extend(extra.as_object().expect("obj").clone());
        args
    };
    assert_eq!(d.refuse("record_assessment", with(json!({"reasons": " "}))).to_string(), "The reasons is required");
    assert_eq!(d.refuse("record_assessment", with(json!({"assessed_by": ""}))).kind(), ErrorKind::InvalidInput);
    let err = d.refuse("record_assessment", with(json!({"assessed_on": "2026-02-10", "next_review_on": "2026-02-09"})));
    assert!(err.to_string().contains("next review"), "{err}");
    assert_eq!(
        d.refuse("record_assessment", with(json!({"assessed_on": "2026-03-02"}))).kind(),
        ErrorKind::InvalidInput
    );
    let err = d.refuse("record_assessment", with(json!({"checklist": [{"question": "", "answer": "x"}]})));
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    let unknown = "0195a1b2-0000-7000-8000-00000000ffff";
    assert_eq!(d.refuse("record_assessment", with(json!({"participant_id": unknown}))).kind(), ErrorKind::NotFound);
    assert_eq!(d.refuse("list_assessments", json!({"participant_id": unknown})).kind(), ErrorKind::NotFound);
    assert_eq!(d.refuse("list_assessments", json!({})).kind(), ErrorKind::InvalidInput);
    assert_eq!(
        d.refuse("list_assessments", json!({"participant_id": robin, "case_id": case})).kind(),
        ErrorKind::InvalidInput
    );
}

#[test]
fn a_meeting_has_one_safety_plan_that_is_written_in_parts() {
    let mut d = Desk::new();
    let case = d.case("Heron");
    assert_eq!(d.refuse("set_safety_plan", json!({"session_id": SESSION, "venue": "x"})).kind(), ErrorKind::NotFound);
    d.session(SESSION, &case);
    let err = d.refuse("get_safety_plan", json!({"session_id": SESSION}));
    assert_eq!(err.kind(), ErrorKind::NotFound);
    assert_eq!(err.to_string(), format!("no safety plan with id {SESSION}"));

    let plan = d.call(
        "set_safety_plan",
        json!({"session_id": SESSION, "venue": "community centre, room 2", "pause_signals": "hand raised"}),
    );
    assert_eq!(plan["separate_arrival"], true);
    assert_eq!(plan["separate_departure"], true);
    assert_eq!(plan["venue"], "community centre, room 2");
    let plan = d.call(
        "set_safety_plan",
        json!({
            "session_id": SESSION, "separate_departure": false, "supports_present": "Sam", "stop_signals": "red card"
        }),
    );
    assert_eq!(plan["venue"], "community centre, room 2");
    assert_eq!(plan["pause_signals"], "hand raised");
    assert_eq!(plan["separate_arrival"], true);
    assert_eq!(plan["separate_departure"], false);
    assert_eq!(d.call("get_safety_plan", json!({"session_id": SESSION})), plan);
}

#[test]
fn every_write_leaves_one_audit_row_without_content() {
    let mut d = Desk::new();
    let case = d.case("Heron");
    d.session(SESSION, &case);
    let secret = "Marigold";
    let before = d.audit_rows().len();
    let robin = d.call("add_participant", json!({
        "case_id": case, "alias": format!("{secret} alias"), "role": "person_harmed", "contact": format!("{secret} contact"),
        "safety_notes": format!("{secret} notes")
    }))["id"].as_str().expect("id").to_owned();
    let entry = d.call(
        "record_consent",
        json!({
            "participant_id": robin, "activity": "information_sharing", "shared_with": format!("{secret} recipient"),
            "decision": "granted", "method": "written", "note": format!("{secret} note")
        }),
    )["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let steps: Vec<(&str, Value, &str, String)> = vec![
        (
            "update_participant",
            json!({"participant_id": robin, "access_needs": format!("{secret} needs")}),
            "participant",
            robin.clone(),
        ),
        (
            "record_consent",
            json!({"participant_id": robin, "activity": "intake", "decision": "granted", "method": "verbal", "note": secret}),
            "consent",
            String::new(),
        ),
        (
            "withdraw_consent",
            json!({"participant_id": robin, "activity": "intake", "method": "verbal", "note": secret}),
            "consent",
            String::new(),
        ),
        (
            "record_assessment",
            json!({"participant_id": robin, "risk_level": "low", "decision": "proceed", "reasons": secret, "assessed_by": secret,
            "checklist": [{"question": secret, "answer": secret}]}),
            "assessment",
            String::new(),
        ),
        (
            "set_safety_plan",
            json!({"session_id": SESSION, "venue": secret, "notes": secret}),
            "safety_plan",
            SESSION.to_owned(),
        ),
        ("set_safety_plan", json!({"session_id": SESSION, "stop_signals": secret}), "safety_plan", SESSION.to_owned()),
        ("set_terminology", json!({"labels": {"person_harmed": secret}}), "setting", "terminology".to_owned()),
    ];
    assert_eq!(d.audit_rows().len(), before + 2);
    assert_eq!(d.audit_rows()[before][4], "participant");
    assert_eq!(d.audit_rows()[before + 1][4], "consent");
    assert_eq!(d.audit_rows()[before + 1][5], entry);
    for (name, args, kind, record) in steps {
        let n = d.audit_rows().len();
        let result = d.call(name, args);
        let rows = d.audit_rows();
        assert_eq!(rows.len(), n + 1, "{name} leaves exactly one audit row");
        let row = &rows[n];
        assert_eq!(row[2], "facilitator");
        assert_eq!(row[4], kind, "{name}");
        let expected = if record.is_empty() {
            result["id"].as_str().or(result["assessment"]["id"].as_str()).expect("id").to_owned()
        } else {
            record
        };
        assert_eq!(row[5], expected, "{name}");
    }
    for row in d.audit_rows() {
        for value in row {
            assert!(!value.contains(secret), "audit rows hold no content: {value}");
        }
    }

    let listed = d.call("list_audit", json!({}));
    let listed = listed.as_array().expect("list");
    assert_eq!(listed.len(), d.audit_rows().len());
    assert!(!serde_json::to_string(listed).expect("json").contains(secret));
    assert_eq!(listed[0]["record_kind"], "setting", "newest first");
    let of_robin = d.call("list_audit", json!({"record_id": robin}));
    let actions: Vec<_> = of_robin.as_array().expect("list").iter().map(|e| e["action"].as_str().expect("a")).collect();
    assert_eq!(actions, ["update", "create"]);
    assert_eq!(d.call("list_audit", json!({"limit": 2})).as_array().expect("list").len(), 2);
    assert_eq!(d.refuse("list_audit", json!({"limit": 0})).kind(), ErrorKind::InvalidInput);
    d.at("2026-03-02T09:00:00Z".parse().expect("time"));
    d.call("update_participant", json!({"participant_id": robin, "pronouns": "she/her"}));
    let since = d.call("list_audit", json!({"since": "2026-03-02T00:00:00Z"}));
    assert_eq!(since.as_array().expect("list").len(), 1);
    assert_eq!(since[0]["record_id"], robin.as_str());
}
