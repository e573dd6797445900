//! How much of an ensemble's spread comes from the parameters and how much
//! from chance, when its runs draw their parameters from a posterior.
//!
//! By the law of total variance, `Var(Y) = Var(E[Y | θ]) + E[Var(Y | θ)]`:
//! the first term is the part the parameter sets explain, the second the
//! part chance (the seed) adds for a fixed set. Runs are grouped by the set
//! they drew (g groups, n_j runs each, N in all), and the two terms are
//! estimated by one-way random-effects analysis of variance (the unbalanced
//! ANOVA estimator, e.g. Searle, Casella & McCulloch 1992, §3.5):
//!
//! ```text
//! MSW = Σ_j Σ_i (y_ij − ȳ_j)² / (N − g)                 chance:      E[Var(Y|θ)]
//! MSB = Σ_j n_j (ȳ_j − ȳ)² / (g − 1)
//! n₀  = (N − Σ_j n_j² / N) / (g − 1)
//! parameters = max(0, (MSB − MSW) / n₀)                 Var(E[Y|θ])
//! share of parameters = parameters / (parameters + chance)
//! ```
//!
//! Both estimates are unbiased before the truncation at 0. They need at
//! least two groups and at least one group with two runs: a posterior
//! ensemble draws one set per block of `seeds_per_set` runs (see
//! [`crate::posterior`]) so that every drawn set has replicates.

use frontline_output::{Column, Table};

/// One quantity's decomposition.
#[derive(Debug, Clone, PartialEq)]
pub struct Split {
    /// The quantity.
    pub name: String,
    /// Its mean over the runs.
    pub mean: f64,
    /// The estimated variance from the parameters, Var(E[Y | θ]).
    pub parameters: f64,
    /// The estimated variance from chance, E[Var(Y | θ)].
    pub chance: f64,
    /// parameters / (parameters + chance); NaN if both are 0.
    pub share_parameters: f64,
}

/// Decomposes `values` (one per run) with run i in group `groups[i]`; None
/// if there are fewer than two groups or no group with two runs.
pub fn split(name: &str, values: &[f64], groups: &[usize]) -> Option<Split> {
    let mut by: std::collections::BTreeMap<usize, Vec<f64>> = std::collections::BTreeMap::new();
    for (&y, &g) in values.iter().zip(groups) {
        by.entry(g).or_default().push(y);
    }
    let n = values.len() as f64;
    let g = by.len() as f64;
    if by.len() < 2 || n - g < 1.0 {
        return None;
    }
    let grand = values.iter().sum::<f64>() / n;
    let (mut ssw, mut ssb, mut sum_n2) = (0.0, 0.0, 0.0);
    for ys in by.values() {
        let nj = ys.len() as f64;
        let mj = ys.iter().sum::<f64>() / nj;
        ssw += ys.iter().map(|y| (y - mj).powi(2)).sum::<f64>();
        ssb += nj * (mj - grand).powi(2);
        sum_n2 += nj * nj;
    }
    let msw = ssw / (n - g);
    let msb = ssb / (g - 1.0);
    let n0 = (n - sum_n2 / n) / (g - 1.0);
    let parameters = ((msb - msw) / n0).max(0.0);
    let total = parameters + msw;
    Some(Split {
        name: name.to_string(),
        mean: grand,
        parameters,
        chance: msw,
        share_parameters: if total > 0.0 { parameters / total } else { f64::NAN },
    })
}

/// The `spread` table: one row per quantity.
pub fn table(rows: &[Split]) -> Table {
    Table::new("spread")
        .with("quantity", Column::Str(rows.iter().map(|r| r.name.clone()).collect()))
        .with("mean", Column::F64(rows.iter().map(|r| r.mean).collect()))
        .with("variance_parameters", Column::F64(rows.iter().map(|r| r.parameters).collect()))
        .with("variance_chance", Column::F64(rows.iter().map(|r| r.chance).collect()))
        .with("share_parameters", Column::F64(rows.iter().map(|r| r.share_parameters).collect()))
}

