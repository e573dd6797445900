//! Resumable jobs: the on-disk record of a multi-run job's progress, so that
//! an interrupted `ensemble`, `compare`, `sweep` or `sensitivity` resumed
//! with `--resume` recomputes only what is missing and ends with the same
//! tables, byte for byte.
//!
//! A job directory holds `.runs/job.json` (the job's identity: scenario hash,
//! variants, `--set`s, seed, sizes, version) and batch files written
//! atomically as batches complete. A directory holds the batches of exactly
//! one job. Batches have a fixed size independent of the thread count, so the
//! results do not depend on how many threads computed them.
//!
//! Owns the directory protocol and the generic batch store of
//! [`evaluate`] (fixed-width rows of `f64`, one per task). It knows nothing of
//! what a task is; the ensemble keeps its own richer batch encoding on top of
//! [`JobDir`].

use frontline_output::OutputError;
use rayon::prelude::*;
use std::path::{Path, PathBuf};

/// A job's identity: a batch directory holds the runs of exactly one job.
#[derive(Debug, Clone, PartialEq)]
pub struct JobId {
    /// Manifest-like description (scenario hash, variants, sets, base seed, sizes).
    pub json: serde_json::Value,
}

/// Errors of a resumable job.
#[derive(Debug)]
pub enum JobError {
    /// The output directory holds another job or an unfinished one.
    Directory(String),
    /// Writing failed.
    Output(OutputError),
    /// Reading a batch failed.
    Io(PathBuf, std::io::Error),
    /// A task could not be carried out (e.g. a design point's parameter values do not build a model).
    Task(String),
}

impl std::fmt::Display for JobError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            JobError::Directory(s) | JobError::Task(s) => write!(f, "{s}"),
            JobError::Output(e) => write!(f, "{e}"),
            JobError::Io(p, e) => write!(f, "cannot read `{}`: {e}", p.display()),
        }
    }
}

impl std::error::Error for JobError {}

impl JobError {
    /// The process exit code: 2 for a refused directory or bad input, 1 for I/O.
    pub fn exit_code(&self) -> u8 {
        match self {
            JobError::Directory(_) | JobError::Task(_) => 2,
            JobError::Output(_) | JobError::Io(..) => 1,
        }
    }
}

/// The `.runs/` directory of a job, opened for writing batches.
#[derive(Debug, Clone)]
pub struct JobDir {
    runs_dir: PathBuf,
}

impl JobDir {
    /// Opens `dir/.runs/` for `job`. A directory holding a different job is
    /// refused; one holding this job is refused unless `resume` (its
    /// completed batches are then kept). Records the job before any batch.
    pub fn open(dir: &Path, job: &JobId, resume: bool) -> Result<JobDir, JobError> {
        let runs_dir = dir.join(".runs");
        let job_file = runs_dir.join("job.json");
        if let Ok(text) = std::fs::read_to_string(&job_file) {
            let old: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
            if old != job.json {
                return Err(JobError::Directory(format!(
                    "`{}` holds the runs of a different job (other scenario, variants, --set, seed, sizes or outcomes); use another --out or delete that directory",
                    dir.display()
                )));
            }
            if !resume {
                return Err(JobError::Directory(format!(
                    "`{}` already holds runs of this job; pass --resume to finish or reuse them, or use another --out",
                    dir.display()
                )));
            }
        }
        std::fs::create_dir_all(&runs_dir).map_err(|e| JobError::Io(runs_dir.clone(), e))?;
        frontline_output::write_json(&job_file, &job.json).map_err(JobError::Output)?;
        Ok(JobDir { runs_dir })
    }

    /// Path of batch file `b` with a name prefix.
    pub fn batch_path(&self, prefix: &str, b: u64) -> PathBuf {
        self.runs_dir.join(format!("{prefix}-{b:06}.bin"))
    }

    /// Whether batch file `path` exists with exactly `len` bytes (a complete batch).
    pub fn has_batch(path: &Path, len: usize) -> bool {
        std::fs::metadata(path).map(|md| md.is_file() && md.len() as usize == len).unwrap_or(false)
    }

    /// Removes the job's `.runs/` directory (a finished job whose results
    /// are all in its tables).
    pub fn remove(self) -> Result<(), JobError> {
        std::fs::remove_dir_all(&self.runs_dir).map_err(|e| JobError::Io(self.runs_dir.clone(), e))
    }
}

/// Progress callback: called with the number of tasks just completed.
pub type Progress<'a> = &'a (dyn Fn(u64) + Sync);

