//! Locks the vault when the desktop session's screen locks or the machine is about to suspend, from logind's
//! signals on the system bus (`Lock`, `LockedHint`, `PrepareForSleep`). Without a system bus or logind the app
//! works as before and says so once, in words that hold no case data.

use logind_zbus::manager::ManagerProxyBlocking;
use logind_zbus::session::SessionProxyBlocking;
use tauri::{AppHandle, Runtime};
use zbus::blocking::Connection;

use super::LockReason;

/// Starts the listeners on threads of their own.
pub fn watch<R: Runtime>(app: AppHandle<R>) {
    let spawned = std::thread::Builder::new().name("logind".into()).spawn(move || {
        if let Err(error) = listen(&app) {
            eprintln!(
                "circlebook: screen-lock and suspend signals are not available ({}); the idle lock still applies",
                short(&error)
            );
        }
    });
    if spawned.is_err() {
        eprintln!("circlebook: screen-lock and suspend signals could not be watched; the idle lock still applies");
    }
}

/// zbus errors can be long; the first line is enough to know why.
fn short(error: &zbus::Error) -> String {
    error.to_string().lines().next().unwrap_or_default().chars().take(160).collect()
}

fn listen<R: Runtime>(app: &AppHandle<R>) -> zbus::Result<()> {
    let connection = Connection::system()?;
    let manager = ManagerProxyBlocking::new(&connection)?;
    let path = match std::env::var("XDG_SESSION_ID") {
        Ok(id) if !id.is_empty() => manager.get_session(&id)?,
        _ => manager.get_session_by_PID(std::process::id())?,
    };
    let session = SessionProxyBlocking::builder(&connection).path(path)?.build()?;

    let locks = session.receive_lock()?;
    let hints = session.receive_locked_hint_changed();
    let sleeps = manager.receive_prepare_for_sleep()?;

    let on_lock = app.clone();
    spawn("logind-lock", move || {
        for _ in locks {
            let _ = super::lock_and_reset(&on_lock, LockReason::ScreenLocked);
        }
    });
    let on_hint = app.clone();
    spawn("logind-hint", move || {
        for change in hints {
            if change.get().unwrap_or(false) {
                let _ = super::lock_and_reset(&on_hint, LockReason::ScreenLocked);
            }
        }
    });
    for signal in sleeps {
        if signal.args().map(|args| args.start).unwrap_or(false) {
            let _ = super::lock_and_reset(app, LockReason::Suspend);
        }
    }
    Ok(())
}

fn spawn(name: &str, work: impl FnOnce() + Send + 'static) {
    let _ = std::thread::Builder::new().name(name.into()).spawn(work);
}
