//! The crate's error type: bad uncertainty files, impossible designs, model failures and I/O.

use thiserror::Error;

/// What can go wrong while exploring.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum ExploreError {
    /// The uncertainties file is not valid TOML or does not have the expected shape.
    #[error("uncertainties file, line {line}, column {column}: {message}")]
    Syntax {
        /// 1-based line of the offending text.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What the parser expected.
        message: String,
    },
    /// A parameter's distribution is impossible (for example `low >= high`).
    #[error("uncertainties file, line {line}: parameter `{parameter}`: {message} (hint: {hint})")]
    Distribution {
        /// The parameter's name.
        parameter: String,
        /// 1-based line of the parameter's name.
        line: usize,
        /// What is wrong.
        message: String,
        /// How to fix it.
        hint: String,
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
}

impl From<parquet::errors::ParquetError> for ExploreError {
    fn from(err: parquet::errors::ParquetError) -> Self {
        ExploreError::Write(err.to_string())
    }
}
