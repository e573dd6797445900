//! # frontline-engine
//!
//! The theatre engine: the run state ([`state`]), the ten phases of a tick
//! ([`phases`], one module each, in order: events, perception, strategy,
//! supply, recruitment, movement, combat, control, attitudes, record), the
//! engine features those phases call (manpower, economy, force generation,
//! planning, irregular war, civilians, the air campaign: one module each,
//! each owning its part of the state) and the run
//! loop ([`run::simulate`]), and the record of why things happened
//! ([`cause`], on when a run asks for it: [`run::simulate_explained`]).
//!
//! A run is a pure function of (model, seed): one seeded generator per run,
//! phases draw from it in a fixed order, and nothing reads the clock, the
//! environment or a global. This crate must not read files or write output;
//! it takes a validated `Model` and returns a [`Trajectory`].

#![warn(missing_docs)]

pub mod cause;
pub mod phases;
pub mod run;
pub mod state;
#[doc(hidden)]
pub mod testkit;

pub use phases::record::Trajectory;
pub use run::{simulate, simulate_explained};
