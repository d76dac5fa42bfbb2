//! Durable file operations: atomic replacement (temp file, fsync, rename, fsync of the folder). Every call reaches
//! the file system through [`super::disk`], the seam tests inject faults at.

use std::fs::{self, OpenOptions};
use std::io::{self, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;

use super::disk;
pub use super::disk::File;

/// Vault files are readable by their owner only.
pub const FILE_MODE: u32 = 0o600;
/// Vault folders are accessible by their owner only.
pub const DIR_MODE: u32 = 0o700;

/// Opens options for a vault file: owner-only permissions when created; never through a symbolic link
/// (`O_NOFOLLOW`), and never waiting on a FIFO (`O_NONBLOCK`; [`open`] then refuses anything but a plain file).
pub fn options() -> OpenOptions {
    let mut options = OpenOptions::new();
    options.mode(FILE_MODE).custom_flags(libc_flags::NOFOLLOW | libc_flags::NONBLOCK | libc_flags::CLOEXEC);
    options
}

mod libc_flags {
    use rustix::fs::OFlags;
    pub const NOFOLLOW: i32 = OFlags::NOFOLLOW.bits() as i32;
    pub const NONBLOCK: i32 = OFlags::NONBLOCK.bits() as i32;
    pub const CLOEXEC: i32 = OFlags::CLOEXEC.bits() as i32;
    pub const DIRECTORY: i32 = OFlags::DIRECTORY.bits() as i32;
}

/// The error for something other than a plain file (or folder) where the vault keeps one (issue 8 item 2).
pub fn not_ours(path: &Path, what: &str, expected: &str) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidInput,
        format!(
            "{} is {what} where the vault keeps {expected}; Circlebook follows no links and opens nothing else in a \
             vault folder, and changed nothing: put the vault's own {expected} there or remove it",
            path.display()
        ),
    )
}

fn describe(file_type: fs::FileType) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    if file_type.is_symlink() {
        "a symbolic link"
    } else if file_type.is_dir() {
        "a folder"
    } else if file_type.is_fifo() {
        "a FIFO"
    } else if file_type.is_socket() {
        "a socket"
    } else if file_type.is_block_device() || file_type.is_char_device() {
        "a device"
    } else {
        "a plain file"
    }
}

/// Opens a vault file with [`options`]-style flags; refuses a symbolic link, folder, FIFO or device.
pub fn open(path: &Path, options: &OpenOptions) -> io::Result<File> {
    let file = match disk::open(path, options) {
        Ok(file) => file,
        Err(e) if e.raw_os_error() == Some(rustix::io::Errno::LOOP.raw_os_error()) => {
            return Err(not_ours(path, "a symbolic link", "a file"))
        }
        Err(e)
            if e.kind() == io::ErrorKind::IsADirectory
                || e.raw_os_error() == Some(rustix::io::Errno::NXIO.raw_os_error()) =>
        {
            let what = disk::symlink_metadata(path).map_or("not a file", |m| describe(m.file_type()));
            return Err(not_ours(path, what, "a file"));
        }
        Err(e) => return Err(e),
    };
    let file_type = file.metadata()?.file_type();
    if !file_type.is_file() {
        return Err(not_ours(path, describe(file_type), "a file"));
    }
    Ok(file)
}

/// Opens a vault file for reading.
pub fn open_read(path: &Path) -> io::Result<File> {
    open(path, options().read(true))
}

/// Reads a whole vault file.
pub fn read(path: &Path) -> io::Result<Vec<u8>> {
    use std::io::Read;
    let mut bytes = Vec::new();
    open_read(path)?.read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// Whether a vault file is there: `false` when nothing is; an error when something other than a plain file is.
pub fn file_exists(path: &Path) -> io::Result<bool> {
    match disk::symlink_metadata(path) {
        Ok(meta) if meta.file_type().is_file() => Ok(true),
        Ok(meta) => Err(not_ours(path, describe(meta.file_type()), "a file")),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(e),
    }
}

/// Checks that a vault folder is a real folder, not a link to one (or anything else).
pub fn check_dir(path: &Path) -> io::Result<()> {
    let meta = disk::symlink_metadata(path)?;
    if meta.file_type().is_dir() {
        Ok(())
    } else {
        Err(not_ours(path, describe(meta.file_type()), "a folder"))
    }
}

/// Creates a vault folder (and its parents) with owner-only permissions.
pub fn create_dir(path: &Path) -> io::Result<()> {
    disk::create_dir_all(path, DIR_MODE)
}

/// Suffix of a file being written; a leftover one is an interrupted write, never data.
pub const TEMP_SUFFIX: &str = ".tmp";

/// Fsyncs a folder so that a rename or creation inside it survives a power cut.
pub fn sync_dir(dir: &Path) -> io::Result<()> {
    let mut options = OpenOptions::new();
    options.read(true).custom_flags(libc_flags::NOFOLLOW | libc_flags::DIRECTORY | libc_flags::CLOEXEC);
    disk::sync_dir(dir, &options).map_err(|e| match disk::symlink_metadata(dir) {
        Ok(meta) if !meta.file_type().is_dir() => not_ours(dir, describe(meta.file_type()), "a folder"),
        _ => e,
    })
}

/// Why an atomic replacement failed.
#[derive(Debug)]
pub enum ReplaceError {
    /// Before the rename: the old file is in place and the folder is as it was.
    Before(io::Error),
    /// After the rename: the new content is in place (a reader sees it now), but the folder's fsync failed, so
    /// it may not survive a power cut.
    After(io::Error),
}

impl From<ReplaceError> for io::Error {
    fn from(e: ReplaceError) -> Self {
        match e {
            ReplaceError::Before(e) | ReplaceError::After(e) => e,
        }
    }
}

/// Writes `path` atomically: the content goes to `path.tmp`, is synced, renamed over `path`, and the folder is
/// synced. On a failure before the rename the temp file is removed and `path` is as it was; after it, see
/// [`ReplaceError::After`].
pub fn replace_with(path: &Path, write: impl FnOnce(&mut File) -> io::Result<()>) -> Result<(), ReplaceError> {
    let dir = path.parent().ok_or_else(|| ReplaceError::Before(io::Error::other("a vault file has no folder")))?;
    let mut temp_name = path.file_name().unwrap_or_default().to_owned();
    temp_name.push(TEMP_SUFFIX);
    let temp = dir.join(temp_name);
    let result = (|| {
        let mut file = open(&temp, options().write(true).create(true).truncate(true))?;
        write(&mut file)?;
        file.flush()?;
        file.sync_all()?;
        drop(file);
        disk::rename(&temp, path)
    })();
    if let Err(e) = result {
        let _ = disk::remove_file(&temp);
        return Err(ReplaceError::Before(e));
    }
    sync_dir(dir).map_err(ReplaceError::After)
}

/// Writes `bytes` to `path` atomically; see [`replace_with`].
pub fn replace_checked(path: &Path, bytes: &[u8]) -> Result<(), ReplaceError> {
    replace_with(path, |f| f.write_all(bytes))
}

/// Writes `bytes` to `path` atomically, for callers to whom a failure before or after the rename is the same.
pub fn replace(path: &Path, bytes: &[u8]) -> io::Result<()> {
    Ok(replace_checked(path, bytes)?)
}
