//! The options several commands share, and the conversions from the
//! command line's words to the library's types.

use frontline_analysis::analyses::design::{SensitivityMethod, SweepMethod};
use frontline_analysis::analyses::{Job, ProgressSink};
use frontline_analysis::checkpoint::{InterruptAction, Interruption};
use frontline_output::Format;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

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

impl ScenarioArgs {
    /// The overlays, as the loaders take them.
    pub(crate) fn overrides(&self) -> frontline_scenario::Overrides {
        frontline_scenario::Overrides { variants: self.variants.clone(), sets: self.sets.clone() }
    }
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

impl HistoryArgs {
    /// The history request.
    pub(crate) fn request(&self) -> frontline_analysis::analyses::backtest::HistoryRequest {
        frontline_analysis::analyses::backtest::HistoryRequest {
            file: self.file.clone(),
            actors: self.actors.clone(),
            until: self.until.clone(),
        }
    }
}

/// The posterior the runs of an ensemble, a comparison or a backtest draw their parameters from.
#[derive(clap::Args)]
pub(crate) struct PosteriorArgs {
    /// Posterior sample of the uncertain parameters (CSV: one row per parameter set; default: the scenario's `[scenario] posterior`).
    #[arg(long, value_name = "FILE", conflicts_with = "no_posterior")]
    pub(crate) posterior: Option<PathBuf>,
    /// Use the scenario's own parameter values, even if it names a posterior.
    #[arg(long)]
    pub(crate) no_posterior: bool,
    /// Runs per drawn parameter set (what the split of the spread into parameters and chance needs).
    #[arg(long, value_name = "N", default_value_t = frontline_analysis::posterior::SEEDS_PER_SET)]
    pub(crate) seeds_per_set: u64,
}

impl PosteriorArgs {
    /// The posterior request.
    pub(crate) fn request(&self) -> frontline_analysis::posterior::PosteriorRequest {
        use frontline_analysis::posterior::{PosteriorChoice, PosteriorRequest};
        let choice = match (&self.posterior, self.no_posterior) {
            (_, true) => PosteriorChoice::Off,
            (Some(p), false) => PosteriorChoice::File(p.clone()),
            (None, false) => PosteriorChoice::Scenario,
        };
        PosteriorRequest { choice, seeds_per_set: self.seeds_per_set }
    }
}

/// Table formats.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum TableFormat {
    /// Apache Parquet.
    Parquet,
    /// Comma-separated values.
    Csv,
}

impl From<TableFormat> for Format {
    fn from(f: TableFormat) -> Format {
        match f {
            TableFormat::Parquet => Format::Parquet,
            TableFormat::Csv => Format::Csv,
        }
    }
}

/// Sweep designs.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum SweepMethodArg {
    /// Latin hypercube.
    Lhs,
    /// Full grid.
    Grid,
}

/// Calibration methods.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum CalibrateMethodArg {
    /// Latin hypercube, ranked.
    Lhs,
    /// Full grid, ranked.
    Grid,
    /// Approximate Bayesian computation: rejection on Latin-hypercube prior draws; writes posterior.csv.
    Abc,
}

impl From<SweepMethodArg> for SweepMethod {
    fn from(m: SweepMethodArg) -> SweepMethod {
        match m {
            SweepMethodArg::Lhs => SweepMethod::Lhs,
            SweepMethodArg::Grid => SweepMethod::Grid,
        }
    }
}

/// Sensitivity methods.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum SensitivityMethodArg {
    /// Morris elementary effects.
    Morris,
    /// Sobol indices.
    Sobol,
}

impl From<SensitivityMethodArg> for SensitivityMethod {
    fn from(m: SensitivityMethodArg) -> SensitivityMethod {
        match m {
            SensitivityMethodArg::Morris => SensitivityMethod::Morris,
            SensitivityMethodArg::Sobol => SensitivityMethod::Sobol,
        }
    }
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
    #[arg(long, value_enum, default_value_t = TableFormat::Parquet)]
    pub(crate) format: TableFormat,
    /// Print nothing but errors.
    #[arg(long, short)]
    pub(crate) quiet: bool,
    /// Finish an interrupted job in DIR, reusing the runs it completed.
    #[arg(long, conflicts_with = "force")]
    pub(crate) resume: bool,
    /// Replace what DIR holds of a previous job (its kept runs in DIR/.runs/ too) instead of
    /// refusing it; a folder that is not a Frontline output is refused all the same.
    #[arg(long)]
    pub(crate) force: bool,
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
    pub(crate) fn interruption(&self) -> Option<Interruption> {
        match (self.stop_after_batches, self.hold_after_batches) {
            (Some(k), _) => Some(Interruption { after_batches: k, action: InterruptAction::Stop }),
            (None, Some(k)) => Some(Interruption { after_batches: k, action: InterruptAction::Hold }),
            (None, None) => None,
        }
    }
}

/// Map options shared by `run` and `ensemble`.
#[derive(clap::Args, Debug, Clone, Default)]
pub(crate) struct MapArgs {
    /// Date of a map (repeatable; default: the first date, the scenario's key dates and the last date). The
    /// map shows the state at the last tick on or before it.
    #[arg(long = "map-date", value_name = "YYYY-MM-DD")]
    pub(crate) dates: Vec<String>,
    /// Write no maps.
    #[arg(long)]
    pub(crate) no_maps: bool,
}

impl MapArgs {
    /// The view options of a run or an ensemble.
    pub(crate) fn views(&self, no_report: bool) -> frontline_analysis::simulation::Views {
        frontline_analysis::simulation::Views {
            map_dates: self.dates.clone(),
            no_maps: self.no_maps,
            no_report,
            uncertainty: None,
            explanation: None,
        }
    }
}

/// `out/<scenario file stem>` for runs, `out/<stem>-<command>` otherwise.
pub(crate) fn default_out(scenario: &Path, command: &str) -> PathBuf {
    let stem = scenario.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "run".into());
    PathBuf::from("out").join(if command == "run" { stem } else { format!("{stem}-{command}") })
}

/// A progress bar with rate and ETA on a terminal; hidden otherwise.
pub(crate) struct Bar(ProgressBar);

impl Bar {
    pub(crate) fn new() -> Bar {
        Bar(ProgressBar::hidden())
    }
}

impl ProgressSink for Bar {
    fn start(&self, total: u64, unit: &str) {
        self.0.set_length(total);
        self.0.set_position(0);
        if std::io::stderr().is_terminal() {
            self.0.set_draw_target(ProgressDrawTarget::stderr());
            self.0.set_style(
                ProgressStyle::with_template(&format!(
                    "{{spinner}} {unit} [{{bar:30}}] {{pos}}/{{len}} {{per_sec}} ETA {{eta}}"
                ))
                .expect("valid template")
                .progress_chars("=> "),
            );
        }
    }
    fn advance(&self, n: u64) {
        self.0.inc(n);
    }
    fn finish(&self) {
        self.0.finish_and_clear();
    }
}

/// A job in `dir` with these options.
pub(crate) fn job<'a>(dir: &'a Path, args: &JobArgs, bar: &'a Bar) -> Job<'a> {
    Job {
        dir,
        resume: args.resume,
        interruption: args.interrupt.interruption(),
        progress: bar,
        placement: Default::default(),
    }
}
