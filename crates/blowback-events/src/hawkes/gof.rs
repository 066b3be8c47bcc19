//! Goodness of fit by time rescaling, and the distribution functions the tests need.
//!
//! If the model is right, the compensator increments between consecutive events of one
//! dimension, `Lambda_i(t_k) - Lambda_i(t_{k-1})`, are independent unit exponentials (the
//! time-rescaling theorem). The KS statistic compares them, pooled over dimensions, with Exp(1).

use crate::hawkes::model::{segment_bounds, EventSequence, HawkesParams};

/// Compensator increments between consecutive events of each dimension (the first measured
/// from time 0). Ties give zero increments, which is why tied data must be collapsed or
/// jittered before a fit is judged.
pub fn rescaled_intervals(
    sequence: &EventSequence,
    change_points: &[f64],
    params: &HawkesParams,
) -> Vec<Vec<f64>> {
    let dims = sequence.dims();
    let bounds = segment_bounds(change_points, sequence.end());
    let background_integral = |i: usize, a: f64, b: f64| -> f64 {
        (0..bounds.len() - 1)
            .map(|s| {
                let low = a.max(bounds[s]);
                let high = b.min(bounds[s + 1]);
                if high > low {
                    params.mu[i][s] * (high - low)
                } else {
                    0.0
                }
            })
            .sum()
    };
    let mut recent = vec![0.0; dims];
    let mut compensator = vec![0.0; dims];
    let mut at_last_event = vec![0.0; dims];
    let mut intervals = vec![Vec::new(); dims];
    let mut previous = 0.0;
    for (&t, &mark) in sequence.times().iter().zip(sequence.marks()) {
        let dt = t - previous;
        if dt > 0.0 {
            let spent = 1.0 - (-params.beta * dt).exp();
            for (i, total) in compensator.iter_mut().enumerate() {
                let excitation: f64 = (0..dims).map(|j| params.adjacency[i][j] * recent[j]).sum();
                *total += background_integral(i, previous, t) + excitation * spent;
            }
            recent.iter_mut().for_each(|r| *r *= 1.0 - spent);
        }
        intervals[mark].push(compensator[mark] - at_last_event[mark]);
        at_last_event[mark] = compensator[mark];
        recent[mark] += 1.0;
        previous = t;
    }
    intervals
}

/// Kolmogorov-Smirnov distance between the sample and the unit exponential distribution.
pub fn ks_statistic_exponential(sample: &[f64]) -> f64 {
    let mut sorted: Vec<f64> = sample.to_vec();
    sorted.sort_by(f64::total_cmp);
    let n = sorted.len() as f64;
    sorted
        .iter()
        .enumerate()
        .map(|(k, &x)| {
            let cdf = 1.0 - (-x).exp();
            (cdf - k as f64 / n).max((k + 1) as f64 / n - cdf)
        })
        .fold(0.0, f64::max)
}

/// Points of a QQ plot of the sample against Exp(1): `(theoretical, observed)` quantile pairs at
/// plotting positions `(k - 0.5) / n`. A fitted model that is right lies on the diagonal.
pub fn qq_points_exponential(sample: &[f64]) -> Vec<(f64, f64)> {
    let mut sorted: Vec<f64> = sample.to_vec();
    sorted.sort_by(f64::total_cmp);
    let n = sorted.len() as f64;
    sorted
        .iter()
        .enumerate()
        .map(|(k, &x)| (-(1.0 - (k as f64 + 0.5) / n).ln(), x))
        .collect()
}

/// Asymptotic p-value of a KS distance `d` from `n` observations (Kolmogorov distribution with
/// Stephens' small-sample correction). Parameters are estimated from the same data, which makes
/// the test conservative (p-values too high), a known caveat of time-rescaling checks.
pub fn ks_p_value(d: f64, n: usize) -> f64 {
    if n == 0 {
        return f64::NAN;
    }
    let root_n = (n as f64).sqrt();
    let lambda = (root_n + 0.12 + 0.11 / root_n) * d;
    if lambda < 0.2 {
        return 1.0;
    }
    let mut sum = 0.0;
    for k in 1..=200 {
        let k = k as f64;
        let term = 2.0 * (-1.0_f64).powf(k - 1.0) * (-2.0 * k * k * lambda * lambda).exp();
        sum += term;
        if term.abs() < 1e-16 {
            break;
        }
    }
    sum.clamp(0.0, 1.0)
}

