//! `frontline validate`: load and check a scenario, write nothing.

use crate::error::CliError;
use crate::options::ScenarioArgs;
use crate::summary::{Summary, say};
use serde_json::json;

pub(crate) fn run(args: &ScenarioArgs) -> Result<Summary, CliError> {
    let sim = super::load(args)?;
    let mut text = String::new();
    say!(text, "{}: valid — {}", args.scenario.display(), sim.describe());
    let json = json!({
        "command": "validate",
        "file": args.scenario.display().to_string(),
        "valid": true,
        "model": sim.model(),
        "scenario": sim.name(),
        "description": sim.describe(),
    });
    Ok(Summary::new(text, json))
}
