//! One demo case as it unfolds: its clock (each operation gets its own context at a later instant, never after the
//! anchor), its people, and small wrappers over the model's operations that keep the story within the rules.

use std::ops::RangeInclusive;

use chrono::{DateTime, Datelike, Days, Duration, NaiveDate, Utc, Weekday};
use rand::rngs::StdRng;
use rand::Rng;
use rusqlite::Transaction;

use super::meetings::Track;
use super::plan::Pledge;
use super::prose::{self, NoteKind};
use super::words::{self, pick};
use super::DemoSummary;
use crate::registry::consent::{self, ConsentEntry, RecordConsent};
use crate::registry::notes::{self, NewNote};
use crate::registry::sessions;
use crate::registry::tasks::{self, NewTask, TaskRef};
use circlebook_core::model::{
    Activity, CaseId, ConsentDecision, ConsentMethod, Ctx, ModelError, ParticipantId, Role, SessionId, Stage, TaskId,
};

/// The actor of every demo operation in the audit log.
pub const ACTOR: &str = "demo";

/// A participant of the case being told.
#[derive(Debug, Clone)]
pub struct Person {
    pub id: ParticipantId,
    pub alias: String,
    pub role: Role,
    /// Index of the person they support or partner.
    pub related_to: Option<usize>,
    /// When their latest assessment asked to be reviewed.
    pub review_on: Option<NaiveDate>,
}

/// The case being told and its clock.
pub struct Story<'s, 'c> {
    pub tx: &'s Transaction<'c>,
    pub rng: &'s mut StdRng,
    pub summary: &'s mut DemoSummary,
    /// The instant of the latest operation.
    at: DateTime<Utc>,
    /// The anchor: nothing is recorded after it (sessions may be scheduled for later).
    pub end: DateTime<Utc>,
    pub case: CaseId,
    pub people: Vec<Person>,
    pub tracks: Vec<Track>,
    /// Tasks not yet done, with their due dates.
    pub open_tasks: Vec<(TaskId, NaiveDate)>,
    /// Sessions scheduled and not yet held or cancelled.
    pub pending: Vec<SessionId>,
    pub next_supervision: Option<NaiveDate>,
    pub stage: Stage,
    pub pledges: Vec<Pledge>,
}

impl<'s, 'c> Story<'s, 'c> {
    pub fn new(
        tx: &'s Transaction<'c>,
        rng: &'s mut StdRng,
        summary: &'s mut DemoSummary,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
    ) -> Self {
        Story {
            tx,
            rng,
            summary,
            at: start,
            end,
            case: CaseId(uuid::Uuid::nil()),
            people: Vec::new(),
            tracks: Vec::new(),
            open_tasks: Vec::new(),
            pending: Vec::new(),
            next_supervision: None,
            stage: Stage::Referral,
            pledges: Vec::new(),
        }
    }

    /// A context one to four minutes after the previous operation, with ids no other context repeats.
    pub fn ctx(&mut self) -> Ctx {
        self.at += Duration::seconds(self.rng.gen_range(60..240)) + Duration::milliseconds(self.rng.gen_range(0..1000));
        Ctx::fixed_from(self.at, ACTOR, self.rng.gen())
    }

    pub fn today(&self) -> NaiveDate {
        self.at.date_naive()
    }

