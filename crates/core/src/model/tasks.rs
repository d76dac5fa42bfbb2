//! Tasks: the facilitator's follow-up to-dos on a case, with an optional due date and session.

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{params, Connection, Transaction};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::cases;
use super::context::Ctx;
use super::errors::ModelError;
use super::ids::{CaseId, SessionId, TaskId};
use super::notes::ensure_in_case;
use super::op::Op;
use super::rows::{audit, found, required};

pub(crate) fn ops() -> Vec<Op> {
    crate::ops! {
        write "add_task" => add_task, "Add a follow-up task to a case, with an optional due date and session.";
        write "complete_task" => complete_task, "Mark a task done.";
        write "reopen_task" => reopen_task, "Mark a done task as open again.";
        read "list_tasks" => list_tasks, "A case's tasks: open ones first by due date, then done ones.";
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Task {
    pub id: TaskId,
    pub case_id: CaseId,
    pub session_id: Option<SessionId>,
    pub title: String,
    pub due_on: Option<NaiveDate>,
    pub done_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct NewTask {
    pub case_id: CaseId,
    pub title: String,
    #[ts(optional)]
    pub due_on: Option<NaiveDate>,
    #[ts(optional)]
    pub session_id: Option<SessionId>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct TaskRef {
    pub task_id: TaskId,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct TaskFilter {
    pub case_id: CaseId,
}

const COLUMNS: &str = "id, case_id, session_id, title, due_on, done_at, created_at";

fn from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Task> {
    Ok(Task {
        id: r.get(0)?,
        case_id: r.get(1)?,
        session_id: r.get(2)?,
        title: r.get(3)?,
        due_on: r.get(4)?,
        done_at: r.get(5)?,
        created_at: r.get(6)?,
    })
}

fn load(conn: &Connection, id: &TaskId) -> Result<Task, ModelError> {
    found(conn.query_row(&format!("SELECT {COLUMNS} FROM tasks WHERE id = ?1"), [id], from_row), "task", id)
}

pub(crate) fn add_task(tx: &Transaction<'_>, ctx: &Ctx, args: NewTask) -> Result<Task, ModelError> {
    let case = cases::ensure_open(tx, &args.case_id)?;
    required("A title", &args.title)?;
    if let Some(session) = &args.session_id {
        ensure_in_case(tx, "session", "sessions", session, &case.id)?;
    }
    let id = TaskId(ctx.new_uuid());
    tx.execute(
        "INSERT INTO tasks(id, case_id, session_id, title, due_on, created_at) VALUES(?1, ?2, ?3, ?4, ?5, ?6)",
        params![id, case.id, args.session_id, args.title.trim(), args.due_on, ctx.now()],
    )?;
    audit(tx, ctx, "create", "task", &id)?;
    load(tx, &id)
}

pub(crate) fn complete_task(tx: &Transaction<'_>, ctx: &Ctx, args: TaskRef) -> Result<Task, ModelError> {
    let task = load(tx, &args.task_id)?;
    cases::ensure_open(tx, &task.case_id)?;
    if task.done_at.is_some() {
        return Err(ModelError::Invalid("this task is already done".into()));
    }
    tx.execute("UPDATE tasks SET done_at = ?2 WHERE id = ?1", params![task.id, ctx.now()])?;
    audit(tx, ctx, "complete", "task", &task.id)?;
    load(tx, &task.id)
}

pub(crate) fn reopen_task(tx: &Transaction<'_>, ctx: &Ctx, args: TaskRef) -> Result<Task, ModelError> {
    let task = load(tx, &args.task_id)?;
    cases::ensure_open(tx, &task.case_id)?;
    if task.done_at.is_none() {
        return Err(ModelError::Invalid("this task is already open".into()));
    }
    tx.execute("UPDATE tasks SET done_at = NULL WHERE id = ?1", [&task.id])?;
    audit(tx, ctx, "reopen", "task", &task.id)?;
    load(tx, &task.id)
}

pub(crate) fn list_tasks(conn: &Connection, _ctx: &Ctx, args: TaskFilter) -> Result<Vec<Task>, ModelError> {
    cases::load(conn, &args.case_id)?;
    let mut stmt = conn.prepare(&format!(
        "SELECT {COLUMNS} FROM tasks WHERE case_id = ?1
         ORDER BY done_at IS NOT NULL, due_on IS NULL, due_on, done_at DESC, created_at, id"
    ))?;
    let rows = stmt.query_map([&args.case_id], from_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}
