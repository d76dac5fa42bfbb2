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

/// A version-1 database whose search index was written with FTS5 secure-delete (file format 5, which Debian's
/// sqlite3 cannot read or write) is migrated: the index is rebuilt in format 4, with its facets, from the tables.
#[test]
fn migration_2_rebuilds_the_search_index_so_that_debian_sqlite3_can_use_it() {
    use circlebook_core::schema::{migrate_with, version, MIGRATIONS};
    let fx = Fixture::new().0;
    let db = fx.scratch("version1.db");
    let conn = rusqlite::Connection::open(&db).expect("open");
    assert_eq!(migrate_with(&conn, &MIGRATIONS[..1]).expect("migration 1"), 1);
    conn.execute_batch(
        "INSERT INTO cases(id, code_name, stage, created_at, updated_at) VALUES('c1', 'Heron', 'active', 't', 't');
         INSERT INTO case_tags(case_id, tag) VALUES('c1', 'family');
         INSERT INTO participants(id, case_id, alias, role, safety_notes, created_at, updated_at)
           VALUES('p1', 'c1', 'Alder', 'person_harmed', 'a quiet room', 't', 't');
         INSERT INTO notes(id, case_id, body, created_at, participant_id) VALUES('n1', 'c1', 'first draft', 't', 'p1');
         UPDATE notes SET body = 'a quiet walk' WHERE id = 'n1';",
    )
    .expect("version-1 rows");
    drop(conn);
    let refused = Command::new("sqlite3").arg(&db).arg("UPDATE notes SET body = 'x' WHERE id = 'n1'").output().expect("sqlite3");
    assert!(!refused.status.success(), "the format-5 index should be out of reach of Debian's sqlite3 (this test's premise)");

    let conn = rusqlite::Connection::open(&db).expect("open");
    assert_eq!(migrate_with(&conn, &MIGRATIONS[..2]).expect("migration 2"), 1);
    assert_eq!(version(&conn).expect("version"), 2);
    crate::model_search::assert_index_agrees_with_tables(&conn);
    drop(conn);
    // Debian's sqlite3 now writes through the triggers and reads the index.
    sqlite(&db, "UPDATE notes SET body = 'a quiet garden' WHERE id = 'n1'; UPDATE cases SET stage = 'follow_up' WHERE id = 'c1';");
    assert_eq!(
        sqlite(&db, "SELECT record_id FROM search_index WHERE search_index MATCH 'body:garden AND case_facets:sfollowup'"),
        "n1"
    );
    assert_eq!(sqlite(&db, "PRAGMA integrity_check"), "ok");
    let conn = rusqlite::Connection::open(&db).expect("open");
    crate::model_search::assert_index_agrees_with_tables(&conn);
}

/// A version-2 database, with something in every field that migration 2 did not index, is migrated: the index is
/// rebuilt from the tables with those fields, and Debian's sqlite3 writes through the new triggers.
#[test]
fn migration_3_indexes_every_text_field_and_debian_sqlite3_keeps_it_so() {
    use circlebook_core::schema::{migrate_with, version, MIGRATIONS};
    let fx = Fixture::new().0;
    let db = fx.scratch("version2.db");
    let conn = rusqlite::Connection::open(&db).expect("open");
    assert_eq!(migrate_with(&conn, &MIGRATIONS[..2]).expect("migrations 1 and 2"), 2);
    conn.execute_batch(
        "INSERT INTO cases(id, code_name, stage, created_at, updated_at) VALUES('c1', 'Heron', 'active', 't', 't');
         INSERT INTO participants(id, case_id, alias, role, pronouns, created_at, updated_at)
           VALUES('p1', 'c1', 'Alder', 'person_harmed', 'xenpronoun', 't', 't');
         INSERT INTO processes(id, case_id, kind, opened_on, note) VALUES('pr1', 'c1', 'indirect_dialogue', 't', 'chosenindirect');
         INSERT INTO case_stage_changes(id, case_id, from_stage, to_stage, decided_by, reason, at)
           VALUES('sc1', 'c1', 'intake', 'active', 'facilitatorjo', 'bothwilling', 't');",
    )
    .expect("version-2 rows");
    let unindexed = |conn: &rusqlite::Connection, word: &str| -> i64 {
        conn.query_row("SELECT count(*) FROM search_index WHERE search_index MATCH ?1", [word], |r| r.get(0)).expect("match")
    };
    assert_eq!(unindexed(&conn, "xenpronoun") + unindexed(&conn, "chosenindirect") + unindexed(&conn, "bothwilling"), 0);

    assert_eq!(migrate_with(&conn, MIGRATIONS).expect("migration 3"), 1);
    assert_eq!(version(&conn).expect("version"), 3);
    crate::model_search::assert_index_agrees_with_tables(&conn);
    for word in ["xenpronoun", "chosenindirect", "facilitatorjo", "bothwilling"] {
        assert_eq!(unindexed(&conn, word), 1, "{word}");
    }
    drop(conn);
    sqlite(
        &db,
        "INSERT INTO consents(id, participant_id, activity, decision, method, decided_at, note, recorded_at, seq)
           VALUES('k1', 'p1', 'direct_dialogue', 'granted', 'in_person', 't', 'withsisterpresent', 't', 1);
         UPDATE participants SET role = 'supporter' WHERE id = 'p1';",
    );
    assert_eq!(
        sqlite(&db, "SELECT record_id FROM search_index WHERE search_index MATCH 'body:withsisterpresent AND record_facets:rsupporter'"),
        "k1"
    );
    let conn = rusqlite::Connection::open(&db).expect("open");
    crate::model_search::assert_index_agrees_with_tables(&conn);
}

