//! Programme statistics for funders and evaluation: aggregate counts only, with no code name, id, alias or text,
//! and their export as CSV (an audited write, so that the log shows every report that left the programme).

use chrono::NaiveDate;
use rusqlite::{params, Connection, ToSql, Transaction};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::context::Ctx;
use super::errors::ModelError;
use super::op::Op;
use super::rows::audit;
use super::vocab::{Outcome, ProcessKind, SessionKind, Stage};

pub(crate) fn ops() -> Vec<Op> {
    crate::ops! {
        read "programme_report" => programme_report, "Aggregate, non-identifying figures for a date range.";
        write "export_programme_report_csv" => export_programme_report_csv, "The programme report as CSV (section,key,value); the export is audited.";
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct ReportArgs {
    /// The first day of the range.
    pub from: NaiveDate,
    /// The last day of the range (included).
    pub to: NaiveDate,
}

/// A count under a vocabulary word.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Count {
    pub key: String,
    pub value: i64,
}

/// The figures. Every word of each vocabulary is listed, with zero where nothing matched.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ProgrammeReport {
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// Every case by its current stage (whatever the range).
    pub cases_by_stage: Vec<Count>,
    /// Processes opened in the range, by kind.
    pub processes_opened_by_kind: Vec<Count>,
    /// Cases closed in the range, by outcome.
    pub cases_closed_by_outcome: Vec<Count>,
    /// Consent withdrawals recorded as decided in the range.
    pub consent_withdrawals: i64,
    /// Commitments due in the range that are done.
    pub commitments_done: i64,
    /// Commitments due in the range marked missed, or past due and neither done nor renegotiated.
    pub commitments_missed: i64,
    /// The median number of days from opening to closing of the cases closed in the range.
    pub median_days_to_close: Option<f64>,
    /// Sessions held in the range, by kind.
    pub sessions_held_by_kind: Vec<Count>,
}

fn counts<K: std::fmt::Display>(
    conn: &Connection,
    all: &[K],
    sql: &str,
    bind: &[&dyn ToSql],
) -> Result<Vec<Count>, ModelError> {
    let mut stmt = conn.prepare(sql)?;
    let mut found = std::collections::BTreeMap::<String, i64>::new();
    let mut rows = stmt.query(bind)?;
    while let Some(row) = rows.next()? {
        found.insert(row.get(0)?, row.get(1)?);
    }
    Ok(all
        .iter()
        .map(|k| Count { key: k.to_string(), value: found.get(&k.to_string()).copied().unwrap_or(0) })
        .collect())
}

fn count(conn: &Connection, sql: &str, bind: &[&dyn ToSql]) -> Result<i64, ModelError> {
    Ok(conn.query_row(sql, bind, |r| r.get(0))?)
}

/// The median of some whole numbers.
fn median(mut values: Vec<i64>) -> Option<f64> {
    values.sort_unstable();
    let n = values.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(values[n / 2] as f64),
        _ => Some((values[n / 2 - 1] + values[n / 2]) as f64 / 2.0),
    }
}

fn days_to_close(conn: &Connection, args: &ReportArgs) -> Result<Option<f64>, ModelError> {
    let mut stmt = conn.prepare(
        "SELECT coalesce(opened_on, date(created_at)), closed_on FROM cases
         WHERE closed_on IS NOT NULL AND closed_on BETWEEN ?1 AND ?2",
    )?;
    let rows =
        stmt.query_map(params![args.from, args.to], |r| Ok((r.get::<_, NaiveDate>(0)?, r.get::<_, NaiveDate>(1)?)))?;
    let days = rows.map(|r| r.map(|(opened, closed)| (closed - opened).num_days())).collect::<Result<Vec<_>, _>>()?;
    Ok(median(days))
}

