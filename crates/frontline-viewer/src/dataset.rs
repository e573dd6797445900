//! The dataset the page draws, written as [`DATASET_FILE`] (`view.json`)
//! into a job's output folder by the command that made the results, and
//! read back by [`crate::load_dir`] when the folder is served.
//!
//! The builders are pure functions of a job's results: everything the page
//! needs (the regions already projected to page coordinates, names, colours,
//! dates, titles, grid snapshots, bands) goes in, so serving needs nothing
//! but the folder — no scenario, no engine, no per-run batches — and a
//! folder can be moved anywhere and still be served.
//!
//! Four kinds (the `kind` key): `run` and `ensemble` for the theatre model
//! (who holds each region on each date; the probability that each actor
//! does), `civil-run` and `civil-ensemble` for the civil-violence model (grid
//! snapshots and counts per step; the bands of the ensemble's summary per
//! step). A comparison needs no dataset: the viewer shows the `results` of
//! its manifest.
//!
//! Size: a dataset is read whole, so it is bounded ([`MAX_DATASET_BYTES`]).
//! The builders keep the part that grows with time (dates, snapshots) within
//! a budget below that bound by showing every k-th date or snapshot when a
//! job is so long or so large that all of them would not fit, and say so in
//! the subtitle; the tables keep every date.

use frontline_analysis::ensemble::Aggregate;
use frontline_engine::Trajectory;
use frontline_maps::{Shape, actor_colour};
use frontline_output::{Column, OutputError, Table};
use frontline_scenario::Model;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::path::Path;

/// The dataset's file name in an output folder.
pub const DATASET_FILE: &str = "view.json";

/// The largest dataset the viewer reads, in bytes (256 MiB).
pub const MAX_DATASET_BYTES: u64 = 256 << 20;

/// The bytes the builders allow the time series (dates, snapshots), so that
/// with the fixed part (geometry, names, counts) a dataset stays within
/// [`MAX_DATASET_BYTES`].
pub(crate) const SERIES_BUDGET: u64 = 192 << 20;

/// Width of the theatre map in the page, pixels.
const MAP_WIDTH: f64 = 760.0;

/// The civil grid's cell states: code (the digit in a snapshot), name and
/// colour, in code order (frontline_civil::model's EMPTY … COP).
const CIVIL_STATES: [(u8, &str, &str); 5] = [
    (frontline_civil::model::EMPTY, "empty", "#f2f2f2"),
    (frontline_civil::model::QUIET, "quiet", "#4e79a7"),
    (frontline_civil::model::ACTIVE, "active", "#e15759"),
    (frontline_civil::model::JAILED, "jailed", "#9c9c9c"),
    (frontline_civil::model::COP, "cop", "#222222"),
];

/// The civil ensemble's metrics, as the `counts_summary` table names them:
/// id, label and colour (the `_fraction`s are shares of the citizens, the
/// arrests a count per step).
const CIVIL_METRICS: [(&str, &str, &str); 4] = [
    ("active_fraction", "active", "#e15759"),
    ("jailed_fraction", "jailed", "#9c9c9c"),
    ("quiet_fraction", "quiet", "#4e79a7"),
    ("arrests", "arrests", "#f28e2b"),
];

/// A region on the theatre map: a path (`d`) or a circle (`[x, y, r]`).
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Region {
    id: String,
    name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    d: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    circle: Option<[f64; 3]>,
}

/// A named place (key city): its name, other names, its region's index and
/// where its label goes on the page.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Place {
    name: String,
    #[serde(default)]
    aliases: Vec<String>,
    region: usize,
    x: f64,
    y: f64,
}

/// An actor: id, display name and map colour (`#rrggbb`).
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Actor {
    id: String,
    name: String,
    colour: String,
}

/// A theatre run: `control[date][region]` (actor index, −1 for nobody) and
/// `contested[date][region]` (0 or 1).
#[derive(Debug, Clone, Serialize, Deserialize)]
struct TheatreRun {
    kind: String,
    title: String,
    subtitle: String,
    width: f64,
    height: f64,
    dates: Vec<String>,
    regions: Vec<Region>,
    links: Vec<[f64; 4]>,
    #[serde(default)]
    places: Vec<Place>,
    actors: Vec<Actor>,
    control: Vec<Vec<i32>>,
    contested: Vec<Vec<u8>>,
    seed: u64,
    /// Per region id, the chains behind its state (issue #13), in date
    /// order; absent in folders written before runs recorded drivers.
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    why: std::collections::BTreeMap<String, Vec<WhyChain>>,
}

