//! Frontline benchmarks.
//!
//! `cargo run --release -p frontline-bench -- theatre [--runs N] [--regions R] [--forces F] [--ticks T]`
//! `cargo run --release -p frontline-bench -- mechanisms [same options]`
//! `cargo run --release -p frontline-bench -- drivers [same options]`
//!
//! `theatre` times single-threaded `frontline_engine::simulate` on a
//! synthetic theatre (see [`synthetic`]) and, in the same command, on a small
//! peer theatre (10 regions, 4 force groups, same ticks), and reports the
//! ratio of the two per-run times: performance is reported as a ratio against
//! a peer run in the same command. `mechanisms` times the same synthetic
//! theatre with every engine feature of issue #11 off and on, side by side.
//! `drivers` times the synthetic theatre, with every feature off and then
//! on, with driver recording (`simulate_explained`, issue #13) off and on,
//! side by side.
//! `flagship` runs the Iraq flagship's ensemble over its posterior with the
//! release `frontline` binary, as a user would, and reports its wall time
//! and peak memory against the issue #14 targets (10 000 runs under 60 s on
//! 2 cores, under 1 GiB), beside the same ensemble without the posterior in
//! the same command (the posterior's cost as a ratio).
//! See bench/README.md.

mod synthetic;

use frontline_scenario::Model;
use frontline_scenario::diag::{Diagnostics, Sources};
use frontline_scenario::load::build_from_tree;
use frontline_scenario::value::parse_toml;
use std::hint::black_box;
use std::process::ExitCode;
use std::time::Instant;

/// Target for the default configuration (one year, weekly, 100 regions,
/// 20 force groups), milliseconds per run.
const TARGET_MS: f64 = 2.0;
/// Targets of `mechanisms` in the default configuration: everything on
/// costs at most this many times everything off, and stays under this many
/// milliseconds per run (issue #11).
const MECHANISMS_MAX_RATIO: f64 = 2.0;
const MECHANISMS_TARGET_MS: f64 = 2.5;
/// Target of `drivers`: recording drivers costs at most this share (issue #13).
const DRIVERS_MAX_COST: f64 = 0.15;
/// Targets of `flagship` (issue #14): 10 000 posterior runs of the Iraq
/// flagship in under this many seconds on 2 cores, in under this much memory.
const FLAGSHIP_RUNS: usize = 10_000;
const FLAGSHIP_TARGET_S: f64 = 60.0;
const FLAGSHIP_TARGET_BYTES: u64 = 1 << 30;
const FLAGSHIP_SCENARIO: &str = "scenarios/iraq/scenario.toml";
const PEER_REGIONS: usize = 10;
const PEER_FORCES: usize = 4;

const USAGE: &str = "\
usage: frontline-bench theatre [--runs N] [--regions R] [--forces F] [--ticks T] [--warmup W] [--no-peer] [--dump]
       frontline-bench mechanisms [--runs N] [--regions R] [--forces F] [--ticks T] [--warmup W] [--dump]
       frontline-bench drivers [--runs N] [--regions R] [--forces F] [--ticks T] [--warmup W]
       frontline-bench flagship [--runs N] [--threads T] [--no-peer]

theatre: times single-threaded runs of the engine on a synthetic theatre
with seeds 0..N, after a warm-up, and the same runs on a peer theatre of 10
regions and 4 force groups (same ticks), interleaved; prints mean, median and
p95 ms per run, runs/s and the ratio of per-run times.

mechanisms: times the same synthetic theatre with every engine feature
(manpower, deterrence, conscription, momentum, payroll, economy, training
pipeline, experience, reassembly, planning) off and on, interleaved, and
prints both and their ratio (--dump prints the overlay that switches them on).

flagship: runs `frontline ensemble scenarios/iraq/scenario.toml --runs N`
(default 10000) with the release binary next to this one, over the
scenario's posterior and then with --no-posterior, and prints each one's
wall time, runs/s and peak memory, their ratio, and the issue #14 targets
(< 60 s and < 1 GiB for 10000 runs). Run it from the repository root.

options:
  --threads T    worker threads of the flagship ensemble (default: all cores)
  --runs N       timed runs per theatre (default 200)
  --regions R    regions of the measured theatre (default 100)
  --forces F     force groups of the measured theatre (default 20)
  --ticks T      weekly ticks (default 52; 187 for the long benchmark)
  --warmup W     untimed runs per theatre first (default: min(20, N))
  --no-peer      skip the peer theatre
  --dump         print the generated scenario TOML and exit";

