//! Ensembles: N runs in parallel, streamed to disk in batches, aggregated
//! into probabilities of control, quantiles of metrics and the distribution
//! of first dates of watched events.
//!
//! Owns the batch files (the per-run outputs, which make a job resumable)
//! and the aggregation. Batches have a fixed size independent of the thread
//! count and are aggregated in run order, so the tables are byte-identical
//! for any number of threads and for an interrupted-then-resumed job.

use crate::checkpoint::JobDir;
use crate::simulation::Batches;
use crate::stats::{mean, quantile_sorted, run_seed};
use frontline_date::Day;
use frontline_engine::run::run_observed;
use frontline_output::{Column, Table};
use frontline_scenario::Model;
use std::path::Path;

/// Runs per batch file.
pub const BATCH: u64 = 128;

/// What one run contributes to an ensemble.
#[derive(Debug, Clone, PartialEq)]
pub struct RunSummary {
    /// Controller per snapshot and region (-1: nobody).
    pub control: Vec<i8>,
    /// Metric values, metric-major: `[metric][snapshot]`.
    pub metrics: Vec<f32>,
    /// First snapshot at which each watch held (-1: never).
    pub watch_first: Vec<i32>,
}

/// Names of the metrics recorded per snapshot: personnel of each force
/// group, then regions held and population held by each actor.
pub fn metric_names(m: &Model) -> Vec<String> {
    let mut v: Vec<String> = m.forces.iter().map(|f| format!("personnel:{}", f.id)).collect();
    v.extend(m.actors.iter().map(|a| format!("regions_held:{}", a.id)));
    v.extend(m.actors.iter().map(|a| format!("population_held:{}", a.id)));
    v
}

/// What a metric of [`metric_names`] measures, as the `metrics` table's key
/// columns say it: `metric` (`personnel`, `regions_held`,
/// `population_held`), the force group (personnel only) and the actor (the
/// group's owner, or the actor holding the regions).
#[derive(Debug, Clone, PartialEq)]
pub struct MetricKey {
    /// `personnel`, `regions_held` or `population_held`.
    pub metric: &'static str,
    /// The force group, for `personnel`.
    pub force: Option<String>,
    /// The actor.
    pub actor: String,
}

/// The key of each metric of [`metric_names`], in the same order.
pub fn metric_keys(m: &Model) -> Vec<MetricKey> {
    let mut v: Vec<MetricKey> = m
        .forces
        .iter()
        .map(|f| MetricKey { metric: "personnel", force: Some(f.id.clone()), actor: m.actors[f.actor].id.clone() })
        .collect();
    for metric in ["regions_held", "population_held"] {
        v.extend(m.actors.iter().map(|a| MetricKey { metric, force: None, actor: a.id.clone() }));
    }
    v
}

/// Runs one member of the ensemble.
pub fn summarise(m: &Model, seed: u64) -> RunSummary {
    let (nr, ni, nf, na) = (m.regions.len(), m.identities.len(), m.forces.len(), m.actors.len());
    let snaps = m.ticks as usize + 1;
    let nm = nf + 2 * na;
    let mut out = RunSummary {
        control: Vec::with_capacity(snaps * nr),
        metrics: vec![0.0; nm * snaps],
        watch_first: vec![-1; m.watches.len()],
    };
    run_observed(m, seed, |m, s| {
        let k = s.tick as usize;
        out.control.extend(s.control.iter().map(|c| c.map_or(-1, |a| a as i8)));
        for f in 0..nf {
            out.metrics[f * snaps + k] = s.force_total(nr, f) as f32;
        }
        for r in 0..nr {
            if let Some(a) = s.control[r] {
                out.metrics[(nf + a) * snaps + k] += 1.0;
                out.metrics[(nf + na + a) * snaps + k] += s.population[r * ni..(r + 1) * ni].iter().sum::<f64>() as f32;
            }
        }
        for (w, watch) in m.watches.iter().enumerate() {
            if out.watch_first[w] < 0 && watch.when.holds(&frontline_engine::state::View { model: m, state: s }) {
                out.watch_first[w] = k as i32;
            }
        }
    });
    out
}

pub use crate::checkpoint::{JobError, JobId};

