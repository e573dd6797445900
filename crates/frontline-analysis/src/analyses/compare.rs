//! `compare`: the baseline and each arm (the baseline plus one variant
//! overlay) run the same seeds — common random numbers — and each statistic
//! is reported per arm with a 95 % interval and as a paired difference from
//! the baseline. With a posterior, run i of every arm draws the same
//! parameter set, and the intervals are cluster-robust over the sets (runs
//! that share a set are correlated). Runs are the tasks of a resumable job:
//! arm-major, in batches of [`crate::ensemble::BATCH`].

use super::{AnalysisError, Done, Job, Output, invalid, job_identity};
use crate::checkpoint;
use crate::compare::{Row, table};
use crate::simulation::{Measure, Simulation};
use crate::stats::{
    clustered_mean_interval, clustered_paired_difference, clustered_wilson, mean_interval, paired_difference, run_seed,
    wilson,
};
use frontline_output::{Command, CompareResult};
use std::path::PathBuf;

/// A comparison.
#[derive(Debug, Clone)]
pub struct CompareRequest {
    /// Variant overlays, one per arm (at least one).
    pub arms: Vec<PathBuf>,
    /// Statistics to compare, as the model reads them (empty: the model's defaults).
    pub outcomes: Vec<String>,
    /// Runs per arm (at least 2, for intervals).
    pub runs: u64,
    /// Base seed (default: the scenario's).
    pub seed: Option<u64>,
    /// The posterior the runs draw their parameters from (default: the
    /// scenario's, if it names one); run i of every arm uses the same set.
    pub posterior: crate::posterior::PosteriorRequest,
}

/// What a comparison gives the front end.
#[derive(Debug, Clone)]
pub struct CompareResultSet {
    /// Per statistic, then per arm (baseline first).
    pub rows: Vec<Row>,
    /// The arms' names, baseline first.
    pub arms: Vec<String>,
    /// Runs per arm.
    pub runs: u64,
    /// The base seed.
    pub base_seed: u64,
    /// With a posterior: how many distinct parameter sets the runs drew (the
    /// clusters of the intervals); `None` without one.
    pub parameter_sets: Option<usize>,
    /// `views[arm][run]`: the model's view values of each run (see
    /// [`Measure::view_width`]; empty rows for a model without views).
    pub views: Vec<Vec<Vec<f64>>>,
}

/// An arm's name: its variant file's stem.
pub fn arm_name(file: &std::path::Path) -> String {
    file.file_stem().map_or("arm".into(), |s| s.to_string_lossy().into_owned())
}

