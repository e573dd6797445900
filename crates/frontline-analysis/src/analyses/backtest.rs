//! `backtest`: an ensemble scored against a history of dated control
//! changes (monthly Brier score of P(actor holds region), and skill against
//! "nothing changes"). Needs a model with a [`Simulation::territory`].

use super::{AnalysisError, Done, Job, Output, invalid, job_identity};
use crate::backtest::{self as bt, Backtest, Change};
use crate::simulation::Simulation;
use frontline_date::Day;
use frontline_output::Command;
use frontline_scenario::Model;
use std::path::PathBuf;

/// The history a backtest or a calibration scores against.
#[derive(Debug, Clone, Default)]
pub struct HistoryRequest {
    /// A CSV file with the columns date,region,controller.
    pub file: PathBuf,
    /// Actors whose control is forecast (empty: every actor the history names).
    pub actors: Vec<String>,
    /// Last day scored, `YYYY-MM-DD` (default: the end of the month of the history's last row).
    pub until: Option<String>,
}

/// A backtest.
#[derive(Debug, Clone, Default)]
pub struct BacktestRequest {
    /// The history.
    pub history: HistoryRequest,
    /// Runs (at least 1).
    pub runs: u64,
    /// Base seed (default: the scenario's).
    pub seed: Option<u64>,
    /// The posterior the runs draw their parameters from (default: the scenario's, if it names one).
    pub posterior: crate::posterior::PosteriorRequest,
    /// Windows scored against observed-map persistence, `NAME=FROM..TO`
    /// (default: with a known fit, the scenario's start to the fit's last
    /// day and the day after it to the last day scored; otherwise one window
    /// over everything).
    pub windows: Vec<String>,
    /// The last day of history the parameters were fitted to, `YYYY-MM-DD`
    /// (default: the posterior's `calibrated-until`), which labels windows
    /// in-sample or out-of-sample.
    pub in_sample_until: Option<String>,
}

/// A backtest's result.
#[derive(Debug, Clone)]
pub struct BacktestResult {
    /// One backtest per actor scored.
    pub tests: Vec<Backtest>,
    /// The actors' ids, by actor index.
    pub actor_ids: Vec<String>,
    /// The regions' names, by region index.
    pub region_names: Vec<String>,
    /// Runs.
    pub runs: u64,
    /// Scores per window and actor, against observed-map persistence.
    pub windows: Vec<crate::windows::WindowScore>,
    /// The posterior used, if any: (path, sha256).
    pub posterior: Option<(String, String)>,
}

/// What a history request resolves to against a model: the changes, the
/// last day scored and the actors scored (indices).
pub struct History {
    /// The changes of control, in the history's order.
    pub changes: Vec<Change>,
    /// The last day scored.
    pub until: Day,
    /// The actors scored.
    pub actors: Vec<usize>,
}

/// The model a territorial analysis needs, or why this one cannot be scored.
pub(crate) fn territory<'a>(
    sim: &'a dyn Simulation,
    command: &str,
) -> Result<&'a frontline_scenario::Loaded, AnalysisError> {
    sim.territory().ok_or_else(|| {
        AnalysisError::Invalid(format!(
            "{} is a {} model; it supports run, validate, ensemble, compare, sweep and sensitivity ({command} needs a model whose regions' control can be forecast, such as the theatre model)",
            sim.source().display(),
            sim.model()
        ))
    })
}

/// Reads and checks the history against the model.
pub fn resolve_history(m: &Model, h: &HistoryRequest) -> Result<History, AnalysisError> {
    let changes = bt::read_history(&h.file, m).map_err(AnalysisError::Invalid)?;
    let until = match h.until.as_deref() {
        None => bt::default_until(m, &changes),
        Some(d) => match Day::parse(d) {
            Ok(day) if day > m.day_of_tick(0) => day,
            _ => {
                return invalid(format!(
                    "--until `{d}` must be a date (YYYY-MM-DD) after the scenario's start, {}",
                    m.day_of_tick(0)
                ));
            }
        },
    };
    let start = m.day_of_tick(0);
    if bt::month_ends(start, until.min(m.day_of_tick(m.ticks))).is_empty() {
        return invalid(format!(
            "nothing to score: the first month end after the scenario's start ({start}) is after {until}, the last day scored; give a later --until or a history that reaches into the scenario"
        ));
    }
    let mut actors: Vec<usize> = Vec::new();
    for id in &h.actors {
        match m.actor_index(id) {
            Some(a) => actors.push(a),
            None => {
                let ids: Vec<&str> = m.actors.iter().map(|a| a.id.as_str()).collect();
                return invalid(format!("unknown actor `{id}` (the scenario's actors: {})", ids.join(", ")));
            }
        }
    }
    if actors.is_empty() {
        actors = (0..m.actors.len()).filter(|&a| changes.iter().any(|c| c.controller == Some(a))).collect();
    }
    Ok(History { changes, until, actors })
}

