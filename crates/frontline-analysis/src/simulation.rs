//! The one interface every model offers to the analyses: [`Simulation`].
//!
//! A model (the theatre model, Epstein's civil violence, the test suite's
//! SIR model) is loaded into a value implementing [`Simulation`]; every
//! analysis in [`crate::analyses`] (run, ensemble, compare, sweep,
//! sensitivity, backtest, calibrate) takes a `&dyn Simulation` and never
//! asks which model it is. What a model must offer:
//!
//! - who it is: its registry name, the scenario's name, where it was loaded
//!   from ([`Source`]) and its default seed, and the manifest fields every
//!   output folder of it carries ([`Simulation::manifest`]);
//! - one run from a seed: its tables, the files that show it (maps,
//!   report, viewer dataset) and a summary for the screen ([`Simulation::run`]);
//! - what an ensemble keeps of one run, as bytes ([`Simulation::ensemble_run`],
//!   laid out in batches by [`Simulation::ensemble_batch`]), and how the
//!   batches aggregate into tables ([`Simulation::ensemble_aggregate`]): the
//!   ensemble analysis owns the batching, the seeds, the checkpoints and the
//!   resume; the model owns what a run means;
//! - named per-run statistics ([`Simulation::measure`]): what compare, sweep
//!   and sensitivity average;
//! - its uncertain parameters ([`Simulation::uncertain`]) and a copy of
//!   itself with other values for them ([`Simulation::with_parameters`]),
//!   and a copy with one more variant overlay ([`Simulation::with_variant`]),
//!   which is what an arm of a comparison is.
//!
//! Optional capabilities, which a model offers by overriding a method that
//! returns `None` by default: [`Simulation::territory`] (a theatre of
//! regions whose control can be forecast: backtest and calibrate need it).
//!
//! This module holds no model logic; the implementations live in
//! `frontline-models` (theatre, civil violence) and in tests.

use crate::checkpoint::JobError;
use frontline_output::{Command, Manifest, Table};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Where a loaded scenario came from: what a job's identity, its manifest
/// and its report name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    /// The scenario's path as given (on the command line, or to the Python API).
    pub path: PathBuf,
    /// `sha256:` and the hex digest of the scenario and its includes.
    pub scenario_hash: String,
    /// The variant overlays applied, in order: (path as given, hash).
    pub variants: Vec<(String, String)>,
    /// The `--set PATH=VALUE` overrides applied, in order.
    pub sets: Vec<String>,
}

impl Source {
    /// The path as the manifest and the report show it.
    pub fn display(&self) -> String {
        self.path.display().to_string()
    }
}

/// What a run or an ensemble should write besides its tables.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Views {
    /// Dates of maps (`YYYY-MM-DD`; empty: the model's default dates).
    pub map_dates: Vec<String>,
    /// Write no maps.
    pub no_maps: bool,
    /// Write no report.
    pub no_report: bool,
    /// Filled by the ensemble analysis when its runs drew their parameters
    /// from a posterior: what the summary and the report show of it.
    pub uncertainty: Option<Uncertainty>,
    /// Filled by the ensemble analysis when asked to explain its outcomes
    /// (`--explain`): the file [`Simulation::explain_ensemble`] made, which
    /// the model's report and viewer dataset may show.
    pub explanation: Option<OutputFile>,
}

/// An ensemble's parameter uncertainty: the posterior its runs drew from and
/// the split of its spread into parameters and chance.
#[derive(Debug, Clone, PartialEq)]
pub struct Uncertainty {
    /// The posterior file as given.
    pub posterior: String,
    /// Its `sha256:` digest.
    pub sha256: String,
    /// Parameter sets in the file.
    pub sets: usize,
    /// Distinct sets the runs drew.
    pub drawn: usize,
    /// Runs per drawn set.
    pub seeds_per_set: u64,
    /// The split per key quantity.
    pub spread: Vec<crate::spread::Split>,
}

/// A file of an output folder other than a table: a map, a report, a chart,
/// the viewer's dataset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile {
    /// Path relative to the output folder, `/`-separated (`maps/control-2015-05-17.svg`).
    pub path: String,
    /// The file's contents.
    pub contents: Vec<u8>,
}

impl OutputFile {
    /// A text file.
    pub fn text(path: impl Into<String>, contents: String) -> OutputFile {
        OutputFile { path: path.into(), contents: contents.into_bytes() }
    }
}

/// What a single run produced.
pub struct RunOutput {
    /// Its tables, in the order they are written.
    pub tables: Vec<Table>,
    /// Its other files, in the order they are listed in the manifest.
    pub files: Vec<OutputFile>,
    /// The manifest, without its `tables` list (which the writer fills).
    pub manifest: Manifest,
    /// A summary of the run for the screen, in the model's terms.
    pub summary: String,
}

