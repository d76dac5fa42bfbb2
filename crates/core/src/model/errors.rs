//! Why a model operation was refused, and the structured details a front end words itself. Vocabulary: it
//! imports only the ids and closed vocabularies.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::ids::{ConsentId, ParticipantId};
use super::vocab::{Activity, ConsentState};
use crate::error::ErrorKind;
use crate::vault::SaveError;

/// Why a model operation was refused. Each variant says what to do in words a facilitator understands.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ModelError {
    /// The record does not exist (or was purged).
    #[error("no {kind} with id {id}")]
    NotFound { kind: &'static str, id: String },
    /// A participant's consent, as it stood on the activity's day, does not cover the activity.
    #[error("{}", .0)]
    ConsentRequired(Box<ConsentRefusal>),
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
            ModelError::ConsentRequired(_) => ErrorKind::ConsentRequired,
            ModelError::ApprovalRequired => ErrorKind::ApprovalRequired,
            ModelError::Invalid(_) => ErrorKind::InvalidInput,
            ModelError::NotAllowed(_) => ErrorKind::NotAllowed,
            ModelError::Unsaved(e) => e.kind(),
            ModelError::Database(_) => ErrorKind::Io,
        }
    }

    /// The structured details of the error, for front ends to word in the person's language (`None` where the
    /// kind says all there is).
    pub fn details(&self) -> Option<ErrorDetails> {
        match self {
            ModelError::ConsentRequired(refusal) => Some(ErrorDetails::ConsentRequired(refusal.clone())),
            _ => None,
        }
    }

    pub fn not_found(kind: &'static str, id: impl std::fmt::Display) -> ModelError {
        ModelError::NotFound { kind, id: id.to_string() }
    }
}

/// What a front end needs to word an error itself: the kind's data, tagged with the kind's code. Serialized as
/// `{"kind": "consent_required", …fields}`; the UI's bindings (`errors.ts`) carry the same type.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum ErrorDetails {
    /// Which participant, which activity, what the ledger said and as of which day.
    ConsentRequired(Box<ConsentRefusal>),
}

/// Why an activity was refused: who, which activity, what the ledger said and as of which day. A front end words
/// it from these fields (in the person's language) and can offer to record consent for exactly this.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ConsentRefusal {
    pub participant_id: ParticipantId,
    pub alias: String,
    pub activity: Activity,
    /// For information sharing: the recipient; empty otherwise.
    pub shared_with: String,
    /// What the ledger said on `on`: `withdrawn`, `declined`, `expired` or `not_asked` (never `granted`).
    pub state: ConsentState,
    /// The day consent was judged for (the activity's day, in the facilitator's time zone).
    pub on: NaiveDate,
    /// Whether the activity needs a grant in force, or only no refusal.
    pub needs_grant: bool,
    /// The ledger entry that decides it (absent when never asked).
    #[ts(optional)]
    pub entry_id: Option<ConsentId>,
    /// The day that entry took effect, in the facilitator's time zone.
    #[ts(optional)]
    pub decided_on: Option<NaiveDate>,
    /// For an expired grant: its last day.
    #[ts(optional)]
    pub expires_on: Option<NaiveDate>,
}

impl std::fmt::Display for ConsentRefusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let recipient = if self.shared_with.is_empty() { String::new() } else { format!(" with {}", self.shared_with) };
        let state = match (self.state, self.decided_on, self.expires_on) {
            (ConsentState::Expired, _, Some(expiry)) => format!("expired after {expiry}"),
            (state, Some(day), _) => format!("{} on {day}", state.describe()),
            (state, None, _) => state.describe().to_owned(),
        };
        write!(
            f,
            "{} has no consent to {}{recipient} on {} ({state}); record their consent first",
            self.alias, self.activity, self.on
        )
    }
}
