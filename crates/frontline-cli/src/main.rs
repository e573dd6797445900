//! `frontline`: the command-line interface. A thin layer over the scenario,
//! engine and output crates: it parses arguments, reports errors with exit
//! codes, and prints summaries. It holds no model logic.
//!
//! Exit codes: 0 success; 1 runtime failure (e.g. an output file could not
//! be written); 2 invalid input (bad arguments or an invalid scenario) or a
//! refused `--out` (in use by another job, holding another job's runs, or not
//! a Frontline output); 3 a resumable job stopped itself as the hidden test
//! hook `--stop-after-batches K` asked (its K batches are in `.runs/`, nothing
//! else was written: `--resume` finishes it).

mod analyses;
mod civil;
mod maps;
mod summary;

use clap::{Parser, Subcommand};
use frontline_output::Format;
use frontline_scenario::{Overrides, load};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

const EXAMPLES: &str = "\
Examples:
  frontline validate examples/vicious-circle.toml
  frontline run examples/vicious-circle.toml --seed 7 --out out/vc
  frontline run examples/vicious-circle.toml --variant examples/variants/arm-tribes.toml
  frontline run examples/vicious-circle.toml --set parameters.distrust.value=0.2 --format csv
  frontline ensemble examples/vicious-circle.toml --runs 1000
  frontline compare examples/vicious-circle.toml --arm examples/variants/arm-tribes.toml --runs 500
  frontline sensitivity examples/vicious-circle.toml --method morris --samples 20
  frontline backtest scenarios/iraq/scenario.toml --history scenarios/iraq/data/history-control.csv
  frontline serve out/vc                       # the run above, on a map in the browser
  frontline schema > frontline.schema.json";

/// Frontline: a conflict simulation engine for \"what if\" questions.
#[derive(Parser)]
#[command(name = "frontline", version, about, after_help = EXAMPLES)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// Options shared by commands that read a scenario.
#[derive(clap::Args)]
pub(crate) struct ScenarioArgs {
    /// Scenario file (TOML).
    pub(crate) scenario: PathBuf,
    /// Variant overlay file, applied after the scenario (repeatable, in order).
    #[arg(long = "variant", value_name = "FILE")]
    pub(crate) variants: Vec<PathBuf>,
    /// Override any value: PATH=VALUE, e.g. parameters.distrust.value=0.9 (repeatable, applied after variants).
    #[arg(long = "set", value_name = "PATH=VALUE")]
    pub(crate) sets: Vec<String>,
}

/// The history a backtest or a calibration scores against.
#[derive(clap::Args)]
pub(crate) struct HistoryArgs {
    /// History of control changes: a CSV file with date,region,controller.
    #[arg(long = "history", value_name = "FILE")]
    pub(crate) file: PathBuf,
    /// Actor whose control is forecast (repeatable; default: every actor the history names).
    #[arg(long = "actor", value_name = "ACTOR")]
    pub(crate) actors: Vec<String>,
    /// Last day scored (default: the end of the month of the history's last row).
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub(crate) until: Option<String>,
}

/// Options shared by the commands that run many trajectories.
#[derive(clap::Args)]
pub(crate) struct JobArgs {
    /// Base seed (default: the scenario's `seed`); run i uses splitmix64(seed, i).
    #[arg(long)]
    pub(crate) seed: Option<u64>,
    /// Output directory (default: out/<scenario>-<command>).
    #[arg(long, value_name = "DIR")]
    pub(crate) out: Option<PathBuf>,
    /// Worker threads (default: all cores).
    #[arg(long)]
    pub(crate) threads: Option<usize>,
    /// Table format.
    #[arg(long, default_value = "parquet", value_parser = ["parquet", "csv"])]
    pub(crate) format: String,
    /// Print nothing but errors.
    #[arg(long, short)]
    pub(crate) quiet: bool,
    /// Finish an interrupted job in DIR, reusing the runs it completed.
    #[arg(long)]
    pub(crate) resume: bool,
    #[command(flatten)]
    pub(crate) interrupt: InterruptArgs,
}