/// A region's chain at one of its control changes (or at the end, if it never changed hands).
#[derive(Debug, Clone, Serialize, Deserialize)]
struct WhyChain {
    /// The date it explains.
    date: String,
    /// Whether it explains a change (false: held since the start).
    since: bool,
    /// The chain as text.
    text: String,
}

/// A theatre ensemble: `probability[actor][date][region]`, rounded to
/// three decimals.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct TheatreEnsemble {
    kind: String,
    title: String,
    subtitle: String,
    width: f64,
    height: f64,
    dates: Vec<String>,
    regions: Vec<Region>,
    links: Vec<[f64; 4]>,
    #[serde(default)]
    places: Vec<Place>,
    actors: Vec<Actor>,
    probability: Vec<Vec<Vec<f64>>>,
    runs: u64,
}

/// A theatre comparison's maps (kind `compare-maps`): per arm (baseline
/// first), key date, actor and region the probability of control,
/// `probability[arm][date][actor][region]`, rounded to three decimals.
/// The outcomes' results come from the manifest.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct TheatreCompare {
    kind: String,
    width: f64,
    height: f64,
    dates: Vec<String>,
    regions: Vec<Region>,
    links: Vec<[f64; 4]>,
    #[serde(default)]
    places: Vec<Place>,
    actors: Vec<Actor>,
    arms: Vec<String>,
    probability: Vec<Vec<Vec<Vec<f64>>>>,
    /// Why the arms differ (issue #13), from the comparison's
    /// `explain.json`: per outcome and arm, the summary across the seeds
    /// whose outcome differs; absent where nothing was explained.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    why: Vec<CompareWhy>,
}

/// One outcome and arm of a comparison's explanation, as the viewer shows it.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct CompareWhy {
    /// The outcome, as given to compare.
    outcome: String,
    /// The region it names.
    region: Option<String>,
    /// The arm.
    arm: String,
    /// How many seeds differ from the baseline.
    differing: usize,
    /// The summary, one line per (direction, link the difference runs through).
    lines: Vec<String>,
    /// Where the first differing seed's arms diverge.
    first: Option<String>,
}

/// A cell state of the civil grid.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct CivilState {
    code: u8,
    name: String,
    colour: String,
}

/// The counts of a civil run per step.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct CivilCounts {
    active: Vec<u32>,
    quiet: Vec<u32>,
    jailed: Vec<u32>,
    arrests: Vec<u32>,
}

/// One grid snapshot: the step and one digit per cell (the state's code),
/// row-major from the top-left cell.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Snapshot {
    step: u32,
    cells: String,
}

/// A civil run: the counts per step and the grid snapshots (none when the
/// run took none).
#[derive(Debug, Clone, Serialize, Deserialize)]
struct CivilRun {
    kind: String,
    title: String,
    subtitle: String,
    grid_width: u32,
    grid_height: u32,
    citizens: u64,
    cops: u64,
    states: Vec<CivilState>,
    steps: Vec<u32>,
    counts: CivilCounts,
    snapshots: Vec<Snapshot>,
}

/// One metric of a civil ensemble: mean and 5/50/95 % quantiles per step.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Band {
    id: String,
    name: String,
    colour: String,
    mean: Vec<f64>,
    q05: Vec<f64>,
    q50: Vec<f64>,
    q95: Vec<f64>,
}

/// A civil ensemble: the bands of its summary over the steps.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct CivilEnsemble {
    kind: String,
    title: String,
    subtitle: String,
    grid_width: u32,
    grid_height: u32,
    steps: Vec<u32>,
    metrics: Vec<Band>,
}

/// The part of a theatre dataset that every date shares.
struct TheatreMap {
    width: f64,
    height: f64,
    dates: Vec<String>,
    regions: Vec<Region>,
    links: Vec<[f64; 4]>,
    places: Vec<Place>,
    actors: Vec<Actor>,
}

