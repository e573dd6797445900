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
//! Every batch file is sealed: its payload is followed by a trailer of
//! [`TRAILER_LEN`] bytes, the magic `FLBATCH1` and the SHA-256 of the job's
//! identity, the batch's name and index, and the payload. A batch that was
//! damaged (a flipped byte, zeroed, truncated), swapped with another index or
//! copied from another job fails the seal: a resuming job warns on stderr
//! and recomputes it ([`JobDir::read_batch`], [`JobDir::has_batch`]); a
//! reader that cannot recompute refuses it with [`JobError::Corrupt`]
//! ([`JobDir::require_batch`]). A batch is never used unchecked.
//!
//! Owns the directory protocol and the generic batch store of
//! [`evaluate`] (fixed-width rows of `f64`, one per task). It knows nothing of
//! what a task is; the ensemble keeps its own richer batch encoding on top of
//! [`JobDir`]. The caller owns the output folder while the job runs (holds
//! its [`frontline_output::FolderLock`], e.g. through
//! [`frontline_output::OutputDir`]), which also clears the temporary files a
//! killed job left in `.runs/`.
//!
//! A job's batches can be computed by other processes ([`Placement`]): a
//! worker of a distributed job computes only the batches it is given and
//! stops ([`Placement::Only`], [`JobError::Shard`]); the process that runs
//! the job hands the batches it lacks to a [`Remote`] (a cluster) and writes
//! each one as it arrives, after checking its seal
//! ([`Placement::Elsewhere`], [`JobDir::import_batch`]), then aggregates as
//! any job does. Batches are the same files either way, so a distributed
//! job resumes, and ends with the same tables, as a local one.
//!
//! A job can also interrupt itself at an exact point ([`Interruption`]): after
//! writing K batches it stops ([`JobError::Stopped`]) or holds until it is
//! killed. The tests use this to leave a folder as a kill after K batches
//! would, without racing a running process.

use frontline_output::{FolderError, OutputError};
use rayon::prelude::*;
use sha2::{Digest, Sha256};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

/// A job's identity: a batch directory holds the runs of exactly one job.
#[derive(Debug, Clone, PartialEq)]
pub struct JobId {
    /// Manifest-like description (scenario hash, variants, sets, base seed, sizes).
    pub json: serde_json::Value,
}

impl JobId {
    /// SHA-256 of the identity's compact JSON: what binds a batch to its job.
    fn digest(&self) -> [u8; 32] {
        Sha256::digest(self.json.to_string().as_bytes()).into()
    }
}

/// Marks a batch trailer (version 1 of the seal).
const TRAILER_MAGIC: &[u8; 8] = b"FLBATCH1";

/// Bytes a batch file holds after its payload: [`TRAILER_MAGIC`] and the
/// 32-byte SHA-256 seal.
pub const TRAILER_LEN: usize = TRAILER_MAGIC.len() + 32;

/// Errors of a resumable job.
#[derive(Debug)]
pub enum JobError {
    /// The output directory holds another job or an unfinished one, is in
    /// use by another job, or is not a Frontline output.
    Directory(String),
    /// Writing failed.
    Output(OutputError),
    /// Reading a batch failed.
    Io(PathBuf, std::io::Error),
    /// A batch file that cannot be recomputed here is missing or fails its
    /// seal: the file and what is wrong with it.
    Corrupt(PathBuf, String),
    /// A task could not be carried out (e.g. a design point's parameter values do not build a model).
    Task(String),
    /// The job stopped itself, as its [`Interruption`] asked, after writing
    /// this many batches: they are in `.runs/`, nothing else was written,
    /// and resuming the job finishes it.
    Stopped(u64),
    /// A worker of a distributed job ([`Placement::Only`]) wrote the
    /// batches it was given, this many: they are in its `.runs/`, and the
    /// process that runs the job gathers them.
    Shard(u64),
    /// The job was cancelled by its front end ([`Tick::cancelled`]: the
    /// Python package on Ctrl-C) after writing this many batches: they are
    /// in `.runs/`, and resuming the job finishes it.
    Cancelled(u64),
}

impl std::fmt::Display for JobError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            JobError::Directory(s) | JobError::Task(s) => write!(f, "{s}"),
            JobError::Output(e) => write!(f, "{e}"),
            JobError::Io(p, e) => write!(f, "cannot read `{}`: {e}", p.display()),
            JobError::Corrupt(p, why) => write!(
                f,
                "`{}` {why}; its runs cannot be used: rerun the job's command with --resume to recompute it",
                p.display()
            ),
            JobError::Stopped(k) => write!(
                f,
                "stopped after writing {k} batch(es), as asked; they are kept: rerun the job's command with --resume to finish it"
            ),
            JobError::Cancelled(k) => write!(
                f,
                "cancelled after writing {k} batch(es); they are kept: rerun the job with --resume (resume=True) to finish it"
            ),
            JobError::Shard(k) => {
                write!(f, "wrote the {k} batch(es) this worker was given; the process that runs the job gathers them")
            }
        }
    }
}

impl std::error::Error for JobError {}

impl JobError {
    /// The process exit code: 2 for a refused directory or bad input, 1 for
    /// I/O and for damaged batches, [`STOPPED_EXIT_CODE`] for a job that
    /// stopped itself as its [`Interruption`] asked.
    pub fn exit_code(&self) -> u8 {
        match self {
            JobError::Directory(_) | JobError::Task(_) => 2,
            JobError::Output(_) | JobError::Io(..) | JobError::Corrupt(..) => 1,
            JobError::Stopped(_) | JobError::Shard(_) | JobError::Cancelled(_) => STOPPED_EXIT_CODE,
        }
    }
}

