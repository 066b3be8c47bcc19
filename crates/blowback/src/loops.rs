//! `loops.toml`: the feedback loops a case names, each with the essay paragraphs it rests on and a
//! reading in plain words; and the case's loops, found by the engine's search and named from it.

use blowback_sd::{canonical, FeedbackLoop, LoopError, LoopOptions, Overrides, RunError};
use serde::Deserialize;

use crate::case::Case;
use crate::error::CaseError;

/// A feedback loop the case names in `loops.toml`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct NamedLoop {
    /// The loop's name.
    pub name: String,
    /// Model variables around the loop, in causal order.
    pub variables: Vec<String>,
    /// Essay paragraphs the loop rests on.
    #[serde(default)]
    pub paragraphs: Vec<String>,
    /// `R` or `B`, as the case states it (the analysis computes its own).
    #[serde(default)]
    pub polarity: String,
    /// The loop in plain words.
    #[serde(default)]
    pub reading: String,
}

#[derive(Debug, Deserialize)]
struct LoopsFile {
    #[serde(rename = "loop", default)]
    loops: Vec<NamedLoop>,
}

/// Parses `loops.toml`: `[[loop]]` tables with a `name` and `variables`.
pub fn parse_loops(text: &str) -> Result<Vec<NamedLoop>, CaseError> {
    let file: LoopsFile =
        toml::from_str(text).map_err(|e| CaseError::toml("loops.toml", text, &e))?;
    Ok(file.loops)
}

/// The loops of a case's model under some overrides.
#[derive(Debug, Clone)]
pub struct CaseLoops {
    /// The loops the search found, then the named loops it did not reach. A loop with the
    /// variables of a named one carries its name.
    pub loops: Vec<FeedbackLoop>,
    /// Named loops that could not be built (two consecutive variables are not linked, say).
    pub unbuilt: Vec<(String, LoopError)>,
}

impl Case {
    /// The model's feedback loops under `overrides`: those the bounded search finds, then the
    /// loops `loops.toml` names that the search did not reach (the case names them, so they are
    /// analysed whatever their length). Every loop through the variables of a named loop takes
    /// its name.
    pub fn feedback_loops(
        &self,
        overrides: &Overrides,
        options: LoopOptions,
    ) -> Result<CaseLoops, RunError> {
        let simulation = self.simulation();
        let mut loops = simulation.feedback_loops(overrides, options)?;
        let mut unbuilt = Vec::new();
        for named in self.named_loops() {
            let variables: Vec<&str> = named.variables.iter().map(String::as_str).collect();
            match simulation.loop_through(overrides, &variables, loops.len()) {
                Ok(built) => {
                    let key = variable_set(&built.variables);
                    if !loops.iter().any(|l| variable_set(&l.variables) == key) {
                        loops.push(built);
                    }
                }
                Err(e) => unbuilt.push((named.name.clone(), e)),
            }
        }
        for l in &mut loops {
            let key = variable_set(&l.variables);
            // The last match wins, as a later entry of loops.toml overrides an earlier one.
            if let Some(named) = self
                .named_loops()
                .iter()
                .rev()
                .find(|n| variable_set(&n.variables) == key)
            {
                l.name = Some(named.name.clone());
            }
        }
        Ok(CaseLoops { loops, unbuilt })
    }

    /// Exactly the loops `loops.toml` names, each built through its variables and carrying its
    /// name, in file order; the first that cannot be built is an error.
    pub fn named_feedback_loops(
        &self,
        overrides: &Overrides,
    ) -> Result<Vec<FeedbackLoop>, (String, LoopError)> {
        let mut found = Vec::new();
        for named in self.named_loops() {
            let variables: Vec<&str> = named.variables.iter().map(String::as_str).collect();
            let mut built = self
                .simulation()
                .loop_through(overrides, &variables, found.len())
                .map_err(|e| (named.name.clone(), e))?;
            built.name = Some(named.name.clone());
            found.push(built);
        }
        Ok(found)
    }

    /// The named loop called `name`.
    pub fn named_loop(&self, name: &str) -> Option<&NamedLoop> {
        self.named_loops().iter().find(|l| l.name == name)
    }
}

/// A loop's variables as a set, in canonical form: two loops through the same variables are the
/// same loop whichever variable they start at.
fn variable_set(variables: &[String]) -> Vec<String> {
    let mut set: Vec<String> = variables.iter().map(|v| canonical(v)).collect();
    set.sort();
    set
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_named_loops() {
        let loops = parse_loops(
            "[[loop]]\nname = \"spiral\"\nvariables = [\"a\", \"b\"]\nparagraphs = [\"P4\"]\nlinks = [\"+\", \"+\"]\n",
        )
        .unwrap();
        assert_eq!(loops[0].name, "spiral");
        assert_eq!(loops[0].variables, ["a", "b"]);
        assert_eq!(loops[0].paragraphs, ["P4"]);
    }

    #[test]
    fn a_loop_without_variables_is_located() {
        let err = parse_loops("[[loop]]\nname = \"x\"\n").unwrap_err();
        assert!(err.to_string().starts_with("loops.toml:"), "{err}");
    }
}
