//! A case as a model `blowback-explore` can sample, and what the sampled worlds say about it.
//!
//! [`CaseModel`] adapts a case to `blowback_explore::Model`: sampled parameters become constant
//! overrides, each scenario adds its own overrides on top, and outcomes are window statistics of
//! model variables. Rival structures ([`with_structures`]) run every scenario again under each
//! structure's switches, as `scenario@structure`. With fit weighting ([`CaseModel::with_fit_cost`])
//! every run also measures how badly it reproduces the record, so that [`world_weights`] can weight
//! each sampled world by its likelihood, exp(-cost / 2), and drop the worlds the record rules out.
//! Once an ensemble has run, [`compare_outcomes`] compares the policies on every outcome marked for
//! comparison, [`evaluate_conclusion`] gives the (weighted) share of worlds in which a conclusion of
//! the uncertainties file holds under a structure, [`evaluate_share`] how often an outcome meets a
//! condition, and [`answer_prim`] looks for where a policy fails.

use std::collections::BTreeMap;

use blowback_explore::{
    compare_policies, prim, Design, EnsembleSummary, ExploreError, Model, ModelRun, Parameter,
    PolicyComparison, PrimOptions, PrimResult,
};
use blowback_sd::{Overrides, Simulation};

use crate::case::{same_name, Case};
use crate::error::CaseError;
use crate::scenario::Scenario;
use crate::uncertainties::{
    Conclusion, ExploreSettings, Failure, FitWeighting, OutcomeSpec, PrimSpec, ShareSpec,
    StructureSpec, Term,
};
use crate::window::window_stat;

/// The name of the outcome column that holds a run's fit cost when fit weighting is on.
pub const FIT_COST: &str = "fit_cost";

/// The SD case seen as an explorable model.
pub struct CaseModel<'a> {
    case: &'a Case,
    simulation: &'a Simulation,
    /// Whether each run also measures its fit to the record (the last outcome column).
    fit: bool,
    /// Each scenario's overrides (its start and levers).
    base: Vec<Overrides>,
    scenarios: Vec<Scenario>,
    parameter_names: Vec<String>,
    outcomes: Vec<OutcomeSpec>,
    envelope_vars: Vec<String>,
    /// The variables a run saves: outcome and envelope variables.
    selected: Vec<String>,
    times: Vec<f64>,
}

impl<'a> CaseModel<'a> {
    /// The case under `scenarios`, sampling `parameters` (already checked to be constants of the
    /// model when the case loaded). Outcomes and envelopes come from the case's uncertainties file.
    pub fn new(
        case: &'a Case,
        parameters: &[Parameter],
        scenarios: Vec<Scenario>,
    ) -> Result<Self, CaseError> {
        let uncertainties = case.uncertainties().ok_or_else(|| {
            CaseError::invalid("uncertainties.toml", "the case has no uncertainties file")
        })?;
        let mut outcomes = uncertainties.outcomes.clone();
        if outcomes.is_empty() {
            return Err(CaseError::invalid(
                "uncertainties.toml",
                "no [[outcome]] tables: say what to measure (name, variable, stat, from, to)",
            ));
        }
        outcomes.dedup_by(|a, b| a.name == b.name);
        let envelope_vars = uncertainties.settings.envelopes.clone();
        let mut selected: Vec<String> = outcomes.iter().map(|o| o.variable.clone()).collect();
        selected.extend(envelope_vars.iter().cloned());
        selected.sort();
        selected.dedup();
        let simulation = case.simulation();
        let names: Vec<&str> = selected.iter().map(String::as_str).collect();
        let probe = simulation
            .run_selected(&Overrides::new(), &names)
            .map_err(|source| CaseError::Run {
                scenario: "the model's own values".into(),
                source,
            })?;
        let base = scenarios
            .iter()
            .map(|s| case.overrides_for(s, &Overrides::new()))
            .collect();
        Ok(CaseModel {
            case,
            simulation,
            fit: false,
            base,
            scenarios,
            parameter_names: parameters.iter().map(|p| p.name.clone()).collect(),
            outcomes,
            envelope_vars,
            selected,
            times: probe.times().to_vec(),
        })
    }

