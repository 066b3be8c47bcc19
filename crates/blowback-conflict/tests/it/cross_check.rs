//! The fast stability path (least reachable labels over (state, last mover) pairs) must agree with
//! the explicit search for a sanction, state by state, on random conflicts with ties,
//! irreversible options, infeasible patterns and coalitions.

use blowback_conflict::{
    analyze, explain, Concept, Condition, Conflict, ConflictSpec, DecisionMakerSpec, Form, Game,
    OptionSpec, Pattern, PreferenceSpec, Reversibility, StateRef,
};

/// A small deterministic generator (64-bit LCG), so failures reproduce.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn random_conflict(seed: u64) -> Conflict {
    let mut rng = Lcg(seed);
    let n_dms = 2 + rng.below(3) as usize;
    let mut options = Vec::new();
    let mut dms = Vec::new();
    for dm in 0..n_dms {
        let count = 1 + rng.below(2) as usize;
        let mut owned = Vec::new();
        for _ in 0..count {
            owned.push(options.len());
            options.push(OptionSpec {
                id: format!("o{}", options.len()),
                name: format!("option {}", options.len()),
                decision_maker: dm,
                reversibility: match rng.below(6) {
                    0 => Reversibility::ForwardOnly,
                    1 => Reversibility::BackwardOnly,
                    _ => Reversibility::Both,
                },
                source: None,
            });
        }
        dms.push(DecisionMakerSpec {
            name: format!("dm{dm}"),
            options: owned,
        });
    }
    let n_options = options.len();
    let mut infeasible = Vec::new();
    for _ in 0..rng.below(3) {
        let pattern: String = (0..n_options)
            .map(|_| match rng.below(4) {
                0 => 'Y',
                1 => 'N',
                _ => '-',
            })
            .collect();
        let pattern = Pattern::parse(&pattern, n_options).unwrap();
        // Keep at least the all-N state feasible.
        if !pattern.matches(0) {
            infeasible.push(Condition::Pattern(pattern));
        }
    }
    let feasible: Vec<u64> = (0..1u64 << n_options)
        .filter(|&d| !infeasible.iter().any(|c| c.holds(d)))
        .collect();
    let preferences = (0..n_dms)
        .map(|_| {
            // Random ranking with ties: shuffle, then cut into groups.
            let mut states = feasible.clone();
            for i in (1..states.len()).rev() {
                let j = rng.below(i as u64 + 1) as usize;
                states.swap(i, j);
            }
            let mut groups: Vec<Vec<StateRef>> = Vec::new();
            for decimal in states {
                if groups.is_empty() || rng.below(4) != 0 {
                    groups.push(Vec::new());
                }
                groups.last_mut().unwrap().push(StateRef::Decimal(decimal));
            }
            PreferenceSpec::Ranking(groups)
        })
        .collect();
    let spec = ConflictSpec {
        name: format!("random {seed}"),
        description: None,
        form: Form::Option,
        options,
        decision_makers: dms,
        infeasible,
        preferences,
        misperceived: vec![Vec::new(); n_dms],
        graph: None,
        status_quo: None,
        contexts: Vec::new(),
    };
    Conflict::build(&spec).unwrap()
}

fn check_game(game: &Game, concepts: &[Concept], label: &str) {
    let stability = analyze(game, concepts).unwrap();
    for player in 0..game.n_players() {
        for (c, concept) in concepts.iter().enumerate() {
            for state in 0..game.conflict().n_states() {
                let explained = explain(game, player, state, *concept).unwrap();
                assert_eq!(
                    stability.stable[player][c].contains(state),
                    explained.stable,
                    "{label}: player {player}, state {}, {concept}",
                    game.conflict().state_id(state)
                );
            }
        }
    }
}

#[test]
fn fast_stability_matches_explicit_sanction_search() {
    let concepts = [
        Concept::Nash,
        Concept::Gmr,
        Concept::Smr,
        Concept::Seq,
        Concept::Sim,
    ];
    for seed in 0..120 {
        let conflict = random_conflict(seed);
        check_game(
            &Game::individual(&conflict),
            &concepts,
            &format!("seed {seed}"),
        );
        let names: Vec<&str> = conflict
            .decision_makers()
            .iter()
            .map(String::as_str)
            .collect();
        if names.len() >= 3 {
            let game = Game::with_coalition(&conflict, &names[..2]).unwrap();
            check_game(&game, &concepts, &format!("seed {seed} coalition"));
        }
    }
}

#[test]
fn limited_move_with_horizon_one_is_nash() {
    for seed in 200..260 {
        let conflict = random_conflict(seed);
        let game = Game::individual(&conflict);
        let stability = analyze(&game, &[Concept::Nash, Concept::Limited(1)]).unwrap();
        assert_eq!(
            stability.equilibria[0], stability.equilibria[1],
            "seed {seed}"
        );
    }
}

#[test]
fn concept_inclusions_hold() {
    // Nash ⊆ SEQ ⊆ GMR and Nash ⊆ SMR ⊆ GMR, per decision maker (Fang, Hipel & Kilgour 1993).
    for seed in 300..400 {
        let conflict = random_conflict(seed);
        let game = Game::individual(&conflict);
        let concepts = [Concept::Nash, Concept::Gmr, Concept::Smr, Concept::Seq];
        let stability = analyze(&game, &concepts).unwrap();
        for sets in &stability.stable {
            let subset = |a: usize, b: usize| sets[a].iter().all(|s| sets[b].contains(s));
            assert!(
                subset(0, 3) && subset(3, 1) && subset(0, 2) && subset(2, 1),
                "seed {seed}"
            );
        }
    }
}
