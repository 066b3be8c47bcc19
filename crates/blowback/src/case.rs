//! A case folder in memory: its files as text, the compiled model, and scenario runs.

use blowback_sd::{
    compile, Diagnostic, ModelFormat, NodeRole, Overrides, Project, Results, Simulation,
};

use crate::behaviour::{parse_tests, BehaviourTest};
use crate::calibrate::{parse_calibration, CalibrationSpec};
use crate::claims::{parse_claims, Claim};
use crate::data::{DataSeries, SeriesSpec};
use crate::error::CaseError;
use crate::scenario::{Outcome, ReportSpec, Scenario, ScenarioFile};
use crate::window::window_stat;

/// The text of a case folder's files. The caller reads them; this crate never touches the disk.
#[derive(Debug, Clone, Default)]
pub struct CaseFiles {
    /// `model.xmile` (or, outside a case folder, a model file in another format).
    pub model: String,
    /// The format of `model`.
    pub model_format: ModelFormat,
    /// `scenarios.toml`, if the folder has one.
    pub scenarios: Option<String>,
    /// `tests.toml`, if present.
    pub tests: Option<String>,
    /// `claims.toml`, if present.
    pub claims: Option<String>,
    /// `calibration.toml`, if present (a `[calibration]` section of `scenarios.toml` also works).
    pub calibration: Option<String>,
    /// `data/*.csv`: file name (without `data/`) and text.
    pub data: Vec<(String, String)>,
}

/// A loaded case: compiled model, scenarios, tests, claims, data and report settings.
#[derive(Debug, Clone)]
pub struct Case {
    project: Project,
    simulation: Simulation,
    scenarios: ScenarioFile,
    report: ReportSpec,
    tests: Vec<BehaviourTest>,
    claims: Vec<Claim>,
    calibration: Option<CalibrationSpec>,
    /// The file the calibration settings came from, for error messages.
    calibration_file: &'static str,
    data: Vec<DataSeries>,
}

/// One run per scenario, in scenario order.
#[derive(Debug, Clone, Default)]
pub struct ScenarioRuns {
    /// Scenario name and its results.
    pub runs: Vec<(String, Results)>,
}

impl ScenarioRuns {
    /// The run of a scenario, by name.
    pub fn get(&self, scenario: &str) -> Option<&Results> {
        self.runs
            .iter()
            .find(|(name, _)| name == scenario)
            .map(|(_, r)| r)
    }
}

/// The comparison table: one row per scenario, one column per key outcome.
#[derive(Debug, Clone, PartialEq)]
pub struct ComparisonTable {
    /// The columns.
    pub outcomes: Vec<Outcome>,
    /// Scenario name and one value per column (`None` when the window has no saved rows).
    pub rows: Vec<(String, Vec<Option<f64>>)>,
}

impl Case {
    /// Loads and compiles a case. Returns the model's warnings beside the case; model errors come
    /// back as [`CaseError::Model`] with spans into `files.model`.
    pub fn load(files: &CaseFiles) -> Result<(Case, Vec<Diagnostic>), CaseError> {
        let (project, mut warnings) = files
            .model_format
            .read(&files.model)
            .map_err(CaseError::Model)?;
        let (simulation, compile_warnings) = compile(&project).map_err(CaseError::Model)?;
        warnings.extend(compile_warnings);

        let scenarios = match &files.scenarios {
            Some(text) => ScenarioFile::parse(text)?,
            None => ScenarioFile::parse("")?,
        };
        let tests = files.tests.as_deref().map(parse_tests).transpose()?;
        let claims = files.claims.as_deref().map(parse_claims).transpose()?;
        let (calibration_file, calibration) = match (&files.calibration, &files.scenarios) {
            (Some(text), _) => (
                "calibration.toml",
                parse_calibration("calibration.toml", text)?,
            ),
            (None, Some(text)) => ("scenarios.toml", parse_calibration("scenarios.toml", text)?),
            (None, None) => ("calibration.toml", None),
        };
        let mut case = Case {
            project,
            simulation,
            report: scenarios.report.clone().unwrap_or_default(),
            scenarios,
            tests: tests.unwrap_or_default(),
            claims: claims.unwrap_or_default(),
            calibration,
            calibration_file,
            data: Vec::new(),
        };
        case.check_names(&mut warnings)?;
        case.data = case
            .series_specs()
            .iter()
            .map(|spec| {
                let text = files
                    .data
                    .iter()
                    .find(|(name, _)| name == &spec.file)
                    .map(|(_, text)| text)
                    .ok_or_else(|| CaseError::Invalid {
                        file: case.calibration_file.into(),
                        message: format!(
                            "series for `{}` names data/{}, which is not in the case",
                            spec.variable, spec.file
                        ),
                        help: Some(format!(
                            "files present: {}",
                            files
                                .data
                                .iter()
                                .map(|(n, _)| n.as_str())
                                .collect::<Vec<_>>()
                                .join(", ")
                        )),
                    })?;
                DataSeries::read(spec, text)
            })
            .collect::<Result<_, _>>()?;
        Ok((case, warnings))
    }

