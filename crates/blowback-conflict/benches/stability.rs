//! Stability on generated option-form conflicts of 12 to 22 options (4k to 4M states): time per
//! concept for all decision makers. Four decision makers share the options as evenly as possible;
//! each has six prioritisation statements over random literals, so payoffs have many ties, as in
//! real models. Sizes come from `BLOWBACK_BENCH_OPTIONS` (default `12,14,16,18,20`), concepts
//! from `BLOWBACK_BENCH_CONCEPTS` (default `nash,gmr,smr,seq,sim`).

// criterion_group! generates an undocumented public function.
#![allow(missing_docs)]

use std::hint::black_box;
use std::time::Duration;

use blowback_conflict::{
    analyze, Concept, Condition, Conflict, ConflictSpec, DecisionMakerSpec, Form, Game, OptionSpec,
    PreferenceSpec, Reversibility, Statement,
};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};

fn generated_conflict(n_options: usize, seed: u64) -> Conflict {
    let mut state = seed;
    let mut next = move || {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (state >> 33) as usize
    };
    let n_dms = 4;
    let options: Vec<OptionSpec> = (0..n_options)
        .map(|o| OptionSpec {
            id: format!("o{o}"),
            name: format!("option {o}"),
            decision_maker: o % n_dms,
            reversibility: Reversibility::Both,
            source: None,
        })
        .collect();
    let decision_makers = (0..n_dms)
        .map(|dm| DecisionMakerSpec {
            name: format!("dm{dm}"),
            options: (0..n_options).filter(|o| o % n_dms == dm).collect(),
        })
        .collect();
    let literal = |next: &mut dyn FnMut() -> usize| {
        let option = Condition::Option(next() % n_options);
        if next().is_multiple_of(2) {
            option
        } else {
            Condition::Not(Box::new(option))
        }
    };
    let preferences = (0..n_dms)
        .map(|_| {
            PreferenceSpec::Prioritization(
                (0..6)
                    .map(|_| {
                        let a = literal(&mut next);
                        let b = literal(&mut next);
                        let condition = if next() % 2 == 0 {
                            Condition::And(Box::new(a), Box::new(b))
                        } else {
                            Condition::Or(Box::new(a), Box::new(b))
                        };
                        Statement {
                            text: String::new(),
                            condition,
                            source: None,
                        }
                    })
                    .collect(),
            )
        })
        .collect();
    let spec = ConflictSpec {
        name: format!("generated {n_options}"),
        description: None,
        form: Form::Option,
        options,
        decision_makers,
        infeasible: Vec::new(),
        preferences,
        misperceived: vec![Vec::new(); n_dms],
        graph: None,
        status_quo: None,
        contexts: Vec::new(),
    };
    Conflict::build(&spec).expect("generated conflicts are valid")
}

fn sizes() -> Vec<usize> {
    std::env::var("BLOWBACK_BENCH_OPTIONS")
        .unwrap_or_else(|_| "12,14,16,18,20".into())
        .split(',')
        .filter_map(|n| n.trim().parse().ok())
        .collect()
}

fn concepts() -> Vec<Concept> {
    let list =
        std::env::var("BLOWBACK_BENCH_CONCEPTS").unwrap_or_else(|_| "nash,gmr,smr,seq,sim".into());
    Concept::parse_list(&list, 2).expect("BLOWBACK_BENCH_CONCEPTS lists concepts")
}

fn stability(c: &mut Criterion) {
    let mut group = c.benchmark_group("stability");
    group
        .sample_size(10)
        .warm_up_time(Duration::from_millis(200));
    for n_options in sizes() {
        let conflict = generated_conflict(n_options, 7);
        let game = Game::individual(&conflict);
        for concept in concepts() {
            group.bench_with_input(
                BenchmarkId::new(concept.key(), n_options),
                &concept,
                |b, &concept| b.iter(|| black_box(analyze(&game, &[concept]).unwrap())),
            );
        }
    }
    group.finish();
}

fn build(c: &mut Criterion) {
    let mut group = c.benchmark_group("build");
    group.sample_size(10);
    for n_options in sizes() {
        group.bench_function(BenchmarkId::from_parameter(n_options), |b| {
            b.iter(|| black_box(generated_conflict(n_options, 7)))
        });
    }
    group.finish();
}

criterion_group!(benches, stability, build);
criterion_main!(benches);
