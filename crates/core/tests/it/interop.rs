//! Interop with the real tools: Debian's `age` and `sqlite3` read what the core writes, and the core reads
//! what `age` writes to the vault's recipient.

use std::fs;
use std::process::Command;

use crate::common::*;

fn recipient(fx: &Fixture) -> String {
    String::from_utf8(run(Command::new("age-keygen").arg("-y").arg(&fx.key_file))).expect("utf8").trim().to_owned()
}

/// Decrypts a snapshot with `age`, changes it with `sqlite3`, encrypts it back with `age -r`, and seals it with
/// the MAC key (as the key holder can; computed by `sqlite3` the way docs/FORMAT.md and the recipe do). The seal is
/// a whole-file seal, the form written before session 13, so the tests that use this also keep it readable.
pub fn rewrite_snapshot(fx: &Fixture, generation: u64, sql: &str) {
    let snapshot = fx.dir.join(format!("snapshots/{generation:08}.age"));
    let db = fx.scratch("rewrite.db");
    let _ = fs::remove_file(&db);
    run(Command::new("age").arg("-d").arg("-i").arg(&fx.key_file).arg("-o").arg(&db).arg(&snapshot));
    sqlite(&db, sql);
    run(Command::new("age").arg("-r").arg(recipient(fx)).arg("-o").arg(&snapshot).arg(&db));
    fs::remove_file(&db).expect("remove plaintext");
    let seal = sqlite_mac(
        fx,
        &format!("'circlebook snapshot v2' || char(10) || '{generation}' || char(10)"),
        &format!("readfile('{}')", snapshot.display()),
    );
    fs::write(fx.dir.join(format!("snapshots/{generation:08}.seal")), format!("{seal}\n")).expect("seal");
}

/// SHA3-256(key ‖ fields ‖ content) in hex, computed by Debian's `sqlite3`: the key from the recovery key file as
/// docs/FORMAT.md says (SHA3-256 of "circlebook mac key v2\n" and the key's text), `fields` an SQL text
/// expression (the domain line and the fields, each ended by a newline), `content` an SQL blob expression.
pub fn sqlite_mac(fx: &Fixture, fields: &str, content: &str) -> String {
    let secret = fx.key.expose();
    let sql = format!(
        "SELECT lower(hex(sha3(sha3(CAST('circlebook mac key v2' || char(10) || '{secret}' AS BLOB), 256) || CAST({fields} AS BLOB) || {content}, 256)));"
    );
    let mut child = Command::new("sqlite3")
        .arg(":memory:")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("sqlite3");
    std::io::Write::write_all(&mut child.stdin.take().expect("stdin"), sql.as_bytes()).expect("write");
    let out = child.wait_with_output().expect("sqlite3");
    assert!(out.status.success(), "sqlite3 {:?}: {} for {sql}", out.status, String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).expect("utf8").trim().to_owned()
}

/// The vault id inside a snapshot (decrypted with `age`, read with `sqlite3`).
pub fn vault_id(fx: &Fixture, generation: u64) -> String {
    let db = fx.scratch("meta.db");
    let _ = fs::remove_file(&db);
    run(Command::new("age")
        .arg("-d")
        .arg("-i")
        .arg(&fx.key_file)
        .arg("-o")
        .arg(&db)
        .arg(fx.dir.join(format!("snapshots/{generation:08}.age"))));
    let id = sqlite(&db, "SELECT vault_id FROM vault_meta");
    fs::remove_file(&db).expect("remove");
    id
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
    run(Command::new("age")
        .arg("-d")
        .arg("-i")
        .arg(&fx.key_file)
        .arg("-o")
        .arg(&db)
        .arg(fx.dir.join(format!("snapshots/{gen:08}.age"))));
    assert_eq!(sqlite(&db, "PRAGMA integrity_check"), "ok");
    assert_eq!(sqlite(&db, "SELECT code_name FROM cases"), "Larch");
}

