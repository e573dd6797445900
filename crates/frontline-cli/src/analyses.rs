//! The analysis commands — ensemble, compare, sweep, sensitivity — as the
//! user sees them: argument handling, progress bars, the on-screen tables
//! and the files written. The computations live in `frontline-analysis`.

use crate::ScenarioArgs;
use frontline_analysis::{checkpoint, compare, ensemble, outcome::Outcome, sampling, sensitivity};
use frontline_date::Day;
use frontline_output::{Checkpoints, Command, CompareResult, Format, Manifest, OutputDir, Table};
use frontline_scenario::{Loaded, Overrides, load};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// A progress bar with rate and ETA on a terminal; hidden otherwise.
pub fn progress_bar(total: u64, what: &str) -> ProgressBar {
    let bar = ProgressBar::new(total);
    if std::io::stderr().is_terminal() {
        bar.set_draw_target(ProgressDrawTarget::stderr());
        bar.set_style(
            ProgressStyle::with_template(&format!(
                "{{spinner}} {what} [{{bar:30}}] {{pos}}/{{len}} {{per_sec}} ETA {{eta}}"
            ))
            .expect("valid template")
            .progress_chars("=> "),
        );
    } else {
        bar.set_draw_target(ProgressDrawTarget::hidden());
    }
    bar
}

/// Prints `error: msg` and returns the exit code.
pub(crate) fn fail(msg: impl std::fmt::Display, code: u8) -> ExitCode {
    eprintln!("error: {msg}");
    ExitCode::from(code)
}

fn load_args(args: &ScenarioArgs, extra_variant: Option<&PathBuf>) -> Result<Loaded, ExitCode> {
    let mut variants = args.variants.clone();
    variants.extend(extra_variant.cloned());
    load(&args.scenario, &Overrides { variants, sets: args.sets.clone() }).map_err(|e| {
        eprint!("{}", e.render(std::io::stderr().is_terminal()));
        ExitCode::from(2)
    })
}

/// A pool of `--threads` workers (all cores if absent); refuses 0.
pub(crate) fn thread_pool(threads: Option<usize>) -> Result<rayon::ThreadPool, ExitCode> {
    let mut b = rayon::ThreadPoolBuilder::new();
    if let Some(t) = threads {
        if t == 0 {
            return Err(fail("--threads must be at least 1", 2));
        }
        b = b.num_threads(t);
    }
    b.build().map_err(|e| fail(format!("cannot start threads: {e}"), 1))
}

/// Opens the output folder `dir` for a job: locked against other jobs,
/// refused if it is not Frontline's, with a staging folder that
/// [`OutputDir::commit`] puts in place (see [`frontline_output::OutputDir`]).
/// Prints why not, with [`checkpoint::JobError::exit_code`]'s code (2 for a
/// refused folder, 1 for a filesystem failure).
pub(crate) fn open_out(dir: &Path, checkpoints: Checkpoints) -> Result<OutputDir, ExitCode> {
    OutputDir::open(dir, checkpoints).map_err(|e| {
        let e = checkpoint::JobError::from(e);
        let code = e.exit_code();
        fail(e, code)
    })
}

/// Writes a text file atomically into `dir`.
pub(crate) fn write_text(dir: &Path, name: &str, text: &str) -> Result<(), ExitCode> {
    let path = dir.join(name);
    frontline_output::write_atomic(&path, |f| {
        use std::io::Write;
        f.write_all(text.as_bytes()).map_err(|e| frontline_output::OutputError::Io { path: path.clone(), source: e })
    })
    .map_err(|e| fail(e, 1))
}

/// Writes `report.html` and each chart as `plots/<name>.svg` into `dir`;
/// returns their names relative to `dir`.
pub(crate) fn write_report(dir: &Path, html: &str, charts: &[(&str, String)]) -> Result<Vec<String>, ExitCode> {
    write_text(dir, "report.html", html)?;
    let mut names = vec!["report.html".to_string()];
    for (name, svg) in charts {
        write_text(&dir.join("plots"), &format!("{name}.svg"), svg)?;
        names.push(format!("plots/{name}.svg"));
    }
    Ok(names)
}

/// Writes tables atomically into `dir`; returns their file names.
pub(crate) fn write_tables(dir: &Path, tables: &[Table], format: Format) -> Result<Vec<String>, ExitCode> {
    tables
        .iter()
        .map(|t| {
            frontline_output::write_table(dir, t, format)
                .map(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default())
                .map_err(|e| fail(e, 1))
        })
        .collect()
}

