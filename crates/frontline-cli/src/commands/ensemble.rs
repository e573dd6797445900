//! `frontline ensemble`: many runs, resumable.

use crate::error::CliError;
use crate::options::{JobArgs, MapArgs, PosteriorArgs, ScenarioArgs};
use crate::summary::{Summary, say};
use frontline_analysis::analyses::{self, ensemble::EnsembleRequest};
use serde_json::json;

pub(crate) fn run(
    args: &ScenarioArgs,
    runs: u64,
    posterior: &PosteriorArgs,
    j: JobArgs,
    maps: &MapArgs,
    (no_report, explain): (bool, bool),
) -> Result<Summary, CliError> {
    let req =
        EnsembleRequest { runs, seed: j.seed, views: maps.views(no_report), posterior: posterior.request(), explain };
    let done = super::run_job(args, &j, "ensemble", |sim, job| analyses::ensemble::ensemble(sim, &req, job))?;
    let r = &done.result;
    let mut text = String::new();
    say!(
        text,
        "{} — ensemble of {} runs (base seed {}) in {:.1} s",
        done.sim.name(),
        r.runs,
        r.base_seed,
        done.seconds
    );
    text.push_str(&r.summary);
    say!(text, "\nWrote {} to {}", done.written.join(", "), done.dir.display());
    let json = super::extend(done.json("ensemble"), json!({"runs": r.runs, "base_seed": r.base_seed}));
    Ok(Summary::new(text, json).quiet(j.quiet))
}
