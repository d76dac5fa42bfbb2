//! Synthetic, realistic demonstration data for screenshots, benchmarks and tests. Never real people.
//!
//! Cases get neutral code names (a tree or bird and a number), a stage, and one to five notes of calm
//! facilitator prose built from phrase banks. Every note opens with a line saying it is demonstration data.
//! The same seed always gives the same cases, ids and dates included.

use chrono::{DateTime, Duration, TimeZone, Utc};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rusqlite::Connection;
use serde::Serialize;

use crate::error::ErrorKind;
use crate::vault::{EditError, SaveError, UnlockedVault};

/// How many cases go into one edit (one journal record) when adding to a vault.
pub const CASES_PER_EDIT: usize = 50;
/// The shortest and longest note body, in bytes.
pub const NOTE_BYTES: std::ops::RangeInclusive<usize> = 512..=3072;
/// How many notes a case gets.
pub const NOTES_PER_CASE: std::ops::RangeInclusive<usize> = 1..=5;

const TREES: &[&str] = &[
    "Alder", "Ash", "Aspen", "Birch", "Cedar", "Elm", "Hawthorn", "Hazel", "Juniper", "Larch", "Linden", "Maple",
    "Oak", "Pine", "Rowan", "Spruce", "Sycamore", "Willow", "Yew", "Hornbeam",
];
const BIRDS: &[&str] = &[
    "Avocet", "Bittern", "Curlew", "Dunlin", "Egret", "Fieldfare", "Goldcrest", "Heron", "Kestrel", "Lapwing",
    "Linnet", "Merlin", "Nuthatch", "Plover", "Redstart", "Siskin", "Swift", "Teal", "Wagtail", "Wren",
];
/// Stages with weights: most demo cases are somewhere in the middle of a process.
const STAGES: &[(&str, u32)] = &[
    ("referral", 2),
    ("intake", 3),
    ("preparation", 5),
    ("active_process", 4),
    ("follow_up", 3),
    ("closed", 2),
    ("paused", 1),
    ("withdrawn", 1),
];

struct NoteKind {
    title: &'static str,
    opener: &'static str,
    sentences: &'static [&'static str],
}

