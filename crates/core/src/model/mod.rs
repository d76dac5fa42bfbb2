//! The case model: cases, participants, consent, assessments, processes and sessions, accountability, notes,
//! search, timeline and statistics. Every operation is registered in [`ops`], which both front ends call.

pub mod accountability;
pub mod assessments;
pub mod attachments;
pub mod audit_log;
pub mod case_file;
pub mod cases;
pub mod consent;
pub mod due;
pub mod ids;
pub mod notes;
pub mod ops;
pub mod participants;
pub mod processes;
pub mod progress_report;
pub mod roster;
pub mod safety;
pub mod search;
pub mod session_consent;
pub mod session_outcomes;
pub mod sessions;
pub mod shuttle;
pub mod snippet;
pub mod stats;
pub mod tasks;
pub mod terminology;
pub mod timeline;
pub mod vocab;

use std::sync::atomic::{AtomicU64, Ordering};

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::Connection;

use crate::error::ErrorKind;
use crate::vault::SaveError;

pub use ids::*;
pub use vocab::*;

/// Who acts and when: passed into every operation so that tests control time and ids.
#[derive(Debug)]
pub struct Ctx {
    now: DateTime<Utc>,
    actor: String,
    counter: Option<AtomicU64>,
}

impl Ctx {
    /// The real clock and random UUIDv7 ids.
    pub fn new(actor: impl Into<String>) -> Ctx {
        Ctx { now: Utc::now(), actor: actor.into(), counter: None }
    }

    /// A fixed instant and sequential ids (UUIDv7 layout, time from `now`): for tests and demos.
    pub fn fixed(now: DateTime<Utc>, actor: impl Into<String>) -> Ctx {
        Ctx::fixed_from(now, actor, 1)
    }

    /// Like [`Ctx::fixed`], with ids counting from `first`. Demo data draws `first` from its seeded generator, so
    /// that contexts at the same instant (other cases, other seeds) do not repeat each other's ids.
    pub fn fixed_from(now: DateTime<Utc>, actor: impl Into<String>, first: u64) -> Ctx {
        Ctx { now, actor: actor.into(), counter: Some(AtomicU64::new(first)) }
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.now
    }

    pub fn today(&self) -> NaiveDate {
        self.now.date_naive()
    }

    pub fn actor(&self) -> &str {
        &self.actor
    }

    /// A new UUIDv7.
    pub fn new_uuid(&self) -> uuid::Uuid {
        let millis = self.now.timestamp_millis().max(0) as u64;
        let mut random = [0u8; 10];
        match &self.counter {
            Some(counter) => random[2..].copy_from_slice(&counter.fetch_add(1, Ordering::Relaxed).to_be_bytes()),
            None => rand::Rng::fill(&mut rand::thread_rng(), &mut random[..]),
        }
        uuid::Builder::from_unix_timestamp_millis(millis, &random).into_uuid()
    }
}

/// Why a model operation was refused. Each variant says what to do in words a facilitator understands.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ModelError {
    /// The record does not exist (or was purged).
    #[error("no {kind} with id {id}")]
    NotFound { kind: &'static str, id: String },
    /// A participant's current consent does not cover the activity.
    #[error("{alias} has no current consent to {activity} ({state}); record their consent first")]
    ConsentRequired { participant: ParticipantId, alias: String, activity: Activity, state: String },
    /// A shuttle message was not approved by its author.
    #[error("the author has not approved relaying this message yet")]
    ApprovalRequired,
    /// The arguments are not acceptable.
    #[error("{0}")]
    Invalid(String),
    /// A rule of practice forbids the operation as asked.
    #[error("{0}")]
    NotAllowed(String),
    /// The change is committed in memory but could not be saved.
    #[error(transparent)]
    Unsaved(SaveError),
    /// The database failed.
    #[error("the database failed: {0}")]
    Database(#[from] rusqlite::Error),
}

impl ModelError {
    pub fn kind(&self) -> ErrorKind {
        match self {
            ModelError::NotFound { .. } => ErrorKind::NotFound,
            ModelError::ConsentRequired { .. } => ErrorKind::ConsentRequired,
            ModelError::ApprovalRequired => ErrorKind::ApprovalRequired,
            ModelError::Invalid(_) => ErrorKind::InvalidInput,
            ModelError::NotAllowed(_) => ErrorKind::NotAllowed,
            ModelError::Unsaved(e) => e.kind(),
            ModelError::Database(_) => ErrorKind::Io,
        }
    }

    pub fn not_found(kind: &'static str, id: impl std::fmt::Display) -> ModelError {
        ModelError::NotFound { kind, id: id.to_string() }
    }
}

/// Appends to the audit log: who did what to which record, never any content.
pub fn audit(conn: &Connection, ctx: &Ctx, action: &str, record_kind: &str, record_id: &dyn std::fmt::Display) -> Result<(), ModelError> {
    conn.execute(
        "INSERT INTO audit_log(id, at, actor, action, record_kind, record_id) VALUES(?1, ?2, ?3, ?4, ?5, ?6)",
        rusqlite::params![AuditId(ctx.new_uuid()), ctx.now(), ctx.actor(), action, record_kind, record_id.to_string()],
    )?;
    Ok(())
}

/// Refuses empty required text.
pub fn required(field: &str, value: &str) -> Result<(), ModelError> {
    if value.trim().is_empty() {
        return Err(ModelError::Invalid(format!("{field} is required")));
    }
    Ok(())
}

/// Maps "no row" to [`ModelError::NotFound`].
pub fn found<T>(result: rusqlite::Result<T>, kind: &'static str, id: &dyn std::fmt::Display) -> Result<T, ModelError> {
    match result {
        Ok(v) => Ok(v),
        Err(rusqlite::Error::QueryReturnedNoRows) => Err(ModelError::not_found(kind, id)),
        Err(e) => Err(e.into()),
    }
}
