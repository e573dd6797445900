//! `calibrate`: backtests over a design of the uncertain parameters. At
//! each point (Latin hypercube or grid, as a sweep) the model runs the same
//! `runs_per_point` seeds and is scored against the history as a backtest
//! is; points are ranked by their mean Brier score over the actors scored,
//! and each parameter's association with the fit is its Spearman
//! correlation with that score across the points.
//!
//! With `accept` (`--method abc`), the calibration is approximate Bayesian
//! computation by rejection: the points are Latin-hypercube draws from the
//! prior (each parameter's declared law over its range), the distance of a
//! point is its mean Brier score over the actors and month ends up to the
//! history's cut-off (`--until`; nothing later is read), and the best
//! fraction `accept` of the points (at least one) is accepted with equal
//! weights. The accepted points are written as `posterior.csv` (see
//! [`crate::posterior`]), with their distances and the cut-off
//! (`# calibrated-until:`), ready for `--posterior`.

use super::backtest::{HistoryRequest, resolve_history, territory};
use super::design::{SweepMethod, sweep_points};
use super::{AnalysisError, Done, Job, Output, invalid, job_identity};
use crate::backtest::{control_counts, probability_from_counts, score_with};
use crate::checkpoint;
use crate::sampling;
use crate::sensitivity::POINTS_PER_BATCH;
use crate::stats::spearman;
use frontline_output::{Column, Command, Table};
use frontline_scenario::Model;
use frontline_scenario::model::Parameter;

/// A calibration.
#[derive(Debug, Clone)]
pub struct CalibrateRequest {
    /// The history.
    pub history: HistoryRequest,
    /// The design.
    pub method: SweepMethod,
    /// Points.
    pub samples: usize,
    /// Runs per point (the same seeds everywhere).
    pub runs_per_point: u64,
    /// Base seed (default: the scenario's); also seeds the design.
    pub seed: Option<u64>,
    /// ABC rejection: accept this fraction (0 < f ≤ 1) of the points, best
    /// first, and write them as `posterior.csv`.
    pub accept: Option<f64>,
}

/// A parameter's association with the fit.
#[derive(Debug, Clone)]
pub struct Association {
    /// The parameter.
    pub parameter: Parameter,
    /// Spearman ρ of its value against the mean Brier score over the points
    /// (ρ < 0: higher values fit better).
    pub rho: f64,
    /// Its value at the best point.
    pub best_value: f64,
}

/// A calibration's result.
#[derive(Debug, Clone)]
pub struct CalibrateResult {
    /// The parameters varied.
    pub parameters: Vec<Parameter>,
    /// Each point's parameter values: `[point][parameter]`.
    pub values: Vec<Vec<f64>>,
    /// The actors scored (ids).
    pub actors: Vec<String>,
    /// Each point's Brier score and skill per actor: `[point][2·actor + {0: brier, 1: skill}]`.
    pub scores: Vec<Vec<f64>>,
    /// Each point's mean Brier score over the actors.
    pub mean_brier: Vec<f64>,
    /// Points from best (lowest mean Brier) to worst.
    pub ranking: Vec<usize>,
    /// The scenario's own values' mean Brier score.
    pub scenario_mean_brier: f64,
    /// Parameters by the strength of their association with the fit (|ρ|, descending; undefined ρ left out).
    pub associations: Vec<Association>,
    /// Runs per point.
    pub runs_per_point: u64,
    /// ABC: the accepted points (best first), and the distance threshold.
    pub accepted: Option<(Vec<usize>, f64)>,
    /// The last day of history scored.
    pub until: frontline_date::Day,
}