/// What an ensemble's aggregation produced.
pub struct EnsembleOutput {
    /// Its tables, in the order they are written.
    pub tables: Vec<Table>,
    /// Its other files (maps, report, the viewer's dataset).
    pub files: Vec<OutputFile>,
    /// A summary for the screen, in the model's terms.
    pub summary: String,
}

/// An uncertain parameter: its declared value, range and law.
#[derive(Clone)]
pub struct Uncertain {
    /// The parameter's id, as `--set parameters.<id>` names it.
    pub id: String,
    /// Its value in the scenario.
    pub value: f64,
    /// The lower end of its range.
    pub min: f64,
    /// The upper end of its range.
    pub max: f64,
    /// Maps u in [0, 1] to a value in [min, max] through the parameter's law.
    quantile: Arc<dyn Fn(f64) -> f64 + Send + Sync>,
}

impl Uncertain {
    /// An uncertain parameter whose value at u ∈ [0, 1] is `quantile(u)`.
    pub fn new(
        id: impl Into<String>,
        value: f64,
        min: f64,
        max: f64,
        quantile: impl Fn(f64) -> f64 + Send + Sync + 'static,
    ) -> Uncertain {
        Uncertain { id: id.into(), value, min, max, quantile: Arc::new(quantile) }
    }

    /// The parameter's value at position `u` ∈ [0, 1] of the unit cube.
    pub fn value_at(&self, u: f64) -> f64 {
        (self.quantile)(u)
    }
}

impl std::fmt::Debug for Uncertain {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Uncertain({} = {} in [{}, {}])", self.id, self.value, self.min, self.max)
    }
}

/// Named per-run statistics, compiled against one model: what compare,
/// sweep and sensitivity record of each run.
pub trait Measure: Send + Sync {
    /// The statistics' names (an outcome's text, or a statistic's name).
    fn names(&self) -> &[String];
    /// True if statistic `k` is a condition (0 or 1 per run: reported as a
    /// probability with a Wilson interval), false for a number (a mean).
    fn is_condition(&self, k: usize) -> bool;
    /// Runs the model from `seed` and returns each statistic's value.
    fn measure(&self, seed: u64) -> Vec<f64>;
    /// How many values for a comparison's views (maps, time series)
    /// [`Measure::measure_with_views`] adds after the statistics (0: none).
    fn view_width(&self) -> usize {
        0
    }
    /// [`Measure::measure`]'s values, then [`Measure::view_width`] values
    /// for a comparison's views, from the same run.
    fn measure_with_views(&self, seed: u64) -> Vec<f64> {
        self.measure(seed)
    }
}

/// Read access to an ensemble's sealed batch files: every batch has been
/// checked against its seal and its expected length before the model reads it.
pub trait Batches {
    /// The number of batches.
    fn count(&self) -> u64;
    /// The number of runs in batch `b`.
    fn runs_in(&self, b: u64) -> usize;
    /// `len` bytes of batch `b`'s payload from `offset`.
    fn read(&self, b: u64, offset: usize, len: usize) -> Result<Vec<u8>, JobError>;
    /// The file of batch `b` (for error messages).
    fn path(&self, b: u64) -> PathBuf;
}

/// What an ensemble's batch loop needs of a model: one run's record, a
/// batch laid out from records, and a batch's length. Every [`Simulation`]
/// is one (through its `ensemble_*` methods); the theatre's
/// `ensemble::Records` is one over a bare `Model`, for code that has no
/// adapter (the theatre's own tests, the report's).
pub trait EnsembleRecords: Sync {
    /// What an ensemble keeps of the run from `seed`.
    fn record(&self, seed: u64) -> Vec<u8>;
    /// A batch payload from its runs' records, in run order.
    fn batch(&self, runs: Vec<Vec<u8>>) -> Vec<u8>;
    /// The length in bytes of a batch payload of `runs` runs.
    fn batch_len(&self, runs: usize) -> usize;
}

impl<T: Simulation + ?Sized> EnsembleRecords for T {
    fn record(&self, seed: u64) -> Vec<u8> {
        self.ensemble_run(seed)
    }
    fn batch(&self, runs: Vec<Vec<u8>>) -> Vec<u8> {
        self.ensemble_batch(runs)
    }
    fn batch_len(&self, runs: usize) -> usize {
        self.ensemble_batch_len(runs)
    }
}

/// A run whose comparison outcome differs between arms: (run index, seed,
/// baseline value, arm value).
pub type Differing = (u64, u64, f64, f64);