/// The windows a backtest scores (see [`BacktestRequest::windows`]).
fn windows_of(
    m: &Model,
    req: &BacktestRequest,
    h: &History,
    in_sample_until: Option<Day>,
) -> Result<Vec<crate::windows::Window>, AnalysisError> {
    use crate::windows::Window;
    if !req.windows.is_empty() {
        return req.windows.iter().map(|w| Window::parse(w).map_err(AnalysisError::Invalid)).collect();
    }
    let start = m.day_of_tick(0);
    let until = h.until.min(m.day_of_tick(m.ticks));
    Ok(match in_sample_until {
        Some(cut) if cut >= start && cut < until => {
            let after = cut.checked_add_days(1).unwrap_or(cut);
            vec![
                Window { name: "calibration".into(), from: start, to: cut },
                Window { name: "out-of-sample".into(), from: after, to: until },
            ]
        }
        _ => vec![Window { name: "all".into(), from: start, to: until }],
    })
}

/// Runs (or finishes, or rescores) the ensemble and scores it. The batches
/// stay in `.runs/`, so `--resume` can rescore them against another history.
pub fn backtest(sim: &dyn Simulation, req: &BacktestRequest, job: &Job) -> Result<Done<BacktestResult>, AnalysisError> {
    if req.runs == 0 {
        return invalid("--runs must be at least 1");
    }
    let loaded = territory(sim, "backtest")?;
    let m = &loaded.model;
    let h = resolve_history(m, &req.history)?;
    let seed = req.seed.unwrap_or_else(|| sim.default_seed());
    let post = crate::posterior::resolve(sim, &req.posterior).map_err(AnalysisError::Invalid)?;
    let in_sample_until = match &req.in_sample_until {
        Some(d) => Some(Day::parse(d).map_err(|_| {
            AnalysisError::Invalid(format!("--in-sample-until `{d}` is not a date; write it as YYYY-MM-DD"))
        })?),
        None => post.as_ref().and_then(|p| p.posterior.calibrated_until),
    };
    let windows = windows_of(m, req, &h, in_sample_until)?;
    let mut id = job_identity(
        sim,
        serde_json::json!({"command": "backtest", "runs": req.runs, "batch": crate::ensemble::BATCH}),
        seed,
    );
    if let Some(p) = &post {
        id.json["posterior"] = p.identity();
    }
    let jd = job.open(&id)?;
    job.with_progress(req.runs, "runs", |tick| {
        super::ensemble::run_posterior_batches(sim, post.as_ref(), &jd, req.runs, seed, tick)
    })?;
    let agg = crate::ensemble::aggregate_batches(m, &super::ensemble::sealed(sim, &jd, req.runs)?, req.runs, seed)?;
    let tests: Vec<Backtest> = h.actors.iter().map(|&a| bt::score(m, &agg, &h.changes, a, h.until)).collect();
    let p_at = |k: usize| agg.control_probability(m, k);
    let window_scores: Vec<crate::windows::WindowScore> = windows
        .iter()
        .flat_map(|w| h.actors.iter().map(move |&a| (w, a)))
        .map(|(w, a)| crate::windows::score(m, &p_at, &h.changes, a, w, in_sample_until))
        .collect();
    let summary: Vec<serde_json::Value> = tests
        .iter()
        .map(|b| {
            serde_json::json!({"actor": m.actors[b.actor].id, "brier": b.brier, "brier_naive": b.brier_naive,
                "skill": b.skill, "skill_interval": [b.skill_interval.0, b.skill_interval.1]})
        })
        .collect();
    let mut manifest = sim.manifest(Command::Backtest);
    manifest.base_seed = Some(seed);
    manifest.seed_rule = Some("run i uses splitmix64(base_seed, i)".into());
    manifest.runs = Some(req.runs);
    manifest.detail("history", req.history.file.display().to_string());
    manifest.detail("scores", summary);
    if let Some(p) = &post {
        manifest.detail("posterior", p.identity());
    }
    let windows_json: Vec<serde_json::Value> = window_scores
        .iter()
        .map(|s| {
            serde_json::json!({"window": s.window.name, "sample": s.label, "from": s.window.from.to_string(),
                "to": s.window.to.to_string(), "actor": m.actors[s.actor].id, "cells": s.cells,
                "brier": s.brier[0], "brier_persistence_window": s.brier[1], "brier_persistence_monthly": s.brier[2],
                "log_score": s.log[0], "log_persistence_window": s.log[1], "log_persistence_monthly": s.log[2]})
        })
        .collect();
    manifest.detail("windows", windows_json);
    let tables = vec![
        bt::table(m, &tests),
        crate::windows::table(m, &window_scores),
        crate::windows::reliability_table(m, &window_scores),
    ];
    Ok(Done {
        output: Output { tables, files: Vec::new(), manifest, keep_runs: true },
        result: BacktestResult {
            tests,
            actor_ids: m.actors.iter().map(|a| a.id.clone()).collect(),
            region_names: m.regions.iter().map(|r| r.name.clone()).collect(),
            runs: req.runs,
            windows: window_scores,
            posterior: post.as_ref().map(|p| (p.posterior.path.display().to_string(), p.posterior.sha256.clone())),
        },
    })
}