impl From<FolderError> for JobError {
    /// A refused output folder (busy, not Frontline's, another job's runs)
    /// is a [`JobError::Directory`] (exit code 2, like the other refusals of
    /// `--out`); a filesystem failure is a [`JobError::Output`].
    fn from(e: FolderError) -> JobError {
        match e {
            FolderError::Io(e) => JobError::Output(e),
            refused => JobError::Directory(refused.to_string()),
        }
    }
}

/// The exit code of a job that stopped itself ([`JobError::Stopped`]):
/// distinct from success (0), failure (1) and refusal (2), so that a test
/// can tell a deliberate stop from anything else.
pub const STOPPED_EXIT_CODE: u8 = 3;

/// A job that interrupts itself after writing a number of batches, so that
/// "killed after K batches" is an exact state rather than a race against a
/// running process. Batches found on disk (a resumed job's) do not count;
/// a job with fewer than K batches left to compute simply finishes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Interruption {
    /// How many batches this process writes before it interrupts itself (0: none).
    pub after_batches: u64,
    /// What it does then.
    pub action: InterruptAction,
}

/// What a job does when its [`Interruption`] is due.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InterruptAction {
    /// Return [`JobError::Stopped`]: the caller exits with
    /// [`STOPPED_EXIT_CODE`], writing nothing more.
    Stop,
    /// Block the calling thread forever, holding the output folder as a
    /// running job does, until the process is killed from outside (a test
    /// that proves a real SIGKILL is survivable, at a known point).
    Hold,
}

/// Where a job's batches are computed.
#[derive(Clone, Default)]
pub enum Placement {
    /// Here, in this process's thread pool (every job but a distributed one's).
    #[default]
    Here,
    /// Here, but only these batch indices (of every batch loop of the job):
    /// a worker of a distributed job. The job writes them (those not already
    /// sound on disk), then stops with [`JobError::Shard`] instead of
    /// aggregating.
    Only(Arc<std::collections::BTreeSet<u64>>),
    /// Elsewhere: before each batch loop, the batches missing from disk are
    /// handed to the [`Remote`], and each batch it delivers is checked
    /// against this job's seal and written ([`JobDir::import_batch`]). Nothing
    /// is computed here; the job then aggregates the batches as usual.
    Elsewhere(Arc<dyn Remote>),
}

impl std::fmt::Debug for Placement {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Placement::Here => f.write_str("Here"),
            Placement::Only(b) => f.debug_tuple("Only").field(b).finish(),
            Placement::Elsewhere(_) => f.write_str("Elsewhere(..)"),
        }
    }
}

/// Computes a job's batches in other processes (the Python package's Ray
/// driver is one): each worker runs the same job with
/// [`Placement::Only`] and returns its batch files.
pub trait Remote: Send + Sync {
    /// Computes batches `missing` (indices among `count`) of the loop whose
    /// files are named `prefix`, and gives each one's whole file (payload
    /// and seal, as the worker wrote it) to `deliver` as it completes, in
    /// any order. An error from `deliver` must end the computation and be
    /// returned.
    fn compute(
        &self,
        prefix: &str,
        missing: &[u64],
        count: u64,
        deliver: &mut dyn FnMut(u64, Vec<u8>) -> Result<(), JobError>,
    ) -> Result<(), JobError>;
}

/// What [`JobDir::check_batch`] found.
#[derive(Debug, Clone, PartialEq)]
pub enum BatchState {
    /// The batch is there and its seal holds.
    Sound,
    /// There is no batch file.
    Missing,
    /// The file is there but cannot be used: why.
    Bad(String),
}

/// The `.runs/` directory of a job, opened for writing batches.
#[derive(Debug, Clone)]
pub struct JobDir {
    runs_dir: PathBuf,
    job_digest: [u8; 32],
    interruption: Option<Interruption>,
    /// Where the batches are computed.
    placement: Placement,
    /// Batches written through this handle (and its clones): what an
    /// [`Interruption`] counts.
    written: Arc<AtomicU64>,
}

impl JobDir {
    /// Opens `dir/.runs/` for `job`. A directory holding a different job is
    /// refused; one holding this job is refused unless `resume` (its
    /// completed batches are then kept). Records the job before any batch.
    pub fn open(dir: &Path, job: &JobId, resume: bool) -> Result<JobDir, JobError> {
        let runs_dir = dir.join(".runs");
        let job_file = runs_dir.join("job.json");
        if let Ok(text) = read_job_record(&job_file) {
            let Ok(old) = serde_json::from_slice::<serde_json::Value>(&text) else {
                return Err(JobError::Directory(format!(
                    "`{}` is damaged (not the record of a job), so the runs beside it cannot be trusted; pass --force (or delete `{}`) to start the job afresh, or use another --out",
                    job_file.display(),
                    runs_dir.display()
                )));
            };
            if old != job.json {
                return Err(JobError::Directory(format!(
                    "`{}` holds the runs of a different job (other scenario, variants, --set, seed, sizes or outcomes); use another --out, or pass --force to discard them and replace the folder's output",
                    dir.display()
                )));
            }
            if !resume {
                return Err(JobError::Directory(format!(
                    "`{}` already holds runs of this job; pass --resume to finish or reuse them, --force to discard them and start afresh, or use another --out",
                    dir.display()
                )));
            }
        }
        std::fs::create_dir_all(&runs_dir).map_err(|e| JobError::Io(runs_dir.clone(), e))?;
        frontline_output::write_json(&job_file, &job.json).map_err(JobError::Output)?;
        Ok(JobDir::new(runs_dir, job.digest()))
    }

