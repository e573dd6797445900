//! Epstein's civil violence model (crate `frontline-civil`) behind the
//! [`Simulation`] interface.
//!
//! A run's tables are `counts` (one row per step) and, when
//! `output.snapshot_every > 0`, `snapshots` of the grid. An ensemble record
//! is a run's citizens and its counts at every step; the ensemble tables
//! are `counts_summary` (mean and 5/50/95 % quantiles per step of the
//! active, jailed and quiet fractions and of arrests) and `runs`. The
//! per-run statistics ([`STATISTICS`]) are those of the Mesa parity check.
//! The model declares no uncertain parameters: sweeps and sensitivity
//! analyses vary the parameters that `--range NAME=LOW:HIGH` names. It has
//! no regions, hence no maps, and no territory capability.

use frontline_analysis::checkpoint::JobError;
use frontline_analysis::simulation::{
    Batches, EnsembleOutput, Measure, RunOutput, Simulation, Source, Uncertain, Views,
};
use frontline_analysis::stats::{mean, quantile_sorted, run_seed};
use frontline_civil::model::Counts;
use frontline_civil::params::MODEL_NAME;
use frontline_output::{Column, Command, Manifest, Table};
use frontline_scenario::{LoadError, Overrides};
use std::fmt::Write;
use std::path::{Path, PathBuf};

/// The registry entry of the civil violence model.
pub const ENTRY: crate::Entry = crate::Entry {
    name: MODEL_NAME,
    about: "Epstein's (2002) civil violence: citizens, cops and legitimacy on a grid",
    selects: frontline_civil::params::file_selects_model,
    load: |path, overrides| Ok(Box::new(Civil::load(path, overrides)?)),
    schema: frontline_civil::schema,
};

/// Steps discarded before the "after 50" statistics: Mesa's parity test
/// (docs/civil-violence.md) compares the model after this burn-in, when the
/// initial transient of the grid has passed.
pub const BURN_IN_STEPS: u32 = 50;

/// The per-run statistics, as fractions of the run's citizens: mean active
/// and mean jailed after [`BURN_IN_STEPS`], peak active, arrests per citizen.
pub const STATISTICS: [&str; 4] =
    ["mean_active_after_50", "mean_jailed_after_50", "peak_active", "arrests_per_citizen"];

/// A loaded civil-violence scenario.
pub struct Civil {
    loaded: frontline_civil::Loaded,
    source: Source,
    overrides: Overrides,
}

impl Civil {
    /// Loads and validates a civil-violence scenario with its overlays.
    pub fn load(path: &Path, overrides: &Overrides) -> Result<Civil, Box<LoadError>> {
        let loaded = frontline_civil::load_with_variants(path, &overrides.variants, &overrides.sets)?;
        let source = Source {
            path: path.to_path_buf(),
            scenario_hash: loaded.scenario_hash.clone(),
            variants: loaded.variants.clone(),
            sets: overrides.sets.clone(),
        };
        Ok(Civil { loaded, source, overrides: overrides.clone() })
    }

    /// The decoded scenario.
    pub fn scenario(&self) -> &frontline_civil::Scenario {
        &self.loaded.scenario
    }

    fn simulate(&self, seed: u64, snapshot_every: u32) -> frontline_civil::Trajectory {
        let sc = &self.loaded.scenario;
        frontline_civil::simulate(&sc.params, seed, sc.steps, snapshot_every)
    }

    fn steps(&self) -> usize {
        self.loaded.scenario.steps as usize + 1
    }

    /// Bytes of one run's ensemble record: its citizens, then four counters per step.
    fn record_len(&self) -> usize {
        4 * (1 + 4 * self.steps())
    }
}

/// The per-run statistics ([`STATISTICS`]) of a run's counts.
pub fn run_statistics(counts: &[Counts], citizens: usize) -> [f64; 4] {
    let n = citizens.max(1) as f64;
    let tail =
        |f: fn(&Counts) -> f64| mean(&counts.iter().filter(|c| c.step > BURN_IN_STEPS).map(f).collect::<Vec<_>>()) / n;
    [
        tail(|c| c.active as f64),
        tail(|c| c.jailed as f64),
        counts.iter().map(|c| c.active as f64).fold(0.0, f64::max) / n,
        counts.iter().map(|c| c.arrests as f64).sum::<f64>() / n,
    ]
}

