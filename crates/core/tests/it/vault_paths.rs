//! Issue 8 item 2: a symbolic link, folder or FIFO where a vault file or folder belongs is refused with a clear
//! error; nothing is followed, nothing outside the folder is touched, and nothing waits on a FIFO.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::mpsc;
use std::time::Duration;

use circlebook_core::{UnlockKey, Vault};

use crate::common::*;

#[derive(Debug, Clone, Copy)]
enum Intruder {
    Symlink,
    Folder,
    Fifo,
}

/// Every path below `dir` with its kind and (for plain files) its bytes; follows nothing, opens no FIFO.
fn snapshot_of(dir: &Path) -> Vec<(PathBuf, String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in fs::read_dir(&d).expect("read_dir") {
            let path = entry.expect("entry").path();
            let kind = fs::symlink_metadata(&path).expect("meta").file_type();
            let bytes = if kind.is_file() { fs::read(&path).expect("read") } else { Vec::new() };
            if kind.is_dir() {
                stack.push(path.clone());
            }
            out.push((path, format!("{kind:?}"), bytes));
        }
    }
    out.sort();
    out
}

fn put(intruder: Intruder, at: &Path, outside: &Path) {
    match intruder {
        Intruder::Symlink => std::os::unix::fs::symlink(outside, at).expect("symlink"),
        Intruder::Folder => fs::create_dir(at).expect("mkdir"),
        Intruder::Fifo => run(Command::new("mkfifo").arg(at)).truncate(0),
    }
}

/// Opens and unlocks on another thread, so that a wait on a FIFO fails the test instead of hanging it.
fn try_unlock(dir: &Path, key: UnlockKey) -> Result<(), String> {
    let (send, receive) = mpsc::channel();
    let dir = dir.to_path_buf();
    std::thread::spawn(move || {
        let result = match Vault::open(&dir) {
            Err(e) => Err(e.to_string()),
            Ok(vault) => vault.unlock(&key).map(drop).map_err(|f| f.error.to_string()),
        };
        let _ = send.send(result);
    });
    receive.recv_timeout(Duration::from_secs(20)).expect("opening the vault waited on something (a FIFO?)")
}

#[test]
fn a_link_folder_or_fifo_at_any_vault_path_is_refused() {
    let paths = [
        "circlebook-vault",
        ".lock",
        "identity.age",
        "snapshots",
        "journal",
        "snapshots/00000001.age",
        "journal/00000001.journal",
    ];
    let mut cases = 0;
    for relative in paths {
        for intruder in [Intruder::Symlink, Intruder::Folder, Intruder::Fifo] {
            let folder_path = matches!(relative, "snapshots" | "journal");
            if folder_path && matches!(intruder, Intruder::Folder) {
                continue; // a folder where a folder belongs is no intruder
            }
            let (fx, mut vault) = Fixture::new();
            add_case(&mut vault, "c1", "Sorrel");
            drop(vault); // snapshot 1 and a journal of one record
            let real = fx.dir.join(relative);
            // The link points at a copy of the real thing outside the folder, with a torn tail for good measure:
            // following it and "repairing" it would change it.
            let outside = fx.scratch("outside");
            fs::rename(&real, &outside).expect("move the real one out");
            if outside.is_file() {
                let mut bytes = fs::read(&outside).expect("read");
                let half = bytes[..bytes.len() / 2].to_vec();
                bytes.extend_from_slice(&half);
                fs::write(&outside, bytes).expect("write");
            }
            put(intruder, &real, &outside);
            let before_inside = snapshot_of(&fx.dir);
            let before_outside = snapshot_of(fx._tmp.path());
            let key = if relative == "identity.age" { UnlockKey::Passphrase(pass(PASSPHRASE)) } else { fx.by_key() };
            let error = try_unlock(&fx.dir, key).expect_err(&format!("{intruder:?} at {relative} was accepted"));
            let what = match intruder {
                Intruder::Symlink => "a symbolic link",
                Intruder::Folder => "a folder",
                Intruder::Fifo => "a FIFO",
            };
            let expected = if folder_path { "a folder" } else { "a file" };
            assert!(
                error.contains(&format!("is {what} where the vault keeps {expected}")),
                "{intruder:?} at {relative}: {error}"
            );
            assert_eq!(snapshot_of(&fx.dir), before_inside, "{intruder:?} at {relative}: the folder changed");
            assert_eq!(snapshot_of(fx._tmp.path()), before_outside, "{intruder:?} at {relative}: something changed");
            cases += 1;
        }
    }
    assert_eq!(cases, 19);
}
