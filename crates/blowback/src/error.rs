//! Errors from loading and running a case: each says which file, where in it, and what to do.

use blowback_diagnostic::Located;
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
    #[error("{}", in_file(file, error))]
    Toml {
        /// The file's name within the case folder.
        file: String,
        /// What is wrong, located in the file.
        error: Located,
    },
    /// A data file does not parse.
    #[error("{}", in_file(&format!("data/{file}"), error))]
    Data {
        /// The file's name within `data/`.
        file: String,
        /// What is wrong, located on its line.
        error: Located,
    },
    /// A case file is well-formed but refers to something that does not exist or makes no sense;
    /// located at the name where the reader can find it.
    #[error("{}", in_file(file, error))]
    Invalid {
        /// The file the reference is in.
        file: String,
        /// What is wrong, where, and what to do about it.
        error: Located,
    },
    /// The uncertainties file's `[[parameter]]` tables are wrong.
    #[error("{file}: {source}")]
    Explore {
        /// The file's name within the case folder.
        file: String,
        /// The explorer's error, located in the file (boxed: it is large, and rare).
        #[source]
        source: Box<blowback_explore::ExploreError>,
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

/// `file:line:column: message` when located, `file: message` when not.
fn in_file(file: &str, error: &Located) -> String {
    if error.location.is_some() {
        format!("{file}:{error}")
    } else {
        format!("{file}: {error}")
    }
}

impl CaseError {
    /// An `Invalid` error without a hint or a place.
    pub(crate) fn invalid(file: &str, message: impl Into<String>) -> Self {
        CaseError::invalid_with(file, message, None)
    }

    /// An `Invalid` error with an optional hint, not located.
    pub(crate) fn invalid_with(
        file: &str,
        message: impl Into<String>,
        help: Option<String>,
    ) -> Self {
        let mut error = Located::new(message);
        error.help = help;
        CaseError::Invalid {
            file: file.to_string(),
            error,
        }
    }

    /// Locates a TOML error in `text` so the message names line and column.
    pub(crate) fn toml(file: &str, text: &str, err: &toml::de::Error) -> Self {
        let located = Located::new(err.message().trim());
        CaseError::Toml {
            file: file.to_string(),
            error: match err.span() {
                Some(span) => located.at(text, span),
                None => located,
            },
        }
    }

    /// Locates an `Invalid` error at the first mention of `name` in `text` (see [`find_name`]).
    pub(crate) fn located_at_name(mut self, text: Option<&str>, name: &str) -> Self {
        if let (CaseError::Invalid { error, .. }, Some(text)) = (&mut self, text) {
            if let Some(span) = find_name(text, name) {
                *error = error.clone().at(text, span);
            }
        }
        self
    }

    /// The located problem of a file error, if this is one.
    pub fn located(&self) -> Option<(&str, &Located)> {
        match self {
            CaseError::Toml { file, error } | CaseError::Invalid { file, error } => {
                Some((file, error))
            }
            CaseError::Data { error, .. } => Some(("data", error)),
            _ => None,
        }
    }
}

/// The byte span of the first mention of `name` in a TOML file: as a whole word (not part of a
/// longer name), outside comments. The readers keep no spans for names inside untyped tables, and
/// a name the model lacks is usually written once, so its first mention is where to look.
pub(crate) fn find_name(text: &str, name: &str) -> Option<std::ops::Range<usize>> {
    if name.is_empty() {
        return None;
    }
    let is_word = |c: char| c.is_alphanumeric() || c == '_';
    let mut line_start = 0;
    for line in text.split_inclusive('\n') {
        // What follows the first `#` of a line is taken for a comment. A `#` inside a string
        // hides the rest of that line too, which at worst moves the caret to a later mention.
        let code = line.find('#').map_or(line, |i| &line[..i]);
        let mut from = 0;
        while let Some(i) = code[from..].find(name) {
            let start = from + i;
            let end = start + name.len();
            let before = code[..start].chars().next_back();
            let after = code[end..].chars().next();
            if !before.is_some_and(is_word) && !after.is_some_and(is_word) {
                return Some(line_start + start..line_start + end);
            }
            from = end;
        }
        line_start += line.len();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn toml_errors_carry_line_and_column() {
        let text = "a = 1\nb = \n";
        let err = toml::from_str::<toml::Table>(text).unwrap_err();
        let err = CaseError::toml("x.toml", text, &err);
        match &err {
            CaseError::Toml { file, error } => {
                assert_eq!(error.line(), Some(2));
                assert_eq!(file, "x.toml");
            }
            other => panic!("unexpected {other:?}"),
        }
        assert!(err.to_string().starts_with("x.toml:2:"), "{err}");
    }

    #[test]
    fn names_are_found_as_whole_words_outside_comments() {
        let text = "# fighters_total is not it\n[x]\nfighters_total = 1\nfighters = 2\n";
        let span = find_name(text, "fighters").unwrap();
        assert_eq!(&text[span.clone()], "fighters");
        assert_eq!(blowback_diagnostic::line_column(text, span.start), (4, 1));
        assert_eq!(find_name(text, "absent"), None);
        let located =
            CaseError::invalid("s.toml", "no `fighters`").located_at_name(Some(text), "fighters");
        assert!(
            located.to_string().starts_with("s.toml:4:1: no `fighters`"),
            "{located}"
        );
    }
}
