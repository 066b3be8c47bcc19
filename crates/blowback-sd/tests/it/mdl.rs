//! Vensim `.mdl`: located diagnostics on broken files (data-driven, `tests/mdl/err/`), read ->
//! write -> read on every `.mdl` of the community suite and on generated projects, and a reader
//! that never panics.
//!
//! `UPDATE_EXPECT=1 cargo test -p blowback-sd --test it mdl` rewrites the `.expected` files.

use std::fs;
use std::path::{Path, PathBuf};

use blowback_sd::equation::{parse, print};
use blowback_sd::{
    decode_model_text, read_mdl, write_mdl, Equation, GraphicalFunction, GraphicalFunctionKind,
    Header, Model, Project, SimSpecs, Variable, VariableKind,
};
use proptest::prelude::*;

fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/mdl")
}

/// Every diagnostic of a file as `line:column: severity: message`, one per line.
fn rendered(text: &str) -> String {
    let diagnostics = match read_mdl(text) {
        Ok((project, warnings)) => {
            let mut all = warnings;
            if let Err(errors) = blowback_sd::compile(&project) {
                all.extend(errors.0);
            }
            all
        }
        Err(errors) => errors.0,
    };
    let mut out = String::new();
    for d in &diagnostics {
        let place = d
            .line_column(text)
            .map_or("?:?".to_string(), |(l, c)| format!("{l}:{c}"));
        let shown = d
            .span
            .as_ref()
            .and_then(|s| text.get(s.clone()))
            .map(|s| s.split_whitespace().collect::<Vec<_>>().join(" "))
            .unwrap_or_default();
        out.push_str(&format!("{place}: {d} [at `{shown}`]\n"));
    }
    out
}

/// Each broken file under `tests/mdl/err/` gives exactly the diagnostics in its `.expected` file,
/// and every one of them is located.
#[test]
fn broken_files_give_located_diagnostics() {
    let mut files: Vec<PathBuf> = fs::read_dir(data_dir().join("err"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "mdl"))
        .collect();
    files.sort();
    assert!(!files.is_empty());
    let update = std::env::var_os("UPDATE_EXPECT").is_some();
    let mut mismatches = Vec::new();
    for file in files {
        let text = fs::read_to_string(&file).unwrap();
        let got = rendered(&text);
        assert!(!got.is_empty(), "{}: no diagnostics", file.display());
        assert!(
            !got.lines().any(|l| l.starts_with("?:?")),
            "{}: unlocated diagnostic:\n{got}",
            file.display()
        );
        let expected_path = file.with_extension("expected");
        if update {
            fs::write(&expected_path, &got).unwrap();
            continue;
        }
        let expected = fs::read_to_string(&expected_path).unwrap_or_default();
        if expected != got {
            mismatches.push(format!(
                "{}:\n--- expected\n{expected}--- got\n{got}",
                file.display()
            ));
        }
    }
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
}

/// An equation's meaning as text: parsed and printed canonically (spacing, parentheses and number
/// spelling aside); text that does not parse compares without its blanks.
fn meaning(equation: &Equation) -> String {
    let numbers: Option<Vec<f64>> = equation
        .text
        .split([',', ';'])
        .map(|p| p.trim().trim_matches(['(', ')']).parse::<f64>().ok())
        .collect();
    if let Some(numbers) = numbers.filter(|n| n.len() > 1) {
        return format!("{numbers:?}");
    }
    match parse(&equation.text) {
        // Names and builtins ignore case.
        (Some(expr), errors) if errors.is_empty() => print(&expr).to_lowercase(),
        _ => equation
            .text
            .split_whitespace()
            .collect::<String>()
            .to_lowercase(),
    }
}

fn normalise_equation(equation: &mut Equation) {
    *equation = Equation::new(meaning(equation));
}

fn normalise_variable(variable: &mut Variable) {
    variable.span = None;
    variable.doc = variable
        .doc
        .as_ref()
        .map(|d| d.split_whitespace().collect::<Vec<_>>().join(" "));
    for equation in variable
        .equation
        .iter_mut()
        .chain(variable.initial_equation.iter_mut())
    {
        normalise_equation(equation);
    }
    for element in &mut variable.elements {
        normalise_equation(&mut element.equation);
    }
}

/// A project with locations dropped and equations compared by meaning.
fn normalised(mut project: Project) -> Project {
    for model in &mut project.models {
        model.variables.iter_mut().for_each(normalise_variable);
    }
    for m in &mut project.macros {
        normalise_equation(&mut m.equation);
        m.variables.iter_mut().for_each(normalise_variable);
        m.doc = m
            .doc
            .as_ref()
            .map(|d| d.split_whitespace().collect::<Vec<_>>().join(" "));
    }
    for check in &mut project.reality_checks {
        check.span = None;
        normalise_equation(&mut check.condition);
        normalise_equation(&mut check.consequence);
    }
    for input in &mut project.test_inputs {
        input.span = None;
        normalise_equation(&mut input.equation);
    }
    project
}

