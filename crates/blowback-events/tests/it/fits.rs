//! Hawkes fits recover the parameters of simulated sequences within their standard errors.

use blowback_events::hawkes::fit::{fit, likelihood_ratio_test, FitOptions, Optimizer};
use blowback_events::hawkes::model::{
    log_likelihood, log_likelihood_brute_force, EventSequence, HawkesParams,
};
use blowback_events::hawkes::simulate::{simulate_branching, simulate_thinning};

/// Asserts |estimate - truth| < 4 standard errors (a 4-sigma band fails by chance ~1 in 16,000
/// per parameter, and the seeds are fixed, so a failure means a real bias or wrong SE).
fn within(name: &str, estimate: f64, error: f64, truth: f64) {
    assert!(
        error.is_finite() && error > 0.0,
        "{name}: standard error {error}"
    );
    assert!(
        (estimate - truth).abs() < 4.0 * error,
        "{name}: estimate {estimate} +- {error}, truth {truth}"
    );
}

#[test]
fn univariate_fit_recovers_simulated_parameters() {
    let truth = HawkesParams {
        mu: vec![vec![0.8]],
        adjacency: vec![vec![0.6]],
        beta: 1.5,
    };
    let seq = simulate_thinning(&truth, &[], 5_000.0, 42).unwrap();
    let result = fit(&seq, &FitOptions::default()).unwrap();
    let se = &result.standard_errors;
    within("mu", result.params.mu[0][0], se.mu[0][0], 0.8);
    within(
        "alpha",
        result.params.adjacency[0][0],
        se.adjacency[0][0],
        0.6,
    );
    within("beta", result.params.beta, se.beta, 1.5);
    // The standard errors must also be informative, not huge.
    assert!(se.adjacency[0][0] < 0.1, "{se:?}");
    assert!(
        result.aic < result.poisson_aic,
        "self-excitation should beat Poisson"
    );
    assert!(
        result.ks_p_value > 0.01,
        "true model should pass KS: {}",
        result.ks_p_value
    );
    assert!((result.branching_ratio - result.params.adjacency[0][0]).abs() < 1e-12);
}

#[test]
fn bivariate_fit_recovers_a_one_way_excitation() {
    // Dimension 0 excites 1, not the reverse: the shape of "strikes provoke attacks".
    let truth = HawkesParams {
        mu: vec![vec![0.3], vec![0.5]],
        adjacency: vec![vec![0.3, 0.0], vec![0.4, 0.5]],
        beta: 0.8,
    };
    let seq = simulate_branching(&truth, &[], 8_000.0, 7).unwrap();
    let result = fit(&seq, &FitOptions::default()).unwrap();
    let (p, se) = (&result.params, &result.standard_errors);
    within("mu0", p.mu[0][0], se.mu[0][0], 0.3);
    within("mu1", p.mu[1][0], se.mu[1][0], 0.5);
    within("a00", p.adjacency[0][0], se.adjacency[0][0], 0.3);
    within("a10", p.adjacency[1][0], se.adjacency[1][0], 0.4);
    within("a11", p.adjacency[1][1], se.adjacency[1][1], 0.5);
    within("beta", p.beta, se.beta, 0.8);
    assert!(
        p.adjacency[0][1] < 0.05,
        "no reverse excitation: {}",
        p.adjacency[0][1]
    );
}

#[test]
fn change_point_in_background_is_found_and_tested() {
    let truth = HawkesParams {
        mu: vec![vec![1.0, 0.3]],
        adjacency: vec![vec![0.4]],
        beta: 2.0,
    };
    let seq = simulate_thinning(&truth, &[3_000.0], 6_000.0, 5).unwrap();
    let without = fit(&seq, &FitOptions::default()).unwrap();
    let with = fit(
        &seq,
        &FitOptions {
            change_points: vec![3_000.0],
            ..FitOptions::default()
        },
    )
    .unwrap();
    within(
        "mu before",
        with.params.mu[0][0],
        with.standard_errors.mu[0][0],
        1.0,
    );
    within(
        "mu after",
        with.params.mu[0][1],
        with.standard_errors.mu[0][1],
        0.3,
    );
    let test = likelihood_ratio_test(&without, &with);
    assert_eq!(test.degrees_of_freedom, 1);
    assert!(test.p_value < 1e-6, "{test:?}");
    // And with no real change, the test should not fire.
    let flat = HawkesParams {
        mu: vec![vec![0.6]],
        adjacency: vec![vec![0.4]],
        beta: 2.0,
    };
    let seq = simulate_thinning(&flat, &[], 6_000.0, 9).unwrap();
    let a = fit(&seq, &FitOptions::default()).unwrap();
    let b = fit(
        &seq,
        &FitOptions {
            change_points: vec![3_000.0],
            ..FitOptions::default()
        },
    )
    .unwrap();
    assert!(likelihood_ratio_test(&a, &b).p_value > 0.01);
}

#[test]
fn likelihood_recursion_equals_brute_force_on_a_simulated_sequence() {
    let truth = HawkesParams {
        mu: vec![vec![0.3, 0.2], vec![0.1, 0.4]],
        adjacency: vec![vec![0.2, 0.3], vec![0.25, 0.15]],
        beta: 1.1,
    };
    let seq = simulate_thinning(&truth, &[100.0], 300.0, 3).unwrap();
    assert!(seq.len() > 100);
    let fast = log_likelihood(&seq, &[100.0], &truth).unwrap();
    let slow = log_likelihood_brute_force(&seq, &[100.0], &truth);
    assert!(
        (fast - slow).abs() <= 1e-10 * slow.abs(),
        "{fast} vs {slow}"
    );
}

