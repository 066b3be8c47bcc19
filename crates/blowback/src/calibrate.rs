//! Calibration: fit a handful of uncertain constants to the historical record by least squares.
//!
//! The settings live in a `[calibration]` table (in `calibration.toml`, or in `scenarios.toml`):
//! the parameters with their plausible ranges, the data series to follow, `until`, the end of the
//! fitting window, and `test_until`, the end of a hold-out window after it whose observations are
//! compared with the fitted model but never fitted (a test inside the data). Nothing after
//! `test_until` is read at all: a case frozen at its essay's date is judged by its forecast.
//!
//! Each series contributes its residuals (log ratios for log series, else differences scaled by
//! the series' mean) divided by its measurement error and multiplied by its weight; a range
//! series (a published low-high estimate) contributes only when the model falls outside it.
//! A parameter may carry a prior: the modeller's judgement value, which adds its squared distance
//! in prior standard deviations to the cost (a maximum a posteriori fit), so that data which say
//! little about a parameter leave it near the judgement instead of pushing it to a bound.
//! Nelder-Mead searches an unbounded space that a logistic map sends into each parameter's range,
//! so every value tried is a plausible one, and restarts from its best point to escape a
//! collapsed simplex.
//!
//! How well a fitted series tracks its data is summarised by Theil's inequality statistics
//! (Sterman 1984, System Dynamics Review): the mean squared error split into the share due to bias
//! (unequal means), to unequal variation, and to imperfect correlation. A good fit has its error in
//! the last, unsystematic share.

use std::sync::atomic::{AtomicUsize, Ordering};

use argmin::core::{CostFunction, Executor, State, TerminationReason};
use argmin::solver::neldermead::NelderMead;
use blowback_sd::{Overrides, Results};
use serde::Deserialize;

use crate::case::Case;
use crate::data::{DataSeries, Observation, SeriesSpec};
use crate::error::CaseError;
use crate::window::{window_stat, Stat};

/// A constant to fit, with its plausible range.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Parameter {
    /// Model constant.
    pub name: String,
    /// Lower bound.
    pub lo: f64,
    /// Upper bound.
    pub hi: f64,
    /// The judgement value the fit is pulled towards (a weak prior); none when absent.
    #[serde(default)]
    pub prior: Option<f64>,
    /// Standard deviation of that prior; a quarter of the range when absent.
    #[serde(default)]
    pub prior_sd: Option<f64>,
}

impl Parameter {
    /// The prior's penalty for `value`: its squared distance from the prior in prior standard
    /// deviations (0 without a prior).
    fn prior_penalty(&self, value: f64) -> f64 {
        self.prior.map_or(0.0, |centre| {
            let sd = self.prior_sd.unwrap_or((self.hi - self.lo) / 4.0);
            ((value - centre) / sd).powi(2)
        })
    }
}

/// The `[calibration]` table.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct CalibrationSpec {
    /// Scenario whose overrides apply during the fit (none when absent).
    #[serde(default)]
    pub scenario: Option<String>,
    /// Observations that end after this time are not fitted.
    #[serde(default = "no_limit")]
    pub until: f64,
    /// End of the hold-out window after `until`; observations ending after it are ignored. When
    /// absent, every observation after `until` is held out.
    #[serde(default)]
    pub test_until: Option<f64>,
    /// Restarts of the optimiser from its best point.
    #[serde(default)]
    pub restarts: u32,
    /// What to fit.
    #[serde(alias = "parameter")]
    pub parameters: Vec<Parameter>,
    /// What to fit to.
    pub series: Vec<SeriesSpec>,
    /// Iteration limit of the optimiser.
    #[serde(default = "default_max_iters")]
    pub max_iters: u64,
}

fn no_limit() -> f64 {
    f64::INFINITY
}

fn default_max_iters() -> u64 {
    400
}

