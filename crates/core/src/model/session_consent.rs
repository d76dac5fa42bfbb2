//! Rule 1 for sessions: every attendee's current consent must cover the session's activity, on the session's
//! day and today. Checked when scheduling, adding an attendee and recording; scheduled sessions whose attendees
//! no longer consent are listed for attention, because a withdrawal takes effect everywhere at once.

use chrono::NaiveDate;
use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::consent::{self, ConsentState};
use super::ops::Op;
use super::sessions::{session_from_row, Session, SESSION_COLUMNS};
use super::{Activity, CaseId, Ctx, ModelError, ParticipantId, SessionKind};

pub fn ops() -> Vec<Op> {
    crate::ops! {
        read "sessions_needing_attention" => sessions_needing_attention, "Scheduled sessions with an attendee whose consent no longer covers the activity.";
    }
}

/// Refuses with [`ModelError::ConsentRequired`] (naming the participant) unless each attendee's consent covers
/// the activity of `kind` on every one of `days`. Supervision involves no participant's consent.
pub fn require_attendees(conn: &Connection, attendees: &[ParticipantId], kind: SessionKind, days: &[NaiveDate]) -> Result<(), ModelError> {
    let Some(activity) = kind.activity() else { return Ok(()) };
    for attendee in attendees {
        for day in days {
            consent::require(conn, attendee, activity, *day)?;
        }
    }
    Ok(())
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

fn gaps_of(conn: &Connection, session: &Session, today: NaiveDate) -> Result<Vec<ConsentGap>, ModelError> {
    let Some(activity) = session.kind.activity() else { return Ok(Vec::new()) };
    let mut gaps = Vec::new();
    for attendee in &session.attendees {
        for on in [today, session.scheduled_for.date_naive()] {
            let state = consent::current(conn, &attendee.participant_id, activity, "", on)?;
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

pub fn sessions_needing_attention(conn: &Connection, ctx: &Ctx, filter: AttentionFilter) -> Result<Vec<SessionAttention>, ModelError> {
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
        let gaps = gaps_of(conn, &session, ctx.today())?;
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
            crate::model::session_outcomes::ops(),
            crate::model::shuttle::ops(),
            crate::model::accountability::ops(),
            crate::model::progress_report::ops(),
        ];
        for op in ops.iter().flatten() {
            op.collect_types(&mut collector);
        }
        for name in [
            "Process", "Session", "SessionRecord", "Attendee", "Agreement", "FollowUp", "SessionAttention", "ConsentGap",
            "ConsentState", "ShuttleMessage", "Commitment", "ProgressEntry", "ProgressReport", "ReportedCommitment",
            "ScheduleSession", "NewProgress",
        ] {
            assert!(collector.declarations.contains_key(name), "no declaration of {name}");
        }
    }
}
