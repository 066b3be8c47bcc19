//! The enumerated conflict: feasible states in GMCR+ numbering, each decision maker's moves and
//! ordinal payoffs. Built once from a [`ConflictSpec`]; everything downstream reads only this.
//!
//! Invariant: option-form states are numbered 1..N in increasing decimal code (bit i = option i
//! taken), the numbering GMCR+ uses; graph-form states keep their listed ids, ordered by id.
//! Moves are never stored for option-form conflicts: they are enumerated on the fly as submasks of
//! a decision maker's movable options, so a 4-million-state conflict costs one index table.

use crate::condition::Condition;
use crate::error::{Error, Located};
use crate::model::{ConflictSpec, Form, PreferenceSpec, Reversibility, StateRef};

/// The largest option-form conflict we enumerate: 2^24 decimal codes need a 64 MiB index table.
pub const MAX_OPTIONS: usize = 24;

pub(crate) const NO_STATE: u32 = u32::MAX;

/// Compressed adjacency lists: targets of state `s` are `targets[offsets[s]..offsets[s + 1]]`.
#[derive(Debug, Clone, Default)]
pub(crate) struct Adjacency {
    offsets: Vec<u32>,
    targets: Vec<u32>,
}

impl Adjacency {
    fn from_pairs(n_states: usize, pairs: &[(usize, usize)]) -> Self {
        let mut sorted: Vec<(usize, usize)> = pairs.to_vec();
        sorted.sort_unstable();
        sorted.dedup();
        let mut offsets = vec![0u32; n_states + 1];
        for &(from, _) in &sorted {
            offsets[from + 1] += 1;
        }
        for index in 0..n_states {
            offsets[index + 1] += offsets[index];
        }
        let targets = sorted.iter().map(|&(_, to)| to as u32).collect();
        Adjacency { offsets, targets }
    }

    pub(crate) fn of(&self, state: usize) -> &[u32] {
        &self.targets[self.offsets[state] as usize..self.offsets[state + 1] as usize]
    }
}

#[derive(Debug, Clone)]
pub(crate) enum Moves {
    /// Option form: moves are submask flips of a decision maker's options.
    Options {
        /// Per decision maker, the options it controls.
        masks: Vec<u64>,
        /// Options that may go from N to Y.
        up_ok: u64,
        /// Options that may go from Y to N.
        down_ok: u64,
        /// Feasible state index per decimal code, or `NO_STATE`.
        index_of_decimal: Vec<u32>,
    },
    /// Graph form: explicit moves and their reverse, per decision maker.
    Explicit {
        forward: Vec<Adjacency>,
        backward: Vec<Adjacency>,
    },
}

/// An enumerated conflict, ready for analysis.
#[derive(Debug, Clone)]
pub struct Conflict {
    pub(crate) name: String,
    pub(crate) form: Form,
    pub(crate) option_ids: Vec<String>,
    pub(crate) option_names: Vec<String>,
    pub(crate) option_decision_maker: Vec<usize>,
    pub(crate) decision_makers: Vec<String>,
    pub(crate) state_ids: Vec<u32>,
    pub(crate) decimals: Vec<u64>,
    pub(crate) graph_patterns: Vec<Option<String>>,
    pub(crate) moves: Moves,
    /// Per decision maker, whether it perceives each state (None: all).
    pub(crate) perceived: Vec<Option<Vec<bool>>>,
    /// Per decision maker, ordinal payoff per state: 1 is the least preferred level.
    pub(crate) payoffs: Vec<Vec<u32>>,
    pub(crate) status_quo: Option<usize>,
}

impl Conflict {
    /// Enumerates states, moves and payoffs. Fails with every inconsistency found.
    pub fn build(spec: &ConflictSpec) -> Result<Conflict, Error> {
        let mut problems = Vec::new();
        let n_dms = spec.decision_makers.len();
        if n_dms < 2 {
            problems.push(
                Located::new(format!(
                    "a conflict needs at least two decision makers, found {n_dms}"
                ))
                .with_help("add another decision maker"),
            );
        }
        if spec.preferences.len() != n_dms {
            problems.push(Located::new(format!(
                "{} decision makers but {} preference specifications",
                n_dms,
                spec.preferences.len()
            )));
        }
        if !problems.is_empty() {
            return Err(Error::Invalid(problems));
        }
        let mut conflict = match spec.form {
            Form::Option => build_option_form(spec)?,
            Form::Graph => build_graph_form(spec)?,
        };
        conflict.payoffs = build_payoffs(spec, &conflict)?;
        conflict.status_quo = match spec.status_quo {
            Some(reference) => Some(conflict.resolve(reference).ok_or_else(|| {
                Error::Invalid(vec![Located::new(format!(
                    "the status quo {reference:?} is not a feasible state"
                ))
                .with_help("check it against the infeasible patterns")])
            })?),
            None => None,
        };
        Ok(conflict)
    }

