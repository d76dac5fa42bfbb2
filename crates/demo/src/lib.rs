//! Synthetic, realistic demonstration data for screenshots, benchmarks and tests. Never real people.
//!
//! Each case is told as it would unfold, through the case model's own operations (one transaction per batch of
//! cases), so that every rule holds: a referral, the person harmed's statement, participants and their consent per
//! activity (some declined, some with expiry dates, some later withdrawn), assessments at each stage, processes
//! (several at once), preparation meetings, circles, dialogue and conferences with safety plans, agreements and
//! follow-ups, shuttle messages approved before they are relayed, supervision about every ten weeks, the
//! accountability plan with its progress, notes, tasks and tags, and for some cases a pause, a withdrawal or a
//! closing with its outcome. Nothing is recorded after the anchor date; meetings may be booked after it.
//!
//! The same seed and anchor date always give the same cases, ids included.
//!
//! This crate sits outside circlebook-core so that the desktop app never ships it: only the CLI, tests and
//! benchmarks depend on it. It works through core's public case model operations only.
#![forbid(unsafe_code)]
#![deny(clippy::print_stdout, clippy::print_stderr)]

mod endings;
mod flow;
mod meetings;
mod people;
mod plan;
pub mod prose;
mod registry;
mod story;
mod words;

use std::collections::HashSet;

use chrono::{DateTime, Days, Duration, NaiveDate, Utc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rusqlite::Transaction;
use serde::Serialize;

pub use self::prose::{note_bodies, NOTE_BYTES};
use self::story::{at_hour, working_day, Story};
use circlebook_core::error::ErrorKind;
use circlebook_core::model::ModelError;
use circlebook_core::vault::{EditError, SaveError, UnlockedVault};

/// How many cases go into one edit (one journal record) when adding to a vault.
pub const CASES_PER_EDIT: usize = 20;

/// What was added.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct DemoSummary {
    pub cases: usize,
    pub participants: usize,
    /// Consent ledger entries (grants, declines, renewals and withdrawals).
    pub consents: usize,
    pub sessions: usize,
    pub messages: usize,
    pub commitments: usize,
    pub progress_entries: usize,
    pub notes: usize,
    pub note_bytes: usize,
}

impl DemoSummary {
    fn add(&mut self, other: &DemoSummary) {
        self.cases += other.cases;
        self.participants += other.participants;
        self.consents += other.consents;
        self.sessions += other.sessions;
        self.messages += other.messages;
        self.commitments += other.commitments;
        self.progress_entries += other.progress_entries;
        self.notes += other.notes;
        self.note_bytes += other.note_bytes;
    }
}

/// Adding demo cases failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DemoError {
    /// The vault already holds this seed's cases.
    #[error("the demo cases of seed {seed} are already in this vault; use another seed to add more")]
    SeedUsed { seed: u64 },
    /// A batch was refused and rolled back (a flaw in the demo itself); earlier batches stay.
    #[error("the demo cases could not be added after {added} of them: {source}")]
    Rejected { added: usize, source: ModelError },
    /// A batch is in memory but could not be saved.
    #[error(transparent)]
    Unsaved(SaveError),
}

impl DemoError {
    pub fn kind(&self) -> ErrorKind {
        match self {
            Self::SeedUsed { .. } => ErrorKind::InvalidInput,
            Self::Rejected { .. } => ErrorKind::Io,
            Self::Unsaved(e) => e.kind(),
        }
    }
}

/// A deterministic stream of demo cases for one seed and anchor date.
#[derive(Debug)]
pub struct Demo {
    rng: StdRng,
    end: DateTime<Utc>,
    names: HashSet<String>,
}

impl Demo {
    /// The cases of `seed`, told up to `today` (the anchor: 18:00 UTC that day).
    pub fn new(seed: u64, today: NaiveDate) -> Demo {
        Demo { rng: StdRng::seed_from_u64(seed), end: at_hour(today, 18, 0), names: HashSet::new() }
    }

    /// A code name (a tree or bird and a number) not yet used in this stream.
    fn code_name(&mut self) -> String {
        for _ in 0..64 {
            let bank = if self.rng.gen_bool(0.5) { words::TREES } else { words::BIRDS };
            let name = format!("{}-{:03}", words::pick(&mut self.rng, bank), self.rng.gen_range(1..=999));
            if self.names.insert(name.clone()) {
                return name;
            }
        }
        format!("Rowan-{}", self.names.len())
    }

