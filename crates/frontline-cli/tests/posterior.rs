//! End-to-end tests of posterior sampling: compare's arms share a parameter
//! set per seed, the scenario's own posterior is the default (and
//! `--no-posterior` switches it off), the manifest records it, and a bad
//! posterior is refused with its place before anything runs.

mod common;

use common::*;

fn write(dir: &std::path::Path, name: &str, text: &str) -> std::path::PathBuf {
    std::fs::create_dir_all(dir).unwrap();
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

#[test]
fn compare_arms_share_the_parameter_set_of_each_seed() {
    let dir = tmp("post-compare");
    // Two very different sets; an arm that changes nothing the posterior sets.
    let post = write(dir.path(), "post.csv", "distrust,strike_threshold\n0.5,1500\n0.95,4000\n");
    let arm = write(dir.path(), "same.toml", "[parameters.patron_funding]\nvalue = 4.0\n");
    let out = dir.path().join("out");
    let o = run(&[
        "compare",
        s(&example()),
        "--arm",
        s(&arm),
        "--posterior",
        s(&post),
        "--seeds-per-set",
        "1",
        "--runs",
        "40",
        "--outcome",
        "regions_held(isis) at end",
        "--format",
        "csv",
        "--out",
        s(&out),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    // Same seed and same set in both arms: every paired difference is 0.
    let csv = std::fs::read_to_string(out.join("compare.csv")).unwrap();
    let row = csv.lines().find(|l| l.contains(",same,")).expect("the arm's row");
    assert!(row.contains(",0,0,0") || row.ends_with(",0,0,0"), "{csv}");
    let m: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap();
    assert!(m["posterior"]["sha256"].as_str().unwrap().starts_with("sha256:"), "{m}");
    // The sets matter: the baseline's spread over the posterior is wider than without it.
    let none = dir.path().join("none");
    let o = run(&[
        "compare",
        s(&example()),
        "--arm",
        s(&arm),
        "--no-posterior",
        "--runs",
        "40",
        "--outcome",
        "regions_held(isis) at end",
        "--format",
        "csv",
        "--out",
        s(&none),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_ne!(std::fs::read_to_string(none.join("compare.csv")).unwrap(), csv);
}

#[test]
fn over_a_posterior_compare_intervals_are_clustered_by_parameter_set() {
    // Two sets, 10 seeds per set: the summary, --json and report name the
    // sets the runs drew as the intervals' clusters (the widening itself is
    // checked in stats.rs, against the iid intervals).
    let dir = tmp("post-clustered");
    let post = write(dir.path(), "post.csv", "distrust,strike_threshold\n0.5,1500\n0.95,4000\n");
    let arm = write(dir.path(), "same.toml", "[parameters.patron_funding]\nvalue = 4.0\n");
    let (scenario, post_s) = (example(), post.to_string_lossy().to_string());
    let go = |name: &str, extra: &[&str]| -> std::process::Output {
        let out = dir.path().join(name);
        let mut args = vec![
            "compare",
            s(&scenario),
            "--arm",
            s(&arm),
            "--runs",
            "40",
            "--outcome",
            "regions_held(isis) at end",
            "--no-report",
            "--out",
            s(&out),
        ];
        args.extend_from_slice(extra);
        let o = run(&args);
        assert!(o.status.success(), "{}", stderr(&o));
        o
    };
    let json = |o: std::process::Output| -> serde_json::Value {
        serde_json::from_slice(&o.stdout).expect("--json prints one JSON document")
    };
    let clustered = json(go("clustered", &["--json", "--posterior", &post_s, "--seeds-per-set", "10"]));
    let sets = clustered["parameter_sets"].as_u64().expect("the number of sets drawn");
    assert!((1..=4).contains(&sets), "4 blocks of 10 runs draw at most 4 sets: {clustered}");
    assert!(clustered["intervals"].as_str().unwrap().contains("cluster-robust"), "{clustered}");
    let plain = json(go("plain", &["--json", "--no-posterior"]));
    assert!(plain["parameter_sets"].is_null(), "{plain}");
    assert!(!plain["intervals"].as_str().unwrap().contains("cluster"), "{plain}");
    // The summary says which intervals it printed.
    let o = go("text", &["--posterior", &post_s]);
    assert!(stdout(&o).contains("cluster-robust over the"), "{}", stdout(&o));
}

#[test]
fn the_scenario_names_its_posterior_and_the_ensemble_splits_its_spread() {
    let dir = tmp("post-scenario");
    let text = std::fs::read_to_string(example()).unwrap();
    // The example with a posterior named in [scenario] (relative to the file).
    let with = text.replacen("[scenario]\n", "[scenario]\nposterior = \"post.csv\"\n", 1);
    assert_ne!(with, text, "the example has a [scenario] table");
    let scenario = write(dir.path(), "scenario.toml", &with);
    for f in ["vicious-circle.geojson"] {
        if let Ok(b) = std::fs::read(example().parent().unwrap().join(f)) {
            std::fs::write(dir.path().join(f), b).unwrap();
        }
    }
    write(dir.path(), "post.csv", "# calibrated-until: 2014-12-31\nstrike_threshold,weight\n1500,1\n4000,1\n");
    let out = dir.path().join("ens");
    let o = run(&["ensemble", s(&scenario), "--runs", "60", "--format", "csv", "--no-maps", "--out", s(&out)]);
    assert!(o.status.success(), "{}", stderr(&o));
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(stdout.contains("Spread from parameters vs chance") && stdout.contains("post.csv"), "{stdout}");
    let spread = std::fs::read_to_string(out.join("spread.csv")).unwrap();
    assert!(spread.starts_with("quantity,mean,variance_parameters,variance_chance,share_parameters"), "{spread}");
    let report = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(report.contains("Uncertainty: parameters and chance"));
    let off = dir.path().join("off");
    let o = run(&["ensemble", s(&scenario), "--runs", "20", "--no-posterior", "--no-maps", "--out", s(&off), "-q"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!off.join("spread.parquet").exists(), "no posterior, no split");
    let m: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(off.join("manifest.json")).unwrap()).unwrap();
    assert!(m.get("posterior").is_none());
}

#[test]
fn a_bad_posterior_is_refused_with_its_place_and_nothing_is_written() {
    let dir = tmp("post-bad");
    for (text, want) in [
        ("distrust\n0.2\n", "post.csv:2:1: 0.2 is outside the declared range of `distrust`, [0.5, 0.95]"),
        ("distrus\n0.6\n", "post.csv:1:1: unknown parameter `distrus` (did you mean `distrust`?)"),
        ("distrust\n", "the posterior has a header but no rows"),
    ] {
        let post = write(dir.path(), "post.csv", text);
        let out = dir.path().join("out");
        let o = run(&["ensemble", s(&example()), "--runs", "5", "--posterior", s(&post), "--out", s(&out)]);
        assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
        assert!(stderr(&o).contains(want), "{}", stderr(&o));
        assert!(!out.join("manifest.json").exists());
    }
}
