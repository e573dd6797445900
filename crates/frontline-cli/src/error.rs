//! How every failure of every command becomes a message and an exit code:
//! in one place.

use frontline_analysis::analyses::AnalysisError;
use std::io::IsTerminal;
use std::process::ExitCode;

/// A command's failure.
pub(crate) enum CliError {
    /// The scenario did not load: its problems, located (exit code 2).
    Load(Box<frontline_scenario::LoadError>),
    /// An analysis failed (its own exit code).
    Analysis(AnalysisError),
    /// A message and an exit code.
    Message(String, u8),
}

impl CliError {
    /// Bad arguments (exit code 2).
    pub(crate) fn usage(msg: impl Into<String>) -> CliError {
        CliError::Message(msg.into(), 2)
    }
    /// A runtime failure (exit code 1).
    pub(crate) fn failure(msg: impl Into<String>) -> CliError {
        CliError::Message(msg.into(), 1)
    }

    /// Prints the failure to stderr and returns its exit code.
    pub(crate) fn report(self) -> ExitCode {
        match self {
            CliError::Load(e) => {
                eprint!("{}", e.render(std::io::stderr().is_terminal()));
                ExitCode::from(2)
            }
            CliError::Analysis(e) => {
                eprint!("{}", with_prefix(&e.to_string()));
                ExitCode::from(e.exit_code())
            }
            CliError::Message(m, code) => {
                eprint!("{}", with_prefix(&m));
                ExitCode::from(code)
            }
        }
    }
}

/// A message as printed: `error: ` before it, once. A message that is
/// already rendered diagnostics (a scenario, variant or outcome that did not
/// load: each problem starts with its own `error`) is printed as it is.
fn with_prefix(message: &str) -> String {
    let mut text = if message.starts_with("error:") || message.starts_with("error[") {
        message.to_string()
    } else {
        format!("error: {message}")
    };
    if !text.ends_with('\n') {
        text.push('\n');
    }
    text
}

impl From<AnalysisError> for CliError {
    fn from(e: AnalysisError) -> CliError {
        CliError::Analysis(e)
    }
}

impl From<Box<frontline_scenario::LoadError>> for CliError {
    fn from(e: Box<frontline_scenario::LoadError>) -> CliError {
        CliError::Load(e)
    }
}

#[cfg(test)]
mod tests {
    use super::with_prefix;

    #[test]
    fn a_message_gets_one_error_prefix() {
        assert_eq!(with_prefix("bad --runs"), "error: bad --runs\n");
        assert_eq!(with_prefix("error: unknown region\n  = hint: …\n"), "error: unknown region\n  = hint: …\n");
    }
}
