//! Diagnostics: what is wrong with a model, where, and what to do about it.
//!
//! A diagnostic is data, not a rendered message: the CLI turns it into a located report with a caret
//! under the offending text. Spans are byte offsets into the model file the diagnostic came from, so a
//! renderer needs only that file's text.

use std::fmt;
use std::ops::Range;

/// How serious a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// The model still compiles and runs, but something looks wrong.
    Warning,
    /// The model cannot be compiled.
    Error,
}

/// What kind of problem a diagnostic reports; stable for tests and tools.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum DiagnosticKind {
    /// The file is not well-formed XML.
    Xml,
    /// The XML is well-formed but not a model we understand (missing elements, bad attributes).
    Structure,
    /// An equation does not parse.
    Syntax,
    /// A name that no variable, builtin or dimension has.
    UnknownName,
    /// A builtin called with the wrong number of arguments.
    Arity,
    /// Variables that depend on each other with no stock in between.
    AlgebraicLoop,
    /// A stock without an initial value, or an equation that is empty.
    MissingEquation,
    /// Array dimensions that do not fit together.
    Dimension,
    /// A graphical function whose points are unusable.
    GraphicalFunction,
    /// Two variables with the same name.
    Duplicate,
    /// Something valid but unsupported.
    Unsupported,
    /// Units that do not agree (an equation, a flow and its stock, a builtin's arguments), or
    /// unit text that cannot be read.
    Units,
    /// A variable without units in a model that declares units elsewhere.
    MissingUnits,
}

/// One problem found in a model.
#[derive(Debug, Clone, PartialEq)]
pub struct Diagnostic {
    /// How serious it is.
    pub severity: Severity,
    /// What kind of problem it is.
    pub kind: DiagnosticKind,
    /// One sentence saying what is wrong.
    pub message: String,
    /// The variable it concerns, by its name in the model.
    pub variable: Option<String>,
    /// Byte range of the offending text in the source file, when known.
    pub span: Option<Range<usize>>,
    /// What to do about it.
    pub help: Option<String>,
}

impl Diagnostic {
    /// A new error diagnostic.
    pub fn error(kind: DiagnosticKind, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            kind,
            message: message.into(),
            variable: None,
            span: None,
            help: None,
        }
    }

    /// A new warning diagnostic.
    pub fn warning(kind: DiagnosticKind, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(kind, message)
        }
    }

    /// Sets the variable the diagnostic concerns.
    pub fn with_variable(mut self, variable: impl Into<String>) -> Self {
        self.variable = Some(variable.into());
        self
    }

    /// Sets the source span.
    pub fn with_span(mut self, span: Option<Range<usize>>) -> Self {
        self.span = span;
        self
    }

    /// Sets the help text.
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Whether this diagnostic stops compilation.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// One-based line and column of the span's start in `source`, counting columns in characters.
    pub fn line_column(&self, source: &str) -> Option<(usize, usize)> {
        let start = self.span.as_ref()?.start;
        Some(blowback_diagnostic::line_column(source, start))
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let severity = match self.severity {
            Severity::Warning => "warning",
            Severity::Error => "error",
        };
        write!(f, "{severity}: ")?;
        if let Some(variable) = &self.variable {
            write!(f, "{variable}: ")?;
        }
        write!(f, "{}", self.message)?;
        if let Some(help) = &self.help {
            write!(f, " (help: {help})")?;
        }
        Ok(())
    }
}

/// All the diagnostics from one pass over a model, returned as an error when any is an error.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{} error(s) in the model; first: {}", self.error_count(), self.0.iter().find(|d| d.is_error()).map(|d| d.to_string()).unwrap_or_default())]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    /// How many of the diagnostics are errors.
    pub fn error_count(&self) -> usize {
        self.0.iter().filter(|d| d.is_error()).count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_and_column_count_characters() {
        let source = "ab\ncé d";
        let d = Diagnostic::error(DiagnosticKind::Syntax, "x").with_span(Some(6..7));
        assert_eq!(d.line_column(source), Some((2, 3)));
    }
}
