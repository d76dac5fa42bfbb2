//! The course of a demo case: referral, intake, preparation, active process, follow-up and closing, or a pause or
//! withdrawal on the way. Every stage change says who decided and why; whatever is still running at the anchor
//! has something upcoming.

use std::ops::RangeInclusive;

use chrono::Days;
use rand::distributions::WeightedIndex;
use rand::prelude::Distribution;
use rand::seq::SliceRandom;
use rand::Rng;

use super::endings;
use super::meetings::{self, Meeting};
use super::people::{add_person, assess, reviews, statement};
use super::plan;
use super::prose::NoteKind;
use super::story::Story;
use super::words::{self, FACILITATOR};
use crate::registry::cases::{self, CaseUpdate, ChangeStage, NewCase, SetTags};
use circlebook_core::model::{
    Activity, AssessmentDecision, ModelError, Outcome, ProcessKind, ProcessStatus, Role, SessionKind, Stage,
};

/// Where a case's story goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fate {
    /// Still open at the anchor, at this stage.
    Open(Stage),
    /// Paused after reaching this stage.
    Paused(Stage),
    /// Withdrawn after reaching this stage.
    Withdrawn(Stage),
    Closed(Outcome),
}

impl Fate {
    /// The last stage of the usual path this case goes through.
    fn last(self) -> Stage {
        match self {
            Fate::Open(s) | Fate::Paused(s) | Fate::Withdrawn(s) => s,
            Fate::Closed(Outcome::NotSuitable) => Stage::Intake,
            Fate::Closed(
                Outcome::EndedByPersonHarmed | Outcome::EndedByPersonResponsible | Outcome::StoppedForSafety,
            ) => Stage::Active,
            Fate::Closed(_) => Stage::FollowUp,
        }
    }

    /// How long ago such a case was opened, in days.
    fn age(self) -> RangeInclusive<u64> {
        match self {
            Fate::Open(Stage::Referral) => 1..=12,
            Fate::Open(Stage::Intake) => 14..=40,
            Fate::Open(Stage::Preparation) => 30..=100,
            Fate::Open(Stage::Active) => 70..=240,
            Fate::Open(_) => 180..=420,
            Fate::Paused(_) | Fate::Withdrawn(_) => 40..=500,
            Fate::Closed(Outcome::NotSuitable) => 40..=600,
            Fate::Closed(_) => 320..=730,
        }
    }
}

/// Draws a case's fate: most cases are somewhere in the middle of a process.
pub fn draw(rng: &mut impl Rng) -> (Fate, u64) {
    let fates = [
        (Fate::Open(Stage::Referral), 4),
        (Fate::Open(Stage::Intake), 6),
        (Fate::Open(Stage::Preparation), 10),
        (Fate::Open(Stage::Active), 10),
        (Fate::Open(Stage::FollowUp), 6),
        (Fate::Closed(Outcome::AgreementCompleted), 4),
        (Fate::Closed(Outcome::PartlyCompleted), 2),
        (Fate::Closed(Outcome::EndedByPersonHarmed), 1),
        (Fate::Closed(Outcome::EndedByPersonResponsible), 1),
        (Fate::Closed(Outcome::StoppedForSafety), 1),
        (Fate::Closed(Outcome::NotSuitable), 1),
        (Fate::Paused(Stage::Preparation), 2),
        (Fate::Paused(Stage::Active), 1),
        (Fate::Withdrawn(Stage::Intake), 1),
        (Fate::Withdrawn(Stage::Active), 1),
    ];
    let fate = fates.choose_weighted(rng, |f| f.1).map_or(Fate::Open(Stage::Referral), |f| f.0);
    let age = rng.gen_range(fate.age());
    (fate, age)
}

/// Tells one case, from its referral to wherever its fate and the anchor leave it.
pub fn tell(story: &mut Story<'_, '_>, code_name: String, fate: Fate) -> Result<(), ModelError> {
    referral(story, code_name)?;
    for stage in [Stage::Intake, Stage::Preparation, Stage::Active, Stage::FollowUp] {
        if stage > fate.last() {
            break;
        }
        let went_on = match stage {
            Stage::Intake => intake(story)?,
            Stage::Preparation => preparation(story)?,
            Stage::Active => active(story)?,
            _ => follow_up(story)?,
        };
        if !went_on {
            return endings::upcoming(story);
        }
    }
    match fate {
        Fate::Open(_) => endings::upcoming(story),
        Fate::Paused(_) => endings::pause(story),
        Fate::Withdrawn(_) => endings::withdraw(story),
        Fate::Closed(outcome) => endings::close(story, outcome),
    }
}

pub fn change_stage(story: &mut Story<'_, '_>, to: Stage, decided_by: &str) -> Result<(), ModelError> {
    let reason = story.pick(words::stage_reason(to)).to_owned();
    let ctx = story.ctx();
    let case_id = story.case.clone();
    cases::change_stage(story.tx, &ctx, ChangeStage { case_id, stage: to, decided_by: decided_by.to_owned(), reason })?;
    story.stage = to;
    Ok(())
}

