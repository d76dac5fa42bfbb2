//! Issue 8 item 4: records forged with nothing but the vault's public recipient (`age -r`) never run SQL beyond
//! DML, in the core or in the recovery recipe; nothing is written inside or outside the vault folder.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use circlebook_core::vault::UnlockError;
use circlebook_core::Vault;

use crate::common::*;

pub fn recipient(fx: &Fixture) -> String {
    String::from_utf8(run(Command::new("age-keygen").arg("-y").arg(&fx.key_file))).expect("utf8").trim().to_owned()
}

pub fn recipe() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../assets/recover.sh")
}

/// Runs the recovery recipe; returns its output whatever the exit status.
pub fn run_recipe(fx: &Fixture, out: &Path) -> Output {
    Command::new("sh").arg(recipe()).arg(&fx.dir).arg(&fx.key_file).arg(out).output().expect("sh")
}

/// Appends a record encrypted with `age -a -r RECIPIENT` (no secret needed) to the journal of `generation`.
pub fn append_forged(fx: &Fixture, generation: u64, sql: &str) {
    let plain = fx.scratch("forged.sql");
    fs::write(&plain, sql).expect("write");
    let sealed = run(Command::new("age").arg("-a").arg("-r").arg(recipient(fx)).arg(&plain));
    fs::remove_file(&plain).expect("remove");
    let path = fx.dir.join(format!("journal/{generation:08}.journal"));
    let mut bytes = fs::read(&path).unwrap_or_default();
    bytes.extend_from_slice(&sealed);
    fs::write(&path, bytes).expect("append");
}

#[test]
fn a_forged_record_that_attaches_a_file_is_refused_and_writes_nothing() {
    let (fx, mut vault) = Fixture::new();
    add_case(&mut vault, "c1", "Rowan");
    drop(vault);
    let stolen = fx.scratch("stolen.db");
    let sql = format!(
        "-- circlebook journal generation 1 sequence 2\nBEGIN;\nATTACH '{}' AS x;\nCREATE TABLE x.cases AS SELECT * FROM main.cases;\nCOMMIT;\n",
        stolen.display()
    );
    append_forged(&fx, 1, &sql);
    let before = fingerprint(&fx.dir);
    let failure = Vault::open(&fx.dir).expect("open").unlock(&fx.by_key()).expect_err("a forged record is refused");
    assert!(matches!(failure.error, UnlockError::Damaged { .. }), "{:?}", failure.error);
    assert!(!stolen.exists(), "the forged record wrote a plaintext copy of the cases outside the vault");
    assert_eq!(fingerprint(&fx.dir), before, "nothing in the vault changed");
}

#[test]
fn a_forged_record_that_rewrites_the_schema_is_refused() {
    let (fx, mut vault) = Fixture::new();
    add_case(&mut vault, "c1", "Rowan");
    drop(vault);
    append_forged(
        &fx,
        1,
        "-- circlebook journal generation 1 sequence 2\nBEGIN;\nPRAGMA writable_schema=ON;\nUPDATE sqlite_master SET sql = replace(sql, 'code_name', 'code') WHERE name = 'cases';\nDROP TABLE notes;\nCOMMIT;\n",
    );
    let before = fingerprint(&fx.dir);
    let failure = Vault::open(&fx.dir).expect("open").unlock(&fx.by_key()).expect_err("refused");
    assert!(matches!(failure.error, UnlockError::Damaged { .. }), "{:?}", failure.error);
    assert_eq!(fingerprint(&fx.dir), before);
    // Without the forged record the vault opens as it was.
    let vault = failure.vault;
    drop(vault);
}

#[test]
fn the_recipe_refuses_a_forged_record_that_runs_a_shell_command() {
    let (fx, mut vault) = Fixture::new();
    add_case(&mut vault, "c1", "Rowan");
    drop(vault);
    let touched = fx.scratch("touched-by-shell");
    append_forged(
        &fx,
        1,
        &format!("-- circlebook journal generation 1 sequence 2\n.shell touch '{}'\n", touched.display()),
    );
    let out = fx.scratch("recovered.db");
    let result = run_recipe(&fx, &out);
    assert!(!touched.exists(), "the recipe ran a shell command from a forged record");
    assert!(!result.status.success(), "the recipe said ok: {}", String::from_utf8_lossy(&result.stdout));
}