/// The fields every theatre multi-run manifest carries: the scenario's and
/// the base seed's.
fn manifest(command: Command, l: &Loaded, args: &ScenarioArgs, seed: u64) -> Manifest {
    let mut m = frontline_analysis::run_tables::theatre_manifest(command, l, &args.scenario.display().to_string());
    m.base_seed = Some(seed);
    m.seed_rule = Some("run i uses splitmix64(base_seed, i)".into());
    m
}

/// Runs (or, with `resume`, finishes) an ensemble's batches in `dir` with a
/// progress bar, and aggregates them. An `interruption` (a test hook) may
/// stop the job first.
#[allow(clippy::too_many_arguments)]
fn run_ensemble(
    pool: &rayon::ThreadPool,
    m: &frontline_scenario::Model,
    job: &ensemble::JobId,
    runs: u64,
    seed: u64,
    dir: &Path,
    resume: bool,
    interruption: Option<checkpoint::Interruption>,
) -> Result<ensemble::Aggregate, ExitCode> {
    // `dir` is the (locked) output folder, where `.runs/` lives.
    let bar = progress_bar(runs, "runs");
    let tick = |n: u64| bar.inc(n);
    let done = checkpoint::JobDir::open(dir, job, resume)
        .and_then(|jd| pool.install(|| ensemble::run_batches_in(m, &jd.interrupted(interruption), runs, seed, &tick)));
    if let Err(e) = done {
        bar.abandon();
        let code = e.exit_code();
        return Err(fail(e, code));
    }
    bar.finish_and_clear();
    ensemble::aggregate(m, runs, seed, dir).map_err(|e| fail(e, 1))
}

/// `frontline ensemble`.
pub fn ensemble_cmd(
    args: &ScenarioArgs,
    runs: u64,
    job: crate::JobArgs,
    maps: &crate::maps::MapArgs,
    report: bool,
) -> ExitCode {
    let crate::JobArgs { seed, out, threads, format, quiet, resume, interrupt } = job;
    let format: Format = format.parse().expect("clap restricts the values");
    if runs == 0 {
        return fail("--runs must be at least 1", 2);
    }
    let l = match load_args(args, None) {
        Ok(l) => l,
        Err(c) => return c,
    };
    let pool = match thread_pool(threads) {
        Ok(p) => p,
        Err(c) => return c,
    };
    let m = &l.model;
    let map_snapshots = match crate::maps::snapshots(m, maps) {
        Ok(s) => s,
        Err(c) => return c,
    };
    let seed = seed.unwrap_or(m.seed);
    let dir = out.unwrap_or_else(|| crate::default_out(&args.scenario, "ensemble"));
    let job = ensemble::job_id(&l.scenario_hash, &l.variants, &l.sets, seed, runs);
    let mut folder = match open_out(&dir, Checkpoints::Kept) {
        Ok(f) => f,
        Err(c) => return c,
    };
    let started = std::time::Instant::now();
    let agg = match run_ensemble(&pool, m, &job, runs, seed, &dir, resume, interrupt.interruption()) {
        Ok(a) => a,
        Err(c) => return c,
    };
    let elapsed = started.elapsed().as_secs_f64();
    let stage = folder.staging().to_path_buf();
    let mut names = match write_tables(&stage, &agg.tables, format) {
        Ok(n) => n,
        Err(c) => return c,
    };
    match crate::maps::write_ensemble_maps(&stage, m, &agg, &map_snapshots) {
        Ok(files) => names.extend(files),
        Err(c) => return c,
    }
    if report {
        let prov = crate::report_provenance("ensemble", &l, args, seed);
        let html = frontline_report::ensemble_report(m, &agg, &prov);
        match write_report(&stage, &html, &frontline_report::ensemble_charts(m, &agg)) {
            Ok(files) => names.extend(files),
            Err(c) => return c,
        }
    }
    names.push(".runs/ (per-run batches)".into());
    let mut man = manifest(Command::Ensemble, &l, args, seed);
    man.runs = Some(runs);
    man.format = Some(format.extension().to_string());
    man.tables = names.clone();
    if let Err(e) = folder.commit(&man) {
        return fail(e, 1);
    }
    if !quiet {
        println!("{} — ensemble of {runs} runs (base seed {seed}) in {elapsed:.1} s", m.name);
        if !agg.watches.is_empty() {
            println!(
                "\nWatched events (probability by {} with 95 % interval; first date 5 % / median / 95 %):",
                m.day_of_tick(m.ticks)
            );
            for (name, k, q) in &agg.watches {
                let (lo, hi) = frontline_analysis::stats::wilson(*k as f64, runs as f64);
                let d = |x: &Option<Day>| x.map_or("—".to_string(), |d| d.to_string());
                println!(
                    "  {:<28} {:>5.1} %  [{:>5.1}, {:>5.1}]   {} / {} / {}",
                    name,
                    100.0 * *k as f64 / runs as f64,
                    100.0 * lo,
                    100.0 * hi,
                    d(&q[0]),
                    d(&q[1]),
                    d(&q[2])
                );
            }
        }
        println!("\nForce groups at the end (median [5 %, 95 %]):");
        for (id, v) in &agg.final_forces {
            println!("  {:<20} {:>10.0}  [{:.0}, {:.0}]", id, v[2], v[1], v[3]);
        }
        println!("\nRegions held at the end (mean):");
        for (id, v) in &agg.final_regions {
            println!("  {:<20} {:>6.1}", id, v);
        }
        println!("\nWrote {} to {}", names.join(", "), dir.display());
    }
    ExitCode::SUCCESS
}