/// The indices of `n` items to keep so that items of `per_item` bytes stay
/// within [`SERIES_BUDGET`]: all of them, or every `stride`-th and the last
/// (the state at the end is always shown), with the stride.
pub(crate) fn kept(n: usize, per_item: u64) -> (Vec<usize>, usize) {
    let fit = usize::try_from(SERIES_BUDGET / per_item.max(1)).unwrap_or(usize::MAX).max(1);
    if n <= fit {
        return ((0..n).collect(), 1);
    }
    if fit == 1 {
        return (vec![n - 1], n);
    }
    // ceil(n / stride) items from the stride, and the last: at most `fit`.
    let stride = n.div_ceil(fit - 1);
    let mut keep: Vec<usize> = (0..n).step_by(stride).collect();
    if keep.last() != Some(&(n - 1)) {
        keep.push(n - 1);
    }
    (keep, stride)
}

/// `subtitle`, noting when only every `stride`-th `what` is shown.
fn with_stride(subtitle: String, stride: usize, what: &str) -> String {
    if stride > 1 { format!("{subtitle}; every {stride}th {what} shown (the tables have all)") } else { subtitle }
}

/// Decimal digits of `n`, for size estimates.
fn digits(n: u64) -> u64 {
    u64::from(n.checked_ilog10().unwrap_or(0)) + 1
}

/// The map of `m` and its dates (those with indices `keep`).
fn theatre_map(m: &Model, keep: &[usize]) -> TheatreMap {
    let lay = frontline_maps::layout(m, 0.0, 0.0, MAP_WIDTH);
    let regions = m
        .regions
        .iter()
        .zip(&lay.shapes)
        .map(|(r, shape)| {
            let (d, circle) = match shape {
                Shape::Path(d) => (Some(d.clone()), None),
                Shape::Circle { x, y, r: radius } => (None, Some([*x, *y, *radius])),
            };
            Region { id: r.id.clone(), name: r.name.clone(), d, circle }
        })
        .collect();
    let links = lay.links.iter().map(|((a, b), (c, d))| [*a, *b, *c, *d]).collect();
    let places = m
        .places
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let (x, y) = lay.places[i];
            Place { name: p.name.clone(), aliases: p.aliases.clone(), region: p.region, x, y }
        })
        .collect();
    let actors = m
        .actors
        .iter()
        .enumerate()
        .map(|(a, x)| Actor { id: x.id.clone(), name: x.name.clone(), colour: actor_colour(a).to_string() })
        .collect();
    let dates = keep.iter().map(|&k| m.day_of_tick(k as u32).to_string()).collect();
    TheatreMap { width: MAP_WIDTH, height: lay.height, dates, regions, links, places, actors }
}

fn to_value(data: &impl Serialize) -> Value {
    serde_json::to_value(data).expect("a dataset has string keys and finite numbers")
}

/// The dataset of one theatre run `t` of `m` (kind `run`): the map, the
/// dates, and per date who holds each region and whether it is contested.
pub fn theatre_run(m: &Model, t: &Trajectory) -> Value {
    let nr = m.regions.len();
    let snapshots = t.snapshots().min(m.ticks as usize + 1);
    // Per date: the date, and per region "-1," or an actor index and "0,".
    let per_date = 16 + nr as u64 * (digits(m.actors.len() as u64) + 4);
    let (keep, stride) = kept(snapshots, per_date);
    let map = theatre_map(m, &keep);
    let control = keep.iter().map(|&k| t.control[k * nr..(k + 1) * nr].to_vec()).collect();
    let contested =
        keep.iter().map(|&k| t.contested[k * nr..(k + 1) * nr].iter().map(|&c| u8::from(c)).collect()).collect();
    to_value(&TheatreRun {
        kind: "run".into(),
        title: m.name.clone(),
        subtitle: with_stride(format!("one run, seed {}", t.seed), stride, "date"),
        width: map.width,
        height: map.height,
        dates: map.dates,
        regions: map.regions,
        links: map.links,
        places: map.places,
        actors: map.actors,
        control,
        contested,
        seed: t.seed,
        why: Default::default(),
    })
}

