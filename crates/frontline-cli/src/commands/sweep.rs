//! `frontline sweep`: the uncertain parameters over a design, resumable.

use crate::error::CliError;
use crate::options::{JobArgs, ScenarioArgs, SweepMethodArg};
use frontline_analysis::analyses::{
    self,
    design::{DesignSettings, SweepRequest},
};

pub(crate) fn run(
    args: &ScenarioArgs,
    samples: usize,
    method: SweepMethodArg,
    outcomes: Vec<String>,
    runs_per_point: u64,
    ranges: Vec<String>,
    j: JobArgs,
) -> Result<(), CliError> {
    let req = SweepRequest {
        method: method.into(),
        outcomes,
        settings: DesignSettings { samples, runs_per_point, ranges, seed: j.seed },
    };
    let done = super::run_job(args, &j, "sweep", |sim, job| analyses::design::sweep(sim, &req, job))?;
    let (sim, r, written, dir) = (&done.sim, &done.result, &done.written, &done.dir);
    if !j.quiet {
        println!(
            "{} — {} sweep of {} points over {} parameters × {} runs each\n",
            sim.name(),
            req.method.as_str(),
            r.values.len(),
            r.parameters.len(),
            r.runs_per_point
        );
        for (o, name) in r.outcomes.iter().enumerate() {
            let (min, median, max) = r.spread(o);
            println!("  {name:<40} min {min:.3}  median {median:.3}  max {max:.3}");
        }
        println!("\nWrote {} to {}", written.join(", "), dir.display());
    }
    Ok(())
}
