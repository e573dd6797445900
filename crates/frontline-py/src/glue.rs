//! The Python package's logic, in plain Rust: compiled and tested by the
//! workspace's `cargo test`, so it cannot drift from the request API.
//!
//! A front end's whole job, as the CLI does it: load the scenario with the
//! model the registry picks ([`load`]), map options to one of the analyses'
//! requests ([`analyse`]: the same option names and defaults as the CLI's),
//! run it in a thread pool — through [`analyses::execute`] into `out` when
//! one is given (the files the CLI writes for the same options), otherwise
//! in a temporary folder that is removed afterwards — and present the
//! result: its tables, and its typed fields as a tree of [`Value`]s. The
//! PyO3 layer (`lib.rs`, feature `python`) only converts [`Arg`]s in and
//! [`Value`]s and tables out.

use frontline_analysis::analyses::backtest::{BacktestRequest, BacktestResult, HistoryRequest};
use frontline_analysis::analyses::calibrate::{CalibrateRequest, CalibrateResult};
use frontline_analysis::analyses::compare::{CompareRequest, CompareResultSet};
use frontline_analysis::analyses::design::{
    DesignSettings, SensitivityMethod, SensitivityRequest, SensitivityResult, SweepMethod, SweepRequest, SweepResult,
};
use frontline_analysis::analyses::ensemble::{EnsembleRequest, EnsembleResult};
use frontline_analysis::analyses::run::{RunRequest, RunResult};
use frontline_analysis::analyses::{self, AnalysisError, Done, Job, NoProgress};
use frontline_analysis::checkpoint::{JobDir, JobError, Placement, Remote};
use frontline_analysis::simulation::{Simulation, Views};
use frontline_output::{Checkpoints, Format, Table};
use rayon::prelude::*;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// The analyses, by the names the CLI's commands and the Python functions use.
pub const ANALYSES: [&str; 7] = ["run", "ensemble", "compare", "sweep", "sensitivity", "backtest", "calibrate"];

/// Why a call failed; the PyO3 layer maps each kind to a Python exception.
#[derive(Debug, Clone, PartialEq)]
pub enum Error {
    /// The scenario, a variant or a `set` did not load: every problem with
    /// file, line and column (`frontline.ScenarioError`).
    Scenario(String),
    /// The options are invalid (`ValueError`).
    Invalid(String),
    /// The job failed or stopped (`frontline.JobError`, a `RuntimeError`),
    /// with the exit code the CLI would give.
    Job {
        /// What went wrong.
        message: String,
        /// The CLI's exit code for it.
        exit_code: u8,
    },
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::Scenario(m) | Error::Invalid(m) | Error::Job { message: m, .. } => f.write_str(m),
        }
    }
}

impl From<AnalysisError> for Error {
    fn from(e: AnalysisError) -> Error {
        match e {
            AnalysisError::Invalid(m) => Error::Invalid(m),
            AnalysisError::Job(j) => Error::Job { message: j.to_string(), exit_code: j.exit_code() },
            AnalysisError::Runtime(m) => Error::Job { message: m, exit_code: 1 },
        }
    }
}

fn invalid<T>(msg: impl Into<String>) -> Result<T, Error> {
    Err(Error::Invalid(msg.into()))
}

/// An option's value as it comes from Python.
#[derive(Debug, Clone, PartialEq)]
pub enum Arg {
    /// `None`: the option's default.
    None,
    /// A bool.
    Bool(bool),
    /// An int.
    Int(i64),
    /// A str (or a path).
    Str(String),
    /// A list of str (or of paths).
    List(Vec<String>),
}

impl Arg {
    fn kind(&self) -> &'static str {
        match self {
            Arg::None => "None",
            Arg::Bool(_) => "a bool",
            Arg::Int(_) => "an int",
            Arg::Str(_) => "a str",
            Arg::List(_) => "a list",
        }
    }
}

/// A result's field, as it goes to Python (`None`, bool, int, float, str,
/// list, dict with keys in this order).
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// `None`.
    None,
    /// A bool.
    Bool(bool),
    /// An int.
    Int(i64),
    /// A float (NaN where the analysis has no value, e.g. an undefined skill).
    Float(f64),
    /// A str.
    Str(String),
    /// A list.
    List(Vec<Value>),
    /// A dict.
    Map(Vec<(String, Value)>),
}

impl From<f64> for Value {
    fn from(x: f64) -> Value {
        Value::Float(x)
    }
}
impl From<u64> for Value {
    fn from(x: u64) -> Value {
        Value::Int(x as i64)
    }
}
impl From<usize> for Value {
    fn from(x: usize) -> Value {
        Value::Int(x as i64)
    }
}
impl From<&str> for Value {
    fn from(x: &str) -> Value {
        Value::Str(x.to_string())
    }
}
impl From<String> for Value {
    fn from(x: String) -> Value {
        Value::Str(x)
    }
}
impl From<(f64, f64)> for Value {
    fn from((a, b): (f64, f64)) -> Value {
        Value::List(vec![a.into(), b.into()])
    }
}
impl<T: Into<Value>> From<Vec<T>> for Value {
    fn from(v: Vec<T>) -> Value {
        Value::List(v.into_iter().map(Into::into).collect())
    }
}
impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(v: Option<T>) -> Value {
        v.map_or(Value::None, Into::into)
    }
}