    /// Whether records naming these participants may be written today: none of them has declined or withdrawn
    /// consent to notes being kept (the rule `sessions`, `notes` and `accountability` enforce).
    pub fn may_keep_notes(&self, ids: &[circlebook_core::model::ParticipantId]) -> Result<bool, ModelError> {
        for id in ids {
            let state = consent::state_on(self.tx, self.zone(), id, Activity::KeepingNotes, "", self.today())?;
            if !consent::Needs::NoRefusal.allows(state) {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// The demo tells its story in UTC (its contexts are fixed ones), so its days are UTC days.
    pub fn zone(&self) -> circlebook_core::model::Zone {
        circlebook_core::model::Zone::utc()
    }

    pub fn end_day(&self) -> NaiveDate {
        self.end.date_naive()
    }

    pub fn chance(&mut self, p: f64) -> bool {
        self.rng.gen_bool(p)
    }

    pub fn pick(&mut self, bank: &[&'static str]) -> &'static str {
        pick(self.rng, bank)
    }

    /// A working day `days` from today at a working hour; the clock moves there unless that is after the anchor.
    pub fn later(&mut self, days: RangeInclusive<u64>) -> bool {
        let day = working_day(self.today() + Days::new(self.rng.gen_range(days)));
        let next = at_hour(day, self.rng.gen_range(9..16), self.rng.gen_range(0..60));
        if next <= self.at || next > self.end {
            return false;
        }
        self.at = next;
        true
    }

    /// Moves the clock to `instant` (a scheduled meeting) if that is later and not after the anchor.
    pub fn move_to(&mut self, instant: DateTime<Utc>) -> bool {
        if instant <= self.at || instant > self.end {
            return false;
        }
        self.at = instant;
        true
    }

    pub fn person(&self, role: Role) -> Option<usize> {
        self.people.iter().position(|p| p.role == role)
    }

    /// Everyone with `role`, with who they relate to.
    pub fn all(&self, role: Role) -> Vec<usize> {
        (0..self.people.len()).filter(|&i| self.people[i].role == role).collect()
    }

    pub fn alias(&self, who: usize) -> &str {
        &self.people[who].alias
    }

    /// An alias not yet used in this case.
    pub fn new_alias(&mut self) -> String {
        loop {
            let alias = self.pick(words::ALIASES);
            if !self.people.iter().any(|p| p.alias == alias) || self.people.len() >= words::ALIASES.len() {
                return alias.to_owned();
            }
        }
    }

    fn record(
        &mut self,
        who: usize,
        activity: Activity,
        decision: ConsentDecision,
        expires_on: Option<NaiveDate>,
        note: &str,
    ) -> Result<ConsentEntry, ModelError> {
        let method = if self.chance(0.7) { ConsentMethod::Written } else { ConsentMethod::Verbal };
        let ctx = self.ctx();
        let entry = consent::record_consent(
            self.tx,
            &ctx,
            RecordConsent {
                participant_id: self.people[who].id.clone(),
                activity,
                decision,
                method,
                decided_at: None,
                expires_on,
                note: Some(note.to_owned()),
                shared_with: None,
            },
        )?;
        self.summary.consents += 1;
        Ok(entry)
    }

    /// An expiry date for a grant made today that must hold until `until`: usually none; sometimes months away;
    /// near the anchor, sometimes within a couple of weeks after it (so that reminders have something to show).
    fn expiry(&mut self, until: NaiveDate) -> Option<NaiveDate> {
        let today = self.today();
        let soon = self.end_day() + Days::new(self.rng.gen_range(2..16));
        let date = if (self.end_day() - today).num_days() <= 60 && self.chance(0.12) {
            soon
        } else if self.chance(0.25) {
            today + Days::new(self.rng.gen_range(120..360))
        } else {
            return None;
        };
        (date >= until && date > today).then_some(date)
    }

    /// Asks `who` for consent to `activity` (granted with probability `yes`, else declined); returns whether granted.
    pub fn ask(&mut self, who: usize, activity: Activity, yes: f64, until: NaiveDate) -> Result<bool, ModelError> {
        if self.chance(yes) {
            let expires_on = self.expiry(until);
            let note = self.pick(words::CONSENT_NOTES);
            self.record(who, activity, ConsentDecision::Granted, expires_on, note)?;
            Ok(true)
        } else {
            let note = self.pick(words::DECLINE_NOTES);
            self.record(who, activity, ConsentDecision::Declined, None, note)?;
            Ok(false)
        }
    }

    /// Whether `who` consents to `activity` today and on `until`: asks if never asked, renews a grant that
    /// expires before `until`, and respects a decline or withdrawal.
    pub fn consents(&mut self, who: usize, activity: Activity, until: NaiveDate) -> Result<bool, ModelError> {
        let latest = consent::latest(self.tx, self.zone(), &self.people[who].id, activity, "")?;
        let yes =
            if matches!(self.people[who].role, Role::PersonHarmed | Role::PersonResponsible) { 0.94 } else { 0.85 };
        match latest {
            None => self.ask(who, activity, yes, until),
            Some(e) if e.decision != ConsentDecision::Granted => Ok(false),
            Some(e) if e.expires_on.is_none_or(|d| d >= until) => Ok(true),
            Some(_) => {
                let note = self.pick(words::RENEW_NOTES);
                self.record(who, activity, ConsentDecision::Granted, None, note)?;
                Ok(true)
            }
        }
    }

    /// Records that `who` withdraws a granted consent.
    pub fn withdraw(&mut self, who: usize, activity: Activity) -> Result<bool, ModelError> {
        let latest = consent::latest(self.tx, self.zone(), &self.people[who].id, activity, "")?;
        if latest.is_none_or(|e| e.decision != ConsentDecision::Granted) {
            return Ok(false);
        }
        let ctx = self.ctx();
        let note = self.pick(words::WITHDRAW_NOTES);
        let method = if self.chance(0.5) { ConsentMethod::Verbal } else { ConsentMethod::Written };
        consent::withdraw_consent(
            self.tx,
            &ctx,
            consent::WithdrawConsent {
                participant_id: self.people[who].id.clone(),
                activity,
                method,
                decided_at: None,
                note: Some(note.to_owned()),
                shared_with: None,
            },
        )?;
        self.summary.consents += 1;
        Ok(true)
    }

    /// Consent for information to go to a named recipient.
    pub fn share_with(&mut self, who: usize, recipient: &str) -> Result<(), ModelError> {
        let ctx = self.ctx();
        consent::record_consent(
            self.tx,
            &ctx,
            RecordConsent {
                participant_id: self.people[who].id.clone(),
                activity: Activity::InformationSharing,
                decision: ConsentDecision::Granted,
                method: ConsentMethod::Written,
                decided_at: None,
                expires_on: None,
                note: Some("Only what is needed for their support, and only to this recipient.".into()),
                shared_with: Some(recipient.to_owned()),
            },
        )?;
        self.summary.consents += 1;
        Ok(())
    }

    /// A Markdown note on the case, about `about` if they consent to notes being kept, or on a session.
    pub fn note(
        &mut self,
        kind: NoteKind,
        about: Option<usize>,
        session: Option<&SessionId>,
    ) -> Result<(), ModelError> {
        let about = match about {
            Some(who)
                if consent::state_on(
                    self.tx,
                    self.zone(),
                    &self.people[who].id,
                    Activity::KeepingNotes,
                    "",
                    self.today(),
                )? == consent::ConsentState::Granted =>
            {
                Some(self.people[who].id.clone())
            }
            _ => None,
        };
        let body = prose::note_body(self.rng, kind);
        let shareable = self.chance(0.15);
        if let Some(session) = session {
            let attendees: Vec<_> =
                sessions::load(self.tx, session)?.attendees.into_iter().map(|a| a.participant_id).collect();
            if !self.may_keep_notes(&attendees)? {
                return Ok(());
            }
        }
        let ctx = self.ctx();
        self.summary.notes += 1;
        self.summary.note_bytes += body.len();
        notes::add_note(
            self.tx,
            &ctx,
            NewNote {
                case_id: self.case.clone(),
                body,
                participant_id: about,
                session_id: session.cloned(),
                shareable,
            },
        )?;
        Ok(())
    }

    /// A task due `due_in` days from today (negative: already past).
    pub fn task(&mut self, title: &str, due_in: i64) -> Result<TaskId, ModelError> {
        let ctx = self.ctx();
        let due_on = self.today() + Duration::days(due_in);
        let task = tasks::add_task(
            self.tx,
            &ctx,
            NewTask { case_id: self.case.clone(), title: title.to_owned(), due_on: Some(due_on), session_id: None },
        )?;
        self.open_tasks.push((task.id.clone(), due_on));
        Ok(task.id)
    }

    /// Marks done most tasks whose due date has come; a few are forgotten (and show as overdue).
    pub fn tidy_tasks(&mut self) -> Result<(), ModelError> {
        let today = self.today();
        for (task, due_on) in std::mem::take(&mut self.open_tasks) {
            if due_on > today {
                self.open_tasks.push((task, due_on));
            } else if self.chance(0.95) {
                self.complete(task)?;
            }
        }
        Ok(())
    }

    pub fn complete(&mut self, task: TaskId) -> Result<(), ModelError> {
        let ctx = self.ctx();
        tasks::complete_task(self.tx, &ctx, TaskRef { task_id: task })?;
        Ok(())
    }
}

/// The same day, or the Monday after a weekend.
pub fn working_day(day: NaiveDate) -> NaiveDate {
    match day.weekday() {
        Weekday::Sat => day + Days::new(2),
        Weekday::Sun => day + Days::new(1),
        _ => day,
    }
}

/// `day` at `hour:minute` UTC.
pub fn at_hour(day: NaiveDate, hour: u32, minute: u32) -> DateTime<Utc> {
    day.and_hms_opt(hour, minute, 0).unwrap_or_default().and_utc()
}
