//! The essay's dilemma (`cases/afpak/conflict.toml`): the conclusions stated in
//! `cases/afpak/notes/conflict.md` are checked here against the case file itself.

use std::path::PathBuf;

use blowback_conflict::{
    analyze, explain, inverse_by_statements, reachable_by_improvements, read_toml, Concept,
    Conflict, ConflictSpec, Game, PreferenceSpec,
};

fn case() -> (ConflictSpec, Conflict) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../cases/afpak/conflict.toml");
    let source = std::fs::read_to_string(&path).expect("cases/afpak/conflict.toml");
    let spec = read_toml(&source).expect("the case file parses");
    let conflict = Conflict::build(&spec).expect("the case file builds");
    (spec, conflict)
}

/// The state index where exactly the named options are taken.
fn state_with(conflict: &Conflict, taken: &[&str]) -> usize {
    let decimal = taken.iter().fold(0u64, |acc, id| {
        let bit = conflict
            .option_ids()
            .iter()
            .position(|o| o == id)
            .expect("option id");
        acc | (1 << bit)
    });
    conflict.state_of_decimal(decimal).expect("feasible state")
}

fn taken(conflict: &Conflict, state: usize, id: &str) -> bool {
    let bit = conflict.option_ids().iter().position(|o| o == id).unwrap();
    conflict.state_decimal(state).unwrap() & (1 << bit) != 0
}

const STATUS_QUO: &[&str] = &["back_taliban", "strike_ttp", "escalate"];
const REFORM: &[&str] = &[
    "pressure_taliban",
    "dismantle_jihadi",
    "restrain_ttp",
    "share_power",
    "conditional_support",
];

fn cites_paragraphs(source: &Option<String>) -> bool {
    let Some(text) = source else { return false };
    let mut found = false;
    for part in text.split('[').skip(1) {
        let Some(number) = part
            .strip_prefix('P')
            .and_then(|rest| rest.split(']').next())
        else {
            return false;
        };
        match number.parse::<u32>() {
            Ok(n) if (1..=20).contains(&n) => found = true,
            _ => return false,
        }
    }
    found
}

#[test]
fn every_option_and_statement_cites_an_essay_paragraph() {
    let (spec, _) = case();
    assert!(spec.options.len() >= 8);
    for option in &spec.options {
        assert!(
            cites_paragraphs(&option.source),
            "option `{}` lacks [Pn] provenance",
            option.id
        );
    }
    for (dm, preference) in spec.preferences.iter().enumerate() {
        let PreferenceSpec::Prioritization(statements) = preference else {
            panic!(
                "{} should use prioritisation",
                spec.decision_makers[dm].name
            )
        };
        for statement in statements {
            assert!(
                cites_paragraphs(&statement.source),
                "`{}` lacks [Pn] provenance",
                statement.text
            );
        }
    }
}

#[test]
fn the_case_has_the_decision_makers_and_options_the_essay_names() {
    let (_, conflict) = case();
    let dms = conflict.decision_makers();
    for name in [
        "Pakistan military",
        "Afghan Taliban",
        "TTP",
        "United States",
    ] {
        assert!(dms.iter().any(|d| d == name), "missing {name}");
    }
    for id in [
        "back_taliban",
        "pressure_taliban",
        "strike_ttp",
        "dismantle_jihadi",
        "restrain_ttp",
        "share_power",
        "escalate",
        "conditional_support",
    ] {
        assert!(
            conflict.option_ids().iter().any(|o| o == id),
            "missing option {id}"
        );
    }
}

#[test]
fn the_status_quo_is_the_only_nash_seq_sim_and_limited_move_equilibrium() {
    let (_, conflict) = case();
    let status_quo = state_with(&conflict, STATUS_QUO);
    assert_eq!(conflict.status_quo(), Some(status_quo));
    let concepts = [
        Concept::Nash,
        Concept::Seq,
        Concept::Sim,
        Concept::Limited(2),
        Concept::Limited(3),
        Concept::Limited(4),
    ];
    let stability = analyze(&Game::individual(&conflict), &concepts).unwrap();
    for (c, concept) in concepts.iter().enumerate() {
        let equilibria: Vec<usize> = stability.equilibria[c].iter().collect();
        assert_eq!(equilibria, vec![status_quo], "{concept}");
    }
}

#[test]
fn every_equilibrium_keeps_pakistan_backing_the_taliban_and_the_taliban_unreformed() {
    let (_, conflict) = case();
    let status_quo = state_with(&conflict, STATUS_QUO);
    let concepts = [
        Concept::Nash,
        Concept::Gmr,
        Concept::Smr,
        Concept::Seq,
        Concept::Sim,
    ];
    let stability = analyze(&Game::individual(&conflict), &concepts).unwrap();
    // GMR and SMR add states the others deter by threats, but all of them keep the old policy.
    assert_eq!(stability.equilibria[1].count(), 7);
    assert_eq!(stability.equilibria[1], stability.equilibria[2]);
    for (c, concept) in concepts.iter().enumerate() {
        assert!(stability.equilibria[c].contains(status_quo), "{concept}");
        for state in stability.equilibria[c].iter() {
            assert!(
                taken(&conflict, state, "back_taliban"),
                "{concept}: state {}",
                conflict.state_id(state)
            );
            assert!(!taken(&conflict, state, "pressure_taliban"));
            assert!(!taken(&conflict, state, "restrain_ttp"));
            assert!(!taken(&conflict, state, "share_power"));
        }
    }
}