/// The identity of an ensemble job (what its batch directory must match):
/// scenario hash, variants with their hashes, `--set`s, base seed, runs,
/// batch size and Frontline version.
pub fn job_id(scenario_hash: &str, variants: &[(String, String)], sets: &[String], base_seed: u64, runs: u64) -> JobId {
    JobId {
        json: serde_json::json!({
            "scenario_hash": scenario_hash, "variants": variants, "sets": sets, "base_seed": base_seed, "runs": runs,
            "batch": BATCH, "version": env!("CARGO_PKG_VERSION"),
        }),
    }
}

/// Name prefix of the ensemble's batch files (`.runs/batch-000000.bin`, …).
pub const BATCH_PREFIX: &str = "batch";

/// Progress callback: called with the number of runs just completed.
pub use crate::checkpoint::Progress;

/// One run's record for an ensemble batch: its control bytes, then its
/// metrics (f32, little-endian, metric-major), then its watches' first
/// snapshots (i32): [`encode_records`] lays a batch out from these.
pub fn encode_run(r: &RunSummary) -> Vec<u8> {
    let mut out = Vec::with_capacity(r.control.len() + 4 * (r.metrics.len() + r.watch_first.len()));
    out.extend(r.control.iter().map(|&c| c as u8));
    for x in &r.metrics {
        out.extend_from_slice(&x.to_le_bytes());
    }
    for w in &r.watch_first {
        out.extend_from_slice(&w.to_le_bytes());
    }
    out
}

/// A batch payload from its runs' records ([`encode_run`]), in the batch
/// layout (what [`encode`] writes for the same runs).
pub fn encode_records(m: &Model, records: &[Vec<u8>]) -> Vec<u8> {
    let l = Layout::new(m, records.len());
    let mut out = Vec::with_capacity(l.size());
    for r in records {
        out.extend_from_slice(&r[..l.control_len]);
    }
    for j in 0..l.metric_len {
        let at = l.control_len + 4 * j;
        for r in records {
            out.extend_from_slice(&r[at..at + 4]);
        }
    }
    let watches_at = l.control_len + 4 * l.metric_len;
    for r in records {
        out.extend_from_slice(&r[watches_at..watches_at + 4 * l.watches]);
    }
    out
}

/// Geometry of a batch file.
struct Layout {
    n: usize,
    control_len: usize,
    metric_len: usize,
    watches: usize,
}

impl Layout {
    fn new(m: &Model, n: usize) -> Layout {
        let snaps = m.ticks as usize + 1;
        Layout {
            n,
            control_len: snaps * m.regions.len(),
            metric_len: (m.forces.len() + 2 * m.actors.len()) * snaps,
            watches: m.watches.len(),
        }
    }
    fn metrics_offset(&self) -> usize {
        self.n * self.control_len
    }
    fn watch_offset(&self) -> usize {
        self.metrics_offset() + 4 * self.metric_len * self.n
    }
    fn size(&self) -> usize {
        self.watch_offset() + 4 * self.watches * self.n
    }
}

/// Bytes of the payload of a batch of `runs` runs of `m` (without its seal):
/// what a reader may check a batch file against before reading it.
pub fn batch_payload_len(m: &Model, runs: usize) -> usize {
    Layout::new(m, runs).size()
}

/// The theatre model's ensemble records over a bare `Model` (what the
/// theatre adapter's `ensemble_*` methods compute), for code without an
/// adapter.
pub struct Records<'a>(pub &'a Model);

impl crate::simulation::EnsembleRecords for Records<'_> {
    fn record(&self, seed: u64) -> Vec<u8> {
        encode_run(&summarise(self.0, seed))
    }
    fn batch(&self, runs: Vec<Vec<u8>>) -> Vec<u8> {
        encode_records(self.0, &runs)
    }
    fn batch_len(&self, runs: usize) -> usize {
        batch_payload_len(self.0, runs)
    }
}

/// Runs the missing batches of a job into `dir/.runs/` (see
/// [`crate::analyses::ensemble::run_batches`]). With `resume`, completed
/// batches of the same job are kept (a batch failing its seal is
/// recomputed, with a warning); without it, a directory holding another or
/// an unfinished job is refused.
pub fn run_batches(
    m: &Model,
    job: &JobId,
    runs: u64,
    base_seed: u64,
    dir: &Path,
    resume: bool,
    progress: Progress,
) -> Result<(), JobError> {
    crate::analyses::ensemble::run_batches(&Records(m), &JobDir::open(dir, job, resume)?, runs, base_seed, progress)
}

