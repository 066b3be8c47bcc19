//! Rendering problems in input files, one way for all of them: `path:line:column: message`, the
//! offending line with the text underlined, and a help line, through miette. Model diagnostics,
//! TOML errors, case-name errors, conflict and uncertainty errors all come here.

use std::fmt;
use std::ops::Range;
use std::path::Path;

use blowback_diagnostic::Located;
use blowback_sd::{Diagnostic, Severity};
use miette::{LabeledSpan, MietteDiagnostic, NamedSource, Report};

/// One problem to render: where (the file and its text, when the CLI has it), what, how serious.
struct Problem<'a> {
    path: &'a Path,
    source: Option<&'a str>,
    severity: miette::Severity,
    message: String,
    span: Option<Range<usize>>,
    help: Option<&'a str>,
}

impl Problem<'_> {
    fn report(self) -> Report {
        let location = match (&self.span, self.source) {
            (Some(span), Some(text)) => {
                let (line, column) = blowback_diagnostic::line_column(text, span.start);
                format!("{}:{line}:{column}: ", self.path.display())
            }
            _ => format!("{}: ", self.path.display()),
        };
        let mut rendered = MietteDiagnostic::new(format!("{location}{}", self.message))
            .with_severity(self.severity);
        if let (Some(span), Some(text)) = (&self.span, self.source) {
            let start = span.start.min(text.len());
            let end = span.end.clamp(start, text.len());
            rendered = rendered.with_label(LabeledSpan::at(start..end, "here"));
        }
        if let Some(help) = self.help {
            rendered = rendered.with_help(help.to_string());
        }
        let report = Report::new(rendered);
        match self.source {
            Some(text) => report.with_source_code(NamedSource::new(
                self.path.display().to_string(),
                text.to_string(),
            )),
            None => report,
        }
    }
}

/// A model diagnostic as a report.
fn model_report(path: &Path, text: &str, diagnostic: &Diagnostic) -> Report {
    let variable = diagnostic
        .variable
        .as_ref()
        .map(|v| format!("in `{v}`: "))
        .unwrap_or_default();
    Problem {
        path,
        source: Some(text),
        severity: match diagnostic.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
        },
        message: format!("{variable}{}", diagnostic.message),
        span: diagnostic.span.clone(),
        help: diagnostic.help.as_deref(),
    }
    .report()
}

/// Prints model diagnostics with the offending source text underlined.
pub fn print_diagnostics(path: &Path, text: &str, diagnostics: &[Diagnostic]) {
    for diagnostic in diagnostics {
        eprintln!("{:?}", model_report(path, text, diagnostic));
    }
}

/// An error in a file, as a report. `source` is the file's text when the CLI has it.
pub fn located_report(path: &Path, source: Option<&str>, problem: &Located) -> Report {
    Problem {
        path,
        source,
        severity: miette::Severity::Error,
        message: problem.message.clone(),
        span: problem.span(),
        help: problem.help.as_deref(),
    }
    .report()
}

/// Errors already rendered as reports. `main` prints them as they are (exit code 2, like any
/// other error), instead of `error: ` and a one-line message.
#[derive(Debug)]
pub struct Reported(pub Vec<Report>);

impl Reported {
    /// The problems of one file, rendered.
    pub fn file(path: &Path, source: Option<&str>, problems: &[Located]) -> Self {
        Reported(
            problems
                .iter()
                .map(|p| located_report(path, source, p))
                .collect(),
        )
    }
}

impl fmt::Display for Reported {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let messages: Vec<String> = self.0.iter().map(ToString::to_string).collect();
        f.write_str(&messages.join("\n"))
    }
}

impl std::error::Error for Reported {}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(report: &Report) -> String {
        let mut text = String::new();
        miette::GraphicalReportHandler::new_themed(miette::GraphicalTheme::unicode_nocolor())
            .render_report(&mut text, report.as_ref())
            .unwrap();
        text
    }

    #[test]
    fn file_errors_and_model_diagnostics_share_one_layout() {
        let source = "[[scenario]]\nname = \"x\"\n[scenario.overrides]\nattrtion = 0.2\n";
        let problem = Located::new("the model has no variable `attrtion`")
            .at(source, 45..53)
            .with_help("did you mean `attrition`?");
        let case_error = render(&located_report(
            Path::new("case/scenarios.toml"),
            Some(source),
            &problem,
        ));
        let model = Diagnostic::error(
            blowback_sd::DiagnosticKind::UnknownName,
            "the model has no variable `attrtion`",
        )
        .with_span(Some(45..53))
        .with_help("did you mean `attrition`?");
        let model_error = render(&model_report(
            Path::new("case/scenarios.toml"),
            source,
            &model,
        ));
        assert_eq!(case_error, model_error);
        assert!(
            case_error.contains("case/scenarios.toml:4:1: the model has no variable `attrtion`"),
            "{case_error}"
        );
        assert!(case_error.contains("4 │ attrtion = 0.2"), "{case_error}");
        assert!(
            case_error.contains("did you mean `attrition`?"),
            "{case_error}"
        );
    }

    #[test]
    fn a_problem_without_a_place_names_its_file() {
        let text = render(&located_report(
            Path::new("conflict.toml"),
            None,
            &Located::new("a conflict needs two decision makers"),
        ));
        assert!(
            text.contains("conflict.toml: a conflict needs two decision makers"),
            "{text}"
        );
    }
}
