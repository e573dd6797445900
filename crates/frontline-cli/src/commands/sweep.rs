//! `frontline sweep`: the uncertain parameters over a design, resumable.

use crate::error::CliError;
use crate::options::{JobArgs, ScenarioArgs, SweepMethodArg};
use crate::summary::{Summary, num, say};
use frontline_analysis::analyses::{
    self,
    design::{DesignSettings, SweepRequest},
};
use serde_json::json;

pub(crate) fn run(
    args: &ScenarioArgs,
    samples: usize,
    method: SweepMethodArg,
    outcomes: Vec<String>,
    runs_per_point: u64,
    ranges: Vec<String>,
    j: JobArgs,
) -> Result<Summary, CliError> {
    let req = SweepRequest {
        method: method.into(),
        outcomes,
        settings: DesignSettings { samples, runs_per_point, ranges, seed: j.seed },
    };
    let done = super::run_job(args, &j, "sweep", |sim, job| analyses::design::sweep(sim, &req, job))?;
    let (sim, r, written, dir) = (&done.sim, &done.result, &done.written, &done.dir);
    let mut text = String::new();
    say!(
        text,
        "{} — {} sweep of {} points over {} parameters × {} runs each\n",
        sim.name(),
        req.method.as_str(),
        r.values.len(),
        r.parameters.len(),
        r.runs_per_point
    );
    let mut outcomes = Vec::new();
    for (o, name) in r.outcomes.iter().enumerate() {
        let (min, median, max) = r.spread(o);
        say!(text, "  {name:<40} min {min:.3}  median {median:.3}  max {max:.3}");
        outcomes.push(json!({"outcome": name, "min": num(min), "median": num(median), "max": num(max)}));
    }
    say!(text, "\nWrote {} to {}", written.join(", "), dir.display());
    let parameters: Vec<&str> = r.parameters.iter().map(|p| p.id.as_str()).collect();
    let json = super::extend(
        done.json("sweep"),
        json!({
            "method": req.method.as_str(),
            "points": r.values.len(),
            "parameters": parameters,
            "runs_per_point": r.runs_per_point,
            "outcomes": outcomes,
        }),
    );
    Ok(Summary::new(text, json).quiet(j.quiet))
}
