//! `blowback-sd`: a system-dynamics engine.
//!
//! It reads XMILE 1.0 models (and the dialects real tools write), checks them with located
//! diagnostics (units included: [`check_units`]), compiles them once to a flat plan over `f64`
//! slots, and runs that plan many times with different overrides, fast and in parallel.
//!
//! ```
//! use blowback_sd::{compile, read_xmile, Overrides};
//!
//! let text = r#"<xmile version="1.0" xmlns="http://docs.oasis-open.org/xmile/ns/XMILE/v1.0">
//!   <sim_specs><start>0</start><stop>10</stop><dt>0.25</dt></sim_specs>
//!   <model><variables>
//!     <stock name="population"><eqn>100</eqn><inflow>births</inflow></stock>
//!     <flow name="births"><eqn>population * birth_rate</eqn></flow>
//!     <aux name="birth rate"><eqn>0.05</eqn></aux>
//!   </variables></model>
//! </xmile>"#;
//! let (project, _warnings) = read_xmile(text).unwrap();
//! let (simulation, _warnings) = compile(&project).unwrap();
//! let mut overrides = Overrides::new();
//! overrides.set("birth_rate", 0.1);
//! let results = simulation.run(&overrides).unwrap();
//! let final_population = *results.column("Population").unwrap().last().unwrap();
//! assert!((final_population - 100.0 * 1.025_f64.powi(40)).abs() < 1e-9);
//! ```
//!
//! Dependency direction: `equation` (syntax) <- `model` <- `ir` <- `plan` <- `compile` <- `simulation`
//! (runs). `plan` holds the compiled [`Simulation`] as data, so the compiler and the runner never
//! import each other.

#![deny(missing_docs)]

mod compile;
mod convert;
mod data;
mod diagnostic;
pub mod equation;
mod format;
mod ir;
mod loops;
mod mdl;
mod model;
mod name;
mod partial;
mod plan;
mod reality;
mod run_data;
mod simulation;
mod units;
mod xmile;

pub use compile::{compile, compile_with_data};
pub use convert::convert;
pub use data::DataFiles;
pub use diagnostic::{Diagnostic, DiagnosticKind, Diagnostics, Severity};
pub use format::{decode_model_text, read_model, ModelFormat};
pub use loops::{
    CondensedEdge, Contribution, DominancePeriod, FeedbackLoop, Link, LoopAnalysis, LoopError,
    LoopOptions, Polarity,
};
pub use mdl::{read_mdl, read_mdl_with_data, write_mdl};
pub use model::{
    Connection, DataInterpolation, Dialect, Dimension, DimensionMapping, ElementEquation, Equation,
    GraphicalFunction, GraphicalFunctionKind, Header, Macro, Method, Model, Project, RealityCheck,
    SimSpecs, TestInput, UnitDefinition, Variable, VariableKind,
};
pub use name::{canonical, did_you_mean, display};
pub use partial::{PartialSigns, RecordedRun};
pub use reality::{run_reality_checks, RealityOutcome};
pub use run_data::use_data_file;
pub use simulation::{NodeRole, Overrides, Results, RunError, Simulation, VariableInfo};
pub use units::{check_units, parse_units, readable_units, UnitParseError, Units};
pub use xmile::{read_xmile, set_constants, write_xmile, EditError};
