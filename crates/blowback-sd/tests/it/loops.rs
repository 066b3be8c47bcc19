//! Loop analysis on textbook models with known structure: loop counts, polarities and dominance
//! shifts as published (Loops That Matter: Schoenberg, Eberlein & Hayward 2020; Sterman 2000,
//! *Business Dynamics*, for the structures).

use blowback_sd::{
    compile, read_xmile, FeedbackLoop, LoopOptions, Overrides, Polarity, Simulation,
};

use crate::model;

fn simulation(specs: &str, variables: &str) -> Simulation {
    let (project, _) = read_xmile(&model(specs, variables)).unwrap();
    compile(&project).unwrap().0
}

fn loops(sim: &Simulation) -> Vec<FeedbackLoop> {
    sim.feedback_loops(&Overrides::new(), LoopOptions::default())
        .unwrap()
}

fn count(loops: &[FeedbackLoop], polarity: Polarity) -> usize {
    loops.iter().filter(|l| l.polarity == polarity).count()
}

fn find<'a>(loops: &'a [FeedbackLoop], variables: &[&str]) -> &'a FeedbackLoop {
    loops
        .iter()
        .find(|l| {
            l.variables.len() == variables.len()
                && variables.iter().all(|v| l.variables.iter().any(|x| x == v))
        })
        .unwrap_or_else(|| panic!("no loop through {variables:?} in {loops:#?}"))
}

#[test]
fn first_order_goal_seeker_has_one_balancing_loop_that_always_dominates() {
    let sim = simulation(
        "<start>0</start><stop>20</stop><dt>0.25</dt>",
        r#"<stock name="level"><eqn>0</eqn><inflow>adjustment</inflow></stock>
           <flow name="adjustment"><eqn>(goal - level) / adjustment_time</eqn></flow>
           <aux name="goal"><eqn>100</eqn></aux><aux name="adjustment time"><eqn>4</eqn></aux>"#,
    );
    let found = loops(&sim);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].polarity, Polarity::Negative);
    let analysis = sim.loop_dominance(&Overrides::new(), &found).unwrap();
    assert!(analysis.relative_scores[0]
        .iter()
        .all(|&s| (s + 1.0).abs() < 1e-9 || s == 0.0));
}

#[test]
fn logistic_growth_shifts_from_reinforcing_to_balancing_at_the_inflection() {
    let sim = simulation(
        "<start>0</start><stop>40</stop><dt>0.0625</dt>",
        r#"<stock name="population"><eqn>1</eqn><inflow>net growth</inflow></stock>
           <flow name="net growth"><eqn>population * fractional_growth</eqn></flow>
           <aux name="fractional growth"><eqn>max_growth * (1 - population / carrying_capacity)</eqn></aux>
           <aux name="max growth"><eqn>0.5</eqn></aux><aux name="carrying capacity"><eqn>1000</eqn></aux>"#,
    );
    let found = loops(&sim);
    assert_eq!(found.len(), 2);
    let reinforcing = find(&found, &["population", "net growth"]);
    let balancing = find(&found, &["population", "fractional growth", "net growth"]);
    assert_eq!(reinforcing.polarity, Polarity::Positive);
    assert_eq!(balancing.polarity, Polarity::Negative);
    let analysis = sim.loop_dominance(&Overrides::new(), &found).unwrap();
    let periods = analysis.dominance(0.5);
    assert_eq!(periods.len(), 2, "{periods:?}");
    assert_eq!(periods[0].loop_index, reinforcing.index);
    assert_eq!(periods[1].loop_index, balancing.index);
    // The shift happens at the inflection, where population is half the carrying capacity.
    let results = sim.run(&Overrides::new()).unwrap();
    let at_shift = results.value_at("population", periods[1].from).unwrap();
    assert!(
        (at_shift - 500.0).abs() < 60.0,
        "population at the shift: {at_shift}"
    );
}

#[test]
fn sir_has_contagion_depletion_and_recovery_loops() {
    let sim = simulation(
        "<start>0</start><stop>100</stop><dt>0.125</dt>",
        r#"<stock name="susceptible"><eqn>995</eqn><outflow>infection</outflow></stock>
           <stock name="infectious"><eqn>5</eqn><inflow>infection</inflow><outflow>recovery</outflow></stock>
           <stock name="recovered"><eqn>0</eqn><inflow>recovery</inflow></stock>
           <flow name="infection"><eqn>susceptible * infectious * contact_rate / 1000</eqn></flow>
           <flow name="recovery"><eqn>infectious / duration</eqn></flow>
           <aux name="contact rate"><eqn>0.5</eqn></aux><aux name="duration"><eqn>5</eqn></aux>"#,
    );
    let found = loops(&sim);
    assert_eq!(found.len(), 3, "{found:#?}");
    assert_eq!(
        find(&found, &["infectious", "infection"]).polarity,
        Polarity::Positive
    );
    assert_eq!(
        find(&found, &["susceptible", "infection"]).polarity,
        Polarity::Negative
    );
    assert_eq!(
        find(&found, &["infectious", "recovery"]).polarity,
        Polarity::Negative
    );
    // Contagion drives the early outbreak; balancing loops take over after the peak.
    let analysis = sim.loop_dominance(&Overrides::new(), &found).unwrap();
    let contagion = find(&found, &["infectious", "infection"]).index;
    assert_eq!(analysis.ranking(0.0, 5.0)[0].0, contagion);
    assert_ne!(analysis.ranking(40.0, 100.0)[0].0, contagion);
}