    fn resolve(&self, reference: StateRef) -> Option<usize> {
        match reference {
            StateRef::Id(id) => self.state_ids.binary_search(&id).ok(),
            StateRef::Decimal(decimal) => match &self.moves {
                Moves::Options {
                    index_of_decimal, ..
                } => index_of_decimal
                    .get(decimal as usize)
                    .filter(|&&index| index != NO_STATE)
                    .map(|&index| index as usize),
                Moves::Explicit { .. } => None,
            },
        }
    }

    /// The conflict's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Option or graph form.
    pub fn form(&self) -> Form {
        self.form
    }

    /// Number of feasible states.
    pub fn n_states(&self) -> usize {
        self.state_ids.len()
    }

    /// Decision-maker names, in input order.
    pub fn decision_makers(&self) -> &[String] {
        &self.decision_makers
    }

    /// Index of the decision maker called `name`.
    pub fn decision_maker_index(&self, name: &str) -> Option<usize> {
        self.decision_makers.iter().position(|dm| dm == name)
    }

    /// Option ids (TOML) or names (JSON), option 1 first.
    pub fn option_ids(&self) -> &[String] {
        &self.option_ids
    }

    /// Option descriptions, option 1 first.
    pub fn option_names(&self) -> &[String] {
        &self.option_names
    }

    /// The controlling decision maker of each option.
    pub fn option_decision_makers(&self) -> &[usize] {
        &self.option_decision_maker
    }

    /// The external id of state `index`.
    pub fn state_id(&self, index: usize) -> u32 {
        self.state_ids[index]
    }

    /// The state index with external id `id`.
    pub fn state_index(&self, id: u32) -> Option<usize> {
        self.state_ids.binary_search(&id).ok()
    }

    /// The decimal code of an option-form state.
    pub fn state_decimal(&self, index: usize) -> Option<u64> {
        self.decimals.get(index).copied()
    }

    /// The state's Y/N pattern (option form) or its listed pattern (graph form), option 1 first.
    pub fn state_pattern(&self, index: usize) -> Option<String> {
        match self.form {
            Form::Option => {
                let decimal = self.decimals[index];
                Some(
                    (0..self.option_ids.len())
                        .map(|bit| if decimal & (1 << bit) != 0 { 'Y' } else { 'N' })
                        .collect(),
                )
            }
            Form::Graph => self.graph_patterns[index].clone(),
        }
    }

    /// The ids of the options taken in a state, in option order; empty for a graph-form conflict,
    /// whose states have no options.
    pub fn options_taken(&self, index: usize) -> Vec<&str> {
        let Some(decimal) = self.state_decimal(index) else {
            return Vec::new();
        };
        self.option_ids
            .iter()
            .enumerate()
            .filter(|(bit, _)| decimal & (1 << bit) != 0)
            .map(|(_, id)| id.as_str())
            .collect()
    }

    /// Ordinal payoff of `state` for decision maker `dm`: higher is better, 1 the worst level.
    pub fn payoff(&self, dm: usize, state: usize) -> u32 {
        self.payoffs[dm][state]
    }

    /// Every payoff of decision maker `dm`, by state index.
    pub fn payoffs(&self, dm: usize) -> &[u32] {
        &self.payoffs[dm]
    }

    /// The status quo's state index, if the file gave one.
    pub fn status_quo(&self) -> Option<usize> {
        self.status_quo
    }

    /// Replaces one decision maker's payoffs (used by inverse analysis to try preference changes).
    pub fn with_payoffs(&self, dm: usize, payoffs: Vec<u32>) -> Conflict {
        let mut changed = self.clone();
        changed.payoffs[dm] = payoffs;
        changed
    }

    /// The state index with decimal code `decimal`, if feasible (option form).
    pub fn state_of_decimal(&self, decimal: u64) -> Option<usize> {
        self.resolve(StateRef::Decimal(decimal))
    }

    /// Option-form mask of the options decision maker `dm` controls (0 in graph form).
    pub(crate) fn dm_mask(&self, dm: usize) -> u64 {
        match &self.moves {
            Moves::Options { masks, .. } => masks[dm],
            Moves::Explicit { .. } => 0,
        }
    }
}

