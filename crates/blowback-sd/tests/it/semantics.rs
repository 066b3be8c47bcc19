//! The documented semantics of builtins and runs, one check each.

use blowback_sd::{compile, read_xmile, Overrides, RunError};

use crate::{model, run_text};

fn last(text: &str, name: &str) -> f64 {
    *run_text(text).column(name).unwrap().last().unwrap()
}

fn at(text: &str, name: &str, time: f64) -> f64 {
    run_text(text).value_at(name, time).unwrap()
}

const SPECS: &str = "<start>0</start><stop>10</stop><dt>0.25</dt>";

#[test]
fn smth1_is_a_first_order_exponential_smooth_stepped_by_euler() {
    let text = model(
        SPECS,
        r#"<aux name="x"><eqn>STEP(10, 1)</eqn></aux><aux name="s"><eqn>SMTH1(x, 2)</eqn></aux>"#,
    );
    // After the step at t=1 the smooth closes 1/8 of the gap each step of 0.25 (dt / time).
    let expected = 10.0 * (1.0 - (1.0f64 - 0.25 / 2.0).powi(36));
    assert!((last(&text, "s") - expected).abs() < 1e-9);
}

#[test]
fn delay1_and_delay3_conserve_what_flows_in() {
    let text = model(
        "<start>0</start><stop>40</stop><dt>0.125</dt>",
        r#"<aux name="x"><eqn>PULSE(8, 1)</eqn></aux>
           <aux name="d1"><eqn>DELAY1(x, 3)</eqn></aux><aux name="d3"><eqn>DELAY3(x, 3)</eqn></aux>
           <stock name="out1"><eqn>0</eqn><inflow>f1</inflow></stock><flow name="f1"><eqn>d1</eqn></flow>
           <stock name="out3"><eqn>0</eqn><inflow>f3</inflow></stock><flow name="f3"><eqn>d3</eqn></flow>"#,
    );
    let results = run_text(&text);
    // The pulse puts 8 units in; by t=40 nearly all of it has come out of both delays.
    assert!((results.column("out1").unwrap().last().unwrap() - 8.0).abs() < 1e-3);
    assert!((results.column("out3").unwrap().last().unwrap() - 8.0).abs() < 1e-3);
    // The third-order delay's output peaks later than the first-order one's.
    let peak = |name: &str| {
        let c = results.column(name).unwrap();
        let i = (0..c.len()).max_by(|&a, &b| c[a].total_cmp(&c[b])).unwrap();
        results.times()[i]
    };
    assert!(peak("d3") > peak("d1") + 1.0);
}

#[test]
fn pulse_step_and_ramp() {
    let text = model(
        "<start>0</start><stop>5</stop><dt>0.5</dt>",
        r#"<aux name="p"><eqn>PULSE(3, 1, 2)</eqn></aux><aux name="s"><eqn>STEP(2, 1.5)</eqn></aux>
           <aux name="r"><eqn>RAMP(2, 1, 3)</eqn></aux>"#,
    );
    let results = run_text(&text);
    let p = results.column("p").unwrap();
    // Magnitude 3 delivered within one step of 0.5: value 6 at t = 1, 3, 5 and 0 elsewhere.
    assert_eq!(p, &[0.0, 0.0, 6.0, 0.0, 0.0, 0.0, 6.0, 0.0, 0.0, 0.0, 6.0]);
    assert_eq!(results.value_at("s", 1.0), Some(0.0));
    assert_eq!(results.value_at("s", 1.5), Some(2.0));
    assert_eq!(results.value_at("r", 2.0), Some(2.0));
    assert_eq!(results.value_at("r", 5.0), Some(4.0));
}

#[test]
fn init_and_previous() {
    let text = model(
        "<start>0</start><stop>3</stop><dt>1</dt>",
        r#"<aux name="t"><eqn>TIME * 2</eqn></aux><aux name="i"><eqn>INIT(t + 5)</eqn></aux>
           <aux name="p"><eqn>PREVIOUS(t, -1)</eqn></aux>"#,
    );
    let results = run_text(&text);
    assert_eq!(results.column("i").unwrap(), &[5.0; 4]);
    assert_eq!(results.column("p").unwrap(), &[-1.0, 0.0, 2.0, 4.0]);
}

#[test]
fn int_and_mod_follow_the_dialect() {
    let variables =
        r#"<aux name="i"><eqn>INT(-1.5)</eqn></aux><aux name="m"><eqn>MOD(-7, 3)</eqn></aux>"#;
    let xmile = model(SPECS, variables);
    assert_eq!(last(&xmile, "i"), -2.0);
    assert_eq!(last(&xmile, "m"), 2.0);
    let vensim = xmile.replace(
        "<product>test</product>",
        "<product>Vensim, xmutil</product>",
    );
    assert_eq!(last(&vensim, "i"), -1.0);
    assert_eq!(last(&vensim, "m"), -1.0);
}

#[test]
fn random_draws_are_reproducible_per_seed() {
    let text = model(
        SPECS,
        r#"<aux name="u"><eqn>RANDOM(0, 1)</eqn></aux><aux name="n"><eqn>NORMAL(0, 1, 7)</eqn></aux>"#,
    );
    let (project, _) = read_xmile(&text).unwrap();
    let (simulation, _) = compile(&project).unwrap();
    let mut overrides = Overrides::new();
    let first = simulation.run(&overrides).unwrap();
    let again = simulation.run(&overrides).unwrap();
    assert_eq!(first, again);
    overrides.seed = 1;
    let other = simulation.run(&overrides).unwrap();
    assert_ne!(first.column("u"), other.column("u"));
    // A call with its own seed ignores the run's seed.
    assert_eq!(first.column("n"), other.column("n"));
    let u = first.column("u").unwrap();
    assert!(u.iter().all(|v| (0.0..1.0).contains(v)));
}

