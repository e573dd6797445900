//! The theatre model behind the [`Simulation`] interface.
//!
//! A run is `frontline_engine::simulate`; its tables are
//! `frontline_analysis::run_tables`; an ensemble record is the
//! `frontline_analysis::ensemble` run summary (control per snapshot and
//! region, metrics, first dates of watches); per-run statistics are
//! outcomes in the rule language (`EXPR on|by DATE`, `EXPR at end`), the
//! scenario's watched conditions by default; the uncertain parameters are
//! the `[parameters.<id>]` declared with `min < max`. It offers the
//! territory capability (backtest, calibrate) and draws maps and reports.

use frontline_analysis::ensemble::{self as ens, Aggregate};
use frontline_analysis::outcome::Outcome;
use frontline_analysis::simulation::{
    Batches, EnsembleOutput, EnsembleRecords, Measure, OutputFile, RunOutput, Simulation, Source, Uncertain, Views,
};
use frontline_analysis::{checkpoint::JobError, run_tables, sampling};
use frontline_date::Day;
use frontline_engine::Trajectory;
use frontline_output::{Command, Manifest};
use frontline_scenario::{LoadError, Loaded, Model, Overrides};
use std::fmt::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The registry entry of the theatre model (the default model).
pub const ENTRY: crate::Entry = crate::Entry {
    name: frontline_output::THEATRE_MODEL,
    about: "the theatre model: regions, populations, actors and force groups",
    selects: |_| true,
    load: |path, overrides| Ok(Box::new(Theatre::load(path, overrides)?)),
    schema: frontline_scenario::schema,
};

/// A loaded theatre scenario.
pub struct Theatre {
    /// The scenario as loaded (its tree rebuilds the model with other parameter values).
    loaded: Arc<Loaded>,
    /// The model this value runs: the loaded one, or one rebuilt with a design point's values.
    model: Model,
    source: Source,
    /// The overlays it was loaded with (an arm adds one).
    overrides: Overrides,
}

impl Theatre {
    /// Loads and validates a theatre scenario with its overlays.
    pub fn load(path: &Path, overrides: &Overrides) -> Result<Theatre, Box<LoadError>> {
        let loaded = frontline_scenario::load(path, overrides)?;
        let source = Source {
            path: path.to_path_buf(),
            scenario_hash: loaded.scenario_hash.clone(),
            variants: loaded.variants.clone(),
            sets: loaded.sets.clone(),
        };
        Ok(Theatre { model: loaded.model.clone(), loaded: Arc::new(loaded), source, overrides: overrides.clone() })
    }

    /// The model this value runs.
    pub fn model(&self) -> &Model {
        &self.model
    }

    fn provenance(&self, command: &str, seed: u64) -> frontline_report::Provenance {
        frontline_report::Provenance {
            command: command.into(),
            scenario: self.source.display(),
            scenario_hash: self.source.scenario_hash.clone(),
            variants: self.source.variants.clone(),
            sets: self.source.sets.clone(),
            seed,
        }
    }
}

