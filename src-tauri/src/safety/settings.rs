//! The app's few settings that hold no case data (the idle time), in `$XDG_CONFIG_HOME/circlebook/settings.json`.

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::{Deserialize, Serialize};

/// The idle time before the vault locks itself, unless a setting says otherwise.
pub const DEFAULT_IDLE: Duration = Duration::from_secs(5 * 60);
/// Shortest and longest idle times accepted from the file.
const IDLE_RANGE: std::ops::RangeInclusive<u64> = 1..=4 * 60 * 60;

/// What the settings file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settings {
    /// Seconds without activity in the window before the vault locks.
    pub idle_lock_seconds: u64,
}

impl Default for Settings {
    fn default() -> Self {
        Self { idle_lock_seconds: DEFAULT_IDLE.as_secs() }
    }
}

impl Settings {
    pub fn idle(&self) -> Duration {
        Duration::from_secs(self.idle_lock_seconds)
    }

    /// Reads the file; a missing or unreadable file, or a value out of range, gives the defaults.
    pub fn load(path: &Path) -> Self {
        let read: Option<Settings> = std::fs::read(path).ok().and_then(|bytes| serde_json::from_slice(&bytes).ok());
        match read {
            Some(settings) if IDLE_RANGE.contains(&settings.idle_lock_seconds) => settings,
            _ => Self::default(),
        }
    }

    /// Writes the file (mode 0600, replaced whole).
    pub fn save(&self, path: &Path) -> std::io::Result<()> {
        use std::io::Write;
        use std::os::unix::fs::OpenOptionsExt;
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let temp = path.with_extension("json.tmp");
        let mut file = std::fs::OpenOptions::new().write(true).create(true).truncate(true).mode(0o600).open(&temp)?;
        file.write_all(&serde_json::to_vec_pretty(self).map_err(std::io::Error::other)?)?;
        file.sync_all()?;
        std::fs::rename(temp, path)
    }

    /// Whether an idle time in seconds may be set.
    pub fn valid_idle(seconds: u64) -> bool {
        IDLE_RANGE.contains(&seconds)
    }
}

/// `$XDG_CONFIG_HOME/circlebook/settings.json`, or `~/.config/…`.
pub fn default_path() -> Option<PathBuf> {
    let config = std::env::var_os("XDG_CONFIG_HOME")
        .filter(|dir| !dir.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".config")))?;
    Some(config.join("circlebook").join("settings.json"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_or_odd_files_give_five_minutes() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("circlebook/settings.json");
        assert_eq!(Settings::load(&path).idle(), DEFAULT_IDLE);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(&path, b"{\"idle_lock_seconds\": 0}").expect("write");
        assert_eq!(Settings::load(&path).idle(), DEFAULT_IDLE, "zero is out of range");
        std::fs::write(&path, b"not json").expect("write");
        assert_eq!(Settings::load(&path).idle(), DEFAULT_IDLE);
    }

    #[test]
    fn a_saved_idle_time_is_read_back() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("circlebook/settings.json");
        Settings { idle_lock_seconds: 120 }.save(&path).expect("saved");
        assert_eq!(Settings::load(&path).idle(), Duration::from_secs(120));
    }
}