fn build_option_form(spec: &ConflictSpec) -> Result<Conflict, Error> {
    let n_options = spec.options.len();
    let mut problems = Vec::new();
    if n_options == 0 {
        problems.push(Located::new(
            "an option-form conflict needs at least one option",
        ));
    }
    if n_options > MAX_OPTIONS {
        problems.push(
            Located::new(format!(
                "{n_options} options give 2^{n_options} candidate states; at most {MAX_OPTIONS} options are supported"
            ))
            .with_help("merge options or model the conflict in graph form"),
        );
    }
    let n_dms = spec.decision_makers.len();
    let mut masks = vec![0u64; n_dms];
    let mut up_ok = 0u64;
    let mut down_ok = 0u64;
    for (index, option) in spec.options.iter().enumerate() {
        if option.decision_maker >= n_dms {
            problems.push(Located::new(format!(
                "option `{}` belongs to no decision maker",
                option.id
            )));
            continue;
        }
        masks[option.decision_maker] |= 1 << index;
        if option.reversibility != Reversibility::BackwardOnly {
            up_ok |= 1 << index;
        }
        if option.reversibility != Reversibility::ForwardOnly {
            down_ok |= 1 << index;
        }
    }
    for (dm, mask) in masks.iter().enumerate() {
        if *mask == 0 {
            problems.push(
                Located::new(format!(
                    "decision maker `{}` controls no option",
                    spec.decision_makers[dm].name
                ))
                .with_help("give it at least one option"),
            );
        }
    }
    if !problems.is_empty() {
        return Err(Error::Invalid(problems));
    }
    let n_codes = 1usize << n_options;
    let mut index_of_decimal = vec![NO_STATE; n_codes];
    let mut decimals = Vec::new();
    for decimal in 0..n_codes as u64 {
        if !spec
            .infeasible
            .iter()
            .any(|condition| condition.holds(decimal))
        {
            index_of_decimal[decimal as usize] = decimals.len() as u32;
            decimals.push(decimal);
        }
    }
    if decimals.is_empty() {
        return Err(Error::invalid("every state is infeasible"));
    }
    let perceived = spec
        .misperceived
        .iter()
        .map(|conditions: &Vec<Condition>| {
            if conditions.is_empty() {
                None
            } else {
                Some(
                    decimals
                        .iter()
                        .map(|&decimal| !conditions.iter().any(|c| c.holds(decimal)))
                        .collect(),
                )
            }
        })
        .chain(std::iter::repeat(None))
        .take(n_dms)
        .collect();
    Ok(Conflict {
        name: spec.name.clone(),
        form: Form::Option,
        option_ids: spec.options.iter().map(|o| o.id.clone()).collect(),
        option_names: spec.options.iter().map(|o| o.name.clone()).collect(),
        option_decision_maker: spec.options.iter().map(|o| o.decision_maker).collect(),
        decision_makers: spec
            .decision_makers
            .iter()
            .map(|dm| dm.name.clone())
            .collect(),
        state_ids: (1..=decimals.len() as u32).collect(),
        decimals,
        graph_patterns: Vec::new(),
        moves: Moves::Options {
            masks,
            up_ok,
            down_ok,
            index_of_decimal,
        },
        perceived,
        payoffs: Vec::new(),
        status_quo: None,
    })
}

fn build_graph_form(spec: &ConflictSpec) -> Result<Conflict, Error> {
    let graph = spec
        .graph
        .as_ref()
        .ok_or_else(|| Error::invalid("a graph-form conflict needs a list of states"))?;
    let mut problems = Vec::new();
    let mut states = graph.states.clone();
    states.sort_by_key(|state| state.id);
    for pair in states.windows(2) {
        if pair[0].id == pair[1].id {
            problems.push(Located::new(format!(
                "state id {} is listed twice",
                pair[0].id
            )));
        }
    }
    if states.is_empty() {
        problems.push(Located::new(
            "a graph-form conflict needs at least one state",
        ));
    }
    let state_ids: Vec<u32> = states.iter().map(|state| state.id).collect();
    let n_states = state_ids.len();
    let n_dms = spec.decision_makers.len();
    let mut forward = Vec::with_capacity(n_dms);
    let mut backward = Vec::with_capacity(n_dms);
    for dm in 0..n_dms {
        let listed = graph.moves.get(dm).map(Vec::as_slice).unwrap_or(&[]);
        let mut pairs = Vec::with_capacity(listed.len());
        for &(from, to) in listed {
            let from_index = state_ids.binary_search(&from);
            let to_index = state_ids.binary_search(&to);
            match (from_index, to_index) {
                (Ok(a), Ok(b)) if a != b => pairs.push((a, b)),
                (Ok(_), Ok(_)) => problems.push(Located::new(format!(
                    "`{}` has a move from state {from} to itself",
                    spec.decision_makers[dm].name
                ))),
                _ => problems.push(
                    Located::new(format!(
                        "`{}` has a move [{from}, {to}] between unknown states",
                        spec.decision_makers[dm].name
                    ))
                    .with_help("moves must use listed state ids"),
                ),
            }
        }
        let reversed: Vec<(usize, usize)> = pairs.iter().map(|&(a, b)| (b, a)).collect();
        forward.push(Adjacency::from_pairs(n_states, &pairs));
        backward.push(Adjacency::from_pairs(n_states, &reversed));
    }
    if !problems.is_empty() {
        return Err(Error::Invalid(problems));
    }
    Ok(Conflict {
        name: spec.name.clone(),
        form: Form::Graph,
        option_ids: spec.options.iter().map(|o| o.id.clone()).collect(),
        option_names: spec.options.iter().map(|o| o.name.clone()).collect(),
        option_decision_maker: spec.options.iter().map(|o| o.decision_maker).collect(),
        decision_makers: spec
            .decision_makers
            .iter()
            .map(|dm| dm.name.clone())
            .collect(),
        graph_patterns: states.iter().map(|state| state.pattern.clone()).collect(),
        state_ids,
        decimals: Vec::new(),
        moves: Moves::Explicit { forward, backward },
        perceived: vec![None; n_dms],
        payoffs: Vec::new(),
        status_quo: None,
    })
}