/// Which benchmark.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Bench {
    Theatre,
    Mechanisms,
    Drivers,
    Flagship,
}

struct Args {
    bench: Bench,
    runs: usize,
    regions: usize,
    forces: usize,
    ticks: u32,
    warmup: Option<usize>,
    peer: bool,
    dump: bool,
    threads: Option<usize>,
}

fn parse_args(argv: &[String]) -> Result<Args, String> {
    let mut a = Args {
        bench: Bench::Theatre,
        runs: 200,
        regions: 100,
        forces: 20,
        ticks: 52,
        warmup: None,
        peer: true,
        dump: false,
        threads: None,
    };
    let mut it = argv.iter();
    match it.next().map(String::as_str) {
        Some("theatre") => {}
        Some("mechanisms") => a.bench = Bench::Mechanisms,
        Some("drivers") => a.bench = Bench::Drivers,
        Some("flagship") => {
            a.bench = Bench::Flagship;
            a.runs = FLAGSHIP_RUNS;
        }
        Some("-h" | "--help") => return Err(String::new()),
        Some(other) => {
            return Err(format!("unknown benchmark `{other}` (available: theatre, mechanisms, drivers, flagship)"));
        }
        None => return Err("no benchmark named (available: theatre, mechanisms, drivers, flagship)".into()),
    }
    fn num<T: std::str::FromStr>(flag: &str, v: Option<&String>) -> Result<T, String> {
        let v = v.ok_or_else(|| format!("{flag} needs a value"))?;
        v.parse().map_err(|_| format!("{flag}: `{v}` is not a valid number"))
    }
    while let Some(arg) = it.next() {
        // Accept both `--runs 10` and `--runs=10`.
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f, Some(v.to_string())),
            _ => (arg.as_str(), None),
        };
        let mut value = || inline.clone().or_else(|| it.next().cloned());
        match flag {
            "--runs" => a.runs = num(flag, value().as_ref())?,
            "--regions" => a.regions = num(flag, value().as_ref())?,
            "--forces" => a.forces = num(flag, value().as_ref())?,
            "--ticks" => a.ticks = num(flag, value().as_ref())?,
            "--warmup" => a.warmup = Some(num(flag, value().as_ref())?),
            "--no-peer" => a.peer = false,
            "--threads" => a.threads = Some(num(flag, value().as_ref())?),
            "--dump" => a.dump = true,
            "-h" | "--help" => return Err(String::new()),
            _ => return Err(format!("unknown option `{arg}`")),
        }
    }
    if a.runs == 0 {
        return Err("--runs must be at least 1".into());
    }
    if a.regions == 0 || a.forces == 0 {
        return Err("--regions and --forces must be at least 1".into());
    }
    if a.ticks == 0 {
        return Err("--ticks must be at least 1".into());
    }
    Ok(a)
}

/// Builds a model from scenario text, as the loader would from a file.
fn build(text: &str) -> Result<Model, String> {
    build_with(text, None)
}

/// Builds a model from scenario text with an optional overlay merged over
/// it, as a variant would be.
fn build_with(text: &str, overlay: Option<&str>) -> Result<Model, String> {
    let mut sources = Sources::new();
    let file = sources.add("synthetic.toml".into(), text.to_string(), None);
    let mut d = Diagnostics::default();
    let Some(mut tree) = parse_toml(text, file, &mut d) else {
        return Err(d.render(&sources, false));
    };
    if let Some(overlay) = overlay {
        let over = sources.add("mechanisms.toml".into(), overlay.to_string(), None);
        let Some(o) = parse_toml(overlay, over, &mut d) else {
            return Err(d.render(&sources, false));
        };
        frontline_scenario::value::merge(&mut tree, o);
    }
    build_from_tree(&tree, &sources).map_err(|d| d.render(&sources, false))
}

