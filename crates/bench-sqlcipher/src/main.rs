//! The SQLCipher baseline for docs/PERFORMANCE.md: one durable edit and the open workload (open + key + read
//! everything) on a SQLCipher file holding exactly the benchmark vault's data, each next to the same work on an
//! unencrypted twin file (the same SQLite library, no key), so that ratios share disk conditions.
//!
//! The data comes from a run of `circlebook-cli bench --vault-dir DIR`, which leaves `plain-N.sqlite` (a copy of
//! each benchmark vault's database) in DIR; this bench encrypts a copy of each with `sqlcipher_export`.
//!
//! Usage: `cargo run --release -- --from DIR [--cases N] [--samples N] [--json]`. The edit runs at every size found
//! in DIR, the open workload at `--cases` (default: the largest).
#![forbid(unsafe_code)]

use std::path::Path;
use std::time::Instant;

use rusqlite::types::ValueRef;
use rusqlite::Connection;

const PASSPHRASE: &str = "bench lantern orchard velvet compass drizzle";
const WARMUP: usize = 3;
const KDF_SAMPLES: usize = 10;
const PHRASES: &[&str] = &[
    "We met for a preparation meeting of about an hour and went through what a circle would look like.",
    "Consent for the letter exchange still holds; updates will go through the facilitator.",
    "Arrival and departure will be separate, fifteen minutes apart, by different entrances.",
    "We reviewed progress on the consent education sessions; three of six are complete.",
    "The next consultation is booked within twelve weeks.",
    "No new concerns were raised, and next steps were agreed and written down together.",
];

type Fallible<T> = Result<T, Box<dyn std::error::Error>>;


struct Summary {
    n: usize,
    median: f64,
    p95: f64,
}

fn summarize(samples: &[f64]) -> Summary {
    let mut s = samples.to_vec();
    s.sort_by(f64::total_cmp);
    let n = s.len();
    let median = if n % 2 == 1 { s[n / 2] } else { (s[n / 2 - 1] + s[n / 2]) / 2.0 };
    let rank = ((0.95 * n as f64).ceil() as usize).clamp(1, n);
    Summary { n, median, p95: s[rank - 1] }
}

fn time<T>(f: impl FnOnce() -> T) -> (T, f64) {
    let start = Instant::now();
    let v = f();
    (v, start.elapsed().as_secs_f64() * 1e3)
}

fn raw_key() -> String {
    // A fixed 256-bit raw key: SQLCipher then skips PBKDF2, as unlocking a vault with its key skips scrypt.
    format!("x'{}'", "2b".repeat(32))
}

/// Opens with `key` (SQLCipher) or without (then SQLCipher is plain SQLite), in WAL with `synchronous=FULL`.
fn open(path: &Path, key: Option<&str>) -> Fallible<Connection> {
    let conn = Connection::open(path)?;
    if let Some(key) = key {
        conn.pragma_update(None, "key", key)?;
    }
    let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
    if mode != "wal" {
        return Err(format!("journal_mode is {mode}, not wal").into());
    }
    conn.execute_batch("PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;")?;
    Ok(conn)
}

/// Copies `source` (a benchmark vault's database) to `path`, encrypted with `key` or plain, and opens it.
fn create(source: &Path, path: &Path, key: Option<&str>) -> Fallible<Connection> {
    let from = Connection::open(source)?;
    let target = path.to_str().ok_or("the temporary folder's path is not UTF-8")?;
    match key {
        Some(key) => {
            from.execute("ATTACH DATABASE ?1 AS encrypted KEY ?2", [target, key])?;
            from.query_row("SELECT sqlcipher_export('encrypted')", [], |_| Ok(()))?;
            from.execute_batch("DETACH DATABASE encrypted")?;
        }
        None => {
            from.execute("VACUUM INTO ?1", [target])?;
        }
    }
    drop(from);
    let conn = open(path, key)?;
    conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE);")?;
    Ok(conn)
}

