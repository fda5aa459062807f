//! Lock files that do not outlive their use.
//!
//! A lock file is removed by whoever holds it, when done. That is safe only
//! if every locker checks, once it holds the lock, that the path still names
//! the file it locked: a process that opened the file before its removal and
//! then waited holds a lock on a file nobody else can reach, so it starts
//! again with a fresh one.

use anyhow::{Context, Result};
use std::fs::{File, OpenOptions, TryLockError};
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

/// An exclusive lock on `path`, removed (then released) when dropped.
#[derive(Debug)]
pub struct LockFile {
    file: File,
    path: PathBuf,
    /// Whether dropping it removes the file (the usual case).
    remove: bool,
}

impl LockFile {
    /// Waits for the lock.
    pub fn acquire(path: &Path) -> Result<LockFile> {
        loop {
            let file = open(path)?;
            file.lock()
                .with_context(|| format!("cannot lock {}", path.display()))?;
            if still_there(&file, path) {
                return Ok(LockFile {
                    file,
                    path: path.to_path_buf(),
                    remove: true,
                });
            }
        }
    }

    /// The lock, or None when another process holds it.
    pub fn try_acquire(path: &Path) -> Result<Option<LockFile>> {
        loop {
            let file = open(path)?;
            match file.try_lock() {
                Ok(()) => {}
                Err(TryLockError::WouldBlock) => return Ok(None),
                Err(TryLockError::Error(e)) => {
                    return Err(e).with_context(|| format!("cannot lock {}", path.display()))
                }
            }
            if still_there(&file, path) {
                return Ok(Some(LockFile {
                    file,
                    path: path.to_path_buf(),
                    remove: true,
                }));
            }
        }
    }
}

impl LockFile {
    /// Releases the lock and leaves the file (for a look that must change
    /// nothing, such as `prune --dry-run`).
    pub fn release_keeping_file(mut self) {
        self.remove = false;
    }
}

impl Drop for LockFile {
    fn drop(&mut self) {
        // Removed while held, so no one can lock this file after us and
        // believe it guards anything.
        if self.remove && still_there(&self.file, &self.path) {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

fn open(path: &Path) -> Result<File> {
    OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(path)
        .with_context(|| format!("cannot open {}", path.display()))
}

/// Whether `path` still names the open `file` (same device and inode).
fn still_there(file: &File, path: &Path) -> bool {
    match (file.metadata(), std::fs::symlink_metadata(path)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn released_locks_leave_no_file_and_exclude_each_other() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join(".x.lock");
        let a = LockFile::acquire(&p).unwrap();
        assert!(LockFile::try_acquire(&p).unwrap().is_none());
        // A waiter that opened the file before its removal starts again.
        let waiter = {
            let p = p.clone();
            std::thread::spawn(move || {
                let l = LockFile::acquire(&p).unwrap();
                assert!(p.exists());
                drop(l);
            })
        };
        std::thread::sleep(std::time::Duration::from_millis(50));
        drop(a);
        waiter.join().unwrap();
        assert!(!p.exists());
        let b = LockFile::try_acquire(&p).unwrap().unwrap();
        drop(b);
        assert!(!p.exists());
    }
}
