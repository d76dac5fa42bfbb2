//! The consent ledger: append-only entries per participant and activity. The current consent is the latest
//! entry for that participant and activity (and, for information sharing, that recipient), unless it expired.

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::ops::Op;
use super::participants::{self, Participant, ParticipantRef, ParticipantScope};
use super::{audit, cases, found, Activity, ConsentDecision, ConsentId, ConsentMethod, Ctx, ModelError, ParticipantId};

pub fn ops() -> Vec<Op> {
    crate::ops! {
        write "record_consent" => record_consent, "Record a participant's consent decision for one activity; the ledger only grows.";
        write "withdraw_consent" => withdraw_consent, "Record that a participant withdraws a consent they granted; it takes effect at once.";
        read "consent_history" => consent_history, "Every consent entry of a participant, newest first.";
        read "current_consents" => current_consents, "The current consent per activity, for one participant or a whole case.";
    }
}

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

/// The current consent of one participant for one activity (and recipient).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct CurrentConsent {
    pub participant_id: ParticipantId,
    pub alias: String,
    pub activity: Activity,
    pub shared_with: String,
    /// The state today: an expired grant is not current.
    pub state: ConsentState,
    /// The entry that decides it.
    pub latest: ConsentEntry,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct RecordConsent {
    pub participant_id: ParticipantId,
    pub activity: Activity,
    pub decision: ConsentDecision,
    pub method: ConsentMethod,
    /// When the participant decided; the default is now.
    #[ts(optional)]
    pub decided_at: Option<DateTime<Utc>>,
    /// The last day a grant holds; it must be after the day of the decision.
    #[ts(optional)]
    pub expires_on: Option<NaiveDate>,
    #[ts(optional)]
    pub note: Option<String>,
    /// Required for information sharing (the named person or role it may go to); must be empty otherwise.
    #[ts(optional)]
    pub shared_with: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct WithdrawConsent {
    pub participant_id: ParticipantId,
    pub activity: Activity,
    pub method: ConsentMethod,
    #[ts(optional)]
    pub decided_at: Option<DateTime<Utc>>,
    #[ts(optional)]
    pub note: Option<String>,
    /// For information sharing: the recipient whose consent is withdrawn.
    #[ts(optional)]
    pub shared_with: Option<String>,
}

/// The recipient rule: named for information sharing, empty for every other activity.
fn recipient(activity: Activity, shared_with: Option<&str>) -> Result<String, ModelError> {
    let shared_with = shared_with.unwrap_or("").trim();
    match (activity, shared_with.is_empty()) {
        (Activity::InformationSharing, true) => Err(ModelError::Invalid(
            "consent to share information names who it may go to (a person or a role)".into(),
        )),
        (Activity::InformationSharing, false) | (_, true) => Ok(shared_with.to_owned()),
        (_, false) => Err(ModelError::Invalid(format!(
            "only consent to information_sharing names a recipient; consent to {activity} does not"
        ))),
    }
}

fn decision_time(ctx: &Ctx, decided_at: Option<DateTime<Utc>>) -> Result<DateTime<Utc>, ModelError> {
    let at = decided_at.unwrap_or_else(|| ctx.now());
    if at.date_naive() > ctx.today() {
        return Err(ModelError::Invalid("a consent decision cannot be dated after today".into()));
    }
    Ok(at)
}

fn load_entry(conn: &Connection, id: &ConsentId) -> Result<ConsentEntry, ModelError> {
    found(conn.query_row(&format!("SELECT {ENTRY_COLUMNS} FROM consents WHERE id = ?1"), [id], entry_from_row), "consent entry", id)
}

/// Appends one entry to the ledger (the only way entries are written).
fn append(tx: &Transaction<'_>, ctx: &Ctx, args: RecordConsent, shared_with: String, decided_at: DateTime<Utc>) -> Result<ConsentEntry, ModelError> {
    let id = ConsentId(ctx.new_uuid());
    tx.execute(
        "INSERT INTO consents(id, participant_id, activity, shared_with, decision, method, decided_at, expires_on, note,
                              recorded_at, seq)
         VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        params![
            id,
            args.participant_id,
            args.activity,
            shared_with,
            args.decision,
            args.method,
            decided_at,
            args.expires_on,
            args.note.as_deref().unwrap_or("").trim(),
            ctx.now(),
            next_seq(tx)?,
        ],
    )?;
    audit(tx, ctx, "record", "consent", &id)?;
    load_entry(tx, &id)
}

