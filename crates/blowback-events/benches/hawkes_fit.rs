//! Fit speed: univariate and bivariate Hawkes fits of 100,000 simulated events, the sizes the
//! issue's speed target names. Run with `cargo bench -p blowback-events --bench hawkes_fit`.

use std::hint::black_box;

use blowback_events::hawkes::fit::{fit, FitOptions, Optimizer};
use blowback_events::hawkes::model::{log_likelihood, EventSequence, HawkesParams};
use blowback_events::hawkes::simulate::simulate_branching;
use criterion::{criterion_main, Criterion};

/// About 100k events: stationary rate mu / (1 - n) = 0.5 / 0.5 = 1 per unit time.
fn univariate() -> (EventSequence, HawkesParams) {
    let truth = HawkesParams {
        mu: vec![vec![0.5]],
        adjacency: vec![vec![0.5]],
        beta: 1.0,
    };
    (
        simulate_branching(&truth, &[], 100_000.0, 1).unwrap(),
        truth,
    )
}

/// About 100k events over two dimensions.
fn bivariate() -> EventSequence {
    let truth = HawkesParams {
        mu: vec![vec![0.2], vec![0.3]],
        adjacency: vec![vec![0.3, 0.1], vec![0.2, 0.4]],
        beta: 1.0,
    };
    simulate_branching(&truth, &[], 100_000.0, 2).unwrap()
}

fn benches(c: &mut Criterion) {
    let (one, truth) = univariate();
    let two = bivariate();
    eprintln!(
        "univariate: {} events; bivariate: {} events",
        one.len(),
        two.len()
    );
    let single_start = FitOptions {
        beta_starts: vec![2.0],
        ..FitOptions::default()
    };
    let lbfgs = FitOptions {
        optimizer: Optimizer::Lbfgs,
        ..FitOptions::default()
    };
    let mut group = c.benchmark_group("hawkes");
    group.sample_size(10);
    group.bench_function("log_likelihood_1d_100k", |b| {
        b.iter(|| log_likelihood(black_box(&one), &[], &truth).unwrap())
    });
    // The default: profile likelihood, nine decays scanned, then refined.
    group.bench_function("fit_1d_100k_default_with_se", |b| {
        b.iter(|| fit(black_box(&one), &FitOptions::default()).unwrap())
    });
    group.bench_function("fit_1d_100k_profile_one_start_with_se", |b| {
        b.iter(|| fit(black_box(&one), &single_start).unwrap())
    });
    group.bench_function("fit_1d_100k_lbfgs_four_starts_with_se", |b| {
        b.iter(|| fit(black_box(&one), &lbfgs).unwrap())
    });
    group.bench_function("fit_2d_100k_one_start_with_se", |b| {
        b.iter(|| fit(black_box(&two), &single_start).unwrap())
    });
    group.finish();
}

// criterion_group! generates an undocumented public function; the lint cannot see inside it.
#[allow(missing_docs)]
mod group {
    criterion::criterion_group!(hawkes, super::benches);
}
use group::hawkes;
criterion_main!(hawkes);
