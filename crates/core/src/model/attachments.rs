//! Attachments: small files kept inside the vault (encrypted with the rest of the database), optionally on a note.
//! Content travels as base64 text in JSON; lists carry metadata only.

use base64::Engine;
use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, Transaction};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::cases;
use super::context::Ctx;
use super::errors::ModelError;
use super::ids::{AttachmentId, CaseId, NoteId};
use super::notes::ensure_in_case;
use super::op::Op;
use super::rows::{audit, found, required};

/// The largest attachment accepted, decoded: 10 MiB.
pub const MAX_ATTACHMENT_BYTES: usize = 10 * 1024 * 1024;

const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD;

pub(crate) fn ops() -> Vec<Op> {
    crate::ops! {
        write "add_attachment" => add_attachment, "Keep a file (at most 10 MiB, base64 content) on a case or one of its notes.";
        write "delete_attachment" => delete_attachment, "Delete an attachment.";
        read "list_attachments" => list_attachments, "A case's attachments, newest first, without their content.";
        read "get_attachment" => get_attachment, "One attachment with its content as base64.";
        write "export_attachment" => export_attachment, "One attachment with its content as base64, to be saved outside the vault; the export is audited.";
    }
}

/// What is known of an attachment without its content.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Attachment {
    pub id: AttachmentId,
    pub case_id: CaseId,
    pub note_id: Option<NoteId>,
    pub title: String,
    pub media_type: String,
    /// Size in bytes.
    pub size: i64,
    pub created_at: DateTime<Utc>,
}