/// A dict from `(key, value)` pairs.
fn map<const N: usize>(entries: [(&str, Value); N]) -> Value {
    Value::Map(entries.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
}

/// The options of one call, taken by name; [`Options::finish`] refuses any
/// the analysis does not know, so a misspelt option is an error, never
/// silently ignored.
pub struct Options {
    entries: Vec<(String, Arg)>,
    asked: Vec<&'static str>,
    /// Where the job's batches are computed (not an option of the CLI's).
    distribution: Distribution,
}

impl Options {
    /// The options given, by name.
    pub fn new(entries: Vec<(String, Arg)>) -> Options {
        Options { entries, asked: Vec::new(), distribution: Distribution::Here }
    }

    fn take(&mut self, key: &'static str) -> Arg {
        self.asked.push(key);
        match self.entries.iter().position(|(k, _)| k == key) {
            Some(i) => self.entries.remove(i).1,
            None => Arg::None,
        }
    }

    fn wrong<T>(key: &str, want: &str, got: &Arg) -> Result<T, Error> {
        invalid(format!("`{key}` must be {want}, not {}", got.kind()))
    }

    fn u64(&mut self, key: &'static str) -> Result<Option<u64>, Error> {
        match self.take(key) {
            Arg::None => Ok(None),
            Arg::Int(i) if i >= 0 => Ok(Some(i as u64)),
            Arg::Int(i) => invalid(format!("`{key}` must be at least 0, not {i}")),
            a => Self::wrong(key, "an int", &a),
        }
    }

    fn count(&mut self, key: &'static str, default: u64) -> Result<u64, Error> {
        Ok(self.u64(key)?.unwrap_or(default))
    }

    fn flag(&mut self, key: &'static str) -> Result<bool, Error> {
        match self.take(key) {
            Arg::None => Ok(false),
            Arg::Bool(b) => Ok(b),
            a => Self::wrong(key, "a bool", &a),
        }
    }

    fn text(&mut self, key: &'static str) -> Result<Option<String>, Error> {
        match self.take(key) {
            Arg::None => Ok(None),
            Arg::Str(s) => Ok(Some(s)),
            a => Self::wrong(key, "a str", &a),
        }
    }

    /// A list option; a single str is a list of one.
    fn list(&mut self, key: &'static str) -> Result<Vec<String>, Error> {
        match self.take(key) {
            Arg::None => Ok(Vec::new()),
            Arg::Str(s) => Ok(vec![s]),
            Arg::List(v) => Ok(v),
            a => Self::wrong(key, "a list of str", &a),
        }
    }

    /// One of `choices` (the first is the default).
    fn choice(&mut self, key: &'static str, choices: &[&'static str]) -> Result<&'static str, Error> {
        match self.text(key)? {
            None => Ok(choices[0]),
            Some(s) => choices
                .iter()
                .find(|c| **c == s)
                .copied()
                .ok_or_else(|| Error::Invalid(format!("unknown {key} `{s}`; use one of {}", choices.join(", ")))),
        }
    }

    /// The posterior options: `posterior` (a file), `no_posterior`, `seeds_per_set`.
    fn posterior(&mut self) -> Result<frontline_analysis::posterior::PosteriorRequest, Error> {
        use frontline_analysis::posterior::{PosteriorChoice, PosteriorRequest, SEEDS_PER_SET};
        let file = self.text("posterior")?;
        let off = self.flag("no_posterior")?;
        let choice = match (file, off) {
            (Some(_), true) => return invalid("give `posterior` or `no_posterior`, not both"),
            (Some(f), false) => PosteriorChoice::File(PathBuf::from(f)),
            (None, true) => PosteriorChoice::Off,
            (None, false) => PosteriorChoice::Scenario,
        };
        Ok(PosteriorRequest { choice, seeds_per_set: self.count("seeds_per_set", SEEDS_PER_SET)? })
    }

    /// Refuses the options no one asked for.
    fn finish(self, analysis: &str) -> Result<(), Error> {
        if let Some((k, _)) = self.entries.first() {
            let mut known: Vec<&str> = self.asked.clone();
            known.sort_unstable();
            known.dedup();
            return invalid(format!("unknown option `{k}` for {analysis}; its options are {}", known.join(", ")));
        }
        Ok(())
    }

    fn views(&mut self, maps: bool) -> Result<Views, Error> {
        let (map_dates, no_maps) =
            if maps { (self.list("map_dates")?, self.flag("no_maps")?) } else { (Vec::new(), true) };
        Ok(Views { map_dates, no_maps, no_report: self.flag("no_report")?, uncertainty: None, explanation: None })
    }

    /// The history; its file is required, which [`required`] checks once
    /// every option has been read (so that a misspelt one is named first).
    fn history(&mut self) -> Result<HistoryRequest, Error> {
        let file = self.text("history")?.map(PathBuf::from).unwrap_or_default();
        Ok(HistoryRequest { file, actors: self.list("actors")?, until: self.text("until")? })
    }

    fn settings(&mut self, samples: u64) -> Result<DesignSettings, Error> {
        Ok(DesignSettings {
            samples: self.count("samples", samples)? as usize,
            runs_per_point: self.count("runs_per_point", 10)?,
            ranges: self.list("ranges")?,
            seed: self.u64("seed")?,
        })
    }
}