/// Evaluates `tasks` independent tasks, each giving `width` numbers, in
/// parallel, in batches of `batch` tasks. With a job directory every batch is
/// written there as it completes and batches already there are read instead
/// of recomputed; without one, nothing touches the disk. Returns one row per
/// task, in task order.
pub fn evaluate(
    dir: Option<&JobDir>,
    tasks: u64,
    width: usize,
    batch: u64,
    progress: Progress,
    task: impl Fn(u64) -> Result<Vec<f64>, String> + Sync,
) -> Result<Vec<Vec<f64>>, JobError> {
    assert!(batch > 0 && width > 0, "batches and rows must not be empty");
    let run = |lo: u64, hi: u64| -> Result<Vec<Vec<f64>>, JobError> {
        (lo..hi)
            .into_par_iter()
            .map(|i| {
                let row = task(i).map_err(JobError::Task)?;
                assert_eq!(row.len(), width, "task {i} gave {} values, not {width}", row.len());
                progress(1);
                Ok(row)
            })
            .collect()
    };
    let Some(dir) = dir else { return run(0, tasks) };
    let mut rows = Vec::with_capacity(tasks as usize);
    for b in 0..tasks.div_ceil(batch) {
        let (lo, hi) = (b * batch, ((b + 1) * batch).min(tasks));
        let path = dir.batch_path("rows", b);
        let len = 8 * width * (hi - lo) as usize;
        if JobDir::has_batch(&path, len) {
            let bytes = std::fs::read(&path).map_err(|e| JobError::Io(path.clone(), e))?;
            let values: Vec<f64> =
                bytes.chunks_exact(8).map(|c| f64::from_le_bytes(c.try_into().expect("8 bytes"))).collect();
            rows.extend(values.chunks_exact(width).map(<[f64]>::to_vec));
            progress(hi - lo);
            continue;
        }
        let done = run(lo, hi)?;
        let bytes: Vec<u8> = done.iter().flatten().flat_map(|x| x.to_le_bytes()).collect();
        frontline_output::write_atomic(&path, |f| {
            use std::io::Write;
            f.write_all(&bytes).map_err(|e| OutputError::Io { path: path.clone(), source: e })
        })
        .map_err(JobError::Output)?;
        rows.extend(done);
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU64, Ordering};

    fn tmp(name: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("frontline-checkpoint-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        d
    }

    fn job(n: u64) -> JobId {
        JobId { json: serde_json::json!({ "n": n }) }
    }

    #[test]
    fn batches_on_disk_are_reused_and_give_the_same_rows() {
        let dir = tmp("reuse");
        let calls = AtomicU64::new(0);
        let task = |i: u64| {
            calls.fetch_add(1, Ordering::SeqCst);
            Ok(vec![i as f64, (i * i) as f64 / 3.0])
        };
        let plain = evaluate(None, 10, 2, 4, &|_| {}, task).unwrap();
        assert_eq!(calls.swap(0, Ordering::SeqCst), 10);
        let jd = JobDir::open(&dir, &job(10), false).unwrap();
        let first = evaluate(Some(&jd), 10, 2, 4, &|_| {}, task).unwrap();
        assert_eq!(first, plain);
        assert_eq!(calls.swap(0, Ordering::SeqCst), 10);
        // Lose the last batch, as a killed job would: only it is recomputed.
        std::fs::remove_file(jd.batch_path("rows", 2)).unwrap();
        let jd = JobDir::open(&dir, &job(10), true).unwrap();
        let seen = AtomicU64::new(0);
        let again = evaluate(Some(&jd), 10, 2, 4, &|n| _ = seen.fetch_add(n, Ordering::SeqCst), task).unwrap();
        assert_eq!(again, plain);
        assert_eq!(calls.load(Ordering::SeqCst), 2, "only the missing batch (tasks 8, 9) runs again");
        assert_eq!(seen.load(Ordering::SeqCst), 10, "progress counts reused tasks too");
        jd.remove().unwrap();
        assert!(!dir.join(".runs").exists());
    }

    #[test]
    fn a_truncated_batch_is_recomputed() {
        let dir = tmp("truncated");
        let jd = JobDir::open(&dir, &job(3), false).unwrap();
        let task = |i: u64| Ok(vec![i as f64]);
        let rows = evaluate(Some(&jd), 3, 1, 8, &|_| {}, task).unwrap();
        std::fs::write(jd.batch_path("rows", 0), [0u8; 5]).unwrap();
        assert_eq!(evaluate(Some(&jd), 3, 1, 8, &|_| {}, task).unwrap(), rows);
    }

    #[test]
    fn directories_of_other_jobs_and_unasked_resumes_are_refused() {
        let dir = tmp("refuse");
        JobDir::open(&dir, &job(1), false).unwrap();
        let e = JobDir::open(&dir, &job(2), true).unwrap_err();
        assert!(e.to_string().contains("different job"), "{e}");
        assert_eq!(e.exit_code(), 2);
        let e = JobDir::open(&dir, &job(1), false).unwrap_err();
        assert!(e.to_string().contains("--resume"), "{e}");
        assert!(JobDir::open(&dir, &job(1), true).is_ok());
    }

    #[test]
    fn task_errors_stop_the_job() {
        let e = evaluate(None, 5, 1, 2, &|_| {}, |i| if i == 3 { Err("bad point".into()) } else { Ok(vec![0.0]) })
            .unwrap_err();
        assert!(matches!(e, JobError::Task(ref s) if s == "bad point"));
    }
}
