//! Issue 8 item 3: every snapshot is bound to its generation and vault, every record chained to the one before,
//! and this computer's high-water mark notices an older state: each rollback below is refused with a message
//! saying what happened and how to accept it; accepted on purpose, it opens with a loud notice.

use std::fs;

use circlebook_core::vault::{Notice, UnlockError, UnlockOptions};
use circlebook_core::Vault;

use crate::common::*;

/// Three records in journal 2 (after a fold), the process dropped as after a crash.
fn vault_with_history() -> Fixture {
    let (fx, mut vault) = Fixture::new();
    add_case(&mut vault, "c1", "Aspen");
    vault.fold().expect("fold"); // generation 2
    for i in 2..5 {
        add_case(&mut vault, &format!("c{i}"), "Aspen");
    }
    drop(vault);
    fx
}

fn records(journal: &[u8]) -> Vec<Vec<u8>> {
    let text = String::from_utf8(journal.to_vec()).expect("armor");
    let end = "-----END AGE ENCRYPTED FILE-----\n";
    text.split_inclusive(end).map(|r| r.as_bytes().to_vec()).collect()
}

fn refused_as_rollback(fx: &Fixture) -> String {
    let before = fingerprint(&fx.dir);
    let failure = Vault::open(&fx.dir).expect("open").unlock(&fx.by_key()).expect_err("a rollback is refused");
    let UnlockError::Rollback { .. } = &failure.error else { panic!("expected a rollback, got {:?}", failure.error) };
    let message = failure.error.to_string();
    assert!(message.contains("--accept-rollback"), "the message says how to accept it: {message}");
    assert_eq!(fingerprint(&fx.dir), before, "nothing was written");
    message
}

fn accepted(fx: &Fixture) -> circlebook_core::UnlockedVault {
    let options = UnlockOptions { accept_rollback: true, ..UnlockOptions::default() };
    let vault = Vault::open(&fx.dir).expect("open").unlock_with(&fx.by_key(), &options).expect("accepted on purpose");
    assert!(matches!(vault.notices(), [Notice::RollbackAccepted { .. }]), "{:?}", vault.notices());
    vault
}

#[test]
fn deleting_the_newest_snapshot_is_refused_unless_accepted() {
    let fx = vault_with_history();
    drop(fx.unlock().lock().expect("lock")); // generation 3, no journal
    fs::remove_file(fx.dir.join("snapshots/00000003.age")).expect("delete");
    fs::remove_file(fx.dir.join("snapshots/00000003.seal")).expect("delete");
    let message = refused_as_rollback(&fx);
    assert!(
        message.contains("older state (generation 2, record 0)") && message.contains("(generation 3, record 0)"),
        "{message}"
    );
    let vault = accepted(&fx);
    assert_eq!(case_names(&vault).len(), 1, "generation 2 held one case");
    drop(vault);
    assert!(fx.unlock().notices().is_empty(), "once accepted, the older state is the newest seen");
}

#[test]
fn an_older_snapshot_under_the_newest_name_is_refused() {
    let fx = vault_with_history();
    drop(fx.unlock().lock().expect("lock")); // generation 3
    for (with_seal, ext) in [(false, "age"), (true, "seal")] {
        fs::copy(fx.dir.join(format!("snapshots/00000002.{ext}")), fx.dir.join(format!("snapshots/00000003.{ext}")))
            .expect("copy");
        let before = fingerprint(&fx.dir);
        let failure = Vault::open(&fx.dir).expect("open").unlock(&fx.by_key()).expect_err("refused");
        assert!(
            matches!(&failure.error, UnlockError::Damaged { file, detail } if file == "snapshots/00000003.age" && detail.contains("fails authentication")),
            "with seal {with_seal}: {:?}",
            failure.error
        );
        assert_eq!(fingerprint(&fx.dir), before);
    }
}

#[test]
fn cutting_the_journal_at_a_record_boundary_is_refused_unless_accepted() {
    let fx = vault_with_history();
    let path = fx.dir.join("journal/00000002.journal");
    let whole = fs::read(&path).expect("journal");
    let parts = records(&whole);
    assert_eq!(parts.len(), 3);
    fx.unlock(); // this computer has seen all three records
    fs::write(&path, parts[..2].concat()).expect("cut");
    let message = refused_as_rollback(&fx);
    assert!(message.contains("(generation 2, record 2)") && message.contains("(generation 2, record 3)"), "{message}");
    let vault = accepted(&fx);
    assert_eq!(case_names(&vault).len(), 3);
}

