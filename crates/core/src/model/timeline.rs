//! A case's timeline: every dated event of the case merged in time order, each with what it was as data (vocabulary
//! words, aliases, titles, a stage change's reason) for front ends to word, never the private text of a record.

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use rusqlite::{params, Connection};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::cases;
use super::context::Ctx;
use super::errors::ModelError;
use super::ids::CaseId;
use super::op::Op;
use super::vocab::{
    Activity, AssessmentDecision, CommitmentKind, CommitmentStatus, ConsentDecision, Outcome, ProcessKind,
    ProcessStatus, SessionKind, Stage,
};

/// The reason a close recorded for its stage change before closes recorded none (still in older vaults and bundles).
const LEGACY_CLOSE_REASON: &str = "closed with an outcome summary";

pub(crate) fn ops() -> Vec<Op> {
    crate::ops! {
        read "case_timeline" => case_timeline, "Every dated event of a case, oldest first.";
    }
}

/// What happened. Events at the same moment are ordered by kind in this order, then by record id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum TimelineKind {
    CaseOpened,
    StageChanged,
    ConsentRecorded,
    AssessmentRecorded,
    ProcessOpened,
    ProcessClosed,
    SessionScheduled,
    SessionHeld,
    SessionCancelled,
    AgreementReached,
    MessageWritten,
    MessageApproved,
    MessageRelayed,
    CommitmentAdded,
    CommitmentDue,
    ProgressRecorded,
    NoteAdded,
    AttachmentAdded,
    TaskDue,
    TaskDone,
    CaseClosed,
}

/// One event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct TimelineItem {
    /// When; an event known only by its date is placed at 00:00 UTC of that date.
    pub at: DateTime<Utc>,
    /// The event is known only by its date.
    pub all_day: bool,
    pub kind: TimelineKind,
    /// The record the event belongs to (a case, consent entry, session, task…).
    pub record_id: String,
    /// What happened, for a front end to word: tagged by the same `kind`.
    pub detail: TimelineDetail,
}

/// What an event was, as data a front end words in the person's language: vocabulary words, aliases, and the
/// titles and reasons typed for it, never a record's private text. Serialized as `{"kind": "session_held",
/// "session_kind": …}`. The aliases are the participants' current ones.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum TimelineDetail {
    CaseOpened,
    StageChanged {
        from: Stage,
        to: Stage,
        /// Who decided, as typed.
        decided_by: String,
        /// Why, as typed; empty for a close (the case-closed event beside it says how it ended).
        reason: String,
    },
    ConsentRecorded {
        decision: ConsentDecision,
        activity: Activity,
        /// The participant whose consent it is.
        alias: String,
    },
    AssessmentRecorded {
        /// The case's stage the assessment was made at.
        stage: Stage,
        decision: AssessmentDecision,
        /// The participant assessed.
        alias: String,
    },
    ProcessOpened {
        process_kind: ProcessKind,
    },
    ProcessClosed {
        process_kind: ProcessKind,
        /// `withdrawn` when it was withdrawn; otherwise it ended (`closed`).
        status: ProcessStatus,
    },
    SessionScheduled {
        session_kind: SessionKind,
    },
    SessionHeld {
        session_kind: SessionKind,
    },
    SessionCancelled {
        session_kind: SessionKind,
    },
    AgreementReached {
        /// The kind of session the agreement was reached at.
        session_kind: SessionKind,
    },
    MessageWritten {
        /// Who wrote it.
        author: String,
        /// Who it is for.
        recipient: String,
    },
    MessageApproved {
        /// Its author, who approved it.
        author: String,
    },
    MessageRelayed {
        recipient: String,
    },
    CommitmentAdded {
        commitment_kind: CommitmentKind,
        /// The participant who made it.
        alias: String,
    },
    CommitmentDue {
        commitment_kind: CommitmentKind,
        /// The participant who made it.
        alias: String,
        /// Where it stands now.
        status: CommitmentStatus,
    },
    ProgressRecorded {
        /// The commitment it is progress on.
        commitment_kind: CommitmentKind,
        /// The participant who made it.
        alias: String,
    },
    NoteAdded {
        /// It may be shared beyond the facilitators.
        shareable: bool,
        /// The participant it is about, if any.
        alias: Option<String>,
        /// The kind of session it was written for, if any.
        session_kind: Option<SessionKind>,
    },
    AttachmentAdded {
        /// The attachment's title, as typed.
        title: String,
    },
    TaskDue {
        /// The task's title, as typed.
        title: String,
    },
    TaskDone {
        /// The task's title, as typed.
        title: String,
    },
    CaseClosed {
        /// How it ended, when recorded.
        outcome: Option<Outcome>,
    },
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct TimelineArgs {
    pub case_id: CaseId,
}

