//! `frontline man [COMMAND]`: a man page (roff), generated from the
//! command-line definition by clap_mangen.

use crate::error::CliError;
use crate::summary::Summary;
use serde_json::json;

/// The page of the whole program, or of one of its commands.
pub(crate) fn run(command: Option<&str>, cmd: clap::Command) -> Result<Summary, CliError> {
    let mut cmd = cmd;
    cmd.build();
    let (page_cmd, name) = match command {
        None => (cmd, "frontline".to_string()),
        Some(sub) => {
            let names: Vec<String> = cmd.get_subcommands().map(|c| c.get_name().to_string()).collect();
            let found = cmd.find_subcommand(sub).cloned().ok_or_else(|| {
                CliError::usage(format!("`{sub}` is not a frontline command; the commands are {}", names.join(", ")))
            })?;
            // clap names are `&'static str` without its `string` feature; the
            // process prints one page and exits.
            let name: &'static str = Box::leak(format!("frontline-{sub}").into_boxed_str());
            (found.name(name), name.to_string())
        }
    };
    let mut page = Vec::new();
    clap_mangen::Man::new(page_cmd)
        .render(&mut page)
        .map_err(|e| CliError::failure(format!("cannot render the man page: {e}")))?;
    let text = String::from_utf8(page).map_err(|e| CliError::failure(e.to_string()))?;
    let json = json!({"command": "man", "page": name, "section": "1", "roff": text});
    Ok(Summary::new(text, json))
}
