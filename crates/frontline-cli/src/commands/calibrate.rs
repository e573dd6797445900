//! `frontline calibrate`: backtests over a design of the uncertain parameters.

use crate::error::CliError;
use crate::options::{CalibrateMethodArg, HistoryArgs, JobArgs, ScenarioArgs};
use crate::summary::{Summary, num, say};
use frontline_analysis::analyses::{self, calibrate::CalibrateRequest, design::SweepMethod};
use serde_json::json;

pub(crate) fn run(
    args: &ScenarioArgs,
    history: &HistoryArgs,
    samples: usize,
    (method, accept): (CalibrateMethodArg, f64),
    runs_per_point: u64,
    j: JobArgs,
) -> Result<Summary, CliError> {
    let (method, accept) = match method {
        CalibrateMethodArg::Lhs => (SweepMethod::Lhs, None),
        CalibrateMethodArg::Grid => (SweepMethod::Grid, None),
        CalibrateMethodArg::Abc => (SweepMethod::Lhs, Some(accept)),
    };
    let req = CalibrateRequest { history: history.request(), method, samples, runs_per_point, seed: j.seed, accept };
    let done = super::run_job(args, &j, "calibrate", |sim, job| analyses::calibrate::calibrate(sim, &req, job))?;
    let (sim, r, written, dir) = (&done.sim, &done.result, &done.written, &done.dir);
    let mut text = String::new();
    say!(
        text,
        "{} — calibration against {}: {} {} points over {} parameters × {} runs each (same seeds)\n",
        sim.name(),
        history.file.display(),
        r.values.len(),
        req.method.as_str(),
        r.parameters.len(),
        r.runs_per_point
    );
    let scored: Vec<String> = r.actors.iter().map(|a| format!("P({a} holds)")).collect();
    say!(text, "Scenario's own values: mean Brier {:.3} ({})", r.scenario_mean_brier, scored.join(", "));
    say!(text, "Best points (lowest mean Brier; every value is in the table):");
    for &i in r.ranking.iter().take(5) {
        say!(text, "  point {i:<4} Brier {:.3}", r.mean_brier[i]);
    }
    say!(
        text,
        "\nParameters most associated with the fit (Spearman ρ of value vs Brier over the {} points;\nρ < 0: higher values fit better), with the best point's value:",
        r.values.len()
    );
    for a in r.associations.iter().take(6) {
        let p = &a.parameter;
        say!(
            text,
            "  {:<28} ρ {:+.2}   best {}   (scenario {}, range {}–{})",
            p.id,
            a.rho,
            short(a.best_value),
            short(p.value),
            short(p.min),
            short(p.max)
        );
    }
    let mut posterior = serde_json::Value::Null;
    if let Some((chosen, threshold)) = &r.accepted {
        say!(
            text,
            "\nABC (rejection): accepted {} of {} prior draws, distance (mean Brier of control to {}) ≤ {threshold:.4}; written as posterior.csv",
            chosen.len(),
            r.values.len(),
            r.until
        );
        let mut medians = serde_json::Map::new();
        for (j, p) in r.parameters.iter().enumerate() {
            let mut v: Vec<f64> = chosen.iter().map(|&i| r.values[i][j]).collect();
            v.sort_by(f64::total_cmp);
            let q = |f: f64| frontline_analysis::stats::quantile_sorted(&v, f);
            say!(
                text,
                "  {:<28} posterior median {} [5 %: {}, 95 %: {}]   prior [{}, {}]",
                p.id,
                short(q(0.5)),
                short(q(0.05)),
                short(q(0.95)),
                short(p.min),
                short(p.max)
            );
            medians.insert(p.id.clone(), num(q(0.5)));
        }
        posterior = json!({"accepted": chosen.len(), "threshold": num(*threshold), "until": r.until.to_string(), "medians": medians});
    }
    say!(
        text,
        "\nWith {} runs per point, differences of a few thousandths are noise: check the best points with\n`frontline backtest --set parameters.<id>.value=…` and more runs. A best fit to one history is not a forecast.\nWrote {} to {}",
        r.runs_per_point,
        written.join(", "),
        dir.display()
    );
    let best: Vec<serde_json::Value> = r
        .ranking
        .iter()
        .take(5)
        .map(|&i| {
            let values: serde_json::Map<String, serde_json::Value> =
                r.parameters.iter().zip(&r.values[i]).map(|(p, &v)| (p.id.clone(), num(v))).collect();
            json!({"point": i, "mean_brier": num(r.mean_brier[i]), "values": values})
        })
        .collect();
    let associations: Vec<serde_json::Value> = r
        .associations
        .iter()
        .map(|a| json!({"parameter": a.parameter.id, "rho": num(a.rho), "best_value": num(a.best_value)}))
        .collect();
    let json = super::extend(
        done.json("calibrate"),
        json!({
            "history": history.file.display().to_string(),
            "method": req.method.as_str(),
            "points": r.values.len(),
            "runs_per_point": r.runs_per_point,
            "actors": r.actors,
            "scenario_mean_brier": num(r.scenario_mean_brier),
            "best": best,
            "associations": associations,
            "abc": posterior,
        }),
    );
    Ok(Summary::new(text, json).quiet(j.quiet))
}

/// A parameter value for a listing: whole numbers from 100 up, else at most 4 decimals.
fn short(x: f64) -> String {
    if x.abs() >= 100.0 {
        return format!("{x:.0}");
    }
    let s = format!("{x:.4}");
    if s.contains('.') { s.trim_end_matches('0').trim_end_matches('.').to_string() } else { s }
}