/// The aggregated results of an ensemble.
pub struct Aggregate {
    /// Tables to write.
    pub tables: Vec<Table>,
    /// Per watch: (name, runs in which it happened, quantiles 5/50/95 of its first day among those).
    pub watches: Vec<(String, u64, [Option<Day>; 3])>,
    /// Per force group: (id, mean, q05, q50, q95 personnel at the end).
    pub final_forces: Vec<(String, [f64; 4])>,
    /// Per actor: mean regions held at the end.
    pub final_regions: Vec<(String, f64)>,
    /// Runs in which each region had each controller, per snapshot:
    /// `[(snapshot · regions + region) · (actors + 1) + slot]`, slot 0 for
    /// nobody and 1 + a for actor a.
    pub control_counts: Vec<u32>,
    /// Number of runs.
    pub runs: u64,
}

/// A metric over time across the runs: mean and 5 % / 95 % quantiles per snapshot.
#[derive(Debug, Clone, PartialEq)]
pub struct Band {
    /// Mean per snapshot.
    pub mean: Vec<f64>,
    /// 5 % quantile per snapshot.
    pub q05: Vec<f64>,
    /// 95 % quantile per snapshot.
    pub q95: Vec<f64>,
}

impl Aggregate {
    /// The band of metric `name` (one of [`metric_names`]: `personnel:<force>`,
    /// `regions_held:<actor>`, `population_held:<actor>`), read from the
    /// `metrics` table's key columns; None if there is no such metric.
    pub fn band(&self, name: &str) -> Option<Band> {
        let (metric_name, key) = name.split_once(':')?;
        let t = self.tables.iter().find(|t| t.name == "metrics")?;
        let col = |c: &str| t.columns.iter().find(|(n, _)| n == c).map(|(_, col)| col);
        let (
            Some(Column::Str(metric)),
            Some(Column::OptStr(force)),
            Some(Column::Str(actor)),
            Some(Column::F64(mean)),
            Some(Column::F64(q05)),
            Some(Column::F64(q95)),
        ) = (col("metric"), col("force"), col("actor"), col("mean"), col("q05"), col("q95"))
        else {
            return None;
        };
        let is_key = |i: usize| match &force[i] {
            Some(f) => f == key,
            None => actor[i] == key,
        };
        let rows: Vec<usize> = (0..metric.len()).filter(|&i| metric[i] == metric_name && is_key(i)).collect();
        (!rows.is_empty()).then(|| Band {
            mean: rows.iter().map(|&i| mean[i]).collect(),
            q05: rows.iter().map(|&i| q05[i]).collect(),
            q95: rows.iter().map(|&i| q95[i]).collect(),
        })
    }

    /// `p[a][r]`: the share of runs in which actor a held region r at `snapshot`.
    pub fn control_probability(&self, m: &Model, snapshot: usize) -> Vec<Vec<f64>> {
        probability_from_counts(m, &self.control_counts, self.runs, snapshot)
    }
}

/// `p[a][r]` at snapshot `k` from counts laid out as
/// [`Aggregate::control_counts`] over `runs` runs.
pub fn probability_from_counts(m: &Model, counts: &[u32], runs: u64, k: usize) -> Vec<Vec<f64>> {
    let (nr, na) = (m.regions.len(), m.actors.len());
    (0..na)
        .map(|a| (0..nr).map(|r| f64::from(counts[(k * nr + r) * (na + 1) + 1 + a]) / runs.max(1) as f64).collect())
        .collect()
}

/// Reads every batch, in run order, and builds the tables. Every batch is
/// checked against its seal and the job recorded in `dir/.runs/job.json`
/// first: a missing or unsound one is a [`JobError::Corrupt`] (nothing here
/// can recompute it), never a silently wrong table.
pub fn aggregate(m: &Model, runs: u64, base_seed: u64, dir: &Path) -> Result<Aggregate, JobError> {
    let jd = JobDir::existing(dir)?;
    aggregate_batches(m, &crate::analyses::ensemble::sealed(&Records(m), &jd, runs)?, runs, base_seed)
}