const KINDS: &[NoteKind] = &[
    NoteKind {
        title: "Preparation meeting",
        opener: "We met {when} in {place} for a preparation meeting of about an hour.",
        sentences: &[
            "We went through what a circle would look like, step by step, and who could be present.",
            "The person harmed said they want to be heard in their own words and to hear an acknowledgement.",
            "We talked about what they hope will be different afterwards; I wrote their goals in their own words.",
            "They asked how long the process usually takes; I explained that there is no fixed timetable.",
            "We agreed that they can stop the process at any point without giving a reason.",
            "{support} will come to the next meeting, at their request.",
            "They would like to read the outline of the circle before deciding on a date.",
            "I explained again what I record, who can see it, and how long it is kept.",
            "We ended with a short grounding exercise they had chosen.",
            "They prefer the word survivor, and I have noted it for everyone involved.",
            "We looked at the difference between a circle and a letter exchange; they are leaning towards letters.",
            "They want to hear how the person responsible has understood the impact, not only an apology.",
            "We agreed that I will not share anything from today without asking first.",
            "Readiness feels good to them at the moment, though they would like more time before any meeting.",
        ],
    },
    NoteKind {
        title: "Consent check-in",
        opener: "Consent check-in {when}, by phone, about twenty minutes.",
        sentences: &[
            "I asked whether the consent given for the letter exchange still holds; it does, for now.",
            "They chose to receive updates indirectly, through me, rather than directly.",
            "They do not consent to their supporter's name being shared with the other party; noted.",
            "We reviewed the scope of the consent: the circle only, not the follow-up conference.",
            "I reminded them that consent can be withdrawn at any moment, and how to tell me.",
            "The next periodic review of consent is due in about four weeks.",
            "They asked for a summary of what information has been shared so far; I will send it.",
            "Nothing in their circumstances has changed that would affect readiness.",
            "We agreed to pause scheduling until they have spoken with {support}.",
            "They are comfortable with the co-facilitator reading the notes from our meetings.",
            "The consent for information to go to the counsellor was renewed until the end of the process.",
            "They would like to be asked again before any date is set, even if it was agreed earlier.",
            "I confirmed in writing what was agreed and what was not.",
        ],
    },
    NoteKind {
        title: "Safety planning",
        opener: "We worked on the safety plan for the meeting planned {when} in {place}.",
        sentences: &[
            "Arrival and departure will be separate, fifteen minutes apart, by different entrances.",
            "{support} will be present throughout and will sit beside them.",
            "We agreed on a signal to pause: placing a hand on the table; a card to stop the meeting entirely.",
            "A quiet room next door will be available for breaks, with water and tissues.",
            "The co-facilitator will walk them to the exit after the meeting.",
            "We talked about what might be difficult to hear and how they would like us to respond.",
            "They asked that the meeting last no longer than ninety minutes; agreed.",
            "I will check in by phone the following morning, at a time they chose.",
            "The plan will be reviewed again two days before the meeting.",
            "Seating was agreed: they will sit nearest the door, with the facilitators between the parties.",
            "Transport home is arranged; they will not be travelling alone.",
            "We noted who to call if they feel unsafe before or after the meeting.",
            "The venue staff know only that a meeting is booked, nothing about its purpose.",
        ],
    },
    NoteKind {
        title: "Accountability commitments",
        opener: "Meeting {when} with the person responsible about the accountability plan.",
        sentences: &[
            "We reviewed progress on the consent education sessions; three of six are complete.",
            "The draft apology letter was discussed; it still centres their own feelings rather than the harm done.",
            "We practised active and reflective listening for about twenty minutes.",
            "They described what they now understand about the impact of their actions, in their own words.",
            "The counselling commitment is on track; the counsellor confirmed attendance, with consent.",
            "We agreed on a revised date for the next draft of the letter.",
            "They asked what making amends could look like; I said this is for the person harmed to shape.",
            "Their supporter from the community attended and spoke about practical support at home.",
            "Progress entries were verified by the co-facilitator.",
            "They named two situations where they now act differently, and what they do instead.",
            "We talked about avoiding contact outside the agreed process; they understand and agree.",
            "One commitment is behind schedule; we agreed a smaller first step for the coming fortnight.",
            "They asked for reading on consent; I gave them the program's list.",
        ],
    },
    NoteKind {
        title: "Supervision",
        opener: "Case consultation with my supervisor {when}.",
        sentences: &[
            "We reviewed the risk and readiness assessment for each participant; the decision is to proceed.",
            "We discussed whether the pace suits the person harmed; it seems to, and they will be asked again.",
            "My supervisor suggested a further preparation meeting before any direct dialogue.",
            "We looked at my own wellbeing and workload; no concerns for now.",
            "The next consultation is booked within twelve weeks.",
            "We checked that the notes record reasons for each decision, not only the decision.",
            "Agreed to offer shuttle dialogue as an alternative if a face-to-face meeting does not feel right.",
            "We went through the outcome agreement draft line by line for neutral wording.",
            "The follow-up plan after the process was discussed and will be offered to both parties.",
            "No information beyond aggregate figures will go into the quarterly report.",
        ],
    },
];

const WHEN: &[&str] = &[
    "on Monday morning", "on Tuesday afternoon", "on Wednesday", "on Thursday at midday", "on Friday morning",
    "this week", "late in the afternoon",
];
const PLACES: &[&str] = &[
    "the community centre's quiet room", "the program office", "the library meeting room",
    "a room at the family centre", "the usual meeting room",
];
const SUPPORT: &[&str] = &["Their supporter", "A friend they trust", "Their sister", "A community member they chose"];

const GENERAL: &[&str] = &[
    "No new concerns were raised.",
    "I will write up the agreed points and share them for approval before anything is passed on.",
    "They thanked us for the time; the tone was calm throughout.",
    "Next steps were agreed and written down together.",
    "I offered information about specialist support services; they will think about it.",
    "We checked that everyone knew how to reach me between meetings.",
    "There were a few quiet moments, which we allowed without hurrying.",
    "I read back my notes at the end and corrected two points they raised.",
    "The co-facilitator and I debriefed for ten minutes afterwards.",
    "They asked a practical question about dates, which I will answer by message.",
    "We took a short break halfway through, at their suggestion.",
    "It was agreed that nothing from this meeting will be shared with the other party yet.",
    "I explained that the process can change shape at any point if it stops feeling right.",
    "They said the last meeting had been helpful and that they slept well afterwards.",
    "The next meeting is pencilled in for {when}, to be confirmed.",
    "I will send a short reminder the day before, as they asked.",
    "Nothing needs to be escalated; the risk picture is unchanged.",
    "We agreed to keep the next meeting shorter.",
];

