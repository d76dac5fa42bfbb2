//! Notes, attachments and tasks through the registry: where they may be written, filters, limits, audit.

use base64::Engine;
use circlebook_core::model::{ops, Ctx};
use circlebook_core::ErrorKind;
use serde_json::{json, Value};

use crate::common::*;
use crate::model_cases::ctx;
use crate::model_rows::*;

const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD;

fn close(vault: &mut circlebook_core::UnlockedVault, ctx: &Ctx, case: &str) {
    ops::call(
        "close_case",
        vault,
        ctx,
        json!({"case_id": case, "outcome": "agreement_completed", "outcome_summary": "done", "decided_by": "f"}),
    )
    .expect("close");
}

fn audit_actions(vault: &circlebook_core::UnlockedVault, kind: &str) -> Vec<String> {
    let mut stmt =
        vault.conn().prepare("SELECT action FROM audit_log WHERE record_kind = ?1 ORDER BY rowid").expect("prepare");
    let rows = stmt.query_map([kind], |r| r.get(0)).expect("query");
    rows.collect::<Result<_, _>>().expect("rows")
}

#[test]
fn notes_on_a_case_its_participants_and_sessions() {
    let (_fx, mut vault) = Fixture::new();
    let ctx = ctx();
    let case = case(&mut vault, &ctx, "Heron", json!({}));
    let other = case_fixture_other(&mut vault, &ctx);
    let alder = participant(&mut vault, &case, "Alder", "person_harmed");
    let session = session(&mut vault, &case, "conference", "held", "2026-02-01", Some("2026-02-01"));

    let plain =
        ops::call("add_note", &mut vault, &ctx, json!({"case_id": case, "body": "**First** meeting went calmly"}))
            .expect("case note");
    assert_eq!(plain["shareable"], false, "private by default");

    // A note about a participant needs their consent to keeping notes.
    let err = ops::call("add_note", &mut vault, &ctx, json!({"case_id": case, "participant_id": alder, "body": "x"}))
        .expect_err("no consent yet");
    assert_eq!(err.kind(), ErrorKind::ConsentRequired);
    consent(&mut vault, &alder, "keeping_notes", "granted", "2026-01-06 09:00:00+00:00", None);
    let about = ops::call(
        "add_note",
        &mut vault,
        &ctx,
        json!({"case_id": case, "participant_id": alder, "body": "prefers mornings", "shareable": true}),
    )
    .expect("participant note");
    let on_session =
        ops::call("add_note", &mut vault, &ctx, json!({"case_id": case, "session_id": session, "body": "venue ok"}))
            .expect("session note");

    // A participant of another case is refused.
    let stranger = participant(&mut vault, &other, "Birch", "supporter");
    let err =
        ops::call("add_note", &mut vault, &ctx, json!({"case_id": case, "participant_id": stranger, "body": "x"}))
            .expect_err("other case");
    assert_eq!(err.to_string(), "that participant belongs to another case");
    let err = ops::call("add_note", &mut vault, &ctx, json!({"case_id": case, "body": "  "})).expect_err("empty");
    assert_eq!(err.kind(), ErrorKind::InvalidInput);

    let all = ops::call("list_notes", &mut vault, &ctx, json!({"case_id": case})).expect("list");
    assert_eq!(all.as_array().expect("array").len(), 3);
    let ids = |v: &Value| v.as_array().expect("array").iter().map(|n| n["id"].clone()).collect::<Vec<_>>();
    let of_alder =
        ops::call("list_notes", &mut vault, &ctx, json!({"case_id": case, "participant_id": alder})).expect("list");
    assert_eq!(ids(&of_alder), vec![about["id"].clone()]);
    let of_session =
        ops::call("list_notes", &mut vault, &ctx, json!({"case_id": case, "session_id": session})).expect("list");
    assert_eq!(ids(&of_session), vec![on_session["id"].clone()]);
    let shareable =
        ops::call("list_notes", &mut vault, &ctx, json!({"case_id": case, "shareable_only": true})).expect("list");
    assert_eq!(ids(&shareable), vec![about["id"].clone()]);

    let updated = ops::call(
        "update_note",
        &mut vault,
        &ctx,
        json!({"note_id": plain["id"], "body": "edited", "shareable": true}),
    )
    .expect("update");
    assert_eq!(updated["body"], "edited");
    assert_eq!(updated["shareable"], true);
    assert!(updated["updated_at"].is_string());
    ops::call("delete_note", &mut vault, &ctx, json!({"note_id": plain["id"]})).expect("delete");
    let err =
        ops::call("update_note", &mut vault, &ctx, json!({"note_id": plain["id"], "body": "x"})).expect_err("gone");
    assert_eq!(err.kind(), ErrorKind::NotFound);
    assert_eq!(audit_actions(&vault, "note"), ["create", "create", "create", "update", "delete"]);
    let audit_text: String = vault
        .conn()
        .query_row("SELECT group_concat(action || record_kind || record_id) FROM audit_log", [], |r| r.get(0))
        .expect("audit");
    assert!(!audit_text.contains("mornings") && !audit_text.contains("edited"), "no content in the audit log");

    // A closed case's notes can no longer change.
    close(&mut vault, &ctx, &case);
    let err = ops::call("add_note", &mut vault, &ctx, json!({"case_id": case, "body": "late"})).expect_err("closed");
    assert_eq!(err.kind(), ErrorKind::NotAllowed);
    let err = ops::call("delete_note", &mut vault, &ctx, json!({"note_id": about["id"]})).expect_err("closed");
    assert_eq!(err.kind(), ErrorKind::NotAllowed);
    assert_eq!(
        ops::call("list_notes", &mut vault, &ctx, json!({"case_id": case})).expect("list").as_array().map(Vec::len),
        Some(2)
    );
}

