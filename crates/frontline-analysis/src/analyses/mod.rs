//! Every analysis as a request → result function over the model interface
//! ([`crate::simulation::Simulation`]): [`run`], [`ensemble`], [`compare`],
//! [`design`] (sweep and sensitivity), [`backtest`] and [`calibrate`].
//!
//! Each function takes a model and a typed request, owns its job identity
//! (what `.runs/job.json` must match for `--resume` to reuse batches) and
//! its statistics, and returns a typed result with the [`Output`] to write:
//! tables, other files and the manifest. [`execute`] opens and locks the
//! output folder, runs the analysis in it and commits what it returns, so a
//! front end (the CLI, the Python package) only maps its arguments to a
//! request and presents the result.
//!
//! Nothing here prints or knows which model it runs: progress goes through
//! a [`ProgressSink`], errors come back as [`AnalysisError`].

pub mod backtest;
pub mod calibrate;
pub mod compare;
pub mod design;
pub mod ensemble;
pub mod run;

use crate::checkpoint::{Interruption, JobDir, JobError, JobId, Placement};
use crate::simulation::OutputFile;
use frontline_output::{Checkpoints, Format, Manifest, OutputDir, OutputError, Table};
use std::path::Path;

/// Why an analysis did not finish.
#[derive(Debug)]
pub enum AnalysisError {
    /// The request is invalid (bad options, an outcome that does not
    /// compile, a scenario that does not load): exit code 2.
    Invalid(String),
    /// The job failed or stopped (see [`JobError::exit_code`]).
    Job(JobError),
    /// The machine refused something the job needs (threads): exit code 1.
    Runtime(String),
}

impl AnalysisError {
    /// The process exit code: 2 for invalid input, otherwise the job error's.
    pub fn exit_code(&self) -> u8 {
        match self {
            AnalysisError::Invalid(_) => 2,
            AnalysisError::Job(e) => e.exit_code(),
            AnalysisError::Runtime(_) => 1,
        }
    }
}

impl std::fmt::Display for AnalysisError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            AnalysisError::Invalid(s) | AnalysisError::Runtime(s) => f.write_str(s),
            AnalysisError::Job(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for AnalysisError {}

impl From<JobError> for AnalysisError {
    fn from(e: JobError) -> AnalysisError {
        AnalysisError::Job(e)
    }
}

impl From<OutputError> for AnalysisError {
    fn from(e: OutputError) -> AnalysisError {
        AnalysisError::Job(JobError::Output(e))
    }
}

/// Shorthand for an invalid request.
pub(crate) fn invalid<T>(msg: impl Into<String>) -> Result<T, AnalysisError> {
    Err(AnalysisError::Invalid(msg.into()))
}

/// A pool of `threads` workers (all cores if None) for an analysis to run
/// in; 0 is refused, naming the front end's `option` (`--threads`).
pub fn thread_pool(threads: Option<usize>, option: &str) -> Result<rayon::ThreadPool, AnalysisError> {
    let mut b = rayon::ThreadPoolBuilder::new();
    if let Some(t) = threads {
        if t == 0 {
            return invalid(format!("{option} must be at least 1"));
        }
        b = b.num_threads(t);
    }
    b.build().map_err(|e| AnalysisError::Runtime(format!("cannot start threads: {e}")))
}

/// Where an analysis reports progress: a front end's progress bar, or nothing.
pub trait ProgressSink: Sync {
    /// Work of `total` units (runs, points) begins.
    fn start(&self, total: u64, unit: &str);
    /// `n` more units are done.
    fn advance(&self, n: u64);
    /// The work is done (or failed).
    fn finish(&self);
    /// Whether the job is to stop (a front end's Ctrl-C): asked before every
    /// run or design point and every batch, so a job stops within one run's
    /// time with [`JobError::Cancelled`], its written batches kept for
    /// `--resume`. Default: never. Called from the pool's threads: keep it cheap.
    fn cancel(&self) -> bool {
        false
    }
}

/// A [`ProgressSink`] as the batch loops see it.
struct SinkTick<'a>(&'a dyn ProgressSink);

impl crate::checkpoint::Tick for SinkTick<'_> {
    fn advance(&self, n: u64) {
        self.0.advance(n)
    }
    fn cancelled(&self) -> bool {
        self.0.cancel()
    }
}

/// Reports nothing.
pub struct NoProgress;

impl ProgressSink for NoProgress {
    fn start(&self, _: u64, _: &str) {}
    fn advance(&self, _: u64) {}
    fn finish(&self) {}
}

/// How a multi-run job runs: its output folder, whether it resumes, and
/// where its progress goes.
pub struct Job<'a> {
    /// The output folder (locked by [`execute`]); checkpoints live in its `.runs/`.
    pub dir: &'a Path,
    /// Reuse the sound batches of an interrupted run of the same job.
    pub resume: bool,
    /// A test hook: stop or hold after K batches.
    pub interruption: Option<Interruption>,
    /// Progress.
    pub progress: &'a dyn ProgressSink,
    /// Where its batches are computed: here, except for a distributed job
    /// (a worker computes [`Placement::Only`] its batches; the process that
    /// runs the job has them computed [`Placement::Elsewhere`]).
    pub placement: Placement,
}

