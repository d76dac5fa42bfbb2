//! Where each file of a vault folder lives, and how the folder is listed. See docs/FORMAT.md.

use std::io;
use std::path::{Path, PathBuf};

use super::durable::TEMP_SUFFIX;

/// The marker file's exact content for this format version.
pub const MARKER_CONTENT: &str = "circlebook vault\nformat 2\n";

/// The vault format this version writes (and the newest it reads).
pub const FORMAT: u32 = 2;

/// The paths inside one vault folder.
#[derive(Debug, Clone)]
pub struct Layout {
    root: PathBuf,
}

impl Layout {
    pub fn new(root: &Path) -> Self {
        Self { root: root.to_path_buf() }
    }
    pub fn root(&self) -> &Path {
        &self.root
    }
    pub fn marker(&self) -> PathBuf {
        self.root.join("circlebook-vault")
    }
    pub fn lock(&self) -> PathBuf {
        self.root.join(".lock")
    }
    pub fn identity(&self) -> PathBuf {
        self.root.join("identity.age")
    }
    /// The record of a key rotation in progress (see `rotation.rs`).
    pub fn rotation_pending(&self) -> PathBuf {
        self.root.join("rotation-pending")
    }
    pub fn snapshots(&self) -> PathBuf {
        self.root.join("snapshots")
    }
    pub fn journals(&self) -> PathBuf {
        self.root.join("journal")
    }
    pub fn snapshot(&self, generation: u64) -> PathBuf {
        self.snapshots().join(format!("{generation:08}.age"))
    }
    pub fn journal(&self, generation: u64) -> PathBuf {
        self.journals().join(format!("{generation:08}.journal"))
    }

    /// The seal of a snapshot (format 2).
    pub fn seal(&self, generation: u64) -> PathBuf {
        self.snapshots().join(format!("{generation:08}.seal"))
    }

    /// The format named by the marker file (1 or 2; a larger number is a newer Circlebook's).
    pub fn format(&self) -> io::Result<u32> {
        let text = super::durable::read(&self.marker())?;
        let text = String::from_utf8_lossy(&text);
        text.strip_prefix("circlebook vault\nformat ")
            .and_then(|rest| rest.trim_end().parse().ok())
            .filter(|n| *n >= 1)
            .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidData, "the marker file circlebook-vault is damaged"))
    }

    /// Generations that have a seal, oldest first.
    pub fn seal_generations(&self) -> io::Result<Vec<u64>> {
        numbered(&self.snapshots(), ".seal")
    }

    /// Where the `n`th torn tail cut from a generation's journal is kept (still ciphertext).
    pub fn torn_tail(&self, generation: u64, n: u32) -> PathBuf {
        self.journals().join(format!("{generation:08}.torn-{n}"))
    }

    /// Generations that have a complete snapshot, oldest first.
    pub fn snapshot_generations(&self) -> io::Result<Vec<u64>> {
        numbered(&self.snapshots(), ".age")
    }

    /// Generations that have a journal file, oldest first.
    pub fn journal_generations(&self) -> io::Result<Vec<u64>> {
        numbered(&self.journals(), ".journal")
    }

    /// Leftover temp files from interrupted snapshot or identity writes (never data).
    pub fn leftover_temps(&self) -> io::Result<Vec<PathBuf>> {
        let mut found = Vec::new();
        for dir in [self.root.clone(), self.snapshots(), self.journals()] {
            for (path, _) in super::disk::read_dir(&dir)? {
                if path.to_string_lossy().ends_with(TEMP_SUFFIX) {
                    found.push(path);
                }
            }
        }
        Ok(found)
    }
}

fn numbered(dir: &Path, suffix: &str) -> io::Result<Vec<u64>> {
    let mut found = Vec::new();
    for (_, name) in super::disk::read_dir(dir)? {
        let Some(name) = name.to_str() else { continue };
        // Exactly the 8 digits Circlebook writes: `7.age` or `+0000007.age` are not generation 7.
        let digits = name.strip_suffix(suffix).filter(|n| n.len() == 8 && n.bytes().all(|b| b.is_ascii_digit()));
        if let Some(number) = digits.and_then(|n| n.parse::<u64>().ok()) {
            found.push(number);
        }
    }
    found.sort_unstable();
    Ok(found)
}
