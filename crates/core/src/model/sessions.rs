//! Sessions (meetings and steps) of a case: scheduling with attendees, recording what happened, cancelling.
//! Rule 1 is enforced here: nobody attends a session their current consent does not cover (see
//! [`session_consent`](super::session_consent)); agreements and follow-ups live in
//! [`session_outcomes`](super::session_outcomes).

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{params, Connection, Transaction};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::cases;
use super::context::Ctx;
use super::errors::ModelError;
use super::ids::{CaseId, ParticipantId, ProcessId, SessionId};
use super::op::Op;
use super::roster;
use super::rows::{audit, found, required};
use super::session_consent::{require_attendees, require_session_record};
use super::vocab::{Role, SessionKind, SessionStatus};

pub(crate) fn ops() -> Vec<Op> {
    crate::ops! {
        write "schedule_session" => schedule_session, "Schedule a session; every attendee must currently consent to its activity.";
        write "add_attendee" => add_attendee, "Add an attendee to a scheduled session (their consent is checked).";
        write "remove_attendee" => remove_attendee, "Take an attendee off a scheduled session.";
        write "record_session" => record_session, "Mark a session held, with private notes and a shareable summary; consent is checked again.";
        write "cancel_session" => cancel_session, "Cancel a scheduled session, saying why.";
        write "update_session_notes" => update_session_notes, "Change a session's private notes or shareable summary.";
        read "list_sessions" => list_sessions, "A case's sessions with their attendees, in scheduled order.";
    }
}

/// Someone attending a session.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Attendee {
    pub participant_id: ParticipantId,
    pub alias: String,
    pub role: Role,
}

