//! `frontline._frontline`: the compiled half of the `frontline` Python
//! package (`python/frontline/__init__.py` is the other half, which builds
//! pandas DataFrames and the result objects).
//!
//! Two layers:
//! - [`glue`]: plain Rust, a workspace member's code, compiled and tested by
//!   the workspace's `cargo test`: loading through the model registry,
//!   options → the analyses' requests (the CLI's option names and
//!   defaults), running them as the CLI does (a thread pool, and
//!   `analyses::execute` into `out` when one is given), results → tables
//!   and a tree of values;
//! - `python` (feature `python`, which only maturin turns on): the PyO3
//!   conversions, with the GIL released while anything runs.
//!
//! Owns no model, no run and no statistic: those are the workspace crates'.

#![warn(missing_docs)]

pub mod glue;
#[cfg(feature = "python")]
mod python;
