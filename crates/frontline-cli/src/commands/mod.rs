//! One file per command: each maps its arguments to a request, runs it on
//! the model the scenario selects, and renders the result.

pub(crate) mod backtest;
pub(crate) mod calibrate;
pub(crate) mod compare;
pub(crate) mod completions;
pub(crate) mod ensemble;
pub(crate) mod explain;
pub(crate) mod man;
pub(crate) mod run;
pub(crate) mod schema;
pub(crate) mod sensitivity;
pub(crate) mod serve;
pub(crate) mod sweep;
pub(crate) mod validate;

use crate::error::CliError;
use crate::options::{Bar, JobArgs, ScenarioArgs, default_out, job};
use frontline_analysis::analyses::{self, AnalysisError, Done, Job, Written};
use frontline_analysis::simulation::Simulation;
use frontline_output::Checkpoints;
use serde_json::{Value, json};
use std::path::{Path, PathBuf};

/// Loads the scenario with the model its `model` key selects.
pub(crate) fn load(args: &ScenarioArgs) -> Result<Box<dyn Simulation>, CliError> {
    Ok(frontline_models::load(&args.scenario, &args.overrides())?)
}

/// The header of a report: where its results come from.
pub(crate) fn provenance(command: &str, sim: &dyn Simulation, seed: u64) -> frontline_report::Provenance {
    let src = sim.source();
    frontline_report::Provenance {
        command: command.into(),
        scenario: src.display(),
        scenario_hash: src.scenario_hash.clone(),
        variants: src.variants.clone(),
        sets: src.sets.clone(),
        seed,
    }
}

/// The fields every job's `--json` summary starts with: the command, the
/// model and scenario, the output folder and the files written there.
pub(crate) fn job_json(command: &str, sim: &dyn Simulation, dir: &Path, written: &[String]) -> Value {
    json!({
        "command": command,
        "model": sim.model(),
        "scenario": sim.name(),
        "out": dir.display().to_string(),
        "files": written,
    })
}

/// `base` (a JSON object) with the entries of `more` (another) added.
pub(crate) fn extend(mut base: Value, more: Value) -> Value {
    if let (Some(b), Value::Object(m)) = (base.as_object_mut(), more) {
        b.extend(m);
    }
    base
}

/// A finished multi-run job, for its command to render.
pub(crate) struct Finished<T> {
    /// The model it ran.
    pub(crate) sim: Box<dyn Simulation>,
    /// The analysis's typed result.
    pub(crate) result: T,
    /// The files written, tables first.
    pub(crate) written: Written,
    /// The output folder.
    pub(crate) dir: PathBuf,
    /// Seconds from the first run to the last file written.
    pub(crate) seconds: f64,
}

/// Runs a multi-run analysis as every such command does: on the model the
/// scenario selects, in a pool of `--threads` workers, in the output folder
/// (`--out`, or `out/<stem>-<command>`) with its checkpoints in `.runs/`,
/// with a progress bar; `--force` replaces a previous job's runs there.
pub(crate) fn run_job<T: Send>(
    args: &ScenarioArgs,
    j: &JobArgs,
    command: &str,
    analysis: impl FnOnce(&dyn Simulation, &Job) -> Result<Done<T>, AnalysisError> + Send,
) -> Result<Finished<T>, CliError> {
    let sim = load(args)?;
    let pool = analyses::thread_pool(j.threads, "--threads")?;
    let dir = j.out.clone().unwrap_or_else(|| default_out(&args.scenario, command));
    let bar = Bar::new();
    let started = std::time::Instant::now();
    let (result, written) = pool.install(|| {
        analyses::execute_replacing(&dir, j.format.into(), Checkpoints::Kept, j.force, |d| {
            analysis(&*sim, &job(d, j, &bar))
        })
    })?;
    Ok(Finished { sim, result, written, dir, seconds: started.elapsed().as_secs_f64() })
}

impl<T> Finished<T> {
    /// [`job_json`] of this job, with its seconds.
    pub(crate) fn json(&self, command: &str) -> Value {
        let mut v = job_json(command, &*self.sim, &self.dir, &self.written);
        v["seconds"] = crate::summary::num(self.seconds);
        v
    }
}
