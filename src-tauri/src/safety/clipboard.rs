//! Copying sensitive text: written with a hint that asks clipboard managers to keep it out of their history
//! (where the platform has one), and cleared after 30 seconds if the clipboard still holds that same text.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};
use tauri::{AppHandle, Manager, Runtime};
use tauri_plugin_clipboard_manager::ClipboardExt;

/// How long copied text stays on the clipboard.
pub const CLEAR_AFTER: Duration = Duration::from_secs(30);

/// Counts copies, so that only the newest copy's timer may clear.
#[derive(Debug, Default)]
pub struct Copies(AtomicU64);

/// Writes `text` to the clipboard and starts the timer that clears it.
pub fn copy<R: Runtime>(app: &AppHandle<R>, text: SecretString) -> tauri_plugin_clipboard_manager::Result<()> {
    app.clipboard().write_secret(text.expose_secret())?;
    let number = app.state::<Copies>().0.fetch_add(1, Ordering::SeqCst) + 1;
    let app = app.clone();
    let _ = std::thread::Builder::new().name("clipboard-clear".into()).spawn(move || {
        std::thread::sleep(CLEAR_AFTER);
        if app.state::<Copies>().0.load(Ordering::SeqCst) != number {
            return; // a newer copy has its own timer
        }
        clear_if_still(&app, &text);
    });
    Ok(())
}

/// Clears the clipboard if it holds `text`; something the person copied since is left alone.
fn clear_if_still<R: Runtime>(app: &AppHandle<R>, text: &SecretString) {
    let clipboard = app.clipboard();
    let holds = clipboard.read_text().map(zeroize::Zeroizing::new).is_ok_and(|now| *now == text.expose_secret());
    if holds && clipboard.clear().is_err() {
        let _ = clipboard.write_text("");
    }
}
