//! `claims.toml`: the essay's causal claims and the signed links that encode them, and the
//! polarity tests generated from those links.
//!
//! A link `cause -> effect (+)` claims that raising the cause raises the effect, other things
//! equal. How it is checked depends on what the cause and effect are:
//! - a constant cause: the run is repeated with the constant 10% higher (0.1 higher when it is
//!   zero, the scale of the 0..1 policy levers) and the effect must move the claimed way on
//!   average over the run (a total effect, feedback included, as a modeller would test a lever);
//! - a flow into or out of a stock effect: the sign is fixed by the structure (inflow +, outflow -);
//! - any other cause of an auxiliary or flow: the partial effect is computed from the equations at
//!   every saved time of the base run ([`crate::partial`]); it must have the claimed sign wherever
//!   it is non-zero, and be non-zero somewhere;
//! - what none of these can decide is checked structurally: the effect's equations must reach the
//!   cause through auxiliaries and flows, and the result says "structural only".

use std::collections::{HashMap, HashSet};

use crate::behaviour::{CheckResult, CheckStatus};
use crate::case::{same_name, Case};
use crate::error::CaseError;
use crate::partial::{Equations, PartialSigns, RunView};

/// The claimed sign of a link.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Polarity {
    /// More cause, more effect.
    Positive,
    /// More cause, less effect.
    Negative,
}

impl Polarity {
    fn parse(text: &str) -> Option<Polarity> {
        match text.trim().to_ascii_lowercase().as_str() {
            "+" | "+1" | "1" | "positive" | "pos" | "s" | "same" => Some(Polarity::Positive),
            "-" | "−" | "-1" | "negative" | "neg" | "o" | "opposite" => Some(Polarity::Negative),
            _ => None,
        }
    }

    fn sign(self) -> f64 {
        match self {
            Polarity::Positive => 1.0,
            Polarity::Negative => -1.0,
        }
    }

    /// `+` or `-`.
    pub fn symbol(self) -> &'static str {
        match self {
            Polarity::Positive => "+",
            Polarity::Negative => "-",
        }
    }
}

/// A signed causal link between two model variables.
#[derive(Debug, Clone, PartialEq)]
pub struct Link {
    /// The link's id, when the file gives one.
    pub id: Option<String>,
    /// Cause.
    pub from: String,
    /// Effect.
    pub to: String,
    /// Claimed sign.
    pub polarity: Polarity,
}

/// What a claim rests on.
#[derive(Debug, Clone, PartialEq)]
pub enum Basis {
    /// The essay says it: `paragraphs` cite it, `hedge` keeps its qualification.
    Essay {
        /// The essay's own qualification of the claim, kept beside the paraphrase.
        hedge: Option<String>,
    },
    /// A named outside source, published on `date` (`YYYY-MM` or `YYYY-MM-DD`).
    Source {
        /// Who said it, where.
        source: String,
        /// When it was published.
        date: String,
    },
    /// The modeller's judgement, carried by constants whose plausible ranges the uncertainties
    /// file holds.
    Judgement {
        /// What is judged.
        judgement: String,
        /// The constants that carry it.
        constants: Vec<String>,
    },
    /// No basis given (older claim files); the essay is assumed when paragraphs are cited.
    Unstated,
}

/// One causal claim of the essay.
#[derive(Debug, Clone, PartialEq)]
pub struct Claim {
    /// Claim id.
    pub id: String,
    /// The essay paragraphs it rests on (`P3`, ...).
    pub paragraphs: Vec<String>,
    /// The claim in the case author's own words.
    pub paraphrase: String,
    /// What it rests on.
    pub basis: Basis,
    /// The links that encode it.
    pub links: Vec<Link>,
}

impl Claim {
    /// The id followed by the paragraphs, as explanations cite it: `depth_motive [P3, P8]`.
    pub fn citation(&self) -> String {
        if self.paragraphs.is_empty() {
            self.id.clone()
        } else {
            format!("{} [{}]", self.id, self.paragraphs.join(", "))
        }
    }
}

