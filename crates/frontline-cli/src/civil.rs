//! `frontline run` for scenario files with `model = "civil-violence"`
//! (Epstein's civil violence model, crate `frontline-civil`). Same options,
//! exit codes and output machinery as the theatre model: a `counts` table
//! (+ `snapshots` when `output.snapshot_every > 0`) and manifest.json.

use crate::ScenarioArgs;
use frontline_output::{Command, Format, Manifest};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// True if the scenario file selects the civil-violence model.
pub fn is_civil(path: &Path) -> bool {
    frontline_civil::params::file_selects_model(path)
}

/// Validates a civil-violence scenario (with variants and `--set`).
pub fn validate(args: &ScenarioArgs) -> ExitCode {
    match load(args, &args.sets) {
        Ok(l) => {
            let p = &l.scenario.params;
            println!(
                "{}: valid — civil-violence model, {}×{} grid, {} steps",
                args.scenario.display(),
                p.width,
                p.height,
                l.scenario.steps
            );
            ExitCode::SUCCESS
        }
        Err(code) => code,
    }
}

/// Loads the scenario with the command's variants and the given `--set`
/// overrides, printing every problem (exit code 2) if it is invalid.
fn load(args: &ScenarioArgs, sets: &[String]) -> Result<frontline_civil::Loaded, ExitCode> {
    frontline_civil::load_with_variants(&args.scenario, &args.variants, sets).map_err(|e| {
        eprint!("{}", e.render(std::io::stderr().is_terminal()));
        ExitCode::from(2)
    })
}

/// Civil-violence jobs keep no checkpoints (they run in seconds), so
/// `--resume` and the hooks that interrupt a job after K batches are refused
/// rather than silently ignored.
fn refuse_resume(resume: bool, interrupt: &crate::InterruptArgs) -> Result<(), ExitCode> {
    if resume {
        return Err(crate::analyses::fail(
            "civil-violence jobs keep no checkpoints, so --resume does not apply; rerun the job",
            2,
        ));
    }
    if interrupt.interruption().is_some() {
        return Err(crate::analyses::fail(
            "civil-violence jobs keep no checkpoints, so --stop-after-batches and --hold-after-batches do not apply",
            2,
        ));
    }
    Ok(())
}

/// The fields every civil-violence manifest carries.
fn manifest(command: Command, l: &frontline_civil::Loaded, args: &ScenarioArgs) -> Manifest {
    frontline_civil::manifest(command, l, &args.scenario.display().to_string(), &args.sets)
}

/// Writes the tables, the report (if any) and the manifest into the output
/// folder `dir` (locked, replacing what a previous job left there); returns
/// the names of the files written.
fn write_all(
    dir: &Path,
    tables: &[frontline_output::Table],
    format: Format,
    manifest: Manifest,
    report_html: Option<&str>,
) -> Result<Vec<String>, ExitCode> {
    let mut folder = crate::analyses::open_out(dir, frontline_output::Checkpoints::None)?;
    let mut written = crate::analyses::write_tables(folder.staging(), tables, format)?;
    let mut manifest = manifest;
    manifest.tables = written.clone();
    if let Some(html) = report_html {
        written.extend(crate::analyses::write_report(folder.staging(), html, &[])?);
    }
    folder.commit(&manifest).map_err(|e| crate::analyses::fail(e, 1))?;
    Ok(written)
}

