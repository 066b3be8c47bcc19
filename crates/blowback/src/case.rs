//! A case folder in memory: its files as text, the compiled model, and scenario runs.

use std::collections::HashMap;

use blowback_sd::{
    canonical, compile, Diagnostic, ModelFormat, NodeRole, Overrides, Project, Results, Simulation,
};

use blowback_conflict::Conflict;

use crate::behaviour::{parse_tests, BehaviourTest};
use crate::calibrate::{parse_calibration, CalibrationSpec};
use crate::claims::{parse_claims, Claim};
use crate::data::{DataSeries, SeriesSpec};
use crate::error::CaseError;
use crate::files::CaseFiles;
use crate::loops::{parse_loops, NamedLoop};
use crate::scenario::{Outcome, ReportSpec, Scenario, ScenarioFile};
use crate::uncertainties::{parse_uncertainties, Uncertainties};
use crate::window::window_stat;

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
    calibration_data: Vec<DataSeries>,
    /// (canonical cause, canonical effect) -> indices of the claims with that link, in file order.
    link_claims: HashMap<(String, String), Vec<usize>>,
    named_loops: Vec<NamedLoop>,
    uncertainties: Option<Uncertainties>,
    conflict: Option<Conflict>,
    readme: Option<String>,
    /// Whether report variables the model lacks are worth a warning: not for a bare model, whose
    /// report is the built-in one written for the Af-Pak case.
    warn_missing_report: bool,
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
    /// Loads a case: reads the model and every other file, compiles the model once and checks
    /// every name the files use against the model and the scenarios. Returns the model's warnings
    /// beside the case; model errors come back as [`CaseError::Model`] with spans into
    /// `files.model`.
    pub fn load(files: &CaseFiles) -> Result<(Case, Vec<Diagnostic>), CaseError> {
        let (project, mut warnings) = ModelFormat::of_file_name(&files.model_file)
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
        let named_loops = files.loops.as_deref().map(parse_loops).transpose()?;
        let uncertainties = files
            .uncertainties
            .as_deref()
            .map(parse_uncertainties)
            .transpose()?;
        let conflict = files
            .conflict
            .as_deref()
            .map(|text| {
                let spec = blowback_conflict::read_toml(text)?;
                Conflict::build(&spec)
            })
            .transpose()
            .map_err(|source| CaseError::Conflict {
                file: "conflict.toml".into(),
                source,
            })?;
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
            calibration_data: Vec::new(),
            link_claims: HashMap::new(),
            named_loops: named_loops.unwrap_or_default(),
            uncertainties,
            conflict,
            readme: files.readme.clone(),
            warn_missing_report: files.scenarios.is_some(),
        };
        case.check_names(files, &mut warnings)?;
        for (index, claim) in case.claims.iter().enumerate() {
            for link in &claim.links {
                let claims = case
                    .link_claims
                    .entry((canonical(&link.from), canonical(&link.to)))
                    .or_default();
                if claims.last() != Some(&index) {
                    claims.push(index);
                }
            }
        }
        let read_series = |spec: &SeriesSpec| -> Result<DataSeries, CaseError> {
            let find = |file: &str| {
                files
                    .data
                    .iter()
                    .find(|(name, _)| name == file)
                    .map(|(_, text)| text)
                    .ok_or_else(|| {
                        CaseError::invalid_with(
                            calibration_file,
                            format!(
                                "series for `{}` names data/{file}, which is not in the case",
                                spec.variable
                            ),
                            Some(format!(
                                "files present: {}",
                                files
                                    .data
                                    .iter()
                                    .map(|(n, _)| n.as_str())
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            )),
                        )
                    })
            };
            let mut series = DataSeries::read(spec, find(&spec.file)?)?;
            if let Some(second) = &spec.second_source {
                series.estimate_sigma(second, find(&second.file)?)?;
            }
            Ok(series)
        };
        case.data = case
            .series_specs()
            .iter()
            .map(read_series)
            .collect::<Result<_, _>>()?;
        case.calibration_data = case
            .calibration
            .as_ref()
            .map(|c| c.series.iter().map(read_series).collect::<Result<_, _>>())
            .transpose()?
            .unwrap_or_default();
        Ok((case, warnings))
    }

    /// Checks every name the case files use against the model, so a typo fails at load time with
    /// a suggestion instead of deep inside a run. Report variables the model lacks are dropped
    /// with a warning, because the defaults are written for the afpak case.
    fn check_names(
        &mut self,
        files: &CaseFiles,
        warnings: &mut Vec<Diagnostic>,
    ) -> Result<(), CaseError> {
        for scenario in &self.scenarios.scenarios {
            let names = scenario.overrides.keys().map(String::as_str).chain(
                scenario
                    .start
                    .map(|_| self.scenarios.start_variable.as_str()),
            );
            for name in names {
                self.require_settable(
                    files,
                    "scenarios.toml",
                    &format!("scenario `{}`", scenario.name),
                    name,
                )?;
            }
        }
        if let Some(calibration) = &self.calibration {
            for parameter in &calibration.parameters {
                self.require_settable(
                    files,
                    self.calibration_file,
                    "a calibration parameter",
                    &parameter.name,
                )?;
            }
            for series in &calibration.series {
                self.require_variable(files, self.calibration_file, &series.variable)?;
            }
        }
        // A case frozen at a date (its calibration's end of data) may not rest on later sources.
        let cut_off = self
            .calibration
            .as_ref()
            .map(|c| c.test_until.unwrap_or(c.until))
            .filter(|t| t.is_finite());
        for claim in &self.claims {
            for link in &claim.links {
                for name in [&link.from, &link.to] {
                    self.require_variable(files, "claims.toml", name)?;
                }
            }
            if let (Some(published), Some(cut_off)) = (claim.basis.source_year(), cut_off) {
                if published >= cut_off {
                    return Err(CaseError::invalid_with(
                        "claims.toml",
                        format!(
                            "claim `{}` rests on a source published after the case's cut-off ({cut_off})",
                            claim.id
                        ),
                        Some("the case may know only what was public by its cut-off; find an earlier source or make the claim a judgement".into()),
                    )
                    .located_at_name(files.text("claims.toml"), &claim.id));
                }
            }
            if let crate::claims::Basis::Judgement { constants, .. } = &claim.basis {
                for name in constants {
                    self.require_variable(files, "claims.toml", name)?;
                }
            }
        }
        for named in &self.named_loops {
            for name in &named.variables {
                self.require_variable(files, "loops.toml", name)?;
            }
        }
        self.check_uncertainty_names(files)?;
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
        if !self.warn_missing_report {
            dropped.clear();
        }
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

    /// Checks the names of the uncertainties file: parameters are constants of the model, outcomes
    /// and envelopes are its variables, and the scenarios and outcomes that settings, conclusions
    /// and PRIM questions name exist. Scenario names are not checked for a case without scenarios
    /// (a bare model), which explore runs as one scenario of its own.
    fn check_uncertainty_names(&self, files: &CaseFiles) -> Result<(), CaseError> {
        const FILE: &str = "uncertainties.toml";
        let Some(uncertainties) = &self.uncertainties else {
            return Ok(());
        };
        for parameter in &uncertainties.parameters {
            self.require_variable(files, FILE, &parameter.name)?;
            let constant = self
                .simulation
                .variables()
                .any(|v| v.role == NodeRole::Constant && same_name(v.name, &parameter.name));
            if !constant {
                return Err(CaseError::invalid_with(
                    FILE,
                    format!(
                        "uncertain parameter `{}` is not a constant of the model",
                        parameter.name
                    ),
                    Some("only constants can be sampled".into()),
                )
                .located_at_name(files.text(FILE), &parameter.name));
            }
        }
        for outcome in &uncertainties.outcomes {
            self.require_variable(files, FILE, &outcome.variable)?;
        }
        for variable in &uncertainties.settings.envelopes {
            self.require_variable(files, FILE, variable)?;
        }
        let outcomes: Vec<&str> = uncertainties
            .outcomes
            .iter()
            .map(|o| o.name.as_str())
            .collect();
        let require_outcome = |what: &str, name: &str| {
            if outcomes.contains(&name) {
                return Ok(());
            }
            let help = match blowback_sd::did_you_mean(name, outcomes.iter().copied()) {
                Some(close) => format!("did you mean `{close}`?"),
                None => format!("outcomes: {}", outcomes.join(", ")),
            };
            Err(CaseError::invalid_with(
                FILE,
                format!("{what} names outcome `{name}`, which no [[outcome]] defines"),
                Some(help),
            )
            .located_at_name(files.text(FILE), name))
        };
        let settings = &uncertainties.settings;
        let mut scenarios: Vec<(String, &str)> = Vec::new();
        for name in settings
            .scenarios
            .iter()
            .chain(&settings.policies)
            .flatten()
        {
            scenarios.push(("[explore]".into(), name));
        }
        if let Some(name) = &settings.sensitivity_scenario {
            scenarios.push(("[explore] sensitivity_scenario".into(), name));
        }
        for conclusion in &uncertainties.conclusions {
            let what = format!("conclusion `{}`", conclusion.name);
            for term in [&conclusion.left, &conclusion.right] {
                require_outcome(&what, &term.outcome)?;
                scenarios.push((what.clone(), &term.scenario));
            }
        }
        for share in &uncertainties.shares {
            require_outcome(&format!("share `{}`", share.name), &share.outcome)?;
        }
        for structure in &uncertainties.structures {
            for name in structure.overrides.keys() {
                self.require_variable(files, FILE, name)?;
            }
        }
        if let Some(fit) = settings.fit {
            if self.calibration.is_none() {
                return Err(CaseError::invalid_with(
                    FILE,
                    "[explore] fit needs the case's calibration settings, whose series define the fit",
                    Some("add a [calibration] table to scenarios.toml, or drop `fit`".into()),
                )
                .located_at_name(files.text(FILE), "fit"));
            }
            let bad = match fit {
                crate::uncertainties::FitWeighting::Best { keep } => {
                    (!(keep > 0.0 && keep <= 1.0)).then_some("`keep` must lie in (0, 1]")
                }
                crate::uncertainties::FitWeighting::Likelihood { temperature, .. } => {
                    (!(temperature > 0.0 && temperature.is_finite()))
                        .then_some("`temperature` must be positive")
                }
            };
            if let Some(message) = bad {
                return Err(
                    CaseError::invalid(FILE, format!("[explore] fit: {message}"))
                        .located_at_name(files.text(FILE), "fit"),
                );
            }
        }
        for question in &uncertainties.prim {
            let what = format!("PRIM `{}`", question.name);
            require_outcome(&what, &question.outcome)?;
            scenarios.push((what.clone(), &question.policy));
            if let crate::uncertainties::Failure::NoBetterThan { baseline, .. } = &question.failure
            {
                scenarios.push((what, baseline));
            }
        }
        if self.scenarios().is_empty() {
            return Ok(());
        }
        for (what, name) in scenarios {
            if self.scenario(name).is_none() {
                let names = self.scenario_names();
                let help = match blowback_sd::did_you_mean(name, names.iter().copied()) {
                    Some(close) => format!("did you mean `{close}`?"),
                    None => format!("scenarios: {}", names.join(", ")),
                };
                return Err(CaseError::invalid_with(
                    FILE,
                    format!("{what} names scenario `{name}`, which scenarios.toml lacks"),
                    Some(help),
                )
                .located_at_name(files.text(FILE), name));
            }
        }
        Ok(())
    }

    fn require_variable(&self, files: &CaseFiles, file: &str, name: &str) -> Result<(), CaseError> {
        if self.simulation.variables().any(|v| same_name(v.name, name)) {
            return Ok(());
        }
        Err(CaseError::invalid_with(
            file,
            format!("the model has no variable `{name}`"),
            self.suggest(name).map(|s| format!("did you mean `{s}`?")),
        )
        .located_at_name(files.text(file), name))
    }

    fn require_settable(
        &self,
        files: &CaseFiles,
        file: &str,
        what: &str,
        name: &str,
    ) -> Result<(), CaseError> {
        self.require_variable(files, file, name)?;
        let role = self
            .simulation
            .variables()
            .find(|v| same_name(v.name, name))
            .map(|v| v.role);
        match role {
            Some(NodeRole::Constant | NodeRole::Stock) => Ok(()),
            _ => Err(CaseError::invalid_with(
                file,
                format!("{what} sets `{name}`, which is computed each step"),
                Some("only constants and stock initial values can be set".into()),
            )
            .located_at_name(files.text(file), name)),
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
        CaseError::invalid_with(
            "tests.toml",
            format!("{what}: no scenario `{scenario}`"),
            Some(self.scenario_help(scenario)),
        )
    }

    /// Help for a scenario name the case does not have: the closest one if it is close, then
    /// every scenario.
    pub(crate) fn scenario_help(&self, name: &str) -> String {
        let names = self.scenario_names();
        let closest = blowback_sd::did_you_mean(name, names.iter().copied())
            .map(|hit| format!("did you mean `{hit}`? "))
            .unwrap_or_default();
        format!("{closest}the case has {}", names.join(", "))
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

    /// The claims that assert a direct link from `from` to `to` (names compared canonically),
    /// in file order.
    pub fn claims_on_link(&self, from: &str, to: &str) -> impl Iterator<Item = &Claim> {
        self.link_claims
            .get(&(canonical(from), canonical(to)))
            .into_iter()
            .flatten()
            .map(|&index| &self.claims[index])
    }

    /// The calibration settings, if the case has any.
    pub fn calibration(&self) -> Option<&CalibrationSpec> {
        self.calibration.as_ref()
    }

    /// The file the calibration settings came from.
    pub(crate) fn calibration_file(&self) -> &'static str {
        self.calibration_file
    }

    /// The feedback loops `loops.toml` names.
    pub fn named_loops(&self) -> &[NamedLoop] {
        &self.named_loops
    }

    /// The uncertainties file, if the case has one.
    pub fn uncertainties(&self) -> Option<&Uncertainties> {
        self.uncertainties.as_ref()
    }

    /// The case's conflict model (`conflict.toml`), if it has one.
    pub fn conflict(&self) -> Option<&Conflict> {
        self.conflict.as_ref()
    }

    /// The case's README, if it has one.
    pub fn readme(&self) -> Option<&str> {
        self.readme.as_deref()
    }

    /// What the table and charts show (variables the model lacks already removed).
    pub fn report(&self) -> &ReportSpec {
        &self.report
    }

    /// The historical series: those of `[report] data`, else the calibration's.
    pub fn data(&self) -> &[DataSeries] {
        &self.data
    }

    /// The series the calibration fits, with their measurement errors.
    pub fn calibration_data(&self) -> &[DataSeries] {
        &self.calibration_data
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
