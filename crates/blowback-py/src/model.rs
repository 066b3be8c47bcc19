//! Models: a model file read and compiled once, single runs with the GIL released, and parallel
//! ensembles that a Ctrl-C stops between runs.
//!
//! Results cross into Python as raw `f64` buffers (`bytes`) that the Python half turns into numpy
//! arrays without a copy per value; the DataFrames are built there.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Condvar, Mutex};
use std::time::Duration;

use blowback_sd::{
    canonical, compile_with_data, decode_model_text, use_data_file, DataFiles, FeedbackLoop,
    GraphicalFunction, LoopOptions, Method, ModelFormat, NodeRole, Overrides, Polarity, Project,
    Results, RunError, Simulation,
};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyString};
use rayon::prelude::*;

use crate::errors::raise;
use crate::render;

/// Data files a model names (Vensim's `GET XLS DATA` and kin), read relative to the model's folder.
pub struct Folder(pub PathBuf);

impl DataFiles for Folder {
    fn read(&self, name: &str) -> Result<Vec<u8>, String> {
        let path = self.0.join(name);
        std::fs::read(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))
    }
}

/// One variable as `model.variables` lists it.
#[derive(Debug, Clone)]
struct VariableMeta {
    name: String,
    kind: &'static str,
    units: Option<String>,
    doc: Option<String>,
}

/// A compiled model.
#[pyclass(frozen, module = "blowback._native", name = "NativeModel")]
pub struct NativeModel {
    simulation: Simulation,
    path: String,
    variables: Vec<VariableMeta>,
    warnings: Vec<String>,
}

/// Reads and compiles a model file (XMILE, or Vensim `.mdl` by its extension); `data` are data
/// files giving the data variables that have no equation (the CLI's `run --data`).
#[pyfunction]
#[pyo3(signature = (path, data = Vec::new()))]
pub fn load_model(py: Python<'_>, path: PathBuf, data: Vec<PathBuf>) -> PyResult<NativeModel> {
    let bytes = std::fs::read(&path)?;
    let text = decode_model_text(&bytes).into_owned();
    let format = ModelFormat::of_file_name(&path.to_string_lossy());
    let folder = Folder(path.parent().unwrap_or(Path::new(".")).to_path_buf());
    let mut data_headers = Vec::new();
    for file in &data {
        let header = std::fs::read_to_string(file)?;
        // Named by its full path, which the folder's reader takes as it is.
        let name = std::path::absolute(file)?.to_string_lossy().into_owned();
        let first_line = header.lines().next().unwrap_or_default().to_string();
        data_headers.push((file.display().to_string(), name, first_line));
    }
    let label = path.display().to_string();
    compile_text(py, &label, &text, format, &folder, &data_headers)
}

/// Compiles a model from its text; `name` gives the format by its extension and labels messages.
#[pyfunction]
pub fn load_model_text(py: Python<'_>, text: String, name: String) -> PyResult<NativeModel> {
    let format = ModelFormat::of_file_name(&name);
    compile_text(py, &name, &text, format, &Folder(PathBuf::from(".")), &[])
}

fn compile_text(
    py: Python<'_>,
    label: &str,
    text: &str,
    format: ModelFormat,
    folder: &Folder,
    data: &[(String, String, String)],
) -> PyResult<NativeModel> {
    let compiled = py.detach(|| -> Result<_, String> {
        let (mut project, mut warnings) = format
            .read_with_data(text, folder)
            .map_err(|errors| render::diagnostics(label, text, &errors.0))?;
        let mut unused = Vec::new();
        for (shown, name, first_line) in data {
            if use_data_file(&mut project, name, first_line) == 0 {
                unused.push(format!(
                    "{shown} gives no data variable of the model without an equation"
                ));
            }
        }
        let (simulation, more) = compile_with_data(&project, folder)
            .map_err(|errors| render::diagnostics(label, text, &errors.0))?;
        warnings.extend(more);
        let mut rendered: Vec<String> = warnings
            .iter()
            .map(|w| render::diagnostic(label, text, w).trim_end().to_string())
            .collect();
        rendered.extend(unused);
        Ok((simulation, project, rendered))
    });
    let (simulation, project, warnings) = compiled.map_err(|text| raise(py, "ModelError", text))?;
    let mut model = NativeModel::from_parts(simulation, &project, label.to_string());
    model.warnings = warnings;
    Ok(model)
}

