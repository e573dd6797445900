//! The statistics of sweeps and sensitivity analyses: design points,
//! Morris and Sobol indices and their table. The jobs that evaluate the
//! points on a model are [`crate::analyses::design`].
//!
//! Every design point rebuilds the model with its parameter values and runs
//! the same `runs_per_point` seeds (common random numbers across points),
//! so differences between points are not noise between seeds. Morris
//! (1991) elementary effects give μ* (mean absolute effect) and σ, with a
//! bootstrap interval on μ*; Sobol indices use Saltelli's (2010) estimator
//! for first-order S1 and Jansen's (1999) for total ST, with bootstrap
//! intervals.

use crate::sampling;
use crate::stats::{mean, quantile_sorted};
use frontline_output::{Column, Table};
use rand::{Rng, SeedableRng};
use rand_pcg::Pcg64Mcg;

/// Design points per batch file of a resumable sweep or sensitivity job.
pub const POINTS_PER_BATCH: u64 = 16;

/// The sampled points of a sweep.
pub fn sweep_points(k: usize, samples: usize, method: &str, seed: u64) -> Vec<Vec<f64>> {
    match method {
        "grid" => sampling::grid(((samples as f64).powf(1.0 / k.max(1) as f64)).floor() as usize, k),
        _ => sampling::latin_hypercube(samples, k, seed),
    }
}

/// One parameter's sensitivity.
#[derive(Debug, Clone, PartialEq)]
pub struct Index {
    /// Parameter id.
    pub parameter: String,
    /// μ* (Morris) or S1 (Sobol).
    pub main: f64,
    /// 95 % bootstrap interval of `main`.
    pub main_ci: (f64, f64),
    /// σ (Morris) or ST (Sobol).
    pub second: f64,
    /// 95 % bootstrap interval of `second` (Sobol only; NaN for Morris).
    pub second_ci: (f64, f64),
}

fn bootstrap(n: usize, reps: usize, seed: u64, stat: impl Fn(&[usize]) -> f64) -> (f64, f64) {
    let mut rng = Pcg64Mcg::seed_from_u64(seed);
    let mut v: Vec<f64> = (0..reps)
        .map(|_| {
            let idx: Vec<usize> = (0..n).map(|_| rng.random_range(0..n)).collect();
            stat(&idx)
        })
        .collect();
    v.sort_by(f64::total_cmp);
    (quantile_sorted(&v, 0.025), quantile_sorted(&v, 0.975))
}

/// Morris indices from the outcome `y` at the points of
/// [`sampling::morris`]`(trajectories, names.len(), levels, _)`, whose
/// `orders` say which parameter each step moved: μ* (mean absolute
/// elementary effect, with a bootstrap interval) and σ, sorted by μ*.
pub fn morris_indices(names: &[String], orders: &[Vec<usize>], levels: usize, y: &[f64], seed: u64) -> Vec<Index> {
    let k = names.len();
    let delta = sampling::morris_delta(levels);
    // effects[param][trajectory]
    let mut effects = vec![Vec::with_capacity(orders.len()); k];
    for (t, order) in orders.iter().enumerate() {
        for (j, &dim) in order.iter().enumerate() {
            let a = y[t * (k + 1) + j];
            let b = y[t * (k + 1) + j + 1];
            effects[dim].push((b - a) / delta);
        }
    }
    let mut out: Vec<Index> = names
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let e = &effects[i];
            let mu_star = mean(&e.iter().map(|x| x.abs()).collect::<Vec<_>>());
            let sigma = crate::stats::sd(e);
            let ci = bootstrap(e.len(), 1000, seed ^ i as u64, |idx| {
                mean(&idx.iter().map(|&j| e[j].abs()).collect::<Vec<_>>())
            });
            Index {
                parameter: name.clone(),
                main: mu_star,
                main_ci: ci,
                second: sigma,
                second_ci: (f64::NAN, f64::NAN),
            }
        })
        .collect();
    out.sort_by(|a, b| b.main.total_cmp(&a.main).then(a.parameter.cmp(&b.parameter)));
    out
}

/// Sobol indices from the outcome `raw` at the points of
/// [`sampling::saltelli`]`(n, names.len(), _)`: S1 (Saltelli 2010) and ST
/// (Jansen 1999) with bootstrap intervals, sorted by ST.
pub fn sobol_indices(names: &[String], n: usize, raw: &[f64], seed: u64) -> Vec<Index> {
    // Centring on the mean of f(A) and f(B) leaves the indices unchanged in
    // expectation and cuts the estimators' variance when |mean| ≫ sd.
    let centre = mean(&raw[..2 * n]);
    let y: Vec<f64> = raw.iter().map(|v| v - centre).collect();
    let fa = &y[..n];
    let fb = &y[n..2 * n];
    let s1 = |idx: &[usize], fab: &[f64]| -> f64 {
        let all: Vec<f64> = idx.iter().flat_map(|&j| [fa[j], fb[j]]).collect();
        let var = crate::stats::sd(&all).powi(2);
        if var == 0.0 {
            return 0.0;
        }
        mean(&idx.iter().map(|&j| fb[j] * (fab[j] - fa[j])).collect::<Vec<_>>()) / var
    };
    let st = |idx: &[usize], fab: &[f64]| -> f64 {
        let all: Vec<f64> = idx.iter().flat_map(|&j| [fa[j], fb[j]]).collect();
        let var = crate::stats::sd(&all).powi(2);
        if var == 0.0 {
            return 0.0;
        }
        0.5 * mean(&idx.iter().map(|&j| (fa[j] - fab[j]).powi(2)).collect::<Vec<_>>()) / var
    };
    let all: Vec<usize> = (0..n).collect();
    let mut out: Vec<Index> = names
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let fab = &y[(2 + i) * n..(3 + i) * n];
            Index {
                parameter: name.clone(),
                main: s1(&all, fab),
                main_ci: bootstrap(n, 1000, seed ^ (2 * i) as u64, |idx| s1(idx, fab)),
                second: st(&all, fab),
                second_ci: bootstrap(n, 1000, seed ^ (2 * i + 1) as u64, |idx| st(idx, fab)),
            }
        })
        .collect();
    out.sort_by(|a, b| b.second.total_cmp(&a.second).then(a.parameter.cmp(&b.parameter)));
    out
}

/// Sensitivity indices as a table.
pub fn table(method: &str, outcome: &str, idx: &[Index]) -> Table {
    let (main, second) = if method == "morris" { ("mu_star", "sigma") } else { ("s1", "st") };
    Table::new("sensitivity")
        .with("rank", Column::I64((1..=idx.len() as i64).collect()))
        .with("parameter", Column::Str(idx.iter().map(|i| i.parameter.clone()).collect()))
        .with("outcome", Column::Str(idx.iter().map(|_| outcome.to_string()).collect()))
        .with(main, Column::F64(idx.iter().map(|i| i.main).collect()))
        .with(format!("{main}_ci_low"), Column::F64(idx.iter().map(|i| i.main_ci.0).collect()))
        .with(format!("{main}_ci_high"), Column::F64(idx.iter().map(|i| i.main_ci.1).collect()))
        .with(second, Column::F64(idx.iter().map(|i| i.second).collect()))
        .with(format!("{second}_ci_low"), Column::F64(idx.iter().map(|i| i.second_ci.0).collect()))
        .with(format!("{second}_ci_high"), Column::F64(idx.iter().map(|i| i.second_ci.1).collect()))
}
