//! Rule 3: the progress report for the person harmed, in the way they chose (directly, through the
//! facilitator, or not at all), and never while their consent to progress updates stands declined or withdrawn
//! in the ledger. Only shareable progress entries go in; private entries and notes never do.
//! Preparing it is an export, so it is a write operation and the audit log records who prepared it and when.

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::Transaction;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::accountability::{commitments_of, progress_of};
use super::cases;
use super::consent::{self, Needs};
use super::context::Ctx;
use super::errors::ModelError;
use super::ids::{CaseId, CommitmentId, ParticipantId};
use super::op::Op;
use super::roster;
use super::rows::audit;
use super::vocab::{Activity, CommitmentKind, CommitmentStatus, ProgressUpdates, Role};

pub(crate) fn ops() -> Vec<Op> {
    crate::ops! {
        write "progress_report" => progress_report, "Prepare the shareable progress report for the person harmed, as they chose to hear it.";
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct ProgressReportFor {
    pub case_id: CaseId,
    /// The person harmed who receives it.
    pub participant_id: ParticipantId,
}

/// What the person harmed may hear of the accountability plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ProgressReport {
    pub case_id: CaseId,
    pub participant_id: ParticipantId,
    /// Directly or through the facilitator: as the person harmed chose.
    pub delivery: ProgressUpdates,
    pub prepared_at: DateTime<Utc>,
    pub commitments: Vec<ReportedCommitment>,
}

/// A commitment as the report tells it: its status and its shareable progress only.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ReportedCommitment {
    pub commitment_id: CommitmentId,
    pub kind: CommitmentKind,
    pub description: String,
    pub due_on: Option<NaiveDate>,
    pub status: CommitmentStatus,
    pub progress: Vec<SharedProgress>,
}

/// A shareable progress entry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct SharedProgress {
    pub entry_on: NaiveDate,
    pub text: String,
    pub verified_by: String,
    pub verification: String,
}

pub(crate) fn progress_report(
    tx: &Transaction<'_>,
    ctx: &Ctx,
    args: ProgressReportFor,
) -> Result<ProgressReport, ModelError> {
    cases::load(tx, &args.case_id)?;
    let member = roster::member(tx, &args.case_id, &args.participant_id)?;
    if member.role != Role::PersonHarmed {
        return Err(ModelError::NotAllowed(
            "a progress report is prepared for the person harmed; choose that participant".into(),
        ));
    }
    let delivery: ProgressUpdates =
        tx.query_row("SELECT progress_updates FROM participants WHERE id = ?1", [&member.id], |r| r.get(0))?;
    // A choice set on two vaults since they last agreed (a merge conflict, see docs/ARCHITECTURE.md) counts as
    // "not at all" until a facilitator resolves it.
    let in_conflict: bool = tx.query_row(
        "SELECT count(DISTINCT value) > 1 FROM sync_fields
         WHERE tbl = 'participants' AND row_key = json_array(?1) AND col = 'progress_updates'",
        [&member.id],
        |r| r.get(0),
    )?;
    let delivery = if in_conflict { ProgressUpdates::NotAtAll } else { delivery };
    consent::require_on(tx, ctx, &member.id, Activity::ProgressUpdates, ctx.today(), Needs::NoRefusal)?;
    if delivery == ProgressUpdates::NotAtAll {
        return Err(ModelError::NotAllowed(
            "the person harmed chose not to hear about progress, so no report is prepared; \
             if they tell you they would like updates, record their new choice first"
                .into(),
        ));
    }
    let mut commitments = Vec::new();
    for commitment in commitments_of(tx, &args.case_id)? {
        let progress = progress_of(tx, &commitment.id, true)?
            .into_iter()
            .map(|e| SharedProgress {
                entry_on: e.entry_on,
                text: e.text,
                verified_by: e.verified_by,
                verification: e.verification,
            })
            .collect();
        commitments.push(ReportedCommitment {
            commitment_id: commitment.id,
            kind: commitment.kind,
            description: commitment.description,
            due_on: commitment.due_on,
            status: commitment.status,
            progress,
        });
    }
    audit(tx, ctx, "export_progress_report", "participant", &member.id)?;
    Ok(ProgressReport {
        case_id: args.case_id,
        participant_id: member.id,
        delivery,
        prepared_at: ctx.now(),
        commitments,
    })
}