/// Reads the calibration settings from a file's `[calibration]` table; `calibration.toml` may
/// also hold them at its top level. `None` when the file has none.
pub fn parse_calibration(file: &str, text: &str) -> Result<Option<CalibrationSpec>, CaseError> {
    let table: toml::Table = toml::from_str(text).map_err(|e| CaseError::toml(file, text, &e))?;
    let value = match table.get("calibration") {
        Some(v) => v.clone(),
        None if file == "calibration.toml" => toml::Value::Table(table),
        None => return Ok(None),
    };
    let spec: CalibrationSpec = value.try_into().map_err(|e: toml::de::Error| {
        CaseError::invalid_with(
            file,
            format!("[calibration]: {}", e.message().trim()),
            Some(
                "it needs `parameters = [{ name, lo, hi }]` and `[[calibration.series]]` tables"
                    .into(),
            ),
        )
    })?;
    for p in &spec.parameters {
        if !(p.lo.is_finite() && p.hi.is_finite() && p.lo < p.hi) {
            return Err(CaseError::invalid(
                file,
                format!(
                    "parameter `{}`: bounds [{}, {}] are not an interval",
                    p.name, p.lo, p.hi
                ),
            ));
        }
    }
    Ok(Some(spec))
}

/// One observation next to the fitted model.
#[derive(Debug, Clone, PartialEq)]
pub struct FitPoint {
    /// The model variable.
    pub variable: String,
    /// The observation.
    pub observation: Observation,
    /// The model's value over the same window (or at the same time).
    pub model: f64,
    /// The residual (log ratio for log series, else scaled difference; for a range, the distance
    /// to the nearer end when outside it, else 0), before weighting and measurement error.
    pub residual: f64,
    /// Whether the point was fitted or held out.
    pub role: Role,
}

impl FitPoint {
    /// Whether the fit used it.
    pub fn fitted(&self) -> bool {
        self.role == Role::Fit
    }
}

/// Whether an observation took part in the fit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Inside the fitting window.
    Fit,
    /// In the hold-out window: compared, never fitted.
    Holdout,
}

impl Role {
    /// Lower-case name for reports.
    pub fn name(self) -> &'static str {
        match self {
            Role::Fit => "fit",
            Role::Holdout => "holdout",
        }
    }
}

/// Theil's decomposition of the mean squared error between model and data.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Theil {
    /// Mean squared error (on the fit's scale: logs for log series).
    pub mse: f64,
    /// Share due to bias: the difference of the means, squared, over the MSE.
    pub bias: f64,
    /// Share due to unequal variation: the difference of the standard deviations, squared.
    pub variance: f64,
    /// Share due to imperfect correlation: 2 (1 - r) s_model s_data.
    pub covariance: f64,
    /// Correlation of model and data.
    pub correlation: f64,
}

/// Theil statistics of `model` against `data` (same length, at least two points); `None` when
/// there are fewer than two points or the error is zero.
pub fn theil(model: &[f64], data: &[f64]) -> Option<Theil> {
    let n = model.len();
    if n < 2 || n != data.len() {
        return None;
    }
    let nf = n as f64;
    let mean = |x: &[f64]| x.iter().sum::<f64>() / nf;
    let (mm, md) = (mean(model), mean(data));
    // Population moments, as in Sterman (1984), so the three shares sum to one exactly.
    let sd = |x: &[f64], m: f64| (x.iter().map(|v| (v - m).powi(2)).sum::<f64>() / nf).sqrt();
    let (sm, sdd) = (sd(model, mm), sd(data, md));
    let mse = model
        .iter()
        .zip(data)
        .map(|(a, b)| (a - b).powi(2))
        .sum::<f64>()
        / nf;
    if mse <= 0.0 {
        return None;
    }
    let cov = model
        .iter()
        .zip(data)
        .map(|(a, b)| (a - mm) * (b - md))
        .sum::<f64>()
        / nf;
    let correlation = if sm > 0.0 && sdd > 0.0 {
        cov / (sm * sdd)
    } else {
        0.0
    };
    Some(Theil {
        mse,
        bias: (mm - md).powi(2) / mse,
        variance: (sm - sdd).powi(2) / mse,
        covariance: 2.0 * (1.0 - correlation) * sm * sdd / mse,
        correlation,
    })
}

