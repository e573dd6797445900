//! Sampling designs over a scenario's declared uncertain parameters: Latin
//! hypercube and full grid for sweeps, Morris trajectories and Saltelli's
//! A/B/AB matrices for sensitivity. Points live in the unit cube and are
//! mapped to parameter values through each parameter's distribution.
//!
//! Written by hand: the designs are a few lines each, and no well-kept Rust
//! crate offers Morris or Saltelli designs (the `sobol` crates provide
//! quasi-random sequences only).

use frontline_scenario::model::Parameter;
use frontline_scenario::spec::Distribution;
use frontline_scenario::value::{Kind, Value, merge, nest};
use frontline_scenario::{Loaded, Model};
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_pcg::Pcg64Mcg;

/// The parameters that vary (min < max and not fixed).
pub fn uncertain(m: &Model) -> Vec<Parameter> {
    m.parameters.iter().filter(|p| p.min < p.max && p.distribution != Distribution::Fixed).cloned().collect()
}

/// Inverse of the standard normal CDF (Acklam's rational approximation,
/// relative error < 1.2e-9).
pub fn inverse_normal(p: f64) -> f64 {
    let p = p.clamp(1e-12, 1.0 - 1e-12);
    const A: [f64; 6] = [
        -3.969683028665376e1,
        2.209460984245205e2,
        -2.759285104469687e2,
        1.383_577_518_672_69e2,
        -3.066479806614716e1,
        2.506628277459239,
    ];
    const B: [f64; 5] =
        [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
    const C: [f64; 6] = [
        -7.784894002430293e-3,
        -3.223964580411365e-1,
        -2.400758277161838,
        -2.549732539343734,
        4.374664141464968,
        2.938163982698783,
    ];
    const D: [f64; 4] = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
    let pl = 0.02425;
    if p < pl {
        let q = (-2.0 * p.ln()).sqrt();
        (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    } else if p <= 1.0 - pl {
        let q = p - 0.5;
        let r = q * q;
        (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q
            / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1.0)
    } else {
        -inverse_normal(1.0 - p)
    }
}

/// Maps u in [0, 1] to a parameter value through its distribution.
pub fn to_value(p: &Parameter, u: f64) -> f64 {
    let (a, b) = (p.min, p.max);
    let x = match p.distribution {
        Distribution::Fixed => p.value,
        Distribution::Uniform => a + u * (b - a),
        Distribution::LogUniform => (a.ln() + u * (b.ln() - a.ln())).exp(),
        Distribution::Triangular => {
            let c = p.value;
            let fc = (c - a) / (b - a);
            if u < fc { a + (u * (b - a) * (c - a)).sqrt() } else { b - ((1.0 - u) * (b - a) * (b - c)).sqrt() }
        }
        Distribution::Normal => {
            // Truncated to [min, max]: u is mapped within the CDF mass of the range.
            let sd = (b - a) / 4.0;
            let cdf = |x: f64| 0.5 * (1.0 + erf((x - p.value) / (sd * std::f64::consts::SQRT_2)));
            let (lo, hi) = (cdf(a), cdf(b));
            p.value + sd * inverse_normal(lo + u * (hi - lo))
        }
    };
    x.clamp(a, b)
}

/// Error function (Abramowitz & Stegun 7.1.26, |error| < 1.5e-7).
fn erf(x: f64) -> f64 {
    let t = 1.0 / (1.0 + 0.327_591_1 * x.abs());
    let y = 1.0
        - (((((1.061_405_429 * t - 1.453_152_027) * t) + 1.421_413_741) * t - 0.284_496_736) * t + 0.254_829_592)
            * t
            * (-x * x).exp();
    if x >= 0.0 { y } else { -y }
}

/// Latin hypercube: n points in k dimensions, one per stratum in each dimension.
pub fn latin_hypercube(n: usize, k: usize, seed: u64) -> Vec<Vec<f64>> {
    let mut rng = Pcg64Mcg::seed_from_u64(seed);
    let mut pts = vec![vec![0.0; k]; n];
    for d in 0..k {
        let mut perm: Vec<usize> = (0..n).collect();
        perm.shuffle(&mut rng);
        for (i, p) in pts.iter_mut().enumerate() {
            p[d] = (perm[i] as f64 + rng.random::<f64>()) / n as f64;
        }
    }
    pts
}

/// Full grid with `levels` values per dimension, from 0 to 1 inclusive.
pub fn grid(levels: usize, k: usize) -> Vec<Vec<f64>> {
    let levels = levels.max(2);
    let total = levels.pow(k as u32);
    (0..total)
        .map(|mut i| {
            (0..k)
                .map(|_| {
                    let l = i % levels;
                    i /= levels;
                    l as f64 / (levels - 1) as f64
                })
                .collect()
        })
        .collect()
}

/// Morris (1991) trajectories: `r` trajectories of k + 1 points on a
/// p-level grid with step Δ = p / (2(p − 1)); returns the points and, for
/// each step, which dimension moved.
pub fn morris(r: usize, k: usize, levels: usize, seed: u64) -> (Vec<Vec<f64>>, Vec<Vec<usize>>) {
    let mut rng = Pcg64Mcg::seed_from_u64(seed);
    let p = levels.max(2) as f64;
    let delta = p / (2.0 * (p - 1.0));
    let starts: Vec<f64> = (0..levels).map(|l| l as f64 / (p - 1.0)).filter(|x| *x + delta <= 1.0 + 1e-12).collect();
    let mut points = Vec::new();
    let mut orders = Vec::new();
    for _ in 0..r {
        let mut x: Vec<f64> = (0..k).map(|_| starts[rng.random_range(0..starts.len())]).collect();
        let mut order: Vec<usize> = (0..k).collect();
        order.shuffle(&mut rng);
        points.push(x.clone());
        for &d in &order {
            x[d] += delta;
            points.push(x.clone());
        }
        orders.push(order);
    }
    (points, orders)
}

/// Step of a Morris design with `levels` levels.
pub fn morris_delta(levels: usize) -> f64 {
    let p = levels.max(2) as f64;
    p / (2.0 * (p - 1.0))
}

/// Saltelli (2010) design: rows of A, then B, then AB_1 … AB_k (A with
/// column i taken from B); (k + 2)·n points.
pub fn saltelli(n: usize, k: usize, seed: u64) -> Vec<Vec<f64>> {
    let mut rng = Pcg64Mcg::seed_from_u64(seed);
    let a: Vec<Vec<f64>> = (0..n).map(|_| (0..k).map(|_| rng.random::<f64>()).collect()).collect();
    let b: Vec<Vec<f64>> = (0..n).map(|_| (0..k).map(|_| rng.random::<f64>()).collect()).collect();
    let mut out = a.clone();
    out.extend(b.iter().cloned());
    for i in 0..k {
        for j in 0..n {
            let mut row = a[j].clone();
            row[i] = b[j][i];
            out.push(row);
        }
    }
    out
}

/// Rebuilds the model with parameter values set (as `--set
/// parameters.<id>.value=…` would), re-evaluating every quantity that
/// depends on them.
pub fn with_parameters(loaded: &Loaded, values: &[(String, f64)]) -> Result<Model, String> {
    let mut tree = loaded.tree.clone();
    for (id, v) in values {
        let loc = tree.loc.clone();
        let leaf = Value { kind: Kind::Float(*v), loc: loc.clone() };
        merge(&mut tree, nest(&["parameters", id, "value"], leaf, &loc));
    }
    frontline_scenario::load::build_from_tree(&tree, &loaded.sources).map_err(|d| d.render(&loaded.sources, false))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latin_hypercube_has_one_point_per_stratum() {
        let pts = latin_hypercube(10, 3, 1);
        for d in 0..3 {
            let mut strata: Vec<usize> = pts.iter().map(|p| (p[d] * 10.0) as usize).collect();
            strata.sort();
            assert_eq!(strata, (0..10).collect::<Vec<_>>());
        }
    }

    #[test]
    fn morris_steps_move_one_dimension_by_delta() {
        let (pts, orders) = morris(3, 4, 4, 2);
        assert_eq!(pts.len(), 3 * 5);
        for t in 0..3 {
            for (j, &d) in orders[t].iter().enumerate() {
                let (a, b) = (&pts[t * 5 + j], &pts[t * 5 + j + 1]);
                assert!((b[d] - a[d] - morris_delta(4)).abs() < 1e-12);
                assert!(b.iter().all(|x| (0.0..=1.0).contains(x)));
            }
        }
    }

    #[test]
    fn grid_covers_corners() {
        let g = grid(3, 2);
        assert_eq!(g.len(), 9);
        assert!(g.contains(&vec![0.0, 0.0]) && g.contains(&vec![1.0, 1.0]));
    }

    #[test]
    fn inverse_normal_known_values() {
        assert!(inverse_normal(0.5).abs() < 1e-9);
        assert!((inverse_normal(0.975) - 1.959964).abs() < 1e-5);
    }
}