/// Runs a civil-violence scenario: prints a summary, writes the tables.
pub fn run(args: &ScenarioArgs, seed: Option<u64>, out: Option<PathBuf>, format: &str, quiet: bool) -> ExitCode {
    let loaded = match load(args, &args.sets) {
        Ok(l) => l,
        Err(code) => return code,
    };
    let format: Format = format.parse().expect("clap restricts the values");
    let sc = &loaded.scenario;
    let seed = seed.unwrap_or(sc.seed);
    let t0 = std::time::Instant::now();
    let traj = frontline_civil::simulate(&sc.params, seed, sc.steps, sc.snapshot_every);
    let secs = t0.elapsed().as_secs_f64();
    let dir = out.unwrap_or_else(|| crate::default_out(&args.scenario, "run"));
    let mut tables = vec![frontline_civil::counts_table(&traj)];
    if sc.snapshot_every > 0 {
        tables.push(frontline_civil::snapshots_table(&traj, sc.params.width));
    }
    let mut manifest = manifest(Command::Run, &loaded, args);
    manifest.seed = Some(seed);
    manifest.detail("snapshot_every", sc.snapshot_every);
    manifest.detail("agents", traj.agents);
    manifest.detail("citizens", traj.citizens);
    manifest.format = Some(format.extension().to_string());
    let written = match write_all(&dir, &tables, format, manifest, None) {
        Ok(w) => w,
        Err(code) => return code,
    };
    if !quiet {
        let c = &traj.counts;
        let last = c.last().copied().unwrap_or_default();
        let peak = c.iter().max_by_key(|x| (x.active, std::cmp::Reverse(x.step))).copied().unwrap_or_default();
        let arrests: u64 = c.iter().map(|x| x.arrests as u64).sum();
        let n = traj.citizens.max(1) as f64;
        println!(
            "{} — civil violence, {}×{}, seed {seed}, {} steps",
            sc.name, sc.params.width, sc.params.height, sc.steps
        );
        println!("  agents: {} citizens, {} cops", traj.citizens, traj.agents - traj.citizens);
        println!(
            "  final (step {}): {} active ({:.1}%), {} quiet, {} jailed",
            last.step,
            last.active,
            100.0 * last.active as f64 / n,
            last.quiet,
            last.jailed
        );
        println!(
            "  peak active: {} ({:.1}%) at step {}; arrests: {arrests}",
            peak.active,
            100.0 * peak.active as f64 / n,
            peak.step
        );
        let rate = if secs > 0.0 { traj.agents as f64 * sc.steps as f64 / secs } else { f64::INFINITY };
        println!("  simulated in {secs:.3} s ({rate:.3e} agent-steps/s)");
        println!("\nWrote {} tables and manifest.json to {}", written.len(), dir.display());
    }
    ExitCode::SUCCESS
}