/// A session as listed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Session {
    pub id: SessionId,
    pub case_id: CaseId,
    pub process_id: Option<ProcessId>,
    pub kind: SessionKind,
    pub status: SessionStatus,
    pub scheduled_for: DateTime<Utc>,
    pub held_on: Option<NaiveDate>,
    /// For the facilitators only; never part of anything shared.
    pub private_notes: String,
    /// What may be shared with participants.
    pub shareable_summary: String,
    pub cancel_reason: String,
    pub attendees: Vec<Attendee>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct ScheduleSession {
    pub case_id: CaseId,
    /// The process it belongs to, if any (of the same case, not closed or withdrawn).
    #[ts(optional)]
    #[serde(default)]
    pub process_id: Option<ProcessId>,
    pub kind: SessionKind,
    pub scheduled_for: DateTime<Utc>,
    /// Participants of the same case.
    #[serde(default)]
    pub attendees: Vec<ParticipantId>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct AttendeeChange {
    pub session_id: SessionId,
    pub participant_id: ParticipantId,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct RecordSession {
    pub session_id: SessionId,
    /// Today unless given; never in the future.
    #[ts(optional)]
    #[serde(default)]
    pub held_on: Option<NaiveDate>,
    #[serde(default)]
    pub private_notes: String,
    #[serde(default)]
    pub shareable_summary: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct CancelSession {
    pub session_id: SessionId,
    pub reason: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct SessionNotes {
    pub session_id: SessionId,
    #[ts(optional)]
    #[serde(default)]
    pub private_notes: Option<String>,
    #[ts(optional)]
    #[serde(default)]
    pub shareable_summary: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct SessionsOfCase {
    pub case_id: CaseId,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct SessionRef {
    pub session_id: SessionId,
}

pub(crate) const SESSION_COLUMNS: &str =
    "id, case_id, process_id, kind, status, scheduled_for, held_on, private_notes, \
    shareable_summary, cancel_reason, created_at, updated_at";

pub(crate) fn session_from_row(conn: &Connection, r: &rusqlite::Row<'_>) -> rusqlite::Result<Session> {
    let id: SessionId = r.get(0)?;
    let attendees = attendees_of(conn, &id)?;
    Ok(Session {
        case_id: r.get(1)?,
        process_id: r.get(2)?,
        kind: r.get(3)?,
        status: r.get(4)?,
        scheduled_for: r.get(5)?,
        held_on: r.get(6)?,
        private_notes: r.get(7)?,
        shareable_summary: r.get(8)?,
        cancel_reason: r.get(9)?,
        created_at: r.get(10)?,
        updated_at: r.get(11)?,
        attendees,
        id,
    })
}

fn attendees_of(conn: &Connection, id: &SessionId) -> rusqlite::Result<Vec<Attendee>> {
    let mut stmt = conn.prepare_cached(
        "SELECT p.id, p.alias, p.role FROM session_attendees a JOIN participants p ON p.id = a.participant_id
         WHERE a.session_id = ?1 ORDER BY p.alias, p.id",
    )?;
    let rows =
        stmt.query_map([id], |r| Ok(Attendee { participant_id: r.get(0)?, alias: r.get(1)?, role: r.get(2)? }))?;
    rows.collect()
}

/// Reads one session with its attendees.
pub(crate) fn load(conn: &Connection, id: &SessionId) -> Result<Session, ModelError> {
    found(
        conn.query_row(&format!("SELECT {SESSION_COLUMNS} FROM sessions WHERE id = ?1"), [id], |r| {
            session_from_row(conn, r)
        }),
        "session",
        id,
    )
}

/// A session whose case is open, for every change.
pub(crate) fn load_for_change(conn: &Connection, id: &SessionId) -> Result<Session, ModelError> {
    let session = load(conn, id)?;
    cases::ensure_open(conn, &session.case_id)?;
    Ok(session)
}

fn ensure_scheduled(session: &Session, action: &str) -> Result<(), ModelError> {
    let state = match session.status {
        SessionStatus::Scheduled => return Ok(()),
        SessionStatus::Held => "was already held",
        SessionStatus::Cancelled => "was cancelled",
    };
    Err(ModelError::NotAllowed(format!("this session {state}; {action} only while a session is scheduled")))
}

fn touch(tx: &Connection, ctx: &Ctx, id: &SessionId) -> Result<(), ModelError> {
    tx.execute("UPDATE sessions SET updated_at = ?2 WHERE id = ?1", params![id, ctx.now()])?;
    Ok(())
}

pub(crate) fn schedule_session(tx: &Transaction<'_>, ctx: &Ctx, args: ScheduleSession) -> Result<Session, ModelError> {
    cases::ensure_open(tx, &args.case_id)?;
    if let Some(process) = &args.process_id {
        roster::running_process(tx, &args.case_id, process)?;
    }
    let attendees: Vec<ParticipantId> =
        roster::members(tx, &args.case_id, &args.attendees)?.into_iter().map(|m| m.id).collect();
    require_attendees(tx, ctx, &attendees, args.kind, &[ctx.date_of(args.scheduled_for), ctx.today()])?;
    let id = SessionId(ctx.new_uuid());
    tx.execute(
        "INSERT INTO sessions(id, case_id, process_id, kind, status, scheduled_for, created_at, updated_at)
         VALUES(?1, ?2, ?3, ?4, 'scheduled', ?5, ?6, ?6)",
        params![id, args.case_id, args.process_id, args.kind, args.scheduled_for, ctx.now()],
    )?;
    for attendee in &attendees {
        tx.execute("INSERT INTO session_attendees(session_id, participant_id) VALUES(?1, ?2)", params![id, attendee])?;
    }
    audit(tx, ctx, "schedule", "session", &id)?;
    load(tx, &id)
}

pub(crate) fn add_attendee(tx: &Transaction<'_>, ctx: &Ctx, args: AttendeeChange) -> Result<Session, ModelError> {
    let session = load_for_change(tx, &args.session_id)?;
    ensure_scheduled(&session, "attendees can change")?;
    let member = roster::member(tx, &session.case_id, &args.participant_id)?;
    if session.attendees.iter().any(|a| a.participant_id == member.id) {
        return Err(ModelError::Invalid(format!("{} already attends this session", member.alias)));
    }
    let days = [ctx.date_of(session.scheduled_for), ctx.today()];
    require_attendees(tx, ctx, std::slice::from_ref(&member.id), session.kind, &days)?;
    tx.execute(
        "INSERT INTO session_attendees(session_id, participant_id) VALUES(?1, ?2)",
        params![session.id, member.id],
    )?;
    touch(tx, ctx, &session.id)?;
    audit(tx, ctx, "add_attendee", "session", &session.id)?;
    load(tx, &session.id)
}

pub(crate) fn remove_attendee(tx: &Transaction<'_>, ctx: &Ctx, args: AttendeeChange) -> Result<Session, ModelError> {
    let session = load_for_change(tx, &args.session_id)?;
    ensure_scheduled(&session, "attendees can change")?;
    let removed = tx.execute(
        "DELETE FROM session_attendees WHERE session_id = ?1 AND participant_id = ?2",
        params![session.id, args.participant_id],
    )?;
    if removed == 0 {
        return Err(ModelError::Invalid("that participant does not attend this session".into()));
    }
    touch(tx, ctx, &session.id)?;
    audit(tx, ctx, "remove_attendee", "session", &session.id)?;
    load(tx, &session.id)
}

/// Marks a session held. Every attendee's consent is judged by the ledger as it stood on the day the session was
/// held (a withdrawal before that day refuses it; one after it does not undo a session that took place). Notes
/// or a summary are written now, so they are refused while an attendee has said no to notes being kept.
pub(crate) fn record_session(tx: &Transaction<'_>, ctx: &Ctx, args: RecordSession) -> Result<Session, ModelError> {
    let session = load_for_change(tx, &args.session_id)?;
    ensure_scheduled(&session, "it can be recorded as held")?;
    let held_on = args.held_on.unwrap_or_else(|| ctx.today());
    if held_on > ctx.today() {
        return Err(ModelError::Invalid(
            "a session is recorded as held on a day that has come; not in the future".into(),
        ));
    }
    let attendees: Vec<ParticipantId> = session.attendees.iter().map(|a| a.participant_id.clone()).collect();
    require_attendees(tx, ctx, &attendees, session.kind, &[held_on])?;
    if !args.private_notes.trim().is_empty() || !args.shareable_summary.trim().is_empty() {
        require_session_record(tx, ctx, &attendees)?;
    }
    tx.execute(
        "UPDATE sessions SET status = 'held', held_on = ?2, private_notes = ?3, shareable_summary = ?4, updated_at = ?5
         WHERE id = ?1",
        params![session.id, held_on, args.private_notes.trim(), args.shareable_summary.trim(), ctx.now()],
    )?;
    audit(tx, ctx, "record", "session", &session.id)?;
    load(tx, &session.id)
}

pub(crate) fn cancel_session(tx: &Transaction<'_>, ctx: &Ctx, args: CancelSession) -> Result<Session, ModelError> {
    let session = load_for_change(tx, &args.session_id)?;
    ensure_scheduled(&session, "it can be cancelled")?;
    required("The reason", &args.reason)?;
    tx.execute(
        "UPDATE sessions SET status = 'cancelled', cancel_reason = ?2, updated_at = ?3 WHERE id = ?1",
        params![session.id, args.reason.trim(), ctx.now()],
    )?;
    audit(tx, ctx, "cancel", "session", &session.id)?;
    load(tx, &session.id)
}

/// Rewrites a session's notes or summary: refused while an attendee has declined or withdrawn consent to notes
/// being kept, unless the change only erases text (what a withdrawal asks for).
pub(crate) fn update_session_notes(tx: &Transaction<'_>, ctx: &Ctx, args: SessionNotes) -> Result<Session, ModelError> {
    let session = load_for_change(tx, &args.session_id)?;
    if args.private_notes.is_none() && args.shareable_summary.is_none() {
        return Err(ModelError::Invalid("give the private notes, the shareable summary or both".into()));
    }
    let erases_only =
        [&args.private_notes, &args.shareable_summary].iter().all(|t| t.as_deref().is_none_or(|t| t.trim().is_empty()));
    if !erases_only {
        let attendees: Vec<ParticipantId> = session.attendees.iter().map(|a| a.participant_id.clone()).collect();
        require_session_record(tx, ctx, &attendees)?;
    }
    tx.execute(
        "UPDATE sessions SET private_notes = ?2, shareable_summary = ?3, updated_at = ?4 WHERE id = ?1",
        params![
            session.id,
            args.private_notes.as_deref().map(str::trim).unwrap_or(&session.private_notes),
            args.shareable_summary.as_deref().map(str::trim).unwrap_or(&session.shareable_summary),
            ctx.now(),
        ],
    )?;
    audit(tx, ctx, "update_notes", "session", &session.id)?;
    load(tx, &session.id)
}

pub(crate) fn list_sessions(conn: &Connection, _ctx: &Ctx, args: SessionsOfCase) -> Result<Vec<Session>, ModelError> {
    cases::load(conn, &args.case_id)?;
    let mut stmt =
        conn.prepare(&format!("SELECT {SESSION_COLUMNS} FROM sessions WHERE case_id = ?1 ORDER BY scheduled_for, id"))?;
    let rows = stmt.query_map([&args.case_id], |r| session_from_row(conn, r))?;
    Ok(rows.collect::<Result<_, _>>()?)
}
