//! Experimental designs: which points of the parameter space to run.
//!
//! Every sampler computes experiment `i` on demand from `(seed, i)` alone, so a design of a million
//! runs costs no memory, and any thread or shard that computes experiment `i` gets the same point.
//! Samplers work in the unit hypercube; each parameter's quantile function maps the point to values.

use rand::{Rng, SeedableRng};
use rand_pcg::Pcg64Mcg;

use crate::error::ExploreError;
use crate::uncertainties::Parameter;

/// A way of choosing experiments.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Method {
    /// Independent uniform draws: `samples` experiments.
    MonteCarlo,
    /// Latin hypercube: each parameter's range cut into `samples` equal-probability strata, each
    /// stratum used exactly once.
    LatinHypercube,
    /// Saltelli's design for Sobol indices on an Owen-scrambled Sobol sequence: `samples` base
    /// points, `samples * (d + 2)` experiments laid out as blocks `A, B, AB_1 .. AB_d`.
    Saltelli,
    /// Morris elementary-effect trajectories on a grid of `levels` levels: `samples` trajectories
    /// of `d + 1` experiments each.
    Morris {
        /// Grid levels per parameter (even, usually 4).
        levels: usize,
    },
    /// Every combination of `samples` levels per continuous parameter (the midpoints of equal-
    /// probability bins) and every value of each discrete parameter.
    FullFactorial,
}

impl Method {
    /// The method's command-line name.
    pub fn name(&self) -> &'static str {
        match self {
            Method::MonteCarlo => "mc",
            Method::LatinHypercube => "lhs",
            Method::Saltelli => "sobol",
            Method::Morris { .. } => "morris",
            Method::FullFactorial => "factorial",
        }
    }
}

/// The largest factorial design we agree to enumerate.
const MAX_EXPERIMENTS: u128 = 1 << 40;

/// A design: the method, the parameters, the seed and the number of experiments.
#[derive(Debug, Clone)]
pub struct Design {
    method: Method,
    parameters: Vec<Parameter>,
    samples: usize,
    seed: u64,
    len: usize,
    factorial_levels: Vec<usize>,
}

impl Design {
    /// Builds a design. `samples` means experiments (Monte Carlo, Latin hypercube), base points
    /// (Saltelli), trajectories (Morris) or levels per continuous parameter (full factorial).
    pub fn new(
        method: Method,
        parameters: Vec<Parameter>,
        samples: usize,
        seed: u64,
    ) -> Result<Design, ExploreError> {
        let d = parameters.len();
        if d == 0 {
            return Err(ExploreError::Design("no uncertain parameters".into()));
        }
        if samples == 0 {
            return Err(ExploreError::Design("samples must be at least 1".into()));
        }
        let mut factorial_levels = Vec::new();
        let len = match method {
            Method::MonteCarlo | Method::LatinHypercube => samples,
            Method::Saltelli => {
                if samples > 1 << 16 {
                    return Err(ExploreError::Design(format!(
                        "the Sobol sequence here has 2^16 = 65536 points; {samples} base samples asked (hint: use fewer, or shard the run over seeds)"
                    )));
                }
                if d > sobol_burley::NUM_DIMENSIONS as usize {
                    return Err(ExploreError::Design(format!(
                        "the Sobol sequence here has {} dimensions; {d} parameters asked",
                        sobol_burley::NUM_DIMENSIONS
                    )));
                }
                samples * (d + 2)
            }
            Method::Morris { levels } => {
                if levels < 2 || levels % 2 != 0 {
                    return Err(ExploreError::Design(format!(
                        "Morris needs an even number of levels >= 2, got {levels}"
                    )));
                }
                samples * (d + 1)
            }
            Method::FullFactorial => {
                factorial_levels = parameters
                    .iter()
                    .map(|p| match &p.distribution {
                        crate::Distribution::Discrete { values, .. } => values.len(),
                        _ => samples,
                    })
                    .collect();
                let total = factorial_levels
                    .iter()
                    .try_fold(1u128, |acc, &l| acc.checked_mul(l as u128))
                    .filter(|&t| t <= MAX_EXPERIMENTS)
                    .ok_or_else(|| {
                        ExploreError::Design(format!(
                            "a full factorial of {samples} levels over {d} parameters is too large (hint: use lhs)"
                        ))
                    })?;
                total as usize
            }
        };
        Ok(Design {
            method,
            parameters,
            samples,
            seed,
            len,
            factorial_levels,
        })
    }

    /// The method.
    pub fn method(&self) -> Method {
        self.method
    }

    /// The uncertain parameters, in column order.
    pub fn parameters(&self) -> &[Parameter] {
        &self.parameters
    }

    /// The number of parameters.
    pub fn dimensions(&self) -> usize {
        self.parameters.len()
    }

    /// The `samples` the design was built with.
    pub fn samples(&self) -> usize {
        self.samples
    }

