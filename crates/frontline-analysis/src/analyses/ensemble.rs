//! `ensemble`: N runs, kept in sealed batches under `.runs/` (so the job
//! resumes after a kill with the same tables, byte for byte), then
//! aggregated by the model.
//!
//! Run i uses seed `stats::run_seed(base_seed, i)`; batches hold
//! [`crate::ensemble::BATCH`] runs whatever the thread count, so the tables do
//! not depend on it.

use super::{AnalysisError, Done, Job, Output, invalid, job_identity};
use crate::checkpoint::{JobDir, JobError, SealedBatches};
use crate::ensemble::BATCH;
use crate::posterior::{InUse, PosteriorRequest};
use crate::simulation::{Batches, EnsembleRecords, Simulation, Views};
use crate::stats::run_seed;
use frontline_output::Command;
use rayon::prelude::*;

/// An ensemble.
#[derive(Debug, Clone)]
pub struct EnsembleRequest {
    /// Number of runs (at least 1).
    pub runs: u64,
    /// Base seed (default: the scenario's).
    pub seed: Option<u64>,
    /// Maps and report.
    pub views: Views,
    /// The posterior the runs draw their parameters from (default: the scenario's, if it names one).
    pub posterior: PosteriorRequest,
    /// Explain the watched outcomes (issue #13): the model reruns the runs
    /// where each held with its drivers recorded and writes the most common
    /// chains (`explain.json`). Off by default: it costs up to one more run
    /// per explained run. The tables are the same either way.
    pub explain: bool,
}

/// What an ensemble gives the front end.
#[derive(Debug, Clone)]
pub struct EnsembleResult {
    /// Runs.
    pub runs: u64,
    /// The base seed.
    pub base_seed: u64,
    /// The model's summary of the ensemble, for the screen.
    pub summary: String,
}

/// Name prefix of the batch files (`.runs/batch-000000.bin`, …).
pub use crate::ensemble::BATCH_PREFIX;

/// The identity of an ensemble job: what `.runs/job.json` must match.
pub fn job_id(sim: &dyn Simulation, runs: u64, base_seed: u64) -> crate::checkpoint::JobId {
    job_identity(sim, serde_json::json!({"command": "ensemble", "runs": runs, "batch": BATCH}), base_seed)
}

/// Runs (or finishes) the ensemble's batches in `job.dir`, then aggregates them.
pub fn ensemble(sim: &dyn Simulation, req: &EnsembleRequest, job: &Job) -> Result<Done<EnsembleResult>, AnalysisError> {
    if req.runs == 0 {
        return invalid("--runs must be at least 1");
    }
    sim.check_views(&req.views).map_err(AnalysisError::Invalid)?;
    let base_seed = req.seed.unwrap_or_else(|| sim.default_seed());
    let post = crate::posterior::resolve(sim, &req.posterior).map_err(AnalysisError::Invalid)?;
    let mut id = job_id(sim, req.runs, base_seed);
    if let Some(p) = &post {
        id.json["posterior"] = p.identity();
    }
    let jd = job.open(&id)?;
    job.with_progress(req.runs, "runs", |tick| {
        run_posterior_batches(sim, post.as_ref(), &jd, req.runs, base_seed, tick)
    })?;
    let mut views = req.views.clone();
    let mut spread_table = None;
    if let Some(p) = &post {
        let u = uncertainty(sim, p, &sealed(sim, &jd, req.runs)?, req.runs, base_seed)?;
        spread_table = Some(crate::spread::table(&u.spread));
        views.uncertainty = Some(u);
    }
    if req.explain {
        let sealed = sealed(sim, &jd, req.runs)?;
        let drawn;
        let models: Vec<&dyn Simulation> = match &post {
            Some(p) => {
                drawn = p.models(sim, None, base_seed, req.runs).map_err(AnalysisError::Invalid)?;
                (0..req.runs).map(|i| drawn[p.draw(base_seed, i)].as_deref().unwrap_or(sim)).collect()
            }
            None => Vec::new(),
        };
        views.explanation = sim.explain_ensemble(&sealed, req.runs, base_seed, &models)?;
    }
    let mut out = aggregate(sim, &jd, req.runs, base_seed, &views)?;
    // The explanation is written whatever the model's views do with it.
    if let Some(f) = &views.explanation
        && !out.files.iter().any(|x| x.path == f.path)
    {
        out.files.push(f.clone());
    }
    let mut manifest = sim.manifest(Command::Ensemble);
    manifest.base_seed = Some(base_seed);
    manifest.seed_rule = Some("run i uses splitmix64(base_seed, i)".into());
    manifest.runs = Some(req.runs);
    if let (Some(p), Some(u)) = (&post, &views.uncertainty) {
        manifest.detail("posterior", p.identity());
        out.summary.push_str(&crate::spread::render(&u.spread, u.drawn, u.seeds_per_set, 12));
    }
    out.tables.extend(spread_table);
    Ok(Done {
        result: EnsembleResult { runs: req.runs, base_seed, summary: out.summary },
        output: Output { tables: out.tables, files: out.files, manifest, keep_runs: true },
    })
}

