//! `frontline sensitivity`: Morris or Sobol indices, resumable.

use crate::error::CliError;
use crate::options::{JobArgs, ScenarioArgs, SensitivityMethodArg};
use crate::summary::{Summary, interval, num, say};
use frontline_analysis::analyses::{
    self,
    design::{DesignSettings, SensitivityMethod, SensitivityRequest},
};
use serde_json::json;

pub(crate) fn run(
    args: &ScenarioArgs,
    method: SensitivityMethodArg,
    samples: usize,
    outcome: Option<String>,
    runs_per_point: u64,
    ranges: Vec<String>,
    j: JobArgs,
) -> Result<Summary, CliError> {
    let req = SensitivityRequest {
        method: method.into(),
        outcome,
        settings: DesignSettings { samples, runs_per_point, ranges, seed: j.seed },
    };
    let done = super::run_job(args, &j, "sensitivity", |sim, job| analyses::design::sensitivity(sim, &req, job))?;
    let (sim, r, written, dir) = (&done.sim, &done.result, &done.written, &done.dir);
    let (a, b) = if r.method == SensitivityMethod::Morris { ("μ*", "σ") } else { ("S1", "ST") };
    let mut text = String::new();
    say!(
        text,
        "{} — {} sensitivity of `{}` ({} model evaluations × {} runs)\n",
        sim.name(),
        r.method.as_str(),
        r.outcome,
        r.points,
        r.runs_per_point
    );
    say!(text, "  {:<4} {:<28} {:>10} {:>22} {:>10}", "rank", "parameter", a, "95 % interval", b);
    for (i, x) in r.indices.iter().enumerate() {
        say!(
            text,
            "  {:<4} {:<28} {:>10.4} [{:>9.4}, {:>9.4}] {:>10.4}",
            i + 1,
            x.parameter,
            x.main,
            x.main_ci.0,
            x.main_ci.1,
            x.second
        );
    }
    say!(text, "\nWrote {} to {}", written.join(", "), dir.display());
    let (main, second) = if r.method == SensitivityMethod::Morris { ("mu_star", "sigma") } else { ("s1", "st") };
    let indices: Vec<serde_json::Value> = r
        .indices
        .iter()
        .map(|x| {
            let mut v = json!({"parameter": x.parameter});
            v[main] = num(x.main);
            v[format!("{main}_interval")] = interval(x.main_ci);
            v[second] = num(x.second);
            if r.method == SensitivityMethod::Sobol {
                v[format!("{second}_interval")] = interval(x.second_ci);
            }
            v
        })
        .collect();
    let json = super::extend(
        done.json("sensitivity"),
        json!({
            "method": r.method.as_str(),
            "outcome": r.outcome,
            "points": r.points,
            "runs_per_point": r.runs_per_point,
            "indices": indices,
        }),
    );
    Ok(Summary::new(text, json).quiet(j.quiet))
}
