//! Textbook conflicts encoded in the TOML format, checked against their published equilibria.

use blowback_conflict::{analyze, read_json, read_toml, Concept, Conflict, Game};

const CONCEPTS: [Concept; 5] = [
    Concept::Nash,
    Concept::Gmr,
    Concept::Smr,
    Concept::Seq,
    Concept::Sim,
];

fn equilibria(source: &str) -> Vec<Vec<u32>> {
    let conflict = Conflict::build(&read_toml(source).unwrap()).unwrap();
    let stability = analyze(&Game::individual(&conflict), &CONCEPTS).unwrap();
    stability
        .equilibria
        .iter()
        .map(|set| set.iter().map(|s| conflict.state_id(s)).collect())
        .collect()
}

/// Prisoner's Dilemma (Kilgour, Hipel & Fang 1987, "The graph model for conflicts", Automatica
/// 23(1):41-55; Fang, Hipel & Kilgour 1993, ch. 3): mutual defection is the only Nash
/// equilibrium; mutual cooperation is also GMR, SMR and SEQ stable, because either player's
/// defection is punished by the other's.
#[test]
fn prisoners_dilemma_mutual_cooperation_is_sequentially_stable() {
    let source = r#"
name = "Prisoner's dilemma"
[[decision_maker]]
name = "One"
option = [{ id = "one_defects" }]
preference = [{ statement = "not two_defects" }, { statement = "one_defects" }]
[[decision_maker]]
name = "Two"
option = [{ id = "two_defects" }]
preference = [{ statement = "not one_defects" }, { statement = "two_defects" }]
"#;
    // States: 1 = NN (both cooperate), 2 = YN, 3 = NY, 4 = YY (both defect).
    let found = equilibria(source);
    assert_eq!(found[0], vec![4], "Nash");
    for (c, name) in ["GMR", "SMR", "SEQ", "SIM"].iter().enumerate() {
        assert_eq!(found[c + 1], vec![1, 4], "{name}");
    }
}

/// The same game read state by state: which options each state takes, and the concepts under
/// which it is an equilibrium.
#[test]
fn a_state_lists_its_options_and_the_concepts_it_is_stable_under() {
    let source = r#"
name = "Prisoner's dilemma"
[[decision_maker]]
name = "One"
option = [{ id = "one_defects" }]
preference = [{ statement = "not two_defects" }, { statement = "one_defects" }]
[[decision_maker]]
name = "Two"
option = [{ id = "two_defects" }]
preference = [{ statement = "not one_defects" }, { statement = "two_defects" }]
"#;
    let conflict = Conflict::build(&read_toml(source).unwrap()).unwrap();
    let stability = analyze(&Game::individual(&conflict), &CONCEPTS).unwrap();
    let state = |id| conflict.state_index(id).unwrap();
    assert!(conflict.options_taken(state(1)).is_empty());
    assert_eq!(conflict.options_taken(state(2)), ["one_defects"]);
    assert_eq!(
        conflict.options_taken(state(4)),
        ["one_defects", "two_defects"]
    );
    assert_eq!(
        stability.equilibrium_under(state(4)),
        [
            Concept::Nash,
            Concept::Gmr,
            Concept::Smr,
            Concept::Seq,
            Concept::Sim
        ]
    );
    assert_eq!(
        stability.equilibrium_under(state(1)),
        [Concept::Gmr, Concept::Smr, Concept::Seq, Concept::Sim]
    );
    assert!(stability.equilibrium_under(state(2)).is_empty());
}

/// Chicken (Fang, Hipel & Kilgour 1993): the two outcomes where exactly one driver swerves are
/// Nash and SEQ equilibria; mutual swerving is added by GMR and SMR (a threat of mutual crash).
/// Also checks that the TOML reader and the JSON conformance model agree.
#[test]
fn chicken_in_toml_matches_the_published_result_and_the_json_model() {
    let source = r#"
name = "Chicken"
[[decision_maker]]
name = "Driver 1"
option = [{ id = "d1_straight", name = "Driver 1 does not swerve" }]
ranking = ["YN", "NN", "NY", "YY"]
[[decision_maker]]
name = "Driver 2"
option = [{ id = "d2_straight", name = "Driver 2 does not swerve" }]
ranking = [3, 1, 2, 4]
"#;
    let found = equilibria(source);
    assert_eq!(found[0], vec![2, 3], "Nash");
    assert_eq!(found[1], vec![1, 2, 3], "GMR");
    assert_eq!(found[2], vec![1, 2, 3], "SMR");
    assert_eq!(found[3], vec![2, 3], "SEQ");
    let json = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/conformance/models/lit_chicken.json"),
    )
    .unwrap();
    let from_json = Conflict::build(&read_json(&json).unwrap()).unwrap();
    let stability = analyze(&Game::individual(&from_json), &CONCEPTS).unwrap();
    let json_found: Vec<Vec<u32>> = stability
        .equilibria
        .iter()
        .map(|set| set.iter().map(|s| from_json.state_id(s)).collect())
        .collect();
    assert_eq!(found, json_found);
}

/// Elmira groundwater conflict in graph form (Fang, Hipel & Kilgour 1993): Nash and SEQ
/// equilibria 5, 8, 9; GMR and SMR add 1 and 4. Encoded again in TOML graph form.
#[test]
fn elmira_graph_form_in_toml_matches_the_published_equilibria() {
    let source = r#"
name = "Elmira"
form = "graph"
status_quo = 1
state = [{ id = 1 }, { id = 2 }, { id = 3 }, { id = 4 }, { id = 5 }, { id = 6 }, { id = 7 }, { id = 8 }, { id = 9, label = "Uniroyal abandons" }]
[[decision_maker]]
name = "MoE"
moves = [[1, 2], [3, 4], [5, 6], [7, 8]]
ranking = [7, 3, 4, 8, 5, 1, 2, 6, 9]
[[decision_maker]]
name = "Uniroyal"
moves = [[1, 3], [1, 9], [2, 4], [2, 9], [5, 7], [5, 9], [6, 8], [6, 9], [3, 9], [4, 9], [7, 9], [8, 9]]
ranking = [1, 4, 8, 5, 9, 2, 3, 7, 6]
[[decision_maker]]
name = "Local Government"
moves = [[1, 5], [5, 1], [2, 6], [6, 2], [3, 7], [7, 3], [4, 8], [8, 4]]
ranking = [7, 3, 5, 1, 8, 6, 4, 2, 9]
"#;
    let conflict = Conflict::build(&read_toml(source).unwrap()).unwrap();
    let concepts = [Concept::Nash, Concept::Gmr, Concept::Smr, Concept::Seq];
    let stability = analyze(&Game::individual(&conflict), &concepts).unwrap();
    let ids = |c: usize| -> Vec<u32> {
        stability.equilibria[c]
            .iter()
            .map(|s| conflict.state_id(s))
            .collect()
    };
    assert_eq!(ids(0), vec![5, 8, 9]);
    assert_eq!(ids(1), vec![1, 4, 5, 8, 9]);
    assert_eq!(ids(2), vec![1, 4, 5, 8, 9]);
    assert_eq!(ids(3), vec![5, 8, 9]);
    // SIM needs option form and is refused in graph form.
    assert!(analyze(&Game::individual(&conflict), &[Concept::Sim]).is_err());
}
