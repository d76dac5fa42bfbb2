//! `show CASE`: the whole case (the `case_file` operation). For people the person harmed's own statement comes
//! first, then the participants and their current consents, processes, sessions, messages, the accountability plan,
//! notes, tasks and the timeline; roles use the programme's own words.

use std::collections::BTreeMap;

use circlebook_core::model::case_file::CaseFile;
use circlebook_core::model::cases::Case;
use circlebook_core::model::terminology::RoleLabel;
use circlebook_core::model::{CaseId, ParticipantId, ProgressUpdates, Role, SessionStatus};
use circlebook_core::ErrorKind;
use serde_json::json;

use super::text::{clip, day, first_line, label, minute};
use super::wording;
use super::{Context, OpenVault};
use crate::failure::Failure;
use crate::out;

/// The case's id: `case` itself when it is an id, else the one case with that code name.
fn resolve(vault: &mut OpenVault, case: &str) -> Result<String, Failure> {
    if case.trim().parse::<CaseId>().is_ok() {
        return Ok(case.trim().to_owned());
    }
    let all: Vec<Case> = vault.call_as("list_cases", json!({ "include_closed": true }))?;
    let named: Vec<&Case> = all.iter().filter(|c| c.code_name.eq_ignore_ascii_case(case.trim())).collect();
    match named.as_slice() {
        [one] => Ok(one.id.to_string()),
        [] => Err(Failure::new(ErrorKind::NotFound, format_args!("there is no case with the id or code name {case}"))),
        several => {
            let ids: Vec<String> = several.iter().map(|c| c.id.to_string()).collect();
            Err(Failure::new(
                ErrorKind::InvalidInput,
                format_args!("{} cases are called {case}; show one by its id: {}", several.len(), ids.join(", ")),
            ))
        }
    }
}

pub fn show(ctx: &mut Context, case: &str) -> Result<(), Failure> {
    let mut vault = OpenVault::open(ctx)?;
    let shown = (|| {
        let id = resolve(&mut vault, case)?;
        let file = vault.call("case_file", json!({ "case_id": id }))?;
        let labels: Vec<RoleLabel> = vault.call_as("get_terminology", json!({}))?;
        Ok::<_, Failure>((file, labels))
    })();
    vault.finish()?;
    let (value, labels) = shown?;
    if ctx.json {
        out::json(&value);
        return Ok(());
    }
    let file: CaseFile = serde_json::from_value(value)
        .map_err(|e| Failure::new(ErrorKind::Io, format_args!("the case file could not be read: {e}")))?;
    Page::new(&file, labels).print();
    Ok(())
}

/// A case file laid out for reading.
struct Page<'a> {
    file: &'a CaseFile,
    roles: BTreeMap<Role, String>,
    aliases: BTreeMap<&'a ParticipantId, &'a str>,
}

fn heading(title: &str) {
    out::line(format_args!("\n{title}"));
}

fn paragraph(text: &str) {
    if text.trim().is_empty() {
        out::line("  (not yet recorded)");
    }
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        out::line(format_args!("  {}", line.trim()));
    }
}

impl<'a> Page<'a> {
    fn new(file: &'a CaseFile, labels: Vec<RoleLabel>) -> Self {
        let roles = labels.into_iter().map(|l| (l.role, l.label)).collect();
        let aliases = file.participants.iter().map(|p| (&p.participant.id, p.participant.alias.as_str())).collect();
        Page { file, roles, aliases }
    }

    fn alias(&self, id: &ParticipantId) -> &str {
        self.aliases.get(id).copied().unwrap_or("someone no longer listed")
    }

    fn role(&self, role: Role) -> String {
        self.roles.get(&role).cloned().unwrap_or_else(|| label(role))
    }

    fn print(&self) {
        self.header();
        heading("What the person harmed needs, in their own words");
        paragraph(&self.file.harmed_statement.needs);
        heading("What justice would look like for them");
        paragraph(&self.file.harmed_statement.justice_vision);
        self.participants();
        self.processes();
        self.sessions();
        self.messages();
        self.plan();
        self.notes();
        self.tasks();
        heading("Timeline");
        for item in &self.file.timeline {
            let when = if item.all_day { format!("{:<16}", day(&item.at)) } else { minute(&item.at) };
            out::line(format_args!("  {when}  {}", wording::event(&item.detail)));
        }
    }

    fn header(&self) {
        let case = &self.file.case.case;
        let opened = case.opened_on.map_or_else(|| day(&case.created_at), |d| d.to_string());
        out::line(format_args!(
            "{} · {} · opened {opened} · last change {}",
            case.code_name,
            label(case.stage),
            day(&case.updated_at)
        ));
        let by = if case.referred_by_person_harmed { "by the person harmed" } else { "not by the person harmed" };
        let source = if case.referral_source.is_empty() { "source not recorded" } else { &case.referral_source };
        out::line(format_args!("Referral: {source} ({by})"));
        if case.referral_flagged {
            out::line("Note: a gender-based-violence referral that did not come from the person harmed.");
        }
        if !case.tags.is_empty() {
            out::line(format_args!("Tags: {}", case.tags.join(", ")));
        }
        if let (Some(outcome), Some(closed)) = (case.outcome, case.closed_on) {
            let kept = case.retention_until.map(|d| format!(", kept until {d}")).unwrap_or_default();
            out::line(format_args!("Closed {closed}{kept}: {}", label(outcome)));
            if let Some(summary) = &case.outcome_summary {
                out::line(format_args!("  {summary}"));
            }
        }
    }

