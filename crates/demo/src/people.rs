//! The people of a demo case: the person harmed's statement, participants with their needs, and readiness and
//! risk assessments at each stage with their review dates.

use chrono::Days;
use rand::seq::SliceRandom;
use rand::Rng;

use super::story::{Person, Story};
use super::words::{self, FACILITATOR};
use crate::registry::assessments::{self, ChecklistItem, NewAssessment};
use crate::registry::participants::{self, NewParticipant};
use circlebook_core::model::{AssessmentDecision, ModelError, ProgressUpdates, RiskLevel, Role};

/// The person harmed's statement: their needs (the first line is what lists show) and what justice would be.
pub fn statement(story: &mut Story<'_, '_>) -> (String, String) {
    let mut needs = story.pick(words::NEEDS).to_owned();
    let mut more = words::NEEDS_MORE.to_vec();
    more.shuffle(story.rng);
    for sentence in more.iter().take(story.rng.gen_range(1..=3)) {
        needs.push('\n');
        needs.push_str(sentence);
    }
    (needs, story.pick(words::JUSTICE).to_owned())
}

pub fn add_person(story: &mut Story<'_, '_>, role: Role, related_to: Option<usize>) -> Result<usize, ModelError> {
    let alias = story.new_alias();
    let progress_updates = (role == Role::PersonHarmed).then(|| {
        *[ProgressUpdates::ThroughFacilitator, ProgressUpdates::Directly, ProgressUpdates::NotAtAll]
            .choose_weighted(story.rng, |u| match u {
                ProgressUpdates::ThroughFacilitator => 5,
                ProgressUpdates::Directly => 3,
                ProgressUpdates::NotAtAll => 1,
            })
            .unwrap_or(&ProgressUpdates::ThroughFacilitator)
    });
    let args = NewParticipant {
        case_id: story.case.clone(),
        alias: alias.clone(),
        role,
        related_to: related_to.map(|i| story.people[i].id.clone()),
        pronouns: Some(story.pick(words::PRONOUNS).to_owned()),
        contact: None,
        access_needs: Some(story.pick(words::ACCESS_NEEDS).to_owned()),
        cultural_needs: Some(story.pick(words::CULTURAL_NEEDS).to_owned()),
        safety_notes: Some(story.pick(words::SAFETY_NOTES).to_owned()),
        progress_updates,
    };
    let ctx = story.ctx();
    let participant = participants::add_participant(story.tx, &ctx, args)?;
    story.summary.participants += 1;
    story.people.push(Person { id: participant.id, alias, role, related_to, review_on: None });
    Ok(story.people.len() - 1)
}

/// A readiness and risk assessment of `who` at the current stage, with a review date.
pub fn assess(story: &mut Story<'_, '_>, who: usize, decision: AssessmentDecision) -> Result<(), ModelError> {
    let mut checklist = words::CHECKLIST.to_vec();
    checklist.shuffle(story.rng);
    let checklist = checklist
        .iter()
        .take(story.rng.gen_range(3..=4))
        .map(|(q, answers)| ChecklistItem {
            question: (*q).to_owned(),
            answer: story.pick(answers).to_owned(),
            note: None,
        })
        .collect();
    let risk_level = match decision {
        AssessmentDecision::Stop => RiskLevel::High,
        _ => *[RiskLevel::Low, RiskLevel::Medium, RiskLevel::High]
            .choose_weighted(story.rng, |r| match r {
                RiskLevel::Low => 6,
                RiskLevel::Medium => 3,
                RiskLevel::High => 1,
            })
            .unwrap_or(&RiskLevel::Low),
    };
    let reasons = match decision {
        AssessmentDecision::Proceed => story.pick(&words::ASSESSMENT_REASONS[..4]),
        _ => story.pick(words::PAUSE_REASONS),
    };
    let review_on = story.today() + Days::new(story.rng.gen_range(28..=84));
    let assessed_by = match story.person(Role::CoFacilitator) {
        Some(co) if story.chance(0.3) => format!("{} (co-facilitator)", story.alias(co)),
        _ => FACILITATOR.to_owned(),
    };
    let args = NewAssessment {
        participant_id: story.people[who].id.clone(),
        stage: None,
        checklist,
        risk_level,
        decision,
        reasons: reasons.to_owned(),
        assessed_on: None,
        next_review_on: Some(review_on),
        assessed_by,
    };
    let ctx = story.ctx();
    assessments::record_assessment(story.tx, &ctx, args)?;
    story.people[who].review_on = Some(review_on);
    Ok(())
}

/// Assesses the two parties again where a review has come due.
pub fn reviews(story: &mut Story<'_, '_>) -> Result<(), ModelError> {
    for who in [story.person(Role::PersonHarmed), story.person(Role::PersonResponsible)].into_iter().flatten() {
        if story.people[who].review_on.is_some_and(|d| d <= story.today()) {
            assess(story, who, AssessmentDecision::Proceed)?;
        }
    }
    Ok(())
}