#[test]
fn overrides_are_checked() {
    let text = model(
        SPECS,
        r#"<stock name="stock"><eqn>1</eqn><inflow>growth</inflow></stock>
           <flow name="growth"><eqn>stock * rate</eqn></flow><aux name="growth rate"><eqn>0.1</eqn></aux>
           <aux name="rate"><eqn>growth_rate</eqn></aux>"#,
    );
    let (project, _) = read_xmile(&text).unwrap();
    let (simulation, _) = compile(&project).unwrap();
    let mut overrides = Overrides::new();
    overrides.set("growth rat", 0.2);
    match simulation.run(&overrides) {
        Err(RunError::UnknownName { suggestion, .. }) => {
            assert_eq!(suggestion.as_deref(), Some("growth rate"))
        }
        other => panic!("{other:?}"),
    }
    let mut overrides = Overrides::new();
    overrides.set("growth", 0.2);
    assert!(matches!(
        simulation.run(&overrides),
        Err(RunError::NotAConstant { .. })
    ));
    // Overriding a constant reaches the constants computed from it.
    let mut overrides = Overrides::new();
    overrides.set("Growth_Rate", 0.0).set("stock", 3.0);
    let results = simulation.run(&overrides).unwrap();
    assert_eq!(results.column("stock").unwrap().last(), Some(&3.0));
}

#[test]
fn first_non_finite_value_is_reported_with_variable_and_time() {
    let text = model(
        "<start>0</start><stop>5</stop><dt>1</dt>",
        r#"<aux name="x"><eqn>1 / (3 - TIME)</eqn></aux>"#,
    );
    let (project, _) = read_xmile(&text).unwrap();
    let (simulation, _) = compile(&project).unwrap();
    match simulation.run(&Overrides::new()) {
        Err(RunError::NonFinite { variable, time, .. }) => {
            assert_eq!(variable, "x");
            assert_eq!(time, 3.0);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn modules_bind_inputs_and_expose_outputs() {
    let text = r#"<xmile version="1.0" xmlns="http://docs.oasis-open.org/xmile/ns/XMILE/v1.0">
<sim_specs><start>0</start><stop>2</stop><dt>1</dt></sim_specs>
<model><variables>
  <aux name="rate"><eqn>3</eqn></aux>
  <module name="tank"><connect to="inflow rate" from=".rate"/></module>
  <aux name="reading"><eqn>tank.level * 2</eqn></aux>
</variables></model>
<model name="tank"><variables>
  <stock name="level"><eqn>0</eqn><inflow>fill</inflow></stock>
  <flow name="fill"><eqn>inflow_rate</eqn></flow>
  <aux name="inflow rate"><eqn>{placeholder}</eqn></aux>
</variables></model></xmile>"#;
    let results = run_text(text);
    assert_eq!(results.column("tank.level").unwrap(), &[0.0, 3.0, 6.0]);
    assert_eq!(results.column("reading").unwrap().last(), Some(&12.0));
}

#[test]
fn arrays_apply_to_all_and_reduce() {
    let text = r#"<xmile version="1.0" xmlns="http://docs.oasis-open.org/xmile/ns/XMILE/v1.0">
<sim_specs><start>0</start><stop>1</stop><dt>1</dt></sim_specs>
<dimensions><dim name="region"><elem name="north"/><elem name="south"/></dim></dimensions>
<model><variables>
  <aux name="base"><dimensions><dim name="region"/></dimensions>
    <element subscript="north"><eqn>2</eqn></element><element subscript="south"><eqn>6</eqn></element></aux>
  <aux name="doubled"><dimensions><dim name="region"/></dimensions><eqn>base * 2</eqn></aux>
  <aux name="total"><eqn>SUM(doubled[*])</eqn></aux>
  <aux name="spread"><eqn>STDDEV(base[*]) + SIZE(base[*])</eqn></aux>
  <aux name="south only"><eqn>doubled[south]</eqn></aux>
</variables></model></xmile>"#;
    let results = run_text(text);
    assert_eq!(results.value_at("doubled[north]", 0.0), Some(4.0));
    assert_eq!(results.value_at("total", 0.0), Some(16.0));
    assert_eq!(results.value_at("spread", 0.0), Some(4.0));
    assert_eq!(results.value_at("south only", 0.0), Some(12.0));
}

#[test]
fn non_negative_stock_stops_at_zero() {
    let text = model(
        "<start>0</start><stop>5</stop><dt>1</dt>",
        r#"<stock name="s"><eqn>2.5</eqn><outflow>drain</outflow><non_negative/></stock><flow name="drain"><eqn>1</eqn></flow>"#,
    );
    assert_eq!(
        run_text(&text).column("s").unwrap(),
        &[2.5, 1.5, 0.5, 0.0, 0.0, 0.0]
    );
}

#[test]
fn trend_of_exponential_growth_approaches_the_growth_rate() {
    let text = model(
        "<start>0</start><stop>60</stop><dt>0.0625</dt>",
        r#"<aux name="x"><eqn>EXP(0.05 * TIME)</eqn></aux><aux name="t"><eqn>TREND(x, 5, 0.05)</eqn></aux>"#,
    );
    let value = at(&text, "t", 60.0);
    // For steady growth g, TREND with averaging time T tends to (e^{gT}-1)/T approximately g.
    assert!((value - 0.05).abs() < 0.01, "{value}");
}
