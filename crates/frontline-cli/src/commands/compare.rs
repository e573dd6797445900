//! `frontline compare`: arms over common random numbers, resumable.

use crate::error::CliError;
use crate::options::{JobArgs, PosteriorArgs, ScenarioArgs};
use crate::summary::{Summary, interval, num, say};
use frontline_analysis::analyses::{self, compare::CompareRequest};
use frontline_analysis::simulation::OutputFile;
use serde_json::json;
use std::path::PathBuf;

pub(crate) fn run(
    args: &ScenarioArgs,
    arms: Vec<PathBuf>,
    outcomes: Vec<String>,
    runs: u64,
    posterior: &PosteriorArgs,
    j: JobArgs,
    no_report: bool,
) -> Result<Summary, CliError> {
    let req = CompareRequest { arms, outcomes, runs, seed: j.seed, posterior: posterior.request() };
    let done = super::run_job(args, &j, "compare", |sim, job| {
        let mut done = analyses::compare::compare(sim, &req, job)?;
        // The summary of the comparison's explanation, for the viewer's page.
        let why = match done.output.files.iter().find(|f| f.path == frontline_explain::diverge::FILE) {
            Some(f) => serde_json::from_slice::<frontline_explain::diverge::JobFile>(&f.contents)
                .map_err(|e| frontline_analysis::analyses::AnalysisError::Runtime(format!("explain.json: {e}")))?
                .view_summary(),
            None => serde_json::Value::Null,
        };
        let r = &done.result;
        // Maps per arm, difference maps and the arms' time series, for a model with a map.
        let mut files = Vec::new();
        let pictures = match sim.territory() {
            Some(loaded) if r.views.iter().all(|arm| arm.iter().all(|run| !run.is_empty())) => {
                let m = &loaded.model;
                let arms: Vec<(String, frontline_analysis::compare::ArmViews)> = r
                    .arms
                    .iter()
                    .zip(&r.views)
                    .map(|(name, runs)| {
                        let runs: Vec<&[f64]> = runs.iter().map(Vec::as_slice).collect();
                        (name.clone(), frontline_analysis::compare::arm_views(m, &runs))
                    })
                    .collect();
                let dataset = frontline_viewer::dataset::theatre_compare(m, &arms, &why);
                files.push(OutputFile::text(frontline_viewer::DATASET_FILE, dataset.to_string() + "\n"));
                frontline_report::compare_pictures(&frontline_report::CompareViews { model: m, arms })
            }
            _ => Vec::new(),
        };
        if !no_report {
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
            let html = frontline_report::compare_report(
                sim.name(),
                r.runs,
                &lines,
                &prov,
                &pictures,
                &frontline_analysis::analyses::compare::interval_note(r.parameter_sets),
            );
            files.push(OutputFile::text("report.html", html));
        }
        let mut pictures: Vec<OutputFile> =
            pictures.into_iter().map(|(path, svg)| OutputFile::text(path, svg)).collect();
        frontline_models::with_pngs(&mut pictures).map_err(frontline_analysis::analyses::AnalysisError::Runtime)?;
        files.extend(pictures);
        done.output.files.extend(files);
        Ok(done)
    })?;
    let (sim, r, written, dir) = (&done.sim, &done.result, &done.written, &done.dir);
    let mut text = String::new();
    say!(
        text,
        "{} — {} arms × {} runs, common random numbers (base seed {})\n",
        sim.name(),
        r.arms.len(),
        r.runs,
        r.base_seed
    );
    let mut last = String::new();
    for row in &r.rows {
        if row.outcome != last {
            say!(text, "{}", row.outcome);
            last = row.outcome.clone();
        }
        let diff = row
            .difference
            .map_or(String::new(), |(d, lo, hi)| format!("   Δ vs baseline {d:+.4} [{lo:+.4}, {hi:+.4}]"));
        say!(text, "  {:<16} {:>8.4} [{:.4}, {:.4}]{}", row.arm, row.estimate, row.interval.0, row.interval.1, diff);
    }
    say!(
        text,
        "\n({})\nWrote {} to {}",
        frontline_analysis::analyses::compare::interval_note(r.parameter_sets),
        written.join(", "),
        dir.display()
    );
    let rows: Vec<serde_json::Value> = r
        .rows
        .iter()
        .map(|row| {
            json!({
                "outcome": row.outcome,
                "arm": row.arm,
                "estimate": num(row.estimate),
                "interval": interval(row.interval),
                "difference": row.difference.map(|d| num(d.0)),
                "difference_interval": row.difference.map(|d| interval((d.1, d.2))),
            })
        })
        .collect();
    let json = super::extend(
        done.json("compare"),
        json!({"arms": r.arms, "runs": r.runs, "base_seed": r.base_seed, "parameter_sets": r.parameter_sets, "intervals": frontline_analysis::analyses::compare::interval_note(r.parameter_sets), "rows": rows}),
    );
    Ok(Summary::new(text, json).quiet(j.quiet))
}
