//! The whole case in one read: what `circlebook-cli show` prints and what the app opens. The person harmed's
//! own statement comes first.

use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::accountability;
use super::assessments;
use super::attachments;
use super::cases;
use super::consent;
use super::context::Ctx;
use super::errors::ModelError;
use super::ids::CaseId;
use super::notes;
use super::op::Op;
use super::participants;
use super::processes;
use super::sessions;
use super::shuttle;
use super::tasks;
use super::timeline;

pub(crate) fn ops() -> Vec<Op> {
    crate::ops! {
        read "case_file" => case_file, "The whole case: the person harmed's statement first, then every record and the timeline.";
    }
}

/// The person harmed's statement of needs and of what justice would look like for them.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct HarmedStatement {
    pub needs: String,
    pub justice_vision: String,
}

/// A participant with their current consents.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct ParticipantFile {
    pub participant: participants::Participant,
    pub consents: Vec<consent::CurrentConsent>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct CaseFile {
    pub harmed_statement: HarmedStatement,
    pub case: cases::CaseRecord,
    pub participants: Vec<ParticipantFile>,
    pub assessments: Vec<assessments::Assessment>,
    pub processes: Vec<processes::Process>,
    pub sessions: Vec<sessions::Session>,
    pub messages: Vec<shuttle::ShuttleMessage>,
    pub commitments: Vec<accountability::Commitment>,
    pub notes: Vec<notes::Note>,
    pub attachments: Vec<attachments::Attachment>,
    pub tasks: Vec<tasks::Task>,
    pub timeline: Vec<timeline::TimelineItem>,
}

pub(crate) fn case_file(conn: &Connection, ctx: &Ctx, args: cases::CaseRef) -> Result<CaseFile, ModelError> {
    let case_id: CaseId = args.case_id.clone();
    let case = cases::get_case(conn, ctx, args)?;
    let mut people = Vec::new();
    for participant in participants::of_case(conn, &case_id)? {
        let consents = consent::current_of(conn, ctx, &participant)?;
        people.push(ParticipantFile { participant, consents });
    }
    Ok(CaseFile {
        harmed_statement: HarmedStatement {
            needs: case.case.harmed_needs.clone(),
            justice_vision: case.case.harmed_justice_vision.clone(),
        },
        participants: people,
        assessments: assessments::list_assessments(
            conn,
            ctx,
            participants::ParticipantScope { participant_id: None, case_id: Some(case_id.clone()) },
        )?,
        processes: processes::list_processes(conn, ctx, processes::ProcessesOfCase { case_id: case_id.clone() })?,
        sessions: sessions::list_sessions(conn, ctx, sessions::SessionsOfCase { case_id: case_id.clone() })?,
        messages: shuttle::list_messages(conn, ctx, shuttle::MessagesOfCase { case_id: case_id.clone() })?,
        commitments: accountability::list_commitments(
            conn,
            ctx,
            accountability::CommitmentsOfCase { case_id: case_id.clone() },
        )?,
        notes: notes::list_notes(
            conn,
            ctx,
            notes::NoteFilter {
                case_id: case_id.clone(),
                participant_id: None,
                session_id: None,
                shareable_only: false,
            },
        )?,
        attachments: attachments::list_attachments(
            conn,
            ctx,
            attachments::AttachmentFilter { case_id: case_id.clone(), note_id: None },
        )?,
        tasks: tasks::list_tasks(conn, ctx, tasks::TaskFilter { case_id: case_id.clone() })?,
        timeline: timeline::case_timeline(conn, ctx, timeline::TimelineArgs { case_id })?,
        case,
    })
}
