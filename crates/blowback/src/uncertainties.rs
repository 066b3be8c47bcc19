//! `uncertainties.toml`: what `blowback explore` samples and what it measures.
//!
//! The `[[parameter]]` tables (distributions and their sources) are read by
//! `blowback_explore::parse_parameters`; this module reads the rest, straight into typed values:
//! `[explore]` settings, `[[structure]]` (a rival structure of the model: switches under which every
//! sampled world is run again), `[[outcome]]` (a statistic of a model variable over a window, and
//! whether less or more is better), `[[share]]` (how often, across worlds, an outcome meets a
//! condition), `[[conclusion]]` (a comparison of two scenario outcomes that paraphrases a claim of
//! the essay) and `[[prim]]` (when a policy counts as failing, for scenario discovery).
//! Names are checked against the model and the scenarios when the case loads.

use std::collections::BTreeMap;

use blowback_explore::{Direction, Method, Parameter};
use serde::Deserialize;

use crate::error::CaseError;
use crate::window::Stat;

/// The whole of an uncertainties file.
#[derive(Debug, Clone, PartialEq)]
pub struct Uncertainties {
    /// The uncertain parameters, with their distributions.
    pub parameters: Vec<Parameter>,
    /// The `[explore]` table.
    pub settings: ExploreSettings,
    /// What each run measures.
    pub outcomes: Vec<OutcomeSpec>,
    /// Claims checked across the sampled worlds.
    pub conclusions: Vec<Conclusion>,
    /// Scenario-discovery questions.
    pub prim: Vec<PrimSpec>,
    /// Rival structures every world is also run under (empty: the model as it is).
    pub structures: Vec<StructureSpec>,
    /// How often outcomes meet conditions.
    pub shares: Vec<ShareSpec>,
}

/// A rival structure: switches (constant overrides) that replace one mechanism by another.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StructureSpec {
    /// Its name; runs under it are named `scenario@name` (the first structure, when it sets
    /// nothing, keeps the scenarios' own names).
    pub name: String,
    /// What it assumes.
    #[serde(default)]
    pub description: String,
    /// The switches it sets.
    #[serde(default)]
    pub overrides: BTreeMap<String, f64>,
}

/// The share of worlds in which an outcome meets a condition, per scenario and structure.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShareSpec {
    /// Its name in the output.
    pub name: String,
    /// The outcome.
    pub outcome: String,
    /// The comparison with `value`.
    pub op: Comparison,
    /// The level compared with.
    pub value: f64,
    /// Essay paragraphs the question bears on.
    #[serde(default)]
    pub paragraphs: Vec<String>,
    /// Why it is asked, in our words.
    #[serde(default)]
    pub paraphrase: String,
}

/// The `[explore]` table: defaults for the command line, and what to chart and compare.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExploreSettings {
    /// Sampling method.
    pub method: Option<SamplingMethod>,
    /// Experiments (or base samples, trajectories, levels: see [`SamplingMethod`]).
    pub samples: Option<usize>,
    /// Base seed.
    pub seed: Option<u64>,
    /// Scenarios to run (default: all).
    pub scenarios: Option<Vec<String>>,
    /// Variables whose percentile envelopes over time are charted.
    #[serde(default)]
    pub envelopes: Vec<String>,
    /// The scenario whose Sobol/Morris indices are printed (default: the first).
    pub sensitivity_scenario: Option<String>,
    /// The scenarios compared as policies (regret, best share); default: all that run.
    pub policies: Option<Vec<String>>,
    /// Weight or filter the sampled worlds by their fit to the record (the calibration's series).
    pub fit: Option<FitWeighting>,
}

/// How sampled worlds are weighted by their fit to the record, the calibration's cost of their
/// run (weighted squared residuals over the fitting window).
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(tag = "method", rename_all = "lowercase", deny_unknown_fields)]
pub enum FitWeighting {
    /// Keep the share `keep` of worlds that fit best, equally weighted.
    Best {
        /// Share of worlds kept (0..1].
        keep: f64,
    },
    /// Weight by the tempered likelihood exp(-(cost - best) / (2 temperature)); with many
    /// observations and small measurement errors the plain likelihood (temperature 1) leaves a
    /// handful of worlds, so a temperature spreads the weight.
    Likelihood {
        /// Temperature (1 = the plain likelihood).
        #[serde(default = "one")]
        temperature: f64,
        /// Drop worlds whose cost exceeds the best world's by more than this.
        cutoff: Option<f64>,
    },
}

/// How experiments are chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SamplingMethod {
    /// Monte Carlo (`mc` or `montecarlo`).
    #[serde(alias = "montecarlo")]
    Mc,
    /// Latin hypercube (`lhs`).
    Lhs,
    /// Saltelli's design for Sobol indices (`sobol` or `saltelli`).
    #[serde(alias = "saltelli")]
    Sobol,
    /// Morris trajectories on a four-level grid (`morris`).
    Morris,
    /// Full factorial (`factorial`).
    Factorial,
}

