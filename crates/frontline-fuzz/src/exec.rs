//! Running one case in this process, as the CLI would read its inputs. Only
//! the worker calls this: a panic here unwinds to the worker, and an abort,
//! a stack overflow or a hang takes the worker down, not the campaign.

use crate::case::{Bases, Case, Target, materialize};
use frontline_analysis::backtest;
use frontline_scenario::{LoadError, Model, Overrides};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// What the reader made of the case (when it returned at all).
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    /// Accepted; a one-line summary.
    Ok(String),
    /// Refused with an error message. `located` is false when some problem
    /// names no place in a file (a plain error message, or a diagnostic with
    /// no location).
    Error {
        /// The message, as the user would see it.
        text: String,
        /// Whether every problem names a place.
        located: bool,
    },
}

/// State kept between the cases one worker runs: the shipped files and the
/// scenarios the history cases are scored on (each loaded once).
pub struct Context {
    bases: Bases,
    dir: PathBuf,
    models: HashMap<Vec<u8>, Result<&'static Model, String>>,
}

impl Context {
    /// A context reading bases under `root` and laying trees out in `dir`.
    pub fn new(root: &Path, dir: &Path) -> Self {
        Context { bases: Bases::new(root), dir: dir.to_path_buf(), models: HashMap::new() }
    }

    /// Runs the case.
    pub fn execute(&mut self, case: &Case) -> Verdict {
        if case.target() == Target::SelfTest {
            return self_test(case);
        }
        let tree = self.dir.join("case");
        if let Err(e) = materialize(case, &self.bases, &tree) {
            // The harness's own failure (a bad base name, a full disk): say so
            // plainly rather than blame the reader.
            return Verdict::Error { text: format!("harness: {e}"), located: false };
        }
        match case.target() {
            Target::Scenario => scenario(case, &tree),
            Target::History => self.history(case, &tree),
            Target::Geojson => geojson(case, &tree),
            Target::SelfTest => unreachable!("handled above"),
        }
    }

    fn history(&mut self, case: &Case, tree: &Path) -> Verdict {
        let history_name = history_file(case);
        // The model depends on every file but the history: key the cache on them.
        let mut key = case.without_expectations();
        key.files.remove(&history_name);
        key.actor = None;
        let key = key.encode();
        let model = match self.models.get(&key) {
            Some(m) => m.clone(),
            None => {
                let loaded = theatre(tree, case).map(|l| &*Box::leak(Box::new(l.model))).map_err(|e| e.render(false));
                self.models.insert(key, loaded.clone());
                loaded
            }
        };
        let m = match model {
            Ok(m) => m,
            Err(text) => return Verdict::Error { text, located: true },
        };
        let path = tree.join(&history_name);
        // As `frontline backtest` reads it: every error names the file, and a
        // problem inside it its line (invalid UTF-8 included).
        let changes = match backtest::read_history(&path, m) {
            Ok(c) => c,
            Err(text) => {
                let located = text.starts_with(&format!("{}:", path.display())) || text.contains(" at line ");
                return Verdict::Error { text, located };
            }
        };
        let actor = match &case.actor {
            Some(id) => match m.actor_index(id) {
                Some(a) => a,
                // Like the CLI's `--actor` check: about an argument, not a file.
                None => return Verdict::Error { text: format!("unknown actor `{id}`"), located: true },
            },
            None => 0,
        };
        // What `frontline backtest` does once the ensemble has run, with a
        // made-up ensemble (every probability 1/2) so no simulation is needed.
        let until = backtest::default_until(m, &changes);
        let start = m.day_of_tick(0);
        if backtest::month_ends(start, until.min(m.day_of_tick(m.ticks))).is_empty() {
            return Verdict::Error { text: "nothing to score".into(), located: true };
        }
        let half = vec![vec![0.5; m.regions.len()]; m.actors.len()];
        let result = backtest::score_with(m, &|_| half.clone(), &changes, actor, until);
        let table = backtest::table(m, std::slice::from_ref(&result));
        Verdict::Ok(format!("{} changes, {} scores, {} rows", changes.len(), result.scores.len(), table.len()))
    }
}

/// The history file of a case: its `.csv` file, or `history.csv`.
pub fn history_file(case: &Case) -> String {
    case.files.keys().find(|k| k.ends_with(".csv")).cloned().unwrap_or_else(|| "history.csv".into())
}