fn referral(story: &mut Story<'_, '_>, code_name: String) -> Result<(), ModelError> {
    let (source, by_person_harmed) = *words::REFERRAL_SOURCES.choose(story.rng).unwrap_or(&words::REFERRAL_SOURCES[0]);
    let (harmed_needs, harmed_justice_vision) =
        if by_person_harmed && story.chance(0.6) { statement(story) } else { (String::new(), String::new()) };
    let count = story.rng.gen_range(1..=3);
    let mut tags: Vec<&str> = words::TAGS.choose_multiple(story.rng, count).copied().collect();
    tags.sort_unstable();
    let args = NewCase {
        code_name,
        referral_source: source.to_owned(),
        referred_by_person_harmed: Some(by_person_harmed),
        gender_based_violence: story.chance(0.6),
        harmed_needs,
        harmed_justice_vision,
        tags: tags.into_iter().map(str::to_owned).collect(),
        opened_on: None,
    };
    let ctx = story.ctx();
    story.case = cases::create_case(story.tx, &ctx, args)?.id;
    story.summary.cases += 1;
    let ph = add_person(story, Role::PersonHarmed, None)?;
    let today = story.today();
    story.ask(ph, Activity::Intake, 1.0, today)?;
    story.ask(ph, Activity::KeepingNotes, 0.95, today)?;
    if story.chance(0.4) {
        let recipient = story.pick(words::SHARE_WITH);
        story.share_with(ph, recipient)?;
    }
    let due_in = story.rng.gen_range(2..=5);
    story.task(words::TASKS[0], due_in)?;
    Ok(())
}

fn intake(story: &mut Story<'_, '_>) -> Result<bool, ModelError> {
    if !story.later(3..=14) {
        return Ok(false);
    }
    change_stage(story, Stage::Intake, FACILITATOR)?;
    story.tidy_tasks()?;
    let ph = story.person(Role::PersonHarmed).unwrap_or(0);
    let case = cases::load(story.tx, &story.case)?;
    if case.harmed_needs.is_empty() {
        let (needs, vision) = statement(story);
        let ctx = story.ctx();
        let update = CaseUpdate {
            case_id: story.case.clone(),
            code_name: None,
            referral_source: None,
            referred_by_person_harmed: None,
            gender_based_violence: None,
            harmed_needs: Some(needs),
            harmed_justice_vision: Some(vision),
        };
        cases::update_case(story.tx, &ctx, update)?;
    }
    story.note(NoteKind::Intake, Some(ph), None)?;
    let pr = add_person(story, Role::PersonResponsible, None)?;
    let today = story.today();
    story.ask(pr, Activity::Intake, 0.97, today)?;
    story.ask(pr, Activity::KeepingNotes, 0.9, today)?;
    if story.chance(0.3) {
        story.share_with(pr, "their probation officer")?;
    }
    if story.chance(0.75) {
        add_person(story, Role::Supporter, Some(ph))?;
    }
    if story.chance(0.55) {
        add_person(story, Role::Supporter, Some(pr))?;
    }
    if story.chance(0.25) {
        let partner_of = if story.chance(0.4) { ph } else { pr };
        add_person(story, Role::Partner, Some(partner_of))?;
    }
    for _ in 0..[0, 0, 1, 1, 2].choose(story.rng).copied().unwrap_or(0) {
        add_person(story, Role::CommunityMember, Some(pr))?;
    }
    if story.chance(0.5) {
        add_person(story, Role::CoFacilitator, None)?;
    }
    if story.chance(0.15) {
        add_person(story, Role::Specialist, None)?;
    }
    if story.chance(0.2) {
        let mut tags = case.tags.clone();
        tags.push(story.pick(words::TAGS).to_owned());
        let ctx = story.ctx();
        cases::set_case_tags(story.tx, &ctx, SetTags { case_id: story.case.clone(), tags })?;
    }
    assess(story, ph, AssessmentDecision::Proceed)?;
    assess(story, pr, AssessmentDecision::Proceed)?;
    Ok(true)
}

/// The processes chosen in preparation, each opened once those it needs consent.
fn choose_processes(story: &mut Story<'_, '_>) -> Result<(), ModelError> {
    let mut kinds = Vec::new();
    if story.chance(0.7) {
        let dialogue =
            [(ProcessKind::IndirectDialogue, 4), (ProcessKind::DirectDialogue, 2), (ProcessKind::LetterExchange, 2)];
        let index = WeightedIndex::new(dialogue.iter().map(|d| d.1)).map(|w| w.sample(story.rng)).unwrap_or(0);
        kinds.push(dialogue[index].0);
    }
    if story.chance(0.35) {
        kinds.push(ProcessKind::PersonHarmedCircle);
    }
    if !story.all(Role::CommunityMember).is_empty() && story.chance(0.5) {
        kinds.push(ProcessKind::CosaInnerCircle);
    } else if story.chance(0.25) {
        kinds.push(ProcessKind::PersonResponsibleCircle);
    }
    if !story.all(Role::Partner).is_empty() && story.chance(0.5) {
        kinds.push(ProcessKind::PartnersCircle);
    }
    if story.chance(0.1) {
        kinds.push(ProcessKind::BlendedCircle);
    }
    if kinds.is_empty() {
        kinds.push(ProcessKind::IndirectDialogue);
    }
    for kind in kinds {
        let opened = meetings::open(story, kind, "Chosen with the person harmed during preparation.")?;
        let face_to_face = matches!(kind, ProcessKind::DirectDialogue | ProcessKind::BlendedCircle);
        let has_shuttle = story.tracks.iter().any(|t| t.process.kind == ProcessKind::IndirectDialogue);
        if !opened && face_to_face && !has_shuttle {
            meetings::open(
                story,
                ProcessKind::IndirectDialogue,
                "Offered instead of a face-to-face meeting, which was declined.",
            )?;
        }
    }
    Ok(())
}

