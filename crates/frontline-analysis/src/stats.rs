//! Small, exact statistics used by the analyses: quantiles, binomial
//! intervals, paired-difference intervals and the seed schedule.

/// The seed of run `i` of a job with base seed `base`: SplitMix64 of
/// (base, i), so run i gets the same stream whatever the thread count and
/// every arm of a comparison shares it (common random numbers).
pub fn run_seed(base: u64, i: u64) -> u64 {
    let mut z = base.wrapping_add(i.wrapping_mul(0x9E37_79B9_7F4A_7C15)).wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Quantile `q` of sorted data (linear interpolation between order
/// statistics, Hyndman & Fan type 7, as numpy's default). NaN if empty.
pub fn quantile_sorted(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let h = (sorted.len() - 1) as f64 * q.clamp(0.0, 1.0);
    let lo = h.floor() as usize;
    let hi = h.ceil() as usize;
    sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
}

/// Mean (NaN if empty).
pub fn mean(x: &[f64]) -> f64 {
    if x.is_empty() { f64::NAN } else { x.iter().sum::<f64>() / x.len() as f64 }
}

/// Sample standard deviation (0 for fewer than two values).
pub fn sd(x: &[f64]) -> f64 {
    if x.len() < 2 {
        return 0.0;
    }
    let m = mean(x);
    (x.iter().map(|v| (v - m).powi(2)).sum::<f64>() / (x.len() - 1) as f64).sqrt()
}

/// z for a two-sided 95 % interval.
pub const Z95: f64 = 1.959_963_984_540_054;

/// Wilson score interval for a binomial proportion k/n at 95 %
/// (Wilson 1927); well behaved at p near 0 or 1, unlike the Wald interval.
pub fn wilson(k: f64, n: f64) -> (f64, f64) {
    if n <= 0.0 {
        return (f64::NAN, f64::NAN);
    }
    let p = k / n;
    let z2 = Z95 * Z95;
    let centre = (p + z2 / (2.0 * n)) / (1.0 + z2 / n);
    let half = Z95 * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt() / (1.0 + z2 / n);
    ((centre - half).max(0.0), (centre + half).min(1.0))
}

/// Mean of paired differences b − a with a 95 % normal-approximation
/// interval (the paired design removes the variance common to both arms).
pub fn paired_difference(a: &[f64], b: &[f64]) -> (f64, f64, f64) {
    let d: Vec<f64> = a.iter().zip(b).map(|(x, y)| y - x).collect();
    let m = mean(&d);
    let half = Z95 * sd(&d) / (d.len() as f64).sqrt();
    (m, m - half, m + half)
}

/// Mean with a 95 % normal-approximation interval.
pub fn mean_interval(x: &[f64]) -> (f64, f64, f64) {
    let m = mean(x);
    let half = Z95 * sd(x) / (x.len() as f64).sqrt();
    (m, m - half, m + half)
}

/// Cluster-robust variance of the mean of `x`, the runs grouped by
/// `cluster` (one label per run: the parameter set a posterior run drew).
///
/// Runs that share a parameter set are not independent: the set decides
/// much of the outcome, so the iid variance p(1 − p)/n (or s²/n) understates
/// the uncertainty of a posterior ensemble's mean. This is the sandwich
/// (Liang–Zeger 1986) estimator for a mean with the usual small-sample
/// factor G/(G − 1) (Cameron & Miller 2015, "A practitioner's guide to
/// cluster-robust inference", J. Human Resources 50(2), eq. 11):
///
/// ```text
/// V = G/(G − 1) · Σ_g (Σ_{i∈g} (x_i − x̄))² / n²        G clusters, n runs
/// ```
///
/// With one run per cluster it is n/(n − 1) · Σ (x_i − x̄)² / n² = s²/n, the
/// iid variance. NaN with fewer than two clusters.
pub fn cluster_variance_of_mean(x: &[f64], cluster: &[usize]) -> f64 {
    assert_eq!(x.len(), cluster.len(), "one cluster label per run");
    let n = x.len() as f64;
    let m = mean(x);
    let mut sums: std::collections::BTreeMap<usize, f64> = std::collections::BTreeMap::new();
    for (&v, &c) in x.iter().zip(cluster) {
        *sums.entry(c).or_insert(0.0) += v - m;
    }
    let g = sums.len() as f64;
    if g < 2.0 {
        return f64::NAN;
    }
    g / (g - 1.0) * sums.values().map(|s| s * s).sum::<f64>() / (n * n)
}

/// Mean with a 95 % interval from the cluster-robust variance
/// ([`cluster_variance_of_mean`]); equals [`mean_interval`] when every run is
/// its own cluster.
pub fn clustered_mean_interval(x: &[f64], cluster: &[usize]) -> (f64, f64, f64) {
    let m = mean(x);
    let half = Z95 * cluster_variance_of_mean(x, cluster).sqrt();
    (m, m - half, m + half)
}

/// Wilson interval for the proportion of 1s in `x` with runs grouped in
/// clusters: the Wilson interval at the effective sample size n / deff,
/// deff = cluster-robust variance / iid variance p(1 − p)/n (at least 1), as
/// survey statistics does for clustered samples (Kish 1965, "Survey
/// Sampling": the design effect). With p at 0 or 1 (no variation) deff is 1.
pub fn clustered_wilson(x: &[f64], cluster: &[usize]) -> (f64, f64) {
    let n = x.len() as f64;
    let k: f64 = x.iter().sum();
    let p = k / n;
    let iid = p * (1.0 - p) / n;
    let clustered = cluster_variance_of_mean(x, cluster);
    let deff = if iid > 0.0 && clustered.is_finite() { (clustered / iid).max(1.0) } else { 1.0 };
    let n_eff = n / deff;
    wilson(p * n_eff, n_eff)
}

/// Paired difference b − a with a 95 % interval from the cluster-robust
/// variance of the differences (common random numbers pair run i of both
/// arms; the clusters are the parameter sets the pairs drew, the same in
/// both arms).
pub fn clustered_paired_difference(a: &[f64], b: &[f64], cluster: &[usize]) -> (f64, f64, f64) {
    let d: Vec<f64> = a.iter().zip(b).map(|(x, y)| y - x).collect();
    clustered_mean_interval(&d, cluster)
}

/// Ranks of `x` (1-based; ties get the mean of their ranks).
pub fn ranks(x: &[f64]) -> Vec<f64> {
    let mut idx: Vec<usize> = (0..x.len()).collect();
    idx.sort_by(|&a, &b| x[a].total_cmp(&x[b]));
    let mut r = vec![0.0; x.len()];
    let mut i = 0;
    while i < idx.len() {
        let mut j = i;
        while j + 1 < idx.len() && x[idx[j + 1]] == x[idx[i]] {
            j += 1;
        }
        let mean_rank = (i + j) as f64 / 2.0 + 1.0;
        for &k in &idx[i..=j] {
            r[k] = mean_rank;
        }
        i = j + 1;
    }
    r
}

/// Spearman's rank correlation of two equally long samples (Pearson's
/// correlation of their ranks); NaN if either is constant.
pub fn spearman(x: &[f64], y: &[f64]) -> f64 {
    assert_eq!(x.len(), y.len(), "samples of equal length");
    let (rx, ry) = (ranks(x), ranks(y));
    let (mx, my) = (mean(&rx), mean(&ry));
    let cov: f64 = rx.iter().zip(&ry).map(|(a, b)| (a - mx) * (b - my)).sum();
    let vx: f64 = rx.iter().map(|a| (a - mx).powi(2)).sum();
    let vy: f64 = ry.iter().map(|b| (b - my).powi(2)).sum();
    cov / (vx * vy).sqrt()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spearman_ranks_monotone_relations_and_ties() {
        assert_eq!(ranks(&[10.0, 30.0, 20.0, 20.0]), vec![1.0, 4.0, 2.5, 2.5]);
        let x = [1.0, 2.0, 3.0, 4.0, 5.0];
        assert!((spearman(&x, &[1.0, 4.0, 9.0, 16.0, 25.0]) - 1.0).abs() < 1e-12, "monotone, not linear");
        assert!((spearman(&x, &[5.0, 4.0, 3.0, 2.0, 1.0]) + 1.0).abs() < 1e-12);
        assert!(spearman(&x, &[1.0; 5]).is_nan());
    }

    #[test]
    fn quantiles_match_numpy_type_7() {
        let x = [1.0, 2.0, 3.0, 4.0];
        assert_eq!(quantile_sorted(&x, 0.5), 2.5);
        assert_eq!(quantile_sorted(&x, 0.0), 1.0);
        assert!((quantile_sorted(&x, 0.05) - 1.15).abs() < 1e-12);
    }

    #[test]
    fn wilson_interval_known_value() {
        // 8 of 10: Wilson 95 % interval is (0.490, 0.943).
        let (lo, hi) = wilson(8.0, 10.0);
        assert!((lo - 0.4902).abs() < 1e-3 && (hi - 0.9433).abs() < 1e-3, "{lo} {hi}");
    }

    #[test]
    fn clustered_statistics_reduce_to_the_iid_ones_with_one_run_per_cluster() {
        let x = [1.0, 0.0, 1.0, 1.0, 0.0, 1.0, 0.0, 1.0];
        let own: Vec<usize> = (0..x.len()).collect();
        let n = x.len() as f64;
        assert!((cluster_variance_of_mean(&x, &own) - sd(&x).powi(2) / n).abs() < 1e-12);
        let (m, lo, hi) = clustered_mean_interval(&x, &own);
        let (m2, lo2, hi2) = mean_interval(&x);
        assert!((m - m2).abs() < 1e-12 && (lo - lo2).abs() < 1e-12 && (hi - hi2).abs() < 1e-12);
        // With one run per cluster deff is n/(n − 1), the small-sample factor:
        // the clustered Wilson interval is the iid one, slightly widened.
        let (wl, wh) = clustered_wilson(&x, &own);
        let (il, ih) = wilson(x.iter().sum(), n);
        assert!(wl <= il + 1e-12 && wh >= ih - 1e-12);
    }

    #[test]
    fn clusters_that_decide_the_outcome_widen_the_interval() {
        // 20 parameter sets × 10 seeds, where the set decides the outcome
        // (8 sets always 1, 12 always 0): the iid Wilson interval treats the
        // 200 runs as independent; the clustered one sees 20 effective runs.
        let mut x = Vec::new();
        let mut c = Vec::new();
        for set in 0..20 {
            for _ in 0..10 {
                x.push(if set < 8 { 1.0 } else { 0.0 });
                c.push(set);
            }
        }
        let (il, ih) = wilson(80.0, 200.0);
        let (cl, ch) = clustered_wilson(&x, &c);
        assert!(ch - cl > 2.5 * (ih - il), "clustered {cl:.3}..{ch:.3} vs iid {il:.3}..{ih:.3}");
        // deff ≈ 10 · 19/20·... : the interval is that of about 20 independent runs.
        let (l20, h20) = wilson(8.0, 20.0);
        assert!(((ch - cl) - (h20 - l20)).abs() < 0.03, "{:.3} vs {:.3}", ch - cl, h20 - l20);
        // Paired differences that are constant within a set are widened the same way.
        let a = vec![0.0; 200];
        let (d, lo, hi) = clustered_paired_difference(&a, &x, &c);
        assert!((d - 0.4).abs() < 1e-12 && lo < 0.2 && hi > 0.6, "{d} [{lo}, {hi}]");
        let (_, lo_iid, hi_iid) = paired_difference(&a, &x);
        assert!(hi - lo > 2.5 * (hi_iid - lo_iid));
    }

    #[test]
    fn one_cluster_gives_no_interval() {
        assert!(cluster_variance_of_mean(&[1.0, 0.0, 1.0], &[3, 3, 3]).is_nan());
    }

    #[test]
    fn run_seeds_differ_and_are_stable() {
        assert_ne!(run_seed(1, 0), run_seed(1, 1));
        assert_ne!(run_seed(1, 0), run_seed(2, 0));
        assert_eq!(run_seed(42, 7), run_seed(42, 7));
    }
}
