//! # frontline-viewer
//!
//! The local interactive viewer behind `frontline serve DIR`: a map of the
//! scenario's regions with a timeline slider, for a run (who holds each
//! region on each date, contested regions hatched) or an ensemble (the
//! probability that a chosen actor holds each region on each date), and a
//! comparison's outcomes per arm with the paired differences.
//!
//! The data come from the output directory itself: its `manifest.json` names
//! the scenario, variants, `--set`s and seed. A run is re-simulated (a run is
//! a pure function of those, so the result is the one its tables hold) and
//! an ensemble is re-aggregated from its `.runs/` batches. The scenario's
//! hash must match the manifest's, so the viewer never shows a run of a
//! scenario that has changed since.
//!
//! Owns the dataset sent to the browser, the HTTP server and the page
//! (`assets/`: one HTML file, one script, no external resources). It must
//! not change results; it only presents them.

#![warn(missing_docs)]

use frontline_analysis::ensemble::{self, Aggregate};
use frontline_engine::Trajectory;
use frontline_maps::{Shape, actor_colour};
use frontline_scenario::date::format_day;
use frontline_scenario::{Loaded, Model, Overrides, load};
use serde_json::{Value, json};
use std::path::{Path, PathBuf};

const INDEX: &str = include_str!("../assets/index.html");
const SCRIPT: &str = include_str!("../assets/viewer.js");

/// Width of the map in the page, pixels.
const MAP_WIDTH: f64 = 760.0;

fn common(m: &Model, kind: &str, title: String, subtitle: String) -> serde_json::Map<String, Value> {
    let lay = frontline_maps::layout(m, 0.0, 0.0, MAP_WIDTH);
    let regions: Vec<Value> = m
        .regions
        .iter()
        .zip(&lay.shapes)
        .map(|(r, shape)| match shape {
            Shape::Path(d) => json!({"id": r.id, "name": r.name, "d": d}),
            Shape::Circle { x, y, r: radius } => json!({"id": r.id, "name": r.name, "circle": [x, y, radius]}),
        })
        .collect();
    let links: Vec<Value> = lay.links.iter().map(|((a, b), (c, d))| json!([a, b, c, d])).collect();
    let actors: Vec<Value> = m
        .actors
        .iter()
        .enumerate()
        .map(|(a, x)| json!({"id": x.id, "name": x.name, "colour": actor_colour(a)}))
        .collect();
    let dates: Vec<String> = (0..=m.ticks).map(|k| format_day(m.day_of_tick(k))).collect();
    let mut o = serde_json::Map::new();
    o.insert("kind".into(), json!(kind));
    o.insert("title".into(), json!(title));
    o.insert("subtitle".into(), json!(subtitle));
    o.insert("width".into(), json!(MAP_WIDTH));
    o.insert("height".into(), json!(lay.height));
    o.insert("dates".into(), json!(dates));
    o.insert("regions".into(), json!(regions));
    o.insert("links".into(), json!(links));
    o.insert("actors".into(), json!(actors));
    o
}

/// The dataset of one run: `control[date][region]` (actor index, −1 for
/// nobody) and `contested[date][region]` (0 or 1).
pub fn run_dataset(m: &Model, t: &Trajectory) -> Value {
    let nr = m.regions.len();
    let mut o = common(m, "run", m.name.clone(), format!("one run, seed {}", t.seed));
    let control: Vec<&[i32]> = (0..t.snapshots()).map(|k| &t.control[k * nr..(k + 1) * nr]).collect();
    let contested: Vec<Vec<u8>> =
        (0..t.snapshots()).map(|k| t.contested[k * nr..(k + 1) * nr].iter().map(|&c| u8::from(c)).collect()).collect();
    o.insert("control".into(), json!(control));
    o.insert("contested".into(), json!(contested));
    Value::Object(o)
}

/// The dataset of an ensemble: `probability[actor][date][region]`, rounded
/// to three decimals.
pub fn ensemble_dataset(m: &Model, agg: &Aggregate) -> Value {
    let mut o = common(m, "ensemble", m.name.clone(), format!("ensemble of {} runs", agg.runs));
    let snaps = m.ticks as usize + 1;
    let by_date: Vec<Vec<Vec<f64>>> = (0..snaps).map(|k| agg.control_probability(m, k)).collect();
    let round = |x: f64| (x * 1000.0).round() / 1000.0;
    let p: Vec<Vec<Vec<f64>>> = (0..m.actors.len())
        .map(|a| by_date.iter().map(|d| d[a].iter().map(|&x| round(x)).collect()).collect())
        .collect();
    o.insert("probability".into(), json!(p));
    Value::Object(o)
}

fn field<'a>(manifest: &'a Value, key: &str, file: &Path) -> Result<&'a Value, String> {
    manifest.get(key).ok_or_else(|| format!("{}: no `{key}`; is this a Frontline output directory?", file.display()))
}

