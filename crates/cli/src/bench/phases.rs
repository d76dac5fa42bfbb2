//! The benchmark's measurements at the main size, one function per phase, in the order they run.

use std::fs::{self, File};
use std::io::{BufReader, Read};
use std::str::FromStr;

use circlebook_core::vault::Layout;
use circlebook_core::{ErrorKind, ExposeSecret, SecretString, UnlockKey, UnlockedVault, Vault};
use circlebook_demo as demo;

use super::baseline::{self, PlainSqlite};
use super::report::{Goal, Replay, Report, Unlock};
use super::sample::{self, summarize, time, Summary};
use super::{edit_failure, io_failure, progress, Fixture, PASSPHRASE, SEED};
use crate::failure::Failure;

/// Journal records replayed by the replay measurement.
const JOURNAL_RECORDS: u64 = 200;
/// Caps on the slower measurements' samples (lower still if `--samples` is lower).
const UNLOCK_SAMPLES: usize = 30;
const KDF_SAMPLES: usize = 10;
const PASSPHRASE_SAMPLES: usize = 5;
const FOLD_SAMPLES: usize = 10;
/// Untimed edits before timing (the first creates the journal file).
const WARMUP: usize = 3;
const UNLOCK_GOAL: f64 = 1.3;

/// Times `samples` durable edits (one note's body replaced) in each vault and its plain SQLite twin, taking
/// turns across every size, so that all of them see the same state of the disk (fsync times here vary over
/// time far more than between sizes). Returns (vault, SQLite) per target, in order.
pub fn edits(
    targets: &mut [(&mut UnlockedVault, &mut PlainSqlite)],
    samples: usize,
) -> Result<Vec<(Summary, Summary)>, Failure> {
    let mut ids: Vec<Vec<String>> = Vec::new();
    for (vault, _) in targets.iter() {
        let mut stmt = vault.conn().prepare("SELECT id FROM notes ORDER BY id")?;
        ids.push(stmt.query_map([], |r| r.get(0))?.collect::<Result<_, _>>()?);
    }
    let bodies: Vec<String> = demo::note_bodies(SEED + 1).take(16).collect();
    let mut times = vec![(Vec::with_capacity(samples), Vec::with_capacity(samples)); targets.len()];
    for i in 0..WARMUP + samples {
        for (((vault, plain), ids), (in_vault, in_plain)) in targets.iter_mut().zip(&ids).zip(&mut times) {
            let id = &ids[(i * 7919) % ids.len()];
            let body = &bodies[i % bodies.len()];
            let (edited, vault_ms) = time(|| {
                vault.edit(|tx| tx.execute("UPDATE notes SET body = ?1 WHERE id = ?2", (body, id)).map(|_| ()))
            });
            edited.map_err(edit_failure)?;
            let (updated, plain_ms) = time(|| plain.update_note(id, body));
            updated?;
            if i >= WARMUP {
                in_vault.push(vault_ms);
                in_plain.push(plain_ms);
            }
        }
    }
    Ok(times.iter().map(|(v, p)| (summarize(v), summarize(p))).collect())
}

