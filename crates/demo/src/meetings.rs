//! Processes and their meetings in a demo case: consent asked before anyone is scheduled, safety plans, sessions
//! held with private notes and shareable summaries, agreements, follow-ups, shuttle messages and supervision.

use std::ops::RangeInclusive;

use chrono::{Days, Duration};
use rand::Rng;

use super::prose::{self, NoteKind};
use super::story::{at_hour, working_day, Story};
use super::words;
use crate::registry::processes::{self, OpenProcess, Process, SetProcessStatus};
use crate::registry::safety::{self, SetSafetyPlan};
use crate::registry::session_outcomes::{self, NewAgreement, NewFollowUp};
use crate::registry::sessions::{self, CancelSession, RecordSession, ScheduleSession};
use crate::registry::shuttle::{self, ApproveMessage, MessageRef, NewMessage};
use circlebook_core::model::{ModelError, ProcessKind, ProcessStatus, Role, SessionId, SessionKind};

/// A process of the case and how many more rounds of meetings it has.
#[derive(Debug, Clone)]
pub struct Track {
    pub process: Process,
    pub rounds_left: u32,
    /// Rounds done so far (shuttle dialogue alternates authors by it).
    pub done: u32,
}

/// What became of a meeting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Meeting {
    /// Someone it needs does not consent: not scheduled.
    Skipped,
    /// Scheduled for after the anchor.
    Upcoming,
    Cancelled,
    /// Held, with who attended.
    Held(SessionId, Vec<usize>),
}

/// The session kind of a process's meetings.
pub fn session_kind(kind: ProcessKind) -> SessionKind {
    match kind {
        ProcessKind::PersonHarmedCircle => SessionKind::PersonHarmedCircle,
        ProcessKind::PersonResponsibleCircle => SessionKind::PersonResponsibleCircle,
        ProcessKind::BlendedCircle => SessionKind::BlendedCircle,
        ProcessKind::PartnersCircle => SessionKind::PartnersCircle,
        ProcessKind::CosaInnerCircle => SessionKind::CosaInnerCircle,
        ProcessKind::CosaOuterCircle => SessionKind::CosaOuterCircle,
        ProcessKind::DirectDialogue => SessionKind::DirectDialogue,
        ProcessKind::IndirectDialogue => SessionKind::IndirectDialogue,
        ProcessKind::LetterExchange => SessionKind::LetterExchange,
        ProcessKind::Conference => SessionKind::Conference,
        ProcessKind::ReintegrationSupport => SessionKind::ReintegrationCheckIn,
    }
}

/// Who a process's meetings need and who they may include.
pub fn invited(story: &Story<'_, '_>, kind: ProcessKind) -> (Vec<usize>, Vec<usize>) {
    let ph: Vec<usize> = story.person(Role::PersonHarmed).into_iter().collect();
    let pr: Vec<usize> = story.person(Role::PersonResponsible).into_iter().collect();
    let supporters_of = |of: &[usize]| -> Vec<usize> {
        story
            .all(Role::Supporter)
            .into_iter()
            .filter(|&s| story.people[s].related_to.is_some_and(|r| of.contains(&r)))
            .collect()
    };
    let community = story.all(Role::CommunityMember);
    let supporters = story.all(Role::Supporter);
    match kind {
        ProcessKind::PersonHarmedCircle => (ph.clone(), supporters_of(&ph)),
        ProcessKind::PersonResponsibleCircle => (pr.clone(), [supporters_of(&pr), community].concat()),
        ProcessKind::BlendedCircle => ([ph, pr].concat(), supporters),
        ProcessKind::PartnersCircle => (story.all(Role::Partner), Vec::new()),
        ProcessKind::CosaInnerCircle | ProcessKind::CosaOuterCircle => (pr, community),
        ProcessKind::DirectDialogue => ([ph.clone(), pr].concat(), supporters_of(&ph)),
        ProcessKind::IndirectDialogue | ProcessKind::LetterExchange => (Vec::new(), Vec::new()),
        ProcessKind::Conference => (pr, [ph, supporters, community].concat()),
        ProcessKind::ReintegrationSupport => (pr, community),
    }
}

/// How many rounds of meetings a process has.
fn rounds(story: &mut Story<'_, '_>, kind: ProcessKind) -> u32 {
    let range = match kind {
        ProcessKind::CosaInnerCircle | ProcessKind::CosaOuterCircle => 3..=6,
        ProcessKind::IndirectDialogue => 2..=6,
        ProcessKind::PersonResponsibleCircle | ProcessKind::LetterExchange | ProcessKind::ReintegrationSupport => 2..=4,
        ProcessKind::PersonHarmedCircle => 2..=3,
        ProcessKind::BlendedCircle | ProcessKind::PartnersCircle | ProcessKind::DirectDialogue => 1..=2,
        ProcessKind::Conference => 1..=1,
    };
    story.rng.gen_range(range)
}

