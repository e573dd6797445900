//! # frontline-viewer
//!
//! The local interactive viewer behind `frontline serve DIR`: a map of the
//! scenario's regions with a timeline slider, for a run (who holds each
//! region on each date, contested regions hatched) or an ensemble (the
//! probability that a chosen actor holds each region on each date), and a
//! comparison's outcomes per arm with the paired differences.
//!
//! The data come from the output directory itself: its `manifest.json` (read
//! as a typed `frontline_output::Manifest`, refused with the field named if
//! malformed) names the scenario, variants, `--set`s and seed. A run is
//! re-simulated (a run is a pure function of those, so the result is the one
//! its tables hold) and an ensemble is re-aggregated from its `.runs/`
//! batches. The scenario's
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
use frontline_output::{Command, Manifest};
use frontline_scenario::{Loaded, Model, Overrides, load};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::io::Read;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub mod http;
pub use http::Limits;

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
    let dates: Vec<String> = (0..=m.ticks).map(|k| m.day_of_tick(k).to_string()).collect();
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

/// Loads the scenario a manifest names, with its variants and `--set`s, and
/// checks that it is the scenario the results came from.
fn reload(manifest: &Manifest, file: &Path) -> Result<Loaded, String> {
    let scenario = &manifest.scenario;
    let variants: Vec<PathBuf> = manifest.variants.iter().map(|v| PathBuf::from(&v.path)).collect();
    let sets = manifest.sets.clone();
    let l = load(Path::new(scenario), &Overrides { variants, sets }).map_err(|e| {
        format!(
            "cannot load the scenario `{scenario}` named in {} (paths are relative to where the results were made; run `frontline serve` from there):\n{}",
            file.display(),
            e.render(false)
        )
    })?;
    if l.scenario_hash != manifest.scenario_digest() {
        return Err(format!(
            "the scenario `{scenario}` has changed since these results were made (its hash differs from {}); rerun them",
            file.display()
        ));
    }
    Ok(l)
}

use frontline_output::MAX_MANIFEST_BYTES;

/// Reads `file`, which must be a regular file of at most
/// [`MAX_MANIFEST_BYTES`] (a FIFO or a device would block or never end).
fn read_manifest(file: &Path) -> Result<String, String> {
    let not_output = "point `frontline serve` at the --out directory of a run, an ensemble or a comparison";
    let meta = std::fs::metadata(file).map_err(|e| format!("cannot read {}: {e}; {not_output}", file.display()))?;
    if !meta.is_file() {
        return Err(format!("cannot read {}: not a regular file; {not_output}", file.display()));
    }
    if meta.len() > MAX_MANIFEST_BYTES {
        return Err(format!(
            "{}: {} bytes, more than the {} MiB a manifest can have; {not_output}",
            file.display(),
            meta.len(),
            MAX_MANIFEST_BYTES >> 20
        ));
    }
    let mut text = String::new();
    std::fs::File::open(file)
        .and_then(|f| f.take(MAX_MANIFEST_BYTES + 1).read_to_string(&mut text))
        .map_err(|e| format!("cannot read {}: {e}; {not_output}", file.display()))?;
    if text.len() as u64 > MAX_MANIFEST_BYTES {
        return Err(format!("{}: grew past {} MiB while being read", file.display(), MAX_MANIFEST_BYTES >> 20));
    }
    Ok(text)
}

/// A field of the manifest that the command must have written.
fn required<T: Copy>(value: Option<T>, key: &str, file: &Path) -> Result<T, String> {
    value.ok_or_else(|| format!("{}: no `{key}`; rerun the job that wrote it", file.display()))
}

