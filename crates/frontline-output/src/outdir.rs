//! Output folders: written by one job at a time, and holding nothing but
//! that job's files once it is done.
//!
//! A job opens its folder with [`OutputDir::open`], which locks it
//! ([`FolderLock`]), refuses a folder that is not Frontline's, and removes
//! what a killed job left (temporary files, an unfinished staging folder).
//! The job writes its files into [`OutputDir::staging`], a fresh folder
//! inside the output folder, and [`OutputDir::commit`] moves them into place,
//! removes the previous job's files that the new job did not write, and
//! writes `manifest.json` last. A job that fails before committing leaves the
//! previous output exactly as it was; one that is killed leaves it too (the
//! staging folder is removed by the next job).
//!
//! Why staging and not writing in place: a job writing in place that fails
//! halfway leaves a mix of its tables and the previous job's under the
//! previous manifest. Why not a whole fresh folder renamed over the old one:
//! a resumable job keeps its checkpoints (`.runs/`) in the output folder
//! across kills, and a folder cannot be renamed over a non-empty one.
//!
//! What counts as the previous job's files, removed by [`OutputDir::commit`]
//! when the new job does not write them: at the top level `manifest.json`,
//! `report.html`, tables (`*.parquet`, `*.csv`), in `maps/` maps (`*.svg`,
//! `*.png`, `*.geojson`, GeoParquet `*.parquet`) and in `plots/` charts (`*.svg`, `*.png`), and temporary files of
//! [`crate::write_atomic`] in any of them. Other files (a user's notes) and
//! other subfolders are never removed. `.runs/` belongs to the job's
//! checkpoint store: kept for a job with [`Checkpoints::Kept`], and a reason
//! to refuse the folder for one without checkpoints.

use std::fs;
use std::path::{Path, PathBuf};

use crate::OutputError;
use crate::atomic::{is_temp_name, remove_stale_temp_files};
use crate::lock::{FolderLock, LOCK_FILE};

/// The staging folder inside an output folder, where a job writes its
/// files until [`OutputDir::commit`].
pub const STAGING_DIR: &str = ".frontline-staging";
/// The checkpoint folder of resumable jobs.
const CHECKPOINT_DIR: &str = ".runs";
/// Frontline's own subfolders of an output folder, pruned on commit.
const SUBFOLDERS: [&str; 2] = ["maps", "plots"];

/// Whether a job keeps checkpoints in its output folder's `.runs/`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Checkpoints {
    /// A resumable job: `.runs/` is its own (its identity is checked by the
    /// job) and is left alone.
    Kept,
    /// A job without checkpoints: a folder holding another job's `.runs/`
    /// is refused, so that replacing an output never destroys an unfinished
    /// job's runs.
    None,
}

/// Why an output folder cannot be used.
#[derive(Debug)]
pub enum FolderError {
    /// Another job holds the folder's lock.
    Busy {
        /// The folder.
        dir: PathBuf,
        /// The holder's pid, when the lock file could be read.
        holder: Option<u32>,
    },
    /// The folder is not empty and holds no Frontline output.
    NotAnOutput {
        /// The folder.
        dir: PathBuf,
        /// One of the entries found there.
        example: String,
    },
    /// A job without checkpoints was pointed at a folder holding a
    /// resumable job's `.runs/`.
    Checkpoints {
        /// The folder.
        dir: PathBuf,
    },
    /// A filesystem operation failed.
    Io(OutputError),
}

impl FolderError {
    /// Whether the folder was refused (busy, not Frontline's, another job's
    /// checkpoints), as opposed to a filesystem failure.
    pub fn is_refusal(&self) -> bool {
        !matches!(self, FolderError::Io(_))
    }
}

