//! Rows inserted with plain SQL for the tests of notes, search, timeline, reminders and statistics, where the
//! operations that would write them (participants, consent, processes, sessions, accountability) live elsewhere.

use std::sync::atomic::{AtomicU64, Ordering};

use circlebook_core::model::{ops, Ctx};
use circlebook_core::UnlockedVault;
use rusqlite::types::Value;
use serde_json::json;

static NEXT: AtomicU64 = AtomicU64::new(1);

/// A fresh UUIDv7-shaped id; ids made later sort later.
pub fn id() -> String {
    format!("01900000-0000-7000-8000-{:012x}", NEXT.fetch_add(1, Ordering::Relaxed))
}

fn opt(value: Option<&str>) -> Value {
    value.map_or(Value::Null, |v| Value::Text(v.to_owned()))
}

fn insert(vault: &mut UnlockedVault, sql: &str, values: Vec<Value>) {
    vault.edit(|tx| tx.execute(sql, rusqlite::params_from_iter(values))).expect("insert fixture row");
}

fn text(v: &str) -> Value {
    Value::Text(v.to_owned())
}

/// A case through the registry; `extra` adds fields of `create_case`.
pub fn case(vault: &mut UnlockedVault, ctx: &Ctx, code_name: &str, extra: serde_json::Value) -> String {
    let mut args = json!({ "code_name": code_name });
    if let (Some(args), Some(extra)) = (args.as_object_mut(), extra.as_object()) {
        args.extend(extra.clone());
    }
    let case = ops::call("create_case", vault, ctx, args).expect("create case");
    case["id"].as_str().expect("id").to_owned()
}

pub fn set_stage(vault: &mut UnlockedVault, case: &str, stage: &str) {
    insert(vault, "UPDATE cases SET stage = ?2 WHERE id = ?1", vec![text(case), text(stage)]);
}

pub fn participant(vault: &mut UnlockedVault, case: &str, alias: &str, role: &str) -> String {
    let id = id();
    insert(
        vault,
        "INSERT INTO participants(id, case_id, alias, role, created_at, updated_at) VALUES(?1, ?2, ?3, ?4, ?5, ?5)",
        vec![text(&id), text(case), text(alias), text(role), text("2026-01-05 09:00:00+00:00")],
    );
    id
}

pub fn participant_with(vault: &mut UnlockedVault, case: &str, alias: &str, role: &str, access_needs: &str) -> String {
    let id = participant(vault, case, alias, role);
    insert(vault, "UPDATE participants SET access_needs = ?2 WHERE id = ?1", vec![text(&id), text(access_needs)]);
    id
}

pub fn consent(
    vault: &mut UnlockedVault,
    participant: &str,
    activity: &str,
    decision: &str,
    decided_at: &str,
    expires_on: Option<&str>,
) -> String {
    let id = id();
    insert(
        vault,
        "INSERT INTO consents(id, participant_id, activity, decision, method, decided_at, expires_on, note, recorded_at, seq)
         VALUES(?1, ?2, ?3, ?4, 'written', ?5, ?6, 'private consent note', ?5, (SELECT coalesce(max(seq), 0) + 1 FROM consents))",
        vec![text(&id), text(participant), text(activity), text(decision), text(decided_at), opt(expires_on)],
    );
    id
}

pub fn process(
    vault: &mut UnlockedVault,
    case: &str,
    kind: &str,
    opened_on: &str,
    closed_on: Option<&str>,
    status: &str,
) -> String {
    let id = id();
    insert(
        vault,
        "INSERT INTO processes(id, case_id, kind, status, opened_on, closed_on) VALUES(?1, ?2, ?3, ?4, ?5, ?6)",
        vec![text(&id), text(case), text(kind), text(status), text(opened_on), opt(closed_on)],
    );
    id
}

