//! The demo's door into the case model: typed calls of the registry's operations (`ops::call_in`), inside the
//! demo's own transaction. Core's area functions are `pub(crate)`, so the demo, like every front end, can only ask
//! the registry; these wrappers keep the story's code typed. One module per area, one function per operation,
//! named as in the registry.

use circlebook_core::model::{ops, Ctx, ModelError};
use rusqlite::Transaction;
use serde::de::DeserializeOwned;
use serde::Serialize;

/// A context for reads: they record nothing, so no ids are drawn (the story's own contexts draw them from its
/// seeded generator, and a read must not move it).
fn reader() -> Ctx {
    Ctx::fixed(chrono::DateTime::<chrono::Utc>::UNIX_EPOCH, "demo")
}

/// Runs the registry operation `name` with `args` inside `tx` and decodes its result.
fn call<A: Serialize, R: DeserializeOwned>(
    tx: &Transaction<'_>,
    ctx: &Ctx,
    name: &str,
    args: A,
) -> Result<R, ModelError> {
    let args =
        serde_json::to_value(args).map_err(|e| ModelError::Invalid(format!("the demo's arguments for {name}: {e}")))?;
    let value = ops::call_in(name, tx, ctx, args)?;
    serde_json::from_value(value).map_err(|e| ModelError::Invalid(format!("the result of {name}: {e}")))
}

pub mod cases {
    pub use circlebook_core::model::cases::*;
    use circlebook_core::model::CaseId;

    use circlebook_core::model::{Ctx, ModelError};
    use rusqlite::Transaction;

    pub fn close_case(tx: &Transaction<'_>, ctx: &Ctx, args: CloseCase) -> Result<Case, ModelError> {
        super::call(tx, ctx, "close_case", args)
    }

    pub fn change_stage(tx: &Transaction<'_>, ctx: &Ctx, args: ChangeStage) -> Result<Case, ModelError> {
        super::call(tx, ctx, "change_stage", args)
    }

    pub fn create_case(tx: &Transaction<'_>, ctx: &Ctx, args: NewCase) -> Result<Case, ModelError> {
        super::call(tx, ctx, "create_case", args)
    }

    pub fn update_case(tx: &Transaction<'_>, ctx: &Ctx, args: CaseUpdate) -> Result<Case, ModelError> {
        super::call(tx, ctx, "update_case", args)
    }

    pub fn set_case_tags(tx: &Transaction<'_>, ctx: &Ctx, args: SetTags) -> Result<Case, ModelError> {
        super::call(tx, ctx, "set_case_tags", args)
    }

    /// A case (the registry's `get_case`, without its history).
    pub fn load(tx: &Transaction<'_>, id: &CaseId) -> Result<Case, ModelError> {
        let record: CaseRecord = super::call(tx, &super::reader(), "get_case", CaseRef { case_id: id.clone() })?;
        Ok(record.case)
    }
}

pub mod processes {
    pub use circlebook_core::model::processes::*;

    use circlebook_core::model::{Ctx, ModelError};
    use rusqlite::Transaction;

    pub fn open_process(tx: &Transaction<'_>, ctx: &Ctx, args: OpenProcess) -> Result<Process, ModelError> {
        super::call(tx, ctx, "open_process", args)
    }

    pub fn set_process_status(tx: &Transaction<'_>, ctx: &Ctx, args: SetProcessStatus) -> Result<Process, ModelError> {
        super::call(tx, ctx, "set_process_status", args)
    }
}

pub mod safety {
    pub use circlebook_core::model::safety::*;

    use circlebook_core::model::{Ctx, ModelError};
    use rusqlite::Transaction;

    pub fn set_safety_plan(tx: &Transaction<'_>, ctx: &Ctx, args: SetSafetyPlan) -> Result<SafetyPlan, ModelError> {
        super::call(tx, ctx, "set_safety_plan", args)
    }
}

pub mod sessions {
    pub use circlebook_core::model::sessions::*;
    use circlebook_core::model::SessionId;

