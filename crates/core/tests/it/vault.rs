//! Every vault operation and every error path, with the files on disk checked after each failure.

use std::fs;
use std::io::Write;

use circlebook_core::vault::{EditError, OpenError, PassphraseError, RestoreError, UnlockError, KEPT_GENERATIONS};
use circlebook_core::{ErrorKind, Kdf, UnlockKey, Vault};

use crate::common::*;

#[test]
fn create_edit_lock_unlock_with_passphrase_and_recovery_key() {
    let (fx, mut vault) = Fixture::new();
    assert!(fx.key.expose().starts_with("AGE-SECRET-KEY-1"));
    add_case(&mut vault, "c1", "Birch 1");
    add_note(&mut vault, "n1", "c1", "first meeting went calmly");
    let locked = vault.lock().expect("lock");
    let vault = locked.unlock(&UnlockKey::Passphrase(pass(PASSPHRASE))).expect("unlock");
    assert_eq!(case_names(&vault), vec![("c1".into(), "Birch 1".into())]);
    drop(vault);
    assert_eq!(case_names(&fx.unlock()), vec![("c1".into(), "Birch 1".into())]);
}

#[test]
fn the_standard_work_factor_is_2_pow_18_and_round_trips() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = tmp.path().join("v");
    isolate_state();
    let (vault, _key) = Vault::create(&dir, &pass(PASSPHRASE), Kdf::STANDARD).expect("create");
    drop(vault);
    let header = fs::read(dir.join("identity.age")).expect("identity");
    let text = String::from_utf8_lossy(&header[..200.min(header.len())]).to_string();
    assert!(
        text.contains("-> scrypt ") && text.lines().any(|l| l.starts_with("-> scrypt ") && l.ends_with(" 18")),
        "{text}"
    );
    Vault::open(&dir).expect("open").unlock(&UnlockKey::Passphrase(pass(PASSPHRASE))).expect("unlock");
}

#[test]
fn a_weak_passphrase_is_refused_with_a_reason_and_nothing_is_created() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = tmp.path().join("v");
    let err = Vault::create(&dir, &pass("password123"), FAST).expect_err("weak");
    assert_eq!(err.kind(), ErrorKind::WeakPassphrase);
    assert!(err.to_string().contains("too"), "{err}");
    assert!(!Vault::exists(&dir));
}

#[test]
fn creating_over_existing_files_is_refused() {
    let (fx, vault) = Fixture::new();
    drop(vault);
    let err = Vault::create(&fx.dir, &pass(PASSPHRASE), FAST).expect_err("exists");
    assert_eq!(err.kind(), ErrorKind::VaultExists);
}

#[test]
fn a_wrong_passphrase_is_refused_and_leaves_the_files_byte_identical() {
    let (fx, mut vault) = Fixture::new();
    add_case(&mut vault, "c1", "Alder 1");
    drop(vault); // leaves a journal behind, as after a crash
    let before = fingerprint(&fx.dir);
    let failure = Vault::open(&fx.dir)
        .expect("open")
        .unlock(&UnlockKey::Passphrase(pass("not the passphrase at all")))
        .expect_err("wrong");
    assert!(matches!(failure.error, UnlockError::WrongPassphrase));
    assert_eq!(failure.error.kind(), ErrorKind::WrongPassphrase);
    assert_eq!(failure.error.to_string(), "that passphrase does not open this vault");
    assert_eq!(fingerprint(&fx.dir), before);
    // The app stays usable: the same handle unlocks with the right passphrase.
    let vault = failure.vault.unlock(&UnlockKey::Passphrase(pass(PASSPHRASE))).expect("retry");
    assert_eq!(case_names(&vault).len(), 1);
}

#[test]
fn a_recovery_key_of_another_vault_or_garbage_is_refused() {
    let (fx, vault) = Fixture::new();
    drop(vault);
    let (other, v2) = Fixture::new();
    drop(v2);
    let before = fingerprint(&fx.dir);
    for key in [other.key.expose().to_owned(), "AGE-SECRET-KEY-1NOTAKEY".to_owned(), String::new()] {
        let failure =
            Vault::open(&fx.dir).expect("open").unlock(&UnlockKey::RecoveryKey(pass(&key))).expect_err("wrong key");
        assert!(matches!(failure.error, UnlockError::WrongRecoveryKey), "{:?}", failure.error);
    }
    assert_eq!(fingerprint(&fx.dir), before);
}