    /// Adds the fit cost of each run to its outcomes (as the last column, [`FIT_COST`]), so worlds
    /// can be weighted by how well they reproduce the record.
    pub fn with_fit_cost(mut self) -> Result<Self, CaseError> {
        let variables = self.case.fit_variables();
        if variables.is_empty() {
            return Err(CaseError::invalid(
                "uncertainties.toml",
                "weighting by fit needs calibration series (a [calibration] table)",
            ));
        }
        self.selected
            .extend(variables.into_iter().map(String::from));
        self.selected.sort();
        self.selected.dedup();
        self.fit = true;
        Ok(self)
    }

    /// The outcomes each run measures, in column order (without the fit cost).
    pub fn outcomes(&self) -> &[OutcomeSpec] {
        &self.outcomes
    }

    /// (scenario, parameter) pairs where a scenario sets a parameter that is also sampled: the
    /// scenario's value wins there, which the caller may want to say.
    pub fn fixed_samples(&self) -> Vec<(&str, &str)> {
        let mut pairs = Vec::new();
        for parameter in &self.parameter_names {
            for scenario in &self.scenarios {
                if scenario.overrides.keys().any(|k| same_name(k, parameter)) {
                    pairs.push((scenario.name.as_str(), parameter.as_str()));
                }
            }
        }
        pairs
    }
}

impl Model for CaseModel<'_> {
    fn outcome_names(&self) -> Vec<String> {
        let mut names: Vec<String> = self.outcomes.iter().map(|o| o.name.clone()).collect();
        if self.fit {
            names.push(FIT_COST.to_string());
        }
        names
    }

    fn scenario_names(&self) -> Vec<String> {
        self.scenarios.iter().map(|s| s.name.clone()).collect()
    }

    fn series_names(&self) -> Vec<String> {
        self.envelope_vars.clone()
    }

    fn times(&self) -> Vec<f64> {
        self.times.clone()
    }

    fn run(
        &self,
        scenario: usize,
        parameters: &[f64],
        with_series: bool,
    ) -> Result<ModelRun, String> {
        // Sampled values first, then the scenario's own overrides, so a policy lever the
        // scenario fixes is never overwritten by a sample.
        let mut overrides = Overrides::new();
        for (name, value) in self.parameter_names.iter().zip(parameters) {
            overrides.set(name, *value);
        }
        for (name, value) in self.base[scenario].values() {
            overrides.set(name, *value);
        }
        let names: Vec<&str> = self.selected.iter().map(String::as_str).collect();
        let results = self
            .simulation
            .run_selected(&overrides, &names)
            .map_err(|e| e.to_string())?;
        let times = results.times();
        let mut outcomes = Vec::with_capacity(self.outcomes.len());
        for o in &self.outcomes {
            let values = results
                .column(&o.variable)
                .ok_or_else(|| format!("no column {}", o.variable))?;
            let from = o.from.unwrap_or(f64::NEG_INFINITY);
            let to = o.to.unwrap_or(f64::INFINITY);
            outcomes.push(window_stat(times, values, o.stat, from, to).unwrap_or(f64::NAN));
        }
        if self.fit {
            outcomes.push(self.case.fit_cost_of(&results).unwrap_or(f64::NAN));
        }
        let series = if with_series {
            self.envelope_vars
                .iter()
                .map(|v| results.column(v).map(<[f64]>::to_vec).unwrap_or_default())
                .collect()
        } else {
            Vec::new()
        };
        Ok(ModelRun { outcomes, series })
    }
}