/// Names, kinds, units and documentation of the visible variables, in result-column order.
fn describe(simulation: &Simulation, project: &Project) -> Vec<VariableMeta> {
    let mut declared: HashMap<String, (Option<String>, Option<String>)> = HashMap::new();
    for model in &project.models {
        for variable in &model.variables {
            let meta = (variable.units.clone(), variable.doc.clone());
            if let Some(module) = &model.name {
                declared.insert(
                    canonical(&format!("{module}.{}", variable.name)),
                    meta.clone(),
                );
            }
            declared.entry(canonical(&variable.name)).or_insert(meta);
        }
    }
    simulation
        .variables()
        .map(|v| {
            // An array element (`Stock[Entry 1]`) takes its variable's units and doc.
            let base = v.name.split('[').next().unwrap_or(v.name);
            let (units, doc) = declared
                .get(&canonical(v.name))
                .or_else(|| declared.get(&canonical(base)))
                .cloned()
                .unwrap_or_default();
            VariableMeta {
                name: v.name.to_string(),
                kind: kind_name(v.role),
                units: units.filter(|u| !u.trim().is_empty()),
                doc: doc.filter(|d| !d.trim().is_empty()),
            }
        })
        .collect()
}

fn kind_name(role: NodeRole) -> &'static str {
    match role {
        NodeRole::Stock => "stock",
        NodeRole::Flow => "flow",
        NodeRole::Auxiliary => "auxiliary",
        NodeRole::Constant => "constant",
        NodeRole::Table => "table",
    }
}

/// A run's results as `(times, names, columns)`: `times` and `columns` are native-endian `f64`
/// buffers, the columns one after another.
type RawResults = (Py<PyBytes>, Vec<String>, Py<PyBytes>);

/// An ensemble's results: `(times, names, data)` with `data` in run, variable, time order.
type RawEnsemble = (Py<PyBytes>, Vec<String>, Py<PyBytes>);

#[pymethods]
impl NativeModel {
    /// The file (or name) the model was read from.
    #[getter]
    fn path(&self) -> &str {
        &self.path
    }

    /// Warnings the reader and compiler gave, rendered with their locations.
    #[getter]
    fn warnings(&self) -> Vec<String> {
        self.warnings.clone()
    }

    /// `(name, kind, units, doc)` of every visible variable, in result-column order.
    fn variables(&self) -> Vec<(String, &'static str, Option<String>, Option<String>)> {
        self.variables
            .iter()
            .map(|v| (v.name.clone(), v.kind, v.units.clone(), v.doc.clone()))
            .collect()
    }

    /// The model's time settings: `(start, stop, dt, save_step, method, time_units)`.
    fn sim_specs(&self) -> (f64, f64, f64, Option<f64>, &'static str, Option<String>) {
        let specs = self.simulation.sim_specs();
        (
            specs.start,
            specs.stop,
            specs.dt,
            specs.save_step,
            method_name(specs.method),
            specs.time_units.clone(),
        )
    }

    /// The value a constant (or a stock's initial value) has without overrides.
    fn default_value(&self, name: &str) -> Option<f64> {
        self.simulation.default_value(name)
    }

    /// One run. See `blowback.Model.run`.
    #[pyo3(signature = (params=None, vars=None, start=None, stop=None, dt=None, method=None, seed=None, save_step=None))]
    #[allow(clippy::too_many_arguments)]
    fn run(
        &self,
        py: Python<'_>,
        params: Option<Bound<'_, PyAny>>,
        vars: Option<Vec<String>>,
        start: Option<f64>,
        stop: Option<f64>,
        dt: Option<f64>,
        method: Option<&str>,
        seed: Option<Bound<'_, PyAny>>,
        save_step: Option<f64>,
    ) -> PyResult<RawResults> {
        let mut overrides = settings(py, start, stop, dt, method, seed, save_step)?;
        if let Some(params) = &params {
            apply_params(py, &self.simulation, &mut overrides, params)?;
        }
        let results = py
            .detach(|| self.run_one(&overrides, vars.as_deref()))
            .map_err(|e| run_error(py, e, None))?;
        let names = results.names().to_vec();
        let mut columns = Vec::with_capacity(names.len() * results.times().len());
        for index in 0..names.len() {
            columns.extend_from_slice(results.column_at(index));
        }
        Ok((
            f64_bytes(py, results.times()),
            names,
            f64_bytes(py, &columns),
        ))
    }

