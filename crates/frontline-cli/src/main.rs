//! `frontline`: the command-line interface. A thin layer over the library:
//! each command (one file under `commands/`) maps its arguments to a request
//! of `frontline-analysis`, runs it on the model the scenario selects
//! (`frontline-models`' registry) and renders the result. It holds no model
//! logic and no statistics; errors become exit codes in one place
//! ([`error::CliError`]), and what it prints on success in one place too
//! ([`summary::Summary`]: text, or JSON with `--json`; a closed stdout ends
//! the command quietly with exit code 0).
//!
//! Exit codes: 0 success; 1 runtime failure (e.g. an output file could not
//! be written); 2 invalid input (bad arguments or an invalid scenario) or a
//! refused `--out` (in use by another job, holding another job's runs, or not
//! a Frontline output); 3 a resumable job stopped itself as the hidden test
//! hook `--stop-after-batches K` asked (its K batches are in `.runs/`, nothing
//! else was written: `--resume` finishes it).

mod commands;
mod error;
mod options;
mod summary;

use clap::{CommandFactory, Parser, Subcommand};
use options::{
    CalibrateMethodArg, HistoryArgs, JobArgs, MapArgs, PosteriorArgs, ScenarioArgs, SensitivityMethodArg,
    SweepMethodArg, TableFormat,
};
use std::path::PathBuf;
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
  frontline ensemble examples/vicious-circle.toml --runs 200 --json   # the summary as JSON
  frontline schema > frontline.schema.json
  frontline completions bash > ~/.local/share/bash-completion/completions/frontline
  frontline man > frontline.1 && man ./frontline.1";