    /// Checks every name the case files use against the model, so a typo fails at load time with
    /// a suggestion instead of deep inside a run. Report variables the model lacks are dropped
    /// with a warning, because the defaults are written for the afpak case.
    fn check_names(&mut self, warnings: &mut Vec<Diagnostic>) -> Result<(), CaseError> {
        for scenario in &self.scenarios.scenarios {
            let names = scenario.overrides.keys().map(String::as_str).chain(
                scenario
                    .start
                    .map(|_| self.scenarios.start_variable.as_str()),
            );
            for name in names {
                self.require_settable(
                    "scenarios.toml",
                    &format!("scenario `{}`", scenario.name),
                    name,
                )?;
            }
        }
        if let Some(calibration) = &self.calibration {
            for parameter in &calibration.parameters {
                self.require_settable(
                    self.calibration_file,
                    "a calibration parameter",
                    &parameter.name,
                )?;
            }
            for series in &calibration.series {
                self.require_variable(self.calibration_file, &series.variable)?;
            }
        }
        for claim in &self.claims {
            for link in &claim.links {
                for name in [&link.from, &link.to] {
                    self.require_variable("claims.toml", name)?;
                }
            }
        }
        let known = |name: &str| self.simulation.variables().any(|v| same_name(v.name, name));
        let mut dropped = Vec::new();
        self.report.variables.retain(|v| {
            let keep = known(v);
            if !keep {
                dropped.push(v.clone());
            }
            keep
        });
        self.report.outcomes.retain(|o| {
            let keep = known(&o.var);
            if !keep {
                dropped.push(o.var.clone());
            }
            keep
        });
        dropped.sort();
        dropped.dedup();
        for name in dropped {
            warnings.push(
                Diagnostic::warning(
                    blowback_sd::DiagnosticKind::UnknownName,
                    format!("report variable `{name}` is not in the model; it is left out of the table and charts"),
                )
                .with_help("list the variables to report in a [report] section of scenarios.toml"),
            );
        }
        Ok(())
    }

    fn require_variable(&self, file: &str, name: &str) -> Result<(), CaseError> {
        if self.simulation.variables().any(|v| same_name(v.name, name)) {
            return Ok(());
        }
        Err(CaseError::Invalid {
            file: file.to_string(),
            message: format!("the model has no variable `{name}`"),
            help: self.suggest(name).map(|s| format!("did you mean `{s}`?")),
        })
    }

    fn require_settable(&self, file: &str, what: &str, name: &str) -> Result<(), CaseError> {
        self.require_variable(file, name)?;
        let role = self
            .simulation
            .variables()
            .find(|v| same_name(v.name, name))
            .map(|v| v.role);
        match role {
            Some(NodeRole::Constant | NodeRole::Stock) => Ok(()),
            _ => Err(CaseError::Invalid {
                file: file.to_string(),
                message: format!("{what} sets `{name}`, which is computed each step"),
                help: Some("only constants and stock initial values can be set".into()),
            }),
        }
    }

    /// The model variable whose name is closest to `name`, for "did you mean" hints.
    pub fn suggest(&self, name: &str) -> Option<String> {
        let names: Vec<(String, &str)> = self
            .simulation
            .variables()
            .map(|v| (blowback_sd::canonical(v.name), v.name))
            .collect();
        let key = blowback_sd::canonical(name);
        let hit = blowback_sd::did_you_mean(&key, names.iter().map(|(k, _)| k.as_str()))?;
        names
            .iter()
            .find(|(k, _)| k == hit)
            .map(|(_, n)| n.to_string())
    }

    pub(crate) fn unknown_scenario(&self, what: &str, scenario: &str) -> CaseError {
        CaseError::Invalid {
            file: "tests.toml".into(),
            message: format!("{what}: no scenario `{scenario}`"),
            help: Some(format!("scenarios: {}", self.scenario_names().join(", "))),
        }
    }

    /// The model as read.
    pub fn project(&self) -> &Project {
        &self.project
    }