/// Parses `claims.toml`: `[[claim]]` entries with an `id` and `links`. A link is a table
/// `{ from, to, polarity }` (`sign` also accepted), a string `"cause -> effect (+)"`, or the id of
/// a top-level `[[link]]` table.
pub fn parse_claims(text: &str) -> Result<Vec<Claim>, CaseError> {
    let table: toml::Table =
        toml::from_str(text).map_err(|e| CaseError::toml("claims.toml", text, &e))?;
    let invalid = |message: String| {
        CaseError::invalid_with(
            "claims.toml",
            message,
            Some(
                "write a link as { from = \"cause\", to = \"effect\", polarity = \"+\" } or \"cause -> effect (+)\""
                    .into(),
            ),
        )
    };
    let mut named: HashMap<String, Link> = HashMap::new();
    let top_links = table.get("link").or_else(|| table.get("links"));
    if let Some(toml::Value::Array(links)) = top_links {
        for (i, value) in links.iter().enumerate() {
            let link =
                link_from_value(value).map_err(|m| invalid(format!("link {}: {m}", i + 1)))?;
            if let Some(id) = &link.id {
                named.insert(id.clone(), link);
            }
        }
    }
    let mut claims = Vec::new();
    let Some(entries) = table.get("claim").or_else(|| table.get("claims")) else {
        return Ok(claims);
    };
    let entries = entries
        .as_array()
        .ok_or_else(|| invalid("`claim` must be an array of tables ([[claim]])".into()))?;
    for (i, entry) in entries.iter().enumerate() {
        let id = entry
            .get("id")
            .and_then(|v| {
                v.as_str()
                    .map(String::from)
                    .or_else(|| v.as_integer().map(|n| n.to_string()))
            })
            .unwrap_or_else(|| format!("claim {}", i + 1));
        let mut links = Vec::new();
        let values = entry.get("links").or_else(|| entry.get("link"));
        for value in values.and_then(|v| v.as_array()).into_iter().flatten() {
            let link = match value.as_str().and_then(|s| named.get(s.trim())) {
                Some(link) => link.clone(),
                None => {
                    link_from_value(value).map_err(|m| invalid(format!("claim `{id}`: {m}")))?
                }
            };
            links.push(link);
        }
        let paragraphs = match entry.get("paragraphs") {
            None => Vec::new(),
            Some(value) => value
                .as_array()
                .and_then(|items| {
                    items
                        .iter()
                        .map(|p| p.as_str().map(String::from))
                        .collect::<Option<Vec<String>>>()
                })
                .ok_or_else(|| {
                    invalid(format!(
                        "claim `{id}`: `paragraphs` must be a list of paragraph ids"
                    ))
                })?,
        };
        let paraphrase = match entry.get("paraphrase") {
            None => String::new(),
            Some(value) => value
                .as_str()
                .map(String::from)
                .ok_or_else(|| invalid(format!("claim `{id}`: `paraphrase` must be text")))?,
        };
        let text_field = |key: &str| -> Result<Option<String>, CaseError> {
            match entry.get(key) {
                None => Ok(None),
                Some(value) => value
                    .as_str()
                    .map(|s| Some(s.to_string()))
                    .ok_or_else(|| invalid(format!("claim `{id}`: `{key}` must be text"))),
            }
        };
        let basis = match text_field("basis")?.as_deref() {
            None => Basis::Unstated,
            Some("essay") => {
                if paragraphs.is_empty() {
                    return Err(invalid(format!(
                        "claim `{id}`: an essay claim must cite its `paragraphs`"
                    )));
                }
                Basis::Essay {
                    hedge: text_field("hedge")?,
                }
            }
            Some("source") => {
                let source = text_field("source")?.ok_or_else(|| {
                    invalid(format!("claim `{id}`: a sourced claim needs `source`"))
                })?;
                let date = text_field("date")?.ok_or_else(|| {
                    invalid(format!(
                        "claim `{id}`: a sourced claim needs the source's publication `date`"
                    ))
                })?;
                if !valid_date(&date) {
                    return Err(invalid(format!(
                        "claim `{id}`: date `{date}` is not YYYY-MM or YYYY-MM-DD"
                    )));
                }
                Basis::Source { source, date }
            }
            Some("judgement") => {
                let judgement = text_field("judgement")?.ok_or_else(|| {
                    invalid(format!(
                        "claim `{id}`: a judgement claim needs `judgement`, saying what is judged"
                    ))
                })?;
                let constants = match entry.get("constants") {
                    None => Vec::new(),
                    Some(value) => value
                        .as_array()
                        .and_then(|items| {
                            items
                                .iter()
                                .map(|c| c.as_str().map(String::from))
                                .collect::<Option<Vec<String>>>()
                        })
                        .ok_or_else(|| {
                            invalid(format!("claim `{id}`: `constants` must be a list of names"))
                        })?,
                };
                Basis::Judgement {
                    judgement,
                    constants,
                }
            }
            Some(other) => {
                return Err(invalid(format!(
                    "claim `{id}`: basis `{other}` is not essay, source or judgement"
                )))
            }
        };
        claims.push(Claim {
            id,
            paragraphs,
            paraphrase,
            basis,
            links,
        });
    }
    Ok(claims)
}

