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
        v["peak_memory_bytes"] = peak_memory_bytes().map_or(Value::Null, Value::from);
        v
    }
}

/// The process's peak resident memory so far, in bytes: `VmHWM` of
/// `/proc/self/status` (Linux); `None` where the kernel does not report it.
/// The `--json` summaries carry it so that a benchmark (or a user sizing a
/// machine) can read what a job needed without an external profiler.
pub(crate) fn peak_memory_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    parse_vm_hwm(&status)
}

/// `VmHWM:   123456 kB` → bytes.
fn parse_vm_hwm(status: &str) -> Option<u64> {
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: u64 = line["VmHWM:".len()..].trim().strip_suffix("kB")?.trim().parse().ok()?;
    Some(kib * 1024)
}

#[cfg(test)]
mod memory_tests {
    use super::parse_vm_hwm;

    #[test]
    fn the_peak_is_read_from_vm_hwm_in_bytes() {
        let status = "Name:\tfrontline\nVmPeak:\t  900 kB\nVmHWM:\t   117440 kB\nVmRSS:\t 100 kB\n";
        assert_eq!(parse_vm_hwm(status), Some(117_440 * 1024));
        assert_eq!(parse_vm_hwm("VmRSS: 5 kB\n"), None);
        assert_eq!(parse_vm_hwm("VmHWM: lots\n"), None);
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn this_process_has_a_peak() {
        assert!(super::peak_memory_bytes().is_some_and(|b| b > 0));
    }
}
