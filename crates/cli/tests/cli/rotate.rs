//! `rotate-key` (issue 8 item 12): a new key for the vault, the new recovery key shown once like `init` shows it;
//! the old recovery key then opens no file (Debian's `age`) and is refused by `recover`; the passphrase stays.

use std::os::unix::fs::PermissionsExt;

use super::*;

fn age_opens(key_file: &Path, file: &Path) -> bool {
    Command::new("age")
        .arg("-d")
        .arg("-i")
        .arg(key_file)
        .arg("-o")
        .arg("/dev/null")
        .arg(file)
        .output()
        .expect("age runs")
        .status
        .success()
}

fn snapshots(vault: &Path) -> Vec<PathBuf> {
    files(vault)
        .into_keys()
        .filter(|p| p.extension().is_some_and(|e| e == "age") && p.parent().is_some_and(|d| d.ends_with("snapshots")))
        .collect()
}

#[test]
fn rotate_key_shows_a_new_recovery_key_once_and_the_old_one_opens_nothing() {
    let temp = tempfile::tempdir().expect("temp");
    let (vault, old_key) = quick_vault(temp.path());
    run(&vault, Some(PASS), &["demo", "--cases", "3", "--today", "2026-03-01"]).ok();
    let cases = run(&vault, Some(PASS), &["stats", "--json"]).ok().json()["tables"]["cases"].clone();
    assert_eq!(cases, 3);
    let old_key_file = temp.path().join("old-key.txt");
    std::fs::write(&old_key_file, format!("{old_key}\n")).expect("write key");
    assert!(snapshots(&vault).iter().any(|s| age_opens(&old_key_file, s)), "the old key opens a snapshot before");

    // A wrong passphrase changes nothing.
    let before = files(&vault);
    run(&vault, Some(NEW_PASS), &["rotate-key"]).fails_with("passphrase does not open this vault");
    assert_eq!(files(&vault), before, "nothing was written");

    let out = run(&vault, Some(PASS), &["rotate-key"]).ok();
    assert!(out.stdout.contains("shown only this once"), "{}", out.stdout);
    assert_eq!(out.stdout.matches("AGE-SECRET-KEY-1").count(), 1, "{}", out.stdout);
    let new_key =
        out.stdout.split_whitespace().find(|w| w.starts_with("AGE-SECRET-KEY-1")).expect("the new key").to_owned();
    assert_ne!(new_key, old_key);

    for file in files(&vault).into_keys() {
        assert!(!age_opens(&old_key_file, &file), "the old key opens {}", file.display());
    }
    let new_key_file = temp.path().join("new-key.txt");
    std::fs::write(&new_key_file, format!("{new_key}\n")).expect("write key");
    let current = snapshots(&vault);
    assert_eq!(current.len(), 1, "only the new generation is left: {current:?}");
    assert!(age_opens(&new_key_file, &current[0]));

    // The passphrase is unchanged and the data is all there.
    assert_eq!(run(&vault, Some(PASS), &["stats", "--json"]).ok().json()["tables"]["cases"], 3);
    // The old recovery key cannot set a passphrase; the new one can.
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
    recover(&old_key_file).fails_with("recovery key does not open this vault");
    recover(&new_key_file).ok();
    assert_eq!(run(&vault, Some(NEW_PASS), &["stats", "--json"]).ok().json()["tables"]["cases"], 3);

    // --recovery-out: the next key goes to a new private file, not to the terminal.
    let out_file = temp.path().join("third-key.txt");
    let json =
        run(&vault, Some(NEW_PASS), &["rotate-key", "--json", "--recovery-out", out_file.to_str().expect("utf-8")])
            .ok()
            .json();
    assert_eq!(json["recovery_key_file"], out_file.to_str().expect("utf-8"));
    let mode = std::fs::metadata(&out_file).expect("key file").permissions().mode();
    assert_eq!(mode & 0o777, 0o600);
    let third = std::fs::read_to_string(&out_file).expect("read");
    assert!(third.lines().any(|l| l.starts_with("AGE-SECRET-KEY-1")) && !third.contains(&new_key));
    for file in files(&vault).into_keys() {
        assert!(!age_opens(&new_key_file, &file), "the second key opens {}", file.display());
    }
    assert!(snapshots(&vault).iter().all(|s| age_opens(&out_file, s)));
}