/// `YYYY-MM` or `YYYY-MM-DD` with a plausible month and day.
fn valid_date(text: &str) -> bool {
    let parts: Vec<&str> = text.split('-').collect();
    let number =
        |s: &str, digits: usize| s.len() == digits && s.bytes().all(|b| b.is_ascii_digit());
    match parts.as_slice() {
        [y, m] => number(y, 4) && number(m, 2) && (1..=12).contains(&m.parse::<u32>().unwrap_or(0)),
        [y, m, d] => {
            number(y, 4)
                && number(m, 2)
                && number(d, 2)
                && (1..=12).contains(&m.parse::<u32>().unwrap_or(0))
                && (1..=31).contains(&d.parse::<u32>().unwrap_or(0))
        }
        _ => false,
    }
}

impl Basis {
    /// The publication date of a sourced claim, as a decimal year at the start of its month.
    pub fn source_year(&self) -> Option<f64> {
        let Basis::Source { date, .. } = self else {
            return None;
        };
        let mut parts = date.split('-');
        let year: f64 = parts.next()?.parse().ok()?;
        let month: f64 = parts.next()?.parse().ok()?;
        Some(year + (month - 1.0) / 12.0)
    }
}

fn link_from_value(value: &toml::Value) -> Result<Link, String> {
    match value {
        toml::Value::String(text) => parse_link_text(text),
        toml::Value::Table(t) => {
            let text = |keys: &[&str]| {
                keys.iter().find_map(|k| t.get(*k)).and_then(|v| match v {
                    toml::Value::String(s) => Some(s.clone()),
                    toml::Value::Integer(n) => Some(n.to_string()),
                    _ => None,
                })
            };
            let from = text(&["from", "cause", "source"]).ok_or("a link needs `from`")?;
            let to = text(&["to", "effect", "target"]).ok_or("a link needs `to`")?;
            let sign = text(&["polarity", "sign"]).ok_or("a link needs `polarity`")?;
            let polarity = Polarity::parse(&sign)
                .ok_or_else(|| format!("polarity `{sign}` is neither + nor -"))?;
            Ok(Link {
                id: text(&["id"]),
                from,
                to,
                polarity,
            })
        }
        other => Err(format!("a link cannot be {}", other.type_str())),
    }
}

/// `"cause -> effect (+)"`, `"cause -(+)-> effect"`, `"cause -> effect : -"` or `"cause -> effect -"`.
fn parse_link_text(text: &str) -> Result<Link, String> {
    let bad = || format!("`{text}` is not `cause -> effect (+)`");
    let mut rest = text.replace('−', "-");
    let mut polarity = None;
    for (marker, sign) in [("(+)", Polarity::Positive), ("(-)", Polarity::Negative)] {
        if rest.contains(marker) {
            polarity = Some(sign);
            rest = rest.replace(marker, " ");
        }
    }
    if polarity.is_none() {
        // A sign after a colon, or as the last word: "a -> b : +", "a -> b -".
        let trimmed = rest.trim_end();
        let (body, last) = trimmed.rsplit_once([':', ' ']).unwrap_or((trimmed, ""));
        polarity = Polarity::parse(last).filter(|_| matches!(last.trim(), "+" | "-"));
        if polarity.is_some() {
            rest = body.trim_end_matches(':').to_string();
        }
    }
    let polarity = polarity.ok_or_else(|| format!("`{text}` gives no sign: add (+) or (-)"))?;
    let (left, right) = rest.split_once("->").ok_or_else(bad)?;
    // The dashes of "-(+)->" belong to the arrow, not to the names.
    let from = left.trim().trim_end_matches('-').trim().to_string();
    let to = right.trim().trim_start_matches('-').trim().to_string();
    if from.is_empty() || to.is_empty() {
        return Err(bad());
    }
    Ok(Link {
        id: None,
        from,
        to,
        polarity,
    })
}