fn theatre(tree: &Path, case: &Case) -> Result<frontline_scenario::Loaded, Box<LoadError>> {
    let overrides =
        Overrides { variants: case.variants.iter().map(|v| tree.join(v)).collect(), sets: case.sets.clone() };
    frontline_scenario::load(&tree.join(&case.entry), &overrides)
}

fn located(e: &LoadError) -> bool {
    e.diagnostics.items.iter().all(|d| d.loc.is_some())
}

/// The scenario loader as `frontline validate` calls it: the civil-violence
/// model if the file selects it, else the theatre model; errors rendered.
fn scenario(case: &Case, tree: &Path) -> Verdict {
    let entry = tree.join(&case.entry);
    if frontline_civil::params::file_selects_model(&entry) {
        let variants: Vec<PathBuf> = case.variants.iter().map(|v| tree.join(v)).collect();
        return match frontline_civil::load_with_variants(&entry, &variants, &case.sets) {
            Ok(l) => Verdict::Ok(format!(
                "civil violence {}x{}, {} steps",
                l.scenario.params.width, l.scenario.params.height, l.scenario.steps
            )),
            Err(e) => Verdict::Error { text: e.render(false), located: located(&e) },
        };
    }
    match theatre(tree, case) {
        Ok(l) => Verdict::Ok(format!(
            "{} regions, {} actors, {} ticks",
            l.model.regions.len(),
            l.model.actors.len(),
            l.model.ticks
        )),
        Err(e) => Verdict::Error { text: e.render(false), located: located(&e) },
    }
}

/// The map reader as the loader calls it on a scenario's `map`.
fn geojson(case: &Case, tree: &Path) -> Verdict {
    let path = tree.join(&case.entry);
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        // The loader reads the map itself and locates its errors at the
        // scenario's `map` key; this read is only the harness's.
        Err(e) => return Verdict::Error { text: format!("cannot read `{}`: {e}", path.display()), located: true },
    };
    let property = case.id_property.as_deref().unwrap_or("ADM2_PCODE");
    match frontline_scenario::geo::parse_map(&text, property) {
        Ok(map) => {
            // Read every answer the map gives, as the model builder and the views do.
            let mut area = 0.0;
            for (id, g) in &map.regions {
                area += g.area_km2 + g.centroid.0 + g.bbox.0 + g.rings.len() as f64;
                let _ = map.get(id);
            }
            let n = map.regions.len();
            let mut touching = 0;
            for i in 0..n.min(20) {
                for j in 0..n.min(20) {
                    touching += usize::from(map.are_neighbours(&map.regions[i].0, &map.regions[j].0));
                }
            }
            Verdict::Ok(format!("{n} regions, {} borders, {touching} checked, area sum {area}", map.neighbours.len()))
        }
        Err(e) => Verdict::Error { text: e.to_string(), located: true },
    }
}

/// The hidden self-test target: does what its `action` file says.
fn self_test(case: &Case) -> Verdict {
    // The first line says what to do; the rest is padding (for the shrinking test).
    let action = case
        .files
        .get("action")
        .map(|a| String::from_utf8_lossy(a).lines().next().unwrap_or("").trim().to_string())
        .unwrap_or_default();
    match action.as_str() {
        "ok" => Verdict::Ok("self-test ok".into()),
        "error" => Verdict::Error { text: "self-test error".into(), located: true },
        "panic" => panic!("self-test panic"),
        "abort" => std::process::abort(),
        "overflow" => Verdict::Ok(format!("{}", recurse(u64::MAX))),
        "oom" => {
            // Touch memory until the worker's limit stops it.
            let mut hoard: Vec<Vec<u8>> = Vec::new();
            loop {
                hoard.push(vec![1u8; 64 << 20]);
                if hoard.len() > 1 << 20 {
                    return Verdict::Ok(format!("{}", hoard.len()));
                }
            }
        }
        "hang" => loop {
            std::thread::sleep(std::time::Duration::from_secs(1));
        },
        other => Verdict::Error { text: format!("self-test: unknown action `{other}`"), located: false },
    }
}

/// Recursion the optimiser cannot remove, to overflow the stack.
fn recurse(n: u64) -> u64 {
    let pad = std::hint::black_box([n; 64]);
    if n == 0 { 0 } else { recurse(n - 1).wrapping_add(pad[(n % 64) as usize]) }
}
