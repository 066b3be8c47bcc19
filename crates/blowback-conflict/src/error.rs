//! Errors: located diagnostics for bad input, and analysis requests that cannot be met.

use std::fmt;

/// One problem in an input file, located where possible.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// What is wrong.
    pub message: String,
    /// 1-based line, when the reader knows it.
    pub line: Option<usize>,
    /// 1-based column (characters), when the reader knows it.
    pub column: Option<usize>,
    /// The offending source line or text.
    pub snippet: Option<String>,
    /// How to fix it.
    pub hint: Option<String>,
}

impl Diagnostic {
    /// A diagnostic without a location.
    pub fn new(message: impl Into<String>) -> Self {
        Diagnostic {
            message: message.into(),
            line: None,
            column: None,
            snippet: None,
            hint: None,
        }
    }

    /// Adds a hint.
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// Locates the diagnostic at byte `offset` of `source`, quoting that line.
    pub fn at(mut self, source: &str, offset: usize) -> Self {
        let offset = offset.min(source.len());
        let before = &source[..offset];
        let line_start = before.rfind('\n').map_or(0, |pos| pos + 1);
        let line_end = source[offset..]
            .find('\n')
            .map_or(source.len(), |pos| offset + pos);
        self.line = Some(before.matches('\n').count() + 1);
        self.column = Some(source[line_start..offset].chars().count() + 1);
        self.snippet = Some(
            source[line_start..line_end]
                .trim_end_matches('\r')
                .to_string(),
        );
        self
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.line, self.column) {
            (Some(line), Some(column)) => write!(f, "{line}:{column}: {}", self.message)?,
            (Some(line), None) => write!(f, "{line}: {}", self.message)?,
            _ => write!(f, "{}", self.message)?,
        }
        if let Some(snippet) = &self.snippet {
            write!(f, "\n    | {snippet}")?;
            if let Some(column) = self.column {
                write!(f, "\n    | {}^", " ".repeat(column.saturating_sub(1)))?;
            }
        }
        if let Some(hint) = &self.hint {
            write!(f, "\n    = hint: {hint}")?;
        }
        Ok(())
    }
}

/// Everything that can go wrong in this crate.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The conflict file is malformed or inconsistent; every problem found is listed.
    #[error("{}", render(.0))]
    Invalid(Vec<Diagnostic>),
    /// The request does not fit this conflict (unknown decision maker, concept not defined for
    /// this form, conflict too large for an exhaustive method).
    #[error("{0}")]
    Unsupported(String),
}

fn render(diagnostics: &[Diagnostic]) -> String {
    let mut text = String::new();
    for (index, diagnostic) in diagnostics.iter().enumerate() {
        if index > 0 {
            text.push('\n');
        }
        text.push_str(&diagnostic.to_string());
    }
    text
}

impl Error {
    /// A single unlocated diagnostic.
    pub fn invalid(message: impl Into<String>) -> Self {
        Error::Invalid(vec![Diagnostic::new(message)])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locates_line_and_column() {
        let source = "a = 1\nbb = oops\n";
        let diagnostic = Diagnostic::new("bad").at(source, 11).with_hint("fix it");
        assert_eq!(diagnostic.line, Some(2));
        assert_eq!(diagnostic.column, Some(6));
        assert_eq!(diagnostic.snippet.as_deref(), Some("bb = oops"));
        let text = diagnostic.to_string();
        assert!(text.starts_with("2:6: bad"), "{text}");
        assert!(text.contains("hint: fix it"));
    }
}
