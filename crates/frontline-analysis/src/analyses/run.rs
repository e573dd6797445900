//! `run`: one trajectory from one seed.

use super::{AnalysisError, Done, Output};
use crate::simulation::{Simulation, Views};

/// A single run.
#[derive(Debug, Clone, Default)]
pub struct RunRequest {
    /// The seed (default: the scenario's).
    pub seed: Option<u64>,
    /// Maps and report.
    pub views: Views,
}

/// What a run gives the front end: its seed and the model's summary.
#[derive(Debug, Clone)]
pub struct RunResult {
    /// The seed it ran from.
    pub seed: u64,
    /// The model's summary of the run, for the screen.
    pub summary: String,
    /// The number of tables written (the rest of the files are views).
    pub tables: usize,
}

/// Checks the request's views, then runs the model once.
pub fn run(sim: &dyn Simulation, req: &RunRequest) -> Result<Done<RunResult>, AnalysisError> {
    sim.check_views(&req.views).map_err(AnalysisError::Invalid)?;
    let seed = req.seed.unwrap_or_else(|| sim.default_seed());
    let out = sim.run(seed, &req.views).map_err(AnalysisError::Invalid)?;
    Ok(Done {
        result: RunResult { seed, summary: out.summary, tables: out.tables.len() },
        output: Output { tables: out.tables, files: out.files, manifest: out.manifest, keep_runs: false },
    })
}