fn report(conn: &Connection, today: NaiveDate, args: ReportArgs) -> Result<ProgrammeReport, ModelError> {
    if args.from > args.to {
        return Err(ModelError::Invalid("the range should start on or before the day it ends".into()));
    }
    let range: &[&dyn ToSql] = &[&args.from, &args.to];
    Ok(ProgrammeReport {
        cases_by_stage: counts(conn, Stage::ALL, "SELECT stage, count(*) FROM cases GROUP BY stage", &[])?,
        processes_opened_by_kind: counts(
            conn,
            ProcessKind::ALL,
            "SELECT kind, count(*) FROM processes WHERE date(opened_on) BETWEEN ?1 AND ?2 GROUP BY kind",
            range,
        )?,
        cases_closed_by_outcome: counts(
            conn,
            Outcome::ALL,
            "SELECT outcome, count(*) FROM cases WHERE outcome IS NOT NULL AND closed_on BETWEEN ?1 AND ?2 GROUP BY outcome",
            range,
        )?,
        consent_withdrawals: count(
            conn,
            "SELECT count(*) FROM consents WHERE decision = 'withdrawn' AND date(decided_at) BETWEEN ?1 AND ?2",
            range,
        )?,
        commitments_done: count(
            conn,
            "SELECT count(*) FROM commitments WHERE status = 'done' AND due_on BETWEEN ?1 AND ?2",
            range,
        )?,
        commitments_missed: count(
            conn,
            "SELECT count(*) FROM commitments WHERE due_on BETWEEN ?1 AND ?2
               AND (status = 'missed' OR (status NOT IN ('done', 'renegotiated') AND due_on < ?3))",
            &[&args.from, &args.to, &today],
        )?,
        median_days_to_close: days_to_close(conn, &args)?,
        sessions_held_by_kind: counts(
            conn,
            SessionKind::ALL,
            "SELECT kind, count(*) FROM sessions
             WHERE status = 'held' AND date(coalesce(held_on, scheduled_for)) BETWEEN ?1 AND ?2 GROUP BY kind",
            range,
        )?,
        from: args.from,
        to: args.to,
    })
}

pub(crate) fn programme_report(conn: &Connection, ctx: &Ctx, args: ReportArgs) -> Result<ProgrammeReport, ModelError> {
    report(conn, ctx.today(), args)
}

/// The report as CSV lines `section,key,value` (every key is a vocabulary word: nothing needs quoting).
pub(crate) fn to_csv(report: &ProgrammeReport) -> String {
    let mut out = String::from("section,key,value\n");
    let mut line = |section: &str, key: &str, value: &dyn std::fmt::Display| {
        out += &format!("{section},{key},{value}\n");
    };
    line("range", "from", &report.from);
    line("range", "to", &report.to);
    let sections = [
        ("cases_by_stage", &report.cases_by_stage),
        ("processes_opened_by_kind", &report.processes_opened_by_kind),
        ("cases_closed_by_outcome", &report.cases_closed_by_outcome),
        ("sessions_held_by_kind", &report.sessions_held_by_kind),
    ];
    for (section, counts) in sections {
        for c in counts {
            line(section, &c.key, &c.value);
        }
    }
    line("consent", "withdrawals", &report.consent_withdrawals);
    line("commitments_due_in_range", "done", &report.commitments_done);
    line("commitments_due_in_range", "missed", &report.commitments_missed);
    let median = report.median_days_to_close.map(|d| d.to_string()).unwrap_or_default();
    line("cases_closed", "median_days_to_close", &median);
    out
}

pub(crate) fn export_programme_report_csv(
    tx: &Transaction<'_>,
    ctx: &Ctx,
    args: ReportArgs,
) -> Result<String, ModelError> {
    let range = format!("{}..{}", args.from, args.to);
    let report = report(tx, ctx.today(), args)?;
    audit(tx, ctx, "export_report", "programme_report", &range)?;
    Ok(to_csv(&report))
}

#[cfg(test)]
mod tests {
    use super::median;

    #[test]
    fn medians() {
        assert_eq!(median(vec![]), None);
        assert_eq!(median(vec![7]), Some(7.0));
        assert_eq!(median(vec![30, 10, 20]), Some(20.0));
        assert_eq!(median(vec![40, 10, 20, 30]), Some(25.0));
    }
}