#[test]
fn thinning_and_branching_agree_on_the_mean_count() {
    // Stationary mean count on [0, T] is about mu T / (1 - n) minus edge effects.
    let truth = HawkesParams {
        mu: vec![vec![0.5]],
        adjacency: vec![vec![0.5]],
        beta: 3.0,
    };
    let mean = |sim: &dyn Fn(u64) -> usize| (0..40).map(|s| sim(s) as f64).sum::<f64>() / 40.0;
    let thin = mean(&|s| simulate_thinning(&truth, &[], 2_000.0, s).unwrap().len());
    let branch = mean(&|s| {
        simulate_branching(&truth, &[], 2_000.0, 1_000 + s)
            .unwrap()
            .len()
    });
    // Expected ~2000; the sd of one count is ~ sqrt(mu T)/(1-n)^1.5 ~ 89, so of a 40-mean ~14.
    assert!((thin - 2_000.0).abs() < 60.0, "thinning mean {thin}");
    assert!((branch - 2_000.0).abs() < 60.0, "branching mean {branch}");
}

#[test]
fn newton_and_lbfgs_reach_the_same_maximum() {
    let truth = HawkesParams {
        mu: vec![vec![0.3, 0.6], vec![0.2, 0.2]],
        adjacency: vec![vec![0.3, 0.1], vec![0.4, 0.2]],
        beta: 1.3,
    };
    let seq = simulate_thinning(&truth, &[1_500.0], 3_000.0, 21).unwrap();
    for change_points in [vec![], vec![1_500.0]] {
        let options = FitOptions {
            change_points,
            ..FitOptions::default()
        };
        let lbfgs = fit(&seq, &options).unwrap();
        let newton = fit(
            &seq,
            &FitOptions {
                optimizer: Optimizer::Newton,
                ..options.clone()
            },
        )
        .unwrap();
        let gap = (newton.log_likelihood - lbfgs.log_likelihood).abs();
        assert!(gap < 1e-7 * newton.log_likelihood.abs(), "gap {gap}");
        assert!((newton.params.beta - lbfgs.params.beta).abs() < 1e-4 * newton.params.beta);
    }
}

#[test]
fn the_profile_fit_reaches_the_joint_optimisers_maximum() {
    let truth = HawkesParams {
        mu: vec![vec![0.4, 0.9]],
        adjacency: vec![vec![0.5]],
        beta: 2.0,
    };
    let seq = simulate_thinning(&truth, &[2_000.0], 4_000.0, 5).unwrap();
    for change_points in [vec![], vec![2_000.0]] {
        let profile = fit(
            &seq,
            &FitOptions {
                change_points: change_points.clone(),
                ..FitOptions::default()
            },
        )
        .unwrap();
        for optimizer in [Optimizer::Lbfgs, Optimizer::Newton] {
            let joint = fit(
                &seq,
                &FitOptions {
                    change_points: change_points.clone(),
                    optimizer,
                    ..FitOptions::default()
                },
            )
            .unwrap();
            // The profile must do at least as well, and land on the same point.
            let gain = profile.log_likelihood - joint.log_likelihood;
            assert!(
                gain > -1e-9 * joint.log_likelihood.abs(),
                "{optimizer:?}: {gain}"
            );
            assert!(gain < 1e-6, "{optimizer:?} fell short by {gain}");
            let close = |a: f64, b: f64| (a - b).abs() < 1e-4 * b.abs();
            assert!(close(profile.params.beta, joint.params.beta));
            assert!(close(
                profile.params.adjacency[0][0],
                joint.params.adjacency[0][0]
            ));
            for (a, b) in profile.params.mu[0].iter().zip(&joint.params.mu[0]) {
                assert!(close(*a, *b), "{:?} {:?}", profile.params, joint.params);
            }
            // Standard errors from the profile's own Hessian match the separate pass.
            let se = |f: &blowback_events::hawkes::fit::HawkesFit| f.standard_errors.beta;
            assert!((se(&profile) - se(&joint)).abs() < 1e-3 * se(&joint));
        }
    }
}

#[test]
fn the_profile_fit_of_a_regular_sequence_puts_the_excitation_at_zero() {
    // Evenly spaced events are the opposite of clustered: any excitation lowers the likelihood,
    // so the maximum is on the boundary, alpha = 0, with the Poisson rate as background.
    let times: Vec<f64> = (0..2_000).map(|k| 0.5 + k as f64).collect();
    let seq = EventSequence::new(times, vec![0; 2_000], 1, 2_000.0).unwrap();
    let result = fit(&seq, &FitOptions::default()).unwrap();
    assert_eq!(result.params.adjacency[0][0], 0.0, "{:?}", result.params);
    assert!((result.params.mu[0][0] - 1.0).abs() < 1e-12);
    assert!((result.log_likelihood - result.poisson_log_likelihood).abs() < 1e-9);
    assert!(result.standard_errors.adjacency[0][0].is_nan());
    let lbfgs = fit(
        &seq,
        &FitOptions {
            optimizer: Optimizer::Lbfgs,
            ..FitOptions::default()
        },
    )
    .unwrap();
    assert!(lbfgs.log_likelihood <= result.log_likelihood + 1e-9);
}
