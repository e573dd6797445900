//! Every command writes one typed `Manifest` (issue #9, item 3): the
//! manifest.json of each command kind, for both models, parses back into
//! `frontline_output::Manifest` with its typed fields set, and writing the
//! parsed manifest again gives what was read, keys in the same order (the
//! byte identity with the manifests written before the typed manifest was
//! checked against the old binary; see the note of the change).

mod common;

use common::*;
use frontline_output::{Command, Manifest, THEATRE_MODEL};
use std::path::Path;

/// Runs `frontline ARGS --out DIR --format csv -q` in a fresh folder and
/// returns the manifest it wrote, checked to round-trip byte for byte.
fn manifest_of(name: &str, args: &[&str]) -> Manifest {
    let dir = tmp(name);
    let out = dir.path().join("out");
    let o = output(bin().args(args).args(["--format", "csv", "-q"]).arg("--out").arg(&out));
    assert!(o.status.success(), "{args:?}: {}", stderr(&o));
    read_back(&out)
}

fn read_back(out: &Path) -> Manifest {
    let text = std::fs::read_to_string(out.join("manifest.json")).unwrap();
    let m = Manifest::parse(&text).unwrap_or_else(|e| panic!("{e}\n{text}"));
    // serde_json's float parser may be one ulp off, so the comparison is
    // with the file as serde_json reads it: same keys, same order, same values.
    let as_read: serde_json::Value = serde_json::from_str(&text).unwrap();
    let (again, as_read) = (serde_json::to_string_pretty(&m).unwrap(), serde_json::to_string_pretty(&as_read).unwrap());
    assert_eq!(again, as_read, "the parsed manifest writes back what it read, in the same order");
    assert_eq!(m.frontline_version, env!("CARGO_PKG_VERSION"));
    assert!(m.scenario_hash.starts_with("sha256:") && m.scenario_digest().len() == 64, "{}", m.scenario_hash);
    assert!(!m.parameters.is_empty());
    assert!(!m.tables.is_empty());
    m
}

const OUTCOME: &str = "controls(isis, city) by 2015-05-31";

#[test]
fn theatre_run_manifest_round_trips() {
    let m = manifest_of(
        "run",
        &["run", s(&example()), "--seed", "7", "--variant", s(&variant("arm-tribes.toml")), "--no-report"],
    );
    assert_eq!((m.command, m.model.as_str()), (Command::Run, THEATRE_MODEL));
    assert_eq!(m.seed, Some(7));
    assert_eq!(m.base_seed, None);
    assert!(m.variants[0].path.ends_with("arm-tribes.toml") && m.variants[0].hash.starts_with("sha256:"));
    assert_eq!(m.details["ticks"], 52);
}

#[test]
fn theatre_ensemble_manifest_round_trips() {
    let m = manifest_of(
        "ensemble",
        &[
            "ensemble",
            s(&example()),
            "--runs",
            "3",
            "--seed",
            "5",
            "--set",
            "parameters.distrust.value=0.6",
            "--no-report",
        ],
    );
    assert_eq!(m.command, Command::Ensemble);
    assert_eq!((m.runs, m.base_seed), (Some(3), Some(5)));
    assert_eq!(m.sets, ["parameters.distrust.value=0.6"]);
    assert_eq!(m.parameters["distrust"], 0.6);
    assert_eq!(m.format.as_deref(), Some("csv"));
}

#[test]
fn theatre_compare_manifest_round_trips() {
    let m = manifest_of(
        "compare",
        &["compare", s(&example()), "--arm", s(&variant("no-airstrikes.toml")), "--runs", "4", "--outcome", OUTCOME],
    );
    assert_eq!((m.command, m.runs), (Command::Compare, Some(4)));
    let results = m.results.expect("a comparison has results");
    assert_eq!(results.len(), 2, "one outcome × two arms");
    assert_eq!(results[0].arm, "baseline");
    assert!(results[0].difference.is_none() && results[1].difference.is_some());
    assert!((0.0..=1.0).contains(&results[1].estimate));
}

#[test]
fn theatre_sweep_and_sensitivity_manifests_round_trip() {
    let m = manifest_of(
        "sweep",
        &["sweep", s(&example()), "--samples", "3", "--runs-per-point", "2", "--outcome", OUTCOME],
    );
    assert_eq!((m.command, m.runs_per_point), (Command::Sweep, Some(2)));
    assert_eq!(m.details["points"], 3);
    let m = manifest_of(
        "sensitivity",
        &[
            "sensitivity",
            s(&example()),
            "--method",
            "morris",
            "--samples",
            "2",
            "--runs-per-point",
            "2",
            "--outcome",
            OUTCOME,
        ],
    );
    assert_eq!((m.command, m.runs_per_point), (Command::Sensitivity, Some(2)));
    assert_eq!(m.details["method"], "morris");
}

#[test]
fn theatre_backtest_and_calibrate_manifests_round_trip() {
    let history = iraq_dir().join("data/history-control.csv");
    let m =
        manifest_of("backtest", &["backtest", s(&iraq()), "--history", s(&history), "--actor", "isis", "--runs", "2"]);
    assert_eq!((m.command, m.runs), (Command::Backtest, Some(2)));
    assert_eq!(m.details["scores"][0]["actor"], "isis");
    let m = manifest_of(
        "calibrate",
        &[
            "calibrate",
            s(&iraq()),
            "--history",
            s(&history),
            "--actor",
            "isis",
            "--samples",
            "2",
            "--runs-per-point",
            "1",
        ],
    );
    assert_eq!((m.command, m.runs_per_point), (Command::Calibrate, Some(1)));
    assert!(m.details["best"].is_array());
}

#[test]
fn civil_manifests_of_every_command_round_trip() {
    let civil = civil_example();
    let m = manifest_of("civil-run", &["run", s(&civil), "--seed", "7"]);
    assert_eq!((m.command, m.model.as_str(), m.seed), (Command::Run, "civil-violence", Some(7)));
    assert_eq!(m.scenario_name, "Epstein civil violence (Mesa defaults)", "read from `name`");
    let m = manifest_of("civil-ensemble", &["ensemble", s(&civil), "--runs", "2"]);
    assert_eq!((m.command, m.runs), (Command::Ensemble, Some(2)));
    let m = manifest_of("civil-compare", &["compare", s(&civil), "--arm", s(&civil), "--runs", "2", "--no-report"]);
    assert_eq!(m.command, Command::Compare);
    assert!(m.results.is_some_and(|r| !r.is_empty()));
    let range = ["--range", "legitimacy=0.6:0.9", "--samples", "2", "--runs-per-point", "1"];
    let m = manifest_of("civil-sweep", &[&["sweep", s(&civil)][..], &range].concat());
    assert_eq!((m.command, m.runs_per_point), (Command::Sweep, Some(1)));
    let m = manifest_of("civil-sensitivity", &[&["sensitivity", s(&civil), "--method", "morris"][..], &range].concat());
    assert_eq!(m.command, Command::Sensitivity);
    assert_eq!(m.details["ranges"][0], "legitimacy=0.6:0.9");
}
