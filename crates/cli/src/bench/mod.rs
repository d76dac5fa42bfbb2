//! `bench`: the standard benchmark, on fresh vaults of synthetic cases, against `age -d` and plain SQLite.
//! docs/PERFORMANCE.md records its figures and the commands that produced them.

mod baseline;
mod report;
mod sample;

use std::fs::{self, OpenOptions};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use circlebook_core::demo::{self, DemoSummary};
use circlebook_core::vault::Layout;
use circlebook_core::{EditError, ErrorKind, Kdf, SecretString, UnlockKey, UnlockedVault, Vault};

use self::baseline::PlainSqlite;
use self::report::{Edit, Goal, Growth, Replay, Report, Unlock};
use self::sample::{summarize, time, Summary};
use crate::failure::Failure;
use crate::out;

/// The standard vault size; edits are also timed at [`SMALL`] and [`LARGE`] when no size is given.
pub const STANDARD_CASES: usize = 500;
const SMALL: usize = 50;
const LARGE: usize = 5000;
const SEED: u64 = 1;
/// Journal records replayed by the replay measurement.
const JOURNAL_RECORDS: u64 = 200;
/// Samples of the slow measurements (each about a second or more), at most; fewer if `--samples` is lower.
const KDF_SAMPLES: usize = 10;
const PASSPHRASE_SAMPLES: usize = 5;
const FOLD_SAMPLES: usize = 10;
/// Untimed edits before timing (the first creates the journal file).
const WARMUP: usize = 3;
const PASSPHRASE: &str = "bench lantern orchard velvet compass drizzle";
/// Goals, as ratios that must not be exceeded.
const UNLOCK_GOAL: f64 = 1.3;
const EDIT_GOAL: f64 = 1.5;
const GROWTH_GOAL: f64 = 1.2;