/// The posterior's part in an ensemble: which sets the runs drew and the
/// split of each key quantity's spread (see [`crate::spread`]).
pub fn uncertainty(
    sim: &dyn Simulation,
    p: &InUse,
    batches: &dyn Batches,
    runs: u64,
    base_seed: u64,
) -> Result<crate::simulation::Uncertainty, JobError> {
    let groups: Vec<usize> = (0..runs).map(|k| p.draw(base_seed, k)).collect();
    let spread = sim
        .ensemble_quantities(batches, runs)?
        .iter()
        .filter_map(|(name, values)| crate::spread::split(name, values, &groups))
        .collect();
    let drawn = groups.iter().collect::<std::collections::BTreeSet<_>>().len();
    Ok(crate::simulation::Uncertainty {
        posterior: p.posterior.path.display().to_string(),
        sha256: p.posterior.sha256.clone(),
        sets: p.posterior.rows.len(),
        drawn,
        seeds_per_set: p.seeds_per_set,
        spread,
    })
}

/// [`run_batches`], each run with the parameter set it draws from the
/// posterior `post` (if any): the model of every drawn set is built once.
pub fn run_posterior_batches(
    sim: &dyn Simulation,
    post: Option<&InUse>,
    jd: &JobDir,
    runs: u64,
    base_seed: u64,
    progress: crate::checkpoint::Progress,
) -> Result<(), AnalysisError> {
    let Some(p) = post else {
        return Ok(run_batches(sim, jd, runs, base_seed, progress)?);
    };
    let models = p.models(sim, None, base_seed, runs).map_err(AnalysisError::Invalid)?;
    let drawn = Drawn { sim, models: &models, post: p, base_seed };
    Ok(run_batches_by(&drawn, jd, runs, progress, &|i| drawn.record_of(i))?)
}

/// The records of a posterior ensemble: run i from its drawn set's model.
struct Drawn<'a> {
    sim: &'a dyn Simulation,
    models: &'a [Option<Box<dyn Simulation>>],
    post: &'a InUse,
    base_seed: u64,
}

impl Drawn<'_> {
    fn record_of(&self, i: u64) -> Vec<u8> {
        let j = self.post.draw(self.base_seed, i);
        let model: &dyn Simulation = self.models[j].as_deref().unwrap_or(self.sim);
        model.ensemble_run(run_seed(self.base_seed, i))
    }
}

impl EnsembleRecords for Drawn<'_> {
    fn record(&self, seed: u64) -> Vec<u8> {
        self.sim.ensemble_run(seed)
    }
    fn batch(&self, runs: Vec<Vec<u8>>) -> Vec<u8> {
        self.sim.ensemble_batch(runs)
    }
    fn batch_len(&self, runs: usize) -> usize {
        self.sim.ensemble_batch_len(runs)
    }
}

/// Computes the batches `jd` lacks; stops with [`JobError::Stopped`] if its
/// interruption comes due first. Sound batches already there (a resumed
/// job's) are kept; unsound ones are computed again.
pub fn run_batches<R: EnsembleRecords + ?Sized>(
    records: &R,
    jd: &JobDir,
    runs: u64,
    base_seed: u64,
    progress: crate::checkpoint::Progress,
) -> Result<(), JobError> {
    run_batches_by(records, jd, runs, progress, &|i| records.record(run_seed(base_seed, i)))
}

/// [`run_batches`] with run i's record given by `record(i)`.
pub fn run_batches_by<R: EnsembleRecords + ?Sized>(
    records: &R,
    jd: &JobDir,
    runs: u64,
    progress: crate::checkpoint::Progress,
    record: &(dyn Fn(u64) -> Vec<u8> + Sync),
) -> Result<(), JobError> {
    let len_of = |b: u64| records.batch_len((((b + 1) * BATCH).min(runs) - b * BATCH) as usize);
    jd.compute_elsewhere(BATCH_PREFIX, runs.div_ceil(BATCH), &len_of)?;
    for b in 0..runs.div_ceil(BATCH) {
        if !jd.computes(b) {
            continue;
        }
        let (lo, hi) = (b * BATCH, ((b + 1) * BATCH).min(runs));
        if jd.has_batch(BATCH_PREFIX, b, len_of(b))? {
            progress.advance(hi - lo);
            continue;
        }
        jd.before_computing()?;
        // A cancelled job stops before its next run; the batches written are kept.
        let done: Option<Vec<Vec<u8>>> = (lo..hi)
            .into_par_iter()
            .map(|i| {
                if progress.cancelled() {
                    return None;
                }
                let r = record(i);
                progress.advance(1);
                Some(r)
            })
            .collect();
        let Some(done) = done else { return Err(jd.cancelled()) };
        jd.write_batch(BATCH_PREFIX, b, &records.batch(done))?;
    }
    jd.end_of_shard()
}

/// The batches of a finished ensemble of `runs` runs, every one checked
/// against its seal and length first, so a missing or damaged one is a
/// [`JobError::Corrupt`] (never a silently wrong table).
pub fn sealed<'a, R: EnsembleRecords + ?Sized>(
    records: &R,
    jd: &'a JobDir,
    runs: u64,
) -> Result<SealedBatches<'a>, JobError> {
    let batches = SealedBatches { jd, prefix: BATCH_PREFIX, runs, batch: BATCH };
    for b in 0..batches.count() {
        jd.require_batch(BATCH_PREFIX, b, records.batch_len(batches.runs_in(b)))?;
    }
    Ok(batches)
}

/// Aggregates a finished ensemble from its [`sealed`] batches.
pub fn aggregate(
    sim: &dyn Simulation,
    jd: &JobDir,
    runs: u64,
    base_seed: u64,
    views: &Views,
) -> Result<crate::simulation::EnsembleOutput, JobError> {
    sim.ensemble_aggregate(&sealed(sim, jd, runs)?, runs, base_seed, views)
}