/// Issue 8 items 3 and 4: a snapshot and a record made with `age -r` (no secret) are refused; made by the key
/// holder with `age` and sealed by `sqlite3`'s sha3 as docs/FORMAT.md says, they are read: the documented MAC is
/// the one the core computes.
#[test]
fn age_cli_files_are_read_only_with_the_documented_mac() {
    let (fx, vault) = Fixture::new();
    drop(vault);
    rewrite_snapshot(
        &fx,
        1,
        "INSERT INTO cases(id, code_name, created_at, updated_at) VALUES('x', 'From the CLI', 't', 't');",
    );
    let seal = fs::read_to_string(fx.dir.join("snapshots/00000001.seal")).expect("seal").trim().to_owned();
    let body = "BEGIN;\nUPDATE cases SET stage = 'paused' WHERE id = 'x';\nCOMMIT;\n";
    let write_record = |mac: &str| {
        let plain = fx.scratch("record.sql");
        fs::write(&plain, format!("-- circlebook journal generation 1 sequence 1 mac {mac}\n{body}")).expect("write");
        run(Command::new("age")
            .arg("-a")
            .arg("-r")
            .arg(recipient(&fx))
            .arg("-o")
            .arg(fx.dir.join("journal/00000001.journal"))
            .arg(&plain));
        fs::remove_file(&plain).expect("remove");
    };
    // Without the key: any tag is a guess.
    write_record(&"0".repeat(64));
    let failure = circlebook_core::Vault::open(&fx.dir).expect("open").unlock(&fx.by_key()).expect_err("forged");
    assert!(failure.error.to_string().contains("fails authentication"), "{}", failure.error);
    drop(failure);
    let id = vault_id(&fx, 1);
    let fields = format!("'circlebook record v2' || char(10) || '{id}' || char(10) || '1' || char(10) || '1' || char(10) || '{seal}' || char(10)");
    write_record(&sqlite_mac(
        &fx,
        &fields,
        &format!("CAST('{}' AS BLOB)", body.replace('\'', "''").replace('\n', "' || char(10) || '")),
    ));
    // The rewritten snapshot is another history than the one this computer saw: accepted on purpose here.
    let options = circlebook_core::vault::UnlockOptions { accept_rollback: true, ..Default::default() };
    let vault =
        circlebook_core::Vault::open(&fx.dir).expect("open").unlock_with(&fx.by_key(), &options).expect("unlock");
    let row: (String, String) = vault
        .conn()
        .query_row("SELECT code_name, stage FROM cases WHERE id = 'x'", [], |r| Ok((r.get(0)?, r.get(1)?)))
        .expect("row");
    assert_eq!(row, ("From the CLI".into(), "paused".into()));
}

/// The head seal (every snapshot written since session 13), computed by `sqlite3` as docs/FORMAT.md and the recipe
/// do: SHA3-256(K ‖ "circlebook snapshot head v1\n" ‖ G ‖ "\n" ‖ the file's length ‖ "\n" ‖ the age header through
/// its `--- ` line and the 16-byte nonce).
fn head_mac(fx: &Fixture, generation: u64) -> String {
    let file = format!("readfile('{}')", fx.dir.join(format!("snapshots/{generation:08}.age")).display());
    let mac_line = format!("instr({file}, X'0a2d2d2d20')");
    let head = format!("substr({file}, 1, {mac_line} + instr(substr({file}, {mac_line} + 1), X'0a') + 16)");
    sqlite_mac(
        fx,
        &format!(
            "'circlebook snapshot head v1' || char(10) || '{generation}' || char(10) || length({file}) || char(10)"
        ),
        &head,
    )
}