    use circlebook_core::model::{Ctx, ModelError};
    use rusqlite::Transaction;

    pub fn schedule_session(tx: &Transaction<'_>, ctx: &Ctx, args: ScheduleSession) -> Result<Session, ModelError> {
        super::call(tx, ctx, "schedule_session", args)
    }

    pub fn cancel_session(tx: &Transaction<'_>, ctx: &Ctx, args: CancelSession) -> Result<Session, ModelError> {
        super::call(tx, ctx, "cancel_session", args)
    }

    pub fn record_session(tx: &Transaction<'_>, ctx: &Ctx, args: RecordSession) -> Result<Session, ModelError> {
        super::call(tx, ctx, "record_session", args)
    }

    /// A session with its attendees (the registry's `get_session`, without what came of it).
    pub fn load(tx: &Transaction<'_>, id: &SessionId) -> Result<Session, ModelError> {
        let args = SessionRef { session_id: id.clone() };
        let record: circlebook_core::model::session_record::SessionRecord =
            super::call(tx, &super::reader(), "get_session", args)?;
        Ok(record.session)
    }
}

pub mod session_outcomes {
    pub use circlebook_core::model::session_outcomes::*;

    use circlebook_core::model::{Ctx, ModelError};
    use rusqlite::Transaction;

    pub fn add_agreement(tx: &Transaction<'_>, ctx: &Ctx, args: NewAgreement) -> Result<Agreement, ModelError> {
        super::call(tx, ctx, "add_agreement", args)
    }

    pub fn add_follow_up(tx: &Transaction<'_>, ctx: &Ctx, args: NewFollowUp) -> Result<FollowUp, ModelError> {
        super::call(tx, ctx, "add_follow_up", args)
    }
}

pub mod shuttle {
    pub use circlebook_core::model::shuttle::*;

    use circlebook_core::model::{Ctx, ModelError};
    use rusqlite::Transaction;

    pub fn write_message(tx: &Transaction<'_>, ctx: &Ctx, args: NewMessage) -> Result<ShuttleMessage, ModelError> {
        super::call(tx, ctx, "write_message", args)
    }

    pub fn approve_message(
        tx: &Transaction<'_>,
        ctx: &Ctx,
        args: ApproveMessage,
    ) -> Result<ShuttleMessage, ModelError> {
        super::call(tx, ctx, "approve_message", args)
    }

    pub fn relay_message(tx: &Transaction<'_>, ctx: &Ctx, args: MessageRef) -> Result<ShuttleMessage, ModelError> {
        super::call(tx, ctx, "relay_message", args)
    }
}

pub mod participants {
    pub use circlebook_core::model::participants::*;
    use circlebook_core::model::ParticipantId;

    use circlebook_core::model::{Ctx, ModelError};
    use rusqlite::Transaction;

    pub fn add_participant(tx: &Transaction<'_>, ctx: &Ctx, args: NewParticipant) -> Result<Participant, ModelError> {
        super::call(tx, ctx, "add_participant", args)
    }

    /// A participant (the registry's `get_participant`, without their consents).
    pub fn load(tx: &Transaction<'_>, id: &ParticipantId) -> Result<Participant, ModelError> {
        let args = ParticipantRef { participant_id: id.clone() };
        let record: circlebook_core::model::participant_record::ParticipantRecord =
            super::call(tx, &super::reader(), "get_participant", args)?;
        Ok(record.participant)
    }
}

pub mod assessments {
    pub use circlebook_core::model::assessments::*;

    use circlebook_core::model::{Ctx, ModelError};
    use rusqlite::Transaction;

    pub fn record_assessment(
        tx: &Transaction<'_>,
        ctx: &Ctx,
        args: NewAssessment,
    ) -> Result<RecordedAssessment, ModelError> {
        super::call(tx, ctx, "record_assessment", args)
    }
}

pub mod accountability {
    pub use circlebook_core::model::accountability::*;

    use circlebook_core::model::{Ctx, ModelError};
    use rusqlite::Transaction;

