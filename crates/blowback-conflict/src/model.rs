//! The conflict as written by a modeller, before states are enumerated: decision makers, options,
//! feasibility, reversibility, preferences, and (for graph-form conflicts) explicit states and moves.
//!
//! Both readers ([`crate::read_json`] and [`crate::read_toml`]) produce a [`ConflictSpec`];
//! [`crate::Conflict::build`] turns it into enumerated states, moves and payoffs.

use crate::condition::Condition;

/// Whether a conflict lists options (states are their feasible combinations) or explicit states.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    /// States are the feasible Y/N combinations of binary options.
    Option,
    /// States and each decision maker's moves are listed explicitly.
    Graph,
}

/// Which changes of an option are possible.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reversibility {
    /// The option can be taken and abandoned.
    Both,
    /// The option can only be taken (N to Y), never abandoned.
    ForwardOnly,
    /// The option can only be abandoned (Y to N), never taken.
    BackwardOnly,
}

/// One binary option.
#[derive(Debug, Clone, PartialEq)]
pub struct OptionSpec {
    /// Short identifier used in statements (TOML) or the option's name (JSON).
    pub id: String,
    /// Human-readable description.
    pub name: String,
    /// Index of the controlling decision maker.
    pub decision_maker: usize,
    /// Which changes are possible.
    pub reversibility: Reversibility,
    /// Provenance, e.g. `[P17]`.
    pub source: Option<String>,
}

/// One decision maker.
#[derive(Debug, Clone, PartialEq)]
pub struct DecisionMakerSpec {
    /// Name, unique within the conflict.
    pub name: String,
    /// Indices of the options it controls (option form).
    pub options: Vec<usize>,
}

/// One prioritisation statement: a condition on states, most important first.
#[derive(Debug, Clone, PartialEq)]
pub struct Statement {
    /// The statement as written.
    pub text: String,
    /// The compiled condition.
    pub condition: Condition,
    /// Provenance, e.g. `[P17]`.
    pub source: Option<String>,
}

/// A reference to a state in a ranking or as the status quo.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StateRef {
    /// A state id (GMCR+ numbering in option form, the listed id in graph form).
    Id(u32),
    /// An option-form state by its decimal code (sum of 2^i over options i taken).
    Decimal(u64),
}

/// A decision maker's preferences.
#[derive(Debug, Clone, PartialEq)]
pub enum PreferenceSpec {
    /// Option prioritisation: statement k of K is worth 2^(K-k); equal scores tie.
    Prioritization(Vec<Statement>),
    /// Explicit ranking, most preferred first; each inner list is a tie.
    Ranking(Vec<Vec<StateRef>>),
}

/// One explicitly listed state of a graph-form conflict.
#[derive(Debug, Clone, PartialEq)]
pub struct GraphState {
    /// The state's id.
    pub id: u32,
    /// An informative Y/N/- pattern, if given.
    pub pattern: Option<String>,
    /// A label, if given.
    pub label: Option<String>,
}

/// The explicit part of a graph-form conflict.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct GraphSpec {
    /// The states, in the order given.
    pub states: Vec<GraphState>,
    /// Per decision maker, its moves as `(from id, to id)`.
    pub moves: Vec<Vec<(u32, u32)>>,
}

/// A conflict as read from a file, before enumeration.
#[derive(Debug, Clone, PartialEq)]
pub struct ConflictSpec {
    /// The conflict's name.
    pub name: String,
    /// Free-text description.
    pub description: Option<String>,
    /// Option or graph form.
    pub form: Form,
    /// Options (option form; informative only in graph form).
    pub options: Vec<OptionSpec>,
    /// Decision makers.
    pub decision_makers: Vec<DecisionMakerSpec>,
    /// States satisfying any of these conditions are infeasible (option form).
    pub infeasible: Vec<Condition>,
    /// Preferences, one per decision maker in the same order.
    pub preferences: Vec<PreferenceSpec>,
    /// Per decision maker, conditions describing states it does not perceive (option form).
    pub misperceived: Vec<Vec<Condition>>,
    /// Explicit states and moves (graph form).
    pub graph: Option<GraphSpec>,
    /// The status quo, if given.
    pub status_quo: Option<StateRef>,
    /// Circumstances under which some decision makers' preferences differ from the file's own
    /// (which hold in the conflict's own circumstances, the status quo's).
    pub contexts: Vec<ContextSpec>,
}

/// A circumstance the conflict may reach (after a year of heavy violence, say) in which some
/// decision makers rank outcomes differently.
#[derive(Debug, Clone, PartialEq)]
pub struct ContextSpec {
    /// Its name.
    pub name: String,
    /// What the circumstance is.
    pub description: Option<String>,
    /// Provenance.
    pub source: Option<String>,
    /// When a simulation reaches it, for tools that link the conflict to a model; the conflict
    /// analysis itself does not read it.
    pub trigger: Option<Trigger>,
    /// Replacement preferences: (decision maker index, preferences).
    pub preferences: Vec<(usize, PreferenceSpec)>,
}

/// When a simulated variable puts the conflict in a context: it has stayed above (or below) a
/// level for at least a duration.
#[derive(Debug, Clone, PartialEq)]
pub struct Trigger {
    /// The model variable.
    pub variable: String,
    /// The level.
    pub level: f64,
    /// True: above the level; false: below it.
    pub above: bool,
    /// How long it must stay there (model time units).
    pub duration: f64,
}

impl Trigger {
    /// The first time at which `values` (sampled at `times`) have met the condition continuously
    /// for the trigger's duration; `None` if they never do.
    pub fn onset(&self, times: &[f64], values: &[f64]) -> Option<f64> {
        let mut since: Option<f64> = None;
        for (&t, &v) in times.iter().zip(values) {
            let met = if self.above {
                v > self.level
            } else {
                v < self.level
            };
            match (met, since) {
                (true, None) => since = Some(t),
                (false, _) => since = None,
                _ => {}
            }
            if let Some(start) = since {
                if t - start >= self.duration - 1e-9 {
                    return Some(t);
                }
            }
        }
        None
    }
}

impl ConflictSpec {
    /// Index of the decision maker called `name`.
    pub fn decision_maker_index(&self, name: &str) -> Option<usize> {
        self.decision_makers.iter().position(|dm| dm.name == name)
    }

    /// The conflict as it stands in the context called `name`: the context's preferences replace
    /// those of the decision makers it names. `None` when there is no such context.
    pub fn in_context(&self, name: &str) -> Option<ConflictSpec> {
        let context = self.contexts.iter().find(|c| c.name == name)?;
        let mut spec = self.clone();
        for (dm, preferences) in &context.preferences {
            spec.preferences[*dm] = preferences.clone();
        }
        Some(spec)
    }
}
