//! What a command prints on success: a summary as text for people, and the
//! same as one JSON document for scripts (`--json`), written to stdout in
//! one place. A closed stdout (`frontline ensemble … | head`) ends the
//! command quietly: the job's files are written by then, and a reader that
//! stopped reading is not an error.

use crate::error::CliError;
use serde_json::Value;
use std::io::Write;

/// Appends one formatted line to a summary's text.
macro_rules! say {
    ($text:expr) => {
        $text.push('\n')
    };
    ($text:expr, $($arg:tt)*) => {{
        use std::fmt::Write as _;
        let _ = writeln!($text, $($arg)*);
    }};
}
pub(crate) use say;

/// A command's result as it is printed.
pub(crate) struct Summary {
    /// For people.
    pub(crate) text: String,
    /// For scripts (`--json`): one object, with at least `command`.
    pub(crate) json: Value,
    /// `--quiet`: print neither.
    pub(crate) quiet: bool,
}

impl Summary {
    /// A summary with this text and JSON.
    pub(crate) fn new(text: String, json: Value) -> Summary {
        Summary { text, json, quiet: false }
    }

    /// The same summary, printed only if not `quiet`.
    pub(crate) fn quiet(mut self, quiet: bool) -> Summary {
        self.quiet = quiet;
        self
    }

    /// Prints the text, or the JSON with `json`, unless quiet.
    pub(crate) fn print(&self, json: bool) -> Result<(), CliError> {
        if self.quiet {
            return Ok(());
        }
        if json {
            let mut text = serde_json::to_string_pretty(&self.json).map_err(|e| CliError::failure(e.to_string()))?;
            text.push('\n');
            write_stdout(text.as_bytes())
        } else {
            write_stdout(self.text.as_bytes())
        }
    }
}

/// Writes `bytes` to stdout and flushes it; a closed pipe is no error.
pub(crate) fn write_stdout(bytes: &[u8]) -> Result<(), CliError> {
    let mut out = std::io::stdout().lock();
    match out.write_all(bytes).and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(CliError::failure(format!("cannot write to standard output: {e}")))
        }
        _ => Ok(()),
    }
}

/// A JSON number, or null where it is not finite (JSON has no NaN).
pub(crate) fn num(x: f64) -> Value {
    serde_json::Number::from_f64(x).map_or(Value::Null, Value::Number)
}

/// A 95 % interval as `[low, high]`.
pub(crate) fn interval((lo, hi): (f64, f64)) -> Value {
    Value::Array(vec![num(lo), num(hi)])
}
