//! `frontline schema`: a model's scenario format as JSON Schema.

use crate::error::CliError;
use crate::summary::Summary;

/// The schema is JSON already: `--json` prints the same document.
pub(crate) fn run(model: Option<&str>) -> Result<Summary, CliError> {
    let registry = frontline_models::Registry::default();
    let entry = match model {
        None => registry.default_entry(),
        Some(model) => registry.entry(model).ok_or_else(|| {
            CliError::usage(format!("unknown model `{model}`; the models are {}", registry.names().join(", ")))
        })?,
    };
    let schema = (entry.schema)();
    let mut text = serde_json::to_string_pretty(&schema).map_err(|e| CliError::failure(e.to_string()))?;
    text.push('\n');
    Ok(Summary::new(text, schema))
}
