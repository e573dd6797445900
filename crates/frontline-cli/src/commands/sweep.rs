//! `frontline sweep`: the uncertain parameters over a design, resumable.

use crate::error::CliError;
use crate::options::{Bar, JobArgs, ScenarioArgs, SweepMethodArg, default_out, job, thread_pool};
use frontline_analysis::analyses::{
    self,
    design::{DesignSettings, SweepRequest},
};
use frontline_output::Checkpoints;

pub(crate) fn run(
    args: &ScenarioArgs,
    samples: usize,
    method: SweepMethodArg,
    outcomes: Vec<String>,
    runs_per_point: u64,
    ranges: Vec<String>,
    j: JobArgs,
) -> Result<(), CliError> {
    let sim = super::load(args)?;
    let pool = thread_pool(j.threads)?;
    let req = SweepRequest {
        method: method.into(),
        outcomes,
        settings: DesignSettings { samples, runs_per_point, ranges, seed: j.seed },
    };
    let dir = j.out.clone().unwrap_or_else(|| default_out(&args.scenario, "sweep"));
    let bar = Bar::new();
    let (r, written) = pool.install(|| {
        analyses::execute(&dir, j.format.into(), Checkpoints::Kept, |d| {
            analyses::design::sweep(&*sim, &req, &job(d, &j, &bar))
        })
    })?;
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
