//! Reminders, derived from the records and never typed in: consents about to expire, assessment reviews,
//! commitments due or past due, supervision every 12 weeks and tasks due, across every case that is not closed.
//! With a `limit` (the home screen shows 30), each kind's query sorts and cuts in SQL and counts the rest there,
//! so only the reminders shown are read out. Each reminder carries what it is about as data (vocabulary words,
//! aliases, titles), never a sentence: front ends word it in the person's language.

use chrono::{Days, NaiveDate};
use rusqlite::{Connection, ToSql};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::consent;
use super::context::Ctx;
use super::errors::ModelError;
use super::ids::CaseId;
use super::op::Op;
use super::vocab::{Activity, CommitmentKind};

/// The window when none is given, in days.
pub const DEFAULT_WINDOW_DAYS: u32 = 14;
/// Supervision or case consultation at least every 12 weeks.
pub const SUPERVISION_INTERVAL_WEEKS: u32 = 12;
/// The same in days.
pub const SUPERVISION_INTERVAL_DAYS: i64 = SUPERVISION_INTERVAL_WEEKS as i64 * 7;
/// The longest window accepted, in days.
const MAX_WINDOW_DAYS: u32 = 3660;

pub(crate) fn ops() -> Vec<Op> {
    crate::ops! {
        read "due" => due, "What is due soon or overdue across all open cases, soonest first, with how many there are in all.";
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[serde(default)]
pub struct DueArgs {
    /// How many days ahead to look (default 14).
    #[ts(optional)]
    pub within_days: Option<u32>,
    /// At most this many reminders, the soonest (the home screen asks for what it shows); `total` still counts
    /// every one. Without it, every reminder in the window.
    #[ts(optional)]
    pub limit: Option<u32>,
}

/// What is due: the soonest reminders, and how many there are in all.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct DueList {
    /// Soonest first (then by case code name, kind and record): every reminder in the window, or the first
    /// `limit` of them.
    pub items: Vec<DueItem>,
    /// Every reminder in the window, those a limit left out included.
    pub total: u32,
}

/// What a reminder is about (the tag of its [`DueDetail`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum DueKind {
    /// A granted consent reaches its expiry date.
    ConsentExpiry,
    /// A participant's latest assessment asks for a review.
    AssessmentReview,
    /// A commitment's due date.
    Commitment,
    /// Supervision or case consultation (every 12 weeks).
    Supervision,
    /// A follow-up task.
    Task,
}

/// Whether the date has passed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum DueStatus {
    /// Due today or later.
    Upcoming,
    /// The date has passed.
    Overdue,
}

/// One reminder.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct DueItem {
    pub case_id: CaseId,
    pub case_code_name: String,
    pub kind: DueKind,
    pub due_on: NaiveDate,
    pub status: DueStatus,
    /// The record it is about (consent entry, assessment, commitment, task); the case for supervision.
    pub record_id: String,
    /// What it is about, for a front end to word: tagged by the same `kind`.
    pub detail: DueDetail,
}

/// What a reminder is about, as data a front end words in the person's language: vocabulary words, the
/// participant's alias, a task's title. Serialized as `{"kind": "commitment", "commitment_kind": …, "alias": …}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum DueDetail {
    /// A participant's granted consent to an activity reaches its expiry date.
    ConsentExpiry {
        activity: Activity,
        /// The participant who gave it.
        alias: String,
    },
    /// A participant's latest assessment asks for a review.
    AssessmentReview {
        /// The participant assessed.
        alias: String,
    },
    /// A participant's commitment is due (or past due), neither done nor renegotiated.
    Commitment {
        commitment_kind: CommitmentKind,
        /// The participant who made it.
        alias: String,
    },
    /// Supervision or case consultation, due this many weeks after the last one.
    Supervision { interval_weeks: u32 },
    /// A follow-up task not done.
    Task {
        /// The task's title, as typed.
        title: String,
    },
}

struct Row {
    case_id: CaseId,
    code_name: String,
    due_on: NaiveDate,
    record_id: String,
    detail: DueDetail,
}