impl Case {
    /// Every link of every claim, checked as the module docs describe: constants are perturbed
    /// around the first scenario's run (the model as it is when there are no scenarios); partial
    /// effects are read off every scenario's run. Returns the results and the number of runs made.
    pub fn check_polarities(
        &self,
        base: &blowback_sd::Overrides,
    ) -> Result<(Vec<CheckResult>, usize), CaseError> {
        let base_overrides = match self.scenarios().first() {
            Some(s) => self.overrides_for(s, base),
            None => base.clone(),
        };
        let graph = DependencyGraph::new(self.project());
        let equations = Equations::new(self.project());
        // Partial effects are read off every scenario's run, so a link idle under one policy is
        // seen under another.
        let base_runs = if self.claims().is_empty() {
            Vec::new()
        } else {
            self.partial_effect_runs(base)?
        };
        let views: Vec<RunView> = base_runs.iter().map(RunView::new).collect();
        let mut runs_made = base_runs.len();
        let sim = self.simulation();
        let run = |o: &blowback_sd::Overrides, names: &[&str]| {
            sim.run_selected(o, names).map_err(|source| CaseError::Run {
                scenario: "polarity test".into(),
                source,
            })
        };
        let mut results = Vec::new();
        let mut seen = HashSet::new();
        for claim in self.claims() {
            for link in &claim.links {
                let key = (
                    blowback_sd::canonical(&link.from),
                    blowback_sd::canonical(&link.to),
                );
                if !seen.insert(key) {
                    continue;
                }
                let name = format!(
                    "{}{} -> {} ({})",
                    link.id
                        .as_ref()
                        .map(|i| format!("{i}: "))
                        .unwrap_or_default(),
                    link.from,
                    link.to,
                    link.polarity.symbol()
                );
                let role = sim
                    .variables()
                    .find(|v| same_name(v.name, &link.from))
                    .map(|v| v.role);
                let effect_role = sim
                    .variables()
                    .find(|v| same_name(v.name, &link.to))
                    .map(|v| v.role);
                let effect_is_stock = effect_role == Some(blowback_sd::NodeRole::Stock);
                let (status, detail) = match role {
                    Some(blowback_sd::NodeRole::Constant) => {
                        let current = base_overrides
                            .values()
                            .iter()
                            .rev()
                            .find(|(n, _)| same_name(n, &link.from))
                            .map(|(_, v)| *v)
                            .or_else(|| sim.default_value(&link.from))
                            .unwrap_or(0.0);
                        let step = if current == 0.0 {
                            0.1
                        } else {
                            0.1 * current.abs()
                        };
                        let mut perturbed = base_overrides.clone();
                        perturbed.set(&link.from, current + step);
                        let names = [link.to.as_str()];
                        let before = run(&base_overrides, &names)?;
                        let after = run(&perturbed, &names)?;
                        runs_made += 2;
                        judge_average(before.column_at(0), after.column_at(0), link.polarity)
                    }
                    _ if effect_is_stock => match graph.flow_sign(&link.to, &link.from) {
                        Some(sign) => judge_flow(sign, link.polarity),
                        None => structural(&graph, link),
                    },
                    _ => {
                        let mut total = Some(PartialSigns::default());
                        for view in &views {
                            let signs = equations.partial_signs(
                                view,
                                sim.sim_specs().dt,
                                &link.from,
                                &link.to,
                            );
                            total = total.zip(signs).map(|(t, s)| PartialSigns {
                                up: t.up + s.up,
                                down: t.down + s.down,
                                flat: t.flat + s.flat,
                            });
                        }
                        match total {
                            Some(signs) => judge_partial(signs, link.polarity, base_runs.len()),
                            None => structural_reason(&graph, &equations, link),
                        }
                    }
                };
                results.push(CheckResult {
                    name,
                    status,
                    detail,
                    expect: crate::behaviour::Expectation::Pass,
                });
            }
        }
        Ok((results, runs_made))
    }
}