#[test]
fn a_second_opener_gets_already_open() {
    let (fx, vault) = Fixture::new();
    let err = Vault::open(&fx.dir).expect_err("locked");
    assert!(matches!(err, OpenError::AlreadyOpen));
    assert!(err.to_string().contains("already open"));
    drop(vault);
    Vault::open(&fx.dir).expect("free again");
}

#[test]
fn opening_a_folder_without_a_vault_says_so() {
    let tmp = tempfile::tempdir().expect("tmp");
    assert_eq!(Vault::open(tmp.path()).expect_err("none").kind(), ErrorKind::NoVault);
}

#[test]
fn changing_the_passphrase_rewraps_the_identity_only() {
    let (fx, mut vault) = Fixture::new();
    add_case(&mut vault, "c1", "Rowan 1");
    let snapshots_before = fs::read_dir(fx.dir.join("snapshots")).expect("dir").count();
    let new = "quiet harbour lantern meadow seventeen";
    assert!(matches!(vault.change_passphrase(&pass("short"), FAST), Err(PassphraseError::Weak(_))));
    vault.change_passphrase(&pass(new), FAST).expect("change");
    assert_eq!(fs::read_dir(fx.dir.join("snapshots")).expect("dir").count(), snapshots_before);
    drop(vault);
    let failure =
        Vault::open(&fx.dir).expect("open").unlock(&UnlockKey::Passphrase(pass(PASSPHRASE))).expect_err("old");
    assert!(matches!(failure.error, UnlockError::WrongPassphrase));
    let vault = failure.vault.unlock(&UnlockKey::Passphrase(pass(new))).expect("new works");
    assert_eq!(case_names(&vault).len(), 1);
    drop(vault);
    // The recovery key still works after a passphrase change: it is the identity itself.
    fx.unlock();
}

#[test]
fn recover_sets_a_new_passphrase_with_the_recovery_key() {
    let (fx, vault) = Fixture::new();
    drop(vault);
    let locked = Vault::open(&fx.dir).expect("open");
    let new = "granite willow parcel tundra ninety";
    let (other, v2) = Fixture::new();
    drop(v2);
    assert!(matches!(
        locked.recover(&pass(other.key.expose()), &pass(new), FAST),
        Err(PassphraseError::WrongRecoveryKey)
    ));
    assert!(matches!(locked.recover(&pass(fx.key.expose()), &pass("weak"), FAST), Err(PassphraseError::Weak(_))));
    locked.recover(&pass(fx.key.expose()), &pass(new), FAST).expect("recover");
    locked.unlock(&UnlockKey::Passphrase(pass(new))).expect("new passphrase");
}

#[test]
fn an_excessive_work_factor_is_refused_before_any_work() {
    let (fx, vault) = Fixture::new();
    drop(vault);
    let path = fx.dir.join("identity.age");
    let text = fs::read(&path).expect("identity");
    let header = String::from_utf8_lossy(&text).to_string();
    let line = header.lines().find(|l| l.starts_with("-> scrypt ")).expect("scrypt line").to_owned();
    let patched: Vec<u8> = String::from_utf8_lossy(&text).replacen(&line, &line.replace(" 10", " 30"), 1).into_bytes();
    fs::write(&path, &patched).expect("write");
    let before = fingerprint(&fx.dir);
    let started = std::time::Instant::now();
    let failure =
        Vault::open(&fx.dir).expect("open").unlock(&UnlockKey::Passphrase(pass(PASSPHRASE))).expect_err("refused");
    assert!(matches!(failure.error, UnlockError::ExcessiveWork(30)), "{:?}", failure.error);
    assert!(started.elapsed().as_secs() < 30, "2^30 would take far longer: the limit was checked first");
    assert_eq!(fingerprint(&fx.dir), before);
}