impl SamplingMethod {
    /// The design method it stands for.
    pub fn design_method(self) -> Method {
        match self {
            SamplingMethod::Mc => Method::MonteCarlo,
            SamplingMethod::Lhs => Method::LatinHypercube,
            SamplingMethod::Sobol => Method::Saltelli,
            SamplingMethod::Morris => Method::Morris { levels: 4 },
            SamplingMethod::Factorial => Method::FullFactorial,
        }
    }
}

/// One outcome: a statistic of a model variable over a window of time.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OutcomeSpec {
    /// The outcome's name (a Parquet column).
    pub name: String,
    /// The model variable.
    pub variable: String,
    /// The statistic.
    pub stat: Stat,
    /// Window start (default: the run's start).
    pub from: Option<f64>,
    /// Window end, exclusive (default: the run's end).
    pub to: Option<f64>,
    /// Whether less or more is better.
    #[serde(default = "minimize")]
    pub direction: Direction,
    /// Satisficing level: at most it when minimising, at least it when maximising.
    pub threshold: Option<f64>,
    /// Whether to compare policies on this outcome (false for historical windows).
    #[serde(default = "yes")]
    pub compare: bool,
}

fn minimize() -> Direction {
    Direction::Minimize
}

fn yes() -> bool {
    true
}

/// A claim checked in every sampled world: `left op right`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Conclusion {
    /// Its name in the output.
    pub name: String,
    /// Essay paragraphs it paraphrases.
    #[serde(default)]
    pub paragraphs: Vec<String>,
    /// The claim in our own words.
    #[serde(default)]
    pub paraphrase: String,
    /// Left-hand side.
    pub left: Term,
    /// The comparison.
    pub op: Comparison,
    /// Right-hand side.
    pub right: Term,
}

/// One side of a conclusion: an outcome under a scenario, times a factor.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Term {
    /// The scenario.
    pub scenario: String,
    /// The outcome's name.
    pub outcome: String,
    /// A factor applied to the outcome (default 1).
    #[serde(default = "one")]
    pub factor: f64,
}

fn one() -> f64 {
    1.0
}

/// How the two sides of a conclusion compare.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub enum Comparison {
    /// `<`
    #[serde(rename = "<")]
    Less,
    /// `<=`
    #[serde(rename = "<=")]
    LessOrEqual,
    /// `>`
    #[serde(rename = ">")]
    Greater,
    /// `>=`
    #[serde(rename = ">=")]
    GreaterOrEqual,
}

impl Comparison {
    /// Whether `left op right` holds.
    pub fn holds(self, left: f64, right: f64) -> bool {
        match self {
            Comparison::Less => left < right,
            Comparison::LessOrEqual => left <= right,
            Comparison::Greater => left > right,
            Comparison::GreaterOrEqual => left >= right,
        }
    }
}

/// A scenario-discovery question: in which worlds does a policy fail?
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(try_from = "RawPrim")]
pub struct PrimSpec {
    /// Its name in the output.
    pub name: String,
    /// The scenario whose failures are looked for.
    pub policy: String,
    /// The outcome judged.
    pub outcome: String,
    /// What counts as failing.
    pub failure: Failure,
}

/// When a policy counts as failing in a world.
#[derive(Debug, Clone, PartialEq)]
pub enum Failure {
    /// It does not improve on the baseline scenario in that world by at least `margin` (a share:
    /// 0.1 means it must cut a minimised outcome by 10%).
    NoBetterThan {
        /// The baseline scenario.
        baseline: String,
        /// The share it must improve by.
        margin: f64,
    },
    /// Its outcome is worse than this level.
    WorseThan(f64),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPrim {
    name: String,
    policy: String,
    outcome: String,
    baseline: Option<String>,
    #[serde(default)]
    margin: f64,
    threshold: Option<f64>,
}

impl TryFrom<RawPrim> for PrimSpec {
    type Error = String;

