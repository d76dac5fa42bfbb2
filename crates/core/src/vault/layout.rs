//! Where each file of a vault folder lives, and how the folder is listed. See docs/FORMAT.md.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use super::durable::TEMP_SUFFIX;

/// The marker file's exact content for this format version.
pub const MARKER_CONTENT: &str = "circlebook vault\nformat 1\n";

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
        for dir in [self.root.clone(), self.snapshots()] {
            for entry in fs::read_dir(&dir)? {
                let path = entry?.path();
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
    for entry in fs::read_dir(dir)? {
        let name = entry?.file_name();
        let Some(name) = name.to_str() else { continue };
        if let Some(number) = name.strip_suffix(suffix).and_then(|n| n.parse::<u64>().ok()) {
            found.push(number);
        }
    }
    found.sort_unstable();
    Ok(found)
}