/// Frontline: a conflict simulation engine for \"what if\" questions.
#[derive(Parser)]
#[command(name = "frontline", version, about, after_help = EXAMPLES)]
struct Cli {
    /// Print the command's summary as one JSON document on stdout instead of text (with
    /// --quiet: nothing). Errors still go to stderr as text, with the exit code.
    #[arg(long, global = true)]
    json: bool,
    #[command(subcommand)]
    command: Command,
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
        #[arg(long, value_enum, default_value_t = TableFormat::Parquet)]
        format: TableFormat,
        /// Print nothing but errors.
        #[arg(long, short)]
        quiet: bool,
        #[command(flatten)]
        maps: MapArgs,
        /// Write no report.html and no plots/.
        #[arg(long)]
        no_report: bool,
        /// Replace the folder's output even where it holds the kept runs of an ensemble or
        /// another resumable job (DIR/.runs/, discarded); a folder that is not a Frontline
        /// output is refused all the same.
        #[arg(long)]
        force: bool,
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
        posterior: PosteriorArgs,
        #[command(flatten)]
        job: JobArgs,
        #[command(flatten)]
        maps: MapArgs,
        /// Write no report.html and no plots/.
        #[arg(long)]
        no_report: bool,
        /// Explain the watched outcomes: rerun the runs where each held (at most 200) with their
        /// drivers recorded and write the most common chains to explain.json (read it with
        /// `frontline explain DIR --region PLACE`). The tables are the same either way.
        #[arg(long)]
        explain: bool,
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
        posterior: PosteriorArgs,
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
        #[arg(long, value_enum, default_value_t = SweepMethodArg::Lhs)]
        method: SweepMethodArg,
        /// Outcome to record (repeatable; default: watched conditions by the end).
        #[arg(long = "outcome", value_name = "EXPR on|by DATE")]
        outcomes: Vec<String>,
        /// Runs per point (same seeds at every point).
        #[arg(long, default_value_t = 10)]
        runs_per_point: u64,
        /// A parameter and its range, e.g. legitimacy=0.6:0.9 (repeatable), for models that take
        /// ranges on the command line (civil violence); theatre scenarios declare theirs.
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
        #[arg(long, value_enum, default_value_t = SensitivityMethodArg::Morris)]
        method: SensitivityMethodArg,
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
        /// A parameter and its range, e.g. legitimacy=0.6:0.9 (repeatable), for models that take
        /// ranges on the command line (civil violence); theatre scenarios declare theirs.
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
        /// A window scored against persistence of the observed map, NAME=FROM..TO (repeatable; default: calibration and out-of-sample windows around the fit's last day, or one window).
        #[arg(long = "window", value_name = "NAME=FROM..TO")]
        windows: Vec<String>,
        /// Last day of history the parameters were fitted to (labels windows in-sample or out-of-sample; default: the posterior's calibrated-until).
        #[arg(long, value_name = "YYYY-MM-DD")]
        in_sample_until: Option<String>,
        #[command(flatten)]
        posterior: PosteriorArgs,
        #[command(flatten)]
        job: JobArgs,
        /// Write no report.html.
        #[arg(long)]
        no_report: bool,
    },
    /// Fit the uncertain parameters to a history: backtest a sample of their values.
    #[command(
        after_help = "Samples the declared uncertain parameters (Latin hypercube or grid, as `sweep`),\nruns --runs-per-point runs at each point (the same seeds everywhere) and scores them\nagainst the history as `backtest` does (monthly Brier score of P(actor holds region)).\nWrites `calibration` (one row per point: parameter values, Brier and skill per actor)\nand lists the best points. Resumable with --resume.\n\nWith --method abc (approximate Bayesian computation), the best --accept fraction of the\ndraws is accepted and written as posterior.csv, which --posterior reads; score only\nhistory up to the forecast date with --until.\n\nExample:\n  frontline calibrate scenarios/iraq/scenario.toml --history scenarios/iraq/data/history-control.csv \\\n      --actor isis --samples 32 --runs-per-point 20"
    )]
    Calibrate {
        #[command(flatten)]
        scenario: ScenarioArgs,
        #[command(flatten)]
        history: HistoryArgs,
        /// Number of points (grid: rounded down to levels^k).
        #[arg(long, default_value_t = 32)]
        samples: usize,
        /// Design (abc: accept the best --accept fraction of Latin-hypercube prior draws and write posterior.csv).
        #[arg(long, value_enum, default_value_t = CalibrateMethodArg::Lhs)]
        method: CalibrateMethodArg,
        /// ABC: the fraction of draws accepted, best first.
        #[arg(long, value_name = "FRACTION", default_value_t = 0.1)]
        accept: f64,
        /// Runs per point.
        #[arg(long, default_value_t = 20)]
        runs_per_point: u64,
        #[command(flatten)]
        job: JobArgs,
    },
    /// Open a run's, an ensemble's or a comparison's results in the browser.
    #[command(
        after_help = "DIR is the --out directory of `frontline run`, `ensemble` or `compare`. The viewer\nreads the results written there (manifest.json, view.json), so the folder can be moved\nor copied and served anywhere, without its scenario. It serves a page on this machine\nonly: a map coloured by controller (run) or by an actor's probability of control\n(ensemble), a slider over the dates, Play, and region names on hover; for a\ncomparison, each outcome per arm and a forest plot of the paired differences.\n\nExample:\n  frontline run examples/vicious-circle.toml --out out/seed7\n  frontline serve out/seed7            # then open the printed address"
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
    /// Explain why: the chain of causes behind a region's state in a run, or behind a comparison's differences.
    #[command(
        after_help = "DIR is the --out directory of `frontline run` (any run records its drivers) or of\n`frontline compare` (which explains the seeds whose outcome differs between arms).\nFor a run, each link names the phase, the rule, the force groups and the numbers,\ngoing back through causes: the control change, the routs there, the rules whose\norders sent forces there or away, operations, recruitment surges, attitude shifts.\n\nExamples:\n  frontline run scenarios/iraq/scenario.toml --seed 7 --out out/run\n  frontline explain out/run --region Ramadi --date 2015-06-01\n  frontline explain out/run --region Ramadi --json | jq .links\n  frontline explain out/cmp --outcome 'controls(isis, IQG01Q03) by 2015-07-12'"
    )]
    Explain {
        /// Output directory of a run or a comparison.
        #[arg(value_name = "DIR")]
        dir: PathBuf,
        /// The region to explain (its id or name; required for a run).
        #[arg(long, value_name = "PLACE")]
        region: Option<String>,
        /// The date (YYYY-MM-DD; default: the end of the run).
        #[arg(long, value_name = "D")]
        date: Option<String>,
        /// For a comparison: the outcome to explain, as given to compare (default: all).
        #[arg(long)]
        outcome: Option<String>,
    },
    /// Print the JSON Schema of a model's scenario format (default: the theatre model's).
    Schema {
        /// The model whose format to print (default: the default model's; `frontline schema
        /// --model NAME` with an unknown NAME lists the models).
        #[arg(long)]
        model: Option<String>,
    },
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    #[command(
        after_help = "Examples:\n  frontline completions bash > ~/.local/share/bash-completion/completions/frontline\n  frontline completions zsh > ~/.zfunc/_frontline     # with fpath+=~/.zfunc in ~/.zshrc\n  frontline completions fish > ~/.config/fish/completions/frontline.fish"
    )]
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff) of frontline, or of one of its commands.
    #[command(
        after_help = "Examples:\n  frontline man > frontline.1 && man ./frontline.1\n  frontline man ensemble > frontline-ensemble.1"
    )]
    Man {
        /// A command whose page to print (default: the page of the whole program).
        #[arg(value_name = "COMMAND")]
        command: Option<String>,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let json = cli.json;
    let done = match cli.command {
        Command::Run { scenario, seed, out, format, quiet, maps, no_report, force } => {
            let place = commands::run::Place { out, format, force };
            commands::run::run(&scenario, seed, place, quiet, &maps, no_report)
        }
        Command::Validate { scenario } => commands::validate::run(&scenario),
        Command::Ensemble { scenario, runs, posterior, job, maps, no_report, explain } => {
            commands::ensemble::run(&scenario, runs, &posterior, job, &maps, (no_report, explain))
        }
        Command::Compare { scenario, arms, outcomes, runs, posterior, job, no_report } => {
            commands::compare::run(&scenario, arms, outcomes, runs, &posterior, job, no_report)
        }
        Command::Sweep { scenario, samples, method, outcomes, runs_per_point, ranges, job } => {
            commands::sweep::run(&scenario, samples, method, outcomes, runs_per_point, ranges, job)
        }
        Command::Sensitivity { scenario, method, samples, outcome, runs_per_point, ranges, job } => {
            commands::sensitivity::run(&scenario, method, samples, outcome, runs_per_point, ranges, job)
        }
        Command::Backtest { scenario, history, runs, windows, in_sample_until, posterior, job, no_report } => {
            let windows = commands::backtest::Windows { windows, in_sample_until, no_report };
            commands::backtest::run(&scenario, &history, runs, &posterior, windows, job)
        }
        Command::Calibrate { scenario, history, samples, method, accept, runs_per_point, job } => {
            commands::calibrate::run(&scenario, &history, samples, (method, accept), runs_per_point, job)
        }
        Command::Explain { dir, region, date, outcome } => {
            match commands::explain::run(&dir, region, date, outcome, json) {
                Ok(()) => return ExitCode::SUCCESS,
                Err(e) => return e.report(),
            }
        }
        Command::Serve { dir, port, host } => match commands::serve::run(&dir, port, &host, json) {
            Ok(()) => return ExitCode::SUCCESS,
            Err(e) => return e.report(),
        },
        Command::Schema { model } => commands::schema::run(model.as_deref()),
        Command::Completions { shell } => commands::completions::run(shell, Cli::command()),
        Command::Man { command } => commands::man::run(command.as_deref(), Cli::command()),
    };
    match done.and_then(|summary| summary.print(json)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => e.report(),
    }
}
