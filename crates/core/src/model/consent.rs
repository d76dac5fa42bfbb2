//! The consent ledger: append-only entries per participant and activity. The current consent is the latest
//! entry for that participant and activity (and, for information sharing, that recipient), unless it expired.

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::{found, Activity, ConsentDecision, ConsentId, ConsentMethod, ModelError, ParticipantId};

/// One ledger entry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ConsentEntry {
    pub id: ConsentId,
    pub participant_id: ParticipantId,
    pub activity: Activity,
    /// For information sharing: the named person or role it may go to; empty otherwise.
    pub shared_with: String,
    pub decision: ConsentDecision,
    pub method: ConsentMethod,
    pub decided_at: DateTime<Utc>,
    pub expires_on: Option<NaiveDate>,
    pub note: String,
    pub recorded_at: DateTime<Utc>,
}

/// What the ledger says now for one participant and activity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ConsentState {
    /// The latest entry grants it and has not expired.
    Granted,
    /// The latest entry declines it.
    Declined,
    /// The latest entry withdraws it.
    Withdrawn,
    /// The latest entry granted it but expired.
    Expired,
    /// There is no entry.
    NotAsked,
}

impl ConsentState {
    pub fn describe(self) -> &'static str {
        match self {
            ConsentState::Granted => "granted",
            ConsentState::Declined => "declined",
            ConsentState::Withdrawn => "withdrawn",
            ConsentState::Expired => "expired",
            ConsentState::NotAsked => "not yet asked",
        }
    }
}

pub(crate) const ENTRY_COLUMNS: &str =
    "id, participant_id, activity, shared_with, decision, method, decided_at, expires_on, note, recorded_at";

pub(crate) fn entry_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<ConsentEntry> {
    Ok(ConsentEntry {
        id: r.get(0)?,
        participant_id: r.get(1)?,
        activity: r.get(2)?,
        shared_with: r.get(3)?,
        decision: r.get(4)?,
        method: r.get(5)?,
        decided_at: r.get(6)?,
        expires_on: r.get(7)?,
        note: r.get(8)?,
        recorded_at: r.get(9)?,
    })
}

/// The latest entry for a participant, activity and recipient (`""` unless information sharing).
pub fn latest(conn: &Connection, participant: &ParticipantId, activity: Activity, shared_with: &str) -> rusqlite::Result<Option<ConsentEntry>> {
    conn.query_row(
        &format!(
            "SELECT {ENTRY_COLUMNS} FROM consents WHERE participant_id = ?1 AND activity = ?2 AND shared_with = ?3
             ORDER BY seq DESC LIMIT 1"
        ),
        params![participant, activity, shared_with],
        entry_from_row,
    )
    .optional()
}

/// The state of one entry on a given day.
pub fn state_of(entry: Option<&ConsentEntry>, today: NaiveDate) -> ConsentState {
    match entry {
        None => ConsentState::NotAsked,
        Some(e) => match e.decision {
            ConsentDecision::Declined => ConsentState::Declined,
            ConsentDecision::Withdrawn => ConsentState::Withdrawn,
            ConsentDecision::Granted => match e.expires_on {
                Some(expiry) if expiry < today => ConsentState::Expired,
                _ => ConsentState::Granted,
            },
        },
    }
}

/// The current consent state for a participant and activity on `today`.
pub fn current(conn: &Connection, participant: &ParticipantId, activity: Activity, shared_with: &str, today: NaiveDate) -> rusqlite::Result<ConsentState> {
    Ok(state_of(latest(conn, participant, activity, shared_with)?.as_ref(), today))
}

/// Refuses unless the participant's current consent covers the activity (rule 1: enforced, not just recorded).
pub fn require(conn: &Connection, participant: &ParticipantId, activity: Activity, today: NaiveDate) -> Result<(), ModelError> {
    let alias: String = found(
        conn.query_row("SELECT alias FROM participants WHERE id = ?1", [participant], |r| r.get(0)),
        "participant",
        participant,
    )?;
    match current(conn, participant, activity, "", today)? {
        ConsentState::Granted => Ok(()),
        state => Err(ModelError::ConsentRequired {
            participant: participant.clone(),
            alias,
            activity,
            state: state.describe().into(),
        }),
    }
}

/// The next sequence number of the ledger (entries are ordered by it, not by clock).
pub fn next_seq(conn: &Connection) -> rusqlite::Result<i64> {
    conn.query_row("SELECT coalesce(max(seq), 0) + 1 FROM consents", [], |r| r.get(0))
}
