//! Seeded simulation of Hawkes processes, two ways: Ogata's thinning (intensity-driven) and the
//! branching (cluster) construction. Both target the same law, which the tests exploit.

use crate::hawkes::model::{segment_bounds, validate_change_points, EventSequence, HawkesParams};
use crate::hawkes::HawkesError;

/// A small, fast, seedable generator (xoshiro256**, seeded through SplitMix64), so simulations
/// are reproducible without a dependency.
#[derive(Debug, Clone)]
pub struct Rng {
    state: [u64; 4],
}

impl Rng {
    /// A generator from a seed; equal seeds give equal streams.
    pub fn new(seed: u64) -> Rng {
        let mut s = seed;
        let mut next = || {
            s = s.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = s;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^ (z >> 31)
        };
        Rng {
            state: [next(), next(), next(), next()],
        }
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        let result = self.state[1].wrapping_mul(5).rotate_left(7).wrapping_mul(9);
        let t = self.state[1] << 17;
        self.state[2] ^= self.state[0];
        self.state[3] ^= self.state[1];
        self.state[1] ^= self.state[2];
        self.state[0] ^= self.state[3];
        self.state[2] ^= t;
        self.state[3] = self.state[3].rotate_left(45);
        result
    }

    /// Uniform on the open interval (0, 1), so logarithms are always finite.
    pub fn uniform(&mut self) -> f64 {
        ((self.next_u64() >> 11) as f64 + 0.5) * (1.0 / (1u64 << 53) as f64)
    }

    /// Exponential with rate 1.
    pub fn exponential(&mut self) -> f64 {
        -self.uniform().ln()
    }

    /// Poisson with the given mean, by counting unit-rate arrivals in `[0, mean]` (O(mean), fine
    /// for branching ratios well under the tens).
    pub fn poisson(&mut self, mean: f64) -> u64 {
        let mut count = 0;
        let mut clock = self.exponential();
        while clock <= mean {
            count += 1;
            clock += self.exponential();
        }
        count
    }
}

fn check(params: &HawkesParams, change_points: &[f64], end: f64) -> Result<(), HawkesError> {
    if !(end.is_finite() && end > 0.0) {
        return Err(HawkesError::InvalidData(format!(
            "window end must be positive, got {end}"
        )));
    }
    validate_change_points(change_points, end)?;
    params.validate(params.dims(), change_points.len() + 1)
}

/// Simulates on `[0, end]` by Ogata's thinning: between events the excitation only decays, so
/// the intensity just after the last event (with the largest background still ahead) bounds it
/// until the next candidate point.
pub fn simulate_thinning(
    params: &HawkesParams,
    change_points: &[f64],
    end: f64,
    seed: u64,
) -> Result<EventSequence, HawkesError> {
    check(params, change_points, end)?;
    let dims = params.dims();
    let bounds = segment_bounds(change_points, end);
    let mut rng = Rng::new(seed);
    let mut recent = vec![0.0; dims];
    let mut times = Vec::new();
    let mut marks = Vec::new();
    let mut t = 0.0;
    let mut segment = 0;
    loop {
        let background_ahead: f64 = (0..dims)
            .map(|i| params.mu[i][segment..].iter().cloned().fold(0.0, f64::max))
            .sum();
        let excitation: f64 = (0..dims)
            .map(|i| {
                (0..dims)
                    .map(|j| params.adjacency[i][j] * recent[j])
                    .sum::<f64>()
            })
            .sum::<f64>()
            * params.beta;
        let bound = background_ahead + excitation;
        if bound <= 0.0 {
            break;
        }
        let step = rng.exponential() / bound;
        t += step;
        if t > end {
            break;
        }
        let decay = (-params.beta * step).exp();
        recent.iter_mut().for_each(|r| *r *= decay);
        while segment + 1 < bounds.len() - 1 && t >= bounds[segment + 1] {
            segment += 1;
        }
        let intensities: Vec<f64> = (0..dims)
            .map(|i| {
                params.mu[i][segment]
                    + params.beta
                        * (0..dims)
                            .map(|j| params.adjacency[i][j] * recent[j])
                            .sum::<f64>()
            })
            .collect();
        let total: f64 = intensities.iter().sum();
        let mut pick = rng.uniform() * bound;
        if pick > total {
            continue;
        }
        let mut mark = dims - 1;
        for (i, &intensity) in intensities.iter().enumerate() {
            if pick < intensity {
                mark = i;
                break;
            }
            pick -= intensity;
        }
        times.push(t);
        marks.push(mark);
        recent[mark] += 1.0;
    }
    EventSequence::new(times, marks, dims, end)
}

/// Simulates on `[0, end]` by the branching construction: background (immigrant) events are
/// Poisson in each segment; every event of type `j` has Poisson(`A[i][j]`) children of type `i`
/// after Exp(`beta`) delays; children past `end` are dropped. Requires a subcritical matrix
/// (branching ratio < 1), otherwise the cascade need not end.
pub fn simulate_branching(
    params: &HawkesParams,
    change_points: &[f64],
    end: f64,
    seed: u64,
) -> Result<EventSequence, HawkesError> {
    check(params, change_points, end)?;
    let ratio = crate::hawkes::model::spectral_radius(&params.adjacency);
    if ratio >= 1.0 {
        return Err(HawkesError::InvalidParameters(format!(
            "branching simulation needs a branching ratio below 1, got {ratio:.3}"
        )));
    }
    let dims = params.dims();
    let bounds = segment_bounds(change_points, end);
    let mut rng = Rng::new(seed);
    let mut events: Vec<(f64, usize)> = Vec::new();
    for i in 0..dims {
        for s in 0..bounds.len() - 1 {
            let rate = params.mu[i][s];
            if rate <= 0.0 {
                continue;
            }
            let mut t = bounds[s] + rng.exponential() / rate;
            while t < bounds[s + 1] {
                events.push((t, i));
                t += rng.exponential() / rate;
            }
        }
    }
    let mut next = 0;
    while next < events.len() {
        let (parent_time, parent_mark) = events[next];
        next += 1;
        for i in 0..dims {
            for _ in 0..rng.poisson(params.adjacency[i][parent_mark]) {
                let child = parent_time + rng.exponential() / params.beta;
                if child <= end {
                    events.push((child, i));
                }
            }
        }
    }
    events.sort_by(|a, b| a.0.total_cmp(&b.0));
    let (times, marks) = events.into_iter().unzip();
    EventSequence::new(times, marks, dims, end)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeds_reproduce_and_differ() {
        let p = HawkesParams {
            mu: vec![vec![0.5]],
            adjacency: vec![vec![0.5]],
            beta: 2.0,
        };
        let a = simulate_thinning(&p, &[], 100.0, 7).unwrap();
        let b = simulate_thinning(&p, &[], 100.0, 7).unwrap();
        let c = simulate_thinning(&p, &[], 100.0, 8).unwrap();
        assert_eq!(a, b);
        assert_ne!(a, c);
    }

    #[test]
    fn poisson_sampler_has_the_right_mean() {
        let mut rng = Rng::new(3);
        let n = 200_000;
        let mean = (0..n).map(|_| rng.poisson(0.7) as f64).sum::<f64>() / n as f64;
        // Standard error of the mean is sqrt(0.7 / n) ~ 0.0019.
        assert!((mean - 0.7).abs() < 0.01, "{mean}");
    }
}