/// The snapshots to map: (snapshot, its date); checked before any run starts.
pub fn map_snapshots(m: &Model, views: &Views) -> Result<Vec<(usize, String)>, String> {
    if views.no_maps {
        return Ok(Vec::new());
    }
    let (first, last) = (m.day_of_tick(0), m.day_of_tick(m.ticks));
    if views.map_dates.is_empty() {
        // The first date, the key dates, the last.
        let mut out = vec![(0, first.to_string())];
        for k in frontline_report::default_snapshots(m) {
            if !out.iter().any(|(x, _)| *x == k) {
                out.push((k, m.day_of_tick(k as u32).to_string()));
            }
        }
        return Ok(out);
    }
    let mut out: Vec<(usize, String)> = Vec::new();
    for d in &views.map_dates {
        let Ok(day) = Day::parse(d) else {
            return Err(format!("--map-date `{d}` is not a date; write it as YYYY-MM-DD, e.g. 2015-05-17"));
        };
        if day < first || day > last {
            return Err(format!(
                "--map-date {d} is outside the scenario ({first} to {last}); pick a date in that range"
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

fn map_file(name: String, contents: String) -> OutputFile {
    OutputFile::text(format!("maps/{name}"), contents)
}

/// `control-<date>.svg` and `.geojson` for each snapshot of a run.
fn run_maps(m: &Model, t: &Trajectory, which: &[(usize, String)]) -> Vec<OutputFile> {
    let nr = m.regions.len();
    let mut files = Vec::new();
    for (k, date) in which {
        let control: Vec<Option<usize>> =
            t.control[k * nr..(k + 1) * nr].iter().map(|&c| usize::try_from(c).ok()).collect();
        let contested = &t.contested[k * nr..(k + 1) * nr];
        let title = format!("{} — control on {date} (seed {})", m.name, t.seed);
        files
            .push(map_file(format!("control-{date}.svg"), frontline_maps::control_svg(m, &control, contested, &title)));
        // GeoJSON is written compact: pretty-printed coordinates would be several times larger.
        files.push(map_file(
            format!("control-{date}.geojson"),
            frontline_maps::control_geojson(m, &control, contested, date).to_string() + "\n",
        ));
    }
    files
}

/// For each snapshot, `probability-<actor>-<date>.svg` for every actor that
/// holds something in some run then, and one `probability-<date>.geojson`.
fn ensemble_maps(m: &Model, agg: &Aggregate, which: &[(usize, String)]) -> Vec<OutputFile> {
    let mut files = Vec::new();
    for (k, date) in which {
        let p = agg.control_probability(m, *k);
        for (a, actor) in m.actors.iter().enumerate() {
            if p[a].iter().all(|&x| x <= 0.0) {
                continue;
            }
            let title = format!("{} — P({} holds) on {date}, {} runs", m.name, actor.name, agg.runs);
            files.push(map_file(
                format!("probability-{}-{date}.svg", actor.id),
                frontline_maps::probability_svg(m, &p[a], a, &title),
            ));
        }
        files.push(map_file(
            format!("probability-{date}.geojson"),
            frontline_maps::probability_geojson(m, &p, date).to_string() + "\n",
        ));
    }
    files
}

/// `report.html` and each chart as `plots/<name>.svg`.
pub fn report_files(html: String, charts: Vec<(&str, String)>) -> Vec<OutputFile> {
    let mut files = vec![OutputFile::text("report.html", html)];
    files.extend(charts.into_iter().map(|(name, svg)| OutputFile::text(format!("plots/{name}.svg"), svg)));
    files
}

/// The on-screen summary of an ensemble.
fn ensemble_summary(m: &Model, agg: &Aggregate) -> String {
    let mut o = String::new();
    let runs = agg.runs;
    if !agg.watches.is_empty() {
        let _ = writeln!(
            o,
            "\nWatched events (probability by {} with 95 % interval; first date 5 % / median / 95 %):",
            m.day_of_tick(m.ticks)
        );
        for (name, k, q) in &agg.watches {
            let (lo, hi) = frontline_analysis::stats::wilson(*k as f64, runs as f64);
            let d = |x: &Option<Day>| x.map_or("—".to_string(), |d| d.to_string());
            let _ = writeln!(
                o,
                "  {:<28} {:>5.1} %  [{:>5.1}, {:>5.1}]   {} / {} / {}",
                name,
                100.0 * *k as f64 / runs as f64,
                100.0 * lo,
                100.0 * hi,
                d(&q[0]),
                d(&q[1]),
                d(&q[2])
            );
        }
    }
    let _ = writeln!(o, "\nForce groups at the end (median [5 %, 95 %]):");
    for (id, v) in &agg.final_forces {
        let _ = writeln!(o, "  {:<20} {:>10.0}  [{:.0}, {:.0}]", id, v[2], v[1], v[3]);
    }
    let _ = writeln!(o, "\nRegions held at the end (mean):");
    for (id, v) in &agg.final_regions {
        let _ = writeln!(o, "  {:<20} {:>6.1}", id, v);
    }
    o
}

/// Outcomes compiled against one theatre model.
struct Outcomes<'a> {
    model: &'a Model,
    outcomes: Vec<Outcome>,
    names: Vec<String>,
}

impl Measure for Outcomes<'_> {
    fn names(&self) -> &[String] {
        &self.names
    }
    fn is_condition(&self, k: usize) -> bool {
        self.outcomes[k].is_condition
    }
    fn measure(&self, seed: u64) -> Vec<f64> {
        frontline_analysis::compare::evaluate(self.model, &self.outcomes, seed)
    }
    fn view_width(&self) -> usize {
        frontline_analysis::compare::view_width(self.model)
    }
    fn measure_with_views(&self, seed: u64) -> Vec<f64> {
        frontline_analysis::compare::evaluate_with_views(self.model, &self.outcomes, seed)
    }
}

impl Simulation for Theatre {
    fn model(&self) -> &'static str {
        frontline_output::THEATRE_MODEL
    }
    fn name(&self) -> &str {
        &self.model.name
    }
    fn source(&self) -> &Source {
        &self.source
    }
    fn default_seed(&self) -> u64 {
        self.model.seed
    }
    fn manifest(&self, command: Command) -> Manifest {
        run_tables::theatre_manifest(command, &self.loaded, &self.source.display())
    }

    fn describe(&self) -> String {
        let m = &self.model;
        format!(
            "{} regions, {} identities, {} actors, {} force groups, {} rules, {} events, {} parameters, {} ticks",
            m.regions.len(),
            m.identities.len(),
            m.actors.len(),
            m.forces.len(),
            m.actors.iter().map(|a| a.rules.len()).sum::<usize>(),
            m.events.len(),
            m.parameters.len(),
            m.ticks
        )
    }

    fn check_views(&self, views: &Views) -> Result<(), String> {
        map_snapshots(&self.model, views).map(|_| ())
    }

    fn run(&self, seed: u64, views: &Views) -> Result<RunOutput, String> {
        let m = &self.model;
        let snapshots = map_snapshots(m, views)?;
        // Drivers are recorded for every run: `frontline explain` reads them (issue #13).
        let traj = frontline_engine::simulate_explained(m, seed);
        let drivers = frontline_explain::record::build(m, &traj);
        let why = crate::why::region_chains(&drivers);
        let mut files = run_maps(m, &traj, &snapshots);
        let mut view = frontline_viewer::dataset::theatre_run(m, &traj);
        view["why"] = crate::why::view_chains(&why);
        files.push(crate::view_file(&view));
        files.push(OutputFile::text(
            frontline_explain::record::FILE,
            serde_json::to_string(&drivers).map_err(|e| e.to_string())? + "\n",
        ));
        if !views.no_report {
            let html = frontline_report::run_report(m, &traj, &self.provenance("run", seed));
            let html = frontline_report::with_section(&html, &crate::why::report_section(&why));
            files.extend(report_files(html, frontline_report::run_charts(m, &traj)));
        }
        crate::with_pngs(&mut files)?;
        let mut manifest = self.manifest(Command::Run);
        manifest.seed = Some(seed);
        manifest.detail("start", m.start.to_string());
        manifest.detail("tick_days", m.tick_days);
        manifest.detail("ticks", m.ticks);
        Ok(RunOutput {
            tables: run_tables::all(m, &traj),
            files,
            manifest,
            summary: crate::theatre_summary::render(m, &traj),
        })
    }

    fn ensemble_run(&self, seed: u64) -> Vec<u8> {
        ens::Records(&self.model).record(seed)
    }
    fn ensemble_batch(&self, runs: Vec<Vec<u8>>) -> Vec<u8> {
        ens::Records(&self.model).batch(runs)
    }
    fn ensemble_batch_len(&self, runs: usize) -> usize {
        ens::Records(&self.model).batch_len(runs)
    }
    fn ensemble_aggregate(
        &self,
        batches: &dyn Batches,
        runs: u64,
        base_seed: u64,
        views: &Views,
    ) -> Result<EnsembleOutput, JobError> {
        let m = &self.model;
        let snapshots = map_snapshots(m, views).map_err(JobError::Task)?;
        let agg = ens::aggregate_batches(m, batches, runs, base_seed)?;
        let mut files = ensemble_maps(m, &agg, &snapshots);
        files.push(crate::view_file(&frontline_viewer::dataset::theatre_ensemble(m, &agg)));
        if !views.no_report {
            let mut html = frontline_report::ensemble_report(m, &agg, &self.provenance("ensemble", base_seed));
            if let Some(u) = &views.uncertainty {
                html = frontline_report::with_section(&html, &frontline_report::uncertainty_section(u));
            }
            if let Some(why) = explanation(views)? {
                html = frontline_report::with_section(&html, &crate::why::ensemble_report_section(&why));
            }
            files.extend(report_files(html, frontline_report::ensemble_charts(m, &agg)));
        }
        crate::with_pngs(&mut files).map_err(JobError::Task)?;
        let mut summary = ensemble_summary(m, &agg);
        if let Some(u) = &views.uncertainty {
            summary.push_str(&format!(
                "\nParameters drawn from the posterior {} ({} sets, {} drawn, {} seeds each): intervals reflect chance and parameter uncertainty.\n",
                u.posterior, u.sets, u.drawn, u.seeds_per_set
            ));
        }
        Ok(EnsembleOutput { tables: agg.tables, files, summary })
    }

    fn measure<'a>(&'a self, outcomes: &[String]) -> Result<Box<dyn Measure + 'a>, String> {
        let m = &self.model;
        let compiled: Vec<Outcome> = if outcomes.is_empty() {
            let d = Outcome::defaults(m);
            if d.is_empty() {
                return Err(
                    "the scenario has no [scenario.watch] conditions; name outcomes with --outcome 'EXPR on DATE'"
                        .into(),
                );
            }
            d
        } else {
            outcomes.iter().map(|t| Outcome::parse(t, m)).collect::<Result<_, _>>()?
        };
        // The names are the texts as given (or the watches' default texts).
        let names =
            if outcomes.is_empty() { compiled.iter().map(|o| o.text.clone()).collect() } else { outcomes.to_vec() };
        Ok(Box::new(Outcomes { model: m, outcomes: compiled, names }))
    }

    fn uncertain(&self, ranges: &[String]) -> Result<Vec<Uncertain>, String> {
        if !ranges.is_empty() {
            return Err(
                "--range is for civil-violence models; theatre scenarios vary their declared [parameters.<id>] ranges"
                    .into(),
            );
        }
        Ok(sampling::uncertain(&self.model)
            .into_iter()
            .map(|p| {
                let (id, value, min, max) = (p.id.clone(), p.value, p.min, p.max);
                Uncertain::new(id, value, min, max, move |u| sampling::to_value(&p, u))
            })
            .collect())
    }

    fn with_parameters(&self, values: &[(String, f64)]) -> Result<Box<dyn Simulation>, String> {
        let model = sampling::with_parameters(&self.loaded, values)?;
        Ok(Box::new(Theatre {
            loaded: Arc::clone(&self.loaded),
            model,
            source: self.source.clone(),
            overrides: self.overrides.clone(),
        }))
    }

    fn with_variant(&self, variant: &Path) -> Result<Box<dyn Simulation>, Box<LoadError>> {
        let mut overrides = self.overrides.clone();
        overrides.variants.push(PathBuf::from(variant));
        Ok(Box::new(Theatre::load(&self.source.path, &overrides)?))
    }

    fn territory(&self) -> Option<&Loaded> {
        Some(&self.loaded)
    }

    fn explain_compare(
        &self,
        arms: &[(String, &dyn Simulation)],
        outcomes: &[String],
        differing: &[Vec<Vec<frontline_analysis::simulation::Differing>>],
    ) -> Result<Option<OutputFile>, String> {
        let mut arm_models = Vec::new();
        for (name, arm) in arms {
            let Some(loaded) = arm.territory() else { return Ok(None) };
            arm_models.push((name.as_str(), &loaded.model));
        }
        let file = crate::why::explain_compare(&self.model, &arm_models, outcomes, differing)?;
        let contents = serde_json::to_string(&file).map_err(|e| e.to_string())? + "\n";
        Ok(Some(OutputFile::text(frontline_explain::diverge::FILE, contents)))
    }

    fn explain_ensemble(
        &self,
        batches: &dyn Batches,
        runs: u64,
        base_seed: u64,
        models: &[&dyn Simulation],
    ) -> Result<Option<OutputFile>, JobError> {
        let m = &self.model;
        let firsts = ens::watch_firsts(m, batches)?;
        // Each run's own model (a posterior's drawn set); a model without a territory runs as the base.
        let per_run: Vec<&Model> = models.iter().map(|s| s.territory().map_or(m, |l| &l.model)).collect();
        let file = crate::why::explain_ensemble(m, &firsts, runs, base_seed, &per_run);
        let contents = serde_json::to_string(&file).map_err(|e| JobError::Task(e.to_string()))? + "\n";
        Ok(Some(OutputFile::text(frontline_explain::diverge::FILE, contents)))
    }

    fn posterior(&self) -> Option<PathBuf> {
        self.model.posterior.clone()
    }

    fn ensemble_quantities(&self, batches: &dyn Batches, _runs: u64) -> Result<Vec<(String, Vec<f64>)>, JobError> {
        ens::final_quantities(&self.model, batches)
    }
}

/// The ensemble's explanation (`--explain`) as the analysis passed it in
/// the views: the file [`Simulation::explain_ensemble`] wrote, read back.
fn explanation(views: &Views) -> Result<Option<frontline_explain::ensemble::JobFile>, JobError> {
    let Some(f) = &views.explanation else { return Ok(None) };
    serde_json::from_slice(&f.contents).map(Some).map_err(|e| JobError::Task(format!("explain.json: {e}")))
}
