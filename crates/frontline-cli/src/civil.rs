//! `frontline run` for scenario files with `model = "civil-violence"`
//! (Epstein's civil violence model, crate `frontline-civil`). Same options,
//! exit codes and output machinery as the theatre model: a `counts` table
//! (+ `snapshots` when `output.snapshot_every > 0`) and manifest.json.

use crate::ScenarioArgs;
use frontline_output::Format;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// True if the scenario file selects the civil-violence model.
pub fn is_civil(path: &Path) -> bool {
    frontline_civil::params::file_selects_model(path)
}

/// Validates a civil-violence scenario (with variants and `--set`).
pub fn validate(args: &ScenarioArgs) -> ExitCode {
    match frontline_civil::load_with_variants(&args.scenario, &args.variants, &args.sets) {
        Ok(l) => {
            let p = &l.scenario.params;
            println!("{}: valid — civil-violence model, {}×{} grid, {} steps", args.scenario.display(), p.width, p.height, l.scenario.steps);
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprint!("{}", e.render(std::io::stderr().is_terminal()));
            ExitCode::from(2)
        }
    }
}

/// SHA-256 of a file, hex (for the manifest).
fn file_hash(path: &Path) -> String {
    use sha2::{Digest, Sha256};
    let bytes = std::fs::read(path).unwrap_or_default();
    Sha256::digest(&bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// Runs a civil-violence scenario: prints a summary, writes the tables.
pub fn run(args: &ScenarioArgs, seed: Option<u64>, out: Option<PathBuf>, format: &str, quiet: bool) -> ExitCode {
    let loaded = match frontline_civil::load_with_variants(&args.scenario, &args.variants, &args.sets) {
        Ok(l) => l,
        Err(e) => {
            eprint!("{}", e.render(std::io::stderr().is_terminal()));
            return ExitCode::from(2);
        }
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
    let mut written = Vec::new();
    for table in &tables {
        match frontline_output::write_table(&dir, table, format) {
            Ok(p) => written.push(p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()),
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::from(1);
            }
        }
    }
    let manifest = serde_json::json!({
        "frontline_version": env!("CARGO_PKG_VERSION"),
        "model": frontline_civil::params::MODEL_NAME,
        "scenario": args.scenario.display().to_string(),
        "scenario_hash": format!("sha256:{}", file_hash(&args.scenario)),
        "name": sc.name,
        "variants": args.variants.iter().map(|v| serde_json::json!({"path": v.display().to_string(), "hash": format!("sha256:{}", file_hash(v))})).collect::<Vec<_>>(),
        "sets": args.sets,
        "seed": seed,
        "steps": sc.steps,
        "snapshot_every": sc.snapshot_every,
        "parameters": sc.params.to_json(),
        "agents": traj.agents,
        "citizens": traj.citizens,
        "format": format.extension(),
        "tables": written,
    });
    if let Err(e) = frontline_output::write_json(&dir.join("manifest.json"), &manifest) {
        eprintln!("error: {e}");
        return ExitCode::from(1);
    }
    if !quiet {
        let c = &traj.counts;
        let last = c.last().copied().unwrap_or_default();
        let peak = c.iter().max_by_key(|x| (x.active, std::cmp::Reverse(x.step))).copied().unwrap_or_default();
        let arrests: u64 = c.iter().map(|x| x.arrests as u64).sum();
        let n = traj.citizens.max(1) as f64;
        println!("{} — civil violence, {}×{}, seed {seed}, {} steps", sc.name, sc.params.width, sc.params.height, sc.steps);
        println!("  agents: {} citizens, {} cops", traj.citizens, traj.agents - traj.citizens);
        println!(
            "  final (step {}): {} active ({:.1}%), {} quiet, {} jailed",
            last.step,
            last.active,
            100.0 * last.active as f64 / n,
            last.quiet,
            last.jailed
        );
        println!("  peak active: {} ({:.1}%) at step {}; arrests: {arrests}", peak.active, 100.0 * peak.active as f64 / n, peak.step);
        let rate = if secs > 0.0 { traj.agents as f64 * sc.steps as f64 / secs } else { f64::INFINITY };
        println!("  simulated in {secs:.3} s ({rate:.3e} agent-steps/s)");
        println!("\nWrote {} tables and manifest.json to {}", written.len(), dir.display());
    }
    ExitCode::SUCCESS
}
