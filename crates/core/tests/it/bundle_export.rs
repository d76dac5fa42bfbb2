//! Issue 11: `preview_export` and `export_bundle`. Each participant's consent to share with each recipient is
//! checked today; a missing or withdrawn consent refuses the export with nothing written; audiences cut what
//! they must; every export is audited.

use circlebook_core::bundle::file::{self, Key, Limits};
use circlebook_core::bundle::{ContactCard, SigningIdentity};
use circlebook_core::model::{ops, ModelError};
use serde_json::{json, Value};

use crate::bundle_consent::{case_with_people, ctx, share};
use crate::common::{fingerprint, Fixture};

/// A verified contact with a real identity (so the test can open what is sent to it).
fn bea(vault: &mut circlebook_core::UnlockedVault) -> (age::x25519::Identity, String) {
    let identity = age::x25519::Identity::generate();
    let card = ContactCard::write(&SigningIdentity::derive(&identity), "Bea").expect("card");
    let added =
        ops::call("add_contact", vault, &ctx(), json!({ "card": card, "verified": true })).expect("add contact");
    (identity, added["signing_key"].as_str().expect("key").to_owned())
}

fn open(bytes: &[u8], identity: &age::x25519::Identity) -> file::Opened {
    file::read(bytes, Key::Identity(identity), &|_| None, &Limits::default()).expect("opens")
}

fn count(conn: &rusqlite::Connection, sql: &str) -> i64 {
    conn.query_row(sql, [], |r| r.get(0)).expect(sql)
}

#[test]
fn export_needs_every_participants_consent_to_share_with_that_contact_and_is_audited() {
    let (fx, mut vault) = Fixture::new();
    let (case, rowan, sol) = case_with_people(&mut vault);
    let (identity, key) = bea(&mut vault);
    let scope = format!("contact:{key}");
    let plan = json!({ "case_ids": [case], "to": ["Bea"] });

    let preview = ops::call("preview_export", &mut vault, &ctx(), plan.clone()).expect("preview");
    let missing: Vec<&str> =
        preview["missing_consent"].as_array().expect("list").iter().map(|m| m["alias"].as_str().expect("a")).collect();
    assert_eq!(missing, ["Rowan", "Sol"]);
    assert_eq!(preview["missing_consent"][0]["shared_with"], scope);
    assert_eq!(preview["cases"][0]["rows"]["participants"], 2);

    share(&mut vault, &rowan, &scope, "granted");
    // A grant to someone else (free text) is not a grant to this contact.
    share(&mut vault, &sol, "Bea", "granted");
    vault.save().expect("save");
    let out = fx.scratch("b1.cbb");
    let before = fingerprint(&fx.dir);
    let mut args = plan.clone();
    args["out"] = json!(out.to_str().expect("utf8"));
    let refused = ops::call("export_bundle", &mut vault, &ctx(), args.clone());
    match refused {
        Err(ModelError::ConsentRequired(refusal)) => {
            assert_eq!(refusal.alias, "Sol");
            assert_eq!(refusal.shared_with, scope);
            assert!(refusal.to_string().starts_with("Sol has no consent to information_sharing with contact:"));
        }
        other => panic!("{other:?}"),
    }
    assert!(!out.exists(), "no file on refusal");
    assert_eq!(fingerprint(&fx.dir), before, "a refused export changes nothing");

    share(&mut vault, &sol, &scope, "granted");
    let done = ops::call("export_bundle", &mut vault, &ctx(), args.clone()).expect("export");
    assert_eq!(done["case_ids"], json!([case]));
    let bytes = std::fs::read(&out).expect("bundle");
    let opened = open(&bytes, &identity);
    assert_eq!(opened.manifest.case_ids, std::slice::from_ref(&case));
    assert_eq!(count(&opened.payload, "SELECT count(*) FROM participants WHERE contact <> ''"), 2, "everything");
    let audited = count(vault.conn(), "SELECT count(*) FROM audit_log WHERE action = 'export'");
    assert_eq!(audited, 2, "the case and the bundle");
    assert!(!std::fs::read_dir(fx.scratch(""))
        .expect("dir")
        .any(|e| { e.expect("e").file_name().to_str().is_some_and(|n| n.ends_with(".tmp")) }));

    // Withdrawn: refused again, at once.
    share(&mut vault, &rowan, &scope, "withdrawn");
    args["out"] = json!(fx.scratch("b2.cbb").to_str().expect("utf8"));
    let refused = ops::call("export_bundle", &mut vault, &ctx(), args);
    assert!(matches!(refused, Err(ModelError::ConsentRequired(ref r)) if r.alias == "Rowan"), "{refused:?}");
    assert!(!fx.scratch("b2.cbb").exists());
}

