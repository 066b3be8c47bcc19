//! Dimensional analysis: unit strings as tools write them, and a checker that reports equations
//! whose units do not agree.
//!
//! - `parse.rs`: the unit-string grammar (XMILE unit equations, Vensim and Stella spellings).
//! - `context.rs`: built-in units and aliases, the model's `<model_units>`, reduction of any unit
//!   string to primary units.
//! - `solve.rs`: per-equation inference of the units of numbers and unit-less names, as exact
//!   linear algebra.
//! - `builtins.rs`: the unit rule of each builtin, keyed by its canonical name.
//! - `check.rs`: the walk over every equation of every model, and the diagnostics.
//! - `words.rs`: unit strings in words for labels (`busd/year` -> "billion US$ per year").
//!
//! The rules, and what is not checked, are in ARCHITECTURE.md ("Units").

mod builtins;
mod check;
mod context;
mod parse;
mod ratio;
mod solve;
mod words;

pub use check::check_units;
pub use parse::{parse_units, UnitParseError, Units};
pub use words::readable_units;