    pub fn add_commitment(tx: &Transaction<'_>, ctx: &Ctx, args: NewCommitment) -> Result<Commitment, ModelError> {
        super::call(tx, ctx, "add_commitment", args)
    }

    pub fn update_commitment(
        tx: &Transaction<'_>,
        ctx: &Ctx,
        args: CommitmentUpdate,
    ) -> Result<Commitment, ModelError> {
        super::call(tx, ctx, "update_commitment", args)
    }

    pub fn add_progress(tx: &Transaction<'_>, ctx: &Ctx, args: NewProgress) -> Result<ProgressEntry, ModelError> {
        super::call(tx, ctx, "add_progress", args)
    }
}

pub mod attachments {
    pub use circlebook_core::model::attachments::*;

    use circlebook_core::model::{Ctx, ModelError};
    use rusqlite::Transaction;

    pub fn add_attachment(tx: &Transaction<'_>, ctx: &Ctx, args: NewAttachment) -> Result<Attachment, ModelError> {
        super::call(tx, ctx, "add_attachment", args)
    }
}

pub mod progress_report {
    pub use circlebook_core::model::progress_report::*;

    use circlebook_core::model::{Ctx, ModelError};
    use rusqlite::Transaction;

    pub fn progress_report(
        tx: &Transaction<'_>,
        ctx: &Ctx,
        args: ProgressReportFor,
    ) -> Result<ProgressReport, ModelError> {
        super::call(tx, ctx, "progress_report", args)
    }
}

pub mod consent {
    use chrono::NaiveDate;
    pub use circlebook_core::model::consent::*;
    use circlebook_core::model::testing;
    use circlebook_core::model::{Activity, ParticipantId, Zone};

    use circlebook_core::model::{Ctx, ModelError};
    use rusqlite::Transaction;

    pub fn record_consent(tx: &Transaction<'_>, ctx: &Ctx, args: RecordConsent) -> Result<ConsentEntry, ModelError> {
        super::call(tx, ctx, "record_consent", args)
    }

    pub fn withdraw_consent(
        tx: &Transaction<'_>,
        ctx: &Ctx,
        args: WithdrawConsent,
    ) -> Result<ConsentEntry, ModelError> {
        super::call(tx, ctx, "withdraw_consent", args)
    }

    /// The latest entry of a ledger, in effect order (read-only: core's `testing` door, no registry operation).
    pub fn latest(
        tx: &Transaction<'_>,
        zone: Zone,
        participant: &ParticipantId,
        activity: Activity,
        shared_with: &str,
    ) -> rusqlite::Result<Option<ConsentEntry>> {
        testing::consent_latest(tx, zone, participant, activity, shared_with)
    }

    /// The state of a ledger on a day (read-only: core's `testing` door, no registry operation).
    pub fn state_on(
        tx: &Transaction<'_>,
        zone: Zone,
        participant: &ParticipantId,
        activity: Activity,
        shared_with: &str,
        on: NaiveDate,
    ) -> rusqlite::Result<ConsentState> {
        testing::consent_state_on(tx, zone, participant, activity, shared_with, on)
    }
}

pub mod notes {
    pub use circlebook_core::model::notes::*;

    use circlebook_core::model::{Ctx, ModelError};
    use rusqlite::Transaction;

    pub fn add_note(tx: &Transaction<'_>, ctx: &Ctx, args: NewNote) -> Result<Note, ModelError> {
        super::call(tx, ctx, "add_note", args)
    }
}

pub mod tasks {
    pub use circlebook_core::model::tasks::*;

    use circlebook_core::model::{Ctx, ModelError};
    use rusqlite::Transaction;

    pub fn add_task(tx: &Transaction<'_>, ctx: &Ctx, args: NewTask) -> Result<Task, ModelError> {
        super::call(tx, ctx, "add_task", args)
    }

    pub fn complete_task(tx: &Transaction<'_>, ctx: &Ctx, args: TaskRef) -> Result<Task, ModelError> {
        super::call(tx, ctx, "complete_task", args)
    }
}
