//! Shuttle dialogue through the registry: rule 2 (relay only after the author's approval, only while both
//! sides consent to indirect dialogue, and only once), case boundaries and the order of messages.

use circlebook_core::model::{ops, Ctx, ModelError};
use circlebook_core::ErrorKind;
use serde_json::json;

use crate::common::Fixture;
use crate::seed_people::*;

fn consent_state(err: &ModelError) -> (String, String) {
    match err {
        ModelError::ConsentRequired(refusal) => {
            (refusal.participant_id.to_string(), refusal.state.describe().to_owned())
        }
        other => panic!("expected ConsentRequired, got {other:?}"),
    }
}

#[test]
fn a_message_is_relayed_after_approval_with_both_sides_consenting_and_only_once() {
    let (_fx, mut vault) = Fixture::new();
    let ctx = ctx();
    let case = open_case(&mut vault, &ctx, "Heron");
    let harmed = participant(&mut vault, &case, "Ash", "person_harmed");
    let responsible = participant(&mut vault, &case, "Elm", "person_responsible");
    let write = json!({"case_id": case, "author_id": responsible, "recipient_id": harmed, "content": " I am sorry. "});
    // Writing a message down is part of indirect dialogue: the author's consent first (issue 8 item 8).
    let err = ops::call("write_message", &mut vault, &ctx, write).expect_err("the author was never asked");
    assert_eq!(consent_state(&err), (responsible.clone(), "not yet asked".into()));
    grant(&mut vault, &responsible, "indirect_dialogue");
    let message = ops::call(
        "write_message",
        &mut vault,
        &ctx,
        json!({
            "case_id": case, "author_id": responsible, "recipient_id": harmed, "content": " I am sorry. "
        }),
    )
    .expect("write");
    let id = id_of(&message);
    assert_eq!(message["content"], "I am sorry.");
    assert_eq!(message["approved_at"], serde_json::Value::Null);
    let relay = json!({"message_id": id});

    // Before approval: refused even with both consents in place.
    grant(&mut vault, &harmed, "indirect_dialogue");
    let err = ops::call("relay_message", &mut vault, &ctx, relay.clone()).expect_err("not approved");
    assert!(matches!(err, ModelError::ApprovalRequired));
    assert_eq!(err.kind(), ErrorKind::ApprovalRequired);

    let later = Ctx::fixed("2026-03-02T09:00:00Z".parse().expect("time"), "facilitator");
    let approved = ops::call(
        "approve_message",
        &mut vault,
        &later,
        json!({"message_id": id, "approval_note": "read back by phone"}),
    )
    .expect("approve");
    assert_eq!(approved["approval_note"], "read back by phone");
    assert!(approved["approved_at"].as_str().expect("approved at").starts_with("2026-03-02"));
    let err = ops::call("approve_message", &mut vault, &later, json!({"message_id": id})).expect_err("twice");
    assert_eq!(err.kind(), ErrorKind::InvalidInput);

    // Either side without current consent to indirect dialogue: refused, naming who.
    consent_to(&mut vault, &harmed, "indirect_dialogue", "withdrawn", None);
    let err = ops::call("relay_message", &mut vault, &later, relay.clone()).expect_err("recipient withdrew");
    assert_eq!(consent_state(&err), (harmed.clone(), "withdrawn".into()));
    grant(&mut vault, &harmed, "indirect_dialogue");
    consent_to(&mut vault, &responsible, "indirect_dialogue", "granted", Some("2026-03-01"));
    let err = ops::call("relay_message", &mut vault, &later, relay.clone()).expect_err("author's consent expired");
    assert_eq!(consent_state(&err), (responsible.clone(), "expired".into()));
    grant(&mut vault, &responsible, "indirect_dialogue");

    let relayed = ops::call("relay_message", &mut vault, &later, relay.clone()).expect("relay");
    assert!(relayed["relayed_at"].as_str().expect("relayed at").starts_with("2026-03-02"));
    let err = ops::call("relay_message", &mut vault, &later, relay).expect_err("twice");
    assert_eq!(err.kind(), ErrorKind::NotAllowed);

    assert_eq!(audited(&vault, "write", "message"), 1);
    assert_eq!(audited(&vault, "approve", "message"), 1);
    assert_eq!(audited(&vault, "relay", "message"), 1);
}

