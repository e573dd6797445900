//! `frontline run`: one trajectory.

use crate::error::CliError;
use crate::options::{MapArgs, ScenarioArgs, TableFormat, default_out};
use frontline_analysis::analyses::{self, run::RunRequest};
use frontline_output::Checkpoints;
use std::path::PathBuf;

pub(crate) fn run(
    args: &ScenarioArgs,
    seed: Option<u64>,
    out: Option<PathBuf>,
    format: TableFormat,
    quiet: bool,
    maps: &MapArgs,
    no_report: bool,
) -> Result<(), CliError> {
    let sim = super::load(args)?;
    let req = RunRequest { seed, views: maps.views(no_report) };
    let dir = out.unwrap_or_else(|| default_out(&args.scenario, "run"));
    let (r, written) = analyses::execute(&dir, format.into(), Checkpoints::None, |_| analyses::run::run(&*sim, &req))?;
    if !quiet {
        print!("{}", r.summary);
        let n_maps = written.iter().filter(|w| w.starts_with("maps/")).count();
        let maps_note = if n_maps > 0 { format!(", {n_maps} map files in maps/") } else { String::new() };
        let report_note = if written.iter().any(|w| w == "report.html") { ", report.html, plots/" } else { "" };
        println!("\nWrote {} tables{maps_note}{report_note} and manifest.json to {}", r.tables, dir.display());
    }
    Ok(())
}