/// Reads a stored instant or date (RFC 3339, SQLite's `YYYY-MM-DD HH:MM:SS+00:00`, or `YYYY-MM-DD`).
/// Returns the instant and whether only the date was known.
pub(crate) fn parse_when(text: &str) -> Option<(DateTime<Utc>, bool)> {
    let text = text.trim();
    if let Ok(date) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        return Some((date.and_time(NaiveTime::MIN).and_utc(), true));
    }
    if let Ok(at) = DateTime::parse_from_rfc3339(text) {
        return Some((at.with_timezone(&Utc), false));
    }
    if let Ok(at) = DateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S%.f%:z") {
        return Some((at.with_timezone(&Utc), false));
    }
    ["%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M"]
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(text, f).ok())
        .map(|at| (at.and_utc(), false))
}

/// One kind of event: its query (when, record id, detail columns…) and its detail.
struct Source {
    kind: TimelineKind,
    sql: &'static str,
    detail: fn(&rusqlite::Row<'_>) -> rusqlite::Result<TimelineDetail>,
}

const SOURCES: &[Source] = &[
    Source {
        kind: TimelineKind::CaseOpened,
        sql: "SELECT coalesce(opened_on, created_at), id FROM cases WHERE id = ?1",
        detail: |_| Ok(TimelineDetail::CaseOpened),
    },
    Source {
        kind: TimelineKind::CaseClosed,
        sql: "SELECT closed_on, id, outcome FROM cases WHERE id = ?1 AND closed_on IS NOT NULL",
        detail: |r| Ok(TimelineDetail::CaseClosed { outcome: r.get(2)? }),
    },
    Source {
        kind: TimelineKind::StageChanged,
        sql: "SELECT at, id, from_stage, to_stage, decided_by, reason FROM case_stage_changes WHERE case_id = ?1",
        detail: |r| {
            let reason: String = r.get(5)?;
            // Before this version a close stored this English sentence as its reason: it is no reason.
            let reason = if reason == LEGACY_CLOSE_REASON { String::new() } else { reason };
            Ok(TimelineDetail::StageChanged { from: r.get(2)?, to: r.get(3)?, decided_by: r.get(4)?, reason })
        },
    },
    Source {
        kind: TimelineKind::ConsentRecorded,
        sql: "SELECT c.decided_at, c.id, c.decision, c.activity, p.alias
              FROM consents c JOIN participants p ON p.id = c.participant_id WHERE p.case_id = ?1",
        detail: |r| Ok(TimelineDetail::ConsentRecorded { decision: r.get(2)?, activity: r.get(3)?, alias: r.get(4)? }),
    },
    Source {
        kind: TimelineKind::AssessmentRecorded,
        sql: "SELECT a.assessed_on, a.id, a.stage, a.decision, p.alias
              FROM assessments a JOIN participants p ON p.id = a.participant_id WHERE p.case_id = ?1",
        detail: |r| Ok(TimelineDetail::AssessmentRecorded { stage: r.get(2)?, decision: r.get(3)?, alias: r.get(4)? }),
    },
    Source {
        kind: TimelineKind::ProcessOpened,
        sql: "SELECT opened_on, id, kind FROM processes WHERE case_id = ?1",
        detail: |r| Ok(TimelineDetail::ProcessOpened { process_kind: r.get(2)? }),
    },
    Source {
        kind: TimelineKind::ProcessClosed,
        sql: "SELECT closed_on, id, kind, status FROM processes WHERE case_id = ?1 AND closed_on IS NOT NULL",
        detail: |r| Ok(TimelineDetail::ProcessClosed { process_kind: r.get(2)?, status: r.get(3)? }),
    },
    Source {
        kind: TimelineKind::SessionScheduled,
        sql: "SELECT scheduled_for, id, kind FROM sessions WHERE case_id = ?1 AND status = 'scheduled'",
        detail: |r| Ok(TimelineDetail::SessionScheduled { session_kind: r.get(2)? }),
    },
    Source {
        kind: TimelineKind::SessionHeld,
        sql: "SELECT coalesce(held_on, scheduled_for), id, kind FROM sessions WHERE case_id = ?1 AND status = 'held'",
        detail: |r| Ok(TimelineDetail::SessionHeld { session_kind: r.get(2)? }),
    },
    Source {
        kind: TimelineKind::SessionCancelled,
        sql: "SELECT scheduled_for, id, kind FROM sessions WHERE case_id = ?1 AND status = 'cancelled'",
        detail: |r| Ok(TimelineDetail::SessionCancelled { session_kind: r.get(2)? }),
    },
    Source {
        kind: TimelineKind::AgreementReached,
        sql: "SELECT a.agreed_on, a.id, s.kind FROM agreements a JOIN sessions s ON s.id = a.session_id WHERE s.case_id = ?1",
        detail: |r| Ok(TimelineDetail::AgreementReached { session_kind: r.get(2)? }),
    },
    Source {
        kind: TimelineKind::MessageWritten,
        sql: "SELECT m.written_at, m.id, a.alias, r.alias FROM shuttle_messages m
              JOIN participants a ON a.id = m.author_id JOIN participants r ON r.id = m.recipient_id WHERE m.case_id = ?1",
        detail: |r| Ok(TimelineDetail::MessageWritten { author: r.get(2)?, recipient: r.get(3)? }),
    },
    Source {
        kind: TimelineKind::MessageApproved,
        sql: "SELECT m.approved_at, m.id, a.alias FROM shuttle_messages m JOIN participants a ON a.id = m.author_id
              WHERE m.case_id = ?1 AND m.approved_at IS NOT NULL",
        detail: |r| Ok(TimelineDetail::MessageApproved { author: r.get(2)? }),
    },
    Source {
        kind: TimelineKind::MessageRelayed,
        sql: "SELECT m.relayed_at, m.id, r.alias FROM shuttle_messages m JOIN participants r ON r.id = m.recipient_id
              WHERE m.case_id = ?1 AND m.relayed_at IS NOT NULL",
        detail: |r| Ok(TimelineDetail::MessageRelayed { recipient: r.get(2)? }),
    },
    Source {
        kind: TimelineKind::CommitmentAdded,
        sql: "SELECT c.created_at, c.id, c.kind, p.alias FROM commitments c JOIN participants p ON p.id = c.participant_id
              WHERE c.case_id = ?1",
        detail: |r| Ok(TimelineDetail::CommitmentAdded { commitment_kind: r.get(2)?, alias: r.get(3)? }),
    },
    Source {
        kind: TimelineKind::CommitmentDue,
        sql: "SELECT c.due_on, c.id, c.kind, p.alias, c.status FROM commitments c JOIN participants p ON p.id = c.participant_id
              WHERE c.case_id = ?1 AND c.due_on IS NOT NULL",
        detail: |r| {
            Ok(TimelineDetail::CommitmentDue { commitment_kind: r.get(2)?, alias: r.get(3)?, status: r.get(4)? })
        },
    },
    Source {
        kind: TimelineKind::ProgressRecorded,
        sql: "SELECT e.entry_on, e.id, c.kind, p.alias FROM progress_entries e
              JOIN commitments c ON c.id = e.commitment_id JOIN participants p ON p.id = c.participant_id WHERE c.case_id = ?1",
        detail: |r| Ok(TimelineDetail::ProgressRecorded { commitment_kind: r.get(2)?, alias: r.get(3)? }),
    },
    Source {
        kind: TimelineKind::NoteAdded,
        sql: "SELECT n.created_at, n.id, n.shareable, p.alias, s.kind FROM notes n
              LEFT JOIN participants p ON p.id = n.participant_id LEFT JOIN sessions s ON s.id = n.session_id
              WHERE n.case_id = ?1",
        detail: |r| Ok(TimelineDetail::NoteAdded { shareable: r.get(2)?, alias: r.get(3)?, session_kind: r.get(4)? }),
    },
    Source {
        kind: TimelineKind::AttachmentAdded,
        sql: "SELECT created_at, id, title FROM attachments WHERE case_id = ?1",
        detail: |r| Ok(TimelineDetail::AttachmentAdded { title: r.get(2)? }),
    },
    Source {
        kind: TimelineKind::TaskDue,
        sql: "SELECT due_on, id, title FROM tasks WHERE case_id = ?1 AND due_on IS NOT NULL",
        detail: |r| Ok(TimelineDetail::TaskDue { title: r.get(2)? }),
    },
    Source {
        kind: TimelineKind::TaskDone,
        sql: "SELECT done_at, id, title FROM tasks WHERE case_id = ?1 AND done_at IS NOT NULL",
        detail: |r| Ok(TimelineDetail::TaskDone { title: r.get(2)? }),
    },
];

fn text(value: rusqlite::types::ValueRef<'_>) -> String {
    use rusqlite::types::ValueRef;
    match value {
        ValueRef::Null => String::new(),
        ValueRef::Integer(i) => i.to_string(),
        ValueRef::Real(f) => f.to_string(),
        ValueRef::Text(t) | ValueRef::Blob(t) => String::from_utf8_lossy(t).into_owned(),
    }
}

fn read_source(
    conn: &Connection,
    case: &CaseId,
    source: &Source,
    out: &mut Vec<TimelineItem>,
) -> Result<(), ModelError> {
    let mut stmt = conn.prepare_cached(source.sql)?;
    let mut rows = stmt.query(params![case])?;
    while let Some(row) = rows.next()? {
        let (at, all_day) = parse_when(&text(row.get_ref(0)?))
            .ok_or_else(|| ModelError::Invalid("a date in this case's records could not be read".into()))?;
        out.push(TimelineItem {
            at,
            all_day,
            kind: source.kind,
            record_id: text(row.get_ref(1)?),
            detail: (source.detail)(row)?,
        });
    }
    Ok(())
}

pub(crate) fn case_timeline(
    conn: &Connection,
    _ctx: &Ctx,
    args: TimelineArgs,
) -> Result<Vec<TimelineItem>, ModelError> {
    let case = cases::load(conn, &args.case_id)?;
    let mut items = Vec::new();
    for source in SOURCES {
        read_source(conn, &case.id, source, &mut items)?;
    }
    items.sort_by(|a, b| (a.at, a.kind, &a.record_id).cmp(&(b.at, b.kind, &b.record_id)));
    Ok(items)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_times_and_dates_are_read() {
        let day = NaiveDate::from_ymd_opt(2026, 3, 1).expect("date").and_time(NaiveTime::MIN).and_utc();
        assert_eq!(parse_when("2026-03-01"), Some((day, true)));
        let ten = day + chrono::Duration::hours(10);
        assert_eq!(parse_when("2026-03-01T10:00:00Z"), Some((ten, false)));
        assert_eq!(parse_when("2026-03-01 10:00:00+00:00"), Some((ten, false)));
        assert_eq!(parse_when("2026-03-01 12:00:00.5+02:00"), Some((ten + chrono::Duration::milliseconds(500), false)));
        assert_eq!(parse_when("2026-03-01T10:00"), Some((ten, false)));
        assert_eq!(parse_when("soon"), None);
    }
}
