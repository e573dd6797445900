//! `frontline._frontline`: the compiled half of the `frontline` Python
//! package. Each function loads a scenario (with variants and `path=value`
//! overrides, exactly as the CLI does), runs the engine with the GIL
//! released, and returns plain Python values: tables as
//! `{name: {column: list}}` plus the names of their date columns (days since
//! 1970-01-01), which `frontline/__init__.py` turns into pandas DataFrames.
//!
//! Owns the conversion between Rust results and Python values; the model,
//! the runs and the analyses are the workspace crates'.

use frontline_analysis::{compare, ensemble, outcome::Outcome, run_tables, stats::run_seed};
use frontline_output::{Column, Table};
use frontline_scenario::{Loaded, Overrides, load};
use pyo3::create_exception;
use pyo3::exceptions::{PyRuntimeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyDict;
use std::path::PathBuf;

create_exception!(
    _frontline,
    ScenarioError,
    PyValueError,
    "The scenario, a variant or a `set` is invalid; the message lists every problem with file, line and column."
);

fn load_scenario(path: &str, variants: Vec<String>, sets: Vec<String>) -> PyResult<Loaded> {
    let overrides = Overrides { variants: variants.into_iter().map(PathBuf::from).collect(), sets };
    load(&PathBuf::from(path), &overrides).map_err(|e| ScenarioError::new_err(e.render(false)))
}

/// Converts tables to `({name: {column: list}}, {name: [date columns]})`.
fn tables_to_py<'py>(py: Python<'py>, tables: &[Table]) -> PyResult<(Bound<'py, PyDict>, Bound<'py, PyDict>)> {
    let out = PyDict::new(py);
    let dates = PyDict::new(py);
    for t in tables {
        let cols = PyDict::new(py);
        let mut date_cols: Vec<String> = Vec::new();
        for (name, c) in &t.columns {
            match c {
                Column::Str(v) => cols.set_item(name, v)?,
                Column::I64(v) => cols.set_item(name, v)?,
                Column::F64(v) => cols.set_item(name, v)?,
                Column::Bool(v) => cols.set_item(name, v)?,
                Column::OptStr(v) => cols.set_item(name, v)?,
                Column::Date(v) => {
                    // Days since 1970-01-01, as the Parquet files hold them.
                    date_cols.push(name.clone());
                    cols.set_item(name, v.iter().map(|d| d.epoch_days()).collect::<Vec<i32>>())?
                }
            }
        }
        out.set_item(&t.name, cols)?;
        dates.set_item(&t.name, date_cols)?;
    }
    Ok((out, dates))
}

/// Checks a scenario; returns a one-line description, raises ScenarioError.
#[pyfunction]
#[pyo3(signature = (path, variants = Vec::new(), sets = Vec::new()))]
fn validate(path: &str, variants: Vec<String>, sets: Vec<String>) -> PyResult<String> {
    let l = load_scenario(path, variants, sets)?;
    let m = &l.model;
    Ok(format!(
        "{}: {} regions, {} actors, {} force groups, {} ticks",
        m.name,
        m.regions.len(),
        m.actors.len(),
        m.forces.len(),
        m.ticks
    ))
}

/// One run: `(seed, tables, date columns)`.
#[pyfunction]
#[pyo3(signature = (path, variants = Vec::new(), sets = Vec::new(), seed = None))]
fn run<'py>(
    py: Python<'py>,
    path: &str,
    variants: Vec<String>,
    sets: Vec<String>,
    seed: Option<u64>,
) -> PyResult<(u64, Bound<'py, PyDict>, Bound<'py, PyDict>)> {
    let l = load_scenario(path, variants, sets)?;
    let seed = seed.unwrap_or(l.model.seed);
    let tables = py.detach(|| {
        let t = frontline_engine::simulate(&l.model, seed);
        run_tables::all(&l.model, &t)
    });
    let (t, d) = tables_to_py(py, &tables)?;
    Ok((seed, t, d))
}

fn pool(threads: Option<usize>) -> PyResult<rayon::ThreadPool> {
    let mut b = rayon::ThreadPoolBuilder::new();
    if let Some(t) = threads {
        if t == 0 {
            return Err(PyValueError::new_err("threads must be at least 1"));
        }
        b = b.num_threads(t);
    }
    b.build().map_err(|e| PyRuntimeError::new_err(e.to_string()))
}

