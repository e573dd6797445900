//! # frontline-explain
//!
//! Why things happened in the theatre model: causal chains built from the
//! engine's driver records (`frontline_engine::cause`).
//!
//! Owns the driver file a run writes (`drivers.json`, [`record`]), the chain
//! that led to a region's state on a date ([`chain`]), a comparison's
//! divergences between arms over common random numbers ([`diverge`]), an
//! ensemble's most common chains to each watched outcome ([`ensemble`]),
//! and [`explain_dir`], which
//! answers `frontline explain` from a results folder.
//!
//! It must not run the engine on behalf of a view: [`explain_dir`] reads
//! the folder only. The files it reads are written by the jobs (a run, a
//! comparison, an ensemble) through the `build` and `group` functions here. It prints
//! nothing.

#![warn(missing_docs)]

pub mod chain;
pub mod diverge;
pub mod ensemble;
pub mod record;

pub use chain::{Chain, Link, chain, find_region, find_tick, render};
pub use record::Record;

use std::path::Path;

/// What `frontline explain` was asked.
#[derive(Debug, Clone, Default)]
pub struct Request {
    /// The region (id or name): required for a run.
    pub region: Option<String>,
    /// The date (YYYY-MM-DD; default: the end of the run).
    pub date: Option<String>,
    /// For a comparison or an ensemble: the outcome to explain (default: the first).
    pub outcome: Option<String>,
}

/// The answer: text for people and JSON for scripts.
#[derive(Debug, Clone)]
pub struct Answer {
    /// Readable text.
    pub text: String,
    /// The same as JSON.
    pub json: serde_json::Value,
}

/// Reads a JSON file of a results folder, with a clear error.
fn read_json<T: serde::de::DeserializeOwned>(path: &Path) -> Result<T, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    serde_json::from_str(&text).map_err(|e| {
        format!(
            "{}:{}:{}: not a Frontline explanation file: {e}; rerun the job to rewrite it",
            path.display(),
            e.line(),
            e.column()
        )
    })
}

/// Answers `frontline explain DIR …` from the folder's files: a run's
/// `drivers.json`, or the `explain.json` a comparison or an ensemble wrote.
pub fn explain_dir(dir: &Path, req: &Request) -> Result<Answer, String> {
    if !dir.is_dir() {
        return Err(format!(
            "{} is not a results folder; give the --out folder of a run, a comparison or an ensemble",
            dir.display()
        ));
    }
    let run = dir.join(record::FILE);
    let job = dir.join(diverge::FILE);
    if run.is_file() {
        let rec: Record = read_json(&run)?;
        if rec.format != record::FORMAT {
            return Err(format!(
                "{}: format `{}`, expected `{}`; rerun the job with this version",
                run.display(),
                rec.format,
                record::FORMAT
            ));
        }
        let Some(place) = &req.region else {
            return Err("explaining a run needs --region PLACE (a region's id or name)".into());
        };
        let r = find_region(&rec, place).map_err(|e| e.to_string())?;
        let tick = find_tick(&rec, req.date.as_deref()).map_err(|e| e.to_string())?;
        let c = chain(&rec, r, tick);
        let json = serde_json::to_value(&c).map_err(|e| e.to_string())?;
        return Ok(Answer { text: render(&c), json });
    }
    if job.is_file() {
        let value: serde_json::Value = read_json(&job)?;
        let format = value.get("format").and_then(|f| f.as_str()).unwrap_or_default();
        if format != diverge::FORMAT {
            return Err(format!(
                "{}: format `{format}`, expected `{}`; rerun the job with this version",
                job.display(),
                diverge::FORMAT
            ));
        }
        let bad = |e: serde_json::Error| {
            format!("{}: not a Frontline explanation file: {e}; rerun the job to rewrite it", job.display())
        };
        return match value.get("job").and_then(|j| j.as_str()) {
            Some("ensemble") => serde_json::from_value::<ensemble::JobFile>(value).map_err(bad)?.answer(req),
            _ => serde_json::from_value::<diverge::JobFile>(value).map_err(bad)?.answer(req),
        };
    }
    Err(format!(
        "{} has no {} or {}: explanations come from `frontline run` (any run), `frontline compare`, and `frontline ensemble --explain`; rerun the job into this folder",
        dir.display(),
        record::FILE,
        diverge::FILE
    ))
}
