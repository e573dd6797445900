//! `frontline completions SHELL`: a completion script, generated from the
//! command-line definition by clap_complete.

use crate::error::CliError;
use crate::summary::Summary;
use serde_json::json;

pub(crate) fn run(shell: clap_complete::Shell, mut cmd: clap::Command) -> Result<Summary, CliError> {
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut cmd, "frontline", &mut script);
    let text = String::from_utf8(script).map_err(|e| CliError::failure(e.to_string()))?;
    let json = json!({"command": "completions", "shell": shell.to_string(), "script": text});
    Ok(Summary::new(text, json))
}