/// The dataset of a theatre ensemble `agg` of `m` (kind `ensemble`): the
/// map, the dates, and per actor, date and region the probability that the
/// actor holds the region (rounded to three decimals).
pub fn theatre_ensemble(m: &Model, agg: &Aggregate) -> Value {
    let snapshots = m.ticks as usize + 1;
    // Per date and actor and region at most "0.123," ; brackets per actor.
    let per_date = 16 + m.actors.len() as u64 * (4 + m.regions.len() as u64 * 6);
    let (keep, stride) = kept(snapshots, per_date);
    let map = theatre_map(m, &keep);
    let by_date: Vec<Vec<Vec<f64>>> = keep.iter().map(|&k| agg.control_probability(m, k)).collect();
    let round = |x: f64| (x * 1000.0).round() / 1000.0;
    let probability = (0..m.actors.len())
        .map(|a| by_date.iter().map(|d| d[a].iter().map(|&x| round(x)).collect()).collect())
        .collect();
    to_value(&TheatreEnsemble {
        kind: "ensemble".into(),
        title: m.name.clone(),
        subtitle: with_stride(format!("ensemble of {} runs", agg.runs), stride, "date"),
        width: map.width,
        height: map.height,
        dates: map.dates,
        regions: map.regions,
        links: map.links,
        places: map.places,
        actors: map.actors,
        probability,
        runs: agg.runs,
    })
}

/// The maps of a theatre comparison (kind `compare-maps`): the map, the
/// key dates and each arm's probability of control on them (`arms`:
/// (name, views), baseline first), and `why`, the summary of its
/// explanation (`frontline_explain::diverge::JobFile::view_summary`; an
/// empty array or null: none).
pub fn theatre_compare(m: &Model, arms: &[(String, frontline_analysis::compare::ArmViews)], why: &Value) -> Value {
    let keep: Vec<usize> = m.key_ticks().into_iter().map(|t| t as usize).collect();
    let map = theatre_map(m, &keep);
    let round = |x: f64| (x * 1000.0).round() / 1000.0;
    let probability = arms
        .iter()
        .map(|(_, v)| v.p.iter().map(|d| d.iter().map(|a| a.iter().map(|&x| round(x)).collect()).collect()).collect())
        .collect();
    to_value(&TheatreCompare {
        kind: "compare-maps".into(),
        width: map.width,
        height: map.height,
        dates: map.dates,
        regions: map.regions,
        links: map.links,
        places: map.places,
        actors: map.actors,
        arms: arms.iter().map(|(n, _)| n.clone()).collect(),
        probability,
        // `why` is built by the comparison job itself (never read from a
        // user's file), so a shape other than the summary's is no input error.
        why: serde_json::from_value(why.clone()).unwrap_or_default(),
    })
}

fn civil_states() -> Vec<CivilState> {
    CIVIL_STATES
        .iter()
        .map(|&(code, name, colour)| CivilState { code, name: name.into(), colour: colour.into() })
        .collect()
}

/// The digit of a cell code in a snapshot. A code the model does not write
/// is an empty cell, as in `frontline_civil::snapshots_table`.
fn cell_digit(code: u8) -> char {
    match CIVIL_STATES.iter().find(|s| s.0 == code) {
        Some(&(c, ..)) => char::from(b'0' + c),
        None => '0',
    }
}

/// The dataset of one civil-violence run `t` of `l` (kind `civil-run`): the
/// active, quiet and jailed citizens and the arrests per step, and the
/// trajectory's grid snapshots (taken when the scenario's
/// `output.snapshot_every` is above 0; without them the page shows the
/// counts alone and says how to get the grid).
pub fn civil_run(l: &frontline_civil::Loaded, t: &frontline_civil::Trajectory) -> Value {
    let sc = &l.scenario;
    let (w, h) = (sc.params.width, sc.params.height);
    let cells = u64::from(w) * u64::from(h);
    let (keep, stride) = kept(t.snapshots.len(), 32 + cells);
    let snapshots = keep
        .iter()
        .map(|&i| {
            let (step, grid) = &t.snapshots[i];
            Snapshot { step: *step, cells: grid.iter().map(|&c| cell_digit(c)).collect() }
        })
        .collect::<Vec<_>>();
    let col = |f: fn(&frontline_civil::Counts) -> u32| t.counts.iter().map(f).collect::<Vec<u32>>();
    let cops = t.agents.saturating_sub(t.citizens) as u64;
    let mut subtitle = format!(
        "one run: {w}×{h} grid, {} citizens, {cops} cops, {} steps",
        t.citizens,
        t.counts.last().map_or(0, |c| c.step)
    );
    if snapshots.is_empty() {
        subtitle.push_str("; no grid snapshots (set output.snapshot_every above 0 to see the grid)");
    }
    to_value(&CivilRun {
        kind: "civil-run".into(),
        title: sc.name.clone(),
        subtitle: with_stride(subtitle, stride, "snapshot"),
        grid_width: w,
        grid_height: h,
        citizens: t.citizens as u64,
        cops,
        states: civil_states(),
        steps: col(|c| c.step),
        counts: CivilCounts {
            active: col(|c| c.active),
            quiet: col(|c| c.quiet),
            jailed: col(|c| c.jailed),
            arrests: col(|c| c.arrests),
        },
        snapshots,
    })
}