    /// Opens the `.runs/` of a job already in `dir`, to read its batches
    /// (e.g. to re-aggregate a finished ensemble): the job is the one its
    /// `job.json` records.
    pub fn existing(dir: &Path) -> Result<JobDir, JobError> {
        let runs_dir = dir.join(".runs");
        let job_file = runs_dir.join("job.json");
        let text = match read_job_record(&job_file) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(JobError::Corrupt(job_file, "is missing (the job's runs are not there)".into()));
            }
            Err(e) => return Err(JobError::Io(job_file, e)),
        };
        let json: serde_json::Value = serde_json::from_slice(&text)
            .map_err(|e| JobError::Corrupt(job_file.clone(), format!("is not the record of a job ({e})")))?;
        Ok(JobDir::new(runs_dir, JobId { json }.digest()))
    }

    fn new(runs_dir: PathBuf, job_digest: [u8; 32]) -> JobDir {
        JobDir {
            runs_dir,
            job_digest,
            interruption: None,
            placement: Placement::Here,
            written: Arc::new(AtomicU64::new(0)),
        }
    }

    /// This job directory, its batches computed where `placement` says.
    pub fn placed(mut self, placement: Placement) -> JobDir {
        self.placement = placement;
        self
    }

    /// Whether this process computes batch `b` of a batch loop (a worker of
    /// a distributed job computes only its own): the loops skip the others.
    pub fn computes(&self, b: u64) -> bool {
        match &self.placement {
            Placement::Only(batches) => batches.contains(&b),
            Placement::Here | Placement::Elsewhere(_) => true,
        }
    }

    /// Called by a batch loop before it starts: with
    /// [`Placement::Elsewhere`], the loop's batches that are not sound on
    /// disk (of `count`, batch `b` having a payload of `len(b)` bytes) are
    /// computed by the [`Remote`] and written here as they arrive; every one
    /// must arrive. Otherwise it does nothing.
    pub fn compute_elsewhere(&self, prefix: &str, count: u64, len: &dyn Fn(u64) -> usize) -> Result<(), JobError> {
        let Placement::Elsewhere(remote) = &self.placement else { return Ok(()) };
        let mut missing = Vec::new();
        for b in 0..count {
            if !self.has_batch(prefix, b, len(b))? {
                missing.push(b);
            }
        }
        if missing.is_empty() {
            return Ok(());
        }
        let mut arrived = std::collections::BTreeSet::new();
        remote.compute(prefix, &missing, count, &mut |b, file| {
            if b >= count {
                return Err(JobError::Task(format!("a worker delivered batch {b} of a job of {count} batches")));
            }
            self.import_batch(prefix, b, len(b), &file)?;
            arrived.insert(b);
            Ok(())
        })?;
        match missing.iter().find(|b| !arrived.contains(b)) {
            Some(b) => Err(JobError::Task(format!(
                "the workers finished without delivering batch {b} (`{}`); run the job again with resume to compute what is missing",
                self.batch_path(prefix, *b).display()
            ))),
            None => Ok(()),
        }
    }

    /// Called by a batch loop once it is done: a worker of a distributed
    /// job ([`Placement::Only`]) stops there with [`JobError::Shard`], its
    /// batches written; otherwise Ok.
    pub fn end_of_shard(&self) -> Result<(), JobError> {
        match self.placement {
            Placement::Only(_) => Err(JobError::Shard(self.written.load(Ordering::SeqCst))),
            Placement::Here | Placement::Elsewhere(_) => Ok(()),
        }
    }

    /// Writes batch `b` from a whole batch file `file` (payload and seal)
    /// that another process wrote for the same job, after checking that it
    /// has the length (`len` bytes of payload and the seal) and the seal of
    /// this job's batch `b`: a worker that loaded another scenario, other
    /// variants, other sets or another Frontline version wrote another job's
    /// batch, which is refused ([`JobError::Task`]) and not written.
    pub fn import_batch(&self, prefix: &str, b: u64, len: usize, file: &[u8]) -> Result<(), JobError> {
        let name = format!("{prefix}-{b:06}.bin");
        let state = if file.len() != len + TRAILER_LEN {
            BatchState::Bad(format!("has {} bytes where its batch has {}", file.len(), len + TRAILER_LEN))
        } else {
            let mut seal = self.seal(prefix, b);
            seal.update(&file[..len]);
            sealed_state(seal, &file[len..])
        };
        if let BatchState::Bad(why) = state {
            return Err(JobError::Task(format!(
                "batch `{name}` from a worker {why}: the worker ran another job (its scenario files, variants, sets or Frontline version differ from this process's); every worker must see the same files"
            )));
        }
        let path = self.batch_path(prefix, b);
        frontline_output::write_atomic(&path, |f| {
            use std::io::Write;
            f.write_all(file).map_err(|e| OutputError::Io { path: path.clone(), source: e })
        })
        .map_err(JobError::Output)?;
        self.written.fetch_add(1, Ordering::SeqCst);
        Ok(())
    }

    /// The whole file (payload and seal) of batch `b` as written, for a
    /// worker of a distributed job to send to the process that runs it.
    pub fn batch_file(&self, prefix: &str, b: u64) -> Result<Vec<u8>, JobError> {
        let path = self.batch_path(prefix, b);
        std::fs::read(&path).map_err(|e| JobError::Io(path, e))
    }

    /// This job directory, interrupting the job as `interruption` says
    /// (None: never). The loops that compute batches ask
    /// [`JobDir::before_computing`] before each one.
    pub fn interrupted(mut self, interruption: Option<Interruption>) -> JobDir {
        self.interruption = interruption;
        self
    }

    /// Called before computing a batch that is not on disk: once the job's
    /// [`Interruption`] is due (this handle has written its K batches), it
    /// returns [`JobError::Stopped`] or never returns, as the interruption
    /// says. Otherwise Ok: compute the batch.
    pub fn before_computing(&self) -> Result<(), JobError> {
        let Some(Interruption { after_batches, action }) = self.interruption else { return Ok(()) };
        let written = self.written.load(Ordering::SeqCst);
        if written < after_batches {
            return Ok(());
        }
        match action {
            InterruptAction::Stop => Err(JobError::Stopped(written)),
            InterruptAction::Hold => {
                eprintln!("holding after writing {written} batch(es), as asked: waiting to be killed");
                loop {
                    // park() may wake spuriously; only a kill ends this.
                    std::thread::park();
                }
            }
        }
    }

    /// The error of a job cancelled now ([`Tick::cancelled`]), counting the
    /// batches this handle wrote.
    pub fn cancelled(&self) -> JobError {
        JobError::Cancelled(self.written.load(Ordering::SeqCst))
    }

    /// Path of batch file `b` with a name prefix.
    pub fn batch_path(&self, prefix: &str, b: u64) -> PathBuf {
        self.runs_dir.join(format!("{prefix}-{b:06}.bin"))
    }

    /// The seal of batch `b` of this job, primed with everything but the payload.
    fn seal(&self, prefix: &str, b: u64) -> Sha256 {
        let mut h = Sha256::new();
        h.update(b"frontline batch\n");
        h.update(self.job_digest);
        h.update(prefix.as_bytes());
        h.update(b"\n");
        h.update(b.to_le_bytes());
        h
    }

    /// Writes batch `b` (its `payload` and the seal) atomically.
    pub fn write_batch(&self, prefix: &str, b: u64, payload: &[u8]) -> Result<(), JobError> {
        let path = self.batch_path(prefix, b);
        let mut seal = self.seal(prefix, b);
        seal.update(payload);
        let digest: [u8; 32] = seal.finalize().into();
        frontline_output::write_atomic(&path, |f| {
            use std::io::Write;
            f.write_all(payload)
                .and_then(|()| f.write_all(TRAILER_MAGIC))
                .and_then(|()| f.write_all(&digest))
                .map_err(|e| OutputError::Io { path: path.clone(), source: e })
        })
        .map_err(JobError::Output)?;
        self.written.fetch_add(1, Ordering::SeqCst);
        Ok(())
    }

    /// Checks batch file `b`, whose payload has `len` bytes, without keeping
    /// it in memory (ensemble batches can be large).
    pub fn check_batch(&self, prefix: &str, b: u64, len: usize) -> Result<BatchState, JobError> {
        let path = self.batch_path(prefix, b);
        let mut file = match std::fs::File::open(&path) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(BatchState::Missing),
            Err(e) => return Err(JobError::Io(path, e)),
        };
        let io = |e| JobError::Io(path.clone(), e);
        let meta = file.metadata().map_err(io)?;
        if !meta.is_file() {
            return Ok(BatchState::Bad("is not a file".into()));
        }
        if meta.len() != (len + TRAILER_LEN) as u64 {
            return Ok(BatchState::Bad(format!(
                "has {} bytes where its batch has {} (damaged, from another job or from an older Frontline)",
                meta.len(),
                len + TRAILER_LEN
            )));
        }
        let mut seal = self.seal(prefix, b);
        let mut buf = vec![0u8; 1 << 16];
        let mut left = len;
        while left > 0 {
            let n = left.min(buf.len());
            file.read_exact(&mut buf[..n]).map_err(io)?;
            seal.update(&buf[..n]);
            left -= n;
        }
        let mut trailer = [0u8; TRAILER_LEN];
        file.read_exact(&mut trailer).map_err(io)?;
        Ok(sealed_state(seal, &trailer))
    }

    /// Whether batch `b` is there and sound. A file that is there but fails
    /// its seal is reported on stderr (one line naming it) and counts as
    /// missing: the caller recomputes it.
    pub fn has_batch(&self, prefix: &str, b: u64, len: usize) -> Result<bool, JobError> {
        match self.check_batch(prefix, b, len)? {
            BatchState::Sound => Ok(true),
            BatchState::Missing => Ok(false),
            BatchState::Bad(why) => {
                warn_recompute(&self.batch_path(prefix, b), &why);
                Ok(false)
            }
        }
    }

    /// Checks that batch `b` is there and sound, for a reader that cannot
    /// recompute it: anything else is a [`JobError::Corrupt`].
    pub fn require_batch(&self, prefix: &str, b: u64, len: usize) -> Result<(), JobError> {
        match self.check_batch(prefix, b, len)? {
            BatchState::Sound => Ok(()),
            BatchState::Missing => Err(JobError::Corrupt(self.batch_path(prefix, b), "is missing".into())),
            BatchState::Bad(why) => Err(JobError::Corrupt(self.batch_path(prefix, b), why)),
        }
    }

    /// The payload of batch `b` (`len` bytes) if it is there and sound; a
    /// file that fails its seal is reported on stderr and gives None, as a
    /// missing one does: the caller recomputes it.
    pub fn read_batch(&self, prefix: &str, b: u64, len: usize) -> Result<Option<Vec<u8>>, JobError> {
        let path = self.batch_path(prefix, b);
        // Look before reading: a FIFO or device in `.runs/` would block or
        // never end, and a file of the wrong size is unsound whatever it holds.
        match std::fs::metadata(&path) {
            Ok(meta) if !meta.is_file() => {
                warn_recompute(&path, "is not a regular file");
                return Ok(None);
            }
            Ok(meta) if meta.len() != (len + TRAILER_LEN) as u64 => {
                warn_recompute(
                    &path,
                    &format!(
                        "has {} bytes where its batch has {} (damaged, from another job or from an older Frontline)",
                        meta.len(),
                        len + TRAILER_LEN
                    ),
                );
                return Ok(None);
            }
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(JobError::Io(path, e)),
        }
        let mut bytes = match std::fs::read(&path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(JobError::Io(path, e)),
        };
        let state = if bytes.len() != len + TRAILER_LEN {
            BatchState::Bad(format!(
                "has {} bytes where its batch has {} (damaged, from another job or from an older Frontline)",
                bytes.len(),
                len + TRAILER_LEN
            ))
        } else {
            let mut seal = self.seal(prefix, b);
            seal.update(&bytes[..len]);
            sealed_state(seal, &bytes[len..])
        };
        match state {
            BatchState::Sound => {
                bytes.truncate(len);
                Ok(Some(bytes))
            }
            BatchState::Missing => Ok(None),
            BatchState::Bad(why) => {
                warn_recompute(&path, &why);
                Ok(None)
            }
        }
    }

    /// Removes the job's `.runs/` directory (a finished job whose results
    /// are all in its tables).
    pub fn remove(self) -> Result<(), JobError> {
        std::fs::remove_dir_all(&self.runs_dir).map_err(|e| JobError::Io(self.runs_dir.clone(), e))
    }
}