/// Natural log of the gamma function (Lanczos, g = 7, 9 terms; ~1e-15 relative).
pub fn ln_gamma(x: f64) -> f64 {
    const COEFFICIENTS: [f64; 9] = [
        0.999_999_999_999_809_9,
        676.520_368_121_885_1,
        -1_259.139_216_722_402_8,
        771.323_428_777_653_1,
        -176.615_029_162_140_6,
        12.507_343_278_686_905,
        -0.138_571_095_265_720_12,
        9.984_369_578_019_572e-6,
        1.505_632_735_149_311_6e-7,
    ];
    if x < 0.5 {
        let pi = std::f64::consts::PI;
        return (pi / (pi * x).sin()).ln() - ln_gamma(1.0 - x);
    }
    let x = x - 1.0;
    let mut a = COEFFICIENTS[0];
    let t = x + 7.5;
    for (k, &c) in COEFFICIENTS.iter().enumerate().skip(1) {
        a += c / (x + k as f64);
    }
    0.5 * (2.0 * std::f64::consts::PI).ln() + (x + 0.5) * t.ln() - t + a.ln()
}

/// Regularised upper incomplete gamma `Q(a, x)`: series below `a + 1`, continued fraction above.
pub fn gamma_q(a: f64, x: f64) -> f64 {
    if x <= 0.0 {
        return 1.0;
    }
    let log_prefactor = a * x.ln() - x - ln_gamma(a);
    if x < a + 1.0 {
        let mut term = 1.0 / a;
        let mut sum = term;
        let mut n = a;
        for _ in 0..1000 {
            n += 1.0;
            term *= x / n;
            sum += term;
            if term.abs() < sum.abs() * 1e-16 {
                break;
            }
        }
        1.0 - sum * log_prefactor.exp()
    } else {
        // Modified Lentz evaluation of the continued fraction.
        let tiny = 1e-300;
        let mut b = x + 1.0 - a;
        let mut c = 1.0 / tiny;
        let mut d = 1.0 / b;
        let mut h = d;
        for i in 1..1000 {
            let i = i as f64;
            let an = -i * (i - a);
            b += 2.0;
            d = an * d + b;
            if d.abs() < tiny {
                d = tiny;
            }
            c = b + an / c;
            if c.abs() < tiny {
                c = tiny;
            }
            d = 1.0 / d;
            let delta = d * c;
            h *= delta;
            if (delta - 1.0).abs() < 1e-16 {
                break;
            }
        }
        log_prefactor.exp() * h
    }
}

/// Survival function of the chi-square distribution with `df` degrees of freedom.
pub fn chi_square_sf(statistic: f64, df: f64) -> f64 {
    gamma_q(0.5 * df, 0.5 * statistic)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chi_square_matches_tabulated_values() {
        // Upper 5% points: 3.841 (1 df), 5.991 (2 df), 18.307 (10 df).
        assert!((chi_square_sf(3.841_458_820_694_124, 1.0) - 0.05).abs() < 1e-9);
        assert!((chi_square_sf(5.991_464_547_107_979, 2.0) - 0.05).abs() < 1e-9);
        assert!((chi_square_sf(18.307_038_053_275_146, 10.0) - 0.05).abs() < 1e-9);
        assert!((ln_gamma(10.0) - 362_880.0_f64.ln()).abs() < 1e-12);
    }

    #[test]
    fn ks_p_value_is_near_the_tabulated_critical_point() {
        // The asymptotic 5% critical value of sqrt(n) D is 1.358.
        let n = 10_000;
        let d = 1.358 / (n as f64).sqrt();
        assert!((ks_p_value(d, n) - 0.05).abs() < 0.003);
    }

    #[test]
    fn qq_points_are_sorted_pairs_on_the_exponential_scale() {
        let points = qq_points_exponential(&[3.0, 0.1, 1.0]);
        assert_eq!(points.len(), 3);
        assert_eq!(points[0].1, 0.1);
        assert!(
            (points[1].0 - 2.0_f64.ln()).abs() < 1e-12,
            "median of Exp(1) is ln 2"
        );
    }

    #[test]
    fn a_poisson_process_rescales_to_unit_exponentials() {
        let params = HawkesParams {
            mu: vec![vec![2.0]],
            adjacency: vec![vec![0.0]],
            beta: 1.0,
        };
        let seq = crate::hawkes::simulate::simulate_thinning(&params, &[], 2000.0, 11).unwrap();
        let intervals = rescaled_intervals(&seq, &[], &params);
        let d = ks_statistic_exponential(&intervals[0]);
        assert!(ks_p_value(d, intervals[0].len()) > 0.01, "D = {d}");
        // The wrong rate must fail.
        let wrong = HawkesParams {
            mu: vec![vec![3.0]],
            ..params
        };
        let bad = rescaled_intervals(&seq, &[], &wrong);
        assert!(ks_p_value(ks_statistic_exponential(&bad[0]), bad[0].len()) < 1e-6);
    }
}