/// Consents: granted entries expiring in the window; `due` keeps those that decide their ledger today (in effect
/// order, see [`consent::as_of`]).
const CONSENT_SQL: &str = "
SELECT c.id, c.code_name, e.expires_on, e.id, e.activity, p.alias
FROM consents e JOIN participants p ON p.id = e.participant_id JOIN cases c ON c.id = p.case_id
WHERE c.stage <> 'closed' AND e.decision = 'granted' AND e.expires_on BETWEEN :today AND :until";

/// Assessments: each participant's latest, with a review date in or before the window. Asked per participant of
/// an open case (its latest through the `assessments_by_participant` index), not per assessment: about 40% less
/// time, the largest of these queries (docs/PERFORMANCE.md, the window's time from the core's side).
const ASSESSMENT_SQL: &str = "
SELECT c.id, c.code_name, a.next_review_on, a.id, p.alias
FROM cases c JOIN participants p ON p.case_id = c.id
JOIN assessments a ON a.id = (SELECT l.id FROM assessments l WHERE l.participant_id = p.id
                              ORDER BY l.assessed_on DESC, l.created_at DESC, l.id DESC LIMIT 1)
WHERE c.stage <> 'closed' AND a.next_review_on IS NOT NULL AND a.next_review_on <= :until";

/// Commitments neither done nor renegotiated, due in or before the window.
const COMMITMENT_SQL: &str = "
SELECT c.id, c.code_name, m.due_on, m.id, m.kind, p.alias
FROM commitments m JOIN participants p ON p.id = m.participant_id JOIN cases c ON c.id = m.case_id
WHERE c.stage <> 'closed' AND m.due_on IS NOT NULL AND m.due_on <= :until AND m.status NOT IN ('done', 'renegotiated')";

/// Supervision: cases in preparation, active or follow-up, 84 days after the latest held supervision session
/// (or after the case opened).
const SUPERVISION_SQL: &str = "
SELECT c.id, c.code_name,
       date(coalesce((SELECT max(date(coalesce(s.held_on, s.scheduled_for))) FROM sessions s
                      WHERE s.case_id = c.id AND s.kind = 'supervision' AND s.status = 'held'),
                     c.opened_on, date(c.created_at)), '+' || :interval || ' days') AS due,
       c.id
FROM cases c
WHERE c.stage IN ('preparation', 'active', 'follow_up') AND due <= :until";

/// Tasks not done, due in or before the window.
const TASK_SQL: &str = "
SELECT c.id, c.code_name, t.due_on, t.id, t.title
FROM tasks t JOIN cases c ON c.id = t.case_id
WHERE c.stage <> 'closed' AND t.done_at IS NULL AND t.due_on IS NOT NULL AND t.due_on <= :until";