/// The bytes of a `job.json`, read only if it is a regular file of at most
/// 16 MiB (a job record is a few kilobytes): anything else is reported as
/// an I/O error of kind `InvalidData`, so a FIFO there cannot block a job.
fn read_job_record(path: &Path) -> std::io::Result<Vec<u8>> {
    use frontline_scenario::limits::{ReadError, read_bytes};
    read_bytes(path, 16 << 20).map_err(|e| match e {
        ReadError::Io(e) => e,
        other => std::io::Error::new(std::io::ErrorKind::InvalidData, other.to_string()),
    })
}

/// Whether `trailer` is the seal that `seal` (fed with the payload) expects.
fn sealed_state(seal: Sha256, trailer: &[u8]) -> BatchState {
    let digest: [u8; 32] = seal.finalize().into();
    let (magic, stored) = trailer.split_at(TRAILER_MAGIC.len());
    if magic != TRAILER_MAGIC {
        BatchState::Bad("is not a sealed batch file (damaged, or written by another program)".into())
    } else if stored != digest {
        BatchState::Bad("fails its checksum (damaged, swapped with another batch, or copied from another job)".into())
    } else {
        BatchState::Sound
    }
}

/// The one line a resuming job prints for a batch it will not use.
fn warn_recompute(path: &Path, why: &str) {
    eprintln!("warning: `{}` {why}; recomputing its runs", path.display());
}

