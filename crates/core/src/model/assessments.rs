//! Readiness and risk assessments, per participant at each stage: a checklist, the risk seen, the decision
//! (proceed, pause or stop) and its reasons. A decision never moves the case by itself; it comes with a suggestion.

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{params, Connection, Transaction};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::cases;
use super::context::Ctx;
use super::errors::ModelError;
use super::ids::{AssessmentId, CaseId, ParticipantId};
use super::op::Op;
use super::participants::{self, ParticipantScope};
use super::rows::{audit, found, required};
use super::vocab::{AssessmentDecision, RiskLevel, Stage};

pub(crate) fn ops() -> Vec<Op> {
    crate::ops! {
        write "record_assessment" => record_assessment, "Record a readiness and risk assessment of a participant, with its decision and reasons.";
        read "list_assessments" => list_assessments, "Assessments of a participant or of a whole case, newest first.";
    }
}

/// One question of an assessment checklist.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ChecklistItem {
    pub question: String,
    pub answer: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Assessment {
    pub id: AssessmentId,
    pub participant_id: ParticipantId,
    pub case_id: CaseId,
    pub stage: Stage,
    pub checklist: Vec<ChecklistItem>,
    pub risk_level: RiskLevel,
    pub decision: AssessmentDecision,
    pub reasons: String,
    pub assessed_on: NaiveDate,
    pub next_review_on: Option<NaiveDate>,
    pub assessed_by: String,
    pub created_at: DateTime<Utc>,
}

/// A recorded assessment, with a gentle suggestion when it decided to pause or stop.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct RecordedAssessment {
    pub assessment: Assessment,
    pub suggestion: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct NewAssessment {
    pub participant_id: ParticipantId,
    /// The default is the case's current stage.
    #[ts(optional)]
    pub stage: Option<Stage>,
    #[serde(default)]
    pub checklist: Vec<ChecklistItem>,
    pub risk_level: RiskLevel,
    pub decision: AssessmentDecision,
    pub reasons: String,
    /// The default is today.
    #[ts(optional)]
    pub assessed_on: Option<NaiveDate>,
    #[ts(optional)]
    pub next_review_on: Option<NaiveDate>,
    pub assessed_by: String,
}

const COLUMNS: &str = "a.id, a.participant_id, p.case_id, a.stage, a.checklist, a.risk_level, a.decision, a.reasons, \
    a.assessed_on, a.next_review_on, a.assessed_by, a.created_at";

fn from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Assessment> {
    let checklist: String = r.get(4)?;
    let checklist = serde_json::from_str(&checklist)
        .map_err(|e| rusqlite::Error::FromSqlConversionFailure(4, rusqlite::types::Type::Text, Box::new(e)))?;
    Ok(Assessment {
        id: r.get(0)?,
        participant_id: r.get(1)?,
        case_id: r.get(2)?,
        stage: r.get(3)?,
        checklist,
        risk_level: r.get(5)?,
        decision: r.get(6)?,
        reasons: r.get(7)?,
        assessed_on: r.get(8)?,
        next_review_on: r.get(9)?,
        assessed_by: r.get(10)?,
        created_at: r.get(11)?,
    })
}

fn load(conn: &Connection, id: &AssessmentId) -> Result<Assessment, ModelError> {
    found(
        conn.query_row(
            &format!(
                "SELECT {COLUMNS} FROM assessments a JOIN participants p ON p.id = a.participant_id WHERE a.id = ?1"
            ),
            [id],
            from_row,
        ),
        "assessment",
        id,
    )
}

/// What a facilitator might consider next; the decision itself changes nothing.
fn suggestion(decision: AssessmentDecision, stage: Stage) -> Option<String> {
    match (decision, stage) {
        (AssessmentDecision::Proceed, _) | (_, Stage::Withdrawn) | (AssessmentDecision::Pause, Stage::Paused) => None,
        (AssessmentDecision::Pause, _) => {
            Some("Consider pausing the case, and agreeing with those involved when readiness will be reviewed.".into())
        }
        (AssessmentDecision::Stop, _) => Some(
            "Consider stopping this process or withdrawing the case, and letting those involved know in the way they chose."
                .into(),
        ),
    }
}

pub(crate) fn record_assessment(
    tx: &Transaction<'_>,
    ctx: &Ctx,
    args: NewAssessment,
) -> Result<RecordedAssessment, ModelError> {
    let participant = participants::load(tx, &args.participant_id)?;
    let case = cases::ensure_open(tx, &participant.case_id)?;
    required("The reasons", &args.reasons)?;
    required("Who assessed", &args.assessed_by)?;
    let stage = args.stage.unwrap_or(case.stage);
    if stage == Stage::Closed {
        return Err(ModelError::Invalid("assessments belong to a stage before closing".into()));
    }
    let assessed_on = args.assessed_on.unwrap_or_else(|| ctx.today());
    if assessed_on > ctx.today() {
        return Err(ModelError::Invalid("an assessment cannot be dated after today".into()));
    }
    if args.next_review_on.is_some_and(|review| review < assessed_on) {
        return Err(ModelError::Invalid("the next review cannot be before the assessment".into()));
    }
    let mut checklist = args.checklist;
    for item in &mut checklist {
        required("Each checklist question", &item.question)?;
        item.question = item.question.trim().to_owned();
        item.answer = item.answer.trim().to_owned();
        item.note = item.note.take().map(|n| n.trim().to_owned()).filter(|n| !n.is_empty());
    }
    let checklist = serde_json::to_string(&checklist)
        .map_err(|e| ModelError::Invalid(format!("the checklist could not be encoded: {e}")))?;
    let id = AssessmentId(ctx.new_uuid());
    tx.execute(
        "INSERT INTO assessments(id, participant_id, stage, checklist, risk_level, decision, reasons, assessed_on,
                                 next_review_on, assessed_by, created_at)
         VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        params![
            id,
            participant.id,
            stage,
            checklist,
            args.risk_level,
            args.decision,
            args.reasons.trim(),
            assessed_on,
            args.next_review_on,
            args.assessed_by.trim(),
            ctx.now(),
        ],
    )?;
    audit(tx, ctx, "create", "assessment", &id)?;
    Ok(RecordedAssessment { assessment: load(tx, &id)?, suggestion: suggestion(args.decision, case.stage) })
}

pub(crate) fn list_assessments(
    conn: &Connection,
    _ctx: &Ctx,
    args: ParticipantScope,
) -> Result<Vec<Assessment>, ModelError> {
    args.check(conn)?;
    let mut stmt = conn.prepare(&format!(
        "SELECT {COLUMNS} FROM assessments a JOIN participants p ON p.id = a.participant_id
         WHERE (?1 IS NULL OR a.participant_id = ?1) AND (?2 IS NULL OR p.case_id = ?2)
         ORDER BY a.assessed_on DESC, a.created_at DESC, a.id DESC"
    ))?;
    let rows = stmt.query_map(params![args.participant_id, args.case_id], from_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}
