//! `init`, `passwd` and `recover`.

use std::os::unix::fs::PermissionsExt;

use super::*;

#[test]
fn init_writes_the_recovery_key_to_a_new_private_file() {
    let temp = tempfile::tempdir().expect("temp");
    let vault = temp.path().join("vault");
    let key_file = temp.path().join("recovery.txt");
    let out = run(&vault, Some(PASS), &["init", "--recovery-out", key_file.to_str().expect("utf-8")]).ok();
    let mode = std::fs::metadata(&key_file).expect("key file").permissions().mode();
    assert_eq!(mode & 0o777, 0o600);
    let key = std::fs::read_to_string(&key_file).expect("read key");
    assert!(key.lines().any(|l| l.starts_with("AGE-SECRET-KEY-1")));
    assert!(!out.stdout.contains("AGE-SECRET-KEY"), "the key must not also be printed");
    // The real age CLI reads the key file as an identity and opens the first snapshot.
    let snapshot = vault.join("snapshots/00000001.age");
    tool(
        "age",
        &[
            "-d".as_ref(),
            "-i".as_ref(),
            key_file.as_os_str(),
            "-o".as_ref(),
            temp.path().join("db").as_os_str(),
            snapshot.as_os_str(),
        ],
    );
    let stats = run(&vault, Some(PASS), &["stats", "--json"]).ok().json();
    assert_eq!(stats["tables"]["cases"], 0);

    run(&vault, Some(PASS), &["init"]).fails_with("already a vault");
    let other = temp.path().join("other");
    run(&other, Some(PASS), &["init", "--recovery-out", key_file.to_str().expect("utf-8")])
        .fails_with("already exists");
    assert!(!Vault::exists(&other), "no vault is made when the key file cannot be");
}

#[test]
fn init_prints_the_key_once_with_an_explanation() {
    let temp = tempfile::tempdir().expect("temp");
    let out = run(&temp.path().join("a"), Some(PASS), &["init"]).ok();
    assert!(out.stdout.contains("shown only this once"), "{}", out.stdout);
    assert_eq!(out.stdout.matches("AGE-SECRET-KEY-1").count(), 1);
    let json = run(&temp.path().join("b"), Some(PASS), &["init", "--json"]).ok().json();
    assert!(json["recovery_key"].as_str().expect("key").starts_with("AGE-SECRET-KEY-1"));
}

#[test]
fn init_refuses_a_weak_passphrase() {
    let temp = tempfile::tempdir().expect("temp");
    let vault = temp.path().join("vault");
    run(&vault, Some("password1234"), &["init"]).fails_with("too easy to guess");
    assert!(!Vault::exists(&vault));
}

#[test]
fn passwd_then_the_old_passphrase_fails_and_the_new_one_works() {
    let temp = tempfile::tempdir().expect("temp");
    let (vault, _) = quick_vault(temp.path());
    let home = temp.path();
    let weak = finish(
        cli(home)
            .arg("--vault")
            .arg(&vault)
            .arg("passwd")
            .env("CIRCLEBOOK_PASSPHRASE", PASS)
            .env("CIRCLEBOOK_NEW_PASSPHRASE", "short"),
    );
    weak.fails_with("too short");
    finish(
        cli(home)
            .arg("--vault")
            .arg(&vault)
            .arg("passwd")
            .env("CIRCLEBOOK_PASSPHRASE", PASS)
            .env("CIRCLEBOOK_NEW_PASSPHRASE", NEW_PASS),
    )
    .ok();
    run(&vault, Some(PASS), &["stats"]).fails_with("passphrase does not open this vault");
    run(&vault, Some(NEW_PASS), &["stats"]).ok();
}

#[test]
fn recover_sets_a_new_passphrase_with_the_recovery_key() {
    let temp = tempfile::tempdir().expect("temp");
    let (vault, key) = quick_vault(temp.path());
    let key_file = temp.path().join("key.txt");
    std::fs::write(&key_file, format!("# a comment\n{key}\n")).expect("write key");
    let recover = |file: &Path| {
        finish(
            cli(temp.path())
                .arg("--vault")
                .arg(&vault)
                .arg("recover")
                .arg("--recovery-key-file")
                .arg(file)
                .env("CIRCLEBOOK_NEW_PASSPHRASE", NEW_PASS),
        )
    };
    recover(&temp.path().join("missing.txt")).fails_with("could not be read");
    let elsewhere = tempfile::tempdir().expect("temp");
    let (_, other_key) = quick_vault(elsewhere.path());
    let other_file = temp.path().join("other.txt");
    std::fs::write(&other_file, other_key).expect("write");
    recover(&other_file).fails_with("recovery key does not open this vault");
    recover(&key_file).ok();
    run(&vault, Some(NEW_PASS), &["stats"]).ok();
    run(&vault, Some(PASS), &["stats"]).fails_with("passphrase does not open this vault");
}
