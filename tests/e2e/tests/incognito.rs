//! Issue 10, "The webview keeps no data on disk": the app as shipped (started directly, without WebDriver, which
//! needs a non-incognito webview) writes no WebKit data folder, cache, local storage or shader cache under HOME.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use circlebook_e2e::{app_binary, require_display, Error};

#[test]
fn webview_keeps_nothing_on_disk() -> Result<(), Error> {
    require_display();
    let home = tempfile::Builder::new().prefix("circlebook-incognito-").tempdir()?;
    let vault = home.path().join("vault");
    std::fs::create_dir(&vault)?;
    let mut child = Command::new(app_binary())
        .env("HOME", home.path())
        .env("XDG_DATA_HOME", home.path().join("data"))
        .env("XDG_CONFIG_HOME", home.path().join("config"))
        .env("XDG_CACHE_HOME", home.path().join("cache"))
        .env("XDG_STATE_HOME", home.path().join("state"))
        .env("CIRCLEBOOK_VAULT", &vault)
        .env_remove("TAURI_WEBVIEW_AUTOMATION")
        .stdin(Stdio::null())
        .spawn()?;
    // Long enough for WebKit to start its processes and load the page (it makes its folders at start-up).
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(8) {
        if let Some(status) = child.try_wait()? {
            return Err(format!("the app exited early: {status}").into());
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    let _ = rustix::process::kill_process(rustix::process::Pid::from_child(&child), rustix::process::Signal::TERM);
    let _ = child.wait();
    std::thread::sleep(Duration::from_millis(500));
    let written = files_under(home.path());
    let unexpected: Vec<_> = written.iter().filter(|p| !p.starts_with(&vault)).collect();
    assert!(unexpected.is_empty(), "the webview wrote to disk under HOME: {unexpected:?}");
    Ok(())
}

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(path) = stack.pop() {
        match std::fs::read_dir(&path) {
            Ok(entries) => stack.extend(entries.flatten().map(|e| e.path())),
            Err(_) => out.push(path),
        }
    }
    out
}