/// A model, loaded and validated, ready to run. See the module doc.
pub trait Simulation: Send + Sync {
    /// The model's registry name (`theatre`, `civil-violence`, …).
    fn model(&self) -> &'static str;
    /// The scenario's name.
    fn name(&self) -> &str;
    /// Where the scenario came from.
    fn source(&self) -> &Source;
    /// The scenario's seed (what a command uses without `--seed`).
    fn default_seed(&self) -> u64;
    /// The manifest fields every output folder of `command` carries for
    /// this model (scenario, hash, variants, sets, parameter values, …).
    fn manifest(&self, command: Command) -> Manifest;

    /// One line describing the loaded scenario (what `validate` prints).
    fn describe(&self) -> String;

    /// Checks view options before anything runs (a model without a map
    /// refuses `--map-date`).
    fn check_views(&self, views: &Views) -> Result<(), String>;
    /// One run from `seed`.
    fn run(&self, seed: u64, views: &Views) -> Result<RunOutput, String>;

    /// What an ensemble keeps of the run from `seed`: the same number of
    /// bytes for every seed.
    fn ensemble_run(&self, seed: u64) -> Vec<u8>;
    /// The payload of a batch file from its runs' records, in run order
    /// (default: concatenated).
    fn ensemble_batch(&self, runs: Vec<Vec<u8>>) -> Vec<u8> {
        runs.concat()
    }
    /// The length in bytes of a batch payload of `runs` runs.
    fn ensemble_batch_len(&self, runs: usize) -> usize;
    /// Aggregates an ensemble of `runs` runs (run i from
    /// `stats::run_seed(base_seed, i)`) from its batches.
    fn ensemble_aggregate(
        &self,
        batches: &dyn Batches,
        runs: u64,
        base_seed: u64,
        views: &Views,
    ) -> Result<EnsembleOutput, JobError>;

    /// Compiles per-run statistics: `outcomes` as the model reads them (the
    /// theatre: `EXPR on|by DATE`; civil violence: statistic names), or the
    /// model's default statistics if `outcomes` is empty.
    fn measure<'a>(&'a self, outcomes: &[String]) -> Result<Box<dyn Measure + 'a>, String>;

    /// The uncertain parameters a sweep or a sensitivity analysis varies:
    /// those the scenario declares, and/or those `ranges` (`NAME=LOW:HIGH`)
    /// name, as the model allows.
    fn uncertain(&self, ranges: &[String]) -> Result<Vec<Uncertain>, String>;
    /// The model with these parameter values (ids from [`Simulation::uncertain`]).
    fn with_parameters(&self, values: &[(String, f64)]) -> Result<Box<dyn Simulation>, String>;
    /// The model with one more variant overlay applied after its own
    /// (before its `--set`s, as on the command line).
    fn with_variant(&self, variant: &Path) -> Result<Box<dyn Simulation>, Box<frontline_scenario::LoadError>>;

    /// Explains a comparison (issue #13): `arms` are the arms after the
    /// baseline with their names, `differing[o][a]` the runs whose outcome
    /// `outcomes[o]` differs between the baseline and arm a, as (run index,
    /// seed, baseline value, arm value). A model that can rerun those seeds
    /// with its drivers recorded returns the file to write (default: none).
    fn explain_compare(
        &self,
        _arms: &[(String, &dyn Simulation)],
        _outcomes: &[String],
        _differing: &[Vec<Vec<Differing>>],
    ) -> Result<Option<OutputFile>, String> {
        Ok(None)
    }

    /// Explains an ensemble's outcomes (issue #13): `batches` are its sealed
    /// batches, `models[i]` the model run i used (empty: this one for every
    /// run; a posterior ensemble's runs use their drawn sets'). A model that
    /// can rerun the runs with its drivers recorded returns the file to
    /// write (default: none). It must give the same file for any thread
    /// count and for a resumed job.
    fn explain_ensemble(
        &self,
        _batches: &dyn Batches,
        _runs: u64,
        _base_seed: u64,
        _models: &[&dyn Simulation],
    ) -> Result<Option<OutputFile>, JobError> {
        Ok(None)
    }

    /// The theatre of regions whose control can be forecast, if the model
    /// has one: what backtest and calibrate score.
    fn territory(&self) -> Option<&frontline_scenario::Loaded> {
        None
    }

    /// The posterior sample the scenario names (see [`crate::posterior`]),
    /// which ensemble, compare and backtest use unless told otherwise.
    fn posterior(&self) -> Option<PathBuf> {
        None
    }

    /// Key per-run quantities of an ensemble, read from its batches: (name,
    /// value per run), what the spread decomposition splits into parameters
    /// and chance (default: none).
    fn ensemble_quantities(&self, _batches: &dyn Batches, _runs: u64) -> Result<Vec<(String, Vec<f64>)>, JobError> {
        Ok(Vec::new())
    }
}
