//! Who belongs to a case: the checks that a participant id (or a process id) named in an operation belongs
//! to the case in hand, shared by sessions, shuttle dialogue and the accountability plan.

use rusqlite::{Connection, OptionalExtension};

use super::errors::ModelError;
use super::ids::{CaseId, ParticipantId, ProcessId};
use super::vocab::{ProcessStatus, Role};

/// A participant as the checks need them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    pub id: ParticipantId,
    pub alias: String,
    pub role: Role,
}

/// The participant, if they are part of `case`; otherwise NotFound (no such person) or Invalid (another case).
pub(crate) fn member(conn: &Connection, case: &CaseId, participant: &ParticipantId) -> Result<Member, ModelError> {
    let row: Option<(CaseId, String, Role)> = conn
        .query_row("SELECT case_id, alias, role FROM participants WHERE id = ?1", [participant], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .optional()?;
    match row {
        None => Err(ModelError::not_found("participant", participant)),
        Some((owner, _, _)) if &owner != case => Err(ModelError::Invalid(format!(
            "participant {participant} belongs to another case; only this case's participants can take part here"
        ))),
        Some((_, alias, role)) => Ok(Member { id: participant.clone(), alias, role }),
    }
}

/// Each participant of the list, once, in the order given; every one must be part of `case`.
pub(crate) fn members(
    conn: &Connection,
    case: &CaseId,
    participants: &[ParticipantId],
) -> Result<Vec<Member>, ModelError> {
    let mut out: Vec<Member> = Vec::with_capacity(participants.len());
    for id in participants {
        if out.iter().any(|m| &m.id == id) {
            continue;
        }
        out.push(member(conn, case, id)?);
    }
    Ok(out)
}

/// Checks that a process belongs to `case` and is still running (active or paused); returns its status.
pub(crate) fn running_process(
    conn: &Connection,
    case: &CaseId,
    process: &ProcessId,
) -> Result<ProcessStatus, ModelError> {
    let row: Option<(CaseId, ProcessStatus)> = conn
        .query_row("SELECT case_id, status FROM processes WHERE id = ?1", [process], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    match row {
        None => Err(ModelError::not_found("process", process)),
        Some((owner, _)) if &owner != case => {
            Err(ModelError::Invalid(format!("process {process} belongs to another case")))
        }
        Some((_, status @ (ProcessStatus::Closed | ProcessStatus::Withdrawn))) => Err(ModelError::NotAllowed(format!(
            "that process is {status}; reopen it (set it active or paused) before adding to it"
        ))),
        Some((_, status)) => Ok(status),
    }
}