#[test]
fn an_unverified_or_unknown_contact_and_an_existing_file_are_refused() {
    let (fx, mut vault) = Fixture::new();
    let (case, _rowan, _sol) = case_with_people(&mut vault);
    let card = ContactCard::write(&SigningIdentity::derive(&age::x25519::Identity::generate()), "Cy").expect("card");
    ops::call("add_contact", &mut vault, &ctx(), json!({ "card": card })).expect("add");
    for (to, words) in [("Cy", "not verified"), ("Dee", "not a contact")] {
        let r = ops::call("preview_export", &mut vault, &ctx(), json!({ "case_ids": [case], "to": [to] }));
        assert!(matches!(r, Err(ModelError::Invalid(ref m)) if m.contains(words)), "{to}: {r:?}");
    }
    let inside = fx.dir.join("journal/x.cbb");
    let r = ops::call(
        "export_bundle",
        &mut vault,
        &ctx(),
        json!({ "case_ids": [case], "to": ["our supervisor"], "passphrase": "correct horse battery staple",
                "out": inside.to_str().expect("utf8") }),
    );
    assert!(matches!(r, Err(ModelError::Invalid(ref m)) if m.contains("outside the vault")), "{r:?}");
    assert!(!inside.exists());
    std::fs::write(fx.scratch("taken.cbb"), b"mine").expect("file");
    let r = ops::call(
        "export_bundle",
        &mut vault,
        &ctx(),
        json!({ "case_ids": [case], "to": ["our supervisor"], "passphrase": "correct horse battery staple",
                "out": fx.scratch("taken.cbb").to_str().expect("utf8") }),
    );
    assert!(r.is_err());
    assert_eq!(std::fs::read(fx.scratch("taken.cbb")).expect("file"), b"mine", "never replaced");
}

fn note(vault: &mut circlebook_core::UnlockedVault, case: &str, participant: &str, body: &str, shareable: bool) {
    ops::call(
        "add_note",
        vault,
        &ctx(),
        json!({ "case_id": case, "participant_id": participant, "body": body, "shareable": shareable }),
    )
    .expect("note");
}

#[test]
fn a_supervisor_gets_aliases_without_contact_details_safety_notes_private_notes_or_attachments() {
    let (fx, mut vault) = Fixture::new();
    let (case, rowan, sol) = case_with_people(&mut vault);
    let (identity, key) = bea(&mut vault);
    let scope = format!("contact:{key}");
    for p in [&rowan, &sol] {
        share(&mut vault, p, &scope, "granted");
        ops::call(
            "record_consent",
            &mut vault,
            &ctx(),
            json!({ "participant_id": p, "activity": "keeping_notes", "decision": "granted", "method": "verbal" }),
        )
        .expect("notes consent");
    }
    note(&mut vault, &case, &rowan, "private words", false);
    note(&mut vault, &case, &rowan, "shareable words", true);
    let out = fx.scratch("s.cbb");
    let args = json!({ "case_ids": [case], "to": [key], "audience": "supervisor",
                       "out": out.to_str().expect("utf8") });
    let preview = ops::call("preview_export", &mut vault, &ctx(), args.clone()).expect("preview");
    assert_eq!(preview["cases"][0]["rows"]["notes"], 1);
    assert!(preview["leaves_out"]
        .as_array()
        .expect("l")
        .iter()
        .any(|w| w.as_str().expect("w").contains("attachments")));
    ops::call("export_bundle", &mut vault, &ctx(), args).expect("export");
    let opened = open(&std::fs::read(&out).expect("bundle"), &identity);
    let p = &opened.payload;
    assert_eq!(count(p, "SELECT count(*) FROM participants WHERE contact <> '' OR safety_notes <> ''"), 0);
    assert_eq!(count(p, "SELECT count(*) FROM notes"), 1);
    assert_eq!(count(p, "SELECT count(*) FROM notes WHERE body = 'shareable words'"), 1);
    assert_eq!(count(p, "SELECT count(*) FROM attachments"), 0);
    assert_eq!(count(p, "SELECT count(*) FROM participants"), 2);
}

