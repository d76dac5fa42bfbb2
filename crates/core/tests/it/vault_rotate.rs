//! Issue 8 item 12: key rotation. A new identity, the state re-encrypted to it and sealed with its MAC key, the
//! same passphrase re-wrapping it, every file of the old key deleted; the old recovery key and an old copy of
//! `identity.age` then open nothing new, and a crash at any step leaves a vault the passphrase opens.

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;

use circlebook_core::vault::{Notice, RotateError, RotateStep, UnlockError};
use circlebook_core::{SecretString, UnlockKey, UnlockedVault, Vault};

use crate::common::*;
use crate::vault_forged::recipe;

fn by_passphrase() -> UnlockKey {
    UnlockKey::Passphrase(pass(PASSPHRASE))
}

fn unlock_by_passphrase(dir: &Path) -> UnlockedVault {
    Vault::open(dir).expect("open").unlock(&by_passphrase()).expect("the passphrase opens the vault")
}

/// Unwraps an `identity.age` with the passphrase (the `age` crate's scrypt, as `age -d` would), giving the
/// identity's text `AGE-SECRET-KEY-1…`.
fn unwrap_identity_file(path: &Path) -> String {
    let bytes = fs::read(path).expect("identity.age");
    let identity = age::scrypt::Identity::new(pass(PASSPHRASE));
    let decryptor = age::Decryptor::new_buffered(&bytes[..]).expect("an age file");
    let mut reader =
        decryptor.decrypt(std::iter::once(&identity as &dyn age::Identity)).expect("the passphrase unwraps it");
    let mut text = String::new();
    reader.read_to_string(&mut text).expect("text");
    text.trim().to_owned()
}

/// Every file below `dir`.
fn files(dir: &Path) -> Vec<PathBuf> {
    fingerprint(dir).into_keys().map(|p| dir.join(p)).collect()
}

/// Whether Debian's `age -d` decrypts `file`, or one of its armored records (a journal holds several; a torn
/// tail is the start of one), with the identity in `key_file`.
fn age_opens(key_file: &Path, file: &Path) -> bool {
    let try_one = |path: &Path| {
        Command::new("age")
            .arg("-d")
            .arg("-i")
            .arg(key_file)
            .arg("-o")
            .arg("/dev/null")
            .arg(path)
            .output()
            .expect("run age")
            .status
            .success()
    };
    if try_one(file) {
        return true;
    }
    let bytes = fs::read(file).expect("read");
    let text = String::from_utf8_lossy(&bytes);
    let begin = "-----BEGIN AGE ENCRYPTED FILE-----";
    let pieces: Vec<&str> = text
        .match_indices(begin)
        .map(|(at, _)| at)
        .collect::<Vec<_>>()
        .windows(2)
        .map(|w| &text[w[0]..w[1]])
        .chain(text.rfind(begin).map(|at| &text[at..]))
        .collect();
    let scratch = tempfile::tempdir().expect("tempdir");
    pieces.iter().enumerate().any(|(n, piece)| {
        let path = scratch.path().join(format!("{n}.age"));
        fs::write(&path, piece).expect("write");
        try_one(&path)
    })
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).expect("mkdir");
    for entry in fs::read_dir(from).expect("read_dir") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

/// A vault with two generations, a journal of two records and a torn tail moved aside: files of every kind the
/// old key opens.
fn vault_with_every_kind_of_file() -> (Fixture, UnlockedVault) {
    let (fx, mut vault) = Fixture::new();
    add_case(&mut vault, "c1", "Rowan");
    add_note(&mut vault, "n1", "c1", "the first note");
    vault.fold().expect("fold");
    add_case(&mut vault, "c2", "Alder");
    add_case(&mut vault, "c3", "Hazel");
    let generation = vault.generation();
    drop(vault);
    // A torn tail: half of the last record, as an interrupted append leaves it.
    let journal = fx.dir.join(format!("journal/{generation:08}.journal"));
    let bytes = fs::read(&journal).expect("journal");
    let last = String::from_utf8_lossy(&bytes).rfind("-----BEGIN AGE ENCRYPTED FILE-----").expect("a record");
    let mut torn = bytes.clone();
    torn.extend_from_slice(&bytes[last..last + (bytes.len() - last) / 2]);
    let cut = torn.len() - (bytes.len() - last) / 2;
    let cut_at = &torn[cut..];
    assert!(!cut_at.is_empty());
    fs::write(&journal, &torn).expect("tear");
    let vault = unlock_by_passphrase(&fx.dir);
    assert!(vault.torn_tail_dropped() > 0, "{:?}", vault.notices());
    (fx, vault)
}

