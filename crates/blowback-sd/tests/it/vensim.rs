//! Vensim's function library and arrays, one documented behaviour per test. Models are XMILE
//! text whose header names Vensim (so Vensim's conventions apply), or projects built directly in
//! the shared model representation where XMILE cannot say it (mappings, `:EXCEPT:`, data files).

use std::collections::HashMap;

use blowback_sd::{
    compile, compile_with_data, read_xmile, DataFiles, DataInterpolation, Dimension,
    DimensionMapping, ElementEquation, Equation, Header, Model, Overrides, Project, Results,
    RunError, SimSpecs, Variable, VariableKind,
};

/// A model whose header says Vensim, from `<dimensions>` content and variables.
fn vensim(specs: &str, dimensions: &str, variables: &str) -> Results {
    let text = format!(
        r#"<xmile version="1.0" xmlns="http://docs.oasis-open.org/xmile/ns/XMILE/v1.0">
<header><product>Vensim</product></header>
<sim_specs method="Euler">{specs}</sim_specs><dimensions>{dimensions}</dimensions>
<model><variables>{variables}</variables></model></xmile>"#
    );
    let (project, _) = read_xmile(&text).unwrap_or_else(|e| panic!("read: {e}"));
    let (simulation, _) = compile(&project).unwrap_or_else(|e| panic!("compile: {:#?}", e.0));
    simulation
        .run(&Overrides::new())
        .unwrap_or_else(|e| panic!("run: {e}"))
}