/// [`aggregate`] from batches already checked against their seals and
/// lengths (see [`crate::simulation::Batches`]).
pub fn aggregate_batches(m: &Model, sealed: &dyn Batches, runs: u64, base_seed: u64) -> Result<Aggregate, JobError> {
    let (nr, na) = (m.regions.len(), m.actors.len());
    let snaps = m.ticks as usize + 1;
    let batches = sealed.count();
    // Runs in batch b, computed rather than tabulated: `runs` comes from a
    // manifest, and nothing sized by it is allocated before every batch it
    // claims has been found sound.
    let size = |b: u64| sealed.runs_in(b);
    // Sound batches were written by this code for this job, but a value out
    // of range must still give an error rather than an index out of bounds.
    let corrupt = |path: &Path, what: &str| {
        JobError::Corrupt(path.to_path_buf(), format!("holds {what} (it was not written for this scenario)"))
    };
    // Control counts and watches, one pass.
    let mut counts = vec![0u32; snaps * nr * (na + 1)];
    let mut watch_first: Vec<Vec<i32>> = vec![Vec::with_capacity(runs as usize); m.watches.len()];
    let mut final_control: Vec<i8> = Vec::with_capacity(runs as usize * nr);
    for b in 0..batches {
        let l = Layout::new(m, size(b));
        let path = sealed.path(b);
        let control = sealed.read(b, 0, l.metrics_offset())?;
        for run in control.chunks(l.control_len) {
            for (k, c) in run.iter().enumerate() {
                let a = (*c as i8) as i32;
                if a < -1 || a >= na as i32 {
                    return Err(corrupt(&path, &format!("a controller {a} where there are {na} actors")));
                }
                counts[k * (na + 1) + (a + 1) as usize] += 1;
            }
            final_control.extend(run[(snaps - 1) * nr..].iter().map(|&c| c as i8));
        }
        let w = sealed.read(b, l.watch_offset(), 4 * l.watches * l.n)?;
        for (j, chunk) in w.chunks(4).enumerate() {
            let v = i32::from_le_bytes([chunk[0], chunk[1], chunk[2], chunk[3]]);
            if v < -1 || v >= snaps as i32 {
                return Err(corrupt(&path, &format!("a first snapshot {v} where there are {snaps}")));
            }
            watch_first[j % l.watches.max(1)].push(v);
        }
    }
    let n = runs as f64;
    // control_probability: every date × region × controller (each actor and
    // "nobody", null), zeros included, so that a region's series starts at
    // the start and a mean over dates is the mean of the probability.
    let (mut cp_date, mut cp_region, mut cp_controller, mut cp_probability) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for k in 0..snaps {
        for r in 0..nr {
            for a in 0..=na {
                let c = counts[(k * nr + r) * (na + 1) + a];
                cp_date.push(m.day_of_tick(k as u32));
                cp_region.push(m.regions[r].id.clone());
                cp_controller.push((a > 0).then(|| m.actors[a - 1].id.clone()));
                cp_probability.push(f64::from(c) / n);
            }
        }
    }
    let control_table = Table::new("control_probability")
        .with("date", Column::Date(cp_date))
        .with("region", Column::Str(cp_region))
        .with("controller", Column::OptStr(cp_controller))
        .with("probability", Column::F64(cp_probability));
    // Metrics: one metric at a time, gathering its values across runs.
    let (mut mt_date, mut mt_metric, mut mt_force, mut mt_actor) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let (mut mt_mean, mut mt_q05, mut mt_q50, mut mt_q95) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let keys = metric_keys(m);
    let mut final_metric: Vec<[f64; 4]> = Vec::new();
    for (j, key) in keys.iter().enumerate() {
        let mut values: Vec<Vec<f64>> = vec![Vec::with_capacity(runs as usize); snaps];
        for b in 0..batches {
            let l = Layout::new(m, size(b));
            let bytes = sealed.read(b, l.metrics_offset() + 4 * j * snaps * l.n, 4 * snaps * l.n)?;
            for (idx, chunk) in bytes.chunks(4).enumerate() {
                values[idx / l.n].push(f64::from(f32::from_le_bytes([chunk[0], chunk[1], chunk[2], chunk[3]])));
            }
        }
        for (k, v) in values.iter_mut().enumerate() {
            let avg = mean(v);
            v.sort_by(f64::total_cmp);
            let q = [quantile_sorted(v, 0.05), quantile_sorted(v, 0.5), quantile_sorted(v, 0.95)];
            mt_date.push(m.day_of_tick(k as u32));
            mt_metric.push(key.metric.to_string());
            mt_force.push(key.force.clone());
            mt_actor.push(key.actor.clone());
            mt_mean.push(avg);
            mt_q05.push(q[0]);
            mt_q50.push(q[1]);
            mt_q95.push(q[2]);
            if k == snaps - 1 {
                final_metric.push([avg, q[0], q[1], q[2]]);
            }
        }
    }
    let metrics_table = Table::new("metrics")
        .with("date", Column::Date(mt_date))
        .with("metric", Column::Str(mt_metric))
        .with("force", Column::OptStr(mt_force))
        .with("actor", Column::Str(mt_actor))
        .with("mean", Column::F64(mt_mean))
        .with("q05", Column::F64(mt_q05))
        .with("q50", Column::F64(mt_q50))
        .with("q95", Column::F64(mt_q95));
    // First dates of watched events.
    let (mut ev_watch, mut ev_date, mut ev_runs, mut ev_probability, mut ev_cumulative) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut watches = Vec::new();
    for (w, watch) in m.watches.iter().enumerate() {
        let mut per_tick = vec![0u64; snaps];
        let mut never = 0u64;
        for &t in &watch_first[w] {
            if t >= 0 {
                per_tick[t as usize] += 1;
            } else {
                never += 1;
            }
        }
        let mut cum = 0u64;
        for (k, &c) in per_tick.iter().enumerate() {
            if c == 0 {
                continue;
            }
            cum += c;
            ev_watch.push(watch.name.clone());
            ev_date.push(Some(m.day_of_tick(k as u32)));
            ev_runs.push(c as i64);
            ev_probability.push(c as f64 / n);
            ev_cumulative.push(cum as f64 / n);
        }
        if never > 0 {
            ev_watch.push(watch.name.clone());
            ev_date.push(None);
            ev_runs.push(never as i64);
            ev_probability.push(never as f64 / n);
            ev_cumulative.push(f64::NAN);
        }
        let mut happened: Vec<f64> = watch_first[w].iter().filter(|&&t| t >= 0).map(|&t| t as f64).collect();
        happened.sort_by(f64::total_cmp);
        let q = |p: f64| (!happened.is_empty()).then(|| m.day_of_tick(quantile_sorted(&happened, p).round() as u32));
        watches.push((watch.name.clone(), happened.len() as u64, [q(0.05), q(0.5), q(0.95)]));
    }
    let events_table = Table::new("event_first_dates")
        .with("watch", Column::Str(ev_watch))
        .with("date", Column::OptDate(ev_date))
        .with("runs", Column::I64(ev_runs))
        .with("probability", Column::F64(ev_probability))
        .with("cumulative_probability", Column::F64(ev_cumulative));
    // Per-run table.
    let mut runs_table = Table::new("runs")
        .with("run", Column::I64((0..runs as i64).collect()))
        .with("seed", Column::Str((0..runs).map(|i| run_seed(base_seed, i).to_string()).collect()));
    for (w, watch) in m.watches.iter().enumerate() {
        runs_table = runs_table.with(
            format!("first_{}", watch.name),
            Column::OptDate(watch_first[w].iter().map(|&t| (t >= 0).then(|| m.day_of_tick(t as u32))).collect()),
        );
    }
    for (a, actor) in m.actors.iter().enumerate() {
        let held: Vec<i64> =
            final_control.chunks(nr).map(|c| c.iter().filter(|&&x| x as i32 == a as i32).count() as i64).collect();
        runs_table = runs_table.with(format!("final_regions_{}", actor.id), Column::I64(held));
    }
    let nf = m.forces.len();
    let final_forces = m.forces.iter().enumerate().map(|(f, force)| (force.id.clone(), final_metric[f])).collect();
    let final_regions =
        m.actors.iter().enumerate().map(|(a, actor)| (actor.id.clone(), final_metric[nf + a][0])).collect();
    Ok(Aggregate {
        control_counts: counts,
        runs,
        tables: vec![control_table, metrics_table, events_table, runs_table],
        watches,
        final_forces,
        final_regions,
    })
}