/// Where and how a job runs: the CLI's `--out`, `--resume`, `--threads`, `--format`.
struct Place {
    out: Option<PathBuf>,
    resume: bool,
    threads: Option<u64>,
    format: Format,
    distribution: Distribution,
}

impl Place {
    fn take(o: &mut Options, threads: bool) -> Result<Place, Error> {
        let out = o.text("out")?.map(PathBuf::from);
        let resume = o.flag("resume")?;
        if resume && out.is_none() {
            return invalid("`resume=True` needs `out`, the folder of the job to finish");
        }
        let threads = if threads { o.u64("threads")? } else { None };
        let format = match o.choice("format", &["parquet", "csv"])? {
            "csv" => Format::Csv,
            _ => Format::Parquet,
        };
        Ok(Place { out, resume, threads, format, distribution: o.distribution.clone() })
    }
}

/// An analysis's output as the front end presents it.
#[derive(Debug)]
pub struct Outcome {
    /// The tables, in the order the CLI writes them.
    pub tables: Vec<Table>,
    /// The typed result's fields.
    pub fields: Vec<(String, Value)>,
    /// The files written into `out`, relative to it (empty without `out`).
    pub written: Vec<String>,
}

/// Loads a scenario with the model its `model` key selects (the CLI's
/// `--variant` overlays in order, then its `--set PATH=VALUE` overrides).
pub fn load(path: &Path, variants: Vec<String>, sets: Vec<String>) -> Result<Box<dyn Simulation>, Error> {
    let overrides = frontline_scenario::Overrides { variants: variants.into_iter().map(PathBuf::from).collect(), sets };
    frontline_models::load(path, &overrides).map_err(|e| Error::Scenario(e.render(false)))
}

/// What the Python `Scenario` shows: model, name, path, default seed, description.
pub fn info(sim: &dyn Simulation) -> Vec<(String, Value)> {
    let Value::Map(m) = map([
        ("model", sim.model().into()),
        ("name", sim.name().into()),
        ("path", sim.source().display().into()),
        ("seed", sim.default_seed().into()),
        ("description", sim.describe().into()),
    ]) else {
        unreachable!("map builds a Map")
    };
    m
}

/// The uncertain parameters a sweep or sensitivity analysis would vary, with `ranges`.
pub fn parameters(sim: &dyn Simulation, ranges: &[String]) -> Result<Value, Error> {
    Ok(uncertain_list(&sim.uncertain(ranges).map_err(Error::Invalid)?))
}

/// A pool of `threads` workers (all cores if None), as the CLI's `--threads`.
fn pool(threads: Option<u64>) -> Result<rayon::ThreadPool, Error> {
    Ok(analyses::thread_pool(threads.map(|t| t as usize), "`threads`")?)
}

/// A folder for a job's checkpoints when the caller gives no `out`;
/// removed (with everything in it) when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new() -> Result<TempDir, Error> {
        static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let base = std::env::temp_dir();
        loop {
            let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let p = base.join(format!("frontline-py-{}-{n}", std::process::id()));
            match std::fs::create_dir(&p) {
                Ok(()) => return Ok(TempDir(p)),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
                Err(e) => {
                    return Err(Error::Job {
                        message: format!("cannot create a temporary folder in {}: {e}", base.display()),
                        exit_code: 1,
                    });
                }
            }
        }
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Where a call's batches are computed: what a distributed job (the
/// Python package's `frontline.ray`) changes, and nothing else does.
#[derive(Clone, Default)]
pub enum Distribution {
    /// Here, as the CLI does.
    #[default]
    Here,
    /// A worker's share: only `batches` of the batch loop whose files are
    /// named `prefix`, in a temporary folder; their files (payload and
    /// seal) are put in `files`, in the order of `batches`.
    Worker {
        /// The batch files' name prefix.
        prefix: String,
        /// The batch indices to compute.
        batches: Vec<u64>,
        /// Where their files go.
        files: Arc<Mutex<Vec<Vec<u8>>>>,
    },
    /// The process that runs the job: the batches it lacks are computed by
    /// the remote, and it aggregates them as the CLI does.
    Driver(Arc<dyn Remote>),
}