fn preparation(story: &mut Story<'_, '_>) -> Result<bool, ModelError> {
    if !story.later(7..=21) {
        return Ok(false);
    }
    change_stage(story, Stage::Preparation, FACILITATOR)?;
    story.next_supervision = Some(story.today() + Days::new(story.rng.gen_range(0..=14)));
    let parties: Vec<usize> =
        [story.person(Role::PersonHarmed), story.person(Role::PersonResponsible)].into_iter().flatten().collect();
    for &who in &parties {
        assess(story, who, AssessmentDecision::Proceed)?;
    }
    choose_processes(story)?;
    for round in 0..story.rng.gen_range(1..=3) {
        for &who in &parties {
            let supporters: Vec<usize> =
                story.all(Role::Supporter).into_iter().filter(|&s| story.people[s].related_to == Some(who)).collect();
            let may = if round > 0 { supporters } else { Vec::new() };
            if meetings::meeting(story, None, SessionKind::PreparationMeeting, &[who], &may, 2..=10)?
                == Meeting::Upcoming
            {
                return Ok(false);
            }
            if !meetings::supervise(story)? {
                return Ok(false);
            }
        }
        if story.chance(0.3) {
            story.note(NoteKind::ConsentCheckIn, parties.first().copied(), None)?;
        }
        story.tidy_tasks()?;
        if !story.later(5..=20) {
            return Ok(false);
        }
    }
    Ok(true)
}

/// Rounds of meetings of every active process, with accountability progress in between; false at the anchor.
fn rounds(story: &mut Story<'_, '_>) -> Result<bool, ModelError> {
    loop {
        let running: Vec<usize> = (0..story.tracks.len())
            .filter(|&t| story.tracks[t].rounds_left > 0 && story.tracks[t].process.status == ProcessStatus::Active)
            .collect();
        if running.is_empty() {
            return Ok(true);
        }
        for t in running {
            if !meetings::round(story, t)? || !meetings::supervise(story)? {
                return Ok(false);
            }
        }
        reviews(story)?;
        plan::progress(story)?;
        story.tidy_tasks()?;
        if story.chance(0.2) {
            withdraw_someone(story)?;
        }
        if !story.later(10..=30) {
            return Ok(false);
        }
    }
}

/// A supporter, partner or community member withdraws their consent to the meetings of one process.
fn withdraw_someone(story: &mut Story<'_, '_>) -> Result<(), ModelError> {
    let others: Vec<usize> = (0..story.people.len())
        .filter(|&i| matches!(story.people[i].role, Role::Supporter | Role::Partner | Role::CommunityMember))
        .collect();
    let (Some(&who), Some(track)) = (others.choose(story.rng), story.tracks.choose(story.rng)) else { return Ok(()) };
    let Some(activity) = meetings::session_kind(track.process.kind).activity() else { return Ok(()) };
    if story.withdraw(who, activity)? {
        story.note(NoteKind::ConsentCheckIn, None, None)?;
    }
    Ok(())
}

fn active(story: &mut Story<'_, '_>) -> Result<bool, ModelError> {
    if !story.later(7..=30) {
        return Ok(false);
    }
    change_stage(story, Stage::Active, FACILITATOR)?;
    for who in [story.person(Role::PersonHarmed), story.person(Role::PersonResponsible)].into_iter().flatten() {
        assess(story, who, AssessmentDecision::Proceed)?;
    }
    if story.chance(0.85) {
        plan::commit(story)?;
    }
    rounds(story)
}

fn follow_up(story: &mut Story<'_, '_>) -> Result<bool, ModelError> {
    if !story.later(7..=30) {
        return Ok(false);
    }
    change_stage(story, Stage::FollowUp, FACILITATOR)?;
    for t in 0..story.tracks.len() {
        if story.tracks[t].process.status == ProcessStatus::Active {
            meetings::set_status(story, t, ProcessStatus::Closed, "Completed as planned.")?;
        }
    }
    if story.chance(0.45) {
        meetings::open(story, ProcessKind::ReintegrationSupport, "Check-ins agreed for after the process.")?;
    }
    if story.chance(0.3) {
        meetings::open(story, ProcessKind::Conference, "Supporters and community share updates and further needs.")?;
    }
    let ph = story.person(Role::PersonHarmed);
    story.note(NoteKind::FollowUp, ph, None)?;
    if story.chance(0.5) {
        plan::report(story)?;
    }
    rounds(story)
}
