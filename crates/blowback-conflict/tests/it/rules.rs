//! The sanctioning-sequence rule: a decision maker may move again later, but not twice in a row.
//! Two graph-form conflicts differ only in whether a third decision maker can move in between.

use blowback_conflict::{analyze, reachable_by_improvements, read_toml, Concept, Conflict, Game};

const TWICE_IN_A_ROW: &str = r#"
form = "graph"
status_quo = 1
state = [{ id = 1 }, { id = 2 }, { id = 3 }, { id = 4 }]
[[decision_maker]]
name = "A"
moves = [[1, 2]]
ranking = [2, 3, 1, 4]
[[decision_maker]]
name = "B"
moves = [[2, 3], [3, 4]]
ranking = [4, 3, 2, 1]
[[decision_maker]]
name = "C"
ranking = [1, 2, 3, 4]
"#;

const AGAIN_LATER: &str = r#"
form = "graph"
status_quo = 1
state = [{ id = 1 }, { id = 2 }, { id = 3 }, { id = 4 }, { id = 5 }]
[[decision_maker]]
name = "A"
moves = [[1, 2]]
ranking = [2, 3, 5, 1, 4]
[[decision_maker]]
name = "B"
moves = [[2, 3], [5, 4]]
ranking = [4, 3, 2, 5, 1]
[[decision_maker]]
name = "C"
moves = [[3, 5]]
ranking = [5, 1, 2, 3, 4]
"#;

fn build(source: &str) -> Conflict {
    Conflict::build(&read_toml(source).unwrap()).unwrap()
}

fn reachable_ids(conflict: &Conflict) -> Vec<u32> {
    let game = Game::individual(conflict);
    reachable_by_improvements(&game, conflict.status_quo().unwrap())
        .iter()
        .map(|r| conflict.state_id(r.state))
        .collect()
}

#[test]
fn nobody_moves_twice_in_a_row() {
    let conflict = build(TWICE_IN_A_ROW);
    // B's 3 -> 4 would follow its own 2 -> 3 directly: illegal, so 4 is unreachable ...
    assert_eq!(reachable_ids(&conflict), vec![1, 2, 3]);
    // ... and A's move 1 -> 2 has no sanction (B's 2 -> 3 leaves A better off than at 1).
    let stability = analyze(&Game::individual(&conflict), &[Concept::Gmr, Concept::Seq]).unwrap();
    assert!(!stability.stable[0][0].contains(0));
    assert!(!stability.stable[0][1].contains(0));
}

#[test]
fn a_decision_maker_may_move_again_after_someone_else() {
    let conflict = build(AGAIN_LATER);
    assert_eq!(reachable_ids(&conflict), vec![1, 2, 3, 4, 5]);
    let game = Game::individual(&conflict);
    let path = reachable_by_improvements(&game, 0)
        .into_iter()
        .find(|r| conflict.state_id(r.state) == 4)
        .unwrap()
        .path;
    let steps: Vec<(&str, u32)> = path
        .iter()
        .map(|&(p, s)| (conflict.decision_makers()[p].as_str(), conflict.state_id(s)))
        .collect();
    assert_eq!(steps, vec![("A", 2), ("B", 3), ("C", 5), ("B", 4)]);
    // B, C, B is a legal sanction sequence, so A's move from 1 is deterred under GMR and SEQ.
    let stability = analyze(&game, &[Concept::Gmr, Concept::Seq]).unwrap();
    assert!(stability.stable[0][0].contains(0));
    assert!(stability.stable[0][1].contains(0));
}

/// Coalition analysis on Elmira: MoE and Uniroyal acting as one move only when both gain. At
/// state 7 Uniroyal alone would abandon (9), but MoE ranks 9 last, so the coalition stays and 7
/// joins the Nash equilibria (checked by hand from the rankings).
#[test]
fn a_coalition_moves_only_when_every_member_gains() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/conformance/models/lit_elmira9.json");
    let conflict = Conflict::build(
        &blowback_conflict::read_json(&std::fs::read_to_string(path).unwrap()).unwrap(),
    )
    .unwrap();
    let game = Game::with_coalition(&conflict, &["MoE", "Uniroyal"]).unwrap();
    assert_eq!(
        game.player_names(),
        vec!["MoE+Uniroyal", "Local Government"]
    );
    let stability = analyze(&game, &[Concept::Nash]).unwrap();
    let ids: Vec<u32> = stability.equilibria[0]
        .iter()
        .map(|s| conflict.state_id(s))
        .collect();
    assert_eq!(ids, vec![5, 7, 8, 9]);
    assert!(Game::with_coalition(&conflict, &["MoE", "Nobody"]).is_err());
}

/// A decision maker cannot move to or from states it does not perceive.
#[test]
fn misperceived_states_are_out_of_reach() {
    let source = r#"
[[decision_maker]]
name = "One"
option = [{ id = "one_defects" }]
preference = [{ statement = "not two_defects" }, { statement = "one_defects" }]
misperceived = ["two_defects"]
[[decision_maker]]
name = "Two"
option = [{ id = "two_defects" }]
preference = [{ statement = "not one_defects" }, { statement = "two_defects" }]
"#;
    let conflict = build(source);
    let doc = blowback_conflict::expected_document(&conflict, &[Concept::Nash], None).unwrap();
    // One sees only states 1 (NN) and 2 (YN); Two still moves everywhere.
    assert_eq!(doc["moves"]["One"], serde_json::json!({"1": [2], "2": [1]}));
    assert_eq!(
        doc["moves"]["Two"],
        serde_json::json!({"1": [3], "2": [4], "3": [1], "4": [2]})
    );
    // Blind to 4, One cannot defect from 3 (NY) and is Nash-stable there.
    assert_eq!(doc["stable"]["One"]["nash"], serde_json::json!([2, 3, 4]));
}
