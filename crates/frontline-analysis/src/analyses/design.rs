//! `sweep` and `sensitivity`: the model's uncertain parameters over a design
//! of points in the unit cube (Latin hypercube or grid for a sweep; Morris
//! trajectories or Saltelli's matrices for sensitivity). At every point the
//! model is rebuilt with the point's values and runs the same
//! `runs_per_point` seeds (common random numbers across points), and each
//! statistic is averaged over those runs. Points are the tasks of a
//! resumable job, in batches of [`POINTS_PER_BATCH`].

use super::{AnalysisError, Done, Job, Output, invalid, job_identity};
use crate::checkpoint::{self, JobDir, JobError};
use crate::sampling;
use crate::sensitivity::{Index, morris_indices, sobol_indices};
use crate::simulation::{Simulation, Uncertain};
use crate::stats::run_seed;
use frontline_output::{Column, Command, Table};

pub use crate::sensitivity::POINTS_PER_BATCH;

/// A sweep's design.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SweepMethod {
    /// Latin hypercube of `samples` points.
    Lhs,
    /// Full grid of ⌊samples^(1/k)⌋ levels per parameter.
    Grid,
}

impl SweepMethod {
    /// The method's name on the command line and in the manifest.
    pub fn as_str(self) -> &'static str {
        match self {
            SweepMethod::Lhs => "lhs",
            SweepMethod::Grid => "grid",
        }
    }
}

/// A sensitivity method.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SensitivityMethod {
    /// Morris (1991) elementary effects: μ* and σ.
    Morris,
    /// Sobol indices: S1 (Saltelli 2010) and ST (Jansen 1999).
    Sobol,
}

impl SensitivityMethod {
    /// The method's name on the command line and in the manifest.
    pub fn as_str(self) -> &'static str {
        match self {
            SensitivityMethod::Morris => "morris",
            SensitivityMethod::Sobol => "sobol",
        }
    }
}

/// What a sweep and a sensitivity analysis share.
#[derive(Debug, Clone, Default)]
pub struct DesignSettings {
    /// Points (sweep), Morris trajectories or Sobol base samples.
    pub samples: usize,
    /// Runs per point (the same seeds at every point).
    pub runs_per_point: u64,
    /// Parameter ranges `NAME=LOW:HIGH`, for models that take them.
    pub ranges: Vec<String>,
    /// Base seed (default: the scenario's); also seeds the design.
    pub seed: Option<u64>,
}

/// A sweep.
#[derive(Debug, Clone)]
pub struct SweepRequest {
    /// The design.
    pub method: SweepMethod,
    /// Statistics to record (empty: the model's defaults).
    pub outcomes: Vec<String>,
    /// Shared settings.
    pub settings: DesignSettings,
}

/// A sensitivity analysis.
#[derive(Debug, Clone)]
pub struct SensitivityRequest {
    /// The method.
    pub method: SensitivityMethod,
    /// The statistic to explain (default: the model's first).
    pub outcome: Option<String>,
    /// Shared settings.
    pub settings: DesignSettings,
}

/// A sweep's result: the points, their values and each statistic's mean.
#[derive(Debug, Clone)]
pub struct SweepResult {
    /// The parameters varied.
    pub parameters: Vec<Uncertain>,
    /// The parameter values at each point: `[point][parameter]`.
    pub values: Vec<Vec<f64>>,
    /// The statistics' names.
    pub outcomes: Vec<String>,
    /// Each statistic's mean over the point's runs: `[point][statistic]`.
    pub means: Vec<Vec<f64>>,
    /// Runs per point.
    pub runs_per_point: u64,
}

impl SweepResult {
    /// Statistic `o`'s minimum, median and maximum over the points.
    pub fn spread(&self, o: usize) -> (f64, f64, f64) {
        let mut v: Vec<f64> = self.means.iter().map(|r| r[o]).collect();
        v.sort_by(f64::total_cmp);
        let q = |p| crate::stats::quantile_sorted(&v, p);
        (q(0.0), q(0.5), q(1.0))
    }
}

/// A sensitivity analysis's result: one index per parameter, most influential first.
#[derive(Debug, Clone)]
pub struct SensitivityResult {
    /// The statistic explained.
    pub outcome: String,
    /// The method.
    pub method: SensitivityMethod,
    /// Indices, sorted (μ* for Morris, ST for Sobol).
    pub indices: Vec<Index>,
    /// Points evaluated.
    pub points: usize,
    /// Runs per point.
    pub runs_per_point: u64,
}

