//! The maps that `run` and `ensemble` write next to their tables, in
//! `DIR/maps/`: zones of control (run) and probabilities of control
//! (ensemble) on chosen dates, as SVG and GeoJSON. Drawing is
//! `frontline-maps`'s; this module picks the dates, names the files and
//! writes them atomically.

use crate::analyses::fail;
use frontline_analysis::ensemble::Aggregate;
use frontline_date::Day;
use frontline_engine::Trajectory;
use frontline_scenario::Model;
use std::path::Path;
use std::process::ExitCode;

/// Map options shared by `run` and `ensemble`.
#[derive(clap::Args, Debug, Clone, Default)]
pub(crate) struct MapArgs {
    /// Date of a map (repeatable; default: the first and the last date). The
    /// map shows the state at the last tick on or before it.
    #[arg(long = "map-date", value_name = "YYYY-MM-DD")]
    pub(crate) dates: Vec<String>,
    /// Write no maps.
    #[arg(long)]
    pub(crate) no_maps: bool,
}

/// The snapshots to draw, checked before any run starts: (snapshot, its date).
pub(crate) fn snapshots(m: &Model, args: &MapArgs) -> Result<Vec<(usize, String)>, ExitCode> {
    if args.no_maps {
        return Ok(Vec::new());
    }
    let (first, last) = (m.day_of_tick(0), m.day_of_tick(m.ticks));
    if args.dates.is_empty() {
        return Ok(vec![(0, first.to_string()), (m.ticks as usize, last.to_string())]);
    }
    let mut out: Vec<(usize, String)> = Vec::new();
    for d in &args.dates {
        let Ok(day) = Day::parse(d) else {
            return Err(fail(format!("--map-date `{d}` is not a date; write it as YYYY-MM-DD, e.g. 2015-05-17"), 2));
        };
        if day < first || day > last {
            return Err(fail(
                format!("--map-date {d} is outside the scenario ({} to {}); pick a date in that range", first, last),
                2,
            ));
        }
        // The last tick on or before the date.
        let k = (0..=m.ticks).rev().find(|&t| m.day_of_tick(t) <= day).unwrap_or(0) as usize;
        if !out.iter().any(|(x, _)| *x == k) {
            out.push((k, m.day_of_tick(k as u32).to_string()));
        }
    }
    Ok(out)
}

/// Writes `OUT/maps/<name>`; returns the name relative to OUT.
fn write_map(out: &Path, name: &str, text: &str) -> Result<String, ExitCode> {
    crate::analyses::write_text(&out.join("maps"), name, text)?;
    Ok(format!("maps/{name}"))
}

/// GeoJSON is written compact: pretty-printed coordinates would be several
/// times larger.
fn write_geojson(out: &Path, name: &str, value: &serde_json::Value) -> Result<String, ExitCode> {
    write_map(out, name, &(value.to_string() + "\n"))
}

/// Writes `control-<date>.svg` and `.geojson` for each snapshot of a run.
pub(crate) fn write_run_maps(
    dir: &Path,
    m: &Model,
    t: &Trajectory,
    which: &[(usize, String)],
) -> Result<Vec<String>, ExitCode> {
    let nr = m.regions.len();
    let mut written = Vec::new();
    for (k, date) in which {
        let control: Vec<Option<usize>> =
            t.control[k * nr..(k + 1) * nr].iter().map(|&c| usize::try_from(c).ok()).collect();
        let contested = &t.contested[k * nr..(k + 1) * nr];
        let title = format!("{} — control on {date} (seed {})", m.name, t.seed);
        written.push(write_map(
            dir,
            &format!("control-{date}.svg"),
            &frontline_maps::control_svg(m, &control, contested, &title),
        )?);
        written.push(write_geojson(
            dir,
            &format!("control-{date}.geojson"),
            &frontline_maps::control_geojson(m, &control, contested, date),
        )?);
    }
    Ok(written)
}

/// Writes, for each snapshot, `probability-<actor>-<date>.svg` for every
/// actor that holds something in some run then, and one
/// `probability-<date>.geojson` with every actor's probabilities.
pub(crate) fn write_ensemble_maps(
    dir: &Path,
    m: &Model,
    agg: &Aggregate,
    which: &[(usize, String)],
) -> Result<Vec<String>, ExitCode> {
    let mut written = Vec::new();
    for (k, date) in which {
        let p = agg.control_probability(m, *k);
        for (a, actor) in m.actors.iter().enumerate() {
            if p[a].iter().all(|&x| x <= 0.0) {
                continue;
            }
            let title = format!("{} — P({} holds) on {date}, {} runs", m.name, actor.name, agg.runs);
            written.push(write_map(
                dir,
                &format!("probability-{}-{date}.svg", actor.id),
                &frontline_maps::probability_svg(m, &p[a], a, &title),
            )?);
        }
        written.push(write_geojson(
            dir,
            &format!("probability-{date}.geojson"),
            &frontline_maps::probability_geojson(m, &p, date),
        )?);
    }
    Ok(written)
}
