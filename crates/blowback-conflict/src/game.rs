//! Players over an enumerated conflict: each player is one decision maker or a coalition acting
//! as one. Provides allocation-free move enumeration (forward and backward) and the preference
//! tests the stability definitions are written in.
//!
//! A coalition moves over the union of its members' options (in graph form: any member's move);
//! a move is an improvement only if every member strictly prefers it, and a state sanctions the
//! coalition unless every member strictly prefers it (GMCR+ style). For a single decision maker
//! these reduce to the usual tests.

use crate::conflict::{Conflict, Moves, NO_STATE};
use crate::error::Error;

/// One decision maker or a coalition of them.
#[derive(Debug, Clone)]
pub(crate) struct Player {
    pub(crate) name: String,
    pub(crate) members: Vec<usize>,
    mask: u64,
}

/// A conflict seen as a game between players.
#[derive(Debug, Clone)]
pub struct Game<'a> {
    pub(crate) conflict: &'a Conflict,
    pub(crate) players: Vec<Player>,
}

impl<'a> Game<'a> {
    /// Every decision maker plays alone.
    pub fn individual(conflict: &'a Conflict) -> Self {
        let players = (0..conflict.decision_makers.len())
            .map(|dm| Player {
                name: conflict.decision_makers[dm].clone(),
                members: vec![dm],
                mask: conflict.dm_mask(dm),
            })
            .collect();
        Game { conflict, players }
    }

    /// The named decision makers act as one player (named by joining theirs with `+`); everyone
    /// else plays alone. The coalition takes the place of its first member.
    pub fn with_coalition(conflict: &'a Conflict, members: &[&str]) -> Result<Self, Error> {
        let mut indices = Vec::new();
        for name in members {
            let index = conflict.decision_maker_index(name).ok_or_else(|| {
                Error::Unsupported(format!(
                    "unknown decision maker `{name}`; known: {}",
                    conflict.decision_makers.join(", ")
                ))
            })?;
            if !indices.contains(&index) {
                indices.push(index);
            }
        }
        if indices.len() < 2 {
            return Err(Error::Unsupported(
                "a coalition needs two or more decision makers".into(),
            ));
        }
        indices.sort_unstable();
        let mut players = Vec::new();
        for dm in 0..conflict.decision_makers.len() {
            if dm == indices[0] {
                players.push(Player {
                    name: indices
                        .iter()
                        .map(|&m| conflict.decision_makers[m].as_str())
                        .collect::<Vec<_>>()
                        .join("+"),
                    members: indices.clone(),
                    mask: indices
                        .iter()
                        .fold(0, |mask, &m| mask | conflict.dm_mask(m)),
                });
            } else if !indices.contains(&dm) {
                players.push(Player {
                    name: conflict.decision_makers[dm].clone(),
                    members: vec![dm],
                    mask: conflict.dm_mask(dm),
                });
            }
        }
        if players.len() < 2 {
            return Err(Error::Unsupported(
                "a coalition of everyone leaves nobody to sanction it".into(),
            ));
        }
        Ok(Game { conflict, players })
    }

    /// The underlying conflict.
    pub fn conflict(&self) -> &Conflict {
        self.conflict
    }

    /// Number of players.
    pub fn n_players(&self) -> usize {
        self.players.len()
    }

    /// Player names.
    pub fn player_names(&self) -> Vec<&str> {
        self.players.iter().map(|p| p.name.as_str()).collect()
    }

    /// Index of the player called `name`.
    pub fn player_index(&self, name: &str) -> Option<usize> {
        self.players.iter().position(|p| p.name == name)
    }

    pub(crate) fn n_states(&self) -> usize {
        self.conflict.n_states()
    }

    fn perceives(&self, player: usize, state: usize) -> bool {
        self.players[player].members.iter().all(|&m| {
            self.conflict.perceived[m]
                .as_ref()
                .is_none_or(|flags| flags[state])
        })
    }

