//! Friendly reads through the registry: `cases`, `search`, `due` and `report`. `--json` prints the operation's
//! result as it is; without it, a calm table.

use chrono::NaiveDate;
use circlebook_core::model::cases::Case;
use circlebook_core::model::due::{DueList, DueStatus};
use circlebook_core::model::search::SearchHit;
use circlebook_core::model::stats::{Count, ProgrammeReport};
use serde_json::{json, Value};

use super::text::{clip, day, first_line, label};
use super::wording;
use super::{Context, OpenVault};
use crate::failure::Failure;
use crate::out;

/// Runs one read operation and locks without writing anything.
fn read(ctx: &mut Context, name: &str, args: Value) -> Result<Value, Failure> {
    let mut vault = OpenVault::open(ctx)?;
    let value = vault.call(name, args);
    vault.finish()?;
    value
}

fn parse<T: serde::de::DeserializeOwned>(value: Value) -> Result<T, Failure> {
    serde_json::from_value(value)
        .map_err(|e| Failure::new(circlebook_core::ErrorKind::Io, format_args!("the result could not be read: {e}")))
}

/// `cases [--stage S] [--tag T] [--all]`: most recently changed first.
pub fn cases(ctx: &mut Context, stage: Option<String>, tag: Option<String>, all: bool) -> Result<(), Failure> {
    let value = read(ctx, "list_cases", json!({ "stage": stage, "tag": tag, "include_closed": all }))?;
    if ctx.json {
        out::json(&value);
        return Ok(());
    }
    let cases: Vec<Case> = parse(value)?;
    if cases.is_empty() {
        out::line(if all { "No cases." } else { "No open cases. (`cases --all` includes closed ones.)" });
        return Ok(());
    }
    let width = cases.iter().map(|c| c.code_name.chars().count()).max().unwrap_or(4).max(4);
    out::line(format_args!(
        "{:<width$}  {:<72}  {:<13}  updated",
        "case", "what the person harmed needs, in their words", "stage"
    ));
    for case in &cases {
        let needs = match first_line(&case.harmed_needs) {
            "" => "(not yet recorded)".to_owned(),
            line => clip(line, 72),
        };
        out::line(format_args!(
            "{:<width$}  {needs:<72}  {:<13}  {}",
            case.code_name,
            label(case.stage),
            day(&case.updated_at)
        ));
    }
    let closed = if all { "" } else { " (closed ones are left out; --all includes them)" };
    out::line(format_args!("\n{} case{}{closed}.", cases.len(), if cases.len() == 1 { "" } else { "s" }));
    Ok(())
}

/// The filters of `search`, as the command line gave them (vocabulary words are checked by clap).
#[derive(Debug)]
pub struct SearchFilters {
    pub stage: Option<String>,
    pub process: Option<String>,
    pub tag: Option<String>,
    pub role: Option<String>,
    pub limit: Option<u32>,
}

/// `search QUERY [filters]`: best matches first, each with its case, kind and a snippet around the match.
pub fn search(ctx: &mut Context, query: &str, f: SearchFilters) -> Result<(), Failure> {
    let args = json!({
        "query": query, "stage": f.stage, "process": f.process, "tag": f.tag, "role": f.role, "limit": f.limit,
    });
    let value = read(ctx, "search", args)?;
    if ctx.json {
        out::json(&value);
        return Ok(());
    }
    let hits: Vec<SearchHit> = parse(value)?;
    if hits.is_empty() {
        out::line(format_args!("Nothing found for \"{query}\"."));
        return Ok(());
    }
    let width = hits.iter().map(|h| h.case_code_name.chars().count()).max().unwrap_or(4);
    for hit in &hits {
        let kind =
            label(serde_json::to_value(hit.kind).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default());
        let snippet = hit.snippet.split_whitespace().collect::<Vec<_>>().join(" ");
        out::line(format_args!("{:<width$}  {kind:<11}  {snippet}", hit.case_code_name));
    }
    let limit = f.limit.unwrap_or(circlebook_core::model::search::DEFAULT_LIMIT) as usize;
    let more = if hits.len() == limit { " (the best ones; --limit shows more)" } else { "" };
    out::line(format_args!("\n{} result{}{more}.", hits.len(), if hits.len() == 1 { "" } else { "s" }));
    Ok(())
}

