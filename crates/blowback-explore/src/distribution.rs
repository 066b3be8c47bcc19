//! Marginal distributions of uncertain parameters, each mapped from the unit interval by its
//! quantile function, so that every sampler (random, stratified, quasi-random, grid) only has to
//! produce points in the unit hypercube.

use serde::Serialize;

/// The distribution of one uncertain parameter.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub enum Distribution {
    /// Every value in `[low, high]` equally likely.
    Uniform {
        /// Lower bound.
        low: f64,
        /// Upper bound.
        high: f64,
    },
    /// Triangular on `[low, high]` with its peak at `mode`.
    Triangular {
        /// Lower bound.
        low: f64,
        /// Most likely value.
        mode: f64,
        /// Upper bound.
        high: f64,
    },
    /// A normal distribution cut to `[low, high]`.
    TruncatedNormal {
        /// Mean of the untruncated normal.
        mean: f64,
        /// Standard deviation of the untruncated normal.
        sd: f64,
        /// Lower cut.
        low: f64,
        /// Upper cut.
        high: f64,
    },
    /// `log(x)` uniform on `[log(low), log(high)]`: every order of magnitude equally likely.
    LogUniform {
        /// Lower bound (positive).
        low: f64,
        /// Upper bound.
        high: f64,
    },
    /// A finite set of values with weights (equal weights when none are given).
    Discrete {
        /// The values.
        values: Vec<f64>,
        /// Non-negative weights, one per value, normalised on use.
        weights: Vec<f64>,
    },
}

impl Distribution {
    /// The value at cumulative probability `u` (clamped to `[0, 1]`).
    pub fn quantile(&self, u: f64) -> f64 {
        let u = if u.is_nan() { 0.5 } else { u.clamp(0.0, 1.0) };
        match self {
            Distribution::Uniform { low, high } => low + u * (high - low),
            Distribution::Triangular { low, mode, high } => {
                let width = high - low;
                if width <= 0.0 {
                    return *low;
                }
                let split = (mode - low) / width;
                if u < split {
                    low + (u * width * (mode - low)).sqrt()
                } else {
                    high - ((1.0 - u) * width * (high - mode)).sqrt()
                }
            }
            Distribution::TruncatedNormal {
                mean,
                sd,
                low,
                high,
            } => {
                let lower = normal_cdf((low - mean) / sd);
                let upper = normal_cdf((high - mean) / sd);
                let p = lower + u * (upper - lower);
                (mean + sd * normal_quantile(p)).clamp(*low, *high)
            }
            Distribution::LogUniform { low, high } => (low.ln() + u * (high.ln() - low.ln())).exp(),
            Distribution::Discrete { values, weights } => {
                let total: f64 = weights.iter().sum();
                let mut cumulative = 0.0;
                for (value, weight) in values.iter().zip(weights) {
                    cumulative += weight / total;
                    if u < cumulative {
                        return *value;
                    }
                }
                *values.last().unwrap_or(&f64::NAN)
            }
        }
    }

