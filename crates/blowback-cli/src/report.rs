//! The one-page HTML report of a case run: comparison table, charts (inline SVG), test results.
//!
//! The page is self-contained (no scripts, fonts or files fetched from elsewhere) so it can be
//! mailed or archived as one file; the CSVs it links to sit beside it.

use std::fmt::Write as _;

use blowback::{CheckResult, CheckStatus, ComparisonTable, Scenario};

use crate::charts::css_colour;
use crate::output::format_value;

/// Everything the report shows.
pub struct ReportInput<'a> {
    /// Page title (the model's name).
    pub title: &'a str,
    /// Scenarios with their descriptions.
    pub scenarios: &'a [Scenario],
    /// The comparison table.
    pub table: &'a ComparisonTable,
    /// Each column's units in words (empty for a pure number).
    pub outcome_units: &'a [String],
    /// What the columns are (the same key the terminal prints under the table).
    pub table_key: &'a str,
    /// Variable name and its chart as SVG.
    pub charts: &'a [(String, String)],
    /// Behaviour test results, when tests ran.
    pub behaviour: Option<&'a [CheckResult]>,
    /// Polarity test results, when tests ran.
    pub polarity: Option<&'a [CheckResult]>,
    /// Scenario name and its CSV file name (relative to the report).
    pub csv_files: &'a [(String, String)],
}

/// Escapes text for HTML.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// An SVG document as an inline element: the XML prologue, if any, is not allowed inside HTML.
fn inline_svg(svg: &str) -> &str {
    svg.find("<svg").map_or(svg, |i| &svg[i..])
}

const STYLE: &str = "body{font-family:sans-serif;max-width:1000px;margin:2em auto;padding:0 1em;color:#222}\
table{border-collapse:collapse;font-size:14px;margin:1em 0}\
td,th{border:1px solid #ccc;padding:3px 8px}td.n{text-align:right;font-variant-numeric:tabular-nums}\
th{background:#f3f3f3}th .u{display:block;font-weight:normal;color:#555;font-size:12px}td.name{white-space:nowrap}\
nav{font-size:14px}nav ol ol{columns:3}.pass{color:#176317}.fail{color:#b00020;font-weight:bold}.struct{color:#777}\
figure{margin:1.5em 0}svg{max-width:100%;height:auto}.swatch{display:inline-block;width:1em;height:.6em;margin-right:.4em}\
details{margin:1em 0}";

/// A scenario's swatch: its chart colour, striped where its chart line is dashed (as in the
/// explorer).
fn swatch(index: usize) -> String {
    let colour = css_colour(index);
    if crate::charts::dashed(index) {
        format!("repeating-linear-gradient(90deg,{colour} 0 4px,transparent 4px 6px)")
    } else {
        colour
    }
}