/// An ensemble in `workdir` (resumable there): `(tables, date columns)`.
#[pyfunction]
#[pyo3(signature = (path, workdir, runs, variants = Vec::new(), sets = Vec::new(), seed = None, threads = None, resume = false))]
#[allow(clippy::too_many_arguments)]
fn ensemble_tables<'py>(
    py: Python<'py>,
    path: &str,
    workdir: &str,
    runs: u64,
    variants: Vec<String>,
    sets: Vec<String>,
    seed: Option<u64>,
    threads: Option<usize>,
    resume: bool,
) -> PyResult<(Bound<'py, PyDict>, Bound<'py, PyDict>)> {
    if runs == 0 {
        return Err(PyValueError::new_err("runs must be at least 1"));
    }
    let l = load_scenario(path, variants, sets)?;
    let seed = seed.unwrap_or(l.model.seed);
    let pool = pool(threads)?;
    let dir = PathBuf::from(workdir);
    let job = ensemble::job_id(&l.scenario_hash, &l.variants, &l.sets, seed, runs);
    let tables = py.detach(|| {
        // One job at a time in a workdir, as in an output folder of the CLI;
        // what a killed job left half-written in `.runs/` goes first.
        let _lock = frontline_output::FolderLock::acquire(&dir).map_err(ensemble::JobError::from)?;
        let runs_dir = dir.join(".runs");
        frontline_output::remove_stale_temp_files(&runs_dir).map_err(|e| ensemble::JobError::Io(runs_dir, e))?;
        pool.install(|| ensemble::run_batches(&l.model, &job, runs, seed, &dir, resume, &|_| {}))?;
        ensemble::aggregate(&l.model, runs, seed, &dir).map(|a| a.tables)
    });
    let tables = tables.map_err(|e| PyRuntimeError::new_err(e.to_string()))?;
    tables_to_py(py, &tables)
}

/// A comparison: `(tables, date columns)` with the `compare` table.
#[pyfunction]
#[pyo3(signature = (path, arms, outcomes, runs, variants = Vec::new(), sets = Vec::new(), seed = None, threads = None))]
#[allow(clippy::too_many_arguments)]
fn compare_tables<'py>(
    py: Python<'py>,
    path: &str,
    arms: Vec<String>,
    outcomes: Vec<String>,
    runs: u64,
    variants: Vec<String>,
    sets: Vec<String>,
    seed: Option<u64>,
    threads: Option<usize>,
) -> PyResult<(Bound<'py, PyDict>, Bound<'py, PyDict>)> {
    if runs < 2 {
        return Err(PyValueError::new_err("runs must be at least 2 to give intervals"));
    }
    let base = load_scenario(path, variants.clone(), sets.clone())?;
    let seed = seed.unwrap_or(base.model.seed);
    let mut built = Vec::new();
    for (name, file) in
        std::iter::once(("baseline".to_string(), None)).chain(arms.iter().map(|f| {
            (PathBuf::from(f).file_stem().map_or("arm".into(), |s| s.to_string_lossy().into_owned()), Some(f))
        }))
    {
        let model = match file {
            None => base.model.clone(),
            Some(f) => {
                let mut v = variants.clone();
                v.push(f.clone());
                load_scenario(path, v, sets.clone())?.model
            }
        };
        let outs = compile_outcomes(&model, &outcomes)?;
        built.push(compare::Arm { name, model, outcomes: outs });
    }
    let pool = pool(threads)?;
    let values = py
        .detach(|| pool.install(|| compare::run_arms(&built, runs, seed, None, &|_| {})))
        .map_err(|e| PyRuntimeError::new_err(e.to_string()))?;
    let rows = compare::summarise(&built, &values);
    tables_to_py(py, &[compare::table(&rows)])
}

fn compile_outcomes(m: &frontline_scenario::Model, texts: &[String]) -> PyResult<Vec<Outcome>> {
    if texts.is_empty() {
        let d = Outcome::defaults(m);
        if d.is_empty() {
            return Err(PyValueError::new_err(
                "the scenario has no [scenario.watch] conditions; name outcomes as 'EXPR on|by DATE' or 'EXPR at end'",
            ));
        }
        return Ok(d);
    }
    texts.iter().map(|t| Outcome::parse(t, m).map_err(PyValueError::new_err)).collect()
}

/// Outcome values of runs `indices` (run i uses splitmix64(seed, i)), one
/// list per run: the unit of work to spread over a cluster.
#[pyfunction]
#[pyo3(signature = (path, outcomes, indices, variants = Vec::new(), sets = Vec::new(), seed = None))]
fn evaluate(
    py: Python<'_>,
    path: &str,
    outcomes: Vec<String>,
    indices: Vec<u64>,
    variants: Vec<String>,
    sets: Vec<String>,
    seed: Option<u64>,
) -> PyResult<Vec<Vec<f64>>> {
    let l = load_scenario(path, variants, sets)?;
    let seed = seed.unwrap_or(l.model.seed);
    let outs = compile_outcomes(&l.model, &outcomes)?;
    Ok(py.detach(|| indices.iter().map(|&i| compare::evaluate(&l.model, &outs, run_seed(seed, i))).collect()))
}

/// The compiled module.
#[pymodule]
fn _frontline(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("ScenarioError", m.py().get_type::<ScenarioError>())?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add_function(wrap_pyfunction!(validate, m)?)?;
    m.add_function(wrap_pyfunction!(run, m)?)?;
    m.add_function(wrap_pyfunction!(ensemble_tables, m)?)?;
    m.add_function(wrap_pyfunction!(compare_tables, m)?)?;
    m.add_function(wrap_pyfunction!(evaluate, m)?)?;
    Ok(())
}