impl Case {
    /// The runs partial effects are read from: one per scenario, or the model as it is.
    fn partial_effect_runs(
        &self,
        base: &blowback_sd::Overrides,
    ) -> Result<Vec<blowback_sd::Results>, CaseError> {
        let overrides: Vec<blowback_sd::Overrides> = if self.scenarios().is_empty() {
            vec![base.clone()]
        } else {
            self.scenarios()
                .iter()
                .map(|s| self.overrides_for(s, base))
                .collect()
        };
        overrides
            .iter()
            .map(|o| {
                self.simulation().run(o).map_err(|source| CaseError::Run {
                    scenario: "polarity test".into(),
                    source,
                })
            })
            .collect()
    }
}

fn judge_average(before: &[f64], after: &[f64], polarity: Polarity) -> (CheckStatus, String) {
    let diffs: Vec<f64> = after.iter().zip(before).map(|(a, b)| a - b).collect();
    let mean = diffs.iter().sum::<f64>() / diffs.len().max(1) as f64;
    let scale = before.iter().map(|v| v.abs()).sum::<f64>() / before.len().max(1) as f64;
    let up = diffs.iter().copied().fold(0.0, f64::max);
    let down = diffs.iter().copied().fold(0.0, f64::min);
    let detail = format!(
        "+10% cause: mean change {mean:+.3e} (largest rise {up:+.3e}, largest fall {down:+.3e})"
    );
    // A change below a billionth of the effect's size is rounding, not an effect.
    let tolerance = 1e-9 * scale.max(1e-12);
    let status = if mean * polarity.sign() > tolerance {
        CheckStatus::Pass
    } else {
        CheckStatus::Fail
    };
    (status, detail)
}

fn judge_flow(sign: Polarity, claimed: Polarity) -> (CheckStatus, String) {
    let what = match sign {
        Polarity::Positive => "an inflow of the stock",
        Polarity::Negative => "an outflow of the stock",
    };
    let status = if sign == claimed {
        CheckStatus::Pass
    } else {
        CheckStatus::Fail
    };
    (status, format!("the cause is {what}"))
}

fn judge_partial(signs: PartialSigns, claimed: Polarity, runs: usize) -> (CheckStatus, String) {
    let (with, against) = match claimed {
        Polarity::Positive => (signs.up, signs.down),
        Polarity::Negative => (signs.down, signs.up),
    };
    let detail = format!(
        "partial effect at {} saved times of {runs} runs: claimed sign at {with}, opposite at {against}, none at {}",
        signs.up + signs.down + signs.flat,
        signs.flat
    );
    let status = if against > 0 {
        CheckStatus::Fail
    } else if with > 0 {
        CheckStatus::Pass
    } else {
        // The link exists but is switched off all run long (a lever at zero, a saturated MIN).
        CheckStatus::StructuralOnly
    };
    (status, detail)
}

/// Why a partial effect could not be computed, and the structural check in its place.
fn structural_reason(
    graph: &DependencyGraph,
    equations: &Equations,
    link: &Link,
) -> (CheckStatus, String) {
    let (status, detail) = structural(graph, link);
    if status == CheckStatus::Fail {
        return (status, detail);
    }
    let cause = blowback_sd::canonical(&link.from);
    let why = if equations.uses_within_step(&link.to, &cause) {
        "the equations use a function this check cannot evaluate (e.g. a smooth inside a larger expression)"
    } else {
        "the cause acts through a smooth or delay, so only at later steps"
    };
    (status, format!("{detail}; {why}"))
}

fn structural(graph: &DependencyGraph, link: &Link) -> (CheckStatus, String) {
    if graph.reaches(&link.to, &link.from) {
        (
            CheckStatus::StructuralOnly,
            "structural only: the effect's equations use the cause".into(),
        )
    } else {
        (
            CheckStatus::Fail,
            "the effect's equations do not use the cause, even through auxiliaries".into(),
        )
    }
}

/// Which variables each variable's equation names, by canonical name; a stock depends on its
/// flows. Walking it from an effect back through non-stock variables finds the causes that act on
/// it within one time step.
struct DependencyGraph {
    uses: HashMap<String, Vec<String>>,
    stocks: HashSet<String>,
    /// Inflows and outflows of each stock.
    flows: HashMap<String, (Vec<String>, Vec<String>)>,
}

