//! The vault's one door to the file system (issue 8 item 6): every open (`O_NOFOLLOW` ones included), write,
//! read, fsync, rename, folder fsync, removal, listing and metadata call the vault makes goes through here.
//!
//! In shipped builds these are the `std::fs` calls and nothing else. With the `testing` feature (on for this
//! crate's tests only), a test can make the Nth call on its own thread fail with a chosen errno (EIO, ENOSPC,
//! EMFILE, ...) through [`faults::inject`], and read back which calls an operation made.

use std::ffi::OsString;
use std::fs::{self, OpenOptions};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

/// The kinds of file-system call the vault makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Call {
    /// Opening a file (or a folder, to fsync it).
    Open,
    /// One `write` on an open file (a faulted write writes half its buffer first, as a full disk can).
    Write,
    /// One `read` on an open file.
    Read,
    /// `fdatasync` of a file.
    SyncData,
    /// `fsync` of a file.
    SyncAll,
    /// `fsync` of a folder (after a rename, creation or removal inside it).
    SyncDir,
    /// `ftruncate`.
    SetLen,
    /// `fstat` of an open file.
    FileMetadata,
    /// `lstat` of a path.
    Metadata,
    Rename,
    Remove,
    /// Removing a folder and everything in it.
    RemoveTree,
    ReadDir,
    CreateDir,
    SetPermissions,
}

#[cfg(feature = "testing")]
#[inline]
fn check(call: Call, path: &Path) -> io::Result<()> {
    faults::check(call, path)
}

#[cfg(not(feature = "testing"))]
#[inline(always)]
fn check(_call: Call, _path: &Path) -> io::Result<()> {
    Ok(())
}

/// An open vault file. Reads, writes, syncs and truncation go through the seam.
#[derive(Debug)]
pub struct File {
    inner: fs::File,
    #[cfg(feature = "testing")]
    path: PathBuf,
}

impl File {
    #[cfg(feature = "testing")]
    fn path(&self) -> &Path {
        &self.path
    }
    #[cfg(not(feature = "testing"))]
    fn path(&self) -> &Path {
        Path::new("")
    }

    pub fn sync_all(&self) -> io::Result<()> {
        check(Call::SyncAll, self.path())?;
        self.inner.sync_all()
    }

    pub fn sync_data(&self) -> io::Result<()> {
        check(Call::SyncData, self.path())?;
        self.inner.sync_data()
    }

    pub fn set_len(&self, len: u64) -> io::Result<()> {
        check(Call::SetLen, self.path())?;
        self.inner.set_len(len)
    }

    pub fn metadata(&self) -> io::Result<fs::Metadata> {
        check(Call::FileMetadata, self.path())?;
        self.inner.metadata()
    }

    /// Reads at `offset` without moving the file's position, so that two readers can share the file.
    pub fn read_at(&self, buf: &mut [u8], offset: u64) -> io::Result<usize> {
        use std::os::unix::fs::FileExt;
        check(Call::Read, self.path())?;
        self.inner.read_at(buf, offset)
    }

    /// The advisory lock on the vault folder's `.lock` file (not a write: never faulted).
    pub fn try_lock(&self) -> Result<(), fs::TryLockError> {
        self.inner.try_lock()
    }
}

impl Write for File {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if let Err(e) = check(Call::Write, self.path()) {
            // A full disk (or a failing one) can take part of a write before it fails: so does a faulted write.
            let _ = self.inner.write(&buf[..buf.len() / 2]);
            return Err(e);
        }
        self.inner.write(buf)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

impl Read for File {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        check(Call::Read, self.path())?;
        self.inner.read(buf)
    }
}

/// Opens a file with `options` (the caller's flags: `O_NOFOLLOW`, `O_NONBLOCK`, modes).
pub fn open(path: &Path, options: &OpenOptions) -> io::Result<File> {
    check(Call::Open, path)?;
    let inner = options.open(path)?;
    Ok(File {
        inner,
        #[cfg(feature = "testing")]
        path: path.to_path_buf(),
    })
}

