//! The pieces of a comparison that are the theatre model's or the table's:
//! evaluating rule-language outcomes over one run (with, for the views, who
//! holds each region on the key dates and the regions each actor holds on
//! every date), the per-arm views made of those, and the comparison table.
//! The comparison itself (arms over common random numbers, intervals,
//! paired differences) is [`crate::analyses::compare`].

use crate::outcome::Outcome;
use frontline_engine::run::run_observed;
use frontline_output::{Column, Table};
use frontline_scenario::Model;

/// How many view values [`evaluate_with_views`] adds after the outcomes:
/// for each key tick ([`Model::key_ticks`]), actor and region a 0/1 of
/// control, then for each actor and tick the regions it holds.
pub fn view_width(m: &Model) -> usize {
    let (na, nr) = (m.actors.len(), m.regions.len());
    m.key_ticks().len() * na * nr + na * (m.ticks as usize + 1)
}

/// Values of every outcome in one run, then the [`view_width`] view
/// values. The outcomes' values are those of [`evaluate`].
pub fn evaluate_with_views(m: &Model, outcomes: &[Outcome], seed: u64) -> Vec<f64> {
    let (na, nr, nt) = (m.actors.len(), m.regions.len(), m.ticks as usize + 1);
    let key = m.key_ticks();
    let maps = key.len() * na * nr;
    let mut acc = vec![0.0; outcomes.len() + view_width(m)];
    let (values, views) = acc.split_at_mut(outcomes.len());
    run_observed(m, seed, |m, s| {
        for (o, a) in outcomes.iter().zip(values.iter_mut()) {
            o.observe(m, s, a);
        }
        let t = s.tick as usize;
        for (r, c) in s.control.iter().enumerate() {
            if let Some(a) = *c {
                if let Some(k) = key.iter().position(|&x| x as usize == t) {
                    views[(k * na + a) * nr + r] = 1.0;
                }
                views[maps + a * nt + t] += 1.0;
            }
        }
    });
    acc
}

/// What a comparison shows of one arm beyond its outcomes.
#[derive(Debug, Clone, PartialEq)]
pub struct ArmViews {
    /// `p[k][a][r]`: the share of runs in which actor a holds region r at key tick k.
    pub p: Vec<Vec<Vec<f64>>>,
    /// Per actor: the regions it holds over the ticks, mean with 5 % / 95 % quantiles.
    pub held: Vec<crate::ensemble::Band>,
}

/// One arm's views from its runs' view values (each [`view_width`] long).
pub fn arm_views(m: &Model, runs: &[&[f64]]) -> ArmViews {
    let (na, nr, nt) = (m.actors.len(), m.regions.len(), m.ticks as usize + 1);
    let nk = m.key_ticks().len();
    let n = runs.len().max(1) as f64;
    let p = (0..nk)
        .map(|k| {
            (0..na)
                .map(|a| (0..nr).map(|r| runs.iter().map(|v| v[(k * na + a) * nr + r]).sum::<f64>() / n).collect())
                .collect()
        })
        .collect();
    let maps = nk * na * nr;
    let held = (0..na)
        .map(|a| {
            let mut band = crate::ensemble::Band { mean: Vec::new(), q05: Vec::new(), q95: Vec::new() };
            for t in 0..nt {
                let mut x: Vec<f64> = runs.iter().map(|v| v[maps + a * nt + t]).collect();
                x.sort_by(f64::total_cmp);
                band.mean.push(crate::stats::mean(&x));
                band.q05.push(crate::stats::quantile_sorted(&x, 0.05));
                band.q95.push(crate::stats::quantile_sorted(&x, 0.95));
            }
            band
        })
        .collect();
    ArmViews { p, held }
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