fn aux(name: &str, equation: &str) -> String {
    format!(r#"<aux name="{name}"><eqn>{equation}</eqn></aux>"#)
}

fn at(results: &Results, name: &str, time: f64) -> f64 {
    results
        .value_at(name, time)
        .unwrap_or_else(|| panic!("no `{name}`"))
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * (1.0 + b.abs())
}

const DT_QUARTER: &str = "<start>0</start><stop>10</stop><dt>0.25</dt>";
const DT_ONE: &str = "<start>0</start><stop>20</stop><dt>1</dt>";

#[test]
fn smoothi_and_smooth3i_start_at_their_initial_value_and_fill_stage_by_stage() {
    let r = vensim(
        DT_QUARTER,
        "",
        &[
            aux("s", "SMOOTHI(10, 2, 5)"),
            aux("s3", "SMOOTH3I(10, 3, 0)"),
        ]
        .concat(),
    );
    assert_eq!(at(&r, "s", 0.0), 5.0);
    // One stage of 1 time unit each: the third stage first moves at the third step.
    assert_eq!(at(&r, "s3", 0.5), 0.0);
    assert!(close(at(&r, "s3", 0.75), 0.15625));
}

#[test]
fn smooth_n_takes_its_order_from_the_start_value_of_a_variable() {
    let r = vensim(
        DT_QUARTER,
        "",
        &[
            aux("x", "STEP(10, 1)"),
            aux("order", "2 + STEP(5, 1)"),
            aux("variable order", "SMOOTH_N(x, 2, 0, order)"),
            aux("fixed order", "SMOOTH_N(x, 2, 0, 2)"),
        ]
        .concat(),
    );
    for t in [0.0, 1.5, 4.0, 10.0] {
        assert_eq!(at(&r, "variable order", t), at(&r, "fixed order", t));
    }
}

#[test]
fn delay_order_fixed_at_the_start_cannot_be_overridden() {
    let text = r#"<xmile version="1.0" xmlns="http://docs.oasis-open.org/xmile/ns/XMILE/v1.0">
<header><product>Vensim</product></header><sim_specs><start>0</start><stop>5</stop><dt>1</dt></sim_specs>
<model><variables><aux name="order"><eqn>3</eqn></aux>
<aux name="d"><eqn>DELAY_N(STEP(1, 1), 3, 0, order)</eqn></aux></variables></model></xmile>"#;
    let (project, _) = read_xmile(text).unwrap();
    let (simulation, _) = compile(&project).unwrap();
    let mut overrides = Overrides::new();
    overrides.set("order", 5.0);
    assert!(matches!(
        simulation.run(&overrides),
        Err(RunError::Structural { .. })
    ));
}

#[test]
fn delay1i_and_delay3i_start_their_outflow_at_the_initial_value() {
    let r = vensim(
        DT_QUARTER,
        "",
        &[
            aux("d1", "DELAY1I(STEP(4, 1), 2, 3)"),
            aux("d3", "DELAY3I(STEP(4, 1), 2, 3)"),
        ]
        .concat(),
    );
    assert_eq!(at(&r, "d1", 0.0), 3.0);
    assert_eq!(at(&r, "d3", 0.0), 3.0);
}

#[test]
fn delay_n_with_a_constant_delay_time_is_delay3() {
    let r = vensim(
        DT_QUARTER,
        "",
        &[
            aux("x", "STEP(4, 1) + RAMP(1, 2, 5)"),
            aux("n", "DELAY_N(x, 3, 1, 3)"),
            aux("three", "DELAY3I(x, 3, 1)"),
        ]
        .concat(),
    );
    for k in 0..40 {
        let t = k as f64 * 0.25;
        assert!(close(at(&r, "n", t), at(&r, "three", t)), "t = {t}");
    }
}

#[test]
fn delay_n_carries_the_delay_time_with_the_material() {
    // The community suite's test_delays: Vensim gives 3.94971 at t = 15, the step the delay time
    // rises from 4 to 6 (the output still drains with the time of one step before).
    let r = vensim(
        DT_ONE,
        "",
        &[
            aux("input", "-1 + STEP(5, 5)"),
            aux("delay time", "4 + STEP(2, 15)"),
            aux("out", "DELAY_N(input, delay_time, 6, 2)"),
        ]
        .concat(),
    );
    assert!((at(&r, "out", 15.0) - 3.94971).abs() < 1e-5);
    assert!((at(&r, "out", 16.0) - 2.20442).abs() < 1e-5);
}

#[test]
fn delay_fixed_is_a_pipeline_of_whole_steps_fixed_at_the_start() {
    let r = vensim(
        DT_ONE,
        "",
        &[
            aux("t2", "TIME ^ 2"),
            aux("d", "DELAY_FIXED(t2, 1.5, 20)"),
            aux("shrinking", "DELAY_FIXED(t2, 2 + 2 * SIN(TIME), 7)"),
        ]
        .concat(),
    );
    // 1.5 steps round to 2: the initial value for two steps, then the input of two steps before.
    assert_eq!(r.column("d").unwrap()[..5], [20.0, 20.0, 0.0, 1.0, 4.0]);
    // The delay time at the start (2) fixes the pipeline even though it changes later.
    assert_eq!(
        r.column("shrinking").unwrap()[..5],
        [7.0, 7.0, 0.0, 1.0, 4.0]
    );
}

#[test]
fn trend_starts_at_its_initial_trend_and_forecast_extrapolates_it() {
    let r = vensim(
        DT_QUARTER,
        "",
        &[
            aux("x", "100"),
            aux("trend", "TREND(x, 2, 0.5)"),
            aux("zero", "TREND(0, 2, 0)"),
            aux("forecast", "FORECAST(x, 2, 3)"),
        ]
        .concat(),
    );
    assert!(close(at(&r, "trend", 0.0), 0.5));
    // ZIDZ: no division by a zero average.
    assert_eq!(at(&r, "zero", 5.0), 0.0);
    // A constant input has no trend to extrapolate.
    assert!(close(at(&r, "forecast", 5.0), 100.0));
}

#[test]
fn npv_discounts_each_step_by_one_plus_the_rate() {
    let r = vensim(DT_ONE, "", &aux("value", "NPV(1, 0.1, 0, 1)"));
    let expected = [1.0, 1.0 + 1.0 / 1.1, 1.0 + 1.0 / 1.1 + 1.0 / 1.21];
    for (t, want) in expected.iter().enumerate() {
        assert!(close(at(&r, "value", t as f64), *want), "t = {t}");
    }
}

#[test]
fn pulse_and_pulse_train_are_unit_windows() {
    let r = vensim(
        DT_QUARTER,
        "",
        &[
            aux("p", "PULSE(1, 0.5)"),
            aux("train", "PULSE_TRAIN(1, 0.5, 2, 6)"),
        ]
        .concat(),
    );
    let p: Vec<f64> = [0.75, 1.0, 1.25, 1.5]
        .iter()
        .map(|&t| at(&r, "p", t))
        .collect();
    assert_eq!(p, [0.0, 1.0, 1.0, 0.0]);
    let train: Vec<f64> = [1.0, 1.5, 3.0, 5.25, 7.0]
        .iter()
        .map(|&t| at(&r, "train", t))
        .collect();
    assert_eq!(train, [1.0, 0.0, 1.0, 1.0, 0.0]);
}

#[test]
fn random_draws_stay_in_their_bounds_and_repeat_per_seed() {
    let variables = [
        aux("u", "RANDOM_UNIFORM(2, 3, 0)"),
        aux("own seed", "RANDOM_UNIFORM(2, 3, 42)"),
        aux("n", "RANDOM_NORMAL(-1, 1, 0, 5, 0)"),
        aux("p", "RANDOM_POISSON(0, 100, 4, 10, 1, 0)"),
        aux("t", "RANDOM_TRIANGULAR(0, 10, 1, 2, 6, 0)"),
        aux("e", "RANDOM_EXPONENTIAL(0, 100, 1, 2, 0)"),
    ]
    .concat();
    let text = format!(
        r#"<xmile version="1.0" xmlns="http://docs.oasis-open.org/xmile/ns/XMILE/v1.0">
<header><product>Vensim</product></header><sim_specs><start>0</start><stop>200</stop><dt>1</dt></sim_specs>
<model><variables>{variables}</variables></model></xmile>"#
    );
    let (project, _) = read_xmile(&text).unwrap();
    let (simulation, _) = compile(&project).unwrap();
    let mut seeded = Overrides::new();
    seeded.seed = 7;
    let a = simulation.run(&seeded).unwrap();
    let b = simulation.run(&seeded).unwrap();
    assert_eq!(a, b);
    let within = |name: &str, low: f64, high: f64| {
        a.column(name)
            .unwrap()
            .iter()
            .all(|&v| (low..=high).contains(&v))
    };
    assert!(within("u", 2.0, 3.0));
    assert!(within("n", -1.0, 1.0));
    assert!(within("t", 1.0, 6.0));
    assert!(within("e", 1.0, 100.0));
    // Poisson counts shifted by 10.
    assert!(a
        .column("p")
        .unwrap()
        .iter()
        .all(|&v| v >= 10.0 && v.fract() == 0.0));
    // A seed of 0 follows the run's seed; a seed of its own does not.
    let mut other = Overrides::new();
    other.seed = 8;
    let c = simulation.run(&other).unwrap();
    assert_ne!(c.column("u"), a.column("u"));
    assert_eq!(c.column("own seed"), a.column("own seed"));
}

#[test]
fn lookup_variants_read_the_table_their_own_way() {
    let table = r#"<gf name="table"><xscale min="0" max="2"/><ypts>0,10,0</ypts></gf>"#;
    let r = vensim(
        DT_ONE,
        "",
        &[
            table.to_string(),
            aux("plain", "table(3)"),
            aux("extrapolated", "LOOKUP_EXTRAPOLATE(table, 3)"),
            aux("forward", "LOOKUP_FORWARD(table, 0.5)"),
            aux("backward", "LOOKUP_BACKWARD(table, 0.5)"),
            aux("inverted", "LOOKUP_INVERT(table, 5)"),
        ]
        .concat(),
    );
    assert_eq!(at(&r, "plain", 0.0), 0.0);
    assert_eq!(at(&r, "extrapolated", 0.0), -10.0);
    assert_eq!(at(&r, "forward", 0.0), 10.0);
    assert_eq!(at(&r, "backward", 0.0), 0.0);
    assert_eq!(at(&r, "inverted", 0.0), 0.5);
}

#[test]
fn active_initial_feeds_stocks_but_shows_its_active_value() {
    let r = vensim(
        DT_ONE,
        "",
        &[
            aux("a", "ACTIVE_INITIAL(TIME * 2, 7)"),
            r#"<stock name="s"><eqn>a</eqn></stock>"#.to_string(),
            aux("i", "INITIAL(TIME + 3)"),
        ]
        .concat(),
    );
    assert_eq!(at(&r, "a", 0.0), 0.0);
    assert_eq!(at(&r, "a", 2.0), 4.0);
    assert_eq!(at(&r, "s", 5.0), 7.0);
    assert_eq!(at(&r, "i", 5.0), 3.0);
}

#[test]
fn sample_if_true_holds_the_last_sampled_value() {
    let r = vensim(
        DT_ONE,
        "",
        &aux("s", "SAMPLE_IF_TRUE(TIME &lt; 2, TIME * 10, 5)"),
    );
    assert_eq!(r.column("s").unwrap()[..4], [0.0, 10.0, 10.0, 10.0]);
    let never = vensim(DT_ONE, "", &aux("s", "SAMPLE_IF_TRUE(0, TIME, 5)"));
    assert_eq!(never.column("s").unwrap()[..3], [5.0, 5.0, 5.0]);
}

#[test]
fn arithmetic_builtins_follow_vensim() {
    let r = vensim(
        DT_ONE,
        "",
        &[
            aux("zidz", "ZIDZ(1, 0)"),
            aux("xidz", "XIDZ(1, 0, 7)"),
            aux("modulo", "MODULO(-7, 3)"),
            aux("integer", "INTEGER(-1.5)"),
            aux("int", "INT(-1.5)"),
            aux("quantum", "QUANTUM(7.5, 2)"),
            aux("negative quantum", "QUANTUM(-7.5, 2)"),
            aux("power", "POWER(2, 10)"),
            aux("hyperbolic", "SINH(1) - COSH(1) + TANH(0)"),
        ]
        .concat(),
    );
    assert_eq!(at(&r, "zidz", 0.0), 0.0);
    assert_eq!(at(&r, "xidz", 0.0), 7.0);
    // Vensim truncates: the remainder takes the dividend's sign, INTEGER rounds toward zero.
    assert_eq!(at(&r, "modulo", 0.0), -1.0);
    assert_eq!(at(&r, "integer", 0.0), -1.0);
    assert_eq!(at(&r, "int", 0.0), -1.0);
    assert_eq!(at(&r, "quantum", 0.0), 6.0);
    assert_eq!(at(&r, "negative quantum", 0.0), -6.0);
    assert_eq!(at(&r, "power", 0.0), 1024.0);
    assert!(close(at(&r, "hyperbolic", 0.0), -(-1.0f64).exp()));
}

const ARRAY_DIMS: &str = r#"<dim name="dim"><elem name="a"/><elem name="b"/><elem name="c"/><elem name="d"/></dim>
<dim name="sub"><elem name="b"/><elem name="c"/></dim>"#;

fn arrayed(name: &str, dims: &[&str], equation: &str) -> String {
    let dims: String = dims
        .iter()
        .map(|d| format!(r#"<dim name="{d}"/>"#))
        .collect();
    format!(r#"<aux name="{name}"><dimensions>{dims}</dimensions><eqn>{equation}</eqn></aux>"#)
}

#[test]
fn vector_reductions_over_a_dimension_or_a_subrange() {
    let r = vensim(
        DT_ONE,
        ARRAY_DIMS,
        &[
            arrayed("x", &["dim"], "3, 1, 4, 2"),
            aux("total", "SUM(x[dim!])"),
            aux("sub total", "SUM(x[sub!])"),
            aux("product", "PROD(x[*:sub])"),
            aux("smallest", "VMIN(x[dim!])"),
            aux("largest", "VMAX(x[sub!])"),
            aux("count", "ELMCOUNT(sub)"),
            aux("slice", "SUM(x[b:c])"),
        ]
        .concat(),
    );
    assert_eq!(at(&r, "total", 0.0), 10.0);
    assert_eq!(at(&r, "sub total", 0.0), 5.0);
    assert_eq!(at(&r, "product", 0.0), 4.0);
    assert_eq!(at(&r, "smallest", 0.0), 1.0);
    assert_eq!(at(&r, "largest", 0.0), 4.0);
    assert_eq!(at(&r, "count", 0.0), 2.0);
    assert_eq!(at(&r, "slice", 0.0), 5.0);
}

#[test]
fn vector_sort_rank_reorder_and_element_map() {
    let r = vensim(
        DT_ONE,
        ARRAY_DIMS,
        &[
            arrayed("x", &["dim"], "3, 1, 4, 2"),
            arrayed("order", &["dim"], "VECTOR_SORT_ORDER(x[dim], 1)"),
            arrayed("descending", &["dim"], "VECTOR_SORT_ORDER(x[dim], 0)"),
            arrayed("rank", &["dim"], "VECTOR_RANK(x[dim], 1)"),
            arrayed("sorted", &["dim"], "VECTOR_REORDER(x[dim], order[dim])"),
            arrayed("shifted", &["sub"], "VECTOR_ELM_MAP(x[a], 1)"),
        ]
        .concat(),
    );
    let column = |name: &str, elements: &[&str]| -> Vec<f64> {
        elements
            .iter()
            .map(|e| at(&r, &format!("{name}[{e}]"), 0.0))
            .collect()
    };
    let all = ["a", "b", "c", "d"];
    // 0-based positions of the smallest, next, ... element.
    assert_eq!(column("order", &all), [1.0, 3.0, 0.0, 2.0]);
    assert_eq!(column("descending", &all), [2.0, 0.0, 3.0, 1.0]);
    assert_eq!(column("rank", &all), [3.0, 1.0, 4.0, 2.0]);
    assert_eq!(column("sorted", &all), [1.0, 2.0, 3.0, 4.0]);
    // x[a] shifted by 1: x[b] for every element of sub.
    assert_eq!(column("shifted", &["b", "c"]), [1.0, 1.0]);
}

#[test]
fn vector_select_acts_on_the_selected_values() {
    let r = vensim(
        DT_ONE,
        ARRAY_DIMS,
        &[
            arrayed("x", &["dim"], "3, 1, 4, 2"),
            arrayed("pick", &["dim"], "1, 0, 1, 0"),
            arrayed("none", &["dim"], "0, 0, 0, 0"),
            aux("sum", "VECTOR_SELECT(pick[dim!], x[dim!], -1, 0, 0)"),
            aux("max", "VECTOR_SELECT(pick[dim!], x[dim!], -1, 9, 0)"),
            aux("mean", "VECTOR_SELECT(pick[dim!], x[dim!], -1, 10, 0)"),
            aux("missing", "VECTOR_SELECT(none[dim!], x[dim!], -1, 0, 0)"),
        ]
        .concat(),
    );
    assert_eq!(at(&r, "sum", 0.0), 7.0);
    assert_eq!(at(&r, "max", 0.0), 4.0);
    assert_eq!(at(&r, "mean", 0.0), 3.5);
    assert_eq!(at(&r, "missing", 0.0), -1.0);
}

#[test]
fn dimension_names_as_values_count_in_the_whole_dimension() {
    let r = vensim(
        DT_ONE,
        ARRAY_DIMS,
        &[
            arrayed("position", &["sub"], "sub"),
            arrayed("is c", &["dim"], "IF_THEN_ELSE(dim = c, 1, 0)"),
        ]
        .concat(),
    );
    assert_eq!(at(&r, "position[b]", 0.0), 2.0);
    assert_eq!(at(&r, "position[c]", 0.0), 3.0);
    assert_eq!(at(&r, "is c[c]", 0.0), 1.0);
    assert_eq!(at(&r, "is c[d]", 0.0), 0.0);
}

fn vensim_project(dimensions: Vec<Dimension>, variables: Vec<Variable>) -> Project {
    Project {
        header: Header {
            product: Some("Vensim".into()),
            ..Header::default()
        },
        sim_specs: SimSpecs {
            start: 0.0,
            stop: 2.0,
            dt: 1.0,
            ..SimSpecs::default()
        },
        dimensions,
        models: vec![Model {
            name: None,
            variables,
        }],
        ..Project::default()
    }
}

fn element(subscript: &[&str], except: &[&[&str]], equation: &str) -> ElementEquation {
    ElementEquation {
        subscript: subscript.iter().map(|s| s.to_string()).collect(),
        except: except
            .iter()
            .map(|t| t.iter().map(|s| s.to_string()).collect())
            .collect(),
        equation: Equation::new(equation),
        graphical_function: None,
    }
}

fn array_variable(
    name: &str,
    kind: VariableKind,
    dims: &[&str],
    elements: Vec<ElementEquation>,
) -> Variable {
    let mut v = Variable::new(name, kind, "");
    v.equation = None;
    v.dimensions = dims.iter().map(|d| d.to_string()).collect();
    v.elements = elements;
    v
}

fn run_project(project: &Project) -> Results {
    let (simulation, _) = compile(project).unwrap_or_else(|e| panic!("compile: {:#?}", e.0));
    simulation.run(&Overrides::new()).unwrap()
}

#[test]
fn mappings_link_cohorts_to_the_cohort_before() {
    // Vensim: `previous: infant, child, teen -> older` with `older: child, teen, old`.
    let mut previous = Dimension::new("previous", ["infant", "child", "teen"]);
    previous.mappings.push(DimensionMapping {
        to: "older".into(),
        elements: Vec::new(),
    });
    let project = vensim_project(
        vec![
            Dimension::new("age", ["infant", "child", "teen", "old"]),
            Dimension::new("older", ["child", "teen", "old"]),
            previous,
        ],
        vec![
            {
                let mut v = Variable::new("aging", VariableKind::Aux, "10, 20, 30, 40");
                v.dimensions = vec!["age".into()];
                v
            },
            array_variable(
                "inflow",
                VariableKind::Aux,
                &["age"],
                vec![
                    element(&["infant"], &[], "5"),
                    element(&["older"], &[], "aging[previous]"),
                ],
            ),
        ],
    );
    let r = run_project(&project);
    let inflow: Vec<f64> = ["infant", "child", "teen", "old"]
        .iter()
        .map(|e| at(&r, &format!("inflow[{e}]"), 0.0))
        .collect();
    assert_eq!(inflow, [5.0, 10.0, 20.0, 30.0]);
}

#[test]
fn except_and_element_equations_with_integ_stocks() {
    let project = vensim_project(
        vec![
            Dimension::new("store", ["s1", "s2"]),
            Dimension::new("product", ["p1", "p2"]),
        ],
        vec![array_variable(
            "inventory",
            VariableKind::Stock {
                inflows: Vec::new(),
                outflows: Vec::new(),
                non_negative: false,
            },
            &["store", "product"],
            vec![
                element(&["store", "product"], &[&["s2", "p2"]], "INTEG(1, 10)"),
                element(&["s2", "p2"], &[], "INTEG(-1, 100)"),
            ],
        )],
    );
    let r = run_project(&project);
    assert_eq!(at(&r, "inventory[s1,p1]", 2.0), 12.0);
    assert_eq!(at(&r, "inventory[s2,p1]", 2.0), 12.0);
    assert_eq!(at(&r, "inventory[s2,p2]", 2.0), 98.0);
}

#[test]
fn equivalent_dimensions_stand_for_each_other() {
    let same = Dimension {
        name: "same".into(),
        equivalent_to: Some("dim".into()),
        ..Dimension::default()
    };
    let project = vensim_project(
        vec![Dimension::new("dim", ["a", "b"]), same],
        vec![
            {
                let mut v = Variable::new("x", VariableKind::Aux, "1, 2");
                v.dimensions = vec!["dim".into()];
                v
            },
            {
                let mut v = Variable::new("y", VariableKind::Aux, "x[same] * 10");
                v.dimensions = vec!["same".into()];
                v
            },
        ],
    );
    let r = run_project(&project);
    assert_eq!(at(&r, "y[b]", 0.0), 20.0);
}

/// Data files held in memory, by name.
struct Files(HashMap<&'static str, &'static str>);

impl DataFiles for Files {
    fn read(&self, name: &str) -> Result<Vec<u8>, String> {
        self.0
            .get(name)
            .map(|t| t.as_bytes().to_vec())
            .ok_or_else(|| format!("no file `{name}`"))
    }
}

#[test]
fn data_functions_read_series_constants_and_lookups_from_files() {
    let files = Files(HashMap::from([
        ("down.csv", "time,x,y\n0,1,10\n2,3,30\n4,5,\n"),
        ("across.csv", "t,0,2\nv,7,9\n"),
    ]));
    let data = |name: &str, interpolation: DataInterpolation, call: &str| {
        Variable::new(name, VariableKind::Data { interpolation }, call)
    };
    let mut lookup = Variable::new(
        "lookup",
        VariableKind::GraphicalFunction,
        "GET_DIRECT_LOOKUPS('down.csv', ',', 'A', 'C2')",
    );
    lookup.graphical_function = None;
    let mut constants = Variable::new(
        "constants",
        VariableKind::Aux,
        "GET_DIRECT_CONSTANTS('across.csv', ',', 'B2')",
    );
    constants.dimensions = vec!["dim".into()];
    let mut project = vensim_project(
        vec![Dimension::new("dim", ["a", "b"])],
        vec![
            data(
                "interpolated",
                DataInterpolation::Interpolate,
                "GET_DIRECT_DATA('down.csv', ',', 'A', 'B2')",
            ),
            data(
                "held",
                DataInterpolation::HoldBackward,
                "GET_DIRECT_DATA('down.csv', ',', 'A', 'B2')",
            ),
            data(
                "ahead",
                DataInterpolation::LookForward,
                "GET_DIRECT_DATA('down.csv', ',', 'A', 'B2')",
            ),
            data(
                "across",
                DataInterpolation::Interpolate,
                "GET_DIRECT_DATA('across.csv', ',', '1', 'B2')",
            ),
            lookup,
            Variable::new("looked up", VariableKind::Aux, "lookup(3)"),
            constants,
        ],
    );
    project.sim_specs.stop = 5.0;
    let (simulation, _) =
        compile_with_data(&project, &files).unwrap_or_else(|e| panic!("{:#?}", e.0));
    let r = simulation.run(&Overrides::new()).unwrap();
    assert_eq!(at(&r, "interpolated", 1.0), 2.0);
    assert_eq!(at(&r, "interpolated", 5.0), 5.0);
    assert_eq!(at(&r, "held", 1.0), 1.0);
    assert_eq!(at(&r, "ahead", 1.0), 3.0);
    assert_eq!(at(&r, "across", 1.0), 8.0);
    // The lookup's missing value at x = 4 drops that point: 30 beyond x = 2.
    assert_eq!(at(&r, "looked up", 0.0), 30.0);
    assert_eq!(at(&r, "constants[a]", 0.0), 7.0);
    assert_eq!(at(&r, "constants[b]", 0.0), 9.0);
    // Without data files the same model is a located error, not a panic.
    let errors = compile(&project).expect_err("data without files must fail");
    assert!(errors.0.iter().any(|d| d.message.contains("down.csv")));
}

#[test]
fn graphical_function_without_an_equation_is_called_as_a_function() {
    let r = vensim(
        DT_ONE,
        "",
        &[
            r#"<gf name="effect"><xscale min="0" max="10"/><ypts>0,5</ypts></gf>"#.to_string(),
            aux("y", "effect(TIME)"),
        ]
        .concat(),
    );
    assert_eq!(at(&r, "y", 4.0), 2.0);
}

#[test]
fn initial_values_pass_through_a_smooth_broken_by_an_initial_equation() {
    // World3's shape: a smooth of a variable that depends on the smooth; the variable's separate
    // initial equation breaks the cycle for initial values only.
    let r = vensim(
        DT_ONE,
        "",
        r#"<aux name="inputs"><eqn>SMOOTH(current, 2)</eqn></aux>
           <aux name="current"><eqn>inputs * 1.1</eqn><init_eqn>5</init_eqn></aux>"#,
    );
    assert_eq!(at(&r, "inputs", 0.0), 5.0);
    assert!(close(at(&r, "current", 0.0), 5.5));
}

#[test]
fn partial_signs_come_from_the_compiled_equations() {
    let text = r#"<xmile version="1.0" xmlns="http://docs.oasis-open.org/xmile/ns/XMILE/v1.0">
<header><product>Vensim</product></header><sim_specs><start>0</start><stop>4</stop><dt>1</dt></sim_specs>
<model><variables><stock name="s"><eqn>1</eqn><inflow>f</inflow></stock>
<flow name="f"><eqn>helper * 2 - ZIDZ(s, 10)</eqn></flow><aux name="helper"><eqn>QUANTUM(s, 0.5) + s</eqn></aux>
</variables></model></xmile>"#;
    let (project, _) = read_xmile(text).unwrap();
    let (simulation, _) = compile(&project).unwrap();
    let results = simulation.run(&Overrides::new()).unwrap();
    let run = simulation.recorded(&results);
    let signs = simulation.partial_signs(&run, "s", "f").unwrap();
    // Through helper (+2) and the ZIDZ term (-0.1): up at every saved row.
    assert_eq!(signs.up, results.times().len());
    assert!(simulation.uses_within_step("f", "s"));
    assert!(!simulation.uses_within_step("s", "f"));
    assert!(simulation.partial_signs(&run, "f", "s").is_none());
}
