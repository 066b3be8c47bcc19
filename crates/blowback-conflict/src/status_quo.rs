//! Status-quo analysis: the states reachable from the status quo by legal sequences of unilateral
//! improvements (no player moves twice in a row), with one shortest path to each.

use std::collections::VecDeque;

use crate::game::Game;

/// One state reachable from the status quo and how.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reachable {
    /// The state index.
    pub state: usize,
    /// A shortest path: `(player, state reached)` per step; empty for the status quo itself.
    pub path: Vec<(usize, usize)>,
}

/// Every state reachable from `start` by legal sequences of unilateral improvements, in
/// increasing state order, with one shortest path each (ties broken by player order, then by
/// target state).
pub fn reachable_by_improvements(game: &Game, start: usize) -> Vec<Reachable> {
    let n_states = game.n_states();
    let n_players = game.n_players();
    // Node (state, last mover); last mover `n_players` means nobody has moved yet.
    let node = |state: usize, last: usize| state * (n_players + 1) + last;
    let mut parent: Vec<Option<(usize, usize)>> = vec![None; n_states * (n_players + 1)];
    let mut seen = vec![false; n_states * (n_players + 1)];
    let mut first_path_end: Vec<Option<(usize, usize)>> = vec![None; n_states];
    let mut queue = VecDeque::new();
    seen[node(start, n_players)] = true;
    first_path_end[start] = Some((start, n_players));
    queue.push_back((start, n_players));
    while let Some((state, last)) = queue.pop_front() {
        for player in 0..n_players {
            if player == last {
                continue;
            }
            for target in game.improvements(player, state) {
                if !seen[node(target, player)] {
                    seen[node(target, player)] = true;
                    parent[node(target, player)] = Some((state, last));
                    if first_path_end[target].is_none() {
                        first_path_end[target] = Some((target, player));
                    }
                    queue.push_back((target, player));
                }
            }
        }
    }
    let mut result = Vec::new();
    for (state, end) in first_path_end.iter().enumerate() {
        let Some(mut current) = *end else { continue };
        let mut path = Vec::new();
        while current.1 != n_players {
            path.push((current.1, current.0));
            current = parent[node(current.0, current.1)].expect("every reached node has a parent");
        }
        path.reverse();
        result.push(Reachable { state, path });
    }
    result
}
