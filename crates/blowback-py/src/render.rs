//! Problems in input files as the text of a Python exception: `path:line:column: message`, the
//! offending line with the text underlined, and the help line, as the CLI shows them (without
//! colours, which a traceback would print as escape codes).

use std::fmt::Write as _;
use std::ops::Range;

use blowback_diagnostic::{line_column, Located};
use blowback_sd::{Diagnostic, Severity};

/// One model diagnostic, located in `text` (the file at `path`).
pub fn diagnostic(path: &str, text: &str, diagnostic: &Diagnostic) -> String {
    let severity = match diagnostic.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    let variable = diagnostic
        .variable
        .as_ref()
        .map(|v| format!("in `{v}`: "))
        .unwrap_or_default();
    problem(
        path,
        text,
        &format!("{severity}: {variable}{}", diagnostic.message),
        diagnostic.span.clone(),
        diagnostic.help.as_deref(),
    )
}

/// Model diagnostics, one after another.
pub fn diagnostics(path: &str, text: &str, found: &[Diagnostic]) -> String {
    let mut out = String::new();
    for d in found {
        out.push_str(&diagnostic(path, text, d));
    }
    out.trim_end().to_string()
}

/// A problem a case, conflict or uncertainty reader located in `text`.
pub fn located(path: &str, text: &str, problem_found: &Located) -> String {
    problem(
        path,
        text,
        &problem_found.message,
        problem_found.span(),
        problem_found.help.as_deref(),
    )
}

fn problem(
    path: &str,
    text: &str,
    message: &str,
    span: Option<Range<usize>>,
    help: Option<&str>,
) -> String {
    let mut out = String::new();
    let Some(span) = span else {
        let _ = writeln!(out, "{path}: {message}");
        if let Some(help) = help {
            let _ = writeln!(out, "  help: {help}");
        }
        return out;
    };
    let start = clamp_to_char(text, span.start);
    let (line, column) = line_column(text, start);
    let _ = writeln!(out, "{path}:{line}:{column}: {message}");
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    let source_line = text[line_start..line_end].trim_end_matches('\r');
    let end = clamp_to_char(text, span.end.clamp(start, line_end));
    let width = text[start..end].chars().count().max(1);
    let _ = writeln!(out, "{line:>5} | {source_line}");
    let _ = writeln!(
        out,
        "      | {}{}",
        " ".repeat(text[line_start..start].chars().count()),
        "^".repeat(width)
    );
    if let Some(help) = help {
        let _ = writeln!(out, "  help: {help}");
    }
    out
}

/// The largest character boundary at or before `offset`, within `text`.
fn clamp_to_char(text: &str, offset: usize) -> usize {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}