fn damage(
    fx: &Fixture,
    relative: &str,
    how: impl FnOnce(&mut Vec<u8>),
) -> std::collections::BTreeMap<std::path::PathBuf, Vec<u8>> {
    let path = fx.dir.join(relative);
    let mut bytes = fs::read(&path).expect("read");
    how(&mut bytes);
    fs::write(&path, &bytes).expect("write");
    fingerprint(&fx.dir)
}

fn expect_damaged(fx: &Fixture, file_part: &str) {
    let before = fingerprint(&fx.dir);
    let failure = Vault::open(&fx.dir).expect("open").unlock(&fx.by_key()).expect_err("damaged");
    match &failure.error {
        UnlockError::Damaged { file, .. } => assert!(file.contains(file_part), "{file}"),
        other => panic!("expected damage in {file_part}, got {other:?}"),
    }
    assert_eq!(failure.error.kind(), ErrorKind::Damaged);
    assert_eq!(fingerprint(&fx.dir), before, "a damaged vault is never overwritten");
}

#[test]
fn a_truncated_or_bit_flipped_snapshot_is_refused_and_not_overwritten() {
    for flip in [false, true] {
        let (fx, mut vault) = Fixture::new();
        add_case(&mut vault, "c1", "Hazel 1");
        let vault = vault.lock().expect("lock"); // folds into snapshot 2
        drop(vault);
        damage(&fx, "snapshots/00000002.age", |b| {
            if flip {
                let i = b.len() - 100;
                b[i] ^= 0x01;
            } else {
                b.truncate(b.len() - 300);
            }
        });
        expect_damaged(&fx, "snapshots/00000002.age");
    }
}

#[test]
fn a_bit_flipped_journal_record_is_refused_and_not_overwritten() {
    for record in [0usize, 2] {
        let (fx, mut vault) = Fixture::new();
        for i in 0..3 {
            add_case(&mut vault, &format!("c{i}"), "Linden");
        }
        drop(vault);
        damage(&fx, "journal/00000001.journal", |b| {
            let text = String::from_utf8(b.clone()).expect("armor is text");
            let starts: Vec<usize> = text.match_indices("-----BEGIN").map(|(i, _)| i).collect();
            let i = starts[record] + 120; // inside the base64 body of the record
            b[i] = if b[i] == b'A' { b'B' } else { b'A' };
        });
        expect_damaged(&fx, "journal/00000001.journal");
    }
}

#[test]
fn a_journal_for_a_missing_snapshot_is_refused() {
    let (fx, vault) = Fixture::new();
    drop(vault);
    fs::copy(fx.dir.join("snapshots/00000001.age"), fx.dir.join("journal/00000009.journal")).expect("copy");
    expect_damaged(&fx, "journal/00000009.journal");
}

#[test]
fn a_rejected_edit_changes_nothing() {
    let (fx, mut vault) = Fixture::new();
    let before = fingerprint(&fx.dir);
    let result: Result<(), EditError<rusqlite::Error>> = vault.edit(|tx| {
        tx.execute("INSERT INTO cases(id, code_name, created_at, updated_at) VALUES('x','Yew','t','t')", [])?;
        tx.execute("INSERT INTO notes(id, case_id, body, created_at) VALUES('n','no such case','b','t')", [])?;
        Ok(())
    });
    assert!(matches!(result, Err(EditError::Rejected(_))), "the foreign key refuses the note");
    assert!(case_names(&vault).is_empty());
    assert_eq!(fingerprint(&fx.dir), before);
}

#[test]
fn five_generations_are_kept_and_one_can_be_restored_and_undone() {
    let (fx, mut vault) = Fixture::new();
    for i in 0..8 {
        add_case(&mut vault, &format!("c{i}"), &format!("Oak {i}"));
        vault.fold().expect("fold");
    }
    let generations = vault.generations();
    assert_eq!(generations.len(), KEPT_GENERATIONS);
    assert_eq!(generations.iter().map(|g| g.number).collect::<Vec<_>>(), vec![5, 6, 7, 8, 9]);
    assert!(generations.last().expect("last").current);
    assert!(matches!(vault.restore(2), Err(RestoreError::NoSuchGeneration(2))));
    vault.restore(6).expect("restore");
    assert_eq!(case_names(&vault).len(), 5, "generation 6 holds cases c0..c4");
    add_case(&mut vault, "after", "Ash");
    drop(vault);
    let mut vault = fx.unlock();
    assert_eq!(case_names(&vault).len(), 6);
    // The state before the restore (8 cases) is still generation 9: restore it back.
    vault.restore(9).expect("undo");
    assert_eq!(case_names(&vault).len(), 8);
}