    /// The base seed.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// The number of experiments.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the design has no experiments (never true for a built design).
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Experiment `index` in the unit hypercube, written into `out` (length `dimensions()`).
    pub fn unit_point(&self, index: usize, out: &mut [f64]) {
        let d = self.dimensions();
        debug_assert_eq!(out.len(), d);
        match self.method {
            Method::MonteCarlo => {
                let mut rng = stream(self.seed, index as u64);
                for u in out.iter_mut() {
                    *u = rng.random::<f64>();
                }
            }
            Method::LatinHypercube => {
                let mut rng = stream(self.seed, index as u64);
                let n = self.samples as u64;
                for (j, u) in out.iter_mut().enumerate() {
                    let key = mix(self.seed ^ 0x4c48_5300, j as u64);
                    let stratum = permute(index as u64, n, key);
                    *u = (stratum as f64 + rng.random::<f64>()) / n as f64;
                }
            }
            Method::Saltelli => {
                let block = index / (d + 2);
                let row = index % (d + 2);
                // Normally A and B are the two halves of one 2d-dimensional Sobol sequence (as in
                // Saltelli 2010). With more than half the available dimensions, B is instead an
                // independent Owen scrambling of A's d dimensions: still uniform and independent
                // of A, but with somewhat larger estimation error (the property tests show it).
                let split = 2 * d <= sobol_burley::NUM_DIMENSIONS as usize;
                let scramble_a = mix(self.seed, 0x0005_0b01) as u32;
                let scramble_b = if split {
                    scramble_a
                } else {
                    mix(self.seed, 0x0005_0b02) as u32
                };
                for (j, u) in out.iter_mut().enumerate() {
                    // Row 0 is A, row 1 is B, row 2 + k is A with column k taken from B.
                    let from_b = row == 1 || (row >= 2 && row - 2 == j);
                    let (dim, scramble) = match (from_b, split) {
                        (false, _) => (j, scramble_a),
                        (true, true) => (d + j, scramble_a),
                        (true, false) => (j, scramble_b),
                    };
                    let x = sobol_burley::sample(block as u32, dim as u32, scramble) as f64;
                    // f32 points can round to exactly 1.0; keep them inside the open cube.
                    *u = x.min(1.0 - 1e-9);
                }
            }
            Method::Morris { levels } => {
                let trajectory = index / (d + 1);
                let step = index % (d + 1);
                let (start, order, deltas) = self.morris_trajectory(trajectory, levels);
                out.copy_from_slice(&start);
                for &dim in &order[..step] {
                    out[dim] += deltas[dim];
                }
            }
            Method::FullFactorial => {
                let mut rest = index;
                for (u, &levels) in out.iter_mut().zip(&self.factorial_levels) {
                    let level = rest % levels;
                    rest /= levels;
                    *u = (level as f64 + 0.5) / levels as f64;
                }
            }
        }
    }

    /// Experiment `index` in parameter values, written into `out`.
    pub fn point(&self, index: usize, out: &mut [f64]) {
        self.unit_point(index, out);
        for (x, p) in out.iter_mut().zip(&self.parameters) {
            *x = p.distribution.quantile(*x);
        }
    }

    /// Morris trajectory `t`: its start point, the order in which parameters move, and each
    /// parameter's signed step in the unit cube.
    pub(crate) fn morris_trajectory(
        &self,
        t: usize,
        levels: usize,
    ) -> (Vec<f64>, Vec<usize>, Vec<f64>) {
        let d = self.dimensions();
        let mut rng = stream(self.seed ^ 0x6d6f_7272, t as u64);
        let delta = levels as f64 / (2.0 * (levels as f64 - 1.0));
        let mut start = vec![0.0; d];
        let mut deltas = vec![0.0; d];
        for j in 0..d {
            let level = rng.random_range(0..levels);
            start[j] = level as f64 / (levels as f64 - 1.0);
            // Step up when there is room, else down: both halves of the grid are used equally.
            deltas[j] = if start[j] + delta <= 1.0 + 1e-12 {
                delta
            } else {
                -delta
            };
        }
        let mut order: Vec<usize> = (0..d).collect();
        for k in (1..d).rev() {
            let swap = rng.random_range(0..=k);
            order.swap(k, swap);
        }
        (start, order, deltas)
    }
}

/// A statistically independent random stream for experiment `index` under `seed`.
pub fn stream(seed: u64, index: u64) -> Pcg64Mcg {
    let high = mix(seed, index);
    let low = mix(high, index ^ 0x9e37_79b9_7f4a_7c15);
    Pcg64Mcg::from_seed((((high as u128) << 64) | low as u128).to_le_bytes())
}