#[test]
fn a_progress_summary_goes_to_a_passphrase_only_when_the_person_harmed_allows_it() {
    let (fx, mut vault) = Fixture::new();
    let (case, rowan, _sol) = case_with_people(&mut vault);
    let out = fx.scratch("p.cbb");
    let args = json!({ "case_ids": [case], "to": [], "audience": "progress",
                       "passphrase": "correct horse battery staple", "out": out.to_str().expect("utf8") });
    ops::call(
        "update_participant",
        &mut vault,
        &ctx(),
        json!({ "participant_id": rowan, "progress_updates": "not_at_all" }),
    )
    .expect("channel");
    let preview = ops::call("preview_export", &mut vault, &ctx(), args.clone()).expect("preview");
    assert_eq!(preview["missing_consent"][0]["channel_refused"], true);
    let refused = ops::call("export_bundle", &mut vault, &ctx(), args.clone());
    assert!(matches!(refused, Err(ModelError::NotAllowed(ref m)) if m.contains("Rowan")), "{refused:?}");
    ops::call(
        "update_participant",
        &mut vault,
        &ctx(),
        json!({ "participant_id": rowan, "progress_updates": "directly" }),
    )
    .expect("channel");
    let mut weak = args.clone();
    weak["passphrase"] = json!("short");
    assert!(matches!(ops::call("export_bundle", &mut vault, &ctx(), weak), Err(ModelError::Invalid(_))));
    assert!(!out.exists(), "a weak passphrase writes nothing");
    let done: Value = ops::call("export_bundle", &mut vault, &ctx(), args).expect("export");
    assert_eq!(done["audience"], "progress");
    let pass = circlebook_core::SecretString::from("correct horse battery staple".to_owned());
    let opened = file::read(&std::fs::read(&out).expect("b"), Key::Passphrase(&pass), &|_| None, &Limits::default())
        .expect("opens");
    assert_eq!(count(&opened.payload, "SELECT count(*) FROM consents"), 0);
    assert_eq!(count(&opened.payload, "SELECT count(*) FROM participants WHERE contact <> ''"), 0);
    let to_contact = ops::call(
        "preview_export",
        &mut vault,
        &ctx(),
        json!({ "case_ids": [case], "to": ["x"], "audience": "progress" }),
    );
    assert!(to_contact.is_err(), "progress goes only to a passphrase");
}