/// Runs a calibration.
pub fn calibrate(
    sim: &dyn Simulation,
    req: &CalibrateRequest,
    job: &Job,
) -> Result<Done<CalibrateResult>, AnalysisError> {
    if req.samples == 0 || req.runs_per_point == 0 {
        return invalid("--samples and --runs-per-point must be at least 1");
    }
    if let Some(f) = req.accept
        && !(f > 0.0 && f <= 1.0)
    {
        return invalid(format!("--accept {f} must be a fraction in (0, 1]"));
    }
    let loaded = territory(sim, "calibrate")?;
    let m = &loaded.model;
    let h = resolve_history(m, &req.history)?;
    let params = sampling::uncertain(m);
    if params.is_empty() {
        return invalid("the scenario declares no uncertain parameters (a [parameters.<id>] with min < max)");
    }
    let seed = req.seed.unwrap_or_else(|| sim.default_seed());
    let points = sweep_points(params.len(), req.samples, req.method, seed)?;
    let history_json: Vec<serde_json::Value> =
        h.changes.iter().map(|c| serde_json::json!([c.day.epoch_days(), c.region, c.controller])).collect();
    let id = job_identity(
        sim,
        serde_json::json!({"command": "calibrate", "history": history_json, "until": h.until.epoch_days(),
            "actors": h.actors, "method": req.method.as_str(), "samples": req.samples,
            "runs_per_point": req.runs_per_point, "batch": POINTS_PER_BATCH, "accept": req.accept}),
        seed,
    );
    let jd = job.open(&id)?;
    let runs = req.runs_per_point;
    // Brier and skill per actor of a model, from its runs 0..runs_per_point.
    let scores = |model: &Model| -> Vec<f64> {
        let counts = control_counts(model, runs, seed);
        let p = |k: usize| probability_from_counts(model, &counts, runs, k);
        h.actors
            .iter()
            .flat_map(|&a| {
                let b = score_with(model, &p, &h.changes, a, h.until);
                [b.brier, b.skill]
            })
            .collect()
    };
    let (rows, reference) = job.with_progress(points.len() as u64 + 1, "points", |tick| {
        let rows =
            checkpoint::evaluate(Some(&jd), points.len() as u64, 2 * h.actors.len(), POINTS_PER_BATCH, tick, |i| {
                let values: Vec<(String, f64)> = params
                    .iter()
                    .zip(&points[i as usize])
                    .map(|(p, &u)| (p.id.clone(), sampling::to_value(p, u)))
                    .collect();
                Ok(scores(&sampling::with_parameters(loaded, &values)?))
            })?;
        let reference = scores(m);
        tick.advance(1);
        Ok::<_, checkpoint::JobError>((rows, reference))
    })?;
    let na = h.actors.len();
    let mean_brier_of = |r: &[f64]| (0..na).map(|n| r[2 * n]).sum::<f64>() / na.max(1) as f64;
    let mean_brier: Vec<f64> = rows.iter().map(|r| mean_brier_of(r)).collect();
    let mut ranking: Vec<usize> = (0..rows.len()).collect();
    ranking.sort_by(|&x, &y| mean_brier[x].total_cmp(&mean_brier[y]).then(x.cmp(&y)));
    let values: Vec<Vec<f64>> =
        points.iter().map(|u| params.iter().zip(u).map(|(p, &x)| sampling::to_value(p, x)).collect()).collect();
    let mut associations: Vec<Association> = (0..params.len())
        .map(|j| {
            let v: Vec<f64> = points.iter().map(|u| u[j]).collect();
            Association {
                parameter: params[j].clone(),
                rho: spearman(&v, &mean_brier),
                best_value: values[ranking[0]][j],
            }
        })
        .filter(|a| a.rho.is_finite())
        .collect();
    // Stable: ties keep the parameters' order.
    associations.sort_by(|x, y| y.rho.abs().total_cmp(&x.rho.abs()));
    let actors: Vec<String> = h.actors.iter().map(|&a| m.actors[a].id.clone()).collect();
    let mut table = Table::new("calibration").with("point", Column::I64((0..points.len() as i64).collect()));
    for (j, p) in params.iter().enumerate() {
        table = table.with(p.id.clone(), Column::F64(values.iter().map(|v| v[j]).collect()));
    }
    for (n, id) in actors.iter().enumerate() {
        table = table
            .with(format!("brier_{id}"), Column::F64(rows.iter().map(|r| r[2 * n]).collect()))
            .with(format!("skill_{id}"), Column::F64(rows.iter().map(|r| r[2 * n + 1]).collect()));
    }
    let best: Vec<serde_json::Value> = ranking
        .iter()
        .take(5)
        .map(|&i| {
            let v: serde_json::Map<String, serde_json::Value> =
                params.iter().enumerate().map(|(j, p)| (p.id.clone(), serde_json::json!(values[i][j]))).collect();
            serde_json::json!({"point": i, "mean_brier": mean_brier[i], "parameters": v})
        })
        .collect();
    let scenario_mean_brier = mean_brier_of(&reference);
    let mut manifest = sim.manifest(Command::Calibrate);
    manifest.base_seed = Some(seed);
    manifest.seed_rule = Some("run i uses splitmix64(base_seed, i)".into());
    manifest.detail("history", req.history.file.display().to_string());
    manifest.detail("method", req.method.as_str());
    manifest.detail("samples", points.len());
    manifest.runs_per_point = Some(runs);
    manifest.detail("scenario_values_mean_brier", scenario_mean_brier);
    manifest.detail("best", best);
    let mut files = Vec::new();
    let accepted = req.accept.map(|f| {
        let k = ((f * ranking.len() as f64).ceil() as usize).clamp(1, ranking.len());
        let chosen: Vec<usize> = ranking[..k].to_vec();
        (chosen, mean_brier[ranking[k - 1]])
    });
    if let Some((chosen, threshold)) = &accepted {
        let mut csv = format!(
            "# ABC rejection: {} of {} Latin-hypercube prior draws accepted (distance = mean Brier of control, {} runs each, threshold {threshold:.6})\n# history: {}\n# calibrated-until: {}\n",
            chosen.len(),
            points.len(),
            runs,
            req.history.file.display(),
            h.until
        );
        let ids: Vec<&str> = params.iter().map(|p| p.id.as_str()).collect();
        csv.push_str(&format!("{},weight,distance\n", ids.join(",")));
        for &i in chosen {
            let v: Vec<String> = values[i].iter().map(|x| format!("{x}")).collect();
            csv.push_str(&format!("{},1,{}\n", v.join(","), mean_brier[i]));
        }
        files.push(crate::simulation::OutputFile::text("posterior.csv", csv));
        manifest.detail(
            "abc",
            serde_json::json!({"accepted": chosen.len(), "of": points.len(),
            "threshold": threshold, "calibrated_until": h.until.to_string()}),
        );
    }
    Ok(Done {
        output: Output { tables: vec![table], files, manifest, keep_runs: false },
        result: CalibrateResult {
            parameters: params,
            values,
            actors,
            scores: rows,
            mean_brier,
            ranking,
            scenario_mean_brier,
            associations,
            runs_per_point: runs,
            accepted,
            until: h.until,
        },
    })
}

pub(crate) use crate::simulation::Simulation;
