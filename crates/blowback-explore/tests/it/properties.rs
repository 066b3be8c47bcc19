//! Properties that hold for any model: Sobol indices lie in [0, 1] up to sampling error, total
//! indices are at least the first-order ones, and results never depend on evaluation order.

use blowback_explore::sobol_indices;
use proptest::prelude::*;

use crate::{evaluate, g_function, saltelli, uniform_parameters};

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn sobol_indices_lie_in_the_unit_interval(
        a in proptest::collection::vec(0.0f64..20.0, 2..6),
        seed in 0u64..1000,
    ) {
        let design = saltelli(uniform_parameters(a.len(), 0.0, 1.0), 1024, seed);
        let outputs = evaluate(&design, |x| g_function(x, &a));
        let indices = sobol_indices(&design, &outputs, 100).unwrap();
        let mut first_sum = 0.0;
        for s in &indices {
            let slack_first = 3.0 * s.first_confidence + 0.02;
            let slack_total = 3.0 * s.total_confidence + 0.02;
            prop_assert!(s.first >= -slack_first && s.first <= 1.0 + slack_first, "{s:?}");
            prop_assert!(s.total >= -slack_total && s.total <= 1.0 + slack_total, "{s:?}");
            prop_assert!(s.total + slack_total >= s.first - slack_first, "{s:?}");
            first_sum += s.first;
        }
        // First-order indices share out at most all of the variance.
        prop_assert!(first_sum <= 1.1, "sum of first-order indices {first_sum}");
    }

    #[test]
    fn additive_models_have_equal_first_and_total(
        weights in proptest::collection::vec(0.1f64..5.0, 2..5),
        seed in 0u64..1000,
    ) {
        let design = saltelli(uniform_parameters(weights.len(), 0.0, 1.0), 2048, seed);
        let outputs = evaluate(&design, |x| x.iter().zip(&weights).map(|(x, w)| w * x).sum());
        let indices = sobol_indices(&design, &outputs, 0).unwrap();
        let total_weight: f64 = weights.iter().map(|w| w * w).sum();
        for (s, w) in indices.iter().zip(&weights) {
            let exact = w * w / total_weight;
            prop_assert!((s.first - exact).abs() < 0.03, "{s:?} vs {exact}");
            prop_assert!((s.total - exact).abs() < 0.03, "{s:?} vs {exact}");
        }
    }
}
