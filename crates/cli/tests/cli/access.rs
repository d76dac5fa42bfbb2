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

/// A small tmpfs filled to the last block, for real (the tests run as root, as CI does): a new file can still be
/// made there, but nothing can be written into it.
struct FullDisk {
    path: std::path::PathBuf,
    _holder: tempfile::TempDir,
}

impl FullDisk {
    fn mount() -> FullDisk {
        use std::io::Write;
        let holder = tempfile::tempdir().expect("tmp");
        let path = holder.path().join("full");
        std::fs::create_dir(&path).expect("mkdir");
        let out = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", "size=64k", "tmpfs"])
            .arg(&path)
            .output()
            .expect("this test needs `mount` and root, as CI has");
        assert!(out.status.success(), "mounting a tmpfs needs root: {}", String::from_utf8_lossy(&out.stderr));
        let disk = FullDisk { path, _holder: holder };
        let mut filler = std::fs::File::create(disk.path.join("filler")).expect("filler");
        while filler.write_all(&[0x5a; 4096]).is_ok() {}
        disk
    }
}

impl Drop for FullDisk {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount").arg(&self.path).status();
    }
}

#[test]
fn a_recovery_key_file_that_cannot_be_written_prints_the_key_instead() {
    let temp = tempfile::tempdir().expect("temp");
    let disk = FullDisk::mount();
    let vault = temp.path().join("vault");
    let key_file = disk.path.join("recovery.txt");
    let out = run(&vault, Some(PASS), &["init", "--recovery-out", key_file.to_str().expect("utf-8")])
        .fails_with("could not be written");
    assert!(out.stderr.contains("printed instead"), "{}", out.stderr);
    // The vault exists and the key that opens it is on the terminal, not lost.
    assert!(Vault::exists(&vault));
    let key = out
        .stdout
        .lines()
        .map(str::trim)
        .find(|l| l.starts_with("AGE-SECRET-KEY-1"))
        .expect("the key was printed")
        .to_owned();
    let identity = temp.path().join("identity.txt");
    std::fs::write(&identity, format!("{key}\n")).expect("identity");
    tool(
        "age",
        &[
            "-d".as_ref(),
            "-i".as_ref(),
            identity.as_os_str(),
            "-o".as_ref(),
            temp.path().join("db").as_os_str(),
            vault.join("snapshots/00000001.age").as_os_str(),
        ],
    );
}
