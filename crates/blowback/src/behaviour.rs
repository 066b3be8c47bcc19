//! `tests.toml`: behaviour tests that encode the essay's argument, and their evaluation.
//!
//! Two kinds, each able to fail. `compare` sets a statistic of one run against another's (or a
//! number), either side optionally scaled: "TTP attacks in 2022-2025 exceed the 2019-2020 mean",
//! "attacks in 2019 are under a third of 2014's". `bounds` runs a scenario with extra overrides
//! (extreme conditions) and checks that variables stay finite and inside ranges.
//!
//! A test states what the model is expected to show. Most expect to pass; a test written to
//! falsify a claim may record, with `expect = "fail"`, that the model does not bear the claim out,
//! so the finding is kept in the open and a change of verdict is noticed either way.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::case::{Case, ScenarioRuns};
use crate::error::CaseError;
use crate::window::{window_stat, Stat};

/// One side of a comparison: a statistic of a scenario's run, or a fixed number.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Side {
    /// Scenario whose run is summarised (absent with `value`).
    #[serde(default)]
    pub scenario: Option<String>,
    /// Variable (absent with `value`).
    #[serde(default)]
    pub var: Option<String>,
    /// Statistic (mean when absent).
    #[serde(default)]
    pub stat: Option<Stat>,
    /// Window start (inclusive); the run's start when absent.
    #[serde(default)]
    pub from: Option<f64>,
    /// Window end (exclusive); past the run's end when absent.
    #[serde(default)]
    pub to: Option<f64>,
    /// A fixed number instead of a statistic.
    #[serde(default)]
    pub value: Option<f64>,
    /// Factor the statistic (or number) is multiplied by.
    #[serde(default)]
    pub scale: Option<f64>,
}

/// One range check of a `bounds` test.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Bound {
    /// Variable.
    pub var: String,
    /// Smallest allowed value.
    #[serde(default = "neg_inf")]
    pub lo: f64,
    /// Largest allowed value.
    #[serde(default = "pos_inf")]
    pub hi: f64,
}

fn neg_inf() -> f64 {
    f64::NEG_INFINITY
}

fn pos_inf() -> f64 {
    f64::INFINITY
}

/// What a behaviour test checks.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum TestKind {
    /// `left op right`.
    Compare {
        /// Left side.
        left: Side,
        /// `>`, `<`, `>=` or `<=`.
        op: String,
        /// Right side.
        right: Side,
    },
    /// A scenario run with extra overrides whose variables must stay finite and within bounds.
    Bounds {
        /// The scenario to start from.
        scenario: String,
        /// Extra overrides on top of the scenario's.
        #[serde(default)]
        overrides: BTreeMap<String, f64>,
        /// The checks.
        bounds: Vec<Bound>,
    },
}

/// What the modeller expects a test's verdict to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Expectation {
    /// The model is expected to behave as the test says.
    #[default]
    Pass,
    /// The model is known not to bear the claim out; the failure is a reported finding.
    Fail,
}

/// One behaviour test from `tests.toml`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct BehaviourTest {
    /// Name, printed with the result.
    pub name: String,
    /// The claim of `claims.toml` it checks, if any.
    #[serde(default)]
    pub claim: Option<String>,
    /// The verdict the modeller expects.
    #[serde(default)]
    pub expect: Expectation,
    /// What it checks.
    #[serde(flatten)]
    pub kind: TestKind,
}

#[derive(Deserialize)]
struct TestFile {
    #[serde(default, rename = "test")]
    tests: Vec<BehaviourTest>,
}

/// Parses `tests.toml`.
pub fn parse_tests(text: &str) -> Result<Vec<BehaviourTest>, CaseError> {
    let file: TestFile =
        toml::from_str(text).map_err(|e| CaseError::toml("tests.toml", text, &e))?;
    for test in &file.tests {
        if let TestKind::Compare { op, .. } = &test.kind {
            if !matches!(op.as_str(), ">" | "<" | ">=" | "<=") {
                return Err(CaseError::invalid_with(
                    "tests.toml",
                    format!("test `{}`: unknown operator `{op}`", test.name),
                    Some("use one of >, <, >=, <=".into()),
                ));
            }
        }
    }
    Ok(file.tests)
}