impl std::fmt::Display for FolderError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FolderError::Busy { dir, holder } => {
                let who = holder
                    .map_or("another Frontline job".to_string(), |p| format!("another Frontline job (process {p})"));
                write!(
                    f,
                    "`{}` is in use by {who}, which holds `{}`; wait for it to finish or use another --out",
                    dir.display(),
                    dir.join(LOCK_FILE).display()
                )
            }
            FolderError::NotAnOutput { dir, example } => write!(
                f,
                "`{}` is not empty (it holds `{example}`) and is not a Frontline output folder (no Frontline \
                 manifest.json); a job replaces the files of its output folder, so it does not write there: \
                 use a new or empty folder with --out",
                dir.display()
            ),
            FolderError::Checkpoints { dir } => write!(
                f,
                "`{}` holds the runs of an unfinished or resumable job in `.runs/`; use another --out, or pass \
                 --force to discard those runs and replace the folder's output",
                dir.display()
            ),
            FolderError::Io(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for FolderError {}

/// An output folder opened by a job: locked, with a staging folder for the
/// job's files. Dropping it without [`OutputDir::commit`] discards what was
/// staged and leaves the folder as it was.
#[derive(Debug)]
pub struct OutputDir {
    path: PathBuf,
    staging: PathBuf,
    checkpoints: Checkpoints,
    /// Whether `open` created the folder (removed again if the job leaves it empty).
    created: bool,
    committed: bool,
    /// Dropped last (fields drop in order), after the staging folder is gone.
    lock: FolderLock,
}

impl OutputDir {
    /// Opens `path` for a job: creates it if missing, locks it
    /// ([`FolderError::Busy`] if another job holds it), refuses a non-empty
    /// folder that is not a Frontline output ([`FolderError::NotAnOutput`]:
    /// nothing in it is touched) and, for a job without checkpoints, one
    /// holding a job's `.runs/` ([`FolderError::Checkpoints`]). Then removes
    /// what a killed job left: temporary files (in the folder, `maps/`,
    /// `plots/` and `.runs/`) and the staging folder.
    pub fn open(path: &Path, checkpoints: Checkpoints) -> Result<OutputDir, FolderError> {
        OutputDir::open_replacing(path, checkpoints, false)
    }

    /// [`OutputDir::open`], and with `replace` (the front ends' `--force`)
    /// the folder's previous job is discarded instead of refused: its
    /// `.runs/` is removed once the folder is locked, so the job starts
    /// afresh (its other files are replaced on commit as always). A busy
    /// folder and one that is not a Frontline output are refused all the
    /// same: `replace` never deletes files Frontline did not write.
    pub fn open_replacing(path: &Path, checkpoints: Checkpoints, replace: bool) -> Result<OutputDir, FolderError> {
        let io = |p: &Path, source: std::io::Error| FolderError::Io(OutputError::Io { path: p.to_path_buf(), source });
        let created = !path.exists();
        let lock = FolderLock::acquire(path)?;
        let staging = path.join(STAGING_DIR);
        let dir = OutputDir { path: path.to_path_buf(), staging, checkpoints, created, committed: false, lock };
        if !dir.lock.took_over()
            && let Some(example) = foreign_entry(path).map_err(|e| io(path, e))?
        {
            return Err(FolderError::NotAnOutput { dir: path.to_path_buf(), example });
        }
        if replace {
            let runs = path.join(CHECKPOINT_DIR);
            match fs::remove_dir_all(&runs) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(io(&runs, e)),
                _ => {}
            }
        }
        if checkpoints == Checkpoints::None && path.join(CHECKPOINT_DIR).join("job.json").exists() {
            return Err(FolderError::Checkpoints { dir: path.to_path_buf() });
        }
        match fs::remove_dir_all(&dir.staging) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(io(&dir.staging, e)),
            _ => {}
        }
        for sub in ["", SUBFOLDERS[0], SUBFOLDERS[1], CHECKPOINT_DIR] {
            let d = path.join(sub);
            remove_stale_temp_files(&d).map_err(|e| io(&d, e))?;
        }
        fs::create_dir(&dir.staging).map_err(|e| io(&dir.staging, e))?;
        Ok(dir)
    }

    /// The output folder itself (where `.runs/` lives).
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Where the job writes its files (tables, `maps/`, `plots/`, report)
    /// until [`OutputDir::commit`] moves them into [`OutputDir::path`].
    pub fn staging(&self) -> &Path {
        &self.staging
    }

    /// Puts the job's output in place: moves every staged file into the
    /// folder (each rename replaces a same-named old file atomically),
    /// removes the previous job's files that were not replaced (see the
    /// module doc for which files those are) and writes `manifest` to
    /// `manifest.json`, last: a folder with a manifest holds exactly the job
    /// the manifest describes. The old manifest is removed first, so a job
    /// killed while committing leaves no manifest rather than a wrong one.
    ///
    /// The folder stays locked until the `OutputDir` is dropped.
    pub fn commit(&mut self, manifest: &crate::Manifest) -> Result<(), OutputError> {
        let io = |p: &Path, source: std::io::Error| OutputError::Io { path: p.to_path_buf(), source };
        let mut staged = Vec::new();
        list_files(&self.staging, Path::new(""), &mut staged).map_err(|e| io(&self.staging, e))?;
        let manifest_path = self.path.join("manifest.json");
        match fs::remove_file(&manifest_path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(io(&manifest_path, e)),
            _ => {}
        }
        for rel in &staged {
            let target = self.path.join(rel);
            if let Some(parent) = target.parent() {
                fs::create_dir_all(parent).map_err(|e| io(parent, e))?;
            }
            fs::rename(self.staging.join(rel), &target).map_err(|e| io(&target, e))?;
        }
        self.prune(&staged).map_err(|(p, e)| io(&p, e))?;
        crate::write_json(&manifest_path, &manifest.to_value())?;
        fs::remove_dir_all(&self.staging).map_err(|e| io(&self.staging, e))?;
        self.committed = true;
        #[cfg(unix)]
        if let Ok(d) = fs::File::open(&self.path) {
            let _ = d.sync_all();
        }
        Ok(())
    }

    /// Removes the previous job's files that `kept` (the new job's files,
    /// relative to the folder) does not name, and `maps/` and `plots/` if
    /// that leaves them empty.
    fn prune(&self, kept: &[PathBuf]) -> Result<(), (PathBuf, std::io::Error)> {
        for sub in ["", SUBFOLDERS[0], SUBFOLDERS[1]] {
            let dir = self.path.join(sub);
            let entries = match fs::read_dir(&dir) {
                Ok(e) => e,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
                Err(e) => return Err((dir, e)),
            };
            for entry in entries {
                let entry = entry.map_err(|e| (dir.clone(), e))?;
                let name = entry.file_name();
                let Some(name) = name.to_str() else { continue };
                let rel = Path::new(sub).join(name);
                let is_file = entry.file_type().map_err(|e| (entry.path(), e))?.is_file();
                if is_file && is_previous_output(sub, name) && !kept.contains(&rel) {
                    fs::remove_file(entry.path()).map_err(|e| (entry.path(), e))?;
                }
            }
            if !sub.is_empty() {
                // Fails (and is meant to) unless the folder is now empty.
                let _ = fs::remove_dir(&dir);
            }
        }
        if self.checkpoints == Checkpoints::None {
            // `open` refused a `.runs/` holding a job; what is left is debris.
            let runs = self.path.join(CHECKPOINT_DIR);
            match fs::remove_dir_all(&runs) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err((runs, e)),
                _ => {}
            }
        }
        Ok(())
    }
}

