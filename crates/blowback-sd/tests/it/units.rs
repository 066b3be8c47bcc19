//! Units checking: data-driven model folders, the whole conformance suite, and property tests of
//! the unit-string parser.
//!
//! `tests/units/ok/*.xmile` must check with no unit diagnostics; each `tests/units/err/X.xmile` has
//! its expected diagnostics in `X.expected` beside it, one per line. The conformance suite's unit
//! diagnostics are recorded in `tests/units/conformance.expected`. Run with `UPDATE_EXPECT=1` to
//! rewrite the expected files after a deliberate change, then review the diff.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

use blowback_sd::{
    check_units, decode_model_text, parse_units, read_model, read_xmile, Diagnostic,
};
use proptest::prelude::*;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests")
}

/// One line per diagnostic: where, what kind, which variable, the message and the hint.
fn render(text: &str, diagnostics: &[Diagnostic]) -> String {
    let mut out = String::new();
    for d in diagnostics {
        let place = d
            .line_column(text)
            .map_or_else(|| "-".to_string(), |(l, c)| format!("{l}:{c}"));
        let _ = write!(out, "{place} {:?}", d.kind);
        if let Some(variable) = &d.variable {
            let _ = write!(out, " `{variable}`");
        }
        let _ = write!(out, ": {}", d.message);
        if let Some(help) = &d.help {
            let _ = write!(out, " (help: {help})");
        }
        out.push('\n');
    }
    out
}

fn units_diagnostics(text: &str) -> Vec<Diagnostic> {
    let (project, _) = read_xmile(text).unwrap_or_else(|e| panic!("read: {e}"));
    check_units(&project)
}

/// Compares `actual` with the file at `path`, or rewrites the file when `UPDATE_EXPECT` is set.
fn expect_file(path: &Path, actual: &str) {
    if std::env::var_os("UPDATE_EXPECT").is_some() {
        fs::write(path, actual).unwrap();
        return;
    }
    let expected = fs::read_to_string(path)
        .unwrap_or_else(|_| panic!("{} is missing; run with UPDATE_EXPECT=1", path.display()));
    assert_eq!(
        expected,
        actual,
        "{} differs (UPDATE_EXPECT=1 rewrites it)",
        path.display()
    );
}

fn models_in(folder: &Path) -> Vec<PathBuf> {
    let mut paths: Vec<PathBuf> = fs::read_dir(folder)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "xmile"))
        .collect();
    paths.sort();
    paths
}

#[test]
fn consistent_models_give_no_unit_diagnostics() {
    let paths = models_in(&root().join("units/ok"));
    assert!(paths.len() >= 5, "the ok/ folder lost its models");
    let mut failures = String::new();
    for path in paths {
        let text = fs::read_to_string(&path).unwrap();
        let diagnostics = units_diagnostics(&text);
        if !diagnostics.is_empty() {
            let _ = writeln!(
                failures,
                "{}:\n{}",
                path.display(),
                render(&text, &diagnostics)
            );
        }
    }
    assert!(
        failures.is_empty(),
        "unexpected unit diagnostics:\n{failures}"
    );
}

#[test]
fn inconsistent_models_give_the_expected_diagnostics() {
    let paths = models_in(&root().join("units/err"));
    assert!(paths.len() >= 5, "the err/ folder lost its models");
    for path in paths {
        let text = fs::read_to_string(&path).unwrap();
        let diagnostics = units_diagnostics(&text);
        assert!(
            !diagnostics.is_empty(),
            "{} gives no diagnostics",
            path.display()
        );
        expect_file(
            &path.with_extension("expected"),
            &render(&text, &diagnostics),
        );
    }
}

fn conformance_models(folder: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(folder).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            conformance_models(&path, out);
        } else if path
            .extension()
            .is_some_and(|e| e == "xmile" || e == "stmx" || e == "mdl")
        {
            out.push(path);
        }
    }
}

/// Every model of the vendored conformance suite, XMILE and Vensim: the checker must not panic, and
/// what it reports is recorded so any change in it shows up for review.
#[test]
fn conformance_suite_units() {
    let suite = root().join("conformance/sd");
    let mut paths = Vec::new();
    conformance_models(&suite, &mut paths);
    paths.sort();
    let mut report = String::new();
    let (mut checked, mut with_units, mut units, mut missing) = (0, 0, 0, 0);
    for path in &paths {
        let Ok(bytes) = fs::read(path) else {
            continue;
        };
        let text = decode_model_text(&bytes);
        let Ok((project, _)) = read_model(&path.to_string_lossy(), &text) else {
            continue;
        };
        checked += 1;
        let diagnostics = check_units(&project);
        if project
            .models
            .iter()
            .flat_map(|m| &m.variables)
            .any(|v| v.units.as_deref().is_some_and(|u| !u.trim().is_empty()))
        {
            with_units += 1;
        }
        for d in &diagnostics {
            match d.kind {
                blowback_sd::DiagnosticKind::MissingUnits => missing += 1,
                _ => units += 1,
            }
        }
        if !diagnostics.is_empty() {
            let relative = path.strip_prefix(&suite).unwrap().display().to_string();
            let _ = writeln!(report, "== {relative}");
            report.push_str(&render(&text, &diagnostics));
        }
    }
    let summary = format!(
        "{checked} models read, {with_units} declare units; {units} unit diagnostics, \
         {missing} missing-units diagnostics\n"
    );
    eprint!("{summary}");
    assert!(
        checked >= 100,
        "the conformance suite shrank to {checked} readable models"
    );
    expect_file(
        &root().join("units/conformance.expected"),
        &(summary + &report),
    );
}