/// Whether a check passed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CheckStatus {
    /// The model behaves as the test says.
    Pass,
    /// It does not.
    Fail,
    /// The link exists in the model's structure but could not be checked numerically.
    StructuralOnly,
}

impl CheckStatus {
    /// `PASS`, `FAIL` or `STRUCT`, for tables.
    pub fn label(self) -> &'static str {
        match self {
            CheckStatus::Pass => "PASS",
            CheckStatus::Fail => "FAIL",
            CheckStatus::StructuralOnly => "STRUCT",
        }
    }
}

/// The outcome of one behaviour or polarity test.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckResult {
    /// Test name.
    pub name: String,
    /// Whether it passed.
    pub status: CheckStatus,
    /// The numbers behind the verdict.
    pub detail: String,
    /// The verdict the modeller expects.
    pub expect: Expectation,
}

impl CheckResult {
    /// Whether the verdict is the expected one (structural-only checks count as expected).
    pub fn as_expected(&self) -> bool {
        match self.status {
            CheckStatus::Pass | CheckStatus::StructuralOnly => self.expect == Expectation::Pass,
            CheckStatus::Fail => self.expect == Expectation::Fail,
        }
    }
}

impl Case {
    /// How many model runs [`Case::check_behaviour`] makes beyond the scenario runs it is given:
    /// one per bounds test.
    pub fn behaviour_test_runs(&self) -> usize {
        self.tests()
            .iter()
            .filter(|t| matches!(t.kind, TestKind::Bounds { .. }))
            .count()
    }

    /// Evaluates every test of `tests.toml`. Comparisons use `runs` (one per scenario); bounds tests
    /// run their scenario again with their extra overrides on top of `base`.
    pub fn check_behaviour(
        &self,
        runs: &ScenarioRuns,
        base: &blowback_sd::Overrides,
    ) -> Result<Vec<CheckResult>, CaseError> {
        self.tests()
            .iter()
            .map(|test| self.check_one(test, runs, base))
            .collect()
    }

    fn check_one(
        &self,
        test: &BehaviourTest,
        runs: &ScenarioRuns,
        base: &blowback_sd::Overrides,
    ) -> Result<CheckResult, CaseError> {
        let result = |status, detail| CheckResult {
            name: test.name.clone(),
            status,
            detail,
            expect: test.expect,
        };
        match &test.kind {
            TestKind::Compare { left, op, right } => {
                let l = self.side_value(test, left, runs)?;
                let r = self.side_value(test, right, runs)?;
                let ok = match op.as_str() {
                    ">" => l > r,
                    "<" => l < r,
                    ">=" => l >= r,
                    _ => l <= r,
                };
                let status = if ok {
                    CheckStatus::Pass
                } else {
                    CheckStatus::Fail
                };
                Ok(result(status, format!("{l:.4} {op} {r:.4}")))
            }
            TestKind::Bounds {
                scenario,
                overrides,
                bounds,
            } => {
                let scenario_def = self.scenario(scenario).ok_or_else(|| {
                    self.unknown_scenario(&format!("test `{}`", test.name), scenario)
                })?;
                let mut o = self.overrides_for(scenario_def, base);
                for (name, value) in overrides {
                    o.set(name, *value);
                }
                let results = match self.simulation().run(&o) {
                    Ok(results) => results,
                    // A run that blows up is a failed extreme-condition test, not a broken case.
                    Err(blowback_sd::RunError::NonFinite {
                        variable,
                        time,
                        value,
                    }) => {
                        return Ok(result(
                            CheckStatus::Fail,
                            format!("`{variable}` became {value} at {time}"),
                        ))
                    }
                    Err(source) => {
                        return Err(CaseError::Run {
                            scenario: format!("test `{}`", test.name),
                            source,
                        })
                    }
                };
                let mut bad = Vec::new();
                for bound in bounds {
                    let column = results
                        .column(&bound.var)
                        .ok_or_else(|| self.unknown_variable(&test.name, &bound.var))?;
                    let lo = column.iter().copied().fold(f64::INFINITY, f64::min);
                    let hi = column.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                    let finite = column.iter().all(|v| v.is_finite());
                    if !finite || lo < bound.lo - 1e-9 || hi > bound.hi + 1e-9 {
                        bad.push(format!(
                            "{} in [{lo:.4}, {hi:.4}] not in [{}, {}]",
                            bound.var, bound.lo, bound.hi
                        ));
                    }
                }
                Ok(if bad.is_empty() {
                    result(
                        CheckStatus::Pass,
                        format!("{} variables within bounds", bounds.len()),
                    )
                } else {
                    result(CheckStatus::Fail, bad.join("; "))
                })
            }
        }
    }