/// The points of a sweep design in the unit cube. A grid needs at least two
/// levels per parameter, so `samples` below 2^k is refused (with how many
/// it takes and the alternative), rather than a grid of no points or of
/// 2^k points whatever was asked.
pub fn sweep_points(k: usize, samples: usize, method: SweepMethod, seed: u64) -> Result<Vec<Vec<f64>>, AnalysisError> {
    if method == SweepMethod::Grid {
        let needed = u32::try_from(k).ok().and_then(|k| 2usize.checked_pow(k));
        if needed.is_none_or(|n| samples < n) {
            let points = needed.map_or(format!("2^{k}"), |n| format!("2^{k} = {n}"));
            let raise = needed.map_or(String::new(), |n| format!("raise --samples to {n} or more, "));
            return invalid(format!(
                "a grid over {k} uncertain parameters needs at least 2 levels of each, that is {points} points, \
                 and --samples {samples} gives no grid; {raise}use --method lhs (any number of points), or fix \
                 some parameters (the same min and max, e.g. with --set) to sweep fewer"
            ));
        }
    }
    Ok(crate::sensitivity::sweep_points(k, samples, method.as_str(), seed))
}

/// Checks the shared settings and returns the parameters and the base seed.
fn prepare(sim: &dyn Simulation, s: &DesignSettings) -> Result<(Vec<Uncertain>, u64), AnalysisError> {
    let params = sim.uncertain(&s.ranges).map_err(AnalysisError::Invalid)?;
    if params.is_empty() {
        return invalid("the scenario declares no uncertain parameters (a [parameters.<id>] with min < max)");
    }
    if s.samples == 0 || s.runs_per_point == 0 {
        return invalid("--samples and --runs-per-point must be at least 1");
    }
    Ok((params, s.seed.unwrap_or_else(|| sim.default_seed())))
}

/// What is evaluated at each design point: the model, the parameters the
/// point's coordinates set, the statistics, and the runs (seeds 0..runs_per_point
/// from `base_seed`, the same at every point).
pub struct PointEvaluation<'a> {
    /// The model at the scenario's values.
    pub sim: &'a dyn Simulation,
    /// The parameters, one per coordinate.
    pub params: &'a [Uncertain],
    /// The statistics recorded.
    pub outcomes: &'a [String],
    /// Runs per point.
    pub runs_per_point: u64,
    /// Base seed.
    pub base_seed: u64,
}

impl PointEvaluation<'_> {
    /// Each statistic's mean over the runs at each point (`[point][statistic]`),
    /// the points being the tasks of `jd`'s job.
    pub fn evaluate(
        &self,
        points: &[Vec<f64>],
        jd: Option<&JobDir>,
        progress: checkpoint::Progress,
    ) -> Result<Vec<Vec<f64>>, JobError> {
        let width = self.outcomes.len();
        checkpoint::evaluate(jd, points.len() as u64, width, POINTS_PER_BATCH, progress, |p| {
            let values: Vec<(String, f64)> =
                self.params.iter().zip(&points[p as usize]).map(|(q, &u)| (q.id.clone(), q.value_at(u))).collect();
            let at_point = self.sim.with_parameters(&values)?;
            let measure = at_point.measure(self.outcomes)?;
            let mut sums = vec![0.0; width];
            for i in 0..self.runs_per_point {
                for (s, v) in sums.iter_mut().zip(measure.measure(run_seed(self.base_seed, i))) {
                    *s += v;
                }
            }
            Ok(sums.into_iter().map(|s| s / self.runs_per_point as f64).collect())
        })
    }
}

/// The statistics' names as the model compiles them (its defaults if none are given).
fn outcome_names(sim: &dyn Simulation, outcomes: &[String]) -> Result<Vec<String>, AnalysisError> {
    let names = sim.measure(outcomes).map_err(AnalysisError::Invalid)?.names().to_vec();
    if names.is_empty() {
        return invalid("there is nothing to record: name the outcomes with --outcome");
    }
    Ok(names)
}

