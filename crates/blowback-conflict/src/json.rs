//! Reader for the JSON model schema `blowback-gmcr-model/1` (the conformance-vector format).

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::condition::{parse_statement, Condition, Pattern};
use crate::error::{Error, Located};
use crate::model::{
    ConflictSpec, DecisionMakerSpec, Form, GraphSpec, GraphState, OptionSpec, PreferenceSpec,
    Reversibility, StateRef, Statement,
};

/// The schema tag this reader accepts.
pub const MODEL_SCHEMA: &str = "blowback-gmcr-model/1";

#[derive(Deserialize)]
struct RawModel {
    schema: Option<String>,
    name: Option<String>,
    description: Option<String>,
    form: String,
    #[serde(default)]
    options: Vec<RawOption>,
    #[serde(default)]
    option_order: Vec<String>,
    dms: Vec<RawDm>,
    #[serde(default)]
    infeasible: Vec<String>,
    preferences: BTreeMap<String, RawPreference>,
    #[serde(default)]
    misperceived: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    states: Vec<RawState>,
    #[serde(default)]
    moves: BTreeMap<String, Vec<(u32, u32)>>,
    status_quo: Option<u32>,
}

#[derive(Deserialize)]
struct RawOption {
    number: usize,
    name: String,
    dm: String,
    #[serde(default = "both")]
    reversibility: String,
}

fn both() -> String {
    "both".into()
}

#[derive(Deserialize)]
struct RawDm {
    name: String,
    #[serde(default)]
    options: Vec<usize>,
}

