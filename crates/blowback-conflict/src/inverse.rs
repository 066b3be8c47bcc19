//! Inverse analysis: which preference changes would make a chosen state an equilibrium under a
//! chosen concept. The search raises the target state in decision makers' rankings, one state
//! passed at a time (closest first). It first tries every combination up to a total number of
//! states passed and reports all combinations with the fewest (globally minimal). When none exists
//! within that budget, it raises the target for each unstable decision maker just far enough to
//! make it stable, repeats until the target is an equilibrium, then lowers each raise as far as
//! it can while the target stays an equilibrium (minimal per decision maker, not necessarily in
//! total).
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
    /// The largest total searched exhaustively.
    pub searched_up_to: usize,
    /// Whether the solution is globally minimal (exhaustive search) or came from the greedy
    /// fallback (minimal per decision maker only).
    pub exhaustive: bool,
}

/// Payoffs of `dm` with `target` raised just above the `k` closest states now strictly above it.
fn raised_payoffs(
    conflict: &Conflict,
    dm: usize,
    target: usize,
    above: &[usize],
    k: usize,
) -> Vec<u32> {
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
        return Err(Error::Unsupported(format!(
            "state index {target} does not exist"
        )));
    }
    let n_dms = conflict.decision_makers().len();
    let unstable_for = equilibrium(conflict, target, concept)?;
    // Per decision maker, the states strictly above the target, closest first.
    let above: Vec<Vec<usize>> = (0..n_dms)
        .map(|dm| {
            let payoffs = conflict.payoffs(dm);
            let mut states: Vec<usize> = (0..conflict.n_states())
                .filter(|&s| payoffs[s] > payoffs[target])
                .collect();
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
        exhaustive: true,
    };
    if unstable_for.is_empty() {
        result.minimal_total = Some(0);
        return Ok(result);
    }
    let above_ref = &above;
    let limit: usize = above.iter().map(Vec::len).sum::<usize>().min(max_total);
    for total in 1..=limit {
        result.searched_up_to = total;
        let mut raises = vec![0usize; n_dms];
        let mut found = Vec::new();
        enumerate(&above, total, 0, &mut raises, &mut |raises| {
            if found.len() >= 64 {
                return Ok(());
            }
            let changed = with_raises(conflict, target, above_ref, raises);
            if equilibrium(&changed, target, concept)?.is_empty() {
                found.push(
                    raises
                        .iter()
                        .enumerate()
                        .filter(|(_, &k)| k > 0)
                        .map(|(dm, &k)| PreferenceChange {
                            decision_maker: dm,
                            passed: above[dm][..k].to_vec(),
                        })
                        .collect(),
                );
            }
            Ok(())
        })?;
        if !found.is_empty() {
            result.minimal_total = Some(total);
            result.solutions = found;
            return Ok(result);
        }
    }
    result.exhaustive = false;
    if let Some(raises) = greedy_raises(conflict, target, concept, &above)? {
        result.minimal_total = Some(raises.iter().sum());
        result.solutions = vec![raises
            .iter()
            .enumerate()
            .filter(|(_, &k)| k > 0)
            .map(|(dm, &k)| PreferenceChange {
                decision_maker: dm,
                passed: above[dm][..k].to_vec(),
            })
            .collect()];
    }
    Ok(result)
}

fn with_raises(
    conflict: &Conflict,
    target: usize,
    above: &[Vec<usize>],
    raises: &[usize],
) -> Conflict {
    let mut changed = conflict.clone();
    for (dm, &k) in raises.iter().enumerate() {
        if k > 0 {
            changed = changed.with_payoffs(dm, raised_payoffs(conflict, dm, target, &above[dm], k));
        }
    }
    changed
}

