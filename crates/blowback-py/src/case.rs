//! Case folders: read from disk as the CLI reads them, loaded through `blowback::Case::load` (the
//! one way in), run, tested and explored. Results go back as plain rows and buffers.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use blowback::{
    select_scenarios, with_structures, Case, CaseError, CaseFiles, CaseFolder, CaseModel,
    CheckResult, SamplingMethod, MODEL_FILES,
};
use blowback_explore::{
    morris_indices, sobol_indices, Chunk, Design, Ensemble, ExploreError, Method, Model as _,
    RunSink,
};
use blowback_sd::{decode_model_text, LoopOptions, Overrides, RunError};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyBytes;

use crate::errors::raise;
use crate::model::{f64_bytes, loop_row, run_error, run_interruptibly, LoopScores, NativeModel};
use crate::render;

/// A folder on disk, read for `CaseFiles::gather`.
struct Dir<'a>(&'a Path);

impl CaseFolder for Dir<'_> {
    fn read(&self, path: &str) -> std::io::Result<Option<String>> {
        let full = self.0.join(path);
        let read = if MODEL_FILES.contains(&path) {
            // Older Vensim files are not UTF-8; the model reader decodes them.
            std::fs::read(&full).map(|bytes| decode_model_text(&bytes).into_owned())
        } else {
            std::fs::read_to_string(full)
        };
        match read {
            Ok(text) => Ok(Some(text)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }

    fn list(&self, path: &str) -> std::io::Result<Vec<String>> {
        let entries = match std::fs::read_dir(self.0.join(path)) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(e),
        };
        let mut names = Vec::new();
        for entry in entries {
            let entry = entry?;
            if std::fs::metadata(entry.path())?.is_file() {
                names.push(entry.file_name().to_string_lossy().into_owned());
            }
        }
        Ok(names)
    }
}

/// A loaded case folder.
#[pyclass(frozen, module = "blowback._native", name = "NativeCase")]
pub struct NativeCase {
    case: Case,
    files: CaseFiles,
    dir: PathBuf,
}

/// A check's row: `(name, status, as expected, detail)`.
type CheckRow = (String, &'static str, bool, String);

/// The scenario table: outcomes `(label, variable, stat, from, to)`, rows (scenario and one
/// value per outcome), and each scenario's series `(scenario, times, names, columns)`.
type ScenarioTable = (
    Vec<(String, String, String, f64, f64)>,
    Vec<(String, Vec<Option<f64>>)>,
    Vec<(String, Py<PyBytes>, Vec<String>, Py<PyBytes>)>,
);

/// Sobol indices: `(scenario, outcome, parameter, S1, S1 conf, ST, ST conf)`.
type SobolRow = (String, String, String, f64, f64, f64, f64);

/// Morris measures: `(scenario, outcome, parameter, mu, mu*, sigma, mu* conf)`.
type MorrisRow = (String, String, String, f64, f64, f64, f64);

/// An exploration: parameter names, the design's points (`experiments x parameters`), scenario
/// and outcome names, the outcomes (`experiment, scenario, outcome` order), failures with the
/// first one's message, and Sobol or Morris indices when the design allows them.
type Exploration = (
    Vec<String>,
    Py<PyBytes>,
    Vec<String>,
    Vec<String>,
    Py<PyBytes>,
    usize,
    Option<String>,
    Vec<SobolRow>,
    Vec<MorrisRow>,
    String,
);

/// Reads and loads a case folder.
#[pyfunction]
pub fn load_case(py: Python<'_>, path: PathBuf) -> PyResult<NativeCase> {
    if !path.is_dir() {
        return Err(raise(
            py,
            "CaseError",
            format!(
                "{} is not a folder: a case folder holds {} and scenarios.toml (use blowback.load for a model file)",
                path.display(),
                MODEL_FILES[0]
            ),
        ));
    }
    let files = CaseFiles::gather(&Dir(&path)).map_err(|err| match err {
        CaseError::NoModel => raise(
            py,
            "CaseError",
            format!(
                "{} has no {} (a case folder holds {} and scenarios.toml)",
                path.display(),
                MODEL_FILES.join(" or "),
                MODEL_FILES[0]
            ),
        ),
        CaseError::Read { file, source } => pyo3::exceptions::PyOSError::new_err(format!(
            "reading {}: {source}",
            path.join(file).display()
        )),
        other => raise(py, "CaseError", other.to_string()),
    })?;
    let loaded = py.detach(|| Case::load(&files));
    match loaded {
        Ok((case, _warnings)) => Ok(NativeCase {
            case,
            files,
            dir: path,
        }),
        Err(err) => Err(case_error(py, &path, &files, err)),
    }
}

/// A case error as the CLI renders it: located problems with their file's path and text.
fn case_error(py: Python<'_>, dir: &Path, files: &CaseFiles, err: CaseError) -> PyErr {
    let path_of = |file: &str| dir.join(file).display().to_string();
    let located = |file: &str, problems: &[blowback_diagnostic::Located]| {
        let text = files.text(file).unwrap_or_default();
        problems
            .iter()
            .map(|p| render::located(&path_of(file), text, p))
            .collect::<String>()
            .trim_end()
            .to_string()
    };
    if let Some((file, problem)) = err.located() {
        let file = match &err {
            CaseError::Data { file, .. } => format!("data/{file}"),
            _ => file.to_string(),
        };
        return raise(
            py,
            "CaseError",
            located(&file, std::slice::from_ref(problem)),
        );
    }
    let message = match err {
        CaseError::Model(diagnostics) => {
            let model = path_of(&files.model_file);
            return raise(
                py,
                "ModelError",
                render::diagnostics(&model, &files.model, &diagnostics.0),
            );
        }
        CaseError::Explore { file, source } => match source.as_ref() {
            ExploreError::Syntax(problem) | ExploreError::Distribution { error: problem, .. } => {
                located(&file, std::slice::from_ref(problem))
            }
            _ => format!("{}: {source}", path_of(&file)),
        },
        CaseError::Conflict {
            file,
            source: blowback_conflict::Error::Invalid(problems),
        } => located(&file, &problems),
        CaseError::Conflict { file, source } => format!("{}: {source}", path_of(&file)),
        CaseError::Run { scenario, source } => {
            return raise(
                py,
                "SimulationError",
                format!("scenario `{scenario}`: {source}"),
            )
        }
        other => other.to_string(),
    };
    raise(py, "CaseError", message)
}

fn check_rows(checks: &[CheckResult]) -> Vec<CheckRow> {
    checks
        .iter()
        .map(|c| {
            (
                c.name.clone(),
                c.status.label(),
                c.as_expected(),
                c.detail.clone(),
            )
        })
        .collect()
}

/// A sink that keeps nothing (the summary keeps the outcomes) and stops the ensemble, after the
/// chunk in progress, once Ctrl-C is pressed.
struct Cancellable<'a>(&'a AtomicBool);