    /// The feedback loops, shortest first: `(index, name, polarity, kind, variables)`, with
    /// polarities from the run with `params`.
    #[pyo3(signature = (params=None, max_loops=10_000, max_length=None))]
    fn loops(
        &self,
        py: Python<'_>,
        params: Option<Bound<'_, PyAny>>,
        max_loops: usize,
        max_length: Option<usize>,
    ) -> PyResult<Vec<LoopRow>> {
        let loops = self.find_loops(py, params, max_loops, max_length)?.1;
        Ok(loops.iter().map(loop_row).collect())
    }

    /// Loops That Matter scores over the run with `params`: `(loops, times, scores, relative)`,
    /// the scores as `loops x times` buffers.
    #[pyo3(signature = (params=None, max_loops=10_000, max_length=None))]
    fn loop_scores(
        &self,
        py: Python<'_>,
        params: Option<Bound<'_, PyAny>>,
        max_loops: usize,
        max_length: Option<usize>,
    ) -> PyResult<LoopScores> {
        let (overrides, loops) = self.find_loops(py, params, max_loops, max_length)?;
        let analysis = py
            .detach(|| self.simulation.loop_dominance(&overrides, &loops))
            .map_err(|e| run_error(py, e, None))?;
        let flat = |rows: &[Vec<f64>]| rows.concat();
        Ok((
            analysis.loops.iter().map(loop_row).collect(),
            f64_bytes(py, &analysis.times),
            f64_bytes(py, &flat(&analysis.scores)),
            f64_bytes(py, &flat(&analysis.relative_scores)),
        ))
    }

    /// Many runs in parallel. See `blowback.Model.run_many`.
    #[pyo3(signature = (params, vars=None, start=None, stop=None, dt=None, method=None, seed=None, save_step=None, threads=None))]
    #[allow(clippy::too_many_arguments)]
    fn run_many(
        &self,
        py: Python<'_>,
        params: Vec<Bound<'_, PyAny>>,
        vars: Option<Vec<String>>,
        start: Option<f64>,
        stop: Option<f64>,
        dt: Option<f64>,
        method: Option<&str>,
        seed: Option<Bound<'_, PyAny>>,
        save_step: Option<f64>,
        threads: Option<usize>,
    ) -> PyResult<RawEnsemble> {
        let base = settings(py, start, stop, dt, method, seed, save_step)?;
        let mut runs = Vec::with_capacity(params.len());
        for (index, run_params) in params.iter().enumerate() {
            let mut overrides = base.clone();
            apply_params(py, &self.simulation, &mut overrides, run_params).map_err(|e| {
                let message = format!("run {index}: {}", e.value(py));
                PyErr::from_type(e.get_type(py), message)
            })?;
            // Each run its own random streams, the same whichever thread runs it.
            overrides.seed = base.seed.wrapping_add(index as u64);
            runs.push(overrides);
        }
        let pool = match threads {
            Some(0) => return Err(PyValueError::new_err("threads must be at least 1")),
            Some(n) => Some(
                rayon::ThreadPoolBuilder::new()
                    .num_threads(n)
                    .build()
                    .map_err(|e| PyValueError::new_err(e.to_string()))?,
            ),
            None => None,
        };
        let vars = vars.as_deref();
        let cancel = AtomicBool::new(false);
        let work = || -> Result<Vec<Results>, Stopped> {
            runs.par_iter()
                .enumerate()
                .map(|(index, overrides)| {
                    if cancel.load(Ordering::Relaxed) {
                        return Err(Stopped::Cancelled);
                    }
                    self.run_one(overrides, vars)
                        .map_err(|e| Stopped::Failed(index, e))
                })
                .collect()
        };
        let outcome = run_interruptibly(py, &cancel, || match &pool {
            Some(pool) => pool.install(work),
            None => work(),
        })?;
        let results = match outcome {
            Ok(results) => results,
            Err(Stopped::Failed(index, e)) => return Err(run_error(py, e, Some(index))),
            // Only a signal handler's error sets the flag, and it was returned above.
            Err(Stopped::Cancelled) => return Err(raise(py, "BlowbackError", "cancelled")),
        };
        let (times, names) = match results.first() {
            Some(first) => (first.times().to_vec(), first.names().to_vec()),
            None => (Vec::new(), self.output_names(vars, py)?),
        };
        let mut data = Vec::with_capacity(results.len() * names.len() * times.len());
        for results in &results {
            for index in 0..names.len() {
                data.extend_from_slice(results.column_at(index));
            }
        }
        Ok((f64_bytes(py, &times), names, f64_bytes(py, &data)))
    }
}