fn write_key_file(fx: &Fixture, key: &str, name: &str) -> PathBuf {
    let path = fx.scratch(name);
    fs::write(&path, format!("{key}\n")).expect("key file");
    path
}

#[test]
fn after_rotation_the_old_recovery_key_opens_no_file_and_the_new_one_rebuilds_the_data() {
    let (fx, mut vault) = vault_with_every_kind_of_file();
    let old_identity = fx.scratch("old-identity.age");
    fs::copy(fx.dir.join("identity.age"), &old_identity).expect("copy aside");
    let before: Vec<PathBuf> = files(&fx.dir).into_iter().filter(|f| age_opens(&fx.key_file, f)).collect();
    assert!(
        before.iter().any(|f| f.to_string_lossy().ends_with(".journal"))
            && before.iter().filter(|f| f.to_string_lossy().ends_with(".age")).count() >= 2,
        "before the rotation the old key opens snapshots and journal records: {before:?}"
    );

    assert!(files(&fx.dir).iter().any(|f| f.to_string_lossy().contains(".torn-")), "a torn tail was moved aside");
    let new_key = vault.rotate_key(&pass(PASSPHRASE), FAST).expect("rotate");
    assert_ne!(new_key.expose(), fx.key.expose());
    assert_eq!(case_names(&vault).len(), 3, "the data is unchanged");
    add_case(&mut vault, "c4", "Elder"); // a record under the new key
    let generation = vault.generation();
    drop(vault);

    // The old recovery key, with Debian's age: no file in the folder decrypts.
    for file in files(&fx.dir) {
        assert!(!age_opens(&fx.key_file, &file), "the old key still opens {}", file.display());
    }
    let names: Vec<String> = fingerprint(&fx.dir).into_keys().map(|p| p.display().to_string()).collect();
    assert!(
        !names.iter().any(|n| n.contains(".torn-") || n.ends_with(".tmp") || n == "rotation-pending"),
        "no torn tail, temp file or rotation record is left: {names:?}"
    );
    assert_eq!(
        names.iter().filter(|n| n.starts_with("snapshots/") && n.ends_with(".age")).count(),
        1,
        "only the new generation is left: {names:?}"
    );

    // The new recovery key, with assets/recover.sh: the data, including the record written after the rotation.
    let new_key_file = write_key_file(&fx, new_key.expose(), "new-recovery.txt");
    assert!(age_opens(&new_key_file, &fx.dir.join(format!("snapshots/{generation:08}.age"))));
    let out = fx.scratch("rebuilt.db");
    let recipe = run_recipe(&fx.dir, &new_key_file, &out);
    assert!(recipe.status.success(), "{}", String::from_utf8_lossy(&recipe.stderr));
    assert_eq!(
        sqlite(&out, "SELECT group_concat(code_name, ',') FROM (SELECT code_name FROM cases ORDER BY id)"),
        "Rowan,Alder,Hazel,Elder"
    );

    // The old identity.age, unwrapped with the passphrase, is the old key and opens not the new snapshot.
    let old_text = unwrap_identity_file(&old_identity);
    assert_eq!(old_text, fx.key.expose());
    let unwrapped = write_key_file(&fx, &old_text, "old-unwrapped.txt");
    assert!(!age_opens(&unwrapped, &fx.dir.join(format!("snapshots/{generation:08}.age"))));
    // The new identity.age unwraps to the new key.
    assert_eq!(unwrap_identity_file(&fx.dir.join("identity.age")), new_key.expose());

    // The core agrees: the old recovery key is refused, the new one and the passphrase open the vault.
    let failure = Vault::open(&fx.dir).expect("open").unlock(&fx.by_key()).expect_err("old key");
    assert!(matches!(failure.error, UnlockError::WrongRecoveryKey), "{:?}", failure.error);
    drop(failure);
    let vault = Vault::open(&fx.dir)
        .expect("open")
        .unlock(&UnlockKey::RecoveryKey(pass(new_key.expose())))
        .expect("the new recovery key opens it");
    assert_eq!(case_names(&vault).len(), 4);
    drop(vault);
    assert_eq!(case_names(&unlock_by_passphrase(&fx.dir)).len(), 4);
}

