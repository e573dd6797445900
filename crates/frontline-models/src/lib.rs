//! # frontline-models
//!
//! The models Frontline knows, each behind the one interface the analyses
//! use ([`frontline_analysis::simulation::Simulation`]), and the registry
//! that picks one by the scenario's `model` key:
//!
//! - [`theatre`]: the theatre model (crates `frontline-scenario` and
//!   `frontline-engine`), the default when a scenario names no model;
//! - [`civil`]: Epstein's civil violence (`model = "civil-violence"`, crate
//!   `frontline-civil`).
//!
//! Each adapter says what a run, an ensemble record and a per-run statistic
//! mean for its model, and which views (maps, report, the viewer's dataset)
//! show it. It owns no simulation (that is the model crates') and no
//! analysis (that is `frontline-analysis`'s), and prints nothing.
//!
//! A new model implements `Simulation` and adds one [`Entry`] to
//! [`BUILTIN`] (or, for a program's own model, [`Registry::with`]); no front end changes (see docs/architecture.md).

#![warn(missing_docs)]

pub mod civil;
pub mod theatre;
mod theatre_summary;
mod why;

use frontline_analysis::simulation::Simulation;
use frontline_scenario::{LoadError, Overrides};
use std::path::Path;

/// The viewer's dataset (`view.json`, what `frontline serve` shows) as an
/// output file: compact JSON, as `frontline_viewer::dataset::write` writes it.
pub(crate) fn view_file(dataset: &serde_json::Value) -> frontline_analysis::simulation::OutputFile {
    frontline_analysis::simulation::OutputFile::text(frontline_viewer::DATASET_FILE, dataset.to_string() + "\n")
}

/// Adds a PNG beside every SVG among `files` (`maps/x.svg` → `maps/x.png`),
/// rendered by `frontline_raster`.
pub fn with_pngs(files: &mut Vec<frontline_analysis::simulation::OutputFile>) -> Result<(), String> {
    let mut pngs = Vec::new();
    for f in files.iter() {
        if let Some(stem) = f.path.strip_suffix(".svg") {
            let svg = std::str::from_utf8(&f.contents).map_err(|e| format!("{}: {e}", f.path))?;
            let png = frontline_raster::png(svg).map_err(|e| format!("{}: {e}", f.path))?;
            pngs.push(frontline_analysis::simulation::OutputFile { path: format!("{stem}.png"), contents: png });
        }
    }
    files.extend(pngs);
    Ok(())
}

/// What loading a scenario gives: the model, or its problems, located.
pub type Loading = Result<Box<dyn Simulation>, Box<LoadError>>;

/// A model the registry can load.
pub struct Entry {
    /// The value of the scenario's `model` key that selects it.
    pub name: &'static str,
    /// Whether a scenario file selects this model (the default model,
    /// first in the registry, is used when no other does).
    pub selects: fn(&Path) -> bool,
    /// One line for `--help` and errors.
    pub about: &'static str,
    /// Loads and validates a scenario of this model with its overlays.
    pub load: fn(&Path, &Overrides) -> Loading,
    /// The JSON Schema of its scenario format.
    pub schema: fn() -> serde_json::Value,
}

/// The models Frontline ships, the default (theatre) first.
pub const BUILTIN: &[Entry] = &[theatre::ENTRY, civil::ENTRY];

/// The models a front end can load: the built-in ones, and any a program
/// registers (the test suite's SIR model registers this way). The first
/// entry is the default, used when no other selects a file.
#[derive(Clone)]
pub struct Registry {
    entries: Vec<&'static Entry>,
}

impl Default for Registry {
    fn default() -> Registry {
        Registry { entries: BUILTIN.iter().collect() }
    }
}

impl Registry {
    /// The registry with one more model (placed after the existing ones).
    pub fn with(mut self, entry: &'static Entry) -> Registry {
        self.entries.push(entry);
        self
    }

    /// The entry a scenario file selects: the first model after the default
    /// whose `selects` accepts the file, or the default (theatre), whose
    /// loader reports an unknown `model` key with what it accepts.
    pub fn entry_for(&self, path: &Path) -> &'static Entry {
        self.entries.iter().skip(1).find(|e| (e.selects)(path)).copied().unwrap_or(self.entries[0])
    }

    /// The default model's entry (used when no other selects a file).
    pub fn default_entry(&self) -> &'static Entry {
        self.entries[0]
    }

    /// The entry named `name`.
    pub fn entry(&self, name: &str) -> Option<&'static Entry> {
        self.entries.iter().find(|e| e.name == name).copied()
    }

    /// The models' names, for messages.
    pub fn names(&self) -> Vec<&'static str> {
        self.entries.iter().map(|e| e.name).collect()
    }

    /// Loads a scenario with the model it selects.
    pub fn load(&self, path: &Path, overrides: &Overrides) -> Result<Box<dyn Simulation>, Box<LoadError>> {
        (self.entry_for(path).load)(path, overrides)
    }
}

/// The entry named `name` among the built-in models.
pub fn entry(name: &str) -> Option<&'static Entry> {
    Registry::default().entry(name)
}

/// The built-in models' names.
pub fn names() -> Vec<&'static str> {
    Registry::default().names()
}

/// Loads a scenario with the built-in model it selects.
pub fn load(path: &Path, overrides: &Overrides) -> Result<Box<dyn Simulation>, Box<LoadError>> {
    Registry::default().load(path, overrides)
}
