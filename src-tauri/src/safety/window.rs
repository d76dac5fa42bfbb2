//! The main window, made from tauri.conf.json's entry: its webview is incognito (WebKit keeps no data folder, cache
//! or local storage on disk). WebKitGTK cannot automate an ephemeral webview, so under WebDriver
//! (`TAURI_WEBVIEW_AUTOMATION=true`, set by tauri-driver) the webview gets a private throwaway folder instead,
//! removed when the app exits; the end-to-end tests check that locking clears web storage in that mode, and
//! `webview_keeps_nothing_on_disk` checks the shipped, incognito mode without WebDriver.

use std::path::PathBuf;

use tauri::{App, Manager, Runtime, WebviewWindowBuilder};

use super::MAIN_WINDOW;

/// The throwaway webview folder used only under WebDriver.
#[derive(Debug, Default)]
pub struct AutomationData(pub Option<PathBuf>);

fn under_automation() -> bool {
    std::env::var("TAURI_WEBVIEW_AUTOMATION").as_deref() == Ok("true")
}

/// Creates the main window.
pub fn create<R: Runtime>(app: &mut App<R>) -> tauri::Result<()> {
    let Some(config) = app
        .config()
        .app
        .windows
        .iter()
        .find(|w| w.label == MAIN_WINDOW)
        .cloned()
    else {
        return Err(tauri::Error::WindowNotFound);
    };
    let mut builder = WebviewWindowBuilder::from_config(app.handle(), &config)?.incognito(true);
    let mut throwaway = None;
    if under_automation() {
        remove_stale_automation_data();
        let dir = std::env::temp_dir().join(format!("{AUTOMATION_PREFIX}{}", std::process::id()));
        {
            use std::os::unix::fs::DirBuilderExt;
            std::fs::DirBuilder::new()
                .mode(0o700)
                .recursive(true)
                .create(&dir)?;
        }
        builder = builder.incognito(false).data_directory(dir.clone());
        throwaway = Some(dir);
    }
    builder.build()?;
    app.manage(AutomationData(throwaway));
    Ok(())
}

const AUTOMATION_PREFIX: &str = "circlebook-webdriver-";

/// Throwaway folders of earlier runs whose process has gone (WebKit's own processes can outlive the app's exit).
fn remove_stale_automation_data() {
    let Ok(entries) = std::fs::read_dir(std::env::temp_dir()) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name
            .to_str()
            .and_then(|n| n.strip_prefix(AUTOMATION_PREFIX))
        else {
            continue;
        };
        if !std::path::Path::new("/proc").join(pid).exists() {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

/// Removes the throwaway webview folder, if there is one.
pub fn remove_automation_data<R: Runtime>(app: &tauri::AppHandle<R>) {
    if let Some(dir) = &app.state::<AutomationData>().0 {
        let _ = std::fs::remove_dir_all(dir);
    }
}
