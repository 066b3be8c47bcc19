//! Rendering diagnostics: the offending source text underlined, through miette.

use std::path::Path;

use blowback_sd::{Diagnostic, Severity};
use miette::{LabeledSpan, MietteDiagnostic, NamedSource, Report};

/// Prints diagnostics with the offending source text underlined.
pub fn print_diagnostics(path: &Path, text: &str, diagnostics: &[Diagnostic]) {
    for diagnostic in diagnostics {
        eprintln!("{:?}", to_report(path, text, diagnostic));
    }
}

fn to_report(path: &Path, text: &str, diagnostic: &Diagnostic) -> Report {
    let location = diagnostic
        .line_column(text)
        .map(|(line, column)| format!("{}:{line}:{column}: ", path.display()))
        .unwrap_or_else(|| format!("{}: ", path.display()));
    let variable = diagnostic
        .variable
        .as_ref()
        .map(|v| format!("in `{v}`: "))
        .unwrap_or_default();
    let mut rendered = MietteDiagnostic::new(format!("{location}{variable}{}", diagnostic.message))
        .with_severity(match diagnostic.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
        });
    if let Some(span) = &diagnostic.span {
        let start = span.start.min(text.len());
        let end = span.end.clamp(start, text.len());
        rendered = rendered.with_label(LabeledSpan::at(start..end, "here"));
    }
    if let Some(help) = &diagnostic.help {
        rendered = rendered.with_help(help.clone());
    }
    Report::new(rendered).with_source_code(NamedSource::new(
        path.display().to_string(),
        text.to_string(),
    ))
}
