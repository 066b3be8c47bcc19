//! The uncertainties file: which parameters are uncertain, how (distribution and range), and on
//! what grounds (source or judgement). Other top-level tables (outcomes, conclusions) belong to the
//! caller and are ignored here.

use serde::Deserialize;

use crate::distribution::Distribution;
use crate::error::ExploreError;

/// One uncertain parameter.
#[derive(Debug, Clone, PartialEq)]
pub struct Parameter {
    /// The name the model knows it by.
    pub name: String,
    /// Its distribution over plausible worlds.
    pub distribution: Distribution,
    /// Where the range comes from: a citation, a data series, or a stated judgement.
    pub source: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawParameter {
    name: toml::Spanned<String>,
    distribution: String,
    low: Option<f64>,
    high: Option<f64>,
    mode: Option<f64>,
    mean: Option<f64>,
    sd: Option<f64>,
    values: Option<Vec<f64>>,
    weights: Option<Vec<f64>>,
    #[serde(default)]
    source: String,
}

#[derive(Debug, Deserialize)]
struct RawFile {
    #[serde(default)]
    parameter: Vec<RawParameter>,
}

/// Parses the `[[parameter]]` tables of an uncertainties file.
///
/// Errors carry the line and column of the offending text and a hint.
pub fn parse_parameters(text: &str) -> Result<Vec<Parameter>, ExploreError> {
    let raw: RawFile = toml::from_str(text).map_err(|err| {
        let (line, column) = err
            .span()
            .map(|span| line_column(text, span.start))
            .unwrap_or((1, 1));
        ExploreError::Syntax {
            line,
            column,
            message: err.message().to_string(),
        }
    })?;
    if raw.parameter.is_empty() {
        return Err(ExploreError::Syntax {
            line: 1,
            column: 1,
            message: "no [[parameter]] tables: nothing is uncertain".into(),
        });
    }
    let mut seen = std::collections::HashSet::new();
    raw.parameter
        .into_iter()
        .map(|p| {
            let (line, _) = line_column(text, p.name.span().start);
            let name = p.name.into_inner();
            let fail = |message: String, hint: &str| ExploreError::Distribution {
                parameter: name.clone(),
                line,
                message,
                hint: hint.to_string(),
            };
            if !seen.insert(name.clone()) {
                return Err(fail("listed twice".into(), "keep one entry per parameter"));
            }
            let need = |field: Option<f64>, what: &str| {
                field.ok_or_else(|| {
                    fail(
                        format!("`{}` needs `{what}`", p.distribution),
                        "see the distribution's fields in the file header",
                    )
                })
            };
            let distribution = match p.distribution.as_str() {
                "uniform" => Distribution::Uniform {
                    low: need(p.low, "low")?,
                    high: need(p.high, "high")?,
                },
                "triangular" => Distribution::Triangular {
                    low: need(p.low, "low")?,
                    mode: need(p.mode, "mode")?,
                    high: need(p.high, "high")?,
                },
                "truncated_normal" | "normal" => Distribution::TruncatedNormal {
                    mean: need(p.mean, "mean")?,
                    sd: need(p.sd, "sd")?,
                    low: need(p.low, "low")?,
                    high: need(p.high, "high")?,
                },
                "log_uniform" | "loguniform" => Distribution::LogUniform {
                    low: need(p.low, "low")?,
                    high: need(p.high, "high")?,
                },
                "discrete" => {
                    let values = p.values.clone().ok_or_else(|| {
                        fail("`discrete` needs `values`".into(), "values = [a, b, c]")
                    })?;
                    let weights = p.weights.clone().unwrap_or_else(|| vec![1.0; values.len()]);
                    Distribution::Discrete { values, weights }
                }
                other => {
                    return Err(fail(
                        format!("unknown distribution `{other}`"),
                        "use uniform, triangular, truncated_normal, log_uniform or discrete",
                    ))
                }
            };
            distribution
                .validate()
                .map_err(|(message, hint)| fail(message, &hint))?;
            Ok(Parameter {
                name,
                distribution,
                source: p.source,
            })
        })
        .collect()
}

/// 1-based line and column of a byte offset.
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_distribution() {
        let text = r#"
[[parameter]]
name = "a"
distribution = "uniform"
low = 0
high = 2
source = "judgement"

[[parameter]]
name = "b"
distribution = "triangular"
low = 0.0
mode = 0.5
high = 1.0

[[parameter]]
name = "c"
distribution = "truncated_normal"
mean = 1.0
sd = 0.3
low = 0.0
high = 2.0

[[parameter]]
name = "d"
distribution = "log_uniform"
low = 0.1
high = 10.0

[[parameter]]
name = "e"
distribution = "discrete"
values = [1, 2, 3]

[[outcome]]
name = "ignored here"
"#;
        let params = parse_parameters(text).unwrap();
        assert_eq!(params.len(), 5);
        assert_eq!(params[0].source, "judgement");
        assert_eq!(
            params[4].distribution,
            Distribution::Discrete {
                values: vec![1.0, 2.0, 3.0],
                weights: vec![1.0; 3]
            }
        );
    }

    #[test]
    fn bad_range_names_parameter_and_line() {
        let text = "[[parameter]]\nname = \"x\"\ndistribution = \"uniform\"\nlow = 3\nhigh = 1\n";
        let err = parse_parameters(text).unwrap_err().to_string();
        assert!(
            err.contains("x") && err.contains("line 2") && err.contains("low < high"),
            "{err}"
        );
    }

    #[test]
    fn syntax_error_has_location() {
        let text = "[[parameter]]\nname = \"x\"\ndistribution = uniform\n";
        match parse_parameters(text).unwrap_err() {
            ExploreError::Syntax { line, .. } => assert_eq!(line, 3),
            other => panic!("{other}"),
        }
    }

    #[test]
    fn missing_field_and_unknown_distribution_are_errors() {
        let missing =
            "[[parameter]]\nname = \"x\"\ndistribution = \"triangular\"\nlow = 0\nhigh = 1\n";
        assert!(parse_parameters(missing)
            .unwrap_err()
            .to_string()
            .contains("mode"));
        let unknown = "[[parameter]]\nname = \"x\"\ndistribution = \"beta\"\n";
        assert!(parse_parameters(unknown)
            .unwrap_err()
            .to_string()
            .contains("beta"));
    }
}