/// Hidden test hooks of the resumable commands: interrupt a job at an exact
/// point, so that tests of `--resume` need not race a running process.
#[derive(clap::Args)]
pub(crate) struct InterruptArgs {
    /// Test hook: after writing K batches, stop with exit code 3, leaving DIR as a kill
    /// after K batches would (the runs in DIR/.runs/, no tables, no manifest).
    #[arg(long, hide = true, value_name = "K")]
    stop_after_batches: Option<u64>,
    /// Test hook: after writing K batches, wait to be killed (a real kill at a known point).
    #[arg(long, hide = true, value_name = "K", conflicts_with = "stop_after_batches")]
    hold_after_batches: Option<u64>,
}

impl InterruptArgs {
    /// The interruption the hooks ask for (None: run to the end).
    pub(crate) fn interruption(&self) -> Option<frontline_analysis::checkpoint::Interruption> {
        use frontline_analysis::checkpoint::{InterruptAction, Interruption};
        match (self.stop_after_batches, self.hold_after_batches) {
            (Some(k), _) => Some(Interruption { after_batches: k, action: InterruptAction::Stop }),
            (None, Some(k)) => Some(Interruption { after_batches: k, action: InterruptAction::Hold }),
            (None, None) => None,
        }
    }
}

#[derive(Subcommand)]
enum Command {
    /// Run one trajectory: print a summary and write tables to --out.
    #[command(
        after_help = "Tables written: control, forces, attitudes, actors, events (+ manifest.json), maps in\nmaps/ (SVG and GeoJSON), report.html and plots/ (SVG charts).\n\nExample:\n  frontline run examples/vicious-circle.toml --seed 3 --out out/run3"
    )]
    Run {
        #[command(flatten)]
        scenario: ScenarioArgs,
        /// Random seed (default: the scenario's `seed`).
        #[arg(long)]
        seed: Option<u64>,
        /// Output directory (default: out/<scenario name>).
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// Table format.
        #[arg(long, default_value = "parquet", value_parser = ["parquet", "csv"])]
        format: String,
        /// Print nothing but errors.
        #[arg(long, short)]
        quiet: bool,
        #[command(flatten)]
        maps: maps::MapArgs,
        /// Write no report.html and no plots/.
        #[arg(long)]
        no_report: bool,
    },
    /// Check a scenario (with variants and --set) and report every problem found.
    #[command(
        after_help = "Exit code 0 if valid, 2 if not. Nothing is written.\n\nExample:\n  frontline validate examples/vicious-circle.toml --variant examples/variants/arm-tribes.toml"
    )]
    Validate {
        #[command(flatten)]
        scenario: ScenarioArgs,
    },
    /// Run N trajectories in parallel: probabilities of control, quantiles, first dates of watched events.
    #[command(
        after_help = "Run i uses seed splitmix64(--seed, i) whatever --threads is, so the tables are\nbyte-identical for any thread count. Completed runs are kept in DIR/.runs/: after Ctrl-C\nor a kill, rerun the same command with --resume to finish; the result is identical.\n\nTables: control_probability, metrics, event_first_dates, runs (+ manifest.json).\n\nExample:\n  frontline ensemble examples/vicious-circle.toml --runs 1000 --out out/ens"
    )]
    Ensemble {
        #[command(flatten)]
        scenario: ScenarioArgs,
        /// Number of runs.
        #[arg(long, default_value_t = 1000)]
        runs: u64,
        #[command(flatten)]
        job: JobArgs,
        #[command(flatten)]
        maps: maps::MapArgs,
        /// Write no report.html and no plots/.
        #[arg(long)]
        no_report: bool,
    },
    /// Compare the baseline with variants, using common random numbers.
    #[command(
        after_help = "Each arm is the scenario (with the shared --variant/--set) plus one --arm overlay.\nRun i of every arm uses the same seed, so paired differences are sharp.\n\nOutcomes: 'EXPR on DATE' (value on that date), 'EXPR by DATE' (condition true at any\ntime up to DATE), 'EXPR at end'. Default: the scenario's watched conditions by the end.\n\nCompleted runs are kept in DIR/.runs/ while the job runs: after Ctrl-C or a kill, rerun\nthe same command with --resume to finish it; the result is identical.\n\nExample:\n  frontline compare examples/vicious-circle.toml --arm examples/variants/arm-tribes.toml \\\n      --runs 500 --outcome 'controls(isis, city) by 2015-05-31'"
    )]
    Compare {
        #[command(flatten)]
        scenario: ScenarioArgs,
        /// Variant overlay defining an arm to compare with the baseline (repeatable).
        #[arg(long = "arm", value_name = "FILE", required = true)]
        arms: Vec<PathBuf>,
        /// Outcome to report (repeatable).
        #[arg(long = "outcome", value_name = "EXPR on|by DATE")]
        outcomes: Vec<String>,
        /// Runs per arm.
        #[arg(long, default_value_t = 500)]
        runs: u64,
        #[command(flatten)]
        job: JobArgs,
        /// Write no report.html.
        #[arg(long)]
        no_report: bool,
    },
    /// Sweep the declared uncertain parameters (Latin hypercube or grid).
    #[command(
        after_help = "Every point runs the same seeds (common random numbers).\n\nCompleted runs are kept in DIR/.runs/ while the job runs: after Ctrl-C or a kill, rerun\nthe same command with --resume to finish it; the result is identical.\n\nExample:\n  frontline sweep examples/vicious-circle.toml --samples 64 --runs-per-point 20 \\\n      --outcome 'controls(isis, city) by 2015-05-31'"
    )]
    Sweep {
        #[command(flatten)]
        scenario: ScenarioArgs,
        /// Number of points (grid: rounded down to levels^k).
        #[arg(long, default_value_t = 64)]
        samples: usize,
        /// Design.
        #[arg(long, default_value = "lhs", value_parser = ["lhs", "grid"])]
        method: String,
        /// Outcome to record (repeatable; default: watched conditions by the end).
        #[arg(long = "outcome", value_name = "EXPR on|by DATE")]
        outcomes: Vec<String>,
        /// Runs per point (same seeds at every point).
        #[arg(long, default_value_t = 10)]
        runs_per_point: u64,
        /// Civil-violence models only: a parameter and its range, e.g. legitimacy=0.6:0.9 (repeatable).
        #[arg(long = "range", value_name = "NAME=LOW:HIGH")]
        ranges: Vec<String>,
        #[command(flatten)]
        job: JobArgs,
    },
    /// Rank which uncertain parameters drive an outcome (Morris or Sobol).
    #[command(
        after_help = "Morris: --samples trajectories of k+1 points, μ* with a bootstrap 95 % interval.\nSobol: --samples base points, (k+2)·samples evaluations; S1 and ST with bootstrap intervals.\n\nCompleted runs are kept in DIR/.runs/ while the job runs: after Ctrl-C or a kill, rerun\nthe same command with --resume to finish it; the result is identical.\n\nExample:\n  frontline sensitivity examples/vicious-circle.toml --method morris --samples 20 \\\n      --outcome 'controls(isis, city) by 2015-05-31'"
    )]
    Sensitivity {
        #[command(flatten)]
        scenario: ScenarioArgs,
        /// Method.
        #[arg(long, default_value = "morris", value_parser = ["morris", "sobol"])]
        method: String,
        /// Morris trajectories, or Sobol base samples.
        #[arg(long, default_value_t = 20)]
        samples: usize,
        /// The outcome to explain (default: the first watched condition by the end; civil
        /// violence: mean_active_after_50, mean_jailed_after_50, peak_active or arrests_per_citizen).
        #[arg(long, value_name = "EXPR on|by DATE")]
        outcome: Option<String>,
        /// Runs per point (same seeds at every point).
        #[arg(long, default_value_t = 10)]
        runs_per_point: u64,
        /// Civil-violence models only: a parameter and its range, e.g. legitimacy=0.6:0.9 (repeatable).
        #[arg(long = "range", value_name = "NAME=LOW:HIGH")]
        ranges: Vec<String>,
        #[command(flatten)]
        job: JobArgs,
    },
    /// Score an ensemble against a history of dated control changes (Brier score, skill).
    #[command(
        after_help = "The history is a CSV file with the columns date,region,controller: from that date\nthe region is held by that actor (empty: nobody). Each month end from the start to\nthe end of the month of its last row (or --until), for each region the history\nnames, the forecast P(actor holds it) is scored against the history (Brier score),\nand compared with the naive forecast that nothing changes since the start:\nskill = 1 − Brier / naive Brier (> 0: better than persistence), with a 95 %\nbootstrap interval over regions.\n\nCompleted runs are kept in DIR/.runs/: --resume finishes an interrupted job, or\nrescores its runs against another history.\n\nTables: backtest (+ manifest.json).\n\nExample:\n  frontline backtest scenarios/iraq/scenario.toml \\\n      --history scenarios/iraq/data/history-control.csv --actor isis --runs 500"
    )]
    Backtest {
        #[command(flatten)]
        scenario: ScenarioArgs,
        #[command(flatten)]
        history: HistoryArgs,
        /// Number of runs.
        #[arg(long, default_value_t = 500)]
        runs: u64,
        #[command(flatten)]
        job: JobArgs,
    },
    /// Fit the uncertain parameters to a history: backtest a sample of their values.
    #[command(
        after_help = "Samples the declared uncertain parameters (Latin hypercube or grid, as `sweep`),\nruns --runs-per-point runs at each point (the same seeds everywhere) and scores them\nagainst the history as `backtest` does (monthly Brier score of P(actor holds region)).\nWrites `calibration` (one row per point: parameter values, Brier and skill per actor)\nand lists the best points. Resumable with --resume.\n\nExample:\n  frontline calibrate scenarios/iraq/scenario.toml --history scenarios/iraq/data/history-control.csv \\\n      --actor isis --samples 32 --runs-per-point 20"
    )]
    Calibrate {
        #[command(flatten)]
        scenario: ScenarioArgs,
        #[command(flatten)]
        history: HistoryArgs,
        /// Number of points (grid: rounded down to levels^k).
        #[arg(long, default_value_t = 32)]
        samples: usize,
        /// Design.
        #[arg(long, default_value = "lhs", value_parser = ["lhs", "grid"])]
        method: String,
        /// Runs per point.
        #[arg(long, default_value_t = 20)]
        runs_per_point: u64,
        #[command(flatten)]
        job: JobArgs,
    },
    /// Open a run's, an ensemble's or a comparison's results in the browser.
    #[command(
        after_help = "DIR is the --out directory of `frontline run`, `ensemble` or `compare`. The viewer\nreloads the scenario its manifest names (run it from the directory the results were\nmade in), checks that the scenario has not changed, and serves a page on this machine\nonly: a map coloured by controller (run) or by an actor's probability of control\n(ensemble), a slider over the dates, Play, and region names on hover; for a\ncomparison, each outcome per arm and a forest plot of the paired differences.\n\nExample:\n  frontline run examples/vicious-circle.toml --out out/seed7\n  frontline serve out/seed7            # then open the printed address"
    )]
    Serve {
        /// Output directory of a run, an ensemble or a comparison.
        #[arg(value_name = "DIR")]
        dir: PathBuf,
        /// Port (0: any free port).
        #[arg(long, default_value_t = 8765)]
        port: u16,
        /// Address to listen on (default: this machine only; a non-loopback
        /// address exposes the viewer and accepts any Host header).
        #[arg(long, default_value = "127.0.0.1")]
        host: String,
    },
    /// Print the JSON Schema of the scenario format.
    Schema,
}

