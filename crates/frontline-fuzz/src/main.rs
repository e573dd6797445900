//! `frontline-fuzz`: mutation fuzzing of the scenario loader, the history
//! CSV reader and the GeoJSON reader. See the crate documentation (`lib.rs`)
//! for what it does; `--help` for the options.

use clap::{Parser, ValueEnum};
use frontline_fuzz::campaign::{self, Options};
use frontline_fuzz::case::Target;
use frontline_fuzz::supervisor::{Supervisor, WorkerConfig, default_root, default_scratch};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

#[derive(Debug, Clone, Copy, ValueEnum)]
enum TargetArg {
    Scenario,
    History,
    Geojson,
    All,
}

/// Mutation fuzzer for Frontline's input readers. Exit code 0: no failure;
/// 1: a panic, crash, timeout or broken corpus expectation (each distinct one
/// is printed, its input saved to --crashes); 2: bad usage.
#[derive(Debug, Parser)]
#[command(
    name = "frontline-fuzz",
    after_help = "Examples:\n  frontline-fuzz --seconds 75 --seed 1            (what CI runs)\n  frontline-fuzz --seconds 3600                    (a long run; the seed is printed)\n  frontline-fuzz --replay target/fuzz-crashes/panic-1a2b3c4d.case"
)]
struct Args {
    /// Run for this many seconds (corpus replay included). Default: 60, unless --cases is given.
    #[arg(long)]
    seconds: Option<f64>,
    /// Stop after this many generated cases.
    #[arg(long)]
    cases: Option<u64>,
    /// Seed of the generated cases (default: from the clock, printed).
    #[arg(long)]
    seed: Option<u64>,
    /// The reader to fuzz.
    #[arg(long, value_enum, default_value = "all")]
    target: TargetArg,
    /// Folder of .case files replayed first and mutated (default: the crate's corpus/).
    #[arg(long)]
    corpus: Option<PathBuf>,
    /// Do not replay or use the corpus.
    #[arg(long, conflicts_with = "corpus")]
    no_corpus: bool,
    /// Where failing inputs are saved.
    #[arg(long, default_value = "target/fuzz-crashes")]
    crashes: PathBuf,
    /// Replay these case files (or folders of them) and report each; no fuzzing.
    #[arg(long, num_args = 1..)]
    replay: Vec<PathBuf>,
    /// Longest a case may run, seconds, before it counts as a hang.
    #[arg(long, default_value_t = 10.0)]
    timeout: f64,
    /// Workers running cases at once (each a process).
    #[arg(long, default_value_t = 1)]
    jobs: usize,
    /// The worker's memory limit, MiB (address space; 0: none).
    #[arg(long, default_value_t = 2048)]
    memory_mb: u64,
    /// Longest time spent shrinking each new failing input, seconds.
    #[arg(long, default_value_t = 15.0)]
    shrink_seconds: f64,
    /// The repository root (where scenarios/ and examples/ are).
    #[arg(long)]
    root: Option<PathBuf>,
    /// Scratch folder for the case trees (default: the system's temporary folder).
    #[arg(long)]
    scratch: Option<PathBuf>,
    /// Internal: run as the worker of a campaign.
    #[arg(long, hide = true)]
    worker: bool,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let root = args.root.clone().unwrap_or_else(default_root);
    if args.worker {
        let dir = args.scratch.clone().unwrap_or_else(default_scratch);
        let code = frontline_fuzz::worker::main(&root, &dir, args.memory_mb);
        return ExitCode::from(code as u8);
    }
    let exe = match std::env::current_exe() {
        Ok(e) => e,
        Err(e) => return usage(&format!("cannot find this program's path: {e}")),
    };
    if !(args.timeout > 0.0 && args.timeout.is_finite()) {
        return usage("--timeout must be a positive number of seconds");
    }
    let config = WorkerConfig {
        exe,
        root: root.clone(),
        timeout: Duration::from_secs_f64(args.timeout),
        memory_mb: args.memory_mb,
        scratch: args.scratch.clone().unwrap_or_else(default_scratch),
    };
    let mut sup = Supervisor::new(config);
    if !args.replay.is_empty() {
        return replay(&mut sup, &args.replay);
    }
    let targets = match args.target {
        TargetArg::Scenario => vec![Target::Scenario],
        TargetArg::History => vec![Target::History],
        TargetArg::Geojson => vec![Target::Geojson],
        TargetArg::All => vec![Target::Scenario, Target::History, Target::Geojson],
    };
    let duration = match (args.seconds, args.cases) {
        (Some(s), _) if !(s >= 0.0 && s.is_finite()) => return usage("--seconds must be a number of seconds"),
        (Some(s), _) => Some(Duration::from_secs_f64(s)),
        (None, Some(_)) => None,
        (None, None) => Some(Duration::from_secs(60)),
    };
    let seed = args.seed.unwrap_or_else(|| {
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(1, |d| d.as_secs() % 1_000_000)
    });
    let corpus = if args.no_corpus {
        None
    } else {
        Some(args.corpus.clone().unwrap_or_else(|| root.join("crates/frontline-fuzz/corpus")))
    };
    let opts = Options {
        duration,
        cases: args.cases,
        seed,
        targets,
        corpus,
        crashes: args.crashes.clone(),
        shrink: Duration::from_secs_f64(args.shrink_seconds.max(0.0)),
        jobs: args.jobs.max(1),
    };
    eprintln!("frontline-fuzz: seed {seed} (pass --seed {seed} to repeat), root {}", root.display());
    let started = std::time::Instant::now();
    match campaign::run(&opts, &mut sup, &root, &mut |line| eprintln!("{line}")) {
        Ok(report) => {
            print!("{}", report.summary(seed, started.elapsed()));
            if report.failures.is_empty() { ExitCode::SUCCESS } else { ExitCode::from(1) }
        }
        Err(e) => usage(&e),
    }
}

fn replay(sup: &mut Supervisor, paths: &[PathBuf]) -> ExitCode {
    let mut failed = 0;
    let mut total = 0;
    for p in paths {
        let files = match campaign::case_files(p) {
            Ok(f) => f,
            Err(e) => return usage(&e),
        };
        for file in files {
            let case = match campaign::read_case(&file) {
                Ok(c) => c,
                Err(e) => return usage(&e),
            };
            let outcome = sup.run(&case);
            total += 1;
            let verdict = if outcome.is_failure() { "FAIL" } else { "pass" };
            failed += usize::from(outcome.is_failure());
            println!("{verdict} {}: {}", file.display(), outcome.describe());
        }
    }
    println!("{} passed, {failed} failed", total - failed);
    if failed == 0 { ExitCode::SUCCESS } else { ExitCode::from(1) }
}

fn usage(message: &str) -> ExitCode {
    eprintln!("frontline-fuzz: {message}");
    ExitCode::from(2)
}
