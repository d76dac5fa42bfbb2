//! The recovery recipe against Debian's `age` and `sqlite3`, and the core, on the same damaged and forged
//! folders: they agree (same data, or both refuse). Issue 8 items 3, 4 and 5.

use std::fs;
use std::process::Command;

use circlebook_core::vault::UnlockOptions;
use circlebook_core::Vault;

use crate::common::*;
use crate::vault_forged::{append_forged, recipient, run_recipe};

fn records(journal: &[u8]) -> Vec<Vec<u8>> {
    let text = String::from_utf8(journal.to_vec()).expect("armor");
    text.split_inclusive("-----END AGE ENCRYPTED FILE-----\n").map(|r| r.as_bytes().to_vec()).collect()
}

/// Snapshot 2 and a journal of three records, dropped as after a crash.
fn three_records() -> (Fixture, std::path::PathBuf) {
    let (fx, mut vault) = Fixture::new();
    add_case(&mut vault, "c0", "Willow");
    vault.fold().expect("fold");
    for i in 1..4 {
        add_case(&mut vault, &format!("c{i}"), "Willow");
    }
    drop(vault);
    let journal = fx.dir.join("journal/00000002.journal");
    (fx, journal)
}

/// Both refuse: the recipe exits 1 and leaves no output; the core refuses (even when accepting a rollback).
fn both_refuse(fx: &Fixture, what: &str) {
    let out = fx.scratch(&format!("recovered-{}.db", rand_suffix()));
    let recipe = run_recipe(fx, &out);
    assert_eq!(
        recipe.status.code(),
        Some(1),
        "{what}: the recipe did not refuse: {}",
        String::from_utf8_lossy(&recipe.stderr)
    );
    assert!(!out.exists(), "{what}: the recipe left a partial database");
    let options = UnlockOptions { accept_rollback: true, ..UnlockOptions::default() };
    let failure = Vault::open(&fx.dir).expect("open").unlock_with(&fx.by_key(), &options);
    assert!(failure.is_err(), "{what}: the core opened it");
}

/// Both open it with the same cases.
fn both_agree(fx: &Fixture, expected: usize) {
    let out = fx.scratch(&format!("recovered-{}.db", rand_suffix()));
    let recipe = run_recipe(fx, &out);
    assert!(recipe.status.success(), "{}", String::from_utf8_lossy(&recipe.stderr));
    let recovered = sqlite(&out, "SELECT group_concat(id) FROM (SELECT id FROM cases ORDER BY id)");
    let vault = fx.unlock();
    let ids: Vec<String> = case_names(&vault).into_iter().map(|(id, _)| id).collect();
    assert_eq!(ids.len(), expected);
    assert_eq!(recovered, ids.join(","), "the recipe and the core disagree");
}

fn rand_suffix() -> u64 {
    rand::random()
}

#[test]
fn recipe_and_core_agree_on_forged_swapped_truncated_and_damaged_folders() {
    let (fx, journal) = three_records();
    both_agree(&fx, 4);
    let whole = fs::read(&journal).expect("journal");
    let parts = records(&whole);

    // Forged with the public recipient: a record with a made-up tag.
    append_forged(
        &fx,
        2,
        &format!(
            "-- circlebook journal generation 2 sequence 4 mac {}\nBEGIN;\nDELETE FROM cases;\nCOMMIT;\n",
            "a".repeat(64)
        ),
    );
    both_refuse(&fx, "a forged record");
    // Swapped records.
    fs::write(&journal, [parts[1].clone(), parts[0].clone(), parts[2].clone()].concat()).expect("swap");
    both_refuse(&fx, "swapped records");
    // A flipped byte in the last record's END line.
    let mut flipped = whole.clone();
    let n = flipped.len();
    flipped[n - 10] ^= 0x01;
    fs::write(&journal, &flipped).expect("flip");
    both_refuse(&fx, "a damaged END line");
    // A torn tail (an interrupted fourth record): both keep the three whole records.
    let mut torn = whole.clone();
    torn.extend_from_slice(&parts[0][..parts[0].len() / 2]);
    fs::write(&journal, &torn).expect("torn");
    both_agree(&fx, 4);
    // The older snapshot under the newest name.
    drop(fx.unlock().lock().expect("lock")); // generation 3
    fs::copy(fx.dir.join("snapshots/00000002.age"), fx.dir.join("snapshots/00000003.age")).expect("copy");
    both_refuse(&fx, "an older snapshot under the newest name");
}

/// Issue 8 item 5: a record the recipe cannot decrypt stops it with exit 1 (it used to skip it and go on).
#[test]
fn the_recipe_stops_at_a_record_it_cannot_decrypt() {
    let (fx, journal) = three_records();
    let parts = records(&fs::read(&journal).expect("journal"));
    // Record 2 encrypted to another key: `age -d` fails on it.
    let other = fx.scratch("other.key");
    run(Command::new("age-keygen").arg("-o").arg(&other));
    let other_recipient = String::from_utf8(run(Command::new("age-keygen").arg("-y").arg(&other))).expect("utf8");
    let plain = fx.scratch("p.sql");
    fs::write(&plain, "-- x\n").expect("write");
    let foreign = run(Command::new("age").arg("-a").arg("-r").arg(other_recipient.trim()).arg(&plain));
    fs::write(&journal, [parts[0].clone(), foreign, parts[2].clone()].concat()).expect("write");
    let out = fx.scratch("recovered.db");
    let recipe = run_recipe(&fx, &out);
    assert_eq!(recipe.status.code(), Some(1), "{}", String::from_utf8_lossy(&recipe.stderr));
    assert!(
        String::from_utf8_lossy(&recipe.stderr).contains("record 2"),
        "{}",
        String::from_utf8_lossy(&recipe.stderr)
    );
    assert!(!out.exists());
    let _ = recipient(&fx);
}

/// Issue 8 item 5: a journal of 1,150 records replays under an open-file limit of 1,024 (awk closes each file).
#[test]
fn the_recipe_replays_a_journal_of_1150_records() {
    let (fx, mut vault) = Fixture::new();
    add_case(&mut vault, "c", "Hawthorn");
    for i in 0..1150 {
        vault
            .edit(|tx| tx.execute("UPDATE cases SET updated_at = ?1 WHERE id = 'c'", [format!("t{i}")]))
            .expect("edit");
    }
    drop(vault);
    let out = fx.scratch("recovered.db");
    let script = crate::vault_forged::recipe();
    let result = Command::new("sh")
        .arg("-c")
        .arg("ulimit -n 1024 && exec sh \"$0\" \"$1\" \"$2\" \"$3\"")
        .arg(&script)
        .arg(&fx.dir)
        .arg(&fx.key_file)
        .arg(&out)
        .output()
        .expect("sh");
    assert!(result.status.success(), "{}", String::from_utf8_lossy(&result.stderr));
    assert_eq!(sqlite(&out, "SELECT updated_at FROM cases"), "t1149");
}
