//! Stability: for every player and state, whether the state is stable under Nash, general
//! metarationality (GMR), symmetric metarationality (SMR), sequential stability (SEQ),
//! simultaneous sanctioning (SIM) and limited-move stability L_h; equilibria; and explanations
//! naming the sanction that blocks each unilateral improvement.
//!
//! Definitions (Fang, Hipel & Kilgour 1993, *Interactive Decision Making*; Kilgour, Hipel & Fang
//! 1987). R_H(s) is reached by legal sequences of moves by members of H: no player moves twice in a
//! row, but may move again later. R+_H(s) is the same with every move a unilateral improvement for
//! its mover. A state s1 sanctions i's move from s when i does not strictly prefer s1 to s.
//!
//! The fast path never lists R_H(s1). For a label L on states (i's payoff for GMR and SEQ; for SMR
//! the best payoff i could reach from a state, counter-moves included) it computes, for every state,
//! the least label reachable by the opponents' legal sequences: one backward search over
//! (state, last mover) pairs, processing labels from the lowest, marks every pair once. A state is
//! then stable when every improvement leads to a state whose least reachable label is ≤ i's payoff.

use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::rc::Rc;

use rayon::prelude::*;

use crate::bitset::StateSet;
use crate::error::Error;
use crate::game::Game;

/// A solution concept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Concept {
    /// Nash stability: no unilateral improvement.
    Nash,
    /// General metarationality: every improvement can be sanctioned by the others' moves.
    Gmr,
    /// Symmetric metarationality: as GMR, and the sanction survives i's counter-move.
    Smr,
    /// Sequential stability: as GMR with sanctions made of the others' improvements only.
    Seq,
    /// Simultaneous sanctioning: the others' single improvements made at the same time sanction.
    Sim,
    /// Limited-move stability with horizon h (L_1 is Nash).
    Limited(u32),
}

impl Concept {
    /// The key used in JSON output and on the command line (`l3` for L_3).
    pub fn key(&self) -> String {
        match self {
            Concept::Nash => "nash".into(),
            Concept::Gmr => "gmr".into(),
            Concept::Smr => "smr".into(),
            Concept::Seq => "seq".into(),
            Concept::Sim => "sim".into(),
            Concept::Limited(horizon) => format!("l{horizon}"),
        }
    }

    /// Parses a comma-separated list (`nash,gmr,smr,seq,sim,lh`); `lh` takes `horizon`.
    pub fn parse_list(text: &str, horizon: u32) -> Result<Vec<Concept>, Error> {
        let mut concepts = Vec::new();
        for word in text.split(',').map(str::trim).filter(|w| !w.is_empty()) {
            let concept = match word.to_ascii_lowercase().as_str() {
                "nash" | "r" => Concept::Nash,
                "gmr" => Concept::Gmr,
                "smr" => Concept::Smr,
                "seq" => Concept::Seq,
                "sim" => Concept::Sim,
                "lh" => Concept::Limited(horizon),
                other => match other.strip_prefix('l').and_then(|h| h.parse::<u32>().ok()) {
                    Some(h) => Concept::Limited(h),
                    None => {
                        return Err(Error::Unsupported(format!(
                            "unknown solution concept `{word}`; use nash, gmr, smr, seq, sim, lh or l<h>"
                        )))
                    }
                },
            };
            if let Concept::Limited(0) = concept {
                return Err(Error::Unsupported(
                    "the horizon of L_h must be at least 1".into(),
                ));
            }
            if !concepts.contains(&concept) {
                concepts.push(concept);
            }
        }
        Ok(concepts)
    }
}

impl fmt::Display for Concept {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Concept::Limited(h) => write!(f, "L{h}"),
            Concept::Nash => write!(f, "Nash"),
            other => write!(f, "{}", other.key().to_ascii_uppercase()),
        }
    }
}

/// Stability of every state for every player under each requested concept.
#[derive(Debug, Clone)]
pub struct Stability {
    /// The concepts, in the order requested.
    pub concepts: Vec<Concept>,
    /// `stable[player][concept]`: the states stable for that player.
    pub stable: Vec<Vec<StateSet>>,
    /// `equilibria[concept]`: the states stable for every player.
    pub equilibria: Vec<StateSet>,
}

impl Stability {
    /// The concepts under which `state` is an equilibrium, in the order analysed.
    pub fn equilibrium_under(&self, state: usize) -> Vec<Concept> {
        self.concepts
            .iter()
            .zip(&self.equilibria)
            .filter(|(_, set)| set.contains(state))
            .map(|(concept, _)| *concept)
            .collect()
    }
}