/// Loads the arms, runs them over common random numbers and summarises.
pub fn compare(sim: &dyn Simulation, req: &CompareRequest, job: &Job) -> Result<Done<CompareResultSet>, AnalysisError> {
    if req.runs < 2 {
        return invalid("--runs must be at least 2 to give intervals");
    }
    if req.arms.is_empty() {
        return invalid("compare needs at least one --arm FILE (a variant to compare with the baseline)");
    }
    let base_seed = req.seed.unwrap_or_else(|| sim.default_seed());
    let mut loaded: Vec<Box<dyn Simulation>> = Vec::new();
    let mut arm_ids = Vec::new();
    for file in &req.arms {
        let arm = sim.with_variant(file).map_err(|e| AnalysisError::Invalid(e.render(false)))?;
        arm_ids.push(serde_json::json!({"arm": arm_name(file), "variants": arm.source().variants}));
        loaded.push(arm);
    }
    let mut names = vec!["baseline".to_string()];
    names.extend(req.arms.iter().map(|f| arm_name(f)));
    // Each arm's statistics are compiled against its own model.
    let mut measures: Vec<Box<dyn Measure + '_>> = vec![sim.measure(&req.outcomes).map_err(AnalysisError::Invalid)?];
    for arm in &loaded {
        measures.push(arm.measure(&req.outcomes).map_err(AnalysisError::Invalid)?);
    }
    let outcome_texts: Vec<String> = measures[0].names().to_vec();
    if outcome_texts.is_empty() {
        return invalid("there is nothing to compare: name the outcomes with --outcome");
    }
    let post = crate::posterior::resolve(sim, &req.posterior).map_err(AnalysisError::Invalid)?;
    let mut id = job_identity(
        sim,
        serde_json::json!({"command": "compare", "arms": arm_ids, "outcomes": outcome_texts, "runs": req.runs,
            "batch": crate::ensemble::BATCH, "view_width": measures[0].view_width()}),
        base_seed,
    );
    if let Some(p) = &post {
        id.json["posterior"] = p.identity();
    }
    let runs = req.runs;
    // With a posterior: per arm, the model of each drawn set (the arm's
    // overlay on the set's member, then the set's values).
    let mut set_models: Vec<Vec<Option<Box<dyn Simulation>>>> = Vec::new();
    if let Some(p) = &post {
        set_models.push(p.models(sim, None, base_seed, runs).map_err(AnalysisError::Invalid)?);
        for file in &req.arms {
            set_models.push(p.models(sim, Some(file), base_seed, runs).map_err(AnalysisError::Invalid)?);
        }
    }
    let mut set_measures: Vec<Vec<Option<Box<dyn Measure + '_>>>> = Vec::new();
    for arm in &set_models {
        let mut per_set = Vec::new();
        for model in arm {
            per_set.push(match model {
                Some(m) => Some(m.measure(&req.outcomes).map_err(AnalysisError::Invalid)?),
                None => None,
            });
        }
        set_measures.push(per_set);
    }
    let jd = job.open(&id)?;
    let width = outcome_texts.len();
    let view_width = measures[0].view_width();
    if measures.iter().any(|m| m.view_width() != view_width) {
        return invalid(
            "the arms' models differ in shape (regions, actors or dates), so their maps cannot be compared",
        );
    }
    let rows = job.with_progress(runs * measures.len() as u64, "runs", |tick| {
        checkpoint::evaluate(
            Some(&jd),
            runs * measures.len() as u64,
            width + view_width,
            crate::ensemble::BATCH,
            tick,
            |t| {
                let (arm, i) = ((t / runs) as usize, t % runs);
                let measure: &dyn Measure = match &post {
                    // Common random numbers: run i of every arm draws the same set.
                    Some(p) => set_measures[arm][p.draw(base_seed, i)].as_deref().unwrap_or(&*measures[arm]),
                    None => &*measures[arm],
                };
                Ok(measure.measure_with_views(run_seed(base_seed, i)))
            },
        )
    })?;
    let views: Vec<Vec<Vec<f64>>> =
        rows.chunks(runs as usize).map(|per_run| per_run.iter().map(|r| r[width..].to_vec()).collect()).collect();
    // values[arm][statistic][run]
    let values: Vec<Vec<Vec<f64>>> = rows
        .chunks(runs as usize)
        .map(|per_run| (0..width).map(|o| per_run.iter().map(|r| r[o]).collect()).collect())
        .collect();
    // With a posterior, the runs that drew the same parameter set are one
    // cluster: the set decides much of the outcome, so intervals treat them
    // as correlated (stats::cluster_variance_of_mean).
    let clusters: Option<Vec<usize>> = post.as_ref().map(|p| (0..runs).map(|i| p.draw(base_seed, i)).collect());
    let rows = summarise(&names, &outcome_texts, &|o| measures[0].is_condition(o), &values, clusters.as_deref());
    let parameter_sets = clusters.as_ref().map(|c| c.iter().collect::<std::collections::BTreeSet<_>>().len());
    // The seeds whose outcome differs between the baseline and each arm, for the model to explain.
    let differing: Vec<Vec<Vec<crate::simulation::Differing>>> = (0..width)
        .map(|o| {
            (1..values.len())
                .map(|a| {
                    (0..runs)
                        .filter(|&i| values[0][o][i as usize] != values[a][o][i as usize])
                        .map(|i| (i, run_seed(base_seed, i), values[0][o][i as usize], values[a][o][i as usize]))
                        .collect()
                })
                .collect()
        })
        .collect();
    let arms: Vec<(String, &dyn Simulation)> = names[1..].iter().cloned().zip(loaded.iter().map(|b| &**b)).collect();
    let files: Vec<_> =
        sim.explain_compare(&arms, &outcome_texts, &differing).map_err(AnalysisError::Invalid)?.into_iter().collect();
    let mut manifest = sim.manifest(Command::Compare);
    manifest.base_seed = Some(base_seed);
    manifest.seed_rule = Some("run i of every arm uses splitmix64(base_seed, i)".into());
    manifest.runs = Some(runs);
    manifest.detail("arms", arm_ids);
    manifest.detail("outcomes", &outcome_texts);
    if let Some(p) = &post {
        manifest.detail("posterior", p.identity());
    }
    manifest.results = Some(results(&rows));
    Ok(Done {
        output: Output { tables: vec![table(&rows)], files, manifest, keep_runs: false },
        result: CompareResultSet { rows, arms: names, runs, base_seed, parameter_sets, views },
    })
}

