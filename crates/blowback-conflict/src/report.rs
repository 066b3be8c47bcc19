//! The `blowback-gmcr-expected/1` document: states, rankings, payoffs, moves, unilateral
//! improvements, per-player stability and equilibria, plus status-quo and coalition sections.

use std::collections::BTreeMap;

use serde_json::{json, Map, Value};

use crate::bitset::StateSet;
use crate::conflict::Conflict;
use crate::game::Game;
use crate::model::Form;
use crate::stability::{analyze, Concept, Stability};
use crate::status_quo::reachable_by_improvements;
use crate::Error;

/// The schema tag of analysis output.
pub const EXPECTED_SCHEMA: &str = "blowback-gmcr-expected/1";

/// The concepts computed by default: SIM only where it is defined (option form).
pub fn default_concepts(conflict: &Conflict) -> Vec<Concept> {
    let mut concepts = vec![Concept::Nash, Concept::Gmr, Concept::Smr, Concept::Seq];
    if conflict.form() == Form::Option {
        concepts.push(Concept::Sim);
    }
    concepts
}

fn ids(conflict: &Conflict, set: &StateSet) -> Value {
    Value::from(set.iter().map(|s| conflict.state_id(s)).collect::<Vec<_>>())
}

/// A decision maker's ranking, most preferred first; ties become nested lists.
pub fn ranking(conflict: &Conflict, dm: usize) -> Vec<Vec<u32>> {
    let payoffs = conflict.payoffs(dm);
    let mut by_level: BTreeMap<u32, Vec<u32>> = BTreeMap::new();
    for (state, &payoff) in payoffs.iter().enumerate() {
        by_level
            .entry(payoff)
            .or_default()
            .push(conflict.state_id(state));
    }
    by_level.into_values().rev().collect()
}

fn stability_sections(game: &Game, stability: &Stability) -> (Value, Value) {
    let conflict = game.conflict();
    let mut stable = Map::new();
    for (player, name) in game.player_names().into_iter().enumerate() {
        let mut per_concept = Map::new();
        for (c, concept) in stability.concepts.iter().enumerate() {
            per_concept.insert(concept.key(), ids(conflict, &stability.stable[player][c]));
        }
        stable.insert(name.to_string(), Value::Object(per_concept));
    }
    let mut equilibria = Map::new();
    for (c, concept) in stability.concepts.iter().enumerate() {
        equilibria.insert(concept.key(), ids(conflict, &stability.equilibria[c]));
    }
    (Value::Object(stable), Value::Object(equilibria))
}

/// Builds the expected-schema document for `conflict` under `concepts`. With a status quo the
/// document gets a `status_quo` section; with `coalition` a `coalition_analysis` section.
pub fn expected_document(
    conflict: &Conflict,
    concepts: &[Concept],
    coalition: Option<&[&str]>,
) -> Result<Value, Error> {
    let game = Game::individual(conflict);
    let stability = analyze(&game, concepts)?;
    let mut doc = Map::new();
    doc.insert("schema".into(), json!(EXPECTED_SCHEMA));
    doc.insert("name".into(), json!(conflict.name()));
    let states: Vec<Value> = (0..conflict.n_states())
        .map(|s| match conflict.form() {
            Form::Option => json!({
                "id": conflict.state_id(s),
                "decimal": conflict.state_decimal(s),
                "pattern": conflict.state_pattern(s),
            }),
            Form::Graph => json!({ "id": conflict.state_id(s) }),
        })
        .collect();
    doc.insert("states".into(), Value::from(states));
    let mut rankings = Map::new();
    let mut payoffs = Map::new();
    let mut moves = Map::new();
    let mut improvements = Map::new();
    for (dm, name) in conflict.decision_makers().iter().enumerate() {
        let ranked: Vec<Value> = ranking(conflict, dm)
            .into_iter()
            .map(|group| {
                if group.len() == 1 {
                    json!(group[0])
                } else {
                    json!(group)
                }
            })
            .collect();
        rankings.insert(name.clone(), Value::from(ranked));
        payoffs.insert(name.clone(), json!(conflict.payoffs(dm)));
        let mut dm_moves = Map::new();
        let mut dm_improvements = Map::new();
        for s in 0..conflict.n_states() {
            let targets = game.moves(dm, s);
            if !targets.is_empty() {
                let list: Vec<u32> = targets.iter().map(|&t| conflict.state_id(t)).collect();
                dm_moves.insert(conflict.state_id(s).to_string(), json!(list));
            }
            let better = game.improvements(dm, s);
            if !better.is_empty() {
                let list: Vec<u32> = better.iter().map(|&t| conflict.state_id(t)).collect();
                dm_improvements.insert(conflict.state_id(s).to_string(), json!(list));
            }
        }
        moves.insert(name.clone(), Value::Object(dm_moves));
        improvements.insert(name.clone(), Value::Object(dm_improvements));
    }
    doc.insert("rankings".into(), Value::Object(rankings));
    doc.insert("payoffs".into(), Value::Object(payoffs));
    doc.insert("moves".into(), Value::Object(moves));
    doc.insert(
        "unilateral_improvements".into(),
        Value::Object(improvements),
    );
    let (stable, equilibria) = stability_sections(&game, &stability);
    doc.insert("stable".into(), stable);
    doc.insert("equilibria".into(), equilibria);
    if let Some(start) = conflict.status_quo() {
        doc.insert("status_quo".into(), status_quo_section(&game, start));
    }
    if let Some(members) = coalition {
        doc.insert(
            "coalition_analysis".into(),
            coalition_section(conflict, members, concepts)?,
        );
    }
    Ok(Value::Object(doc))
}

/// `{"state": id, "ui_reachable": {id: [[player, id], ...]}}`.
pub fn status_quo_section(game: &Game, start: usize) -> Value {
    let conflict = game.conflict();
    let names = game.player_names();
    let mut reachable = Map::new();
    for entry in reachable_by_improvements(game, start) {
        let path: Vec<Value> = entry
            .path
            .iter()
            .map(|&(p, s)| json!([names[p], conflict.state_id(s)]))
            .collect();
        reachable.insert(
            conflict.state_id(entry.state).to_string(),
            Value::from(path),
        );
    }
    json!({ "state": conflict.state_id(start), "ui_reachable": reachable })
}

/// Stability with the named decision makers acting as one player; also lists the individual
/// equilibria the coalition breaks.
pub fn coalition_section(
    conflict: &Conflict,
    members: &[&str],
    concepts: &[Concept],
) -> Result<Value, Error> {
    let concepts: Vec<Concept> = concepts
        .iter()
        .copied()
        .filter(|c| !matches!(c, Concept::Limited(_)))
        .collect();
    let game = Game::with_coalition(conflict, members)?;
    let stability = analyze(&game, &concepts)?;
    let individual = analyze(&Game::individual(conflict), &concepts)?;
    let (stable, equilibria) = stability_sections(&game, &stability);
    let mut broken = Map::new();
    for (c, concept) in concepts.iter().enumerate() {
        let lost: Vec<u32> = individual.equilibria[c]
            .iter()
            .filter(|&s| !stability.equilibria[c].contains(s))
            .map(|s| conflict.state_id(s))
            .collect();
        broken.insert(concept.key(), json!(lost));
    }
    Ok(json!({
        "coalition": members,
        "players": game.player_names(),
        "stable": stable,
        "equilibria": equilibria,
        "individual_equilibria_not_coalition_stable": broken,
    }))
}
