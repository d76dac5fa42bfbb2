//! Notes: Markdown text on a case, or on a participant or session of that case; private unless marked shareable.

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::cases;
use super::consent;
use super::context::Ctx;
use super::errors::ModelError;
use super::ids::{CaseId, NoteId, ParticipantId, SessionId};
use super::op::Op;
use super::rows::{audit, found, required};
use super::session_consent::require_session_record;
use super::vocab::Activity;

pub(crate) fn ops() -> Vec<Op> {
    crate::ops! {
        write "add_note" => add_note, "Write a note on a case, or on one of its participants or sessions (private unless shareable).";
        write "update_note" => update_note, "Change a note's text or whether it may be shared.";
        write "delete_note" => delete_note, "Delete a note.";
        read "list_notes" => list_notes, "A case's notes, newest first, optionally for one participant or session.";
    }
}

/// A note. `body` is Markdown.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Note {
    pub id: NoteId,
    pub case_id: CaseId,
    pub participant_id: Option<ParticipantId>,
    pub session_id: Option<SessionId>,
    pub body: String,
    /// Whether the note may be shared beyond the facilitators (private by default).
    pub shareable: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct NewNote {
    pub case_id: CaseId,
    pub body: String,
    #[ts(optional)]
    pub participant_id: Option<ParticipantId>,
    #[ts(optional)]
    pub session_id: Option<SessionId>,
    #[serde(default)]
    pub shareable: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct NoteUpdate {
    pub note_id: NoteId,
    #[ts(optional)]
    pub body: Option<String>,
    #[ts(optional)]
    pub shareable: Option<bool>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct NoteRef {
    pub note_id: NoteId,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct NoteFilter {
    pub case_id: CaseId,
    #[ts(optional)]
    pub participant_id: Option<ParticipantId>,
    #[ts(optional)]
    pub session_id: Option<SessionId>,
    /// Only notes marked shareable.
    #[serde(default)]
    pub shareable_only: bool,
}

const NOTE_COLUMNS: &str = "id, case_id, participant_id, session_id, body, shareable, created_at, updated_at";

fn note_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Note> {
    Ok(Note {
        id: r.get(0)?,
        case_id: r.get(1)?,
        participant_id: r.get(2)?,
        session_id: r.get(3)?,
        body: r.get(4)?,
        shareable: r.get(5)?,
        created_at: r.get(6)?,
        updated_at: r.get(7)?,
    })
}

/// Reads one note.
pub(crate) fn load(conn: &Connection, id: &NoteId) -> Result<Note, ModelError> {
    found(conn.query_row(&format!("SELECT {NOTE_COLUMNS} FROM notes WHERE id = ?1"), [id], note_from_row), "note", id)
}

/// Refuses a participant, session or note (`kind` names the table's record) that is not part of `case`.
pub(crate) fn ensure_in_case(
    conn: &Connection,
    kind: &'static str,
    table: &str,
    id: &dyn std::fmt::Display,
    case: &CaseId,
) -> Result<(), ModelError> {
    let owner: Option<CaseId> = conn
        .query_row(&format!("SELECT case_id FROM {table} WHERE id = ?1"), [id.to_string()], |r| r.get(0))
        .optional()?;
    match owner {
        None => Err(ModelError::not_found(kind, id)),
        Some(owner) if &owner != case => Err(ModelError::Invalid(format!("that {kind} belongs to another case"))),
        Some(_) => Ok(()),
    }
}

/// Refuses writing a note's text unless the people it is about allow it today: a note about a participant needs
/// their grant to keeping notes in force; a note on a session, that no attendee has declined or withdrawn it.
pub(crate) fn require_note_consent(
    conn: &Connection,
    ctx: &Ctx,
    participant: Option<&ParticipantId>,
    session: Option<&SessionId>,
) -> Result<(), ModelError> {
    if let Some(participant) = participant {
        consent::require(conn, ctx, participant, Activity::KeepingNotes, ctx.today())?;
    }
    if let Some(session) = session {
        let mut stmt = conn.prepare_cached("SELECT participant_id FROM session_attendees WHERE session_id = ?1")?;
        let attendees = stmt.query_map([session], |r| r.get(0))?.collect::<Result<Vec<ParticipantId>, _>>()?;
        require_session_record(conn, ctx, &attendees)?;
    }
    Ok(())
}

/// Adds a note. A note about a participant needs their consent to keeping notes in force today; a note on a
/// session, that none of its attendees has said no to it.
pub(crate) fn add_note(tx: &Transaction<'_>, ctx: &Ctx, args: NewNote) -> Result<Note, ModelError> {
    let case = cases::ensure_open(tx, &args.case_id)?;
    required("The note's text", &args.body)?;
    if let Some(participant) = &args.participant_id {
        ensure_in_case(tx, "participant", "participants", participant, &case.id)?;
    }
    if let Some(session) = &args.session_id {
        ensure_in_case(tx, "session", "sessions", session, &case.id)?;
    }
    require_note_consent(tx, ctx, args.participant_id.as_ref(), args.session_id.as_ref())?;
    let id = NoteId(ctx.new_uuid());
    tx.execute(
        "INSERT INTO notes(id, case_id, body, created_at, participant_id, session_id, shareable)
         VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![id, case.id, args.body, ctx.now(), args.participant_id, args.session_id, args.shareable],
    )?;
    audit(tx, ctx, "create", "note", &id)?;
    load(tx, &id)
}

/// Rewrites a note: the same consent as writing it, judged today. Only making a note private needs none (it
/// narrows who may read it, which a withdrawal asks for); deleting it needs none either.
pub(crate) fn update_note(tx: &Transaction<'_>, ctx: &Ctx, args: NoteUpdate) -> Result<Note, ModelError> {
    let note = load(tx, &args.note_id)?;
    cases::ensure_open(tx, &note.case_id)?;
    if let Some(body) = &args.body {
        required("The note's text", body)?;
    }
    if args.body.is_some() || args.shareable == Some(true) {
        require_note_consent(tx, ctx, note.participant_id.as_ref(), note.session_id.as_ref())?;
    }
    tx.execute(
        "UPDATE notes SET body = ?2, shareable = ?3, updated_at = ?4 WHERE id = ?1",
        params![note.id, args.body.unwrap_or(note.body), args.shareable.unwrap_or(note.shareable), ctx.now()],
    )?;
    audit(tx, ctx, "update", "note", &note.id)?;
    load(tx, &note.id)
}

/// Deletes a note; its attachments stay on the case.
pub(crate) fn delete_note(tx: &Transaction<'_>, ctx: &Ctx, args: NoteRef) -> Result<(), ModelError> {
    let note = load(tx, &args.note_id)?;
    cases::ensure_open(tx, &note.case_id)?;
    tx.execute("DELETE FROM notes WHERE id = ?1", [&note.id])?;
    audit(tx, ctx, "delete", "note", &note.id)?;
    Ok(())
}

pub(crate) fn list_notes(conn: &Connection, _ctx: &Ctx, args: NoteFilter) -> Result<Vec<Note>, ModelError> {
    cases::load(conn, &args.case_id)?;
    let mut stmt = conn.prepare(&format!(
        "SELECT {NOTE_COLUMNS} FROM notes
         WHERE case_id = ?1 AND (?2 IS NULL OR participant_id = ?2) AND (?3 IS NULL OR session_id = ?3)
           AND (NOT ?4 OR shareable)
         ORDER BY created_at DESC, id DESC"
    ))?;
    let rows = stmt
        .query_map(params![args.case_id, args.participant_id, args.session_id, args.shareable_only], note_from_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}