#[test]
fn predator_prey_has_five_loops() {
    let sim = simulation(
        "<start>0</start><stop>50</stop><dt>0.03125</dt>",
        r#"<stock name="hares"><eqn>50</eqn><inflow>hare births</inflow><outflow>hare deaths</outflow></stock>
           <stock name="lynx"><eqn>10</eqn><inflow>lynx births</inflow><outflow>lynx deaths</outflow></stock>
           <flow name="hare births"><eqn>0.8 * hares</eqn></flow>
           <flow name="hare deaths"><eqn>0.04 * hares * lynx</eqn></flow>
           <flow name="lynx births"><eqn>0.01 * hares * lynx</eqn></flow>
           <flow name="lynx deaths"><eqn>0.4 * lynx</eqn></flow>"#,
    );
    let found = loops(&sim);
    assert_eq!(found.len(), 5, "{found:#?}");
    assert_eq!(count(&found, Polarity::Positive), 2);
    assert_eq!(count(&found, Polarity::Negative), 3);
    assert_eq!(
        find(&found, &["hares", "lynx births", "lynx", "hare deaths"]).polarity,
        Polarity::Negative
    );
    // The independent loop set of this graph has as many loops as it has: every loop adds a link.
    let independent = sim
        .feedback_loops(
            &Overrides::new(),
            LoopOptions {
                independent_only: true,
                ..LoopOptions::default()
            },
        )
        .unwrap();
    assert_eq!(independent.len(), 5);
}

#[test]
fn market_growth_reinforcing_sales_loop_gives_way_to_capacity_constraint() {
    let sim = simulation(
        "<start>0</start><stop>60</stop><dt>0.125</dt>",
        r#"<stock name="salesforce"><eqn>10</eqn><inflow>hiring</inflow></stock>
           <flow name="hiring"><eqn>(budget / cost_per_salesperson - salesforce) / hiring_time</eqn></flow>
           <aux name="budget"><eqn>orders * revenue_per_order * sales_fraction</eqn></aux>
           <aux name="orders"><eqn>salesforce * effectiveness</eqn></aux>
           <aux name="effectiveness"><eqn>delivery_delay</eqn>
             <gf><xpts>0,2,4,6,8,10</xpts><ypts>10,9,7,4,2,1</ypts></gf></aux>
           <stock name="backlog"><eqn>100</eqn><inflow>orders</inflow><outflow>shipments</outflow></stock>
           <flow name="shipments"><eqn>MIN(backlog / 2, capacity)</eqn></flow>
           <aux name="delivery delay"><eqn>backlog / shipments</eqn></aux>
           <aux name="capacity"><eqn>400</eqn></aux><aux name="revenue per order"><eqn>10</eqn></aux>
           <aux name="sales fraction"><eqn>0.1</eqn></aux><aux name="cost per salesperson"><eqn>4</eqn></aux>
           <aux name="hiring time"><eqn>4</eqn></aux>"#,
    );
    let found = loops(&sim);
    let growth = find(&found, &["salesforce", "orders", "budget", "hiring"]);
    assert_eq!(growth.polarity, Polarity::Positive);
    let constraint = found
        .iter()
        .find(|l| {
            l.variables.iter().any(|v| v == "delivery delay")
                && l.variables.iter().any(|v| v == "effectiveness")
                && !l.variables.iter().any(|v| v == "salesforce")
        })
        .expect("capacity loop");
    assert_eq!(constraint.polarity, Polarity::Negative);
    let analysis = sim.loop_dominance(&Overrides::new(), &found).unwrap();
    let early = analysis.ranking(0.0, 10.0);
    let late = analysis.ranking(40.0, 60.0);
    assert_eq!(
        found[early[0].0].polarity,
        Polarity::Positive,
        "early: {:?}",
        found[early[0].0]
    );
    assert_eq!(
        found[late[0].0].polarity,
        Polarity::Negative,
        "late: {:?}",
        found[late[0].0]
    );
}

#[test]
fn explain_traces_a_change_to_its_causes() {
    let sim = simulation(
        "<start>0</start><stop>10</stop><dt>0.25</dt>",
        r#"<stock name="level"><eqn>0</eqn><inflow>filling</inflow><outflow>leak</outflow></stock>
           <flow name="filling"><eqn>pump * 2</eqn></flow><flow name="leak"><eqn>level * 0.1</eqn></flow>
           <aux name="pump"><eqn>STEP(5, 2)</eqn></aux>"#,
    );
    let chain = sim.explain(&Overrides::new(), "level", 5.0, 3).unwrap();
    assert_eq!(chain[0].to, "level");
    assert_eq!(chain[0].from, "filling");
    assert!(
        chain[0].share > 1.0,
        "filling outweighs the leak: {chain:?}"
    );
    assert!(chain.iter().any(|c| c.from == "leak" && c.delta < 0.0));
}

