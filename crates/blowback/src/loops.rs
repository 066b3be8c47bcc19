//! `loops.toml`: the feedback loops a case names, each with the essay paragraphs it rests on and a
//! reading in plain words.

use serde::Deserialize;

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
