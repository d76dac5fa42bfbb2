//! What came of a session: outcome agreements (with the consent of those who agreed) and follow-up tasks.

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::types::Type;
use rusqlite::{params, Connection, Transaction};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::context::Ctx;
use super::errors::ModelError;
use super::ids::{AgreementId, ParticipantId, SessionId, TaskId};
use super::op::Op;
use super::rows::{audit, required};
use super::session_consent::require_attendees;
use super::sessions::load_for_change;
use super::vocab::SessionStatus;

pub(crate) fn ops() -> Vec<Op> {
    crate::ops! {
        write "add_agreement" => add_agreement, "Record an agreement reached in a held session, with who agreed to it.";
        write "add_follow_up" => add_follow_up, "Add a follow-up task tied to a session.";
    }
}

/// An agreement reached in a session.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Agreement {
    pub id: AgreementId,
    pub session_id: SessionId,
    pub text: String,
    /// The attendees who consented to this agreement.
    pub agreed_by: Vec<ParticipantId>,
    pub agreed_on: NaiveDate,
}

/// A task that follows from a session.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct FollowUp {
    pub id: TaskId,
    pub title: String,
    pub due_on: Option<NaiveDate>,
    pub done_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct NewAgreement {
    pub session_id: SessionId,
    pub text: String,
    /// Attendees of the session who consented to the agreement (at least one).
    pub agreed_by: Vec<ParticipantId>,
    /// The day the session was held unless given.
    #[ts(optional)]
    #[serde(default)]
    pub agreed_on: Option<NaiveDate>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct NewFollowUp {
    pub session_id: SessionId,
    pub title: String,
    #[ts(optional)]
    #[serde(default)]
    pub due_on: Option<NaiveDate>,
}

pub(crate) fn agreements_of(conn: &Connection, session: &SessionId) -> rusqlite::Result<Vec<Agreement>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, session_id, text, agreed_by, agreed_on FROM agreements WHERE session_id = ?1 ORDER BY agreed_on, id",
    )?;
    let rows = stmt.query_map([session], |r| {
        let agreed_by: String = r.get(3)?;
        let agreed_by = serde_json::from_str(&agreed_by)
            .map_err(|e| rusqlite::Error::FromSqlConversionFailure(3, Type::Text, Box::new(e)))?;
        Ok(Agreement { id: r.get(0)?, session_id: r.get(1)?, text: r.get(2)?, agreed_by, agreed_on: r.get(4)? })
    })?;
    rows.collect()
}

pub(crate) fn follow_ups_of(conn: &Connection, session: &SessionId) -> rusqlite::Result<Vec<FollowUp>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, title, due_on, done_at FROM tasks WHERE session_id = ?1 ORDER BY due_on IS NULL, due_on, id",
    )?;
    let rows = stmt.query_map([session], |r| {
        Ok(FollowUp { id: r.get(0)?, title: r.get(1)?, due_on: r.get(2)?, done_at: r.get(3)? })
    })?;
    rows.collect()
}

/// Records an agreement of a held session. Those who agreed must have attended, and their consent to the
/// session's activity must have held on the day of the agreement: it is not recorded in the name of someone who
/// had withdrawn by then.
pub(crate) fn add_agreement(tx: &Transaction<'_>, ctx: &Ctx, args: NewAgreement) -> Result<Agreement, ModelError> {
    let session = load_for_change(tx, &args.session_id)?;
    let Some(held_on) = session.held_on.filter(|_| session.status == SessionStatus::Held) else {
        return Err(ModelError::NotAllowed(
            "agreements are recorded for a session that was held; record the session first".into(),
        ));
    };
    required("The agreement's text", &args.text)?;
    let mut agreed_by: Vec<ParticipantId> = Vec::with_capacity(args.agreed_by.len());
    for id in &args.agreed_by {
        if !session.attendees.iter().any(|a| &a.participant_id == id) {
            return Err(ModelError::Invalid(format!(
                "participant {id} did not attend this session; only attendees can agree"
            )));
        }
        if !agreed_by.contains(id) {
            agreed_by.push(id.clone());
        }
    }
    if agreed_by.is_empty() {
        return Err(ModelError::Invalid("say who agreed: at least one attendee who consented to the agreement".into()));
    }
    let agreed_on = args.agreed_on.unwrap_or(held_on);
    if agreed_on < held_on || agreed_on > ctx.today() {
        return Err(ModelError::Invalid("an agreement is dated between the day the session was held and today".into()));
    }
    require_attendees(tx, ctx, &agreed_by, session.kind, &[agreed_on])?;
    let agreed_by_json = serde_json::to_string(&agreed_by)
        .map_err(|e| ModelError::Invalid(format!("the list of who agreed could not be stored: {e}")))?;
    let id = AgreementId(ctx.new_uuid());
    tx.execute(
        "INSERT INTO agreements(id, session_id, text, agreed_by, agreed_on) VALUES(?1, ?2, ?3, ?4, ?5)",
        params![id, session.id, args.text.trim(), agreed_by_json, agreed_on],
    )?;
    audit(tx, ctx, "create", "agreement", &id)?;
    Ok(Agreement { id, session_id: session.id, text: args.text.trim().to_owned(), agreed_by, agreed_on })
}

pub(crate) fn add_follow_up(tx: &Transaction<'_>, ctx: &Ctx, args: NewFollowUp) -> Result<FollowUp, ModelError> {
    let session = load_for_change(tx, &args.session_id)?;
    required("A title", &args.title)?;
    let id = TaskId(ctx.new_uuid());
    tx.execute(
        "INSERT INTO tasks(id, case_id, session_id, title, due_on, created_at) VALUES(?1, ?2, ?3, ?4, ?5, ?6)",
        params![id, session.case_id, session.id, args.title.trim(), args.due_on, ctx.now()],
    )?;
    audit(tx, ctx, "create", "task", &id)?;
    Ok(FollowUp { id, title: args.title.trim().to_owned(), due_on: args.due_on, done_at: None })
}