#[test]
fn swapped_or_foreign_records_are_refused() {
    let fx = vault_with_history();
    let path = fx.dir.join("journal/00000002.journal");
    let parts = records(&fs::read(&path).expect("journal"));
    fs::write(&path, [parts[0].clone(), parts[2].clone(), parts[1].clone()].concat()).expect("swap");
    let failure = Vault::open(&fx.dir).expect("open").unlock(&fx.by_key()).expect_err("swapped");
    assert!(failure.error.to_string().contains("record 2"), "{}", failure.error);
    drop(failure);
    // The first record of another vault's journal of the same generation, under the same key cannot exist;
    // this vault's own record 1 in place of record 3 does not follow record 2.
    fs::write(&path, [parts[0].clone(), parts[1].clone(), parts[0].clone()].concat()).expect("replay");
    let failure = Vault::open(&fx.dir).expect("open").unlock(&fx.by_key()).expect_err("replayed record");
    assert!(failure.error.to_string().contains("record 3"), "{}", failure.error);
}

#[test]
fn a_damaged_high_water_mark_is_refused_unless_accepted() {
    let fx = vault_with_history();
    drop(fx.unlock());
    // This vault's mark: its name is derived from the MAC key (computed here by sqlite3, as FORMAT.md says).
    let name = crate::interop::sqlite_mac(&fx, "'circlebook high-water mark file name' || char(10)", "X''");
    let newest = circlebook_core::vault::default_state_dir().expect("state dir").join(format!("{}.hwm", &name[..32]));
    let text = fs::read_to_string(&newest).expect("mark").replace("sequence 3", "sequence 1");
    fs::write(&newest, text).expect("write");
    let message = refused_as_rollback(&fx);
    assert!(message.contains("damaged"), "{message}");
    drop(accepted(&fx));
}

/// Format 1 (no seals, no tags): a folder this computer has seen in format 2 is refused as a rollback; accepted on
/// purpose (or on a computer that never saw it), it replays under the authorizer and is saved as format 2 at once.
#[test]
fn a_format_1_vault_is_upgraded_once_and_a_downgrade_is_refused() {
    use std::process::Command;
    let (fx, mut vault) = Fixture::new();
    add_case(&mut vault, "c1", "Alder");
    drop(vault.lock().expect("lock")); // generation 2
                                       // Make the folder format 1 with the real tools, as an older Circlebook left it.
    crate::interop::rewrite_snapshot(&fx, 2, "DROP TABLE vault_meta;");
    fs::remove_file(fx.dir.join("snapshots/00000002.seal")).expect("seal");
    fs::remove_file(fx.dir.join("snapshots/00000001.seal")).expect("seal");
    fs::write(fx.dir.join("circlebook-vault"), "circlebook vault\nformat 1\n").expect("marker");
    let plain = fx.scratch("v1.sql");
    fs::write(&plain, "-- circlebook journal generation 2 sequence 1\nBEGIN;\nUPDATE cases SET stage = 'paused' WHERE id = 'c1';\nCOMMIT;\n").expect("write");
    let recipient = crate::vault_forged::recipient(&fx);
    run(Command::new("age")
        .arg("-a")
        .arg("-r")
        .arg(&recipient)
        .arg("-o")
        .arg(fx.dir.join("journal/00000002.journal"))
        .arg(&plain));

    // The recipe reads format 1 only when told to trust it.
    let refused = crate::vault_forged::run_recipe(&fx, &fx.scratch("v1-refused.db"));
    assert_eq!(refused.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("ACCEPT_UNAUTHENTICATED=1"));
    let v1 = fx.scratch("v1.db");
    let script = crate::vault_forged::recipe();
    let accepted_v1 = Command::new("sh")
        .arg(&script)
        .arg(&fx.dir)
        .arg(&fx.key_file)
        .arg(&v1)
        .env("ACCEPT_UNAUTHENTICATED", "1")
        .output()
        .expect("sh");
    assert!(accepted_v1.status.success(), "{}", String::from_utf8_lossy(&accepted_v1.stderr));
    assert_eq!(sqlite(&v1, "SELECT stage FROM cases WHERE id = 'c1'"), "paused");
    let message = refused_as_rollback(&fx);
    assert!(message.contains("format-1"), "{message}");
    let options = UnlockOptions { accept_rollback: true, ..UnlockOptions::default() };
    let vault = Vault::open(&fx.dir).expect("open").unlock_with(&fx.by_key(), &options).expect("upgraded");
    assert!(
        matches!(vault.notices(), [Notice::RollbackAccepted { .. }, Notice::FormatUpgraded { from: 1, generation: 3 }]),
        "{:?}",
        vault.notices()
    );
    let stage: String =
        vault.conn().query_row("SELECT stage FROM cases WHERE id = 'c1'", [], |r| r.get(0)).expect("stage");
    assert_eq!(stage, "paused", "the format-1 record was replayed");
    drop(vault);
    assert_eq!(fs::read_to_string(fx.dir.join("circlebook-vault")).expect("marker"), "circlebook vault\nformat 2\n");
    assert!(fx.dir.join("snapshots/00000003.seal").exists());
    assert!(fx.unlock().notices().is_empty());
    let out = fx.scratch("recovered.db");
    assert!(crate::vault_forged::run_recipe(&fx, &out).status.success());
}
