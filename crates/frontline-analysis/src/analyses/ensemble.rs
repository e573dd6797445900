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
    let jd = job.open(&job_id(sim, req.runs, base_seed))?;
    job.with_progress(req.runs, "runs", |tick| run_batches(sim, &jd, req.runs, base_seed, tick))?;
    let out = aggregate(sim, &jd, req.runs, base_seed, &req.views)?;
    let mut manifest = sim.manifest(Command::Ensemble);
    manifest.base_seed = Some(base_seed);
    manifest.seed_rule = Some("run i uses splitmix64(base_seed, i)".into());
    manifest.runs = Some(req.runs);
    Ok(Done {
        result: EnsembleResult { runs: req.runs, base_seed, summary: out.summary },
        output: Output { tables: out.tables, files: out.files, manifest, keep_runs: true },
    })
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
    let len_of = |b: u64| records.batch_len((((b + 1) * BATCH).min(runs) - b * BATCH) as usize);
    jd.compute_elsewhere(BATCH_PREFIX, runs.div_ceil(BATCH), &len_of)?;
    for b in 0..runs.div_ceil(BATCH) {
        if !jd.computes(b) {
            continue;
        }
        let (lo, hi) = (b * BATCH, ((b + 1) * BATCH).min(runs));
        if jd.has_batch(BATCH_PREFIX, b, len_of(b))? {
            progress(hi - lo);
            continue;
        }
        jd.before_computing()?;
        let done: Vec<Vec<u8>> = (lo..hi)
            .into_par_iter()
            .map(|i| {
                let r = records.record(run_seed(base_seed, i));
                progress(1);
                r
            })
            .collect();
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
