//! Shared fixtures: vaults with a cheap KDF, folder fingerprints, real CLI tools.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use circlebook_core::{Kdf, RecoveryKey, SecretString, UnlockKey, UnlockedVault, Vault};

/// Tests wrap the identity at 2^10 so that hundreds of unlocks stay fast; 2^18 is tested once on its own.
pub const FAST: Kdf = Kdf { log_n: 10 };
pub const PASSPHRASE: &str = "lantern orchard velvet compass drizzle";

pub fn pass(text: &str) -> SecretString {
    SecretString::from(text.to_owned())
}

pub struct Fixture {
    pub _tmp: tempfile::TempDir,
    pub dir: PathBuf,
    pub key: RecoveryKey,
    pub key_file: PathBuf,
}

/// Points this test process's high-water marks at a temp folder (once), never at the real state folder.
pub fn isolate_state() {
    static DIR: std::sync::OnceLock<tempfile::TempDir> = std::sync::OnceLock::new();
    let dir = DIR.get_or_init(|| tempfile::tempdir().expect("state dir"));
    circlebook_core::vault::use_state_dir_for_this_process(dir.path());
}

impl Fixture {
    pub fn new() -> (Fixture, UnlockedVault) {
        isolate_state();
        let tmp = tempfile::tempdir().expect("tempdir");
        let dir = tmp.path().join("vault");
        let (vault, key) = Vault::create(&dir, &pass(PASSPHRASE), FAST).expect("create");
        let key_file = tmp.path().join("recovery.txt");
        std::fs::write(&key_file, format!("{}\n", key.expose())).expect("key file");
        (Fixture { _tmp: tmp, dir, key, key_file }, vault)
    }

    pub fn unlock(&self) -> UnlockedVault {
        Vault::open(&self.dir).expect("open").unlock(&self.by_key()).expect("unlock")
    }

    pub fn by_key(&self) -> UnlockKey {
        UnlockKey::RecoveryKey(pass(self.key.expose()))
    }

    pub fn scratch(&self, name: &str) -> PathBuf {
        self._tmp.path().join(name)
    }
}

/// Every file below `dir` with its bytes: "byte-identical" means equal fingerprints.
pub fn fingerprint(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).expect("read_dir") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.insert(path.strip_prefix(dir).expect("prefix").to_path_buf(), std::fs::read(&path).expect("read"));
            }
        }
    }
    out
}

pub fn add_case(vault: &mut UnlockedVault, id: &str, name: &str) {
    vault
        .edit(|tx| {
            tx.execute(
                "INSERT INTO cases(id, code_name, created_at, updated_at) VALUES(?1, ?2, '2026-01-01', '2026-01-01')",
                [id, name],
            )
        })
        .expect("add case");
}

pub fn add_note(vault: &mut UnlockedVault, id: &str, case: &str, body: &str) {
    vault
        .edit(|tx| {
            tx.execute(
                "INSERT INTO notes(id, case_id, body, created_at) VALUES(?1, ?2, ?3, '2026-01-02')",
                [id, case, body],
            )
        })
        .expect("add note");
}

pub fn case_names(vault: &UnlockedVault) -> Vec<(String, String)> {
    let mut stmt = vault.conn().prepare("SELECT id, code_name FROM cases ORDER BY id").expect("prepare");
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).expect("query");
    rows.collect::<Result<_, _>>().expect("rows")
}

/// Runs a real command line tool; panics with its stderr when it fails.
pub fn run(cmd: &mut Command) -> Vec<u8> {
    let out = cmd.output().unwrap_or_else(|e| panic!("could not run {cmd:?}: {e}"));
    assert!(out.status.success(), "{cmd:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    out.stdout
}

pub fn sqlite(db: &Path, sql: &str) -> String {
    String::from_utf8(run(Command::new("sqlite3").arg(db).arg(sql))).expect("utf8").trim().to_owned()
}