/// `frontline ensemble` for the civil-violence model: N runs in parallel
/// (run i uses seed splitmix64(base, i), so the result does not depend on the
/// thread count), summarised per step as the mean and 5/50/95 % quantiles of
/// the active, jailed and quiet fractions and of arrests, plus one row per
/// run with the statistics of the parity check. Runs are held in memory
/// (four counters per step), so this command has no --resume.
pub fn ensemble(args: &ScenarioArgs, runs: u64, job: crate::JobArgs) -> ExitCode {
    let crate::JobArgs { seed, out, threads, format, quiet, resume, interrupt } = job;
    if let Err(code) = refuse_resume(resume, &interrupt) {
        return code;
    }
    let format: Format = format.parse().expect("clap restricts the values");
    use frontline_analysis::stats::{mean, quantile_sorted, run_seed};
    use frontline_output::{Column, Table};
    use rayon::prelude::*;
    if runs == 0 {
        return crate::analyses::fail("--runs must be at least 1", 2);
    }
    let loaded = match load(args, &args.sets) {
        Ok(l) => l,
        Err(code) => return code,
    };
    let sc = &loaded.scenario;
    let base = seed.unwrap_or(sc.seed);
    let pool = match crate::analyses::thread_pool(threads) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let bar = crate::analyses::progress_bar(runs, "runs");
    let all: Vec<(Vec<frontline_civil::model::Counts>, usize)> = pool.install(|| {
        (0..runs)
            .into_par_iter()
            .map(|i| {
                let t = frontline_civil::simulate(&sc.params, run_seed(base, i), sc.steps, 0);
                bar.inc(1);
                (t.counts, t.citizens)
            })
            .collect()
    });
    bar.finish_and_clear();
    let steps = sc.steps as usize + 1;
    let (mut step, mut metric, mut means, mut q05, mut q50, mut q95) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for k in 0..steps {
        for (name, get) in [
            (
                "active_fraction",
                (|c: &frontline_civil::model::Counts| c.active as f64) as fn(&frontline_civil::model::Counts) -> f64,
            ),
            ("jailed_fraction", |c| c.jailed as f64),
            ("quiet_fraction", |c| c.quiet as f64),
            ("arrests", |c| c.arrests as f64),
        ] {
            // Fractions are of each run's own citizens (their number varies with the seed).
            let scale = |n: usize| if name == "arrests" { 1.0 } else { n.max(1) as f64 };
            let mut v: Vec<f64> = all.iter().filter_map(|(c, n)| c.get(k).map(|x| get(x) / scale(*n))).collect();
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
    let summary = Table::new("counts_summary")
        .with("step", Column::I64(step))
        .with("metric", Column::Str(metric))
        .with("mean", Column::F64(means))
        .with("q05", Column::F64(q05))
        .with("q50", Column::F64(q50))
        .with("q95", Column::F64(q95));
    let stats: Vec<[f64; 4]> = all.iter().map(|(c, n)| run_stats(c, *n)).collect();
    let per_run = Table::new("runs")
        .with("run", Column::I64((0..runs as i64).collect()))
        .with("seed", Column::Str((0..runs).map(|i| run_seed(base, i).to_string()).collect()))
        .with("mean_active_after_50", Column::F64(stats.iter().map(|x| x[0]).collect()))
        .with("mean_jailed_after_50", Column::F64(stats.iter().map(|x| x[1]).collect()))
        .with("peak_active", Column::F64(stats.iter().map(|x| x[2]).collect()))
        .with(
            "total_arrests",
            Column::I64(all.iter().map(|(c, _)| c.iter().map(|x| i64::from(x.arrests)).sum()).collect()),
        );
    let dir = out.unwrap_or_else(|| crate::default_out(&args.scenario, "ensemble"));
    let mut manifest = manifest(Command::Ensemble, &loaded, args);
    manifest.base_seed = Some(base);
    manifest.seed_rule = Some("run i uses splitmix64(base_seed, i)".into());
    manifest.runs = Some(runs);
    manifest.format = Some(format.extension().to_string());
    let written = match write_all(&dir, &[summary, per_run], format, manifest, None) {
        Ok(w) => w,
        Err(code) => return code,
    };
    if !quiet {
        let act: Vec<f64> = stats.iter().map(|x| x[0]).collect();
        let mut sorted = act.clone();
        sorted.sort_by(f64::total_cmp);
        println!("{} — civil violence ensemble of {runs} runs (base seed {base}), {} steps", sc.name, sc.steps);
        println!(
            "  mean active fraction after step 50: {:.4}  [5 %: {:.4}, 95 %: {:.4}]",
            mean(&act),
            quantile_sorted(&sorted, 0.05),
            quantile_sorted(&sorted, 0.95)
        );
        println!("Wrote {} to {}", written.join(", "), dir.display());
    }
    ExitCode::SUCCESS
}

/// `frontline sweep` for the civil-violence model: a Latin hypercube (or
/// grid) over `--range NAME=LOW:HIGH` parameters; at each point the same
/// `runs_per_point` seeds run, and the table records the parameter values
/// and the mean over runs of the active and jailed fractions after step 50,
/// the peak active fraction and the total arrests per citizen.
pub fn sweep(
    args: &ScenarioArgs,
    samples: usize,
    method: &str,
    ranges: &[String],
    runs_per_point: u64,
    job: crate::JobArgs,
) -> ExitCode {
    let crate::JobArgs { seed, out, threads, format, quiet, resume, interrupt } = job;
    if let Err(code) = refuse_resume(resume, &interrupt) {
        return code;
    }
    let format: Format = format.parse().expect("clap restricts the values");
    use frontline_output::{Column, Table};
    let fail = |m: String| crate::analyses::fail(m, 2);
    if ranges.is_empty() {
        return fail(
            "a civil-violence sweep needs at least one --range NAME=LOW:HIGH, e.g. --range legitimacy=0.6:0.9".into(),
        );
    }
    if samples == 0 || runs_per_point == 0 {
        return fail("--samples and --runs-per-point must be at least 1".into());
    }
    let parsed = match parse_ranges(ranges) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let loaded = match load(args, &args.sets) {
        Ok(l) => l,
        Err(code) => return code,
    };
    let base_seed = seed.unwrap_or(loaded.scenario.seed);
    let points = frontline_analysis::sensitivity::sweep_points(parsed.len(), samples, method, base_seed);
    let results = match evaluate_points(args, &parsed, &points, runs_per_point, base_seed, threads) {
        Ok(r) => r,
        Err(code) => return code,
    };
    let mut table = Table::new("sweep").with("point", Column::I64((0..points.len() as i64).collect()));
    for (j, p) in parsed.iter().enumerate() {
        table = table.with(p.name.clone(), Column::F64(points.iter().map(|u| p.value(u[j])).collect()));
    }
    for (k, name) in STATISTICS.iter().enumerate() {
        table = table.with(*name, Column::F64(results.iter().map(|r| r[k]).collect()));
    }
    let dir = out.unwrap_or_else(|| crate::default_out(&args.scenario, "sweep"));
    let mut manifest = manifest(Command::Sweep, &loaded, args);
    manifest.detail("ranges", ranges);
    manifest.detail("method", method);
    manifest.detail("points", points.len());
    manifest.runs_per_point = Some(runs_per_point);
    manifest.base_seed = Some(base_seed);
    manifest.seed_rule = Some("run i of every point uses splitmix64(base_seed, i)".into());
    manifest.format = Some(format.extension().to_string());
    let written = match write_all(&dir, &[table], format, manifest, None) {
        Ok(w) => w,
        Err(code) => return code,
    };
    if !quiet {
        println!(
            "civil violence — {method} sweep of {} points × {runs_per_point} runs over {}",
            points.len(),
            parsed.iter().map(|p| p.name.as_str()).collect::<Vec<_>>().join(", ")
        );
        println!("Wrote {} to {}", written.join(", "), dir.display());
    }
    ExitCode::SUCCESS
}

/// `frontline compare` for the civil-violence model: the baseline and each
/// `--arm` overlay run the same seeds; each per-run statistic is reported per
/// arm (mean with a 95 % interval) and as a paired difference from the
/// baseline, as for theatre scenarios.
pub fn compare(args: &ScenarioArgs, arms: &[PathBuf], runs: u64, job: crate::JobArgs, report: bool) -> ExitCode {
    use frontline_analysis::compare::{Row, table};
    use frontline_analysis::stats::{mean_interval, paired_difference, run_seed};
    use rayon::prelude::*;
    let crate::JobArgs { seed, out, threads, format, quiet, resume, interrupt } = job;
    if let Err(code) = refuse_resume(resume, &interrupt) {
        return code;
    }
    let format: Format = format.parse().expect("clap restricts the values");
    if runs < 2 {
        return crate::analyses::fail("--runs must be at least 2 to give intervals", 2);
    }
    let base = match load(args, &args.sets) {
        Ok(l) => l,
        Err(code) => return code,
    };
    let base_seed = seed.unwrap_or(base.scenario.seed);
    let mut arm_list = vec![("baseline".to_string(), base.scenario.clone())];
    let mut arm_hashes = Vec::new();
    for file in arms {
        let mut with_arm =
            ScenarioArgs { scenario: args.scenario.clone(), variants: args.variants.clone(), sets: args.sets.clone() };
        with_arm.variants.push(file.clone());
        let l = match load(&with_arm, &args.sets) {
            Ok(l) => l,
            Err(code) => return code,
        };
        let name = file.file_stem().map_or("arm".into(), |s| s.to_string_lossy().into_owned());
        arm_hashes.push(serde_json::json!({"arm": name, "variants": l.variants}));
        arm_list.push((name, l.scenario));
    }
    let pool = match crate::analyses::thread_pool(threads) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let bar = crate::analyses::progress_bar(runs * arm_list.len() as u64, "runs");
    // stats[arm][run] = the four per-run statistics.
    let stats: Vec<Vec<[f64; 4]>> = pool.install(|| {
        arm_list
            .iter()
            .map(|(_, sc)| {
                (0..runs)
                    .into_par_iter()
                    .map(|i| {
                        let t = frontline_civil::simulate(&sc.params, run_seed(base_seed, i), sc.steps, 0);
                        bar.inc(1);
                        run_stats(&t.counts, t.citizens)
                    })
                    .collect()
            })
            .collect()
    });
    bar.finish_and_clear();
    let mut rows = Vec::new();
    for (k, statistic) in STATISTICS.iter().enumerate() {
        let of = |a: usize| stats[a].iter().map(|s| s[k]).collect::<Vec<f64>>();
        let baseline = of(0);
        for (a, (name, _)) in arm_list.iter().enumerate() {
            let v = of(a);
            let (m, lo, hi) = mean_interval(&v);
            rows.push(Row {
                outcome: statistic.to_string(),
                arm: name.clone(),
                estimate: m,
                interval: (lo, hi),
                difference: (a > 0).then(|| paired_difference(&baseline, &v)),
            });
        }
    }
    let dir = out.unwrap_or_else(|| crate::default_out(&args.scenario, "compare"));
    let mut manifest = manifest(Command::Compare, &base, args);
    manifest.runs = Some(runs);
    manifest.detail("arms", arm_hashes);
    manifest.base_seed = Some(base_seed);
    manifest.seed_rule = Some("run i of every arm uses splitmix64(base_seed, i)".into());
    manifest.format = Some(format.extension().to_string());
    manifest.results = Some(crate::analyses::compare_results(&rows));
    let html = report.then(|| {
        let prov = frontline_report::Provenance {
            command: "compare".into(),
            scenario: args.scenario.display().to_string(),
            scenario_hash: base.scenario_hash.clone(),
            variants: base.variants.clone(),
            sets: args.sets.clone(),
            seed: base_seed,
        };
        frontline_report::compare_report("Civil violence", runs, &crate::analyses::report_lines(&rows), &prov)
    });
    let written = match write_all(&dir, &[table(&rows)], format, manifest, html.as_deref()) {
        Ok(w) => w,
        Err(code) => return code,
    };
    if !quiet {
        println!(
            "civil violence — {} arms × {runs} runs, common random numbers (base seed {base_seed})\n",
            arm_list.len()
        );
        for s in STATISTICS {
            println!("{s}");
            for r in rows.iter().filter(|r| r.outcome == s) {
                let diff = r
                    .difference
                    .map_or(String::new(), |(d, lo, hi)| format!("   Δ vs baseline {d:+.4} [{lo:+.4}, {hi:+.4}]"));
                println!("  {:<16} {:>8.4} [{:.4}, {:.4}]{}", r.arm, r.estimate, r.interval.0, r.interval.1, diff);
            }
        }
        println!("\nWrote {} to {}", written.join(", "), dir.display());
    }
    ExitCode::SUCCESS
}

/// A `--range NAME=LOW:HIGH` of a civil-violence parameter; written with
/// integers (30:1000) it takes integer values, as max_jail_term needs.
struct Range {
    name: String,
    low: f64,
    high: f64,
    integer: bool,
}

impl Range {
    /// The value at position `u` in [0, 1] of the range.
    fn value(&self, u: f64) -> f64 {
        let x = self.low + u * (self.high - self.low);
        if self.integer { x.round() } else { x }
    }
}

fn parse_ranges(ranges: &[String]) -> Result<Vec<Range>, ExitCode> {
    let fail = |m: String| crate::analyses::fail(m, 2);
    if ranges.is_empty() {
        return Err(fail(
            "a civil-violence sweep or sensitivity needs at least one --range NAME=LOW:HIGH, e.g. --range legitimacy=0.6:0.9"
                .into(),
        ));
    }
    ranges
        .iter()
        .map(|r| {
            let parts = r
                .split_once('=')
                .and_then(|(n, v)| v.split_once(':').map(|(a, b)| (n.trim().to_string(), a.trim(), b.trim())));
            match parts {
                Some((name, a, b)) => match (a.parse::<f64>(), b.parse::<f64>()) {
                    (Ok(low), Ok(high)) if low <= high => {
                        Ok(Range { name, low, high, integer: a.parse::<i64>().is_ok() && b.parse::<i64>().is_ok() })
                    }
                    _ => Err(fail(format!(
                        "`--range {r}`: expected NAME=LOW:HIGH with LOW ≤ HIGH, e.g. legitimacy=0.6:0.9"
                    ))),
                },
                None => {
                    Err(fail(format!("`--range {r}`: expected NAME=LOW:HIGH with LOW ≤ HIGH, e.g. legitimacy=0.6:0.9")))
                }
            }
        })
        .collect()
}

/// The four parity statistics (see [`run_stats`]), averaged over runs
/// `0..runs_per_point` at each point of the unit cube; every point's
/// parameters are validated before anything runs.
fn evaluate_points(
    args: &ScenarioArgs,
    parsed: &[Range],
    points: &[Vec<f64>],
    runs_per_point: u64,
    base_seed: u64,
    threads: Option<usize>,
) -> Result<Vec<[f64; 4]>, ExitCode> {
    use frontline_analysis::stats::run_seed;
    use rayon::prelude::*;
    let mut scenarios = Vec::with_capacity(points.len());
    for u in points {
        let mut sets = args.sets.clone();
        // A rounded value prints without a decimal point, so integer
        // parameters (max_jail_term) receive an integer.
        sets.extend(parsed.iter().zip(u).map(|(p, &x)| format!("parameters.{}={}", p.name, p.value(x))));
        scenarios.push(load(args, &sets)?.scenario);
    }
    let pool = crate::analyses::thread_pool(threads)?;
    let bar = crate::analyses::progress_bar(points.len() as u64, "points");
    let results = pool.install(|| {
        scenarios
            .par_iter()
            .map(|sc| {
                let mut acc = [0.0; 4];
                for i in 0..runs_per_point {
                    let t = frontline_civil::simulate(&sc.params, run_seed(base_seed, i), sc.steps, 0);
                    for (a, x) in acc.iter_mut().zip(run_stats(&t.counts, t.citizens)) {
                        *a += x;
                    }
                }
                bar.inc(1);
                acc.map(|x| x / runs_per_point as f64)
            })
            .collect()
    });
    bar.finish_and_clear();
    Ok(results)
}

/// The statistics a civil-violence sweep or sensitivity reports, in [`run_stats`] order.
const STATISTICS: [&str; 4] = ["mean_active_after_50", "mean_jailed_after_50", "peak_active", "arrests_per_citizen"];

/// `frontline sensitivity` for the civil-violence model: Morris or Sobol
/// indices of one statistic over `--range` parameters.
#[allow(clippy::too_many_arguments)]
pub fn sensitivity(
    args: &ScenarioArgs,
    method: &str,
    samples: usize,
    ranges: &[String],
    outcome: Option<&str>,
    runs_per_point: u64,
    job: crate::JobArgs,
) -> ExitCode {
    let crate::JobArgs { seed, out, threads, format, quiet, resume, interrupt } = job;
    if let Err(code) = refuse_resume(resume, &interrupt) {
        return code;
    }
    let format: Format = format.parse().expect("clap restricts the values");
    let outcome = outcome.unwrap_or(STATISTICS[0]);
    let Some(o) = STATISTICS.iter().position(|s| *s == outcome) else {
        return crate::analyses::fail(
            format!("unknown civil-violence outcome `{outcome}`; use one of {}", STATISTICS.join(", ")),
            2,
        );
    };
    if samples == 0 || runs_per_point == 0 {
        return crate::analyses::fail("--samples and --runs-per-point must be at least 1", 2);
    }
    let parsed = match parse_ranges(ranges) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let loaded = match load(args, &args.sets) {
        Ok(l) => l,
        Err(code) => return code,
    };
    let base_seed = seed.unwrap_or(loaded.scenario.seed);
    use frontline_analysis::{sampling, sensitivity as sa};
    let k = parsed.len();
    let names: Vec<String> = parsed.iter().map(|p| p.name.clone()).collect();
    let (points, orders) = if method == "sobol" {
        (sampling::saltelli(samples, k, base_seed), Vec::new())
    } else {
        sampling::morris(samples, k, 4, base_seed)
    };
    let y: Vec<f64> = match evaluate_points(args, &parsed, &points, runs_per_point, base_seed, threads) {
        Ok(r) => r.iter().map(|x| x[o]).collect(),
        Err(code) => return code,
    };
    let idx = if method == "sobol" {
        sa::sobol_indices(&names, samples, &y, base_seed)
    } else {
        sa::morris_indices(&names, &orders, 4, &y, base_seed)
    };
    let dir = out.unwrap_or_else(|| crate::default_out(&args.scenario, "sensitivity"));
    let mut manifest = manifest(Command::Sensitivity, &loaded, args);
    manifest.detail("ranges", ranges);
    manifest.detail("method", method);
    manifest.detail("samples", samples);
    manifest.detail("outcome", outcome);
    manifest.detail("points", points.len());
    manifest.runs_per_point = Some(runs_per_point);
    manifest.base_seed = Some(base_seed);
    manifest.seed_rule = Some("run i of every point uses splitmix64(base_seed, i)".into());
    manifest.format = Some(format.extension().to_string());
    let written = match write_all(&dir, &[sa::table(method, outcome, &idx)], format, manifest, None) {
        Ok(w) => w,
        Err(code) => return code,
    };
    if !quiet {
        let (a, b) = if method == "sobol" { ("S1", "ST") } else { ("μ*", "σ") };
        println!(
            "civil violence — {method} sensitivity of `{outcome}` ({} points × {runs_per_point} runs)\n",
            points.len()
        );
        println!("  {:<4} {:<24} {:>10} {:>22} {:>10}", "rank", "parameter", a, "95 % interval", b);
        for (i, x) in idx.iter().enumerate() {
            println!(
                "  {:<4} {:<24} {:>10.4} [{:>9.4}, {:>9.4}] {:>10.4}",
                i + 1,
                x.parameter,
                x.main,
                x.main_ci.0,
                x.main_ci.1,
                x.second
            );
        }
        println!("\nWrote {} to {}", written.join(", "), dir.display());
    }
    ExitCode::SUCCESS
}

/// Per-run statistics of the parity check, as fractions of the citizens:
/// mean active and mean jailed after step 50, peak active, arrests per citizen.
fn run_stats(counts: &[frontline_civil::model::Counts], citizens: usize) -> [f64; 4] {
    use frontline_analysis::stats::mean;
    let n = citizens.max(1) as f64;
    let tail = |f: fn(&frontline_civil::model::Counts) -> f64| {
        mean(&counts.iter().filter(|c| c.step > 50).map(f).collect::<Vec<_>>()) / n
    };
    [
        tail(|c| c.active as f64),
        tail(|c| c.jailed as f64),
        counts.iter().map(|c| c.active as f64).fold(0.0, f64::max) / n,
        counts.iter().map(|c| c.arrests as f64).sum::<f64>() / n,
    ]
}
