//! One session with what came of it: its attendees, agreements and follow-ups, and whether it has a safety plan
//! (a composite read over sessions, their outcomes and safety plans).

use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::context::Ctx;
use super::errors::ModelError;
use super::op::Op;
use super::session_outcomes::{agreements_of, follow_ups_of, Agreement, FollowUp};
use super::sessions::{load, Session, SessionRef};

pub(crate) fn ops() -> Vec<Op> {
    crate::ops! {
        read "get_session" => get_session, "One session with attendees, agreements, follow-ups and whether it has a safety plan.";
    }
}

/// A session with what came of it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct SessionRecord {
    pub session: Session,
    pub agreements: Vec<Agreement>,
    pub follow_ups: Vec<FollowUp>,
    pub has_safety_plan: bool,
}

pub(crate) fn get_session(conn: &Connection, _ctx: &Ctx, args: SessionRef) -> Result<SessionRecord, ModelError> {
    let session = load(conn, &args.session_id)?;
    let has_safety_plan = conn
        .query_row("SELECT 1 FROM safety_plans WHERE session_id = ?1", [&session.id], |_| Ok(()))
        .optional()?
        .is_some();
    Ok(SessionRecord {
        agreements: agreements_of(conn, &session.id)?,
        follow_ups: follow_ups_of(conn, &session.id)?,
        has_safety_plan,
        session,
    })
}
