//! `identity`, `contact add`, `contact verify`, `contacts` (issue 11).

use super::*;

#[test]
fn two_vaults_exchange_cards_see_one_number_and_verify() {
    let (ta, tb) = (tempfile::tempdir().expect("a"), tempfile::tempdir().expect("b"));
    let (a, _) = quick_vault(ta.path());
    let (b, _) = quick_vault(tb.path());

    let before = files(&a);
    let me = run(&a, Some(PASS), &["identity", "--json"]).ok().json();
    assert!(me["recipient"].as_str().expect("recipient").starts_with("age1"));
    assert_eq!(me["signing_key"].as_str().expect("key").len(), 43);
    assert_eq!(me["fingerprint"].as_str().expect("fp").replace(' ', "").len(), 30);
    let card_a = run(&a, Some(PASS), &["identity", "--card", "--name", "Ana"]).ok().stdout.trim().to_owned();
    assert!(card_a.starts_with("circlebook-card-1 ") && !card_a.contains('\n'));
    assert_eq!(files(&a), before, "identity reads only: no file changes");
    let card_b = run(&b, Some(PASS), &["identity", "--card", "--name", "Bea"]).ok().stdout.trim().to_owned();

    let added = run(&b, Some(PASS), &["contact", "add", "--card", &card_a]).ok();
    assert!(added.stdout.contains("Ana") && added.stdout.contains("not verified"), "{added:?}");
    run(&a, Some(PASS), &["contact", "add", "--card", &card_b, "--verified"]).ok();
    run(&b, Some(PASS), &["contact", "add", "--card", &card_a]).fails_with("already a contact");

    let seen_by_b = run(&b, Some(PASS), &["contacts", "--json"]).ok().json();
    let seen_by_a = run(&a, Some(PASS), &["contacts", "--json"]).ok().json();
    assert_eq!(seen_by_b[0]["name"], "Ana");
    assert_eq!(seen_by_b[0]["verified"], false);
    assert_eq!(seen_by_a[0]["verified"], true);
    assert_eq!(seen_by_a[0]["pair_fingerprint"], seen_by_b[0]["pair_fingerprint"], "both screens show one number");
    assert_eq!(seen_by_b[0]["signing_key"], me["signing_key"]);

    run(&b, Some(PASS), &["contact", "verify", "Ana"]).ok();
    assert_eq!(run(&b, Some(PASS), &["contacts", "--json"]).ok().json()[0]["verified"], true);
    run(&b, Some(PASS), &["contact", "verify", "Zed"]).fails_with("no contact");
    let listing = run(&b, Some(PASS), &["contacts"]).ok().stdout;
    assert!(listing.contains("Ana  (verified)"), "{listing}");
}

#[test]
fn a_tampered_card_is_refused_in_one_line_and_usage_errors_exit_2() {
    let temp = tempfile::tempdir().expect("temp");
    let (vault, _) = quick_vault(temp.path());
    let card = run(&vault, Some(PASS), &["identity", "--card"]).ok().stdout.trim().to_owned();
    let mut fields: Vec<String> = card.split(' ').map(str::to_owned).collect();
    fields[3] = "QmVh".into(); // another name, the signature kept
    let before = files(&vault);
    run(&vault, Some(PASS), &["contact", "add", "--card", &fields.join(" ")]).fails_with("signature");
    run(&vault, Some(PASS), &["contact", "add", "--card", "hello"]).fails_with("not a Circlebook contact card");
    assert_eq!(files(&vault), before, "a refused card changes no file");
    for args in [&["contact"][..], &["contact", "add"], &["contact", "verify"], &["identity", "--name", "x"]] {
        assert_eq!(run(&vault, Some(PASS), args).code, 2, "{args:?}");
    }
}
