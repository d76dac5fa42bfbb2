//! The idle lock's deadline. The UI reports activity (what the person does in the window); a thread of ours
//! locks once the deadline passes, so the vault locks even if the page's JavaScript stalls.

use std::path::PathBuf;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use tauri::{AppHandle, Manager, Runtime};

use super::settings::Settings;
use super::LockReason;
use crate::session::{AppState, VaultStatus};

/// How often the watch looks at the deadline.
const TICK: Duration = Duration::from_millis(250);

/// The idle time and when it runs out.
#[derive(Debug)]
pub struct IdleClock {
    inner: Mutex<Clock>,
    settings_path: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy)]
struct Clock {
    idle: Duration,
    deadline: Instant,
}

impl IdleClock {
    pub fn new(settings_path: Option<PathBuf>) -> Self {
        let idle = settings_path.as_deref().map(Settings::load).unwrap_or_default().idle();
        Self { inner: Mutex::new(Clock { idle, deadline: Instant::now() + idle }), settings_path }
    }

    fn clock(&self) -> std::sync::MutexGuard<'_, Clock> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The person did something: the deadline moves to a full idle time from now.
    pub fn touch(&self) {
        let mut clock = self.clock();
        clock.deadline = Instant::now() + clock.idle;
    }

    pub fn idle(&self) -> Duration {
        self.clock().idle
    }

    /// Changes the idle time, saves it, and restarts the deadline.
    pub fn set_idle(&self, idle: Duration) -> std::io::Result<()> {
        if let Some(path) = &self.settings_path {
            Settings { idle_lock_seconds: idle.as_secs() }.save(path)?;
        }
        let mut clock = self.clock();
        clock.idle = idle;
        clock.deadline = Instant::now() + idle;
        Ok(())
    }

    fn expired(&self, now: Instant) -> bool {
        now >= self.clock().deadline
    }
}

/// Starts the thread that locks the vault when the deadline passes.
pub fn watch<R: Runtime>(app: AppHandle<R>) {
    let spawned = std::thread::Builder::new().name("idle-lock".into()).spawn(move || loop {
        std::thread::sleep(TICK);
        let clock = app.state::<IdleClock>();
        if !clock.expired(Instant::now()) {
            continue;
        }
        // Status and deadline are read under the session's lock, which unlocking also holds while it
        // restarts the deadline: a vault just unlocked is never taken for an idle one.
        let state = app.state::<AppState>();
        let unlocked = {
            let session = state.session();
            session.status() == VaultStatus::Unlocked && clock.expired(Instant::now())
        };
        if unlocked {
            let _ = super::lock_and_reset(&app, LockReason::Idle);
        }
        clock.touch();
    });
    if spawned.is_err() {
        eprintln!("circlebook: the idle lock could not be started; lock the vault by hand when you step away");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn activity_moves_the_deadline() {
        let dir = tempfile::tempdir().expect("temp dir");
        let clock = IdleClock::new(Some(dir.path().join("settings.json")));
        assert_eq!(clock.idle(), super::super::settings::DEFAULT_IDLE);
        clock.set_idle(Duration::from_secs(60)).expect("saved");
        let now = Instant::now();
        assert!(!clock.expired(now));
        assert!(clock.expired(now + Duration::from_secs(61)));
        std::thread::sleep(Duration::from_millis(20));
        clock.touch();
        assert!(!clock.expired(now + Duration::from_secs(60)), "touching restarts the full idle time");
        assert_eq!(IdleClock::new(Some(dir.path().join("settings.json"))).idle(), Duration::from_secs(60));
    }
}