/// Loads the scenario a manifest names, with its variants and `--set`s, and
/// checks that it is the scenario the results came from.
fn reload(manifest: &Value, file: &Path) -> Result<Loaded, String> {
    let scenario = field(manifest, "scenario", file)?.as_str().unwrap_or_default().to_string();
    let variants: Vec<PathBuf> = field(manifest, "variants", file)?
        .as_array()
        .map(|v| v.iter().filter_map(|x| x["path"].as_str().map(PathBuf::from)).collect())
        .unwrap_or_default();
    let sets: Vec<String> = field(manifest, "sets", file)?
        .as_array()
        .map(|v| v.iter().filter_map(|x| x.as_str().map(String::from)).collect())
        .unwrap_or_default();
    let l = load(Path::new(&scenario), &Overrides { variants, sets }).map_err(|e| {
        format!(
            "cannot load the scenario `{scenario}` named in {} (paths are relative to where the results were made; run `frontline serve` from there):\n{}",
            file.display(),
            e.render(false)
        )
    })?;
    let want = field(manifest, "scenario_hash", file)?.as_str().unwrap_or_default().trim_start_matches("sha256:");
    if l.scenario_hash != want {
        return Err(format!(
            "the scenario `{scenario}` has changed since these results were made (its hash differs from {}); rerun them",
            file.display()
        ));
    }
    Ok(l)
}

/// The dataset of an output directory of `frontline run`, `ensemble` or `compare`.
pub fn load_dir(dir: &Path) -> Result<Value, String> {
    let file = dir.join("manifest.json");
    let text = std::fs::read_to_string(&file).map_err(|e| {
        format!(
            "cannot read {}: {e}; point `frontline serve` at the --out directory of a run, an ensemble or a comparison",
            file.display()
        )
    })?;
    let manifest: Value = serde_json::from_str(&text).map_err(|e| format!("{}: {e}", file.display()))?;
    let command = field(&manifest, "command", &file)?.as_str().unwrap_or_default();
    match command {
        "run" => {
            let l = reload(&manifest, &file)?;
            let seed = field(&manifest, "seed", &file)?.as_u64().unwrap_or(l.model.seed);
            Ok(run_dataset(&l.model, &frontline_engine::simulate(&l.model, seed)))
        }
        "ensemble" => {
            let l = reload(&manifest, &file)?;
            let runs = field(&manifest, "runs", &file)?.as_u64().unwrap_or(0);
            let seed = field(&manifest, "base_seed", &file)?.as_u64().unwrap_or(l.model.seed);
            let agg = ensemble::aggregate(&l.model, runs, seed, dir).map_err(|e| e.to_string())?;
            Ok(ensemble_dataset(&l.model, &agg))
        }
        "compare" => {
            let results = field(&manifest, "results", &file)?.clone();
            let runs = field(&manifest, "runs", &file)?.as_u64().unwrap_or(0);
            let name = manifest["scenario_name"].as_str().or(manifest["scenario"].as_str()).unwrap_or("comparison");
            let arms = results.as_array().map_or(0, |r| {
                let mut a: Vec<&str> = r.iter().filter_map(|x| x["arm"].as_str()).collect();
                a.sort_unstable();
                a.dedup();
                a.len()
            });
            Ok(
                json!({"kind": "compare", "title": name, "subtitle": format!("{arms} arms × {runs} runs, common random numbers"),
                "results": results}),
            )
        }
        other => Err(format!(
            "{} is the output of `frontline {other}`; the viewer shows runs, ensembles and comparisons",
            dir.display()
        )),
    }
}

/// Serves the viewer for `data` on `addr` (e.g. `127.0.0.1:8765`; port 0
/// picks a free one) until the process ends. `ready` receives the URL once
/// the server listens.
pub fn serve(data: &Value, addr: &str, ready: impl FnOnce(&str)) -> Result<(), String> {
    let server = tiny_http::Server::http(addr).map_err(|e| format!("cannot listen on {addr}: {e}"))?;
    let url = match server.server_addr().to_ip() {
        Some(a) => format!("http://{a}/"),
        None => format!("http://{addr}/"),
    };
    ready(&url);
    let body = data.to_string();
    for request in server.incoming_requests() {
        let path = request.url().split('?').next().unwrap_or("/").to_string();
        let (content, kind, status) = match path.as_str() {
            "/" | "/index.html" => (INDEX.as_bytes(), "text/html; charset=utf-8", 200),
            "/viewer.js" => (SCRIPT.as_bytes(), "text/javascript; charset=utf-8", 200),
            "/data.json" => (body.as_bytes(), "application/json", 200),
            _ => (&b"not found"[..], "text/plain; charset=utf-8", 404),
        };
        let header = tiny_http::Header::from_bytes(&b"Content-Type"[..], kind.as_bytes()).expect("valid header");
        let response = tiny_http::Response::from_data(content.to_vec()).with_header(header).with_status_code(status);
        // A browser that went away is not an error of the viewer.
        let _ = request.respond(response);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn example() -> Model {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/vicious-circle.toml");
        let Ok(l) = frontline_scenario::load(std::path::Path::new(path), &Default::default()) else {
            panic!("the example loads")
        };
        l.model
    }

    #[test]
    fn a_run_dataset_has_a_controller_per_region_and_date() {
        let m = example();
        let t = frontline_engine::simulate(&m, 7);
        let d = run_dataset(&m, &t);
        let (dates, regions) = (d["dates"].as_array().unwrap().len(), d["regions"].as_array().unwrap().len());
        assert_eq!(dates, m.ticks as usize + 1);
        assert_eq!(regions, m.regions.len());
        assert_eq!(d["control"].as_array().unwrap().len(), dates);
        assert_eq!(d["control"][0].as_array().unwrap().len(), regions);
        let city = m.region_index("city").unwrap();
        assert_eq!(d["control"][dates - 1][city], t.control[(dates - 1) * regions + city]);
        assert!(d["regions"][0]["circle"].is_array(), "no map: circles");
    }
}
