//! The benchmark's figures, as a table for people or JSON for scripts.

use serde::Serialize;

use super::sample::Summary;
use super::screens::Screens;
use super::search::Search;
use crate::out;

/// A ratio goal ("at most"), and whether the measured ratio meets it.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Goal {
    pub ratio: Option<f64>,
    pub at_most: f64,
    pub met: Option<bool>,
}

impl Goal {
    pub fn new(ratio: Option<f64>, at_most: f64) -> Self {
        Self { ratio, at_most, met: ratio.map(|r| r <= at_most) }
    }

    fn cells(&self) -> String {
        match (self.ratio, self.met) {
            (Some(r), Some(met)) => format!("{r:>5.2}  ≤ {:.2} {}", self.at_most, if met { "met" } else { "NOT met" }),
            _ => format!("    -  ≤ {:.2} not measured", self.at_most),
        }
    }
}

/// Unlocking without the KDF, next to `age -d` on the same snapshot.
#[derive(Debug, Serialize)]
pub struct Unlock {
    pub vault: Summary,
    pub age_cli: Option<Summary>,
    /// The age crate decrypting the snapshot in-process, as unlocking does first.
    pub age_crate_decrypt: Summary,
    /// SQLite deserializing the decrypted snapshot (a copy into SQLite's memory).
    pub sqlite_deserialize: Summary,
    /// `fsync` of the unchanged journal folder, which unlocking does once today.
    pub folder_fsync: Summary,
    pub goal: Goal,
}

/// One durable edit at one vault size, next to plain SQLite.
#[derive(Debug, Serialize)]
pub struct Edit {
    pub cases: usize,
    pub notes: usize,
    pub vault: Summary,
    pub sqlite: Summary,
    pub goal: Goal,
}

/// How the edit's median grows from the smallest to the largest size.
#[derive(Debug, Serialize)]
pub struct Growth {
    pub from_cases: usize,
    pub to_cases: usize,
    pub sqlite_ratio: f64,
    pub goal: Goal,
}

/// Unlocking with a journal to replay, next to unlocking without one.
#[derive(Debug, Serialize)]
pub struct Replay {
    pub records: u64,
    pub journal_bytes: u64,
    pub with_journal: Summary,
    pub without_journal_median_ms: f64,
    pub per_record_ms: f64,
}

/// Everything one `bench` run measured.
#[derive(Debug, Serialize)]
pub struct Report {
    pub date: String,
    pub cores: usize,
    pub cases: usize,
    pub notes: usize,
    pub database_bytes: u64,
    pub snapshot_bytes: u64,
    pub unlock: Unlock,
    pub kdf: Summary,
    pub unlock_with_passphrase: Summary,
    pub edits: Vec<Edit>,
    pub edit_growth: Option<Growth>,
    pub fold: Summary,
    pub replay: Replay,
    /// The `search` operation over realistic queries.
    pub search: Search,
    /// What the home screen and a case's screen ask of the core.
    pub screens: Screens,
    /// The whole run's peak, which the KDF's 256 MiB of scrypt memory dominates.
    pub peak_rss_bytes: Option<u64>,
    /// The peak while unlocking with the key, editing, replaying and folding at the main size.
    pub peak_rss_without_kdf_bytes: Option<u64>,
}

fn ms(v: f64) -> String {
    if v >= 100.0 {
        format!("{v:.0} ms")
    } else if v >= 10.0 {
        format!("{v:.1} ms")
    } else {
        format!("{v:.2} ms")
    }
}

fn row(label: &str, s: &Summary, compared: &str, goal: &str) {
    out::line(format_args!(
        "{label:<36} {:>4} {:>9} {:>9} {:>9}  {compared:<26} {goal}",
        s.n,
        ms(s.median_ms),
        ms(s.p95_ms),
        ms(s.mean_ms)
    ));
}