impl RunSink for Cancellable<'_> {
    fn write(&mut self, _: usize, _: &Chunk) -> Result<(), ExploreError> {
        if self.0.load(Ordering::Relaxed) {
            return Err(ExploreError::Design("interrupted".into()));
        }
        Ok(())
    }
}

fn sampling_method(py: Python<'_>, name: &str) -> PyResult<SamplingMethod> {
    Ok(match name.to_ascii_lowercase().as_str() {
        "mc" | "montecarlo" | "monte_carlo" => SamplingMethod::Mc,
        "lhs" => SamplingMethod::Lhs,
        "sobol" | "saltelli" => SamplingMethod::Sobol,
        "morris" => SamplingMethod::Morris,
        "factorial" => SamplingMethod::Factorial,
        _ => {
            return Err(raise(
                py,
                "ParameterError",
                format!(
                    "unknown sampling method `{name}`; use \"mc\", \"lhs\", \"sobol\", \"morris\" or \"factorial\""
                ),
            ))
        }
    })
}

#[pymethods]
impl NativeCase {
    /// The folder the case was read from.
    #[getter]
    fn path(&self) -> String {
        self.dir.display().to_string()
    }

    /// The case's model, compiled once (shared with nothing: runs never change it).
    fn model(&self) -> NativeModel {
        NativeModel::from_parts(
            self.case.simulation().clone(),
            self.case.project(),
            self.dir.join(&self.files.model_file).display().to_string(),
        )
    }

    /// `(name, description)` of every scenario, in file order.
    fn scenarios(&self) -> Vec<(String, String)> {
        self.case
            .scenarios()
            .iter()
            .map(|s| (s.name.clone(), s.description.clone()))
            .collect()
    }

    /// The case's README text, if it has one.
    fn readme(&self) -> Option<String> {
        self.case.readme().map(str::to_string)
    }

