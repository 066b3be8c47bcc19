//! Calibration: fit a handful of uncertain constants to the historical record by least squares.
//!
//! The settings live in a `[calibration]` table (in `calibration.toml`, or in `scenarios.toml`):
//! the parameters with their plausible ranges, the data series to follow, and `until`, the date
//! after which no observation may be used (the case is frozen at its essay's date and judged by
//! its forecast after that). Nelder-Mead searches an unbounded space that a logistic map sends
//! into each parameter's range, so every value tried is a plausible one.

use std::sync::atomic::{AtomicUsize, Ordering};

use argmin::core::{CostFunction, Executor, State};
use argmin::solver::neldermead::NelderMead;
use blowback_sd::Overrides;
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
}

/// The `[calibration]` table.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct CalibrationSpec {
    /// Scenario whose overrides apply during the fit (none when absent).
    #[serde(default)]
    pub scenario: Option<String>,
    /// Observations that end after this time are not used.
    #[serde(default = "no_limit")]
    pub until: f64,
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
    /// The residual the fit minimises (log ratio for log series, else scaled difference), before
    /// weighting.
    pub residual: f64,
    /// Whether the fit used it (false for observations after `until`).
    pub used: bool,
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

/// What a calibration found.
#[derive(Debug, Clone, PartialEq)]
pub struct Calibration {
    /// The parameters, with model and fitted values.
    pub parameters: Vec<FittedParameter>,
    /// Sum of squared weighted residuals with the model's own values.
    pub initial_cost: f64,
    /// The same with the fitted values.
    pub cost: f64,
    /// Optimiser iterations.
    pub iterations: u64,
    /// Simulation runs made.
    pub runs: usize,
    /// The fit, observation by observation, with the fitted values.
    pub points: Vec<FitPoint>,
    /// The same with the model's own values, for comparison.
    pub initial_points: Vec<FitPoint>,
    /// Observations used.
    pub observations_used: usize,
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
        let names: Vec<&str> = self
            .spec
            .series
            .iter()
            .map(|s| s.variable.as_str())
            .collect();
        self.runs.fetch_add(1, Ordering::Relaxed);
        let results = self
            .case
            .simulation()
            .run_selected(&overrides, &names)
            .map_err(|source| CaseError::Run {
                scenario: "calibration".into(),
                source,
            })?;
        let mut points = Vec::new();
        for series in self.case.data() {
            let Some(column) = names
                .iter()
                .position(|n| *n == series.spec.variable)
                .map(|i| results.column_at(i))
            else {
                continue;
            };
            let scale = series_scale(series);
            for observation in &series.observations {
                let model = match observation.window {
                    Some((from, to)) => window_stat(results.times(), column, Stat::Mean, from, to),
                    None => results.row_near(observation.time).map(|r| column[r]),
                };
                let Some(model) = model else { continue };
                let residual = if series.spec.log {
                    // Counts cannot go below zero; a model at zero is a large miss, not a NaN.
                    (model.max(1e-6) / observation.value.max(1e-6)).ln()
                } else {
                    (model - observation.value) / scale
                };
                points.push(FitPoint {
                    variable: series.spec.variable.clone(),
                    observation: *observation,
                    model,
                    residual,
                    used: observation.end() <= self.spec.until + 1e-9,
                });
            }
        }
        Ok(points)
    }

    fn cost_of(&self, points: &[FitPoint]) -> f64 {
        points
            .iter()
            .filter(|p| p.used)
            .map(|p| {
                let weight = self
                    .spec
                    .series
                    .iter()
                    .find(|s| s.variable == p.variable)
                    .map_or(1.0, |s| s.weight);
                (weight * p.residual).powi(2)
            })
            .sum()
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
        match self.points(&self.values(z)) {
            Ok(points) => Ok(self.cost_of(&points)),
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
        let observations_used = initial_points.iter().filter(|p| p.used).count();
        if observations_used == 0 {
            return Err(CaseError::invalid(
                self.calibration_file(),
                "no observation lies before `until`; there is nothing to fit",
            ));
        }
        let initial_cost = objective.cost_of(&initial_points);
        // The first simplex steps one logistic unit along each axis: a quarter of the range
        // near the middle, enough to see the cost's slope in every direction.
        let mut simplex = vec![z0.clone()];
        for i in 0..z0.len() {
            let mut vertex = z0.clone();
            vertex[i] += if vertex[i] > 0.0 { -1.0 } else { 1.0 };
            simplex.push(vertex);
        }
        let solver = NelderMead::new(simplex)
            .with_sd_tolerance(1e-10)
            .map_err(|e| CaseError::Calibration(e.to_string()))?;
        let result = Executor::new(objective, solver)
            .configure(|state| state.max_iters(max_iters.unwrap_or(spec.max_iters)))
            .run()
            .map_err(|e| CaseError::Calibration(e.to_string()))?;
        let iterations = result.state().get_iter();
        let best = result
            .state()
            .get_best_param()
            .cloned()
            .unwrap_or_else(|| z0.clone());
        let objective = result.problem.problem.as_ref().ok_or_else(|| {
            CaseError::Calibration("the optimiser did not hand back its problem".into())
        })?;
        let fitted = objective.values(&best);
        let points = objective.points(&fitted)?;
        let cost = objective.cost_of(&points);
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
            iterations,
            runs,
            points,
            initial_points,
            observations_used,
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
    fn bounds_must_be_an_interval() {
        let text = "[calibration]\nparameters = [{ name = \"a\", lo = 2, hi = 1 }]\nseries = []\n";
        let err = parse_calibration("scenarios.toml", text).unwrap_err();
        assert!(err.to_string().contains("not an interval"), "{err}");
    }
}