    fn participants(&self) {
        heading("Participants and their current consent");
        if self.file.participants.is_empty() {
            out::line("  none yet");
        }
        for entry in &self.file.participants {
            let p = &entry.participant;
            let mut who = format!("  {} — {}", p.alias, self.role(p.role));
            if let Some(related) = &p.related_to {
                who += &format!(" (of {})", self.alias(related));
            }
            if !p.pronouns.is_empty() {
                who += &format!(", {}", p.pronouns);
            }
            if p.role == Role::PersonHarmed {
                who += match p.progress_updates {
                    ProgressUpdates::Directly => "; hears of progress directly",
                    ProgressUpdates::ThroughFacilitator => "; hears of progress through the facilitator",
                    ProgressUpdates::NotAtAll => "; chose not to hear of progress",
                };
            }
            out::line(who);
            let consents: Vec<String> = entry
                .consents
                .iter()
                .map(|c| {
                    let to = if c.shared_with.is_empty() { String::new() } else { format!(" with {}", c.shared_with) };
                    let until = match (c.state, c.latest.expires_on) {
                        (circlebook_core::model::consent::ConsentState::Granted, Some(d)) => format!(" until {d}"),
                        _ => String::new(),
                    };
                    format!("{}{to} {}{until}", label(c.activity), c.state.describe())
                })
                .collect();
            if !consents.is_empty() {
                out::line(format_args!("      consent: {}", consents.join("; ")));
            }
            if let Some(a) = self.file.assessments.iter().find(|a| a.participant_id == p.id) {
                let review = a.next_review_on.map(|d| format!("; review by {d}")).unwrap_or_default();
                out::line(format_args!(
                    "      latest assessment {} ({}): {}, {} risk{review}",
                    a.assessed_on,
                    label(a.stage),
                    label(a.decision),
                    label(a.risk_level)
                ));
            }
        }
    }

    fn processes(&self) {
        heading("Processes");
        if self.file.processes.is_empty() {
            out::line("  none yet");
        }
        for p in &self.file.processes {
            let dates = match p.closed_on {
                Some(closed) => format!("{} – {closed}", p.opened_on),
                None => format!("since {}", p.opened_on),
            };
            out::line(format_args!("  {:<26} {:<10} {dates}", label(p.kind), label(p.status)));
        }
    }

    fn sessions(&self) {
        heading("Sessions");
        if self.file.sessions.is_empty() {
            out::line("  none yet");
        }
        for s in &self.file.sessions {
            let who: Vec<&str> = s.attendees.iter().map(|a| a.alias.as_str()).collect();
            let detail = match s.status {
                SessionStatus::Cancelled => format!("({})", s.cancel_reason),
                _ => who.join(", "),
            };
            let line =
                format!("  {}  {:<26} {:<10} {detail}", minute(&s.scheduled_for), label(s.kind), label(s.status));
            out::line(line.trim_end());
        }
    }

    fn messages(&self) {
        if self.file.messages.is_empty() {
            return;
        }
        heading("Shuttle messages");
        for m in &self.file.messages {
            let state = match (m.approved_at, m.relayed_at) {
                (_, Some(relayed)) => format!("relayed {}", day(&relayed)),
                (Some(approved), None) => format!("approved {}, not yet relayed", day(&approved)),
                (None, None) => "awaiting the author's approval".to_owned(),
            };
            let route = format!("{} → {}", self.alias(&m.author_id), self.alias(&m.recipient_id));
            out::line(format_args!("  {}  {route:<22} {state}", day(&m.written_at)));
        }
    }

    fn plan(&self) {
        if self.file.commitments.is_empty() {
            return;
        }
        heading("Accountability plan");
        for c in &self.file.commitments {
            let due = c.due_on.map(|d| format!(", due {d}")).unwrap_or_default();
            out::line(format_args!(
                "  {} ({}) — {}{due}",
                label(c.kind),
                self.alias(&c.participant_id),
                label(c.status)
            ));
            for e in &c.progress {
                let mut marks = Vec::new();
                if e.shareable {
                    marks.push("shareable".to_owned());
                }
                if !e.verified_by.is_empty() {
                    let how = if e.verification.is_empty() { String::new() } else { format!(": {}", e.verification) };
                    marks.push(format!("verified by {}{how}", e.verified_by));
                }
                let marks = if marks.is_empty() { String::new() } else { format!(" [{}]", marks.join("; ")) };
                out::line(format_args!("      {}  {}{marks}", e.entry_on, clip(&e.text, 90)));
            }
        }
    }

    fn notes(&self) {
        heading("Notes");
        if self.file.notes.is_empty() {
            out::line("  none yet");
        }
        for n in &self.file.notes {
            let mut about = Vec::new();
            if let Some(p) = &n.participant_id {
                about.push(format!("about {}", self.alias(p)));
            }
            if let Some(s) = self.file.sessions.iter().find(|s| Some(&s.id) == n.session_id.as_ref()) {
                about.push(format!("{} of {}", label(s.kind), day(&s.scheduled_for)));
            }
            if n.shareable {
                about.push("shareable".to_owned());
            }
            let about = if about.is_empty() { String::new() } else { format!(" ({})", about.join("; ")) };
            out::line(format_args!("  {}  {}{about}", day(&n.created_at), clip(first_line(&n.body), 70)));
        }
        if !self.file.attachments.is_empty() {
            let titles: Vec<&str> = self.file.attachments.iter().map(|a| a.title.as_str()).collect();
            out::line(format_args!("  attachments: {}", titles.join(", ")));
        }
    }

    fn tasks(&self) {
        heading("Tasks");
        if self.file.tasks.is_empty() {
            out::line("  none");
        }
        for t in &self.file.tasks {
            let done = if t.done_at.is_some() { "done" } else { "open" };
            let due = t.due_on.map_or_else(|| "no date   ".to_owned(), |d| d.to_string());
            out::line(format_args!("  {done}  {due}  {}", t.title));
        }
    }
}