/// How well one series is fitted in one window.
#[derive(Debug, Clone, PartialEq)]
pub struct SeriesFit {
    /// The model variable.
    pub variable: String,
    /// The series' label (or its file).
    pub label: String,
    /// Fit or hold-out window.
    pub role: Role,
    /// Observations (point values and ranges).
    pub n: usize,
    /// Root mean squared residual, on the fit's scale.
    pub rms_residual: f64,
    /// Ranges the model falls outside.
    pub outside_range: usize,
    /// Measurement error used.
    pub sigma: f64,
    /// Theil statistics over the point values (not ranges).
    pub theil: Option<Theil>,
}

/// A fitted parameter.
#[derive(Debug, Clone, PartialEq)]
pub struct FittedParameter {
    /// Model constant.
    pub name: String,
    /// Its value in the model file (clamped into the range).
    pub initial: f64,
    /// Fitted value.
    pub fitted: f64,
    /// Lower bound.
    pub lo: f64,
    /// Upper bound.
    pub hi: f64,
}

impl FittedParameter {
    /// Whether the fitted value ended within 1% of the range from a bound: the data pull it
    /// further than the range allows, so the range, not the data, decided its value.
    pub fn at_bound(&self) -> bool {
        let margin = 0.01 * (self.hi - self.lo);
        (self.fitted - self.lo).abs() < margin || (self.hi - self.fitted).abs() < margin
    }
}

/// What a calibration found.
#[derive(Debug, Clone, PartialEq)]
pub struct Calibration {
    /// The parameters, with model and fitted values.
    pub parameters: Vec<FittedParameter>,
    /// Sum of squared weighted residuals (plus prior penalties) with the model's own values.
    pub initial_cost: f64,
    /// The same with the fitted values.
    pub cost: f64,
    /// The part of `cost` due to the priors.
    pub prior_cost: f64,
    /// Optimiser iterations, over all (re)starts.
    pub iterations: u64,
    /// Optimiser (re)starts: the first and each restart from the best point so far.
    pub starts: u32,
    /// The iteration limit of each (re)start.
    pub iteration_limit: u64,
    /// Whether the last (re)start stopped at the iteration limit rather than converging.
    pub stopped_at_limit: bool,
    /// Simulation runs made.
    pub runs: usize,
    /// The fit, observation by observation, with the fitted values.
    pub points: Vec<FitPoint>,
    /// The same with the model's own values, for comparison.
    pub initial_points: Vec<FitPoint>,
    /// Observations used.
    pub observations_used: usize,
    /// Per series and window, with the fitted values.
    pub series: Vec<SeriesFit>,
}

struct Objective<'a> {
    case: &'a Case,
    base: Overrides,
    spec: &'a CalibrationSpec,
    runs: AtomicUsize,
}

fn logistic(z: f64) -> f64 {
    1.0 / (1.0 + (-z).exp())
}

impl Objective<'_> {
    fn values(&self, z: &[f64]) -> Vec<f64> {
        self.spec
            .parameters
            .iter()
            .zip(z)
            .map(|(p, z)| p.lo + (p.hi - p.lo) * logistic(*z))
            .collect()
    }

    fn points(&self, values: &[f64]) -> Result<Vec<FitPoint>, CaseError> {
        let mut overrides = self.base.clone();
        for (p, v) in self.spec.parameters.iter().zip(values) {
            overrides.set(&p.name, *v);
        }
        let names = fit_variables(self.spec);
        self.runs.fetch_add(1, Ordering::Relaxed);
        let results = self
            .case
            .simulation()
            .run_selected(&overrides, &names)
            .map_err(|source| CaseError::Run {
                scenario: "calibration".into(),
                source,
            })?;
        Ok(fit_points(self.case, self.spec, &results))
    }

    fn cost_of(&self, points: &[FitPoint]) -> f64 {
        fit_cost(self.case, points)
    }

    fn prior_cost(&self, values: &[f64]) -> f64 {
        self.spec
            .parameters
            .iter()
            .zip(values)
            .map(|(p, v)| p.prior_penalty(*v))
            .sum()
    }

    fn series_fits(&self, points: &[FitPoint]) -> Vec<SeriesFit> {
        let mut fits = Vec::new();
        for series in self.case.calibration_data() {
            for role in [Role::Fit, Role::Holdout] {
                let mine: Vec<&FitPoint> = points
                    .iter()
                    .filter(|p| {
                        p.role == role
                            && p.variable == series.spec.variable
                            && series.observations.contains(&p.observation)
                    })
                    .collect();
                if mine.is_empty() {
                    continue;
                }
                let n = mine.len();
                let rms_residual =
                    (mine.iter().map(|p| p.residual.powi(2)).sum::<f64>() / n as f64).sqrt();
                let outside_range = mine
                    .iter()
                    .filter(|p| p.observation.bounds.is_some() && p.residual != 0.0)
                    .count();
                let on_scale = |v: f64| {
                    if series.spec.log {
                        v.max(1e-6).ln()
                    } else {
                        v
                    }
                };
                let (model, data): (Vec<f64>, Vec<f64>) = mine
                    .iter()
                    .filter(|p| p.observation.bounds.is_none())
                    .map(|p| (on_scale(p.model), on_scale(p.observation.value)))
                    .unzip();
                fits.push(SeriesFit {
                    variable: series.spec.variable.clone(),
                    label: series
                        .spec
                        .label
                        .clone()
                        .unwrap_or_else(|| series.spec.file.clone()),
                    role,
                    n,
                    rms_residual,
                    outside_range,
                    sigma: series.sigma(),
                    theil: theil(&model, &data),
                });
            }
        }
        fits
    }
}

