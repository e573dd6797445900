//! The PyO3 layer (feature `python`, built by maturin): converts Python
//! options to [`Arg`]s, runs [`glue`](crate::glue) with the GIL released, and
//! converts tables and [`Value`]s back. It holds no analysis logic, so what
//! the workspace does not compile here is only conversion.

use crate::glue::{self, Arg, Distribution, Error, Value};
use frontline_analysis::checkpoint::{JobError as RunsError, Remote};
use frontline_analysis::simulation::Simulation;
use frontline_output::{Column, Table};
use pyo3::create_exception;
use pyo3::exceptions::{PyRuntimeError, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyBytes, PyDict, PyFloat, PyInt, PyList, PyString};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

create_exception!(
    _frontline,
    ScenarioError,
    PyValueError,
    "The scenario, a variant or a `set` is invalid; the message lists every problem with file, line and column."
);
create_exception!(
    _frontline,
    JobError,
    PyRuntimeError,
    "A job failed or stopped (an output folder in use or holding another job, a file that could not be written); `exit_code` is the CLI's."
);

fn to_py_err(e: Error) -> PyErr {
    match e {
        Error::Scenario(m) => ScenarioError::new_err(m),
        Error::Invalid(m) => PyValueError::new_err(m),
        Error::Job { message, exit_code } => {
            let err = JobError::new_err(message);
            Python::attach(|py| {
                let _ = err.value(py).setattr("exit_code", exit_code);
            });
            err
        }
    }
}

/// A loaded scenario: the model its `model` key selects, with its variants
/// and sets applied, ready for any analysis.
#[pyclass(frozen, module = "frontline._frontline")]
struct Scenario {
    sim: Box<dyn Simulation>,
}

#[pymethods]
impl Scenario {
    /// The model's registry name (`theatre`, `civil-violence`).
    #[getter]
    fn model(&self) -> &'static str {
        self.sim.model()
    }

    /// The scenario's name.
    #[getter]
    fn name(&self) -> String {
        self.sim.name().to_string()
    }

    /// The scenario's path, as given.
    #[getter]
    fn path(&self) -> String {
        self.sim.source().display()
    }

    /// The scenario's seed (what an analysis uses without `seed`).
    #[getter]
    fn seed(&self) -> u64 {
        self.sim.default_seed()
    }

    /// Where it was loaded from: `{path, scenario_hash, variants: [(path, hash)], sets}`
    /// (what a worker of a distributed job loads again, and checks).
    #[getter]
    fn source<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let src = self.sim.source();
        let d = PyDict::new(py);
        d.set_item("path", src.display())?;
        d.set_item("scenario_hash", &src.scenario_hash)?;
        d.set_item("variants", src.variants.clone())?;
        d.set_item("sets", src.sets.clone())?;
        Ok(d)
    }

    /// One line describing the loaded scenario (what `frontline validate` prints).
    fn describe(&self) -> String {
        self.sim.describe()
    }

    /// The uncertain parameters a sweep would vary: `[{id, value, min, max}]`.
    #[pyo3(signature = (ranges = Vec::new()))]
    fn parameters<'py>(&self, py: Python<'py>, ranges: Vec<String>) -> PyResult<Bound<'py, PyAny>> {
        let v = glue::parameters(&*self.sim, &ranges).map_err(to_py_err)?;
        value_to_py(py, &v)
    }

    fn __repr__(&self) -> String {
        format!(
            "<frontline.Scenario {:?} ({}) from {}>",
            self.sim.name(),
            self.sim.model(),
            self.sim.source().display()
        )
    }
}

/// Loads a scenario (raises ScenarioError listing every problem).
#[pyfunction]
#[pyo3(signature = (path, variants = Vec::new(), sets = Vec::new()))]
fn load(py: Python<'_>, path: PathBuf, variants: Vec<String>, sets: Vec<String>) -> PyResult<Scenario> {
    let sim = py.detach(|| glue::load(&path, variants, sets)).map_err(to_py_err)?;
    Ok(Scenario { sim })
}

