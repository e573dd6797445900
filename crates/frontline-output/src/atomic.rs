//! The atomic-write protocol: temporary sibling, fsync, rename.

use std::fs::{self, File, OpenOptions};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use crate::OutputError;

/// Distinguishes temporary files of concurrent writes within one process.
static TEMP_COUNTER: AtomicU64 = AtomicU64::new(0);

/// What separates a temporary file's target name from its pid and counter:
/// `.<file name>.tmp-<pid>-<n>`.
const TEMP_MARK: &str = ".tmp-";

/// Whether `name` has the form of [`write_atomic`]'s temporary files,
/// `.<file name>.tmp-<pid>-<n>` (pid and n in decimal).
pub fn is_temp_name(name: &str) -> bool {
    let Some((head, tail)) = name.rsplit_once(TEMP_MARK) else { return false };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    head.len() > 1 && head.starts_with('.') && tail.split_once('-').is_some_and(|(pid, n)| digits(pid) && digits(n))
}

/// Removes the temporary files of [`write_atomic`] (see [`is_temp_name`])
/// directly in `dir`, e.g. those a killed job left half-written; returns the
/// paths removed. Only regular files are removed, subdirectories are not
/// searched, and a missing `dir` is not an error.
///
/// The caller must own `dir` (hold its [`crate::FolderLock`]): the temporary
/// file of a write in progress in another process has the same form.
pub fn remove_stale_temp_files(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let entries = match fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e),
    };
    let mut removed = Vec::new();
    for entry in entries {
        let entry = entry?;
        let is_temp = entry.file_name().to_str().is_some_and(is_temp_name);
        if is_temp && entry.file_type()?.is_file() {
            fs::remove_file(entry.path())?;
            removed.push(entry.path());
        }
    }
    Ok(removed)
}

/// Removes the temporary file on drop unless disarmed (covers early returns
/// and panics inside the caller's writer).
struct TempGuard {
    path: PathBuf,
    armed: bool,
}

impl Drop for TempGuard {
    fn drop(&mut self) {
        if self.armed {
            let _ = fs::remove_file(&self.path);
        }
    }
}

/// Atomically writes a file at `path` whose contents are produced by
/// `bytes_writer` (used by [`crate::write_table`] and [`crate::write_json`]).
///
/// The writer receives a freshly created temporary file in the same directory
/// as `path` (named `.<file name>.tmp-<pid>-<n>`). After it returns `Ok`, the
/// file is fsynced and renamed over `path`, and the directory is fsynced
/// (best effort, Unix only). If the writer fails or panics, or any step
/// fails, the temporary file is removed and `path` is left as it was. Creates
/// the parent directory if missing.
pub fn write_atomic(
    path: &Path,
    bytes_writer: impl FnOnce(&mut File) -> Result<(), OutputError>,
) -> Result<(), OutputError> {
    let io_err = |p: &Path, source: std::io::Error| OutputError::Io { path: p.to_path_buf(), source };
    let file_name = path.file_name().ok_or_else(|| {
        io_err(path, std::io::Error::new(std::io::ErrorKind::InvalidInput, "the output path does not name a file"))
    })?;
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    fs::create_dir_all(dir).map_err(|e| io_err(dir, e))?;

    let mut temp_name = std::ffi::OsString::from(".");
    temp_name.push(file_name);
    temp_name.push(format!("{TEMP_MARK}{}-{}", std::process::id(), TEMP_COUNTER.fetch_add(1, Ordering::Relaxed)));
    let temp_path = dir.join(temp_name);

    let mut file = OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .open(&temp_path)
        .map_err(|e| io_err(&temp_path, e))?;
    let mut guard = TempGuard { path: temp_path, armed: true };

    bytes_writer(&mut file)?;
    file.sync_all().map_err(|e| io_err(&guard.path, e))?;
    drop(file);
    fs::rename(&guard.path, path).map_err(|e| io_err(path, e))?;
    guard.armed = false;

    // Make the rename itself durable. Not all platforms or filesystems allow
    // syncing a directory, so failures here are ignored.
    #[cfg(unix)]
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}
