//! The pieces of a comparison that are the theatre model's or the table's:
//! evaluating rule-language outcomes over one run, and the comparison table.
//! The comparison itself (arms over common random numbers, intervals,
//! paired differences) is [`crate::analyses::compare`].

use crate::outcome::Outcome;
use frontline_engine::run::run_observed;
use frontline_output::{Column, Table};
use frontline_scenario::Model;

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
