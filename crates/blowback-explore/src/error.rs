//! The crate's error type: bad uncertainty files, impossible designs, model failures and I/O.

use blowback_diagnostic::Located;
use thiserror::Error;

/// What can go wrong while exploring.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum ExploreError {
    /// The uncertainties file is not valid TOML or does not have the expected shape; located at
    /// the offending text.
    #[error("uncertainties file, {0}")]
    Syntax(Located),
    /// A parameter's distribution is impossible (for example `low >= high`); located at the
    /// parameter's name, with a hint.
    #[error("uncertainties file, {error}")]
    Distribution {
        /// The parameter's name.
        parameter: String,
        /// What is wrong, where.
        error: Located,
    },
    /// The requested design cannot be built (too many samples, no parameters, ...).
    #[error("design: {0}")]
    Design(String),
    /// An analysis was given data of the wrong shape.
    #[error("analysis: {0}")]
    Analysis(String),
    /// Writing results failed.
    #[error("writing results: {0}")]
    Write(String),
    /// A part handed to a merge is damaged, of another table, or does not continue the parts
    /// before it.
    #[error("{part}: {message}")]
    Part {
        /// The part, as the caller named it (a file, with its shard).
        part: String,
        /// What is wrong with it.
        message: String,
    },
}

impl From<parquet::errors::ParquetError> for ExploreError {
    fn from(err: parquet::errors::ParquetError) -> Self {
        ExploreError::Write(err.to_string())
    }
}