/// An attachment with its content.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct AttachmentContent {
    #[serde(flatten)]
    pub attachment: Attachment,
    /// The bytes, base64 (standard alphabet, padded).
    pub content: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct NewAttachment {
    pub case_id: CaseId,
    pub title: String,
    /// For example `application/pdf` or `image/png`.
    pub media_type: String,
    /// The bytes, base64 (standard alphabet).
    pub content: String,
    #[ts(optional)]
    pub note_id: Option<NoteId>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct AttachmentRef {
    pub attachment_id: AttachmentId,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct AttachmentFilter {
    pub case_id: CaseId,
    /// Only the attachments of this note.
    #[ts(optional)]
    pub note_id: Option<NoteId>,
}

const COLUMNS: &str = "id, case_id, note_id, title, media_type, size, created_at";

fn from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Attachment> {
    Ok(Attachment {
        id: r.get(0)?,
        case_id: r.get(1)?,
        note_id: r.get(2)?,
        title: r.get(3)?,
        media_type: r.get(4)?,
        size: r.get(5)?,
        created_at: r.get(6)?,
    })
}

fn load(conn: &Connection, id: &AttachmentId) -> Result<Attachment, ModelError> {
    found(conn.query_row(&format!("SELECT {COLUMNS} FROM attachments WHERE id = ?1"), [id], from_row), "attachment", id)
}

fn too_large(bytes: usize) -> ModelError {
    let mib = bytes as f64 / (1024.0 * 1024.0);
    ModelError::Invalid(format!("an attachment can be at most 10 MiB; this one is {mib:.1} MiB"))
}

/// Decodes base64 content, refusing anything over the limit before decoding it.
fn decode(content: &str) -> Result<Vec<u8>, ModelError> {
    let text: String = content.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    // Four base64 characters carry three bytes: the decoded size is known without decoding.
    let estimate = text.len() / 4 * 3;
    if estimate > MAX_ATTACHMENT_BYTES + 2 {
        return Err(too_large(estimate));
    }
    let bytes = B64
        .decode(text.as_bytes())
        .map_err(|_| ModelError::Invalid("the attachment's content is not valid base64".into()))?;
    if bytes.len() > MAX_ATTACHMENT_BYTES {
        return Err(too_large(bytes.len()));
    }
    Ok(bytes)
}

fn valid_media_type(media_type: &str) -> bool {
    let token = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || "!#$&-^_.+".contains(c));
    let essence = media_type.split(';').next().unwrap_or_default();
    matches!(essence.split_once('/'), Some((kind, sub)) if token(kind) && token(sub))
}

pub(crate) fn add_attachment(tx: &Transaction<'_>, ctx: &Ctx, args: NewAttachment) -> Result<Attachment, ModelError> {
    let case = cases::ensure_open(tx, &args.case_id)?;
    required("A title", &args.title)?;
    let media_type = args.media_type.trim().to_ascii_lowercase();
    if !valid_media_type(&media_type) {
        return Err(ModelError::Invalid("the media type should look like `application/pdf` or `image/png`".into()));
    }
    if let Some(note) = &args.note_id {
        ensure_in_case(tx, "note", "notes", note, &case.id)?;
        // An attachment on a note is part of that note: the same consent as writing it.
        let note = super::notes::load(tx, note)?;
        super::notes::require_note_consent(tx, ctx, note.participant_id.as_ref(), note.session_id.as_ref())?;
    }
    let bytes = decode(&args.content)?;
    if bytes.is_empty() {
        return Err(ModelError::Invalid("the attachment is empty".into()));
    }
    let id = AttachmentId(ctx.new_uuid());
    tx.execute(
        "INSERT INTO attachments(id, case_id, note_id, title, media_type, size, content, created_at)
         VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![id, case.id, args.note_id, args.title.trim(), media_type, bytes.len() as i64, bytes, ctx.now()],
    )?;
    audit(tx, ctx, "create", "attachment", &id)?;
    load(tx, &id)
}

pub(crate) fn delete_attachment(tx: &Transaction<'_>, ctx: &Ctx, args: AttachmentRef) -> Result<(), ModelError> {
    let attachment = load(tx, &args.attachment_id)?;
    cases::ensure_open(tx, &attachment.case_id)?;
    tx.execute("DELETE FROM attachments WHERE id = ?1", [&attachment.id])?;
    audit(tx, ctx, "delete", "attachment", &attachment.id)?;
    Ok(())
}

pub(crate) fn list_attachments(
    conn: &Connection,
    _ctx: &Ctx,
    args: AttachmentFilter,
) -> Result<Vec<Attachment>, ModelError> {
    cases::load(conn, &args.case_id)?;
    let mut stmt = conn.prepare(&format!(
        "SELECT {COLUMNS} FROM attachments WHERE case_id = ?1 AND (?2 IS NULL OR note_id = ?2)
         ORDER BY created_at DESC, id DESC"
    ))?;
    let rows = stmt.query_map(params![args.case_id, args.note_id], from_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub(crate) fn get_attachment(
    conn: &Connection,
    _ctx: &Ctx,
    args: AttachmentRef,
) -> Result<AttachmentContent, ModelError> {
    let attachment = load(conn, &args.attachment_id)?;
    let bytes: Vec<u8> =
        conn.query_row("SELECT content FROM attachments WHERE id = ?1", [&attachment.id], |r| r.get(0))?;
    Ok(AttachmentContent { attachment, content: B64.encode(bytes) })
}

/// The content of an attachment that is about to leave the vault as a plain file: the same answer as
/// `get_attachment`, and an `export` entry in the audit log (who, which attachment, when; never where it went).
pub(crate) fn export_attachment(
    tx: &Transaction<'_>,
    ctx: &Ctx,
    args: AttachmentRef,
) -> Result<AttachmentContent, ModelError> {
    let content = get_attachment(tx, ctx, args)?;
    audit(tx, ctx, "export", "attachment", &content.attachment.id)?;
    Ok(content)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn media_types() {
        assert!(valid_media_type("application/pdf"));
        assert!(valid_media_type("text/plain; charset=utf-8"));
        assert!(!valid_media_type("pdf"));
        assert!(!valid_media_type("a/"));
        assert!(!valid_media_type("a b/c"));
    }

    #[test]
    fn the_limit_is_checked_before_and_after_decoding() {
        assert_eq!(decode("aGVsbG8=").expect("decodes"), b"hello");
        let exact = B64.encode(vec![0u8; MAX_ATTACHMENT_BYTES]);
        assert_eq!(decode(&exact).expect("at the limit").len(), MAX_ATTACHMENT_BYTES);
        let over = B64.encode(vec![0u8; MAX_ATTACHMENT_BYTES + 1]);
        let err = decode(&over).expect_err("over the limit");
        assert!(err.to_string().contains("at most 10 MiB"), "{err}");
        assert!(decode("not base64!").is_err());
    }
}