/// `mechanisms`: the synthetic theatre with every engine feature off, then
/// on (the overlay of [`synthetic::mechanisms_overlay`]), interleaved.
fn mechanisms(a: &Args) -> Result<(), String> {
    let text = synthetic::synthetic_scenario(a.regions, a.forces, a.ticks);
    let overlay = synthetic::mechanisms_overlay(a.regions, a.forces);
    if a.dump {
        print!("{overlay}");
        return Ok(());
    }
    let off = build(&text)?;
    let on = build_with(&text, Some(&overlay))?;
    println!("frontline-bench mechanisms (single thread, release={})", !cfg!(debug_assertions));
    println!("theatre: {}", describe(&off));
    for (label, m) in [("off", &off), ("on", &on)] {
        let t = frontline_engine::simulate(m, 0);
        let count = |k: &str| t.events.iter().filter(|e| e.kind == k).count();
        println!(
            "sanity {label:<3} (seed 0): {} control changes, {} routs, {} operations launched, {} raised, {:.0} recruited, {:.0} graduated, {:.0} in training, {:.0} killed",
            count("control_change"),
            count("rout"),
            count("operation_launched"),
            count("raise"),
            t.ledger.recruited,
            t.ledger.graduated,
            t.ledger.in_training,
            t.ledger.killed
        );
    }
    let warmup = a.warmup.unwrap_or(a.runs.min(20));
    for seed in 0..warmup as u64 {
        black_box(frontline_engine::simulate(&off, 1_000_000 + seed));
        black_box(frontline_engine::simulate(&on, 1_000_000 + seed));
    }
    let (mut off_ms, mut on_ms) = (Vec::with_capacity(a.runs), Vec::with_capacity(a.runs));
    let wall = Instant::now();
    for seed in 0..a.runs as u64 {
        off_ms.push(timed(&off, seed));
        on_ms.push(timed(&on, seed));
    }
    println!(
        "timed: {} runs per arm, seeds 0..{}, {warmup} warm-up runs, {:.2} s wall",
        a.runs,
        a.runs,
        wall.elapsed().as_secs_f64()
    );
    let (s_off, s_on) = (stats(&off_ms), stats(&on_ms));
    line("off", &s_off);
    line("on", &s_on);
    let ratio = s_on.median / s_off.median;
    println!(
        "ratio on/off: mean {:.2}x   median {ratio:.2}x   min {:.2}x",
        s_on.mean / s_off.mean,
        s_on.min / s_off.min
    );
    if (a.regions, a.forces, a.ticks) == (100, 20, 52) {
        let met = ratio <= MECHANISMS_MAX_RATIO && s_on.median < MECHANISMS_TARGET_MS;
        println!(
            "target: on ≤ {MECHANISMS_MAX_RATIO:.1}x off and < {MECHANISMS_TARGET_MS:.1} ms per run: {} (median on {:.3} ms, {ratio:.2}x)",
            if met { "MET" } else { "MISSED" },
            s_on.median
        );
    }
    Ok(())
}

/// `drivers`: driver recording off and on, interleaved, on the synthetic
/// theatre with every engine feature off and then on.
fn drivers(a: &Args) -> Result<(), String> {
    let text = synthetic::synthetic_scenario(a.regions, a.forces, a.ticks);
    let off = build(&text)?;
    let on = build_with(&text, Some(&synthetic::mechanisms_overlay(a.regions, a.forces)))?;
    println!("frontline-bench drivers (single thread, release={})", !cfg!(debug_assertions));
    println!("theatre: {}", describe(&off));
    let warmup = a.warmup.unwrap_or(a.runs.min(20));
    for (label, m) in [("features off", &off), ("features on", &on)] {
        let t = frontline_engine::simulate_explained(m, 0);
        println!("{label}: {} driver records (seed 0)", t.drivers.len());
        for seed in 0..warmup as u64 {
            black_box(frontline_engine::simulate(m, 1_000_000 + seed));
            black_box(frontline_engine::simulate_explained(m, 1_000_000 + seed));
        }
        let (mut plain, mut explained) = (Vec::with_capacity(a.runs), Vec::with_capacity(a.runs));
        for seed in 0..a.runs as u64 {
            plain.push(timed_with(frontline_engine::simulate, m, seed));
            explained.push(timed_with(frontline_engine::simulate_explained, m, seed));
        }
        let (p, e) = (stats(&plain), stats(&explained));
        line("off", &p);
        line("on", &e);
        let cost = e.median / p.median - 1.0;
        println!(
            "cost of recording ({label}): median {:+.1} %, mean {:+.1} %: target ≤ {:.0} %: {}",
            100.0 * cost,
            100.0 * (e.mean / p.mean - 1.0),
            100.0 * DRIVERS_MAX_COST,
            if cost <= DRIVERS_MAX_COST { "MET" } else { "MISSED" }
        );
    }
    Ok(())
}

/// Per-run times in milliseconds, summarised.
struct Stats {
    mean: f64,
    median: f64,
    p95: f64,
    min: f64,
}

