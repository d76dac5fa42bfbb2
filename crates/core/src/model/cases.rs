//! Cases: code names, stages (with who decided and why), referral, the person harmed's own statement of needs,
//! root-cause tags, closing with an outcome, retention and purging.

use chrono::{DateTime, Months, NaiveDate, Utc};
use rusqlite::{params, Connection, Transaction};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::context::Ctx;
use super::errors::ModelError;
use super::ids::{CaseId, StageChangeId};
use super::op::Op;
use super::rows::{audit, found, required};
use super::vocab::{Outcome, ProcessKind, Stage};
use crate::vault::UnlockedVault;

/// How long a closed case is kept before it may be purged, unless the closing says otherwise.
pub const DEFAULT_RETENTION_MONTHS: u32 = 72;

pub(crate) fn ops() -> Vec<Op> {
    crate::ops! {
        write "create_case" => create_case, "Open a new case under a code name.";
        write "update_case" => update_case, "Change a case's code name, referral or the person harmed's statement.";
        write "set_case_tags" => set_case_tags, "Replace a case's root-cause tags.";
        write "change_stage" => change_stage, "Move a case to another stage (paused or withdrawn at any time), saying who decided and why.";
        write "close_case" => close_case, "Close a case with an outcome summary; sets its retention date.";
        vault "purge_case" => purge_case, "Delete a closed case past its retention date for good, older generations included (asks for its code name).";
        read "list_cases" => list_cases, "Cases, most recently changed first, with filters.";
        read "list_case_summaries" => list_case_summaries, "Cases as a list shows them (the person harmed's needs cut to their first line), most recently changed first, with the same filters as list_cases.";
        read "get_case" => get_case, "One case with its tags and stage history.";
    }
}

/// The most characters of the person harmed's needs a [`CaseSummary`] carries.
pub const NEEDS_LINE_CHARS: usize = 160;

/// A case as listed. The person harmed's statement comes first wherever a case is shown.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Case {
    pub id: CaseId,
    pub code_name: String,
    /// What the person harmed needs, in their own words.
    pub harmed_needs: String,
    /// What justice would look like for them.
    pub harmed_justice_vision: String,
    pub stage: Stage,
    pub referral_source: String,
    pub referred_by_person_harmed: bool,
    pub gender_based_violence: bool,
    /// A gender-based-violence referral that did not come from the person harmed (practice standards flag it).
    pub referral_flagged: bool,
    pub tags: Vec<String>,
    pub opened_on: Option<NaiveDate>,
    pub closed_on: Option<NaiveDate>,
    pub outcome: Option<Outcome>,
    pub outcome_summary: Option<String>,
    pub retention_until: Option<NaiveDate>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A case as a list of many shows it (the home screen): what a row shows and sorts by, and no more.
///
/// Chosen over cutting `Case::harmed_needs` in `list_cases`: a `Case` always carries whole texts, so the CLI,
/// bundles and tests that read `list_cases` stay right, and a summary is never mistaken for the statement (the
/// case's own screen reads the whole of it through `case_file`). At 5,000 cases the summaries are about a tenth of
/// the JSON of the whole cases.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct CaseSummary {
    pub id: CaseId,
    pub code_name: String,
    pub stage: Stage,
    /// The first line of what the person harmed needs that is not blank, trimmed, at most 160 characters
    /// ([`NEEDS_LINE_CHARS`]; Unicode scalar values, never cut inside one); empty when nothing is recorded.
    pub needs_first_line: String,
    /// The first line was cut to 160 characters (a list shows that it goes on).
    pub needs_cut: bool,
    pub tags: Vec<String>,
    pub opened_on: Option<NaiveDate>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// The first line of `text` that is not blank, trimmed, cut to at most `max` characters (Unicode scalar values,
/// so never inside a character's bytes, with any space left at the cut trimmed too); and whether it was cut.
pub(crate) fn first_line(text: &str, max: usize) -> (&str, bool) {
    let line = text.lines().map(str::trim).find(|l| !l.is_empty()).unwrap_or("");
    match line.char_indices().nth(max) {
        Some((end, _)) => (line[..end].trim_end(), true),
        None => (line, false),
    }
}

/// A stage change, with who decided and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct StageChange {
    pub id: StageChangeId,
    pub from_stage: Stage,
    pub to_stage: Stage,
    pub decided_by: String,
    pub reason: String,
    pub at: DateTime<Utc>,
}

