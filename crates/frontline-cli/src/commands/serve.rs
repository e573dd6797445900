//! `frontline serve`: the viewer over an output folder.

use crate::error::CliError;
use std::path::Path;

pub(crate) fn run(dir: &Path, port: u16, host: &str) -> Result<(), CliError> {
    let data = frontline_viewer::load_dir(dir).map_err(|e| CliError::usage(e.to_string()))?;
    // An IPv6 address needs brackets before its port (`[::1]:8765`).
    let addr = if host.contains(':') && !host.starts_with('[') {
        format!("[{host}]:{port}")
    } else {
        format!("{host}:{port}")
    };
    frontline_viewer::serve(&data, &addr, |url| {
        use std::io::Write;
        println!("Frontline viewer for {} at {url} (Ctrl-C to stop)", dir.display());
        let _ = std::io::stdout().flush();
    })
    .map_err(|e| CliError::failure(e.to_string()))
}
