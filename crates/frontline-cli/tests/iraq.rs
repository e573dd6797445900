//! The flagship Iraq scenario (scenarios/iraq/): it and every variant
//! validate, it runs for one simulated year, every district of the map is a
//! region, and every region's population has a source or an assumption tag.

mod common;

use common::*;
use std::collections::BTreeSet;
use std::path::PathBuf;

fn dir() -> PathBuf {
    iraq_dir()
}

fn scenario() -> PathBuf {
    iraq()
}

fn variants() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir().join("variants"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    v.sort();
    v
}

#[test]
fn scenario_and_every_variant_validate() {
    let o = run(&["validate", scenario().to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let names: BTreeSet<String> =
        variants().iter().map(|p| p.file_stem().unwrap().to_string_lossy().into_owned()).collect();
    for required in ["baseline", "arm-tribes", "no-militias", "us-ground-troops", "no-airstrikes"] {
        assert!(names.contains(required), "variant {required} missing");
    }
    for v in variants() {
        let o = run(&["validate", scenario().to_str().unwrap(), "--variant", v.to_str().unwrap()]);
        assert!(o.status.success(), "{}: {}", v.display(), stderr(&o));
    }
}

#[test]
fn one_simulated_year_runs_and_writes_every_table() {
    let out = tmp("year");
    // The scenario gives `end` (2017-12-31); override it, not `ticks`.
    let o = run(&[
        "run",
        scenario().to_str().unwrap(),
        "--set",
        "scenario.end=2015-06-01",
        "--seed",
        "1",
        "--format",
        "csv",
        "--out",
        out.to_str().unwrap(),
        "-q",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    for t in ["control", "forces", "attitudes", "actors", "events"] {
        assert!(out.join(format!("{t}.csv")).is_file(), "{t} missing");
    }
    assert!(out.join("manifest.json").is_file());
    // 52 weekly ticks + the start, for every region (101 districts + the Syrian rear).
    let control = std::fs::read_to_string(out.join("control.csv")).unwrap();
    assert_eq!(control.lines().count() - 1, 53 * 102);
    assert!(control.contains("2015-05-31"), "the run reaches the end of May 2015");
    let _ = std::fs::remove_dir_all(&out);
}

/// The `[regions.<id>]` blocks of a TOML file, with their text.
fn region_blocks(text: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for line in text.lines() {
        let t = line.trim();
        if t.starts_with('[') {
            if let Some(id) = t.strip_prefix("[regions.").and_then(|r| r.strip_suffix(']')) {
                out.push((id.to_string(), String::new()));
                continue;
            }
            if let Some(last) = out.last_mut() {
                last.1.push_str("\u{0}END");
            }
        }
        if let Some(last) = out.last_mut()
            && !last.1.contains("\u{0}END")
        {
            last.1.push_str(line);
            last.1.push('\n');
        }
    }
    out
}

#[test]
fn every_district_is_a_region_and_every_region_has_a_population_source() {
    // Districts in the map.
    let map: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir().join("data/iraq-adm2-districts.geojson")).unwrap())
            .unwrap();
    let districts: BTreeSet<String> = map["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["properties"]["ADM2_PCODE"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(districts.len(), 101);

    // Regions of the validated model, with their populations.
    let loaded = frontline_scenario::load(&scenario(), &frontline_scenario::Overrides::default())
        .unwrap_or_else(|e| panic!("{}", e.render(false)));
    let m = &loaded.model;
    let regions: BTreeSet<String> = m.regions.iter().map(|r| r.id.clone()).collect();
    for d in &districts {
        assert!(regions.contains(d), "district {d} is not a region");
    }
    for r in &m.regions {
        assert!(r.population.iter().sum::<f64>() > 0.0, "region {} has no population", r.id);
        if districts.contains(&r.id) {
            assert!(!r.neighbours.is_empty(), "district {} has no neighbours", r.id);
        }
    }
    // Total population of the districts: the CSO 2014-07 national figure (governorates.csv).
    let total: f64 =
        m.regions.iter().filter(|r| districts.contains(&r.id)).map(|r| r.population.iter().sum::<f64>()).sum();
    assert!((total - 35_006_728.0).abs() < 50.0, "district populations sum to {total}");

    // Every region declares where its population comes from: a `source`
    // string naming the data, or one beginning "assumption".
    let mut declared = BTreeSet::new();
    for file in ["regions.toml", "syria.toml", "scenario.toml"] {
        let text = std::fs::read_to_string(dir().join(file)).unwrap();
        for (id, block) in region_blocks(&text) {
            let source = block
                .lines()
                .find_map(|l| l.trim().strip_prefix("source = \"").map(|s| s.trim_end_matches('"').to_string()))
                .unwrap_or_default();
            let ok = source.starts_with("assumption") || source.contains("population:");
            assert!(ok, "region {id} in {file} has no population source or assumption tag: {source:?}");
            declared.insert(id);
        }
    }
    for r in &regions {
        assert!(declared.contains(r), "region {r} not found in the scenario files");
    }
}
