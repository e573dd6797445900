//! `frontline validate`: load and check a scenario, write nothing.

use crate::error::CliError;
use crate::options::ScenarioArgs;

pub(crate) fn run(args: &ScenarioArgs) -> Result<(), CliError> {
    let sim = super::load(args)?;
    println!("{}: valid — {}", args.scenario.display(), sim.describe());
    Ok(())
}
