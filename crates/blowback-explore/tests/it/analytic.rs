//! Sobol and Morris indices against functions whose indices are known in closed form.

use std::f64::consts::PI;

use blowback_explore::{morris_indices, sobol_indices, Design, Distribution, Method, Parameter};

use crate::{evaluate, g_function, g_function_indices, ishigami, saltelli, uniform_parameters};

fn assert_close(name: &str, estimate: f64, confidence: f64, exact: f64, tolerance: f64) {
    assert!(
        (estimate - exact).abs() < tolerance,
        "{name}: estimate {estimate:.4} (+/- {confidence:.4}) vs exact {exact:.4}"
    );
    // The bootstrap interval should be honest: not absurdly wide, and covering the truth within a
    // generous multiple.
    assert!(confidence < 0.1, "{name}: confidence {confidence}");
    assert!(
        (estimate - exact).abs() <= 3.0 * confidence + 0.01,
        "{name}: {estimate:.4} is {:.4} from {exact:.4}, confidence only {confidence:.4}",
        (estimate - exact).abs()
    );
}

#[test]
fn ishigami_sobol_indices_match_closed_form() {
    let (a, b) = (7.0_f64, 0.1_f64);
    let variance = a * a / 8.0 + b * PI.powi(4) / 5.0 + b * b * PI.powi(8) / 18.0 + 0.5;
    let v1 = 0.5 * (1.0 + b * PI.powi(4) / 5.0).powi(2);
    let v2 = a * a / 8.0;
    let v13 = 8.0 * b * b * PI.powi(8) / 225.0;
    let first = [v1 / variance, v2 / variance, 0.0];
    let total = [(v1 + v13) / variance, v2 / variance, v13 / variance];
    // Sanity check against the values quoted in the literature.
    assert!((first[0] - 0.3139).abs() < 1e-3 && (total[2] - 0.2437).abs() < 1e-3);

    let design = saltelli(uniform_parameters(3, -PI, PI), 8192, 2024);
    let outputs = evaluate(&design, ishigami);
    let indices = sobol_indices(&design, &outputs, 200).unwrap();
    for j in 0..3 {
        let s = indices[j];
        assert_close(
            &format!("S{}", j + 1),
            s.first,
            s.first_confidence,
            first[j],
            0.03,
        );
        assert_close(
            &format!("ST{}", j + 1),
            s.total,
            s.total_confidence,
            total[j],
            0.03,
        );
    }
}

#[test]
fn g_function_sobol_indices_match_closed_form() {
    let a = [0.0, 1.0, 4.5, 9.0, 99.0, 99.0, 99.0, 99.0];
    let (first, total) = g_function_indices(&a);
    let design = saltelli(uniform_parameters(a.len(), 0.0, 1.0), 8192, 7);
    let outputs = evaluate(&design, |x| g_function(x, &a));
    let indices = sobol_indices(&design, &outputs, 200).unwrap();
    for j in 0..a.len() {
        let s = indices[j];
        assert_close(
            &format!("S{}", j + 1),
            s.first,
            s.first_confidence,
            first[j],
            0.03,
        );
        assert_close(
            &format!("ST{}", j + 1),
            s.total,
            s.total_confidence,
            total[j],
            0.03,
        );
    }
    // The most important parameter comes out on top.
    let top = (0..a.len()).max_by(|&i, &j| indices[i].total.total_cmp(&indices[j].total));
    assert_eq!(top, Some(0));
}

#[test]
fn sobol_needs_a_saltelli_design_and_matching_outputs() {
    let design = Design::new(
        Method::LatinHypercube,
        uniform_parameters(2, 0.0, 1.0),
        10,
        0,
    )
    .unwrap();
    assert!(sobol_indices(&design, &[0.0; 10], 10).is_err());
    let design = saltelli(uniform_parameters(2, 0.0, 1.0), 16, 0);
    assert!(sobol_indices(&design, &[0.0; 3], 10).is_err());
}

#[test]
fn morris_recovers_linear_effects_exactly() {
    // f = 2 x1 - 3 x2 + 0 x3 with x1 on [0, 1], x2 on [0, 10], x3 on [5, 6]: in unit-cube steps
    // the elementary effects are 2, -30 and 0 everywhere.
    let parameters = vec![
        Parameter {
            name: "x1".into(),
            distribution: Distribution::Uniform {
                low: 0.0,
                high: 1.0,
            },
            source: String::new(),
        },
        Parameter {
            name: "x2".into(),
            distribution: Distribution::Uniform {
                low: 0.0,
                high: 10.0,
            },
            source: String::new(),
        },
        Parameter {
            name: "x3".into(),
            distribution: Distribution::Uniform {
                low: 5.0,
                high: 6.0,
            },
            source: String::new(),
        },
    ];
    let design = Design::new(Method::Morris { levels: 4 }, parameters, 20, 3).unwrap();
    let outputs = evaluate(&design, |x| 2.0 * x[0] - 3.0 * x[1]);
    let m = morris_indices(&design, &outputs, 50).unwrap();
    let expected = [2.0, -30.0, 0.0];
    for j in 0..3 {
        assert!((m[j].mu - expected[j]).abs() < 1e-9, "{:?}", m[j]);
        assert!((m[j].mu_star - expected[j].abs()).abs() < 1e-9);
        assert!(m[j].sigma < 1e-9);
    }
}

#[test]
fn morris_ranks_ishigami_like_sobol() {
    let design = Design::new(
        Method::Morris { levels: 4 },
        uniform_parameters(3, -PI, PI),
        200,
        5,
    )
    .unwrap();
    let outputs = evaluate(&design, ishigami);
    let m = morris_indices(&design, &outputs, 100).unwrap();
    // x3 acts only through its interaction with x1: mu near zero, mu* and sigma well above it.
    assert!(m[2].mu.abs() < m[2].mu_star / 2.0, "{:?}", m[2]);
    assert!(m[2].sigma > 1.0);
    // x1 and x2 matter more than x3 on average.
    assert!(
        m[0].mu_star > m[2].mu_star && m[1].mu_star > m[2].mu_star,
        "{m:?}"
    );
}

#[test]
fn sobol_with_more_parameters_than_half_the_sequence() {
    // 140 parameters: B comes from an independent scrambling. An additive model where three
    // parameters carry 8/15, 4/15 and 2/15 of the variance and 137 share the last 1/15.
    let d = 140;
    let weights: Vec<f64> = (0..d)
        .map(|j| match j {
            0 => 8f64.sqrt(),
            1 => 2.0,
            2 => 2f64.sqrt(),
            _ => (1.0 / 137.0f64).sqrt(),
        })
        .collect();
    let design = saltelli(uniform_parameters(d, 0.0, 1.0), 2048, 11);
    let outputs = evaluate(&design, |x| {
        x.iter().zip(&weights).map(|(x, w)| w * x).sum()
    });
    let indices = sobol_indices(&design, &outputs, 50).unwrap();
    for (j, exact) in [(0, 8.0 / 15.0), (1, 4.0 / 15.0), (2, 2.0 / 15.0)] {
        assert!(
            (indices[j].first - exact).abs() < 0.06,
            "{j}: {:?} vs {exact}",
            indices[j]
        );
        assert!(
            (indices[j].total - exact).abs() < 0.06,
            "{j}: {:?} vs {exact}",
            indices[j]
        );
    }
    assert!(indices[3..].iter().all(|s| s.total.abs() < 0.03));
}