/// The first variable (or other part) that differs, for a readable failure.
fn first_difference(before: &Project, after: &Project) -> String {
    let variables = |p: &Project| -> Vec<Variable> {
        p.models.iter().flat_map(|m| m.variables.clone()).collect()
    };
    for (a, b) in variables(before).iter().zip(variables(after).iter()) {
        if a != b {
            return format!("{a:?}\nbecame\n{b:?}");
        }
    }
    if before.dimensions != after.dimensions {
        return format!("{:?}\nbecame\n{:?}", before.dimensions, after.dimensions);
    }
    if before.reality_checks != after.reality_checks || before.test_inputs != after.test_inputs {
        return format!(
            "{:?} {:?}\nbecame\n{:?} {:?}",
            before.reality_checks, before.test_inputs, after.reality_checks, after.test_inputs
        );
    }
    if before.macros != after.macros {
        return format!("{:?}\nbecame\n{:?}", before.macros, after.macros);
    }
    format!(
        "{} variables became {}; specs {:?} became {:?}",
        variables(before).len(),
        variables(after).len(),
        before.sim_specs,
        after.sim_specs
    )
}

fn suite_models() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/conformance/sd");
    let mut models = Vec::new();
    let mut folders = vec![root];
    while let Some(folder) = folders.pop() {
        for entry in fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                folders.push(path);
            } else if path
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("mdl"))
            {
                models.push(path);
            }
        }
    }
    models.sort();
    models
}

/// read -> write -> read gives the same project for every `.mdl` of the suite that reads.
#[test]
fn every_suite_model_round_trips() {
    let mut checked = 0;
    let mut failures = Vec::new();
    for path in suite_models() {
        let bytes = fs::read(&path).unwrap();
        let text = decode_model_text(&bytes);
        let Ok((project, _)) = read_mdl(&text) else {
            continue;
        };
        let (written, _) = write_mdl(&project);
        match read_mdl(&written) {
            Ok((again, _)) => {
                let (again, project) = (normalised(again), normalised(project));
                if again != project {
                    failures.push(format!(
                        "{}: the project changed: {}",
                        path.display(),
                        first_difference(&project, &again)
                    ));
                }
            }
            Err(e) => failures.push(format!(
                "{}: the written file does not read: {}",
                path.display(),
                e
            )),
        }
        checked += 1;
    }
    assert!(checked > 100, "only {checked} models read");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

fn vensim_name() -> impl Strategy<Value = String> {
    prop_oneof!["[a-z][a-z0-9]{0,6}", "[A-Z][a-z]{1,4} [a-z]{1,4}"].prop_filter(
        "not a keyword or a time setting",
        |s| {
            ![
                "if", "then", "else", "and", "or", "not", "mod", "time", "dt", "integ",
            ]
            .contains(&s.to_ascii_lowercase().as_str())
        },
    )
}

/// Expressions in the engine's syntax, as the reader produces them from Vensim text.
fn expression() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        (0.0f64..1e6).prop_map(|v| format!("{v}")),
        vensim_name().prop_map(|n| n.replace(' ', "_")),
        Just("Time".to_string()),
    ];
    leaf.prop_recursive(4, 30, 3, |inner| {
        prop_oneof![
            (
                inner.clone(),
                prop::sample::select(vec![
                    "+", "-", "*", "/", "^", "<", ">=", "=", "<>", "AND", "OR"
                ]),
                inner.clone()
            )
                .prop_map(|(a, op, b)| format!("({a}) {op} ({b})")),
            inner.clone().prop_map(|a| format!("-({a})")),
            inner.clone().prop_map(|a| format!("NOT ({a})")),
            (inner.clone(), inner.clone(), inner.clone())
                .prop_map(|(c, a, b)| format!("IF_THEN_ELSE({c}, {a}, {b})")),
            (
                prop::sample::select(vec!["MAX", "MIN", "ABS", "SMOOTH", "STEP"]),
                prop::collection::vec(inner, 1..3)
            )
                .prop_map(|(f, args)| format!("{f}({})", args.join(", "))),
        ]
    })
}

