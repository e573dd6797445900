//! `frontline backtest`: an ensemble scored against a history.

use crate::error::CliError;
use crate::options::{HistoryArgs, JobArgs, PosteriorArgs, ScenarioArgs};
use crate::summary::{Summary, interval, num, say};
use frontline_analysis::analyses::{self, backtest::BacktestRequest};
use frontline_analysis::simulation::OutputFile;
use frontline_date::Day;
use serde_json::json;

/// The windows a backtest scores and whether it writes a report.
pub(crate) struct Windows {
    pub(crate) windows: Vec<String>,
    pub(crate) in_sample_until: Option<String>,
    pub(crate) no_report: bool,
}

pub(crate) fn run(
    args: &ScenarioArgs,
    history: &HistoryArgs,
    runs: u64,
    posterior: &PosteriorArgs,
    w: Windows,
    j: JobArgs,
) -> Result<Summary, CliError> {
    let req = BacktestRequest {
        history: history.request(),
        runs,
        seed: j.seed,
        posterior: posterior.request(),
        windows: w.windows,
        in_sample_until: w.in_sample_until,
    };
    let done = super::run_job(args, &j, "backtest", |sim, job| {
        let mut done = analyses::backtest::backtest(sim, &req, job)?;
        if !w.no_report {
            let r = &done.result;
            let prov = super::provenance("backtest", sim, j.seed.unwrap_or_else(|| sim.default_seed()));
            let html = frontline_report::backtest_report(
                sim.name(),
                r.runs,
                &r.windows,
                &r.actor_ids,
                r.posterior.as_ref(),
                &prov,
            );
            done.output.files.push(OutputFile::text("report.html", html));
        }
        Ok(done)
    })?;
    let (sim, r, written, dir) = (&done.sim, &done.result, &done.written, &done.dir);
    let months: std::collections::BTreeSet<Day> = r.tests.iter().flat_map(|b| b.scores.iter().map(|s| s.day)).collect();
    let regions = r.tests.first().map_or(0, |b| b.per_region.len());
    let (first, last) = (months.first().map(|d| d.to_string()), months.last().map(|d| d.to_string()));
    let mut text = String::new();
    say!(
        text,
        "{} — backtest of {} runs against {} ({} regions × {} month ends, {} to {})\n",
        sim.name(),
        r.runs,
        history.file.display(),
        regions,
        months.len(),
        first.as_deref().unwrap_or("—"),
        last.as_deref().unwrap_or("—"),
    );
    match &r.posterior {
        Some((path, sha)) => {
            say!(text, "Parameters drawn from the posterior {path} ({})\n", sha.get(..19).unwrap_or(sha))
        }
        None => say!(text, "Parameters: the scenario's own values (no posterior)\n"),
    }
    say!(
        text,
        "Against persistence of the observed map (Brier; log score with probabilities clamped to [0.01, 0.99]):"
    );
    let mut windows = Vec::new();
    for s in &r.windows {
        say!(
            text,
            "  {:<14} {:<15} {} to {}  P({} holds), {} cells: Brier {:.3} vs {:.3} (window start) / {:.3} (month to month), skill {} / {}; log {:.3} vs {:.3} / {:.3}",
            s.window.name,
            s.label,
            s.window.from,
            s.window.to,
            r.actor_ids[s.actor],
            s.cells,
            s.brier[0],
            s.brier[1],
            s.brier[2],
            signed(s.skill_window()),
            signed(s.skill_monthly()),
            s.log[0],
            s.log[1],
            s.log[2]
        );
        windows.push(json!({
            "window": s.window.name,
            "label": s.label,
            "from": s.window.from.to_string(),
            "to": s.window.to.to_string(),
            "actor": r.actor_ids[s.actor],
            "cells": s.cells,
            "brier": [num(s.brier[0]), num(s.brier[1]), num(s.brier[2])],
            "log": [num(s.log[0]), num(s.log[1]), num(s.log[2])],
            "skill_window_start": num(s.skill_window()),
            "skill_month_to_month": num(s.skill_monthly()),
        }));
    }
    say!(text, "\nWhole period against the scenario's start held constant:");
    let mut tests = Vec::new();
    for b in &r.tests {
        let skill = if b.skill.is_finite() {
            format!("{:+.2} [{:+.2}, {:+.2}]", b.skill, b.skill_interval.0, b.skill_interval.1)
        } else {
            "n/a (nothing changed hands in the history)".into()
        };
        say!(
            text,
            "P({} holds): Brier {:.3}, \"nothing changes\" {:.3}, skill {skill}",
            r.actor_ids[b.actor],
            b.brier,
            b.brier_naive
        );
        let mut worst = b.per_region.clone();
        worst.sort_by(|x, y| y.1.total_cmp(&x.1));
        for (region, brier, naive) in worst.iter().take(5).filter(|x| x.1 > 0.0) {
            say!(text, "    {:<28} Brier {brier:.3}  (naive {naive:.3})", r.region_names[*region]);
        }
        tests.push(json!({
            "actor": r.actor_ids[b.actor],
            "brier": num(b.brier),
            "brier_naive": num(b.brier_naive),
            "skill": num(b.skill),
            "skill_interval": interval(b.skill_interval),
        }));
    }
    say!(
        text,
        "\n(Brier: 0 is perfect, 1 is certain and wrong; skill > 0 beats persistence)\nWrote {} to {}",
        written.join(", "),
        dir.display()
    );
    let json = super::extend(
        done.json("backtest"),
        json!({
            "history": history.file.display().to_string(),
            "runs": r.runs,
            "regions": regions,
            "month_ends": months.len(),
            "first": first,
            "last": last,
            "posterior": r.posterior.as_ref().map(|(p, sha)| json!({"path": p, "sha256": sha})),
            "windows": windows,
            "tests": tests,
        }),
    );
    Ok(Summary::new(text, json).quiet(j.quiet))
}

fn signed(x: f64) -> String {
    if x.is_finite() { format!("{x:+.2}") } else { "n/a".into() }
}