/// SplitMix64 finaliser over two words: a cheap, well-mixed hash.
pub(crate) fn mix(a: u64, b: u64) -> u64 {
    let mut z = a
        .wrapping_add(b.wrapping_mul(0x9e37_79b9_7f4a_7c15))
        .wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// A keyed pseudo-random permutation of `0..n` evaluated at `index`: a four-round Feistel network
/// on the smallest even number of bits covering `n`, with cycle-walking back into range. It lets
/// the Latin hypercube give each experiment its stratum without storing a permutation.
fn permute(index: u64, n: u64, key: u64) -> u64 {
    if n <= 1 {
        return 0;
    }
    let bits = 64 - (n - 1).leading_zeros();
    let half = bits.div_ceil(2);
    let mask = (1u64 << half) - 1;
    let mut x = index;
    loop {
        let mut left = x >> half;
        let mut right = x & mask;
        for round in 0..4 {
            let f = mix(key ^ round, right) & mask;
            let next = left ^ f;
            left = right;
            right = next;
        }
        x = (left << half) | right;
        if x < n {
            return x;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Distribution;

    fn params(d: usize) -> Vec<Parameter> {
        (0..d)
            .map(|j| Parameter {
                name: format!("x{j}"),
                distribution: Distribution::Uniform {
                    low: 0.0,
                    high: 1.0,
                },
                source: String::new(),
            })
            .collect()
    }

    fn all_points(design: &Design) -> Vec<Vec<f64>> {
        (0..design.len())
            .map(|i| {
                let mut p = vec![0.0; design.dimensions()];
                design.point(i, &mut p);
                p
            })
            .collect()
    }

    #[test]
    fn permutation_is_a_bijection() {
        for n in [1u64, 2, 3, 7, 64, 100, 1000] {
            let mut seen: Vec<u64> = (0..n).map(|i| permute(i, n, 42)).collect();
            seen.sort_unstable();
            assert_eq!(seen, (0..n).collect::<Vec<_>>(), "n = {n}");
        }
    }

    #[test]
    fn latin_hypercube_uses_every_stratum_once() {
        let n = 50;
        let design = Design::new(Method::LatinHypercube, params(3), n, 7).unwrap();
        let points = all_points(&design);
        for j in 0..3 {
            let mut strata: Vec<usize> =
                points.iter().map(|p| (p[j] * n as f64) as usize).collect();
            strata.sort_unstable();
            assert_eq!(strata, (0..n).collect::<Vec<_>>());
        }
    }

    #[test]
    fn points_depend_only_on_seed_and_index() {
        for method in [
            Method::MonteCarlo,
            Method::LatinHypercube,
            Method::Saltelli,
            Method::Morris { levels: 4 },
        ] {
            let a = Design::new(method, params(4), 16, 3).unwrap();
            let b = Design::new(method, params(4), 16, 3).unwrap();
            let c = Design::new(method, params(4), 16, 4).unwrap();
            let forward = all_points(&a);
            // Computing in reverse order (as another thread or shard might) changes nothing.
            let mut backward: Vec<Vec<f64>> = (0..b.len())
                .rev()
                .map(|i| {
                    let mut p = vec![0.0; 4];
                    b.point(i, &mut p);
                    p
                })
                .collect();
            backward.reverse();
            assert_eq!(forward, backward, "{method:?}");
            assert_ne!(forward, all_points(&c), "{method:?}: seed must matter");
        }
    }

    #[test]
    fn saltelli_blocks_share_columns() {
        let d = 3;
        let design = Design::new(Method::Saltelli, params(d), 8, 1).unwrap();
        let points = all_points(&design);
        assert_eq!(points.len(), 8 * (d + 2));
        for block in points.chunks(d + 2) {
            let (a, b) = (&block[0], &block[1]);
            for k in 0..d {
                for j in 0..d {
                    let expected = if j == k { b[j] } else { a[j] };
                    assert_eq!(block[2 + k][j], expected);
                }
            }
        }
    }

    #[test]
    fn morris_steps_move_one_parameter_by_delta() {
        let d = 5;
        let design = Design::new(Method::Morris { levels: 4 }, params(d), 10, 9).unwrap();
        let points = all_points(&design);
        for trajectory in points.chunks(d + 1) {
            for pair in trajectory.windows(2) {
                let changed: Vec<f64> = pair[0]
                    .iter()
                    .zip(&pair[1])
                    .map(|(a, b)| b - a)
                    .filter(|x| *x != 0.0)
                    .collect();
                assert_eq!(changed.len(), 1);
                assert!((changed[0].abs() - 2.0 / 3.0).abs() < 1e-12);
            }
        }
    }

    #[test]
    fn full_factorial_enumerates_every_combination() {
        let mut ps = params(2);
        ps.push(Parameter {
            name: "k".into(),
            distribution: Distribution::Discrete {
                values: vec![10.0, 20.0],
                weights: vec![1.0, 1.0],
            },
            source: String::new(),
        });
        let design = Design::new(Method::FullFactorial, ps, 3, 0).unwrap();
        assert_eq!(design.len(), 3 * 3 * 2);
        let mut points = all_points(&design);
        points.sort_by(|a, b| a.partial_cmp(b).unwrap());
        points.dedup();
        assert_eq!(points.len(), 18);
        assert!(points.iter().all(|p| p[2] == 10.0 || p[2] == 20.0));
    }

    #[test]
    fn impossible_designs_are_errors() {
        assert!(Design::new(Method::MonteCarlo, vec![], 10, 0).is_err());
        assert!(Design::new(Method::Saltelli, params(2), 1 << 17, 0).is_err());
        assert!(Design::new(Method::Morris { levels: 3 }, params(2), 10, 0).is_err());
        assert!(Design::new(Method::FullFactorial, params(30), 10, 0).is_err());
    }
}
