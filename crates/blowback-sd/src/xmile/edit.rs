//! Targeted edits of XMILE text: change the values of constants and leave every other byte as it
//! was, so a calibration written back into a model file reads as a small diff (documentation,
//! views, formatting and comments untouched).

use roxmltree::{Document, ParsingOptions};

use crate::name::canonical;

/// Why constants could not be set.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum EditError {
    /// The text is not well-formed XML.
    #[error("the model is not well-formed XML: {0}")]
    Xml(String),
    /// No variable has this name.
    #[error("no variable `{0}` in the model")]
    Unknown(String),
    /// The variable's equation is not a plain number, so writing a value would replace logic.
    #[error("`{name}` is not a constant (its equation is `{equation}`)")]
    NotConstant {
        /// The variable.
        name: String,
        /// Its equation as written.
        equation: String,
    },
    /// A value to write is not finite.
    #[error("the value for `{0}` is not a finite number")]
    NotFinite(String),
}

/// Returns `text` with the equation of each named constant replaced by its new value, written
/// with enough digits to round-trip. Names are compared canonically; only variables whose equation
/// is a plain number (an unchanged constant) may be set.
pub fn set_constants(text: &str, values: &[(&str, f64)]) -> Result<String, EditError> {
    let options = ParsingOptions {
        allow_dtd: true,
        ..ParsingOptions::default()
    };
    let doc =
        Document::parse_with_options(text, options).map_err(|e| EditError::Xml(e.to_string()))?;
    let mut edits: Vec<(std::ops::Range<usize>, String)> = Vec::new();
    for (name, value) in values {
        if !value.is_finite() {
            return Err(EditError::NotFinite((*name).to_string()));
        }
        let wanted = canonical(name);
        let variable = doc
            .descendants()
            .filter(|n| n.is_element() && matches!(n.tag_name().name(), "aux" | "flow" | "stock"))
            .find(|n| n.attribute("name").is_some_and(|a| canonical(a) == wanted))
            .ok_or_else(|| EditError::Unknown((*name).to_string()))?;
        let eqn = variable
            .children()
            .find(|n| n.is_element() && n.tag_name().name() == "eqn");
        let text_node = eqn.and_then(|e| e.first_child()).filter(|t| t.is_text());
        let equation = text_node.and_then(|t| t.text()).unwrap_or("");
        let is_constant = equation.trim().parse::<f64>().is_ok()
            && variable.tag_name().name() != "stock"
            && !variable
                .children()
                .any(|n| n.is_element() && n.tag_name().name() == "gf");
        let (Some(node), true) = (text_node, is_constant) else {
            return Err(EditError::NotConstant {
                name: (*name).to_string(),
                equation: equation.trim().to_string(),
            });
        };
        // Keep the whitespace around the number as it was.
        let range = node.range();
        let raw = &text[range.clone()];
        let lead = raw.len() - raw.trim_start().len();
        let trail = raw.len() - raw.trim_end().len();
        edits.push((range.start + lead..range.end - trail, format_number(*value)));
    }
    edits.sort_by_key(|(range, _)| std::cmp::Reverse(range.start));
    let mut out = text.to_string();
    for (range, replacement) in edits {
        out.replace_range(range, &replacement);
    }
    Ok(out)
}

/// The shortest decimal that reads back as the same number, without a trailing `.0` on integers.
fn format_number(value: f64) -> String {
    let text = format!("{value:?}");
    text.strip_suffix(".0").map(str::to_string).unwrap_or(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    const MODEL: &str = r#"<xmile version="1.0" xmlns="http://docs.oasis-open.org/xmile/ns/XMILE/v1.0">
  <sim_specs><start>0</start><stop>1</stop><dt>1</dt></sim_specs>
  <model><variables>
    <aux name="growth rate"><doc>Judgement.</doc><eqn> 0.25 </eqn></aux>
    <aux name="target"><eqn>growth_rate * 2</eqn></aux>
    <aux name="table"><eqn>0</eqn><gf><xpts>0,1</xpts><ypts>0,1</ypts></gf></aux>
  </variables></model>
</xmile>"#;

    #[test]
    fn only_the_number_changes() {
        let edited = set_constants(MODEL, &[("growth_rate", 0.125)]).unwrap();
        assert_eq!(
            edited,
            MODEL.replace("<eqn> 0.25 </eqn>", "<eqn> 0.125 </eqn>")
        );
        let (project, _) = crate::read_xmile(&edited).unwrap();
        let main = project.main_model().unwrap();
        assert_eq!(
            main.variables[0].equation.as_ref().unwrap().text.trim(),
            "0.125"
        );
    }

    #[test]
    fn logic_and_tables_are_not_overwritten() {
        let err = set_constants(MODEL, &[("target", 1.0)]).unwrap_err();
        assert!(matches!(err, EditError::NotConstant { .. }), "{err}");
        let err = set_constants(MODEL, &[("table", 1.0)]).unwrap_err();
        assert!(matches!(err, EditError::NotConstant { .. }), "{err}");
        assert_eq!(
            set_constants(MODEL, &[("nosuch", 1.0)]).unwrap_err(),
            EditError::Unknown("nosuch".into())
        );
        assert!(matches!(
            set_constants(MODEL, &[("growth rate", f64::NAN)]),
            Err(EditError::NotFinite(_))
        ));
    }

    #[test]
    fn numbers_round_trip() {
        for v in [0.1, 1e-7, 12345.0, -3.5, 2.0 / 3.0] {
            assert_eq!(format_number(v).parse::<f64>().unwrap(), v);
        }
        assert_eq!(format_number(4000.0), "4000");
    }
}