/// `due [--within DAYS] [--limit N]`: reminders derived from the records, soonest (and overdue) first.
pub fn due(ctx: &mut Context, within: Option<u32>, limit: Option<u32>) -> Result<(), Failure> {
    let value = read(ctx, "due", json!({ "within_days": within, "limit": limit }))?;
    if ctx.json {
        out::json(&value);
        return Ok(());
    }
    let DueList { items, total } = parse(value)?;
    let days = within.unwrap_or(circlebook_core::model::due::DEFAULT_WINDOW_DAYS);
    if total == 0 {
        out::line(format_args!("Nothing is due in the next {days} days, and nothing is overdue."));
        return Ok(());
    }
    let width = items.iter().map(|i| i.case_code_name.chars().count()).max().unwrap_or(4);
    for item in &items {
        let status = if item.status == DueStatus::Overdue { "overdue" } else { "" };
        let words = wording::reminder(&item.detail);
        out::line(format_args!("{}  {status:<7}  {:<width$}  {words}", item.due_on, item.case_code_name));
    }
    if items.len() < total as usize {
        out::line(format_args!(
            "\nThe soonest {} of {total} reminders for the next {days} days (--limit shows more).",
            items.len()
        ));
        return Ok(());
    }
    let overdue = items.iter().filter(|i| i.status == DueStatus::Overdue).count();
    out::line(format_args!("\n{total} reminders for the next {days} days, {overdue} of them overdue."));
    Ok(())
}

fn section(title: &str, counts: &[Count]) {
    out::line(format_args!("\n{title}"));
    let shown: Vec<&Count> = counts.iter().filter(|c| c.value > 0).collect();
    if shown.is_empty() {
        out::line("  none");
    }
    for c in shown {
        out::line(format_args!("  {:<28} {:>6}", label(&c.key), c.value));
    }
}

/// `report --from DATE --to DATE [--csv]`: aggregate figures only. The CSV is the audited export.
pub fn report(ctx: &mut Context, from: NaiveDate, to: NaiveDate, csv: bool) -> Result<(), Failure> {
    let range = json!({ "from": from, "to": to });
    if csv {
        let mut vault = OpenVault::open(ctx)?;
        let value = vault.call("export_programme_report_csv", range);
        vault.finish()?;
        let text: String = parse(value?)?;
        if ctx.json {
            out::json(&json!({ "csv": text }));
        } else {
            out::text(&text);
        }
        return Ok(());
    }
    let value = read(ctx, "programme_report", range)?;
    if ctx.json {
        out::json(&value);
        return Ok(());
    }
    let r: ProgrammeReport = parse(value)?;
    out::line(format_args!("Programme report, {} to {} (aggregate figures only; no case is identified)", r.from, r.to));
    section("Cases by current stage", &r.cases_by_stage);
    section("Processes opened in the range", &r.processes_opened_by_kind);
    section("Sessions held in the range", &r.sessions_held_by_kind);
    section("Cases closed in the range, by outcome", &r.cases_closed_by_outcome);
    out::line(format_args!("\nConsent withdrawals recorded in the range: {}", r.consent_withdrawals));
    out::line(format_args!(
        "Commitments due in the range: {} done, {} missed or past due",
        r.commitments_done, r.commitments_missed
    ));
    match r.median_days_to_close {
        Some(days) => out::line(format_args!("Median days from opening to closing: {days}")),
        None => out::line("Median days from opening to closing: no case closed in the range"),
    }
    Ok(())
}