/// The batches of a job with prefix `prefix` and `batch` tasks per batch
/// (the last one shorter), read from their files: what a model's ensemble
/// aggregation reads (see [`crate::simulation::Batches`]). Callers check
/// each batch with [`JobDir::require_batch`] first.
pub struct SealedBatches<'a> {
    /// The job directory.
    pub jd: &'a JobDir,
    /// The batch files' name prefix.
    pub prefix: &'a str,
    /// The job's number of tasks (runs).
    pub runs: u64,
    /// Tasks per batch.
    pub batch: u64,
}

impl crate::simulation::Batches for SealedBatches<'_> {
    fn count(&self) -> u64 {
        self.runs.div_ceil(self.batch)
    }
    fn runs_in(&self, b: u64) -> usize {
        (((b + 1) * self.batch).min(self.runs) - b * self.batch) as usize
    }
    fn read(&self, b: u64, offset: usize, len: usize) -> Result<Vec<u8>, JobError> {
        use std::io::{Read, Seek, SeekFrom};
        let path = self.path(b);
        let io = |e| JobError::Io(path.clone(), e);
        let mut f = std::fs::File::open(&path).map_err(io)?;
        f.seek(SeekFrom::Start(offset as u64)).map_err(io)?;
        let mut buf = vec![0u8; len];
        f.read_exact(&mut buf).map_err(io)?;
        Ok(buf)
    }
    fn path(&self, b: u64) -> PathBuf {
        self.jd.batch_path(self.prefix, b)
    }
}

/// What a batch loop reports its progress to, and asks whether to stop: a
/// front end's progress sink (see `analyses::ProgressSink`), or any
/// `Fn(u64)` closure (which never cancels).
pub trait Tick: Sync {
    /// `n` more tasks are done.
    fn advance(&self, n: u64);
    /// Whether the job is to stop before its next task (default: never).
    /// Checked before every task and batch, so a job stops within one task's
    /// time; the batches already written are kept ([`JobError::Cancelled`]).
    fn cancelled(&self) -> bool {
        false
    }
}

impl<F: Fn(u64) + Sync> Tick for F {
    fn advance(&self, n: u64) {
        self(n)
    }
}

/// Progress callback: told the number of tasks just completed, asked whether to stop.
pub type Progress<'a> = &'a dyn Tick;