/// Checks that the per-run batches of an ensemble are on disk, as many and
/// as large as `runs` needs, before anything is allocated for them: the
/// aggregate's memory grows with `runs`, so a manifest claiming more runs
/// than its `.runs/` holds must be refused, not trusted.
fn check_batches(m: &Model, runs: u64, dir: &Path, file: &Path) -> Result<(), String> {
    let runs_dir = dir.join(".runs");
    let rerun = "rerun the ensemble (or finish it with --resume) with this --out";
    if runs == 0 {
        return Err(format!("{}: `runs` is 0; an ensemble has at least one run; {rerun}", file.display()));
    }
    let entries = std::fs::read_dir(&runs_dir).map_err(|e| {
        format!(
            "cannot read {}: {e}; the viewer re-aggregates an ensemble from its per-run batches; {rerun}",
            runs_dir.display()
        )
    })?;
    let is_batch = |name: &str| {
        name.strip_prefix("batch-")
            .and_then(|n| n.strip_suffix(".bin"))
            .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
    };
    let on_disk = entries.filter_map(Result::ok).filter(|e| is_batch(&e.file_name().to_string_lossy())).count() as u64;
    let batches = runs.div_ceil(ensemble::BATCH);
    if on_disk != batches {
        return Err(format!(
            "{} claims {runs} runs, which are {batches} batch file(s) of up to {} runs, but {} holds {on_disk}; the manifest and the batches do not belong together; {rerun}",
            file.display(),
            ensemble::BATCH,
            runs_dir.display()
        ));
    }
    for b in 0..batches {
        let n = (runs - b * ensemble::BATCH).min(ensemble::BATCH);
        let path = runs_dir.join(format!("batch-{b:06}.bin"));
        let meta = std::fs::metadata(&path).map_err(|e| format!("cannot read {}: {e}; {rerun}", path.display()))?;
        // The payload alone, without the seal `aggregate` then checks.
        let least = ensemble::batch_payload_len(m, n as usize) as u64;
        if !meta.is_file() || meta.len() < least {
            return Err(format!(
                "{} is {} bytes, too small for the {n} runs of {}; {rerun}",
                path.display(),
                meta.len(),
                file.display()
            ));
        }
    }
    Ok(())
}

/// The dataset of an output directory of `frontline run`, `ensemble` or `compare`.
pub fn load_dir(dir: &Path) -> Result<Value, String> {
    let file = dir.join("manifest.json");
    let text = read_manifest(&file)?;
    let manifest = Manifest::parse(&text).map_err(|e| format!("{}: {e}", file.display()))?;
    if !manifest.is_theatre() {
        return Err(format!(
            "{} is the output of a {} model; the viewer shows the theatre model's runs, ensembles and comparisons",
            dir.display(),
            manifest.model
        ));
    }
    match manifest.command {
        Command::Run => {
            let l = reload(&manifest, &file)?;
            let seed = required(manifest.seed, "seed", &file)?;
            Ok(run_dataset(&l.model, &frontline_engine::simulate(&l.model, seed)))
        }
        Command::Ensemble => {
            let l = reload(&manifest, &file)?;
            let runs = required(manifest.runs, "runs", &file)?;
            let seed = required(manifest.base_seed, "base_seed", &file)?;
            check_batches(&l.model, runs, dir, &file)?;
            let agg = ensemble::aggregate(&l.model, runs, seed, dir).map_err(|e| e.to_string())?;
            Ok(ensemble_dataset(&l.model, &agg))
        }
        Command::Compare => {
            let results = manifest
                .results
                .as_deref()
                .ok_or_else(|| format!("{}: no `results`; rerun the comparison that wrote it", file.display()))?;
            let runs = required(manifest.runs, "runs", &file)?;
            let mut arms: Vec<&str> = results.iter().map(|r| r.arm.as_str()).collect();
            arms.sort_unstable();
            arms.dedup();
            let arms = arms.len();
            Ok(json!({"kind": "compare", "title": manifest.scenario_name,
                "subtitle": format!("{arms} arms × {runs} runs, common random numbers"), "results": results}))
        }
        other => Err(format!(
            "{} is the output of `frontline {other}`; the viewer shows runs, ensembles and comparisons",
            dir.display()
        )),
    }
}

/// Serves the viewer for `data` on `addr` (e.g. `127.0.0.1:8765`; port 0
/// picks a free one) until the process ends, with the default [`Limits`].
/// `ready` receives the URL once the server listens.
pub fn serve(data: &Value, addr: &str, ready: impl FnOnce(&str)) -> Result<(), String> {
    serve_with(data, addr, Limits::default(), ready)
}

/// [`serve`] with the given limits on clients (see the [`http`] module for
/// the policy). Returns only if it cannot listen on `addr`.
pub fn serve_with(data: &Value, addr: &str, limits: Limits, ready: impl FnOnce(&str)) -> Result<(), String> {
    let listener = TcpListener::bind(addr).map_err(|e| format!("cannot listen on {addr}: {e}"))?;
    let bound = listener.local_addr().map_err(|e| format!("cannot listen on {addr}: {e}"))?;
    let resource = |content_type, body: &[u8]| http::Resource { content_type, body: Arc::from(body) };
    let page = resource("text/html; charset=utf-8", INDEX.as_bytes());
    let resources = HashMap::from([
        ("/", page.clone()),
        ("/index.html", page),
        ("/viewer.js", resource("text/javascript; charset=utf-8", SCRIPT.as_bytes())),
        ("/data.json", resource("application/json", data.to_string().as_bytes())),
    ]);
    ready(&format!("http://{bound}/"));
    http::run(listener, bound, resources, limits);
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