fn case_fixture_other(vault: &mut circlebook_core::UnlockedVault, ctx: &Ctx) -> String {
    case(vault, ctx, "Osprey", json!({}))
}

#[test]
fn attachments_round_trip_inside_the_vault_and_respect_the_limit() {
    let (fx, mut vault) = Fixture::new();
    let ctx = ctx();
    let case = case(&mut vault, &ctx, "Heron", json!({}));
    let other = case_fixture_other(&mut vault, &ctx);
    let note = ops::call("add_note", &mut vault, &ctx, json!({"case_id": case, "body": "letter draft"})).expect("note");
    let bytes: Vec<u8> = (0..=255u8).cycle().take(5000).collect();
    let added = ops::call(
        "add_attachment",
        &mut vault,
        &ctx,
        json!({"case_id": case, "title": "Letter draft", "media_type": "Application/PDF", "content": B64.encode(&bytes), "note_id": note["id"]}),
    )
    .expect("attach");
    assert_eq!(added["size"], 5000);
    assert_eq!(added["media_type"], "application/pdf");
    assert!(added.get("content").is_none(), "metadata only");

    let listed = ops::call("list_attachments", &mut vault, &ctx, json!({"case_id": case})).expect("list");
    assert_eq!(listed.as_array().map(Vec::len), Some(1));
    assert!(listed[0].get("content").is_none());
    let by_note =
        ops::call("list_attachments", &mut vault, &ctx, json!({"case_id": case, "note_id": note["id"]})).expect("list");
    assert_eq!(by_note.as_array().map(Vec::len), Some(1));

    // The content survives locking and unlocking (the journal carries the bytes).
    drop(vault);
    let mut vault = fx.unlock();
    let got = ops::call("get_attachment", &mut vault, &ctx, json!({"attachment_id": added["id"]})).expect("get");
    assert_eq!(B64.decode(got["content"].as_str().expect("content")).expect("base64"), bytes);
    assert_eq!(got["title"], "Letter draft");
    // Saving a copy out of the vault gets the same bytes and leaves an `export` entry (issue 9).
    let exported =
        ops::call("export_attachment", &mut vault, &ctx, json!({"attachment_id": added["id"]})).expect("export");
    assert_eq!(exported, got);

    let over = B64.encode(vec![7u8; 10 * 1024 * 1024 + 1]);
    let err = ops::call(
        "add_attachment",
        &mut vault,
        &ctx,
        json!({"case_id": case, "title": "big", "media_type": "image/png", "content": over}),
    )
    .expect_err("too large");
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    assert!(err.to_string().contains("at most 10 MiB"), "{err}");
    for (media_type, content, why) in
        [("png", "aGk=", "media type"), ("image/png", "not base64!", "base64"), ("image/png", "", "empty")]
    {
        let err = ops::call(
            "add_attachment",
            &mut vault,
            &ctx,
            json!({"case_id": case, "title": "t", "media_type": media_type, "content": content}),
        )
        .expect_err(why);
        assert_eq!(err.kind(), ErrorKind::InvalidInput, "{why}");
    }
    let other_note = ops::call("add_note", &mut vault, &ctx, json!({"case_id": other, "body": "x"})).expect("note");
    let err = ops::call(
        "add_attachment",
        &mut vault,
        &ctx,
        json!({"case_id": case, "title": "t", "media_type": "text/plain", "content": "aGk=", "note_id": other_note["id"]}),
    )
    .expect_err("note of another case");
    assert_eq!(err.kind(), ErrorKind::InvalidInput);

    ops::call("delete_attachment", &mut vault, &ctx, json!({"attachment_id": added["id"]})).expect("delete");
    let err = ops::call("get_attachment", &mut vault, &ctx, json!({"attachment_id": added["id"]})).expect_err("gone");
    assert_eq!(err.kind(), ErrorKind::NotFound);
    assert_eq!(audit_actions(&vault, "attachment"), ["create", "export", "delete"]);
}

