//! How a demo case's story ends: still open at the anchor (with a meeting booked and a task due), paused,
//! withdrawn (consent withdrawn first), or closed with its outcome.

use chrono::Days;
use rand::seq::SliceRandom;
use rand::Rng;

use super::flow::change_stage;
use super::meetings;
use super::people::{assess, reviews};
use super::plan;
use super::prose::NoteKind;
use super::story::{at_hour, working_day, Story};
use super::words::{self, FACILITATOR};
use crate::registry::cases::{self, CloseCase};
use circlebook_core::model::{
    Activity, AssessmentDecision, ModelError, Outcome, ProcessKind, ProcessStatus, Role, SessionKind, Stage,
};

/// The case is still open at the anchor: a meeting is booked for the coming weeks and a task is due soon.
pub fn upcoming(story: &mut Story<'_, '_>) -> Result<(), ModelError> {
    let near = working_day(story.end_day() - Days::new(story.rng.gen_range(1..=6)));
    story.move_to(at_hour(near, 11, 0));
    story.tidy_tasks()?;
    if matches!(story.stage, Stage::Paused | Stage::Withdrawn | Stage::Closed) {
        return Ok(());
    }
    reviews(story)?;
    plan::progress(story)?;
    if matches!(story.stage, Stage::Preparation | Stage::Active | Stage::FollowUp) {
        meetings::supervise(story)?;
        let running: Vec<usize> =
            (0..story.tracks.len()).filter(|&t| story.tracks[t].process.status == ProcessStatus::Active).collect();
        match running.choose(story.rng).copied() {
            Some(t) if story.tracks[t].process.kind != ProcessKind::IndirectDialogue => {
                let kind = story.tracks[t].process.kind;
                let (must, may) = meetings::invited(story, kind);
                meetings::meeting(story, Some(t), meetings::session_kind(kind), &must, &may, 7..=28)?;
            }
            _ => {
                if let Some(who) = story.person(Role::PersonHarmed) {
                    meetings::meeting(story, None, SessionKind::PreparationMeeting, &[who], &[], 7..=28)?;
                }
            }
        }
    }
    if story.chance(0.7) {
        let title = story.pick(words::TASKS);
        let due_in = story.rng.gen_range(-6..=12);
        story.task(title, due_in)?;
    }
    Ok(())
}

pub fn end_processes(story: &mut Story<'_, '_>, status: ProcessStatus, note: &str) -> Result<(), ModelError> {
    for t in 0..story.tracks.len() {
        if matches!(story.tracks[t].process.status, ProcessStatus::Active | ProcessStatus::Paused) {
            meetings::set_status(story, t, status, note)?;
        }
    }
    Ok(())
}

pub fn pause(story: &mut Story<'_, '_>) -> Result<(), ModelError> {
    if !story.later(3..=30) {
        return upcoming(story);
    }
    if let Some(ph) = story.person(Role::PersonHarmed) {
        assess(story, ph, AssessmentDecision::Pause)?;
        story.note(NoteKind::ConsentCheckIn, Some(ph), None)?;
    }
    end_processes(story, ProcessStatus::Paused, "Paused at the person harmed's request.")?;
    meetings::cancel_pending(story, "The case is paused.")?;
    change_stage(story, Stage::Paused, "The person harmed, with the facilitator")
}

pub fn withdraw(story: &mut Story<'_, '_>) -> Result<(), ModelError> {
    if !story.later(3..=30) {
        return upcoming(story);
    }
    let (who, decided_by) = match (story.person(Role::PersonHarmed), story.person(Role::PersonResponsible)) {
        (_, Some(pr)) if story.chance(0.3) => (pr, "The person responsible"),
        (Some(ph), _) => (ph, "The person harmed"),
        _ => return Ok(()),
    };
    let activities: Vec<Activity> =
        story.tracks.iter().filter_map(|t| meetings::session_kind(t.process.kind).activity()).collect();
    for activity in activities.into_iter().chain([Activity::Intake]) {
        story.withdraw(who, activity)?;
    }
    end_processes(story, ProcessStatus::Withdrawn, "Withdrawn: consent to take part was withdrawn.")?;
    meetings::cancel_pending(story, "Consent was withdrawn.")?;
    change_stage(story, Stage::Withdrawn, decided_by)
}

pub fn close(story: &mut Story<'_, '_>, outcome: Outcome) -> Result<(), ModelError> {
    if !story.later(14..=60) {
        return upcoming(story);
    }
    match outcome {
        Outcome::NotSuitable | Outcome::StoppedForSafety => {
            if let Some(pr) = story.person(Role::PersonResponsible) {
                assess(story, pr, AssessmentDecision::Stop)?;
            }
        }
        Outcome::EndedByPersonHarmed | Outcome::EndedByPersonResponsible => {
            let role =
                if outcome == Outcome::EndedByPersonHarmed { Role::PersonHarmed } else { Role::PersonResponsible };
            if let Some(who) = story.person(role) {
                let activities: Vec<Activity> =
                    story.tracks.iter().filter_map(|t| meetings::session_kind(t.process.kind).activity()).collect();
                for activity in activities {
                    story.withdraw(who, activity)?;
                }
            }
        }
        _ => {}
    }
    let ended = if matches!(outcome, Outcome::EndedByPersonHarmed | Outcome::EndedByPersonResponsible) {
        ProcessStatus::Withdrawn
    } else {
        ProcessStatus::Closed
    };
    end_processes(story, ended, "Ended when the case closed.")?;
    meetings::cancel_pending(story, "The case closed.")?;
    story.tidy_tasks()?;
    let ctx = story.ctx();
    let args = CloseCase {
        case_id: story.case.clone(),
        outcome,
        outcome_summary: words::outcome_summary(outcome).to_owned(),
        decided_by: FACILITATOR.to_owned(),
        retention_months: None,
    };
    cases::close_case(story.tx, &ctx, args)?;
    story.stage = Stage::Closed;
    // Withdrawal stays possible after closing: some take back their consent to notes being kept.
    if story.chance(0.25) {
        if let Some(ph) = story.person(Role::PersonHarmed) {
            story.later(7..=60);
            story.withdraw(ph, Activity::KeepingNotes)?;
        }
    }
    Ok(())
}