#[test]
fn relay_needs_consent_from_the_author_and_the_recipient_alike() {
    let (_fx, mut vault) = Fixture::new();
    let ctx = ctx();
    let case = open_case(&mut vault, &ctx, "Heron");
    let harmed = participant(&mut vault, &case, "Ash", "person_harmed");
    let responsible = participant(&mut vault, &case, "Elm", "person_responsible");
    let write = |vault: &mut circlebook_core::UnlockedVault| {
        let m = ops::call("write_message", vault, &ctx, json!({
            "case_id": case, "author_id": harmed, "recipient_id": responsible, "content": "What do you understand now?"
        })).expect("write");
        let id = id_of(&m);
        ops::call("approve_message", vault, &ctx, json!({"message_id": id})).expect("approve");
        id
    };
    grant(&mut vault, &harmed, "indirect_dialogue");
    let first = write(&mut vault);
    consent_to(&mut vault, &harmed, "indirect_dialogue", "withdrawn", None);
    let err = ops::call("relay_message", &mut vault, &ctx, json!({"message_id": first})).expect_err("author withdrew");
    assert_eq!(consent_state(&err), (harmed.clone(), "withdrawn".into()));
    grant(&mut vault, &harmed, "indirect_dialogue");
    let err =
        ops::call("relay_message", &mut vault, &ctx, json!({"message_id": first})).expect_err("recipient not asked");
    assert_eq!(consent_state(&err), (responsible.clone(), "not yet asked".into()));
    consent_to(&mut vault, &responsible, "indirect_dialogue", "declined", None);
    let err =
        ops::call("relay_message", &mut vault, &ctx, json!({"message_id": first})).expect_err("recipient declined");
    assert_eq!(consent_state(&err), (responsible.clone(), "declined".into()));
    // Consent to direct dialogue is not consent to shuttle dialogue.
    grant(&mut vault, &responsible, "direct_dialogue");
    assert!(ops::call("relay_message", &mut vault, &ctx, json!({"message_id": first})).is_err());
    grant(&mut vault, &responsible, "indirect_dialogue");
    ops::call("relay_message", &mut vault, &ctx, json!({"message_id": first})).expect("relay");

    let second = write(&mut vault);
    let list = ops::call("list_messages", &mut vault, &ctx, json!({"case_id": case})).expect("list");
    assert_eq!(list.as_array().expect("messages").len(), 2);
    assert_eq!(list[0]["id"], first.as_str());
    assert_eq!(list[1]["id"], second.as_str());
    assert!(list[0]["relayed_at"].is_string());
    assert!(list[1]["relayed_at"].is_null());
    assert!(list[1]["approved_at"].is_string());
}

#[test]
fn messages_stay_within_the_case_between_two_people() {
    let (_fx, mut vault) = Fixture::new();
    let ctx = ctx();
    let case = open_case(&mut vault, &ctx, "Heron");
    let other = open_case(&mut vault, &ctx, "Wren");
    let harmed = participant(&mut vault, &case, "Ash", "person_harmed");
    let responsible = participant(&mut vault, &case, "Elm", "person_responsible");
    let stranger = participant(&mut vault, &other, "Dune", "person_responsible");
    let write = |vault: &mut circlebook_core::UnlockedVault, author: &str, recipient: &str, content: &str| {
        ops::call(
            "write_message",
            vault,
            &ctx,
            json!({"case_id": case, "author_id": author, "recipient_id": recipient, "content": content}),
        )
    };
    assert_eq!(write(&mut vault, &harmed, &harmed, "x").expect_err("same").kind(), ErrorKind::InvalidInput);
    assert_eq!(write(&mut vault, &harmed, &stranger, "x").expect_err("other case").kind(), ErrorKind::InvalidInput);
    assert_eq!(write(&mut vault, &stranger, &harmed, "x").expect_err("other case").kind(), ErrorKind::InvalidInput);
    assert_eq!(write(&mut vault, &harmed, &responsible, "  ").expect_err("empty").kind(), ErrorKind::InvalidInput);
    let process = ops::call("open_process", &mut vault, &ctx, json!({"case_id": case, "kind": "indirect_dialogue"}))
        .expect("process");
    grant(&mut vault, &harmed, "indirect_dialogue");
    let m = ops::call("write_message", &mut vault, &ctx, json!({
        "case_id": case, "process_id": id_of(&process), "author_id": harmed, "recipient_id": responsible, "content": "hello"
    })).expect("write in process");
    assert_eq!(m["process_id"], process["id"]);
    let err = ops::call(
        "approve_message",
        &mut vault,
        &ctx,
        json!({"message_id": id_of(&m), "approved_at": "2026-02-01T00:00:00Z"}),
    )
    .expect_err("approved before written");
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    assert_eq!(audited(&vault, "write", "message"), 1);
}
