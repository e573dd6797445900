//! `frontline ensemble`: many runs, resumable.

use crate::error::CliError;
use crate::options::{JobArgs, MapArgs, PosteriorArgs, ScenarioArgs};
use frontline_analysis::analyses::{self, ensemble::EnsembleRequest};

pub(crate) fn run(
    args: &ScenarioArgs,
    runs: u64,
    posterior: &PosteriorArgs,
    j: JobArgs,
    maps: &MapArgs,
    no_report: bool,
) -> Result<(), CliError> {
    let req = EnsembleRequest { runs, seed: j.seed, views: maps.views(no_report), posterior: posterior.request() };
    let done = super::run_job(args, &j, "ensemble", |sim, job| analyses::ensemble::ensemble(sim, &req, job))?;
    if !j.quiet {
        let r = &done.result;
        println!(
            "{} — ensemble of {} runs (base seed {}) in {:.1} s",
            done.sim.name(),
            r.runs,
            r.base_seed,
            done.seconds
        );
        print!("{}", r.summary);
        println!("\nWrote {} to {}", done.written.join(", "), done.dir.display());
    }
    Ok(())
}
