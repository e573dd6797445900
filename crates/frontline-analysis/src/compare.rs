//! Counterfactual comparison: every arm runs the same seeds (common random
//! numbers), and each outcome is reported per arm with a 95 % interval and
//! as a paired difference from the first arm (the baseline) with its interval.

use crate::checkpoint::{self, JobDir, JobError, Progress};
use crate::outcome::Outcome;
use crate::stats::{mean_interval, paired_difference, run_seed, wilson};
use frontline_engine::run::run_observed;
use frontline_output::{Column, Table};
use frontline_scenario::Model;

/// One arm of a comparison.
pub struct Arm {
    /// Name (the variant file name, or "baseline").
    pub name: String,
    /// The model with the arm's variant applied.
    pub model: Model,
    /// The outcomes, compiled against this arm's model (same order in every arm).
    pub outcomes: Vec<Outcome>,
}

/// Values of every outcome in one run.
pub fn evaluate(m: &Model, outcomes: &[Outcome], seed: u64) -> Vec<f64> {
    let mut acc = vec![0.0; outcomes.len()];
    run_observed(m, seed, |m, s| {
        for (o, a) in outcomes.iter().zip(acc.iter_mut()) {
            o.observe(m, s, a);
        }
    });
    acc
}

/// One line of the comparison table.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// Outcome text.
    pub outcome: String,
    /// Arm name.
    pub arm: String,
    /// Probability (conditions) or mean (numbers).
    pub estimate: f64,
    /// 95 % interval.
    pub interval: (f64, f64),
    /// Paired difference from the baseline, with its 95 % interval (None for the baseline).
    pub difference: Option<(f64, f64, f64)>,
}

/// Raw values: `values[arm][outcome][run]`. Runs are the tasks of a
/// resumable job (arm-major, in batches of [`crate::ensemble::BATCH`]) when
/// `dir` is given.
pub fn run_arms(
    arms: &[Arm],
    runs: u64,
    base_seed: u64,
    dir: Option<&JobDir>,
    progress: Progress,
) -> Result<Vec<Vec<Vec<f64>>>, JobError> {
    let width = arms.first().map_or(0, |a| a.outcomes.len());
    let rows = checkpoint::evaluate(dir, runs * arms.len() as u64, width, crate::ensemble::BATCH, progress, |t| {
        let arm = &arms[(t / runs) as usize];
        Ok(evaluate(&arm.model, &arm.outcomes, run_seed(base_seed, t % runs)))
    })?;
    Ok(rows
        .chunks(runs as usize)
        .map(|per_run| (0..width).map(|o| per_run.iter().map(|r| r[o]).collect()).collect())
        .collect())
}

/// Summarises raw values into rows.
pub fn summarise(arms: &[Arm], values: &[Vec<Vec<f64>>]) -> Vec<Row> {
    let mut rows = Vec::new();
    let Some(first) = arms.first() else { return rows };
    for (o, outcome) in first.outcomes.iter().enumerate() {
        for (a, arm) in arms.iter().enumerate() {
            let x = &values[a][o];
            let n = x.len() as f64;
            let (estimate, interval) = if outcome.is_condition {
                let k: f64 = x.iter().sum();
                (k / n, wilson(k, n))
            } else {
                let (m, lo, hi) = mean_interval(x);
                (m, (lo, hi))
            };
            let difference = (a > 0).then(|| paired_difference(&values[0][o], x));
            rows.push(Row { outcome: outcome.text.clone(), arm: arm.name.clone(), estimate, interval, difference });
        }
    }
    rows
}

/// The comparison as a table.
pub fn table(rows: &[Row]) -> Table {
    let opt = |f: &dyn Fn(&(f64, f64, f64)) -> f64| -> Vec<f64> {
        rows.iter().map(|r| r.difference.as_ref().map_or(f64::NAN, f)).collect()
    };
    Table::new("compare")
        .with("outcome", Column::Str(rows.iter().map(|r| r.outcome.clone()).collect()))
        .with("arm", Column::Str(rows.iter().map(|r| r.arm.clone()).collect()))
        .with("estimate", Column::F64(rows.iter().map(|r| r.estimate).collect()))
        .with("ci_low", Column::F64(rows.iter().map(|r| r.interval.0).collect()))
        .with("ci_high", Column::F64(rows.iter().map(|r| r.interval.1).collect()))
        .with("difference", Column::F64(opt(&|d| d.0)))
        .with("difference_ci_low", Column::F64(opt(&|d| d.1)))
        .with("difference_ci_high", Column::F64(opt(&|d| d.2)))
}
