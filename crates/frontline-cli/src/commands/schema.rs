//! `frontline schema`: a model's scenario format as JSON Schema.

use crate::error::CliError;

pub(crate) fn run(model: &str) -> Result<(), CliError> {
    let entry = frontline_models::entry(model).ok_or_else(|| {
        CliError::usage(format!("unknown model `{model}`; the models are {}", frontline_models::names().join(", ")))
    })?;
    let text = serde_json::to_string_pretty(&(entry.schema)()).map_err(|e| CliError::failure(e.to_string()))?;
    println!("{text}");
    Ok(())
}