/// Opens a process once everyone it needs has consented to its activity (asked now). Returns whether it opened.
pub fn open(story: &mut Story<'_, '_>, kind: ProcessKind, note: &str) -> Result<bool, ModelError> {
    let must = match kind {
        // Messages and letters go between the two parties: both consent before it opens.
        ProcessKind::IndirectDialogue | ProcessKind::LetterExchange => {
            [story.person(Role::PersonHarmed), story.person(Role::PersonResponsible)].into_iter().flatten().collect()
        }
        _ => invited(story, kind).0,
    };
    let activity = session_kind(kind).activity();
    let until = story.today();
    for who in must {
        if let Some(activity) = activity {
            if !story.consents(who, activity, until)? {
                return Ok(false);
            }
        }
    }
    let ctx = story.ctx();
    let process = processes::open_process(
        story.tx,
        &ctx,
        OpenProcess { case_id: story.case.clone(), kind, opened_on: None, note: note.to_owned() },
    )?;
    let rounds_left = rounds(story, kind);
    story.tracks.push(Track { process, rounds_left, done: 0 });
    Ok(true)
}

/// Sets a process's status (closed and withdrawn end today).
pub fn set_status(
    story: &mut Story<'_, '_>,
    track: usize,
    status: ProcessStatus,
    note: &str,
) -> Result<(), ModelError> {
    if story.tracks[track].process.status == status {
        return Ok(());
    }
    let ctx = story.ctx();
    let process = processes::set_process_status(
        story.tx,
        &ctx,
        SetProcessStatus {
            process_id: story.tracks[track].process.id.clone(),
            status,
            on: None,
            note: Some(note.to_owned()),
        },
    )?;
    story.tracks[track].process = process;
    Ok(())
}

fn note_kind(kind: SessionKind) -> NoteKind {
    match kind {
        SessionKind::PreparationMeeting => NoteKind::Preparation,
        SessionKind::Supervision => NoteKind::Supervision,
        SessionKind::PersonResponsibleCircle | SessionKind::CosaInnerCircle | SessionKind::CosaOuterCircle => {
            NoteKind::Accountability
        }
        SessionKind::ReintegrationCheckIn | SessionKind::Conference => NoteKind::FollowUp,
        SessionKind::LetterExchange | SessionKind::IndirectDialogue => NoteKind::ConsentCheckIn,
        _ => NoteKind::SafetyPlanning,
    }
}

fn safety_plan(story: &mut Story<'_, '_>, session: &SessionId) -> Result<(), ModelError> {
    let ctx = story.ctx();
    let plan = SetSafetyPlan {
        session_id: session.clone(),
        venue: Some(story.pick(words::VENUES).to_owned()),
        separate_arrival: Some(story.chance(0.85)),
        separate_departure: Some(story.chance(0.85)),
        supports_present: Some(story.pick(words::SUPPORTS_PRESENT).to_owned()),
        pause_signals: Some(story.pick(words::PAUSE_SIGNALS).to_owned()),
        stop_signals: Some(story.pick(words::STOP_SIGNALS).to_owned()),
        notes: Some(story.pick(words::PLAN_NOTES).to_owned()),
    };
    safety::set_safety_plan(story.tx, &ctx, plan)?;
    Ok(())
}

