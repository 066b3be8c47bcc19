//! The uncertainties file: which parameters are uncertain, how (distribution and range), and on
//! what grounds (source or judgement). Other top-level tables (outcomes, conclusions) belong to the
//! caller and are ignored here.

use blowback_diagnostic::Located;
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
        let located = Located::new(err.message().trim());
        ExploreError::Syntax(match err.span() {
            Some(span) => located.at(text, span),
            None => located.at(text, 0..0),
        })
    })?;
    if raw.parameter.is_empty() {
        return Err(ExploreError::Syntax(
            Located::new("no [[parameter]] tables: nothing is uncertain")
                .at(text, 0..0)
                .with_help("add a [[parameter]] table per uncertain constant"),
        ));
    }
    let mut seen = std::collections::HashSet::new();
    raw.parameter
        .into_iter()
        .map(|p| {
            let span = p.name.span();
            let name = p.name.into_inner();
            let fail = |message: String, hint: &str| ExploreError::Distribution {
                parameter: name.clone(),
                error: Located::new(format!("parameter `{name}`: {message}"))
                    .at(text, span.clone())
                    .with_help(hint),
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
        match parse_parameters(text).unwrap_err() {
            ExploreError::Distribution { parameter, error } => {
                assert_eq!(parameter, "x");
                // Located at the parameter's name: line 2, after `name = `.
                assert_eq!((error.line(), error.column()), (Some(2), Some(8)));
                assert!(error.message.contains("low < high"), "{error}");
            }
            other => panic!("{other}"),
        }
    }

    #[test]
    fn syntax_error_has_location() {
        let text = "[[parameter]]\nname = \"x\"\ndistribution = uniform\n";
        match parse_parameters(text).unwrap_err() {
            ExploreError::Syntax(located) => assert_eq!(located.line(), Some(3)),
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
