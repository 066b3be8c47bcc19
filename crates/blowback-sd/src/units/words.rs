//! Unit strings as a reader says them: `busd/year` is "billion US$ per year", `dmnl` is nothing.
//! For labels on charts, tables and pages; the checker never uses it.

/// Words for the abbreviations models use, compared without case.
const WORDS: &[(&str, &str)] = &[
    ("busd", "billion US$"),
    ("musd", "million US$"),
    ("usd", "US$"),
    ("dollar", "US$"),
    ("dollars", "US$"),
    ("yr", "year"),
    ("years", "year"),
    ("persons", "people"),
    ("person", "person"),
    ("pct", "%"),
    ("percent", "%"),
];

/// Units that mean "a pure number".
const DIMENSIONLESS: &[&str] = &[
    "",
    "1",
    "dmnl",
    "dimensionless",
    "unitless",
    "fraction",
    "none",
];

/// `units` in words: each abbreviation spelled out (`busd` is "billion US$"), `a/b` as "a per b",
/// and an empty string for a dimensionless quantity. Anything it does not understand is returned
/// as written.
pub fn readable_units(units: &str) -> String {
    let units = units.trim();
    if DIMENSIONLESS.iter().any(|d| d.eq_ignore_ascii_case(units)) {
        return String::new();
    }
    // Only the simple shapes models use for outputs: a numerator over `/`-separated names.
    if units.contains(['(', ')', '^', '*']) {
        return units.to_string();
    }
    let word = |name: &str| {
        let name = name.trim();
        WORDS
            .iter()
            .find(|(short, _)| short.eq_ignore_ascii_case(name))
            .map_or_else(|| name.to_string(), |(_, long)| long.to_string())
    };
    let mut parts = units.split('/');
    let numerator = parts.next().unwrap_or_default();
    let mut text = match numerator.trim() {
        "1" => String::new(),
        other => word(other),
    };
    for denominator in parts {
        if text.is_empty() {
            text = format!("per {}", word(denominator));
        } else {
            text = format!("{text} per {}", word(denominator));
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn abbreviations_become_words() {
        assert_eq!(readable_units("busd/year"), "billion US$ per year");
        assert_eq!(readable_units("busd"), "billion US$");
        assert_eq!(readable_units("1/year"), "per year");
        assert_eq!(
            readable_units("attacks/person/year"),
            "attacks per person per year"
        );
        assert_eq!(readable_units("persons"), "people");
        assert_eq!(readable_units("dmnl"), "");
        assert_eq!(readable_units("Degrees Fahrenheit"), "Degrees Fahrenheit");
        assert_eq!(
            readable_units("busd/year/(usd/barrel)"),
            "busd/year/(usd/barrel)"
        );
    }
}
