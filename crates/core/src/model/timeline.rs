//! A case's timeline: every dated event of the case merged in time order, each with a short neutral summary
//! that names kinds, labels, aliases and titles but never the private text of a record.

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use rusqlite::{params, Connection};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::cases;
use super::context::Ctx;
use super::errors::ModelError;
use super::ids::CaseId;
use super::op::Op;

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
    pub summary: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct TimelineArgs {
    pub case_id: CaseId,
}

/// A vocabulary word as words: `direct_dialogue` → `direct dialogue`.
pub(crate) fn label(word: &str) -> String {
    word.replace('_', " ")
}

/// The same with a capital first letter: `direct_dialogue` → `Direct dialogue`.
pub(crate) fn title_label(word: &str) -> String {
    let words = label(word);
    let mut chars = words.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => words,
    }
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

/// The rows of one source query: (when, record id, summary parts…).
struct Source {
    kind: TimelineKind,
    sql: &'static str,
    summary: fn(&[String]) -> String,
}

/// ` (Alder)` after a summary, or nothing when there is no alias.
pub(crate) fn alias_suffix(alias: &str) -> String {
    if alias.is_empty() {
        String::new()
    } else {
        format!(" ({alias})")
    }
}

const SOURCES: &[Source] = &[
    Source {
        kind: TimelineKind::CaseOpened,
        sql: "SELECT coalesce(opened_on, created_at), id FROM cases WHERE id = ?1",
        summary: |_| "Case opened".into(),
    },
    Source {
        kind: TimelineKind::CaseClosed,
        sql: "SELECT closed_on, id, coalesce(outcome, '') FROM cases WHERE id = ?1 AND closed_on IS NOT NULL",
        summary: |p| if p[0].is_empty() { "Case closed".into() } else { format!("Case closed: {}", label(&p[0])) },
    },
    Source {
        kind: TimelineKind::StageChanged,
        sql: "SELECT at, id, from_stage, to_stage, decided_by, reason FROM case_stage_changes WHERE case_id = ?1",
        summary: |p| format!("Stage changed from {} to {}, decided by {}: {}", label(&p[0]), label(&p[1]), p[2], p[3]),
    },
    Source {
        kind: TimelineKind::ConsentRecorded,
        sql: "SELECT c.decided_at, c.id, c.decision, c.activity, p.alias
              FROM consents c JOIN participants p ON p.id = c.participant_id WHERE p.case_id = ?1",
        summary: |p| format!("Consent {}: {}{}", p[0], label(&p[1]), alias_suffix(&p[2])),
    },
    Source {
        kind: TimelineKind::AssessmentRecorded,
        sql: "SELECT a.assessed_on, a.id, a.stage, a.decision, p.alias
              FROM assessments a JOIN participants p ON p.id = a.participant_id WHERE p.case_id = ?1",
        summary: |p| format!("Assessment at the {} stage: {}{}", label(&p[0]), label(&p[1]), alias_suffix(&p[2])),
    },
    Source {
        kind: TimelineKind::ProcessOpened,
        sql: "SELECT opened_on, id, kind FROM processes WHERE case_id = ?1",
        summary: |p| format!("Process opened: {}", label(&p[0])),
    },
    Source {
        kind: TimelineKind::ProcessClosed,
        sql: "SELECT closed_on, id, kind, status FROM processes WHERE case_id = ?1 AND closed_on IS NOT NULL",
        summary: |p| {
            let verb = if p[1] == "withdrawn" { "withdrawn" } else { "closed" };
            format!("Process {verb}: {}", label(&p[0]))
        },
    },
    Source {
        kind: TimelineKind::SessionScheduled,
        sql: "SELECT scheduled_for, id, kind FROM sessions WHERE case_id = ?1 AND status = 'scheduled'",
        summary: |p| format!("{} scheduled", title_label(&p[0])),
    },
    Source {
        kind: TimelineKind::SessionHeld,
        sql: "SELECT coalesce(held_on, scheduled_for), id, kind FROM sessions WHERE case_id = ?1 AND status = 'held'",
        summary: |p| format!("{} held", title_label(&p[0])),
    },
    Source {
        kind: TimelineKind::SessionCancelled,
        sql: "SELECT scheduled_for, id, kind FROM sessions WHERE case_id = ?1 AND status = 'cancelled'",
        summary: |p| format!("{} cancelled", title_label(&p[0])),
    },
    Source {
        kind: TimelineKind::AgreementReached,
        sql: "SELECT a.agreed_on, a.id, s.kind FROM agreements a JOIN sessions s ON s.id = a.session_id WHERE s.case_id = ?1",
        summary: |p| format!("Agreement reached ({})", label(&p[0])),
    },
    Source {
        kind: TimelineKind::MessageWritten,
        sql: "SELECT m.written_at, m.id, a.alias, r.alias FROM shuttle_messages m
              JOIN participants a ON a.id = m.author_id JOIN participants r ON r.id = m.recipient_id WHERE m.case_id = ?1",
        summary: |p| format!("Message written by {} for {}", p[0], p[1]),
    },
    Source {
        kind: TimelineKind::MessageApproved,
        sql: "SELECT m.approved_at, m.id, a.alias FROM shuttle_messages m JOIN participants a ON a.id = m.author_id
              WHERE m.case_id = ?1 AND m.approved_at IS NOT NULL",
        summary: |p| format!("Message approved by its author, {}", p[0]),
    },
    Source {
        kind: TimelineKind::MessageRelayed,
        sql: "SELECT m.relayed_at, m.id, r.alias FROM shuttle_messages m JOIN participants r ON r.id = m.recipient_id
              WHERE m.case_id = ?1 AND m.relayed_at IS NOT NULL",
        summary: |p| format!("Message relayed to {}", p[0]),
    },
    Source {
        kind: TimelineKind::CommitmentAdded,
        sql: "SELECT c.created_at, c.id, c.kind, p.alias FROM commitments c JOIN participants p ON p.id = c.participant_id
              WHERE c.case_id = ?1",
        summary: |p| format!("Commitment added: {}{}", label(&p[0]), alias_suffix(&p[1])),
    },
    Source {
        kind: TimelineKind::CommitmentDue,
        sql: "SELECT c.due_on, c.id, c.kind, p.alias, c.status FROM commitments c JOIN participants p ON p.id = c.participant_id
              WHERE c.case_id = ?1 AND c.due_on IS NOT NULL",
        summary: |p| format!("Commitment due: {}{}, {}", label(&p[0]), alias_suffix(&p[1]), label(&p[2])),
    },
    Source {
        kind: TimelineKind::ProgressRecorded,
        sql: "SELECT e.entry_on, e.id, c.kind, p.alias FROM progress_entries e
              JOIN commitments c ON c.id = e.commitment_id JOIN participants p ON p.id = c.participant_id WHERE c.case_id = ?1",
        summary: |p| format!("Progress recorded: {}{}", label(&p[0]), alias_suffix(&p[1])),
    },
    Source {
        kind: TimelineKind::NoteAdded,
        sql: "SELECT n.created_at, n.id, coalesce(p.alias, ''), coalesce(s.kind, ''), n.shareable FROM notes n
              LEFT JOIN participants p ON p.id = n.participant_id LEFT JOIN sessions s ON s.id = n.session_id
              WHERE n.case_id = ?1",
        summary: |p| {
            let mut summary = String::from(if p[2] == "1" { "Shareable note added" } else { "Note added" });
            if !p[0].is_empty() {
                summary += &format!(" about {}", p[0]);
            }
            if !p[1].is_empty() {
                summary += &format!(" on a {} session", label(&p[1]));
            }
            summary
        },
    },
    Source {
        kind: TimelineKind::AttachmentAdded,
        sql: "SELECT created_at, id, title FROM attachments WHERE case_id = ?1",
        summary: |p| format!("Attachment added: {}", p[0]),
    },
    Source {
        kind: TimelineKind::TaskDue,
        sql: "SELECT due_on, id, title FROM tasks WHERE case_id = ?1 AND due_on IS NOT NULL",
        summary: |p| format!("Task due: {}", p[0]),
    },
    Source {
        kind: TimelineKind::TaskDone,
        sql: "SELECT done_at, id, title FROM tasks WHERE case_id = ?1 AND done_at IS NOT NULL",
        summary: |p| format!("Task done: {}", p[0]),
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
    let columns = stmt.column_count();
    let mut rows = stmt.query(params![case])?;
    while let Some(row) = rows.next()? {
        let values: Vec<String> = (0..columns).map(|i| row.get_ref(i).map(text)).collect::<Result<_, _>>()?;
        let (at, all_day) = parse_when(&values[0])
            .ok_or_else(|| ModelError::Invalid("a date in this case's records could not be read".into()))?;
        out.push(TimelineItem {
            at,
            all_day,
            kind: source.kind,
            record_id: values[1].clone(),
            summary: (source.summary)(&values[2..]),
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

    #[test]
    fn labels() {
        assert_eq!(label("direct_dialogue"), "direct dialogue");
        assert_eq!(title_label("preparation_meeting"), "Preparation meeting");
    }
}
