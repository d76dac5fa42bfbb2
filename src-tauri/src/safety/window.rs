//! The main window, made from tauri.conf.json's entry: its webview is incognito (WebKit keeps no cache or web
//! storage on disk). Tauri would still give WebKit a data folder under `~/.local/share/<identifier>` (where WebKit
//! writes salts and an HSTS database even for an incognito view), so the window gets a private throwaway folder
//! instead: in `$XDG_RUNTIME_DIR` (memory) when there is one, else the temp folder; removed at exit, and any left
//! by a crash is removed at the next start. WebKitGTK cannot automate an ephemeral webview, so under WebDriver
//! (`TAURI_WEBVIEW_AUTOMATION=true`, set by tauri-driver) the view is not incognito and its storage lives in that
//! throwaway folder; the end-to-end tests check that locking clears it, and `webview_keeps_nothing_on_disk` checks
//! the shipped, incognito mode without WebDriver.

use std::path::PathBuf;

use tauri::{App, Manager, Runtime, WebviewWindowBuilder};

use super::MAIN_WINDOW;

/// The throwaway webview folder.
#[derive(Debug, Default)]
pub struct AutomationData(pub Option<PathBuf>);

fn under_automation() -> bool {
    std::env::var("TAURI_WEBVIEW_AUTOMATION").as_deref() == Ok("true")
}

/// Creates the main window.
pub fn create<R: Runtime>(app: &mut App<R>) -> tauri::Result<()> {
    let Some(config) = app.config().app.windows.iter().find(|w| w.label == MAIN_WINDOW).cloned() else {
        return Err(tauri::Error::WindowNotFound);
    };
    remove_stale_automation_data();
    let dir = throwaway_root().join(format!("{AUTOMATION_PREFIX}{}", std::process::id()));
    {
        use std::os::unix::fs::DirBuilderExt;
        std::fs::DirBuilder::new().mode(0o700).recursive(true).create(&dir)?;
    }
    app.manage(AutomationData(Some(dir.clone())));
    WebviewWindowBuilder::from_config(app.handle(), &config)?
        .incognito(!under_automation())
        .data_directory(dir)
        .build()?;
    Ok(())
}

const AUTOMATION_PREFIX: &str = "circlebook-webview-";

/// `$XDG_RUNTIME_DIR` (a per-user folder in memory) when set, else the temp folder.
fn throwaway_root() -> PathBuf {
    std::env::var_os("XDG_RUNTIME_DIR")
        .filter(|dir| !dir.is_empty() && std::path::Path::new(dir).is_dir())
        .map_or_else(std::env::temp_dir, PathBuf::from)
}

/// Throwaway folders of earlier runs whose process has gone (a crash, or WebKit's own processes outliving the app).
fn remove_stale_automation_data() {
    let Ok(entries) = std::fs::read_dir(throwaway_root()) else { return };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name.to_str().and_then(|n| n.strip_prefix(AUTOMATION_PREFIX)) else {
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
