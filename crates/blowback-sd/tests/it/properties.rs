//! Property tests: printing and re-parsing equations, writing and re-reading XMILE, and numerical
//! convergence. Regressions found by proptest are committed under `proptest-regressions/`.

use blowback_sd::equation::{parse, print};
use blowback_sd::{
    compile, read_xmile, write_xmile, Equation, GraphicalFunction, GraphicalFunctionKind, Method,
    Model, Overrides, Project, SimSpecs, Variable, VariableKind,
};
use proptest::prelude::*;

fn name() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z][a-z0-9_]{0,6}",
        "[A-Z][a-z]{1,4} [a-z]{1,4}".prop_map(|s| s),
    ]
    .prop_filter("keywords are not names", |s| {
        !["if", "then", "else", "and", "or", "not", "mod"]
            .contains(&s.to_ascii_lowercase().as_str())
    })
}

fn expression() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        (0.0f64..1e6).prop_map(|v| format!("{v}")),
        name().prop_map(|n| if n.contains(' ') {
            format!("\"{n}\"")
        } else {
            n
        }),
        Just("TIME".to_string()),
    ];
    leaf.prop_recursive(5, 40, 4, |inner| {
        prop_oneof![
            (
                inner.clone(),
                prop::sample::select(vec![
                    "+", "-", "*", "/", "^", "<", ">=", "=", "<>", "AND", "OR", "MOD"
                ]),
                inner.clone()
            )
                .prop_map(|(a, op, b)| format!("{a} {op} {b}")),
            inner.clone().prop_map(|a| format!("-{a}")),
            inner.clone().prop_map(|a| format!("NOT ({a})")),
            inner.clone().prop_map(|a| format!("({a})")),
            (inner.clone(), inner.clone(), inner.clone())
                .prop_map(|(c, a, b)| format!("IF {c} THEN {a} ELSE {b}")),
            (
                prop::sample::select(vec!["MAX", "min", "Abs", "SMTH1", "step"]),
                prop::collection::vec(inner, 1..4)
            )
                .prop_map(|(f, args)| format!("{f}({})", args.join(", "))),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Printing a parsed equation and parsing it again gives the same tree, so the writer never
    /// changes a model's meaning.
    #[test]
    fn parse_print_parse_is_stable(text in expression()) {
        let (first, errors) = parse(&text);
        prop_assert!(errors.is_empty(), "{text}: {errors:?}");
        let printed = print(&first.unwrap());
        let (second, errors) = parse(&printed);
        prop_assert!(errors.is_empty(), "{printed}: {errors:?}");
        prop_assert_eq!(print(&second.unwrap()), printed);
    }

    /// The parser never panics or hangs, whatever the input.
    #[test]
    fn parser_accepts_any_text_without_panicking(text in "\\PC{0,80}") {
        let _ = parse(&text);
    }

    /// The reader never panics, whatever the input.
    #[test]
    fn reader_accepts_any_text_without_panicking(text in "<xmile>\\PC{0,120}") {
        let _ = read_xmile(&text);
    }

    /// read -> write -> read gives the same project (locations aside).
    #[test]
    fn xmile_round_trips(project in project()) {
        let text = write_xmile(&project);
        let (read, _) = read_xmile(&text).map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
        prop_assert_eq!(without_locations(read), project);
    }
}

fn variable() -> impl Strategy<Value = Variable> {
    (
        name(),
        0..3usize,
        expression(),
        prop::option::of("[a-z <>&\"]{0,20}"),
        prop::option::of("[a-z/]{1,8}"),
        any::<bool>(),
        prop::option::of(prop::collection::vec(-100.0f64..100.0, 2..6)),
    )
        .prop_map(|(name, kind, eqn, doc, units, flag, ys)| {
            let kind = match kind {
                0 => VariableKind::Stock {
                    inflows: vec!["f".into()],
                    outflows: vec![],
                    non_negative: flag,
                },
                1 => VariableKind::Flow { non_negative: flag },
                _ => VariableKind::Aux,
            };
            let graphical_function = ys.map(|ys| GraphicalFunction {
                kind: if flag {
                    GraphicalFunctionKind::Extrapolate
                } else {
                    GraphicalFunctionKind::Continuous
                },
                xs: (0..ys.len()).map(|i| i as f64 * 0.5).collect(),
                ys,
                y_scale: None,
            });
            Variable {
                name,
                kind,
                equation: Some(Equation::new(eqn)),
                initial_equation: None,
                dimensions: Vec::new(),
                elements: Vec::new(),
                graphical_function,
                doc: doc.map(|d| d.trim().to_string()).filter(|d| !d.is_empty()),
                units,
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
        .prop_map(|(variables, start, length, dt)| Project {
            header: blowback_sd::Header {
                name: Some("m".into()),
                vendor: None,
                product: Some("blowback".into()),
            },
            sim_specs: SimSpecs {
                start,
                stop: start + length,
                dt,
                save_step: None,
                method: Method::Rk4,
                time_units: Some("year".into()),
            },
            dimensions: Vec::new(),
            models: vec![Model {
                name: None,
                variables,
            }],
            ..Project::default()
        })
}

fn without_locations(mut project: Project) -> Project {
    for model in &mut project.models {
        for variable in &mut model.variables {
            variable.span = None;
            if let Some(e) = &mut variable.equation {
                e.offset = None;
                e.element = None;
            }
        }
    }
    project
}

/// Halving the time step shrinks Euler's error on exponential decay (first-order convergence).
#[test]
fn euler_error_shrinks_with_dt() {
    let text = crate::model(
        "<start>0</start><stop>4</stop><dt>0.25</dt>",
        r#"<stock name="s"><eqn>1</eqn><outflow>f</outflow></stock><flow name="f"><eqn>s</eqn></flow>"#,
    );
    let (project, _) = read_xmile(&text).unwrap();
    let (simulation, _) = compile(&project).unwrap();
    let exact = (-4.0f64).exp();
    let mut errors = Vec::new();
    for dt in [0.25, 0.125, 0.0625] {
        let mut overrides = Overrides::new();
        overrides.dt = Some(dt);
        let results = simulation.run(&overrides).unwrap();
        errors.push((results.column("s").unwrap().last().unwrap() - exact).abs());
    }
    assert!(
        errors[1] < errors[0] * 0.6 && errors[2] < errors[1] * 0.6,
        "{errors:?}"
    );
    // RK4 at the coarsest step beats Euler at the finest.
    let mut overrides = Overrides::new();
    overrides.method = Some(Method::Rk4);
    let rk4 = simulation.run(&overrides).unwrap();
    let rk4_error = (rk4.column("s").unwrap().last().unwrap() - exact).abs();
    assert!(
        rk4_error < errors[2] / 100.0,
        "rk4 {rk4_error} vs euler {}",
        errors[2]
    );
}