/// The scenarios to explore: those named (every one must exist), else all of the case's. A case
/// without scenarios (a bare model) is explored as one scenario, `base`, with no overrides.
pub fn select_scenarios(case: &Case, names: Option<&[String]>) -> Result<Vec<Scenario>, CaseError> {
    let all = case.scenarios();
    if all.is_empty() {
        return Ok(vec![Scenario {
            name: "base".into(),
            description: String::new(),
            start: None,
            overrides: BTreeMap::new(),
        }]);
    }
    match names {
        None => Ok(all.to_vec()),
        Some(names) => names
            .iter()
            .map(|name| {
                case.scenario(name).cloned().ok_or_else(|| {
                    CaseError::invalid_with(
                        "scenarios.toml",
                        format!("no scenario `{name}`"),
                        Some(case.scenario_help(name)),
                    )
                })
            })
            .collect(),
    }
}

/// The name of `scenario`'s run under `structure`: its own name under the first structure when
/// that one sets nothing (the model as it is), else `scenario@structure`.
pub fn name_under(scenario: &str, structures: &[StructureSpec], structure: usize) -> String {
    if structure == 0 && structures[0].overrides.is_empty() {
        scenario.to_string()
    } else {
        format!("{scenario}@{}", structures[structure].name)
    }
}

/// Every scenario under every structure (the structures' switches on top of the scenario's own
/// overrides), structure by structure; the scenarios unchanged when there are no structures.
pub fn with_structures(scenarios: Vec<Scenario>, structures: &[StructureSpec]) -> Vec<Scenario> {
    if structures.is_empty() {
        return scenarios;
    }
    let mut all = Vec::with_capacity(scenarios.len() * structures.len());
    for (k, structure) in structures.iter().enumerate() {
        for scenario in &scenarios {
            let mut s = scenario.clone();
            s.name = name_under(&scenario.name, structures, k);
            for (name, value) in &structure.overrides {
                s.overrides.insert(name.clone(), *value);
            }
            all.push(s);
        }
    }
    all
}

/// Each world's weight from its fit to the record.
#[derive(Debug, Clone, PartialEq)]
pub struct WorldWeights {
    /// One weight per experiment, summing to 1 (0 for dropped worlds).
    pub weights: Vec<f64>,
    /// Worlds kept (finite cost within the cutoff).
    pub kept: usize,
    /// Effective number of worlds: (sum w)^2 / sum w^2.
    pub effective: f64,
    /// The best world's fit cost.
    pub best_cost: f64,
}

/// Weights worlds by the fit cost of their run of `scenario` (the calibration's scenario), as
/// `fit` says: the best share of worlds equally, or by their tempered likelihood. Worlds whose cost
/// is not finite get no weight. `None` when the run has no fit cost or no world has a finite one.
pub fn world_weights(
    summary: &EnsembleSummary,
    scenario: &str,
    fit: FitWeighting,
) -> Option<WorldWeights> {
    let s = summary.scenario_index(scenario)?;
    let o = summary.outcome_index(FIT_COST)?;
    let costs = summary.column(s, o);
    let mut finite: Vec<f64> = costs.iter().copied().filter(|c| c.is_finite()).collect();
    if finite.is_empty() {
        return None;
    }
    finite.sort_by(f64::total_cmp);
    let best = finite[0];
    let mut weights: Vec<f64> = match fit {
        FitWeighting::Best { keep } => {
            let kept = ((keep * costs.len() as f64).ceil() as usize).clamp(1, finite.len());
            let worst_kept = finite[kept - 1];
            costs
                .iter()
                .map(|&c| {
                    if c.is_finite() && c <= worst_kept {
                        1.0
                    } else {
                        0.0
                    }
                })
                .collect()
        }
        FitWeighting::Likelihood {
            temperature,
            cutoff,
        } => {
            let cutoff = cutoff.unwrap_or(f64::INFINITY);
            costs
                .iter()
                .map(|&c| {
                    if c.is_finite() && c - best <= cutoff {
                        (-(c - best) / (2.0 * temperature)).exp()
                    } else {
                        0.0
                    }
                })
                .collect()
        }
    };
    let total: f64 = weights.iter().sum();
    for w in &mut weights {
        *w /= total;
    }
    let squares: f64 = weights.iter().map(|w| w * w).sum();
    Some(WorldWeights {
        kept: weights.iter().filter(|w| **w > 0.0).count(),
        effective: 1.0 / squares,
        weights,
        best_cost: best,
    })
}

