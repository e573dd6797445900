//! `frontline ensemble`: many runs, resumable.

use crate::error::CliError;
use crate::options::{Bar, JobArgs, MapArgs, ScenarioArgs, default_out, job, thread_pool};
use frontline_analysis::analyses::{self, ensemble::EnsembleRequest};
use frontline_output::Checkpoints;

pub(crate) fn run(args: &ScenarioArgs, runs: u64, j: JobArgs, maps: &MapArgs, no_report: bool) -> Result<(), CliError> {
    let sim = super::load(args)?;
    let pool = thread_pool(j.threads)?;
    let req = EnsembleRequest { runs, seed: j.seed, views: maps.views(no_report) };
    let dir = j.out.clone().unwrap_or_else(|| default_out(&args.scenario, "ensemble"));
    let bar = Bar::new();
    let started = std::time::Instant::now();
    let (r, written) = pool.install(|| {
        analyses::execute(&dir, j.format.into(), Checkpoints::Kept, |d| {
            analyses::ensemble::ensemble(&*sim, &req, &job(d, &j, &bar))
        })
    })?;
    if !j.quiet {
        let elapsed = started.elapsed().as_secs_f64();
        println!("{} — ensemble of {} runs (base seed {}) in {elapsed:.1} s", sim.name(), r.runs, r.base_seed);
        print!("{}", r.summary);
        println!("\nWrote {} to {}", written.join(", "), dir.display());
    }
    Ok(())
}