/// The largest problem (states × players × horizon) for which L_h is computed.
pub const MAX_LIMITED_WORK: usize = 4_000_000;

/// Computes stability under `concepts` for every player of `game`.
pub fn analyze(game: &Game, concepts: &[Concept]) -> Result<Stability, Error> {
    for concept in concepts {
        check_supported(game, *concept)?;
    }
    let n_states = game.n_states();
    let needs_limited = concepts.iter().any(|c| matches!(c, Concept::Limited(_)));
    let per_player = |player: usize| -> Vec<StateSet> {
        concepts
            .iter()
            .map(|concept| stable_states(game, player, *concept))
            .collect()
    };
    // Players are independent: run them in parallel (the look-ahead memo of L_h is not Sync, so
    // requests including L_h run players in turn).
    let stable: Vec<Vec<StateSet>> = if needs_limited {
        (0..game.n_players()).map(per_player).collect()
    } else {
        (0..game.n_players())
            .into_par_iter()
            .map(per_player)
            .collect()
    };
    let equilibria = (0..concepts.len())
        .map(|c| {
            let mut set = StateSet::full(n_states);
            for player_sets in &stable {
                set.intersect_with(&player_sets[c]);
            }
            set
        })
        .collect();
    Ok(Stability {
        concepts: concepts.to_vec(),
        stable,
        equilibria,
    })
}