#[test]
fn nobody_can_improve_on_the_status_quo() {
    let (_, conflict) = case();
    let game = Game::individual(&conflict);
    let reachable = reachable_by_improvements(&game, conflict.status_quo().unwrap());
    assert_eq!(reachable.len(), 1);
    assert!(reachable[0].path.is_empty());
}

#[test]
fn reform_is_unstable_because_pakistan_returns_to_the_taliban_and_the_taliban_backslide() {
    let (_, conflict) = case();
    let reform = state_with(&conflict, REFORM);
    let game = Game::individual(&conflict);
    let concepts = [
        Concept::Nash,
        Concept::Gmr,
        Concept::Smr,
        Concept::Seq,
        Concept::Sim,
    ];
    let stability = analyze(&game, &concepts).unwrap();
    for (c, concept) in concepts.iter().enumerate() {
        assert!(!stability.equilibria[c].contains(reform), "{concept}");
    }
    let names: Vec<&str> = game.player_names();
    let unstable: Vec<&str> = (0..game.n_players())
        .filter(|&p| !explain(&game, p, reform, Concept::Seq).unwrap().stable)
        .map(|p| names[p])
        .collect();
    assert_eq!(unstable, vec!["Pakistan military", "Afghan Taliban"]);
    // Every improvement of the military that no credible sanction deters resumes backing.
    let military = explain(&game, 0, reform, Concept::Seq).unwrap();
    let unsanctioned: Vec<usize> = military
        .checks
        .iter()
        .filter(|c| c.destabilizes)
        .map(|c| c.target)
        .collect();
    assert!(!unsanctioned.is_empty());
    assert!(unsanctioned
        .iter()
        .all(|&s| taken(&conflict, s, "back_taliban")));
}

#[test]
fn inverse_analysis_reform_needs_security_first_in_rawalpindi_and_strikes_feared_in_kabul() {
    let (spec, conflict) = case();
    let reform = state_with(&conflict, REFORM);
    let result = inverse_by_statements(&spec, &conflict, reform, Concept::Seq, 4).unwrap();
    // No joint reordering of up to four adjacent swaps works ...
    assert!(!result.exhaustive);
    assert_eq!(result.searched_up_to, 4);
    // ... so the five found one decision maker at a time are the fewest.
    assert_eq!(result.minimal_swaps, Some(5));
    let solution = &result.solutions[0];
    let text = |dm: usize, index: usize| -> &str {
        let PreferenceSpec::Prioritization(statements) = &spec.preferences[dm] else {
            unreachable!()
        };
        &statements[index].text
    };
    let military: Vec<(&str, &str)> = solution
        .iter()
        .filter(|s| s.decision_maker == 0)
        .map(|s| (text(0, s.promoted), text(0, s.demoted)))
        .collect();
    assert_eq!(military, vec![("not escalate", "back_taliban")]);
    let taliban: Vec<(&str, &str)> = solution
        .iter()
        .filter(|s| s.decision_maker == 1)
        .map(|s| (text(1, s.promoted), text(1, s.demoted)))
        .collect();
    assert_eq!(taliban.len(), 4);
    assert!(taliban
        .iter()
        .all(|(promoted, _)| *promoted == "not strike_ttp"));
}

#[test]
fn a_military_and_washington_acting_together_would_stabilise_partial_reform() {
    let (_, conflict) = case();
    let game = Game::with_coalition(&conflict, &["Pakistan military", "United States"]).unwrap();
    let stability = analyze(&game, &[Concept::Nash, Concept::Seq]).unwrap();
    let partial = state_with(
        &conflict,
        &[
            "pressure_taliban",
            "dismantle_jihadi",
            "escalate",
            "conditional_support",
        ],
    );
    assert!(stability.equilibria[0].contains(partial));
    assert!(stability.equilibria[1].contains(partial));
    assert!(stability.equilibria[1].contains(state_with(&conflict, STATUS_QUO)));
}

#[test]
fn nash_stable_reform_needs_a_new_military_interest_not_a_reordering() {
    let (spec, conflict) = case();
    let reform = state_with(&conflict, REFORM);
    let result = inverse_by_statements(&spec, &conflict, reform, Concept::Nash, 2).unwrap();
    assert_eq!(result.minimal_swaps, None);
    assert_eq!(result.no_order_works_for, Some(0), "the Pakistan military");
}

#[test]
fn limited_move_stability_depends_on_the_horizon() {
    let (_, conflict) = case();
    let status_quo = state_with(&conflict, STATUS_QUO);
    let partnership_only = state_with(&conflict, &["back_taliban"]);
    let concepts: Vec<Concept> = (5..=8).map(Concept::Limited).collect();
    let stability = analyze(&Game::individual(&conflict), &concepts).unwrap();
    assert_eq!(stability.equilibria[0].count(), 0, "L5");
    assert_eq!(stability.equilibria[1].count(), 0, "L6");
    for (set, concept) in stability.equilibria.iter().zip(&concepts).skip(2) {
        let found: Vec<usize> = set.iter().collect();
        assert_eq!(found, vec![partnership_only, status_quo], "{concept}");
    }
}