/// Runs a sweep.
pub fn sweep(sim: &dyn Simulation, req: &SweepRequest, job: &Job) -> Result<Done<SweepResult>, AnalysisError> {
    let (params, seed) = prepare(sim, &req.settings)?;
    let outcomes = outcome_names(sim, &req.outcomes)?;
    let s = &req.settings;
    let points = sweep_points(params.len(), s.samples, req.method, seed)?;
    let jd = job.open(&design_job(sim, "sweep", req.method.as_str(), s, &outcomes, seed))?;
    let means = job.with_progress(points.len() as u64, "points", |tick| {
        PointEvaluation { sim, params: &params, outcomes: &outcomes, runs_per_point: s.runs_per_point, base_seed: seed }
            .evaluate(&points, Some(&jd), tick)
    })?;
    let values: Vec<Vec<f64>> =
        points.iter().map(|u| params.iter().zip(u).map(|(p, &x)| p.value_at(x)).collect()).collect();
    let mut t = Table::new("sweep").with("point", Column::I64((0..points.len() as i64).collect()));
    for (j, p) in params.iter().enumerate() {
        t = t.with(p.id.clone(), Column::F64(values.iter().map(|v| v[j]).collect()));
    }
    for (o, name) in outcomes.iter().enumerate() {
        t = t.with(name.clone(), Column::F64(means.iter().map(|r| r[o]).collect()));
    }
    let mut manifest = design_manifest(sim, Command::Sweep, s, seed);
    manifest.detail("method", req.method.as_str());
    manifest.detail("points", points.len());
    Ok(Done {
        output: Output { tables: vec![t], files: Vec::new(), manifest, keep_runs: false },
        result: SweepResult { parameters: params, values, outcomes, means, runs_per_point: s.runs_per_point },
    })
}

/// The identity of a design job: what `.runs/job.json` must match.
fn design_job(
    sim: &dyn Simulation,
    command: &str,
    method: &str,
    s: &DesignSettings,
    outcomes: &[String],
    seed: u64,
) -> crate::checkpoint::JobId {
    job_identity(
        sim,
        serde_json::json!({"command": command, "method": method, "samples": s.samples,
            "runs_per_point": s.runs_per_point, "outcomes": outcomes, "ranges": s.ranges, "batch": POINTS_PER_BATCH}),
        seed,
    )
}

/// The manifest fields of a design job.
fn design_manifest(
    sim: &dyn Simulation,
    command: Command,
    s: &DesignSettings,
    seed: u64,
) -> frontline_output::Manifest {
    let mut m = sim.manifest(command);
    m.base_seed = Some(seed);
    m.seed_rule = Some("run i of every point uses splitmix64(base_seed, i)".into());
    m.runs_per_point = Some(s.runs_per_point);
    if !s.ranges.is_empty() {
        m.detail("ranges", &s.ranges);
    }
    m
}

/// Morris levels.
const MORRIS_LEVELS: usize = 4;

/// Runs a sensitivity analysis.
pub fn sensitivity(
    sim: &dyn Simulation,
    req: &SensitivityRequest,
    job: &Job,
) -> Result<Done<SensitivityResult>, AnalysisError> {
    let (params, seed) = prepare(sim, &req.settings)?;
    let asked: Vec<String> = req.outcome.iter().cloned().collect();
    let outcomes = outcome_names(sim, &asked)?;
    let outcome = outcomes[0].clone();
    let s = &req.settings;
    let jd = job.open(&design_job(sim, "sensitivity", req.method.as_str(), s, &outcomes, seed))?;
    let k = params.len();
    let names: Vec<String> = params.iter().map(|p| p.id.clone()).collect();
    let (points, orders) = match req.method {
        SensitivityMethod::Sobol => (sampling::saltelli(s.samples, k, seed), Vec::new()),
        SensitivityMethod::Morris => sampling::morris(s.samples, k, MORRIS_LEVELS, seed),
    };
    let y: Vec<f64> = job
        .with_progress(points.len() as u64, "points", |tick| {
            PointEvaluation {
                sim,
                params: &params,
                outcomes: &outcomes,
                runs_per_point: s.runs_per_point,
                base_seed: seed,
            }
            .evaluate(&points, Some(&jd), tick)
        })?
        .into_iter()
        .map(|r| r[0])
        .collect();
    let indices = match req.method {
        SensitivityMethod::Sobol => sobol_indices(&names, s.samples, &y, seed),
        SensitivityMethod::Morris => morris_indices(&names, &orders, MORRIS_LEVELS, &y, seed),
    };
    let mut manifest = design_manifest(sim, Command::Sensitivity, s, seed);
    manifest.detail("method", req.method.as_str());
    manifest.detail("samples", s.samples);
    manifest.detail("outcome", &outcome);
    let table = crate::sensitivity::table(req.method.as_str(), &outcome, &indices);
    Ok(Done {
        output: Output { tables: vec![table], files: Vec::new(), manifest, keep_runs: false },
        result: SensitivityResult {
            outcome,
            method: req.method,
            indices,
            points: points.len(),
            runs_per_point: s.runs_per_point,
        },
    })
}