/// One synthetic case and its notes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoCase {
    pub id: String,
    pub code_name: String,
    pub stage: &'static str,
    pub created_at: String,
    pub updated_at: String,
    pub notes: Vec<DemoNote>,
}

/// One synthetic note.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoNote {
    pub id: String,
    pub body: String,
    pub created_at: String,
}

/// What [`add_cases`] added.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct DemoSummary {
    pub cases: usize,
    pub notes: usize,
    pub note_bytes: usize,
}

impl DemoSummary {
    fn count(&mut self, case: &DemoCase) {
        self.cases += 1;
        self.notes += case.notes.len();
        self.note_bytes += case.notes.iter().map(|n| n.body.len()).sum::<usize>();
    }
}

/// Adding demo cases failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DemoError {
    /// A batch was refused by the database and rolled back; earlier batches stay.
    #[error("the demo cases could not be added after {added} of them: {source}")]
    Rejected { added: usize, source: rusqlite::Error },
    /// A batch is in memory but could not be saved.
    #[error(transparent)]
    Unsaved(SaveError),
}

impl DemoError {
    pub fn kind(&self) -> ErrorKind {
        match self {
            Self::Rejected { .. } => ErrorKind::Io,
            Self::Unsaved(e) => e.kind(),
        }
    }
}

/// An endless, deterministic stream of synthetic cases.
#[derive(Debug)]
pub struct DemoCases {
    rng: StdRng,
}

/// The cases for `seed`, in order.
pub fn cases(seed: u64) -> DemoCases {
    DemoCases { rng: StdRng::seed_from_u64(seed) }
}

impl Iterator for DemoCases {
    type Item = DemoCase;

    fn next(&mut self) -> Option<DemoCase> {
        let rng = &mut self.rng;
        let bank = if rng.gen_bool(0.5) { TREES } else { BIRDS };
        let code_name = format!("{}-{:03}", pick(rng, bank), rng.gen_range(1..=999));
        let stage = STAGES.choose_weighted(rng, |s| s.1).map_or("referral", |s| s.0);
        let base = Utc.with_ymd_and_hms(2024, 1, 8, 9, 0, 0).single().expect("a valid date");
        let created = base + Duration::minutes(rng.gen_range(0..60 * 24 * 540));
        let id = uuid_v7(rng, created);
        let mut at = created;
        let notes = (0..rng.gen_range(NOTES_PER_CASE))
            .map(|_| {
                at += Duration::minutes(rng.gen_range(60 * 24..60 * 24 * 21));
                DemoNote { id: uuid_v7(rng, at), body: note_body(rng), created_at: timestamp(at) }
            })
            .collect();
        Some(DemoCase { id, code_name, stage, created_at: timestamp(created), updated_at: timestamp(at), notes })
    }
}

fn pick<'a>(rng: &mut StdRng, bank: &[&'a str]) -> &'a str {
    bank.choose(rng).copied().unwrap_or_default()
}

