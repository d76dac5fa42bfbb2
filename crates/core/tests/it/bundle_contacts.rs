//! Issue 11: the vault's identity and card, and contacts added from cards, verified, listed and audited.

use circlebook_core::bundle::{ContactCard, Fingerprint, SigningIdentity};
use circlebook_core::model::{ops, Ctx, ModelError};
use serde_json::{json, Value};

use crate::common::Fixture;

fn ctx() -> Ctx {
    Ctx::fixed("2026-03-01T10:00:00Z".parse().expect("time"), "tester")
}

#[test]
fn identity_is_stable_across_unlocks_and_its_card_parses_to_it() {
    let (fx, mut vault) = Fixture::new();
    let ctx = ctx();
    let first = ops::call("get_identity", &mut vault, &ctx, json!({"name": "Ana"})).expect("identity");
    drop(vault.lock().expect("lock"));
    let mut again = fx.unlock();
    let second = ops::call("get_identity", &mut again, &ctx, json!({"name": "Ana"})).expect("identity");
    assert_eq!(first, second, "the signing key is derived from the identity: no second secret");
    let card = ContactCard::parse(first["card"].as_str().expect("card")).expect("card parses");
    assert_eq!(card.recipient, first["recipient"]);
    assert_eq!(card.signing_key.to_text(), first["signing_key"]);
    assert_eq!(card.fingerprint().to_string(), first["fingerprint"]);
    assert!(first["recipient"].as_str().expect("r").starts_with("age1"));
}

fn card(name: &str) -> (SigningIdentity, String) {
    let me = SigningIdentity::derive(&age::x25519::Identity::generate());
    let card = ContactCard::write(&me, name).expect("card");
    (me, card)
}

#[test]
fn contacts_are_added_verified_listed_and_audited_and_both_sides_see_one_number() {
    let (_fx, mut vault) = Fixture::new();
    let ctx = ctx();
    let (bea, bea_card) = card("Bea");
    let added = ops::call("add_contact", &mut vault, &ctx, json!({"card": bea_card})).expect("add");
    assert_eq!(added["verified"], false);
    let (_, cy_card) = card("Cy");
    ops::call("add_contact", &mut vault, &ctx, json!({"card": cy_card, "verified": true})).expect("add");

    let again = ops::call("add_contact", &mut vault, &ctx, json!({"card": bea_card}));
    assert!(matches!(again, Err(ModelError::NotAllowed(_))), "{again:?}");
    let swapped = bea_card.replacen("age1", "age1x", 1);
    assert!(matches!(
        ops::call("add_contact", &mut vault, &ctx, json!({"card": swapped})),
        Err(ModelError::Invalid(_))
    ));

    ops::call("verify_contact", &mut vault, &ctx, json!({"name_or_key": "Bea"})).expect("verify");
    let missing = ops::call("verify_contact", &mut vault, &ctx, json!({"name_or_key": "Dee"}));
    assert!(matches!(missing, Err(ModelError::NotFound { .. })));

    let list: Vec<Value> =
        serde_json::from_value(ops::call("list_contacts", &mut vault, &ctx, json!({})).expect("list")).expect("v");
    assert_eq!(list.iter().map(|c| c["name"].as_str().expect("n")).collect::<Vec<_>>(), ["Bea", "Cy"]);
    assert!(list.iter().all(|c| c["verified"] == true));
    let me = ops::call("get_identity", &mut vault, &ctx, json!({})).expect("me");
    let mine: String = me["fingerprint"].as_str().expect("f").replace(' ', "");
    let bea_side = Fingerprint::pair(
        &bea.fingerprint(),
        &SigningIdentity::derive(&age::x25519::Identity::generate()).fingerprint(),
    );
    assert_ne!(bea_side.to_string(), list[0]["pair_fingerprint"]);
    let pair = list[0]["pair_fingerprint"].as_str().expect("pair").replace(' ', "");
    assert!(pair.contains(&mine) && pair.contains(bea.fingerprint().digits()), "the pair number joins both sides");

    let audit = ops::call("list_audit", &mut vault, &ctx, json!({})).expect("audit").to_string();
    assert_eq!(audit.matches("\"record_kind\":\"contact\"").count(), 4, "{audit}");
}

#[test]
fn this_vaults_own_card_is_not_a_contact() {
    let (fx, mut vault) = Fixture::new();
    let ctx = ctx();
    let mine = ops::call("get_identity", &mut vault, &ctx, json!({ "name": "Me" })).expect("identity");
    vault.save().expect("save");
    let before = crate::common::fingerprint(&fx.dir);
    let refused = ops::call("add_contact", &mut vault, &ctx, json!({ "card": mine["card"], "verified": true }));
    match refused {
        Err(ModelError::NotAllowed(m)) => assert!(m.contains("this vault's own contact card"), "{m}"),
        other => panic!("{other:?}"),
    }
    assert_eq!(ops::call("list_contacts", &mut vault, &ctx, json!({})).expect("list"), json!([]));
    assert_eq!(crate::common::fingerprint(&fx.dir), before, "nothing was written");
}
