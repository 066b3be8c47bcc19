//! The Graph Model for Conflict Resolution (GMCR; Kilgour, Hipel & Fang): which outcomes of a
//! strategic conflict no decision maker will leave, and why.
//!
//! This crate owns the conflict model (decision makers, binary options, infeasible states,
//! reversibility, preferences by option prioritisation or explicit ranking, or explicit graph
//! form), its two readers (TOML for people, JSON `blowback-gmcr-model/1` for tools), and the
//! analysis: feasible states in GMCR+ numbering, moves, unilateral improvements, stability per
//! decision maker under Nash, GMR, SMR, SEQ, SIM and limited-move L_h, equilibria, status-quo
//! reachability, coalition analysis, explanations, inverse analysis, and stability across
//! contexts (circumstances in which some decision makers' preferences differ). It does no file I/O.
//!
//! ```
//! use blowback_conflict::{analyze, read_toml, Concept, Conflict, Game};
//!
//! let source = r#"
//! name = "Prisoner's dilemma"
//! [[decision_maker]]
//! name = "One"
//! option = [{ id = "one_defects" }]
//! preference = [{ statement = "not two_defects" }, { statement = "one_defects" }]
//! [[decision_maker]]
//! name = "Two"
//! option = [{ id = "two_defects" }]
//! preference = [{ statement = "not one_defects" }, { statement = "two_defects" }]
//! "#;
//! let conflict = Conflict::build(&read_toml(source)?)?;
//! let game = Game::individual(&conflict);
//! let stability = analyze(&game, &[Concept::Nash, Concept::Gmr])?;
//! // Mutual defection (state 4, pattern YY) is the only Nash equilibrium.
//! let nash: Vec<u32> = stability.equilibria[0].iter().map(|s| conflict.state_id(s)).collect();
//! assert_eq!(nash, vec![4]);
//! # Ok::<(), blowback_conflict::Error>(())
//! ```

mod bitset;
mod condition;
mod conflict;
mod context;
mod error;
mod game;
mod inverse;
mod json;
mod model;
mod report;
mod stability;
mod status_quo;
mod toml_format;

pub use bitset::StateSet;
pub use condition::{parse_statement, Condition, Pattern, StatementError};
pub use conflict::{Conflict, MAX_OPTIONS};
pub use context::{analyze_contexts, ContextStability, AS_STATED};
pub use error::{Error, Located};
pub use game::Game;
pub use inverse::{
    inverse_analysis, inverse_by_statements, InverseResult, PreferenceChange,
    StatementInverseResult, StatementSwap,
};
pub use json::{read_json, MODEL_SCHEMA};
pub use model::{
    ConflictSpec, ContextSpec, DecisionMakerSpec, Form, GraphSpec, GraphState, OptionSpec,
    PreferenceSpec, Reversibility, StateRef, Statement, Trigger,
};
pub use report::{
    coalition_section, default_concepts, expected_document, ranking, status_quo_section,
    EXPECTED_SCHEMA,
};
pub use stability::{
    analyze, explain, Concept, Explanation, MoveCheck, Sanction, Stability, MAX_LIMITED_WORK,
};
pub use status_quo::{reachable_by_improvements, Reachable};
pub use toml_format::{read_toml, TOML_SCHEMA};