/// The share of worlds in which `holds` is true among those where it is defined (`None`),
/// weighted when `weights` are given.
fn weighted_share(verdicts: &[Option<bool>], weights: Option<&[f64]>) -> ConclusionShare {
    let mut total = 0.0;
    let mut holding = 0.0;
    let mut worlds = 0;
    for (e, verdict) in verdicts.iter().enumerate() {
        let Some(holds) = verdict else { continue };
        let w = weights.map_or(1.0, |w| w[e]);
        if w <= 0.0 {
            continue;
        }
        worlds += 1;
        total += w;
        if *holds {
            holding += w;
        }
    }
    ConclusionShare {
        share: if total > 0.0 {
            holding / total
        } else {
            f64::NAN
        },
        worlds,
    }
}

/// How often `share`'s outcome meets its condition in `scenario`'s runs (weighted when `weights`
/// are given); `None` when the scenario or the outcome is not in this run.
pub fn evaluate_share(
    share: &ShareSpec,
    summary: &EnsembleSummary,
    scenario: &str,
    weights: Option<&[f64]>,
) -> Option<ConclusionShare> {
    let s = summary.scenario_index(scenario)?;
    let o = summary.outcome_index(&share.outcome)?;
    let verdicts: Vec<Option<bool>> = summary
        .column(s, o)
        .into_iter()
        .map(|v| v.is_finite().then(|| share.op.holds(v, share.value)))
        .collect();
    Some(weighted_share(&verdicts, weights))
}

/// One outcome's policy comparison.
#[derive(Debug, Clone, PartialEq)]
pub struct OutcomeComparison {
    /// Index of the outcome in the run's outcomes.
    pub outcome: usize,
    /// Per-policy figures and pairwise dominance.
    pub comparison: PolicyComparison,
}

/// Compares the policies (`[explore] policies` among the scenarios that ran, else all of them)
/// on every outcome marked for comparison. Nothing to compare with fewer than two policies.
pub fn compare_outcomes(
    summary: &EnsembleSummary,
    outcomes: &[OutcomeSpec],
    settings: &ExploreSettings,
) -> Result<Vec<OutcomeComparison>, ExploreError> {
    let policies: Vec<usize> = match &settings.policies {
        Some(names) => names
            .iter()
            .filter_map(|n| summary.scenario_index(n))
            .collect(),
        None => (0..summary.scenarios.len()).collect(),
    };
    if policies.len() < 2 {
        return Ok(Vec::new());
    }
    let names: Vec<String> = policies
        .iter()
        .map(|&s| summary.scenarios[s].clone())
        .collect();
    outcomes
        .iter()
        .enumerate()
        .filter(|(_, spec)| spec.compare)
        .map(|(o, spec)| {
            let columns: Vec<Vec<f64>> = policies.iter().map(|&s| summary.column(s, o)).collect();
            let comparison = compare_policies(&names, &columns, spec.direction, spec.threshold)?;
            Ok(OutcomeComparison {
                outcome: o,
                comparison,
            })
        })
        .collect()
}

/// In how many of the sampled worlds a conclusion holds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ConclusionShare {
    /// The share of worlds (with both sides finite) in which it holds.
    pub share: f64,
    /// Worlds in which both sides are finite.
    pub worlds: usize,
}

/// The share of worlds in which `conclusion` holds, with every scenario it names run under the
/// structure named `structure` (its own runs when `None`), weighted when `weights` are given;
/// `None` when its scenarios or outcomes are not in this run (a run of some scenarios only).
pub fn evaluate_conclusion(
    conclusion: &Conclusion,
    summary: &EnsembleSummary,
    structure: Option<&str>,
    weights: Option<&[f64]>,
) -> Option<ConclusionShare> {
    let column = |term: &Term| -> Option<Vec<f64>> {
        let name = match structure {
            Some(structure) => format!("{}@{structure}", term.scenario),
            None => term.scenario.clone(),
        };
        let s = summary.scenario_index(&name)?;
        let o = summary.outcome_index(&term.outcome)?;
        Some(
            summary
                .column(s, o)
                .into_iter()
                .map(|v| v * term.factor)
                .collect(),
        )
    };
    let (left, right) = (column(&conclusion.left)?, column(&conclusion.right)?);
    let verdicts: Vec<Option<bool>> = left
        .into_iter()
        .zip(right)
        .map(|(a, b)| (a.is_finite() && b.is_finite()).then(|| conclusion.op.holds(a, b)))
        .collect();
    Some(weighted_share(&verdicts, weights))
}

