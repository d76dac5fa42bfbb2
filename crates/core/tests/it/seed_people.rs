//! Participants and consent entries written straight into the tables, for tests of sessions, shuttle dialogue
//! and accountability (the participant and consent operations are tested on their own).

use circlebook_core::model::{ops, testing, Ctx};
use circlebook_core::UnlockedVault;
use rusqlite::params;
use serde_json::json;

pub use crate::model_cases::ctx;

/// A new open case through the registry; returns its id.
pub fn open_case(vault: &mut UnlockedVault, ctx: &Ctx, code_name: &str) -> String {
    let case = ops::call("create_case", vault, ctx, json!({"code_name": code_name})).expect("create case");
    case["id"].as_str().expect("case id").to_owned()
}

/// A participant of `case` with `role`; returns their id.
pub fn participant(vault: &mut UnlockedVault, case: &str, alias: &str, role: &str) -> String {
    let id = Ctx::new("seed").new_uuid().hyphenated().to_string();
    vault
        .edit(|tx| {
            tx.execute(
                "INSERT INTO participants(id, case_id, alias, role, created_at, updated_at)
                 VALUES(?1, ?2, ?3, ?4, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')",
                params![id, case, alias, role],
            )
        })
        .expect("add participant");
    id
}

/// Appends a consent ledger entry: `decision` is granted, declined or withdrawn.
pub fn consent_to(vault: &mut UnlockedVault, who: &str, activity: &str, decision: &str, expires_on: Option<&str>) {
    let id = Ctx::new("seed").new_uuid().hyphenated().to_string();
    vault
        .edit(|tx| {
            let seq = testing::consent_next_seq(tx)?;
            tx.execute(
                "INSERT INTO consents(id, participant_id, activity, decision, method, decided_at, expires_on, recorded_at, seq)
                 VALUES(?1, ?2, ?3, ?4, 'written', '2026-02-01T09:00:00Z', ?5, '2026-02-01T09:00:00Z', ?6)",
                params![id, who, activity, decision, expires_on, seq],
            )
        })
        .expect("add consent");
}

/// Grants consent to an activity without expiry.
pub fn grant(vault: &mut UnlockedVault, who: &str, activity: &str) {
    consent_to(vault, who, activity, "granted", None);
}

/// How many audit rows record `action` on `record_kind`.
pub fn audited(vault: &UnlockedVault, action: &str, record_kind: &str) -> i64 {
    vault
        .conn()
        .query_row(
            "SELECT count(*) FROM audit_log WHERE action = ?1 AND record_kind = ?2",
            [action, record_kind],
            |r| r.get(0),
        )
        .expect("count audit rows")
}

/// The id field of an operation's JSON result.
pub fn id_of(value: &serde_json::Value) -> String {
    value["id"].as_str().expect("id").to_owned()
}