fn timestamp(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

fn uuid_v7(rng: &mut StdRng, at: DateTime<Utc>) -> String {
    let millis = u64::try_from(at.timestamp_millis()).unwrap_or_default();
    uuid::Builder::from_unix_timestamp_millis(millis, &rng.gen::<[u8; 10]>()).into_uuid().to_string()
}

fn fill(rng: &mut StdRng, sentence: &str) -> String {
    sentence.replace("{when}", pick(rng, WHEN)).replace("{place}", pick(rng, PLACES)).replace("{support}", pick(rng, SUPPORT))
}

/// A note of [`NOTE_BYTES`] length at most: a title line, the kind's opening sentence, then the kind's and
/// general sentences in a shuffled order, each used once, until the drawn target length is reached.
fn note_body(rng: &mut StdRng) -> String {
    let kind = KINDS.choose(rng).unwrap_or(&KINDS[0]);
    let target = rng.gen_range(NOTE_BYTES);
    let mut pool: Vec<&str> = kind.sentences.iter().chain(GENERAL).copied().collect();
    pool.shuffle(rng);
    let mut body = format!("{} (demonstration data, not a real case)\n\n", kind.title);
    body.push_str(&fill(rng, kind.opener));
    let mut in_paragraph = 1;
    for template in pool {
        if body.len() >= target {
            break;
        }
        let sentence = fill(rng, template);
        if body.len() + sentence.len() + 2 > *NOTE_BYTES.end() {
            break;
        }
        if in_paragraph >= 4 && rng.gen_ratio(1, 3) {
            body.push_str("\n\n");
            in_paragraph = 0;
        } else {
            body.push(' ');
        }
        body.push_str(&sentence);
        in_paragraph += 1;
    }
    body
}

/// Inserts one case and its notes (inside the caller's transaction).
pub fn insert(conn: &Connection, case: &DemoCase) -> rusqlite::Result<()> {
    conn.prepare_cached("INSERT INTO cases(id, code_name, stage, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5)")?
        .execute((&case.id, &case.code_name, case.stage, &case.created_at, &case.updated_at))?;
    let mut note = conn.prepare_cached("INSERT INTO notes(id, case_id, body, created_at) VALUES (?1, ?2, ?3, ?4)")?;
    for n in &case.notes {
        note.execute((&n.id, &case.id, &n.body, &n.created_at))?;
    }
    Ok(())
}

/// Adds `cases` synthetic cases to the vault, [`CASES_PER_EDIT`] per durable edit. Deterministic for a seed.
pub fn add_cases(vault: &mut UnlockedVault, cases: usize, seed: u64) -> Result<DemoSummary, DemoError> {
    let mut stream = self::cases(seed).take(cases);
    let mut summary = DemoSummary::default();
    loop {
        let batch: Vec<DemoCase> = stream.by_ref().take(CASES_PER_EDIT).collect();
        if batch.is_empty() {
            return Ok(summary);
        }
        vault
            .edit(|tx| batch.iter().try_for_each(|case| insert(tx, case)))
            .map_err(|e| match e {
                EditError::Rejected(source) => DemoError::Rejected { added: summary.cases, source },
                EditError::Unsaved(e) => DemoError::Unsaved(e),
            })?;
        batch.iter().for_each(|case| summary.count(case));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Kdf, SecretString, Vault};

    #[test]
    fn the_same_seed_gives_the_same_cases() {
        let a: Vec<DemoCase> = cases(7).take(20).collect();
        let b: Vec<DemoCase> = cases(7).take(20).collect();
        let c: Vec<DemoCase> = cases(8).take(20).collect();
        assert_eq!(a, b);
        assert_ne!(a, c);
    }

    #[test]
    fn shapes_stay_in_range() {
        for case in cases(1).take(300) {
            assert!(NOTES_PER_CASE.contains(&case.notes.len()));
            let (name, number) = case.code_name.split_once('-').expect("name-number");
            assert!(TREES.contains(&name) || BIRDS.contains(&name), "{name}");
            assert!(number.parse::<u16>().is_ok());
            assert!(STAGES.iter().any(|s| s.0 == case.stage));
            let id = uuid::Uuid::parse_str(&case.id).expect("uuid");
            assert_eq!(id.get_version_num(), 7);
            assert!(case.created_at <= case.updated_at);
            for note in &case.notes {
                assert!(NOTE_BYTES.contains(&note.body.len()), "note of {} bytes", note.body.len());
                assert!(note.body.contains("demonstration data"));
                assert!(!note.body.contains('{'), "unfilled slot in {}", note.body);
                let sentences: Vec<&str> = note.body.split_inclusive('.').map(str::trim).filter(|s| s.len() > 20).collect();
                let unique: std::collections::HashSet<&&str> = sentences.iter().collect();
                assert_eq!(unique.len(), sentences.len(), "a sentence repeats in {}", note.body);
                assert_eq!(uuid::Uuid::parse_str(&note.id).expect("uuid").get_version_num(), 7);
            }
        }
    }

    #[test]
    fn adds_cases_to_a_vault_in_batches() {
        let dir = tempfile::tempdir().expect("tempdir");
        let pass = SecretString::from("lantern orchard velvet compass drizzle".to_owned());
        let (mut vault, _key) = Vault::create(&dir.path().join("v"), &pass, Kdf { log_n: 10 }).expect("create");
        let summary = add_cases(&mut vault, 120, 3).expect("demo");
        assert_eq!(summary.cases, 120);
        let count = |table: &str| -> usize {
            vault.conn().query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get::<_, i64>(0)).expect("count")
                as usize
        };
        assert_eq!(count("cases"), 120);
        assert_eq!(count("notes"), summary.notes);
        // 120 cases at 50 per edit: three journal records.
        assert_eq!(vault.stats().expect("stats").journal_records, 3);
        let expected: usize = cases(3).take(120).flat_map(|c| c.notes).map(|n| n.body.len()).sum();
        assert_eq!(summary.note_bytes, expected);
    }
}