/// Where a policy fails, by PRIM over the sampled parameters.
#[derive(Debug, Clone)]
pub struct PrimAnswer {
    /// Worlds in which the policy fails.
    pub failures: usize,
    /// Worlds judged (the policy's outcome, and the baseline's, finite).
    pub worlds: usize,
    /// The box, when there is something to separate (some worlds fail and some do not).
    pub result: Option<PrimResult>,
}

/// Answers a PRIM question over a whole design's ensemble; `Ok(None)` when its policy or outcome
/// is not in this run.
pub fn answer_prim(
    question: &PrimSpec,
    summary: &EnsembleSummary,
    design: &Design,
    outcomes: &[OutcomeSpec],
) -> Result<Option<PrimAnswer>, ExploreError> {
    let (Some(s), Some(o)) = (
        summary.scenario_index(&question.policy),
        summary.outcome_index(&question.outcome),
    ) else {
        return Ok(None);
    };
    let maximize = outcomes[o].direction == blowback_explore::Direction::Maximize;
    let policy = summary.column(s, o);
    let failing: Vec<Option<bool>> = match &question.failure {
        Failure::NoBetterThan { baseline, margin } => {
            let b = summary.scenario_index(baseline).ok_or_else(|| {
                ExploreError::Analysis(format!(
                    "PRIM `{}`: baseline {baseline} not in this run",
                    question.name
                ))
            })?;
            let base = summary.column(b, o);
            policy
                .iter()
                .zip(&base)
                .map(|(p, b)| {
                    // Failing = not improving on the baseline by at least the margin.
                    (p.is_finite() && b.is_finite()).then(|| {
                        if maximize {
                            *p <= b + margin * b.abs()
                        } else {
                            *p >= b - margin * b.abs()
                        }
                    })
                })
                .collect()
        }
        Failure::WorseThan(threshold) => policy
            .iter()
            .map(|p| {
                p.is_finite().then_some(if maximize {
                    *p < *threshold
                } else {
                    *p > *threshold
                })
            })
            .collect(),
    };
    let mut points = Vec::new();
    let mut labels = Vec::new();
    let mut point = vec![0.0; design.dimensions()];
    for (e, fail) in failing.iter().enumerate() {
        if let Some(fail) = fail {
            design.point(summary.experiments.start + e, &mut point);
            points.push(point.clone());
            labels.push(*fail);
        }
    }
    let failures = labels.iter().filter(|b| **b).count();
    let result = if failures == 0 || failures == labels.len() {
        None
    } else {
        Some(prim(&points, &labels, PrimOptions::default())?)
    };
    Ok(Some(PrimAnswer {
        failures,
        worlds: labels.len(),
        result,
    }))
}

#[cfg(test)]
mod tests {
    use std::ops::Range;

    use blowback_explore::{Direction, Distribution, Method, OutcomeStats};

    use super::*;
    use crate::uncertainties::Comparison;
    use crate::window::Stat;

    /// Two scenarios, one outcome, `values[e][s]` per experiment.
    fn summary(values: &[[f64; 2]]) -> EnsembleSummary {
        EnsembleSummary {
            scenarios: vec!["a".into(), "b".into()],
            outcomes: vec!["o".into()],
            experiments: Range {
                start: 0,
                end: values.len(),
            },
            stats: vec![
                OutcomeStats {
                    count: 0,
                    mean: f64::NAN,
                    min: f64::NAN,
                    max: f64::NAN,
                    percentiles: [f64::NAN; 3],
                };
                2
            ],
            failures: 0,
            first_failure: None,
            resumed_runs: 0,
            values: Some(values.iter().flatten().copied().collect()),
            envelopes: Vec::new(),
        }
    }

