//! Drives the real `circlebook-cli` binary; modules mirror `src/commands` and `src/bench` (`reads` covers
//! `cases`, `show`, `search`, `due` and `report` on one shared demo vault).
//!
//! Creating a vault through the CLI costs a real scrypt 2^18 (about a second); most tests make their vault
//! in-process with a cheap work factor instead, and the CLI then unlocks it cheaply.

#[path = "cli/access.rs"]
mod access;
#[path = "cli/bench.rs"]
mod bench;
#[path = "cli/bundles.rs"]
mod bundles;
#[path = "cli/call.rs"]
mod call;
#[path = "cli/contacts.rs"]
mod contacts;
#[path = "cli/corpus.rs"]
mod corpus;
#[path = "cli/escapes.rs"]
mod escapes;
#[path = "cli/exchange.rs"]
mod exchange;
#[path = "cli/exchange_folder.rs"]
mod exchange_folder;
#[path = "cli/inspect.rs"]
mod inspect;
#[path = "cli/merge.rs"]
mod merge;
#[path = "cli/reads.rs"]
mod reads;
#[path = "cli/rotate.rs"]
mod rotate;
#[path = "cli/upkeep.rs"]
mod upkeep;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use circlebook_core::{Kdf, SecretString, Vault};

pub const PASS: &str = "lantern orchard velvet compass drizzle";
pub const NEW_PASS: &str = "harbour quill meadow tinsel granite";

/// What one run of the binary did.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(self.stdout.trim()).unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {}", self.stdout))
    }

    /// Exit 0.
    pub fn ok(self) -> Self {
        assert_eq!(self.code, 0, "expected success: {self:?}");
        self
    }

    /// Exit 1 with exactly one line on stderr that contains `text`.
    pub fn fails_with(self, text: &str) -> Self {
        assert_eq!(self.code, 1, "expected exit 1: {self:?}");
        assert_eq!(self.stderr.lines().count(), 1, "expected one line on stderr: {:?}", self.stderr);
        assert!(self.stderr.contains(text), "expected {text:?} in {:?}", self.stderr);
        self
    }
}

/// The binary with no passphrase in its environment and a private HOME.
pub fn cli(home: &Path) -> Command {
    // CIRCLEBOOK_CLI runs a copy (a shared target folder's binary can be another checkout's by the time tests run).
    let exe = std::env::var_os("CIRCLEBOOK_CLI").unwrap_or_else(|| env!("CARGO_BIN_EXE_circlebook-cli").into());
    let mut cmd = Command::new(exe);
    cmd.env_remove("CIRCLEBOOK_PASSPHRASE")
        .env_remove("CIRCLEBOOK_NEW_PASSPHRASE")
        .env_remove("CIRCLEBOOK_BUNDLE_PASSPHRASE")
        .env("HOME", home)
        .env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_STATE_HOME", home.join("state"))
        .env_remove("CIRCLEBOOK_STATE_DIR")
        .stdin(Stdio::null());
    cmd
}

/// Runs `circlebook-cli --vault VAULT ARGS…` with `passphrase` in `CIRCLEBOOK_PASSPHRASE`.
pub fn run(vault: &Path, passphrase: Option<&str>, args: &[&str]) -> Run {
    let home = vault.parent().expect("vault inside a temp dir");
    let mut cmd = cli(home);
    cmd.arg("--vault").arg(vault).args(args);
    if let Some(p) = passphrase {
        cmd.env("CIRCLEBOOK_PASSPHRASE", p);
    }
    finish(&mut cmd)
}

pub fn finish(cmd: &mut Command) -> Run {
    let out = cmd.output().expect("the binary runs");
    Run {
        code: out.status.code().expect("exited"),
        stdout: String::from_utf8(out.stdout).expect("utf-8 stdout"),
        stderr: String::from_utf8(out.stderr).expect("utf-8 stderr"),
    }
}

/// A vault made in-process with a cheap scrypt work factor; returns its folder and recovery key.
pub fn quick_vault(temp: &Path) -> (PathBuf, String) {
    let dir = temp.join("vault");
    // In-process vaults keep their high-water marks beside the test's folders, never in the real state folder.
    static STATE: std::sync::OnceLock<tempfile::TempDir> = std::sync::OnceLock::new();
    circlebook_core::vault::use_state_dir_for_this_process(
        STATE.get_or_init(|| tempfile::tempdir().expect("state")).path(),
    );
    let (vault, key) = Vault::create(&dir, &SecretString::from(PASS), Kdf { log_n: 10 }).expect("create");
    vault.lock().expect("lock");
    (dir, key.expose().to_owned())
}

/// Every file under `dir` and its bytes.
pub fn files(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut found = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).expect("read dir") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let bytes = std::fs::read(&path).expect("read");
                found.insert(path, bytes);
            }
        }
    }
    found
}

/// Runs an external tool and returns its trimmed stdout, failing the test if it fails.
pub fn tool(program: &str, args: &[&std::ffi::OsStr]) -> String {
    let out = Command::new(program).args(args).output().unwrap_or_else(|e| panic!("{program} runs: {e}"));
    assert!(out.status.success(), "{program} failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).expect("utf-8").trim().to_owned()
}

#[test]
fn usage_errors_exit_2() {
    let temp = tempfile::tempdir().expect("temp");
    for args in [
        &[][..],
        &["frobnicate"],
        &["stats", "--bogus"],
        &["restore", "abc"],
        &["demo"],
        &["bench", "--samples", "0"],
        &["bench", "--cases", "0"],
        &["call"],
        &["call", "--list", "create_case"],
        &["search"],
        &["search", "x", "--role", "judge"],
        &["report", "--from", "2026-01-01"],
        &["report", "--from", "2026-13-01", "--to", "2026-12-31"],
        &["due", "--within", "soon"],
        &["demo", "--cases", "1", "--today", "May"],
    ] {
        let run = finish(cli(temp.path()).args(args));
        assert_eq!(run.code, 2, "{args:?}: {run:?}");
    }
    let help = finish(cli(temp.path()).arg("--help")).ok();
    assert!(help.stdout.contains("recover"));
}
