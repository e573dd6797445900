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
                eprintln!("error: {e}");
                ExitCode::from(e.exit_code())
            }
            CliError::Message(m, code) => {
                eprintln!("error: {m}");
                ExitCode::from(code)
            }
        }
    }
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