impl NativeModel {
    /// A model from a compiled simulation and the project it came from (for units and docs).
    pub fn from_parts(simulation: Simulation, project: &Project, path: String) -> NativeModel {
        let variables = describe(&simulation, project);
        NativeModel {
            simulation,
            path,
            variables,
            warnings: Vec::new(),
        }
    }

    fn run_one(&self, overrides: &Overrides, vars: Option<&[String]>) -> Result<Results, RunError> {
        match vars {
            Some(vars) => {
                let names: Vec<&str> = vars.iter().map(String::as_str).collect();
                self.simulation.run_selected(overrides, &names)
            }
            None => self.simulation.run(overrides),
        }
    }

    fn find_loops(
        &self,
        py: Python<'_>,
        params: Option<Bound<'_, PyAny>>,
        max_loops: usize,
        max_length: Option<usize>,
    ) -> PyResult<(Overrides, Vec<FeedbackLoop>)> {
        let mut overrides = Overrides::new();
        if let Some(params) = &params {
            apply_params(py, &self.simulation, &mut overrides, params)?;
        }
        let options = LoopOptions {
            max_loops,
            max_length,
            independent_only: false,
        };
        let loops = py
            .detach(|| self.simulation.feedback_loops(&overrides, options))
            .map_err(|e| run_error(py, e, None))?;
        Ok((overrides, loops))
    }

    /// The column names a run would have, for an empty ensemble.
    fn output_names(&self, vars: Option<&[String]>, py: Python<'_>) -> PyResult<Vec<String>> {
        let mut overrides = Overrides::new();
        overrides.stop = Some(self.simulation.sim_specs().start);
        let results = self
            .run_one(&overrides, vars)
            .map_err(|e| run_error(py, e, None))?;
        Ok(results.names().to_vec())
    }
}

/// A loop's row: `(index, name, polarity, kind, variables)`.
pub type LoopRow = (
    usize,
    Option<String>,
    &'static str,
    &'static str,
    Vec<String>,
);

pub fn loop_row(found: &FeedbackLoop) -> LoopRow {
    let polarity = match found.polarity {
        Polarity::Positive => "positive",
        Polarity::Negative => "negative",
        Polarity::Unknown => "unknown",
    };
    (
        found.index,
        found.name.clone(),
        polarity,
        found.kind(),
        found.variables.clone(),
    )
}

/// Loops and their scores: `(loops, times, scores, relative)`, scores as `loops x times` buffers.
pub type LoopScores = (Vec<LoopRow>, Py<PyBytes>, Py<PyBytes>, Py<PyBytes>);

/// Why an ensemble stopped early.
enum Stopped {
    /// Run `index` failed.
    Failed(usize, RunError),
    /// A Ctrl-C asked it to stop.
    Cancelled,
}

/// Runs `work` on a separate thread with the GIL released, waking every 100 ms to let Python
/// handle signals: on Ctrl-C the flag tells the workers to start no more runs, and the
/// `KeyboardInterrupt` is returned once they have stopped.
pub fn run_interruptibly<T: Send>(
    py: Python<'_>,
    cancel: &AtomicBool,
    work: impl FnOnce() -> T + Send,
) -> PyResult<T> {
    let slot: Mutex<Option<T>> = Mutex::new(None);
    let finished = Condvar::new();
    std::thread::scope(|scope| {
        scope.spawn(|| {
            let value = work();
            *slot.lock().unwrap_or_else(|p| p.into_inner()) = Some(value);
            finished.notify_all();
        });
        let mut interrupted = None;
        loop {
            let done = py.detach(|| {
                let guard = slot.lock().unwrap_or_else(|p| p.into_inner());
                let (mut guard, _) = finished
                    .wait_timeout_while(guard, Duration::from_millis(100), |v| v.is_none())
                    .unwrap_or_else(|p| p.into_inner());
                guard.take()
            });
            if let Some(value) = done {
                return match interrupted {
                    Some(err) => Err(err),
                    None => Ok(value),
                };
            }
            if interrupted.is_none() {
                if let Err(err) = py.check_signals() {
                    cancel.store(true, Ordering::Relaxed);
                    interrupted = Some(err);
                }
            }
        }
    })
}

