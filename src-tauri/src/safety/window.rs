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
use crate::session::{AppState, VaultStatus};

/// The throwaway webview folder.
#[derive(Debug, Default)]
pub struct AutomationData(pub Option<PathBuf>);

fn under_automation() -> bool {
    std::env::var("TAURI_WEBVIEW_AUTOMATION").as_deref() == Ok("true")
}

/// Without a GPU, WebKit draws in software: GTK's GL is then switched off (`GDK_GL=disable`, before GTK starts)
/// rather than emulated on the CPU by Mesa's llvmpipe. GTK's start then loads no GL driver, and WebKit paints without
/// accelerated compositing. Measured through the window under Xvfb (docs/PERFORMANCE.md, "Session 15"): the unlock
/// screen about 50 ms sooner, search keystrokes painted about 15 ms sooner at p95, the web process 405 → 255 MiB.
/// With a GPU (a DRM render node or NVIDIA's device) nothing changes. Nor under WebDriver: WebKitGTK 2.50's
/// screenshots never return without accelerated compositing, and the end-to-end suites photograph every screen
/// (scripts/smoke-run-app.sh checks the shipped mode's first screen is painted). A person's own GDK_GL is kept.
pub fn choose_rendering() {
    if std::env::var_os("GDK_GL").is_some() || under_automation() || has_gpu() {
        return;
    }
    std::env::set_var("GDK_GL", "disable");
}

fn has_gpu() -> bool {
    let render_node = std::fs::read_dir("/dev/dri")
        .map(|nodes| nodes.flatten().any(|n| n.file_name().to_string_lossy().starts_with("renderD")))
        .unwrap_or(false);
    render_node || std::path::Path::new("/dev/nvidia0").exists()
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
    // A vault that is there and locked when the window opens (every start but the first) is said to the page before
    // its scripts run, so that its first screen is the unlock screen at once rather than after a round trip
    // (ui/src/App.svelte, which still asks and follows the answer).
    let mut builder = WebviewWindowBuilder::from_config(app.handle(), &config)?;
    if app.state::<AppState>().session().status() == VaultStatus::Locked {
        builder = builder.initialization_script("window.__circlebookStartsLocked = true;");
    }
    builder.incognito(!under_automation()).data_directory(dir).build()?;
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
