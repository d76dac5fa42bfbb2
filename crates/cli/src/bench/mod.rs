//! `bench`: the standard benchmark, on fresh vaults of synthetic cases, against `age -d` and plain SQLite.
//! docs/PERFORMANCE.md records its figures and the commands that produced them.

mod baseline;
mod phases;
mod report;
mod sample;
mod screens;
mod search;

use std::fs::{self, OpenOptions};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use circlebook_core::{EditError, ErrorKind, Kdf, SecretString, UnlockKey, UnlockedVault, Vault};
use circlebook_demo::{self as demo, DemoSummary};

use self::baseline::PlainSqlite;
use self::report::{Edit, Goal, Growth};
use crate::failure::Failure;
use crate::out;

/// The standard vault size; edits are also timed at [`SMALL`] and [`LARGE`] when no size is given.
pub const STANDARD_CASES: usize = 500;
const SMALL: usize = 50;
const LARGE: usize = 5000;
const SEED: u64 = 1;
/// The day the benchmark's demo cases are told up to: fixed, so that every run measures the same records.
const TODAY: (i32, u32, u32) = (2026, 6, 1);
const PASSPHRASE: &str = "bench lantern orchard velvet compass drizzle";
/// Goals, as ratios that must not be exceeded.
const EDIT_GOAL: f64 = 1.5;
const GROWTH_GOAL: f64 = 1.2;

/// What `bench` was asked for.
#[derive(Debug)]
pub struct Options {
    pub cases: Option<usize>,
    pub vault_dir: Option<PathBuf>,
    pub samples: usize,
}

fn today() -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(TODAY.0, TODAY.1, TODAY.2).unwrap_or_default()
}

fn progress(text: impl std::fmt::Display) {
    if std::io::stderr().is_terminal() {
        eprintln!("… {text}");
    }
}

fn edit_failure(e: EditError<rusqlite::Error>) -> Failure {
    match e {
        EditError::Rejected(e) => e.into(),
        EditError::Unsaved(e) => e.into(),
    }
}

fn io_failure(what: &str) -> impl Fn(std::io::Error) -> Failure + '_ {
    move |e| Failure::new(ErrorKind::of_io(&e), format_args!("{what}: {e}"))
}

/// A benchmark vault of one size, folded into a snapshot: where it is and how to open it.
struct Fixture {
    dir: PathBuf,
    key_file: PathBuf,
    recovery: SecretString,
    demo: DemoSummary,
}

impl Fixture {
    fn unlock_with_key(&self) -> Result<UnlockedVault, Failure> {
        Ok(Vault::open(&self.dir)?.unlock(&UnlockKey::RecoveryKey(self.recovery.clone()))?)
    }

    /// Creates the vault (returned unlocked) and the same data in plain SQLite.
    fn create(root: &Path, cases: usize) -> Result<(Self, UnlockedVault, PlainSqlite), Failure> {
        progress(format_args!("creating a vault of {cases} demo cases"));
        let dir = root.join(format!("vault-{cases}"));
        let (mut vault, key) = Vault::create(&dir, &SecretString::from(PASSPHRASE), Kdf::STANDARD)?;
        let demo = demo::add_cases(&mut vault, cases, SEED, today())?;
        // Folded, not compacted: `compact` would merge the full-text index into one segment, and search is measured
        // on the index as the data's arrival left it (the demo folds as it goes, so up to 5 generations stay).
        vault.fold()?;
        let key_file = root.join(format!("recovery-{cases}.txt"));
        let mut options = OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut file = options.open(&key_file).map_err(io_failure("the benchmark's key file could not be written"))?;
        writeln!(file, "{}", key.expose()).map_err(io_failure("the benchmark's key file could not be written"))?;
        let plain = PlainSqlite::copy_of(vault.conn(), &root.join(format!("plain-{cases}.sqlite")))?;
        Ok((Self { dir, key_file, recovery: SecretString::from(key.expose()), demo }, vault, plain))
    }
}

/// The folder the benchmark vaults go in: the one given (empty or absent), or a temporary one.
fn prepare_root(given: Option<PathBuf>) -> Result<(PathBuf, Option<tempfile::TempDir>), Failure> {
    match given {
        Some(dir) => {
            let busy = fs::read_dir(&dir).map(|mut d| d.next().is_some()).unwrap_or(false);
            if busy {
                return Err(Failure::new(
                    ErrorKind::VaultExists,
                    format_args!("{} is not empty; the benchmark needs an empty or absent folder", dir.display()),
                ));
            }
            fs::create_dir_all(&dir).map_err(io_failure("the benchmark folder could not be created"))?;
            Ok((dir, None))
        }
        None => {
            let temp = tempfile::Builder::new()
                .prefix("circlebook-bench-")
                .tempdir()
                .map_err(io_failure("a temporary folder could not be created"))?;
            Ok((temp.path().to_path_buf(), Some(temp)))
        }
    }
}

/// Runs the benchmark and prints its report.
pub fn run(options: &Options, json: bool) -> Result<(), Failure> {
    let (root, _temp) = prepare_root(options.vault_dir.clone())?;
    let main = options.cases.unwrap_or(STANDARD_CASES);
    let mut sizes = match options.cases {
        Some(n) => vec![SMALL, n],
        None => vec![SMALL, STANDARD_CASES, LARGE],
    };
    sizes.sort_unstable();
    sizes.dedup();
    let mut fixtures = Vec::new();
    for &cases in &sizes {
        fixtures.push(Fixture::create(&root, cases)?);
    }
    progress(format_args!("durable edits at {sizes:?} cases, interleaved"));
    let mut targets: Vec<(&mut UnlockedVault, &mut PlainSqlite)> =
        fixtures.iter_mut().map(|(_, vault, plain)| (vault, plain)).collect();
    let timed = phases::edits(&mut targets, options.samples)?;
    let mut edits = Vec::new();
    let mut main_fixture = None;
    for ((fx, vault, plain), (in_vault, sqlite)) in fixtures.into_iter().zip(timed) {
        let goal = Goal::new(Some(in_vault.median_ms / sqlite.median_ms), EDIT_GOAL);
        edits.push(Edit { cases: fx.demo.cases, notes: fx.demo.notes, vault: in_vault, sqlite, goal });
        drop(plain);
        if fx.demo.cases == main {
            main_fixture = Some((fx, vault));
        } else {
            drop(vault.lock()?);
        }
    }
    let (fx, vault) = main_fixture.ok_or_else(|| Failure::new(ErrorKind::InvalidInput, "no benchmark size was run"))?;
    let mut report = phases::all(&fx, vault, options.samples)?;
    edits.sort_by_key(|e| e.cases);
    if let (Some(first), Some(last)) = (edits.first(), edits.last()) {
        if last.cases > first.cases {
            report.edit_growth = Some(Growth {
                from_cases: first.cases,
                to_cases: last.cases,
                sqlite_ratio: last.sqlite.median_ms / first.sqlite.median_ms,
                goal: Goal::new(Some(last.vault.median_ms / first.vault.median_ms), GROWTH_GOAL),
            });
        }
    }
    report.edits = edits;
    report.peak_rss_bytes = sample::peak_rss_bytes().max(report.peak_rss_bytes);
    if json {
        out::json(&report);
    } else {
        report.print();
    }
    Ok(())
}
