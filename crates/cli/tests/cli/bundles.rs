//! `import FILE --dry-run` (issue 11): a bundle made with core's library is verified and previewed, nothing
//! changes; a forged or misaddressed one fails in one line.

use circlebook_core::bundle::file::{self, Audience, Contents, Seal};
use circlebook_core::bundle::{payload, ContactCard, SigningIdentity};

use super::*;

fn bundle_for(recipient: &str, signer: &SigningIdentity) -> Vec<u8> {
    let mut db = payload::create().expect("payload");
    db.execute(
        "INSERT INTO cases(id, code_name, created_at, updated_at) VALUES('case-1', 'Willow', '2026-01-01', '2026-01-01')",
        [],
    )
    .expect("case");
    let contents = Contents {
        bundle_id: "0192f0c0-0000-7000-8000-000000000009".into(),
        created_at: "2026-03-01T10:00:00Z".parse().expect("time"),
        audience: Audience::CoFacilitator,
        case_ids: vec!["case-1".into()],
    };
    file::write(signer, &contents, &mut db, &Seal::Recipients(vec![recipient.to_owned()])).expect("bundle")
}

#[test]
fn import_dry_run_verifies_previews_and_changes_nothing() {
    let temp = tempfile::tempdir().expect("temp");
    let (vault, _) = quick_vault(temp.path());
    let me = run(&vault, Some(PASS), &["identity", "--json"]).ok().json();
    let ana = SigningIdentity::derive(&age::x25519::Identity::generate());
    let path = temp.path().join("incoming.cbb");
    std::fs::write(&path, bundle_for(me["recipient"].as_str().expect("r"), &ana)).expect("write");
    let file = path.to_str().expect("utf8");

    let before = files(&vault);
    let preview = run(&vault, Some(PASS), &["import", file, "--dry-run", "--json"]).ok().json();
    assert_eq!(preview["signer"]["known"], false);
    assert_eq!(preview["signer"]["fingerprint"], ana.fingerprint().to_string());
    assert_eq!(preview["cases"][0]["code_name"], "Willow");
    assert_eq!(preview["cases"][0]["new"], true);
    assert_eq!(preview["row_counts"]["cases"], 1);
    let human = run(&vault, Some(PASS), &["import", file, "--dry-run"]).ok().stdout;
    assert!(human.contains("not a contact") && human.contains("Willow  (new here), 0 consent entries"), "{human}");
    assert_eq!(files(&vault), before, "a dry run changes no file");
    run(&vault, Some(PASS), &["import", file]).fails_with("not a contact");
    assert_eq!(files(&vault), before, "a refused import changes no file");

    let card = ContactCard::write(&ana, "Ana").expect("card");
    run(&vault, Some(PASS), &["contact", "add", "--card", &card, "--verified"]).ok();
    let preview = run(&vault, Some(PASS), &["import", file, "--dry-run", "--json"]).ok().json();
    assert_eq!(preview["signer"]["name"], "Ana");
    assert_eq!(preview["signer"]["verified"], true);

    let mut flipped = std::fs::read(&path).expect("read");
    let at = flipped.len() - 20;
    flipped[at] ^= 1;
    std::fs::write(&path, &flipped).expect("write");
    let before = files(&vault);
    run(&vault, Some(PASS), &["import", file, "--dry-run"]).fails_with("damaged");
    let elsewhere = age::x25519::Identity::generate().to_public().to_string();
    std::fs::write(&path, bundle_for(&elsewhere, &ana)).expect("write");
    run(&vault, Some(PASS), &["import", file, "--dry-run"]).fails_with("not encrypted to this vault");
    assert_eq!(files(&vault), before, "a refused bundle changes no file");
}