/// Raise the target for each unstable decision maker until it is stable, to a fixed point; then
/// lower every raise as far as the equilibrium allows. `None` when even the top rank fails.
fn greedy_raises(
    conflict: &Conflict,
    target: usize,
    concept: Concept,
    above: &[Vec<usize>],
) -> Result<Option<Vec<usize>>, Error> {
    let mut raises = vec![0usize; above.len()];
    loop {
        let unstable = equilibrium(
            &with_raises(conflict, target, above, &raises),
            target,
            concept,
        )?;
        let Some(&dm) = unstable.first() else { break };
        let mut fixed = false;
        while raises[dm] < above[dm].len() {
            raises[dm] += 1;
            let changed = with_raises(conflict, target, above, &raises);
            if !equilibrium(&changed, target, concept)?.contains(&dm) {
                fixed = true;
                break;
            }
        }
        if !fixed {
            return Ok(None);
        }
    }
    for dm in 0..raises.len() {
        while raises[dm] > 0 {
            raises[dm] -= 1;
            let changed = with_raises(conflict, target, above, &raises);
            if !equilibrium(&changed, target, concept)?.is_empty() {
                raises[dm] += 1;
                break;
            }
        }
    }
    Ok(Some(raises))
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
        return if remaining == 0 {
            visit(raises)
        } else {
            Ok(())
        };
    }
    for k in 0..=remaining.min(above[dm].len()) {
        raises[dm] = k;
        enumerate(above, remaining - k, dm + 1, raises, visit)?;
    }
    raises[dm] = 0;
    Ok(())
}

/// One adjacent swap in a decision maker's statement order: statement `promoted` (an index into
/// the original list) moves above statement `demoted`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatementSwap {
    /// Decision maker index.
    pub decision_maker: usize,
    /// The statement that moves up one place.
    pub promoted: usize,
    /// The statement it jumps over.
    pub demoted: usize,
}

/// The outcome of a statement-order inverse analysis.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatementInverseResult {
    /// Target state index.
    pub target: usize,
    /// The concept.
    pub concept: Concept,
    /// Decision makers for whom the target is unstable as the preferences stand.
    pub unstable_for: Vec<usize>,
    /// The fewest adjacent swaps that make the target an equilibrium, if found within the limit.
    pub minimal_swaps: Option<usize>,
    /// Every swap sequence of that length reaching a distinct statement order (up to 64).
    pub solutions: Vec<Vec<StatementSwap>>,
    /// The largest number of swaps searched jointly over all decision makers.
    pub searched_up_to: usize,
    /// Whether the solutions are globally minimal (joint breadth-first search) or come from the
    /// per-decision-maker fallback (fewest swaps for each decision maker in turn).
    pub exhaustive: bool,
    /// When nothing was found: a decision maker for whom no order of its own statements makes
    /// the target stable (given the others' orders at that point), if the fallback found one.
    pub no_order_works_for: Option<usize>,
}