    fn outcome(direction: Direction) -> OutcomeSpec {
        OutcomeSpec {
            name: "o".into(),
            variable: "v".into(),
            stat: Stat::Mean,
            from: None,
            to: None,
            direction,
            threshold: None,
            compare: true,
        }
    }

    fn term(scenario: &str, factor: f64) -> Term {
        Term {
            scenario: scenario.into(),
            outcome: "o".into(),
            factor,
        }
    }

    #[test]
    fn a_conclusion_counts_the_worlds_where_it_holds() {
        let worlds = summary(&[[1.0, 2.0], [3.0, 2.0], [1.0, f64::NAN], [0.5, 4.0]]);
        let conclusion = Conclusion {
            name: "a < b".into(),
            paragraphs: Vec::new(),
            paraphrase: String::new(),
            left: term("a", 1.0),
            op: Comparison::Less,
            right: term("b", 1.0),
        };
        let share = evaluate_conclusion(&conclusion, &worlds, None, None).unwrap();
        // The NaN world is left out: 2 of 3 hold.
        assert_eq!(share.worlds, 3);
        assert!((share.share - 2.0 / 3.0).abs() < 1e-12);
        let doubled = Conclusion {
            right: term("b", 0.1),
            ..conclusion.clone()
        };
        assert_eq!(
            evaluate_conclusion(&doubled, &worlds, None, None)
                .unwrap()
                .share,
            0.0
        );
        let elsewhere = Conclusion {
            left: term("c", 1.0),
            ..conclusion
        };
        assert!(evaluate_conclusion(&elsewhere, &worlds, None, None).is_none());
    }

    #[test]
    fn weights_favour_the_worlds_that_fit_and_drop_the_ones_ruled_out() {
        let mut worlds = summary(&[[0.0, 1.0], [2.0, 2.0], [100.0, 3.0], [f64::NAN, 4.0]]);
        worlds.outcomes = vec![FIT_COST.into()];
        let w = world_weights(
            &worlds,
            "a",
            FitWeighting::Likelihood {
                temperature: 1.0,
                cutoff: Some(10.0),
            },
        )
        .unwrap();
        assert_eq!(w.kept, 2);
        assert_eq!(w.best_cost, 0.0);
        let e1 = (-1.0f64).exp();
        assert!((w.weights[0] - 1.0 / (1.0 + e1)).abs() < 1e-12);
        assert!((w.weights[1] - e1 / (1.0 + e1)).abs() < 1e-12);
        assert_eq!((w.weights[2], w.weights[3]), (0.0, 0.0));
        assert!(w.effective > 1.0 && w.effective < 2.0);
        // A share weighted by them: the condition b > 1.5 holds in the second world only.
        let share = ShareSpec {
            name: "s".into(),
            outcome: FIT_COST.into(),
            op: Comparison::Greater,
            value: 1.5,
            paragraphs: Vec::new(),
            paraphrase: String::new(),
        };
        let weighted = evaluate_share(&share, &worlds, "b", Some(&w.weights)).unwrap();
        assert_eq!(weighted.worlds, 2);
        assert!((weighted.share - w.weights[1]).abs() < 1e-12);
        let plain = evaluate_share(&share, &worlds, "b", None).unwrap();
        assert_eq!((plain.worlds, plain.share), (4, 0.75));
        // The best half: the two worlds with the lowest cost, equally.
        let best = world_weights(&worlds, "a", FitWeighting::Best { keep: 0.5 }).unwrap();
        assert_eq!(best.weights, [0.5, 0.5, 0.0, 0.0]);
        assert!((best.effective - 2.0).abs() < 1e-12);
    }