impl Distribution {
    fn placement(&self) -> Placement {
        match self {
            Distribution::Here => Placement::Here,
            Distribution::Worker { batches, .. } => Placement::Only(Arc::new(batches.iter().copied().collect())),
            Distribution::Driver(remote) => Placement::Elsewhere(remote.clone()),
        }
    }
}

/// A job in `dir`, as the CLI's (no test hook, no progress), its batches
/// computed where `distribution` says.
fn job<'a>(dir: &'a Path, resume: bool, distribution: &Distribution) -> Job<'a> {
    Job { dir, resume, interruption: None, progress: &NoProgress, placement: distribution.placement() }
}

/// Runs `analysis` as the CLI does: in a pool of `place.threads`, through
/// [`analyses::execute`] into `place.out` if given (its tables kept for the
/// caller), else in a temporary folder (`needs_dir`) or none.
fn go<T: Send>(
    place: &Place,
    checkpoints: Checkpoints,
    needs_dir: bool,
    analysis: impl FnOnce(&Job) -> Result<Done<T>, AnalysisError> + Send,
) -> Result<(T, Vec<Table>, Vec<String>), Error> {
    let pool = pool(place.threads)?;
    pool.install(|| match &place.out {
        Some(out) => {
            let mut tables = Vec::new();
            let (result, written) = analyses::execute(out, place.format, checkpoints, |d| {
                let done = analysis(&job(d, place.resume, &place.distribution))?;
                tables = done.output.tables.clone();
                Ok(done)
            })?;
            Ok((result, tables, written))
        }
        None => {
            let tmp = if needs_dir { Some(TempDir::new()?) } else { None };
            let dir = tmp.as_ref().map_or(Path::new(""), |t| t.0.as_path());
            let done = analysis(&job(dir, place.resume, &place.distribution));
            if let (Distribution::Worker { prefix, batches, files }, Err(AnalysisError::Job(JobError::Shard(_)))) =
                (&place.distribution, &done)
            {
                // The worker's batches are written: hand their files over before the folder goes.
                let jd = JobDir::existing(dir).map_err(AnalysisError::from)?;
                let read: Result<Vec<Vec<u8>>, JobError> = batches.iter().map(|&b| jd.batch_file(prefix, b)).collect();
                *files.lock().unwrap_or_else(|e| e.into_inner()) = read.map_err(AnalysisError::from)?;
            }
            let done = done?;
            Ok((done.result, done.output.tables, Vec::new()))
        }
    })
}

/// Runs the analysis named `analysis` (one of [`ANALYSES`]) on `sim` with
/// `options` named as the CLI's (`runs`, `seed`, `arms`, `outcomes`,
/// `samples`, `method`, `runs_per_point`, `ranges`, `history`, `actors`,
/// `until`, `threads`, `out`, `resume`, `format`, …) and the CLI's defaults.
pub fn analyse(sim: &dyn Simulation, analysis: &str, options: Vec<(String, Arg)>) -> Result<Outcome, Error> {
    analyse_placed(sim, analysis, options, Distribution::Here)
}