/// Inverse analysis at the level of prioritisation statements: the fewest adjacent swaps of
/// statements, in any decision makers' lists, that make `target` an equilibrium under `concept`.
/// Decision makers with explicit rankings keep them. Breadth-first, so solutions are minimal.
pub fn inverse_by_statements(
    spec: &crate::model::ConflictSpec,
    conflict: &Conflict,
    target: usize,
    concept: Concept,
    max_swaps: usize,
) -> Result<StatementInverseResult, Error> {
    use crate::model::PreferenceSpec;
    use std::collections::HashSet;
    if target >= conflict.n_states() {
        return Err(Error::Unsupported(format!(
            "state index {target} does not exist"
        )));
    }
    if conflict.form() != crate::model::Form::Option {
        return Err(Error::Unsupported(
            "statement inverse analysis needs option form".into(),
        ));
    }
    // holds[dm][statement][state]
    let holds: Vec<Vec<Vec<bool>>> = spec
        .preferences
        .iter()
        .map(|preference| match preference {
            PreferenceSpec::Prioritization(statements) => statements
                .iter()
                .map(|st| {
                    (0..conflict.n_states())
                        .map(|s| st.condition.holds(conflict.state_decimal(s).unwrap_or(0)))
                        .collect()
                })
                .collect(),
            PreferenceSpec::Ranking(_) => Vec::new(),
        })
        .collect();
    let payoffs_for = |dm: usize, order: &[usize]| -> Vec<u32> {
        let k = order.len();
        let scores: Vec<u64> = (0..conflict.n_states())
            .map(|s| {
                order
                    .iter()
                    .enumerate()
                    .filter(|(_, &statement)| holds[dm][statement][s])
                    .map(|(position, _)| 1u64 << (k - 1 - position))
                    .sum()
            })
            .collect();
        dense_ranks(&scores)
    };
    let unstable_for = equilibrium(conflict, target, concept)?;
    let mut result = StatementInverseResult {
        target,
        concept,
        unstable_for: unstable_for.clone(),
        minimal_swaps: None,
        solutions: Vec::new(),
        searched_up_to: 0,
        exhaustive: true,
        no_order_works_for: None,
    };
    if unstable_for.is_empty() {
        result.minimal_swaps = Some(0);
        return Ok(result);
    }
    let apply = |orders: &[Vec<usize>]| -> Conflict {
        let mut changed = conflict.clone();
        for (d, order) in orders.iter().enumerate() {
            if order.iter().enumerate().any(|(i, &o)| i != o) {
                changed = changed.with_payoffs(d, payoffs_for(d, order));
            }
        }
        changed
    };
    let start: Vec<Vec<usize>> = holds.iter().map(|h| (0..h.len()).collect()).collect();
    let mut seen: HashSet<Vec<Vec<usize>>> = HashSet::new();
    seen.insert(start.clone());
    let mut frontier: Vec<(Vec<Vec<usize>>, Vec<StatementSwap>)> = vec![(start, Vec::new())];
    for depth in 1..=max_swaps {
        result.searched_up_to = depth;
        let mut next = Vec::new();
        let mut found = Vec::new();
        for (orders, path) in &frontier {
            for dm in 0..orders.len() {
                for position in 0..orders[dm].len().saturating_sub(1) {
                    let mut changed_orders = orders.clone();
                    changed_orders[dm].swap(position, position + 1);
                    if !seen.insert(changed_orders.clone()) {
                        continue;
                    }
                    let mut swaps = path.clone();
                    swaps.push(StatementSwap {
                        decision_maker: dm,
                        promoted: orders[dm][position + 1],
                        demoted: orders[dm][position],
                    });
                    let changed = apply(&changed_orders);
                    if equilibrium(&changed, target, concept)?.is_empty() {
                        if found.len() < 64 {
                            found.push(swaps);
                        }
                    } else {
                        next.push((changed_orders, swaps));
                    }
                }
            }
        }
        if !found.is_empty() {
            result.minimal_swaps = Some(depth);
            result.solutions = found;
            return Ok(result);
        }
        frontier = next;
    }
    // Fallback: fix one unstable decision maker at a time with the fewest swaps of its own
    // statements (breadth-first over its orders), until the target is an equilibrium.
    result.exhaustive = false;
    let mut orders: Vec<Vec<usize>> = holds.iter().map(|h| (0..h.len()).collect()).collect();
    let mut swaps_done: Vec<StatementSwap> = Vec::new();
    let mut rounds = 0;
    loop {
        let unstable = equilibrium(&apply(&orders), target, concept)?;
        let Some(&dm) = unstable.first() else {
            result.minimal_swaps = Some(swaps_done.len());
            result.solutions = vec![swaps_done];
            return Ok(result);
        };
        rounds += 1;
        if rounds > 4 * orders.len() || orders[dm].len() < 2 {
            return Ok(result);
        }
        let stable_for_dm = |candidate: &[Vec<usize>]| -> Result<bool, Error> {
            let changed = apply(candidate);
            let game = Game::individual(&changed);
            Ok(explain(&game, dm, target, concept)?.stable)
        };
        let mut seen: HashSet<Vec<usize>> = HashSet::new();
        seen.insert(orders[dm].clone());
        let mut frontier: Vec<(Vec<usize>, Vec<StatementSwap>)> =
            vec![(orders[dm].clone(), Vec::new())];
        let mut fixed: Option<(Vec<usize>, Vec<StatementSwap>)> = None;
        'search: while !frontier.is_empty() {
            let mut next = Vec::new();
            for (order, path) in &frontier {
                for position in 0..order.len() - 1 {
                    let mut changed_order = order.clone();
                    changed_order.swap(position, position + 1);
                    if !seen.insert(changed_order.clone()) {
                        continue;
                    }
                    let mut swaps = path.clone();
                    swaps.push(StatementSwap {
                        decision_maker: dm,
                        promoted: order[position + 1],
                        demoted: order[position],
                    });
                    let mut candidate = orders.clone();
                    candidate[dm] = changed_order.clone();
                    if stable_for_dm(&candidate)? {
                        fixed = Some((changed_order, swaps));
                        break 'search;
                    }
                    next.push((changed_order, swaps));
                }
            }
            frontier = next;
        }
        match fixed {
            Some((order, swaps)) => {
                orders[dm] = order;
                swaps_done.extend(swaps);
            }
            None => {
                result.no_order_works_for = Some(dm);
                return Ok(result);
            }
        }
    }
}
