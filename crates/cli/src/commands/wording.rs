//! The command line's English for what core sends as data: a reminder's detail (`due`) and a timeline event's
//! (`show`). Vocabulary words are shown as words (`direct_dialogue` → `direct dialogue`), aliases in brackets.

use circlebook_core::model::due::DueDetail;
use circlebook_core::model::timeline::TimelineDetail;
use circlebook_core::model::ProcessStatus;

use super::text::label;

/// ` (Alder)` after a phrase, or nothing when there is no alias.
fn alias_suffix(alias: &str) -> String {
    if alias.is_empty() {
        String::new()
    } else {
        format!(" ({alias})")
    }
}

/// A vocabulary word with a capital first letter: `preparation_meeting` → `Preparation meeting`.
fn title(word: impl std::fmt::Display) -> String {
    let words = label(word);
    let mut chars = words.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => words,
    }
}

/// A reminder: `Consent to direct dialogue expires (Fern)`, `Task: call Ash`.
pub fn reminder(detail: &DueDetail) -> String {
    match detail {
        DueDetail::ConsentExpiry { activity, alias } => {
            format!("Consent to {} expires{}", label(activity), alias_suffix(alias))
        }
        DueDetail::AssessmentReview { alias } => format!("Assessment review{}", alias_suffix(alias)),
        DueDetail::Commitment { commitment_kind, alias } => {
            format!("Commitment due: {}{}", label(commitment_kind), alias_suffix(alias))
        }
        DueDetail::Supervision { interval_weeks } => {
            format!("Supervision or case consultation (every {interval_weeks} weeks)")
        }
        DueDetail::Task { title } => format!("Task: {title}"),
    }
}

/// A timeline event: `Stage changed from referral to intake, decided by Ash: ready`, `Conference held`.
pub fn event(detail: &TimelineDetail) -> String {
    use TimelineDetail as D;
    match detail {
        D::CaseOpened => "Case opened".into(),
        D::CaseClosed { outcome: None } => "Case closed".into(),
        D::CaseClosed { outcome: Some(outcome) } => format!("Case closed: {}", label(outcome)),
        D::StageChanged { from, to, decided_by, reason } => {
            let why = if reason.is_empty() { String::new() } else { format!(": {reason}") };
            format!("Stage changed from {} to {}, decided by {decided_by}{why}", label(from), label(to))
        }
        D::ConsentRecorded { decision, activity, alias } => {
            format!("Consent {decision}: {}{}", label(activity), alias_suffix(alias))
        }
        D::AssessmentRecorded { stage, decision, alias } => {
            format!("Assessment at the {} stage: {}{}", label(stage), label(decision), alias_suffix(alias))
        }
        D::ProcessOpened { process_kind } => format!("Process opened: {}", label(process_kind)),
        D::ProcessClosed { process_kind, status } => {
            let verb = if *status == ProcessStatus::Withdrawn { "withdrawn" } else { "closed" };
            format!("Process {verb}: {}", label(process_kind))
        }
        D::SessionScheduled { session_kind } => format!("{} scheduled", title(session_kind)),
        D::SessionHeld { session_kind } => format!("{} held", title(session_kind)),
        D::SessionCancelled { session_kind } => format!("{} cancelled", title(session_kind)),
        D::AgreementReached { session_kind } => format!("Agreement reached ({})", label(session_kind)),
        D::MessageWritten { author, recipient } => format!("Message written by {author} for {recipient}"),
        D::MessageApproved { author } => format!("Message approved by its author, {author}"),
        D::MessageRelayed { recipient } => format!("Message relayed to {recipient}"),
        D::CommitmentAdded { commitment_kind, alias } => {
            format!("Commitment added: {}{}", label(commitment_kind), alias_suffix(alias))
        }
        D::CommitmentDue { commitment_kind, alias, status } => {
            format!("Commitment due: {}{}, {}", label(commitment_kind), alias_suffix(alias), label(status))
        }
        D::ProgressRecorded { commitment_kind, alias } => {
            format!("Progress recorded: {}{}", label(commitment_kind), alias_suffix(alias))
        }
        D::NoteAdded { shareable, alias, session_kind } => note(*shareable, alias.as_deref(), *session_kind),
        D::AttachmentAdded { title } => format!("Attachment added: {title}"),
        D::TaskDue { title } => format!("Task due: {title}"),
        D::TaskDone { title } => format!("Task done: {title}"),
    }
}

