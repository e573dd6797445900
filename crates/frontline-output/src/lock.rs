//! One job at a time per folder: an exclusive lock on `<folder>/.frontline.lock`.
//!
//! Why an operating-system lock ([`File::try_lock`]: `flock` on Unix,
//! `LockFileEx` on Windows) rather than a lock file created with
//! `create_new` and trusted while its pid is alive: the system releases the
//! lock when its holder ends, however it ends (`kill -9`, Ctrl-C, a crash),
//! so a lock is never left behind, no pid has to be probed (pids are reused
//! and are not comparable across containers) and two jobs can never both
//! decide that a dead holder's lock is theirs. The file holds the holder's pid
//! only so that a refusal can say who holds it.
//!
//! The file is removed when the lock is released, so a finished job leaves
//! nothing of it. Removing a lock file is racy in general (a second job may
//! have opened the file just before it was removed, and lock the removed
//! file while a third creates a new one); [`FolderLock::acquire`] therefore
//! checks, once it holds the lock, that the path still names the file it
//! locked, and starts over if not. Where that check is not available
//! (outside Unix) the file is emptied instead of removed.

use std::fs::{self, File, OpenOptions, TryLockError};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use crate::{FolderError, OutputError};

/// Name of the lock file in a locked folder.
pub const LOCK_FILE: &str = ".frontline.lock";

/// An exclusive lock on a folder, held until dropped.
#[derive(Debug)]
pub struct FolderLock {
    path: PathBuf,
    file: File,
    took_over: bool,
}

impl FolderLock {
    /// Locks `dir` (created if missing) for this process, or fails with
    /// [`FolderError::Busy`] if another process (or another `FolderLock` of
    /// this one) holds it. Never waits.
    ///
    /// A lock file left by a job that ended without releasing it cannot hold
    /// the lock (the system released it); it is taken over, with a note on
    /// stderr naming the process that left it.
    pub fn acquire(dir: &Path) -> Result<FolderLock, FolderError> {
        let io = |p: &Path, source: std::io::Error| FolderError::Io(OutputError::Io { path: p.to_path_buf(), source });
        fs::create_dir_all(dir).map_err(|e| io(dir, e))?;
        let path = dir.join(LOCK_FILE);
        // A few rounds at most: each lost round means another job released
        // the lock between our open and our lock, which does not repeat often.
        for _ in 0..16 {
            let mut file = OpenOptions::new()
                .read(true)
                .write(true)
                .create(true)
                .truncate(false)
                .open(&path)
                .map_err(|e| io(&path, e))?;
            match file.try_lock() {
                Ok(()) => {}
                Err(TryLockError::WouldBlock) => {
                    let holder = fs::read_to_string(&path).ok().and_then(|t| parse_pid(&t));
                    return Err(FolderError::Busy { dir: dir.to_path_buf(), holder });
                }
                Err(TryLockError::Error(e)) => return Err(io(&path, e)),
            }
            if !still_named(&file, &path) {
                continue;
            }
            let mut previous = String::new();
            // Unreadable content (not UTF-8) is a left-over lock all the same.
            let left_over = file.read_to_string(&mut previous).map_or(true, |n| n > 0);
            if left_over {
                let who = parse_pid(&previous).map_or("a process".to_string(), |pid| format!("process {pid}"));
                eprintln!(
                    "note: `{}` was left by {who}, which ended without releasing it (killed or interrupted); taking it over",
                    path.display()
                );
            }
            let stamp = format!("pid {}\n", std::process::id());
            file.set_len(0)
                .and_then(|()| file.seek(SeekFrom::Start(0)))
                .and_then(|_| file.write_all(stamp.as_bytes()))
                .and_then(|()| file.sync_all())
                .map_err(|e| io(&path, e))?;
            return Ok(FolderLock { path, file, took_over: left_over });
        }
        Err(io(
            &path,
            std::io::Error::other("the lock kept changing hands; another job is starting and ending in this folder"),
        ))
    }

    /// Whether a lock file left by a job that did not finish was taken over:
    /// the folder was being written by Frontline when that job ended.
    pub fn took_over(&self) -> bool {
        self.took_over
    }

    /// The folder's lock file.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for FolderLock {
    fn drop(&mut self) {
        // Remove (or empty) the file while still holding the lock; closing
        // the file then releases it.
        #[cfg(unix)]
        if still_named(&self.file, &self.path) {
            let _ = fs::remove_file(&self.path);
        }
        #[cfg(not(unix))]
        {
            let _ = self.file.set_len(0);
        }
    }
}

/// The pid a lock file names (`pid <n>`).
fn parse_pid(text: &str) -> Option<u32> {
    text.trim().strip_prefix("pid ")?.trim().parse().ok()
}

/// Whether `path` still names the open `file` (it was not removed or
/// replaced since it was opened).
#[cfg(unix)]
fn still_named(file: &File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), fs::metadata(path)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

/// Outside Unix lock files are never removed, so the path always names the file.
#[cfg(not(unix))]
fn still_named(_file: &File, _path: &Path) -> bool {
    true
}