/// Time settings, method and seed as overrides, checked.
fn settings(
    py: Python<'_>,
    start: Option<f64>,
    stop: Option<f64>,
    dt: Option<f64>,
    method: Option<&str>,
    seed: Option<Bound<'_, PyAny>>,
    save_step: Option<f64>,
) -> PyResult<Overrides> {
    for (name, value) in [
        ("start", start),
        ("stop", stop),
        ("dt", dt),
        ("save_step", save_step),
    ] {
        match value {
            Some(v) if !v.is_finite() => {
                return Err(raise(
                    py,
                    "ParameterError",
                    format!("{name} is {v}; give a finite number"),
                ))
            }
            Some(v) if v <= 0.0 && (name == "dt" || name == "save_step") => {
                return Err(raise(
                    py,
                    "ParameterError",
                    format!("{name} is {v}; it must be greater than 0"),
                ))
            }
            _ => {}
        }
    }
    let method = match method {
        None => None,
        Some(text) => Some(text.parse::<Method>().map_err(|_| {
            raise(
                py,
                "ParameterError",
                format!("unknown method `{text}`; use \"euler\", \"rk2\" or \"rk4\""),
            )
        })?),
    };
    let seed = match seed {
        None => 0,
        Some(seed) => parse_seed(py, &seed)?,
    };
    let mut overrides = Overrides::new();
    overrides.method = method;
    overrides.dt = dt;
    overrides.start = start;
    overrides.stop = stop;
    overrides.save_step = save_step;
    overrides.seed = seed;
    Ok(overrides)
}

/// A seed: an integer from 0 to 2**64 - 1.
pub fn parse_seed(py: Python<'_>, seed: &Bound<'_, PyAny>) -> PyResult<u64> {
    if seed.is_instance_of::<pyo3::types::PyBool>()
        || seed.extract::<i128>().is_err() && seed.extract::<u64>().is_err()
    {
        return Err(PyTypeError::new_err(format!(
            "seed must be an integer, got {}",
            type_name(seed)
        )));
    }
    seed.extract::<u64>().map_err(|_| {
        raise(
            py,
            "ParameterError",
            format!("seed {seed} is out of range: give an integer from 0 to 2**64 - 1"),
        )
    })
}

/// Sets each `name: value` of a mapping as an override, checking types and finiteness: a number
/// for a constant or a stock's initial value, points for a graphical function.
fn apply_params(
    py: Python<'_>,
    simulation: &Simulation,
    overrides: &mut Overrides,
    params: &Bound<'_, PyAny>,
) -> PyResult<()> {
    if params.is_none() {
        return Ok(());
    }
    let items = params
        .getattr("items")
        .and_then(|items| items.call0())
        .map_err(|_| {
            PyTypeError::new_err(format!(
                "params must be a mapping of variable names to numbers (a dict or a pandas Series), got {}",
                type_name(params)
            ))
        })?;
    for item in items.try_iter()? {
        let (name, value): (Bound<'_, PyAny>, Bound<'_, PyAny>) = item?.extract()?;
        let name = name.cast_into::<PyString>().map_err(|e| {
            PyTypeError::new_err(format!(
                "parameter names must be strings, got {}",
                type_name(&e.into_inner())
            ))
        })?;
        let name = name.to_cow()?;
        let text = value.is_instance_of::<PyString>() || value.is_instance_of::<PyBytes>();
        let number = if text {
            None
        } else {
            value.extract::<f64>().ok()
        };
        let Some(number) = number else {
            if !text {
                if let Some(points) = table_points(py, &name, &value)? {
                    // The points replace the model's; its interpolation (continuous,
                    // extrapolating or discrete) stays. A name that is not a table is refused
                    // by the run, as any unknown name is.
                    let kind = simulation.table(&name).map(|t| t.kind).unwrap_or_default();
                    let (xs, ys) = points.into_iter().unzip();
                    overrides.set_table(
                        &name,
                        GraphicalFunction {
                            kind,
                            xs,
                            ys,
                            y_scale: None,
                        },
                    );
                    continue;
                }
            }
            // A collection may have been meant as a graphical function's points; say so then.
            let expected = if !text && value.try_iter().is_ok() {
                "a number, or (x, y) points for a graphical function"
            } else {
                "a number"
            };
            return Err(PyTypeError::new_err(format!(
                "parameter `{name}`: expected {expected}, got {} {}",
                type_name(&value),
                value.repr().map(|r| r.to_string()).unwrap_or_default()
            )));
        };
        if !number.is_finite() {
            return Err(raise(
                py,
                "ParameterError",
                format!("parameter `{name}` is {number}; give a finite number"),
            ));
        }
        overrides.set(&name, number);
    }
    Ok(())
}

