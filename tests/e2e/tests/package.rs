//! Issue 10, "An installable package": the .deb from scripts/package.sh installs with `dpkg -i`, the installed
//! `/usr/bin/circlebook` starts under Xvfb at the unlock screen of the person's vault, and `dpkg -r` leaves that
//! vault byte-identical. It installs into the system, so it runs only when asked: `scripts/test-package.sh`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use circlebook_e2e::harness::{cli, AppUnderTest, Options, PASSPHRASE};
use circlebook_e2e::{require_display, wait_for, Error, Screenshots};

const INSTALLED: &str = "/usr/bin/circlebook";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "installs a package system-wide; scripts/test-package.sh runs it"]
async fn the_deb_installs_starts_at_the_unlock_screen_and_uninstalls_leaving_the_vault() -> Result<(), Error> {
    require_display();
    let deb = std::env::var_os("CIRCLEBOOK_DEB").map(PathBuf::from).ok_or("set CIRCLEBOOK_DEB to the .deb to test")?;
    run(Command::new("dpkg").arg("-i").arg(&deb))?;
    assert!(Path::new(INSTALLED).is_file(), "{INSTALLED} is installed");
    assert!(Path::new("/usr/share/applications/Circlebook.desktop").is_file(), "the menu entry is installed");
    // Issue 9: the file dialogs' test seam is compiled out of release builds (src-tauri/src/dialog.rs).
    let binary = std::fs::read(INSTALLED)?;
    for seam in ["CIRCLEBOOK_TEST_OPEN_PATH", "CIRCLEBOOK_TEST_SAVE_DIR", "CIRCLEBOOK_TEST_FOLDER"] {
        assert!(!binary.windows(seam.len()).any(|w| w == seam.as_bytes()), "{seam} is in the shipped binary");
    }

    // The person's vault, in the default folder under a fresh HOME.
    let home = tempfile::Builder::new().prefix("circlebook-deb-").tempdir()?;
    let vault = home.path().join("data/circlebook/vault");
    std::fs::create_dir_all(&vault)?;
    let recovery = home.path().join("recovery.txt");
    let recovery_arg = recovery.to_string_lossy().into_owned();
    cli(&vault, PASSPHRASE, &["init", "--recovery-out", &recovery_arg])?;
    std::fs::remove_file(&recovery)?;

    let options = Options { app: Some(PathBuf::from(INSTALLED)), default_vault_dir: true, ..Options::default() };
    let app = AppUnderTest::start_in(home, &options).await?;
    wait_for(&app.client, "unlock-screen").await?;
    assert_eq!(app.client.title().await?, "Circlebook");
    Screenshots::new()?.take(&app.client, "installed-unlock-en").await?;
    let home = app.close().await?;
    let before = digest(&vault)?;

    run(Command::new("dpkg").args(["-r", "circlebook"]))?;
    assert!(!Path::new(INSTALLED).exists(), "{INSTALLED} is removed");
    assert_eq!(digest(&vault)?, before, "uninstalling leaves the vault as it was");
    assert!(before.len() >= 3, "the vault's files are there: {before:?}");
    drop(home);
    Ok(())
}

fn run(command: &mut Command) -> Result<(), Error> {
    let out = command.output()?;
    if !out.status.success() {
        return Err(format!("{command:?} failed: {}", String::from_utf8_lossy(&out.stderr)).into());
    }
    Ok(())
}

/// Every file under `dir` with its bytes.
fn digest(dir: &Path) -> Result<BTreeMap<PathBuf, Vec<u8>>, Error> {
    let mut files = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(path) = stack.pop() {
        if path.is_dir() {
            stack.extend(std::fs::read_dir(&path)?.flatten().map(|e| e.path()));
        } else {
            files.insert(path.strip_prefix(dir)?.to_path_buf(), std::fs::read(&path)?);
        }
    }
    Ok(files)
}