/// One kind of reminder: its query (case id, code name, due date, record id, detail columns…) and its detail.
struct Source {
    kind: DueKind,
    sql: &'static str,
    detail: fn(&rusqlite::Row<'_>) -> rusqlite::Result<DueDetail>,
}

const SOURCES: [Source; 5] = [
    Source {
        kind: DueKind::ConsentExpiry,
        sql: CONSENT_SQL,
        detail: |r| Ok(DueDetail::ConsentExpiry { activity: r.get(4)?, alias: r.get(5)? }),
    },
    Source {
        kind: DueKind::AssessmentReview,
        sql: ASSESSMENT_SQL,
        detail: |r| Ok(DueDetail::AssessmentReview { alias: r.get(4)? }),
    },
    Source {
        kind: DueKind::Commitment,
        sql: COMMITMENT_SQL,
        detail: |r| Ok(DueDetail::Commitment { commitment_kind: r.get(4)?, alias: r.get(5)? }),
    },
    Source {
        kind: DueKind::Supervision,
        sql: SUPERVISION_SQL,
        detail: |_| Ok(DueDetail::Supervision { interval_weeks: SUPERVISION_INTERVAL_WEEKS }),
    },
    Source { kind: DueKind::Task, sql: TASK_SQL, detail: |r| Ok(DueDetail::Task { title: r.get(4)? }) },
];

/// The rows of one kind's query, soonest first, and how many it found. With a limit, SQL sorts the rows, keeps the
/// first `limit` (at least one, so that the count comes back) and counts them all (`count(*) OVER ()`, before the
/// limit applies). SQLite compares the dates as `YYYY-MM-DD` text and code names and ids byte by byte, the
/// order `due` sorts in (the kind is the same for every row of one query).
fn rows(
    conn: &Connection,
    source: &Source,
    today: NaiveDate,
    until: NaiveDate,
    limit: Option<u32>,
) -> Result<(Vec<Row>, u32), ModelError> {
    let wrapped;
    let sql = match limit {
        None => source.sql,
        Some(_) => {
            wrapped = format!("SELECT *, count(*) OVER () FROM ({}) ORDER BY 3, 2, 4 LIMIT max(:limit, 1)", source.sql);
            &wrapped
        }
    };
    let mut stmt = conn.prepare_cached(sql)?;
    let values: [(&str, &dyn ToSql); 4] = [
        (":today", &today),
        (":until", &until),
        (":interval", &SUPERVISION_INTERVAL_DAYS),
        (":limit", &limit.unwrap_or(u32::MAX)),
    ];
    for (name, value) in values {
        if let Some(index) = stmt.parameter_index(name)? {
            stmt.raw_bind_parameter(index, value)?;
        }
    }
    let count_column = stmt.column_count().saturating_sub(1);
    let mut bound = stmt.raw_query();
    let mut out = Vec::new();
    let mut total = 0;
    while let Some(r) = bound.next()? {
        if limit.is_some() {
            total = r.get(count_column)?;
        }
        out.push(Row {
            case_id: r.get(0)?,
            code_name: r.get(1)?,
            due_on: r.get(2)?,
            record_id: r.get(3)?,
            detail: (source.detail)(r)?,
        });
    }
    if limit.is_none() {
        total = u32::try_from(out.len()).unwrap_or(u32::MAX);
    }
    Ok((out, total))
}

pub(crate) fn due(conn: &Connection, ctx: &Ctx, args: DueArgs) -> Result<DueList, ModelError> {
    let window = args.within_days.unwrap_or(DEFAULT_WINDOW_DAYS);
    if window > MAX_WINDOW_DAYS {
        return Err(ModelError::Invalid(format!("look at most {MAX_WINDOW_DAYS} days ahead")));
    }
    let today = ctx.today();
    let until = today
        .checked_add_days(Days::new(window.into()))
        .ok_or_else(|| ModelError::Invalid("that window reaches past the calendar".into()))?;
    let mut items = Vec::new();
    let mut total: u32 = 0;
    for source in SOURCES {
        // A consent's expiry is a reminder only if the entry decides its ledger today, which SQL does not know:
        // every candidate is read and checked, so that the total is exact (they are few: the window's expiries).
        let consent = source.kind == DueKind::ConsentExpiry;
        let (rows, found) = rows(conn, &source, today, until, if consent { None } else { args.limit })?;
        let mut kept = 0;
        for row in rows {
            if consent && !consent::decides_today(conn, ctx, &row.record_id)? {
                continue;
            }
            kept += 1;
            items.push(DueItem {
                status: if row.due_on < today { DueStatus::Overdue } else { DueStatus::Upcoming },
                detail: row.detail,
                case_id: row.case_id,
                case_code_name: row.code_name,
                kind: source.kind,
                due_on: row.due_on,
                record_id: row.record_id,
            });
        }
        total = total.saturating_add(if consent { kept } else { found });
    }
    items.sort_by(|a, b| {
        (a.due_on, &a.case_code_name, a.kind, &a.record_id).cmp(&(b.due_on, &b.case_code_name, b.kind, &b.record_id))
    });
    if let Some(limit) = args.limit {
        items.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
    }
    Ok(DueList { items, total })
}