fn variable() -> impl Strategy<Value = Variable> {
    (
        vensim_name(),
        0..3usize,
        expression(),
        prop::option::of("[a-z][a-z ,.]{0,20}"),
        prop::option::of("[a-z/]{1,8}"),
        prop::collection::vec(-100.0f64..100.0, 2..6),
    )
        .prop_map(|(name, kind, eqn, doc, units, ys)| {
            let (kind, graphical_function, equation) = match kind {
                0 => (VariableKind::Aux, None, Some(eqn)),
                1 => (
                    VariableKind::GraphicalFunction,
                    Some(GraphicalFunction {
                        kind: GraphicalFunctionKind::Continuous,
                        xs: (0..ys.len()).map(|i| i as f64 * 0.5).collect(),
                        ys,
                        y_scale: Some((-100.0, 100.0)),
                    }),
                    None,
                ),
                _ => (
                    VariableKind::Stock {
                        inflows: vec!["the inflow".into()],
                        outflows: Vec::new(),
                        non_negative: false,
                    },
                    None,
                    Some(eqn),
                ),
            };
            Variable {
                name,
                kind,
                equation: equation.map(Equation::new),
                initial_equation: None,
                dimensions: Vec::new(),
                elements: Vec::new(),
                graphical_function,
                doc: doc.map(|d| d.trim().to_string()).filter(|d| !d.is_empty()),
                units: units
                    .map(|u| u.trim().to_string())
                    .filter(|u| !u.is_empty()),
                span: None,
            }
        })
}