/// A unit name as modellers write them: one or two words, any case, `$` and `%`.
fn unit_name() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-zA-Z][a-zA-Z0-9]{0,7}",
        "[a-z]{1,5}[ _][a-z0-9]{1,5}",
        Just("$".to_string()),
        Just("%".to_string()),
        Just("US$".to_string()),
    ]
    .prop_filter("`per` is an operator", |n| {
        !n.split([' ', '_']).any(|w| w.eq_ignore_ascii_case("per"))
    })
}

/// Unit strings from the whole grammar: products, quotients, `per`, `-`, powers, parentheses.
fn unit_string() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![unit_name(), Just("1".to_string())];
    leaf.prop_recursive(4, 24, 3, |inner| {
        prop_oneof![
            (
                inner.clone(),
                prop::sample::select(vec!["*", "/", " per ", "-", " * "]),
                inner.clone()
            )
                .prop_map(|(a, op, b)| format!("{a}{op}{b}")),
            (inner.clone(), -4i64..5).prop_map(|(a, e)| format!("({a})^{e}")),
            (inner.clone(), -4i64..5).prop_map(|(a, e)| format!("({a})^({e})")),
            inner.prop_map(|a| format!("({a})")),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// Whatever parses prints to text that parses to the same units, and printing is stable.
    #[test]
    fn unit_strings_print_and_parse_back(text in unit_string()) {
        let units = parse_units(&text).unwrap();
        let printed = units.to_string();
        let again = parse_units(&printed).unwrap();
        prop_assert_eq!(&again, &units, "{} printed as {}", text, printed);
        prop_assert_eq!(again.to_string(), printed);
    }

    /// Arbitrary text never panics the parser, and what parses round-trips.
    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,40}") {
        if let Ok(units) = parse_units(&text) {
            prop_assert_eq!(parse_units(&units.to_string()).unwrap(), units);
        }
    }

    /// The same units written three ways (`*` and `^-n`, Stella's `-` and `^(-n)`, a numerator
    /// `per` a denominator) parse to the same thing.
    #[test]
    fn spellings_of_one_unit_agree(
        factors in prop::collection::vec(("[a-z]{1,6}", 1i64..4, any::<bool>()), 1..5)
    ) {
        let factors: Vec<_> = factors
            .into_iter()
            .filter(|(n, _, _)| n != "per")
            .collect();
        prop_assume!(!factors.is_empty());
        let signed = |e: i64, up: bool| if up { e } else { -e };
        let caret = factors
            .iter()
            .map(|(n, e, up)| format!("{n}^{}", signed(*e, *up)))
            .collect::<Vec<_>>()
            .join("*");
        let stella = factors
            .iter()
            .map(|(n, e, up)| format!("{n}^({})", signed(*e, *up)))
            .collect::<Vec<_>>()
            .join("-");
        let part = |up: bool| {
            let names: Vec<String> = factors
                .iter()
                .filter(|f| f.2 == up)
                .flat_map(|(n, e, _)| std::iter::repeat_n(n.clone(), *e as usize))
                .collect();
            if names.is_empty() { "1".to_string() } else { format!("({})", names.join("*")) }
        };
        let per = format!("{} per {}", part(true), part(false));
        let expected = parse_units(&caret).unwrap();
        prop_assert_eq!(parse_units(&stella).unwrap(), expected.clone());
        prop_assert_eq!(parse_units(&per).unwrap(), expected);
    }
}

/// Units over three base units, as exponents, and as a unit string.
type Exponents = [i64; 3];

fn unit_text(e: &Exponents) -> String {
    let parts: Vec<String> = ["apple", "bolt", "crate"]
        .iter()
        .zip(e)
        .filter(|(_, &x)| x != 0)
        .map(|(n, x)| format!("{n}^({x})"))
        .collect();
    if parts.is_empty() {
        "dmnl".into()
    } else {
        parts.join("*")
    }
}