    /// The compiled model.
    pub fn simulation(&self) -> &Simulation {
        &self.simulation
    }

    /// The constant each scenario's `start` is written into (`policy_start_year` by default).
    pub fn start_variable(&self) -> &str {
        &self.scenarios.start_variable
    }

    /// The scenarios, in file order.
    pub fn scenarios(&self) -> &[Scenario] {
        &self.scenarios.scenarios
    }

    /// Scenario names, in file order.
    pub fn scenario_names(&self) -> Vec<&str> {
        self.scenarios().iter().map(|s| s.name.as_str()).collect()
    }

    /// A scenario by name.
    pub fn scenario(&self, name: &str) -> Option<&Scenario> {
        self.scenarios().iter().find(|s| s.name == name)
    }

    /// The behaviour tests of `tests.toml`.
    pub fn tests(&self) -> &[BehaviourTest] {
        &self.tests
    }

    /// The claims of `claims.toml`.
    pub fn claims(&self) -> &[Claim] {
        &self.claims
    }

    /// The calibration settings, if the case has any.
    pub fn calibration(&self) -> Option<&CalibrationSpec> {
        self.calibration.as_ref()
    }

    /// The file the calibration settings came from.
    pub(crate) fn calibration_file(&self) -> &'static str {
        self.calibration_file
    }

    /// What the table and charts show (variables the model lacks already removed).
    pub fn report(&self) -> &ReportSpec {
        &self.report
    }

    /// The historical series: those of `[report] data`, else the calibration's.
    pub fn data(&self) -> &[DataSeries] {
        &self.data
    }

    fn series_specs(&self) -> Vec<SeriesSpec> {
        if !self.report.data.is_empty() {
            return self.report.data.clone();
        }
        self.calibration
            .as_ref()
            .map(|c| c.series.clone())
            .unwrap_or_default()
    }

    /// The overrides of a scenario on top of `base` (the command line's `--set`, `--dt`, ...). The
    /// scenario's own values win over the base's for the names it sets, since they are applied last.
    pub fn overrides_for(&self, scenario: &Scenario, base: &Overrides) -> Overrides {
        let mut overrides = base.clone();
        if let Some(start) = scenario.start {
            overrides.set(&self.scenarios.start_variable, start);
        }
        for (name, value) in &scenario.overrides {
            overrides.set(name, *value);
        }
        overrides
    }

    /// Runs one scenario, saving every variable.
    pub fn run_scenario(
        &self,
        scenario: &Scenario,
        base: &Overrides,
    ) -> Result<Results, CaseError> {
        self.simulation
            .run(&self.overrides_for(scenario, base))
            .map_err(|source| CaseError::Run {
                scenario: scenario.name.clone(),
                source,
            })
    }

    /// Runs every scenario; the runs are independent, so they share out over two threads.
    pub fn run_all(&self, base: &Overrides) -> Result<ScenarioRuns, CaseError> {
        let scenarios = self.scenarios();
        let half = scenarios.len().div_ceil(2);
        let (first, second) = scenarios.split_at(half);
        let run_part = |part: &[Scenario]| -> Result<Vec<(String, Results)>, CaseError> {
            part.iter()
                .map(|s| Ok((s.name.clone(), self.run_scenario(s, base)?)))
                .collect()
        };
        let (a, b) = std::thread::scope(|scope| {
            let handle = scope.spawn(|| run_part(second));
            let a = run_part(first);
            // A panic in the engine is a bug there; re-raise it rather than hide it.
            let b = handle
                .join()
                .unwrap_or_else(|p| std::panic::resume_unwind(p));
            (a, b)
        });
        let mut runs = a?;
        runs.extend(b?);
        Ok(ScenarioRuns { runs })
    }

    /// The comparison table of the key outcomes over `runs`.
    pub fn comparison_table(&self, runs: &ScenarioRuns) -> ComparisonTable {
        let rows = runs
            .runs
            .iter()
            .map(|(name, results)| {
                let values = self
                    .report
                    .outcomes
                    .iter()
                    .map(|o| {
                        let column = results.column(&o.var)?;
                        window_stat(results.times(), column, o.stat, o.from, o.to)
                    })
                    .collect();
                (name.clone(), values)
            })
            .collect();
        ComparisonTable {
            outcomes: self.report.outcomes.clone(),
            rows,
        }
    }
}

/// Names compared as the engine compares them (case, spaces and underscores do not matter).
pub(crate) fn same_name(a: &str, b: &str) -> bool {
    blowback_sd::canonical(a) == blowback_sd::canonical(b)
}
