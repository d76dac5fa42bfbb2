//! Issue 11: `import_bundle` applies a verified bundle all or nothing. A new case arrives with its records; a
//! re-import changes nothing; an unknown signer needs an explicit acceptance; a purged case never comes back; a
//! case already here is merged (bundle_merge.rs), and a withdrawal made here is never overwritten by the grant an
//! older bundle carries; every refusal leaves the vault folder byte-identical.

use circlebook_core::model::{ops, Ctx, ModelError};
use circlebook_core::UnlockedVault;
use serde_json::{json, Value};

use crate::bundle_consent::{case_with_people, ctx, share};
use crate::common::{fingerprint, Fixture};

/// Adds `other`'s card to `vault` (verified or not); returns the `shared_with` scope of that contact.
fn befriend(vault: &mut UnlockedVault, other: &mut UnlockedVault, verified: bool) -> String {
    let card = ops::call("get_identity", other, &ctx(), json!({ "name": "Other" })).expect("identity")["card"].clone();
    let added = ops::call("add_contact", vault, &ctx(), json!({ "card": card, "verified": verified })).expect("add");
    format!("contact:{}", added["signing_key"].as_str().expect("key"))
}

struct Pair {
    a: (Fixture, UnlockedVault),
    b: (Fixture, UnlockedVault),
    case: String,
    people: [String; 2],
    scope: String,
}

/// Ana's vault shares a case with Bea's: both know each other (Bea's view of Ana verified when `verified`).
fn pair(verified: bool) -> Pair {
    let (fa, mut a) = Fixture::new();
    let (fb, mut b) = Fixture::new();
    let scope = befriend(&mut a, &mut b, true);
    befriend(&mut b, &mut a, verified);
    let (case, rowan, sol) = case_with_people(&mut a);
    for p in [&rowan, &sol] {
        share(&mut a, p, &scope, "granted");
    }
    Pair { a: (fa, a), b: (fb, b), case, people: [rowan, sol], scope }
}

fn export(pair: &mut Pair, name: &str, at: &Ctx) -> String {
    let out = pair.a.0.scratch(name);
    let path = out.to_str().expect("utf8").to_owned();
    ops::call("export_bundle", &mut pair.a.1, at, json!({ "case_ids": [pair.case], "to": [pair.scope], "out": path }))
        .expect("export");
    path
}

fn import(vault: &mut UnlockedVault, path: &str, accept: bool) -> Result<Value, ModelError> {
    ops::call("import_bundle", vault, &ctx(), json!({ "path": path, "accept_unknown_signer": accept }))
}

#[test]
fn a_new_case_arrives_whole_and_a_reimport_changes_nothing() {
    let mut p = pair(true);
    let path = export(&mut p, "one.cbb", &ctx());
    let preview = ops::call("preview_bundle", &mut p.b.1, &ctx(), json!({ "path": path })).expect("preview");
    assert_eq!(preview["would_apply"], true);
    assert_eq!(preview["cases"][0]["consent_entries"], 2, "consent changes are shown");
    let done = import(&mut p.b.1, &path, false).expect("import");
    assert_eq!(done["cases"][0]["code_name"], "Willow");
    assert_eq!(done["already_applied"], false);
    let file = ops::call("case_file", &mut p.b.1, &ctx(), json!({ "case_id": p.case })).expect("case file");
    assert_eq!(file["participants"].as_array().expect("participants").len(), 2);
    let current =
        ops::call("current_consents", &mut p.b.1, &ctx(), json!({ "participant_id": p.people[0] })).expect("c");
    assert_eq!(current[0]["state"], "granted", "the ledger travels with the case");
    let found = ops::call("search", &mut p.b.1, &ctx(), json!({ "query": "Willow" })).expect("search");
    assert!(found.to_string().contains(&p.case), "the search index learned the new case: {found}");
    let audited: i64 =
        p.b.1
            .conn()
            .query_row("SELECT count(*) FROM audit_log WHERE action = 'import'", [], |r| r.get(0))
            .expect("audit");
    assert_eq!(audited, 2, "the case and the bundle");

    p.b.1.save().expect("save");
    let before = fingerprint(&p.b.0.dir);
    let preview = ops::call("preview_bundle", &mut p.b.1, &ctx(), json!({ "path": path })).expect("preview");
    assert_eq!((preview["applied_before"].clone(), preview["would_apply"].clone()), (json!(true), json!(false)));
    let again = import(&mut p.b.1, &path, false).expect("re-import");
    assert_eq!(again["already_applied"], true);
    assert_eq!(fingerprint(&p.b.0.dir), before, "a re-import changes nothing");
}

