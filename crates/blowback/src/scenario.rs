//! `scenarios.toml`: named sets of overrides, plus the optional `[report]` section that says which
//! variables and outcomes the comparison table and charts show.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::data::SeriesSpec;
use crate::error::CaseError;
use crate::window::Stat;

/// One named scenario: overrides of constants (and stock initial values) from a start date.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Scenario {
    /// Name, used on the command line (`--scenario NAME`) and in output file names.
    pub name: String,
    /// One or two sentences on what the scenario means.
    #[serde(default)]
    pub description: String,
    /// When its policies take effect; written into the model's start variable (see
    /// [`ScenarioFile::start_variable`]).
    #[serde(default)]
    pub start: Option<f64>,
    /// Constant overrides, by model name.
    #[serde(default)]
    pub overrides: BTreeMap<String, f64>,
}

/// One column of the comparison table: a statistic of a variable over a window.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Outcome {
    /// Column heading.
    pub label: String,
    /// Model variable.
    pub var: String,
    /// Statistic over the window.
    pub stat: Stat,
    /// Window start (inclusive).
    pub from: f64,
    /// Window end (exclusive).
    pub to: f64,
}

impl Outcome {
    fn new(label: &str, var: &str, stat: Stat, from: f64, to: f64) -> Self {
        Outcome {
            label: label.to_string(),
            var: var.to_string(),
            stat,
            from,
            to,
        }
    }
}

/// What the comparison table and the charts show.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct ReportSpec {
    /// Variables to chart, one chart each, scenarios overlaid.
    #[serde(default = "default_chart_variables")]
    pub variables: Vec<String>,
    /// Columns of the comparison table.
    #[serde(default = "default_outcomes", rename = "outcome")]
    pub outcomes: Vec<Outcome>,
    /// Historical series to plot as points; the calibration's series when empty.
    #[serde(default)]
    pub data: Vec<SeriesSpec>,
}

impl Default for ReportSpec {
    fn default() -> Self {
        ReportSpec {
            variables: default_chart_variables(),
            outcomes: default_outcomes(),
            data: Vec::new(),
        }
    }
}

/// The afpak case's key outcomes (issue 3 item 7), used when `scenarios.toml` has no `[report]`:
/// attacks in 2025 and 2030, cumulative attacks 2022-2030, relations with Kabul, the economy and
/// leverage over Kabul. Variables a model lacks are dropped with a warning at load time.
fn default_outcomes() -> Vec<Outcome> {
    let attacks = "terrorist_attacks_per_year";
    let ttp = "ttp_attacks_per_year";
    vec![
        Outcome::new("attacks 2025", attacks, Stat::Mean, 2025.0, 2026.0),
        Outcome::new("attacks 2030", attacks, Stat::Mean, 2030.0, 2031.0),
        Outcome::new("TTP 2025", ttp, Stat::Mean, 2025.0, 2026.0),
        Outcome::new("TTP 2030", ttp, Stat::Mean, 2030.0, 2031.0),
        Outcome::new("attacks 2022-30", attacks, Stat::Sum, 2022.0, 2031.0),
        Outcome::new(
            "relations 2025",
            "pak_kabul_relations",
            Stat::Mean,
            2025.0,
            2026.0,
        ),
        Outcome::new(
            "relations 2030",
            "pak_kabul_relations",
            Stat::Mean,
            2030.0,
            2031.0,
        ),
        Outcome::new(
            "confidence 2030",
            "economic_confidence",
            Stat::Mean,
            2030.0,
            2031.0,
        ),
        Outcome::new("reserves 2030", "fx_reserves", Stat::Mean, 2030.0, 2031.0),
        Outcome::new(
            "leverage 2025",
            "leverage_over_kabul",
            Stat::Mean,
            2025.0,
            2026.0,
        ),
    ]
}

fn default_chart_variables() -> Vec<String> {
    [
        "terrorist_attacks_per_year",
        "ttp_attacks_per_year",
        "ttp_fighters",
        "pak_kabul_relations",
        "economic_confidence",
        "fx_reserves",
        "leverage_over_kabul",
        "pro_taliban_constituency",
    ]
    .map(String::from)
    .to_vec()
}

fn default_start_variable() -> String {
    "policy_start_year".to_string()
}

/// The whole of `scenarios.toml`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct ScenarioFile {
    /// The scenarios, in file order.
    #[serde(default, rename = "scenario")]
    pub scenarios: Vec<Scenario>,
    /// The model constant a scenario's `start` sets (`policy_start_year` unless the file says).
    #[serde(default = "default_start_variable")]
    pub start_variable: String,
    /// The optional `[report]` section.
    #[serde(default)]
    pub report: Option<ReportSpec>,
}

impl ScenarioFile {
    /// Parses `scenarios.toml`; duplicate names are an error.
    pub fn parse(text: &str) -> Result<Self, CaseError> {
        let file: ScenarioFile =
            toml::from_str(text).map_err(|e| CaseError::toml("scenarios.toml", text, &e))?;
        for (i, scenario) in file.scenarios.iter().enumerate() {
            if file.scenarios[..i].iter().any(|s| s.name == scenario.name) {
                return Err(CaseError::invalid(
                    "scenarios.toml",
                    format!("scenario `{}` is defined twice", scenario.name),
                ));
            }
        }
        Ok(file)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_scenarios_with_integer_overrides() {
        let file = ScenarioFile::parse(
            "[[scenario]]\nname = \"a\"\nstart = 2022.5\n[scenario.overrides]\nx = 1\ny = 0.5\n",
        )
        .unwrap();
        assert_eq!(file.scenarios[0].overrides["x"], 1.0);
        assert_eq!(file.start_variable, "policy_start_year");
        assert!(file.report.is_none());
    }

    #[test]
    fn duplicate_names_are_rejected() {
        let err = ScenarioFile::parse("[[scenario]]\nname = \"a\"\n[[scenario]]\nname = \"a\"\n")
            .unwrap_err();
        assert!(err.to_string().contains("defined twice"), "{err}");
    }

    #[test]
    fn a_bad_stat_is_located() {
        let text = "[report]\n[[report.outcome]]\nlabel = \"x\"\nvar = \"y\"\nstat = \"median\"\nfrom = 1\nto = 2\n";
        let err = ScenarioFile::parse(text).unwrap_err();
        assert!(err.to_string().starts_with("scenarios.toml:"), "{err}");
    }
}
