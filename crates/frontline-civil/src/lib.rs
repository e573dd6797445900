//! Epstein's civil violence model (Model I, Epstein 2002, PNAS 99 suppl. 3):
//! citizens and cops on a torus grid. By default it reproduces the
//! implementation in Mesa 3.x (`mesa.examples.advanced.epstein_civil_violence`);
//! every fidelity choice is documented in docs/models/civil-violence.md.
//!
//! This crate owns the model, its parameters (decoded from a scenario file
//! with `model = "civil-violence"`), the tables a run produces and the
//! fields of its manifest, and the JSON Schema of its scenario format
//! ([`schema`], generated from the same declarations as the decoder). It
//! writes nothing itself: the CLI hands the tables to `frontline-output`.

#![warn(missing_docs)]

pub mod memory;
pub mod model;
pub mod params;
pub mod spec;

#[cfg(test)]
mod schema_tests;
#[cfg(test)]
mod tests;

pub use model::{Counts, World};
pub use params::{ArrestRule, LoadError, Loaded, Params, Scenario, VisionShape, load, load_with_variants};

use frontline_output::{Column, Command, Manifest, Table};

/// The JSON Schema (draft 2020-12) of the civil-violence scenario format,
/// generated from the declarations in [`spec`] that the decoder reads, so the
/// two cannot drift apart. `frontline schema --model civil-violence` prints it.
pub fn schema() -> serde_json::Value {
    spec::schema()
}

/// The fields every civil-violence manifest of `command` carries: the model,
/// the scenario (as named on the command line, `scenario_path`), its hash,
/// name, variants, `--set`s (`sets`), steps and parameter values. The
/// command adds its own.
pub fn manifest(command: Command, loaded: &Loaded, scenario_path: &str, sets: &[String]) -> Manifest {
    let sc = &loaded.scenario;
    let mut manifest = Manifest::new(command, params::MODEL_NAME, scenario_path, &sc.name, &loaded.scenario_hash)
        .with_variants(&loaded.variants);
    manifest.sets = sets.to_vec();
    manifest.detail("steps", sc.steps);
    if let serde_json::Value::Object(values) = sc.params.to_json() {
        manifest.parameters = values;
    }
    manifest
}

/// What one run produced.
#[derive(Debug, Clone, Default)]
pub struct Trajectory {
    /// One row per step, step 0 (the initial state) first.
    pub counts: Vec<Counts>,
    /// Grid snapshots: (step, cell codes row-major), if asked for.
    pub snapshots: Vec<(u32, Vec<u8>)>,
    /// Agents (citizens and cops) in the run.
    pub agents: usize,
    /// Citizens in the run.
    pub citizens: usize,
}

/// Runs `steps` steps from `seed`; snapshots every `snapshot_every` steps
/// (0: none; otherwise step 0 and every multiple).
pub fn simulate(p: &Params, seed: u64, steps: u32, snapshot_every: u32) -> Trajectory {
    let mut w = World::new(p, seed);
    let mut t = Trajectory {
        counts: Vec::with_capacity(steps as usize + 1),
        snapshots: Vec::new(),
        agents: w.n_agents(),
        citizens: w.n_citizens(),
    };
    t.counts.push(w.counts());
    if snapshot_every > 0 {
        t.snapshots.push((0, w.cells.clone()));
    }
    for s in 1..=steps {
        t.counts.push(w.step());
        if snapshot_every > 0 && s % snapshot_every == 0 {
            t.snapshots.push((s, w.cells.clone()));
        }
    }
    t
}

/// The `counts` table: step, active, quiet, jailed, arrests.
pub fn counts_table(t: &Trajectory) -> Table {
    let col = |f: fn(&Counts) -> u32| Column::I64(t.counts.iter().map(|c| f(c) as i64).collect());
    Table::new("counts")
        .with("step", col(|c| c.step))
        .with("active", col(|c| c.active))
        .with("quiet", col(|c| c.quiet))
        .with("jailed", col(|c| c.jailed))
        .with("arrests", col(|c| c.arrests))
}

/// The `snapshots` table: one row per occupied cell per snapshot: step, x,
/// y, state (`quiet`, `active`, `jailed`, `cop`).
pub fn snapshots_table(t: &Trajectory, width: u32) -> Table {
    let (mut step, mut xs, mut ys, mut st) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for (s, cells) in &t.snapshots {
        for (i, &c) in cells.iter().enumerate() {
            let name = match c {
                model::QUIET => "quiet",
                model::ACTIVE => "active",
                model::JAILED => "jailed",
                model::COP => "cop",
                _ => continue,
            };
            step.push(*s as i64);
            xs.push((i as u32 % width) as i64);
            ys.push((i as u32 / width) as i64);
            st.push(name.to_string());
        }
    }
    Table::new("snapshots")
        .with("step", Column::I64(step))
        .with("x", Column::I64(xs))
        .with("y", Column::I64(ys))
        .with("state", Column::Str(st))
}
