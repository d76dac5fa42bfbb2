//! The accountability plan: the person responsible's concrete commitments (apology letter, consent education,
//! counselling, skill practice…), each with progress entries and who verified them. What the person harmed
//! hears of it is prepared in [`progress_report`](super::progress_report). The plan is a record about the person
//! responsible: adding to it or changing it is refused while they have declined or withdrawn consent to notes
//! being kept (as it stands today).

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{params, Connection, Transaction};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::cases;
use super::consent::{self, Needs};
use super::context::Ctx;
use super::errors::ModelError;
use super::ids::{CaseId, CommitmentId, ParticipantId, ProgressId};
use super::op::Op;
use super::roster;
use super::rows::{audit, found, required};
use super::vocab::{Activity, CommitmentKind, CommitmentStatus, Role};

pub(crate) fn ops() -> Vec<Op> {
    crate::ops! {
        write "add_commitment" => add_commitment, "Add a commitment to the person responsible's accountability plan.";
        write "update_commitment" => update_commitment, "Move a commitment on (in progress, done, missed, renegotiated).";
        write "add_progress" => add_progress, "Add a progress entry to a commitment, with who verified it and how.";
        read "list_commitments" => list_commitments, "A case's accountability plan: commitments with all their progress entries.";
    }
}

/// A commitment of the accountability plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Commitment {
    pub id: CommitmentId,
    pub case_id: CaseId,
    /// The person responsible who made it.
    pub participant_id: ParticipantId,
    pub kind: CommitmentKind,
    pub description: String,
    pub due_on: Option<NaiveDate>,
    pub status: CommitmentStatus,
    pub progress: Vec<ProgressEntry>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A step of progress on a commitment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ProgressEntry {
    pub id: ProgressId,
    pub commitment_id: CommitmentId,
    pub entry_on: NaiveDate,
    pub text: String,
    /// Whether it may go into the person harmed's progress report; private unless marked.
    pub shareable: bool,
    pub verified_by: String,
    /// How it was verified (for example "certificate seen", "counsellor's letter").
    pub verification: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct NewCommitment {
    pub case_id: CaseId,
    /// A participant of the case in the person responsible role.
    pub participant_id: ParticipantId,
    pub kind: CommitmentKind,
    pub description: String,
    #[ts(optional)]
    #[serde(default)]
    pub due_on: Option<NaiveDate>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct CommitmentUpdate {
    pub commitment_id: CommitmentId,
    pub status: CommitmentStatus,
    /// Only when renegotiated: the new due date.
    #[ts(optional)]
    #[serde(default)]
    pub due_on: Option<NaiveDate>,
    /// Only when renegotiated: the new wording.
    #[ts(optional)]
    #[serde(default)]
    pub description: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct NewProgress {
    pub commitment_id: CommitmentId,
    /// Today unless given.
    #[ts(optional)]
    #[serde(default)]
    pub entry_on: Option<NaiveDate>,
    pub text: String,
    #[serde(default)]
    pub shareable: bool,
    #[serde(default)]
    pub verified_by: String,
    #[serde(default)]
    pub verification: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct CommitmentsOfCase {
    pub case_id: CaseId,
}

const COMMITMENT_COLUMNS: &str =
    "id, case_id, participant_id, kind, description, due_on, status, created_at, updated_at";

fn commitment_from_row(conn: &Connection, r: &rusqlite::Row<'_>) -> rusqlite::Result<Commitment> {
    let id: CommitmentId = r.get(0)?;
    let progress = progress_of(conn, &id, false)?;
    Ok(Commitment {
        case_id: r.get(1)?,
        participant_id: r.get(2)?,
        kind: r.get(3)?,
        description: r.get(4)?,
        due_on: r.get(5)?,
        status: r.get(6)?,
        created_at: r.get(7)?,
        updated_at: r.get(8)?,
        progress,
        id,
    })
}

/// A commitment's progress entries in date order; only the shareable ones if asked.
pub(crate) fn progress_of(
    conn: &Connection,
    id: &CommitmentId,
    shareable_only: bool,
) -> rusqlite::Result<Vec<ProgressEntry>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, commitment_id, entry_on, text, shareable, verified_by, verification, created_at FROM progress_entries
         WHERE commitment_id = ?1 AND (shareable OR NOT ?2) ORDER BY entry_on, id",
    )?;
    let rows = stmt.query_map(params![id, shareable_only], |r| {
        Ok(ProgressEntry {
            id: r.get(0)?,
            commitment_id: r.get(1)?,
            entry_on: r.get(2)?,
            text: r.get(3)?,
            shareable: r.get(4)?,
            verified_by: r.get(5)?,
            verification: r.get(6)?,
            created_at: r.get(7)?,
        })
    })?;
    rows.collect()
}

/// Reads one commitment with its progress entries.
pub(crate) fn load(conn: &Connection, id: &CommitmentId) -> Result<Commitment, ModelError> {
    found(
        conn.query_row(&format!("SELECT {COMMITMENT_COLUMNS} FROM commitments WHERE id = ?1"), [id], |r| {
            commitment_from_row(conn, r)
        }),
        "commitment",
        id,
    )
}

/// A case's commitments in the order they were made.
pub(crate) fn commitments_of(conn: &Connection, case: &CaseId) -> Result<Vec<Commitment>, ModelError> {
    let mut stmt = conn
        .prepare(&format!("SELECT {COMMITMENT_COLUMNS} FROM commitments WHERE case_id = ?1 ORDER BY created_at, id"))?;
    let rows = stmt.query_map([case], |r| commitment_from_row(conn, r))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

fn load_for_change(conn: &Connection, id: &CommitmentId) -> Result<Commitment, ModelError> {
    let commitment = load(conn, id)?;
    cases::ensure_open(conn, &commitment.case_id)?;
    Ok(commitment)
}

/// Whether a commitment may move from one status to another. Done is where a commitment rests; nothing goes
/// back to not started; renegotiating may happen again.
pub(crate) fn may_move(from: CommitmentStatus, to: CommitmentStatus) -> bool {
    use CommitmentStatus::*;
    match (from, to) {
        (Done, _) | (_, NotStarted) => false,
        (Renegotiated, Renegotiated) => true,
        (a, b) => a != b,
    }
}

/// Refuses a record about the person responsible while they have said no to notes being kept.
fn require_plan_record(conn: &Connection, ctx: &Ctx, person: &ParticipantId) -> Result<(), ModelError> {
    consent::require_on(conn, ctx, person, Activity::KeepingNotes, ctx.today(), Needs::NoRefusal)
}

pub(crate) fn add_commitment(tx: &Transaction<'_>, ctx: &Ctx, args: NewCommitment) -> Result<Commitment, ModelError> {
    cases::ensure_open(tx, &args.case_id)?;
    let member = roster::member(tx, &args.case_id, &args.participant_id)?;
    if member.role != Role::PersonResponsible {
        return Err(ModelError::NotAllowed(
            "commitments of an accountability plan are made by the person responsible; choose that participant".into(),
        ));
    }
    required("A description", &args.description)?;
    require_plan_record(tx, ctx, &member.id)?;
    let id = CommitmentId(ctx.new_uuid());
    tx.execute(
        "INSERT INTO commitments(id, case_id, participant_id, kind, description, due_on, status, created_at, updated_at)
         VALUES(?1, ?2, ?3, ?4, ?5, ?6, 'not_started', ?7, ?7)",
        params![id, args.case_id, member.id, args.kind, args.description.trim(), args.due_on, ctx.now()],
    )?;
    audit(tx, ctx, "create", "commitment", &id)?;
    load(tx, &id)
}

pub(crate) fn update_commitment(
    tx: &Transaction<'_>,
    ctx: &Ctx,
    args: CommitmentUpdate,
) -> Result<Commitment, ModelError> {
    let commitment = load_for_change(tx, &args.commitment_id)?;
    if !may_move(commitment.status, args.status) {
        return Err(ModelError::NotAllowed(match (commitment.status, args.status) {
            (CommitmentStatus::Done, _) => {
                "this commitment is done; add a progress entry to note anything further".into()
            }
            (from, to) if from == to => format!("this commitment is already {to}"),
            (_, to) => format!("a commitment that has begun does not go back to {to}"),
        }));
    }
    let changes_terms = args.due_on.is_some() || args.description.is_some();
    if changes_terms && args.status != CommitmentStatus::Renegotiated {
        return Err(ModelError::Invalid(
            "the due date and description change only when the commitment is renegotiated".into(),
        ));
    }
    if let Some(description) = &args.description {
        required("A description", description)?;
    }
    require_plan_record(tx, ctx, &commitment.participant_id)?;
    tx.execute(
        "UPDATE commitments SET status = ?2, due_on = ?3, description = ?4, updated_at = ?5 WHERE id = ?1",
        params![
            commitment.id,
            args.status,
            args.due_on.or(commitment.due_on),
            args.description.as_deref().map(str::trim).unwrap_or(&commitment.description),
            ctx.now(),
        ],
    )?;
    audit(tx, ctx, "update", "commitment", &commitment.id)?;
    load(tx, &commitment.id)
}

pub(crate) fn add_progress(tx: &Transaction<'_>, ctx: &Ctx, args: NewProgress) -> Result<ProgressEntry, ModelError> {
    let commitment = load_for_change(tx, &args.commitment_id)?;
    required("The progress entry", &args.text)?;
    let entry_on = args.entry_on.unwrap_or_else(|| ctx.today());
    if entry_on > ctx.today() {
        return Err(ModelError::Invalid("progress is recorded for a day that has come, not in the future".into()));
    }
    require_plan_record(tx, ctx, &commitment.participant_id)?;
    let id = ProgressId(ctx.new_uuid());
    tx.execute(
        "INSERT INTO progress_entries(id, commitment_id, entry_on, text, shareable, verified_by, verification, created_at)
         VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            id,
            commitment.id,
            entry_on,
            args.text.trim(),
            args.shareable,
            args.verified_by.trim(),
            args.verification.trim(),
            ctx.now()
        ],
    )?;
    tx.execute("UPDATE commitments SET updated_at = ?2 WHERE id = ?1", params![commitment.id, ctx.now()])?;
    audit(tx, ctx, "create", "progress", &id)?;
    let entries = progress_of(tx, &commitment.id, false)?;
    entries.into_iter().find(|e| e.id == id).ok_or_else(|| ModelError::not_found("progress entry", &id))
}

pub(crate) fn list_commitments(
    conn: &Connection,
    _ctx: &Ctx,
    args: CommitmentsOfCase,
) -> Result<Vec<Commitment>, ModelError> {
    cases::load(conn, &args.case_id)?;
    commitments_of(conn, &args.case_id)
}

#[cfg(test)]
mod tests {
    use super::may_move;
    use crate::model::CommitmentStatus::{self, *};

    #[test]
    fn done_rests_and_nothing_returns_to_not_started() {
        for &to in CommitmentStatus::ALL {
            assert!(!may_move(Done, to));
            assert!(!may_move(to, NotStarted));
        }
        assert!(may_move(NotStarted, InProgress));
        assert!(may_move(Missed, Renegotiated));
        assert!(may_move(Renegotiated, Renegotiated));
        assert!(may_move(Missed, Done));
        assert!(!may_move(InProgress, InProgress));
    }
}
