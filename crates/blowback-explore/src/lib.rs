//! `blowback-explore`: exploring a model under deep uncertainty.
//!
//! It owns the uncertainties file format, experimental designs (Monte Carlo, Latin hypercube,
//! Saltelli/Sobol, Morris, full factorial), parallel ensembles over any [`Model`] with Parquet
//! output and bounded memory, global sensitivity analysis (Morris, Sobol with bootstrap intervals)
//! and robust decision analysis (regret, dominance, satisficing, PRIM scenario discovery).
//!
//! It knows nothing about system dynamics: a model is anything that maps a parameter vector and a
//! scenario to named outcomes.
//!
//! ```
//! use blowback_explore::{parse_parameters, sobol_indices, Design, Method};
//!
//! let parameters = parse_parameters(r#"
//! [[parameter]]
//! name = "x"
//! distribution = "uniform"
//! low = 0
//! high = 1
//! [[parameter]]
//! name = "y"
//! distribution = "uniform"
//! low = 0
//! high = 1
//! "#).unwrap();
//! let design = Design::new(Method::Saltelli, parameters, 1024, 7).unwrap();
//! let outputs: Vec<f64> = (0..design.len())
//!     .map(|i| {
//!         let mut p = [0.0; 2];
//!         design.point(i, &mut p);
//!         4.0 * p[0] + p[1] // x carries 16/17 of the variance
//!     })
//!     .collect();
//! let indices = sobol_indices(&design, &outputs, 0).unwrap();
//! assert!((indices[0].first - 16.0 / 17.0).abs() < 0.05);
//! ```

#![deny(missing_docs)]

mod design;
mod distribution;
mod ensemble;
mod error;
mod parquet_out;
mod robust;
mod sensitivity;
mod uncertainties;

pub use design::{stream, Design, Method};
pub use distribution::Distribution;
pub use ensemble::{
    shard_chunks, Chunk, Ensemble, EnsembleSummary, Envelope, Model, ModelRun, OutcomeStats,
    Progress, RunSink,
};
pub use error::ExploreError;
pub use parquet_out::{merge_parquet, ParquetSink, ParquetTable};
pub use robust::{
    compare_policies, prim, Direction, PolicyComparison, PolicyStats, PrimBox, PrimOptions,
    PrimResult, PrimStep,
};
pub use sensitivity::{morris_indices, sobol_indices, MorrisIndex, SobolIndex};
pub use uncertainties::{parse_parameters, Parameter};
