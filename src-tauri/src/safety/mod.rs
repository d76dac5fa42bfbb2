//! Keeping case data off the screen: locking (button, Ctrl+L, idle time, screen lock, suspend, window close),
//! the quick exit, and copying sensitive text to the clipboard.
//!
//! Every lock ends the same way: the database and keys are dropped (`Session::lock`) and the webview is sent back
//! to the app's first page, so the DOM and the page's JavaScript objects start again from nothing.

pub mod clipboard;
pub mod idle;
pub mod logind;
pub mod settings;
pub mod window;

use std::time::Instant;

use tauri::{AppHandle, Manager, Runtime};

use crate::error::IpcError;
use crate::session::AppState;

/// The one window's label (tauri.conf.json).
pub const MAIN_WINDOW: &str = "main";

/// Why the vault was locked; printed (never with case data) when it was not the person's own click.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LockReason {
    /// The Lock button or Ctrl+L.
    Asked,
    /// No activity in the window for the configured time.
    Idle,
    /// The desktop session's screen locked.
    ScreenLocked,
    /// The machine is about to suspend.
    Suspend,
    /// The quick exit (Hide, or Shift three times).
    QuickExit,
}

impl LockReason {
    fn describe(self) -> &'static str {
        match self {
            LockReason::Asked => "asked",
            LockReason::Idle => "no activity",
            LockReason::ScreenLocked => "the screen locked",
            LockReason::Suspend => "the computer is going to sleep",
            LockReason::QuickExit => "quick exit",
        }
    }
}

/// Locks the vault and resets the page. Both happen even when saving failed (a full disk): `Session::lock` always
/// drops the keys and database, and the error only says what was left out (the next unlock tells the person).
pub fn lock_and_reset<R: Runtime>(app: &AppHandle<R>, reason: LockReason) -> Result<(), IpcError> {
    let result = app.state::<AppState>().session().lock();
    if let Some(chosen) = app.try_state::<crate::chosen::ChosenFiles>() {
        chosen.forget_all();
    }
    if reason != LockReason::Asked {
        eprintln!("circlebook: locked ({})", reason.describe());
    }
    reset_page(app);
    result
}

/// Sends the webview back to the app's first page: a new document and a new JavaScript realm.
pub fn reset_page<R: Runtime>(app: &AppHandle<R>) {
    let Some(window) = app.get_webview_window(MAIN_WINDOW) else {
        return;
    };
    if let Ok(mut url) = window.url() {
        url.set_path("/");
        url.set_query(None);
        url.set_fragment(None);
        if window.navigate(url).is_err() {
            let _ = window.reload();
        }
    }
}

/// Hides the window at once, then locks, resets the page and quits. Prints how long each step took.
pub fn quick_exit<R: Runtime>(app: &AppHandle<R>) {
    let start = Instant::now();
    if let Some(window) = app.get_webview_window(MAIN_WINDOW) {
        let _ = window.hide();
    }
    let hidden = start.elapsed();
    let locked = lock_and_reset(app, LockReason::QuickExit);
    let done = start.elapsed();
    eprintln!(
        "circlebook: quick exit: window hidden after {:.1} ms, vault locked after {:.1} ms{}",
        hidden.as_secs_f64() * 1e3,
        done.as_secs_f64() * 1e3,
        if locked.is_ok() { "" } else { " (changes that had failed to save were left out)" }
    );
    app.exit(0);
}