impl DependencyGraph {
    fn new(project: &blowback_sd::Project) -> Self {
        let mut uses = HashMap::new();
        let mut stocks = HashSet::new();
        let mut flows = HashMap::new();
        let Some(model) = project.main_model() else {
            return DependencyGraph {
                uses,
                stocks,
                flows,
            };
        };
        let known: HashSet<String> = model
            .variables
            .iter()
            .map(|v| blowback_sd::canonical(&v.name))
            .collect();
        for variable in &model.variables {
            let key = blowback_sd::canonical(&variable.name);
            let mut names: Vec<String> = Vec::new();
            if let blowback_sd::VariableKind::Stock {
                inflows, outflows, ..
            } = &variable.kind
            {
                stocks.insert(key.clone());
                let canon = |list: &[String]| {
                    list.iter()
                        .map(|n| blowback_sd::canonical(n))
                        .collect::<Vec<_>>()
                };
                flows.insert(key.clone(), (canon(inflows), canon(outflows)));
                names.extend(
                    inflows
                        .iter()
                        .chain(outflows)
                        .map(|n| blowback_sd::canonical(n)),
                );
            } else {
                let texts = variable
                    .equation
                    .iter()
                    .map(|e| e.text.as_str())
                    .chain(variable.elements.iter().map(|e| e.equation.text.as_str()));
                for text in texts {
                    names.extend(identifiers(text).filter(|n| known.contains(n)));
                }
            }
            uses.insert(key, names);
        }
        DependencyGraph {
            uses,
            stocks,
            flows,
        }
    }

    /// `+` when `flow` is an inflow of `stock`, `-` when an outflow, `None` otherwise.
    fn flow_sign(&self, stock: &str, flow: &str) -> Option<Polarity> {
        let flows = self.flows.get(&blowback_sd::canonical(stock))?;
        let flow = blowback_sd::canonical(flow);
        if flows.0.contains(&flow) {
            Some(Polarity::Positive)
        } else if flows.1.contains(&flow) {
            Some(Polarity::Negative)
        } else {
            None
        }
    }

    /// Whether `effect` uses `cause`, directly or through variables that are not stocks.
    fn reaches(&self, effect: &str, cause: &str) -> bool {
        let cause = blowback_sd::canonical(cause);
        let mut stack = vec![blowback_sd::canonical(effect)];
        let mut seen = HashSet::new();
        let mut first = true;
        while let Some(node) = stack.pop() {
            if !seen.insert(node.clone()) {
                continue;
            }
            // Stop at stocks other than the starting effect: beyond them lies another time step.
            if !first && self.stocks.contains(&node) {
                continue;
            }
            first = false;
            for used in self.uses.get(&node).into_iter().flatten() {
                if *used == cause {
                    return true;
                }
                stack.push(used.clone());
            }
        }
        false
    }
}