/// The scrypt unwrap of `identity.age` in-process (what the passphrase costs), and a whole passphrase unlock.
fn kdf(fx: &Fixture, layout: &Layout, samples: usize) -> Result<(Summary, Summary), Failure> {
    let wrapped = fs::read(layout.identity()).map_err(io_failure("identity.age could not be read"))?;
    let damaged = |e: age::DecryptError| Failure::new(ErrorKind::Damaged, format_args!("identity.age: {e}"));
    let mut kdf_ms = Vec::new();
    for _ in 0..KDF_SAMPLES.min(samples) {
        let mut identity = age::scrypt::Identity::new(SecretString::from(PASSPHRASE));
        // As the vault does: a fixed limit, not age's default, which calibrates to this machine's speed at
        // this moment and on a busy machine refuses even the standard 2^18 as "excessive".
        identity.set_max_work_factor(circlebook_core::vault::MAX_LOG_N);
        let (opened, ms) = time(|| -> Result<u64, Failure> {
            let decryptor = age::Decryptor::new_buffered(&wrapped[..]).map_err(damaged)?;
            let mut reader = decryptor.decrypt(std::iter::once(&identity as &dyn age::Identity)).map_err(damaged)?;
            std::io::copy(&mut reader, &mut std::io::sink()).map_err(io_failure("identity.age could not be decrypted"))
        });
        opened?;
        kdf_ms.push(ms);
    }
    let mut passphrase_ms = Vec::new();
    for _ in 0..PASSPHRASE_SAMPLES.min(samples) {
        let (unlocked, ms) = time(|| -> Result<UnlockedVault, Failure> {
            Ok(Vault::open(&fx.dir)?.unlock(&UnlockKey::Passphrase(SecretString::from(PASSPHRASE)))?)
        });
        drop(unlocked?);
        passphrase_ms.push(ms);
    }
    Ok((summarize(&kdf_ms), summarize(&passphrase_ms)))
}

/// Unlocking with the key, `age -d` on the same snapshot, and the age crate decrypting it in-process
/// (which tells the cost of decryption from the rest of unlocking), interleaved.
fn unlock(fx: &Fixture, snapshot: &std::path::Path, samples: usize) -> Result<Unlock, Failure> {
    let identity = age::x25519::Identity::from_str(fx.recovery.expose_secret().trim())
        .map_err(|e| Failure::new(ErrorKind::InvalidInput, e))?;
    let size = fs::metadata(snapshot).map_err(io_failure("the snapshot could not be read"))?.len() as usize;
    let run_age = baseline::age_available();
    let (mut vault_ms, mut age_ms, mut decrypt_ms) = (Vec::new(), Vec::new(), Vec::new());
    let (mut deserialize_ms, mut fsync_ms) = (Vec::new(), Vec::new());
    for _ in 0..UNLOCK_SAMPLES.min(samples) {
        let (unlocked, ms) = time(|| fx.unlock_with_key());
        drop(unlocked?);
        vault_ms.push(ms);
        if run_age {
            let (decrypted, ms) = time(|| baseline::age_decrypt(&fx.key_file, snapshot));
            decrypted.map_err(io_failure("age -d failed on the benchmark snapshot"))?;
            age_ms.push(ms);
        }
        let (plain, ms) = time(|| -> Result<Vec<u8>, Failure> {
            let damaged = |e: age::DecryptError| Failure::new(ErrorKind::Damaged, e);
            let file = File::open(snapshot).map_err(io_failure("the snapshot could not be read"))?;
            let decryptor = age::Decryptor::new(BufReader::new(file)).map_err(damaged)?;
            let mut reader = decryptor.decrypt(std::iter::once(&identity as &dyn age::Identity)).map_err(damaged)?;
            let mut plain = Vec::with_capacity(size);
            reader.read_to_end(&mut plain).map_err(io_failure("the snapshot could not be decrypted"))?;
            Ok(plain)
        });
        let mut plain = plain?;
        decrypt_ms.push(ms);
        let (conn, ms) = time(|| -> rusqlite::Result<rusqlite::Connection> {
            let mut conn = rusqlite::Connection::open_in_memory()?;
            conn.deserialize_read_exact(rusqlite::MAIN_DB, &plain[..], plain.len(), false)?;
            conn.query_row("SELECT count(*) FROM sqlite_schema", [], |r| r.get::<_, i64>(0))?;
            Ok(conn)
        });
        drop(conn?);
        deserialize_ms.push(ms);
        plain.fill(0);
        let (synced, ms) = time(|| File::open(fx.dir.join("journal")).and_then(|d| d.sync_all()));
        synced.map_err(io_failure("the journal folder could not be synced"))?;
        fsync_ms.push(ms);
    }
    let vault = summarize(&vault_ms);
    let age_cli = run_age.then(|| summarize(&age_ms));
    Ok(Unlock {
        vault,
        age_cli,
        age_crate_decrypt: summarize(&decrypt_ms),
        sqlite_deserialize: summarize(&deserialize_ms),
        folder_fsync: summarize(&fsync_ms),
        goal: Goal::new(age_cli.map(|a| vault.median_ms / a.median_ms), UNLOCK_GOAL),
    })
}