fn stats(ms: &[f64]) -> Stats {
    let mut v = ms.to_vec();
    v.sort_by(f64::total_cmp);
    let n = v.len();
    let median = if n % 2 == 1 { v[n / 2] } else { 0.5 * (v[n / 2 - 1] + v[n / 2]) };
    // Nearest-rank 95th percentile.
    let p95 = v[((0.95 * n as f64).ceil() as usize).clamp(1, n) - 1];
    Stats { mean: v.iter().sum::<f64>() / n as f64, median, p95, min: v[0] }
}

/// One timed run; returns milliseconds. The trajectory is consumed through
/// `black_box` so the run cannot be optimised away.
fn timed(m: &Model, seed: u64) -> f64 {
    timed_with(frontline_engine::simulate, m, seed)
}

/// [`timed`] with the run function given (`simulate` or `simulate_explained`).
fn timed_with(run: fn(&Model, u64) -> frontline_engine::Trajectory, m: &Model, seed: u64) -> f64 {
    let t0 = Instant::now();
    let traj = run(m, seed);
    let dt = t0.elapsed();
    black_box(&traj);
    drop(traj);
    dt.as_secs_f64() * 1e3
}

/// FNV-1a hash of a trajectory's numbers (bit patterns) and events: equal
/// fingerprints before and after an optimisation mean it did not change a
/// single result; a different one means it changed the model's arithmetic.
fn fingerprint(t: &frontline_engine::Trajectory) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut eat = |x: u64| {
        for b in x.to_le_bytes() {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    };
    for series in [&t.personnel, &t.equipment, &t.morale, &t.grievance, &t.support, &t.population, &t.money, &t.threat]
    {
        series.iter().for_each(|x| eat(x.to_bits()));
    }
    t.control.iter().for_each(|&c| eat(c as u64));
    for e in &t.events {
        eat(u64::from(e.tick));
        eat(e.value.to_bits());
    }
    h
}

fn describe(m: &Model) -> String {
    format!(
        "{} regions, {} force groups, {} actors, {} ticks",
        m.regions.len(),
        m.forces.len(),
        m.actors.len(),
        m.ticks
    )
}

fn line(label: &str, s: &Stats) {
    println!(
        "{label:<8} mean {:>8.3} ms   median {:>8.3} ms   p95 {:>8.3} ms   min {:>8.3} ms   {:>9.1} runs/s",
        s.mean,
        s.median,
        s.p95,
        s.min,
        1e3 / s.mean
    );
}

