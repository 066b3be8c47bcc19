//! `blowback-diagnostic`: where in a text input a problem is.
//!
//! Every reader of the project (models, case files, conflict files, uncertainty files) reports bad
//! input the same way: a message, the byte span of the offending text, its line and column, and a
//! hint. [`Located`] is that report as data; renderers (the CLI, through miette) draw the caret
//! from the span and the source text. [`line_column`] is the one place lines and columns are
//! counted: lines from 1, columns in characters from 1.
//!
//! ```
//! use blowback_diagnostic::Located;
//!
//! let source = "name = \"x\"\nlow = 3\nhigh = 1\n";
//! let problem = Located::new("`low` must be below `high`")
//!     .at(source, 11..18)
//!     .with_help("swap them");
//! assert_eq!((problem.line(), problem.column()), (Some(2), Some(1)));
//! assert_eq!(problem.to_string(), "2:1: `low` must be below `high` (help: swap them)");
//! ```

#![deny(missing_docs)]

use std::fmt;
use std::ops::Range;

/// 1-based line and column (in characters) of byte `offset` in `source`. An offset past the end
/// counts as the end; one inside a character counts as that character's start.
pub fn line_column(source: &str, offset: usize) -> (usize, usize) {
    let offset = floor_char_boundary(source, offset.min(source.len()));
    let before = &source[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

/// Byte range of the `line`-th line of `source` (1-based), without its line break; an empty
/// range at the end for a line past the last.
pub fn line_span(source: &str, line: usize) -> Range<usize> {
    let mut start = 0;
    for _ in 1..line.max(1) {
        match source[start..].find('\n') {
            Some(i) => start += i + 1,
            None => return source.len()..source.len(),
        }
    }
    let end = source[start..]
        .find('\n')
        .map_or(source.len(), |i| start + i);
    let end = if source[start..end].ends_with('\r') {
        end - 1
    } else {
        end
    };
    start..end
}

fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// One problem in a text input, located where the reader knows where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located {
    /// What is wrong, in one sentence.
    pub message: String,
    /// Where: the byte span in the source and the line and column of its start.
    pub location: Option<Location>,
    /// What to do about it.
    pub help: Option<String>,
}

/// Where a problem is in its source text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// Byte range of the offending text (empty for a point).
    pub span: Range<usize>,
    /// 1-based line of the span's start.
    pub line: usize,
    /// 1-based column of the span's start, in characters.
    pub column: usize,
}

impl Located {
    /// A problem not (yet) located.
    pub fn new(message: impl Into<String>) -> Self {
        Located {
            message: message.into(),
            location: None,
            help: None,
        }
    }

    /// Locates the problem at `span` of `source` (clamped to the text and to character
    /// boundaries).
    pub fn at(mut self, source: &str, span: Range<usize>) -> Self {
        let start = floor_char_boundary(source, span.start.min(source.len()));
        let end = floor_char_boundary(source, span.end.clamp(start, source.len()));
        let (line, column) = line_column(source, start);
        self.location = Some(Location {
            span: start..end,
            line,
            column,
        });
        self
    }

    /// Locates the problem on the whole of line `line` (1-based) of `source`.
    pub fn at_line(self, source: &str, line: usize) -> Self {
        let span = line_span(source, line);
        self.at(source, span)
    }

    /// Adds a hint.
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// The byte span, when located.
    pub fn span(&self) -> Option<Range<usize>> {
        self.location.as_ref().map(|l| l.span.clone())
    }

    /// The 1-based line, when located.
    pub fn line(&self) -> Option<usize> {
        self.location.as_ref().map(|l| l.line)
    }

    /// The 1-based column in characters, when located.
    pub fn column(&self) -> Option<usize> {
        self.location.as_ref().map(|l| l.column)
    }
}

impl fmt::Display for Located {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(location) = &self.location {
            write!(f, "{}:{}: ", location.line, location.column)?;
        }
        f.write_str(&self.message)?;
        if let Some(help) = &self.help {
            write!(f, " (help: {help})")?;
        }
        Ok(())
    }
}

impl std::error::Error for Located {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_columns_count_characters_from_one() {
        let source = "ab\ncé d\n";
        assert_eq!(line_column(source, 0), (1, 1));
        assert_eq!(line_column(source, 3), (2, 1));
        // `é` is two bytes: byte 6 is the space after it, the third character of line 2.
        assert_eq!(line_column(source, 6), (2, 3));
        // Inside a character counts as its start; past the end as the end.
        assert_eq!(line_column(source, 5), (2, 2));
        assert_eq!(line_column(source, 99), (3, 1));
    }

    #[test]
    fn line_spans_leave_out_the_break() {
        let source = "first\r\nsecond\nthird";
        assert_eq!(&source[line_span(source, 1)], "first");
        assert_eq!(&source[line_span(source, 2)], "second");
        assert_eq!(&source[line_span(source, 3)], "third");
        assert_eq!(line_span(source, 9), source.len()..source.len());
    }

    #[test]
    fn a_located_problem_shows_where_and_what_to_do() {
        let source = "a = 1\nbb = oops\n";
        let problem = Located::new("bad value")
            .at(source, 11..15)
            .with_help("quote it");
        assert_eq!(problem.span(), Some(11..15));
        assert_eq!((problem.line(), problem.column()), (Some(2), Some(6)));
        assert_eq!(problem.to_string(), "2:6: bad value (help: quote it)");
        assert_eq!(Located::new("no place").to_string(), "no place");
        let whole = Located::new("bad row").at_line(source, 2);
        assert_eq!(whole.span(), Some(6..15));
    }

    #[test]
    fn spans_are_clamped_to_the_text() {
        let problem = Located::new("x").at("é", 1..40);
        assert_eq!(problem.span(), Some(0..2));
    }
}