    /// Tells the next `cases` cases inside `tx`.
    pub fn add(&mut self, tx: &Transaction<'_>, cases: usize) -> Result<DemoSummary, ModelError> {
        let mut summary = DemoSummary::default();
        for _ in 0..cases {
            let name = self.code_name();
            let (fate, age) = flow::draw(&mut self.rng);
            let day = working_day(self.end.date_naive() - Days::new(age));
            let start =
                at_hour(day, self.rng.gen_range(9..12), self.rng.gen_range(0..60)).min(self.end - Duration::hours(8));
            let mut story = Story::new(tx, &mut self.rng, &mut summary, start, self.end);
            flow::tell(&mut story, name, fate)?;
        }
        Ok(summary)
    }
}

fn is_duplicate(e: &ModelError) -> bool {
    matches!(e, ModelError::Database(rusqlite::Error::SqliteFailure(f, _))
        if f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY)
}

/// Adds `cases` demo cases of `seed`, told up to `today`, [`CASES_PER_EDIT`] per durable edit.
pub fn add_cases(
    vault: &mut UnlockedVault,
    cases: usize,
    seed: u64,
    today: NaiveDate,
) -> Result<DemoSummary, DemoError> {
    let mut demo = Demo::new(seed, today);
    let mut total = DemoSummary::default();
    while total.cases < cases {
        let n = CASES_PER_EDIT.min(cases - total.cases);
        match vault.edit(|tx| demo.add(tx, n)) {
            Ok(batch) => total.add(&batch),
            Err(EditError::Rejected(e)) if total.cases == 0 && is_duplicate(&e) => {
                return Err(DemoError::SeedUsed { seed })
            }
            Err(EditError::Rejected(source)) => return Err(DemoError::Rejected { added: total.cases, source }),
            Err(EditError::Unsaved(e)) => return Err(DemoError::Unsaved(e)),
        }
    }
    Ok(total)
}

#[cfg(test)]
mod tests {
    use rusqlite::types::Value;
    use rusqlite::Connection;

    use super::*;
    use circlebook_core::{Kdf, SecretString, Vault};

    const TODAY: &str = "2026-06-15";

    fn today() -> NaiveDate {
        TODAY.parse().expect("a date")
    }

    /// A database with the schema and `cases` demo cases of `seed`, without a vault.
    fn database(cases: usize, seed: u64) -> (Connection, DemoSummary) {
        let mut conn = Connection::open_in_memory().expect("db");
        circlebook_core::schema::migrate(&conn).expect("schema");
        let tx = conn.transaction().expect("tx");
        let summary = Demo::new(seed, today()).add(&tx, cases).expect("demo");
        tx.commit().expect("commit");
        (conn, summary)
    }

    fn count(conn: &Connection, sql: &str) -> i64 {
        conn.query_row(sql, [], |r| r.get(0)).unwrap_or_else(|e| panic!("{sql}: {e}"))
    }

    fn rows(conn: &Connection) -> Vec<Vec<Value>> {
        let mut all = Vec::new();
        for table in circlebook_core::schema::journaled_tables(conn).expect("tables") {
            let mut stmt = conn.prepare(&format!("SELECT * FROM {table} ORDER BY 1, 2")).expect("select");
            let n = stmt.column_count();
            let table_rows = stmt
                .query_map([], |r| (0..n).map(|i| r.get::<_, Value>(i)).collect::<Result<Vec<_>, _>>())
                .expect("query")
                .collect::<Result<Vec<_>, _>>()
                .expect("rows");
            all.extend(table_rows);
        }
        all
    }

    #[test]
    fn the_same_seed_and_day_give_the_same_records() {
        let (a, summary_a) = database(25, 7);
        let (b, summary_b) = database(25, 7);
        let (c, _) = database(25, 8);
        assert_eq!(summary_a, summary_b);
        assert_eq!(rows(&a), rows(&b));
        assert_ne!(rows(&a), rows(&c));
    }