/// Evaluates `tasks` independent tasks, each giving `width` numbers, in
/// parallel, in batches of `batch` tasks. With a job directory every batch is
/// written there as it completes and sound batches already there are read
/// instead of recomputed (unsound ones are recomputed, with a warning); without
/// one, nothing touches the disk. Returns one row per task, in task order, or
/// [`JobError::Stopped`] if the directory's [`Interruption`] came due first.
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
                if progress.cancelled() {
                    return Err(JobError::Cancelled(0));
                }
                let row = task(i).map_err(JobError::Task)?;
                assert_eq!(row.len(), width, "task {i} gave {} values, not {width}", row.len());
                progress.advance(1);
                Ok(row)
            })
            .collect()
    };
    let Some(dir) = dir else { return run(0, tasks) };
    let len_of = |b: u64| 8 * width * (((b + 1) * batch).min(tasks) - b * batch) as usize;
    dir.compute_elsewhere("rows", tasks.div_ceil(batch), &len_of)?;
    let mut rows = Vec::with_capacity(tasks as usize);
    for b in 0..tasks.div_ceil(batch) {
        if !dir.computes(b) {
            continue;
        }
        let (lo, hi) = (b * batch, ((b + 1) * batch).min(tasks));
        let len = len_of(b);
        if let Some(bytes) = dir.read_batch("rows", b, len)? {
            let values: Vec<f64> =
                bytes.chunks_exact(8).map(|c| f64::from_le_bytes(c.try_into().expect("8 bytes"))).collect();
            rows.extend(values.chunks_exact(width).map(<[f64]>::to_vec));
            progress.advance(hi - lo);
            continue;
        }
        dir.before_computing()?;
        if progress.cancelled() {
            return Err(dir.cancelled());
        }
        let done = run(lo, hi).map_err(|e| if matches!(e, JobError::Cancelled(_)) { dir.cancelled() } else { e })?;
        let bytes: Vec<u8> = done.iter().flatten().flat_map(|x| x.to_le_bytes()).collect();
        dir.write_batch("rows", b, &bytes)?;
        rows.extend(done);
    }
    dir.end_of_shard()?;
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

    /// A front end that cancels (#15: Ctrl-C from Python) after some tasks.
    struct CancelAfter(AtomicU64, u64);

    impl Tick for CancelAfter {
        fn advance(&self, n: u64) {
            self.0.fetch_add(n, Ordering::SeqCst);
        }
        fn cancelled(&self) -> bool {
            self.0.load(Ordering::SeqCst) >= self.1
        }
    }

    #[test]
    fn a_cancelled_job_stops_keeps_its_batches_and_resumes_to_the_same_rows() {
        let dir = tmp("cancel");
        let task = |i: u64| Ok(vec![i as f64 * 0.5]);
        let plain = evaluate(None, 20, 1, 4, &|_| {}, task).unwrap();
        let jd = JobDir::open(&dir, &job(20), false).unwrap();
        let e = evaluate(Some(&jd), 20, 1, 4, &CancelAfter(AtomicU64::new(0), 6), task).unwrap_err();
        let JobError::Cancelled(k) = e else { panic!("{e:?}") };
        assert!((1..5).contains(&k), "stopped after {k} of 5 batches");
        assert_eq!(e.exit_code(), STOPPED_EXIT_CODE);
        assert!(e.to_string().contains("--resume"), "{e}");
        for b in 0..k {
            assert!(jd.batch_path("rows", b).exists(), "batch {b} is kept");
        }
        assert!(!jd.batch_path("rows", 4).exists(), "the last batch was never computed");
        let jd = JobDir::open(&dir, &job(20), true).unwrap();
        assert_eq!(evaluate(Some(&jd), 20, 1, 4, &|_| {}, task).unwrap(), plain);
        jd.remove().unwrap();
        // Without a folder a cancelled job stops too.
        let e = evaluate(None, 20, 1, 4, &CancelAfter(AtomicU64::new(0), 0), task).unwrap_err();
        assert!(matches!(e, JobError::Cancelled(0)), "{e:?}");
    }

    /// Damages `.runs/rows-000001.bin` of a finished job in each of the ways
    /// the issue found (and a few more), resumes, and checks that the job
    /// recomputes exactly that batch (4 tasks) and gives the same rows.
    #[test]
    fn regression_resume_recomputes_flipped_zeroed_swapped_copied_or_random_batches() {
        let calls = AtomicU64::new(0);
        let task = |i: u64| {
            calls.fetch_add(1, Ordering::SeqCst);
            Ok(vec![i as f64 * 1.5, -(i as f64)])
        };
        let plain = evaluate(None, 12, 2, 4, &|_| {}, task).unwrap();
        // Another job with the same geometry, to copy a batch from.
        let other_dir = tmp("damage-other");
        let other = JobDir::open(&other_dir, &job(99), false).unwrap();
        evaluate(Some(&other), 12, 2, 4, &|_| {}, |i| Ok(vec![i as f64 * 1.5, -(i as f64)])).unwrap();
        type Damage = fn(&JobDir, &JobDir, &Path);
        let damages: [(&str, Damage); 8] = [
            ("flipped byte", |_, _, p| {
                let mut b = std::fs::read(p).unwrap();
                b[5] ^= 0x01;
                std::fs::write(p, b).unwrap();
            }),
            ("flipped seal byte", |_, _, p| {
                let mut b = std::fs::read(p).unwrap();
                let last = b.len() - 1;
                b[last] ^= 0x80;
                std::fs::write(p, b).unwrap();
            }),
            ("zeroed", |_, _, p| {
                let n = std::fs::metadata(p).unwrap().len() as usize;
                std::fs::write(p, vec![0u8; n]).unwrap();
            }),
            ("swapped with batch 0", |jd, _, p| {
                let (a, b) = (std::fs::read(jd.batch_path("rows", 0)).unwrap(), std::fs::read(p).unwrap());
                std::fs::write(jd.batch_path("rows", 0), b).unwrap();
                std::fs::write(p, a).unwrap();
            }),
            ("copied from another job", |_, other, p| {
                std::fs::copy(other.batch_path("rows", 1), p).unwrap();
            }),
            ("random bytes, same length", |_, _, p| {
                let n = std::fs::metadata(p).unwrap().len() as usize;
                std::fs::write(p, (0..n).map(|i| (i * 7919 % 251) as u8).collect::<Vec<_>>()).unwrap();
            }),
            ("random bytes, other length", |_, _, p| {
                std::fs::write(p, (0..1000).map(|i| (i * 31 % 256) as u8).collect::<Vec<_>>()).unwrap();
            }),
            // Reading a FIFO would block forever: it is recomputed unread.
            ("a FIFO in its place", |_, _, p| {
                std::fs::remove_file(p).unwrap();
                assert!(std::process::Command::new("mkfifo").arg(p).status().unwrap().success());
            }),
        ];
        for (what, damage) in damages {
            let dir = tmp("damage");
            let jd = JobDir::open(&dir, &job(12), false).unwrap();
            assert_eq!(evaluate(Some(&jd), 12, 2, 4, &|_| {}, task).unwrap(), plain);
            let swapped = what.starts_with("swapped");
            damage(&jd, &other, &jd.batch_path("rows", 1));
            calls.store(0, Ordering::SeqCst);
            let jd = JobDir::open(&dir, &job(12), true).unwrap();
            assert_eq!(evaluate(Some(&jd), 12, 2, 4, &|_| {}, task).unwrap(), plain, "{what}");
            let expected = if swapped { 8 } else { 4 };
            assert_eq!(calls.load(Ordering::SeqCst), expected, "{what}: only the damaged batches run again");
            // And the recomputed batches are sound again.
            calls.store(0, Ordering::SeqCst);
            assert_eq!(evaluate(Some(&jd), 12, 2, 4, &|_| {}, task).unwrap(), plain, "{what}");
            assert_eq!(calls.load(Ordering::SeqCst), 0, "{what}");
        }
    }

    #[test]
    fn a_reader_that_cannot_recompute_refuses_an_unsound_batch() {
        let dir = tmp("require");
        let jd = JobDir::open(&dir, &job(4), false).unwrap();
        jd.write_batch("batch", 0, &[1, 2, 3, 4]).unwrap();
        let reader = JobDir::existing(&dir).unwrap();
        assert_eq!(reader.check_batch("batch", 0, 4).unwrap(), BatchState::Sound);
        assert!(reader.require_batch("batch", 0, 4).is_ok());
        assert_eq!(reader.check_batch("batch", 1, 4).unwrap(), BatchState::Missing);
        let mut bytes = std::fs::read(jd.batch_path("batch", 0)).unwrap();
        bytes[2] = 9;
        std::fs::write(jd.batch_path("batch", 0), bytes).unwrap();
        let e = reader.require_batch("batch", 0, 4).unwrap_err();
        assert!(matches!(e, JobError::Corrupt(..)), "{e:?}");
        assert!(e.to_string().contains("batch-000000.bin") && e.to_string().contains("--resume"), "{e}");
        assert_eq!(e.exit_code(), 1);
        // The seal binds the index: batch 0's bytes are not batch 1.
        jd.write_batch("batch", 0, &[1, 2, 3, 4]).unwrap();
        std::fs::copy(jd.batch_path("batch", 0), jd.batch_path("batch", 1)).unwrap();
        assert!(matches!(reader.check_batch("batch", 1, 4).unwrap(), BatchState::Bad(_)));
        std::fs::remove_dir_all(dir.join(".runs")).unwrap();
        assert!(matches!(JobDir::existing(&dir), Err(JobError::Corrupt(..))));
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
    fn regression_a_damaged_job_record_is_refused_with_a_clear_message() {
        let dir = tmp("damaged-record");
        JobDir::open(&dir, &job(1), false).unwrap();
        std::fs::write(dir.join(".runs/job.json"), [0xffu8, 0x00, 0x13, 0x37]).unwrap();
        let e = JobDir::open(&dir, &job(1), true).unwrap_err();
        assert!(e.to_string().contains("job.json` is damaged") && e.to_string().contains("delete"), "{e}");
        assert_eq!(e.exit_code(), 2);
    }

    fn batch_files(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir.join(".runs"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with("rows-"))
            .collect();
        names.sort();
        names
    }

    #[test]
    fn a_job_told_to_stop_after_k_batches_writes_exactly_k_and_resumes_to_the_same_rows() {
        let stop = |k| Some(Interruption { after_batches: k, action: InterruptAction::Stop });
        let calls = AtomicU64::new(0);
        let task = |i: u64| {
            calls.fetch_add(1, Ordering::SeqCst);
            Ok(vec![i as f64 / 7.0])
        };
        let plain = evaluate(None, 10, 1, 3, &|_| {}, task).unwrap();
        let dir = tmp("stop");
        let jd = JobDir::open(&dir, &job(10), false).unwrap().interrupted(stop(2));
        calls.store(0, Ordering::SeqCst);
        let e = evaluate(Some(&jd), 10, 1, 3, &|_| {}, task).unwrap_err();
        assert!(matches!(e, JobError::Stopped(2)), "{e:?}");
        assert_eq!(e.exit_code(), STOPPED_EXIT_CODE);
        assert!(e.to_string().contains("--resume"), "{e}");
        assert_eq!(calls.load(Ordering::SeqCst), 6, "two batches of three tasks, and not one task more");
        assert_eq!(batch_files(&dir), ["rows-000000.bin", "rows-000001.bin"]);
        // Resumed with another stop: batches on disk do not count, it writes one more.
        let jd = JobDir::open(&dir, &job(10), true).unwrap().interrupted(stop(1));
        assert!(matches!(evaluate(Some(&jd), 10, 1, 3, &|_| {}, task), Err(JobError::Stopped(1))));
        assert_eq!(batch_files(&dir).len(), 3);
        // Fewer batches left than the stop allows: the job finishes.
        let jd = JobDir::open(&dir, &job(10), true).unwrap().interrupted(stop(5));
        calls.store(0, Ordering::SeqCst);
        assert_eq!(evaluate(Some(&jd), 10, 1, 3, &|_| {}, task).unwrap(), plain);
        assert_eq!(calls.load(Ordering::SeqCst), 1, "only the last batch (task 9) was left");
        // Stopping after 0 batches stops before computing anything.
        let fresh = tmp("stop-0");
        let jd = JobDir::open(&fresh, &job(10), false).unwrap().interrupted(stop(0));
        calls.store(0, Ordering::SeqCst);
        assert!(matches!(evaluate(Some(&jd), 10, 1, 3, &|_| {}, task), Err(JobError::Stopped(0))));
        assert_eq!(calls.load(Ordering::SeqCst), 0);
        assert!(batch_files(&fresh).is_empty());
    }

    /// A cluster of one: each batch is computed by a worker job in its own
    /// folder ([`Placement::Only`]) and its file handed back.
    struct Workers {
        dir: PathBuf,
        id: JobId,
        task: fn(u64) -> Result<Vec<f64>, String>,
        asked: std::sync::Mutex<Vec<u64>>,
    }

    impl Remote for Workers {
        fn compute(
            &self,
            prefix: &str,
            missing: &[u64],
            count: u64,
            deliver: &mut dyn FnMut(u64, Vec<u8>) -> Result<(), JobError>,
        ) -> Result<(), JobError> {
            assert_eq!(count, 4);
            for &b in missing.iter().rev() {
                self.asked.lock().unwrap().push(b);
                let own = self.dir.join(format!("worker-{b}"));
                let _ = std::fs::remove_dir_all(&own);
                let jd = JobDir::open(&own, &self.id, false)
                    .unwrap()
                    .placed(Placement::Only(Arc::new([b].into_iter().collect())));
                let e = evaluate(Some(&jd), 10, 2, 3, &|_| {}, self.task).unwrap_err();
                assert!(matches!(e, JobError::Shard(1)), "{e:?}");
                deliver(b, jd.batch_file(prefix, b)?)?;
            }
            Ok(())
        }
    }

    #[test]
    fn batches_computed_elsewhere_give_the_same_rows_and_resume() {
        let task = |i: u64| Ok(vec![i as f64 / 3.0, (i * i) as f64]);
        let plain = evaluate(None, 10, 2, 3, &|_| {}, task).unwrap();
        let dir = tmp("elsewhere");
        let workers = Arc::new(Workers { dir: dir.join("w"), id: job(10), task, asked: Default::default() });
        let jd = JobDir::open(&dir, &job(10), false).unwrap().placed(Placement::Elsewhere(workers.clone()));
        assert_eq!(evaluate(Some(&jd), 10, 2, 3, &|_| {}, |_| panic!("nothing runs here")).unwrap(), plain);
        assert_eq!(*workers.asked.lock().unwrap(), [3, 2, 1, 0]);
        // A lost batch: only it goes to the workers again.
        std::fs::remove_file(jd.batch_path("rows", 1)).unwrap();
        workers.asked.lock().unwrap().clear();
        let jd = JobDir::open(&dir, &job(10), true).unwrap().placed(Placement::Elsewhere(workers.clone()));
        assert_eq!(evaluate(Some(&jd), 10, 2, 3, &|_| {}, |_| panic!("nothing runs here")).unwrap(), plain);
        assert_eq!(*workers.asked.lock().unwrap(), [1]);
    }

    #[test]
    fn a_batch_from_another_job_is_refused_and_not_written() {
        let dir = tmp("elsewhere-other");
        let task = |i: u64| Ok(vec![i as f64, 0.0]);
        // The workers run job 11, the driver job 10: their seals differ.
        let workers = Arc::new(Workers { dir: dir.join("w"), id: job(11), task, asked: Default::default() });
        let jd = JobDir::open(&dir, &job(10), false).unwrap().placed(Placement::Elsewhere(workers));
        let e = evaluate(Some(&jd), 10, 2, 3, &|_| {}, task).unwrap_err();
        assert!(matches!(e, JobError::Task(_)), "{e:?}");
        assert!(e.to_string().contains("rows-000003.bin` from a worker fails its checksum"), "{e}");
        assert_eq!(jd.check_batch("rows", 3, 48).unwrap(), BatchState::Missing);
    }

    #[test]
    fn a_remote_that_delivers_too_little_fails_the_job() {
        struct Lazy;
        impl Remote for Lazy {
            fn compute(
                &self,
                _: &str,
                _: &[u64],
                _: u64,
                _: &mut dyn FnMut(u64, Vec<u8>) -> Result<(), JobError>,
            ) -> Result<(), JobError> {
                Ok(())
            }
        }
        let dir = tmp("elsewhere-lazy");
        let jd = JobDir::open(&dir, &job(10), false).unwrap().placed(Placement::Elsewhere(Arc::new(Lazy)));
        let e = evaluate(Some(&jd), 10, 2, 3, &|_| {}, |i| Ok(vec![i as f64, 0.0])).unwrap_err();
        assert!(e.to_string().contains("without delivering batch 0"), "{e}");
    }

    #[test]
    fn task_errors_stop_the_job() {
        let e = evaluate(None, 5, 1, 2, &|_| {}, |i| if i == 3 { Err("bad point".into()) } else { Ok(vec![0.0]) })
            .unwrap_err();
        assert!(matches!(e, JobError::Task(ref s) if s == "bad point"));
    }
}