/// The points of a graphical function given as a parameter: a pandas Series (x in the index, y
/// as values), a mapping of x to y, or a sequence of (x, y) pairs (a list, or a two-column numpy
/// array). `None` when `value` is none of these; an error when it is one but its points are not
/// finite numbers with x non-decreasing.
fn table_points(
    py: Python<'_>,
    name: &str,
    value: &Bound<'_, PyAny>,
) -> PyResult<Option<Vec<(f64, f64)>>> {
    let pairs = match value.getattr("items").and_then(|items| items.call0()) {
        Ok(items) => items,
        Err(_) if value.try_iter().is_ok() => value.clone(),
        Err(_) => return Ok(None),
    };
    let mut points = Vec::new();
    for pair in pairs.try_iter()? {
        let pair = pair?;
        // A tuple, or a list or numpy row of two numbers; anything else is not a table.
        let point = match pair.extract::<(f64, f64)>() {
            Ok(point) => point,
            Err(_) => match pair.extract::<Vec<f64>>() {
                Ok(xy) if xy.len() == 2 => (xy[0], xy[1]),
                _ => return Ok(None),
            },
        };
        points.push(point);
    }
    let problem = if points.is_empty() {
        Some("it has no points".to_string())
    } else if let Some((x, y)) = points
        .iter()
        .find(|(x, y)| !x.is_finite() || !y.is_finite())
    {
        Some(format!("the point ({x}, {y}) is not finite"))
    } else {
        points.windows(2).find(|w| w[1].0 < w[0].0).map(|w| {
            format!(
                "x falls from {} to {}; give the points in increasing x",
                w[0].0, w[1].0
            )
        })
    };
    match problem {
        Some(problem) => Err(raise(
            py,
            "ParameterError",
            format!("graphical function `{name}`: {problem}"),
        )),
        None => Ok(Some(points)),
    }
}

/// A run error as the exception a Python user expects: a name the model lacks is a `KeyError`,
/// time settings out of range a `ValueError`, anything else a `SimulationError`.
pub fn run_error(py: Python<'_>, error: RunError, run: Option<usize>) -> PyErr {
    let class = match &error {
        RunError::UnknownName { .. } | RunError::NotATable { .. } => "UnknownNameError",
        RunError::InvalidTime(_) | RunError::NotAConstant { .. } | RunError::Structural { .. } => {
            "ParameterError"
        }
        _ => "SimulationError",
    };
    let message = match run {
        Some(index) => format!("run {index}: {error}"),
        None => error.to_string(),
    };
    raise(py, class, message)
}

pub fn method_name(method: Method) -> &'static str {
    match method {
        Method::Euler => "euler",
        Method::Rk2 => "rk2",
        Method::Rk4 => "rk4",
    }
}

pub fn type_name(value: &Bound<'_, PyAny>) -> String {
    value
        .get_type()
        .name()
        .map(|n| n.to_string())
        .unwrap_or_else(|_| "object".into())
}

/// `values` as native-endian bytes, which `numpy.frombuffer` reads without a copy.
pub fn f64_bytes(py: Python<'_>, values: &[f64]) -> Py<PyBytes> {
    let mut bytes = Vec::with_capacity(values.len() * 8);
    for v in values {
        bytes.extend_from_slice(&v.to_ne_bytes());
    }
    PyBytes::new(py, &bytes).unbind()
}
