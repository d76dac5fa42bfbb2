//! The accountability plan of a demo case: the person responsible's commitments, their progress entries (some
//! shareable, some verified), their statuses over time (a finished apology letter is kept as an attachment), and the
//! person harmed's progress report.

use base64::Engine;
use chrono::{Days, NaiveDate};
use rand::seq::SliceRandom;
use rand::Rng;

use super::story::Story;
use super::words;
use crate::registry::accountability::{self, CommitmentUpdate, NewCommitment, NewProgress};
use crate::registry::attachments::{self, NewAttachment};
use crate::registry::participants;
use crate::registry::progress_report::{self, ProgressReportFor};
use circlebook_core::model::{CommitmentId, CommitmentKind, CommitmentStatus, ModelError, ProgressUpdates, Role};

/// A commitment as the story follows it.
#[derive(Debug, Clone)]
pub struct Pledge {
    pub id: CommitmentId,
    pub kind: CommitmentKind,
    pub due_on: Option<NaiveDate>,
    pub status: CommitmentStatus,
}

const KINDS: &[(CommitmentKind, u32)] = &[
    (CommitmentKind::ApologyLetter, 5),
    (CommitmentKind::ConsentEducation, 5),
    (CommitmentKind::Counselling, 4),
    (CommitmentKind::SkillPractice, 3),
    (CommitmentKind::ArticulatingGrowth, 3),
    (CommitmentKind::MakingAmends, 2),
    (CommitmentKind::Restitution, 1),
    (CommitmentKind::NoContact, 3),
    (CommitmentKind::Other, 1),
];

/// Two to four commitments of the person responsible, each due in one to six months (no contact has no end).
pub fn commit(story: &mut Story<'_, '_>) -> Result<(), ModelError> {
    let Some(pr) = story.person(Role::PersonResponsible) else { return Ok(()) };
    if !story.may_keep_notes(std::slice::from_ref(&story.people[pr].id))? {
        return Ok(());
    }
    let count = story.rng.gen_range(2..=4);
    let kinds: Vec<CommitmentKind> = KINDS
        .choose_multiple_weighted(story.rng, count, |k| k.1)
        .map(|it| it.map(|k| k.0).collect())
        .unwrap_or_default();
    for kind in kinds {
        let due_on =
            (kind != CommitmentKind::NoContact).then(|| story.today() + Days::new(story.rng.gen_range(30..=180)));
        let description = story.pick(words::commitment_texts(kind));
        let ctx = story.ctx();
        let commitment = accountability::add_commitment(
            story.tx,
            &ctx,
            NewCommitment {
                case_id: story.case.clone(),
                participant_id: story.people[pr].id.clone(),
                kind,
                description: description.to_owned(),
                due_on,
            },
        )?;
        story.summary.commitments += 1;
        story.pledges.push(Pledge { id: commitment.id, kind, due_on, status: CommitmentStatus::NotStarted });
    }
    Ok(())
}

/// The plan is a record about the person responsible: it changes only while they have not said no to notes.
fn plan_may_change(story: &Story<'_, '_>) -> Result<bool, ModelError> {
    match story.person(Role::PersonResponsible) {
        Some(pr) => story.may_keep_notes(std::slice::from_ref(&story.people[pr].id)),
        None => Ok(true),
    }
}

fn move_on(
    story: &mut Story<'_, '_>,
    i: usize,
    status: CommitmentStatus,
    due_on: Option<NaiveDate>,
) -> Result<(), ModelError> {
    if !plan_may_change(story)? {
        return Ok(());
    }
    let ctx = story.ctx();
    let update = CommitmentUpdate { commitment_id: story.pledges[i].id.clone(), status, due_on, description: None };
    accountability::update_commitment(story.tx, &ctx, update)?;
    story.pledges[i].status = status;
    if due_on.is_some() {
        story.pledges[i].due_on = due_on;
    }
    Ok(())
}

/// A round of progress: entries on most open commitments, and statuses moving on as due dates pass.
pub fn progress(story: &mut Story<'_, '_>) -> Result<(), ModelError> {
    if !plan_may_change(story)? {
        return Ok(());
    }
    let verifier = story.person(Role::CoFacilitator).map(|i| story.alias(i).to_owned());
    for i in 0..story.pledges.len() {
        let Pledge { id, kind, due_on, status } = story.pledges[i].clone();
        if status == CommitmentStatus::Done {
            continue;
        }
        if status == CommitmentStatus::Missed {
            if story.chance(0.6) {
                let due = story.today() + Days::new(story.rng.gen_range(30..=90));
                move_on(story, i, CommitmentStatus::Renegotiated, Some(due))?;
            }
            continue;
        }
        if story.chance(0.8) {
            let verified = story.chance(0.4);
            let verified_by = match (&verifier, verified) {
                (_, false) => String::new(),
                (Some(alias), true) if story.chance(0.5) => alias.clone(),
                (_, true) => story.pick(&[words::FACILITATOR, "Counsellor (demo)", "Course tutor (demo)"]).to_owned(),
            };
            let verification = if verified { story.pick(words::VERIFICATIONS).to_owned() } else { String::new() };
            let entry = NewProgress {
                commitment_id: id,
                entry_on: None,
                text: story.pick(words::PROGRESS).to_owned(),
                shareable: story.chance(0.5),
                verified_by,
                verification,
            };
            let ctx = story.ctx();
            accountability::add_progress(story.tx, &ctx, entry)?;
            story.summary.progress_entries += 1;
            if status == CommitmentStatus::NotStarted {
                move_on(story, i, CommitmentStatus::InProgress, None)?;
            }
        }
        if due_on.is_some_and(|due| due <= story.today()) {
            let roll: f64 = story.rng.gen();
            if roll < 0.7 {
                move_on(story, i, CommitmentStatus::Done, None)?;
                if kind == CommitmentKind::ApologyLetter {
                    keep_letter(story)?;
                }
            } else if roll < 0.85 {
                move_on(story, i, CommitmentStatus::Missed, None)?;
            }
        }
    }
    Ok(())
}

/// The finished apology letter, kept in the vault as a text file.
fn keep_letter(story: &mut Story<'_, '_>) -> Result<(), ModelError> {
    let count = story.rng.gen_range(2..=4);
    let paragraphs: Vec<&str> = words::LETTER_PARAGRAPHS.choose_multiple(story.rng, count).copied().collect();
    let to = story.person(Role::PersonHarmed).map_or("you", |i| story.alias(i));
    let letter = format!("To {to},\n\n{}\n", paragraphs.join("\n\n"));
    let args = NewAttachment {
        case_id: story.case.clone(),
        title: story.pick(words::LETTER_TITLES).to_owned(),
        media_type: "text/plain".into(),
        content: base64::engine::general_purpose::STANDARD.encode(letter),
        note_id: None,
    };
    let ctx = story.ctx();
    attachments::add_attachment(story.tx, &ctx, args)?;
    Ok(())
}

/// The shareable progress report for the person harmed, if they chose to hear of progress.
pub fn report(story: &mut Story<'_, '_>) -> Result<(), ModelError> {
    let Some(ph) = story.person(Role::PersonHarmed) else { return Ok(()) };
    let participant = participants::load(story.tx, &story.people[ph].id)?;
    if participant.progress_updates == ProgressUpdates::NotAtAll || story.pledges.is_empty() {
        return Ok(());
    }
    let ctx = story.ctx();
    progress_report::progress_report(
        story.tx,
        &ctx,
        ProgressReportFor { case_id: story.case.clone(), participant_id: participant.id },
    )?;
    Ok(())
}
