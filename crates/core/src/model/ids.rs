//! Record ids: newtypes over UUIDv7, stored and serialized as their hyphenated text.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

macro_rules! id_type {
    ($($(#[$meta:meta])* $name:ident),+ $(,)?) => {$(
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
        #[serde(transparent)]
        #[ts(type = "string")]
        pub struct $name(pub uuid::Uuid);

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.hyphenated().fmt(f)
            }
        }

        impl std::str::FromStr for $name {
            type Err = uuid::Error;
            fn from_str(s: &str) -> Result<Self, uuid::Error> {
                s.parse().map($name)
            }
        }

        impl rusqlite::types::ToSql for $name {
            fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
                Ok(rusqlite::types::ToSqlOutput::from(self.0.hyphenated().to_string()))
            }
        }

        impl rusqlite::types::FromSql for $name {
            fn column_result(value: rusqlite::types::ValueRef<'_>) -> rusqlite::types::FromSqlResult<Self> {
                value.as_str()?.parse().map($name).map_err(|e| rusqlite::types::FromSqlError::Other(Box::new(e)))
            }
        }
    )+};
}

id_type!(
    /// A case.
    CaseId,
    /// A participant in a case.
    ParticipantId,
    /// A consent ledger entry.
    ConsentId,
    /// A readiness or risk assessment.
    AssessmentId,
    /// A process within a case.
    ProcessId,
    /// A session (meeting or step).
    SessionId,
    /// An agreement reached in a session.
    AgreementId,
    /// A shuttle-dialogue message.
    MessageId,
    /// An accountability commitment.
    CommitmentId,
    /// A progress entry on a commitment.
    ProgressId,
    /// A note.
    NoteId,
    /// An attachment.
    AttachmentId,
    /// A task.
    TaskId,
    /// A stage change.
    StageChangeId,
    /// An audit log entry.
    AuditId,
);
