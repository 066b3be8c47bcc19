//! Errors from loading and running a case: each says which file, where in it, and what to do.

use blowback_sd::{Diagnostics, RunError};

/// Why a case could not be loaded, run or checked.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CaseError {
    /// A file of the case folder could not be read.
    #[error("reading {file}: {source}")]
    Read {
        /// The file's path within the case folder.
        file: String,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The folder has none of the model files a case may have.
    #[error("no model file (a case folder holds {} and scenarios.toml)", crate::files::MODEL_FILES.join(" or "))]
    NoModel,
    /// The model file has errors; the diagnostics carry byte spans into it for the caller to render.
    #[error("model: {0}")]
    Model(Diagnostics),
    /// A TOML file does not parse or does not have the expected shape.
    #[error("{file}:{line}:{column}: {message}{}", help_suffix(.help))]
    Toml {
        /// The file's name within the case folder.
        file: String,
        /// 1-based line of the offending text (0 when unknown).
        line: usize,
        /// 1-based column, in characters (0 when unknown).
        column: usize,
        /// What is wrong.
        message: String,
        /// The offending line, for display.
        snippet: String,
        /// What to do about it.
        help: Option<String>,
    },
    /// A data file does not parse.
    #[error("data/{file}:{line}: {message}")]
    Data {
        /// The file's name within `data/`.
        file: String,
        /// 1-based line (0 when unknown).
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// A case file is well-formed but refers to something that does not exist or makes no sense.
    #[error("{file}: {message}{}", help_suffix(.help))]
    Invalid {
        /// The file the reference is in.
        file: String,
        /// What is wrong.
        message: String,
        /// What to do about it.
        help: Option<String>,
    },
    /// The uncertainties file's `[[parameter]]` tables are wrong.
    #[error("{file}: {source}")]
    Explore {
        /// The file's name within the case folder.
        file: String,
        /// The explorer's error, located in the file.
        #[source]
        source: blowback_explore::ExploreError,
    },
    /// The conflict file is malformed or inconsistent.
    #[error("{file}: {source}")]
    Conflict {
        /// The file's name within the case folder.
        file: String,
        /// The conflict library's diagnostics.
        #[source]
        source: blowback_conflict::Error,
    },
    /// A run failed (unknown override, non-finite value).
    #[error("scenario `{scenario}`: {source}")]
    Run {
        /// The scenario (or test) that was running.
        scenario: String,
        /// The engine's error.
        #[source]
        source: RunError,
    },
    /// The optimiser failed.
    #[error("calibration failed: {0}")]
    Calibration(String),
}

fn help_suffix(help: &Option<String>) -> String {
    help.as_ref()
        .map(|h| format!(" (help: {h})"))
        .unwrap_or_default()
}

impl CaseError {
    /// An `Invalid` error without a hint.
    pub(crate) fn invalid(file: &str, message: impl Into<String>) -> Self {
        CaseError::Invalid {
            file: file.to_string(),
            message: message.into(),
            help: None,
        }
    }

    /// Locates a TOML error in `text` so the message names line and column.
    pub(crate) fn toml(file: &str, text: &str, err: &toml::de::Error) -> Self {
        let (line, column, snippet) = match err.span() {
            Some(span) => locate(text, span.start),
            None => (0, 0, String::new()),
        };
        CaseError::Toml {
            file: file.to_string(),
            line,
            column,
            message: err.message().trim().to_string(),
            snippet,
            help: None,
        }
    }
}

/// 1-based line and column (in characters) of byte `offset`, and that line's text.
pub(crate) fn locate(text: &str, offset: usize) -> (usize, usize, String) {
    let offset = offset.min(text.len());
    let before = &text[..floor_char_boundary(text, offset)];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    let snippet = text[line_start..].lines().next().unwrap_or("").to_string();
    (line, column, snippet)
}

fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locate_counts_lines_and_characters() {
        let text = "a = 1\nbé = x\n";
        assert_eq!(locate(text, 11), (2, 5, "bé = x".to_string()));
    }

    #[test]
    fn toml_errors_carry_line_and_column() {
        let text = "a = 1\nb = \n";
        let err = toml::from_str::<toml::Table>(text).unwrap_err();
        match CaseError::toml("x.toml", text, &err) {
            CaseError::Toml { line, file, .. } => {
                assert_eq!(line, 2);
                assert_eq!(file, "x.toml");
            }
            other => panic!("unexpected {other:?}"),
        }
    }
}
