//! Indirect (shuttle) dialogue: the facilitator carries messages between participants. Rule 2: a message is
//! relayed only after its author approved it, and only while both author and recipient consent to indirect
//! dialogue. Writing a message down and recording its approval need the author's consent on that day.

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, Transaction};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::cases;
use super::consent;
use super::context::Ctx;
use super::errors::ModelError;
use super::ids::{CaseId, MessageId, ParticipantId, ProcessId};
use super::op::Op;
use super::roster;
use super::rows::{audit, found, required};
use super::vocab::Activity;

pub(crate) fn ops() -> Vec<Op> {
    crate::ops! {
        write "write_message" => write_message, "Write down a message one participant wants carried to another.";
        write "approve_message" => approve_message, "Record the author's approval to relay their message.";
        write "relay_message" => relay_message, "Mark an approved message relayed (both sides must consent to indirect dialogue).";
        read "list_messages" => list_messages, "A case's shuttle messages in the order written, with approval and relay times.";
    }
}

/// One message of an indirect dialogue.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ShuttleMessage {
    pub id: MessageId,
    pub case_id: CaseId,
    pub process_id: Option<ProcessId>,
    pub author_id: ParticipantId,
    pub recipient_id: ParticipantId,
    pub content: String,
    pub written_at: DateTime<Utc>,
    /// When the author approved relaying it.
    pub approved_at: Option<DateTime<Utc>>,
    pub approval_note: String,
    pub relayed_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct NewMessage {
    pub case_id: CaseId,
    #[ts(optional)]
    #[serde(default)]
    pub process_id: Option<ProcessId>,
    pub author_id: ParticipantId,
    pub recipient_id: ParticipantId,
    pub content: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct ApproveMessage {
    pub message_id: MessageId,
    /// How and in what words the author approved (for example "read back by phone, approved as written").
    #[serde(default)]
    pub approval_note: String,
    /// When the author approved; now unless given.
    #[ts(optional)]
    #[serde(default)]
    pub approved_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct MessageRef {
    pub message_id: MessageId,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct MessagesOfCase {
    pub case_id: CaseId,
}

const MESSAGE_COLUMNS: &str =
    "id, case_id, process_id, author_id, recipient_id, content, written_at, approved_at, approval_note, relayed_at";

fn message_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<ShuttleMessage> {
    Ok(ShuttleMessage {
        id: r.get(0)?,
        case_id: r.get(1)?,
        process_id: r.get(2)?,
        author_id: r.get(3)?,
        recipient_id: r.get(4)?,
        content: r.get(5)?,
        written_at: r.get(6)?,
        approved_at: r.get(7)?,
        approval_note: r.get(8)?,
        relayed_at: r.get(9)?,
    })
}

/// Reads one message.
pub(crate) fn load(conn: &Connection, id: &MessageId) -> Result<ShuttleMessage, ModelError> {
    found(
        conn.query_row(
            &format!("SELECT {MESSAGE_COLUMNS} FROM shuttle_messages WHERE id = ?1"),
            [id],
            message_from_row,
        ),
        "message",
        id,
    )
}

fn load_for_change(conn: &Connection, id: &MessageId) -> Result<ShuttleMessage, ModelError> {
    let message = load(conn, id)?;
    cases::ensure_open(conn, &message.case_id)?;
    Ok(message)
}

pub(crate) fn write_message(tx: &Transaction<'_>, ctx: &Ctx, args: NewMessage) -> Result<ShuttleMessage, ModelError> {
    cases::ensure_open(tx, &args.case_id)?;
    required("The message", &args.content)?;
    if args.author_id == args.recipient_id {
        return Err(ModelError::Invalid(
            "a message goes from one participant to another; the author and recipient are the same".into(),
        ));
    }
    roster::member(tx, &args.case_id, &args.author_id)?;
    roster::member(tx, &args.case_id, &args.recipient_id)?;
    consent::require(tx, ctx, &args.author_id, Activity::IndirectDialogue, ctx.today())?;
    if let Some(process) = &args.process_id {
        roster::running_process(tx, &args.case_id, process)?;
    }
    let id = MessageId(ctx.new_uuid());
    tx.execute(
        "INSERT INTO shuttle_messages(id, case_id, process_id, author_id, recipient_id, content, written_at)
         VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![id, args.case_id, args.process_id, args.author_id, args.recipient_id, args.content.trim(), ctx.now()],
    )?;
    audit(tx, ctx, "write", "message", &id)?;
    load(tx, &id)
}

pub(crate) fn approve_message(
    tx: &Transaction<'_>,
    ctx: &Ctx,
    args: ApproveMessage,
) -> Result<ShuttleMessage, ModelError> {
    let message = load_for_change(tx, &args.message_id)?;
    if message.approved_at.is_some() {
        return Err(ModelError::Invalid("the author has already approved this message".into()));
    }
    let approved_at = args.approved_at.unwrap_or_else(|| ctx.now());
    if approved_at < message.written_at || approved_at > ctx.now() {
        return Err(ModelError::Invalid("the approval falls between the time the message was written and now".into()));
    }
    consent::require(tx, ctx, &message.author_id, Activity::IndirectDialogue, ctx.date_of(approved_at))?;
    tx.execute(
        "UPDATE shuttle_messages SET approved_at = ?2, approval_note = ?3 WHERE id = ?1",
        params![message.id, approved_at, args.approval_note.trim()],
    )?;
    audit(tx, ctx, "approve", "message", &message.id)?;
    load(tx, &message.id)
}

/// Marks a message relayed: refused before the author approved it ([`ModelError::ApprovalRequired`]), and
/// unless both author and recipient consent to indirect dialogue today ([`ModelError::ConsentRequired`]).
pub(crate) fn relay_message(tx: &Transaction<'_>, ctx: &Ctx, args: MessageRef) -> Result<ShuttleMessage, ModelError> {
    let message = load_for_change(tx, &args.message_id)?;
    if message.relayed_at.is_some() {
        return Err(ModelError::NotAllowed("this message was already relayed; a message is relayed once".into()));
    }
    if message.approved_at.is_none() {
        return Err(ModelError::ApprovalRequired);
    }
    consent::require(tx, ctx, &message.author_id, Activity::IndirectDialogue, ctx.today())?;
    consent::require(tx, ctx, &message.recipient_id, Activity::IndirectDialogue, ctx.today())?;
    tx.execute("UPDATE shuttle_messages SET relayed_at = ?2 WHERE id = ?1", params![message.id, ctx.now()])?;
    audit(tx, ctx, "relay", "message", &message.id)?;
    load(tx, &message.id)
}

pub(crate) fn list_messages(
    conn: &Connection,
    _ctx: &Ctx,
    args: MessagesOfCase,
) -> Result<Vec<ShuttleMessage>, ModelError> {
    cases::load(conn, &args.case_id)?;
    let mut stmt = conn.prepare(&format!(
        "SELECT {MESSAGE_COLUMNS} FROM shuttle_messages WHERE case_id = ?1 ORDER BY written_at, id"
    ))?;
    let rows = stmt.query_map([&args.case_id], message_from_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}
