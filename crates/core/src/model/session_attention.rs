//! Scheduled sessions whose attendees' consent no longer covers them, listed for attention (a composite read:
//! sessions judged against the consent ledger, today and on the session's day).

use chrono::NaiveDate;
use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::consent;
use super::context::Ctx;
use super::errors::ModelError;
use super::ids::{CaseId, ParticipantId};
use super::op::Op;
use super::sessions::{session_from_row, Session, SESSION_COLUMNS};
use super::vocab::{Activity, ConsentState};

pub(crate) fn ops() -> Vec<Op> {
    crate::ops! {
        read "sessions_needing_attention" => sessions_needing_attention, "Scheduled sessions with an attendee whose consent no longer covers the activity.";
    }
}

/// An attendee whose consent does not cover a scheduled session.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ConsentGap {
    pub participant_id: ParticipantId,
    pub alias: String,
    pub activity: Activity,
    /// What the ledger says on `on`.
    pub state: ConsentState,
    /// Today, or the session's day if the consent holds today but not then (it expires before).
    pub on: NaiveDate,
}

/// A scheduled session that cannot go ahead as planned.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct SessionAttention {
    pub session: Session,
    pub gaps: Vec<ConsentGap>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[serde(default)]
pub struct AttentionFilter {
    /// One case only; every open case otherwise.
    #[ts(optional)]
    pub case_id: Option<CaseId>,
}

fn gaps_of(conn: &Connection, ctx: &Ctx, session: &Session) -> Result<Vec<ConsentGap>, ModelError> {
    let Some(activity) = session.kind.activity() else {
        return Ok(Vec::new());
    };
    let mut gaps = Vec::new();
    for attendee in &session.attendees {
        for on in [ctx.today(), ctx.date_of(session.scheduled_for)] {
            let state = consent::state_on(conn, ctx.zone(), &attendee.participant_id, activity, "", on)?;
            if state != ConsentState::Granted {
                gaps.push(ConsentGap {
                    participant_id: attendee.participant_id.clone(),
                    alias: attendee.alias.clone(),
                    activity,
                    state,
                    on,
                });
                break;
            }
        }
    }
    Ok(gaps)
}

pub(crate) fn sessions_needing_attention(
    conn: &Connection,
    ctx: &Ctx,
    filter: AttentionFilter,
) -> Result<Vec<SessionAttention>, ModelError> {
    if let Some(case) = &filter.case_id {
        super::cases::load(conn, case)?;
    }
    let mut stmt = conn.prepare(&format!(
        "SELECT {SESSION_COLUMNS} FROM sessions
         WHERE status = 'scheduled' AND kind <> 'supervision' AND (?1 IS NULL OR case_id = ?1)
           AND case_id IN (SELECT id FROM cases WHERE stage <> 'closed')
         ORDER BY scheduled_for, id"
    ))?;
    let sessions = stmt.query_map([&filter.case_id], |r| session_from_row(conn, r))?.collect::<Result<Vec<_>, _>>()?;
    let mut out = Vec::new();
    for session in sessions {
        let gaps = gaps_of(conn, ctx, &session)?;
        if !gaps.is_empty() {
            out.push(SessionAttention { session, gaps });
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use crate::model::ops::TypeCollector;

    /// The TypeScript shapes of these modules' operations generate (a failing `decl` is skipped silently).
    #[test]
    fn shapes_generate() {
        let mut collector = TypeCollector::default();
        let ops = [
            crate::model::processes::ops(),
            crate::model::sessions::ops(),
            super::ops(),
            crate::model::session_record::ops(),
            crate::model::session_outcomes::ops(),
            crate::model::shuttle::ops(),
            crate::model::accountability::ops(),
            crate::model::progress_report::ops(),
        ];
        for op in ops.iter().flatten() {
            op.collect_types(&mut collector);
        }
        for name in [
            "Process",
            "Session",
            "SessionRecord",
            "Attendee",
            "Agreement",
            "FollowUp",
            "SessionAttention",
            "ConsentGap",
            "ConsentState",
            "ShuttleMessage",
            "Commitment",
            "ProgressEntry",
            "ProgressReport",
            "ReportedCommitment",
            "ScheduleSession",
            "NewProgress",
        ] {
            assert!(collector.declarations.contains_key(name), "no declaration of {name}");
        }
    }
}