    /// Runs every scenario: `(outcome labels, outcome units, rows, runs)`, with `rows` the
    /// comparison table (scenario and one value per outcome) and `runs` each scenario's series
    /// as `(scenario, times, names, columns)` buffers, limited to `vars` when given.
    #[pyo3(signature = (vars=None, seed=None))]
    fn run(
        &self,
        py: Python<'_>,
        vars: Option<Vec<String>>,
        seed: Option<Bound<'_, PyAny>>,
    ) -> PyResult<ScenarioTable> {
        let mut base = Overrides::new();
        if let Some(seed) = seed {
            base.seed = crate::model::parse_seed(py, &seed)?;
        }
        let runs = py
            .detach(|| self.case.run_all(&base))
            .map_err(|e| case_error(py, &self.dir, &self.files, e))?;
        let table = self.case.comparison_table(&runs);
        let outcomes = table
            .outcomes
            .iter()
            .map(|o| {
                (
                    o.label.clone(),
                    o.var.clone(),
                    format!("{:?}", o.stat).to_lowercase(),
                    o.from,
                    o.to,
                )
            })
            .collect();
        let mut series = Vec::new();
        for (scenario, results) in &runs.runs {
            let indices: Vec<usize> = match &vars {
                None => (0..results.names().len()).collect(),
                Some(vars) => {
                    let mut indices = Vec::new();
                    for var in vars {
                        let found = results
                            .names()
                            .iter()
                            .position(|n| blowback_sd::canonical(n) == blowback_sd::canonical(var));
                        match found {
                            Some(i) => indices.push(i),
                            None => {
                                return Err(raise(
                                    py,
                                    "UnknownNameError",
                                    format!("the model has no variable `{var}`"),
                                ))
                            }
                        }
                    }
                    indices
                }
            };
            let mut columns = Vec::new();
            for &i in &indices {
                columns.extend_from_slice(results.column_at(i));
            }
            series.push((
                scenario.clone(),
                f64_bytes(py, results.times()),
                indices
                    .iter()
                    .map(|&i| results.names()[i].clone())
                    .collect(),
                f64_bytes(py, &columns),
            ));
        }
        Ok((outcomes, table.rows, series))
    }

    /// The feedback loops under a scenario (the first when `None`), named from loops.toml, and
    /// their Loops That Matter scores: `(loops, times, scores, relative, unbuilt)`, the scores
    /// as `loops x times` buffers, `unbuilt` the named loops that could not be built and why.
    #[pyo3(signature = (scenario=None, max_loops=10_000, max_length=None))]
    fn loops(
        &self,
        py: Python<'_>,
        scenario: Option<&str>,
        max_loops: usize,
        max_length: Option<usize>,
    ) -> PyResult<(LoopScores, Vec<(String, String)>)> {
        let chosen = match scenario {
            None => self.case.scenarios().first(),
            Some(name) => Some(self.case.scenario(name).ok_or_else(|| {
                raise(
                    py,
                    "UnknownNameError",
                    format!(
                        "no scenario `{name}`; the case has {}",
                        self.case.scenario_names().join(", ")
                    ),
                )
            })?),
        };
        let overrides = match chosen {
            Some(s) => self.case.overrides_for(s, &Overrides::new()),
            None => Overrides::new(),
        };
        let options = LoopOptions {
            max_loops,
            max_length,
            independent_only: false,
        };
        let found = py
            .detach(|| -> Result<_, RunError> {
                let found = self.case.feedback_loops(&overrides, options)?;
                let analysis = self
                    .case
                    .simulation()
                    .loop_dominance(&overrides, &found.loops)?;
                Ok((found.unbuilt, analysis))
            })
            .map_err(|e| run_error(py, e, None))?;
        let (unbuilt, analysis) = found;
        let scores = (
            analysis.loops.iter().map(loop_row).collect(),
            f64_bytes(py, &analysis.times),
            f64_bytes(py, &analysis.scores.concat()),
            f64_bytes(py, &analysis.relative_scores.concat()),
        );
        let unbuilt = unbuilt
            .into_iter()
            .map(|(name, e)| (name, e.to_string()))
            .collect();
        Ok((scores, unbuilt))
    }

    /// Runs the behaviour tests (tests.toml) and the claimed links' polarity tests (claims.toml).
    fn check(&self, py: Python<'_>) -> PyResult<(Vec<CheckRow>, Vec<CheckRow>)> {
        let base = Overrides::new();
        let checked = py.detach(|| -> Result<_, CaseError> {
            let runs = self.case.run_all(&base)?;
            let behaviour = self.case.check_behaviour(&runs, &base)?;
            let (polarity, _) = self.case.check_polarities(&base)?;
            Ok((behaviour, polarity))
        });
        let (behaviour, polarity) =
            checked.map_err(|e| case_error(py, &self.dir, &self.files, e))?;
        Ok((check_rows(&behaviour), check_rows(&polarity)))
    }