/// [`analyse`], the job's batches computed where `distribution` says: with
/// [`Distribution::Driver`] the batches missing from the job's folder are
/// computed by the remote (each a [`compute_batches`] call somewhere), and
/// the job aggregates them here as [`analyse`] does, so its tables and
/// files are the same, byte for byte.
pub fn analyse_placed(
    sim: &dyn Simulation,
    analysis: &str,
    options: Vec<(String, Arg)>,
    distribution: Distribution,
) -> Result<Outcome, Error> {
    let mut o = Options::new(options);
    o.distribution = distribution;
    let kept = Checkpoints::Kept;
    let (fields, tables, written) = match analysis {
        "run" => {
            let place = Place::take(&mut o, false)?;
            let mut views = o.views(true)?;
            let req = RunRequest { seed: o.u64("seed")?, views: without_files(&mut views, &place) };
            o.finish(analysis)?;
            let (r, t, w) = go(&place, Checkpoints::None, false, |_| analyses::run::run(sim, &req))?;
            (run_fields(&r), t, w)
        }
        "ensemble" => {
            let place = Place::take(&mut o, true)?;
            let mut views = o.views(true)?;
            let req = EnsembleRequest {
                runs: o.count("runs", 1000)?,
                seed: o.u64("seed")?,
                views: without_files(&mut views, &place),
                posterior: o.posterior()?,
                explain: o.flag("explain")?,
            };
            o.finish(analysis)?;
            let (r, t, w) = go(&place, kept, true, |j| analyses::ensemble::ensemble(sim, &req, j))?;
            (ensemble_fields(&r), t, w)
        }
        "compare" => {
            let place = Place::take(&mut o, true)?;
            let req = CompareRequest {
                arms: o.list("arms")?.into_iter().map(PathBuf::from).collect(),
                outcomes: o.list("outcomes")?,
                runs: o.count("runs", 500)?,
                seed: o.u64("seed")?,
                posterior: o.posterior()?,
            };
            o.finish(analysis)?;
            let (r, t, w) = go(&place, kept, true, |j| analyses::compare::compare(sim, &req, j))?;
            (compare_fields(&r), t, w)
        }
        "sweep" => {
            let place = Place::take(&mut o, true)?;
            let method = sweep_method(o.choice("method", &["lhs", "grid"])?);
            let req = SweepRequest { method, outcomes: o.list("outcomes")?, settings: o.settings(64)? };
            o.finish(analysis)?;
            let (r, t, w) = go(&place, kept, true, |j| analyses::design::sweep(sim, &req, j))?;
            (sweep_fields(&r), t, w)
        }
        "sensitivity" => {
            let place = Place::take(&mut o, true)?;
            let method = match o.choice("method", &["morris", "sobol"])? {
                "sobol" => SensitivityMethod::Sobol,
                _ => SensitivityMethod::Morris,
            };
            let req = SensitivityRequest { method, outcome: o.text("outcome")?, settings: o.settings(20)? };
            o.finish(analysis)?;
            let (r, t, w) = go(&place, kept, true, |j| analyses::design::sensitivity(sim, &req, j))?;
            (sensitivity_fields(&r), t, w)
        }
        "backtest" => {
            let place = Place::take(&mut o, true)?;
            let req = BacktestRequest {
                history: o.history()?,
                runs: o.count("runs", 500)?,
                seed: o.u64("seed")?,
                posterior: o.posterior()?,
                windows: o.list("windows")?,
                in_sample_until: o.text("in_sample_until")?,
            };
            o.finish(analysis)?;
            required(&req.history)?;
            let (r, t, w) = go(&place, kept, true, |j| analyses::backtest::backtest(sim, &req, j))?;
            (backtest_fields(&r), t, w)
        }
        "calibrate" => {
            let place = Place::take(&mut o, true)?;
            let history = o.history()?;
            let method = sweep_method(o.choice("method", &["lhs", "grid"])?);
            let req = CalibrateRequest {
                history,
                method,
                samples: o.count("samples", 32)? as usize,
                runs_per_point: o.count("runs_per_point", 20)?,
                seed: o.u64("seed")?,
                accept: None,
            };
            o.finish(analysis)?;
            required(&req.history)?;
            let (r, t, w) = go(&place, kept, true, |j| analyses::calibrate::calibrate(sim, &req, j))?;
            (calibrate_fields(&r), t, w)
        }
        other => return invalid(format!("unknown analysis `{other}`; the analyses are {}", ANALYSES.join(", "))),
    };
    let Value::Map(fields) = fields else { unreachable!("the fields are a dict") };
    Ok(Outcome { tables, fields, written })
}

/// A worker's share of a distributed job: runs `analysis` with `options`
/// as [`analyse`] would (they must be the job's, so that the batches are
/// the job's), but computes only `batches` of its batch loop whose files are
/// named `prefix`, in a temporary folder, and returns their files (payload
/// and seal), in the order of `batches`, for the process that runs the job
/// to check and write ([`JobDir::import_batch`]). `out` and `resume` are
/// refused: a worker writes nothing that stays.
pub fn compute_batches(
    sim: &dyn Simulation,
    analysis: &str,
    options: Vec<(String, Arg)>,
    prefix: &str,
    batches: &[u64],
) -> Result<Vec<Vec<u8>>, Error> {
    if let Some((k, _)) = options.iter().find(|(k, a)| (k == "out" || k == "resume") && *a != Arg::None) {
        return invalid(format!("a worker's share of a job takes no `{k}`: it writes nothing that stays"));
    }
    if batches.is_empty() {
        return Ok(Vec::new());
    }
    let files = Arc::new(Mutex::new(Vec::new()));
    let worker = Distribution::Worker { prefix: prefix.to_string(), batches: batches.to_vec(), files: files.clone() };
    let outcome = analyse_placed(sim, analysis, options, worker);
    let files = std::mem::take(&mut *files.lock().unwrap_or_else(|e| e.into_inner()));
    match outcome {
        Err(_) if files.len() == batches.len() => Ok(files),
        Err(e) => Err(e),
        Ok(_) => invalid(format!("`{analysis}` has no batches of runs to compute (it is not a multi-run job)")),
    }
}

/// Without `out` nothing is written, so no maps or report are drawn (the
/// dates are kept, so that a model without maps still refuses them).
fn without_files(views: &mut Views, place: &Place) -> Views {
    if place.out.is_none() {
        views.no_maps = true;
        views.no_report = true;
    }
    views.clone()
}

/// Refuses a history request without its file.
fn required(h: &HistoryRequest) -> Result<(), Error> {
    if h.file.as_os_str().is_empty() {
        return invalid("`history` is required: a CSV file with the columns date,region,controller");
    }
    Ok(())
}

fn sweep_method(name: &str) -> SweepMethod {
    if name == "grid" { SweepMethod::Grid } else { SweepMethod::Lhs }
}

