//! Vaults for the suite: made with the real `circlebook-cli` (beside the app binary), filled with its synthetic
//! demo cases, and opened in the app under a temporary home.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;

use fantoccini::Client;

use crate::{app_binary, Error, TauriDriver};

/// Strong enough for the core's check (zxcvbn score 3 or more).
pub const PASSPHRASE: &str = "lantern orchard velvet compass drizzle";

/// `circlebook-cli` next to the app binary (or `CIRCLEBOOK_CLI`).
pub fn cli_binary() -> PathBuf {
    let path = std::env::var_os("CIRCLEBOOK_CLI")
        .map(PathBuf::from)
        .unwrap_or_else(|| app_binary().with_file_name("circlebook-cli"));
    assert!(path.is_file(), "{} is missing: build it with `cargo build --workspace`", path.display());
    path
}

fn cli(vault: &Path, args: &[&str]) -> Result<(), Error> {
    cli_output(vault, args).map(drop)
}

/// Runs `circlebook-cli --vault VAULT ARGS…` with the suite's passphrase; its standard output. Its high-water marks
/// go to `state/circlebook` beside the vault folder: in a [`DemoApp`]'s home, the app's own (`XDG_STATE_HOME`).
pub fn cli_output(vault: &Path, args: &[&str]) -> Result<String, Error> {
    let state = vault.parent().unwrap_or(vault).join("state/circlebook");
    let output = Command::new(cli_binary())
        .arg("--vault")
        .arg(vault)
        .args(args)
        .env("CIRCLEBOOK_PASSPHRASE", PASSPHRASE)
        .env("CIRCLEBOOK_STATE_DIR", state)
        .output()?;
    if !output.status.success() {
        return Err(format!("circlebook-cli {args:?} failed: {}", String::from_utf8_lossy(&output.stderr)).into());
    }
    Ok(String::from_utf8(output.stdout)?)
}

/// A new, empty vault in `vault` (made with the real CLI), its recovery key written beside it.
pub fn init_vault(vault: &Path) -> Result<(), Error> {
    let key = vault.with_extension("recovery.txt");
    cli(vault, &["init", "--recovery-out", &key.to_string_lossy()])
}

#[derive(Debug)]
/// A temporary home with a vault (and `cases` demo cases, none when 0), and the app opened on it.
pub struct DemoApp {
    pub home: tempfile::TempDir,
    pub driver: TauriDriver,
    pub client: Client,
}

impl DemoApp {
    pub async fn start(cases: usize) -> Result<Self, Error> {
        Self::start_with(cases, &[]).await
    }

    /// As `start`, with more variables in the app's environment (the debug builds' dialog answers, for example).
    pub async fn start_with(cases: usize, env: &[(&str, OsString)]) -> Result<Self, Error> {
        crate::require_display();
        let home = tempfile::tempdir()?;
        let vault = home.path().join("vault");
        let key = home.path().join("recovery.txt");
        cli(&vault, &["init", "--recovery-out", &key.to_string_lossy()])?;
        if cases > 0 {
            cli(&vault, &["demo", "--cases", &cases.to_string()])?;
        }
        Self::open(home, vault, env).await
    }

    /// As `start`, over a copy of a vault folder made before with the suite's passphrase (the benchmark's large
    /// vault, made once for several runs: `BENCH_VAULT`).
    pub async fn start_copy(source: &Path) -> Result<Self, Error> {
        Self::start_copy_with(source, &[]).await
    }

    /// As `start_copy`, with more variables in the app's environment.
    pub async fn start_copy_with(source: &Path, env: &[(&str, OsString)]) -> Result<Self, Error> {
        crate::require_display();
        let home = tempfile::tempdir()?;
        let vault = home.path().join("vault");
        let copied = Command::new("cp").arg("-a").arg(source).arg(&vault).status()?;
        // `sync`: the copy's writeback would otherwise go on during what is measured.
        if !copied.success() || !Command::new("sync").status()?.success() {
            return Err(format!("{} could not be copied", source.display()).into());
        }
        Self::open(home, vault, env).await
    }

    async fn open(home: tempfile::TempDir, vault: PathBuf, env: &[(&str, OsString)]) -> Result<Self, Error> {
        // Every folder the app writes to inside the throw-away home: without XDG_STATE_HOME the vault's high-water
        // mark went to the real ~/.local/state/circlebook (hundreds of them after a few runs, and a benchmark vault
        // copied twice was then taken for a rollback).
        let mut vars = vec![
            ("CIRCLEBOOK_VAULT", OsString::from(vault)),
            ("XDG_DATA_HOME", home.path().join("data").into_os_string()),
            ("XDG_CONFIG_HOME", home.path().join("config").into_os_string()),
            ("XDG_CACHE_HOME", home.path().join("cache").into_os_string()),
            ("XDG_STATE_HOME", home.path().join("state").into_os_string()),
        ];
        vars.extend(env.iter().cloned());
        let driver = TauriDriver::start(&vars)?;
        let client = driver.session(&app_binary()).await?;
        crate::axe::watch_csp(&client).await?;
        Ok(Self { home, driver, client })
    }

    /// Unlocks through the unlock screen, as a person would, and waits for the home screen's list.
    pub async fn unlock(&self) -> Result<(), Error> {
        let field = crate::wait_for(&self.client, "unlock-passphrase").await?;
        field.send_keys(&format!("{PASSPHRASE}\u{E007}")).await?;
        crate::drive::wait_ready(&self.client, "home-screen").await
    }

    /// Closes the window and stops the driver, whatever happened before.
    pub async fn finish(self, outcome: Result<(), Error>) -> Result<(), Error> {
        let outcome: Result<(), Error> = match outcome {
            Ok(()) => Ok(()),
            Err(error) => {
                // What the window showed when it failed: its text, and a screenshot to look at.
                let mut shots = crate::Screenshots::in_target("failures")?;
                let _ = shots.take(&self.client, "failure").await;
                let text =
                    self.client.execute("return document.body ? document.body.innerText : '';", Vec::new()).await;
                let text = text.map(|v| v.as_str().unwrap_or_default().chars().take(1500).collect::<String>());
                Err(format!("{error}\nThe window showed: {}", text.unwrap_or_default()).into())
            }
        };
        let closed = self.client.close().await;
        drop(self.driver);
        outcome?;
        closed?;
        Ok(())
    }
}