#[test]
fn a_supervisor_gets_neither_shuttle_words_nor_assessment_reasons_nor_consent_notes_nor_other_identifying_text() {
    let (fx, mut vault) = Fixture::new();
    let (case, rowan, sol) = case_with_people(&mut vault);
    let (identity, key) = bea(&mut vault);
    let scope = format!("contact:{key}");
    for p in [&rowan, &sol] {
        share(&mut vault, p, &scope, "granted");
    }
    // Rows as the model keeps them, written directly (their own operations' consent rules are tested elsewhere).
    vault
        .edit(|tx| {
            tx.execute_batch(&format!(
                "UPDATE cases SET referral_source = 'Dr Alvarez at the clinic' WHERE id = '{case}';
                 UPDATE participants SET access_needs = 'wheelchair', cultural_needs = 'interpreter' WHERE case_id = '{case}';
                 UPDATE consents SET note = 'said so in the car park';
                 INSERT INTO processes(id, case_id, kind, opened_on, note)
                     VALUES('p1', '{case}', 'shuttle', '2026-03-01', 'process words');
                 INSERT INTO shuttle_messages(id, case_id, process_id, author_id, recipient_id, content, written_at,
                                              approved_at, approval_note)
                     VALUES('m1', '{case}', 'p1', '{sol}', '{rowan}', 'the letter itself', '2026-03-01T10:00:00Z',
                            '2026-03-01T11:00:00Z', 'approved by phone');
                 INSERT INTO assessments(id, participant_id, stage, risk_level, decision, reasons, assessed_on,
                                         assessed_by, created_at)
                     VALUES('a1', '{sol}', 'intake', 'medium', 'proceed', 'what he said about her', '2026-03-01',
                            'me', '2026-03-01T10:00:00Z');
                 INSERT INTO commitments(id, case_id, participant_id, kind, description, created_at, updated_at)
                     VALUES('c1', '{case}', '{sol}', 'education', 'a course', '2026-03-01T10:00:00Z',
                            '2026-03-01T10:00:00Z');
                 INSERT INTO progress_entries(id, commitment_id, entry_on, text, shareable, verified_by, created_at)
                     VALUES('e1', 'c1', '2026-03-01', 'attended', 1, 'J. Smith, counsellor', '2026-03-01T10:00:00Z');"
            ))
        })
        .expect("rows");
    let out = fx.scratch("sup.cbb");
    let args = json!({ "case_ids": [case], "to": [key], "audience": "supervisor", "out": out.to_str().expect("utf8") });
    let preview = ops::call("preview_export", &mut vault, &ctx(), args.clone()).expect("preview");
    let words = preview["leaves_out"].to_string();
    assert!(words.contains("shuttle messages") && words.contains("assessments' reasons"), "{words}");
    ops::call("export_bundle", &mut vault, &ctx(), args).expect("export");
    let mut opened = open(&std::fs::read(&out).expect("bundle"), &identity);
    let bytes = circlebook_core::bundle::payload::to_bytes(&mut opened.payload).expect("bytes");
    let p = &opened.payload;
    // What goes: the shape of the work (a message was written, approved; an assessment's level and decision).
    assert_eq!(count(p, "SELECT count(*) FROM shuttle_messages WHERE approved_at IS NOT NULL"), 1);
    assert_eq!(count(p, "SELECT count(*) FROM assessments WHERE risk_level = 'medium' AND decision = 'proceed'"), 1);
    assert_eq!(count(p, "SELECT count(*) FROM progress_entries WHERE text = 'attended'"), 1);
    // What does not: their words and what identifies people.
    for sql in [
        "SELECT count(*) FROM shuttle_messages WHERE content <> '' OR approval_note <> ''",
        "SELECT count(*) FROM assessments WHERE reasons <> ''",
        "SELECT count(*) FROM consents WHERE note <> ''",
        "SELECT count(*) FROM cases WHERE referral_source <> ''",
        "SELECT count(*) FROM participants WHERE access_needs <> '' OR cultural_needs <> ''",
        "SELECT count(*) FROM processes WHERE note <> ''",
        "SELECT count(*) FROM progress_entries WHERE verified_by <> ''",
    ] {
        assert_eq!(count(p, sql), 0, "{sql}");
    }
    for secret in ["the letter itself", "what he said about her", "car park", "Alvarez", "J. Smith", "process words"] {
        assert!(!bytes.windows(secret.len()).any(|w| w == secret.as_bytes()), "{secret} left the vault");
    }
}