    /// The smallest and largest value the distribution can take.
    pub fn bounds(&self) -> (f64, f64) {
        match self {
            Distribution::Uniform { low, high }
            | Distribution::Triangular { low, high, .. }
            | Distribution::TruncatedNormal { low, high, .. }
            | Distribution::LogUniform { low, high } => (*low, *high),
            Distribution::Discrete { values, .. } => values
                .iter()
                .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
                    (lo.min(*v), hi.max(*v))
                }),
        }
    }

    /// A short human description, e.g. `uniform(0.1, 0.5)`.
    pub fn describe(&self) -> String {
        match self {
            Distribution::Uniform { low, high } => format!("uniform({low}, {high})"),
            Distribution::Triangular { low, mode, high } => {
                format!("triangular({low}, {mode}, {high})")
            }
            Distribution::TruncatedNormal {
                mean,
                sd,
                low,
                high,
            } => format!("truncated_normal(mean {mean}, sd {sd}, [{low}, {high}])"),
            Distribution::LogUniform { low, high } => format!("log_uniform({low}, {high})"),
            Distribution::Discrete { values, .. } => format!("discrete({values:?})"),
        }
    }

    /// Checks that the parameters make a proper distribution; the error says what to change.
    pub(crate) fn validate(&self) -> Result<(), (String, String)> {
        let finite = |x: f64| x.is_finite();
        match self {
            Distribution::Uniform { low, high } | Distribution::LogUniform { low, high } => {
                if !finite(*low) || !finite(*high) || low >= high {
                    return Err((
                        format!("needs low < high, got low = {low}, high = {high}"),
                        "swap or widen the bounds".into(),
                    ));
                }
                if matches!(self, Distribution::LogUniform { .. }) && *low <= 0.0 {
                    return Err((
                        format!("log_uniform needs low > 0, got {low}"),
                        "use uniform for ranges that include zero".into(),
                    ));
                }
            }
            Distribution::Triangular { low, mode, high } => {
                if !(low < high && low <= mode && mode <= high) {
                    return Err((
                        format!(
                            "needs low <= mode <= high and low < high, got {low}, {mode}, {high}"
                        ),
                        "put the mode inside the range".into(),
                    ));
                }
            }
            Distribution::TruncatedNormal {
                mean,
                sd,
                low,
                high,
            } => {
                if !(*sd > 0.0 && low < high && finite(*mean)) {
                    return Err((
                        format!("needs sd > 0 and low < high, got sd = {sd}, low = {low}, high = {high}"),
                        "give a positive sd and a proper range".into(),
                    ));
                }
                let mass = normal_cdf((high - mean) / sd) - normal_cdf((low - mean) / sd);
                if mass < 1e-12 {
                    return Err((
                        format!("the range [{low}, {high}] holds no probability under mean {mean}, sd {sd}"),
                        "move the mean inside the range or widen sd".into(),
                    ));
                }
            }
            Distribution::Discrete { values, weights } => {
                if values.is_empty() {
                    return Err((
                        "discrete needs at least one value".into(),
                        "add `values = [...]`".into(),
                    ));
                }
                if weights.len() != values.len() {
                    return Err((
                        format!("{} values but {} weights", values.len(), weights.len()),
                        "give one weight per value, or none".into(),
                    ));
                }
                if weights.iter().any(|w| w.is_nan() || *w < 0.0)
                    || weights.iter().sum::<f64>() <= 0.0
                {
                    return Err((
                        "weights must be non-negative and not all zero".into(),
                        "check `weights`".into(),
                    ));
                }
            }
        }
        Ok(())
    }
}

/// The standard normal cumulative distribution function.
pub(crate) fn normal_cdf(x: f64) -> f64 {
    0.5 * erfc(-x / std::f64::consts::SQRT_2)
}

/// The complementary error function, from the Chebyshev-fitted approximation in Numerical Recipes
/// (fractional error below 1.2e-7 everywhere), which is ample for sampling.
fn erfc(x: f64) -> f64 {
    let z = x.abs();
    let t = 1.0 / (1.0 + 0.5 * z);
    let r = t
        * (-z * z - 1.265_512_23
            + t * (1.000_023_68
                + t * (0.374_091_96
                    + t * (0.096_784_18
                        + t * (-0.186_288_06
                            + t * (0.278_868_07
                                + t * (-1.135_203_98
                                    + t * (1.488_515_87
                                        + t * (-0.822_152_23 + t * 0.170_872_77)))))))))
            .exp();
    if x >= 0.0 {
        r
    } else {
        2.0 - r
    }
}