    /// Calls `visit` with every state `player` can move to from `state` in one move.
    #[inline]
    pub(crate) fn for_each_move(&self, player: usize, state: usize, mut visit: impl FnMut(usize)) {
        match &self.conflict.moves {
            Moves::Options {
                up_ok,
                down_ok,
                index_of_decimal,
                ..
            } => {
                let decimal = self.conflict.decimals[state];
                let movable =
                    self.players[player].mask & ((!decimal & up_ok) | (decimal & down_ok));
                let check_perception = self.players[player]
                    .members
                    .iter()
                    .any(|&m| self.conflict.perceived[m].is_some());
                if check_perception && !self.perceives(player, state) {
                    return;
                }
                let mut change = movable;
                while change != 0 {
                    let target = index_of_decimal[(decimal ^ change) as usize];
                    if target != NO_STATE
                        && (!check_perception || self.perceives(player, target as usize))
                    {
                        visit(target as usize);
                    }
                    change = (change - 1) & movable;
                }
            }
            Moves::Explicit { forward, .. } => {
                for &member in &self.players[player].members {
                    for &target in forward[member].of(state) {
                        visit(target as usize);
                    }
                }
            }
        }
    }

    /// Calls `visit` with every state from which `player` can move to `state` in one move.
    #[inline]
    pub(crate) fn for_each_predecessor(
        &self,
        player: usize,
        state: usize,
        mut visit: impl FnMut(usize),
    ) {
        match &self.conflict.moves {
            Moves::Options {
                up_ok,
                down_ok,
                index_of_decimal,
                ..
            } => {
                let decimal = self.conflict.decimals[state];
                // A flip u -> state is allowed when the bits that end up Y may go up and the
                // bits that end up N may go down.
                let movable =
                    self.players[player].mask & ((decimal & up_ok) | (!decimal & down_ok));
                let check_perception = self.players[player]
                    .members
                    .iter()
                    .any(|&m| self.conflict.perceived[m].is_some());
                if check_perception && !self.perceives(player, state) {
                    return;
                }
                let mut change = movable;
                while change != 0 {
                    let source = index_of_decimal[(decimal ^ change) as usize];
                    if source != NO_STATE
                        && (!check_perception || self.perceives(player, source as usize))
                    {
                        visit(source as usize);
                    }
                    change = (change - 1) & movable;
                }
            }
            Moves::Explicit { backward, .. } => {
                for &member in &self.players[player].members {
                    for &source in backward[member].of(state) {
                        visit(source as usize);
                    }
                }
            }
        }
    }

    /// The states `player` can reach from `state` in one move, sorted and deduplicated.
    pub(crate) fn moves(&self, player: usize, state: usize) -> Vec<usize> {
        let mut targets = Vec::new();
        self.for_each_move(player, state, |t| targets.push(t));
        targets.sort_unstable();
        targets.dedup();
        targets
    }

    /// The unilateral improvements of `player` from `state`, sorted.
    pub(crate) fn improvements(&self, player: usize, state: usize) -> Vec<usize> {
        let mut targets = Vec::new();
        self.for_each_move(player, state, |t| {
            if self.improves(player, state, t) {
                targets.push(t)
            }
        });
        targets.sort_unstable();
        targets.dedup();
        targets
    }

    /// Whether every member of `player` strictly prefers `to` over `from`.
    #[inline]
    pub(crate) fn improves(&self, player: usize, from: usize, to: usize) -> bool {
        self.players[player]
            .members
            .iter()
            .all(|&m| self.conflict.payoffs[m][to] > self.conflict.payoffs[m][from])
    }

    /// `base ≥ other` for `player`: `other` is not an improvement on `base`, so it sanctions.
    #[inline]
    pub(crate) fn at_least_as_good(&self, player: usize, base: usize, other: usize) -> bool {
        !self.improves(player, base, other)
    }

    /// Whether this game is in option form (simultaneous moves are defined).
    pub(crate) fn option_form(&self) -> bool {
        matches!(self.conflict.moves, Moves::Options { .. })
    }
}
