//! Inverse analysis: which preference changes would make a chosen state an equilibrium under a
//! chosen concept. The search raises the target state in decision makers' rankings, one state
//! passed at a time (closest first), and reports every combination with the fewest states passed.
//!
//! Raising the target is the natural family: a state becomes stable for a decision maker when the
//! states it could improve to stop being improvements, or when sanctions start to bite; both follow
//! from the target's own rank. Other decision makers' stability is re-checked after every change,
//! because a change in one ranking alters which sanctions are credible for the others (SEQ).

use crate::conflict::{dense_ranks, Conflict};
use crate::error::Error;
use crate::game::Game;
use crate::stability::{explain, Concept};

/// One decision maker's ranking change: the target moves above `passed` states.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreferenceChange {
    /// Decision maker index.
    pub decision_maker: usize,
    /// The states (indices) the target now outranks, closest first.
    pub passed: Vec<usize>,
}

/// The outcome of an inverse analysis.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InverseResult {
    /// Target state index.
    pub target: usize,
    /// The concept.
    pub concept: Concept,
    /// Decision makers for whom the target is unstable as the preferences stand.
    pub unstable_for: Vec<usize>,
    /// The least number of states passed in total that makes the target an equilibrium, if any
    /// was found within the search limit.
    pub minimal_total: Option<usize>,
    /// Every combination of changes with that total (empty changes omitted), up to 64.
    pub solutions: Vec<Vec<PreferenceChange>>,
    /// The largest total searched.
    pub searched_up_to: usize,
}

/// Payoffs of `dm` with `target` raised just above the `k` closest states now strictly above it.
fn raised_payoffs(conflict: &Conflict, dm: usize, target: usize, above: &[usize], k: usize) -> Vec<u32> {
    let payoffs = conflict.payoffs(dm);
    let mut scores: Vec<u64> = payoffs.iter().map(|&p| 2 * p as u64).collect();
    if k > 0 {
        scores[target] = 2 * payoffs[above[k - 1]] as u64 + 1;
    }
    dense_ranks(&scores)
}

fn equilibrium(conflict: &Conflict, target: usize, concept: Concept) -> Result<Vec<usize>, Error> {
    let game = Game::individual(conflict);
    let mut unstable = Vec::new();
    for player in 0..game.n_players() {
        if !explain(&game, player, target, concept)?.stable {
            unstable.push(player);
        }
    }
    Ok(unstable)
}

/// Searches rank raises of `target` (a state index) with at most `max_total` states passed in all.
pub fn inverse_analysis(
    conflict: &Conflict,
    target: usize,
    concept: Concept,
    max_total: usize,
) -> Result<InverseResult, Error> {
    if target >= conflict.n_states() {
        return Err(Error::Unsupported(format!("state index {target} does not exist")));
    }
    let n_dms = conflict.decision_makers().len();
    let unstable_for = equilibrium(conflict, target, concept)?;
    // Per decision maker, the states strictly above the target, closest first.
    let above: Vec<Vec<usize>> = (0..n_dms)
        .map(|dm| {
            let payoffs = conflict.payoffs(dm);
            let mut states: Vec<usize> =
                (0..conflict.n_states()).filter(|&s| payoffs[s] > payoffs[target]).collect();
            states.sort_by_key(|&s| (payoffs[s], conflict.state_id(s)));
            states
        })
        .collect();
    let mut result = InverseResult {
        target,
        concept,
        unstable_for: unstable_for.clone(),
        minimal_total: None,
        solutions: Vec::new(),
        searched_up_to: 0,
    };
    if unstable_for.is_empty() {
        result.minimal_total = Some(0);
        return Ok(result);
    }
    let limit: usize = above.iter().map(Vec::len).sum::<usize>().min(max_total);
    for total in 1..=limit {
        result.searched_up_to = total;
        let mut raises = vec![0usize; n_dms];
        let mut found = Vec::new();
        enumerate(&above, total, 0, &mut raises, &mut |raises| {
            if found.len() >= 64 {
                return Ok(());
            }
            let mut changed = conflict.clone();
            for (dm, &k) in raises.iter().enumerate() {
                if k > 0 {
                    changed = changed.with_payoffs(dm, raised_payoffs(conflict, dm, target, &above[dm], k));
                }
            }
            if equilibrium(&changed, target, concept)?.is_empty() {
                found.push(
                    raises
                        .iter()
                        .enumerate()
                        .filter(|(_, &k)| k > 0)
                        .map(|(dm, &k)| PreferenceChange { decision_maker: dm, passed: above[dm][..k].to_vec() })
                        .collect(),
                );
            }
            Ok(())
        })?;
        if !found.is_empty() {
            result.minimal_total = Some(total);
            result.solutions = found;
            break;
        }
    }
    Ok(result)
}

/// Calls `visit` with every vector of raises summing to `remaining` (bounded per decision maker).
fn enumerate(
    above: &[Vec<usize>],
    remaining: usize,
    dm: usize,
    raises: &mut Vec<usize>,
    visit: &mut dyn FnMut(&[usize]) -> Result<(), Error>,
) -> Result<(), Error> {
    if dm == above.len() {
        return if remaining == 0 { visit(raises) } else { Ok(()) };
    }
    for k in 0..=remaining.min(above[dm].len()) {
        raises[dm] = k;
        enumerate(above, remaining - k, dm + 1, raises, visit)?;
    }
    raises[dm] = 0;
    Ok(())
}
