//! Safety plans: one per meeting (session), saying where it happens, whether people arrive and leave separately,
//! who is there in support, and the signals that pause or stop it.

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::cases;
use super::context::Ctx;
use super::errors::ModelError;
use super::ids::{CaseId, SessionId};
use super::op::Op;
use super::rows::{audit, found};

pub(crate) fn ops() -> Vec<Op> {
    crate::ops! {
        write "set_safety_plan" => set_safety_plan, "Write a meeting's safety plan; fields left out keep their value.";
        read "get_safety_plan" => get_safety_plan, "A meeting's safety plan.";
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct SafetyPlan {
    pub session_id: SessionId,
    pub venue: String,
    pub separate_arrival: bool,
    pub separate_departure: bool,
    pub supports_present: String,
    /// The agreed signals to pause the meeting.
    pub pause_signals: String,
    /// The agreed signals to stop the meeting.
    pub stop_signals: String,
    pub notes: String,
    pub updated_at: DateTime<Utc>,
}

/// Fields left out keep their value (a new plan starts empty, with separate arrival and departure).
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct SetSafetyPlan {
    pub session_id: SessionId,
    #[ts(optional)]
    pub venue: Option<String>,
    #[ts(optional)]
    pub separate_arrival: Option<bool>,
    #[ts(optional)]
    pub separate_departure: Option<bool>,
    #[ts(optional)]
    pub supports_present: Option<String>,
    #[ts(optional)]
    pub pause_signals: Option<String>,
    #[ts(optional)]
    pub stop_signals: Option<String>,
    #[ts(optional)]
    pub notes: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct SessionRef {
    pub session_id: SessionId,
}

fn case_of_session(conn: &Connection, session: &SessionId) -> Result<CaseId, ModelError> {
    found(conn.query_row("SELECT case_id FROM sessions WHERE id = ?1", [session], |r| r.get(0)), "session", session)
}

fn load(conn: &Connection, session: &SessionId) -> Result<Option<SafetyPlan>, ModelError> {
    Ok(conn
        .query_row(
            "SELECT session_id, venue, separate_arrival, separate_departure, supports_present, pause_signals, stop_signals,
                    notes, updated_at
             FROM safety_plans WHERE session_id = ?1",
            [session],
            |r| {
                Ok(SafetyPlan {
                    session_id: r.get(0)?,
                    venue: r.get(1)?,
                    separate_arrival: r.get(2)?,
                    separate_departure: r.get(3)?,
                    supports_present: r.get(4)?,
                    pause_signals: r.get(5)?,
                    stop_signals: r.get(6)?,
                    notes: r.get(7)?,
                    updated_at: r.get(8)?,
                })
            },
        )
        .optional()?)
}

pub(crate) fn set_safety_plan(tx: &Transaction<'_>, ctx: &Ctx, args: SetSafetyPlan) -> Result<SafetyPlan, ModelError> {
    let case_id = case_of_session(tx, &args.session_id)?;
    cases::ensure_open(tx, &case_id)?;
    let old = load(tx, &args.session_id)?;
    let keep = |new: Option<String>, old: Option<&String>| {
        new.map(|v| v.trim().to_owned()).or_else(|| old.cloned()).unwrap_or_default()
    };
    let plan = old.as_ref();
    tx.execute(
        "INSERT INTO safety_plans(session_id, venue, separate_arrival, separate_departure, supports_present, pause_signals,
                                  stop_signals, notes, updated_at)
         VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
         ON CONFLICT(session_id) DO UPDATE SET venue = excluded.venue, separate_arrival = excluded.separate_arrival,
             separate_departure = excluded.separate_departure, supports_present = excluded.supports_present,
             pause_signals = excluded.pause_signals, stop_signals = excluded.stop_signals, notes = excluded.notes,
             updated_at = excluded.updated_at",
        params![
            args.session_id,
            keep(args.venue, plan.map(|p| &p.venue)),
            args.separate_arrival.or(plan.map(|p| p.separate_arrival)).unwrap_or(true),
            args.separate_departure.or(plan.map(|p| p.separate_departure)).unwrap_or(true),
            keep(args.supports_present, plan.map(|p| &p.supports_present)),
            keep(args.pause_signals, plan.map(|p| &p.pause_signals)),
            keep(args.stop_signals, plan.map(|p| &p.stop_signals)),
            keep(args.notes, plan.map(|p| &p.notes)),
            ctx.now(),
        ],
    )?;
    audit(tx, ctx, if old.is_some() { "update" } else { "create" }, "safety_plan", &args.session_id)?;
    load(tx, &args.session_id)?.ok_or_else(|| ModelError::not_found("safety plan", &args.session_id))
}

pub(crate) fn get_safety_plan(conn: &Connection, _ctx: &Ctx, args: SessionRef) -> Result<SafetyPlan, ModelError> {
    case_of_session(conn, &args.session_id)?;
    load(conn, &args.session_id)?.ok_or_else(|| ModelError::not_found("safety plan", &args.session_id))
}
