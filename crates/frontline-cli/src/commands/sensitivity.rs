//! `frontline sensitivity`: Morris or Sobol indices, resumable.

use crate::error::CliError;
use crate::options::{JobArgs, ScenarioArgs, SensitivityMethodArg};
use frontline_analysis::analyses::{
    self,
    design::{DesignSettings, SensitivityMethod, SensitivityRequest},
};

pub(crate) fn run(
    args: &ScenarioArgs,
    method: SensitivityMethodArg,
    samples: usize,
    outcome: Option<String>,
    runs_per_point: u64,
    ranges: Vec<String>,
    j: JobArgs,
) -> Result<(), CliError> {
    let req = SensitivityRequest {
        method: method.into(),
        outcome,
        settings: DesignSettings { samples, runs_per_point, ranges, seed: j.seed },
    };
    let done = super::run_job(args, &j, "sensitivity", |sim, job| analyses::design::sensitivity(sim, &req, job))?;
    let (sim, r, written, dir) = (&done.sim, &done.result, &done.written, &done.dir);
    if !j.quiet {
        let (a, b) = if r.method == SensitivityMethod::Morris { ("μ*", "σ") } else { ("S1", "ST") };
        println!(
            "{} — {} sensitivity of `{}` ({} model evaluations × {} runs)\n",
            sim.name(),
            r.method.as_str(),
            r.outcome,
            r.points,
            r.runs_per_point
        );
        println!("  {:<4} {:<28} {:>10} {:>22} {:>10}", "rank", "parameter", a, "95 % interval", b);
        for (i, x) in r.indices.iter().enumerate() {
            println!(
                "  {:<4} {:<28} {:>10.4} [{:>9.4}, {:>9.4}] {:>10.4}",
                i + 1,
                x.parameter,
                x.main,
                x.main_ci.0,
                x.main_ci.1,
                x.second
            );
        }
        println!("\nWrote {} to {}", written.join(", "), dir.display());
    }
    Ok(())
}
