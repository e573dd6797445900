//! # frontline-analysis
//!
//! Analyses over many runs of a validated model: ensembles ([`ensemble`]),
//! backtests against a history of control changes ([`backtest`]),
//! counterfactual comparison with common random numbers ([`compare`]),
//! sweeps and Morris/Sobol sensitivity ([`sensitivity`], [`sampling`]),
//! outcomes named in the rule language ([`outcome`]), posterior samples of
//! the uncertain parameters ([`posterior`]) and the split of an ensemble's
//! spread into parameters and chance ([`spread`]), the statistics they
//! need ([`stats`]), the resumable job directories they share
//! ([`checkpoint`]), and the tables of a single run ([`run_tables`]), shared
//! by the CLI and the Python package.
//!
//! This crate runs the engine and summarises; it must not change the model
//! or print anything (the CLI presents results and shows progress through
//! the callback each analysis takes).

#![warn(missing_docs)]

pub mod analyses;
pub mod backtest;
pub mod checkpoint;
pub mod compare;
pub mod ensemble;
pub mod outcome;
pub mod posterior;
pub mod run_tables;
pub mod sampling;
pub mod sensitivity;
pub mod simulation;
pub mod spread;
pub mod stats;
pub mod windows;