/// The run summary printed by `frontline run`.
fn run_summary(sc: &frontline_civil::Scenario, seed: u64, t: &frontline_civil::Trajectory, secs: f64) -> String {
    let mut o = String::new();
    let c = &t.counts;
    let last = c.last().copied().unwrap_or_default();
    let peak = c.iter().max_by_key(|x| (x.active, std::cmp::Reverse(x.step))).copied().unwrap_or_default();
    let arrests: u64 = c.iter().map(|x| x.arrests as u64).sum();
    let n = t.citizens.max(1) as f64;
    let p = &sc.params;
    let _ = writeln!(o, "{} — civil violence, {}×{}, seed {seed}, {} steps", sc.name, p.width, p.height, sc.steps);
    let _ = writeln!(o, "  agents: {} citizens, {} cops", t.citizens, t.agents - t.citizens);
    let _ = writeln!(
        o,
        "  final (step {}): {} active ({:.1}%), {} quiet, {} jailed",
        last.step,
        last.active,
        100.0 * last.active as f64 / n,
        last.quiet,
        last.jailed
    );
    let _ = writeln!(
        o,
        "  peak active: {} ({:.1}%) at step {}; arrests: {arrests}",
        peak.active,
        100.0 * peak.active as f64 / n,
        peak.step
    );
    let rate = if secs > 0.0 { t.agents as f64 * sc.steps as f64 / secs } else { f64::INFINITY };
    let _ = writeln!(o, "  simulated in {secs:.3} s ({rate:.3e} agent-steps/s)");
    o
}

/// A `--range NAME=LOW:HIGH`; written with integers (30:1000) it takes
/// integer values, as `max_jail_term` needs.
fn parse_range(r: &str) -> Result<(String, f64, f64, bool), String> {
    let bad = || format!("`--range {r}`: expected NAME=LOW:HIGH with LOW ≤ HIGH, e.g. legitimacy=0.6:0.9");
    let (name, v) = r.split_once('=').ok_or_else(bad)?;
    let (a, b) = v.split_once(':').ok_or_else(bad)?;
    let (a, b) = (a.trim(), b.trim());
    match (a.parse::<f64>(), b.parse::<f64>()) {
        (Ok(low), Ok(high)) if low <= high => {
            Ok((name.trim().to_string(), low, high, a.parse::<i64>().is_ok() && b.parse::<i64>().is_ok()))
        }
        _ => Err(bad()),
    }
}

/// The four statistics of the runs selected by name.
struct Statistics<'a> {
    civil: &'a Civil,
    names: Vec<String>,
    which: Vec<usize>,
}

impl Measure for Statistics<'_> {
    fn names(&self) -> &[String] {
        &self.names
    }
    fn is_condition(&self, _: usize) -> bool {
        false
    }
    fn measure(&self, seed: u64) -> Vec<f64> {
        let t = self.civil.simulate(seed, 0);
        let all = run_statistics(&t.counts, t.citizens);
        self.which.iter().map(|&k| all[k]).collect()
    }
}

/// A run's ensemble record, decoded.
struct Record {
    citizens: usize,
    counts: Vec<Counts>,
}

fn decode_record(bytes: &[u8], steps: usize) -> Record {
    let word = |i: usize| u32::from_le_bytes(bytes[4 * i..4 * i + 4].try_into().expect("4 bytes"));
    let counts = (0..steps)
        .map(|k| Counts {
            step: k as u32,
            active: word(1 + 4 * k),
            quiet: word(2 + 4 * k),
            jailed: word(3 + 4 * k),
            arrests: word(4 + 4 * k),
        })
        .collect();
    Record { citizens: word(0) as usize, counts }
}