/// The variables a fit reads.
fn fit_variables(spec: &CalibrationSpec) -> Vec<&str> {
    spec.series.iter().map(|s| s.variable.as_str()).collect()
}

/// The fit's points for a run's results: every observation up to the hold-out window's end, with
/// the model's value and its residual.
fn fit_points(case: &Case, spec: &CalibrationSpec, results: &Results) -> Vec<FitPoint> {
    let mut points = Vec::new();
    let test_until = spec.test_until.unwrap_or(f64::INFINITY);
    for series in case.calibration_data() {
        let Some(column) = results.column(&series.spec.variable) else {
            continue;
        };
        let scale = series_scale(series);
        for observation in &series.observations {
            let end = observation.end();
            let role = if end <= spec.until + 1e-9
                || (series.spec.always_fit && end <= test_until + 1e-9)
            {
                Role::Fit
            } else if end <= test_until + 1e-9 {
                Role::Holdout
            } else {
                continue;
            };
            let model = match observation.window {
                Some((from, to)) => window_stat(results.times(), column, Stat::Mean, from, to),
                None => results.row_near(observation.time).map(|r| column[r]),
            };
            let Some(model) = model else { continue };
            let target = match observation.bounds {
                Some((low, _)) if model < low => low,
                Some((_, high)) if model > high => high,
                Some(_) => model,
                None => observation.value,
            };
            let residual = if series.spec.log {
                // Counts cannot go below zero; a model at zero is a large miss, not a NaN.
                (model.max(1e-6) / target.max(1e-6)).ln()
            } else {
                (model - target) / scale
            };
            points.push(FitPoint {
                variable: series.spec.variable.clone(),
                observation: *observation,
                model,
                residual,
                role,
            });
        }
    }
    points
}

/// Sum of squared weighted residuals of the fitted points (no priors).
fn fit_cost(case: &Case, points: &[FitPoint]) -> f64 {
    points
        .iter()
        .filter(|p| p.fitted())
        .map(|p| {
            let series = case
                .calibration_data()
                .iter()
                .find(|s| s.spec.variable == p.variable && s.observations.contains(&p.observation));
            let (weight, sigma) = series.map_or((1.0, 1.0), |s| (s.spec.weight, s.sigma()));
            (weight * p.residual / sigma).powi(2)
        })
        .sum()
}

impl Case {
    /// The variables [`Case::fit_cost_of`] needs in a run's results (none without calibration
    /// settings).
    pub fn fit_variables(&self) -> Vec<&str> {
        self.calibration().map(fit_variables).unwrap_or_default()
    }