    fn side_value(
        &self,
        test: &BehaviourTest,
        side: &Side,
        runs: &ScenarioRuns,
    ) -> Result<f64, CaseError> {
        let scale = side.scale.unwrap_or(1.0);
        if let Some(value) = side.value {
            return Ok(value * scale);
        }
        let what = format!("test `{}`", test.name);
        let (Some(scenario), Some(var)) = (&side.scenario, &side.var) else {
            return Err(CaseError::invalid_with(
                "tests.toml",
                format!("{what}: a side needs `scenario` and `var`, or `value`"),
                None,
            ));
        };
        let results = runs
            .get(scenario)
            .ok_or_else(|| self.unknown_scenario(&what, scenario))?;
        let column = results
            .column(var)
            .ok_or_else(|| self.unknown_variable(&test.name, var))?;
        let from = side.from.unwrap_or(f64::NEG_INFINITY);
        let to = side.to.unwrap_or(f64::INFINITY);
        let stat = side.stat.unwrap_or(Stat::Mean);
        window_stat(results.times(), column, stat, from, to)
            .map(|v| v * scale)
            .ok_or_else(|| {
                CaseError::invalid_with(
                    "tests.toml",
                    format!("{what}: no saved time of `{var}` lies in [{from}, {to})"),
                    Some("check the window against the model's start and stop".into()),
                )
            })
    }

    fn unknown_variable(&self, test: &str, var: &str) -> CaseError {
        CaseError::invalid_with(
            "tests.toml",
            format!("test `{test}`: the model has no variable `{var}`"),
            self.suggest(var).map(|s| format!("did you mean `{s}`?")),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_both_kinds() {
        let text = r#"
[[test]]
name = "a"
kind = "compare"
op = ">"
left = { scenario = "s", var = "x", stat = "mean", from = 1, to = 2 }
right = { value = 3 }

[[test]]
name = "b"
kind = "bounds"
scenario = "s"
overrides = { k = 0 }
bounds = [{ var = "x", lo = 0, hi = 1 }]
"#;
        let tests = parse_tests(text).unwrap();
        assert_eq!(tests.len(), 2);
        assert_eq!(tests[0].expect, Expectation::Pass);
        assert!(matches!(&tests[1].kind, TestKind::Bounds { bounds, .. } if bounds[0].hi == 1.0));
    }

    #[test]
    fn an_expected_failure_and_a_scale_parse() {
        let text = "[[test]]\nname = \"a\"\nclaim = \"c\"\nexpect = \"fail\"\nkind = \"compare\"\nop = \"<\"\nleft = { value = 1 }\nright = { value = 3, scale = 0.25 }\n";
        let tests = parse_tests(text).unwrap();
        assert_eq!(tests[0].expect, Expectation::Fail);
        assert_eq!(tests[0].claim.as_deref(), Some("c"));
        assert!(
            matches!(&tests[0].kind, TestKind::Compare { right, .. } if right.scale == Some(0.25))
        );
    }

    #[test]
    fn an_unknown_kind_is_located() {
        let err = parse_tests("[[test]]\nname = \"a\"\nkind = \"shape\"\n").unwrap_err();
        assert!(err.to_string().starts_with("tests.toml:"), "{err}");
    }

    #[test]
    fn an_unknown_operator_is_rejected() {
        let text = "[[test]]\nname = \"a\"\nkind = \"compare\"\nop = \"==\"\nleft = { value = 1 }\nright = { value = 1 }\n";
        assert!(parse_tests(text).unwrap_err().to_string().contains("=="));
    }
}
