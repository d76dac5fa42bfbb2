//! `stats`, `verify`, `backups`, and the failures every unlocking command shares.

use circlebook_core::UnlockKey;

use super::*;

/// A quick vault with demo cases in its snapshot and one change left in the journal.
fn vault_with_journal(temp: &Path) -> PathBuf {
    let (vault, _) = quick_vault(temp);
    run(&vault, Some(PASS), &["demo", "--cases", "30"]).ok();
    let mut unlocked =
        Vault::open(&vault).expect("open").unlock(&UnlockKey::Passphrase(SecretString::from(PASS))).expect("unlock");
    unlocked.edit(|tx| tx.execute("UPDATE cases SET stage = 'paused' WHERE rowid = 1", []).map(|_| ())).expect("edit");
    drop(unlocked); // dropped, not locked: the journal stays
    vault
}

#[test]
fn a_wrong_passphrase_fails_in_one_line_and_changes_no_file() {
    let temp = tempfile::tempdir().expect("temp");
    let vault = vault_with_journal(temp.path());
    assert!(vault.join("journal/00000002.journal").exists());
    let before = files(&vault);
    run(&vault, Some("not the passphrase at all"), &["stats"]).fails_with("that passphrase does not open this vault");
    let json = run(&vault, Some("not the passphrase at all"), &["stats", "--json"]).fails_with("passphrase").json();
    assert_eq!(json["error"]["code"], "wrong_passphrase");
    assert_eq!(files(&vault), before, "a failed unlock must leave every file byte-identical");
}

#[test]
fn a_second_process_is_refused_while_the_vault_is_held() {
    let temp = tempfile::tempdir().expect("temp");
    let (vault, _) = quick_vault(temp.path());
    let held = Vault::open(&vault).expect("hold the vault");
    run(&vault, Some(PASS), &["stats"]).fails_with("already open");
    drop(held);
    run(&vault, Some(PASS), &["stats"]).ok();
}

#[test]
fn a_missing_vault_is_reported() {
    let temp = tempfile::tempdir().expect("temp");
    run(&temp.path().join("nothing"), Some(PASS), &["stats"]).fails_with("there is no Circlebook vault");
}

#[test]
fn read_only_commands_report_and_leave_the_journal_alone() {
    let temp = tempfile::tempdir().expect("temp");
    let vault = vault_with_journal(temp.path());
    let before = files(&vault);

    let stats = run(&vault, Some(PASS), &["stats", "--json"]).ok().json();
    assert_eq!(stats["tables"]["cases"], 30);
    assert_eq!(stats["journal_records"], 1);
    let human = run(&vault, Some(PASS), &["stats"]).ok().stdout;
    assert!(human.contains("cases") && human.contains("30 rows"), "{human}");

    let backups = run(&vault, Some(PASS), &["backups", "--json"]).ok().json();
    let numbers: Vec<u64> =
        backups.as_array().expect("list").iter().map(|g| g["number"].as_u64().expect("n")).collect();
    assert_eq!(numbers, [1, 2]);
    assert_eq!(backups[1]["current"], true);
    assert!(run(&vault, Some(PASS), &["backups"]).ok().stdout.contains("current"));

    let verify = run(&vault, Some(PASS), &["verify", "--json"]).ok().json();
    assert_eq!(verify["ok"], true);
    assert_eq!(verify["journal_records"], 1);
    assert!(run(&vault, Some(PASS), &["verify"]).ok().stdout.contains("database: ok"));

    assert_eq!(files(&vault), before, "stats, backups and verify write nothing");
}

#[test]
fn verify_and_unlock_report_damaged_files() {
    let temp = tempfile::tempdir().expect("temp");
    let (vault, _) = quick_vault(temp.path());
    run(&vault, Some(PASS), &["demo", "--cases", "10", "--seed", "1"]).ok();
    run(&vault, Some(PASS), &["demo", "--cases", "10", "--seed", "2"]).ok();
    let flip = |path: &Path| {
        let mut bytes = std::fs::read(path).expect("read");
        let middle = bytes.len() / 2;
        bytes[middle] ^= 0x01;
        std::fs::write(path, bytes).expect("write");
    };
    flip(&vault.join("snapshots/00000002.age"));
    let out = run(&vault, Some(PASS), &["verify"]).fails_with("did not verify: generation 2");
    assert!(out.stdout.contains("generation 3: ok"), "{}", out.stdout);
    flip(&vault.join("snapshots/00000003.age"));
    run(&vault, Some(PASS), &["stats"]).fails_with("is damaged");
}

/// Issue 8 item 1: a torn tail moved aside is reported on stderr and in `--json` as `vault_notices`.
#[test]
fn a_torn_tail_moved_aside_is_reported_on_stderr_and_in_json() {
    let temp = tempfile::tempdir().expect("temp");
    let vault = vault_with_journal(temp.path());
    let journal = vault.join("journal/00000002.journal");
    let mut bytes = std::fs::read(&journal).expect("journal");
    let tail = bytes[..bytes.len() / 2].to_vec();
    bytes.extend_from_slice(&tail);
    std::fs::write(&journal, &bytes).expect("write");
    let out = run(&vault, Some(PASS), &["stats", "--json"]).ok();
    assert!(out.stderr.starts_with("warning: an interrupted last record"), "{}", out.stderr);
    assert!(out.stderr.contains("journal/00000002.torn-1"), "{}", out.stderr);
    let notices = &out.json()["vault_notices"];
    assert_eq!(notices[0]["kind"], "torn_tail");
    assert_eq!(notices[0]["moved_to"], "journal/00000002.torn-1");
    assert_eq!(notices[0]["bytes"], tail.len() as u64);
    let again = run(&vault, Some(PASS), &["stats", "--json"]).ok();
    assert!(again.stderr.is_empty() && again.json().get("vault_notices").is_none(), "reported once: {again:?}");
}

/// Issue 8 item 3: a journal cut at a record boundary is refused in one line that says how to accept it;
/// `--accept-rollback` opens it and says so on stderr and in `--json`.
#[test]
fn a_rolled_back_journal_is_refused_and_accepted_only_on_purpose() {
    let temp = tempfile::tempdir().expect("temp");
    let vault = vault_with_journal(temp.path());
    let mut unlocked =
        Vault::open(&vault).expect("open").unlock(&UnlockKey::Passphrase(SecretString::from(PASS))).expect("unlock");
    unlocked.edit(|tx| tx.execute("UPDATE cases SET stage = 'intake' WHERE rowid = 2", []).map(|_| ())).expect("edit");
    drop(unlocked);
    let journal = vault.join("journal/00000002.journal");
    let whole = std::fs::read(&journal).expect("journal");
    run(&vault, Some(PASS), &["stats"]).ok(); // this computer (this HOME) has seen two records
    let end = b"-----END AGE ENCRYPTED FILE-----\n";
    let first = whole.windows(end.len()).position(|w| w == end).expect("record 1") + end.len();
    std::fs::write(&journal, &whole[..first]).expect("cut");
    let before = files(&vault);
    run(&vault, Some(PASS), &["stats"]).fails_with("--accept-rollback");
    assert_eq!(files(&vault), before);
    let out = run(&vault, Some(PASS), &["--accept-rollback", "stats", "--json"]).ok();
    assert!(out.stderr.contains("warning: an older state"), "{}", out.stderr);
    assert_eq!(out.json()["vault_notices"][0]["kind"], "rollback_accepted");
    assert_eq!(out.json()["journal_records"], 1);
    run(&vault, Some(PASS), &["stats"]).ok();
}