/// The decomposition as text for the screen (at most `limit` rows, largest total variance first).
pub fn render(rows: &[Split], sets: usize, seeds_per_set: u64, limit: usize) -> String {
    use std::fmt::Write;
    let mut o = String::new();
    let _ = writeln!(
        o,
        "\nSpread from parameters vs chance ({sets} parameter sets drawn, {seeds_per_set} seeds each; one-way ANOVA, law of total variance):"
    );
    let mut order: Vec<&Split> = rows.iter().filter(|r| r.parameters + r.chance > 0.0).collect();
    order.sort_by(|a, b| (b.parameters + b.chance).total_cmp(&(a.parameters + a.chance)));
    for r in order.iter().take(limit) {
        let _ = writeln!(
            o,
            "  {:<40} parameters {:>5.1} %   chance {:>5.1} %   (sd {:.3})",
            r.name,
            100.0 * r.share_parameters,
            100.0 * (1.0 - r.share_parameters),
            (r.parameters + r.chance).sqrt()
        );
    }
    if order.is_empty() {
        let _ = writeln!(o, "  (no quantity varies across the runs)");
    }
    o
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};
    use rand_pcg::Pcg64Mcg;

    /// Normal deviate by Box–Muller.
    fn normal(rng: &mut Pcg64Mcg) -> f64 {
        let (u, v): (f64, f64) = (rng.random::<f64>().max(1e-300), rng.random());
        (-2.0 * u.ln()).sqrt() * (2.0 * std::f64::consts::PI * v).cos()
    }

    #[test]
    fn recovers_a_known_split_of_the_variance() {
        // Y = θ + ε, θ ~ N(0, 4) per set, ε ~ N(0, 1) per run: parameters 4,
        // chance 1, share 0.8. With 400 sets × 10 runs the estimates are
        // within a few percent (se of the share ≈ 0.015).
        let mut rng = Pcg64Mcg::seed_from_u64(11);
        let (mut y, mut g) = (Vec::new(), Vec::new());
        for j in 0..400 {
            let theta = 2.0 * normal(&mut rng);
            for _ in 0..10 {
                y.push(theta + normal(&mut rng));
                g.push(j);
            }
        }
        let s = split("y", &y, &g).unwrap();
        assert!((s.chance - 1.0).abs() < 0.06, "{s:?}");
        assert!((s.parameters - 4.0).abs() < 0.7, "{s:?}");
        assert!((s.share_parameters - 0.8).abs() < 0.05, "{s:?}");
        // Unbalanced groups (sizes 1..=6) give the same answer.
        let (mut y, mut g) = (Vec::new(), Vec::new());
        for j in 0..600 {
            let theta = 2.0 * normal(&mut rng);
            for _ in 0..(1 + j % 6) {
                y.push(theta + normal(&mut rng));
                g.push(j);
            }
        }
        let s = split("y", &y, &g).unwrap();
        assert!((s.share_parameters - 0.8).abs() < 0.05, "{s:?}");
    }

    #[test]
    fn chance_alone_and_parameters_alone_are_told_apart() {
        // Every set the same: the parameters explain nothing.
        let mut rng = Pcg64Mcg::seed_from_u64(5);
        let y: Vec<f64> = (0..2000).map(|_| normal(&mut rng)).collect();
        let g: Vec<usize> = (0..2000).map(|i| i / 10).collect();
        assert!(split("y", &y, &g).unwrap().share_parameters < 0.05);
        // Runs of a set identical: chance explains nothing.
        let y: Vec<f64> = (0..200).map(|i| (i / 10) as f64).collect();
        let g: Vec<usize> = (0..200).map(|i| i / 10).collect();
        let s = split("y", &y, &g).unwrap();
        assert_eq!((s.chance, s.share_parameters), (0.0, 1.0));
        // Not estimable: one group, or no replicates.
        assert!(split("y", &[1.0, 2.0], &[0, 0]).is_none());
        assert!(split("y", &[1.0, 2.0], &[0, 1]).is_none());
    }
}