#[derive(Deserialize)]
struct RawPreference {
    method: String,
    #[serde(default)]
    ranking: Vec<RawRankEntry>,
    #[serde(default)]
    statements: Vec<RawStatement>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum RawRankEntry {
    One(u32),
    Tie(Vec<u32>),
}

#[derive(Deserialize)]
struct RawStatement {
    #[serde(default)]
    text: String,
    #[serde(default)]
    any_of: Option<Vec<String>>,
}

#[derive(Deserialize)]
struct RawState {
    id: u32,
    pattern: Option<String>,
    label: Option<String>,
}

/// Parses a `blowback-gmcr-model/1` document.
pub fn read_json(text: &str) -> Result<ConflictSpec, Error> {
    let raw: RawModel = serde_json::from_str(text).map_err(|error| {
        let mut diagnostic = Located::new(format!("invalid model JSON: {error}"))
            .with_help(format!("see the `{MODEL_SCHEMA}` schema"));
        if error.line() > 0 {
            let offset = text
                .split_inclusive('\n')
                .take(error.line() - 1)
                .map(str::len)
                .sum::<usize>()
                + error.column().saturating_sub(1);
            diagnostic = diagnostic.at(text, offset..offset);
        }
        Error::Invalid(vec![diagnostic])
    })?;
    let mut problems = Vec::new();
    if let Some(schema) = &raw.schema {
        if schema != MODEL_SCHEMA {
            problems.push(
                Located::new(format!("schema `{schema}` is not supported"))
                    .with_help(format!("this reader understands `{MODEL_SCHEMA}`")),
            );
        }
    }
    let form = match raw.form.as_str() {
        "option" => Form::Option,
        "graph" => Form::Graph,
        other => {
            problems.push(
                Located::new(format!("form `{other}` is unknown")).with_help("use option or graph"),
            );
            Form::Option
        }
    };
    let dm_names: Vec<String> = raw.dms.iter().map(|dm| dm.name.clone()).collect();
    let dm_index = |name: &str| dm_names.iter().position(|n| n == name);
    let mut options = Vec::new();
    let mut sorted_options: Vec<&RawOption> = raw.options.iter().collect();
    sorted_options.sort_by_key(|o| o.number);
    for (index, option) in sorted_options.iter().enumerate() {
        if option.number != index + 1 {
            problems.push(Located::new(format!(
                "options must be numbered 1..{} without gaps; found number {}",
                raw.options.len(),
                option.number
            )));
        }
        let decision_maker = dm_index(&option.dm).unwrap_or_else(|| {
            problems.push(Located::new(format!(
                "option {} names unknown decision maker `{}`",
                option.number, option.dm
            )));
            usize::MAX
        });
        let reversibility = match option.reversibility.as_str() {
            "both" => Reversibility::Both,
            "forward_only" => Reversibility::ForwardOnly,
            "backward_only" => Reversibility::BackwardOnly,
            other => {
                problems.push(
                    Located::new(format!(
                        "option {} has unknown reversibility `{other}`",
                        option.number
                    ))
                    .with_help("use both, forward_only or backward_only"),
                );
                Reversibility::Both
            }
        };
        options.push(OptionSpec {
            id: option.name.clone(),
            name: option.name.clone(),
            decision_maker,
            reversibility,
            source: None,
        });
    }
    if form == Form::Graph && options.is_empty() {
        options = raw
            .option_order
            .iter()
            .map(|name| OptionSpec {
                id: name.clone(),
                name: name.clone(),
                decision_maker: usize::MAX,
                reversibility: Reversibility::Both,
                source: None,
            })
            .collect();
    }
    let n_options = options.len();
    let decision_makers: Vec<DecisionMakerSpec> = raw
        .dms
        .iter()
        .enumerate()
        .map(|(dm, raw_dm)| {
            for &number in &raw_dm.options {
                let consistent = number >= 1
                    && number <= options.len()
                    && options[number - 1].decision_maker == dm;
                if !consistent {
                    problems.push(Located::new(format!(
                        "decision maker `{}` lists option {number}, which is not its own",
                        raw_dm.name
                    )));
                }
            }
            DecisionMakerSpec {
                name: raw_dm.name.clone(),
                options: (0..options.len())
                    .filter(|&o| options[o].decision_maker == dm)
                    .collect(),
            }
        })
        .collect();
    let patterns = |list: &[String], what: &str, problems: &mut Vec<Located>| {
        list.iter()
            .filter_map(|text| match Pattern::parse(text, n_options) {
                Ok(pattern) => Some(pattern),
                Err(message) => {
                    problems.push(Located::new(format!("{what}: {message}")));
                    None
                }
            })
            .collect::<Vec<_>>()
    };
    let infeasible: Vec<Condition> = patterns(&raw.infeasible, "infeasible", &mut problems)
        .into_iter()
        .map(Condition::Pattern)
        .collect();
    let mut preferences = Vec::new();
    for name in &dm_names {
        let Some(preference) = raw.preferences.get(name) else {
            problems.push(Located::new(format!(
                "no preferences for decision maker `{name}`"
            )));
            preferences.push(PreferenceSpec::Ranking(Vec::new()));
            continue;
        };
        match preference.method.as_str() {
            "ranking" => preferences.push(PreferenceSpec::Ranking(
                preference
                    .ranking
                    .iter()
                    .map(|entry| match entry {
                        RawRankEntry::One(id) => vec![StateRef::Id(*id)],
                        RawRankEntry::Tie(ids) => ids.iter().map(|&id| StateRef::Id(id)).collect(),
                    })
                    .collect(),
            )),
            "prioritization" => {
                let mut statements = Vec::new();
                for statement in &preference.statements {
                    let condition = match &statement.any_of {
                        Some(any_of) => Condition::AnyOf(patterns(
                            any_of,
                            &format!("`{name}` statement `{}`", statement.text),
                            &mut problems,
                        )),
                        None => match parse_statement(&statement.text, n_options, &|_| None) {
                            Ok(condition) => condition,
                            Err(error) => {
                                problems.push(Located::new(format!(
                                    "`{name}` statement `{}`: {error}",
                                    statement.text
                                )));
                                continue;
                            }
                        },
                    };
                    statements.push(Statement {
                        text: statement.text.clone(),
                        condition,
                        source: None,
                    });
                }
                preferences.push(PreferenceSpec::Prioritization(statements));
            }
            other => {
                problems.push(
                    Located::new(format!("`{name}` has unknown preference method `{other}`"))
                        .with_help("use ranking or prioritization"),
                );
                preferences.push(PreferenceSpec::Ranking(Vec::new()));
            }
        }
    }
    for name in raw
        .preferences
        .keys()
        .chain(raw.misperceived.keys())
        .chain(raw.moves.keys())
    {
        if dm_index(name).is_none() {
            problems.push(Located::new(format!("`{name}` is not a decision maker")));
        }
    }
    let misperceived = dm_names
        .iter()
        .map(|name| {
            raw.misperceived
                .get(name)
                .map(|list| {
                    patterns(list, &format!("misperceived by `{name}`"), &mut problems)
                        .into_iter()
                        .map(Condition::Pattern)
                        .collect()
                })
                .unwrap_or_default()
        })
        .collect();
    let graph = (form == Form::Graph).then(|| GraphSpec {
        states: raw
            .states
            .iter()
            .map(|state| GraphState {
                id: state.id,
                pattern: state.pattern.clone(),
                label: state.label.clone(),
            })
            .collect(),
        moves: dm_names
            .iter()
            .map(|name| raw.moves.get(name).cloned().unwrap_or_default())
            .collect(),
    });
    if !problems.is_empty() {
        return Err(Error::Invalid(problems));
    }
    Ok(ConflictSpec {
        name: raw.name.unwrap_or_else(|| "unnamed conflict".into()),
        description: raw.description,
        form,
        options,
        decision_makers,
        infeasible,
        preferences,
        misperceived,
        graph,
        status_quo: raw.status_quo.map(StateRef::Id),
        contexts: Vec::new(),
    })
}