/// `Shareable note added about Alder on a conference session`.
fn note(shareable: bool, alias: Option<&str>, session: Option<circlebook_core::model::SessionKind>) -> String {
    let mut out = String::from(if shareable { "Shareable note added" } else { "Note added" });
    if let Some(alias) = alias.filter(|a| !a.is_empty()) {
        out += &format!(" about {alias}");
    }
    if let Some(session) = session {
        out += &format!(" on a {} session", label(session));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use circlebook_core::model::{
        Activity, AssessmentDecision, CommitmentKind, CommitmentStatus, ConsentDecision, Outcome, ProcessKind,
        SessionKind, Stage,
    };

    #[test]
    fn reminders_in_english() {
        let fern = || "Fern".to_owned();
        let cases = [
            (
                DueDetail::ConsentExpiry { activity: Activity::DirectDialogue, alias: fern() },
                "Consent to direct dialogue expires (Fern)",
            ),
            (DueDetail::AssessmentReview { alias: fern() }, "Assessment review (Fern)"),
            (
                DueDetail::Commitment { commitment_kind: CommitmentKind::ApologyLetter, alias: "Ash".into() },
                "Commitment due: apology letter (Ash)",
            ),
            (DueDetail::Supervision { interval_weeks: 12 }, "Supervision or case consultation (every 12 weeks)"),
            (DueDetail::Task { title: "call Ash".into() }, "Task: call Ash"),
        ];
        for (detail, words) in cases {
            assert_eq!(reminder(&detail), words);
        }
    }

    #[test]
    fn events_in_english() {
        let alder = || "Alder".to_owned();
        let cases = [
            (TimelineDetail::CaseOpened, "Case opened"),
            (TimelineDetail::CaseClosed { outcome: None }, "Case closed"),
            (
                TimelineDetail::CaseClosed { outcome: Some(Outcome::AgreementCompleted) },
                "Case closed: agreement completed",
            ),
            (
                TimelineDetail::StageChanged {
                    from: Stage::FollowUp,
                    to: Stage::Closed,
                    decided_by: "team".into(),
                    reason: "done".into(),
                },
                "Stage changed from follow up to closed, decided by team: done",
            ),
            (
                TimelineDetail::ConsentRecorded {
                    decision: ConsentDecision::Withdrawn,
                    activity: Activity::KeepingNotes,
                    alias: alder(),
                },
                "Consent withdrawn: keeping notes (Alder)",
            ),
            (
                TimelineDetail::AssessmentRecorded {
                    stage: Stage::Intake,
                    decision: AssessmentDecision::Proceed,
                    alias: alder(),
                },
                "Assessment at the intake stage: proceed (Alder)",
            ),
            (
                TimelineDetail::ProcessClosed {
                    process_kind: ProcessKind::Conference,
                    status: ProcessStatus::Withdrawn,
                },
                "Process withdrawn: conference",
            ),
            (TimelineDetail::SessionHeld { session_kind: SessionKind::PreparationMeeting }, "Preparation meeting held"),
            (
                TimelineDetail::CommitmentDue {
                    commitment_kind: CommitmentKind::ApologyLetter,
                    alias: "Birch".into(),
                    status: CommitmentStatus::InProgress,
                },
                "Commitment due: apology letter (Birch), in progress",
            ),
            (
                TimelineDetail::NoteAdded { shareable: true, alias: None, session_kind: Some(SessionKind::Conference) },
                "Shareable note added on a conference session",
            ),
            (
                TimelineDetail::NoteAdded { shareable: false, alias: Some(alder()), session_kind: None },
                "Note added about Alder",
            ),
            (TimelineDetail::TaskDone { title: "Book the room".into() }, "Task done: Book the room"),
        ];
        for (detail, words) in cases {
            assert_eq!(event(&detail), words);
        }
    }
}