fn theatre(a: &Args) -> Result<(), String> {
    let text = synthetic::synthetic_scenario(a.regions, a.forces, a.ticks);
    if a.dump {
        print!("{text}");
        return Ok(());
    }
    let t0 = Instant::now();
    let model = build(&text)?;
    let build_ms = t0.elapsed().as_secs_f64() * 1e3;
    let peer =
        if a.peer { Some(build(&synthetic::synthetic_scenario(PEER_REGIONS, PEER_FORCES, a.ticks))?) } else { None };

    println!("frontline-bench theatre (single thread, release={})", !cfg!(debug_assertions));
    println!("theatre: {}; scenario {} bytes, parsed and built in {build_ms:.1} ms", describe(&model), text.len());
    if let Some(p) = &peer {
        println!("peer:    {}", describe(p));
    }

    // Sanity: the measured theatre does real work.
    let first = frontline_engine::simulate(&model, 0);
    let changes = first.events.iter().filter(|e| e.kind == "control_change").count();
    let routs = first.events.iter().filter(|e| e.kind == "rout").count();
    println!(
        "sanity (seed 0): {changes} control changes, {routs} routs, {:.0} killed, {:.0} recruited, {:.0} deserted",
        first.ledger.killed,
        first.ledger.recruited,
        first.ledger.deserted_home + first.ledger.deserted_lost
    );
    let mut combined = 0u64;
    for seed in 0..10 {
        combined = combined.rotate_left(7) ^ fingerprint(&frontline_engine::simulate(&model, seed));
    }
    println!("fingerprint (seeds 0..10): {combined:016x}");
    if let Some(p) = &peer {
        let t = frontline_engine::simulate(p, 0);
        let changes = t.events.iter().filter(|e| e.kind == "control_change").count();
        println!(
            "sanity peer (seed 0): {changes} control changes, {:.0} killed, {:.0} recruited",
            t.ledger.killed, t.ledger.recruited
        );
    }

    // Warm-up (caches, branch predictors, allocator, CPU clock).
    let warmup = a.warmup.unwrap_or(a.runs.min(20));
    for seed in 0..warmup as u64 {
        black_box(frontline_engine::simulate(&model, 1_000_000 + seed));
        if let Some(p) = &peer {
            black_box(frontline_engine::simulate(p, 1_000_000 + seed));
        }
    }

    // Timed runs, theatre and peer interleaved so both see the same machine.
    let mut main_ms = Vec::with_capacity(a.runs);
    let mut peer_ms = Vec::with_capacity(a.runs);
    let wall = Instant::now();
    for seed in 0..a.runs as u64 {
        main_ms.push(timed(&model, seed));
        if let Some(p) = &peer {
            peer_ms.push(timed(p, seed));
        }
    }
    let wall_s = wall.elapsed().as_secs_f64();

    println!("timed: {} runs per theatre, seeds 0..{}, {warmup} warm-up runs, {wall_s:.2} s wall", a.runs, a.runs);
    let s = stats(&main_ms);
    line("theatre", &s);
    if !peer_ms.is_empty() {
        let p = stats(&peer_ms);
        line("peer", &p);
        println!(
            "ratio theatre/peer: mean {:.2}x   median {:.2}x   min {:.2}x   ({}r/{}f vs {}r/{}f, {} ticks)",
            s.mean / p.mean,
            s.median / p.median,
            s.min / p.min,
            model.regions.len(),
            model.forces.len(),
            PEER_REGIONS,
            PEER_FORCES,
            a.ticks
        );
    }
    let per_tick_us = s.median * 1e3 / f64::from(a.ticks);
    println!("per tick: {per_tick_us:.2} us (median run / ticks)");
    if (a.regions, a.forces, a.ticks) == (100, 20, 52) {
        let verdict = if s.median < TARGET_MS { "MET" } else { "MISSED" };
        println!(
            "target: < {TARGET_MS:.1} ms per run (100 regions, 20 groups, 52 ticks): {verdict} (median {:.3} ms)",
            s.median
        );
    }
    Ok(())
}

/// What one flagship ensemble cost, from its `--json` summary.
struct JobCost {
    /// Wall seconds of the whole command, start to exit (the process's view).
    wall_s: f64,
    /// Seconds the job reported (first run to last file written).
    job_s: f64,
    /// Peak resident memory, bytes (`peak_memory_bytes`; `None` off Linux).
    peak_bytes: Option<u64>,
}

/// Runs `frontline ensemble` on the flagship once and reads its cost.
fn flagship_job(exe: &std::path::Path, a: &Args, posterior: bool, out: &std::path::Path) -> Result<JobCost, String> {
    let _ = std::fs::remove_dir_all(out);
    let mut cmd = std::process::Command::new(exe);
    cmd.args(["ensemble", FLAGSHIP_SCENARIO, "--runs", &a.runs.to_string(), "--json", "--force", "--out"]).arg(out);
    if !posterior {
        cmd.arg("--no-posterior");
    }
    if let Some(t) = a.threads {
        cmd.args(["--threads", &t.to_string()]);
    }
    let started = Instant::now();
    let o = cmd.output().map_err(|e| format!("cannot start {}: {e}", exe.display()))?;
    let wall_s = started.elapsed().as_secs_f64();
    if !o.status.success() {
        return Err(format!(
            "{} ensemble failed ({}):\n{}",
            exe.display(),
            o.status,
            String::from_utf8_lossy(&o.stderr)
        ));
    }
    let text = String::from_utf8_lossy(&o.stdout);
    let field = |key: &str| -> Option<f64> {
        let at = text.find(&format!("\"{key}\":"))? + key.len() + 3;
        let rest = text[at..].trim_start();
        let end = rest.find(|c: char| !(c.is_ascii_digit() || ".eE+-".contains(c))).unwrap_or(rest.len());
        rest[..end].parse().ok()
    };
    let job_s = field("seconds").ok_or("the --json summary has no `seconds`")?;
    let peak_bytes = field("peak_memory_bytes").map(|b| b as u64);
    let _ = std::fs::remove_dir_all(out);
    Ok(JobCost { wall_s, job_s, peak_bytes })
}