/// An equation over variables `v0`..`v3` (units `units[i]`) with the units it has by construction.
/// No numbers, so every unit is pinned and any wrong declaration must be caught.
fn equation(units: [Exponents; 4]) -> impl Strategy<Value = (String, Exponents)> {
    let leaf = (0usize..4).prop_map(move |i| (format!("v{i}"), units[i]));
    leaf.prop_recursive(4, 24, 2, move |inner| {
        let combine = |a: Exponents, b: Exponents, sign: i64| {
            [a[0] + sign * b[0], a[1] + sign * b[1], a[2] + sign * b[2]]
        };
        prop_oneof![
            (inner.clone(), inner.clone())
                .prop_map(move |((a, ua), (b, ub))| (format!("({a}) * ({b})"), combine(ua, ub, 1))),
            (inner.clone(), inner.clone()).prop_map(move |((a, ua), (b, ub))| (
                format!("({a}) / ({b})"),
                combine(ua, ub, -1)
            )),
            // A sum of two terms with equal units: the second is the first times v/v.
            (inner.clone(), 0usize..4)
                .prop_map(|((a, ua), i)| (format!("({a}) + ({a}) * v{i} / v{i}"), ua)),
            (inner.clone(), 0usize..4).prop_map(|((a, ua), i)| (
                format!("MAX({a}, ({a}) * v{i} / v{i}) - SMTH1({a}, delay)"),
                ua
            )),
            (inner.clone(), inner.clone()).prop_map(|((a, ua), (c, _))| (
                format!("IF ({c}) > ({c}) THEN {a} ELSE -({a})"),
                ua
            )),
            inner.prop_map(move |(a, ua)| (format!("({a}) ^ 2"), combine(ua, ua, 1))),
        ]
    })
}

fn generated_model(units: [Exponents; 4], text: &str, declared: &Exponents) -> String {
    let mut variables = String::from(r#"<aux name="delay"><eqn>2</eqn><units>year</units></aux>"#);
    for (i, u) in units.iter().enumerate() {
        let _ = write!(
            variables,
            r#"<aux name="v{i}"><eqn>1</eqn><units>{}</units></aux>"#,
            unit_text(u)
        );
    }
    let _ = write!(
        variables,
        r#"<aux name="target"><eqn>{}</eqn><units>{}</units></aux>"#,
        text.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;"),
        unit_text(declared)
    );
    format!(
        r#"<xmile version="1.0" xmlns="http://docs.oasis-open.org/xmile/ns/XMILE/v1.0">
<sim_specs time_units="year"><start>0</start><stop>1</stop><dt>1</dt></sim_specs>
<model><variables>{variables}</variables></model></xmile>"#
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// An equation declared with the units it has passes; declared with any other units, it is
    /// reported, and at the target variable.
    #[test]
    fn the_checker_accepts_right_units_and_catches_wrong_ones(
        (units, (text, right), wrong) in prop::array::uniform4(prop::array::uniform3(-2i64..3))
            .prop_flat_map(|units| (Just(units), equation(units), prop::array::uniform3(-2i64..3)))
    ) {
        let model = generated_model(units, &text, &right);
        let diagnostics = units_diagnostics(&model);
        prop_assert!(diagnostics.is_empty(), "{}\n{}", text, render(&model, &diagnostics));
        prop_assume!(wrong != right);
        let model = generated_model(units, &text, &wrong);
        let diagnostics = units_diagnostics(&model);
        prop_assert!(
            diagnostics.iter().any(|d| d.variable.as_deref() == Some("target")),
            "{} declared {} is not reported", text, unit_text(&wrong)
        );
    }
}

/// World3-03 (vendored from Vensim's distribution, 267 variables, every one with units) checks with
/// nothing to report: a large real model on which a false positive would show.
#[test]
fn world3_has_consistent_units() {
    let path = root().join("models/world3/wrld3-03.mdl");
    let bytes = fs::read(&path).unwrap();
    let text = decode_model_text(&bytes);
    let (project, _) = read_model(&path.to_string_lossy(), &text).unwrap();
    let diagnostics = check_units(&project);
    assert!(diagnostics.is_empty(), "{}", render(&text, &diagnostics));

    // The same model with one stock's units wrong is caught at that stock and at its flows.
    let stock = "initial population 0 to 14 )\r\n\t~\tPerson\r\n";
    assert!(text.contains(stock), "the vendored file changed");
    let broken = text.replace(
        stock,
        "initial population 0 to 14 )\r\n\t~\tPerson*year\r\n",
    );
    let (project, _) = read_model(&path.to_string_lossy(), &broken).unwrap();
    let reported: Vec<_> = check_units(&project)
        .into_iter()
        .filter_map(|d| d.variable)
        .collect();
    assert!(
        reported.contains(&"Population 0 To 14".to_string()),
        "{reported:?}"
    );
}