/// Grants and declines need an open case; a withdrawal is always accepted, even once the case is closed.
pub fn record_consent(tx: &Transaction<'_>, ctx: &Ctx, args: RecordConsent) -> Result<ConsentEntry, ModelError> {
    let participant = participants::load(tx, &args.participant_id)?;
    if args.decision != ConsentDecision::Withdrawn {
        cases::ensure_open(tx, &participant.case_id)?;
    }
    let shared_with = recipient(args.activity, args.shared_with.as_deref())?;
    let decided_at = decision_time(ctx, args.decided_at)?;
    if let Some(expiry) = args.expires_on {
        if args.decision != ConsentDecision::Granted {
            return Err(ModelError::Invalid("only a grant of consent can have an expiry date".into()));
        }
        if expiry <= decided_at.date_naive() {
            return Err(ModelError::Invalid("a consent's expiry date must be after the day it was given".into()));
        }
    }
    append(tx, ctx, args, shared_with, decided_at)
}

/// Records a withdrawal of a consent whose latest entry is a grant (expired or not); it is current at once.
pub fn withdraw_consent(tx: &Transaction<'_>, ctx: &Ctx, args: WithdrawConsent) -> Result<ConsentEntry, ModelError> {
    let participant = participants::load(tx, &args.participant_id)?;
    let shared_with = recipient(args.activity, args.shared_with.as_deref())?;
    let decided_at = decision_time(ctx, args.decided_at)?;
    let latest = latest(tx, &participant.id, args.activity, &shared_with)?;
    if latest.as_ref().map(|e| e.decision) != Some(ConsentDecision::Granted) {
        let state = state_of(latest.as_ref(), ctx.today());
        return Err(ModelError::Invalid(format!(
            "{} has no granted consent to {} to withdraw ({})",
            participant.alias,
            args.activity,
            state.describe()
        )));
    }
    let entry = RecordConsent {
        participant_id: participant.id,
        activity: args.activity,
        decision: ConsentDecision::Withdrawn,
        method: args.method,
        decided_at: None,
        expires_on: None,
        note: args.note,
        shared_with: None,
    };
    append(tx, ctx, entry, shared_with, decided_at)
}

pub fn consent_history(conn: &Connection, _ctx: &Ctx, args: ParticipantRef) -> Result<Vec<ConsentEntry>, ModelError> {
    let participant = participants::load(conn, &args.participant_id)?;
    let mut stmt =
        conn.prepare(&format!("SELECT {ENTRY_COLUMNS} FROM consents WHERE participant_id = ?1 ORDER BY seq DESC"))?;
    let rows = stmt.query_map([&participant.id], entry_from_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub fn current_consents(conn: &Connection, ctx: &Ctx, args: ParticipantScope) -> Result<Vec<CurrentConsent>, ModelError> {
    let mut all = Vec::new();
    for participant in args.resolve(conn)? {
        all.extend(current_of(conn, &participant, ctx.today())?);
    }
    Ok(all)
}

/// For each activity (and recipient) a participant has ledger entries for: the state on `today`.
pub fn current_of(conn: &Connection, participant: &Participant, today: NaiveDate) -> Result<Vec<CurrentConsent>, ModelError> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {ENTRY_COLUMNS} FROM consents c
         WHERE participant_id = ?1
           AND seq = (SELECT max(seq) FROM consents d
                      WHERE d.participant_id = c.participant_id AND d.activity = c.activity AND d.shared_with = c.shared_with)"
    ))?;
    let mut current = stmt
        .query_map([&participant.id], entry_from_row)?
        .map(|entry| {
            let latest = entry?;
            Ok(CurrentConsent {
                participant_id: participant.id.clone(),
                alias: participant.alias.clone(),
                activity: latest.activity,
                shared_with: latest.shared_with.clone(),
                state: state_of(Some(&latest), today),
                latest,
            })
        })
        .collect::<Result<Vec<_>, rusqlite::Error>>()?;
    current.sort_by(|a, b| (a.activity, &a.shared_with).cmp(&(b.activity, &b.shared_with)));
    Ok(current)
}