impl Job<'_> {
    /// Opens the job's checkpoint directory for `id`.
    pub(crate) fn open(&self, id: &JobId) -> Result<JobDir, AnalysisError> {
        Ok(JobDir::open(self.dir, id, self.resume)?.interrupted(self.interruption).placed(self.placement.clone()))
    }

    /// Runs `f` between the progress sink's start and finish.
    pub(crate) fn with_progress<T>(
        &self,
        total: u64,
        unit: &str,
        f: impl FnOnce(crate::checkpoint::Progress) -> T,
    ) -> T {
        self.progress.start(total, unit);
        let tick = SinkTick(self.progress);
        let out = f(&tick);
        self.progress.finish();
        out
    }
}

/// What an analysis writes: tables, then other files, then the manifest
/// (listing both, in that order).
pub struct Output {
    /// Tables.
    pub tables: Vec<Table>,
    /// Maps, reports, charts, the viewer's dataset.
    pub files: Vec<OutputFile>,
    /// The manifest; its `tables` list is filled when written.
    pub manifest: Manifest,
    /// Keep `.runs/` after the job (an ensemble's batches serve `--resume`
    /// and rescoring); otherwise it is removed once the tables are in place.
    pub keep_runs: bool,
}

/// An analysis's typed result with the output it writes.
pub struct Done<T> {
    /// The typed result, for a front end to present.
    pub result: T,
    /// What goes into the output folder.
    pub output: Output,
}

/// The identity fields every job shares: the scenario, its variants and
/// sets, the base seed and the Frontline version.
pub(crate) fn job_identity(
    sim: &dyn crate::simulation::Simulation,
    fields: serde_json::Value,
    base_seed: u64,
) -> JobId {
    let src = sim.source();
    let mut json = serde_json::json!({
        "model": sim.model(), "scenario_hash": src.scenario_hash, "variants": src.variants, "sets": src.sets,
        "base_seed": base_seed, "version": env!("CARGO_PKG_VERSION"),
    });
    if let (Some(obj), serde_json::Value::Object(extra)) = (json.as_object_mut(), fields) {
        obj.extend(extra);
    }
    JobId { json }
}

/// The files an [`execute`] wrote, relative to the folder (tables first).
pub type Written = Vec<String>;

/// Opens and locks the output folder `dir`, runs `analysis` in it, and
/// writes what it returns: tables in `format`, the other files, then the
/// manifest last (a job that fails leaves the previous output as it was).
pub fn execute<T>(
    dir: &Path,
    format: Format,
    checkpoints: Checkpoints,
    analysis: impl FnOnce(&Path) -> Result<Done<T>, AnalysisError>,
) -> Result<(T, Written), AnalysisError> {
    execute_replacing(dir, format, checkpoints, false, analysis)
}

/// [`execute`], and with `replace` (the front ends' `--force`) a folder
/// holding a previous job's runs (`.runs/`, of this job or another) is
/// replaced instead of refused: those runs are discarded and the job starts
/// afresh ([`OutputDir::open_replacing`]).
pub fn execute_replacing<T>(
    dir: &Path,
    format: Format,
    checkpoints: Checkpoints,
    replace: bool,
    analysis: impl FnOnce(&Path) -> Result<Done<T>, AnalysisError>,
) -> Result<(T, Written), AnalysisError> {
    let mut folder = OutputDir::open_replacing(dir, checkpoints, replace).map_err(JobError::from)?;
    let Done { result, output } = analysis(dir)?;
    let Output { tables, files, mut manifest, keep_runs } = output;
    let stage = folder.staging().to_path_buf();
    let mut written = Vec::new();
    for t in &tables {
        let p = frontline_output::write_table(&stage, t, format)?;
        written.push(p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default());
    }
    for f in &files {
        write_file(&stage, f)?;
        written.push(f.path.clone());
    }
    if keep_runs && checkpoints == Checkpoints::Kept {
        written.push(".runs/ (per-run batches)".into());
    }
    if manifest.format.is_none() && !tables.is_empty() {
        manifest.format = Some(format.extension().to_string());
    }
    manifest.tables = written.clone();
    folder.commit(&manifest)?;
    if !keep_runs && checkpoints == Checkpoints::Kept && dir.join(".runs").exists() {
        // Every result is in the tables now: the checkpoints have done their job.
        JobDir::existing(dir)?.remove()?;
    }
    Ok((result, written))
}

/// Writes one file atomically into the staging folder.
fn write_file(stage: &Path, f: &OutputFile) -> Result<(), OutputError> {
    let path = f.path.split('/').fold(stage.to_path_buf(), |p, part| p.join(part));
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| OutputError::Io { path: parent.to_path_buf(), source: e })?;
    }
    frontline_output::write_atomic(&path, |w| {
        use std::io::Write;
        w.write_all(&f.contents).map_err(|e| OutputError::Io { path: path.clone(), source: e })
    })
}
