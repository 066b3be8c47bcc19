//! The units a model knows: built-in names and aliases, plus the model's own `<model_units>`,
//! and the reduction of any parsed unit string to primary units with exact exponents.
//!
//! Built in, following the XMILE 1.0 table of default units and the synonyms Vensim and Stella
//! ship: `1`, `Dmnl`, `dimensionless`, `unitless`, `fraction` and `radians` are the identity; the time units
//! from seconds to years with their plurals and abbreviations (`yr`, `mo`, `hr`); `people` with
//! `person` and `persons`; `$` with `dollar` and `dollars`. Different time units stay different
//! units (a month is not a year).
//!
//! A name the context does not know is a primary unit of its own. Before that, a plural of the last
//! word is folded to the singular (`widgets` is `widget`, `casualties` is `casualty`, `boxes` is
//! `box`), so a model need not declare that `Widget` and `Widgets` are one unit, as Vensim's
//! synonym lists otherwise require.

use std::collections::{BTreeMap, HashMap};

use super::parse::{parse_units, Units};
use super::ratio::Ratio;
use crate::model::UnitDefinition;

/// Units reduced to primary units: each primary unit's name and its exponent (never zero).
pub(crate) type Dims = BTreeMap<String, Ratio>;

/// Unit definitions deeper than this are taken as primary units, which also ends definition cycles.
const MAX_DEFINITION_DEPTH: usize = 32;

#[derive(Debug, Clone)]
enum Definition {
    /// A primary unit, by its canonical name.
    Primary(String),
    /// A unit defined by other units.
    Equation(Units),
}

/// Built-in units: a canonical name and its aliases. The dimensionless group maps to `1`.
/// Radians count as dimensionless (a length over a length, in SI), so `SIN(angle)` checks.
const DIMENSIONLESS: &[&str] = &[
    "dmnl",
    "dimensionless",
    "unitless",
    "fraction",
    "nondimensional",
    "radian",
    "radians",
];
const PRIMARY_GROUPS: &[(&str, &[&str])] = &[
    ("second", &["seconds", "sec", "secs", "s"]),
    ("minute", &["minutes", "min", "mins"]),
    ("hour", &["hours", "hr", "hrs"]),
    ("day", &["days"]),
    ("week", &["weeks", "wk", "wks"]),
    ("month", &["months", "mo", "mos"]),
    ("quarter", &["quarters", "qtr", "qtrs"]),
    ("year", &["years", "yr", "yrs"]),
    ("people", &["person", "persons", "peoples"]),
    ("$", &["dollar", "dollars", "$s"]),
];

/// What the model's unit definitions could not be read as, for the checker to report.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct DefinitionProblem {
    pub unit: String,
    pub message: String,
}

/// Every unit name the model can use, mapped to its definition.
#[derive(Debug, Clone)]
pub(crate) struct UnitContext {
    names: HashMap<String, Definition>,
}

/// The key a unit name is looked up by: lower-case words joined by single spaces, as the parser
/// writes names.
pub(crate) fn unit_key(name: &str) -> String {
    name.split(|c: char| c.is_whitespace() || c == '_' || c == '"')
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join(" ")
}

/// The name with a plural last word made singular, by English spelling rules that cannot turn
/// two different short units into one (`s`, `gas` and `bus` are left alone).
fn singular(name: &str) -> String {
    let (head, last) = match name.rsplit_once(' ') {
        Some((head, last)) => (Some(head), last),
        None => (None, name),
    };
    let chars = last.chars().count();
    let folded = if chars > 4 && last.ends_with("ies") {
        format!("{}y", &last[..last.len() - 3])
    } else if chars > 4
        && ["sses", "shes", "ches", "xes", "zes"]
            .iter()
            .any(|suffix| last.ends_with(suffix))
    {
        last[..last.len() - 2].to_string()
    } else if chars > 3 && last.ends_with('s') && !last.ends_with("ss") {
        last[..last.len() - 1].to_string()
    } else {
        last.to_string()
    };
    match head {
        Some(head) => format!("{head} {folded}"),
        None => folded,
    }
}