/// Schedules a meeting `days` ahead with everyone in `must` and those in `may` who consent (asked now if never
/// asked), writes its safety plan, then holds it (or, rarely, cancels it) unless its day falls after the anchor.
pub fn meeting(
    story: &mut Story<'_, '_>,
    track: Option<usize>,
    kind: SessionKind,
    must: &[usize],
    may: &[usize],
    days: RangeInclusive<u64>,
) -> Result<Meeting, ModelError> {
    let day = working_day(story.today() + Days::new(story.rng.gen_range(days)));
    let hour = if story.chance(0.5) { 10 } else { 14 };
    let scheduled_for = at_hour(day, hour, if story.chance(0.5) { 0 } else { 30 });
    let mut attendees = Vec::new();
    for (&who, needed) in must.iter().map(|w| (w, true)).chain(may.iter().map(|w| (w, false))) {
        let consents = match kind.activity() {
            Some(activity) => story.consents(who, activity, day)?,
            None => true,
        };
        match (consents, needed) {
            (true, _) => attendees.push(who),
            (false, true) => return Ok(Meeting::Skipped),
            (false, false) => {}
        }
    }
    let ctx = story.ctx();
    let session = sessions::schedule_session(
        story.tx,
        &ctx,
        ScheduleSession {
            case_id: story.case.clone(),
            process_id: track.map(|t| story.tracks[t].process.id.clone()),
            kind,
            scheduled_for,
            attendees: attendees.iter().map(|&w| story.people[w].id.clone()).collect(),
        },
    )?;
    story.summary.sessions += 1;
    let plan_chance = match kind {
        SessionKind::Supervision => 0.0,
        SessionKind::PreparationMeeting | SessionKind::LetterExchange | SessionKind::IndirectDialogue => 0.2,
        SessionKind::ReintegrationCheckIn => 0.3,
        _ => 0.85,
    };
    if story.chance(plan_chance) {
        safety_plan(story, &session.id)?;
    }
    if !story.move_to(scheduled_for + Duration::minutes(90)) {
        story.pending.push(session.id);
        return Ok(Meeting::Upcoming);
    }
    if kind != SessionKind::Supervision && story.chance(0.06) {
        let reason = story.pick(words::CANCEL_REASONS).to_owned();
        let ctx = story.ctx();
        sessions::cancel_session(story.tx, &ctx, CancelSession { session_id: session.id, reason })?;
        return Ok(Meeting::Cancelled);
    }
    let mut private_notes = prose::private_notes(story.rng, note_kind(kind));
    let mut shareable_summary = prose::shareable_summary(story.rng, &title_label(kind.as_str()));
    let ids: Vec<_> = session.attendees.iter().map(|a| a.participant_id.clone()).collect();
    if !story.may_keep_notes(&ids)? {
        // Someone said no to notes being kept: the session is recorded as held, without notes about it.
        private_notes.clear();
        shareable_summary.clear();
    }
    let ctx = story.ctx();
    sessions::record_session(
        story.tx,
        &ctx,
        RecordSession { session_id: session.id.clone(), held_on: None, private_notes, shareable_summary },
    )?;
    outcomes(story, &session.id, kind, &attendees)?;
    Ok(Meeting::Held(session.id, attendees))
}

/// Agreements reached in a held meeting, follow-up tasks, and sometimes a note.
fn outcomes(
    story: &mut Story<'_, '_>,
    session: &SessionId,
    kind: SessionKind,
    attendees: &[usize],
) -> Result<(), ModelError> {
    let agrees = !attendees.is_empty()
        && !matches!(
            kind,
            SessionKind::PreparationMeeting
                | SessionKind::Supervision
                | SessionKind::ReintegrationCheckIn
                | SessionKind::IndirectDialogue
                | SessionKind::LetterExchange
        );
    if agrees && story.chance(0.7) {
        for _ in 0..story.rng.gen_range(1..=2) {
            let text = story.pick(words::AGREEMENTS).to_owned();
            let agreed_by = attendees
                .iter()
                .filter(|_| story.rng.gen_bool(0.9))
                .map(|&w| story.people[w].id.clone())
                .collect::<Vec<_>>();
            let agreed_by = if agreed_by.is_empty() { vec![story.people[attendees[0]].id.clone()] } else { agreed_by };
            let ctx = story.ctx();
            session_outcomes::add_agreement(
                story.tx,
                &ctx,
                NewAgreement { session_id: session.clone(), text, agreed_by, agreed_on: None },
            )?;
        }
    }
    if kind != SessionKind::Supervision && story.chance(0.45) {
        let title = story.pick(words::FOLLOW_UPS).to_owned();
        let due_on = story.today() + Days::new(story.rng.gen_range(2..14));
        let ctx = story.ctx();
        let follow_up = NewFollowUp { session_id: session.clone(), title, due_on: Some(due_on) };
        let task = session_outcomes::add_follow_up(story.tx, &ctx, follow_up)?;
        story.open_tasks.push((task.id, due_on));
    }
    let chance = if kind == SessionKind::Supervision { 0.5 } else { 0.3 };
    if story.chance(chance) {
        let about = attendees.first().copied();
        story.note(note_kind(kind), about, Some(session))?;
    }
    Ok(())
}

