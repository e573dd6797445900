//! One file per command: each maps its arguments to a request, runs it on
//! the model the scenario selects, and renders the result.

pub(crate) mod backtest;
pub(crate) mod calibrate;
pub(crate) mod compare;
pub(crate) mod ensemble;
pub(crate) mod run;
pub(crate) mod schema;
pub(crate) mod sensitivity;
pub(crate) mod serve;
pub(crate) mod sweep;
pub(crate) mod validate;

use crate::error::CliError;
use crate::options::ScenarioArgs;
use frontline_analysis::simulation::Simulation;

/// Loads the scenario with the model its `model` key selects.
pub(crate) fn load(args: &ScenarioArgs) -> Result<Box<dyn Simulation>, CliError> {
    Ok(frontline_models::load(&args.scenario, &args.overrides())?)
}

/// The header of a report: where its results come from.
pub(crate) fn provenance(command: &str, sim: &dyn Simulation, seed: u64) -> frontline_report::Provenance {
    let src = sim.source();
    frontline_report::Provenance {
        command: command.into(),
        scenario: src.display(),
        scenario_hash: src.scenario_hash.clone(),
        variants: src.variants.clone(),
        sets: src.sets.clone(),
        seed,
    }
}
