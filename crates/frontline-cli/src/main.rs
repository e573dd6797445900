//! `frontline`: the command-line interface. A thin layer over the scenario,
//! engine and output crates: it parses arguments, reports errors with exit
//! codes, and prints summaries. It holds no model logic.
//!
//! Exit codes: 0 success; 1 runtime failure (e.g. an output file could not
//! be written); 2 invalid input (bad arguments or an invalid scenario).

mod summary;
mod tables;

use clap::{Parser, Subcommand};
use frontline_output::Format;
use frontline_scenario::{load, Overrides};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

const EXAMPLES: &str = "\
Examples:
  frontline validate examples/vicious-circle.toml
  frontline run examples/vicious-circle.toml --seed 7 --out out/vc
  frontline run examples/vicious-circle.toml --variant examples/variants/arm-tribes.toml
  frontline run examples/vicious-circle.toml --set parameters.distrust.value=0.2 --format csv
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
struct ScenarioArgs {
    /// Scenario file (TOML).
    scenario: PathBuf,
    /// Variant overlay file, applied after the scenario (repeatable, in order).
    #[arg(long = "variant", value_name = "FILE")]
    variants: Vec<PathBuf>,
    /// Override any value: PATH=VALUE, e.g. parameters.distrust.value=0.9 (repeatable, applied after variants).
    #[arg(long = "set", value_name = "PATH=VALUE")]
    sets: Vec<String>,
}

#[derive(Subcommand)]
enum Command {
    /// Run one trajectory: print a summary and write tables to --out.
    #[command(after_help = "Tables written: control, forces, attitudes, actors, events (+ manifest.json).\n\nExample:\n  frontline run examples/vicious-circle.toml --seed 3 --out out/run3")]
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
    },
    /// Check a scenario (with variants and --set) and report every problem found.
    #[command(after_help = "Exit code 0 if valid, 2 if not. Nothing is written.\n\nExample:\n  frontline validate examples/vicious-circle.toml --variant examples/variants/arm-tribes.toml")]
    Validate {
        #[command(flatten)]
        scenario: ScenarioArgs,
    },
    /// Print the JSON Schema of the scenario format.
    Schema,
}

fn load_or_report(args: &ScenarioArgs) -> Result<frontline_scenario::Loaded, ExitCode> {
    let overrides = Overrides { variants: args.variants.clone(), sets: args.sets.clone() };
    load(&args.scenario, &overrides).map_err(|e| {
        eprint!("{}", e.render(std::io::stderr().is_terminal()));
        ExitCode::from(2)
    })
}

fn default_out(scenario: &Path) -> PathBuf {
    let stem = scenario.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "run".into());
    PathBuf::from("out").join(stem)
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Schema => {
            println!("{}", serde_json::to_string_pretty(&frontline_scenario::schema()).expect("schema serialises"));
            ExitCode::SUCCESS
        }
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
        Command::Run { scenario, seed, out, format, quiet } => {
            let loaded = match load_or_report(&scenario) {
                Ok(l) => l,
                Err(code) => return code,
            };
            let format: Format = format.parse().expect("clap restricts the values");
            let seed = seed.unwrap_or(loaded.model.seed);
            let traj = frontline_engine::simulate(&loaded.model, seed);
            let dir = out.unwrap_or_else(|| default_out(&scenario.scenario));
            let mut written = Vec::new();
            for table in tables::all(&loaded.model, &traj) {
                match frontline_output::write_table(&dir, &table, format) {
                    Ok(p) => written.push(p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()),
                    Err(e) => {
                        eprintln!("error: {e}");
                        return ExitCode::from(1);
                    }
                }
            }
            let manifest = tables::manifest(&loaded, &scenario.scenario.display().to_string(), seed, format.extension(), &written);
            if let Err(e) = frontline_output::write_json(&dir.join("manifest.json"), &manifest) {
                eprintln!("error: {e}");
                return ExitCode::from(1);
            }
            if !quiet {
                print!("{}", summary::render(&loaded.model, &traj));
                println!("\nWrote {} tables and manifest.json to {}", written.len(), dir.display());
            }
            ExitCode::SUCCESS
        }
    }
}