/// Runs assets/recover.sh on `dir` with the key in `key_file`; returns its output whatever the exit status.
fn run_recipe(dir: &Path, key_file: &Path, out: &Path) -> std::process::Output {
    let _ = fs::remove_file(out);
    Command::new("sh").arg(recipe()).arg(dir).arg(key_file).arg(out).output().expect("sh")
}

#[test]
fn the_old_identity_file_and_old_snapshots_put_back_are_refused() {
    let (fx, vault) = vault_with_every_kind_of_file();
    let old_copy = fx.scratch("old-folder");
    vault.lock().map_err(|f| f.error).expect("lock");
    copy_dir(&fx.dir, &old_copy);
    let mut vault = unlock_by_passphrase(&fx.dir);
    vault.rotate_key(&pass(PASSPHRASE), FAST).expect("rotate");
    drop(vault);

    // Only the old identity.age put back: it opens no snapshot there; refused, nothing written.
    fs::copy(old_copy.join("identity.age"), fx.dir.join("identity.age")).expect("put back");
    let before = fingerprint(&fx.dir);
    let failure = Vault::open(&fx.dir).expect("open").unlock(&by_passphrase()).expect_err("refused");
    assert!(matches!(failure.error, UnlockError::Damaged { .. }), "{:?}", failure.error);
    drop(failure);
    assert_eq!(fingerprint(&fx.dir), before, "nothing was written");

    // The whole old folder put back (old identity.age and old snapshots): refused as a rollback on this computer.
    fs::remove_dir_all(&fx.dir).expect("remove");
    copy_dir(&old_copy, &fx.dir);
    let before = fingerprint(&fx.dir);
    let failure = Vault::open(&fx.dir).expect("open").unlock(&by_passphrase()).expect_err("refused");
    assert!(matches!(failure.error, UnlockError::Rollback { .. }), "{:?}", failure.error);
    drop(failure);
    let failure = Vault::open(&fx.dir).expect("open").unlock(&fx.by_key()).expect_err("refused");
    assert!(matches!(failure.error, UnlockError::Rollback { .. }), "{:?}", failure.error);
    drop(failure);
    assert_eq!(fingerprint(&fx.dir), before, "nothing was written");
}

#[test]
fn a_wrong_passphrase_rotates_nothing() {
    let (fx, mut vault) = Fixture::new();
    add_case(&mut vault, "c1", "Rowan");
    vault.save().expect("save");
    let before = fingerprint(&fx.dir);
    let wrong: SecretString = pass("lantern orchard velvet compass");
    let error = vault.rotate_key(&wrong, FAST).expect_err("refused");
    assert!(matches!(error, RotateError::WrongPassphrase), "{error:?}");
    assert_eq!(fingerprint(&fx.dir), before, "nothing was written");
    drop(vault);
    assert_eq!(case_names(&fx.unlock()).len(), 1, "the old recovery key still opens it");
}