/// The per-run statistics `outcomes` (the model's defaults if empty) of runs
/// `indices` of a job from `seed` (run i from `splitmix64(seed, i)`, as in
/// every analysis): `(names, values[run][statistic])`. Chunks computed
/// anywhere combine into the same runs.
pub fn evaluate(
    sim: &dyn Simulation,
    outcomes: &[String],
    indices: &[u64],
    seed: Option<u64>,
    threads: Option<u64>,
) -> Result<(Vec<String>, Vec<Vec<f64>>), Error> {
    let measure = sim.measure(outcomes).map_err(Error::Invalid)?;
    let seed = seed.unwrap_or_else(|| sim.default_seed());
    let pool = pool(threads)?;
    let values = pool.install(|| {
        indices.par_iter().map(|&i| measure.measure(frontline_analysis::stats::run_seed(seed, i))).collect()
    });
    Ok((measure.names().to_vec(), values))
}

fn run_fields(r: &RunResult) -> Value {
    map([("seed", r.seed.into()), ("summary", r.summary.as_str().into())])
}

fn ensemble_fields(r: &EnsembleResult) -> Value {
    map([("runs", r.runs.into()), ("base_seed", r.base_seed.into()), ("summary", r.summary.as_str().into())])
}

fn compare_fields(r: &CompareResultSet) -> Value {
    let rows = r
        .rows
        .iter()
        .map(|row| {
            let d = row.difference;
            map([
                ("outcome", row.outcome.as_str().into()),
                ("arm", row.arm.as_str().into()),
                ("estimate", row.estimate.into()),
                ("interval", row.interval.into()),
                ("difference", d.map(|x| x.0).into()),
                ("difference_interval", d.map(|x| (x.1, x.2)).into()),
            ])
        })
        .collect();
    map([
        ("rows", Value::List(rows)),
        ("arms", r.arms.clone().into()),
        ("runs", r.runs.into()),
        ("base_seed", r.base_seed.into()),
    ])
}

fn uncertain_list(params: &[frontline_analysis::simulation::Uncertain]) -> Value {
    Value::List(
        params
            .iter()
            .map(|p| {
                map([
                    ("id", p.id.as_str().into()),
                    ("value", p.value.into()),
                    ("min", p.min.into()),
                    ("max", p.max.into()),
                ])
            })
            .collect(),
    )
}

fn sweep_fields(r: &SweepResult) -> Value {
    map([
        ("parameters", uncertain_list(&r.parameters)),
        ("values", r.values.clone().into()),
        ("outcomes", r.outcomes.clone().into()),
        ("means", r.means.clone().into()),
        ("runs_per_point", r.runs_per_point.into()),
    ])
}

fn sensitivity_fields(r: &SensitivityResult) -> Value {
    let indices = r
        .indices
        .iter()
        .map(|x| {
            map([
                ("parameter", x.parameter.as_str().into()),
                ("main", x.main.into()),
                ("main_interval", x.main_ci.into()),
                ("second", x.second.into()),
                ("second_interval", x.second_ci.into()),
            ])
        })
        .collect();
    map([
        ("outcome", r.outcome.as_str().into()),
        ("method", r.method.as_str().into()),
        ("indices", Value::List(indices)),
        ("points", r.points.into()),
        ("runs_per_point", r.runs_per_point.into()),
    ])
}

fn backtest_fields(r: &BacktestResult) -> Value {
    let tests = r
        .tests
        .iter()
        .map(|b| {
            let per_region = b
                .per_region
                .iter()
                .map(|&(region, brier, naive)| {
                    map([
                        ("region", r.region_names[region].as_str().into()),
                        ("brier", brier.into()),
                        ("brier_naive", naive.into()),
                    ])
                })
                .collect();
            map([
                ("actor", r.actor_ids[b.actor].as_str().into()),
                ("brier", b.brier.into()),
                ("brier_naive", b.brier_naive.into()),
                ("skill", b.skill.into()),
                ("skill_interval", b.skill_interval.into()),
                ("per_region", Value::List(per_region)),
            ])
        })
        .collect();
    let windows = r
        .windows
        .iter()
        .map(|s| {
            map([
                ("window", s.window.name.as_str().into()),
                ("sample", s.label.as_str().into()),
                ("from", s.window.from.to_string().into()),
                ("to", s.window.to.to_string().into()),
                ("actor", r.actor_ids[s.actor].as_str().into()),
                ("cells", (s.cells as u64).into()),
                ("brier", s.brier[0].into()),
                ("brier_persistence_window", s.brier[1].into()),
                ("brier_persistence_monthly", s.brier[2].into()),
                ("log_score", s.log[0].into()),
                ("log_persistence_window", s.log[1].into()),
                ("log_persistence_monthly", s.log[2].into()),
            ])
        })
        .collect();
    map([("tests", Value::List(tests)), ("windows", Value::List(windows)), ("runs", r.runs.into())])
}