    #[test]
    fn structures_multiply_the_scenarios() {
        let scenario = |name: &str| Scenario {
            name: name.into(),
            description: String::new(),
            start: None,
            overrides: BTreeMap::from([("lever".to_string(), 1.0)]),
        };
        let structures = vec![
            StructureSpec {
                name: "base".into(),
                description: String::new(),
                overrides: BTreeMap::new(),
            },
            StructureSpec {
                name: "rival".into(),
                description: String::new(),
                overrides: BTreeMap::from([("switch".to_string(), 1.0)]),
            },
        ];
        let all = with_structures(vec![scenario("a"), scenario("b")], &structures);
        let names: Vec<&str> = all.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["a", "b", "a@rival", "b@rival"]);
        assert_eq!(all[2].overrides["switch"], 1.0);
        assert_eq!(all[2].overrides["lever"], 1.0);
        assert!(with_structures(vec![scenario("a")], &[]).len() == 1);
    }

    fn design(n: usize) -> Design {
        let parameter = Parameter {
            name: "x".into(),
            distribution: Distribution::Uniform {
                low: 0.0,
                high: 1.0,
            },
            source: String::new(),
        };
        Design::new(Method::MonteCarlo, vec![parameter], n, 3).unwrap()
    }

    #[test]
    fn prim_labels_failures_against_a_baseline_or_a_threshold() {
        let design = design(200);
        // Policy `a` fails (does not beat `b` by 10%) exactly where x > 0.5.
        let values: Vec<[f64; 2]> = (0..200)
            .map(|e| {
                let mut x = [0.0];
                design.point(e, &mut x);
                [if x[0] > 0.5 { 10.0 } else { 5.0 }, 10.0]
            })
            .collect();
        let worlds = summary(&values);
        let against_baseline = PrimSpec {
            name: "q".into(),
            policy: "a".into(),
            outcome: "o".into(),
            failure: Failure::NoBetterThan {
                baseline: "b".into(),
                margin: 0.1,
            },
        };
        let outcomes = [outcome(Direction::Minimize)];
        let answer = answer_prim(&against_baseline, &worlds, &design, &outcomes)
            .unwrap()
            .unwrap();
        let expected = values.iter().filter(|v| v[0] == 10.0).count();
        assert_eq!((answer.failures, answer.worlds), (expected, 200));
        let prim_box = answer.result.unwrap().chosen;
        assert!(prim_box.limits[0].0 > 0.4, "{:?}", prim_box.limits);

        let against_threshold = PrimSpec {
            failure: Failure::WorseThan(20.0),
            ..against_baseline.clone()
        };
        let answer = answer_prim(&against_threshold, &worlds, &design, &outcomes)
            .unwrap()
            .unwrap();
        assert_eq!(answer.failures, 0);
        assert!(answer.result.is_none(), "nothing to separate");

        // More is better: 10 vs 10 is no improvement, 5 is worse.
        let maximised = [outcome(Direction::Maximize)];
        let answer = answer_prim(&against_baseline, &worlds, &design, &maximised)
            .unwrap()
            .unwrap();
        assert_eq!(answer.failures, 200);

        let missing = PrimSpec {
            policy: "c".into(),
            ..against_baseline
        };
        assert!(answer_prim(&missing, &worlds, &design, &outcomes)
            .unwrap()
            .is_none());
    }

    #[test]
    fn policies_are_compared_on_the_outcomes_marked_for_it() {
        let worlds = summary(&[[1.0, 2.0], [3.0, 2.0]]);
        let settings = ExploreSettings::default();
        let compared =
            compare_outcomes(&worlds, &[outcome(Direction::Minimize)], &settings).unwrap();
        assert_eq!(compared.len(), 1);
        assert_eq!(compared[0].comparison.worlds, 2);
        let skipped = OutcomeSpec {
            compare: false,
            ..outcome(Direction::Minimize)
        };
        assert!(compare_outcomes(&worlds, &[skipped], &settings)
            .unwrap()
            .is_empty());
        let one_policy = ExploreSettings {
            policies: Some(vec!["a".into(), "zz".into()]),
            ..ExploreSettings::default()
        };
        assert!(
            compare_outcomes(&worlds, &[outcome(Direction::Minimize)], &one_policy)
                .unwrap()
                .is_empty()
        );
    }
}