/// Dense ordinal ranks of `scores`: the lowest score gets 1, equal scores equal ranks.
pub(crate) fn dense_ranks(scores: &[u64]) -> Vec<u32> {
    let mut levels: Vec<u64> = scores.to_vec();
    levels.sort_unstable();
    levels.dedup();
    scores
        .iter()
        .map(|score| levels.binary_search(score).expect("score is a level") as u32 + 1)
        .collect()
}

fn build_payoffs(spec: &ConflictSpec, conflict: &Conflict) -> Result<Vec<Vec<u32>>, Error> {
    let n_states = conflict.n_states();
    let mut problems = Vec::new();
    let mut payoffs = Vec::with_capacity(spec.preferences.len());
    for (dm, preference) in spec.preferences.iter().enumerate() {
        let dm_name = &spec.decision_makers[dm].name;
        match preference {
            PreferenceSpec::Prioritization(statements) => {
                if conflict.form == Form::Graph {
                    problems.push(
                        Located::new(format!(
                            "`{dm_name}`: prioritisation needs option form; graph-form conflicts rank states"
                        ))
                        .with_help("give an explicit ranking"),
                    );
                    payoffs.push(vec![1; n_states]);
                    continue;
                }
                if statements.len() > 62 {
                    problems.push(Located::new(format!(
                        "`{dm_name}` has {} statements; at most 62 fit the 2^(K-k) scores",
                        statements.len()
                    )));
                    payoffs.push(vec![1; n_states]);
                    continue;
                }
                let n_statements = statements.len();
                let scores: Vec<u64> = conflict
                    .decimals
                    .iter()
                    .map(|&decimal| {
                        statements
                            .iter()
                            .enumerate()
                            .filter(|(_, statement)| statement.condition.holds(decimal))
                            .map(|(k, _)| 1u64 << (n_statements - 1 - k))
                            .sum()
                    })
                    .collect();
                payoffs.push(dense_ranks(&scores));
            }
            PreferenceSpec::Ranking(groups) => {
                let mut level_of = vec![None; n_states];
                let n_groups = groups.len() as u64;
                for (position, group) in groups.iter().enumerate() {
                    for &reference in group {
                        match conflict.resolve(reference) {
                            Some(index) if level_of[index].is_none() => {
                                level_of[index] = Some(n_groups - position as u64)
                            }
                            Some(index) => problems.push(Located::new(format!(
                                "`{dm_name}` ranks state {} twice",
                                conflict.state_ids[index]
                            ))),
                            None => problems.push(
                                Located::new(format!(
                                    "`{dm_name}` ranks {reference:?}, which is not a feasible state"
                                ))
                                .with_help("rank only feasible states (ids in GMCR+ numbering)"),
                            ),
                        }
                    }
                }
                let missing: Vec<u32> = (0..n_states)
                    .filter(|&index| level_of[index].is_none())
                    .map(|index| conflict.state_ids[index])
                    .collect();
                if !missing.is_empty() {
                    problems.push(
                        Located::new(format!(
                            "`{dm_name}`'s ranking leaves out states {missing:?}"
                        ))
                        .with_help("a ranking must place every feasible state"),
                    );
                }
                let scores: Vec<u64> = level_of.iter().map(|level| level.unwrap_or(0)).collect();
                payoffs.push(dense_ranks(&scores));
            }
        }
    }
    if problems.is_empty() {
        Ok(payoffs)
    } else {
        Err(Error::Invalid(problems))
    }
}
