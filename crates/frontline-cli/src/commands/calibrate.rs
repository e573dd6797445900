//! `frontline calibrate`: backtests over a design of the uncertain parameters.

use crate::error::CliError;
use crate::options::{CalibrateMethodArg, HistoryArgs, JobArgs, ScenarioArgs};
use frontline_analysis::analyses::{self, calibrate::CalibrateRequest, design::SweepMethod};

pub(crate) fn run(
    args: &ScenarioArgs,
    history: &HistoryArgs,
    samples: usize,
    (method, accept): (CalibrateMethodArg, f64),
    runs_per_point: u64,
    j: JobArgs,
) -> Result<(), CliError> {
    let (method, accept) = match method {
        CalibrateMethodArg::Lhs => (SweepMethod::Lhs, None),
        CalibrateMethodArg::Grid => (SweepMethod::Grid, None),
        CalibrateMethodArg::Abc => (SweepMethod::Lhs, Some(accept)),
    };
    let req = CalibrateRequest { history: history.request(), method, samples, runs_per_point, seed: j.seed, accept };
    let done = super::run_job(args, &j, "calibrate", |sim, job| analyses::calibrate::calibrate(sim, &req, job))?;
    let (sim, r, written, dir) = (&done.sim, &done.result, &done.written, &done.dir);
    if j.quiet {
        return Ok(());
    }
    println!(
        "{} — calibration against {}: {} {} points over {} parameters × {} runs each (same seeds)\n",
        sim.name(),
        history.file.display(),
        r.values.len(),
        req.method.as_str(),
        r.parameters.len(),
        r.runs_per_point
    );
    let scored: Vec<String> = r.actors.iter().map(|a| format!("P({a} holds)")).collect();
    println!("Scenario's own values: mean Brier {:.3} ({})", r.scenario_mean_brier, scored.join(", "));
    println!("Best points (lowest mean Brier; every value is in the table):");
    for &i in r.ranking.iter().take(5) {
        println!("  point {i:<4} Brier {:.3}", r.mean_brier[i]);
    }
    println!(
        "\nParameters most associated with the fit (Spearman ρ of value vs Brier over the {} points;\nρ < 0: higher values fit better), with the best point's value:",
        r.values.len()
    );
    for a in r.associations.iter().take(6) {
        let p = &a.parameter;
        println!(
            "  {:<28} ρ {:+.2}   best {}   (scenario {}, range {}–{})",
            p.id,
            a.rho,
            short(a.best_value),
            short(p.value),
            short(p.min),
            short(p.max)
        );
    }
    if let Some((chosen, threshold)) = &r.accepted {
        println!(
            "\nABC (rejection): accepted {} of {} prior draws, distance (mean Brier of control to {}) ≤ {threshold:.4}; written as posterior.csv",
            chosen.len(),
            r.values.len(),
            r.until
        );
        for (j, p) in r.parameters.iter().enumerate() {
            let mut v: Vec<f64> = chosen.iter().map(|&i| r.values[i][j]).collect();
            v.sort_by(f64::total_cmp);
            let q = |f: f64| frontline_analysis::stats::quantile_sorted(&v, f);
            println!(
                "  {:<28} posterior median {} [5 %: {}, 95 %: {}]   prior [{}, {}]",
                p.id,
                short(q(0.5)),
                short(q(0.05)),
                short(q(0.95)),
                short(p.min),
                short(p.max)
            );
        }
    }
    println!(
        "\nWith {} runs per point, differences of a few thousandths are noise: check the best points with\n`frontline backtest --set parameters.<id>.value=…` and more runs. A best fit to one history is not a forecast.\nWrote {} to {}",
        r.runs_per_point,
        written.join(", "),
        dir.display()
    );
    Ok(())
}

/// A parameter value for a listing: whole numbers from 100 up, else at most 4 decimals.
fn short(x: f64) -> String {
    if x.abs() >= 100.0 {
        return format!("{x:.0}");
    }
    let s = format!("{x:.4}");
    if s.contains('.') { s.trim_end_matches('0').trim_end_matches('.').to_string() } else { s }
}