#[test]
fn unknown_or_unverified_signers_need_an_explicit_acceptance() {
    let mut p = pair(false);
    let path = export(&mut p, "one.cbb", &ctx());
    p.b.1.save().expect("save");
    let before = fingerprint(&p.b.0.dir);
    let refused = import(&mut p.b.1, &path, false);
    assert!(matches!(refused, Err(ModelError::NotAllowed(ref m)) if m.contains("not yet verified")), "{refused:?}");
    assert_eq!(fingerprint(&p.b.0.dir), before);
    import(&mut p.b.1, &path, true).expect("accepted on purpose");

    let (_fc, mut stranger) = Fixture::new();
    let refused = import(&mut stranger, &path, false);
    assert!(
        matches!(refused, Err(ModelError::Invalid(ref m)) if m.contains("not encrypted to this vault")),
        "{refused:?}"
    );
}

#[test]
fn a_case_already_here_is_merged_and_a_withdrawal_here_stands() {
    let mut p = pair(true);
    let first = export(&mut p, "one.cbb", &ctx());
    import(&mut p.b.1, &first, false).expect("import");
    // Bea records Rowan's withdrawal; Ana, who has not heard, exports the case again with the grant.
    share(&mut p.b.1, &p.people[0].clone(), &p.scope.clone(), "withdrawn");
    let second = export(&mut p, "two.cbb", &ctx());
    let preview = ops::call("preview_bundle", &mut p.b.1, &ctx(), json!({ "path": second })).expect("preview");
    assert_eq!(preview["would_apply"], true, "{preview}");
    assert_eq!((preview["new_records"].clone(), preview["updated_records"].clone()), (json!(0), json!(0)));
    let done = import(&mut p.b.1, &second, false).expect("merged");
    assert_eq!(done["merged"][0]["code_name"], "Willow");
    assert_eq!(done["rows"], 0, "Ana's bundle holds nothing Bea has not seen: {done}");
    let current =
        ops::call("current_consents", &mut p.b.1, &ctx(), json!({ "participant_id": p.people[0] })).expect("c");
    assert_eq!(current[0]["state"], "withdrawn");
    assert_eq!(current[0]["diverged"], false);
}

#[test]
fn a_purged_case_never_comes_back() {
    let mut p = pair(true);
    let first = export(&mut p, "one.cbb", &ctx());
    import(&mut p.b.1, &first, false).expect("import");
    ops::call(
        "close_case",
        &mut p.b.1,
        &ctx(),
        json!({ "case_id": p.case, "outcome": "agreement_completed", "outcome_summary": "done", "decided_by": "Bea",
                "retention_months": 1 }),
    )
    .expect("close");
    let later = Ctx::fixed_from("2027-03-02T10:00:00Z".parse().expect("t"), "tester", 9_000_000_000);
    ops::call("purge_case", &mut p.b.1, &later, json!({ "case_id": p.case, "confirm_code_name": "Willow" }))
        .expect("purge");
    let again = export(&mut p, "two.cbb", &later);
    let preview = ops::call("preview_bundle", &mut p.b.1, &ctx(), json!({ "path": again })).expect("preview");
    assert_eq!(preview["cases"][0]["purged"], true);
    let before = fingerprint(&p.b.0.dir);
    let refused = import(&mut p.b.1, &again, false);
    assert!(matches!(refused, Err(ModelError::NotAllowed(ref m)) if m.contains("purged")), "{refused:?}");
    assert_eq!(fingerprint(&p.b.0.dir), before);
    let cases: i64 = p.b.1.conn().query_row("SELECT count(*) FROM cases", [], |r| r.get(0)).expect("count");
    assert_eq!(cases, 0);
}

#[test]
fn an_altered_bundle_is_refused_with_the_vault_byte_identical() {
    let mut p = pair(true);
    let path = export(&mut p, "one.cbb", &ctx());
    let mut bytes = std::fs::read(&path).expect("read");
    for at in [bytes.len() / 2, bytes.len() - 10] {
        bytes[at] ^= 0x20;
        std::fs::write(&path, &bytes).expect("write");
        p.b.1.save().expect("save");
        let before = fingerprint(&p.b.0.dir);
        let refused = import(&mut p.b.1, &path, true);
        assert!(matches!(refused, Err(ModelError::Invalid(ref m)) if m.contains("damaged")), "{refused:?}");
        assert_eq!(fingerprint(&p.b.0.dir), before);
        bytes[at] ^= 0x20;
    }
}