/// The first snapshot at which each watch held, per watch and run in run
/// order (-1: never), from an ensemble's sealed batches.
pub fn watch_firsts(m: &Model, sealed: &dyn Batches) -> Result<Vec<Vec<i32>>, JobError> {
    let snaps = m.ticks as usize + 1;
    let mut out: Vec<Vec<i32>> = vec![Vec::new(); m.watches.len()];
    for b in 0..sealed.count() {
        let l = Layout::new(m, sealed.runs_in(b));
        let w = sealed.read(b, l.watch_offset(), 4 * l.watches * l.n)?;
        for (j, chunk) in w.chunks(4).enumerate() {
            let v = i32::from_le_bytes([chunk[0], chunk[1], chunk[2], chunk[3]]);
            if v < -1 || v >= snaps as i32 {
                return Err(JobError::Corrupt(
                    sealed.path(b),
                    format!(
                        "holds a first snapshot {v} where there are {snaps} (it was not written for this scenario)"
                    ),
                ));
            }
            out[j % l.watches.max(1)].push(v);
        }
    }
    Ok(out)
}

/// Key quantities of each run of an ensemble, from its sealed batches:
/// whether each watch happened (1 or 0, named `watch:<name>`), then each
/// metric at the end (see [`metric_names`], named `<metric> at end`), one
/// value per run in run order.
pub fn final_quantities(m: &Model, sealed: &dyn Batches) -> Result<Vec<(String, Vec<f64>)>, JobError> {
    let snaps = m.ticks as usize + 1;
    let names = metric_names(m);
    let mut out: Vec<(String, Vec<f64>)> =
        m.watches.iter().map(|w| (format!("watch:{}", w.name), Vec::new())).collect();
    out.extend(names.iter().map(|n| (format!("{n} at end"), Vec::new())));
    for b in 0..sealed.count() {
        let l = Layout::new(m, sealed.runs_in(b));
        let w = sealed.read(b, l.watch_offset(), 4 * l.watches * l.n)?;
        for (j, chunk) in w.chunks(4).enumerate() {
            let v = i32::from_le_bytes([chunk[0], chunk[1], chunk[2], chunk[3]]);
            out[j % l.watches.max(1)].1.push(f64::from(u8::from(v >= 0)));
        }
        for j in 0..names.len() {
            let at = l.metrics_offset() + 4 * (j * snaps + (snaps - 1)) * l.n;
            let bytes = sealed.read(b, at, 4 * l.n)?;
            for chunk in bytes.chunks(4) {
                out[l.watches + j].1.push(f64::from(f32::from_le_bytes([chunk[0], chunk[1], chunk[2], chunk[3]])));
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regression_random_bytes_in_an_ensemble_batch_are_refused_by_aggregate_and_recomputed_by_resume() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/vicious-circle.toml");
        let Ok(l) = frontline_scenario::load(Path::new(path), &Default::default()) else { panic!("the example loads") };
        let m = &l.model;
        let dir = std::env::temp_dir().join(format!("frontline-ens-damage-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let job = job_id("t", &[], &[], 3, 20);
        run_batches(m, &job, 20, 3, &dir, false, &|_| {}).unwrap();
        // Debug text, not ==: the tables hold NaN.
        let whole = format!("{:?}", aggregate(m, 20, 3, &dir).unwrap().tables);
        // Random bytes of the right length: before the seal, an index out of
        // bounds (a panic) or wrong tables.
        let batch = dir.join(".runs").join("batch-000000.bin");
        let n = std::fs::metadata(&batch).unwrap().len() as usize;
        std::fs::write(&batch, (0..n).map(|i| (i * 7919 % 251) as u8).collect::<Vec<_>>()).unwrap();
        let e = aggregate(m, 20, 3, &dir).err().expect("a damaged batch is refused");
        assert!(matches!(e, JobError::Corrupt(..)) && e.to_string().contains("batch-000000.bin"), "{e}");
        run_batches(m, &job, 20, 3, &dir, true, &|_| {}).unwrap();
        assert!(format!("{:?}", aggregate(m, 20, 3, &dir).unwrap().tables) == whole, "resumed tables differ");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
