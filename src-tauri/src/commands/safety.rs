//! Commands for safety in the window: activity for the idle lock, its setting, the quick exit and the clipboard.

use std::time::Duration;

use circlebook_core::{ErrorKind, SecretString};
use serde::Serialize;
use tauri::{AppHandle, State};

use crate::error::IpcError;
use crate::safety::clipboard;
use crate::safety::idle::IdleClock;
use crate::safety::settings::Settings;

/// The person did something in the window: the idle lock's deadline moves on.
#[tauri::command]
pub fn activity(clock: State<'_, IdleClock>) {
    clock.touch();
}

/// The idle lock's setting.
#[derive(Debug, Serialize, ts_rs::TS)]
pub struct IdleSetting {
    seconds: u64,
}

/// How long the window may stay idle before the vault locks itself.
#[tauri::command]
pub fn idle_setting(clock: State<'_, IdleClock>) -> IdleSetting {
    IdleSetting { seconds: clock.idle().as_secs() }
}

/// Sets (and saves) the idle time.
#[tauri::command]
pub fn set_idle_setting(clock: State<'_, IdleClock>, seconds: u64) -> Result<IdleSetting, IpcError> {
    if !Settings::valid_idle(seconds) {
        return Err(IpcError::with_code(ErrorKind::InvalidInput, &"that idle time is outside what Circlebook allows"));
    }
    clock.set_idle(Duration::from_secs(seconds)).map_err(|e| IpcError::with_code(ErrorKind::of_io(&e), &e))?;
    Ok(IdleSetting { seconds })
}

/// Hides the window, locks and quits, with no question asked.
#[tauri::command]
pub fn quick_exit(app: AppHandle) {
    crate::safety::quick_exit(&app);
}

/// Copies sensitive text; the clipboard is cleared after 30 seconds if it still holds it.
#[tauri::command]
pub fn copy_sensitive(app: AppHandle, text: String) -> Result<(), IpcError> {
    clipboard::copy(&app, SecretString::from(text))
        .map_err(|_| IpcError::with_code(ErrorKind::Io, &"the clipboard could not be written"))
}