    /// How badly a run reproduces the record: the calibration's cost (weighted squared residuals
    /// over the fitting window, without priors) of `results`, which must hold
    /// [`Case::fit_variables`]. `None` without calibration settings. Explorations use it to weight
    /// sampled worlds by their fit to the record.
    pub fn fit_cost_of(&self, results: &Results) -> Option<f64> {
        let spec = self.calibration()?;
        Some(fit_cost(self, &fit_points(self, spec, results)))
    }
}

/// Scale of a linear series' residuals: the mean size of its values, so series in different
/// units weigh alike.
fn series_scale(series: &DataSeries) -> f64 {
    let n = series.observations.len().max(1) as f64;
    let mean = series
        .observations
        .iter()
        .map(|o| o.value.abs())
        .sum::<f64>()
        / n;
    if mean > 0.0 {
        mean
    } else {
        1.0
    }
}

impl CostFunction for Objective<'_> {
    type Param = Vec<f64>;
    type Output = f64;

    fn cost(&self, z: &Self::Param) -> Result<f64, argmin::core::Error> {
        let values = self.values(z);
        match self.points(&values) {
            Ok(points) => Ok(self.cost_of(&points) + self.prior_cost(&values)),
            // A parameter set that makes the model blow up is a bad fit, not a failed calibration.
            Err(CaseError::Run {
                source: blowback_sd::RunError::NonFinite { .. },
                ..
            }) => Ok(1e12),
            Err(e) => Err(argmin::core::Error::msg(e.to_string())),
        }
    }
}