/// The header of a report: where its results come from.
pub(crate) fn report_provenance(
    command: &str,
    l: &frontline_scenario::Loaded,
    args: &ScenarioArgs,
    seed: u64,
) -> frontline_report::Provenance {
    frontline_report::Provenance {
        command: command.into(),
        scenario: args.scenario.display().to_string(),
        scenario_hash: l.scenario_hash.clone(),
        variants: l.variants.clone(),
        sets: l.sets.clone(),
        seed,
    }
}

fn load_or_report(args: &ScenarioArgs) -> Result<frontline_scenario::Loaded, ExitCode> {
    let overrides = Overrides { variants: args.variants.clone(), sets: args.sets.clone() };
    load(&args.scenario, &overrides).map_err(|e| {
        eprint!("{}", e.render(std::io::stderr().is_terminal()));
        ExitCode::from(2)
    })
}

/// `out/<scenario file stem>` for runs, `out/<stem>-<command>` otherwise.
pub(crate) fn default_out(scenario: &Path, command: &str) -> PathBuf {
    let stem = scenario.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "run".into());
    PathBuf::from("out").join(if command == "run" { stem } else { format!("{stem}-{command}") })
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Ensemble { scenario, runs, job, maps, .. } if civil::is_civil(&scenario.scenario) => {
            if !maps.dates.is_empty() {
                return analyses::fail("civil-violence models have no regions to map; drop --map-date", 2);
            }
            civil::ensemble(&scenario, runs, job)
        }
        Command::Ensemble { scenario, runs, job, maps, no_report } => {
            analyses::ensemble_cmd(&scenario, runs, job, &maps, !no_report)
        }
        Command::Sensitivity { scenario, method, samples, outcome, runs_per_point, ranges, job }
            if civil::is_civil(&scenario.scenario) =>
        {
            civil::sensitivity(&scenario, &method, samples, &ranges, outcome.as_deref(), runs_per_point, job)
        }
        Command::Sensitivity { ranges, .. } if !ranges.is_empty() => analyses::fail(
            "--range is for civil-violence models; theatre scenarios vary their declared [parameters.<id>] ranges",
            2,
        ),
        Command::Compare { scenario, arms, outcomes, runs, job, no_report } if civil::is_civil(&scenario.scenario) => {
            if !outcomes.is_empty() {
                return analyses::fail("a civil-violence comparison reports its per-run statistics; drop --outcome", 2);
            }
            civil::compare(&scenario, &arms, runs, job, !no_report)
        }
        Command::Backtest { scenario, .. } | Command::Calibrate { scenario, .. }
            if civil::is_civil(&scenario.scenario) =>
        {
            analyses::fail(
                format!(
                    "{} is a civil-violence model; it supports run, validate, ensemble, compare, sweep --range and sensitivity --range (backtest and calibrate work on theatre scenarios)",
                    scenario.scenario.display()
                ),
                2,
            )
        }
        Command::Compare { scenario, arms, outcomes, runs, job, no_report } => {
            analyses::compare_cmd(&scenario, &arms, &outcomes, runs, job, !no_report)
        }
        Command::Sweep { scenario, samples, method, runs_per_point, ranges, job, .. }
            if civil::is_civil(&scenario.scenario) =>
        {
            civil::sweep(&scenario, samples, &method, &ranges, runs_per_point, job)
        }
        Command::Sweep { ranges, .. } if !ranges.is_empty() => {
            eprintln!(
                "error: --range is for civil-violence models; theatre scenarios sweep their declared [parameters.<id>] ranges"
            );
            ExitCode::from(2)
        }
        Command::Sweep { scenario, samples, method, outcomes, runs_per_point, job, .. } => {
            analyses::design_cmd("sweep", &scenario, &method, samples, &outcomes, runs_per_point, job)
        }
        Command::Sensitivity { scenario, method, samples, outcome, runs_per_point, job, .. } => {
            let outcomes: Vec<String> = outcome.into_iter().collect();
            analyses::design_cmd("sensitivity", &scenario, &method, samples, &outcomes, runs_per_point, job)
        }
        Command::Backtest { scenario, history, runs, job } => analyses::backtest_cmd(&scenario, &history, runs, job),
        Command::Calibrate { scenario, history, samples, method, runs_per_point, job } => {
            analyses::calibrate_cmd(&scenario, &history, &method, samples, runs_per_point, job)
        }
        Command::Serve { dir, port, host } => {
            let data = match frontline_viewer::load_dir(&dir) {
                Ok(d) => d,
                Err(e) => return analyses::fail(e, 2),
            };
            // An IPv6 address needs brackets before its port (`[::1]:8765`).
            let addr = if host.contains(':') && !host.starts_with('[') {
                format!("[{host}]:{port}")
            } else {
                format!("{host}:{port}")
            };
            let result = frontline_viewer::serve(&data, &addr, |url| {
                use std::io::Write;
                println!("Frontline viewer for {} at {url} (Ctrl-C to stop)", dir.display());
                let _ = std::io::stdout().flush();
            });
            match result {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => analyses::fail(e, 1),
            }
        }
        Command::Schema => {
            println!("{}", serde_json::to_string_pretty(&frontline_scenario::schema()).expect("schema serialises"));
            ExitCode::SUCCESS
        }
        Command::Validate { scenario } if civil::is_civil(&scenario.scenario) => civil::validate(&scenario),
        Command::Validate { scenario } => match load_or_report(&scenario) {
            Ok(l) => {
                let m = &l.model;
                println!(
                    "{}: valid — {} regions, {} identities, {} actors, {} force groups, {} rules, {} events, {} parameters, {} ticks",
                    scenario.scenario.display(),
                    m.regions.len(),
                    m.identities.len(),
                    m.actors.len(),
                    m.forces.len(),
                    m.actors.iter().map(|a| a.rules.len()).sum::<usize>(),
                    m.events.len(),
                    m.parameters.len(),
                    m.ticks
                );
                ExitCode::SUCCESS
            }
            Err(code) => code,
        },
        Command::Run { scenario, seed, out, format, quiet, maps, no_report } => {
            if civil::is_civil(&scenario.scenario) {
                if !maps.dates.is_empty() {
                    return analyses::fail("civil-violence models have no regions to map; drop --map-date", 2);
                }
                return civil::run(&scenario, seed, out, &format, quiet);
            }
            let loaded = match load_or_report(&scenario) {
                Ok(l) => l,
                Err(code) => return code,
            };
            let map_snapshots = match maps::snapshots(&loaded.model, &maps) {
                Ok(s) => s,
                Err(code) => return code,
            };
            let format: Format = format.parse().expect("clap restricts the values");
            let seed = seed.unwrap_or(loaded.model.seed);
            let traj = frontline_engine::simulate(&loaded.model, seed);
            let dir = out.unwrap_or_else(|| default_out(&scenario.scenario, "run"));
            let mut folder = match analyses::open_out(&dir, frontline_output::Checkpoints::None) {
                Ok(f) => f,
                Err(code) => return code,
            };
            let stage = folder.staging().to_path_buf();
            let mut written = Vec::new();
            for table in frontline_analysis::run_tables::all(&loaded.model, &traj) {
                match frontline_output::write_table(&stage, &table, format) {
                    Ok(p) => written.push(p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()),
                    Err(e) => {
                        eprintln!("error: {e}");
                        return ExitCode::from(1);
                    }
                }
            }
            let n_tables = written.len();
            match maps::write_run_maps(&stage, &loaded.model, &traj, &map_snapshots) {
                Ok(files) => written.extend(files),
                Err(code) => return code,
            }
            if !no_report {
                let html = frontline_report::run_report(
                    &loaded.model,
                    &traj,
                    &report_provenance("run", &loaded, &scenario, seed),
                );
                match analyses::write_report(&stage, &html, &frontline_report::run_charts(&loaded.model, &traj)) {
                    Ok(files) => written.extend(files),
                    Err(e) => return e,
                }
            }
            let manifest = frontline_analysis::run_tables::manifest(
                &loaded,
                &scenario.scenario.display().to_string(),
                seed,
                format.extension(),
                &written,
            );
            if let Err(e) = folder.commit(&manifest) {
                eprintln!("error: {e}");
                return ExitCode::from(1);
            }
            if !quiet {
                print!("{}", summary::render(&loaded.model, &traj));
                let n_maps = written.iter().filter(|w| w.starts_with("maps/")).count();
                let maps_note = if n_maps > 0 { format!(", {n_maps} map files in maps/") } else { String::new() };
                let report_note = if no_report { "" } else { ", report.html, plots/" };
                println!("\nWrote {n_tables} tables{maps_note}{report_note} and manifest.json to {}", dir.display());
            }
            ExitCode::SUCCESS
        }
    }
}
