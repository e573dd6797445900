//! The datasets built from the examples, and `load_dir` on folders written
//! by hand (a manifest and a dataset), moved, and damaged.

use super::*;
use dataset::{civil_ensemble, civil_run, theatre_ensemble, theatre_run};
use frontline_analysis::ensemble::Aggregate;
use frontline_output::{Column, Table};
use frontline_scenario::Model;
use std::path::PathBuf;

fn example_path(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples").join(name)
}

fn theatre() -> Model {
    let Ok(l) = frontline_scenario::load(&example_path("vicious-circle.toml"), &Default::default()) else {
        panic!("the example loads")
    };
    l.model
}

/// The civil example, shortened to `steps` steps, with snapshots every
/// `every` steps.
fn civil(steps: u32, every: u32) -> frontline_civil::Loaded {
    let sets = [format!("steps={steps}"), format!("output.snapshot_every={every}")];
    match frontline_civil::load_with_variants(&example_path("civil-violence.toml"), &[], &sets) {
        Ok(l) => l,
        Err(e) => panic!("the civil example loads: {}", e.render(false)),
    }
}

fn civil_trajectory(l: &frontline_civil::Loaded, seed: u64) -> frontline_civil::Trajectory {
    let sc = &l.scenario;
    frontline_civil::simulate(&sc.params, seed, sc.steps, sc.snapshot_every)
}

/// An aggregate of `runs` runs of `m`, counted here from the trajectories
/// (the layout [`Aggregate::control_counts`] documents).
fn aggregate(m: &Model, runs: u64) -> Aggregate {
    let (nr, na, snaps) = (m.regions.len(), m.actors.len(), m.ticks as usize + 1);
    let mut control_counts = vec![0u32; snaps * nr * (na + 1)];
    for seed in 0..runs {
        let t = frontline_engine::simulate(m, seed);
        for k in 0..snaps {
            for r in 0..nr {
                control_counts[(k * nr + r) * (na + 1) + (t.control[k * nr + r] + 1) as usize] += 1;
            }
        }
    }
    Aggregate {
        tables: Vec::new(),
        watches: Vec::new(),
        final_forces: Vec::new(),
        final_regions: Vec::new(),
        control_counts,
        runs,
    }
}