impl Case {
    /// Fits the calibration parameters to the data by least squares (see the module docs), on top
    /// of `base` overrides, stopping after `max_iters` iterations (the settings' limit when `None`).
    pub fn calibrate(
        &self,
        base: &Overrides,
        max_iters: Option<u64>,
    ) -> Result<Calibration, CaseError> {
        let spec = self.calibration().ok_or_else(|| {
            CaseError::invalid_with(
                "calibration.toml",
                "the case has no [calibration] settings",
                Some("add calibration.toml with parameters and series".into()),
            )
        })?;
        let base = match &spec.scenario {
            Some(name) => {
                let scenario = self.scenario(name).ok_or_else(|| {
                    CaseError::invalid(self.calibration_file(), format!("no scenario `{name}`"))
                })?;
                self.overrides_for(scenario, base)
            }
            None => base.clone(),
        };
        let initial: Vec<f64> = spec
            .parameters
            .iter()
            .map(|p| {
                let v = self
                    .simulation()
                    .default_value(&p.name)
                    .unwrap_or((p.lo + p.hi) / 2.0);
                // Keep the start strictly inside the range so the logistic map can reach it.
                let margin = (p.hi - p.lo) * 1e-3;
                v.clamp(p.lo + margin, p.hi - margin)
            })
            .collect();
        let z0: Vec<f64> = spec
            .parameters
            .iter()
            .zip(&initial)
            .map(|(p, v)| {
                let f = (v - p.lo) / (p.hi - p.lo);
                (f / (1.0 - f)).ln()
            })
            .collect();
        let objective = Objective {
            case: self,
            base,
            spec,
            runs: AtomicUsize::new(0),
        };
        let initial_points = objective.points(&initial)?;
        let observations_used = initial_points.iter().filter(|p| p.fitted()).count();
        if observations_used == 0 {
            return Err(CaseError::invalid(
                self.calibration_file(),
                "no observation lies before `until`; there is nothing to fit",
            ));
        }
        let initial_cost = objective.cost_of(&initial_points) + objective.prior_cost(&initial);
        let mut objective = objective;
        let mut best = z0.clone();
        let mut iterations = 0;
        let iteration_limit = max_iters.unwrap_or(spec.max_iters);
        let mut stopped_at_limit = false;
        for _ in 0..=spec.restarts {
            // The first simplex steps one logistic unit along each axis: a quarter of the range
            // near the middle, enough to see the cost's slope in every direction.
            let mut simplex = vec![best.clone()];
            for i in 0..best.len() {
                let mut vertex = best.clone();
                vertex[i] += if vertex[i] > 0.0 { -1.0 } else { 1.0 };
                simplex.push(vertex);
            }
            let solver = NelderMead::new(simplex)
                .with_sd_tolerance(1e-10)
                .map_err(|e| CaseError::Calibration(e.to_string()))?;
            let result = Executor::new(objective, solver)
                .configure(|state| state.max_iters(iteration_limit))
                .run()
                .map_err(|e| CaseError::Calibration(e.to_string()))?;
            iterations += result.state().get_iter();
            stopped_at_limit = matches!(
                result.state().get_termination_reason(),
                Some(TerminationReason::MaxItersReached)
            );
            if let Some(param) = result.state().get_best_param() {
                best = param.clone();
            }
            objective = result.problem.problem.ok_or_else(|| {
                CaseError::Calibration("the optimiser did not hand back its problem".into())
            })?;
        }
        let fitted = objective.values(&best);
        let points = objective.points(&fitted)?;
        let prior_cost = objective.prior_cost(&fitted);
        let cost = objective.cost_of(&points) + prior_cost;
        let series = objective.series_fits(&points);
        let runs = objective.runs.load(Ordering::Relaxed);
        let parameters = spec
            .parameters
            .iter()
            .zip(initial.iter().zip(&fitted))
            .map(|(p, (i, f))| FittedParameter {
                name: p.name.clone(),
                initial: *i,
                fitted: *f,
                lo: p.lo,
                hi: p.hi,
            })
            .collect();
        Ok(Calibration {
            parameters,
            initial_cost,
            cost,
            prior_cost,
            iterations,
            starts: spec.restarts + 1,
            iteration_limit,
            stopped_at_limit,
            runs,
            points,
            initial_points,
            observations_used,
            series,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_calibration_table_parses_from_either_file() {
        let body = "until = 2022.5\nparameters = [{ name = \"a\", lo = 0, hi = 1 }]\n[[series]]\nvariable = \"x\"\nfile = \"d.csv\"\nvalue = \"v\"\nlog = true\n";
        let spec = parse_calibration("calibration.toml", body)
            .unwrap()
            .unwrap();
        assert_eq!(spec.parameters[0].hi, 1.0);
        assert!(spec.series[0].log);
        let nested = body.replace("[[series]]", "[[calibration.series]]");
        let nested = format!("[calibration]\n{nested}");
        assert_eq!(
            parse_calibration("scenarios.toml", &nested).unwrap(),
            Some(spec)
        );
        assert_eq!(parse_calibration("scenarios.toml", "x = 1").unwrap(), None);
    }

    #[test]
    fn theil_shares_sum_to_one_and_find_a_bias() {
        let data = [1.0, 2.0, 3.0, 4.0];
        let biased: Vec<f64> = data.iter().map(|d| d + 1.0).collect();
        let t = theil(&biased, &data).unwrap();
        assert!((t.bias - 1.0).abs() < 1e-12, "{t:?}");
        assert!(t.variance.abs() < 1e-12 && t.covariance.abs() < 1e-12);
        let noisy = [1.5, 1.5, 3.5, 3.5];
        let t = theil(&noisy, &data).unwrap();
        assert!(
            (t.bias + t.variance + t.covariance - 1.0).abs() < 1e-12,
            "{t:?}"
        );
        assert!(t.covariance > 0.5, "unsystematic error: {t:?}");
        assert!(theil(&data, &data).is_none(), "a perfect fit has no shares");
        assert!(theil(&[1.0], &[2.0]).is_none());
    }

    #[test]
    fn a_prior_penalises_distance_in_standard_deviations() {
        let p = Parameter {
            name: "a".into(),
            lo: 0.0,
            hi: 4.0,
            prior: Some(1.0),
            prior_sd: None,
        };
        assert_eq!(p.prior_penalty(1.0), 0.0);
        assert_eq!(p.prior_penalty(3.0), 4.0, "two quarter-ranges away");
        let flat = Parameter { prior: None, ..p };
        assert_eq!(flat.prior_penalty(3.0), 0.0);
    }

    #[test]
    fn bounds_must_be_an_interval() {
        let text = "[calibration]\nparameters = [{ name = \"a\", lo = 2, hi = 1 }]\nseries = []\n";
        let err = parse_calibration("scenarios.toml", text).unwrap_err();
        assert!(err.to_string().contains("not an interval"), "{err}");
    }
}
