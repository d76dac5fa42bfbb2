//! `demo`, `restore` and `compact`, checked with the real `age` and `sqlite3` tools.

use super::*;

fn count(db: &Path, table: &str) -> u64 {
    tool("sqlite3", &[db.as_os_str(), format!("SELECT count(*) FROM {table}").as_ref()]).parse().expect("a count")
}

#[test]
fn demo_restore_and_compact_round_trip_through_age_and_sqlite3() {
    let temp = tempfile::tempdir().expect("temp");
    let (vault, key) = quick_vault(temp.path());
    let added = run(&vault, Some(PASS), &["demo", "--cases", "30", "--seed", "1", "--json"]).ok().json();
    assert_eq!(added["added"]["cases"], 30);
    let notes = added["added"]["notes"].as_u64().expect("notes");
    assert!((60..=300).contains(&notes), "{notes} notes for 30 cases");
    assert!(added["added"]["sessions"].as_u64().is_some_and(|s| s > 60), "{added}");
    let more = run(&vault, Some(PASS), &["demo", "--cases", "20", "--seed", "2"]).ok();
    assert!(more.stdout.contains("Added 20 synthetic cases"), "{}", more.stdout);
    assert_eq!(run(&vault, Some(PASS), &["stats", "--json"]).ok().json()["tables"]["cases"], 50);

    run(&vault, Some(PASS), &["restore", "99"]).fails_with("there is no generation 99");
    let restored = run(&vault, Some(PASS), &["restore", "2"]).ok();
    assert!(restored.stdout.contains("Restored generation 2"), "{}", restored.stdout);
    let stats = run(&vault, Some(PASS), &["stats", "--json"]).ok().json();
    assert_eq!(stats["tables"]["cases"], 30);
    assert_eq!(stats["tables"]["notes"], notes);

    let compacted = run(&vault, Some(PASS), &["compact", "--json"]).ok().json();
    let generation = compacted["generation"].as_u64().expect("generation");
    let snapshots: Vec<_> = std::fs::read_dir(vault.join("snapshots")).expect("dir").collect();
    assert_eq!(snapshots.len(), 2, "compact leaves exactly one snapshot and its seal");
    assert_eq!(std::fs::read_dir(vault.join("journal")).expect("dir").count(), 0, "and no journal");

    let key_file = temp.path().join("key.txt");
    std::fs::write(&key_file, key).expect("key");
    let db = temp.path().join("plain.db");
    let snapshot = vault.join(format!("snapshots/{generation:08}.age"));
    tool(
        "age",
        &["-d".as_ref(), "-i".as_ref(), key_file.as_os_str(), "-o".as_ref(), db.as_os_str(), snapshot.as_os_str()],
    );
    assert_eq!(count(&db, "cases"), 30);
    assert_eq!(count(&db, "notes"), notes);
    assert_eq!(run(&vault, Some(PASS), &["verify", "--json"]).ok().json()["ok"], true);
}

/// Issue 8 item 7: `restore GEN` works when the newest snapshot is damaged (it used to unlock the newest first).
#[test]
fn restore_works_when_the_newest_snapshot_is_damaged() {
    let temp = tempfile::tempdir().expect("temp");
    let (vault, _) = quick_vault(temp.path()); // generation 1: no cases
    run(&vault, Some(PASS), &["demo", "--cases", "5", "--seed", "1"]).ok(); // generation 2
    run(&vault, Some(PASS), &["demo", "--cases", "5", "--seed", "2"]).ok(); // generation 3
    let newest = vault.join("snapshots/00000003.age");
    let mut bytes = std::fs::read(&newest).expect("read");
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x01;
    std::fs::write(&newest, &bytes).expect("write");
    run(&vault, Some(PASS), &["stats"]).fails_with("is damaged");
    let restored = run(&vault, Some(PASS), &["restore", "2", "--json"]).ok();
    assert!(restored.stderr.contains("restoring generation 2 without it"), "{}", restored.stderr);
    let json = restored.json();
    assert_eq!(json["restored"], 2);
    assert_eq!(json["generation"], 4);
    assert_eq!(std::fs::read(&newest).expect("still there"), bytes, "the damaged snapshot is left as it is");
    let stats = run(&vault, Some(PASS), &["stats", "--json"]).ok().json();
    assert_eq!(stats["generation"], 4);
    assert_eq!(stats["tables"]["cases"], 5);
}