#[test]
fn tasks_open_first_complete_and_reopen() {
    let (_fx, mut vault) = Fixture::new();
    let ctx = ctx();
    let case = case(&mut vault, &ctx, "Heron", json!({}));
    let session = session(&mut vault, &case, "conference", "scheduled", "2026-03-10 14:00:00+00:00", None);
    let add = |vault: &mut circlebook_core::UnlockedVault, args: Value| {
        ops::call("add_task", vault, &ctx, args).expect("add task")
    };
    let later = add(
        &mut vault,
        json!({"case_id": case, "title": "Book a room", "due_on": "2026-03-20", "session_id": session}),
    );
    let sooner = add(&mut vault, json!({"case_id": case, "title": "Call the supporter", "due_on": "2026-03-05"}));
    let undated = add(&mut vault, json!({"case_id": case, "title": "Read the referral"}));
    assert_eq!(later["session_id"], json!(session));

    let done = ops::call("complete_task", &mut vault, &ctx, json!({"task_id": sooner["id"]})).expect("complete");
    assert!(done["done_at"].is_string());
    let err = ops::call("complete_task", &mut vault, &ctx, json!({"task_id": sooner["id"]})).expect_err("twice");
    assert_eq!(err.kind(), ErrorKind::InvalidInput);

    let titles = |vault: &mut circlebook_core::UnlockedVault| {
        let list = ops::call("list_tasks", vault, &ctx, json!({"case_id": case})).expect("list");
        list.as_array()
            .expect("array")
            .iter()
            .map(|t| t["title"].as_str().expect("title").to_owned())
            .collect::<Vec<_>>()
    };
    assert_eq!(titles(&mut vault), ["Book a room", "Read the referral", "Call the supporter"]);
    ops::call("reopen_task", &mut vault, &ctx, json!({"task_id": sooner["id"]})).expect("reopen");
    assert_eq!(titles(&mut vault), ["Call the supporter", "Book a room", "Read the referral"]);
    let err = ops::call("reopen_task", &mut vault, &ctx, json!({"task_id": undated["id"]})).expect_err("not done");
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    let err = ops::call("add_task", &mut vault, &ctx, json!({"case_id": case, "title": " "})).expect_err("title");
    assert_eq!(err.to_string(), "A title is required");
    assert_eq!(audit_actions(&vault, "task"), ["create", "create", "create", "complete", "reopen"]);
}