/// What the core writes beside a snapshot is the documented head seal. The same database encrypted anew with `age
/// -r` (a new header) is refused under it; sealed anew by the key holder with `sqlite3` it is read; one byte added
/// after the payload, or the old whole-file seal's form around a head tag, is refused.
#[test]
fn the_head_seal_is_the_documented_mac_and_binds_the_header_and_length() {
    let (fx, mut vault) = Fixture::new();
    add_case(&mut vault, "c1", "Rowan");
    vault.fold().expect("fold");
    let generation = vault.generation();
    drop(vault);
    let snapshot = fx.dir.join(format!("snapshots/{generation:08}.age"));
    let seal = fx.dir.join(format!("snapshots/{generation:08}.seal"));
    assert_eq!(fs::read_to_string(&seal).expect("seal"), format!("head {}\n", head_mac(&fx, generation)));
    let unlock = || {
        let options = circlebook_core::vault::UnlockOptions { accept_rollback: true, ..Default::default() };
        circlebook_core::Vault::open(&fx.dir)
            .expect("open")
            .unlock_with(&fx.by_key(), &options)
            .map(drop)
            .map_err(|f| f.error.to_string())
    };
    unlock().expect("the vault as written opens");

    // The same plaintext, encrypted anew to the vault's recipient: a new header and file key.
    let written = fs::read(&snapshot).expect("snapshot");
    let db = fx.scratch("anew.db");
    run(Command::new("age").arg("-d").arg("-i").arg(&fx.key_file).arg("-o").arg(&db).arg(&snapshot));
    run(Command::new("age").arg("-r").arg(recipient(&fx)).arg("-o").arg(&snapshot).arg(&db));
    fs::remove_file(&db).expect("remove plaintext");
    let refused = unlock().expect_err("a new header under the old seal");
    assert!(refused.contains("fails authentication"), "{refused}");
    // The key holder seals it: read.
    fs::write(&seal, format!("head {}\n", head_mac(&fx, generation))).expect("seal");
    unlock().expect("sealed by the key holder");

    // The original file and seal back, then one byte more after the payload: the length is sealed.
    fs::write(&snapshot, &written).expect("restore");
    let head_seal = format!("head {}\n", head_mac(&fx, generation));
    fs::write(&seal, &head_seal).expect("seal");
    unlock().expect("the original again");
    let mut longer = written.clone();
    longer.push(0);
    fs::write(&snapshot, &longer).expect("longer");
    let refused = unlock().expect_err("a byte added");
    assert!(refused.contains("fails authentication"), "{refused}");
    // The tag without its `head ` word is read as a whole-file seal, which it is not.
    fs::write(&snapshot, &written).expect("restore");
    fs::write(&seal, head_seal.trim_start_matches("head ")).expect("seal");
    let refused = unlock().expect_err("a head tag as a whole-file seal");
    assert!(refused.contains("fails authentication"), "{refused}");
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
    let refused =
        Command::new("sqlite3").arg(&db).arg("UPDATE notes SET body = 'x' WHERE id = 'n1'").output().expect("sqlite3");
    assert!(
        !refused.status.success(),
        "the format-5 index should be out of reach of Debian's sqlite3 (this test's premise)"
    );

    let conn = rusqlite::Connection::open(&db).expect("open");
    assert_eq!(migrate_with(&conn, &MIGRATIONS[..2]).expect("migration 2"), 1);
    assert_eq!(version(&conn).expect("version"), 2);
    crate::model_search::assert_index_agrees_with_tables(&conn);
    drop(conn);
    // Debian's sqlite3 now writes through the triggers and reads the index.
    sqlite(&db, "UPDATE notes SET body = 'a quiet garden' WHERE id = 'n1'; UPDATE cases SET stage = 'follow_up' WHERE id = 'c1';");
    assert_eq!(
        sqlite(
            &db,
            "SELECT record_id FROM search_index WHERE search_index MATCH 'body:garden AND case_facets:sfollowup'"
        ),
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
        conn.query_row("SELECT count(*) FROM search_index WHERE search_index MATCH ?1", [word], |r| r.get(0))
            .expect("match")
    };
    assert_eq!(
        unindexed(&conn, "xenpronoun") + unindexed(&conn, "chosenindirect") + unindexed(&conn, "bothwilling"),
        0
    );

    assert_eq!(migrate_with(&conn, &MIGRATIONS[..3]).expect("migration 3"), 1);
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
    vault
        .edit(|tx| tx.execute("DELETE FROM notes WHERE rowid IN (SELECT rowid FROM notes LIMIT 2)", []))
        .expect("delete");
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
        let mut stmt =
            vault.conn().prepare("SELECT kind, record_id FROM search_index ORDER BY kind, record_id").expect("prepare");
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).expect("query").collect::<Result<_, _>>().expect("rows")
    };
    drop(vault); // as after a crash: the journal holds the edits
    assert!(fs::read_dir(fx.dir.join("journal")).expect("journal").any(|e| e
        .expect("entry")
        .metadata()
        .expect("meta")
        .len()
        > 0));
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
    run(Command::new("age")
        .arg("-d")
        .arg("-i")
        .arg(&fx.key_file)
        .arg("-o")
        .arg(&db)
        .arg(fx.dir.join(format!("snapshots/{gen:08}.age"))));
    let bytes = fs::read(&db).expect("read");
    assert!(bytes.windows(5).any(|w| w == b"Larch"), "the snapshot should hold the case (this test's premise)");
    assert!(!bytes.windows(14).any(|w| w == b"quetzalcoatlus"), "a deleted note's word is still in the snapshot");
    assert_eq!(sqlite(&db, "SELECT count(*) FROM search_index WHERE search_index MATCH 'another'"), "1");
}