/// A column of `table` that must be there with this type.
fn column<'a, T>(table: &'a Table, name: &str, pick: fn(&'a Column) -> Option<&'a [T]>) -> &'a [T] {
    table
        .columns
        .iter()
        .find(|(n, _)| n == name)
        .and_then(|(_, c)| pick(c))
        .unwrap_or_else(|| panic!("civil_ensemble: table `{}` has no column `{name}` of the expected type", table.name))
}

/// The dataset of a civil-violence ensemble of `l` (kind `civil-ensemble`)
/// from its `counts_summary` table (columns `step`, `metric`, `mean`,
/// `q05`, `q50`, `q95`; metrics `active_fraction`, `jailed_fraction`,
/// `quiet_fraction`, `arrests`, each over the same steps): per metric the
/// mean and the 5/50/95 % quantiles per step, rounded to four decimals.
///
/// # Panics
///
/// If the table does not have that shape (a caller's bug: the table is the
/// ensemble's own, not user input).
pub fn civil_ensemble(l: &frontline_civil::Loaded, counts_summary: &Table) -> Value {
    let step = column(counts_summary, "step", |c| if let Column::I64(v) = c { Some(v) } else { None });
    let metric = column(counts_summary, "metric", |c| if let Column::Str(v) = c { Some(v) } else { None });
    let f64s = |name| column(counts_summary, name, |c| if let Column::F64(v) = c { Some(v) } else { None });
    let (mean, q05, q50, q95) = (f64s("mean"), f64s("q05"), f64s("q50"), f64s("q95"));
    let round = |x: f64| (x * 1e4).round() / 1e4;
    let mut steps: Option<Vec<u32>> = None;
    let mut metrics = Vec::new();
    for (id, name, colour) in CIVIL_METRICS {
        let rows: Vec<usize> = (0..metric.len()).filter(|&i| metric[i] == id).collect();
        let these: Vec<u32> = rows.iter().map(|&i| u32::try_from(step[i]).unwrap_or(u32::MAX)).collect();
        match &steps {
            None => steps = Some(these),
            Some(s) => assert_eq!(s, &these, "civil_ensemble: metric `{id}` is not over the same steps as the others"),
        }
        let pick = |v: &[f64]| rows.iter().map(|&i| round(v[i])).collect();
        metrics.push(Band {
            id: id.into(),
            name: name.into(),
            colour: colour.into(),
            mean: pick(mean),
            q05: pick(q05),
            q50: pick(q50),
            q95: pick(q95),
        });
    }
    let steps = steps.unwrap_or_default();
    let sc = &l.scenario;
    let (w, h) = (sc.params.width, sc.params.height);
    let last = steps.last().copied().unwrap_or(0);
    to_value(&CivilEnsemble {
        kind: "civil-ensemble".into(),
        title: sc.name.clone(),
        subtitle: format!("ensemble on a {w}×{h} grid, {last} steps: mean and 5–95 % band across runs per step"),
        grid_width: w,
        grid_height: h,
        steps,
        metrics,
    })
}