/// Opens a folder (with `options`' flags) and fsyncs it.
pub fn sync_dir(path: &Path, options: &OpenOptions) -> io::Result<()> {
    check(Call::Open, path)?;
    let dir = options.open(path)?;
    check(Call::SyncDir, path)?;
    dir.sync_all()
}

/// `lstat`: never follows a symbolic link.
pub fn symlink_metadata(path: &Path) -> io::Result<fs::Metadata> {
    check(Call::Metadata, path)?;
    fs::symlink_metadata(path)
}

pub fn rename(from: &Path, to: &Path) -> io::Result<()> {
    check(Call::Rename, to)?;
    fs::rename(from, to)
}

pub fn remove_file(path: &Path) -> io::Result<()> {
    check(Call::Remove, path)?;
    fs::remove_file(path)
}

pub fn remove_dir_all(path: &Path) -> io::Result<()> {
    check(Call::RemoveTree, path)?;
    fs::remove_dir_all(path)
}

/// The names in a folder, with their paths (one call: the listing is read whole).
pub fn read_dir(path: &Path) -> io::Result<Vec<(PathBuf, OsString)>> {
    check(Call::ReadDir, path)?;
    fs::read_dir(path)?.map(|entry| entry.map(|e| (e.path(), e.file_name()))).collect()
}

pub fn create_dir_all(path: &Path, mode: u32) -> io::Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    check(Call::CreateDir, path)?;
    fs::DirBuilder::new().recursive(true).mode(mode).create(path)
}

pub fn set_mode(path: &Path, mode: u32) -> io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    check(Call::SetPermissions, path)?;
    fs::set_permissions(path, fs::Permissions::from_mode(mode))
}

/// Fault injection for tests: the Nth file-system call on this thread fails (issue 8 item 6).
#[cfg(feature = "testing")]
pub mod faults {
    use std::cell::RefCell;
    use std::io;
    use std::path::{Path, PathBuf};

    use super::Call;

    /// One call made while an [`Injection`] was armed.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct Made {
        pub call: Call,
        pub path: PathBuf,
    }

    #[derive(Debug, Default)]
    struct Plan {
        fail_at: Option<usize>,
        errno: i32,
        log: Vec<Made>,
    }

    thread_local! {
        static PLAN: RefCell<Option<Plan>> = const { RefCell::new(None) };
    }

    pub(super) fn check(call: Call, path: &Path) -> io::Result<()> {
        PLAN.with(|plan| {
            let mut plan = plan.borrow_mut();
            let Some(plan) = plan.as_mut() else { return Ok(()) };
            let index = plan.log.len();
            plan.log.push(Made { call, path: path.to_path_buf() });
            if plan.fail_at == Some(index) {
                Err(io::Error::from_raw_os_error(plan.errno))
            } else {
                Ok(())
            }
        })
    }

    /// Armed on this thread until dropped: counts (and logs) every call, and fails call number `fail_at` (from 0)
    /// with `errno`; only that one call fails.
    #[derive(Debug)]
    pub struct Injection(());

    /// Makes call number `fail_at` (from 0) on this thread fail with `errno`; `None` only counts.
    pub fn inject(fail_at: Option<usize>, errno: i32) -> Injection {
        PLAN.with(|plan| *plan.borrow_mut() = Some(Plan { fail_at, errno, log: Vec::new() }));
        Injection(())
    }

    impl Injection {
        /// The calls made so far, in order.
        pub fn calls(&self) -> Vec<Made> {
            PLAN.with(|plan| plan.borrow().as_ref().map(|p| p.log.clone()).unwrap_or_default())
        }

        /// The call that was made to fail, if the operation got that far.
        pub fn fired(&self) -> Option<Made> {
            PLAN.with(|plan| {
                let plan = plan.borrow();
                let plan = plan.as_ref()?;
                plan.fail_at.and_then(|i| plan.log.get(i).cloned())
            })
        }
    }

    impl Drop for Injection {
        fn drop(&mut self) {
            PLAN.with(|plan| *plan.borrow_mut() = None);
        }
    }
}