/// The report page.
pub fn html(input: &ReportInput) -> String {
    let mut page = String::new();
    let title = escape(input.title);
    let _ = write!(
        page,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>{title}: scenario report</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<h1>{title}: scenario report</h1>\n"
    );
    page.push_str("<p>Every scenario of the case, run with the project's engine. Lines are model runs; black dots are the historical record the model was built from. The vertical line marks mid-2022, after which the model forecasts.</p>\n");

    page.push_str("<nav aria-label=\"Contents\"><h2>Contents</h2>\n<ol>\n<li><a href=\"#outcomes\">Key outcomes</a></li>\n<li><a href=\"#scenarios\">Scenarios</a></li>\n<li><a href=\"#charts\">Charts</a><ol>\n");
    for (variable, _) in input.charts {
        let _ = writeln!(page, "<li><a href=\"#{0}\">{0}</a></li>", escape(variable));
    }
    page.push_str("</ol></li>\n<li><a href=\"#behaviour-tests\">Behaviour tests</a></li>\n<li><a href=\"#polarity-tests\">Polarity tests</a></li>\n</ol>\n</nav>\n");

    page.push_str("<h2 id=\"outcomes\">Key outcomes</h2>\n<table>\n<tr><th>scenario</th>");
    for (index, outcome) in input.table.outcomes.iter().enumerate() {
        let units = input
            .outcome_units
            .get(index)
            .filter(|u| !u.is_empty())
            .map(|u| format!("<span class=\"u\">{}</span>", escape(u)))
            .unwrap_or_default();
        let _ = write!(
            page,
            "<th title=\"{} of {} over [{}, {})\">{}{units}</th>",
            outcome.stat.name(),
            escape(&outcome.var),
            outcome.from,
            outcome.to,
            escape(&outcome.label)
        );
    }
    page.push_str("</tr>\n");
    for (index, (name, values)) in input.table.rows.iter().enumerate() {
        let _ = write!(
            page,
            "<tr><td class=\"name\"><span class=\"swatch\" style=\"background:{}\"></span>{}</td>",
            swatch(index),
            escape(name)
        );
        for value in values {
            let _ = write!(page, "<td class=\"n\">{}</td>", format_value(*value));
        }
        page.push_str("</tr>\n");
    }
    let _ = writeln!(
        page,
        "</table>\n<p>Hover a column heading for its definition; {}.</p>",
        escape(input.table_key)
    );

    page.push_str("<h2 id=\"scenarios\">Scenarios</h2>\n<table>\n<tr><th>scenario</th><th>what it means</th><th>overrides</th><th>data</th></tr>\n");
    for scenario in input.scenarios {
        let overrides: Vec<String> = scenario
            .overrides
            .iter()
            .map(|(k, v)| format!("{}&nbsp;=&nbsp;{v}", escape(k)))
            .chain(scenario.start.map(|s| format!("from {s}")))
            .collect();
        let csv = input
            .csv_files
            .iter()
            .find(|(n, _)| *n == scenario.name)
            .map(|(_, f)| format!("<a href=\"{0}\">{0}</a>", escape(f)))
            .unwrap_or_default();
        let _ = writeln!(
            page,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{csv}</td></tr>",
            escape(&scenario.name),
            escape(&scenario.description),
            overrides.join(", ")
        );
    }
    page.push_str("</table>\n");

    page.push_str("<h2 id=\"charts\">Charts</h2>\n");
    for (variable, svg) in input.charts {
        let _ = writeln!(
            page,
            "<figure id=\"{0}\">\n{1}\n<figcaption>{0} (also as {0}.png and {0}.svg)</figcaption>\n</figure>",
            escape(variable),
            inline_svg(svg)
        );
    }

    for (id, title, checks) in [
        ("behaviour-tests", "Behaviour tests", input.behaviour),
        (
            "polarity-tests",
            "Polarity tests of the claimed links",
            input.polarity,
        ),
    ] {
        let _ = writeln!(page, "<h2 id=\"{id}\">{title}</h2>");
        let Some(checks) = checks else {
            page.push_str("<p>Not run: the tests compare scenarios, so they run only when every scenario does.</p>\n");
            continue;
        };
        let passed = checks
            .iter()
            .filter(|c| c.status == CheckStatus::Pass)
            .count();
        let _ = writeln!(page, "<p>{passed} of {} passed.</p>\n<table>\n<tr><th>result</th><th>test</th><th>detail</th></tr>", checks.len());
        for check in checks {
            let class = match check.status {
                CheckStatus::Pass => "pass",
                CheckStatus::Fail => "fail",
                CheckStatus::StructuralOnly => "struct",
            };
            let _ = writeln!(
                page,
                "<tr><td class=\"{class}\">{}</td><td>{}</td><td>{}</td></tr>",
                check.status.label(),
                escape(&check.name),
                escape(&check.detail)
            );
        }
        page.push_str("</table>\n");
    }
    page.push_str("</body>\n</html>\n");
    page
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_is_self_contained_and_escaped() {
        let table = ComparisonTable {
            outcomes: Vec::new(),
            rows: vec![("a<b".into(), Vec::new())],
        };
        let checks = [CheckResult {
            name: "t".into(),
            status: CheckStatus::Fail,
            detail: "1 > 2".into(),
            expect: blowback::Expectation::Pass,
        }];
        let charts = [(
            "v".to_string(),
            "<?xml version=\"1.0\"?>\n<svg></svg>".to_string(),
        )];
        let page = html(&ReportInput {
            title: "afpak",
            scenarios: &[],
            table: &table,
            outcome_units: &[],
            table_key: "each column: the mean over its window",
            charts: &charts,
            behaviour: Some(&checks),
            polarity: None,
            csv_files: &[],
        });
        assert!(page.contains("a&lt;b") && page.contains("1 &gt; 2"));
        assert!(page.contains("<svg></svg>") && !page.contains("<?xml"));
        assert!(!page.contains("src=\"http") && !page.contains("<script"));
        // Contents link to every section and chart, and each target exists.
        for target in [
            "outcomes",
            "scenarios",
            "charts",
            "v",
            "behaviour-tests",
            "polarity-tests",
        ] {
            assert!(page.contains(&format!("href=\"#{target}\"")), "{target}");
            assert!(page.contains(&format!("id=\"{target}\"")), "{target}");
        }
        assert!(page.contains("<td class=\"name\"><span class=\"swatch\""));
    }
}