/// Writes `dataset` (from one of the builders) as compact JSON to
/// `dir/`[`DATASET_FILE`], atomically (see `frontline_output::write_atomic`).
/// Compact, not pretty-printed: its arrays are long, and indentation would
/// multiply its size.
pub fn write(dir: &Path, dataset: &Value) -> Result<(), OutputError> {
    let path = dir.join(DATASET_FILE);
    frontline_output::write_atomic(&path, |file| {
        let io_err = |source: std::io::Error| OutputError::Io { path: path.clone(), source };
        let mut w = std::io::BufWriter::new(file);
        serde_json::to_writer(&mut w, dataset).map_err(|e| io_err(e.into()))?;
        std::io::Write::write_all(&mut w, b"\n").map_err(io_err)?;
        std::io::Write::flush(&mut w).map_err(io_err)
    })
}

/// A dataset read back, checked, with what the manifest can be checked against.
pub(crate) struct Read {
    /// The dataset, as sent to the page.
    pub data: Value,
    /// The seed of a theatre run.
    pub seed: Option<u64>,
    /// The runs of a theatre ensemble.
    pub runs: Option<u64>,
}

/// Parses `text` as a dataset of `kind` and checks that the page can draw
/// it: every series as long as its dates or steps, every index and code in
/// range, every number finite. The error says what is wrong (serde's
/// message has the line and column).
pub(crate) fn parse(text: &str, kind: &str) -> Result<Read, String> {
    #[derive(Deserialize)]
    struct Kind {
        kind: String,
    }
    let found = serde_json::from_str::<Kind>(text).map_err(|e| e.to_string())?.kind;
    if found != kind {
        return Err(format!("it holds a dataset of kind `{found}`, but the manifest is of a `{kind}`"));
    }
    let err = |e: serde_json::Error| e.to_string();
    match kind {
        "run" => {
            let d: TheatreRun = serde_json::from_str(text).map_err(err)?;
            check_map(&d.dates, &d.regions, &d.links, &d.actors, d.width, d.height)?;
            check_places(&d.places, d.regions.len())?;
            let (nr, na) = (d.regions.len(), d.actors.len() as i32);
            rows(&d.control, d.dates.len(), nr, "control", |&a| (-1..na).contains(&a))?;
            rows(&d.contested, d.dates.len(), nr, "contested", |&c| c <= 1)?;
            if let Some(id) = d.why.keys().find(|id| !d.regions.iter().any(|r| r.id == **id)) {
                return Err(format!("`why` names `{id}`, which is not a region of the map"));
            }
            Ok(Read { seed: Some(d.seed), runs: None, data: to_value(&d) })
        }
        "ensemble" => {
            let d: TheatreEnsemble = serde_json::from_str(text).map_err(err)?;
            check_map(&d.dates, &d.regions, &d.links, &d.actors, d.width, d.height)?;
            check_places(&d.places, d.regions.len())?;
            same_len(d.probability.len(), d.actors.len(), "probability", "actors")?;
            for p in &d.probability {
                rows(p, d.dates.len(), d.regions.len(), "probability", |x| (0.0..=1.0).contains(x))?;
            }
            Ok(Read { seed: None, runs: Some(d.runs), data: to_value(&d) })
        }
        "civil-run" => {
            let d: CivilRun = serde_json::from_str(text).map_err(err)?;
            check_states(&d.states)?;
            let n = d.steps.len();
            if n == 0 {
                return Err("`steps` is empty".into());
            }
            for (name, v) in [
                ("counts.active", &d.counts.active),
                ("counts.quiet", &d.counts.quiet),
                ("counts.jailed", &d.counts.jailed),
                ("counts.arrests", &d.counts.arrests),
            ] {
                same_len(v.len(), n, name, "steps")?;
            }
            let cells = u64::from(d.grid_width) * u64::from(d.grid_height);
            let codes = d.states.len() as u8;
            for s in &d.snapshots {
                if s.cells.len() as u64 != cells || !s.cells.bytes().all(|b| b.wrapping_sub(b'0') < codes) {
                    return Err(format!(
                        "the snapshot of step {} is not {cells} digits from 0 to {} ({}×{} cells)",
                        s.step,
                        codes - 1,
                        d.grid_width,
                        d.grid_height
                    ));
                }
            }
            Ok(Read { seed: None, runs: None, data: to_value(&d) })
        }
        "civil-ensemble" => {
            let d: CivilEnsemble = serde_json::from_str(text).map_err(err)?;
            let n = d.steps.len();
            if n == 0 || d.metrics.is_empty() {
                return Err("no steps or no metrics".into());
            }
            for b in &d.metrics {
                check_colour(&b.colour, &b.id)?;
                for (name, v) in [("mean", &b.mean), ("q05", &b.q05), ("q50", &b.q50), ("q95", &b.q95)] {
                    same_len(v.len(), n, &format!("{}.{name}", b.id), "steps")?;
                    if !v.iter().all(|x| x.is_finite()) {
                        return Err(format!("`{}.{name}` has a number that is not finite", b.id));
                    }
                }
            }
            Ok(Read { seed: None, runs: None, data: to_value(&d) })
        }
        "compare-maps" => {
            let d: TheatreCompare = serde_json::from_str(text).map_err(err)?;
            check_map(&d.dates, &d.regions, &d.links, &d.actors, d.width, d.height)?;
            check_places(&d.places, d.regions.len())?;
            same_len(d.probability.len(), d.arms.len(), "probability", "arms")?;
            for arm in &d.probability {
                same_len(arm.len(), d.dates.len(), "probability[arm]", "dates")?;
                for date in arm {
                    rows(date, d.actors.len(), d.regions.len(), "probability", |x| (0.0..=1.0).contains(x))?;
                }
            }
            Ok(Read { seed: None, runs: None, data: to_value(&d) })
        }
        other => Err(format!("no dataset of kind `{other}` exists")),
    }
}