impl Simulation for Civil {
    fn model(&self) -> &'static str {
        MODEL_NAME
    }
    fn name(&self) -> &str {
        &self.loaded.scenario.name
    }
    fn source(&self) -> &Source {
        &self.source
    }
    fn default_seed(&self) -> u64 {
        self.loaded.scenario.seed
    }
    fn manifest(&self, command: Command) -> Manifest {
        frontline_civil::manifest(command, &self.loaded, &self.source.display(), &self.source.sets)
    }

    fn describe(&self) -> String {
        let (sc, p) = (&self.loaded.scenario, &self.loaded.scenario.params);
        format!("civil-violence model, {}×{} grid, {} steps", p.width, p.height, sc.steps)
    }

    fn check_views(&self, views: &Views) -> Result<(), String> {
        if !views.map_dates.is_empty() {
            return Err("civil-violence models have no regions to map; drop --map-date".into());
        }
        Ok(())
    }

    fn run(&self, seed: u64, _views: &Views) -> Result<RunOutput, String> {
        let sc = &self.loaded.scenario;
        let started = std::time::Instant::now();
        let traj = self.simulate(seed, sc.snapshot_every);
        let secs = started.elapsed().as_secs_f64();
        let mut tables = vec![frontline_civil::counts_table(&traj)];
        if sc.snapshot_every > 0 {
            tables.push(frontline_civil::snapshots_table(&traj, sc.params.width));
        }
        let mut manifest = self.manifest(Command::Run);
        manifest.seed = Some(seed);
        manifest.detail("snapshot_every", sc.snapshot_every);
        manifest.detail("agents", traj.agents);
        manifest.detail("citizens", traj.citizens);
        let files = vec![crate::view_file(&frontline_viewer::dataset::civil_run(&self.loaded, &traj))];
        Ok(RunOutput { tables, files, manifest, summary: run_summary(sc, seed, &traj, secs) })
    }

    fn ensemble_run(&self, seed: u64) -> Vec<u8> {
        let t = self.simulate(seed, 0);
        let mut out = Vec::with_capacity(self.record_len());
        out.extend_from_slice(&(t.citizens as u32).to_le_bytes());
        for c in &t.counts {
            for x in [c.active, c.quiet, c.jailed, c.arrests] {
                out.extend_from_slice(&x.to_le_bytes());
            }
        }
        out
    }
    fn ensemble_batch_len(&self, runs: usize) -> usize {
        runs * self.record_len()
    }
    fn ensemble_aggregate(
        &self,
        batches: &dyn Batches,
        runs: u64,
        base_seed: u64,
        _views: &Views,
    ) -> Result<EnsembleOutput, JobError> {
        let (steps, len) = (self.steps(), self.record_len());
        // Four counters per step and run: the runs are held in memory, as
        // the quantiles need every run's value at each step.
        let mut all: Vec<Record> = Vec::with_capacity(runs as usize);
        for b in 0..batches.count() {
            let n = batches.runs_in(b);
            let bytes = batches.read(b, 0, n * len)?;
            all.extend(bytes.chunks_exact(len).map(|r| decode_record(r, steps)));
        }
        let (mut step, mut metric, mut means, mut q05, mut q50, mut q95) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
        type Get = fn(&Counts) -> f64;
        let metrics: [(&str, Get); 4] = [
            ("active_fraction", |c| c.active as f64),
            ("jailed_fraction", |c| c.jailed as f64),
            ("quiet_fraction", |c| c.quiet as f64),
            ("arrests", |c| c.arrests as f64),
        ];
        for k in 0..steps {
            for (name, get) in metrics {
                // Fractions are of each run's own citizens (their number varies with the seed).
                let scale = |n: usize| if name == "arrests" { 1.0 } else { n.max(1) as f64 };
                let mut v: Vec<f64> = all.iter().map(|r| get(&r.counts[k]) / scale(r.citizens)).collect();
                let m = mean(&v);
                v.sort_by(f64::total_cmp);
                step.push(k as i64);
                metric.push(name.to_string());
                means.push(m);
                q05.push(quantile_sorted(&v, 0.05));
                q50.push(quantile_sorted(&v, 0.5));
                q95.push(quantile_sorted(&v, 0.95));
            }
        }
        let summary_table = Table::new("counts_summary")
            .with("step", Column::I64(step))
            .with("metric", Column::Str(metric))
            .with("mean", Column::F64(means))
            .with("q05", Column::F64(q05))
            .with("q50", Column::F64(q50))
            .with("q95", Column::F64(q95));
        let stats: Vec<[f64; 4]> = all.iter().map(|r| run_statistics(&r.counts, r.citizens)).collect();
        let per_run = Table::new("runs")
            .with("run", Column::I64((0..runs as i64).collect()))
            .with("seed", Column::Str((0..runs).map(|i| run_seed(base_seed, i).to_string()).collect()))
            .with("mean_active_after_50", Column::F64(stats.iter().map(|x| x[0]).collect()))
            .with("mean_jailed_after_50", Column::F64(stats.iter().map(|x| x[1]).collect()))
            .with("peak_active", Column::F64(stats.iter().map(|x| x[2]).collect()))
            .with(
                "total_arrests",
                Column::I64(all.iter().map(|r| r.counts.iter().map(|x| i64::from(x.arrests)).sum()).collect()),
            );
        let active: Vec<f64> = stats.iter().map(|x| x[0]).collect();
        let mut sorted = active.clone();
        sorted.sort_by(f64::total_cmp);
        let summary = format!(
            "  {} steps; mean active fraction after step {BURN_IN_STEPS}: {:.4}  [5 %: {:.4}, 95 %: {:.4}]\n",
            self.loaded.scenario.steps,
            mean(&active),
            quantile_sorted(&sorted, 0.05),
            quantile_sorted(&sorted, 0.95)
        );
        let files = vec![crate::view_file(&frontline_viewer::dataset::civil_ensemble(&self.loaded, &summary_table))];
        Ok(EnsembleOutput { tables: vec![summary_table, per_run], files, summary })
    }

    fn measure<'a>(&'a self, outcomes: &[String]) -> Result<Box<dyn Measure + 'a>, String> {
        let names: Vec<String> =
            if outcomes.is_empty() { STATISTICS.iter().map(|s| s.to_string()).collect() } else { outcomes.to_vec() };
        let which = names
            .iter()
            .map(|n| {
                STATISTICS.iter().position(|s| s == n).ok_or_else(|| {
                    format!("unknown civil-violence outcome `{n}`; use one of {}", STATISTICS.join(", "))
                })
            })
            .collect::<Result<_, _>>()?;
        Ok(Box::new(Statistics { civil: self, names, which }))
    }

    fn uncertain(&self, ranges: &[String]) -> Result<Vec<Uncertain>, String> {
        if ranges.is_empty() {
            return Err(
                "a civil-violence sweep or sensitivity needs at least one --range NAME=LOW:HIGH, e.g. --range legitimacy=0.6:0.9"
                    .into(),
            );
        }
        let mut out = Vec::new();
        for r in ranges {
            let (name, low, high, integer) = parse_range(r)?;
            // Both ends must make a valid scenario, so no point fails mid-job.
            for end in [low, high] {
                self.with_parameters(&[(name.clone(), end)])?;
            }
            let value = self.loaded.scenario.params.to_json().get(&name).and_then(|v| v.as_f64()).unwrap_or(low);
            out.push(Uncertain::new(name, value, low, high, move |u| {
                let x = low + u * (high - low);
                if integer { x.round() } else { x }
            }));
        }
        Ok(out)
    }

    fn with_parameters(&self, values: &[(String, f64)]) -> Result<Box<dyn Simulation>, String> {
        let mut overrides = self.overrides.clone();
        // A rounded value prints without a decimal point, so integer
        // parameters (max_jail_term) receive an integer.
        overrides.sets.extend(values.iter().map(|(id, v)| format!("parameters.{id}={v}")));
        let sim = Civil::load(&self.source.path, &overrides).map_err(|e| e.render(false))?;
        // The point's manifest and job identity are the base scenario's.
        Ok(Box::new(Civil { source: self.source.clone(), ..sim }))
    }

    fn with_variant(&self, variant: &Path) -> Result<Box<dyn Simulation>, Box<LoadError>> {
        let mut overrides = self.overrides.clone();
        overrides.variants.push(PathBuf::from(variant));
        Ok(Box::new(Civil::load(&self.source.path, &overrides)?))
    }
}
