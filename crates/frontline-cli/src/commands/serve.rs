//! `frontline serve`: the viewer over an output folder.

use crate::error::CliError;
use crate::summary::write_stdout;
use serde_json::json;
use std::path::Path;

/// Serves until stopped; the address is printed (as JSON with `json`) once
/// the server listens.
pub(crate) fn run(dir: &Path, port: u16, host: &str, json: bool) -> Result<(), CliError> {
    let data = frontline_viewer::load_dir(dir).map_err(|e| CliError::usage(e.to_string()))?;
    // An IPv6 address needs brackets before its port (`[::1]:8765`).
    let addr = if host.contains(':') && !host.starts_with('[') {
        format!("[{host}]:{port}")
    } else {
        format!("{host}:{port}")
    };
    frontline_viewer::serve(&data, &addr, |url| {
        let line = if json {
            format!("{}\n", json!({"command": "serve", "url": url, "dir": dir.display().to_string()}))
        } else {
            format!("Frontline viewer for {} at {url} (Ctrl-C to stop)\n", dir.display())
        };
        // The viewer serves on whether or not anyone reads this line.
        let _ = write_stdout(line.as_bytes());
    })
    .map_err(|e| CliError::failure(e.to_string()))
}
