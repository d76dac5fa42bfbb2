//! Interop with the real tools: Debian's `age` and `sqlite3` read what the core writes, and the core reads
//! what `age` writes to the vault's recipient.

use std::fs;
use std::process::Command;

use crate::common::*;

fn recipient(fx: &Fixture) -> String {
    String::from_utf8(run(Command::new("age-keygen").arg("-y").arg(&fx.key_file))).expect("utf8").trim().to_owned()
}

/// Decrypts a snapshot with `age`, changes it with `sqlite3`, and encrypts it back with `age -r`.
pub fn rewrite_snapshot(fx: &Fixture, generation: u64, sql: &str) {
    let snapshot = fx.dir.join(format!("snapshots/{generation:08}.age"));
    let db = fx.scratch("rewrite.db");
    let _ = fs::remove_file(&db);
    run(Command::new("age").arg("-d").arg("-i").arg(&fx.key_file).arg("-o").arg(&db).arg(&snapshot));
    sqlite(&db, sql);
    run(Command::new("age").arg("-r").arg(recipient(fx)).arg("-o").arg(&snapshot).arg(&db));
    fs::remove_file(&db).expect("remove plaintext");
}

fn recipe() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../assets/recover.sh")
}

#[test]
fn the_recovery_recipe_rebuilds_the_database_with_age_and_sqlite3() {
    let (fx, mut vault) = Fixture::new();
    add_case(&mut vault, "c1", "Birch 1");
    add_note(&mut vault, "n1", "c1", "it's a note with 'quotes' and a ; semicolon");
    vault.fold().expect("fold");
    add_case(&mut vault, "c2", "Birch 2");
    vault.edit(|tx| tx.execute("UPDATE cases SET stage = 'intake' WHERE id = 'c1'", [])).expect("update");
    vault.edit(|tx| tx.execute("DELETE FROM notes WHERE id = 'n1'", [])).expect("delete");
    add_note(&mut vault, "n2", "c2", "second\nline");
    drop(vault); // as after a crash: snapshot 2 plus a journal of four records
    let out = fx.scratch("recovered.db");
    let printed = String::from_utf8(run(Command::new("sh").arg(recipe()).arg(&fx.dir).arg(&fx.key_file).arg(&out)))
        .expect("utf8");
    assert_eq!(printed.trim(), "ok");
    assert_eq!(sqlite(&out, "SELECT id || ':' || stage FROM cases ORDER BY id"), "c1:intake\nc2:referral");
    assert_eq!(sqlite(&out, "SELECT id || ':' || body FROM notes"), "n2:second\nline");
    let format = fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/FORMAT.md"))
        .expect("docs/FORMAT.md");
    let script = fs::read_to_string(recipe()).expect("recipe");
    assert!(format.contains(script.trim()), "docs/FORMAT.md must show assets/recover.sh verbatim");
}

#[test]
fn compact_leaves_one_snapshot_that_age_alone_turns_into_the_database() {
    let (fx, mut vault) = Fixture::new();
    add_case(&mut vault, "c1", "Larch");
    vault.compact().expect("compact");
    let gen = vault.generation();
    drop(vault);
    let db = fx.scratch("plain.db");
    run(Command::new("age").arg("-d").arg("-i").arg(&fx.key_file).arg("-o").arg(&db).arg(fx.dir.join(format!("snapshots/{gen:08}.age"))));
    assert_eq!(sqlite(&db, "PRAGMA integrity_check"), "ok");
    assert_eq!(sqlite(&db, "SELECT code_name FROM cases"), "Larch");
}

#[test]
fn files_encrypted_by_the_age_cli_to_the_vault_recipient_are_read_by_the_core() {
    let (fx, vault) = Fixture::new();
    drop(vault);
    rewrite_snapshot(&fx, 1, "INSERT INTO cases(id, code_name, created_at, updated_at) VALUES('x', 'From the CLI', 't', 't');");
    // A journal record written by hand with `age -a`, in the documented format.
    let sql = "-- circlebook journal generation 1 sequence 1\nBEGIN;\nUPDATE cases SET stage = 'paused' WHERE id = 'x';\nCOMMIT;\n";
    let plain = fx.scratch("record.sql");
    fs::write(&plain, sql).expect("write");
    run(Command::new("age").arg("-a").arg("-r").arg(recipient(&fx)).arg("-o").arg(fx.dir.join("journal/00000001.journal")).arg(&plain));
    let vault = fx.unlock();
    let row: (String, String) = vault
        .conn()
        .query_row("SELECT code_name, stage FROM cases WHERE id = 'x'", [], |r| Ok((r.get(0)?, r.get(1)?)))
        .expect("row");
    assert_eq!(row, ("From the CLI".into(), "paused".into()));
}
