//! `frontline schema`: a model's scenario format as JSON Schema.

use crate::error::CliError;

pub(crate) fn run(model: Option<&str>) -> Result<(), CliError> {
    let registry = frontline_models::Registry::default();
    let entry = match model {
        None => registry.default_entry(),
        Some(model) => registry.entry(model).ok_or_else(|| {
            CliError::usage(format!("unknown model `{model}`; the models are {}", registry.names().join(", ")))
        })?,
    };
    let text = serde_json::to_string_pretty(&(entry.schema)()).map_err(|e| CliError::failure(e.to_string()))?;
    println!("{text}");
    Ok(())
}