/// What `bench` was asked for.
#[derive(Debug)]
pub struct Options {
    pub cases: Option<usize>,
    pub vault_dir: Option<PathBuf>,
    pub samples: usize,
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

/// A benchmark vault of one size, compacted to one snapshot, and the same data in plain SQLite.
struct Fixture {
    dir: PathBuf,
    key_file: PathBuf,
    recovery: SecretString,
    vault: UnlockedVault,
    plain: PlainSqlite,
    demo: DemoSummary,
}

impl Fixture {
    fn create(root: &Path, cases: usize) -> Result<Self, Failure> {
        progress(format_args!("creating a vault of {cases} demo cases"));
        let dir = root.join(format!("vault-{cases}"));
        let (mut vault, key) = Vault::create(&dir, &SecretString::from(PASSPHRASE), Kdf::STANDARD)?;
        let demo = demo::add_cases(&mut vault, cases, SEED)?;
        vault.compact()?;
        let key_file = root.join(format!("recovery-{cases}.txt"));
        let mut options = OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut file = options.open(&key_file).map_err(io_failure("the benchmark's key file could not be written"))?;
        writeln!(file, "{}", key.expose()).map_err(io_failure("the benchmark's key file could not be written"))?;
        let plain = PlainSqlite::create(&root.join(format!("plain-{cases}.sqlite")), cases, SEED)?;
        Ok(Self { dir, key_file, recovery: SecretString::from(key.expose()), vault, plain, demo })
    }
}

/// Times `samples` durable edits (one note's body replaced) in the vault and in plain SQLite, interleaved.
fn measure_edits(vault: &mut UnlockedVault, plain: &mut PlainSqlite, samples: usize) -> Result<(Summary, Summary), Failure> {
    let ids: Vec<String> = {
        let mut stmt = vault.conn().prepare("SELECT id FROM notes ORDER BY id")?;
        let ids = stmt.query_map([], |r| r.get(0))?.collect::<Result<_, _>>()?;
        ids
    };
    let bodies: Vec<String> = demo::cases(SEED + 1).flat_map(|c| c.notes).map(|n| n.body).take(16).collect();
    let (mut in_vault, mut in_plain) = (Vec::with_capacity(samples), Vec::with_capacity(samples));
    for i in 0..WARMUP + samples {
        let id = &ids[(i * 7919) % ids.len()];
        let body = &bodies[i % bodies.len()];
        let (edited, vault_ms) =
            time(|| vault.edit(|tx| tx.execute("UPDATE notes SET body = ?1 WHERE id = ?2", (body, id)).map(|_| ())));
        edited.map_err(edit_failure)?;
        let (updated, plain_ms) = time(|| plain.update_note(id, body));
        updated?;
        if i >= WARMUP {
            in_vault.push(vault_ms);
            in_plain.push(plain_ms);
        }
    }
    Ok((summarize(&in_vault), summarize(&in_plain)))
}

/// Times the scrypt unwrap of `identity.age` in-process, as unlocking with the passphrase does it.
fn measure_kdf(layout: &Layout, samples: usize) -> Result<Summary, Failure> {
    let wrapped = fs::read(layout.identity()).map_err(io_failure("identity.age could not be read"))?;
    let damaged = |e: age::DecryptError| Failure::new(ErrorKind::Damaged, format_args!("identity.age: {e}"));
    let mut times = Vec::with_capacity(KDF_SAMPLES);
    for _ in 0..KDF_SAMPLES.min(samples) {
        let identity = age::scrypt::Identity::new(SecretString::from(PASSPHRASE));
        let (opened, ms) = time(|| -> Result<u64, Failure> {
            let decryptor = age::Decryptor::new_buffered(&wrapped[..]).map_err(damaged)?;
            let mut reader = decryptor.decrypt(std::iter::once(&identity as &dyn age::Identity)).map_err(damaged)?;
            std::io::copy(&mut reader, &mut std::io::sink()).map_err(io_failure("identity.age could not be decrypted"))
        });
        opened?;
        times.push(ms);
    }
    Ok(summarize(&times))
}

/// Every measurement at the main size.
fn measure_all(fx: Fixture, samples: usize, report_edits: &mut Vec<Edit>) -> Result<Report, Failure> {
    let Fixture { dir, key_file, vault, mut plain, demo, .. } = fx;
    let stats = vault.stats()?;
    let layout = Layout::new(&dir);
    let snapshot = layout.snapshot(vault.generation());
    let recovery = fx.recovery;
    let fixture_unlock = || -> Result<UnlockedVault, Failure> {
        Ok(Vault::open(&dir)?.unlock(&UnlockKey::RecoveryKey(recovery.clone()))?)
    };
    drop(vault.lock()?);

    progress("the KDF alone, and unlock with the passphrase");
    let kdf = measure_kdf(&layout, samples)?;
    let mut passphrase_ms = Vec::new();
    for _ in 0..PASSPHRASE_SAMPLES.min(samples) {
        let (unlocked, ms) = time(|| -> Result<UnlockedVault, Failure> {
            Ok(Vault::open(&dir)?.unlock(&UnlockKey::Passphrase(SecretString::from(PASSPHRASE)))?)
        });
        drop(unlocked?);
        passphrase_ms.push(ms);
    }

    // From here on the KDF's working memory (scrypt 2^18: 256 MiB) is no longer what the peak shows.
    let peak_reset = sample::reset_peak_rss();
    progress("unlock without the KDF, and age -d on the same snapshot");
    let run_age = baseline::age_available();
    let (mut unlock_ms, mut age_ms) = (Vec::new(), Vec::new());
    for _ in 0..samples {
        let (unlocked, ms) = time(fixture_unlock);
        drop(unlocked?);
        unlock_ms.push(ms);
        if run_age {
            let (decrypted, ms) = time(|| baseline::age_decrypt(&key_file, &snapshot));
            decrypted.map_err(io_failure("age -d failed on the benchmark snapshot"))?;
            age_ms.push(ms);
        }
    }
    let unlock_vault = summarize(&unlock_ms);
    let age_cli = run_age.then(|| summarize(&age_ms));
    let unlock = Unlock {
        vault: unlock_vault,
        age_cli,
        goal: Goal::new(age_cli.map(|a| unlock_vault.median_ms / a.median_ms), UNLOCK_GOAL),
    };

    progress(format_args!("durable edits at {} cases", demo.cases));
    let mut vault = fixture_unlock()?;
    let (edit_vault, edit_plain) = measure_edits(&mut vault, &mut plain, samples)?;
    report_edits.push(Edit {
        cases: demo.cases,
        notes: demo.notes,
        vault: edit_vault,
        sqlite: edit_plain,
        goal: Goal::new(Some(edit_vault.median_ms / edit_plain.median_ms), EDIT_GOAL),
    });

    progress(format_args!("unlock with {JOURNAL_RECORDS} journal records"));
    let note: String = vault.conn().query_row("SELECT id FROM notes ORDER BY id LIMIT 1", [], |r| r.get(0))?;
    let mut i = 0u64;
    while vault.stats()?.journal_records < JOURNAL_RECORDS {
        i += 1;
        let body = format!("Replay measurement edit {i} (demonstration data).");
        vault.edit(|tx| tx.execute("UPDATE notes SET body = ?1 WHERE id = ?2", (&body, &note)).map(|_| ())).map_err(edit_failure)?;
    }
    let journal = vault.stats()?;
    // Dropped, not locked: locking would fold the journal away.
    drop(vault);
    let mut replay_ms = Vec::new();
    let mut last = None;
    for _ in 0..samples {
        // The previous unlock must let go of the vault's lock first.
        drop(last.take());
        let (unlocked, ms) = time(fixture_unlock);
        last = Some(unlocked?);
        replay_ms.push(ms);
    }
    let with_journal = summarize(&replay_ms);
    let replay = Replay {
        records: journal.journal_records,
        journal_bytes: journal.journal_bytes,
        with_journal,
        without_journal_median_ms: unlock_vault.median_ms,
        per_record_ms: (with_journal.median_ms - unlock_vault.median_ms) / journal.journal_records as f64,
    };

    progress("fold (compaction)");
    let mut vault = last.ok_or_else(|| Failure::new(ErrorKind::InvalidInput, "--samples must be at least 1"))?;
    let mut fold_ms = Vec::new();
    for _ in 0..FOLD_SAMPLES.min(samples) {
        let (folded, ms) = time(|| vault.fold());
        folded?;
        fold_ms.push(ms);
    }
    drop(vault);
    let peak_rss_without_kdf_bytes = if peak_reset { sample::peak_rss_bytes() } else { None };

    Ok(Report {
        date: chrono::Utc::now().format("%Y-%m-%d").to_string(),
        cores: std::thread::available_parallelism().map_or(0, |n| n.get()),
        cases: demo.cases,
        notes: demo.notes,
        database_bytes: stats.database_bytes,
        snapshot_bytes: stats.snapshot_bytes,
        unlock,
        kdf,
        unlock_with_passphrase: summarize(&passphrase_ms),
        edits: Vec::new(),
        edit_growth: None,
        fold: summarize(&fold_ms),
        replay,
        peak_rss_bytes: None,
        peak_rss_without_kdf_bytes,
    })
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
    let mut edits = Vec::new();
    let mut report = None;
    for &cases in &sizes {
        let mut fx = Fixture::create(&root, cases)?;
        if cases == main {
            report = Some(measure_all(fx, options.samples, &mut edits)?);
        } else {
            progress(format_args!("durable edits at {cases} cases"));
            let (vault, sqlite) = measure_edits(&mut fx.vault, &mut fx.plain, options.samples)?;
            let goal = Goal::new(Some(vault.median_ms / sqlite.median_ms), EDIT_GOAL);
            edits.push(Edit { cases, notes: fx.demo.notes, vault, sqlite, goal });
            drop(fx.vault.lock()?);
        }
    }
    let mut report = report.ok_or_else(|| Failure::new(ErrorKind::InvalidInput, "no benchmark size was run"))?;
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
    report.peak_rss_bytes = sample::peak_rss_bytes();
    if json {
        out::json(&report);
    } else {
        report.print();
    }
    Ok(())
}
