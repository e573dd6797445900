//! End-to-end tests of ensemble, compare, sweep and sensitivity through the
//! binary: determinism across thread counts, resume after a job stopped at an
//! exact batch (and after a real kill), and clear errors for bad arguments.

mod common;

use common::*;
use std::path::Path;

#[test]
fn ensemble_is_byte_identical_for_one_and_many_threads() {
    let (a, b) = (tmp("t1"), tmp("t2"));
    for (dir, threads) in [(&a, "1"), (&b, "2")] {
        let o = run(&[
            "ensemble",
            s(&example()),
            "--runs",
            "300",
            "--threads",
            threads,
            "--out",
            dir.to_str().unwrap(),
            "-q",
        ]);
        assert!(o.status.success(), "{}", stderr(&o));
    }
    assert_eq!(tables(&a), tables(&b));
    let m: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(a.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(m["runs"], 300);
    assert!(m["scenario_hash"].as_str().unwrap().starts_with("sha256:"));
}

#[test]
fn ensemble_draws_probability_maps_for_actors_that_hold_ground() {
    let dir = tmp("ens-maps");
    let o = run(&[
        "ensemble",
        s(&example()),
        "--runs",
        "40",
        "--map-date",
        "2015-01-01",
        "--out",
        dir.to_str().unwrap(),
        "-q",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let maps = dir.join("maps");
    assert!(maps.join("probability-isis-2014-12-28.svg").is_file());
    assert!(maps.join("probability-gov-2014-12-28.svg").is_file());
    assert!(!maps.join("probability-us-2014-12-28.svg").exists(), "the US holds no region: no map");
    let html = std::fs::read_to_string(dir.join("report.html")).unwrap();
    assert!(html.contains("insurgents_take_city") && html.contains("Regions held (mean, 5–95 % band)"));
    assert!(dir.join("plots/regions_held.svg").is_file() && dir.join("plots/fighters.svg").is_file());
    let geo: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(maps.join("probability-2014-12-28.geojson")).unwrap()).unwrap();
    for f in geo["features"].as_array().unwrap() {
        let p = &f["properties"];
        let total: f64 = ["p_gov", "p_isis", "p_militias", "p_tribes", "p_us", "p_patron"]
            .iter()
            .filter_map(|k| p[*k].as_f64())
            .sum();
        assert!(total <= 1.0 + 1e-9, "probabilities of one region sum to at most 1: {p}");
    }
}

#[test]
fn backtest_scores_the_ensemble_against_a_history_and_rejects_bad_ones() {
    let dir = tmp("backtest");
    std::fs::create_dir_all(&dir).unwrap();
    let history = dir.join("history.csv");
    std::fs::write(&history, "date,region,controller\n2014-10-01,city,isis\n2014-06-01,capital,gov\n").unwrap();
    let out = dir.join("out");
    let o = run(&[
        "backtest",
        s(&example()),
        "--history",
        history.to_str().unwrap(),
        "--actor",
        "isis",
        "--runs",
        "60",
        "--out",
        out.to_str().unwrap(),
        "--format",
        "csv",
    ]);
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout.contains("P(isis holds): Brier") && stdout.contains("skill"), "{stdout}");
    assert!(stdout.contains("2 regions × 5 month ends"), "June to October 2014: {stdout}");
    let csv = std::fs::read_to_string(out.join("backtest.csv")).unwrap();
    assert!(csv.starts_with("date,region,region_name,actor,observed,probability,brier,naive,brier_naive"));
    assert_eq!(csv.lines().count(), 1 + 2 * 5);
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap();
    assert!(manifest["scores"][0]["brier"].as_f64().unwrap() >= 0.0);

    std::fs::write(&history, "date,region,controller\n2014-10-01,cty,isis\n").unwrap();
    let o = run(&[
        "backtest",
        s(&example()),
        "--history",
        history.to_str().unwrap(),
        "--out",
        dir.join("bad").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("history.csv:2: unknown region `cty` (did you mean `city`?)"), "{}", stderr(&o));
    assert!(!dir.join("bad").exists(), "nothing written for a bad history");

    std::fs::write(&history, "date,region,controller\n2010-01-01,city,isis\n").unwrap();
    let o = run(&[
        "backtest",
        s(&example()),
        "--history",
        history.to_str().unwrap(),
        "--out",
        dir.join("old").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("nothing to score"), "{}", stderr(&o));
}

#[test]
fn calibrate_backtests_a_sample_of_the_uncertain_parameters() {
    let dir = tmp("calibrate");
    std::fs::create_dir_all(&dir).unwrap();
    let history = dir.join("history.csv");
    std::fs::write(&history, "date,region,controller\n2014-10-01,city,isis\n2014-06-01,capital,gov\n").unwrap();
    let out = dir.join("out");
    let o = run(&[
        "calibrate",
        s(&example()),
        "--history",
        history.to_str().unwrap(),
        "--actor",
        "isis",
        "--samples",
        "8",
        "--runs-per-point",
        "5",
        "--out",
        out.to_str().unwrap(),
        "--format",
        "csv",
    ]);
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout.contains("Best points") && stdout.contains("Spearman"), "{stdout}");
    let csv = std::fs::read_to_string(out.join("calibration.csv")).unwrap();
    let header = csv.lines().next().unwrap();
    assert!(
        header.starts_with("point,") && header.contains("distrust") && header.ends_with("brier_isis,skill_isis"),
        "{header}"
    );
    assert_eq!(csv.lines().count(), 1 + 8);
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap();
    let best = manifest["best"][0]["mean_brier"].as_f64().unwrap();
    let all: Vec<f64> = csv.lines().skip(1).map(|l| l.split(',').nth_back(1).unwrap().parse().unwrap()).collect();
    assert_eq!(best, all.iter().copied().fold(f64::INFINITY, f64::min), "the best point has the lowest Brier");
    assert!(!out.join(".runs").exists(), "checkpoints removed once the table is written");
}

#[test]
fn compare_sweep_and_backtest_are_byte_identical_for_one_and_two_threads() {
    let dir = tmp("threads");
    std::fs::create_dir_all(&dir).unwrap();
    let history = dir.join("history.csv");
    std::fs::write(&history, "date,region,controller\n2014-10-01,city,isis\n").unwrap();
    let jobs: Vec<(Vec<String>, &str)> = vec![
        (
            ["compare", s(&example()), "--arm", s(&variant("arm-tribes.toml")), "--runs", "150", "--no-report"]
                .map(String::from)
                .to_vec(),
            "compare.parquet",
        ),
        (
            ["sweep", s(&example()), "--samples", "20", "--runs-per-point", "4"].map(String::from).to_vec(),
            "sweep.parquet",
        ),
        (
            ["backtest", s(&example()), "--history", history.to_str().unwrap(), "--runs", "150"]
                .map(String::from)
                .to_vec(),
            "backtest.parquet",
        ),
    ];
    for (i, (args, table)) in jobs.iter().enumerate() {
        let bytes: Vec<Vec<u8>> = ["1", "2"]
            .iter()
            .map(|threads| {
                let out = dir.join(format!("{i}-{threads}"));
                let mut a: Vec<&str> = args.iter().map(String::as_str).collect();
                a.extend(["--threads", threads, "--out", out.to_str().unwrap(), "-q"]);
                let o = run(&a);
                assert!(o.status.success(), "{a:?}: {}", stderr(&o));
                std::fs::read(out.join(table)).unwrap()
            })
            .collect();
        assert_eq!(bytes[0], bytes[1], "{table}");
    }
}

#[test]
fn civil_violence_sensitivity_ranks_the_ranged_parameters() {
    let ex = civil_example().display().to_string();
    let dir = tmp("civil-sens");
    let o = run(&[
        "sensitivity",
        &ex,
        "--range",
        "legitimacy=0.6:0.95",
        "--range",
        "max_jail_term=15:30",
        "--samples",
        "4",
        "--runs-per-point",
        "1",
        "--set",
        "steps=60",
        "--format",
        "csv",
        "--out",
        dir.to_str().unwrap(),
        "-q",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let csv = std::fs::read_to_string(dir.join("sensitivity.csv")).unwrap();
    assert_eq!(csv.lines().count(), 1 + 2, "{csv}");
    assert!(csv.contains("legitimacy") && csv.contains("max_jail_term"));
    let o = run(&["sensitivity", &ex, "--range", "legitimacy=0.6:0.9", "--outcome", "riots"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("unknown civil-violence outcome `riots`; use one of mean_active_after_50"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn civil_violence_compare_reports_paired_differences_of_its_statistics() {
    let ex = civil_example().display().to_string();
    let dir = tmp("civil-compare");
    std::fs::create_dir_all(&dir).unwrap();
    let arm = dir.join("illegitimate.toml");
    std::fs::write(&arm, "[parameters]\nlegitimacy = 0.6\n").unwrap();
    let out = dir.join("out");
    let o = run(&[
        "compare",
        &ex,
        "--arm",
        arm.to_str().unwrap(),
        "--runs",
        "12",
        "--set",
        "steps=80",
        "--format",
        "csv",
        "--out",
        out.to_str().unwrap(),
        "-q",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let csv = std::fs::read_to_string(out.join("compare.csv")).unwrap();
    assert_eq!(csv.lines().count(), 1 + 4 * 2, "four statistics × two arms\n{csv}");
    // Less legitimacy, more arrests (Epstein 2002): the paired difference is above 0.
    let line = csv.lines().find(|l| l.starts_with("arrests_per_citizen,illegitimate")).unwrap();
    let low: f64 = line.split(',').nth_back(1).unwrap().parse().unwrap();
    assert!(low > 0.0, "{line}");
    assert!(out.join("report.html").is_file());
}

#[test]
fn ensemble_summary_reports_probabilities_with_intervals() {
    let dir = tmp("summary");
    let o = run(&["ensemble", s(&example()), "--runs", "200", "--out", dir.to_str().unwrap()]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(out.contains("insurgents_take_city") && out.contains("%  ["), "{out}");
}

/// Runs `args` (with `--out dir`) with `--hold-after-batches K`, waits for
/// its K batches whose names start with `prefix` in `dir/.runs/` and kills it
/// hard (SIGKILL: no handler runs, the dead job's lock file stays). The job
/// holds after its K-th batch, so it can neither finish first nor write one
/// more: the state killed is exact.
fn kill_after_batches(args: &[String], dir: &Path, prefix: &str, batches: usize) {
    let mut job = Running::start(bin().args(args).args(["--hold-after-batches", &batches.to_string()]));
    wait_for_batches(&mut job, dir, prefix, batches);
    assert!(job.is_running(), "a holding job waits to be killed");
    let status = job.kill();
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        assert_eq!(status.signal(), Some(9), "killed by SIGKILL, not ended by itself: {status}");
    }
    #[cfg(not(unix))]
    assert!(!status.success(), "{status}");
    assert_eq!(batch_files(dir, prefix).len(), batches, "the kill found exactly {batches} batches");
}

/// Runs `args` (with `--out dir`) with `--stop-after-batches K`: the job must
/// stop by itself with exit code 3, leaving exactly K batches whose names
/// start with `prefix`, as a kill after them would.
fn stop_after_batches(args: &[String], dir: &Path, prefix: &str, batches: usize) {
    let o = output(bin().args(args).args(["--stop-after-batches", &batches.to_string()]));
    assert_eq!(o.status.code(), Some(3), "a job told to stop exits with 3: {}", stderr(&o));
    assert!(stderr(&o).contains("--resume"), "{}", stderr(&o));
    assert_eq!(batch_files(dir, prefix).len(), batches, "exactly {batches} batches are written");
}

/// How a test interrupts its job after two batches.
#[derive(Clone, Copy)]
enum Interrupt {
    /// `--stop-after-batches 2`: the job stops itself (exit code 3).
    Stop,
    /// `--hold-after-batches 2` and SIGKILL: a real kill, at a known point.
    Kill,
}

/// Interrupts `args` after two batches, checks that the job wrote none of
/// `files`, that a rerun without `--resume` is refused and that one with it
/// finishes; returns the finished directory's `files` (to compare with an
/// uninterrupted job's).
fn interrupt_and_resume(
    how: Interrupt,
    args: impl Fn(&Path) -> Vec<String>,
    dir: &Path,
    prefix: &str,
    files: &[&str],
) -> Vec<Vec<u8>> {
    match how {
        Interrupt::Stop => stop_after_batches(&args(dir), dir, prefix, 2),
        Interrupt::Kill => kill_after_batches(&args(dir), dir, prefix, 2),
    }
    for f in files {
        assert!(!dir.join(f).exists(), "a killed job must not have written {f}");
    }
    let o = output(bin().args(args(dir)));
    assert_eq!(o.status.code(), Some(2), "a rerun without --resume is refused");
    assert!(stderr(&o).contains("--resume"), "{}", stderr(&o));
    let o = output(bin().args(args(dir)).arg("--resume"));
    assert!(o.status.success(), "{}", stderr(&o));
    files.iter().map(|f| std::fs::read(dir.join(f)).unwrap()).collect()
}

#[test]
fn killed_ensemble_resumes_to_identical_tables() {
    let args = |dir: &Path| {
        strings(&[
            "ensemble",
            s(&example()),
            "--runs",
            "640",
            "--set",
            "scenario.ticks=30",
            "--out",
            dir.to_str().unwrap(),
            "-q",
        ])
    };
    let (killed, whole) = (tmp("killed"), tmp("whole"));
    let files: Vec<String> = TABLES.iter().map(|t| format!("{t}.parquet")).collect();
    let files: Vec<&str> = files.iter().map(String::as_str).collect();
    let resumed = interrupt_and_resume(Interrupt::Kill, args, &killed, "batch-", &files);
    let o = output(bin().args(args(&whole)));
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(resumed, tables(&whole));
}

#[test]
fn killed_compare_resumes_to_an_identical_table_and_cleans_up() {
    let args = |dir: &Path| {
        strings(&[
            "compare",
            s(&example()),
            "--arm",
            s(&variant("arm-tribes.toml")),
            "--runs",
            "384",
            "--set",
            "scenario.ticks=30",
            "--outcome",
            "controls(isis, city) at end",
            "--out",
            dir.to_str().unwrap(),
            "-q",
        ])
    };
    let (killed, whole) = (tmp("compare-killed"), tmp("compare-whole"));
    let resumed = interrupt_and_resume(Interrupt::Stop, args, &killed, "rows-", &["compare.parquet"]);
    assert!(!killed.join(".runs").exists(), "a finished compare removes its checkpoints");
    let o = output(bin().args(args(&whole)));
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(resumed, vec![std::fs::read(whole.join("compare.parquet")).unwrap()]);
    // With the checkpoints gone, the directory takes another job.
    let o = run(&[
        "compare",
        s(&example()),
        "--arm",
        s(&variant("no-airstrikes.toml")),
        "--runs",
        "20",
        "--out",
        whole.to_str().unwrap(),
        "-q",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
}

#[test]
fn killed_sweep_resumes_to_an_identical_table() {
    let args = example_sweep_args;
    let (killed, whole) = (tmp("sweep-killed"), tmp("sweep-whole"));
    let resumed = interrupt_and_resume(Interrupt::Stop, args, &killed, "rows-", &["sweep.parquet"]);
    let o = output(bin().args(args(&whole)));
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(resumed, vec![std::fs::read(whole.join("sweep.parquet")).unwrap()]);
}

#[test]
fn resume_refuses_a_different_job() {
    let dir = tmp("other-job");
    assert!(run(&["ensemble", s(&example()), "--runs", "20", "--out", dir.to_str().unwrap(), "-q"]).status.success());
    let o = run(&[
        "ensemble",
        s(&example()),
        "--runs",
        "20",
        "--seed",
        "9",
        "--out",
        dir.to_str().unwrap(),
        "--resume",
        "-q",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("different job"), "{}", stderr(&o));
}

#[test]
fn compare_reports_arms_and_paired_differences() {
    let dir = tmp("compare");
    let o = run(&[
        "compare",
        s(&example()),
        "--arm",
        s(&variant("arm-tribes.toml")),
        "--runs",
        "200",
        "--outcome",
        "controls(isis, city) by 2015-05-31",
        "--outcome",
        "strength(isis_fighters) at end",
        "--out",
        dir.to_str().unwrap(),
        "--format",
        "csv",
    ]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(out.contains("baseline") && out.contains("arm-tribes") && out.contains("Δ vs baseline"), "{out}");
    let csv = std::fs::read_to_string(dir.join("compare.csv")).unwrap();
    assert!(csv.starts_with("outcome,arm,estimate,ci_low,ci_high,difference,difference_ci_low,difference_ci_high"));
    // Arming the tribes lowers the chance the city falls: the difference's interval lies below 0.
    let line = csv.lines().find(|l| l.contains("by 2015-05-31") && l.contains("arm-tribes")).unwrap();
    let hi: f64 = line.rsplit(',').next().unwrap().parse().unwrap();
    assert!(hi < 0.0, "{line}");
    // The report shows the same numbers, with a forest plot per outcome.
    let html = std::fs::read_to_string(dir.join("report.html")).unwrap();
    let cells: Vec<&str> = line.split(',').collect();
    let diff: f64 = cells[cells.len() - 3].parse().unwrap();
    assert!(html.contains(&format!("{diff:+.3}")), "the report shows Δ = {diff:+.3}");
    // One forest plot with every outcome (a dot per outcome and arm), on an axis.
    assert_eq!(html.matches("class=\"estimate\"").count(), 2, "every outcome in the forest plot");
    assert!(html.contains("difference (probability or mean, arm − baseline)"), "the forest plot's axis title");
    // Maps per arm and of the difference, and the arms' regions held overlaid.
    assert!(html.contains("Maps per arm and of the difference") && html.contains("ΔP("));
    assert!(html.contains("Regions held per arm"));
    let png = std::fs::read(dir.join("plots/compare-regions_held.png")).unwrap();
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    let size =
        (u32::from_be_bytes(png[16..20].try_into().unwrap()), u32::from_be_bytes(png[20..24].try_into().unwrap()));
    let svg = std::fs::read_to_string(dir.join("plots/compare-regions_held.svg")).unwrap();
    assert!(svg.contains("width=\"900\""));
    assert_eq!(size.0, 1800, "the PNG is twice the SVG's width");
    let maps: Vec<String> = std::fs::read_dir(dir.join("maps"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(maps.iter().any(|f| f.contains("-minus-baseline-") && f.ends_with(".png")), "{maps:?}");
    assert!(dir.join("view.json").exists(), "the viewer's compare maps");
}

#[test]
fn sweep_and_sensitivity_run_on_the_example() {
    let dir = tmp("sweep");
    let o = run(&[
        "sweep",
        s(&example()),
        "--samples",
        "8",
        "--runs-per-point",
        "4",
        "--out",
        dir.to_str().unwrap(),
        "--format",
        "csv",
        "-q",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let csv = std::fs::read_to_string(dir.join("sweep.csv")).unwrap();
    assert!(csv.lines().next().unwrap().contains("distrust"));
    assert_eq!(csv.lines().count(), 9);
    let dir = tmp("sens");
    let o = run(&[
        "sensitivity",
        s(&example()),
        "--method",
        "morris",
        "--samples",
        "4",
        "--runs-per-point",
        "4",
        "--outcome",
        "controls(isis, city) by 2015-05-31",
        "--out",
        dir.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(String::from_utf8_lossy(&o.stdout).contains("μ*"));
}

#[test]
fn bad_arguments_give_clear_errors() {
    let cases: [(&[&str], &str); 5] = [
        (&["ensemble", "EX", "--runs", "0"], "--runs must be at least 1"),
        (&["ensemble", "EX", "--runs", "5", "--threads", "0"], "--threads must be at least 1"),
        (&["compare", "EX", "--arm", "ARM", "--outcome", "controls(isis, city) on 2015-13-01"], "is not a date"),
        (
            &["compare", "EX", "--arm", "ARM", "--outcome", "contrls(isis, city) on 2015-01-01"],
            "unknown function `contrls`",
        ),
        (&["sensitivity", "EX", "--outcome", "strength(army) by 2015-01-01"], "`by DATE` needs a condition"),
    ];
    for (args, message) in cases {
        let args: Vec<String> = args
            .iter()
            .map(|a| a.replace("EX", s(&example())).replace("ARM", s(&variant("arm-tribes.toml"))))
            .collect();
        let o = run(&args.iter().map(String::as_str).collect::<Vec<_>>());
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        assert!(stderr(&o).contains(message), "{args:?}: expected `{message}` in {}", stderr(&o));
    }
}

#[test]
fn regression_every_resumable_command_stops_after_exactly_k_batches_and_resumes_to_identical_tables() {
    let dir = tmp("stop-every");
    let history = dir.join("history.csv");
    std::fs::write(&history, "date,region,controller\n2014-10-01,city,isis\n").unwrap();
    let (ex, arm, hist) =
        (s(&example()).to_string(), s(&variant("arm-tribes.toml")).to_string(), s(&history).to_string());
    let short = ["--set", "scenario.ticks=30", "-q"];
    // Each job has at least two batches, so stopping after one leaves work to resume.
    let jobs: Vec<(&str, Vec<&str>, &str, Vec<&str>)> = vec![
        ("ensemble", vec!["ensemble", &ex, "--runs", "200"], "batch-", TABLES.to_vec()),
        ("backtest", vec!["backtest", &ex, "--history", &hist, "--runs", "200"], "batch-", vec!["backtest"]),
        ("compare", vec!["compare", &ex, "--arm", &arm, "--runs", "100"], "rows-", vec!["compare"]),
        ("sweep", vec!["sweep", &ex, "--samples", "32", "--runs-per-point", "2"], "rows-", vec!["sweep"]),
        (
            "sensitivity",
            vec!["sensitivity", &ex, "--method", "morris", "--samples", "8", "--runs-per-point", "2"],
            "rows-",
            vec!["sensitivity"],
        ),
        (
            "calibrate",
            vec!["calibrate", &ex, "--history", &hist, "--samples", "32", "--runs-per-point", "2"],
            "rows-",
            vec!["calibration"],
        ),
    ];
    for (what, args, prefix, tables) in jobs {
        let read = |out: &Path| -> Vec<Vec<u8>> {
            tables.iter().map(|t| std::fs::read(out.join(format!("{t}.parquet"))).unwrap()).collect()
        };
        let (whole, stopped) = (dir.join(format!("{what}-whole")), dir.join(format!("{what}-stopped")));
        let o = run(&[&args[..], &short[..], &["--out", s(&whole)]].concat());
        assert!(o.status.success(), "{what}: {}", stderr(&o));
        let o = run(&[&args[..], &short[..], &["--out", s(&stopped), "--stop-after-batches", "1"]].concat());
        assert_eq!(o.status.code(), Some(3), "{what}: {}", stderr(&o));
        assert_eq!(batch_files(&stopped, prefix).len(), 1, "{what}: exactly one batch");
        let left: Vec<String> = files(&stopped).into_iter().filter(|f| !f.starts_with(".runs/")).collect();
        assert!(left.is_empty(), "{what}: a stopped job writes nothing but its runs: {left:?}");
        let o = run(&[&args[..], &short[..], &["--out", s(&stopped), "--resume"]].concat());
        assert!(o.status.success(), "{what}: {}", stderr(&o));
        assert!(read(&stopped) == read(&whole), "{what}: the resumed tables differ from the uninterrupted job's");
    }
}

/// Civil-violence jobs used to keep no checkpoints and refuse `--resume`
/// (issue #9): now every multi-run job of every model resumes by the same
/// code. A real kill (SIGKILL after two of three batches) of a civil
/// ensemble, and stops of its compare and sweep, resume to the tables of an
/// uninterrupted job, byte for byte.
#[test]
fn civil_violence_jobs_killed_or_stopped_resume_to_identical_tables() {
    let ex = civil_example().display().to_string();
    let dir = tmp("civil-resume");
    let base = |out: &Path, cmd: &[&str]| -> Vec<String> {
        let mut v = strings(cmd);
        v.extend(strings(&["--set", "steps=60", "--threads", "2", "-q", "--out", s(out)]));
        v
    };
    let ensemble = |out: &Path| base(out, &["ensemble", &ex, "--runs", "300"]);
    let tables = ["counts_summary.parquet", "runs.parquet"];
    let whole = dir.join("ensemble-whole");
    assert!(output(bin().args(ensemble(&whole))).status.success());
    let expected: Vec<Vec<u8>> = tables.iter().map(|t| std::fs::read(whole.join(t)).unwrap()).collect();
    let resumed = interrupt_and_resume(Interrupt::Kill, ensemble, &dir.join("ensemble-killed"), "batch-", &tables);
    assert!(resumed == expected, "the resumed civil ensemble's tables differ from the uninterrupted job's");
    let jobs: [(&str, Vec<&str>, &str); 2] = [
        ("compare", vec!["compare", &ex, "--arm", &ex, "--runs", "150"], "compare.parquet"),
        (
            "sweep",
            vec!["sweep", &ex, "--samples", "40", "--runs-per-point", "1", "--range", "legitimacy=0.7:0.9"],
            "sweep.parquet",
        ),
    ];
    for (what, cmd, table) in jobs {
        let (whole, stopped) = (dir.join(format!("{what}-whole")), dir.join(format!("{what}-stopped")));
        assert!(output(bin().args(base(&whole, &cmd))).status.success(), "{what}");
        stop_after_batches(&base(&stopped, &cmd), &stopped, "rows-", 1);
        let o = output(bin().args(base(&stopped, &cmd)).arg("--resume"));
        assert!(o.status.success(), "{what}: {}", stderr(&o));
        assert_eq!(std::fs::read(stopped.join(table)).unwrap(), std::fs::read(whole.join(table)).unwrap(), "{what}");
    }
}