/// Fills the journal to [`JOURNAL_RECORDS`] and times unlocking with it; returns the last unlocked vault.
fn replay(
    fx: &Fixture,
    mut vault: UnlockedVault,
    without: f64,
    samples: usize,
) -> Result<(Replay, UnlockedVault), Failure> {
    let note: String = vault.conn().query_row("SELECT id FROM notes ORDER BY id LIMIT 1", [], |r| r.get(0))?;
    let mut i = 0u64;
    while vault.stats()?.journal_records < JOURNAL_RECORDS {
        i += 1;
        let body = format!("Replay measurement edit {i} (demonstration data).");
        vault
            .edit(|tx| tx.execute("UPDATE notes SET body = ?1 WHERE id = ?2", (&body, &note)).map(|_| ()))
            .map_err(edit_failure)?;
    }
    let journal = vault.stats()?;
    // Dropped, not locked: locking would fold the journal away.
    drop(vault);
    let mut times = Vec::new();
    let mut last = None;
    for _ in 0..UNLOCK_SAMPLES.min(samples) {
        // The previous unlock must let go of the vault's lock first.
        drop(last.take());
        let (unlocked, ms) = time(|| fx.unlock_with_key());
        last = Some(unlocked?);
        times.push(ms);
    }
    let with_journal = summarize(&times);
    let vault = last.ok_or_else(|| Failure::new(ErrorKind::InvalidInput, "--samples must be at least 1"))?;
    Ok((
        Replay {
            records: journal.journal_records,
            journal_bytes: journal.journal_bytes,
            with_journal,
            without_journal_median_ms: without,
            per_record_ms: (with_journal.median_ms - without) / journal.journal_records as f64,
        },
        vault,
    ))
}

/// Every measurement at the main size but the edits.
pub fn all(fx: &Fixture, mut vault: UnlockedVault, samples: usize) -> Result<Report, Failure> {
    // The edits left a journal: fold it into a snapshot, so that unlocking is measured without one. Not `compact`,
    // which would also merge the full-text index into one segment: search is measured on the index as the demo
    // data and the edits left it, as a facilitator's vault would have it.
    vault.fold()?;
    let stats = vault.stats()?;
    let layout = Layout::new(&fx.dir);
    let snapshot = layout.snapshot(vault.generation());
    drop(vault.lock()?);

    progress("the KDF alone, and unlock with the passphrase");
    let (kdf, unlock_with_passphrase) = kdf(fx, &layout, samples)?;
    // The KDF's working memory (scrypt 2^18: 256 MiB) dominates the peak so far; what follows is measured apart.
    let peak_with_kdf = sample::peak_rss_bytes();
    let peak_reset = sample::reset_peak_rss();

    progress("unlock without the KDF, age -d on the same snapshot");
    let unlock = unlock(fx, &snapshot, samples)?;

    let mut vault = fx.unlock_with_key()?;
    progress("full-text search");
    let search = super::search::measure(&mut vault, samples)?;
    progress("the home screen's and a case's reads");
    let screens = super::screens::measure(&mut vault, samples)?;

    progress(format_args!("unlock with {JOURNAL_RECORDS} journal records"));
    let (replay, mut vault) = replay(fx, vault, unlock.vault.median_ms, samples)?;

    progress("fold (compaction)");
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
        cases: fx.demo.cases,
        notes: fx.demo.notes,
        database_bytes: stats.database_bytes,
        snapshot_bytes: stats.snapshot_bytes,
        unlock,
        kdf,
        unlock_with_passphrase,
        edits: Vec::new(),
        edit_growth: None,
        fold: summarize(&fold_ms),
        replay,
        search,
        screens,
        peak_rss_bytes: peak_with_kdf,
        peak_rss_without_kdf_bytes,
    })
}