/// A bundle from a verified contact whose payload is made by hand: `fill` writes its rows.
pub fn handmade(vault: &mut UnlockedVault, dir: &std::path::Path, audience: &str, fill: &str) -> String {
    use circlebook_core::bundle::file::{self, Audience, Contents, Seal};
    use circlebook_core::bundle::{payload, ContactCard, SigningIdentity};
    let sender = SigningIdentity::derive(&age::x25519::Identity::generate());
    let card = ContactCard::write(&sender, "Cy").expect("card");
    ops::call("add_contact", vault, &ctx(), json!({ "card": card, "verified": true })).expect("add");
    let me = ops::call("get_identity", vault, &ctx(), json!({})).expect("me");
    let mut db = payload::create().expect("payload");
    db.execute_batch(fill).expect("fill");
    let audience = match audience {
        "supervisor" => Audience::Supervisor,
        _ => Audience::CoFacilitator,
    };
    let contents = Contents {
        bundle_id: "0192f0c0-0000-7000-8000-00000000000a".into(),
        created_at: "2026-03-01T10:00:00Z".parse().expect("time"),
        audience,
        case_ids: vec!["0192f0c0-0000-7000-8000-0000000000c1".into()],
    };
    let seal = Seal::Recipients(vec![me["recipient"].as_str().expect("r").to_owned()]);
    let bytes = file::write(&sender, &contents, &mut db, &seal).expect("bundle");
    let path = dir.join(format!("{audience:?}.cbb"));
    std::fs::write(&path, bytes).expect("write");
    path.to_str().expect("utf8").to_owned()
}

#[test]
fn a_record_already_here_under_another_case_and_a_supervisors_copy_are_refused() {
    let (fx, mut vault) = Fixture::new();
    let (_case, rowan, _sol) = case_with_people(&mut vault);
    let fill = format!(
        "INSERT INTO cases(id, code_name, created_at, updated_at)
           VALUES('0192f0c0-0000-7000-8000-0000000000c1', 'Birch', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z');
         INSERT INTO participants(id, case_id, alias, role, created_at, updated_at)
           VALUES('{rowan}', '0192f0c0-0000-7000-8000-0000000000c1', 'Taken', 'person_harmed',
                  '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z');"
    );
    let path = handmade(&mut vault, &fx.scratch(""), "co-facilitator", &fill);
    vault.save().expect("save");
    let before = fingerprint(&fx.dir);
    let refused = import(&mut vault, &path, false);
    assert!(
        matches!(refused, Err(ModelError::Invalid(ref m)) if m.contains("already has elsewhere")),
        "nothing is re-parented: {refused:?}"
    );
    assert_eq!(fingerprint(&fx.dir), before);
    let alias: String =
        vault.conn().query_row("SELECT alias FROM participants WHERE id = ?1", [&rowan], |r| r.get(0)).expect("alias");
    assert_eq!(alias, "Rowan");

    let (fx2, mut other) = Fixture::new();
    let path = handmade(
        &mut other,
        &fx2.scratch(""),
        "supervisor",
        "INSERT INTO cases(id, code_name, created_at, updated_at)
           VALUES('0192f0c0-0000-7000-8000-0000000000c1', 'Birch', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z');",
    );
    let refused = import(&mut other, &path, false);
    assert!(matches!(refused, Err(ModelError::NotAllowed(ref m)) if m.contains("supervisor")), "{refused:?}");
}

/// Hostile input: the bundle cut short or with one bit flipped, at offsets spread over the whole file (header,
/// body, last chunk): every one refused with a clear error, and the vault folder byte-identical.
#[test]
fn truncated_or_bit_flipped_bundles_are_refused_with_the_vault_byte_identical() {
    let mut p = pair(true);
    let path = export(&mut p, "one.cbb", &ctx());
    let good = std::fs::read(&path).expect("read");
    p.b.1.save().expect("save");
    let before = fingerprint(&p.b.0.dir);
    let bad = p.b.0.scratch("bad.cbb");
    let bad_text = bad.to_str().expect("utf8").to_owned();
    let steps = 48;
    let mut refused = 0;
    for i in 0..steps {
        let at = good.len() * i / steps;
        let mut flipped = good.clone();
        flipped[at] ^= 1 << (i % 8);
        let cut = good[..at].to_vec();
        for bytes in [flipped, cut] {
            std::fs::write(&bad, &bytes).expect("write");
            match import(&mut p.b.1, &bad_text, true) {
                Err(ModelError::Invalid(message)) => {
                    assert!(!message.is_empty());
                    refused += 1;
                }
                other => panic!("offset {at}: {other:?}"),
            }
        }
    }
    assert_eq!(refused, steps * 2);
    assert_eq!(fingerprint(&p.b.0.dir), before, "no refused bundle changed a file");
    import(&mut p.b.1, &path, false).expect("the intact bundle still applies");
}
