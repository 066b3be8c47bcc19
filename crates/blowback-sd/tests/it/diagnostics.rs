//! Broken models give located diagnostics, never panics: one case per kind of problem.

use blowback_sd::{compile, read_xmile, DiagnosticKind};

use crate::model;

/// Reads and compiles `text`; returns (kind, line, message) of every error.
fn errors(text: &str) -> Vec<(DiagnosticKind, usize, String)> {
    let diagnostics = match read_xmile(text) {
        Err(e) => e.0,
        Ok((project, _)) => match compile(&project) {
            Err(e) => e.0,
            Ok(_) => Vec::new(),
        },
    };
    diagnostics
        .into_iter()
        .filter(|d| d.is_error())
        .map(|d| (d.kind, d.line_column(text).map_or(0, |(l, _)| l), d.message))
        .collect()
}

fn check(variables: &str, kind: DiagnosticKind, line: usize, fragment: &str) {
    let text = model("<start>0</start><stop>1</stop><dt>1</dt>", variables);
    let found = errors(&text);
    assert!(
        found
            .iter()
            .any(|(k, l, m)| *k == kind && *l == line && m.contains(fragment)),
        "expected {kind:?} on line {line} containing `{fragment}`, got {found:#?}"
    );
}

#[test]
fn unknown_name_with_suggestion() {
    check(
        "\n<aux name=\"speed\"><eqn>1</eqn></aux>\n<aux name=\"b\"><eqn>sped * 2</eqn></aux>",
        DiagnosticKind::UnknownName,
        6,
        "sped",
    );
}

#[test]
fn wrong_arity() {
    check(
        "\n<aux name=\"a\"><eqn>SMTH1(1)</eqn></aux>",
        DiagnosticKind::Arity,
        5,
        "SMTH1 takes 2 to 3",
    );
}

#[test]
fn syntax_error() {
    check(
        "\n\n<aux name=\"a\"><eqn>(1 + 2</eqn></aux>",
        DiagnosticKind::Syntax,
        6,
        "expected `)`",
    );
}

#[test]
fn algebraic_loop_names_the_cycle() {
    check(
        "\n<aux name=\"a\"><eqn>b</eqn></aux><aux name=\"b\"><eqn>a</eqn></aux>",
        DiagnosticKind::AlgebraicLoop,
        5,
        "->",
    );
}

#[test]
fn missing_initial_value() {
    check(
        "\n<stock name=\"s\"></stock>",
        DiagnosticKind::MissingEquation,
        0,
        "initial value",
    );
}

#[test]
fn dimension_mismatch() {
    let text = r#"<xmile><sim_specs><start>0</start><stop>1</stop><dt>1</dt></sim_specs>
<dimensions><dim name="d" size="2"/></dimensions>
<model><variables><aux name="a"><dimensions><dim name="d"/></dimensions><eqn>1</eqn></aux>
<aux name="b"><eqn>a + 1</eqn></aux></variables></model></xmile>"#;
    let found = errors(text);
    assert!(
        found
            .iter()
            .any(|(k, l, _)| *k == DiagnosticKind::Dimension && *l == 4),
        "{found:?}"
    );
}

#[test]
fn every_error_is_reported_in_one_pass() {
    let text = model(
        "<start>0</start><stop>1</stop><dt>1</dt>",
        "<aux name=\"a\"><eqn>nope</eqn></aux><aux name=\"b\"><eqn>1 +</eqn></aux><aux name=\"c\"><eqn>ABS(1, 2)</eqn></aux>",
    );
    assert_eq!(errors(&text).len(), 3);
}

#[test]
fn unsorted_graphical_function() {
    check(
        "\n<aux name=\"g\"><eqn>TIME</eqn><gf><xpts>0,2,1</xpts><ypts>0,1,2</ypts></gf></aux>",
        DiagnosticKind::GraphicalFunction,
        5,
        "not sorted",
    );
}

#[test]
fn bad_xml() {
    let found = errors("<xmile>\n<model>\n</xmile>");
    assert_eq!(found[0].0, DiagnosticKind::Xml);
    assert_eq!(found[0].1, 3);
}