impl Report {
    /// Prints the table.
    pub fn print(&self) {
        out::line(format_args!(
            "Circlebook bench, {}: {} cases, {} notes; database {}, snapshot {}; {} cores",
            self.date,
            self.cases,
            self.notes,
            out::bytes(self.database_bytes),
            out::bytes(self.snapshot_bytes),
            self.cores
        ));
        out::line(format_args!(
            "{:<36} {:>4} {:>9} {:>9} {:>9}  {:<26} {}",
            "measure", "n", "median", "p95", "mean", "compared with (median)", "ratio  goal"
        ));
        let age = self
            .unlock
            .age_cli
            .map_or_else(|| "age -d: not run".to_owned(), |a| format!("age -d: {}", ms(a.median_ms)));
        row("unlock without KDF (recovery key)", &self.unlock.vault, &age, &self.unlock.goal.cells());
        row("  part: age crate decrypt", &self.unlock.age_crate_decrypt, "in-process, same snapshot", "");
        row("  part: SQLite deserialize", &self.unlock.sqlite_deserialize, "copy into SQLite", "");
        row("  part: fsync of journal/ folder", &self.unlock.folder_fsync, "unchanged folder", "");
        row("KDF alone (scrypt 2^18 unwrap)", &self.kdf, "", "");
        row("unlock with passphrase", &self.unlock_with_passphrase, "", "");
        for e in &self.edits {
            let label = format!("durable edit, {} cases", e.cases);
            row(&label, &e.vault, &format!("SQLite WAL+FULL: {}", ms(e.sqlite.median_ms)), &e.goal.cells());
        }
        if let Some(g) = &self.edit_growth {
            out::line(format_args!(
                "{:<36} {:>4} {:>9} {:>9} {:>9}  {:<26} {}",
                format!("edit growth {} → {} cases", g.from_cases, g.to_cases),
                "",
                "",
                "",
                "",
                format!("SQLite: {:.2}", g.sqlite_ratio),
                g.goal.cells()
            ));
        }
        row("fold (compaction to a snapshot)", &self.fold, "", "");
        let r = &self.replay;
        row(
            &format!("unlock with {} journal records", r.records),
            &r.with_journal,
            &format!("no journal: {}", ms(r.without_journal_median_ms)),
            &format!("replay {} per record ({} journal)", ms(r.per_record_ms), out::bytes(r.journal_bytes)),
        );
        let s = &self.search;
        let slowest = s.slowest().map_or_else(String::new, |q| format!("slowest: {} {}", q.args, ms(q.median_ms)));
        let met = if s.met { "met" } else { "NOT met" };
        row(
            &format!("search ({} queries)", s.queries.len()),
            &s.all,
            &format!("p95 ≤ {} ms: {met}", s.goal_p95_ms),
            &slowest,
        );
        let slowest =
            s.slowest_typed().map_or_else(String::new, |q| format!("slowest: {} {}", q.args, ms(q.median_ms)));
        row(
            &format!("search as typed ({} keystrokes)", s.typed.len()),
            &s.typed_all,
            "the palette's 30 results",
            &slowest,
        );
        let sc = &self.screens;
        let listed = |screen: &str| format!("{screen}, {} open cases", sc.open_cases);
        let screens =
            [(listed("home"), &sc.home), (listed("whole, for comparison"), &sc.whole), ("a case".to_owned(), &sc.case)];
        for (screen, reads) in screens {
            for read in reads.iter() {
                let asked = match &read.args {
                    Some(args) if args.as_object().is_some_and(|a| !a.is_empty()) => format!(" {args}"),
                    _ => String::new(),
                };
                row(
                    &format!("{}{asked} (JSON)", read.op),
                    &read.time,
                    &format!("{screen}: {}", out::bytes(read.json_bytes as u64)),
                    "",
                );
            }
        }
        let rss = |b: Option<u64>| b.map_or_else(|| "unknown".to_owned(), out::bytes);
        out::line(format_args!(
            "{:<36} {:>4} {:>9}  {}",
            "peak RSS, whole run (VmHWM)",
            "",
            rss(self.peak_rss_bytes),
            "scrypt uses 256 MiB"
        ));
        out::line(format_args!(
            "{:<36} {:>4} {:>9}  {}",
            "peak RSS, vault work without KDF",
            "",
            rss(self.peak_rss_without_kdf_bytes),
            "unlock, edits, replay, fold"
        ));
    }
}
