//! The flagship Iraq scenario (scenarios/iraq/): it and every variant
//! validate, it runs for one simulated year, every district of the map is a
//! region, and every region's population has a source or an assumption tag.

mod common;

use common::*;
use frontline_scenario::spec::ForceKind;
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

/// Area of each feature of the map in km² (equirectangular at each ring's
/// mean latitude; outer rings less holes), by `ADM2_PCODE`.
fn district_areas() -> std::collections::BTreeMap<String, f64> {
    let map: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir().join("data/iraq-adm2-districts.geojson")).unwrap())
            .unwrap();
    let ring_area = |ring: &serde_json::Value| -> f64 {
        let pts: Vec<(f64, f64)> =
            ring.as_array().unwrap().iter().map(|p| (p[0].as_f64().unwrap(), p[1].as_f64().unwrap())).collect();
        let lat0 = pts.iter().map(|p| p.1).sum::<f64>() / pts.len() as f64;
        let (kx, ky) = (111.32 * lat0.to_radians().cos(), 110.57);
        let twice: f64 = pts.windows(2).map(|w| (w[0].0 * kx) * (w[1].1 * ky) - (w[1].0 * kx) * (w[0].1 * ky)).sum();
        (twice / 2.0).abs()
    };
    let polygon_area = |poly: &serde_json::Value| -> f64 {
        let rings = poly.as_array().unwrap();
        ring_area(&rings[0]) - rings[1..].iter().map(ring_area).sum::<f64>()
    };
    map["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let g = &f["geometry"];
            let area = match g["type"].as_str().unwrap() {
                "Polygon" => polygon_area(&g["coordinates"]),
                _ => g["coordinates"].as_array().unwrap().iter().map(polygon_area).sum(),
            };
            (f["properties"]["ADM2_PCODE"].as_str().unwrap().to_string(), area)
        })
        .collect()
}

/// Issue #14, item 4: at every dated estimate of ../shared/data/history up
/// to 2015-06-30 (scenarios/iraq/data/plausibility.csv), the median over 30
/// seeds of the model's force sizes, ISIS-held population and territory
/// lies within the published range. A band marked `known_miss` is one the
/// model does not meet yet: the test then asserts that it is still missed,
/// so that fixing the model forces the file (and the scenario README) to be
/// updated rather than leaving a stale caveat.
#[test]
fn plausibility_bands_hold_at_every_dated_estimate_to_mid_2015() {
    let loaded = frontline_scenario::load(
        &scenario(),
        &frontline_scenario::Overrides { sets: vec!["scenario.end=2015-07-05".into()], ..Default::default() },
    )
    .unwrap_or_else(|e| panic!("{}", e.render(false)));
    let m = &loaded.model;
    let (nr, nf) = (m.regions.len(), m.forces.len());
    let isis = m.actor_index("isis").unwrap() as i32;
    let areas = district_areas();
    let area: Vec<f64> = m.regions.iter().map(|r| areas.get(&r.id).copied().unwrap_or(0.0)).collect();
    let iraq_area: f64 = area.iter().sum();
    assert!((400_000.0..470_000.0).contains(&iraq_area), "Iraq's area from the map: {iraq_area:.0} km²");
    let runs: Vec<_> = (1..=30u64).map(|seed| frontline_engine::simulate(m, seed)).collect();
    let text = std::fs::read_to_string(dir().join("data/plausibility.csv")).unwrap();
    let mut report = Vec::new();
    let mut wrong = Vec::new();
    for line in text.lines().skip(1) {
        let cols: Vec<&str> = line.splitn(7, ',').collect();
        let (date, quantity) = (cols[0], cols[1]);
        let (low, high): (f64, f64) = (cols[2].parse().unwrap(), cols[3].parse().unwrap());
        let known_miss = cols[4] == "true";
        let day = frontline_date::Day::parse(date).unwrap();
        let mut values: Vec<f64> = runs
            .iter()
            .map(|t| {
                let k = t.days.iter().rposition(|d| *d <= day).unwrap();
                let held = |k: usize, r: usize| t.control[k * nr + r] == isis;
                let pop = |k: usize| -> f64 {
                    (0..nr).filter(|&r| held(k, r)).map(|r| m.regions[r].population.iter().sum::<f64>()).sum()
                };
                match quantity {
                    "isis_fighters" => (0..nf)
                        .filter(|&f| m.forces[f].actor == isis as usize && m.forces[f].kind != ForceKind::Air)
                        .map(|f| t.personnel[(k * nf + f) * nr..(k * nf + f + 1) * nr].iter().sum::<f64>())
                        .sum(),
                    "isis_population_share_of_peak" => {
                        let peak = (0..=k).map(pop).fold(0.0, f64::max);
                        if peak > 0.0 { pop(k) / peak } else { 0.0 }
                    }
                    "isis_area_share" => (0..nr).filter(|&r| held(k, r)).map(|r| area[r]).sum::<f64>() / iraq_area,
                    q => {
                        let id = q.strip_prefix("force:").unwrap_or_else(|| panic!("unknown quantity {q}"));
                        let f = m.force_index(id).unwrap();
                        t.personnel[(k * nf + f) * nr..(k * nf + f + 1) * nr].iter().sum()
                    }
                }
            })
            .collect();
        values.sort_by(f64::total_cmp);
        let median = values[values.len() / 2];
        let inside = (low..=high).contains(&median);
        report.push(format!("{date} {quantity}: median {median:.3} in [{low}, {high}]: {inside}"));
        if inside == known_miss {
            wrong.push(format!("{date} {quantity}: median {median:.3}, band [{low}, {high}], known_miss {known_miss}"));
        }
    }
    eprintln!("{}", report.join("\n"));
    assert!(wrong.is_empty(), "bands not as plausibility.csv states:\n{}", wrong.join("\n"));
}