pub fn session(
    vault: &mut UnlockedVault,
    case: &str,
    kind: &str,
    status: &str,
    scheduled_for: &str,
    held_on: Option<&str>,
) -> String {
    session_with(vault, case, kind, status, scheduled_for, held_on, "")
}

pub fn session_with(
    vault: &mut UnlockedVault,
    case: &str,
    kind: &str,
    status: &str,
    scheduled_for: &str,
    held_on: Option<&str>,
    private_notes: &str,
) -> String {
    let id = id();
    insert(
        vault,
        "INSERT INTO sessions(id, case_id, kind, status, scheduled_for, held_on, private_notes, created_at, updated_at)
         VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, '2026-01-10 09:00:00+00:00', '2026-01-10 09:00:00+00:00')",
        vec![text(&id), text(case), text(kind), text(status), text(scheduled_for), opt(held_on), text(private_notes)],
    );
    id
}

pub fn attendee(vault: &mut UnlockedVault, session: &str, participant: &str) {
    insert(
        vault,
        "INSERT INTO session_attendees(session_id, participant_id) VALUES(?1, ?2)",
        vec![text(session), text(participant)],
    );
}

pub fn assessment(
    vault: &mut UnlockedVault,
    participant: &str,
    decision: &str,
    assessed_on: &str,
    next_review_on: Option<&str>,
    reasons: &str,
) -> String {
    let id = id();
    insert(
        vault,
        "INSERT INTO assessments(id, participant_id, stage, risk_level, decision, reasons, assessed_on, next_review_on,
                                 assessed_by, created_at)
         VALUES(?1, ?2, 'intake', 'low', ?3, ?4, ?5, ?6, 'facilitator', '2026-01-06 09:00:00+00:00')",
        vec![text(&id), text(participant), text(decision), text(reasons), text(assessed_on), opt(next_review_on)],
    );
    id
}

pub fn commitment(
    vault: &mut UnlockedVault,
    case: &str,
    participant: &str,
    kind: &str,
    description: &str,
    due_on: Option<&str>,
    status: &str,
) -> String {
    let id = id();
    insert(
        vault,
        "INSERT INTO commitments(id, case_id, participant_id, kind, description, due_on, status, created_at, updated_at)
         VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, '2026-01-20 09:00:00+00:00', '2026-01-20 09:00:00+00:00')",
        vec![text(&id), text(case), text(participant), text(kind), text(description), opt(due_on), text(status)],
    );
    id
}

pub fn progress(vault: &mut UnlockedVault, commitment: &str, entry_on: &str, body: &str) -> String {
    let id = id();
    insert(
        vault,
        "INSERT INTO progress_entries(id, commitment_id, entry_on, text, created_at) VALUES(?1, ?2, ?3, ?4, ?3)",
        vec![text(&id), text(commitment), text(entry_on), text(body)],
    );
    id
}

pub fn agreement(vault: &mut UnlockedVault, session: &str, body: &str, agreed_on: &str) -> String {
    let id = id();
    insert(
        vault,
        "INSERT INTO agreements(id, session_id, text, agreed_on) VALUES(?1, ?2, ?3, ?4)",
        vec![text(&id), text(session), text(body), text(agreed_on)],
    );
    id
}

#[allow(clippy::too_many_arguments)]
pub fn message(
    vault: &mut UnlockedVault,
    case: &str,
    author: &str,
    recipient: &str,
    content: &str,
    written_at: &str,
    approved_at: Option<&str>,
    relayed_at: Option<&str>,
) -> String {
    let id = id();
    insert(
        vault,
        "INSERT INTO shuttle_messages(id, case_id, author_id, recipient_id, content, written_at, approved_at, relayed_at)
         VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        vec![text(&id), text(case), text(author), text(recipient), text(content), text(written_at), opt(approved_at), opt(relayed_at)],
    );
    id
}

/// A context at another instant (RFC 3339).
pub fn ctx_at(at: &str) -> Ctx {
    Ctx::fixed(at.parse().expect("time"), "facilitator")
}