/// The recovery recipe after real use of the case model: records changed and deleted (so the index holds deletions)
/// before the last snapshot, and a journal of stage changes, role changes and deletions after it, replayed by
/// Debian's sqlite3 through the search triggers.
#[test]
fn the_recovery_recipe_replays_case_model_edits_with_debian_sqlite3() {
    let (fx, mut vault) = Fixture::new();
    circlebook_demo::add_cases(&mut vault, 3, 7, "2026-06-15".parse().expect("date")).expect("demo");
    vault.edit(|tx| tx.execute("DELETE FROM notes WHERE rowid IN (SELECT rowid FROM notes LIMIT 2)", [])).expect("delete");
    vault.fold().expect("fold");
    vault
        .edit(|tx| {
            tx.execute_batch(
                "UPDATE cases SET stage = 'paused' WHERE rowid = (SELECT min(rowid) FROM cases);
                 UPDATE participants SET role = 'other' WHERE rowid = (SELECT min(rowid) FROM participants);
                 UPDATE notes SET body = 'a heron by the water' WHERE rowid = (SELECT min(rowid) FROM notes);
                 DELETE FROM case_tags WHERE (case_id, tag) = (SELECT case_id, tag FROM case_tags ORDER BY case_id, tag LIMIT 1);
                 DELETE FROM sessions WHERE rowid = (SELECT max(rowid) FROM sessions);",
            )
        })
        .expect("edits");
    let expected: Vec<(String, String)> = {
        let mut stmt = vault.conn().prepare("SELECT kind, record_id FROM search_index ORDER BY kind, record_id").expect("prepare");
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).expect("query").collect::<Result<_, _>>().expect("rows")
    };
    drop(vault); // as after a crash: the journal holds the edits
    assert!(fs::read_dir(fx.dir.join("journal")).expect("journal").any(|e| e.expect("entry").metadata().expect("meta").len() > 0));
    let out = fx.scratch("recovered.db");
    let printed = String::from_utf8(run(Command::new("sh").arg(recipe()).arg(&fx.dir).arg(&fx.key_file).arg(&out)))
        .expect("utf8");
    assert_eq!(printed.trim(), "ok");
    assert_eq!(sqlite(&out, "SELECT count(*) FROM search_index WHERE search_index MATCH 'heron'"), "1");
    let recovered = sqlite(&out, "SELECT kind || ' ' || record_id FROM search_index ORDER BY kind, record_id");
    let expected: Vec<String> = expected.iter().map(|(k, r)| format!("{k} {r}")).collect();
    assert_eq!(recovered, expected.join("\n"));
    let conn = rusqlite::Connection::open(&out).expect("open");
    crate::model_search::assert_index_agrees_with_tables(&conn);
}

/// FTS5 keeps a deleted record's words in its index until its segments merge; `compact` merges them before it
/// writes the one snapshot, so the snapshot (decrypted with `age`) holds no deleted text.
#[test]
fn compact_leaves_no_deleted_words_in_the_snapshot() {
    let (fx, mut vault) = Fixture::new();
    add_case(&mut vault, "c1", "Larch");
    add_note(&mut vault, "n1", "c1", "the word quetzalcoatlus stays private");
    add_note(&mut vault, "n2", "c1", "another note");
    vault.fold().expect("fold");
    vault.edit(|tx| tx.execute("DELETE FROM notes WHERE id = 'n1'", [])).expect("delete");
    vault.compact().expect("compact");
    let gen = vault.generation();
    drop(vault);
    let db = fx.scratch("compacted.db");
    run(Command::new("age").arg("-d").arg("-i").arg(&fx.key_file).arg("-o").arg(&db).arg(fx.dir.join(format!("snapshots/{gen:08}.age"))));
    let bytes = fs::read(&db).expect("read");
    assert!(bytes.windows(5).any(|w| w == b"Larch"), "the snapshot should hold the case (this test's premise)");
    assert!(!bytes.windows(14).any(|w| w == b"quetzalcoatlus"), "a deleted note's word is still in the snapshot");
    assert_eq!(sqlite(&db, "SELECT count(*) FROM search_index WHERE search_index MATCH 'another'"), "1");
}