fn calibrate_fields(r: &CalibrateResult) -> Value {
    let parameters = r
        .parameters
        .iter()
        .map(|p| {
            map([("id", p.id.as_str().into()), ("value", p.value.into()), ("min", p.min.into()), ("max", p.max.into())])
        })
        .collect();
    let associations = r
        .associations
        .iter()
        .map(|a| {
            map([
                ("parameter", a.parameter.id.as_str().into()),
                ("rho", a.rho.into()),
                ("best_value", a.best_value.into()),
            ])
        })
        .collect();
    map([
        ("parameters", Value::List(parameters)),
        ("values", r.values.clone().into()),
        ("actors", r.actors.clone().into()),
        ("scores", r.scores.clone().into()),
        ("mean_brier", r.mean_brier.clone().into()),
        ("ranking", r.ranking.clone().into()),
        ("scenario_mean_brier", r.scenario_mean_brier.into()),
        ("associations", Value::List(associations)),
        ("runs_per_point", r.runs_per_point.into()),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn root() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
    }

    fn civil() -> Box<dyn Simulation> {
        let sets = ["steps=55", "parameters.width=12", "parameters.height=12"].map(String::from).to_vec();
        load(&root().join("examples/civil-violence.toml"), Vec::new(), sets).expect("the civil example loads")
    }

    fn opts(entries: &[(&str, Arg)]) -> Vec<(String, Arg)> {
        entries.iter().map(|(k, v)| (k.to_string(), v.clone())).collect()
    }

    /// Held by the tests that run jobs in temporary folders, so that one
    /// can check that its folder is gone while no other is being made.
    static TEMP_FOLDERS: std::sync::Mutex<()> = std::sync::Mutex::new(());

    fn field<'a>(o: &'a Outcome, key: &str) -> &'a Value {
        &o.fields.iter().find(|(k, _)| k == key).unwrap_or_else(|| panic!("no field `{key}`")).1
    }

    #[test]
    fn every_analysis_has_a_name_the_dispatcher_knows() {
        let sim = civil();
        for a in ANALYSES {
            // An unknown option is refused by name for every analysis, before anything runs.
            let e = analyse(&*sim, a, opts(&[("no_such_option", Arg::Int(1))])).unwrap_err();
            let Error::Invalid(m) = e else { panic!("{a}: {e:?}") };
            assert!(m.contains("unknown option `no_such_option`"), "{a}: {m}");
        }
        let e = analyse(&*sim, "forecast", Vec::new()).unwrap_err();
        assert!(e.to_string().contains("unknown analysis `forecast`"), "{e}");
    }

    #[test]
    fn bad_options_are_refused_with_their_names() {
        let sim = civil();
        let _serial = TEMP_FOLDERS.lock().unwrap_or_else(|e| e.into_inner());
        let e = analyse(&*sim, "ensemble", opts(&[("runs", Arg::Str("ten".into()))])).unwrap_err();
        assert_eq!(e, Error::Invalid("`runs` must be an int, not a str".into()));
        let e = analyse(&*sim, "ensemble", opts(&[("runs", Arg::Int(-3))])).unwrap_err();
        assert_eq!(e, Error::Invalid("`runs` must be at least 0, not -3".into()));
        let e = analyse(&*sim, "ensemble", opts(&[("resume", Arg::Bool(true))])).unwrap_err();
        assert!(e.to_string().contains("needs `out`"), "{e}");
        let e = analyse(&*sim, "ensemble", opts(&[("runs", Arg::Int(2)), ("threads", Arg::Int(0))])).unwrap_err();
        assert_eq!(e, Error::Invalid("`threads` must be at least 1".into()));
        let e = analyse(&*sim, "sweep", opts(&[("method", Arg::Str("random".into()))])).unwrap_err();
        assert_eq!(e, Error::Invalid("unknown method `random`; use one of lhs, grid".into()));
        // The analyses' own checks come through unchanged.
        let e = analyse(&*sim, "ensemble", opts(&[("runs", Arg::Int(0))])).unwrap_err();
        assert_eq!(e, Error::Invalid("--runs must be at least 1".into()));
        let e = analyse(&*sim, "backtest", opts(&[("history", Arg::Str("h.csv".into()))])).unwrap_err();
        assert!(e.to_string().contains("backtest needs a model whose regions' control can be forecast"), "{e}");
    }

    #[test]
    fn a_scenario_error_is_located() {
        let e = load(&root().join("examples/civil-violence.toml"), Vec::new(), vec!["parameters.width=wide".into()])
            .err()
            .expect("a bad set fails");
        let Error::Scenario(m) = e else { panic!("{e:?}") };
        assert!(m.contains("--set #1"), "{m}");
    }

    #[test]
    fn an_ensemble_without_out_leaves_no_folder_and_matches_evaluate() {
        let sim = civil();
        let _serial = TEMP_FOLDERS.lock().unwrap_or_else(|e| e.into_inner());
        let o =
            analyse(&*sim, "ensemble", opts(&[("runs", Arg::Int(3)), ("seed", Arg::Int(5)), ("threads", Arg::Int(1))]))
                .expect("the ensemble runs");
        assert_eq!(field(&o, "runs"), &Value::Int(3));
        assert_eq!(field(&o, "base_seed"), &Value::Int(5));
        assert!(o.written.is_empty());
        assert!(!o.tables.is_empty());
        let leftover = std::fs::read_dir(std::env::temp_dir())
            .into_iter()
            .flatten()
            .flatten()
            .filter(|e| e.file_name().to_string_lossy().starts_with(&format!("frontline-py-{}-", std::process::id())))
            .count();
        assert_eq!(leftover, 0, "the temporary job folder was removed");
        // evaluate's run i is compare's run i.
        let (names, whole) = evaluate(&*sim, &[], &[0, 1, 2], Some(5), Some(1)).expect("evaluates");
        let (_, part) = evaluate(&*sim, &[], &[2], Some(5), None).expect("evaluates");
        assert_eq!(names.len(), 4);
        assert_eq!(whole[2], part[0]);
    }

    /// A cluster in this process: each share is a [`compute_batches`] call
    /// on a model loaded anew, as a worker would load it.
    struct InProcess {
        analysis: &'static str,
        options: Vec<(String, Arg)>,
        shares: Mutex<usize>,
    }

    impl Remote for InProcess {
        fn compute(
            &self,
            prefix: &str,
            missing: &[u64],
            _count: u64,
            deliver: &mut dyn FnMut(u64, Vec<u8>) -> Result<(), JobError>,
        ) -> Result<(), JobError> {
            let sim = civil();
            for share in missing.chunks(2) {
                *self.shares.lock().unwrap() += 1;
                let files = compute_batches(&*sim, self.analysis, self.options.clone(), prefix, share)
                    .map_err(|e| JobError::Task(e.to_string()))?;
                for (&b, file) in share.iter().zip(files) {
                    deliver(b, file)?;
                }
            }
            Ok(())
        }
    }

    #[test]
    fn a_job_whose_batches_are_computed_elsewhere_has_the_same_tables() {
        let sim = civil();
        let _serial = TEMP_FOLDERS.lock().unwrap_or_else(|e| e.into_inner());
        let cases: [(&'static str, Vec<(String, Arg)>); 2] = [
            ("ensemble", opts(&[("runs", Arg::Int(300)), ("seed", Arg::Int(4)), ("threads", Arg::Int(1))])),
            (
                "sweep",
                opts(&[
                    ("samples", Arg::Int(40)),
                    ("runs_per_point", Arg::Int(1)),
                    ("ranges", Arg::Str("legitimacy=0.6:0.9".into())),
                    ("outcomes", Arg::List(vec!["peak_active".into()])),
                    ("threads", Arg::Int(1)),
                ]),
            ),
        ];
        for (analysis, options) in cases {
            let here = analyse(&*sim, analysis, options.clone()).expect("runs here");
            let remote = Arc::new(InProcess { analysis, options: options.clone(), shares: Mutex::new(0) });
            let there =
                analyse_placed(&*sim, analysis, options, Distribution::Driver(remote.clone())).expect("runs elsewhere");
            assert_eq!(here.tables, there.tables, "{analysis}");
            assert_eq!(here.fields, there.fields, "{analysis}");
            assert!(*remote.shares.lock().unwrap() >= 2, "{analysis}: the batches went to the workers");
        }
        // A worker writes nothing that stays.
        let e = compute_batches(&*sim, "ensemble", opts(&[("out", Arg::Str("x".into()))]), "batch", &[0]).unwrap_err();
        assert!(e.to_string().contains("takes no `out`"), "{e}");
        let e = compute_batches(&*sim, "run", Vec::new(), "batch", &[0]).unwrap_err();
        assert!(e.to_string().contains("no batches"), "{e}");
    }

    #[test]
    fn a_civil_sweep_records_its_ranges() {
        let sim = civil();
        let _serial = TEMP_FOLDERS.lock().unwrap_or_else(|e| e.into_inner());
        let o = analyse(
            &*sim,
            "sweep",
            opts(&[
                ("samples", Arg::Int(3)),
                ("runs_per_point", Arg::Int(1)),
                ("ranges", Arg::Str("legitimacy=0.6:0.9".into())),
                ("outcomes", Arg::List(vec!["peak_active".into()])),
                ("threads", Arg::Int(1)),
            ]),
        )
        .expect("the sweep runs");
        let Value::List(params) = field(&o, "parameters") else { panic!() };
        assert_eq!(params.len(), 1);
        let Value::List(values) = field(&o, "values") else { panic!() };
        assert_eq!(values.len(), 3);
        for v in values {
            let Value::List(v) = v else { panic!() };
            let Value::Float(x) = v[0] else { panic!() };
            assert!((0.6..=0.9).contains(&x), "{x}");
        }
        assert_eq!(o.tables[0].name, "sweep");
    }
}