/// The standard normal quantile (Acklam's rational approximation, relative error about 1e-9,
/// good to about 1e-9 relative error).
pub(crate) fn normal_quantile(p: f64) -> f64 {
    if p <= 0.0 {
        return f64::NEG_INFINITY;
    }
    if p >= 1.0 {
        return f64::INFINITY;
    }
    const A: [f64; 6] = [
        -3.969_683_028_665_376e1,
        2.209_460_984_245_205e2,
        -2.759_285_104_469_687e2,
        1.383_577_518_672_69e2,
        -3.066_479_806_614_716e1,
        2.506_628_277_459_239,
    ];
    const B: [f64; 5] = [
        -5.447_609_879_822_406e1,
        1.615_858_368_580_409e2,
        -1.556_989_798_598_866e2,
        6.680_131_188_771_972e1,
        -1.328_068_155_288_572e1,
    ];
    const C: [f64; 6] = [
        -7.784_894_002_430_293e-3,
        -3.223_964_580_411_365e-1,
        -2.400_758_277_161_838,
        -2.549_732_539_343_734,
        4.374_664_141_464_968,
        2.938_163_982_698_783,
    ];
    const D: [f64; 4] = [
        7.784_695_709_041_462e-3,
        3.224_671_290_700_398e-1,
        2.445_134_137_142_996,
        3.754_408_661_907_416,
    ];
    let low = 0.024_25;
    if p < low {
        let q = (-2.0 * p.ln()).sqrt();
        (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    } else if p <= 1.0 - low {
        let q = p - 0.5;
        let r = q * q;
        (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q
            / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1.0)
    } else {
        let q = (-2.0 * (1.0 - p).ln()).sqrt();
        -(((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normal_quantile_inverts_cdf() {
        for p in [0.001, 0.02, 0.1, 0.5, 0.8, 0.975, 0.9999] {
            let x = normal_quantile(p);
            assert!((normal_cdf(x) - p).abs() < 1e-6, "p {p} x {x}");
        }
        assert!((normal_quantile(0.975) - 1.959_964).abs() < 1e-5);
    }

    #[test]
    fn quantiles_stay_in_bounds_and_are_monotone() {
        let dists = [
            Distribution::Uniform {
                low: -1.0,
                high: 3.0,
            },
            Distribution::Triangular {
                low: 0.0,
                mode: 0.2,
                high: 1.0,
            },
            Distribution::TruncatedNormal {
                mean: 0.3,
                sd: 0.5,
                low: 0.0,
                high: 1.0,
            },
            Distribution::LogUniform {
                low: 0.01,
                high: 10.0,
            },
            Distribution::Discrete {
                values: vec![1.0, 2.0, 5.0],
                weights: vec![1.0, 1.0, 2.0],
            },
        ];
        for d in &dists {
            let (lo, hi) = d.bounds();
            let mut previous = f64::NEG_INFINITY;
            for k in 0..=100 {
                let x = d.quantile(k as f64 / 100.0);
                assert!(x >= lo - 1e-12 && x <= hi + 1e-12, "{d:?} {x}");
                assert!(x >= previous, "{d:?} not monotone");
                previous = x;
            }
        }
    }

    #[test]
    fn triangular_median_matches_closed_form() {
        let d = Distribution::Triangular {
            low: 0.0,
            mode: 1.0,
            high: 1.0,
        };
        // F(x) = x^2 on [0, 1], so the median is sqrt(0.5).
        assert!((d.quantile(0.5) - 0.5_f64.sqrt()).abs() < 1e-12);
    }

    #[test]
    fn discrete_weights_set_the_shares() {
        let d = Distribution::Discrete {
            values: vec![1.0, 2.0],
            weights: vec![3.0, 1.0],
        };
        assert_eq!(d.quantile(0.74), 1.0);
        assert_eq!(d.quantile(0.76), 2.0);
    }

    #[test]
    fn bad_distributions_are_rejected() {
        assert!(Distribution::Uniform {
            low: 1.0,
            high: 1.0
        }
        .validate()
        .is_err());
        assert!(Distribution::LogUniform {
            low: 0.0,
            high: 1.0
        }
        .validate()
        .is_err());
        assert!(Distribution::Triangular {
            low: 0.0,
            mode: 2.0,
            high: 1.0
        }
        .validate()
        .is_err());
        assert!(Distribution::Discrete {
            values: vec![],
            weights: vec![]
        }
        .validate()
        .is_err());
    }
}
