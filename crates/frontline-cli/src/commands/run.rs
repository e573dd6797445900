//! `frontline run`: one trajectory.

use crate::error::CliError;
use crate::options::{MapArgs, ScenarioArgs, TableFormat, default_out};
use crate::summary::{Summary, say};
use frontline_analysis::analyses::{self, run::RunRequest};
use frontline_output::Checkpoints;
use serde_json::json;
use std::path::PathBuf;

/// How `run` writes: where, in which format, and whether it replaces a
/// previous job's runs kept in the folder (`--force`).
pub(crate) struct Place {
    pub(crate) out: Option<PathBuf>,
    pub(crate) format: TableFormat,
    pub(crate) force: bool,
}

pub(crate) fn run(
    args: &ScenarioArgs,
    seed: Option<u64>,
    place: Place,
    quiet: bool,
    maps: &MapArgs,
    no_report: bool,
) -> Result<Summary, CliError> {
    let sim = super::load(args)?;
    let req = RunRequest { seed, views: maps.views(no_report) };
    let dir = place.out.unwrap_or_else(|| default_out(&args.scenario, "run"));
    let (r, written) = analyses::execute_replacing(&dir, place.format.into(), Checkpoints::None, place.force, |_| {
        analyses::run::run(&*sim, &req)
    })?;
    let mut text = r.summary.clone();
    let n_maps = written.iter().filter(|w| w.starts_with("maps/")).count();
    let maps_note = if n_maps > 0 { format!(", {n_maps} map files in maps/") } else { String::new() };
    let report_note = if written.iter().any(|w| w == "report.html") { ", report.html, plots/" } else { "" };
    say!(text, "\nWrote {} tables{maps_note}{report_note} and manifest.json to {}", r.tables, dir.display());
    let json = super::extend(super::job_json("run", &*sim, &dir, &written), json!({"seed": r.seed}));
    Ok(Summary::new(text, json).quiet(quiet))
}
