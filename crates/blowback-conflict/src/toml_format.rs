//! Reader for the human-friendly TOML conflict format (documented in the crate docs and in
//! `crates/blowback-conflict/FORMAT.md`). Every problem found is reported with its line, column and
//! source line; statement errors point inside the statement string.

use std::ops::Range;

use serde::Deserialize;
use toml::Spanned;

use crate::condition::{parse_statement, Condition, Pattern};
use crate::error::{Error, Located};
use crate::model::{
    ConflictSpec, ContextSpec, DecisionMakerSpec, Form, GraphSpec, GraphState, OptionSpec,
    PreferenceSpec, Reversibility, StateRef, Statement, Trigger,
};

/// The schema tag of the TOML format (optional in files).
pub const TOML_SCHEMA: &str = "blowback-gmcr-toml/1";

// The `source` and `note` fields are accepted (unknown fields are errors) so that a conflict file can
// carry its provenance next to each option and statement; the analysis itself never reads them, hence
// the `dead_code` allowances below.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    schema: Option<Spanned<String>>,
    name: Option<String>,
    description: Option<String>,
    #[allow(dead_code)]
    source: Option<String>,
    form: Option<Spanned<String>>,
    status_quo: Option<Spanned<toml::Value>>,
    #[serde(default)]
    infeasible: Vec<RawInfeasible>,
    #[serde(default, rename = "decision_maker")]
    decision_makers: Vec<RawDm>,
    #[serde(default, rename = "state")]
    states: Vec<RawState>,
    #[serde(default, rename = "context")]
    contexts: Vec<RawContext>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawContext {
    name: Spanned<String>,
    description: Option<String>,
    source: Option<String>,
    trigger: Option<Spanned<RawTrigger>>,
    #[serde(default, rename = "decision_maker")]
    decision_makers: Vec<RawContextDm>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTrigger {
    variable: String,
    above: Option<f64>,
    below: Option<f64>,
    #[serde(rename = "for", default)]
    duration: f64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawContextDm {
    name: Spanned<String>,
    #[serde(default, rename = "preference")]
    preferences: Vec<RawStatement>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawInfeasible {
    when: Spanned<String>,
    #[allow(dead_code)]
    source: Option<String>,
    #[allow(dead_code)]
    note: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDm {
    name: Spanned<String>,
    #[allow(dead_code)]
    source: Option<String>,
    #[allow(dead_code)]
    note: Option<String>,
    #[serde(default, rename = "option")]
    options: Vec<RawOption>,
    #[serde(default, rename = "preference")]
    preferences: Vec<RawStatement>,
    ranking: Option<Spanned<toml::Value>>,
    #[serde(default)]
    misperceived: Vec<Spanned<String>>,
    moves: Option<Spanned<Vec<(u32, u32)>>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOption {
    id: Spanned<String>,
    name: Option<String>,
    reversibility: Option<Spanned<String>>,
    source: Option<String>,
    #[allow(dead_code)]
    note: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStatement {
    statement: Spanned<String>,
    source: Option<String>,
    #[allow(dead_code)]
    note: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawState {
    id: u32,
    label: Option<String>,
    pattern: Option<String>,
}

struct Reader<'s> {
    source: &'s str,
    problems: Vec<Located>,
}

impl Reader<'_> {
    fn error(&mut self, span: Range<usize>, message: String, hint: &str) {
        self.problems
            .push(Located::new(message).at(self.source, span).with_help(hint));
    }

    /// Parses a statement written in a TOML string whose value starts at `span`.
    fn statement(
        &mut self,
        text: &Spanned<String>,
        option_ids: &[String],
        what: &str,
    ) -> Option<Condition> {
        let n_options = option_ids.len();
        let trimmed = text.get_ref().trim();
        if !trimmed.is_empty()
            && trimmed.len() == n_options
            && trimmed.chars().all(|c| matches!(c, 'Y' | 'N' | '-'))
        {
            return Pattern::parse(trimmed, n_options)
                .ok()
                .map(Condition::Pattern);
        }
        let resolve = |word: &str| option_ids.iter().position(|id| id == word);
        match parse_statement(text.get_ref(), n_options, &resolve) {
            Ok(condition) => Some(condition),
            Err(error) => {
                // +1 skips the opening quote; exact for strings without escapes.
                let offset = text.span().start + 1 + error.offset;
                self.error(
                    offset..offset,
                    format!("{what}: {}", error.message),
                    &error.hint,
                );
                None
            }
        }
    }

    fn state_ref(
        &mut self,
        value: &toml::Value,
        span: Range<usize>,
        n_options: usize,
    ) -> Option<StateRef> {
        match value {
            toml::Value::Integer(id) if *id >= 1 && *id <= u32::MAX as i64 => {
                Some(StateRef::Id(*id as u32))
            }
            toml::Value::String(pattern)
                if pattern.len() == n_options
                    && pattern.chars().all(|c| matches!(c, 'Y' | 'N')) =>
            {
                let decimal = pattern
                    .chars()
                    .enumerate()
                    .filter(|(_, c)| *c == 'Y')
                    .fold(0u64, |acc, (bit, _)| acc | (1 << bit));
                Some(StateRef::Decimal(decimal))
            }
            other => {
                self.error(
                    span,
                    format!("`{other}` is not a state"),
                    "refer to a state by its id or by a full Y/N pattern (option 1 first)",
                );
                None
            }
        }
    }
}

fn from_toml_error(source: &str, error: &toml::de::Error) -> Located {
    let message = error.message().to_string();
    let diagnostic = Located::new(message)
        .with_help("see the TOML conflict format in the blowback-conflict docs (FORMAT.md)");
    match error.span() {
        Some(span) => diagnostic.at(source, span),
        None => diagnostic,
    }
}

/// Parses a conflict written in the TOML format.
pub fn read_toml(source: &str) -> Result<ConflictSpec, Error> {
    let raw: RawFile = toml::from_str(source)
        .map_err(|error| Error::Invalid(vec![from_toml_error(source, &error)]))?;
    let mut reader = Reader {
        source,
        problems: Vec::new(),
    };
    if let Some(schema) = &raw.schema {
        if schema.get_ref() != TOML_SCHEMA {
            reader.error(
                schema.span(),
                format!("schema `{}` is not supported", schema.get_ref()),
                &format!("use `{TOML_SCHEMA}` or leave the key out"),
            );
        }
    }
    let form = match raw.form.as_ref().map(|f| (f.get_ref().as_str(), f.span())) {
        None | Some(("option", _)) => Form::Option,
        Some(("graph", _)) => Form::Graph,
        Some((other, span)) => {
            reader.error(
                span,
                format!("form `{other}` is unknown"),
                "use option or graph",
            );
            Form::Option
        }
    };
    let mut decision_makers = Vec::new();
    let mut options = Vec::new();
    for (dm, raw_dm) in raw.decision_makers.iter().enumerate() {
        if raw.decision_makers[..dm]
            .iter()
            .any(|other| other.name.get_ref() == raw_dm.name.get_ref())
        {
            reader.error(
                raw_dm.name.span(),
                format!(
                    "decision maker `{}` is declared twice",
                    raw_dm.name.get_ref()
                ),
                "names must be unique",
            );
        }
        let mut owned = Vec::new();
        for option in &raw_dm.options {
            if options
                .iter()
                .any(|o: &OptionSpec| &o.id == option.id.get_ref())
            {
                reader.error(
                    option.id.span(),
                    format!("option id `{}` is declared twice", option.id.get_ref()),
                    "option ids must be unique across decision makers",
                );
            }
            let id = option.id.get_ref();
            let valid_id = !id.is_empty()
                && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                && !id.chars().all(|c| c.is_ascii_digit())
                && !["not", "and", "or", "if", "iff"].contains(&id.to_ascii_lowercase().as_str());
            if !valid_id {
                reader.error(
                    option.id.span(),
                    format!("`{id}` cannot be an option id"),
                    "use letters, digits and _, not only digits, and not a keyword (not, and, or, if, iff)",
                );
            }
            let reversibility = match option
                .reversibility
                .as_ref()
                .map(|r| (r.get_ref().as_str(), r.span()))
            {
                None | Some(("both", _)) => Reversibility::Both,
                Some(("forward_only", _)) => Reversibility::ForwardOnly,
                Some(("backward_only", _)) => Reversibility::BackwardOnly,
                Some((other, span)) => {
                    reader.error(
                        span,
                        format!("reversibility `{other}` is unknown"),
                        "use both, forward_only or backward_only",
                    );
                    Reversibility::Both
                }
            };
            owned.push(options.len());
            options.push(OptionSpec {
                id: id.clone(),
                name: option.name.clone().unwrap_or_else(|| id.clone()),
                decision_maker: dm,
                reversibility,
                source: option.source.clone(),
            });
        }
        decision_makers.push(DecisionMakerSpec {
            name: raw_dm.name.get_ref().clone(),
            options: owned,
        });
    }
    let option_ids: Vec<String> = options.iter().map(|o| o.id.clone()).collect();
    let n_options = option_ids.len();
    let infeasible: Vec<Condition> = raw
        .infeasible
        .iter()
        .filter_map(|entry| reader.statement(&entry.when, &option_ids, "infeasible"))
        .collect();
    let mut preferences = Vec::new();
    let mut misperceived = Vec::new();
    for raw_dm in &raw.decision_makers {
        let name = raw_dm.name.get_ref();
        misperceived.push(
            raw_dm
                .misperceived
                .iter()
                .filter_map(|text| reader.statement(text, &option_ids, "misperceived"))
                .collect(),
        );
        match (&raw_dm.ranking, raw_dm.preferences.is_empty()) {
            (Some(ranking), true) => {
                let mut groups = Vec::new();
                match ranking.get_ref() {
                    toml::Value::Array(entries) => {
                        for entry in entries {
                            let group: Vec<StateRef> = match entry {
                                toml::Value::Array(tie) => tie
                                    .iter()
                                    .filter_map(|value| {
                                        reader.state_ref(value, ranking.span(), n_options)
                                    })
                                    .collect(),
                                value => reader
                                    .state_ref(value, ranking.span(), n_options)
                                    .into_iter()
                                    .collect(),
                            };
                            groups.push(group);
                        }
                    }
                    _ => reader.error(
                        ranking.span(),
                        format!("`{name}`'s ranking must be an array"),
                        "ranking = [most preferred, [tied, states], ..., least preferred]",
                    ),
                }
                preferences.push(PreferenceSpec::Ranking(groups));
            }
            (None, false) => {
                let statements = raw_dm
                    .preferences
                    .iter()
                    .filter_map(|raw_statement| {
                        let condition = reader.statement(
                            &raw_statement.statement,
                            &option_ids,
                            &format!("`{name}`'s preference"),
                        )?;
                        Some(Statement {
                            text: raw_statement.statement.get_ref().clone(),
                            condition,
                            source: raw_statement.source.clone(),
                        })
                    })
                    .collect();
                preferences.push(PreferenceSpec::Prioritization(statements));
            }
            (Some(ranking), false) => {
                reader.error(
                    ranking.span(),
                    format!(
                        "`{name}` has both a ranking and [[decision_maker.preference]] statements"
                    ),
                    "keep one of the two",
                );
                preferences.push(PreferenceSpec::Ranking(Vec::new()));
            }
            (None, true) => {
                reader.error(
                    raw_dm.name.span(),
                    format!("`{name}` has no preferences"),
                    "add [[decision_maker.preference]] statements or a ranking",
                );
                preferences.push(PreferenceSpec::Ranking(Vec::new()));
            }
        }
    }
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
        moves: raw
            .decision_makers
            .iter()
            .map(|dm| {
                dm.moves
                    .as_ref()
                    .map(|m| m.get_ref().clone())
                    .unwrap_or_default()
            })
            .collect(),
    });
    let status_quo = match &raw.status_quo {
        None => None,
        Some(value) => match value.get_ref() {
            toml::Value::Array(taken) => {
                let mut decimal = 0u64;
                for item in taken {
                    match item
                        .as_str()
                        .and_then(|id| option_ids.iter().position(|o| o == id))
                    {
                        Some(index) => decimal |= 1 << index,
                        None => reader.error(
                            value.span(),
                            format!("status quo names `{item}`, which is not an option id"),
                            "list the ids of the options taken in the status quo",
                        ),
                    }
                }
                Some(StateRef::Decimal(decimal))
            }
            other => reader.state_ref(other, value.span(), n_options),
        },
    };
    let mut contexts = Vec::new();
    for raw_context in &raw.contexts {
        let name = raw_context.name.get_ref();
        if contexts.iter().any(|c: &ContextSpec| &c.name == name) {
            reader.error(
                raw_context.name.span(),
                format!("context `{name}` is declared twice"),
                "context names must be unique",
            );
        }
        let trigger = raw_context.trigger.as_ref().and_then(|t| {
            let raw_trigger = t.get_ref();
            let (level, above) = match (raw_trigger.above, raw_trigger.below) {
                (Some(level), None) => (level, true),
                (None, Some(level)) => (level, false),
                _ => {
                    reader.error(
                        t.span(),
                        format!("context `{name}`: a trigger needs `above` or `below`, not both"),
                        "trigger = { variable = \"x\", above = 300, for = 1 }",
                    );
                    return None;
                }
            };
            if !(raw_trigger.duration >= 0.0 && raw_trigger.duration.is_finite()) {
                reader.error(
                    t.span(),
                    format!("context `{name}`: `for` must be a duration of zero or more"),
                    "give how long the condition must hold, in the model's time units",
                );
                return None;
            }
            Some(Trigger {
                variable: raw_trigger.variable.clone(),
                level,
                above,
                duration: raw_trigger.duration,
            })
        });
        let mut preferences = Vec::new();
        for raw_dm in &raw_context.decision_makers {
            let dm_name = raw_dm.name.get_ref();
            let Some(dm) = decision_makers.iter().position(|d| &d.name == dm_name) else {
                reader.error(
                    raw_dm.name.span(),
                    format!(
                        "context `{name}` names decision maker `{dm_name}`, which is not declared"
                    ),
                    "use the name of a [[decision_maker]]",
                );
                continue;
            };
            if raw_dm.preferences.is_empty() {
                reader.error(
                    raw_dm.name.span(),
                    format!("context `{name}`: `{dm_name}` has no preference statements"),
                    "list the decision maker's statements in this context, most important first",
                );
                continue;
            }
            let statements = raw_dm
                .preferences
                .iter()
                .filter_map(|raw_statement| {
                    let condition = reader.statement(
                        &raw_statement.statement,
                        &option_ids,
                        &format!("context `{name}`: `{dm_name}`'s preference"),
                    )?;
                    Some(Statement {
                        text: raw_statement.statement.get_ref().clone(),
                        condition,
                        source: raw_statement.source.clone(),
                    })
                })
                .collect();
            preferences.push((dm, PreferenceSpec::Prioritization(statements)));
        }
        contexts.push(ContextSpec {
            name: name.clone(),
            description: raw_context.description.clone(),
            source: raw_context.source.clone(),
            trigger,
            preferences,
        });
    }
    if !reader.problems.is_empty() {
        return Err(Error::Invalid(reader.problems));
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
        status_quo,
        contexts,
    })
}