fn outcomes_for(m: &frontline_scenario::Model, texts: &[String]) -> Result<Vec<Outcome>, ExitCode> {
    if texts.is_empty() {
        let d = Outcome::defaults(m);
        if d.is_empty() {
            return Err(fail(
                "the scenario has no [scenario.watch] conditions; name outcomes with --outcome 'EXPR on DATE'",
                2,
            ));
        }
        return Ok(d);
    }
    texts.iter().map(|t| Outcome::parse(t, m).map_err(|e| fail(e, 2))).collect()
}

/// `frontline compare`.
pub fn compare_cmd(
    args: &ScenarioArgs,
    arms_files: &[PathBuf],
    outcomes: &[String],
    runs: u64,
    job: crate::JobArgs,
    report: bool,
) -> ExitCode {
    let crate::JobArgs { seed, out, threads, format, quiet, resume, interrupt } = job;
    let format: Format = format.parse().expect("clap restricts the values");
    if runs < 2 {
        return fail("--runs must be at least 2 to give intervals", 2);
    }
    if arms_files.is_empty() {
        return fail("compare needs at least one --arm FILE (a variant to compare with the baseline)", 2);
    }
    let pool = match thread_pool(threads) {
        Ok(p) => p,
        Err(c) => return c,
    };
    let base = match load_args(args, None) {
        Ok(l) => l,
        Err(c) => return c,
    };
    let seed = seed.unwrap_or(base.model.seed);
    let mut arms = Vec::new();
    let mut hashes = Vec::new();
    for (name, file) in std::iter::once(("baseline".to_string(), None)).chain(
        arms_files.iter().map(|f| (f.file_stem().map_or("arm".into(), |s| s.to_string_lossy().into_owned()), Some(f))),
    ) {
        let l = match file {
            None => None,
            Some(f) => match load_args(args, Some(f)) {
                Ok(l) => Some(l),
                Err(c) => return c,
            },
        };
        let model = l.as_ref().map_or_else(|| base.model.clone(), |l| l.model.clone());
        if let Some(l) = &l {
            hashes.push(serde_json::json!({"arm": name, "variants": l.variants}));
        }
        let outs = match outcomes_for(&model, outcomes) {
            Ok(o) => o,
            Err(c) => return c,
        };
        arms.push(compare::Arm { name, model, outcomes: outs });
    }
    let dir = out.unwrap_or_else(|| crate::default_out(&args.scenario, "compare"));
    let outcome_texts: Vec<String> = arms[0].outcomes.iter().map(|o| o.text.clone()).collect();
    let job = checkpoint::JobId {
        json: serde_json::json!({
            "command": "compare", "scenario_hash": base.scenario_hash, "variants": base.variants, "sets": base.sets,
            "arms": hashes, "outcomes": outcome_texts, "base_seed": seed, "runs": runs,
            "batch": ensemble::BATCH, "version": env!("CARGO_PKG_VERSION"),
        }),
    };
    let mut folder = match open_out(&dir, Checkpoints::Kept) {
        Ok(f) => f,
        Err(c) => return c,
    };
    let bar = progress_bar(runs * arms.len() as u64, "runs");
    let tick = |n: u64| bar.inc(n);
    let values = checkpoint::JobDir::open(&dir, &job, resume)
        .map(|jd| jd.interrupted(interrupt.interruption()))
        .and_then(|jd| Ok((pool.install(|| compare::run_arms(&arms, runs, seed, Some(&jd), &tick))?, jd)));
    let (values, jd) = match values {
        Ok(v) => v,
        Err(e) => {
            bar.abandon();
            let code = e.exit_code();
            return fail(e, code);
        }
    };
    bar.finish_and_clear();
    let rows = compare::summarise(&arms, &values);
    let mut names = match write_tables(folder.staging(), &[compare::table(&rows)], format) {
        Ok(n) => n,
        Err(c) => return c,
    };
    if report {
        let lines = report_lines(&rows);
        let prov = crate::report_provenance("compare", &base, args, seed);
        let html = frontline_report::compare_report(&base.model.name, runs, &lines, &prov);
        match write_report(folder.staging(), &html, &[]) {
            Ok(files) => names.extend(files),
            Err(c) => return c,
        }
    }
    let mut man = manifest(Command::Compare, &base, args, seed);
    man.runs = Some(runs);
    man.detail("arms", hashes);
    man.detail("outcomes", outcome_texts);
    man.tables = names.clone();
    man.results = Some(compare_results(&rows));
    if let Err(e) = folder.commit(&man) {
        return fail(e, 1);
    }
    // Every result is in the table now: the checkpoints have done their job.
    if let Err(e) = jd.remove() {
        return fail(e, 1);
    }
    if !quiet {
        println!("{} — {} arms × {runs} runs, common random numbers (base seed {seed})\n", base.model.name, arms.len());
        let mut last = String::new();
        for r in &rows {
            if r.outcome != last {
                println!("{}", r.outcome);
                last = r.outcome.clone();
            }
            let diff = r
                .difference
                .map_or(String::new(), |(d, lo, hi)| format!("   Δ vs baseline {d:+.3} [{lo:+.3}, {hi:+.3}]"));
            println!("  {:<16} {:>8.3} [{:.3}, {:.3}]{}", r.arm, r.estimate, r.interval.0, r.interval.1, diff);
        }
        println!(
            "\n(95 % intervals: Wilson for probabilities, normal for means and paired differences)\nWrote {} to {}",
            names.join(", "),
            dir.display()
        );
    }
    ExitCode::SUCCESS
}

