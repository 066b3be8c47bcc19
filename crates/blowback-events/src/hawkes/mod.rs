//! Self-exciting (Hawkes) point processes with exponential kernels: likelihood, fitting,
//! goodness of fit, simulation and tie handling. Times are plain `f64` in one unit (days when they
//! come from event data), on the window `[0, end]`.

pub mod fit;
pub mod gof;
mod linalg;
pub mod model;
mod profile;
pub mod simulate;
pub mod table;
pub mod ties;

/// Errors from the point-process layer.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum HawkesError {
    /// Event times, marks, window or change points are inconsistent.
    #[error("invalid event sequence: {0}")]
    InvalidData(String),
    /// Parameters have the wrong shape or impossible values.
    #[error("invalid parameters: {0}")]
    InvalidParameters(String),
    /// The optimiser failed on every start.
    #[error("optimiser failed: {0}")]
    Optimizer(String),
}
