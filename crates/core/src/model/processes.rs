//! Processes chosen for a case (circles, dialogue, conference, reintegration support). A case can hold
//! several at once; each can be paused, closed or withdrawn and reopened, in any order: no sequence is forced.

use chrono::NaiveDate;
use rusqlite::{params, Connection, Transaction};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::cases;
use super::context::Ctx;
use super::errors::ModelError;
use super::ids::{CaseId, ProcessId};
use super::op::Op;
use super::rows::{audit, found};
use super::vocab::{ProcessKind, ProcessStatus};

pub(crate) fn ops() -> Vec<Op> {
    crate::ops! {
        write "open_process" => open_process, "Start a process for a case (several may run in parallel).";
        write "set_process_status" => set_process_status, "Pause, close, withdraw or reopen a process.";
        read "list_processes" => list_processes, "A case's processes, in the order they were opened.";
    }
}

/// A process within a case.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Process {
    pub id: ProcessId,
    pub case_id: CaseId,
    pub kind: ProcessKind,
    pub status: ProcessStatus,
    pub opened_on: NaiveDate,
    /// Set when the process is closed or withdrawn; cleared if it is reopened.
    pub closed_on: Option<NaiveDate>,
    pub note: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct OpenProcess {
    pub case_id: CaseId,
    pub kind: ProcessKind,
    /// Today unless given.
    #[ts(optional)]
    #[serde(default)]
    pub opened_on: Option<NaiveDate>,
    #[serde(default)]
    pub note: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct SetProcessStatus {
    pub process_id: ProcessId,
    pub status: ProcessStatus,
    /// For closed or withdrawn: the day it ended, today unless given.
    #[ts(optional)]
    #[serde(default)]
    pub on: Option<NaiveDate>,
    /// Replaces the note when given (for example why it paused, and who decided).
    #[ts(optional)]
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct ProcessesOfCase {
    pub case_id: CaseId,
}

const PROCESS_COLUMNS: &str = "id, case_id, kind, status, opened_on, closed_on, note";

fn process_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Process> {
    Ok(Process {
        id: r.get(0)?,
        case_id: r.get(1)?,
        kind: r.get(2)?,
        status: r.get(3)?,
        opened_on: r.get(4)?,
        closed_on: r.get(5)?,
        note: r.get(6)?,
    })
}

/// Reads one process.
pub(crate) fn load(conn: &Connection, id: &ProcessId) -> Result<Process, ModelError> {
    found(
        conn.query_row(&format!("SELECT {PROCESS_COLUMNS} FROM processes WHERE id = ?1"), [id], process_from_row),
        "process",
        id,
    )
}

pub(crate) fn open_process(tx: &Transaction<'_>, ctx: &Ctx, args: OpenProcess) -> Result<Process, ModelError> {
    cases::ensure_open(tx, &args.case_id)?;
    let id = ProcessId(ctx.new_uuid());
    tx.execute(
        "INSERT INTO processes(id, case_id, kind, status, opened_on, note) VALUES(?1, ?2, ?3, 'active', ?4, ?5)",
        params![id, args.case_id, args.kind, args.opened_on.unwrap_or_else(|| ctx.today()), args.note.trim()],
    )?;
    audit(tx, ctx, "open", "process", &id)?;
    load(tx, &id)
}

pub(crate) fn set_process_status(
    tx: &Transaction<'_>,
    ctx: &Ctx,
    args: SetProcessStatus,
) -> Result<Process, ModelError> {
    let process = load(tx, &args.process_id)?;
    cases::ensure_open(tx, &process.case_id)?;
    if process.status == args.status {
        return Err(ModelError::Invalid(format!("the process is already {}", args.status)));
    }
    let closed_on = match args.status {
        ProcessStatus::Closed | ProcessStatus::Withdrawn => {
            let on = args.on.unwrap_or_else(|| ctx.today());
            if on < process.opened_on {
                return Err(ModelError::Invalid("a process cannot end before the day it was opened".into()));
            }
            Some(on)
        }
        ProcessStatus::Active | ProcessStatus::Paused => {
            if args.on.is_some() {
                return Err(ModelError::Invalid(
                    "an end date is given only when closing or withdrawing a process".into(),
                ));
            }
            None
        }
    };
    tx.execute(
        "UPDATE processes SET status = ?2, closed_on = ?3, note = ?4 WHERE id = ?1",
        params![process.id, args.status, closed_on, args.note.as_deref().map(str::trim).unwrap_or(&process.note)],
    )?;
    audit(tx, ctx, "set_status", "process", &process.id)?;
    load(tx, &process.id)
}

pub(crate) fn list_processes(conn: &Connection, _ctx: &Ctx, args: ProcessesOfCase) -> Result<Vec<Process>, ModelError> {
    cases::load(conn, &args.case_id)?;
    let mut stmt =
        conn.prepare(&format!("SELECT {PROCESS_COLUMNS} FROM processes WHERE case_id = ?1 ORDER BY opened_on, id"))?;
    let rows = stmt.query_map([&args.case_id], process_from_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}