/// A comparison's rows as the report shows them.
pub(crate) fn report_lines(rows: &[compare::Row]) -> Vec<frontline_report::ComparisonLine> {
    rows.iter()
        .map(|r| frontline_report::ComparisonLine {
            outcome: r.outcome.clone(),
            arm: r.arm.clone(),
            estimate: r.estimate,
            interval: r.interval,
            difference: r.difference,
        })
        .collect()
}

/// A comparison's rows for its manifest (read by `frontline serve`): per
/// outcome and arm, the estimate and the paired difference with intervals.
pub(crate) fn compare_results(rows: &[compare::Row]) -> Vec<CompareResult> {
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

/// `frontline sweep` and `frontline sensitivity`.
pub fn design_cmd(
    command: &str,
    args: &ScenarioArgs,
    method: &str,
    samples: usize,
    outcomes: &[String],
    runs_per_point: u64,
    job: crate::JobArgs,
) -> ExitCode {
    let crate::JobArgs { seed, out, threads, format, quiet, resume, interrupt } = job;
    let format: Format = format.parse().expect("clap restricts the values");
    let l = match load_args(args, None) {
        Ok(l) => l,
        Err(c) => return c,
    };
    let pool = match thread_pool(threads) {
        Ok(p) => p,
        Err(c) => return c,
    };
    let params = sampling::uncertain(&l.model);
    if params.is_empty() {
        return fail("the scenario declares no uncertain parameters (a [parameters.<id>] with min < max)", 2);
    }
    let outs = match outcomes_for(&l.model, outcomes) {
        Ok(o) => o,
        Err(c) => return c,
    };
    let outcome_texts: Vec<String> =
        if outcomes.is_empty() { outs.iter().map(|o| o.text.clone()).collect() } else { outcomes.to_vec() };
    if samples == 0 || runs_per_point == 0 {
        return fail("--samples and --runs-per-point must be at least 1", 2);
    }
    let seed = seed.unwrap_or(l.model.seed);
    let dir = out.unwrap_or_else(|| crate::default_out(&args.scenario, command));
    let job = checkpoint::JobId {
        json: serde_json::json!({
            "command": command, "method": method, "samples": samples, "runs_per_point": runs_per_point,
            "outcomes": outcome_texts, "scenario_hash": l.scenario_hash, "variants": l.variants, "sets": l.sets,
            "base_seed": seed, "batch": sensitivity::POINTS_PER_BATCH, "version": env!("CARGO_PKG_VERSION"),
        }),
    };
    let mut folder = match open_out(&dir, Checkpoints::Kept) {
        Ok(f) => f,
        Err(c) => return c,
    };
    let jd = match checkpoint::JobDir::open(&dir, &job, resume) {
        Ok(jd) => jd.interrupted(interrupt.interruption()),
        Err(e) => {
            let code = e.exit_code();
            return fail(e, code);
        }
    };
    let design = sensitivity::Design { loaded: &l, outcomes: &outcome_texts, runs_per_point, seed, job: Some(&jd) };
    let k = params.len();
    let (table, extra) = if command == "sweep" {
        let points = sensitivity::sweep_points(k, samples, method, seed);
        let bar = progress_bar(points.len() as u64, "points");
        let tick = |n: u64| bar.inc(n);
        let res = match pool.install(|| sensitivity::evaluate_points(&design, &params, &points, &tick)) {
            Ok(r) => r,
            Err(e) => {
                bar.abandon();
                let code = e.exit_code();
                return fail(e, code);
            }
        };
        bar.finish_and_clear();
        if !quiet {
            println!(
                "{} — {} sweep of {} points over {} parameters × {runs_per_point} runs each\n",
                l.model.name,
                method,
                points.len(),
                k
            );
            for (o, name) in outcome_texts.iter().enumerate() {
                let mut v: Vec<f64> = res.iter().map(|r| r[o]).collect();
                v.sort_by(f64::total_cmp);
                let q = |p| frontline_analysis::stats::quantile_sorted(&v, p);
                println!("  {:<40} min {:.3}  median {:.3}  max {:.3}", name, q(0.0), q(0.5), q(1.0));
            }
        }
        (
            sensitivity::sweep_table(&params, &points, &outcome_texts, &res),
            vec![("method", serde_json::json!(method)), ("points", serde_json::json!(points.len()))],
        )
    } else {
        let n_points = if method == "sobol" { samples * (k + 2) } else { samples * (k + 1) };
        let bar = progress_bar(n_points as u64, "points");
        let tick = |n: u64| bar.inc(n);
        let idx = pool.install(|| {
            if method == "sobol" {
                sensitivity::sobol(&design, samples, 0, &tick)
            } else {
                sensitivity::morris(&design, samples, 4, 0, &tick)
            }
        });
        bar.finish_and_clear();
        let idx = match idx {
            Ok(i) => i,
            Err(e) => {
                let code = e.exit_code();
                return fail(e, code);
            }
        };
        if !quiet {
            let (a, b) = if method == "morris" { ("μ*", "σ") } else { ("S1", "ST") };
            println!(
                "{} — {method} sensitivity of `{}` ({} model evaluations × {runs_per_point} runs)\n",
                l.model.name, outcome_texts[0], n_points
            );
            println!("  {:<4} {:<28} {:>10} {:>22} {:>10}", "rank", "parameter", a, "95 % interval", b);
            for (i, x) in idx.iter().enumerate() {
                println!(
                    "  {:<4} {:<28} {:>10.4} [{:>9.4}, {:>9.4}] {:>10.4}",
                    i + 1,
                    x.parameter,
                    x.main,
                    x.main_ci.0,
                    x.main_ci.1,
                    x.second
                );
            }
        }
        (
            sensitivity::table(method, &outcome_texts[0], &idx),
            vec![
                ("method", serde_json::json!(method)),
                ("samples", serde_json::json!(samples)),
                ("outcome", serde_json::json!(outcome_texts[0])),
            ],
        )
    };
    let names = match write_tables(folder.staging(), &[table], format) {
        Ok(n) => n,
        Err(c) => return c,
    };
    let kind = if command == "sweep" { Command::Sweep } else { Command::Sensitivity };
    let mut man = manifest(kind, &l, args, seed);
    for (key, value) in extra {
        man.detail(key, value);
    }
    man.tables = names.clone();
    man.runs_per_point = Some(runs_per_point);
    if let Err(e) = folder.commit(&man) {
        return fail(e, 1);
    }
    // Every result is in the table now: the checkpoints have done their job.
    if let Err(e) = jd.remove() {
        return fail(e, 1);
    }
    if !quiet {
        println!("\nWrote {} to {}", names.join(", "), dir.display());
    }
    ExitCode::SUCCESS
}

/// What a backtest or a calibration scores against: the history's changes,
/// the last day scored and the actors whose control is forecast.
fn history_setup(
    m: &frontline_scenario::Model,
    h: &crate::HistoryArgs,
) -> Result<(Vec<frontline_analysis::backtest::Change>, Day, Vec<usize>), ExitCode> {
    use frontline_analysis::backtest;
    let (history, actors, until) = (h.file.as_path(), &h.actors, h.until.as_deref());
    let changes = backtest::read_history(history, m).map_err(|e| fail(e, 2))?;
    let until = match until {
        None => backtest::default_until(m, &changes),
        Some(d) => match Day::parse(d) {
            Ok(day) if day > m.day_of_tick(0) => day,
            _ => {
                return Err(fail(
                    format!(
                        "--until `{d}` must be a date (YYYY-MM-DD) after the scenario's start, {}",
                        m.day_of_tick(0)
                    ),
                    2,
                ));
            }
        },
    };
    let start = m.day_of_tick(0);
    if backtest::month_ends(start, until.min(m.day_of_tick(m.ticks))).is_empty() {
        return Err(fail(
            format!(
                "nothing to score: the first month end after the scenario's start ({}) is after {}, the last day scored; give a later --until or a history that reaches into the scenario",
                start, until
            ),
            2,
        ));
    }
    let mut who: Vec<usize> = Vec::new();
    for id in actors {
        match m.actor_index(id) {
            Some(a) => who.push(a),
            None => {
                let ids: Vec<&str> = m.actors.iter().map(|a| a.id.as_str()).collect();
                return Err(fail(format!("unknown actor `{id}` (the scenario's actors: {})", ids.join(", ")), 2));
            }
        }
    }
    if who.is_empty() {
        who = (0..m.actors.len()).filter(|&a| changes.iter().any(|c| c.controller == Some(a))).collect();
    }
    Ok((changes, until, who))
}

/// `frontline calibrate`: backtests over a sample of the uncertain parameters.
pub fn calibrate_cmd(
    args: &ScenarioArgs,
    hist: &crate::HistoryArgs,
    method: &str,
    samples: usize,
    runs_per_point: u64,
    job: crate::JobArgs,
) -> ExitCode {
    use frontline_analysis::backtest::{control_counts, probability_from_counts, score_with};
    let crate::JobArgs { seed, out, threads, format, quiet, resume, interrupt } = job;
    let format: Format = format.parse().expect("clap restricts the values");
    if samples == 0 || runs_per_point == 0 {
        return fail("--samples and --runs-per-point must be at least 1", 2);
    }
    let l = match load_args(args, None) {
        Ok(l) => l,
        Err(c) => return c,
    };
    let m = &l.model;
    let (changes, until, who) = match history_setup(m, hist) {
        Ok(x) => x,
        Err(c) => return c,
    };
    let params = sampling::uncertain(m);
    if params.is_empty() {
        return fail("the scenario declares no uncertain parameters (a [parameters.<id>] with min < max)", 2);
    }
    let pool = match thread_pool(threads) {
        Ok(p) => p,
        Err(c) => return c,
    };
    let seed = seed.unwrap_or(m.seed);
    let dir = out.unwrap_or_else(|| crate::default_out(&args.scenario, "calibrate"));
    let points = sensitivity::sweep_points(params.len(), samples, method, seed);
    let history_json: Vec<serde_json::Value> =
        changes.iter().map(|c| serde_json::json!([c.day.epoch_days(), c.region, c.controller])).collect();
    let job = checkpoint::JobId {
        json: serde_json::json!({
            "command": "calibrate", "scenario_hash": l.scenario_hash, "variants": l.variants, "sets": l.sets,
            "history": history_json, "until": until.epoch_days(), "actors": who, "method": method, "samples": samples,
            "runs_per_point": runs_per_point, "base_seed": seed, "batch": sensitivity::POINTS_PER_BATCH,
            "version": env!("CARGO_PKG_VERSION"),
        }),
    };
    let mut folder = match open_out(&dir, Checkpoints::Kept) {
        Ok(f) => f,
        Err(c) => return c,
    };
    let jd = match checkpoint::JobDir::open(&dir, &job, resume) {
        Ok(jd) => jd.interrupted(interrupt.interruption()),
        Err(e) => {
            let code = e.exit_code();
            return fail(e, code);
        }
    };
    // Brier and skill per actor of a model, from its runs 0..runs_per_point.
    let scores = |model: &frontline_scenario::Model| -> Vec<f64> {
        let counts = control_counts(model, runs_per_point, seed);
        let p = |k: usize| probability_from_counts(model, &counts, runs_per_point, k);
        who.iter()
            .flat_map(|&a| {
                let b = score_with(model, &p, &changes, a, until);
                [b.brier, b.skill]
            })
            .collect()
    };
    let bar = progress_bar(points.len() as u64 + 1, "points");
    let tick = |n: u64| bar.inc(n);
    let rows = pool.install(|| {
        checkpoint::evaluate(Some(&jd), points.len() as u64, 2 * who.len(), sensitivity::POINTS_PER_BATCH, &tick, |i| {
            let values: Vec<(String, f64)> = params
                .iter()
                .zip(&points[i as usize])
                .map(|(p, &u)| (p.id.clone(), sampling::to_value(p, u)))
                .collect();
            Ok(scores(&sampling::with_parameters(&l, &values)?))
        })
    });
    let rows = match rows {
        Ok(r) => r,
        Err(e) => {
            bar.abandon();
            let code = e.exit_code();
            return fail(e, code);
        }
    };
    let reference = scores(m);
    bar.inc(1);
    bar.finish_and_clear();
    let mut table = frontline_output::Table::new("calibration")
        .with("point", frontline_output::Column::I64((0..points.len() as i64).collect()));
    for (j, p) in params.iter().enumerate() {
        table = table.with(
            p.id.clone(),
            frontline_output::Column::F64(points.iter().map(|u| sampling::to_value(p, u[j])).collect()),
        );
    }
    for (n, &a) in who.iter().enumerate() {
        let id = &m.actors[a].id;
        table = table
            .with(format!("brier_{id}"), frontline_output::Column::F64(rows.iter().map(|r| r[2 * n]).collect()))
            .with(format!("skill_{id}"), frontline_output::Column::F64(rows.iter().map(|r| r[2 * n + 1]).collect()));
    }
    let names = match write_tables(folder.staging(), &[table], format) {
        Ok(n) => n,
        Err(c) => return c,
    };
    // Best points by the mean Brier score over the actors scored.
    let mean_brier = |r: &[f64]| (0..who.len()).map(|n| r[2 * n]).sum::<f64>() / who.len().max(1) as f64;
    let mut order: Vec<usize> = (0..rows.len()).collect();
    order.sort_by(|&x, &y| mean_brier(&rows[x]).total_cmp(&mean_brier(&rows[y])).then(x.cmp(&y)));
    let best: Vec<serde_json::Value> = order
        .iter()
        .take(5)
        .map(|&i| {
            let values: serde_json::Map<String, serde_json::Value> = params
                .iter()
                .enumerate()
                .map(|(j, p)| (p.id.clone(), serde_json::json!(sampling::to_value(p, points[i][j]))))
                .collect();
            serde_json::json!({"point": i, "mean_brier": mean_brier(&rows[i]), "parameters": values})
        })
        .collect();
    let mut man = manifest(Command::Calibrate, &l, args, seed);
    man.detail("history", hist.file.display().to_string());
    man.detail("method", method);
    man.detail("samples", points.len());
    man.runs_per_point = Some(runs_per_point);
    man.detail("scenario_values_mean_brier", mean_brier(&reference));
    man.detail("best", best);
    man.tables = names.clone();
    if let Err(e) = folder.commit(&man) {
        return fail(e, 1);
    }
    if let Err(e) = jd.remove() {
        return fail(e, 1);
    }
    if !quiet {
        let actors: Vec<&str> = who.iter().map(|&a| m.actors[a].id.as_str()).collect();
        println!(
            "{} — calibration against {}: {} {method} points over {} parameters × {runs_per_point} runs each (same seeds)\n",
            m.name,
            hist.file.display(),
            points.len(),
            params.len()
        );
        let scored: Vec<String> = actors.iter().map(|a| format!("P({a} holds)")).collect();
        println!("Scenario's own values: mean Brier {:.3} ({})", mean_brier(&reference), scored.join(", "));
        // Which parameters go with a better fit across the sample.
        let briers: Vec<f64> = rows.iter().map(|r| mean_brier(r)).collect();
        let mut assoc: Vec<(f64, usize)> = (0..params.len())
            .map(|j| {
                let v: Vec<f64> = points.iter().map(|u| u[j]).collect();
                (frontline_analysis::stats::spearman(&v, &briers), j)
            })
            .filter(|(r, _)| r.is_finite())
            .collect();
        assoc.sort_by(|x, y| y.0.abs().total_cmp(&x.0.abs()).then(x.1.cmp(&y.1)));
        println!("Best points (lowest mean Brier; every value is in the table):");
        for &i in order.iter().take(5) {
            println!("  point {i:<4} Brier {:.3}", mean_brier(&rows[i]));
        }
        println!(
            "\nParameters most associated with the fit (Spearman ρ of value vs Brier over the {} points;\nρ < 0: higher values fit better), with the best point's value:",
            points.len()
        );
        for &(rho, j) in assoc.iter().take(6) {
            let best_value = sampling::to_value(&params[j], points[order[0]][j]);
            println!(
                "  {:<28} ρ {rho:+.2}   best {}   (scenario {}, range {}–{})",
                params[j].id,
                short(best_value),
                short(params[j].value),
                short(params[j].min),
                short(params[j].max)
            );
        }
        println!(
            "\nWith {runs_per_point} runs per point, differences of a few thousandths are noise: check the best points with\n`frontline backtest --set parameters.<id>.value=…` and more runs. A best fit to one history is not a forecast.\nWrote {} to {}",
            names.join(", "),
            dir.display()
        );
    }
    ExitCode::SUCCESS
}

/// A parameter value for a listing: whole numbers from 100 up, else at most 4 decimals.
fn short(x: f64) -> String {
    if x.abs() >= 100.0 {
        return format!("{x:.0}");
    }
    let s = format!("{x:.4}");
    if s.contains('.') { s.trim_end_matches('0').trim_end_matches('.').to_string() } else { s }
}

/// `frontline backtest`.
pub fn backtest_cmd(args: &ScenarioArgs, hist: &crate::HistoryArgs, runs: u64, job: crate::JobArgs) -> ExitCode {
    use frontline_analysis::backtest;
    let crate::JobArgs { seed, out, threads, format, quiet, resume, interrupt } = job;
    let format: Format = format.parse().expect("clap restricts the values");
    if runs == 0 {
        return fail("--runs must be at least 1", 2);
    }
    let l = match load_args(args, None) {
        Ok(l) => l,
        Err(c) => return c,
    };
    let m = &l.model;
    let (changes, until, who) = match history_setup(m, hist) {
        Ok(x) => x,
        Err(c) => return c,
    };
    let pool = match thread_pool(threads) {
        Ok(p) => p,
        Err(c) => return c,
    };
    let seed = seed.unwrap_or(m.seed);
    let dir = out.unwrap_or_else(|| crate::default_out(&args.scenario, "backtest"));
    let job = ensemble::JobId {
        json: serde_json::json!({
            "command": "backtest", "scenario_hash": l.scenario_hash, "variants": l.variants, "sets": l.sets,
            "base_seed": seed, "runs": runs, "batch": ensemble::BATCH, "version": env!("CARGO_PKG_VERSION"),
        }),
    };
    let mut folder = match open_out(&dir, Checkpoints::Kept) {
        Ok(f) => f,
        Err(c) => return c,
    };
    let agg = match run_ensemble(&pool, m, &job, runs, seed, &dir, resume, interrupt.interruption()) {
        Ok(a) => a,
        Err(c) => return c,
    };
    let tests: Vec<backtest::Backtest> = who.iter().map(|&a| backtest::score(m, &agg, &changes, a, until)).collect();
    let names = match write_tables(folder.staging(), &[backtest::table(m, &tests)], format) {
        Ok(n) => n,
        Err(c) => return c,
    };
    let summary: Vec<serde_json::Value> = tests
        .iter()
        .map(|b| {
            serde_json::json!({"actor": m.actors[b.actor].id, "brier": b.brier, "brier_naive": b.brier_naive,
                "skill": b.skill, "skill_interval": [b.skill_interval.0, b.skill_interval.1]})
        })
        .collect();
    let mut man = manifest(Command::Backtest, &l, args, seed);
    man.runs = Some(runs);
    man.detail("history", hist.file.display().to_string());
    man.detail("scores", summary);
    man.tables = names.clone();
    if let Err(e) = folder.commit(&man) {
        return fail(e, 1);
    }
    if !quiet {
        let months: std::collections::BTreeSet<Day> =
            tests.iter().flat_map(|b| b.scores.iter().map(|s| s.day)).collect();
        let regions = tests.first().map_or(0, |b| b.per_region.len());
        println!(
            "{} — backtest of {runs} runs against {} ({} regions × {} month ends, {} to {})\n",
            m.name,
            hist.file.display(),
            regions,
            months.len(),
            months.first().map_or("—".into(), |d| d.to_string()),
            months.last().map_or("—".into(), |d| d.to_string()),
        );
        for b in &tests {
            let skill = if b.skill.is_finite() {
                format!("{:+.2} [{:+.2}, {:+.2}]", b.skill, b.skill_interval.0, b.skill_interval.1)
            } else {
                "n/a (nothing changed hands in the history)".into()
            };
            println!(
                "P({} holds): Brier {:.3}, \"nothing changes\" {:.3}, skill {skill}",
                m.actors[b.actor].id, b.brier, b.brier_naive
            );
            let mut worst = b.per_region.clone();
            worst.sort_by(|x, y| y.1.total_cmp(&x.1));
            for (r, brier, naive) in worst.iter().take(5).filter(|x| x.1 > 0.0) {
                println!("    {:<28} Brier {brier:.3}  (naive {naive:.3})", m.regions[*r].name);
            }
        }
        println!(
            "\n(Brier: 0 is perfect, 1 is certain and wrong; skill > 0 beats persistence)\nWrote {} to {}",
            names.join(", "),
            dir.display()
        );
    }
    ExitCode::SUCCESS
}