/// A crash after each step of the rotation: the passphrase always opens the vault with all its data; before the
/// commit (identity.age replaced) the old key is the key, after it the new one, and the next unlock finishes or
/// undoes the rotation so that no file of the other key is left.
#[test]
fn a_crash_at_every_step_leaves_a_vault_the_passphrase_opens() {
    for step in [
        RotateStep::Pending,
        RotateStep::Snapshot,
        RotateStep::NewMark,
        RotateStep::Identity,
        RotateStep::OldMark,
        RotateStep::Journals,
        RotateStep::Snapshots,
    ] {
        let (fx, mut vault) = vault_with_every_kind_of_file();
        let stopped = vault.rotate_key_until(&pass(PASSPHRASE), FAST, Some(step)).expect("rotate");
        assert!(stopped.is_none(), "{step:?}: stopped");
        drop(vault); // the crash
        let committed = !matches!(step, RotateStep::Pending | RotateStep::Snapshot | RotateStep::NewMark);
        assert!(fx.dir.join("rotation-pending").exists(), "{step:?}: the record is there until the rotation ends");

        let vault = unlock_by_passphrase(&fx.dir);
        assert_eq!(case_names(&vault).len(), 3, "{step:?}: every case is there");
        let expected = if committed { "rotation_finished" } else { "rotation_undone" };
        let kinds: Vec<String> = vault
            .notices()
            .iter()
            .map(|n| serde_json::to_value(n).expect("json")["kind"].as_str().expect("kind").to_owned())
            .collect();
        assert!(kinds.iter().any(|k| k == expected), "{step:?}: {kinds:?}");
        assert!(
            vault.notices().iter().all(|n| !matches!(n, Notice::RollbackAccepted { .. })),
            "{step:?}: {:?}",
            vault.notices()
        );
        drop(vault);
        assert!(!fx.dir.join("rotation-pending").exists(), "{step:?}: the unlock finished with the record");
        // Nothing is lost: the undone rotation's generation is set aside, not deleted.
        let set_aside = files(&fx.dir).into_iter().filter(|f| f.to_string_lossy().contains(".set-aside-")).count();
        let expected_aside = if matches!(step, RotateStep::Snapshot | RotateStep::NewMark) { 2 } else { 0 };
        assert_eq!(set_aside, expected_aside, "{step:?}: the snapshot and seal set aside");

        let current = unwrap_identity_file(&fx.dir.join("identity.age"));
        assert_eq!(current == fx.key.expose(), !committed, "{step:?}: which key identity.age holds");
        let current_file = write_key_file(&fx, &current, "current.txt");
        for file in files(&fx.dir) {
            let name = file.to_string_lossy().into_owned();
            if name.ends_with(".age") && name.contains("/snapshots/") && !name.contains(".set-aside-") {
                assert!(age_opens(&current_file, &file), "{step:?}: {name} is the current key's");
                if committed {
                    assert!(!age_opens(&fx.key_file, &file), "{step:?}: the old key opens {name}");
                }
            }
            assert!(!name.contains(".torn-") || !committed, "{step:?}: the old torn tail is left: {name}");
        }
        // The recovery recipe, with the key that identity.age holds, rebuilds the data.
        let out = fx.scratch("rebuilt.db");
        let recipe = run_recipe(&fx.dir, &current_file, &out);
        assert!(recipe.status.success(), "{step:?}: {}", String::from_utf8_lossy(&recipe.stderr));
        assert_eq!(sqlite(&out, "SELECT count(*) FROM cases"), "3", "{step:?}");
        // And the recovery key of that moment opens the vault in the core too.
        let vault = Vault::open(&fx.dir)
            .expect("open")
            .unlock(&UnlockKey::RecoveryKey(pass(&current)))
            .expect("the current recovery key opens it");
        assert_eq!(case_names(&vault).len(), 3);
        drop(vault);
        if committed {
            let failure = Vault::open(&fx.dir).expect("open").unlock(&fx.by_key()).expect_err("old key");
            assert!(matches!(failure.error, UnlockError::WrongRecoveryKey), "{step:?}: {:?}", failure.error);
        }
    }
}