/// One round of a process's meetings; false once the anchor is reached.
pub fn round(story: &mut Story<'_, '_>, track: usize) -> Result<bool, ModelError> {
    let kind = story.tracks[track].process.kind;
    story.tracks[track].rounds_left -= 1;
    story.tracks[track].done += 1;
    let done = story.tracks[track].done;
    let ph = story.person(Role::PersonHarmed);
    let pr = story.person(Role::PersonResponsible);
    let held = match kind {
        ProcessKind::IndirectDialogue => return shuttle_round(story, track),
        ProcessKind::LetterExchange => {
            let writer = if done % 2 == 1 { ph.or(pr) } else { pr.or(ph) };
            let writer: Vec<usize> = writer.into_iter().collect();
            meeting(story, Some(track), SessionKind::LetterExchange, &writer, &[], 3..=10)?
        }
        _ => {
            let (must, may) = invited(story, kind);
            meeting(story, Some(track), session_kind(kind), &must, &may, 3..=12)?
        }
    };
    Ok(held != Meeting::Upcoming)
}

/// A shuttle round: a meeting with the author, their message written, approved and relayed (relaying needs
/// both sides' consent to indirect dialogue). False once the anchor is reached.
fn shuttle_round(story: &mut Story<'_, '_>, track: usize) -> Result<bool, ModelError> {
    let (Some(ph), Some(pr)) = (story.person(Role::PersonHarmed), story.person(Role::PersonResponsible)) else {
        return Ok(true);
    };
    let (author, recipient, bank) = if story.tracks[track].done % 2 == 1 {
        (ph, pr, words::MESSAGES_FROM_HARMED)
    } else {
        (pr, ph, words::MESSAGES_FROM_RESPONSIBLE)
    };
    match meeting(story, Some(track), SessionKind::IndirectDialogue, &[author], &[], 3..=12)? {
        Meeting::Held(..) => {}
        Meeting::Upcoming => return Ok(false),
        Meeting::Skipped | Meeting::Cancelled => return Ok(true),
    }
    let ctx = story.ctx();
    let content = story.pick(bank).to_owned();
    let message = shuttle::write_message(
        story.tx,
        &ctx,
        NewMessage {
            case_id: story.case.clone(),
            process_id: Some(story.tracks[track].process.id.clone()),
            author_id: story.people[author].id.clone(),
            recipient_id: story.people[recipient].id.clone(),
            content,
        },
    )?;
    story.summary.messages += 1;
    if story.chance(0.08) {
        return Ok(true); // the author wants to think it over: it awaits their approval
    }
    if story.chance(0.5) && !story.later(1..=4) {
        return Ok(false); // written, awaiting the author's approval at the anchor
    }
    let activity = circlebook_core::model::Activity::IndirectDialogue;
    let today = story.today();
    // Approval needs the author's consent on its own day, which may come after a grant's expiry.
    if !story.consents(author, activity, today)? {
        return Ok(true); // awaits the author's approval
    }
    let approval_note = story.pick(words::APPROVAL_NOTES).to_owned();
    let ctx = story.ctx();
    shuttle::approve_message(
        story.tx,
        &ctx,
        ApproveMessage { message_id: message.id.clone(), approval_note, approved_at: None },
    )?;
    if story.consents(recipient, activity, today)? && story.consents(author, activity, today)? {
        let ctx = story.ctx();
        shuttle::relay_message(story.tx, &ctx, MessageRef { message_id: message.id })?;
    }
    Ok(true)
}

/// Supervision or case consultation, about every ten weeks once preparation has begun.
pub fn supervise(story: &mut Story<'_, '_>) -> Result<bool, ModelError> {
    let Some(due) = story.next_supervision else { return Ok(true) };
    if story.today() < due {
        return Ok(true);
    }
    let held = meeting(story, None, SessionKind::Supervision, &[], &[], 1..=3)?;
    story.next_supervision = Some(story.today() + Days::new(story.rng.gen_range(63..=77)));
    Ok(held != Meeting::Upcoming)
}

/// Cancels every session still scheduled (when a case pauses, is withdrawn or closes).
pub fn cancel_pending(story: &mut Story<'_, '_>, reason: &str) -> Result<(), ModelError> {
    for session in std::mem::take(&mut story.pending) {
        if sessions::load(story.tx, &session)?.status == circlebook_core::model::SessionStatus::Scheduled {
            let ctx = story.ctx();
            sessions::cancel_session(story.tx, &ctx, CancelSession { session_id: session, reason: reason.to_owned() })?;
        }
    }
    Ok(())
}

/// A vocabulary word as a title: `direct_dialogue` → `Direct dialogue` (the demo's English, written into a
/// session's shareable summary).
fn title_label(word: &str) -> String {
    let words = word.replace('_', " ");
    let mut chars = words.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => words,
    }
}