fn same_len(found: usize, want: usize, what: &str, of: &str) -> Result<(), String> {
    if found == want { Ok(()) } else { Err(format!("`{what}` has {found} entries for {want} {of}")) }
}

/// Checks `v[date][region]`: `dates` rows of `regions` values, each `ok`.
fn rows<T: std::fmt::Debug>(
    v: &[Vec<T>],
    dates: usize,
    regions: usize,
    what: &str,
    ok: impl Fn(&T) -> bool,
) -> Result<(), String> {
    same_len(v.len(), dates, what, "dates")?;
    for (k, row) in v.iter().enumerate() {
        same_len(row.len(), regions, &format!("{what}[{k}]"), "regions")?;
        if let Some(x) = row.iter().find(|x| !ok(x)) {
            return Err(format!("`{what}[{k}]` has the value {x:?}, out of range"));
        }
    }
    Ok(())
}

fn check_colour(colour: &str, of: &str) -> Result<(), String> {
    let hex = colour.len() == 7 && colour.starts_with('#') && colour[1..].bytes().all(|b| b.is_ascii_hexdigit());
    if hex { Ok(()) } else { Err(format!("the colour of `{of}` is `{colour}`, not #rrggbb")) }
}

fn check_places(places: &[Place], regions: usize) -> Result<(), String> {
    for p in places {
        if p.region >= regions || !p.x.is_finite() || !p.y.is_finite() {
            return Err(format!("place `{}` has a region index or a position out of range", p.name));
        }
    }
    Ok(())
}

fn check_map(
    dates: &[String],
    regions: &[Region],
    links: &[[f64; 4]],
    actors: &[Actor],
    width: f64,
    height: f64,
) -> Result<(), String> {
    if dates.is_empty() {
        return Err("`dates` is empty".into());
    }
    if !(width.is_finite() && height.is_finite() && width > 0.0 && height > 0.0) {
        return Err(format!("the map is {width}×{height}, not a positive size"));
    }
    for r in regions {
        match (&r.d, &r.circle) {
            (Some(_), None) => {}
            (None, Some(c)) if c.iter().all(|x| x.is_finite()) => {}
            _ => return Err(format!("region `{}` has neither a path (`d`) nor a circle, or both", r.id)),
        }
    }
    if links.iter().flatten().any(|x| !x.is_finite()) {
        return Err("a link has a coordinate that is not finite".into());
    }
    actors.iter().try_for_each(|a| check_colour(&a.colour, &a.id))
}

fn check_states(states: &[CivilState]) -> Result<(), String> {
    if states.is_empty() || states.len() > 10 || states.iter().enumerate().any(|(i, s)| usize::from(s.code) != i) {
        return Err("`states` must list codes 0, 1, 2, … in order (at most 10)".into());
    }
    states.iter().try_for_each(|s| check_colour(&s.colour, &s.name))
}
