//! The case lint (`blowback check --lint CASE`): what a reviewer of a case's model expects of every
//! variable, checked so that a model file edited by hand stays reviewable.
//!
//! - Every variable has a `<doc>` that says where it comes from: an essay paragraph (`[Pn]`) or one
//!   of the provenance words `Source`, `Judgement`, `Fitted`, `Convention`, `Input`, `Lever`,
//!   `Structure switch`, `Measurement`.
//! - Every variable has units.
//! - Plausible ranges live only in the uncertainties file: a doc that states one is flagged.
//! - Every constant whose doc calls it a judgement or fitted is an uncertain parameter of the
//!   uncertainties file, and its value in the model lies inside the parameter's range; and every
//!   uncertain parameter is such a constant (sampling a sourced value or a convention is a mistake
//!   the other way round).

use blowback_diagnostic::Located;
use blowback_sd::{canonical, NodeRole, VariableKind};

use crate::case::Case;

/// Words that give a variable's provenance (besides an essay citation `[Pn]`).
pub const PROVENANCE_WORDS: &[&str] = &[
    "Source",
    "Judgement",
    "Fitted",
    "Convention",
    "Input",
    "Lever",
    "Structure switch",
    "Measurement",
];

/// One finding of the lint, located in the model file when the reader kept the variable's span.
#[derive(Debug, Clone, PartialEq)]
pub struct LintFinding {
    /// The variable (or parameter) concerned.
    pub variable: String,
    /// What is wrong, located in the model file (or in the uncertainties file for a parameter).
    pub problem: Located,
    /// Which file `problem` is located in.
    pub file: LintFile,
}

/// The file a lint finding points into.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LintFile {
    /// The model file.
    Model,
    /// The uncertainties file.
    Uncertainties,
}

fn has_citation(doc: &str) -> bool {
    let bytes = doc.as_bytes();
    (0..bytes.len().saturating_sub(2)).any(|i| {
        bytes[i] == b'['
            && bytes[i + 1] == b'P'
            && bytes[i + 2..]
                .iter()
                .take_while(|b| b.is_ascii_digit())
                .count()
                > 0
    })
}

fn states_a_range(doc: &str) -> bool {
    let lower = doc.to_ascii_lowercase();
    lower.contains("plausible range")
}

impl Case {
    /// Lints the case's model against its uncertainties file (see the module docs). `model_text`
    /// and `uncertainties_text` locate the findings.
    pub fn lint(&self, model_text: &str, uncertainties_text: Option<&str>) -> Vec<LintFinding> {
        let mut findings = Vec::new();
        let at = |span: Option<std::ops::Range<usize>>, message: String| match span {
            Some(span) => Located::new(message).at(model_text, span),
            None => Located::new(message),
        };
        let parameters: Vec<(&str, f64, f64)> = self
            .uncertainties()
            .map(|u| {
                u.parameters
                    .iter()
                    .map(|p| {
                        let (lo, hi) = p.distribution.bounds();
                        (p.name.as_str(), lo, hi)
                    })
                    .collect()
            })
            .unwrap_or_default();
        let is_constant = |name: &str| {
            self.simulation()
                .variables()
                .any(|v| v.role == NodeRole::Constant && canonical(v.name) == canonical(name))
        };
        let Some(model) = self.project().main_model() else {
            return findings;
        };
        for variable in &model.variables {
            if matches!(variable.kind, VariableKind::Module { .. }) {
                continue;
            }
            let name = &variable.name;
            let span = variable.span.clone();
            let doc = variable.doc.as_deref().unwrap_or("").trim();
            let mut push = |message: String, help: &str| {
                findings.push(LintFinding {
                    variable: name.clone(),
                    problem: at(span.clone(), message).with_help(help),
                    file: LintFile::Model,
                });
            };
            if doc.is_empty() {
                push(
                    format!("`{name}` has no <doc>"),
                    "say what it is and where it comes from: [Pn], Source:, Judgement:, Convention:",
                );
            } else if !has_citation(doc) && !PROVENANCE_WORDS.iter().any(|w| doc.contains(w)) {
                push(
                    format!("`{name}`'s <doc> does not say where it comes from"),
                    "cite the essay ([Pn]) or start a sentence with Source:, Judgement:, Fitted:, Convention: or Input:",
                );
            }
            if states_a_range(doc) {
                push(
                    format!("`{name}`'s <doc> states a plausible range"),
                    "ranges live in uncertainties.toml only; say `Judgement:` and why, and put the range there",
                );
            }
            if variable
                .units
                .as_deref()
                .is_none_or(|u| u.trim().is_empty())
            {
                push(
                    format!("`{name}` has no units"),
                    "give <units> (dmnl for a pure number)",
                );
            }
            let uncertain = doc.contains("Judgement") || doc.starts_with("Fitted");
            if uncertain && is_constant(name) {
                let value = self.simulation().default_value(name);
                match parameters
                    .iter()
                    .find(|(p, _, _)| canonical(p) == canonical(name))
                {
                    None => push(
                        format!("`{name}` is a judgement or fitted constant but has no [[parameter]] in uncertainties.toml"),
                        "add it with its plausible range, so explore samples it",
                    ),
                    Some((_, lo, hi)) => {
                        if let Some(v) = value {
                            if v < *lo - 1e-12 || v > *hi + 1e-12 {
                                push(
                                    format!("`{name}` = {v} lies outside its range [{lo}, {hi}] in uncertainties.toml"),
                                    "move the value or widen the range (and say why)",
                                );
                            }
                        }
                    }
                }
            }
        }
        for (parameter, _, _) in &parameters {
            let declared = model
                .variables
                .iter()
                .find(|v| canonical(&v.name) == canonical(parameter));
            let Some(variable) = declared else { continue };
            let doc = variable.doc.as_deref().unwrap_or("");
            if !(doc.contains("Judgement") || doc.trim_start().starts_with("Fitted")) {
                let problem = Located::new(format!(
                    "uncertain parameter `{parameter}` is not a judgement or fitted constant in the model"
                ))
                .with_help("sample only judgements and fitted values; mark the constant's <doc> or drop the [[parameter]]");
                let problem = match uncertainties_text
                    .and_then(|t| t.find(&format!("name = \"{parameter}\"")).map(|i| (t, i)))
                {
                    Some((text, i)) => problem.at(text, i..i + parameter.len() + 9),
                    None => problem,
                };
                findings.push(LintFinding {
                    variable: parameter.to_string(),
                    problem,
                    file: LintFile::Uncertainties,
                });
            }
        }
        findings
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn citations_and_ranges_are_recognised() {
        assert!(has_citation("Backing rises with fear [P8] [P17]."));
        assert!(!has_citation("Pakistan's Pashtuns [Pashto speakers]."));
        assert!(states_a_range("Judgement, plausible range 0.1-0.5."));
        assert!(!states_a_range("Judgement: how fast fear fades."));
    }
}
