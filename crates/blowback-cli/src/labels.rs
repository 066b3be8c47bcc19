//! What a person reads for a model variable: a title from its documentation or its name, and its
//! units in words. Charts, the report and `explain` label variables through here, so the same
//! variable reads the same everywhere.

use blowback_sd::{canonical, readable_units, Project, Variable};

fn variable<'a>(project: &'a Project, name: &str) -> Option<&'a Variable> {
    let key = canonical(name);
    project
        .main_model()?
        .variables
        .iter()
        .find(|v| canonical(&v.name) == key)
}

/// The variable's units in words (`billion US$ per year`); empty when it has none or is a pure
/// number.
pub fn units_of(project: &Project, name: &str) -> String {
    variable(project, name)
        .and_then(|v| v.units.as_deref())
        .map(readable_units)
        .unwrap_or_default()
}

/// A title: the documentation's first sentence when it is short enough for a heading, else the
/// name with its underscores as spaces and a capital first letter.
pub fn title_of(project: &Project, name: &str) -> String {
    let from_doc = variable(project, name)
        .and_then(|v| v.doc.as_deref())
        .map(|doc| {
            let doc = doc.split_whitespace().collect::<Vec<_>>().join(" ");
            let first = doc.split(". ").next().unwrap_or_default();
            first.trim_end_matches('.').to_string()
        })
        .filter(|first| !first.is_empty() && first.chars().count() <= 60);
    from_doc.unwrap_or_else(|| {
        let spaced = blowback_sd::display(name).replace('_', " ");
        // A short first word is often an acronym (`ttp`, `fx`), which a capital would mangle.
        let first_word = spaced.split(' ').next().unwrap_or_default();
        let mut chars = spaced.chars();
        match chars.next() {
            Some(first) if first_word.chars().count() > 3 => {
                first.to_uppercase().chain(chars).collect()
            }
            _ => spaced,
        }
    })
}

/// A signed number with about four significant figures, in a form a reader can compare at a
/// glance: no long tails of digits, scientific notation only for the very small and very large.
pub fn signed(value: f64) -> String {
    let magnitude = value.abs();
    if value == 0.0 {
        "0".into()
    } else if !value.is_finite() {
        value.to_string()
    } else if !(1e-3..1e6).contains(&magnitude) {
        format!("{value:+.2e}")
    } else {
        let decimals = (3 - magnitude.log10().floor() as i32).clamp(0, 6) as usize;
        format!("{value:+.decimals$}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signed_numbers_keep_four_figures() {
        assert_eq!(signed(0.028734), "+0.02873");
        assert_eq!(signed(-2419.3), "-2419");
        assert_eq!(signed(12.3456), "+12.35");
        assert_eq!(signed(-0.0000123), "-1.23e-5");
        assert_eq!(signed(0.0), "0");
    }

    #[test]
    fn titles_come_from_the_documentation_or_the_name() {
        let text = r#"<xmile version="1.0" xmlns="http://docs.oasis-open.org/xmile/ns/XMILE/v1.0">
  <sim_specs><start>0</start><stop>1</stop><dt>1</dt></sim_specs>
  <model><variables>
    <aux name="fx_reserves"><doc>Foreign-exchange reserves. Months of imports.</doc><eqn>1</eqn><units>busd</units></aux>
    <aux name="ttp_fighters"><eqn>1</eqn><units>persons</units></aux>
  </variables></model>
</xmile>"#;
        let (project, _) = blowback_sd::read_xmile(text).unwrap();
        assert_eq!(
            title_of(&project, "fx_reserves"),
            "Foreign-exchange reserves"
        );
        assert_eq!(units_of(&project, "fx_reserves"), "billion US$");
        assert_eq!(title_of(&project, "ttp_fighters"), "ttp fighters");
        assert_eq!(units_of(&project, "ttp_fighters"), "people");
    }
}