/// A `counts_summary` table of `runs` runs of `l`, shaped as the civil
/// ensemble writes it (rows by step, then metric).
fn counts_summary(l: &frontline_civil::Loaded, runs: u64) -> Table {
    use frontline_analysis::stats::{mean, quantile_sorted};
    let all: Vec<frontline_civil::Trajectory> = (0..runs).map(|s| civil_trajectory(l, s)).collect();
    let mut t = (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for k in 0..=l.scenario.steps as usize {
        for name in ["active_fraction", "jailed_fraction", "quiet_fraction", "arrests"] {
            let mut v: Vec<f64> = all
                .iter()
                .map(|r| {
                    let c = &r.counts[k];
                    let n = r.citizens as f64;
                    match name {
                        "active_fraction" => c.active as f64 / n,
                        "jailed_fraction" => c.jailed as f64 / n,
                        "quiet_fraction" => c.quiet as f64 / n,
                        _ => c.arrests as f64,
                    }
                })
                .collect();
            let m = mean(&v);
            v.sort_by(f64::total_cmp);
            t.0.push(k as i64);
            t.1.push(name.to_string());
            t.2.push(m);
            t.3.push(quantile_sorted(&v, 0.05));
            t.4.push(quantile_sorted(&v, 0.5));
            t.5.push(quantile_sorted(&v, 0.95));
        }
    }
    Table::new("counts_summary")
        .with("step", Column::I64(t.0))
        .with("metric", Column::Str(t.1))
        .with("mean", Column::F64(t.2))
        .with("q05", Column::F64(t.3))
        .with("q50", Column::F64(t.4))
        .with("q95", Column::F64(t.5))
}

fn keys(v: &Value) -> Vec<&str> {
    v.as_object().unwrap().keys().map(String::as_str).collect()
}

#[test]
fn a_run_dataset_has_a_controller_per_region_and_date() {
    let m = theatre();
    let t = frontline_engine::simulate(&m, 7);
    let d = theatre_run(&m, &t);
    // The keys the page reads, in the order the viewer has always sent them.
    assert_eq!(
        keys(&d),
        [
            "kind",
            "title",
            "subtitle",
            "width",
            "height",
            "dates",
            "regions",
            "links",
            "places",
            "actors",
            "control",
            "contested",
            "seed"
        ]
    );
    let (dates, regions) = (d["dates"].as_array().unwrap().len(), d["regions"].as_array().unwrap().len());
    assert_eq!(dates, m.ticks as usize + 1);
    assert_eq!(regions, m.regions.len());
    assert_eq!(d["control"].as_array().unwrap().len(), dates);
    assert_eq!(d["control"][0].as_array().unwrap().len(), regions);
    let city = m.region_index("city").unwrap();
    assert_eq!(d["control"][dates - 1][city], t.control[(dates - 1) * regions + city]);
    assert_eq!(d["contested"][dates - 1][city], u8::from(t.contested[(dates - 1) * regions + city]));
    assert_eq!(d["dates"][0], m.day_of_tick(0).to_string());
    assert_eq!(d["subtitle"], "one run, seed 7");
    assert_eq!(d["width"], 760.0);
    assert!(d["regions"][0]["circle"].is_array(), "no map: circles");
    assert!(d["regions"][0].get("d").is_none());
    assert_eq!(d["actors"][0]["colour"], frontline_maps::actor_colour(0));
}

#[test]
fn an_ensemble_dataset_has_each_actors_probability_per_date_and_region() {
    let m = theatre();
    let agg = aggregate(&m, 12);
    let d = theatre_ensemble(&m, &agg);
    assert_eq!(d["kind"], "ensemble");
    assert_eq!(d["subtitle"], "ensemble of 12 runs");
    assert_eq!(d["runs"], 12);
    let p = d["probability"].as_array().unwrap();
    assert_eq!(p.len(), m.actors.len());
    let (nr, na) = (m.regions.len(), m.actors.len());
    let last = m.ticks as usize;
    for (a, pa) in p.iter().enumerate() {
        assert_eq!(pa.as_array().unwrap().len(), last + 1);
        for (r, x) in pa[last].as_array().unwrap().iter().enumerate() {
            let count = agg.control_counts[(last * nr + r) * (na + 1) + 1 + a];
            let want = (f64::from(count) / 12.0 * 1000.0).round() / 1000.0;
            assert_eq!(x.as_f64(), Some(want), "actor {a} region {r}");
        }
        assert_eq!(pa[last].as_array().unwrap().len(), nr);
    }
    // Some actor holds some region with a probability strictly between 0 and 1.
    assert!(p.iter().flat_map(|a| a[last].as_array().unwrap()).any(|x| x.as_f64().is_some_and(|x| x > 0.0)));
}

#[test]
fn a_civil_run_dataset_has_the_grid_snapshots_and_the_counts_per_step() {
    let l = civil(40, 10);
    let t = civil_trajectory(&l, 3);
    let d = civil_run(&l, &t);
    assert_eq!(d["kind"], "civil-run");
    assert_eq!(d["title"], l.scenario.name);
    assert_eq!((d["grid_width"].as_u64(), d["grid_height"].as_u64()), (Some(40), Some(40)));
    assert_eq!(d["steps"].as_array().unwrap().len(), 41);
    assert_eq!(d["citizens"], t.citizens as u64);
    for (k, c) in t.counts.iter().enumerate() {
        assert_eq!(d["counts"]["active"][k], c.active);
        assert_eq!(d["counts"]["quiet"][k], c.quiet);
        assert_eq!(d["counts"]["jailed"][k], c.jailed);
        assert_eq!(d["counts"]["arrests"][k], c.arrests);
    }
    let snaps = d["snapshots"].as_array().unwrap();
    assert_eq!(snaps.iter().map(|s| s["step"].as_u64().unwrap()).collect::<Vec<_>>(), [0, 10, 20, 30, 40]);
    for (s, (step, cells)) in snaps.iter().zip(&t.snapshots) {
        assert_eq!(s["step"], *step);
        let digits: Vec<u8> = s["cells"].as_str().unwrap().bytes().map(|b| b - b'0').collect();
        assert_eq!(&digits, cells, "the snapshot of step {step} is the grid, cell for cell");
    }
    // The digits are the states' codes, and the legend names them.
    let states: Vec<&str> = d["states"].as_array().unwrap().iter().map(|s| s["name"].as_str().unwrap()).collect();
    assert_eq!(states, ["empty", "quiet", "active", "jailed", "cop"]);
    let cops = snaps[0]["cells"].as_str().unwrap().bytes().filter(|&b| b == b'4').count() as u64;
    assert_eq!(d["cops"].as_u64(), Some(cops));
    assert!(!d["subtitle"].as_str().unwrap().contains("no grid snapshots"));
}

#[test]
fn a_civil_run_without_snapshots_has_the_counts_and_says_how_to_get_the_grid() {
    let l = civil(20, 0);
    let d = civil_run(&l, &civil_trajectory(&l, 1));
    assert_eq!(d["snapshots"].as_array().map(Vec::len), Some(0));
    assert_eq!(d["counts"]["active"].as_array().map(Vec::len), Some(21));
    assert!(d["subtitle"].as_str().unwrap().contains("set output.snapshot_every above 0"), "{}", d["subtitle"]);
}

#[test]
fn a_civil_ensemble_dataset_has_a_band_per_metric_over_the_steps() {
    let l = civil(30, 0);
    let table = counts_summary(&l, 6);
    let d = civil_ensemble(&l, &table);
    assert_eq!(d["kind"], "civil-ensemble");
    assert_eq!(d["steps"].as_array().unwrap().len(), 31);
    let ids: Vec<&str> = d["metrics"].as_array().unwrap().iter().map(|m| m["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["active_fraction", "jailed_fraction", "quiet_fraction", "arrests"]);
    let Column::F64(q95) = &table.columns[5].1 else { panic!() };
    // Row 4k + 3 is the arrests of step k.
    assert_eq!(d["metrics"][3]["q95"][30].as_f64(), Some((q95[4 * 30 + 3] * 1e4).round() / 1e4));
    for m in d["metrics"].as_array().unwrap() {
        for k in 0..31 {
            let (lo, mid, hi) =
                (m["q05"][k].as_f64().unwrap(), m["q50"][k].as_f64().unwrap(), m["q95"][k].as_f64().unwrap());
            assert!(lo <= mid && mid <= hi, "{} at step {k}", m["id"]);
        }
    }
}

#[test]
fn a_long_series_is_thinned_to_the_budget_keeping_the_last() {
    use dataset::{SERIES_BUDGET, kept};
    assert_eq!(kept(5, 1_000), ((0..5).collect(), 1));
    assert_eq!(kept(0, 1_000), (vec![], 1));
    // 11 snapshots of 50 MiB: 3 fit in 192 MiB, so every 6th and the last.
    assert_eq!(kept(11, 50 << 20), (vec![0, 6, 10], 6));
    assert_eq!(kept(3, SERIES_BUDGET + 1), (vec![2], 3));
    for n in [2, 7, 100, 10_001] {
        for per in [1, SERIES_BUDGET / 7, SERIES_BUDGET / 2, SERIES_BUDGET / 1000 + 3] {
            let (keep, _) = kept(n, per);
            assert!(keep.len() as u64 * per <= SERIES_BUDGET.max(per), "{n} × {per}");
            assert_eq!(keep.last(), Some(&(n - 1)), "{n} × {per}");
        }
    }
}

/// A fresh folder under the system's temporary directory.
fn tmp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("frontline-viewer-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// Writes `manifest` and `data` into `dir` as the commands do.
fn write_folder(dir: &Path, manifest: &Manifest, data: Option<&Value>) {
    std::fs::write(dir.join("manifest.json"), serde_json::to_string_pretty(&manifest.to_value()).unwrap()).unwrap();
    if let Some(data) = data {
        dataset::write(dir, data).unwrap();
    }
}

/// A manifest naming a scenario that does not exist where the folder is
/// served: nothing may read it.
fn manifest(command: Command, model: &str) -> Manifest {
    let mut m = Manifest::new(command, model, "no/such/scenario.toml", "An example", &"0".repeat(64));
    match command {
        Command::Run => m.seed = Some(7),
        _ => {
            m.base_seed = Some(1);
            m.runs = Some(12);
        }
    }
    m
}

/// The four kinds, each as (folder name, manifest, dataset).
fn folders() -> Vec<(&'static str, Manifest, Value)> {
    let m = theatre();
    let l = civil(20, 5);
    let mut civil_ens = manifest(Command::Ensemble, frontline_civil::params::MODEL_NAME);
    civil_ens.runs = Some(4);
    vec![
        ("run", manifest(Command::Run, "theatre"), theatre_run(&m, &frontline_engine::simulate(&m, 7))),
        ("ensemble", manifest(Command::Ensemble, "theatre"), theatre_ensemble(&m, &aggregate(&m, 12))),
        (
            "civil-run",
            manifest(Command::Run, frontline_civil::params::MODEL_NAME),
            civil_run(&l, &civil_trajectory(&l, 7)),
        ),
        ("civil-ensemble", civil_ens, civil_ensemble(&l, &counts_summary(&l, 4))),
    ]
}

#[test]
fn a_folder_is_served_from_its_manifest_and_dataset_alone_and_after_being_moved() {
    let root = tmp("moved");
    for (name, manifest, data) in folders() {
        let dir = root.join(name);
        std::fs::create_dir_all(&dir).unwrap();
        write_folder(&dir, &manifest, Some(&data));
        // What the file holds (serde_json reads a float back to within an
        // ulp, not always to the same bits; the page draws pixels).
        let data: Value = serde_json::from_str(&data.to_string()).unwrap();
        assert_eq!(load_dir(&dir).unwrap_or_else(|e| panic!("{name}: {e}")), data, "{name}");
        // Moved elsewhere (its scenario never existed): served the same.
        let moved = root.join("elsewhere").join(name);
        std::fs::create_dir_all(moved.parent().unwrap()).unwrap();
        std::fs::rename(&dir, &moved).unwrap();
        assert!(!dir.exists());
        assert_eq!(load_dir(&moved).unwrap_or_else(|e| panic!("{name} moved: {e}")), data, "{name} moved");
    }
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn a_comparison_is_served_from_its_manifest() {
    let dir = tmp("compare");
    let mut m = manifest(Command::Compare, "theatre");
    let row = |arm: &str, d: Option<f64>| frontline_output::CompareResult {
        outcome: "o".into(),
        arm: arm.into(),
        estimate: 0.5,
        low: 0.4,
        high: 0.6,
        difference: d,
        difference_low: d.map(|d| d - 0.1),
        difference_high: d.map(|d| d + 0.1),
    };
    m.results = Some(vec![row("baseline", None), row("arm", Some(0.1))]);
    write_folder(&dir, &m, None);
    let d = load_dir(&dir).unwrap();
    assert_eq!(d["kind"], "compare");
    assert_eq!(d["subtitle"], "2 arms × 12 runs, common random numbers");
    let _ = std::fs::remove_dir_all(&dir);
}

/// `load_dir`'s refusal of `dir`, which must name `file` and say `what`.
fn refused(dir: &Path, what: &str) -> String {
    let e = load_dir(dir).expect_err("refused");
    assert!(e.contains(what), "{e}");
    e
}

#[test]
fn a_missing_oversized_or_damaged_dataset_is_refused_naming_the_file() {
    let root = tmp("damaged");
    let rerun = "rerun the command with a current frontline";
    for (name, manifest, data) in folders() {
        let dir = root.join(name);
        std::fs::create_dir_all(&dir).unwrap();
        let view = dir.join(DATASET_FILE);
        write_folder(&dir, &manifest, None);
        let e = refused(&dir, &format!("cannot read {}", view.display()));
        assert!(e.contains(rerun) && e.contains("made by frontline 0.1.0"), "{e}");

        let text = data.to_string();
        std::fs::write(&view, &text[..text.len() / 2]).unwrap();
        let e = refused(&dir, &format!("{}: not a dataset this viewer can draw", view.display()));
        assert!(e.contains("line 1 column") && e.contains(rerun), "{e}");

        std::fs::File::create(&view).unwrap().set_len(dataset::MAX_DATASET_BYTES + 1).unwrap();
        let e = refused(&dir, "more than the 256 MiB a dataset can have");
        assert!(e.contains(rerun), "{e}");

        std::fs::remove_file(&view).unwrap();
        std::fs::create_dir(&view).unwrap();
        refused(&dir, "not a regular file");
        std::fs::remove_dir(&view).unwrap();
    }
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn a_dataset_the_page_cannot_draw_is_refused_saying_what_is_wrong() {
    let root = tmp("inconsistent");
    let all = folders();
    let find = |kind: &str| all.iter().find(|f| f.0 == kind).unwrap();
    let case = |kind: &str, edit: &dyn Fn(&mut Value), what: &str| {
        let (_, manifest, data) = find(kind);
        let dir = root.join(format!("{kind}-{}", what.len()));
        std::fs::create_dir_all(&dir).unwrap();
        let mut data = data.clone();
        edit(&mut data);
        write_folder(&dir, manifest, Some(&data));
        let e = refused(&dir, what);
        assert!(e.contains("view.json: not a dataset this viewer can draw"), "{e}");
    };
    case("run", &|d| d["control"][3][0] = json!(99), "`control[3]` has the value 99, out of range");
    case("run", &|d| d["contested"].as_array_mut().unwrap().truncate(2), "`contested` has 2 entries");
    case("run", &|d| d["actors"][0]["colour"] = json!("red"), "not #rrggbb");
    case("run", &|d| d["regions"][0]["d"] = json!("M0 0"), "neither a path");
    case("ensemble", &|d| d["probability"][0][0][0] = json!(1.5), "out of range");
    case("ensemble", &|d| d["probability"].as_array_mut().unwrap().pop().map(drop).unwrap_or(()), "`probability`");
    case("civil-run", &|d| d["snapshots"][1]["cells"] = json!("0123"), "the snapshot of step 5 is not 1600 digits");
    case("civil-run", &|d| d["counts"]["jailed"].as_array_mut().unwrap().push(json!(0)), "`counts.jailed` has 22");
    case("civil-run", &|d| d["kind"] = json!("run"), "kind `run`, but the manifest is of a `civil-run`");
    case("civil-ensemble", &|d| d["metrics"][0]["mean"][2] = json!(null), "invalid type: null");
    case("civil-ensemble", &|d| d["metrics"][1]["q05"].as_array_mut().unwrap().clear(), "`jailed_fraction.q05` has 0");
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn a_dataset_of_another_job_is_refused() {
    let root = tmp("another-job");
    let all = folders();
    // A run's dataset of seed 7 under a manifest of seed 8.
    let (_, m, data) = &all[0];
    let dir = root.join("seed");
    std::fs::create_dir_all(&dir).unwrap();
    let mut other = m.clone();
    other.seed = Some(8);
    write_folder(&dir, &other, Some(data));
    refused(&dir, "claims seed 8, but");
    // An ensemble of 12 runs under a manifest claiming 10^12.
    let (_, m, data) = &all[1];
    let dir = root.join("runs");
    std::fs::create_dir_all(&dir).unwrap();
    let mut other = m.clone();
    other.runs = Some(1_000_000_000_000);
    write_folder(&dir, &other, Some(data));
    let e = refused(&dir, "claims 1000000000000 runs, but");
    assert!(e.contains("holds an ensemble of 12") && e.contains("do not belong together"), "{e}");
    other.runs = Some(0);
    write_folder(&dir, &other, Some(data));
    refused(&dir, "`runs` is 0");
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn outputs_the_viewer_does_not_draw_are_refused_naming_them() {
    let dir = tmp("others");
    write_folder(&dir, &manifest(Command::Run, "sir"), None);
    refused(&dir, "the output of a sir model; the viewer shows runs and ensembles of the theatre and civil-violence");
    write_folder(&dir, &manifest(Command::Sweep, "theatre"), None);
    refused(&dir, "the output of `frontline sweep`; the viewer shows runs, ensembles and comparisons");
    std::fs::remove_file(dir.join("manifest.json")).unwrap();
    refused(&dir, "manifest.json: No such file");
    let _ = std::fs::remove_dir_all(&dir);
}