/// A case with its stage history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct CaseRecord {
    pub case: Case,
    pub stage_history: Vec<StageChange>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[serde(default)]
pub struct NewCase {
    pub code_name: String,
    pub referral_source: String,
    #[ts(optional)]
    pub referred_by_person_harmed: Option<bool>,
    pub gender_based_violence: bool,
    pub harmed_needs: String,
    pub harmed_justice_vision: String,
    pub tags: Vec<String>,
    #[ts(optional)]
    pub opened_on: Option<NaiveDate>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct CaseUpdate {
    pub case_id: CaseId,
    #[ts(optional)]
    pub code_name: Option<String>,
    #[ts(optional)]
    pub referral_source: Option<String>,
    #[ts(optional)]
    pub referred_by_person_harmed: Option<bool>,
    #[ts(optional)]
    pub gender_based_violence: Option<bool>,
    #[ts(optional)]
    pub harmed_needs: Option<String>,
    #[ts(optional)]
    pub harmed_justice_vision: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct SetTags {
    pub case_id: CaseId,
    pub tags: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct ChangeStage {
    pub case_id: CaseId,
    pub stage: Stage,
    pub decided_by: String,
    pub reason: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct CloseCase {
    pub case_id: CaseId,
    pub outcome: Outcome,
    pub outcome_summary: String,
    pub decided_by: String,
    /// Months to keep the closed case; the default is 72 (six years).
    #[ts(optional)]
    pub retention_months: Option<u32>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct PurgeCase {
    pub case_id: CaseId,
    /// The case's code name, typed again: the explicit confirmation.
    pub confirm_code_name: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct Purged {
    pub case_id: CaseId,
    pub generation: u64,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[serde(default)]
pub struct CaseFilter {
    #[ts(optional)]
    pub stage: Option<Stage>,
    #[ts(optional)]
    pub tag: Option<String>,
    /// Only cases that hold a process of this kind (in any status).
    #[ts(optional)]
    pub process: Option<ProcessKind>,
    /// Closed cases are left out unless asked for (or the stage filter is `closed`).
    pub include_closed: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct CaseRef {
    pub case_id: CaseId,
}

const CASE_COLUMNS: &str = "id, code_name, harmed_needs, harmed_justice_vision, stage, referral_source, \
    referred_by_person_harmed, gender_based_violence, opened_on, closed_on, outcome, outcome_summary, \
    retention_until, created_at, updated_at";

fn case_from_row(conn: &Connection, row: &rusqlite::Row<'_>) -> rusqlite::Result<Case> {
    let id: CaseId = row.get(0)?;
    let referred_by_person_harmed: bool = row.get(6)?;
    let gender_based_violence: bool = row.get(7)?;
    let tags = tags_of(conn, &id)?;
    Ok(Case {
        code_name: row.get(1)?,
        harmed_needs: row.get(2)?,
        harmed_justice_vision: row.get(3)?,
        stage: row.get(4)?,
        referral_source: row.get(5)?,
        referred_by_person_harmed,
        gender_based_violence,
        referral_flagged: gender_based_violence && !referred_by_person_harmed,
        tags,
        opened_on: row.get(8)?,
        closed_on: row.get(9)?,
        outcome: row.get(10)?,
        outcome_summary: row.get(11)?,
        retention_until: row.get(12)?,
        created_at: row.get(13)?,
        updated_at: row.get(14)?,
        id,
    })
}

fn tags_of(conn: &Connection, id: &CaseId) -> rusqlite::Result<Vec<String>> {
    let mut stmt = conn.prepare_cached("SELECT tag FROM case_tags WHERE case_id = ?1 ORDER BY tag")?;
    let tags = stmt.query_map([id], |r| r.get(0))?.collect();
    tags
}

/// Reads one case.
pub(crate) fn load(conn: &Connection, id: &CaseId) -> Result<Case, ModelError> {
    found(
        conn.query_row(&format!("SELECT {CASE_COLUMNS} FROM cases WHERE id = ?1"), [id], |r| case_from_row(conn, r)),
        "case",
        id,
    )
}

fn clean_tags(tags: &[String]) -> Vec<String> {
    let mut clean: Vec<String> = tags.iter().map(|t| t.trim().to_lowercase()).filter(|t| !t.is_empty()).collect();
    clean.sort();
    clean.dedup();
    clean
}

fn write_tags(tx: &Connection, id: &CaseId, tags: &[String]) -> Result<(), ModelError> {
    tx.execute("DELETE FROM case_tags WHERE case_id = ?1", [id])?;
    for tag in clean_tags(tags) {
        tx.execute("INSERT INTO case_tags(case_id, tag) VALUES(?1, ?2)", params![id, tag])?;
    }
    Ok(())
}

pub(crate) fn create_case(tx: &Transaction<'_>, ctx: &Ctx, args: NewCase) -> Result<Case, ModelError> {
    required("A code name", &args.code_name)?;
    let id = CaseId(ctx.new_uuid());
    tx.execute(
        "INSERT INTO cases(id, code_name, stage, created_at, updated_at, referral_source, referred_by_person_harmed,
                           gender_based_violence, harmed_needs, harmed_justice_vision, opened_on)
         VALUES(?1, ?2, 'referral', ?3, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![
            id,
            args.code_name.trim(),
            ctx.now(),
            args.referral_source,
            args.referred_by_person_harmed.unwrap_or(true),
            args.gender_based_violence,
            args.harmed_needs,
            args.harmed_justice_vision,
            args.opened_on.unwrap_or_else(|| ctx.today()),
        ],
    )?;
    write_tags(tx, &id, &args.tags)?;
    audit(tx, ctx, "create", "case", &id)?;
    load(tx, &id)
}

pub(crate) fn update_case(tx: &Transaction<'_>, ctx: &Ctx, args: CaseUpdate) -> Result<Case, ModelError> {
    let case = load(tx, &args.case_id)?;
    if let Some(name) = &args.code_name {
        required("A code name", name)?;
    }
    tx.execute(
        "UPDATE cases SET code_name = ?2, referral_source = ?3, referred_by_person_harmed = ?4,
                gender_based_violence = ?5, harmed_needs = ?6, harmed_justice_vision = ?7, updated_at = ?8
         WHERE id = ?1",
        params![
            case.id,
            args.code_name.as_deref().map(str::trim).unwrap_or(&case.code_name),
            args.referral_source.unwrap_or(case.referral_source),
            args.referred_by_person_harmed.unwrap_or(case.referred_by_person_harmed),
            args.gender_based_violence.unwrap_or(case.gender_based_violence),
            args.harmed_needs.unwrap_or(case.harmed_needs),
            args.harmed_justice_vision.unwrap_or(case.harmed_justice_vision),
            ctx.now(),
        ],
    )?;
    audit(tx, ctx, "update", "case", &case.id)?;
    load(tx, &case.id)
}

pub(crate) fn set_case_tags(tx: &Transaction<'_>, ctx: &Ctx, args: SetTags) -> Result<Case, ModelError> {
    let case = load(tx, &args.case_id)?;
    write_tags(tx, &case.id, &args.tags)?;
    tx.execute("UPDATE cases SET updated_at = ?2 WHERE id = ?1", params![case.id, ctx.now()])?;
    audit(tx, ctx, "set_tags", "case", &case.id)?;
    load(tx, &case.id)
}

fn record_stage(
    tx: &Connection,
    ctx: &Ctx,
    case: &Case,
    to: Stage,
    decided_by: &str,
    reason: &str,
) -> Result<(), ModelError> {
    tx.execute(
        "INSERT INTO case_stage_changes(id, case_id, from_stage, to_stage, decided_by, reason, at)
         VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![StageChangeId(ctx.new_uuid()), case.id, case.stage, to, decided_by.trim(), reason.trim(), ctx.now()],
    )?;
    tx.execute("UPDATE cases SET stage = ?2, updated_at = ?3 WHERE id = ?1", params![case.id, to, ctx.now()])?;
    Ok(())
}

pub(crate) fn change_stage(tx: &Transaction<'_>, ctx: &Ctx, args: ChangeStage) -> Result<Case, ModelError> {
    let case = load(tx, &args.case_id)?;
    required("Who decided", &args.decided_by)?;
    required("The reason", &args.reason)?;
    if args.stage == Stage::Closed {
        return Err(ModelError::NotAllowed("a case is closed with an outcome summary: use close_case".into()));
    }
    if case.stage == Stage::Closed {
        return Err(ModelError::NotAllowed(
            "this case is closed; its records are kept until its retention date".into(),
        ));
    }
    if case.stage == args.stage {
        return Err(ModelError::Invalid(format!("the case is already at the {} stage", args.stage)));
    }
    record_stage(tx, ctx, &case, args.stage, &args.decided_by, &args.reason)?;
    audit(tx, ctx, "change_stage", "case", &case.id)?;
    load(tx, &case.id)
}

pub(crate) fn close_case(tx: &Transaction<'_>, ctx: &Ctx, args: CloseCase) -> Result<Case, ModelError> {
    let case = load(tx, &args.case_id)?;
    if args.outcome_summary.trim().is_empty() {
        return Err(ModelError::NotAllowed(
            "closing a case needs an outcome summary: what happened and what helped".into(),
        ));
    }
    required("Who decided", &args.decided_by)?;
    if case.stage == Stage::Closed {
        return Err(ModelError::Invalid("this case is already closed".into()));
    }
    let today = ctx.today();
    let months = args.retention_months.unwrap_or(DEFAULT_RETENTION_MONTHS);
    let retention = today
        .checked_add_months(Months::new(months))
        .ok_or_else(|| ModelError::Invalid("that retention period is too long".into()))?;
    // No reason of its own: the close is its own event on the timeline, with its outcome (words the UI gives).
    record_stage(tx, ctx, &case, Stage::Closed, &args.decided_by, "")?;
    tx.execute(
        "UPDATE cases SET closed_on = ?2, outcome = ?3, outcome_summary = ?4, retention_until = ?5 WHERE id = ?1",
        params![case.id, today, args.outcome, args.outcome_summary.trim(), retention],
    )?;
    audit(tx, ctx, "close", "case", &case.id)?;
    load(tx, &case.id)
}

/// Deletes a closed case past its retention date, then writes a new snapshot and deletes every older generation
/// and journal, so that no file of the vault holds a trace of it and no restore brings it back.
pub(crate) fn purge_case(vault: &mut UnlockedVault, ctx: &Ctx, args: PurgeCase) -> Result<Purged, ModelError> {
    let case = load(vault.conn(), &args.case_id)?;
    if case.stage != Stage::Closed {
        return Err(ModelError::NotAllowed("only a closed case can be purged".into()));
    }
    match case.retention_until {
        Some(until) if until <= ctx.today() => {}
        Some(until) => {
            return Err(ModelError::NotAllowed(format!(
                "this case is kept until {until}; it can be purged from then on"
            )))
        }
        None => return Err(ModelError::NotAllowed("this case has no retention date".into())),
    }
    if args.confirm_code_name.trim() != case.code_name {
        return Err(ModelError::Invalid("to purge, type the case's code name exactly as confirmation".into()));
    }
    let id = case.id.clone();
    super::op::run_write(
        |tx, ctx, id: CaseId| {
            // Every record of the case goes with it through ON DELETE CASCADE.
            tx.execute("DELETE FROM cases WHERE id = ?1", [&id])?;
            // Remembered by id only, so that no bundle brings it back (issue 11).
            tx.execute(
                "INSERT OR IGNORE INTO purged_cases(case_id, purged_at) VALUES(?1, ?2)",
                rusqlite::params![id, ctx.now()],
            )?;
            audit(tx, ctx, "purge", "case", &id)?;
            Ok(())
        },
        vault,
        ctx,
        serde_json::to_value(&id).map_err(|e| ModelError::Invalid(e.to_string()))?,
    )?;
    vault.merge_search_index()?;
    vault.vacuum()?;
    // No older generation, journal or torn tail keeps the case (issue 8 item 9).
    vault.fold_forgetting_history().map_err(ModelError::Unsaved)?;
    Ok(Purged { case_id: id, generation: vault.generation() })
}

/// The filters of [`CaseFilter`] as SQL over `cases`, parameters 1 to 4 (see [`filter_params`]).
const FILTER_SQL: &str = "
    WHERE (?1 IS NULL OR stage = ?1)
      AND (?2 IS NULL OR EXISTS (SELECT 1 FROM case_tags t WHERE t.case_id = cases.id AND t.tag = ?2))
      AND (?3 OR stage <> 'closed')
      AND (?4 IS NULL OR EXISTS (SELECT 1 FROM processes p WHERE p.case_id = cases.id AND p.kind = ?4))
    ORDER BY updated_at DESC, id";

fn filter_params(filter: CaseFilter) -> (Option<Stage>, Option<String>, bool, Option<ProcessKind>) {
    let include_closed = filter.include_closed || filter.stage == Some(Stage::Closed);
    (filter.stage, filter.tag.map(|t| t.trim().to_lowercase()), include_closed, filter.process)
}

pub(crate) fn list_cases(conn: &Connection, _ctx: &Ctx, filter: CaseFilter) -> Result<Vec<Case>, ModelError> {
    let mut stmt = conn.prepare(&format!("SELECT {CASE_COLUMNS} FROM cases {FILTER_SQL}"))?;
    let rows = stmt.query_map(filter_params(filter), |r| case_from_row(conn, r))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The cases [`list_cases`] would give, as [`CaseSummary`]: the needs are read in place and only their first
/// line copied out; the other texts are not read.
pub(crate) fn list_case_summaries(
    conn: &Connection,
    _ctx: &Ctx,
    filter: CaseFilter,
) -> Result<Vec<CaseSummary>, ModelError> {
    let mut stmt = conn.prepare(&format!(
        "SELECT id, code_name, stage, harmed_needs, opened_on, created_at, updated_at FROM cases {FILTER_SQL}"
    ))?;
    let rows = stmt.query_map(filter_params(filter), |r| {
        let id: CaseId = r.get(0)?;
        let (needs_first_line, needs_cut) = first_line(r.get_ref(3)?.as_str()?, NEEDS_LINE_CHARS);
        Ok(CaseSummary {
            code_name: r.get(1)?,
            stage: r.get(2)?,
            needs_first_line: needs_first_line.to_owned(),
            needs_cut,
            tags: tags_of(conn, &id)?,
            opened_on: r.get(4)?,
            created_at: r.get(5)?,
            updated_at: r.get(6)?,
            id,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub(crate) fn get_case(conn: &Connection, _ctx: &Ctx, args: CaseRef) -> Result<CaseRecord, ModelError> {
    let case = load(conn, &args.case_id)?;
    let mut stmt = conn.prepare(
        "SELECT id, from_stage, to_stage, decided_by, reason, at FROM case_stage_changes WHERE case_id = ?1 ORDER BY at, id",
    )?;
    let stage_history = stmt
        .query_map([&case.id], |r| {
            Ok(StageChange {
                id: r.get(0)?,
                from_stage: r.get(1)?,
                to_stage: r.get(2)?,
                decided_by: r.get(3)?,
                reason: r.get(4)?,
                at: r.get(5)?,
            })
        })?
        .collect::<Result<_, _>>()?;
    Ok(CaseRecord { case, stage_history })
}

/// The case id of any case-scoped record, for modules that need to check a case exists and is open.
pub(crate) fn ensure_open(conn: &Connection, id: &CaseId) -> Result<Case, ModelError> {
    let case = load(conn, id)?;
    if case.stage == Stage::Closed {
        return Err(ModelError::NotAllowed(format!(
            "case {} is closed; its records can no longer change",
            case.code_name
        )));
    }
    Ok(case)
}

#[cfg(test)]
mod tests {
    use super::first_line;

    /// Issue 9: the home list's first line of the needs.
    #[test]
    fn first_line_skips_blank_lines_and_cuts_at_a_character() {
        assert_eq!(first_line("", 160), ("", false));
        assert_eq!(first_line(" \n\t\r\n  \n", 160), ("", false));
        assert_eq!(first_line("\n\n  To be heard.  \r\nAnd more.", 160), ("To be heard.", false));
        assert_eq!(first_line("Safety first\r\n", 160), ("Safety first", false));
        // Exactly the bound is whole; one more is cut, counting characters, not bytes.
        let exact = "ñ".repeat(160);
        assert_eq!(first_line(&exact, 160), (exact.as_str(), false));
        let over = format!("{exact}x");
        assert_eq!(first_line(&over, 160), (exact.as_str(), true));
        // Four-byte characters and a combining mark are never split inside their bytes.
        let emoji = "🕊️".repeat(100);
        let (line, cut) = first_line(&emoji, 160);
        assert!(cut && line.chars().count() == 160 && emoji.starts_with(line));
        // A cut that lands after a space drops it.
        assert_eq!(first_line("To be heard and believed", 12), ("To be heard", true));
    }
}