#[test]
fn compact_leaves_exactly_one_snapshot_and_no_journal() {
    let (fx, mut vault) = Fixture::new();
    for i in 0..3 {
        add_case(&mut vault, &format!("c{i}"), "Elm");
        vault.fold().expect("fold");
    }
    add_case(&mut vault, "c9", "Elm");
    vault.compact().expect("compact");
    let names: Vec<String> = fs::read_dir(fx.dir.join("snapshots"))
        .expect("dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    let mut names = names;
    names.sort();
    assert_eq!(
        names,
        [format!("{:08}.age", vault.generation()), format!("{:08}.seal", vault.generation())],
        "one snapshot and its seal"
    );
    assert_eq!(fs::read_dir(fx.dir.join("journal")).expect("dir").count(), 0);
    assert_eq!(case_names(&vault).len(), 4);
}

#[test]
fn verify_and_stats_report_without_content() {
    let (_fx, mut vault) = Fixture::new();
    add_case(&mut vault, "c1", "Willow");
    add_note(&mut vault, "n1", "c1", "a private note that must not appear in stats");
    let report = vault.verify().expect("verify");
    assert!(report.ok(), "{report:?}");
    assert_eq!(report.journal_records, 2);
    let stats = vault.stats().expect("stats");
    assert_eq!(stats.journal_records, 2);
    assert!(stats.tables.contains(&("notes".into(), 1)));
    let json = serde_json::to_string(&stats).expect("json");
    assert!(!json.contains("private note") && !json.contains("Willow"));
}

#[test]
fn leftover_temp_files_are_ignored_and_cleaned() {
    let (fx, mut vault) = Fixture::new();
    add_case(&mut vault, "c1", "Poplar");
    drop(vault);
    let mut f = fs::File::create(fx.dir.join("snapshots/00000002.age.tmp")).expect("tmp");
    f.write_all(b"half a snapshot").expect("write");
    drop(f);
    let vault = fx.unlock();
    assert_eq!(case_names(&vault).len(), 1);
    assert!(!fx.dir.join("snapshots/00000002.age.tmp").exists());
}

#[test]
fn a_newer_vault_is_refused_with_a_message() {
    let (fx, vault) = Fixture::new();
    drop(vault);
    crate::interop::rewrite_snapshot(&fx, 1, "PRAGMA user_version = 99;");
    let before = fingerprint(&fx.dir);
    let failure = Vault::open(&fx.dir).expect("open").unlock(&fx.by_key()).expect_err("newer");
    assert!(matches!(failure.error, UnlockError::NewerFormat { found: 99, .. }), "{:?}", failure.error);
    assert!(failure.error.to_string().contains("newer version of Circlebook"));
    assert_eq!(fingerprint(&fx.dir), before);
}

#[test]
fn vault_files_and_folders_are_for_the_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let (fx, mut vault) = Fixture::new();
    add_case(&mut vault, "c1", "Aspen");
    vault.fold().expect("fold");
    add_case(&mut vault, "c2", "Aspen");
    let mut checked = 0;
    let mut stack = vec![fx.dir.clone()];
    while let Some(path) = stack.pop() {
        let mode = fs::metadata(&path).expect("meta").permissions().mode() & 0o777;
        if path.is_dir() {
            assert_eq!(mode, 0o700, "{}", path.display());
            stack.extend(fs::read_dir(&path).expect("dir").map(|e| e.expect("entry").path()));
        } else {
            assert_eq!(mode, 0o600, "{}", path.display());
        }
        checked += 1;
    }
    assert!(checked >= 7, "marker, lock, identity, two folders, a snapshot and a journal");
}