/// Flips one character of the wrapped file key in an age header (the body line of its first stanza), so that
/// no identity opens it: the same "no matching key" a rotation's newer generation gives.
fn damage_age_header(path: &Path) {
    let mut bytes = fs::read(path).expect("snapshot");
    let lines: Vec<usize> = bytes.iter().enumerate().filter(|(_, b)| **b == b'\n').map(|(i, _)| i).take(3).collect();
    assert!(bytes.starts_with(b"age-encryption.org/v1\n-> X25519 "), "a binary age file with an X25519 stanza");
    let at = lines[1] + 5; // inside the stanza's body line
    bytes[at] = if bytes[at] == b'A' { b'B' } else { b'A' };
    fs::write(path, bytes).expect("write");
}

/// The flaw that held the first rotation patch back: a newest snapshot whose age header is damaged fails as "no
/// matching key", like a rotation's uncommitted generation; an unlock must refuse it as damaged (and write
/// nothing), not open the generation before it and remove the newest.
#[test]
fn a_damaged_newest_header_is_refused_not_taken_for_a_rotation() {
    let (fx, mut vault) = Fixture::new();
    add_case(&mut vault, "c1", "Rowan");
    vault.fold().expect("fold");
    add_case(&mut vault, "c2", "Alder");
    vault.fold().expect("fold");
    let newest = vault.generation();
    drop(vault);
    damage_age_header(&fx.dir.join(format!("snapshots/{newest:08}.age")));
    let before = fingerprint(&fx.dir);
    let failure = Vault::open(&fx.dir).expect("open").unlock(&by_passphrase()).expect_err("refused");
    assert!(matches!(failure.error, UnlockError::Damaged { .. }), "{:?}", failure.error);
    drop(failure);
    assert_eq!(fingerprint(&fx.dir), before, "the folder is byte-identical");

    // A rotation record that is not sealed under this key (forged, or another vault's) changes nothing.
    let forged = format!(
        "circlebook rotation pending v1\nvault 00\ngeneration {newest}\nold {z}\nnew {z}\n",
        z = "0".repeat(64)
    );
    fs::write(fx.dir.join("rotation-pending"), forged).expect("forge");
    let before = fingerprint(&fx.dir);
    let failure = Vault::open(&fx.dir).expect("open").unlock(&by_passphrase()).expect_err("refused");
    assert!(matches!(failure.error, UnlockError::Damaged { .. }), "{:?}", failure.error);
    drop(failure);
    assert_eq!(fingerprint(&fx.dir), before, "the folder is byte-identical");

    // The way back (issue 8 item 7) still works: the generation before opens on purpose.
    let vault = Vault::open(&fx.dir)
        .expect("open")
        .restore_generation(&by_passphrase(), newest - 1, &Default::default())
        .expect("restore the generation before");
    assert_eq!(case_names(&vault).len(), 1);
}

/// A record sealed under the key names the rotation's generation; a damaged snapshot of another (older) number
/// is not skipped because of it.
#[test]
fn a_rotation_record_skips_only_the_generation_it_names() {
    let (fx, mut vault) = vault_with_every_kind_of_file();
    vault.rotate_key_until(&pass(PASSPHRASE), FAST, Some(RotateStep::Pending)).expect("rotate");
    drop(vault); // a crash after the record, before the new generation
    let newest = *fingerprint(&fx.dir)
        .keys()
        .filter_map(|p| p.to_str()?.strip_prefix("snapshots/")?.strip_suffix(".age")?.parse::<u64>().ok())
        .collect::<Vec<_>>()
        .last()
        .expect("a snapshot");
    damage_age_header(&fx.dir.join(format!("snapshots/{newest:08}.age")));
    let before = fingerprint(&fx.dir);
    let failure = Vault::open(&fx.dir).expect("open").unlock(&by_passphrase()).expect_err("refused");
    assert!(matches!(failure.error, UnlockError::Damaged { .. }), "{:?}", failure.error);
    drop(failure);
    assert_eq!(fingerprint(&fx.dir), before, "the folder is byte-identical");
}