/// Open + key + read every row of every table.
fn open_and_read(path: &Path, key: Option<&str>) -> Fallible<usize> {
    let conn = open(path, key)?;
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM pragma_table_list WHERE schema = 'main' AND type IN ('table', 'shadow') AND name NOT LIKE 'sqlite_%'")?
        .query_map([], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    let mut bytes = 0;
    for table in tables {
        let mut stmt = conn.prepare(&format!("SELECT * FROM \"{table}\""))?;
        let columns = stmt.column_count();
        let mut rows = stmt.query([])?;
        while let Some(row) = rows.next()? {
            for c in 0..columns {
                bytes += match row.get_ref(c)? {
                    ValueRef::Text(t) | ValueRef::Blob(t) => t.len(),
                    ValueRef::Integer(_) | ValueRef::Real(_) => 8,
                    ValueRef::Null => 0,
                };
            }
        }
    }
    Ok(bytes)
}

fn edit(conn: &mut Connection, id: &str, body: &str) -> Fallible<f64> {
    let (r, ms) = time(|| -> Fallible<()> {
        let tx = conn.transaction()?;
        tx.execute("UPDATE notes SET body = ?1 WHERE id = ?2", (body, id))?;
        tx.commit()?;
        Ok(())
    });
    r?;
    Ok(ms)
}

/// One size: the SQLCipher file and its plain twin, with the same data.
struct Target {
    cases: usize,
    notes: usize,
    cipher: Connection,
    plain: Connection,
    ids: Vec<String>,
    cipher_ms: Vec<f64>,
    plain_ms: Vec<f64>,
}

fn json_summary(s: &Summary) -> String {
    format!("{{\"n\":{},\"median_ms\":{:.4},\"p95_ms\":{:.4}}}", s.n, s.median, s.p95)
}

fn main() -> Fallible<()> {
    let mut args = std::env::args().skip(1);
    let (mut from, mut cases, mut samples, mut json) = (None, None, 200usize, false);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--from" => from = Some(std::path::PathBuf::from(args.next().ok_or("--from needs a folder")?)),
            "--cases" => cases = Some(args.next().ok_or("--cases needs a number")?.parse()?),
            "--samples" => samples = args.next().ok_or("--samples needs a number")?.parse()?,
            "--json" => json = true,
            other => {
                return Err(format!("unknown argument {other}; use --from DIR [--cases N] [--samples N] [--json]").into())
            }
        }
    }
    let from = from.ok_or("--from DIR is needed: the folder of a `circlebook-cli bench --vault-dir DIR` run")?;
    let mut sizes: Vec<usize> = std::fs::read_dir(&from)?
        .filter_map(|e| e.ok()?.file_name().to_str()?.strip_prefix("plain-")?.strip_suffix(".sqlite")?.parse().ok())
        .collect();
    sizes.sort_unstable();
    let main_cases = cases.or(sizes.last().copied()).ok_or("no plain-N.sqlite in that folder")?;
    if !sizes.contains(&main_cases) {
        return Err(format!("there is no plain-{main_cases}.sqlite in {}", from.display()).into());
    }
    let probe = Connection::open_in_memory()?;
    probe.pragma_update(None, "key", raw_key())?;
    let version: String = probe.query_row("PRAGMA cipher_version", [], |r| r.get(0))?;
    let provider: String = probe.query_row("PRAGMA cipher_provider", [], |r| r.get(0))?;
    let version = format!("{version}, {provider}");
    let dir = tempfile::tempdir()?;
    let key = raw_key();
    let path = |kind: &str, n: usize| dir.path().join(format!("{kind}-{n}.db"));

    let mut targets = Vec::new();
    for &n in &sizes {
        let source = from.join(format!("plain-{n}.sqlite"));
        let cipher = create(&source, &path("sqlcipher", n), Some(&key))?;
        let plain = create(&source, &path("plain", n), None)?;
        let notes = plain.query_row("SELECT count(*) FROM notes", [], |r| r.get::<_, i64>(0))? as usize;
        let ids = cipher.prepare("SELECT id FROM notes ORDER BY id")?.query_map([], |r| r.get(0))?.collect::<Result<_, _>>()?;
        targets.push(Target { cases: n, notes, cipher, plain, ids, cipher_ms: Vec::new(), plain_ms: Vec::new() });
    }
    // Edits take turns across sizes and between SQLCipher and plain SQLite, so all see the same disk state.
    for i in 0..WARMUP + samples {
        let body = format!("{} (edit {i}, demonstration data)", PHRASES[i % PHRASES.len()].repeat(12));
        for t in &mut targets {
            let id = t.ids[(i * 7919) % t.ids.len()].clone();
            let c = edit(&mut t.cipher, &id, &body)?;
            let p = edit(&mut t.plain, &id, &body)?;
            if i >= WARMUP {
                t.cipher_ms.push(c);
                t.plain_ms.push(p);
            }
        }
    }
    let notes = targets.iter().find(|t| t.cases == main_cases).map(|t| t.notes).ok_or("no size measured")?;
    let rows: Vec<(usize, usize, Summary, Summary)> =
        targets.into_iter().map(|t| (t.cases, t.notes, summarize(&t.cipher_ms), summarize(&t.plain_ms))).collect();

    let (mut raw, mut plain) = (Vec::new(), Vec::new());
    for _ in 0..samples.min(30) {
        let (r, ms) = time(|| open_and_read(&path("sqlcipher", main_cases), Some(&key)));
        r?;
        raw.push(ms);
        let (r, ms) = time(|| open_and_read(&path("plain", main_cases), None));
        r?;
        plain.push(ms);
    }
    // Re-key with a passphrase so that `PRAGMA key` runs SQLCipher's PBKDF2 (its KDF).
    let conn = open(&path("sqlcipher", main_cases), Some(&key))?;
    conn.pragma_update(None, "rekey", PASSPHRASE)?;
    drop(conn);
    let mut kdf = Vec::new();
    for _ in 0..KDF_SAMPLES.min(samples) {
        let (r, ms) = time(|| open_and_read(&path("sqlcipher", main_cases), Some(PASSPHRASE)));
        r?;
        kdf.push(ms);
    }
    let (open_raw, open_plain, open_pass) = (summarize(&raw), summarize(&plain), summarize(&kdf));

    if json {
        let edits: Vec<String> = rows
            .iter()
            .map(|(n, notes, c, p)| {
                format!("{{\"cases\":{n},\"notes\":{notes},\"sqlcipher\":{},\"plain\":{},\"ratio\":{:.4}}}", json_summary(c), json_summary(p), c.median / p.median)
            })
            .collect();
        println!(
            "{{\"sqlcipher\":\"{version}\",\"cases\":{main_cases},\"notes\":{notes},\"open_read_all_raw_key\":{},\"open_read_all_plain\":{},\"open_read_all_passphrase\":{},\"edits\":[{}]}}",
            json_summary(&open_raw),
            json_summary(&open_plain),
            json_summary(&open_pass),
            edits.join(",")
        );
        return Ok(());
    }
    println!("SQLCipher {version} bench: {main_cases} cases, {notes} notes; WAL, synchronous=FULL");
    println!("{:<44} {:>4} {:>10} {:>10}  {:<26} {}", "measure", "n", "median", "p95", "compared with (median)", "ratio");
    let row = |label: &str, s: &Summary, other: Option<(&str, &Summary)>| {
        let (compared, ratio) = match other {
            Some((name, o)) => (format!("{name}: {:.2} ms", o.median), format!("{:.2}", s.median / o.median)),
            None => (String::new(), String::new()),
        };
        println!("{label:<44} {:>4} {:>7.2} ms {:>7.2} ms  {compared:<26} {ratio}", s.n, s.median, s.p95);
    };
    row("open + key + read all (raw key, no KDF)", &open_raw, Some(("plain SQLite", &open_plain)));
    row("open + key + read all (passphrase, PBKDF2)", &open_pass, None);
    for (n, _, c, p) in &rows {
        row(&format!("durable edit, {n} cases"), c, Some(("plain SQLite", p)));
    }
    if let (Some(first), Some(last)) = (rows.first(), rows.last()) {
        println!("{:<44} {:>4} {:>10.2}", format!("edit growth {} → {} cases", first.0, last.0), "", last.2.median / first.2.median);
    }
    Ok(())
}
