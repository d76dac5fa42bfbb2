//! Crash test: a child process commits edits in a loop and prints each acknowledged commit; it is killed with
//! SIGKILL at random moments, and after every kill the vault must open, pass `integrity_check` and hold every
//! acknowledged commit. Runs as its own binary (no libtest harness) because it re-executes itself as the child.

use std::collections::HashSet;
use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use circlebook_core::{Kdf, SecretString, UnlockKey, Vault};
use rand::{Rng, SeedableRng};

const KILLS: usize = 200;
const CHILD_ENV: &str = "CIRCLEBOOK_CRASH_CHILD";
const KEY_ENV: &str = "CIRCLEBOOK_CRASH_KEY";

fn main() {
    if let Ok(dir) = std::env::var(CHILD_ENV) {
        child(&dir);
        return;
    }
    match std::panic::catch_unwind(parent) {
        Ok(()) => println!("crash: 1 passed, 0 failed"),
        Err(_) => {
            println!("crash: 0 passed, 1 failed");
            std::process::exit(101);
        }
    }
}

fn unlock(dir: &std::path::Path, key: &str) -> circlebook_core::UnlockedVault {
    Vault::open(dir)
        .expect("open")
        .unlock(&UnlockKey::RecoveryKey(SecretString::from(key.to_owned())))
        .unwrap_or_else(|f| panic!("unlock after a kill failed: {}", f.error))
}

/// Commits notes forever, printing each id once its edit returned (is acknowledged); folds every 25 edits.
fn child(dir: &str) {
    let key = std::env::var(KEY_ENV).expect("key");
    let mut vault = unlock(std::path::Path::new(dir), &key);
    let run = std::process::id();
    let mut rng = rand::rngs::StdRng::seed_from_u64(u64::from(run));
    let stdout = std::io::stdout();
    writeln!(stdout.lock(), "ready").expect("stdout");
    for i in 0u64.. {
        let id = format!("p{run}-{i}");
        let body = "x".repeat(rng.gen_range(200..3000));
        vault
            .edit(|tx| {
                tx.execute("INSERT INTO notes(id, case_id, body, created_at) VALUES(?1, 'c', ?2, 't')", [&id, &body])?;
                tx.execute("UPDATE cases SET updated_at = ?1 WHERE id = 'c'", [&id])
            })
            .expect("edit");
        let mut out = stdout.lock();
        writeln!(out, "{id}").expect("stdout");
        out.flush().expect("flush");
        if i % 25 == 24 {
            vault.fold().expect("fold");
        }
    }
}

fn parent() {
    let seed: u64 =
        std::env::var("CIRCLEBOOK_CRASH_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or_else(rand::random);
    println!("crash: seed {seed} (set CIRCLEBOOK_CRASH_SEED to replay)");
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = tmp.path().join("vault");
    // High-water marks in the test's folder, shared by the parent and every child.
    let state = tmp.path().join("state");
    circlebook_core::vault::use_state_dir_for_this_process(&state);
    let pass = SecretString::from("lantern orchard velvet compass drizzle".to_owned());
    let (mut vault, key) = Vault::create(&dir, &pass, Kdf { log_n: 10 }).expect("create");
    vault
        .edit(|tx| {
            tx.execute("INSERT INTO cases(id, code_name, created_at, updated_at) VALUES('c', 'Crash', 't', 't')", [])
        })
        .expect("case");
    drop(vault.lock().expect("lock"));
    let exe = std::env::current_exe().expect("exe");
    let mut acknowledged: Vec<String> = Vec::new();
    let (mut torn, mut durable_unacknowledged) = (0, 0);
    let started = Instant::now();
    for kill in 0..KILLS {
        let mut child = Command::new(&exe)
            .env(CHILD_ENV, &dir)
            .env("CIRCLEBOOK_STATE_DIR", &state)
            .env(KEY_ENV, key.expose())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn child");
        let stdout = child.stdout.take().expect("stdout");
        let acks = Arc::new(Mutex::new(Vec::new()));
        let (ready_tx, ready_rx) = std::sync::mpsc::channel();
        let reader = {
            let acks = Arc::clone(&acks);
            std::thread::spawn(move || {
                for line in BufReader::new(stdout).lines() {
                    match line {
                        Ok(l) if l == "ready" => {
                            let _ = ready_tx.send(());
                        }
                        Ok(l) => acks.lock().expect("acks").push(l),
                        Err(_) => break,
                    }
                }
            })
        };
        // Most kills land in the edit loop, at a random moment after the child has unlocked and acknowledged two
        // commits (so each run does real work however loaded the machine is); one in ten lands at a random moment
        // from the start, possibly while it unlocks, replays or folds.
        if rng.gen_bool(0.9) {
            let _ = ready_rx.recv_timeout(Duration::from_secs(30));
            let waiting = std::time::Instant::now();
            while acks.lock().expect("acks").len() < 2 && waiting.elapsed() < Duration::from_secs(30) {
                std::thread::sleep(Duration::from_millis(1));
            }
            std::thread::sleep(Duration::from_micros(rng.gen_range(0..40_000)));
        } else {
            std::thread::sleep(Duration::from_micros(rng.gen_range(0..30_000)));
        }
        child.kill().expect("SIGKILL");
        let status = child.wait().expect("wait");
        reader.join().expect("reader");
        let mut err = String::new();
        let _ = std::io::Read::read_to_string(&mut child.stderr.take().expect("stderr"), &mut err);
        assert!(!err.contains("panicked"), "the child failed before it was killed: {err}");
        assert!(status.code().is_none(), "the child must die by the signal, not exit: {status:?}");
        acknowledged.extend(acks.lock().expect("acks").drain(..));

        let vault = unlock(&dir, key.expose());
        if vault.torn_tail_dropped() > 0 {
            torn += 1;
        }
        let integrity: String = vault.conn().query_row("PRAGMA integrity_check", [], |r| r.get(0)).expect("check");
        assert_eq!(integrity, "ok", "after kill {kill}");
        let mut stmt = vault.conn().prepare("SELECT id FROM notes").expect("prepare");
        let present: HashSet<String> =
            stmt.query_map([], |r| r.get(0)).expect("query").collect::<Result<_, _>>().expect("ids");
        drop(stmt);
        for id in &acknowledged {
            assert!(present.contains(id), "acknowledged commit {id} lost after kill {kill}");
        }
        durable_unacknowledged = present.len() - acknowledged.len();
        if rng.gen_bool(0.2) {
            drop(vault.lock().expect("lock"));
        }
    }
    println!(
        "crash: {KILLS} SIGKILLs in {:.1} s; {} acknowledged commits, every one present after every kill; \
         integrity_check ok {KILLS}/{KILLS}; {torn} torn journal tails dropped; {durable_unacknowledged} commits were durable but killed \
         before their acknowledgement was printed (allowed)",
        started.elapsed().as_secs_f64(),
        acknowledged.len()
    );
    assert!(acknowledged.len() > KILLS, "the children must get real work done between kills");
}