    #[test]
    fn every_kind_of_record_is_there_and_within_the_rules() {
        for seed in 1..=3 {
            let (conn, summary) = database(30, seed);
            assert_eq!(summary.cases, 30);
            assert_eq!(summary.notes as i64, count(&conn, "SELECT count(*) FROM notes"));
            for (what, sql) in [
                ("declined consents", "SELECT count(*) FROM consents WHERE decision = 'declined'"),
                ("withdrawn consents", "SELECT count(*) FROM consents WHERE decision = 'withdrawn'"),
                ("consents with an expiry", "SELECT count(*) FROM consents WHERE expires_on IS NOT NULL"),
                ("held sessions", "SELECT count(*) FROM sessions WHERE status = 'held' AND private_notes <> ''"),
                ("sessions booked after the anchor", "SELECT count(*) FROM sessions WHERE status = 'scheduled'"),
                ("supervision", "SELECT count(*) FROM sessions WHERE kind = 'supervision' AND status = 'held'"),
                ("relayed messages", "SELECT count(*) FROM shuttle_messages WHERE relayed_at IS NOT NULL"),
                ("shareable progress", "SELECT count(*) FROM progress_entries WHERE shareable"),
                ("verified progress", "SELECT count(*) FROM progress_entries WHERE verified_by <> ''"),
                ("closed cases", "SELECT count(*) FROM cases WHERE outcome IS NOT NULL AND outcome_summary <> ''"),
                ("statements", "SELECT count(*) FROM cases WHERE harmed_needs <> ''"),
                ("agreements", "SELECT count(*) FROM agreements"),
                ("safety plans", "SELECT count(*) FROM safety_plans"),
                ("tags", "SELECT count(*) FROM case_tags"),
                ("stage changes", "SELECT count(*) FROM case_stage_changes WHERE decided_by <> '' AND reason <> ''"),
                ("assessments", "SELECT count(*) FROM assessments WHERE next_review_on IS NOT NULL"),
                (
                    "parallel processes",
                    "SELECT count(*) FROM (SELECT case_id FROM processes GROUP BY 1 HAVING count(*) > 1)",
                ),
                ("follow-up tasks", "SELECT count(*) FROM tasks WHERE session_id IS NOT NULL"),
            ] {
                assert!(count(&conn, sql) > 0, "seed {seed}: no {what}");
            }
            // Consent before sessions: every attendee's grant for the activity was recorded before scheduling.
            let unconsented = "SELECT count(*) FROM session_attendees a JOIN sessions s ON s.id = a.session_id
                WHERE NOT EXISTS (SELECT 1 FROM consents c WHERE c.participant_id = a.participant_id
                                  AND c.activity = s.kind AND c.decision = 'granted' AND c.recorded_at <= s.created_at)";
            assert_eq!(count(&conn, unconsented), 0, "seed {seed}");
            let unapproved = "SELECT count(*) FROM shuttle_messages WHERE relayed_at IS NOT NULL
                              AND (approved_at IS NULL OR approved_at > relayed_at)";
            assert_eq!(count(&conn, unapproved), 0, "seed {seed}");
            let late = format!("SELECT count(*) FROM audit_log WHERE at > '{TODAY}T18:00:00Z'");
            assert_eq!(count(&conn, &late), 0, "seed {seed}: nothing is recorded after the anchor");
            let not_demo = "SELECT count(*) FROM notes WHERE body NOT LIKE '%Demonstration data, not a real case.%'";
            assert_eq!(count(&conn, not_demo), 0);
        }
    }

    #[test]
    fn adds_cases_to_a_vault_in_batches_and_refuses_a_seed_twice() {
        let dir = tempfile::tempdir().expect("tempdir");
        // Its high-water marks in the temp folder, not in the real ~/.local/state/circlebook.
        circlebook_core::vault::use_state_dir_for_this_process(&dir.path().join("state"));
        let pass = SecretString::from("lantern orchard velvet compass drizzle".to_owned());
        let (mut vault, _key) = Vault::create(&dir.path().join("v"), &pass, Kdf { log_n: 10 }).expect("create");
        let summary = add_cases(&mut vault, 45, 3, today()).expect("demo");
        assert_eq!(summary.cases, 45);
        assert_eq!(count(vault.conn(), "SELECT count(*) FROM cases"), 45);
        // 45 cases at 20 per edit: three journal records.
        assert_eq!(vault.stats().expect("stats").journal_records, 3);
        let again = add_cases(&mut vault, 5, 3, today()).expect_err("the same seed again");
        assert!(matches!(again, DemoError::SeedUsed { seed: 3 }), "{again:?}");
        assert_eq!(again.kind(), ErrorKind::InvalidInput);
        add_cases(&mut vault, 5, 4, today()).expect("another seed");
        assert_eq!(count(vault.conn(), "SELECT count(*) FROM cases"), 50);
    }
}