fn arg(key: &str, v: &Bound<'_, PyAny>) -> PyResult<Arg> {
    if v.is_none() {
        Ok(Arg::None)
    } else if v.is_instance_of::<PyBool>() {
        Ok(Arg::Bool(v.extract()?))
    } else if v.is_instance_of::<PyInt>() {
        Ok(Arg::Int(v.extract()?))
    } else if v.is_instance_of::<PyString>() {
        Ok(Arg::Str(v.extract()?))
    } else if let Ok(list) = v.extract::<Vec<String>>() {
        Ok(Arg::List(list))
    } else {
        Err(PyTypeError::new_err(format!(
            "option `{key}` must be None, a bool, an int, a str or a list of str, not {}",
            v.get_type().name()?
        )))
    }
}

/// What `analyse` returns: `(fields, tables, date columns, files written)`.
type Analysed<'py> = (Bound<'py, PyAny>, Bound<'py, PyDict>, Bound<'py, PyDict>, Vec<String>);

fn args(options: &Bound<'_, PyDict>) -> PyResult<Vec<(String, Arg)>> {
    let mut opts = Vec::new();
    for (k, v) in options.iter() {
        let key: String = k.extract()?;
        let a = arg(&key, &v)?;
        opts.push((key, a));
    }
    Ok(opts)
}

/// Runs one analysis: `(fields, tables, date columns, written)`.
#[pyfunction]
fn analyse<'py>(
    py: Python<'py>,
    scenario: &Scenario,
    analysis: &str,
    options: &Bound<'py, PyDict>,
) -> PyResult<Analysed<'py>> {
    let opts = args(options)?;
    let outcome = py.detach(|| glue::analyse(&*scenario.sim, analysis, opts)).map_err(to_py_err)?;
    let fields = value_to_py(py, &Value::Map(outcome.fields))?;
    let (tables, dates) = tables_to_py(py, &outcome.tables)?;
    Ok((fields, tables, dates, outcome.written))
}

/// A [`Remote`] in Python: `compute(prefix, missing, count)` returns an
/// iterator of `(batch index, batch file bytes)` as batches complete (the
/// `frontline.ray` driver submits Ray tasks and yields their results). The
/// first Python exception it raises is kept, to be raised again as it was.
struct PyRemote {
    compute: Py<PyAny>,
    error: Mutex<Option<PyErr>>,
}

impl PyRemote {
    fn fail(&self, e: PyErr) -> RunsError {
        let message = format!("the cluster failed: {e}");
        self.error.lock().unwrap_or_else(|p| p.into_inner()).get_or_insert(e);
        RunsError::Task(message)
    }
}

impl Remote for PyRemote {
    fn compute(
        &self,
        prefix: &str,
        missing: &[u64],
        count: u64,
        deliver: &mut dyn FnMut(u64, Vec<u8>) -> Result<(), RunsError>,
    ) -> Result<(), RunsError> {
        let iter = Python::attach(|py| -> PyResult<Py<PyAny>> {
            let it = self.compute.call1(py, (prefix, missing.to_vec(), count))?;
            Ok(it.bind(py).try_iter()?.into_any().unbind())
        })
        .map_err(|e| self.fail(e))?;
        let result = loop {
            let item = Python::attach(|py| -> PyResult<Option<(u64, Vec<u8>)>> {
                let Some(next) = iter.bind(py).cast::<pyo3::types::PyIterator>()?.clone().next() else {
                    return Ok(None);
                };
                let (b, data): (u64, Bound<'_, PyAny>) = next?.extract()?;
                Ok(Some((b, data.cast::<PyBytes>()?.as_bytes().to_vec())))
            });
            match item {
                Ok(None) => break Ok(()),
                Ok(Some((b, file))) => {
                    if let Err(e) = deliver(b, file) {
                        break Err(e);
                    }
                }
                Err(e) => break Err(self.fail(e)),
            }
        };
        // Closing the iterator (a generator) lets it cancel what is still running.
        Python::attach(|py| {
            if let Ok(close) = iter.bind(py).getattr("close") {
                let _ = close.call0();
            }
        });
        result
    }
}

/// Runs one analysis whose missing batches are computed by `compute`
/// (see [`PyRemote`]) and aggregated here: what [`analyse`] returns.
#[pyfunction]
fn analyse_distributed<'py>(
    py: Python<'py>,
    scenario: &Scenario,
    analysis: &str,
    options: &Bound<'py, PyDict>,
    compute: Py<PyAny>,
) -> PyResult<Analysed<'py>> {
    let opts = args(options)?;
    let remote = Arc::new(PyRemote { compute, error: Mutex::new(None) });
    let placed = Distribution::Driver(remote.clone());
    let outcome = py.detach(|| glue::analyse_placed(&*scenario.sim, analysis, opts, placed));
    if let Some(e) = remote.error.lock().unwrap_or_else(|p| p.into_inner()).take() {
        return Err(e);
    }
    let outcome = outcome.map_err(to_py_err)?;
    let fields = value_to_py(py, &Value::Map(outcome.fields))?;
    let (tables, dates) = tables_to_py(py, &outcome.tables)?;
    Ok((fields, tables, dates, outcome.written))
}

