//! Issue 11: consent to share with a named recipient. A contact is named in the ledger as `contact:KEY`
//! (information sharing); granting names a contact this vault knows; withdrawing is always taken; a vault of
//! schema 4 upgrades with its ledger intact, and a purged case leaves only its id behind.

use circlebook_core::bundle::{ContactCard, SigningIdentity};
use circlebook_core::model::{ops, Ctx, ModelError};
use serde_json::{json, Value};

use crate::common::Fixture;

/// A context at a fixed instant whose ids never repeat those of another context made by this function.
pub fn ctx() -> Ctx {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
    let first = NEXT.fetch_add(1_000_000, std::sync::atomic::Ordering::Relaxed);
    Ctx::fixed_from("2026-03-02T10:00:00Z".parse().expect("time"), "tester", first)
}

/// A contact added to `vault` from a fresh card; returns its signing key.
pub fn contact(vault: &mut circlebook_core::UnlockedVault, name: &str) -> String {
    let me = SigningIdentity::derive(&age::x25519::Identity::generate());
    let card = ContactCard::write(&me, name).expect("card");
    let added = ops::call("add_contact", &mut *vault, &ctx(), json!({ "card": card })).expect("add contact");
    added["signing_key"].as_str().expect("key").to_owned()
}

/// A case with a person harmed (Rowan) and a person responsible (Sol); returns (case, rowan, sol).
pub fn case_with_people(vault: &mut circlebook_core::UnlockedVault) -> (String, String, String) {
    let ctx = ctx();
    let case = ops::call(
        "create_case",
        &mut *vault,
        &ctx,
        json!({ "code_name": "Willow", "referral_source": "self", "gender_based_violence": true,
                "harmed_needs": "to be heard", "harmed_justice_vision": "an apology", "tags": [] }),
    )
    .expect("case");
    let case_id = case["id"].as_str().expect("id").to_owned();
    let mut person = |alias: &str, role: &str| -> String {
        let p = ops::call(
            "add_participant",
            &mut *vault,
            &ctx,
            json!({ "case_id": case_id, "alias": alias, "role": role, "contact": "0612 345 678",
                    "safety_notes": "never the same entrance" }),
        )
        .expect("participant");
        p["id"].as_str().expect("id").to_owned()
    };
    let rowan = person("Rowan", "person_harmed");
    let sol = person("Sol", "person_responsible");
    (case_id, rowan, sol)
}

pub fn share(vault: &mut circlebook_core::UnlockedVault, participant: &str, with: &str, decision: &str) -> Value {
    let op = if decision == "withdrawn" { "withdraw_consent" } else { "record_consent" };
    let mut args = json!({ "participant_id": participant, "activity": "information_sharing",
                           "method": "verbal", "shared_with": with });
    if op == "record_consent" {
        args["decision"] = json!(decision);
    }
    ops::call(op, vault, &ctx(), args).expect(op)
}

#[test]
fn consent_to_share_with_a_contact_names_a_known_contact_and_is_always_withdrawable() {
    let (_fx, mut vault) = Fixture::new();
    let (case, rowan, _sol) = case_with_people(&mut vault);
    let bea = contact(&mut vault, "Bea");
    let stranger = SigningIdentity::derive(&age::x25519::Identity::generate()).public().to_text();
    let refused = ops::call(
        "record_consent",
        &mut vault,
        &ctx(),
        json!({ "participant_id": rowan, "activity": "information_sharing", "method": "verbal",
                "decision": "granted", "shared_with": format!("contact:{stranger}") }),
    );
    assert!(matches!(refused, Err(ModelError::Invalid(ref m)) if m.contains("no contact")), "{refused:?}");

    let granted = share(&mut vault, &rowan, &format!("contact:{bea}"), "granted");
    assert_eq!(granted["shared_with"], format!("contact:{bea}"));
    let withdrawn = share(&mut vault, &rowan, &format!("contact:{bea}"), "withdrawn");
    assert_eq!(withdrawn["decision"], "withdrawn");
    let current = ops::call("current_consents", &mut vault, &ctx(), json!({ "participant_id": rowan })).expect("c");
    let sharing: Vec<&Value> = current.as_array().expect("list").iter().collect();
    assert_eq!(sharing.len(), 1);
    assert_eq!(sharing[0]["state"], "withdrawn");
    assert_eq!(sharing[0]["shared_with"], format!("contact:{bea}"));

    // The contacts list says which cases' ledgers name each contact (withdrawn or not), and no others.
    let cleo = contact(&mut vault, "Cleo");
    let contacts = ops::call("list_contacts", &mut vault, &ctx(), json!({})).expect("contacts");
    let of = |key: &str| {
        let found = contacts.as_array().expect("list").iter().find(|c| c["signing_key"] == key).expect("listed");
        found["shared_cases"].clone()
    };
    assert_eq!(of(&bea), json!([{ "id": case, "code_name": "Willow" }]));
    assert_eq!(of(&cleo), json!([]));
}

#[test]
fn a_schema_4_vault_upgrades_and_keeps_its_ledger() {
    let (fx, mut vault) = Fixture::new();
    let (_case, rowan, _sol) = case_with_people(&mut vault);
    share(&mut vault, &rowan, "our supervisor", "granted");
    drop(vault.lock().expect("lock"));
    let newest = std::fs::read_dir(fx.dir.join("snapshots"))
        .expect("snapshots")
        .filter_map(|e| e.ok()?.file_name().to_str()?.strip_suffix(".age")?.parse::<u64>().ok())
        .max()
        .expect("a snapshot");
    crate::interop::rewrite_snapshot(
        &fx,
        newest,
        "DROP TABLE purged_cases; DROP TABLE imported_bundles; DROP TABLE sync_replica; DROP TABLE sync_fields;
         DROP TABLE sync_rows; ALTER TABLE consents DROP COLUMN known; PRAGMA user_version = 4;",
    );
    // The rewritten snapshot is not the one this computer saw: accepted on purpose, as a copy of an older vault.
    let options = circlebook_core::vault::UnlockOptions { accept_rollback: true, ..Default::default() };
    let mut vault = circlebook_core::Vault::open(&fx.dir)
        .expect("open")
        .unlock_with(&fx.by_key(), &options)
        .map_err(|f| f.error)
        .expect("a schema-4 vault opens");
    let version: u32 = vault.conn().query_row("PRAGMA user_version", [], |r| r.get(0)).expect("version");
    assert_eq!(version, circlebook_core::schema::current_version());
    let tables: i64 = vault
        .conn()
        .query_row("SELECT count(*) FROM sqlite_schema WHERE name IN ('purged_cases', 'imported_bundles')", [], |r| {
            r.get(0)
        })
        .expect("tables");
    assert_eq!(tables, 2);
    let current = ops::call("current_consents", &mut vault, &ctx(), json!({ "participant_id": rowan })).expect("c");
    assert_eq!(current[0]["shared_with"], "our supervisor");
    assert_eq!(current[0]["state"], "granted");
    // A free-text recipient is not a contact: it can never stand for one (`contact:` is the only contact form).
    assert!(!current[0]["shared_with"].as_str().expect("s").starts_with("contact:"));
}