    fn try_from(raw: RawPrim) -> Result<Self, String> {
        let failure = match (raw.baseline, raw.threshold) {
            (Some(baseline), None) => Failure::NoBetterThan {
                baseline,
                margin: raw.margin,
            },
            (None, Some(threshold)) => Failure::WorseThan(threshold),
            (Some(_), Some(_)) => {
                return Err(format!(
                    "PRIM `{}`: give a baseline scenario or a threshold, not both",
                    raw.name
                ))
            }
            (None, None) => {
                return Err(format!(
                    "PRIM `{}`: give a baseline scenario or a threshold",
                    raw.name
                ))
            }
        };
        Ok(PrimSpec {
            name: raw.name,
            policy: raw.policy,
            outcome: raw.outcome,
            failure,
        })
    }
}

/// Every table but `[[parameter]]`, which `parse_parameters` reads.
#[derive(Debug, Deserialize)]
struct RawFile {
    #[serde(default)]
    explore: ExploreSettings,
    #[serde(default)]
    outcome: Vec<OutcomeSpec>,
    #[serde(default)]
    conclusion: Vec<Conclusion>,
    #[serde(default)]
    prim: Vec<PrimSpec>,
    #[serde(default)]
    structure: Vec<StructureSpec>,
    #[serde(default)]
    share: Vec<ShareSpec>,
}

/// Parses an uncertainties file. Names are checked when the case loads.
pub fn parse_uncertainties(text: &str) -> Result<Uncertainties, CaseError> {
    let parameters =
        blowback_explore::parse_parameters(text).map_err(|source| CaseError::Explore {
            file: "uncertainties.toml".into(),
            source: Box::new(source),
        })?;
    let raw: RawFile =
        toml::from_str(text).map_err(|e| CaseError::toml("uncertainties.toml", text, &e))?;
    Ok(Uncertainties {
        parameters,
        settings: raw.explore,
        outcomes: raw.outcome,
        conclusions: raw.conclusion,
        prim: raw.prim,
        structures: raw.structure,
        shares: raw.share,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const PARAMETER: &str =
        "[[parameter]]\nname = \"x\"\ndistribution = \"uniform\"\nlow = 0\nhigh = 1\n";

    #[test]
    fn reads_every_table_into_types() {
        let text = format!(
            "[explore]\nmethod = \"saltelli\"\nsamples = 8\n{PARAMETER}\
             [[outcome]]\nname = \"o\"\nvariable = \"v\"\nstat = \"sum\"\ndirection = \"maximize\"\n\
             [[conclusion]]\nname = \"c\"\nleft = {{ scenario = \"a\", outcome = \"o\" }}\nop = \">=\"\n\
             right = {{ scenario = \"b\", outcome = \"o\", factor = 2 }}\n\
             [[prim]]\nname = \"p\"\npolicy = \"a\"\noutcome = \"o\"\nbaseline = \"b\"\nmargin = 0.1\n"
        );
        let u = parse_uncertainties(&text).unwrap();
        assert_eq!(u.parameters.len(), 1);
        assert_eq!(u.settings.method, Some(SamplingMethod::Sobol));
        assert_eq!(u.outcomes[0].direction, Direction::Maximize);
        assert!(u.outcomes[0].compare);
        assert_eq!(u.conclusions[0].op, Comparison::GreaterOrEqual);
        assert_eq!(u.conclusions[0].right.factor, 2.0);
        assert_eq!(
            u.prim[0].failure,
            Failure::NoBetterThan {
                baseline: "b".into(),
                margin: 0.1
            }
        );
    }

    #[test]
    fn structures_shares_and_fit_weighting_parse() {
        let text = format!(
            "[explore]\nfit = {{ method = \"likelihood\", temperature = 4, cutoff = 30 }}\n{PARAMETER}\
             [[structure]]\nname = \"base\"\n\
             [[structure]]\nname = \"rival\"\noverrides = {{ switch = 1 }}\n\
             [[share]]\nname = \"s\"\noutcome = \"o\"\nop = \">=\"\nvalue = 0.5\n"
        );
        let u = parse_uncertainties(&text).unwrap();
        assert_eq!(
            u.settings.fit,
            Some(FitWeighting::Likelihood {
                temperature: 4.0,
                cutoff: Some(30.0)
            })
        );
        let best = parse_uncertainties(&format!(
            "[explore]\nfit = {{ method = \"best\", keep = 0.25 }}\n{PARAMETER}"
        ))
        .unwrap();
        assert_eq!(best.settings.fit, Some(FitWeighting::Best { keep: 0.25 }));
        assert_eq!(u.structures.len(), 2);
        assert_eq!(u.structures[1].overrides["switch"], 1.0);
        assert_eq!(u.shares[0].op, Comparison::GreaterOrEqual);
    }

    #[test]
    fn a_bad_operator_or_direction_is_located() {
        for bad in [
            "[[conclusion]]\nname = \"c\"\nleft = { scenario = \"a\", outcome = \"o\" }\nop = \"=\"\nright = { scenario = \"b\", outcome = \"o\" }\n",
            "[[outcome]]\nname = \"o\"\nvariable = \"v\"\nstat = \"sum\"\ndirection = \"down\"\n",
        ] {
            let err = parse_uncertainties(&format!("{PARAMETER}{bad}")).unwrap_err();
            assert!(err.to_string().starts_with("uncertainties.toml:"), "{err}");
        }
    }

    #[test]
    fn prim_needs_exactly_one_failure_criterion() {
        for (fields, expected) in [
            ("", "give a baseline"),
            ("baseline = \"b\"\nthreshold = 1\n", "not both"),
        ] {
            let text = format!(
                "{PARAMETER}[[prim]]\nname = \"p\"\npolicy = \"a\"\noutcome = \"o\"\n{fields}"
            );
            let err = parse_uncertainties(&text).unwrap_err().to_string();
            assert!(err.contains(expected), "{err}");
        }
    }

    #[test]
    fn comparisons_hold_as_written() {
        assert!(Comparison::Less.holds(1.0, 2.0) && !Comparison::Less.holds(2.0, 2.0));
        assert!(Comparison::LessOrEqual.holds(2.0, 2.0));
        assert!(Comparison::Greater.holds(3.0, 2.0) && Comparison::GreaterOrEqual.holds(2.0, 2.0));
    }
}
