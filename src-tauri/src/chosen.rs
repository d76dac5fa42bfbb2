//! The bundle files the person chose, kept in one place on the Rust side: the page gets an opaque handle for a
//! chosen file and names the file by it (to preview it again, to apply it), never by a path. Other ways of
//! choosing a file (an exchange folder) add a `Source` and keep their files here too.

use std::path::PathBuf;
use std::sync::{Mutex, PoisonError};

/// How the file came to be chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// Picked in the native open dialog.
    Dialog,
    /// Listed in the exchange folder (found again in Rust's own listing, never from a path the page sent).
    Exchange,
}

/// A file the person chose.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chosen {
    pub path: PathBuf,
    pub source: Source,
}

impl Chosen {
    /// The file's own name (shown, never used to find the file again).
    pub fn file_name(&self) -> String {
        self.path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
    }
}

/// How many chosen files are remembered; older handles are forgotten (the page chooses again).
const KEPT: usize = 16;

/// Managed by Tauri: the files chosen in this run, by handle. Emptied when the vault locks.
#[derive(Debug, Default)]
pub struct ChosenFiles {
    inner: Mutex<Kept>,
}

#[derive(Debug, Default)]
struct Kept {
    next: u64,
    files: Vec<(String, Chosen)>,
}

impl ChosenFiles {
    /// Remembers a chosen file; the handle the page will name it by.
    pub fn keep(&self, path: PathBuf, source: Source) -> String {
        let mut kept = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        kept.next += 1;
        let handle = format!("bundle-{}", kept.next);
        kept.files.push((handle.clone(), Chosen { path, source }));
        if kept.files.len() > KEPT {
            kept.files.remove(0);
        }
        handle
    }

    /// The file a handle names, if it is still remembered.
    pub fn get(&self, handle: &str) -> Option<Chosen> {
        let kept = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        kept.files.iter().find(|(h, _)| h == handle).map(|(_, c)| c.clone())
    }

    /// Forgets every chosen file (on lock: an unlocked session chooses again).
    pub fn forget_all(&self) {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner).files.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn handles_name_the_files_chosen_and_nothing_else() {
        let chosen = ChosenFiles::default();
        let a = chosen.keep(PathBuf::from("/tmp/a.cbb"), Source::Dialog);
        let b = chosen.keep(PathBuf::from("/tmp/b.cbb"), Source::Dialog);
        assert_ne!(a, b);
        assert_eq!(chosen.get(&a).map(|c| c.file_name()), Some("a.cbb".to_owned()));
        assert_eq!(chosen.get("/tmp/a.cbb"), None, "a path is no handle");
        for _ in 0..KEPT {
            chosen.keep(PathBuf::from("/tmp/c.cbb"), Source::Dialog);
        }
        assert_eq!(chosen.get(&a), None, "the oldest are forgotten");
        chosen.forget_all();
        assert_eq!(chosen.get(&b), None);
    }
}