fn check_supported(game: &Game, concept: Concept) -> Result<(), Error> {
    match concept {
        Concept::Sim if !game.option_form() => Err(Error::Unsupported(
            "SIM needs option form: simultaneous moves combine option changes".into(),
        )),
        Concept::Limited(0) => Err(Error::Unsupported(
            "the horizon of L_h must be at least 1".into(),
        )),
        Concept::Limited(horizon) => {
            if game.players.iter().any(|p| p.members.len() > 1) {
                return Err(Error::Unsupported(
                    "L_h compares anticipated outcomes on one ranking; it is not defined for coalitions"
                        .into(),
                ));
            }
            let work = game.n_states() * game.n_players() * horizon as usize;
            if work > MAX_LIMITED_WORK {
                return Err(Error::Unsupported(format!(
                    "L_{horizon} on {} states is too large for the exhaustive look-ahead (limit {MAX_LIMITED_WORK} state-player-steps)",
                    game.n_states()
                )));
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

/// The states stable for `player` under `concept` (the concept must be supported).
fn stable_states(game: &Game, player: usize, concept: Concept) -> StateSet {
    let n_states = game.n_states();
    let others: Vec<usize> = (0..game.n_players()).filter(|&p| p != player).collect();
    let members = &game.players[player].members;
    let payoffs: Vec<&[u32]> = members.iter().map(|&m| game.conflict.payoffs(m)).collect();
    let flags: Vec<bool> = match concept {
        Concept::Nash => (0..n_states)
            .into_par_iter()
            .map(|s| {
                let mut stable = true;
                game.for_each_move(player, s, |t| stable &= !game.improves(player, s, t));
                stable
            })
            .collect(),
        Concept::Gmr | Concept::Seq => {
            let improvements_only = concept == Concept::Seq;
            let least: Vec<Vec<u32>> = payoffs
                .iter()
                .map(|label| least_reachable_label(game, &others, label, improvements_only))
                .collect();
            sanctioned_everywhere(game, player, |s, s1| {
                (0..members.len()).any(|k| least[k][s1] <= payoffs[k][s])
            })
        }
        Concept::Smr if members.len() == 1 => {
            // w(s2): the best i can end up with at s2 if it counter-moves once or stays.
            let own = payoffs[0];
            let counter: Vec<u32> = (0..n_states)
                .into_par_iter()
                .map(|s2| {
                    let mut best = own[s2];
                    game.for_each_move(player, s2, |s3| best = best.max(own[s3]));
                    best
                })
                .collect();
            let least = least_reachable_label(game, &others, &counter, false);
            sanctioned_everywhere(game, player, |s, s1| least[s1] <= own[s])
        }
        Concept::Sim => (0..n_states)
            .into_par_iter()
            .map(|s| {
                let improvements = game.improvements(player, s);
                if improvements.is_empty() {
                    return true;
                }
                // The others' improvements from s are shared by every move of the player.
                let mut search = SimultaneousSearch::new(game, player, s);
                improvements.into_iter().all(|s1| {
                    search.choice.iter_mut().for_each(|c| *c = None);
                    search.from(0, game.conflict.decimals[s1]).is_some()
                })
            })
            .collect(),
        Concept::Smr => (0..n_states)
            .into_par_iter()
            .map(|s| {
                game.improvements(player, s)
                    .into_iter()
                    .all(|s1| find_sanction(game, player, s, s1, concept).is_some())
            })
            .collect(),
        Concept::Limited(horizon) => {
            let mut look_ahead = LimitedMove::new(game);
            (0..n_states)
                .map(|s| look_ahead.stable(player, s, horizon))
                .collect()
        }
    };
    StateSet::from_flags(&flags)
}

/// Flags states where `sanctioned(s, s1)` holds for every improvement s1 of `player` from s.
fn sanctioned_everywhere(
    game: &Game,
    player: usize,
    sanctioned: impl Fn(usize, usize) -> bool + Sync,
) -> Vec<bool> {
    (0..game.n_states())
        .into_par_iter()
        .map(|s| {
            let mut stable = true;
            game.for_each_move(player, s, |s1| {
                if stable && game.improves(player, s, s1) && !sanctioned(s, s1) {
                    stable = false;
                }
            });
            stable
        })
        .collect()
}

/// For every state s1, the least `label` over R_H(s1) (or R+_H(s1)), `u32::MAX` when empty.
///
/// Nodes are (state, index in `coalition` of the last mover). A node's value is the least label
/// reachable from it, itself included; walking predecessors from the lowest labels first gives
/// every node its value the first time it is reached.
pub(crate) fn least_reachable_label(
    game: &Game,
    coalition: &[usize],
    label: &[u32],
    improvements_only: bool,
) -> Vec<u32> {
    let n_states = game.n_states();
    let n_movers = coalition.len();
    if n_movers == 0 {
        return vec![u32::MAX; n_states];
    }
    // With one mover the layout `y * n_movers + mover` is just `y`.
    let value: Vec<u32> = if n_movers == 1 {
        // One mover cannot move twice in a row: R_H(s1) is its single moves.
        label.to_vec()
    } else {
        let mut value = vec![u32::MAX; n_states * n_movers];
        let mut order: Vec<u32> = (0..n_states as u32).collect();
        order.par_sort_unstable_by_key(|&s| label[s as usize]);
        let mut stack: Vec<(u32, u32)> = Vec::new();
        for &start in &order {
            let start = start as usize;
            let level = label[start];
            for mover in 0..n_movers {
                if value[start * n_movers + mover] == u32::MAX {
                    value[start * n_movers + mover] = level;
                    stack.push((start as u32, mover as u32));
                }
            }
            while let Some((y, mover)) = stack.pop() {
                let (y, mover) = (y as usize, mover as usize);
                let player = coalition[mover];
                game.for_each_predecessor(player, y, |x| {
                    if improvements_only && !game.improves(player, x, y) {
                        return;
                    }
                    for previous in 0..n_movers {
                        let node = x * n_movers + previous;
                        if previous != mover && value[node] == u32::MAX {
                            value[node] = level;
                            stack.push((x as u32, previous as u32));
                        }
                    }
                });
            }
        }
        value
    };
    (0..n_states)
        .into_par_iter()
        .map(|s1| {
            let mut least = u32::MAX;
            for (mover, &player) in coalition.iter().enumerate() {
                game.for_each_move(player, s1, |y| {
                    if !improvements_only || game.improves(player, s1, y) {
                        // Node layout is state-major so one state's movers share a cache line.
                        least = least.min(value[y * n_movers + mover]);
                    }
                });
            }
            least
        })
        .collect()
}

/// A sanction: the opponents' moves after i's improvement, ending in a state i does not prefer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sanction {
    /// `(player, state reached)` for each step; for SIM the players' simultaneous single moves
    /// (as the state each would reach alone), and `outcome` their combination.
    pub steps: Vec<(usize, usize)>,
    /// The state the sanction ends in.
    pub outcome: usize,
}

/// Why one move of the player is or is not deterred.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MoveCheck {
    /// The state the player could move to.
    pub target: usize,
    /// The sanction that deters it, if any (GMR, SMR, SEQ, SIM).
    pub sanction: Option<Sanction>,
    /// For L_h: the outcomes the look-ahead anticipates after the move.
    pub anticipated: Vec<usize>,
    /// Whether this move makes the state unstable.
    pub destabilizes: bool,
}

/// Why a state is or is not stable for a player under a concept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Explanation {
    /// Player index.
    pub player: usize,
    /// State index.
    pub state: usize,
    /// The concept.
    pub concept: Concept,
    /// The verdict.
    pub stable: bool,
    /// One entry per unilateral improvement (per move for L_h).
    pub checks: Vec<MoveCheck>,
}

/// Explains stability of `state` for `player` under `concept`, naming sanctions.
pub fn explain(
    game: &Game,
    player: usize,
    state: usize,
    concept: Concept,
) -> Result<Explanation, Error> {
    check_supported(game, concept)?;
    let checks: Vec<MoveCheck> = match concept {
        Concept::Limited(horizon) => {
            let mut look_ahead = LimitedMove::new(game);
            let own = |s: usize| game.conflict.payoff(game.players[player].members[0], s);
            game.moves(player, state)
                .into_iter()
                .map(|s1| {
                    let anticipated = look_ahead.outcomes(horizon - 1, Some(player), s1);
                    let worst = anticipated
                        .iter()
                        .map(|&o| own(o))
                        .min()
                        .unwrap_or(u32::MAX);
                    MoveCheck {
                        target: s1,
                        sanction: None,
                        anticipated: anticipated.to_vec(),
                        destabilizes: worst > own(state),
                    }
                })
                .collect()
        }
        _ => game
            .improvements(player, state)
            .into_iter()
            .map(|s1| {
                let sanction = if concept == Concept::Nash {
                    None
                } else {
                    find_sanction(game, player, state, s1, concept)
                };
                MoveCheck {
                    target: s1,
                    destabilizes: sanction.is_none(),
                    sanction,
                    anticipated: Vec::new(),
                }
            })
            .collect(),
    };
    let stable = checks.iter().all(|check| !check.destabilizes);
    Ok(Explanation {
        player,
        state,
        concept,
        stable,
        checks,
    })
}

/// Searches the opponents' legal sequences from `s1` for a sanction of `player`'s move s -> s1,
/// shortest first. Works for every player, coalitions included, at the cost of a search per call.
pub(crate) fn find_sanction(
    game: &Game,
    player: usize,
    s: usize,
    s1: usize,
    concept: Concept,
) -> Option<Sanction> {
    match concept {
        Concept::Sim => return simultaneous_sanction(game, player, s, s1),
        Concept::Nash | Concept::Limited(_) => return None,
        _ => {}
    }
    let improvements_only = concept == Concept::Seq;
    let others: Vec<usize> = (0..game.n_players()).filter(|&p| p != player).collect();
    let is_sanction = |y: usize| {
        game.at_least_as_good(player, s, y)
            && (concept != Concept::Smr || {
                let mut holds = true;
                game.for_each_move(player, y, |s3| {
                    holds &= game.at_least_as_good(player, s, s3)
                });
                holds
            })
    };
    // Breadth-first over (state, last mover); parents rebuild the shortest sequence.
    let mut parent: HashMap<(usize, usize), Option<(usize, usize)>> = HashMap::new();
    let mut queue = VecDeque::new();
    for (mover, &p) in others.iter().enumerate() {
        for y in game.moves(p, s1) {
            if (!improvements_only || game.improves(p, s1, y)) && !parent.contains_key(&(y, mover))
            {
                parent.insert((y, mover), None);
                queue.push_back((y, mover));
            }
        }
    }
    while let Some((y, mover)) = queue.pop_front() {
        if is_sanction(y) {
            let mut steps = vec![(others[mover], y)];
            let mut node = (y, mover);
            while let Some(Some(previous)) = parent.get(&node) {
                steps.push((others[previous.1], previous.0));
                node = *previous;
            }
            steps.reverse();
            return Some(Sanction { steps, outcome: y });
        }
        for (next_mover, &p) in others.iter().enumerate() {
            if next_mover == mover {
                continue;
            }
            for z in game.moves(p, y) {
                if (!improvements_only || game.improves(p, y, z))
                    && !parent.contains_key(&(z, next_mover))
                {
                    parent.insert((z, next_mover), Some((y, mover)));
                    queue.push_back((z, next_mover));
                }
            }
        }
    }
    None
}

/// SIM: the other players each make one of their improvements from s (or stay), at the same time
/// as `player` moves to s1; the combined state must be feasible and not preferred by `player`.
fn simultaneous_sanction(game: &Game, player: usize, s: usize, s1: usize) -> Option<Sanction> {
    let others: Vec<usize> = (0..game.n_players()).filter(|&p| p != player).collect();
    let mut search = SimultaneousSearch::new(game, player, s);
    let outcome = search.from(0, game.conflict.decimals[s1])?;
    let steps = others
        .iter()
        .zip(&search.choice)
        .filter_map(|(&p, target)| target.map(|t| (p, t)))
        .collect();
    Some(Sanction { steps, outcome })
}

/// Depth-first search over the other players' simultaneous choices (stay or one improvement).
struct SimultaneousSearch<'g, 'a> {
    game: &'g Game<'a>,
    player: usize,
    s: usize,
    base: u64,
    /// Per other player, its improvements from s.
    options: Vec<Vec<usize>>,
    /// The current choice per other player; holds the sanction when the search succeeds.
    choice: Vec<Option<usize>>,
}

impl<'g, 'a> SimultaneousSearch<'g, 'a> {
    fn new(game: &'g Game<'a>, player: usize, s: usize) -> Self {
        let options: Vec<Vec<usize>> = (0..game.n_players())
            .filter(|&p| p != player)
            .map(|p| game.improvements(p, s))
            .collect();
        SimultaneousSearch {
            game,
            player,
            s,
            base: game.conflict.decimals[s],
            choice: vec![None; options.len()],
            options,
        }
    }

    fn from(&mut self, depth: usize, decimal: u64) -> Option<usize> {
        if depth == self.options.len() {
            if self.choice.iter().all(Option::is_none) {
                return None;
            }
            let combined = self.game.conflict.state_of_decimal(decimal)?;
            return self
                .game
                .at_least_as_good(self.player, self.s, combined)
                .then_some(combined);
        }
        if let Some(found) = self.from(depth + 1, decimal) {
            return Some(found);
        }
        for index in 0..self.options[depth].len() {
            let target = self.options[depth][index];
            self.choice[depth] = Some(target);
            // Players control disjoint options, so their changes combine by XOR.
            let flipped = decimal ^ (self.game.conflict.decimals[target] ^ self.base);
            if let Some(found) = self.from(depth + 1, flipped) {
                return Some(found);
            }
        }
        self.choice[depth] = None;
        None
    }
}

/// Limited-move look-ahead, generalised from two decision makers (Kilgour 1985; Fang, Hipel &
/// Kilgour 1993) to n players cautiously: after a move by `last`, any other player may respond;
/// each judges a move by the worst anticipated outcome for itself, moves only if that beats
/// staying, and picks its best such moves. The anticipated outcomes are the union over players who
/// would move (or the current state when none would). With two players this is the standard L_h.
pub(crate) struct LimitedMove<'g, 'a> {
    game: &'g Game<'a>,
    memo: HashMap<(u32, usize, usize), Rc<Vec<usize>>>,
}

impl<'g, 'a> LimitedMove<'g, 'a> {
    pub(crate) fn new(game: &'g Game<'a>) -> Self {
        LimitedMove {
            game,
            memo: HashMap::new(),
        }
    }

    fn payoff(&self, player: usize, state: usize) -> u32 {
        self.game
            .conflict
            .payoff(self.game.players[player].members[0], state)
    }

    /// Stable for `player` at `state` with `horizon` moves of look-ahead.
    pub(crate) fn stable(&mut self, player: usize, state: usize, horizon: u32) -> bool {
        let here = self.payoff(player, state);
        self.game.moves(player, state).into_iter().all(|s1| {
            let outcomes = self.outcomes(horizon - 1, Some(player), s1);
            outcomes
                .iter()
                .map(|&o| self.payoff(player, o))
                .min()
                .unwrap_or(u32::MAX)
                <= here
        })
    }

    /// Anticipated final states when `last` has just moved into `state` and `remaining` moves
    /// are left.
    pub(crate) fn outcomes(
        &mut self,
        remaining: u32,
        last: Option<usize>,
        state: usize,
    ) -> Rc<Vec<usize>> {
        if remaining == 0 {
            return Rc::new(vec![state]);
        }
        let key = (remaining, last.map_or(0, |l| l + 1), state);
        if let Some(found) = self.memo.get(&key) {
            return Rc::clone(found);
        }
        let mut result: Vec<usize> = Vec::new();
        for mover in 0..self.game.n_players() {
            if Some(mover) == last {
                continue;
            }
            let here = self.payoff(mover, state);
            let mut best = here;
            let mut chosen: Vec<Rc<Vec<usize>>> = Vec::new();
            for s1 in self.game.moves(mover, state) {
                let outcomes = self.outcomes(remaining - 1, Some(mover), s1);
                let worst = outcomes
                    .iter()
                    .map(|&o| self.payoff(mover, o))
                    .min()
                    .unwrap_or(u32::MAX);
                if worst > best {
                    best = worst;
                    chosen.clear();
                    chosen.push(outcomes);
                } else if worst == best && worst > here {
                    chosen.push(outcomes);
                }
            }
            for outcomes in chosen {
                result.extend(outcomes.iter().copied());
            }
        }
        if result.is_empty() {
            result.push(state);
        }
        result.sort_unstable();
        result.dedup();
        let result = Rc::new(result);
        self.memo.insert(key, Rc::clone(&result));
        result
    }
}
