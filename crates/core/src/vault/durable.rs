//! Durable file operations: atomic replacement (temp file, fsync, rename, fsync of the folder).

use std::fs::{self, DirBuilder, File, OpenOptions};
use std::io::{self, Write};
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::Path;

/// Vault files are readable by their owner only.
pub const FILE_MODE: u32 = 0o600;
/// Vault folders are accessible by their owner only.
pub const DIR_MODE: u32 = 0o700;

/// Opens options for a vault file: owner-only permissions when created.
pub fn options() -> OpenOptions {
    let mut options = OpenOptions::new();
    options.mode(FILE_MODE);
    options
}

/// Creates a vault folder (and its parents) with owner-only permissions.
pub fn create_dir(path: &Path) -> io::Result<()> {
    DirBuilder::new().recursive(true).mode(DIR_MODE).create(path)
}

/// Suffix of a file being written; a leftover one is an interrupted write, never data.
pub const TEMP_SUFFIX: &str = ".tmp";

/// Fsyncs a folder so that a rename or creation inside it survives a power cut.
pub fn sync_dir(dir: &Path) -> io::Result<()> {
    File::open(dir)?.sync_all()
}

/// Writes `path` atomically: the content goes to `path.tmp`, is synced, renamed over `path`, and the folder is
/// synced. On failure the temp file is removed and `path` is as it was.
pub fn replace_with(path: &Path, write: impl FnOnce(&mut File) -> io::Result<()>) -> io::Result<()> {
    let dir = path.parent().ok_or_else(|| io::Error::other("a vault file has no folder"))?;
    let mut temp_name = path.file_name().unwrap_or_default().to_owned();
    temp_name.push(TEMP_SUFFIX);
    let temp = dir.join(temp_name);
    let result = (|| {
        let mut file = options().write(true).create(true).truncate(true).open(&temp)?;
        write(&mut file)?;
        file.flush()?;
        file.sync_all()?;
        drop(file);
        fs::rename(&temp, path)?;
        sync_dir(dir)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&temp);
    }
    result
}

/// Writes `bytes` to `path` atomically; see [`replace_with`].
pub fn replace(path: &Path, bytes: &[u8]) -> io::Result<()> {
    replace_with(path, |f| f.write_all(bytes))
}
