//! # frontline-viewer
//!
//! The local interactive viewer behind `frontline serve DIR`: for a theatre
//! run, a map of the scenario's regions with a timeline slider (who holds
//! each region on each date, contested regions hatched); for a theatre
//! ensemble, the probability that a chosen actor holds each region on each
//! date; for a civil-violence run, the grid (quiet, active, jailed, cops)
//! at each snapshot with a step slider and the counts over time; for a
//! civil-violence ensemble, the bands of its summary over the steps; for a
//! comparison of either model, its outcomes per arm with the paired
//! differences.
//!
//! The data come from the output folder alone: its `manifest.json` (read as
//! a typed `frontline_output::Manifest`, refused with the field named if
//! malformed) says what the folder holds, and the dataset that `run` and
//! `ensemble` write beside it ([`dataset::DATASET_FILE`], built by the
//! [`dataset`] module's builders from the results themselves) is what the
//! page draws; a comparison's page is its manifest's `results`. Nothing is
//! re-simulated or re-aggregated and the scenario is not read, so a results
//! folder can be moved anywhere, or its scenario changed or deleted, and it
//! is still served as it was made.
//!
//! Owns the dataset sent to the browser (its builders and its checks), the
//! HTTP server and the page (`assets/`: one HTML file, one script, no
//! external resources). It must not change results; it only presents them.

#![warn(missing_docs)]

use frontline_output::{Command, MAX_MANIFEST_BYTES, Manifest};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::io::Read;
use std::net::TcpListener;
use std::path::Path;
use std::sync::Arc;

pub mod dataset;
pub mod http;
pub use dataset::DATASET_FILE;
pub use http::Limits;

const INDEX: &str = include_str!("../assets/index.html");
const SCRIPT: &str = include_str!("../assets/viewer.js");

/// Reads `file`, which must be a regular file of at most `limit` bytes (a
/// FIFO or a device would block or never end); `what` names the file in
/// the messages and `fix` says what to do about a refusal.
fn read_bounded(file: &Path, limit: u64, what: &str, fix: &str) -> Result<String, String> {
    let meta = std::fs::metadata(file).map_err(|e| format!("cannot read {}: {e}; {fix}", file.display()))?;
    if !meta.is_file() {
        return Err(format!("cannot read {}: not a regular file; {fix}", file.display()));
    }
    if meta.len() > limit {
        return Err(format!(
            "{}: {} bytes, more than the {} MiB {what} can have; {fix}",
            file.display(),
            meta.len(),
            limit >> 20
        ));
    }
    let mut text = String::new();
    std::fs::File::open(file)
        .and_then(|f| f.take(limit + 1).read_to_string(&mut text))
        .map_err(|e| format!("cannot read {}: {e}; {fix}", file.display()))?;
    if text.len() as u64 > limit {
        return Err(format!("{}: grew past {} MiB while being read", file.display(), limit >> 20));
    }
    Ok(text)
}

/// A field of the manifest that the command must have written.
fn required<T: Copy>(value: Option<T>, key: &str, file: &Path) -> Result<T, String> {
    value.ok_or_else(|| format!("{}: no `{key}`; rerun the job that wrote it", file.display()))
}

/// The kind of dataset that `command` writes for `manifest`'s model.
fn dataset_kind(manifest: &Manifest, dir: &Path) -> Result<&'static str, String> {
    let theatre = manifest.is_theatre();
    if !theatre && manifest.model != frontline_civil::params::MODEL_NAME {
        return Err(format!(
            "{} is the output of a {} model; the viewer shows runs and ensembles of the theatre and {} models",
            dir.display(),
            manifest.model,
            frontline_civil::params::MODEL_NAME
        ));
    }
    Ok(match (theatre, manifest.command) {
        (true, Command::Run) => "run",
        (true, _) => "ensemble",
        (false, Command::Run) => "civil-run",
        (false, _) => "civil-ensemble",
    })
}

/// Reads and checks the dataset of a run or an ensemble in `dir`, and that
/// it belongs to `manifest` (same kind, seed, runs).
fn read_dataset(dir: &Path, manifest: &Manifest, file: &Path) -> Result<Value, String> {
    let kind = dataset_kind(manifest, dir)?;
    let command = manifest.command;
    if command == Command::Ensemble {
        let runs = required(manifest.runs, "runs", file)?;
        if runs == 0 {
            return Err(format!(
                "{}: `runs` is 0; an ensemble has at least one run; rerun the ensemble with this --out",
                file.display()
            ));
        }
    }
    let path = dir.join(DATASET_FILE);
    let fix = format!(
        "the viewer draws the dataset that `frontline {command}` writes there ({DATASET_FILE}; these results were made by frontline {}); rerun the command with a current frontline",
        manifest.frontline_version
    );
    let text = read_bounded(&path, dataset::MAX_DATASET_BYTES, "a dataset", &fix)?;
    let read = dataset::parse(&text, kind)
        .map_err(|e| format!("{}: not a dataset this viewer can draw: {e}; {fix}", path.display()))?;
    let disagree = |key: &str, manifest_value: u64, dataset_value: u64| {
        format!(
            "{} claims {key} {manifest_value}, but {} holds the {kind} of {key} {dataset_value}; they do not belong together; {fix}",
            file.display(),
            path.display()
        )
    };
    if let (Some(want), Some(found)) = (manifest.seed, read.seed)
        && want != found
    {
        return Err(disagree("seed", want, found));
    }
    if let (Some(want), Some(found)) = (manifest.runs, read.runs)
        && want != found
    {
        return Err(format!(
            "{} claims {want} runs, but {} holds an ensemble of {found}; they do not belong together; {fix}",
            file.display(),
            path.display()
        ));
    }
    Ok(read.data)
}

/// The dataset of an output folder of `frontline run`, `ensemble` or
/// `compare`, from the folder alone: its `manifest.json` and, for a run or
/// an ensemble, its [`DATASET_FILE`]. Every refusal names the file and what
/// to do.
pub fn load_dir(dir: &Path) -> Result<Value, String> {
    let file = dir.join("manifest.json");
    let not_output = "point `frontline serve` at the --out directory of a run, an ensemble or a comparison";
    let text = read_bounded(&file, MAX_MANIFEST_BYTES, "a manifest", not_output)?;
    let manifest = Manifest::parse(&text).map_err(|e| format!("{}: {e}", file.display()))?;
    match manifest.command {
        Command::Run | Command::Ensemble => read_dataset(dir, &manifest, &file),
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
            let mut data = json!({"kind": "compare", "title": manifest.scenario_name,
                "subtitle": format!("{arms} arms × {runs} runs, common random numbers"), "results": results});
            // A theatre comparison also has maps per arm.
            let path = dir.join(DATASET_FILE);
            if path.exists() {
                let fix = "rerun the comparison with a current frontline";
                let text = read_bounded(&path, dataset::MAX_DATASET_BYTES, "a dataset", fix)?;
                let read = dataset::parse(&text, "compare-maps")
                    .map_err(|e| format!("{}: not a dataset this viewer can draw: {e}; {fix}", path.display()))?;
                if let (Value::Object(out), Value::Object(maps)) = (&mut data, read.data) {
                    for (k, v) in maps {
                        if k != "kind" {
                            out.insert(k, v);
                        }
                    }
                }
            }
            Ok(data)
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
mod tests;