impl Drop for OutputDir {
    fn drop(&mut self) {
        if self.committed {
            return;
        }
        let _ = fs::remove_dir_all(&self.staging);
        // A folder this job created and left empty (but for the lock file) is
        // removed, so that a failed job leaves nothing behind.
        if self.created {
            let only_lock = fs::read_dir(&self.path)
                .map(|entries| entries.flatten().all(|e| e.file_name() == LOCK_FILE))
                .unwrap_or(false);
            if only_lock {
                let _ = fs::remove_file(self.lock.path());
                let _ = fs::remove_dir(&self.path);
            }
        }
    }
}

/// Whether `name` in subfolder `sub` ("" for the top level) is one of the
/// kinds of file a Frontline job writes (see the module doc).
fn is_previous_output(sub: &str, name: &str) -> bool {
    let ext = Path::new(name).extension().and_then(|e| e.to_str()).unwrap_or("");
    is_temp_name(name)
        || match sub {
            "" => name == "manifest.json" || name == "report.html" || ext == "parquet" || ext == "csv",
            "maps" => ext == "svg" || ext == "png" || ext == "geojson" || ext == "parquet",
            _ => ext == "svg" || ext == "png",
        }
}

/// The first entry of `dir` showing that it is not (only) a Frontline
/// output, or None if it is empty or one: it has a Frontline manifest, a
/// job's `.runs/`, a staging folder, or nothing but temporary files.
fn foreign_entry(dir: &Path) -> std::io::Result<Option<String>> {
    let mut names: Vec<String> = Vec::new();
    for entry in fs::read_dir(dir)? {
        let name = entry?.file_name().to_string_lossy().into_owned();
        if name != LOCK_FILE {
            names.push(name);
        }
    }
    names.sort();
    let is_output = names.is_empty()
        || names.iter().all(|n| is_temp_name(n))
        || dir.join(STAGING_DIR).is_dir()
        || dir.join(CHECKPOINT_DIR).join("job.json").is_file()
        || is_frontline_manifest(&dir.join("manifest.json"));
    Ok(if is_output { None } else { names.into_iter().next() })
}

/// Whether `path` is a manifest written by Frontline (a JSON object with
/// `frontline_version`). Only a regular file of at most
/// [`crate::MAX_MANIFEST_BYTES`] is read, so a FIFO or a huge file named
/// `manifest.json` cannot block or exhaust a job.
fn is_frontline_manifest(path: &Path) -> bool {
    let readable = fs::metadata(path).is_ok_and(|m| m.is_file() && m.len() <= crate::MAX_MANIFEST_BYTES);
    readable
        && fs::read(path)
            .ok()
            .and_then(|bytes| serde_json::from_slice::<serde_json::Value>(&bytes).ok())
            .is_some_and(|v| v.get("frontline_version").is_some())
}

/// Appends the regular files under `root/rel` to `out`, relative to `root`.
fn list_files(root: &Path, rel: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    let mut entries: Vec<fs::DirEntry> = fs::read_dir(root.join(rel))?.collect::<Result<_, _>>()?;
    entries.sort_by_key(fs::DirEntry::file_name);
    for entry in entries {
        let rel = rel.join(entry.file_name());
        let kind = entry.file_type()?;
        if kind.is_dir() {
            list_files(root, &rel, out)?;
        } else if kind.is_file() {
            out.push(rel);
        }
    }
    Ok(())
}
