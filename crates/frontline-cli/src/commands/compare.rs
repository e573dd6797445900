//! `frontline compare`: arms over common random numbers, resumable.

use crate::error::CliError;
use crate::options::{JobArgs, PosteriorArgs, ScenarioArgs};
use frontline_analysis::analyses::{self, compare::CompareRequest};
use frontline_analysis::simulation::OutputFile;
use std::path::PathBuf;

pub(crate) fn run(
    args: &ScenarioArgs,
    arms: Vec<PathBuf>,
    outcomes: Vec<String>,
    runs: u64,
    posterior: &PosteriorArgs,
    j: JobArgs,
    no_report: bool,
) -> Result<(), CliError> {
    let req = CompareRequest { arms, outcomes, runs, seed: j.seed, posterior: posterior.request() };
    let done = super::run_job(args, &j, "compare", |sim, job| {
        let mut done = analyses::compare::compare(sim, &req, job)?;
        if !no_report {
            let r = &done.result;
            let lines: Vec<frontline_report::ComparisonLine> = r
                .rows
                .iter()
                .map(|row| frontline_report::ComparisonLine {
                    outcome: row.outcome.clone(),
                    arm: row.arm.clone(),
                    estimate: row.estimate,
                    interval: row.interval,
                    difference: row.difference,
                })
                .collect();
            let prov = super::provenance("compare", sim, r.base_seed);
            let html = frontline_report::compare_report(sim.name(), r.runs, &lines, &prov);
            done.output.files.push(OutputFile { path: "report.html".into(), contents: html });
        }
        Ok(done)
    })?;
    let (sim, r, written, dir) = (&done.sim, &done.result, &done.written, &done.dir);
    if !j.quiet {
        println!(
            "{} — {} arms × {} runs, common random numbers (base seed {})\n",
            sim.name(),
            r.arms.len(),
            r.runs,
            r.base_seed
        );
        let mut last = String::new();
        for row in &r.rows {
            if row.outcome != last {
                println!("{}", row.outcome);
                last = row.outcome.clone();
            }
            let diff = row
                .difference
                .map_or(String::new(), |(d, lo, hi)| format!("   Δ vs baseline {d:+.4} [{lo:+.4}, {hi:+.4}]"));
            println!("  {:<16} {:>8.4} [{:.4}, {:.4}]{}", row.arm, row.estimate, row.interval.0, row.interval.1, diff);
        }
        println!(
            "\n(95 % intervals: Wilson for probabilities, normal for means and paired differences)\nWrote {} to {}",
            written.join(", "),
            dir.display()
        );
    }
    Ok(())
}
