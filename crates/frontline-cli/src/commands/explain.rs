//! `frontline explain`: why a region is in the state it is, from a results
//! folder (the chains are built by `frontline_explain`).

use crate::error::CliError;
use std::path::Path;

pub(crate) fn run(
    dir: &Path,
    region: Option<String>,
    date: Option<String>,
    outcome: Option<String>,
    json: bool,
) -> Result<(), CliError> {
    let req = frontline_explain::Request { region, date, outcome };
    let answer = frontline_explain::explain_dir(dir, &req).map_err(CliError::usage)?;
    if json {
        let text = serde_json::to_string_pretty(&answer.json).map_err(|e| CliError::failure(e.to_string()))?;
        println!("{text}");
    } else {
        print!("{}", answer.text);
    }
    Ok(())
}