    /// Samples the uncertainties and runs every experiment under the chosen scenarios, in
    /// parallel with the GIL released; Ctrl-C stops it after the chunk in progress.
    #[pyo3(signature = (method=None, samples=None, seed=None, scenarios=None, threads=None))]
    fn explore(
        &self,
        py: Python<'_>,
        method: Option<&str>,
        samples: Option<usize>,
        seed: Option<u64>,
        scenarios: Option<Vec<String>>,
        threads: Option<usize>,
    ) -> PyResult<Exploration> {
        let error = |e| case_error(py, &self.dir, &self.files, e);
        let Some(config) = self.case.uncertainties() else {
            return Err(raise(
                py,
                "CaseError",
                format!(
                    "{} has no uncertainties.toml: say what is uncertain ([[parameter]]) and what to measure ([[outcome]])",
                    self.dir.display()
                ),
            ));
        };
        let method = match method {
            Some(name) => Some(sampling_method(py, name)?),
            None => config.settings.method,
        }
        .map_or(Method::LatinHypercube, SamplingMethod::design_method);
        let samples = samples.or(config.settings.samples).unwrap_or(256);
        if samples == 0 {
            return Err(raise(py, "ParameterError", "samples must be at least 1"));
        }
        let seed = seed.or(config.settings.seed).unwrap_or(1);
        let design = Design::new(method, config.parameters.clone(), samples, seed)
            .map_err(|e| raise(py, "ParameterError", e.to_string()))?;
        let names = scenarios.or(config.settings.scenarios.clone());
        let chosen = select_scenarios(&self.case, names.as_deref()).map_err(error)?;
        let chosen = with_structures(chosen, &config.structures);
        let model = CaseModel::new(&self.case, design.parameters(), chosen).map_err(error)?;
        if threads == Some(0) {
            return Err(PyValueError::new_err("threads must be at least 1"));
        }
        // Zero asks rayon for one thread per core.
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads.unwrap_or(0))
            .build()
            .map_err(|e| PyValueError::new_err(e.to_string()))?;
        let cancel = AtomicBool::new(false);
        let summary = run_interruptibly(py, &cancel, || {
            let ensemble = Ensemble::new(&model, &design)
                .chunk_size(256)
                .envelope_runs(0);
            pool.install(|| ensemble.run(&mut Cancellable(&cancel), &mut |_| {}))
        })?
        .map_err(|e| raise(py, "CaseError", e.to_string()))?;
        let parameters: Vec<String> = design.parameters().iter().map(|p| p.name.clone()).collect();
        let mut points = vec![0.0; design.len() * parameters.len()];
        for (index, point) in points.chunks_mut(parameters.len().max(1)).enumerate() {
            if index < design.len() && !parameters.is_empty() {
                design.point(index, point);
            }
        }
        let mut sobol = Vec::new();
        let mut morris = Vec::new();
        for (s, scenario) in summary.scenarios.iter().enumerate() {
            for (o, outcome) in summary.outcomes.iter().enumerate() {
                let column = summary.column(s, o);
                match design.method() {
                    Method::Saltelli => {
                        let indices = sobol_indices(&design, &column, 100)
                            .map_err(|e| raise(py, "CaseError", e.to_string()))?;
                        for (p, i) in parameters.iter().zip(indices) {
                            sobol.push((
                                scenario.clone(),
                                outcome.clone(),
                                p.clone(),
                                i.first,
                                i.first_confidence,
                                i.total,
                                i.total_confidence,
                            ));
                        }
                    }
                    Method::Morris { .. } => {
                        let indices = morris_indices(&design, &column, 100)
                            .map_err(|e| raise(py, "CaseError", e.to_string()))?;
                        for (p, i) in parameters.iter().zip(indices) {
                            morris.push((
                                scenario.clone(),
                                outcome.clone(),
                                p.clone(),
                                i.mu,
                                i.mu_star,
                                i.sigma,
                                i.mu_star_confidence,
                            ));
                        }
                    }
                    _ => {}
                }
            }
        }
        let values = summary.values.clone().unwrap_or_default();
        Ok((
            parameters,
            f64_bytes(py, &points),
            model.scenario_names(),
            model.outcome_names(),
            f64_bytes(py, &values),
            summary.failures,
            summary.first_failure.clone(),
            sobol,
            morris,
            format!("method={} samples={samples} seed={seed}", method.name()),
        ))
    }
}