impl UnitContext {
    /// The built-in units overlaid with the model's definitions (a model may redefine a built-in
    /// name). Returns the context and the definitions that could not be read.
    pub(crate) fn new(definitions: &[UnitDefinition]) -> (UnitContext, Vec<DefinitionProblem>) {
        let mut names = HashMap::new();
        for name in DIMENSIONLESS {
            names.insert(name.to_string(), Definition::Equation(Units::default()));
        }
        for (name, aliases) in PRIMARY_GROUPS {
            let primary = Definition::Primary(name.to_string());
            names.insert(name.to_string(), primary.clone());
            for alias in *aliases {
                names.insert(alias.to_string(), primary.clone());
            }
        }
        let mut problems = Vec::new();
        let mut user_singulars = Vec::new();
        for unit in definitions.iter().filter(|u| !u.disabled) {
            let key = unit_key(&unit.name);
            if key.is_empty() {
                continue;
            }
            let definition = match unit.equation.as_deref().map(parse_units) {
                None => Definition::Primary(singular(&key)),
                Some(Ok(units)) => Definition::Equation(units),
                Some(Err(error)) => {
                    problems.push(DefinitionProblem {
                        unit: unit.name.clone(),
                        message: format!(
                            "the definition `{}` of unit `{}` does not parse: {error}",
                            unit.equation.as_deref().unwrap_or_default(),
                            unit.name
                        ),
                    });
                    Definition::Primary(singular(&key))
                }
            };
            let aliases = unit.aliases.iter().map(|a| unit_key(a));
            for name in std::iter::once(key).chain(aliases) {
                if name.is_empty() {
                    continue;
                }
                // The singular is registered too, so `widget` finds a unit defined as `Widgets`,
                // unless the model defines the singular itself.
                let one = singular(&name);
                if one != name {
                    user_singulars.push((one, definition.clone()));
                }
                names.insert(name, definition.clone());
            }
        }
        for (name, definition) in user_singulars {
            names.entry(name).or_insert(definition);
        }
        (UnitContext { names }, problems)
    }

    fn definition(&self, name: &str) -> Option<&Definition> {
        self.names
            .get(name)
            .or_else(|| self.names.get(&singular(name)))
    }

    /// Reduces parsed units to primary units. `None` only if exponents overflow.
    pub(crate) fn reduce(&self, units: &Units) -> Option<Dims> {
        self.reduce_at(units, 0)
    }

    fn reduce_at(&self, units: &Units, depth: usize) -> Option<Dims> {
        let mut dims = Dims::new();
        for (name, exponent) in units.factors() {
            let exponent = Ratio::integer(exponent);
            let part = match self.definition(name) {
                Some(Definition::Equation(inner)) if depth < MAX_DEFINITION_DEPTH => {
                    self.reduce_at(inner, depth + 1)?
                }
                Some(Definition::Primary(primary)) => Dims::from([(primary.clone(), Ratio::ONE)]),
                _ => Dims::from([(singular(name), Ratio::ONE)]),
            };
            for (primary, e) in part {
                add_exponent(&mut dims, primary, e.mul(exponent)?)?;
            }
        }
        Some(dims)
    }
}

/// Adds `exponent` to `name`'s exponent in `dims`, dropping it when it reaches zero.
pub(crate) fn add_exponent(dims: &mut Dims, name: String, exponent: Ratio) -> Option<()> {
    let entry = dims.entry(name.clone()).or_insert(Ratio::ZERO);
    *entry = entry.add(exponent)?;
    if entry.is_zero() {
        dims.remove(&name);
    }
    Some(())
}

/// Units as a phrase that completes "x is ...": `in people/year`, or `dimensionless`.
pub(crate) fn phrase(dims: &Dims) -> String {
    if dims.is_empty() {
        "dimensionless".into()
    } else {
        format!("in {}", describe(dims))
    }
}