fn project() -> impl Strategy<Value = Project> {
    (
        prop::collection::vec(variable(), 1..6),
        0.0f64..10.0,
        1.0f64..50.0,
        prop::sample::select(vec![0.25, 0.5, 1.0]),
    )
        .prop_map(|(mut variables, start, length, dt)| {
            // One flow every generated stock can name, and a stock that surely does (a flow only
            // reads back as a flow when a stock uses it); names are unique as Vensim requires.
            variables.push(Variable::new(
                "the stock",
                VariableKind::Stock {
                    inflows: vec!["the inflow".into()],
                    outflows: Vec::new(),
                    non_negative: false,
                },
                "0",
            ));
            variables.push(Variable::new(
                "the inflow",
                VariableKind::Flow {
                    non_negative: false,
                },
                "1",
            ));
            let mut seen = std::collections::HashSet::new();
            variables.retain(|v| seen.insert(blowback_sd::canonical(&v.name)));
            Project {
                header: Header {
                    name: None,
                    vendor: None,
                    product: Some("Vensim (.mdl)".into()),
                },
                sim_specs: SimSpecs {
                    start,
                    stop: start + length,
                    dt,
                    save_step: None,
                    method: blowback_sd::Method::Euler,
                    time_units: Some("year".into()),
                },
                models: vec![Model {
                    name: None,
                    variables,
                }],
                ..Project::default()
            }
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    /// write -> read gives back a generated project (locations and spelling aside).
    #[test]
    fn generated_projects_round_trip(project in project()) {
        let (text, warnings) = write_mdl(&project);
        prop_assert!(warnings.is_empty(), "{warnings:?}");
        let (read, _) = read_mdl(&text).map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
        prop_assert_eq!(normalised(read), normalised(project));
    }

    /// The reader never panics, whatever the input.
    #[test]
    fn reader_accepts_any_text_without_panicking(text in "\\PC{0,200}") {
        let _ = read_mdl(&text);
    }

    /// Nor on text shaped like entries.
    #[test]
    fn reader_accepts_entry_shaped_text(
        parts in prop::collection::vec(
            prop::sample::select(vec![
                "a", " = ", "INTEG(", ")", ",", "[", "]", "~", "|", ":", "(", "\"", "\\\n", "-",
                "1", "dim", ":EXCEPT:", "->", "<->", ":MACRO:", ":END OF MACRO:", "{", "}", "'",
                "WITH LOOKUP(", "[(0,0)-(1,1)]", ":THE CONDITION:", ":IMPLIES:", ":NOT:", "!",
                "\n", "***", "\\\\\\---///", "TABBED ARRAY(", ";",
            ]),
            0..60,
        )
    ) {
        let _ = read_mdl(&parts.concat());
    }
}

/// The cells of a CSV line; quoted cells may hold commas.
fn csv_cells(line: &str) -> Vec<String> {
    let mut cells = vec![String::new()];
    let mut quoted = false;
    for c in line.chars() {
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => cells.push(String::new()),
            _ => cells.last_mut().unwrap().push(c),
        }
    }
    cells
}

/// World3-03 from its published `.mdl` matches Vensim's own run on every saved series (relative
/// 1e-3), at every saved time from 1900 to 2100.
#[test]
fn world3_matches_vensim() {
    let folder = data_dir().join("../models/world3");
    let text = fs::read_to_string(folder.join("wrld3-03.mdl")).unwrap();
    let (project, _) = read_mdl(&text).unwrap_or_else(|e| panic!("{e:?}"));
    let (simulation, _) = blowback_sd::compile(&project).unwrap_or_else(|e| panic!("{e:?}"));
    let results = simulation
        .run(&blowback_sd::Overrides::new())
        .unwrap_or_else(|e| panic!("{e}"));
    let reference = fs::read_to_string(folder.join("reference.csv")).unwrap();
    let mut lines = reference.lines();
    let header = csv_cells(lines.next().unwrap());
    let rows: Vec<Vec<f64>> = lines
        .map(|l| l.split(',').map(|c| c.parse().unwrap()).collect())
        .collect();
    assert_eq!(rows.len(), 401, "1900 to 2100 every half year");
    let mut compared = 0;
    let mut failures = Vec::new();
    // Names starting with `#` are Vensim's internal stocks of DELAY3 and SMOOTH3 calls; the time
    // settings are the project's, not variables.
    let specs = &project.sim_specs;
    let settings = [
        ("initial_time", specs.start),
        ("final_time", specs.stop),
        ("time_step", specs.dt),
        ("saveper", specs.save_step.unwrap_or(specs.dt)),
    ];
    for (column, name) in header.iter().enumerate().skip(1) {
        if name.starts_with('#') {
            continue;
        }
        if let Some((_, value)) = settings.iter().find(|(s, _)| s == name) {
            assert_eq!(rows[0][column], *value, "{name}");
            continue;
        }
        let Some(ours) = results.column(name) else {
            failures.push(format!("`{name}` is not in our results"));
            continue;
        };
        compared += 1;
        for row in &rows {
            let (time, want) = (row[0], row[column]);
            let at = results.row_near(time).unwrap();
            assert_eq!(results.times()[at], time);
            let got = ours[at];
            if (got - want).abs() > (want.abs() * 1e-3).max(1e-9) {
                failures.push(format!("`{name}` at {time}: Vensim {want}, ours {got}"));
                break;
            }
        }
    }
    assert_eq!(compared, 256, "every saved series is compared");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Found by the fuzzer: an equation that does not parse is written as it is, and the writer says
/// so, because the file it writes may not read back.
#[test]
fn equations_that_do_not_parse_are_written_with_a_warning() {
    let text = "{UTF-8}\n\"a*b\" = \"q \\\" r\" s! @ | t ~~|\nFINAL TIME = 1 ~~|\n";
    let (project, _) = read_mdl(text).unwrap();
    let (_, warnings) = write_mdl(&project);
    assert!(
        warnings
            .iter()
            .any(|w| w.message.contains("does not parse")),
        "{warnings:?}"
    );
}

/// A model converted to XMILE runs to the same numbers as from its `.mdl`, for every suite model
/// that runs from its `.mdl` without data files (World3 included) and converts without a warning
/// (a warning says what XMILE cannot hold, such as dimension mappings).
#[test]
fn conversion_to_xmile_keeps_the_results() {
    use blowback_sd::{compile, convert, read_xmile, ModelFormat, Overrides};
    let mut models = suite_models();
    models.push(data_dir().join("../models/world3/wrld3-03.mdl"));
    let mut compared = 0;
    let mut failures = Vec::new();
    for path in models {
        let text = decode_model_text(&fs::read(&path).unwrap()).into_owned();
        let Ok((project, _)) = read_mdl(&text) else {
            continue;
        };
        let Ok((simulation, _)) = compile(&project) else {
            continue;
        };
        let Ok(expected) = simulation.run(&Overrides::new()) else {
            continue;
        };
        let (xmile, warnings) = convert(&project, ModelFormat::Xmile);
        if !warnings.is_empty() {
            continue;
        }
        let outcome = read_xmile(&xmile)
            .map_err(|e| format!("does not read: {e}"))
            .and_then(|(p, _)| compile(&p).map_err(|e| format!("does not compile: {e}")))
            .and_then(|(s, _)| {
                s.run(&Overrides::new())
                    .map_err(|e| format!("does not run: {e}"))
            });
        let got = match outcome {
            Ok(results) => results,
            Err(message) => {
                failures.push(format!("{}: {message}", path.display()));
                continue;
            }
        };
        compared += 1;
        for (k, name) in expected.names().iter().enumerate() {
            let Some(column) = got.column(name) else {
                failures.push(format!("{}: no `{name}` after conversion", path.display()));
                break;
            };
            let same = expected.column_at(k).iter().zip(column).all(|(a, b)| {
                (a - b).abs() <= 1e-9 * a.abs().max(1.0) || (a.is_nan() && b.is_nan())
            });
            if !same {
                failures.push(format!(
                    "{}: `{name}` differs after conversion",
                    path.display()
                ));
                break;
            }
        }
    }
    eprintln!("{compared} models give the same results after conversion to XMILE");
    assert!(compared > 100, "only {compared} models compared");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