/// A worker's share of a distributed job: the files (payload and seal) of
/// batches `batches` of the loop named `prefix`, as `bytes`.
#[pyfunction]
fn compute_batches<'py>(
    py: Python<'py>,
    scenario: &Scenario,
    analysis: &str,
    options: &Bound<'py, PyDict>,
    prefix: &str,
    batches: Vec<u64>,
) -> PyResult<Vec<Bound<'py, PyBytes>>> {
    let opts = args(options)?;
    let files =
        py.detach(|| glue::compute_batches(&*scenario.sim, analysis, opts, prefix, &batches)).map_err(to_py_err)?;
    Ok(files.iter().map(|f| PyBytes::new(py, f)).collect())
}

/// Per-run statistics of runs `indices`: `(names, values[run][statistic])`.
#[pyfunction]
#[pyo3(signature = (scenario, outcomes, indices, seed = None, threads = None))]
fn evaluate(
    py: Python<'_>,
    scenario: &Scenario,
    outcomes: Vec<String>,
    indices: Vec<u64>,
    seed: Option<u64>,
    threads: Option<u64>,
) -> PyResult<(Vec<String>, Vec<Vec<f64>>)> {
    py.detach(|| glue::evaluate(&*scenario.sim, &outcomes, &indices, seed, threads)).map_err(to_py_err)
}

fn value_to_py<'py>(py: Python<'py>, v: &Value) -> PyResult<Bound<'py, PyAny>> {
    Ok(match v {
        Value::None => py.None().into_bound(py),
        Value::Bool(b) => PyBool::new(py, *b).to_owned().into_any(),
        Value::Int(i) => i.into_pyobject(py)?.into_any(),
        Value::Float(x) => PyFloat::new(py, *x).into_any(),
        Value::Str(s) => PyString::new(py, s).into_any(),
        Value::List(items) => {
            let l = PyList::empty(py);
            for x in items {
                l.append(value_to_py(py, x)?)?;
            }
            l.into_any()
        }
        Value::Map(entries) => {
            let d = PyDict::new(py);
            for (k, x) in entries {
                d.set_item(k, value_to_py(py, x)?)?;
            }
            d.into_any()
        }
    })
}

/// Tables as `({name: {column: list}}, {name: [date columns]})`, a column at
/// a time; dates as days since 1970-01-01, as the Parquet files hold them.
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
                    date_cols.push(name.clone());
                    cols.set_item(name, v.iter().map(|d| d.epoch_days()).collect::<Vec<i32>>())?
                }
                Column::OptDate(v) => {
                    date_cols.push(name.clone());
                    cols.set_item(name, v.iter().map(|d| d.map(|d| d.epoch_days())).collect::<Vec<Option<i32>>>())?
                }
            }
        }
        out.set_item(&t.name, cols)?;
        dates.set_item(&t.name, date_cols)?;
    }
    Ok((out, dates))
}

/// The compiled module.
#[pymodule]
fn _frontline(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("ScenarioError", m.py().get_type::<ScenarioError>())?;
    m.add("JobError", m.py().get_type::<JobError>())?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add("ANALYSES", glue::ANALYSES.to_vec())?;
    m.add_class::<Scenario>()?;
    m.add_function(wrap_pyfunction!(load, m)?)?;
    m.add_function(wrap_pyfunction!(analyse, m)?)?;
    m.add_function(wrap_pyfunction!(evaluate, m)?)?;
    m.add_function(wrap_pyfunction!(analyse_distributed, m)?)?;
    m.add_function(wrap_pyfunction!(compute_batches, m)?)?;
    Ok(())
}