#[test]
fn loop_scores_are_kept_beside_their_relative_scores() {
    let sim = simulation(
        "<start>0</start><stop>40</stop><dt>0.0625</dt>",
        r#"<stock name="population"><eqn>1</eqn><inflow>net growth</inflow></stock>
           <flow name="net growth"><eqn>population * fractional_growth</eqn></flow>
           <aux name="fractional growth"><eqn>max_growth * (1 - population / carrying_capacity)</eqn></aux>
           <aux name="max growth"><eqn>0.5</eqn></aux><aux name="carrying capacity"><eqn>1000</eqn></aux>"#,
    );
    let found = loops(&sim);
    let analysis = sim.loop_dominance(&Overrides::new(), &found).unwrap();
    assert_eq!(analysis.scores.len(), found.len());
    for t in 0..analysis.times.len() {
        let total: f64 = analysis.scores.iter().map(|s| s[t].abs()).sum();
        for (score, relative) in analysis.scores.iter().zip(&analysis.relative_scores) {
            let expected = if total > 0.0 { score[t] / total } else { 0.0 };
            assert!((relative[t] - expected).abs() < 1e-12);
        }
    }
    // The reinforcing loop's own score is positive wherever it acts, the balancing one's negative.
    let reinforcing = find(&found, &["population", "net growth"]).index;
    assert!(analysis.scores[reinforcing].iter().all(|&s| s >= 0.0));
    assert!(analysis.scores[reinforcing].iter().any(|&s| s > 0.0));
}

#[test]
fn loops_condense_to_arrows_between_stocks() {
    // Predators and prey: two stocks, each one's flows read the other.
    let sim = simulation(
        "<start>0</start><stop>10</stop><dt>0.0625</dt>",
        r#"<stock name="prey"><eqn>100</eqn><inflow>prey births</inflow><outflow>predation</outflow></stock>
           <stock name="predators"><eqn>10</eqn><inflow>predator births</inflow><outflow>predator deaths</outflow></stock>
           <flow name="prey births"><eqn>0.5 * prey</eqn></flow>
           <flow name="predation"><eqn>0.01 * prey * predators</eqn></flow>
           <flow name="predator births"><eqn>0.002 * prey * predators</eqn></flow>
           <flow name="predator deaths"><eqn>0.3 * predators</eqn></flow>"#,
    );
    let found = loops(&sim);
    let drawn: Vec<&FeedbackLoop> = found.iter().collect();
    let edges = sim.condensed_loop_graph(&Overrides::new(), &drawn).unwrap();
    let arrow = |from: &str, to: &str| {
        edges
            .iter()
            .find(|e| e.from == from && e.to == to)
            .unwrap_or_else(|| panic!("no arrow {from} -> {to} in {edges:#?}"))
    };
    // More predators, more predation, fewer prey; more prey, more predator births.
    let predators_to_prey = arrow("predators", "prey");
    assert_eq!(predators_to_prey.polarity, Polarity::Negative);
    assert_eq!(predators_to_prey.via, ["predation"]);
    assert_eq!(arrow("prey", "predators").polarity, Polarity::Positive);
    // Births (reinforcing) and predation (balancing) are loops through prey alone: both are the
    // arrow from prey to itself, and they disagree on its sign.
    let own = arrow("prey", "prey");
    assert_eq!(own.polarity, Polarity::Unknown);
    assert_eq!(own.loops.len(), 2);
    // Every loop of the model passes through a stock, so each is on some arrow.
    for l in &found {
        assert!(edges.iter().any(|e| e.loops.contains(&l.index)), "{l:?}");
    }
    // Sorted by (from, to).
    assert!(edges
        .windows(2)
        .all(|w| (&w[0].from, &w[0].to) < (&w[1].from, &w[1].to)));
}

#[test]
fn scores_are_read_at_the_saved_times() {
    // dt 0.25, saved every 1: scores exist from the first step, so every saved time but the start
    // has a row.
    let sim = simulation(
        "<start>0</start><stop>5</stop><dt>0.25</dt><savestep>1</savestep>",
        r#"<stock name="level"><eqn>0</eqn><inflow>adjustment</inflow></stock>
           <flow name="adjustment"><eqn>(goal - level) / adjustment_time</eqn></flow>
           <aux name="goal"><eqn>100</eqn></aux><aux name="adjustment time"><eqn>4</eqn></aux>"#,
    );
    let found = loops(&sim);
    let analysis = sim.loop_dominance(&Overrides::new(), &found).unwrap();
    assert_eq!(analysis.times.len(), 20, "every step after the start");
    let saved = sim.run(&Overrides::new()).unwrap();
    assert_eq!(saved.times(), [0.0, 1.0, 2.0, 3.0, 4.0, 5.0]);
    let rows = analysis.rows_at(saved.times());
    let times: Vec<f64> = rows.iter().map(|&(t, _)| t).collect();
    assert_eq!(times, [1.0, 2.0, 3.0, 4.0, 5.0]);
    for (t, row) in rows {
        assert_eq!(analysis.times[row], t);
    }
}