/// Units for people: `people/year`, `1/month`, `dimensionless`, `people^(1/2)`.
pub(crate) fn describe(dims: &Dims) -> String {
    if dims.is_empty() {
        return "dimensionless".into();
    }
    let term = |name: &str, e: Ratio| {
        if e == Ratio::ONE {
            name.to_string()
        } else if e.denominator() == 1 {
            format!("{name}^{e}")
        } else {
            format!("{name}^({e})")
        }
    };
    let numerator: Vec<String> = dims
        .iter()
        .filter(|(_, e)| e.numerator() > 0)
        .map(|(n, &e)| term(n, e))
        .collect();
    let denominator: Vec<String> = dims
        .iter()
        .filter(|(_, e)| e.numerator() < 0)
        .filter_map(|(n, e)| Some(term(n, e.neg()?)))
        .collect();
    let top = if numerator.is_empty() {
        "1".to_string()
    } else {
        numerator.join("*")
    };
    match denominator.len() {
        0 => top,
        1 => format!("{top}/{}", denominator[0]),
        _ => format!("{top}/({})", denominator.join("*")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reduced(context: &UnitContext, text: &str) -> String {
        describe(&context.reduce(&parse_units(text).unwrap()).unwrap())
    }

    #[test]
    fn built_in_aliases_and_plurals() {
        let (context, problems) = UnitContext::new(&[]);
        assert!(problems.is_empty());
        assert_eq!(reduced(&context, "Dmnl"), "dimensionless");
        assert_eq!(reduced(&context, "fraction/Years"), "1/year");
        assert_eq!(reduced(&context, "Year"), reduced(&context, "years"));
        assert_eq!(reduced(&context, "persons per yr"), "people/year");
        assert_eq!(reduced(&context, "Widgets/Month"), "widget/month");
        assert_eq!(reduced(&context, "casualties"), "casualty");
        assert_eq!(reduced(&context, "boxes*gas"), "box*gas");
        assert_eq!(reduced(&context, "s"), "second");
        assert_eq!(
            reduced(&context, "Dollars/(widget*year)"),
            "$/(widget*year)"
        );
        assert_ne!(reduced(&context, "month"), reduced(&context, "year"));
    }

    #[test]
    fn model_definitions_and_aliases() {
        let definitions = vec![
            UnitDefinition {
                name: "Rabbits".into(),
                aliases: vec!["Bunny".into()],
                ..UnitDefinition::default()
            },
            UnitDefinition {
                name: "models_per_person_per_year".into(),
                equation: Some("models/person/year".into()),
                ..UnitDefinition::default()
            },
            UnitDefinition {
                name: "mpy".into(),
                equation: Some("models/year".into()),
                aliases: vec!["model rate".into()],
                ..UnitDefinition::default()
            },
            UnitDefinition {
                name: "Joules".into(),
                aliases: vec!["J".into()],
                disabled: true,
                ..UnitDefinition::default()
            },
            UnitDefinition {
                name: "loop a".into(),
                equation: Some("loop b".into()),
                ..UnitDefinition::default()
            },
            UnitDefinition {
                name: "loop b".into(),
                equation: Some("loop a".into()),
                ..UnitDefinition::default()
            },
            UnitDefinition {
                name: "broken".into(),
                equation: Some("a/(b".into()),
                ..UnitDefinition::default()
            },
        ];
        let (context, problems) = UnitContext::new(&definitions);
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].unit, "broken");
        assert_eq!(reduced(&context, "bunny"), "rabbit");
        assert_eq!(reduced(&context, "Rabbit"), "rabbit");
        assert_eq!(reduced(&context, "Model_Rate*person"), "model*people/year");
        assert_eq!(reduced(&context, "mpy/models"), "1/year");
        assert_eq!(reduced(&context, "J"), "j");
        // A definition cycle ends in a primary unit instead of recursing forever.
        assert!(reduced(&context, "loop a").starts_with("loop"));
    }
}