/// `flagship`: the Iraq flagship's posterior ensemble as a user runs it.
fn flagship(a: &Args) -> Result<(), String> {
    let exe = std::env::current_exe()
        .map_err(|e| e.to_string())?
        .with_file_name(format!("frontline{}", std::env::consts::EXE_SUFFIX));
    if !exe.is_file() {
        return Err(format!(
            "{} not found: build it first with `cargo build --release -p frontline-cli` (the benchmark times the release binary next to this one)",
            exe.display()
        ));
    }
    if !std::path::Path::new(FLAGSHIP_SCENARIO).is_file() {
        return Err(format!("{FLAGSHIP_SCENARIO} not found: run the benchmark from the repository root"));
    }
    let threads = a.threads.map_or_else(|| "all".to_string(), |t| t.to_string());
    println!("flagship: {FLAGSHIP_SCENARIO}, {} runs, threads {threads}, {}", a.runs, exe.display());
    let out = std::env::temp_dir().join(format!("frontline-bench-flagship-{}", std::process::id()));
    let show = |label: &str, c: &JobCost| {
        let mem = c.peak_bytes.map_or("n/a".to_string(), |b| format!("{:.0} MiB", b as f64 / (1u64 << 20) as f64));
        println!(
            "  {label:<16} wall {:>7.2} s (job {:>7.2} s)  {:>8.0} runs/s  peak memory {mem}",
            c.wall_s,
            c.job_s,
            a.runs as f64 / c.wall_s
        );
    };
    let post = flagship_job(&exe, a, true, &out)?;
    show("posterior", &post);
    if a.peer {
        let fixed = flagship_job(&exe, a, false, &out)?;
        show("no posterior", &fixed);
        println!("  ratio posterior / no posterior: {:.2}x wall", post.wall_s / fixed.wall_s);
    }
    let scaled = post.wall_s * FLAGSHIP_RUNS as f64 / a.runs as f64;
    let time_ok = scaled < FLAGSHIP_TARGET_S;
    let mem_ok = post.peak_bytes.is_some_and(|b| b < FLAGSHIP_TARGET_BYTES);
    let verdict = |ok: bool| if ok { "MET" } else { "MISSED" };
    let how = if a.runs == FLAGSHIP_RUNS { "measured" } else { "scaled linearly from this run count" };
    println!(
        "target: {FLAGSHIP_RUNS} posterior runs < {FLAGSHIP_TARGET_S:.0} s on 2 cores: {} ({scaled:.1} s, {how})",
        verdict(time_ok)
    );
    println!(
        "target: peak memory < 1 GiB: {}",
        if post.peak_bytes.is_some() { verdict(mem_ok) } else { "not measured (no VmHWM)" }
    );
    Ok(())
}

fn main() -> ExitCode {
    let argv: Vec<String> = std::env::args().skip(1).collect();
    let args = match parse_args(&argv) {
        Ok(a) => a,
        Err(msg) if msg.is_empty() => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(msg) => {
            eprintln!("error: {msg}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let result = match args.bench {
        Bench::Theatre => theatre(&args),
        Bench::Mechanisms => mechanisms(&args),
        Bench::Drivers => drivers(&args),
        Bench::Flagship => match flagship(&args) {
            Ok(()) => return ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::FAILURE;
            }
        },
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: the synthetic scenario does not build:\n{e}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(s: &str) -> Result<Args, String> {
        parse_args(&s.split_whitespace().map(String::from).collect::<Vec<_>>())
    }

    #[test]
    fn parses_defaults_and_flags() {
        let a = args("theatre").unwrap();
        assert_eq!((a.runs, a.regions, a.forces, a.ticks, a.peer), (200, 100, 20, 52, true));
        let a = args("theatre --runs 5 --regions=30 --forces 6 --ticks 187 --no-peer").unwrap();
        assert_eq!((a.runs, a.regions, a.forces, a.ticks, a.peer), (5, 30, 6, 187, false));
        assert!(args("theatre --runs x").is_err());
        assert!(args("theatre --bogus").is_err());
        assert!(args("other").is_err());
        let a = args("flagship").unwrap();
        assert_eq!((a.bench, a.runs, a.threads, a.peer), (Bench::Flagship, FLAGSHIP_RUNS, None, true));
        let a = args("flagship --runs 1000 --threads 2 --no-peer").unwrap();
        assert_eq!((a.runs, a.threads, a.peer), (1000, Some(2), false));
    }

    #[test]
    fn stats_are_right() {
        let s = stats(&(1..=100).map(f64::from).collect::<Vec<_>>());
        assert_eq!((s.mean, s.median, s.p95, s.min), (50.5, 50.5, 95.0, 1.0));
    }
}
