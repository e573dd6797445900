//! The command line as a user meets it (#15, item 7): `--force` and the
//! refusal that names it, `run` replacing its own earlier output, a closed
//! stdout, one `error:` prefix, a grid sweep that would have no points,
//! completions and man pages generated from the definition, and `--json`.

mod common;

use common::*;
use serde_json::Value;
use std::process::Stdio;

fn json_of(o: &std::process::Output) -> Value {
    assert!(o.status.success(), "{}", stderr(o));
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("stdout is one JSON document ({e}): {}", stdout(o)))
}

#[test]
fn force_replaces_a_jobs_folder_and_the_refusal_names_the_folder_and_both_flags() {
    let dir = tmp("force");
    let (example, out) = (example(), dir.join("ens"));
    let args = ["ensemble", s(&example), "--runs", "40", "--set", "scenario.ticks=20", "--out", s(&out), "-q"];
    let o = run(&args);
    assert!(o.status.success(), "{}", stderr(&o));
    let first = tables(&out);

    let o = run(&args);
    assert_eq!(o.status.code(), Some(2), "a second run into the same folder is refused");
    let err = stderr(&o);
    assert!(err.contains(s(&out)) && err.contains("--resume") && err.contains("--force"), "{err}");
    assert_eq!(err.matches("error:").count(), 1, "{err}");

    let o = run(&[&args[..], &["--force"]].concat());
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(tables(&out), first, "the same job again, from scratch: the same tables");

    // Another job's runs in the folder: refused, then replaced with --force.
    let o = run(&["ensemble", s(&example), "--runs", "41", "--out", s(&out), "-q"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--force"), "{}", stderr(&o));
    let o = run(&["ensemble", s(&example), "--runs", "41", "--set", "scenario.ticks=20", "--out", s(&out), "--force"]);
    assert!(o.status.success(), "{}", stderr(&o));

    // `run` into an ensemble's folder: refused (its runs would be lost), replaced with --force.
    let o = run(&["run", s(&example), "--out", s(&out), "-q", "--no-maps", "--no-report"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains(s(&out)) && stderr(&o).contains("--force"), "{}", stderr(&o));
    let o = run(&["run", s(&example), "--out", s(&out), "-q", "--no-maps", "--no-report", "--force"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!out.join(".runs").exists(), "the ensemble's runs are gone");
    assert!(!out.join("control_probability.parquet").exists(), "and its tables");
    assert!(out.join("control.parquet").exists());

    // --force never writes into a folder Frontline did not make.
    let mine = dir.join("mine");
    std::fs::create_dir_all(&mine).unwrap();
    std::fs::write(mine.join("notes.txt"), "mine").unwrap();
    let o = run(&["ensemble", s(&example), "--runs", "5", "--out", s(&mine), "--force"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(files(&mine), ["notes.txt".to_string()].into_iter().collect(), "nothing added, nothing removed");

    let o = run(&["ensemble", s(&example), "--runs", "5", "--out", s(&out), "--force", "--resume"]);
    assert_eq!(o.status.code(), Some(2), "--force and --resume contradict each other");
}

#[test]
fn run_replaces_its_own_earlier_maps_and_tables() {
    let dir = tmp("stale");
    let (example, out) = (example(), dir.join("r"));
    let o = run(&[
        "run",
        s(&example),
        "--seed",
        "1",
        "--map-date",
        "2014-07-01",
        "--map-date",
        "2014-09-01",
        "--format",
        "csv",
        "--out",
        s(&out),
        "-q",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let maps = |files: &std::collections::BTreeSet<String>| -> Vec<String> {
        files.iter().filter(|f| f.starts_with("maps/")).cloned().collect()
    };
    let before = files(&out);
    assert_eq!(maps(&before).len(), 6, "two dates, SVG, PNG and GeoJSON: {before:?}");
    assert!(before.contains("control.csv"));
    let o = run(&["run", s(&example), "--seed", "2", "--map-date", "2014-12-01", "--out", s(&out), "-q"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let now = files(&out);
    assert_eq!(maps(&now).len(), 3, "one date: {now:?}");
    assert!(maps(&now).iter().all(|m| !before.contains(m)), "none of seed 1's maps is left: {now:?}");
    assert!(!now.iter().any(|f| f.ends_with(".csv")), "the csv tables of seed 1 are gone: {now:?}");
    let manifest: Value = serde_json::from_slice(&std::fs::read(out.join("manifest.json")).unwrap()).unwrap();
    let listed: std::collections::BTreeSet<String> =
        manifest["tables"].as_array().unwrap().iter().map(|t| t.as_str().unwrap().to_string()).collect();
    let on_disk: std::collections::BTreeSet<String> =
        now.iter().filter(|f| *f != "manifest.json" && !f.starts_with('.')).cloned().collect();
    assert_eq!(listed, on_disk, "the folder holds exactly what its manifest lists");
}

#[test]
fn a_closed_stdout_ends_quietly() {
    let dir = tmp("pipe");
    let (example, e) = (example(), dir.join("e"));
    for args in [
        vec!["ensemble", s(&example), "--runs", "30", "--set", "scenario.ticks=20", "--out", s(&e)],
        vec!["schema"],
        vec!["man"],
    ] {
        let mut child =
            bin().args(&args).stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
        drop(child.stdout.take()); // the reader is gone before anything is written (`| head -0`)
        let o = child.wait_with_output().unwrap();
        let err = stderr(&o);
        assert!(!err.contains("panicked") && !err.contains("Broken pipe"), "{args:?}: {err}");
        assert_eq!(o.status.code(), Some(0), "{args:?}: {err}");
    }
    assert!(dir.join("e/control_probability.parquet").exists(), "the job's files are written all the same");
}

#[test]
fn errors_carry_one_error_prefix() {
    let dir = tmp("prefix");
    let (example, arm, x) = (example(), variant("arm-tribes.toml"), dir.join("x"));
    let cases: [Vec<&str>; 3] = [
        vec!["compare", s(&example), "--arm", "missing.toml", "--runs", "5"],
        vec!["ensemble", s(&example), "--runs", "5", "--map-date", "2014-13-01"],
        vec!["compare", s(&example), "--arm", s(&arm), "--outcome", "controls(isis, nowhere) by 2015-01-01"],
    ];
    for args in cases {
        let args = [&args[..], &["--out", s(&x)]].concat();
        let o = run(&args);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.starts_with("error: ") && !err.contains("error: error"), "{args:?}: {err}");
    }
}

#[test]
fn a_grid_sweep_that_yields_no_points_is_an_error_that_says_how_to_fix_it() {
    let dir = tmp("grid");
    let (iraq, example, out) = (iraq(), example(), dir.join("sw"));
    let o = run(&["sweep", s(&iraq), "--method", "grid", "--samples", "64", "--runs-per-point", "1", "--out", s(&out)]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("needs at least 2 levels") && err.contains("--method lhs"), "{err}");
    assert!(!out.exists(), "nothing written");

    // The example has few enough parameters: too few samples say how many it takes.
    let o = run(&["sweep", s(&example), "--method", "grid", "--samples", "2", "--out", s(&out)]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("raise --samples to"), "{err}");
}

#[test]
fn completions_and_man_pages_are_generated_from_the_command_line() {
    for (shell, marker) in [("bash", "complete -F"), ("zsh", "#compdef frontline"), ("fish", "complete -c frontline")] {
        let o = run(&["completions", shell]);
        let out = stdout(&o);
        assert!(o.status.success(), "{}", stderr(&o));
        assert!(out.contains(marker), "{shell}: {out:.200}");
        for word in ["ensemble", "sensitivity", "force", "resume", "json"] {
            assert!(out.contains(word), "{shell} completes {word}");
        }
    }
    let o = run(&["completions", "tcsh"]);
    assert_eq!(o.status.code(), Some(2));

    let o = run(&["man"]);
    let page = stdout(&o);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(page.contains(".TH frontline 1") && page.contains("ensemble"), "{page:.300}");
    let o = run(&["man", "ensemble"]);
    let page = stdout(&o);
    assert!(page.contains(".TH frontline\\-ensemble 1") || page.contains(".TH frontline-ensemble 1"), "{page:.300}");
    assert!(page.contains("resume") && page.contains("force"), "{page}");
    let o = run(&["man", "nonsense"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("the commands are"), "{}", stderr(&o));
}

#[test]
fn every_command_prints_a_json_summary_with_json() {
    let dir = tmp("json");
    let ex = example();
    let ex = s(&ex);
    let history = dir.join("history.csv");
    std::fs::write(&history, "date,region,controller\n2014-10-01,city,isis\n2014-06-01,capital,gov\n").unwrap();
    let hist = s(&history);
    let out = |name: &str| dir.join(name).to_string_lossy().into_owned();
    let short = ["--set", "scenario.ticks=20"];

    let v = json_of(&run(&["validate", ex, "--json"]));
    assert_eq!((v["command"].as_str(), v["valid"].as_bool()), (Some("validate"), Some(true)), "{v}");

    let o = run(&[&["run", ex, "--seed", "3", "--json", "--out", &out("run")][..], &short].concat());
    let v = json_of(&o);
    assert_eq!((v["command"].as_str(), v["seed"].as_u64()), (Some("run"), Some(3)), "{v}");
    assert!(v["files"].as_array().unwrap().iter().any(|f| f == "control.parquet"), "{v}");

    let o = run(&[&["ensemble", ex, "--runs", "20", "--json", "--out", &out("ens")][..], &short].concat());
    let v = json_of(&o);
    assert_eq!((v["command"].as_str(), v["runs"].as_u64()), (Some("ensemble"), Some(20)), "{v}");
    assert_eq!(v["out"].as_str(), Some(out("ens").as_str()));
    assert!(v["seconds"].as_f64().is_some());
    // The peak memory the job needed (Linux: VmHWM), what `frontline-bench flagship` reads.
    if cfg!(target_os = "linux") {
        assert!(v["peak_memory_bytes"].as_u64().is_some_and(|b| b > 1 << 20), "{v}");
    }

    let arm = variant("arm-tribes.toml");
    let o =
        run(&[&["compare", ex, "--arm", s(&arm), "--runs", "20", "--json", "--out", &out("cmp")][..], &short].concat());
    let v = json_of(&o);
    let rows = v["rows"].as_array().unwrap();
    assert!(!rows.is_empty() && rows[0]["estimate"].is_number() && rows[0]["interval"].is_array(), "{v}");

    let sweep = ["sweep", ex, "--samples", "8", "--runs-per-point", "2", "--json", "--out", &out("sw")];
    let v = json_of(&run(&[&sweep[..], &short].concat()));
    assert_eq!((v["command"].as_str(), v["points"].as_u64()), (Some("sweep"), Some(8)), "{v}");
    assert!(v["outcomes"][0]["median"].is_number(), "{v}");

    let sens = ["sensitivity", ex, "--samples", "3", "--runs-per-point", "2", "--json", "--out", &out("sens")];
    let v = json_of(&run(&[&sens[..], &short].concat()));
    assert_eq!(v["method"].as_str(), Some("morris"), "{v}");
    assert!(v["indices"][0]["mu_star"].is_number() && v["indices"][0]["parameter"].is_string(), "{v}");

    let bt = ["backtest", ex, "--history", hist, "--actor", "isis", "--runs", "20", "--json", "--out", &out("bt")];
    let v = json_of(&run(&bt));
    assert_eq!(v["tests"][0]["actor"].as_str(), Some("isis"), "{v}");
    assert!(v["tests"][0]["brier"].is_number(), "{v}");

    let cal =
        ["calibrate", ex, "--history", hist, "--samples", "4", "--runs-per-point", "2", "--json", "--out", &out("cal")];
    let v = json_of(&run(&cal));
    assert_eq!((v["command"].as_str(), v["points"].as_u64()), (Some("calibrate"), Some(4)), "{v}");
    assert!(v["best"][0]["values"].is_object(), "{v}");

    let v = json_of(&run(&["schema", "--json"]));
    assert!(v.get("$schema").is_some() || v.get("properties").is_some(), "the schema itself");
    let v = json_of(&run(&["completions", "bash", "--json"]));
    assert!(v["script"].as_str().unwrap().contains("frontline"));

    let o = run(&["ensemble", ex, "--runs", "5", "--json", "-q", "--out", &out("quiet")]);
    assert!(o.status.success() && o.stdout.is_empty(), "--quiet prints nothing, even with --json");
}

/// The tables of #15 item 4, as CSV (what pandas, polars and DuckDB read
/// alike): every (date, region, controller) of control_probability, zeros
/// included; metrics with separate key columns; groups beside forces.
#[test]
fn ensemble_and_run_tables_load_right() {
    let dir = tmp("tables");
    let (ex, ens) = (example(), dir.join("ens"));
    let o = run(&[
        "ensemble",
        s(&ex),
        "--runs",
        "30",
        "--format",
        "csv",
        "--out",
        s(&ens),
        "-q",
        "--no-maps",
        "--no-report",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let cp = std::fs::read_to_string(ens.join("control_probability.csv")).unwrap();
    let rows: Vec<Vec<&str>> = cp.lines().skip(1).map(|l| l.split(',').collect()).collect();
    let dates: std::collections::BTreeSet<&str> = rows.iter().map(|r| r[0]).collect();
    let regions: std::collections::BTreeSet<&str> = rows.iter().map(|r| r[1]).collect();
    let controllers: std::collections::BTreeSet<&str> = rows.iter().map(|r| r[2]).collect();
    assert_eq!(regions.len(), 6);
    assert_eq!(controllers.len(), 7, "six actors and nobody (empty): {controllers:?}");
    assert_eq!(rows.len(), dates.len() * regions.len() * controllers.len(), "every row, zeros included");
    assert!(rows.iter().any(|r| r[3] == "0"), "zero rows are there");
    let mut sums = std::collections::BTreeMap::new();
    for r in &rows {
        *sums.entry((r[0], r[1])).or_insert(0.0) += r[3].parse::<f64>().unwrap();
    }
    assert!(sums.values().all(|&p| (p - 1.0).abs() < 1e-9), "each (date, region) sums to 1");

    let metrics = std::fs::read_to_string(ens.join("metrics.csv")).unwrap();
    assert!(metrics.starts_with("date,metric,force,actor,mean,q05,q50,q95\n"), "{metrics:.80}");
    assert!(!metrics.contains(':'), "no packed keys");
    assert!(metrics.lines().any(|l| l.split(',').nth(1) == Some("personnel") && l.split(',').nth(2) == Some("army")));
    assert!(metrics.lines().any(|l| l.starts_with("2014-06-01,regions_held,,isis,")), "{metrics:.400}");

    let (r, runs) = (dir.join("run"), ["run", s(&ex), "--format", "csv", "-q", "--no-maps", "--no-report", "--out"]);
    let o = run(&[&runs[..], &[s(&r)]].concat());
    assert!(o.status.success(), "{}", stderr(&o));
    let forces = std::fs::read_to_string(r.join("forces.csv")).unwrap();
    assert!(forces.starts_with("tick,date,force,actor,region,personnel\n"), "{forces:.80}");
    assert!(forces.lines().skip(1).all(|l| l.rsplit(',').next() != Some("0")), "only rows with people");
    let groups = std::fs::read_to_string(r.join("groups.csv")).unwrap();
    assert!(groups.starts_with("tick,date,force,actor,personnel,equipment,morale,quality,trainees,active_at_start\n"));
    // A group's personnel in `groups` is the sum of its rows in `forces`.
    let total = |date: &str, force: &str| -> f64 {
        forces
            .lines()
            .map(|l| l.split(',').collect::<Vec<_>>())
            .filter(|c| c[1] == date && c[2] == force)
            .map(|c| c[5].parse::<f64>().unwrap())
            .sum()
    };
    for l in groups.lines().skip(1).step_by(17) {
        let c: Vec<&str> = l.split(',').collect();
        let p: f64 = c[4].parse().unwrap();
        assert!((total(c[1], c[2]) - p).abs() <= 1e-6 * p.max(1.0), "{l}");
    }
}