/// Identifiers in an equation (`words_with_underscores` and `"quoted names"`), canonicalised.
fn identifiers(text: &str) -> impl Iterator<Item = String> + '_ {
    let mut out = Vec::new();
    let mut chars = text.char_indices().peekable();
    while let Some((start, ch)) = chars.next() {
        if ch == '"' {
            let mut end = start + 1;
            for (i, c) in chars.by_ref() {
                end = i;
                if c == '"' {
                    break;
                }
            }
            out.push(blowback_sd::canonical(&text[start + 1..end.max(start + 1)]));
        } else if ch.is_alphabetic() || ch == '_' {
            let mut end = start + ch.len_utf8();
            while let Some(&(i, c)) = chars.peek() {
                if c.is_alphanumeric() || c == '_' || c == '.' {
                    end = i + c.len_utf8();
                    chars.next();
                } else {
                    break;
                }
            }
            out.push(blowback_sd::canonical(&text[start..end]));
        }
    }
    out.into_iter()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn link_text_forms() {
        let l = parse_link_text("taliban_control -> ttp_sanctuary (+)").unwrap();
        assert_eq!(
            (l.from.as_str(), l.to.as_str(), l.polarity),
            ("taliban_control", "ttp_sanctuary", Polarity::Positive)
        );
        let l = parse_link_text("cross_border_strikes -(-)-> pak_kabul_relations").unwrap();
        assert_eq!(
            (l.from.as_str(), l.polarity),
            ("cross_border_strikes", Polarity::Negative)
        );
        let l = parse_link_text("a -> b : -").unwrap();
        assert_eq!((l.to.as_str(), l.polarity), ("b", Polarity::Negative));
        let l = parse_link_text("a -(+)-> b").unwrap();
        assert_eq!(
            (l.from.as_str(), l.to.as_str(), l.polarity),
            ("a", "b", Polarity::Positive)
        );
        let l = parse_link_text("a -> b -").unwrap();
        assert_eq!((l.to.as_str(), l.polarity), ("b", Polarity::Negative));
        assert!(parse_link_text("a -> b").is_err());
        assert!(parse_link_text("a b +").is_err());
    }

    #[test]
    fn claims_with_tables_strings_and_ids() {
        let text = r#"
[[link]]
id = "L1"
from = "a"
to = "b"
polarity = "-"

[[claim]]
id = "C1"
links = ["L1", "c -> d (+)", { from = "e", to = "f", sign = "positive" }]
"#;
        let claims = parse_claims(text).unwrap();
        let links = &claims[0].links;
        assert_eq!(links.len(), 3);
        assert_eq!(links[0].polarity, Polarity::Negative);
        assert_eq!(links[0].id.as_deref(), Some("L1"));
        assert_eq!(links[2].to, "f");
        assert_eq!(claims[0].citation(), "C1");
    }

    #[test]
    fn a_claim_keeps_its_paragraphs_and_paraphrase() {
        let text = "[[claim]]\nid = \"depth\"\nparagraphs = [\"P3\", \"P8\"]\nparaphrase = \"In short.\"\nlinks = [\"a -> b (+)\"]\n";
        let claim = &parse_claims(text).unwrap()[0];
        assert_eq!(claim.paragraphs, ["P3", "P8"]);
        assert_eq!(claim.paraphrase, "In short.");
        assert_eq!(claim.citation(), "depth [P3, P8]");
        let err = parse_claims("[[claim]]\nid = \"x\"\nparagraphs = \"P3\"\n").unwrap_err();
        assert!(err.to_string().contains("paragraphs"), "{err}");
    }

    #[test]
    fn a_link_without_sign_is_an_error() {
        let err = parse_claims("[[claim]]\nid = \"x\"\nlinks = [{ from = \"a\", to = \"b\" }]\n")
            .unwrap_err();
        assert!(err.to_string().contains("polarity"), "{err}");
    }

    #[test]
    fn identifiers_are_found_and_canonical() {
        let names: Vec<String> =
            identifiers("MAX(0, ttp_fighters * \"Attack Rate\") + 1e-3").collect();
        assert!(names.contains(&blowback_sd::canonical("ttp_fighters")));
        assert!(names.contains(&blowback_sd::canonical("attack rate")));
        assert!(names.contains(&blowback_sd::canonical("MAX")));
    }

    #[test]
    fn each_basis_parses_and_is_checked() {
        let text = r#"
[[claim]]
id = "a"
basis = "essay"
paragraphs = ["P4"]
hedge = "only seems so"
links = []
[[claim]]
id = "b"
basis = "source"
source = "A report"
date = "2021-08"
links = []
[[claim]]
id = "c"
basis = "judgement"
judgement = "how strong"
constants = ["k"]
links = []
"#;
        let claims = parse_claims(text).unwrap();
        assert_eq!(
            claims[0].basis,
            Basis::Essay {
                hedge: Some("only seems so".into())
            }
        );
        assert!((claims[1].basis.source_year().unwrap() - (2021.0 + 7.0 / 12.0)).abs() < 1e-12);
        assert!(
            matches!(&claims[2].basis, Basis::Judgement { constants, .. } if constants == &["k"])
        );
        for (bad, expected) in [
            ("basis = \"essay\"\n", "must cite its `paragraphs`"),
            ("basis = \"source\"\nsource = \"x\"\n", "publication `date`"),
            (
                "basis = \"source\"\nsource = \"x\"\ndate = \"2021-13\"\n",
                "not YYYY-MM",
            ),
            ("basis = \"judgement\"\n", "needs `judgement`"),
            ("basis = \"hunch\"\n", "not essay, source or judgement"),
        ] {
            let err = parse_claims(&format!("[[claim]]\nid = \"x\"\n{bad}links = []\n"))
                .unwrap_err()
                .to_string();
            assert!(err.contains(expected), "{bad}: {err}");
        }
    }
}