/// Rows from raw values `values[arm][statistic][run]`: a condition's
/// estimate is a probability with a Wilson interval, a number's a mean with
/// a normal interval; arms after the first get the paired difference. With
/// `clusters` (one label per run: the posterior set it drew), the intervals
/// are cluster-robust (`stats::clustered_wilson`,
/// `stats::clustered_mean_interval`, `stats::clustered_paired_difference`),
/// so they include what the parameter sets leave unknown, not only the dice.
pub fn summarise(
    arms: &[String],
    outcomes: &[String],
    is_condition: &dyn Fn(usize) -> bool,
    values: &[Vec<Vec<f64>>],
    clusters: Option<&[usize]>,
) -> Vec<Row> {
    let mut rows = Vec::new();
    for (o, outcome) in outcomes.iter().enumerate() {
        for (a, arm) in arms.iter().enumerate() {
            let x = &values[a][o];
            let n = x.len() as f64;
            let (estimate, interval) = match (is_condition(o), clusters) {
                (true, None) => {
                    let k: f64 = x.iter().sum();
                    (k / n, wilson(k, n))
                }
                (true, Some(c)) => (x.iter().sum::<f64>() / n, clustered_wilson(x, c)),
                (false, None) => {
                    let (m, lo, hi) = mean_interval(x);
                    (m, (lo, hi))
                }
                (false, Some(c)) => {
                    let (m, lo, hi) = clustered_mean_interval(x, c);
                    (m, (lo, hi))
                }
            };
            let difference = (a > 0).then(|| match clusters {
                None => paired_difference(&values[0][o], x),
                Some(c) => clustered_paired_difference(&values[0][o], x, c),
            });
            rows.push(Row { outcome: outcome.clone(), arm: arm.clone(), estimate, interval, difference });
        }
    }
    rows
}

/// What a comparison's 95 % intervals are, in words, for its summary and
/// report: iid intervals, or cluster-robust over `parameter_sets` sets.
pub fn interval_note(parameter_sets: Option<usize>) -> String {
    match parameter_sets {
        None => "95 % intervals: Wilson for probabilities, normal for means and paired differences".into(),
        Some(g) => format!(
            "95 % intervals over the posterior, cluster-robust over the {g} parameter sets the runs drew (chance and parameters): Wilson at the effective sample size for probabilities, normal for means and paired differences"
        ),
    }
}

/// A comparison's rows for its manifest (read by `frontline serve`).
pub fn results(rows: &[Row]) -> Vec<CompareResult> {
    rows.iter()
        .map(|r| {
            let d = r.difference;
            CompareResult {
                outcome: r.outcome.clone(),
                arm: r.arm.clone(),
                estimate: r.estimate,
                low: r.interval.0,
                high: r.interval.1,
                difference: d.map(|x| x.0),
                difference_low: d.map(|x| x.1),
                difference_high: d.map(|x| x.2),
            }
        })
        .collect()
}
