//! A full disk, for real: the vault on a small tmpfs (the tests run as root, as CI does).

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

use circlebook_core::vault::{EditError, Notice, SaveError};
use circlebook_core::{ErrorKind, UnlockKey, Vault};

use crate::common::*;

struct Tmpfs {
    path: PathBuf,
    _holder: tempfile::TempDir,
}

impl Tmpfs {
    fn mount(size: &str) -> Tmpfs {
        let holder = tempfile::tempdir().expect("tmp");
        let path = holder.path().join("small");
        fs::create_dir(&path).expect("mkdir");
        let out =
            Command::new("mount").args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"]).arg(&path).output();
        match out {
            Ok(o) if o.status.success() => Tmpfs { path, _holder: holder },
            Ok(o) => panic!(
                "this test mounts a small tmpfs and must run as root (as CI does): {}",
                String::from_utf8_lossy(&o.stderr)
            ),
            Err(e) => panic!("this test needs `mount` and root (as CI has): {e}"),
        }
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.path).status();
    }
}

/// Fills the file system until a write fails with ENOSPC.
fn fill(dir: &Path) -> PathBuf {
    let path = dir.join("filler");
    let mut file = fs::File::create(&path).expect("filler");
    let block = vec![0x5au8; 4096];
    loop {
        match file.write_all(&block) {
            Ok(()) => {}
            Err(e) if ErrorKind::of_io(&e) == ErrorKind::DiskFull => break,
            Err(e) => panic!("unexpected error while filling: {e}"),
        }
    }
    let _ = file.sync_all();
    path
}

#[test]
fn a_full_disk_fails_the_save_clearly_keeps_the_edits_and_a_later_save_succeeds() {
    let small = Tmpfs::mount("2m");
    let dir = small.path.join("vault");
    let key_dir = tempfile::tempdir().expect("tmp");
    isolate_state();
    let (mut vault, key) = Vault::create(&dir, &pass(PASSPHRASE), FAST).expect("create");
    add_case(&mut vault, "c1", "Juniper");
    let filler = fill(&small.path);
    let before = fingerprint(&dir);

    let big = "a long note ".repeat(2000);
    let err = vault
        .edit(|tx| tx.execute("INSERT INTO notes(id, case_id, body, created_at) VALUES('n1', 'c1', ?1, 't')", [&big]))
        .expect_err("the disk is full");
    let EditError::Unsaved(save) = err else { panic!("expected an unsaved edit, got {err:?}") };
    assert!(matches!(save, SaveError::DiskFull(_)), "{save:?}");
    assert_eq!(save.kind(), ErrorKind::DiskFull);
    assert!(save.to_string().contains("disk is full"));
    assert_eq!(fingerprint(&dir), before, "the files on disk are unchanged");
    assert!(vault.has_unsaved_changes());
    let body: String =
        vault.conn().query_row("SELECT body FROM notes WHERE id = 'n1'", [], |r| r.get(0)).expect("in memory");
    assert_eq!(body.len(), big.len());

    // A second edit while full is kept too; folding fails the same way and changes nothing.
    let err =
        vault.edit(|tx| tx.execute("UPDATE cases SET stage = 'intake' WHERE id = 'c1'", [])).expect_err("still full");
    assert!(matches!(err, EditError::Unsaved(SaveError::DiskFull(_))));
    assert!(matches!(vault.fold(), Err(SaveError::DiskFull(_))));
    assert_eq!(fingerprint(&dir), before);

    fs::remove_file(filler).expect("free space");
    vault.save().expect("a later save succeeds");
    assert!(!vault.has_unsaved_changes());
    drop(vault);
    let key_file = key_dir.path().join("k");
    fs::write(&key_file, key.expose()).expect("key");
    let vault = Vault::open(&dir)
        .expect("open")
        .unlock(&circlebook_core::UnlockKey::RecoveryKey(pass(key.expose())))
        .expect("unlock");
    let (stage, len): (String, i64) = vault
        .conn()
        .query_row(
            "SELECT stage, (SELECT length(body) FROM notes WHERE id = 'n1') FROM cases WHERE id = 'c1'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("row");
    assert_eq!((stage.as_str(), len as usize), ("intake", big.len()));
}

/// Issue 10, "disk full while locking": locking always drops the keys and the database, even when the changes whose
/// save had already failed still cannot be written. What was acknowledged is in the journal and comes back at the
/// next unlock, which says calmly that the rest was left out; the files are untouched by the failed lock.
#[test]
fn locking_on_a_full_disk_still_locks_and_the_next_unlock_says_what_was_left_out() {
    let small = Tmpfs::mount("2m");
    let dir = small.path.join("vault");
    isolate_state();
    let (mut vault, _key) = Vault::create(&dir, &pass(PASSPHRASE), FAST).expect("create");
    add_case(&mut vault, "c1", "Juniper");
    add_note(&mut vault, "n0", "c1", "acknowledged before the disk filled");
    let filler = fill(&small.path);
    let before = fingerprint(&dir);

    let big = "a long note ".repeat(2000);
    let err = vault
        .edit(|tx| tx.execute("INSERT INTO notes(id, case_id, body, created_at) VALUES('n1', 'c1', ?1, 't')", [&big]))
        .expect_err("the disk is full");
    assert!(matches!(err, EditError::Unsaved(SaveError::DiskFull(_))), "{err:?}");
    assert!(vault.has_unsaved_changes());

    let failure = vault.lock().expect_err("the unsaved change cannot be written");
    assert!(matches!(failure.error, SaveError::DiskFull(_)), "{:?}", failure.error);
    assert_eq!(failure.error.kind(), ErrorKind::DiskFull);
    let locked: Vault = failure.vault;
    assert_eq!(fingerprint(&dir), before, "the failed lock changed no file");
    assert!(Vault::open(&dir).is_err(), "the locked vault still holds its folder");

    // Still full: the unlock reads what was acknowledged and tells what was left out.
    let vault = locked.unlock(&UnlockKey::Passphrase(pass(PASSPHRASE))).expect("unlock while still full");
    assert_eq!(case_names(&vault), vec![("c1".into(), "Juniper".into())]);
    let notes: Vec<String> = {
        let mut stmt = vault.conn().prepare("SELECT id FROM notes ORDER BY id").expect("prepare");
        stmt.query_map([], |r| r.get(0)).expect("query").collect::<Result<_, _>>().expect("rows")
    };
    assert_eq!(notes, vec!["n0".to_owned()], "the acknowledged note is there, the unacknowledged one is not");
    assert_eq!(vault.notices(), &[Notice::LeftOutAtLock { cause: ErrorKind::DiskFull }]);
    assert!(vault.notices()[0].to_string().contains("disk_full"));

    // Told once: a clean lock and unlock has nothing to say.
    fs::remove_file(filler).expect("free space");
    let vault = vault.lock().expect("a clean lock").unlock(&UnlockKey::Passphrase(pass(PASSPHRASE))).expect("unlock");
    assert!(vault.notices().is_empty(), "{:?}", vault.notices());
}
