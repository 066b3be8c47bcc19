//! The univariate fit by profile likelihood in the decay.
//!
//! For a fixed decay `beta` the intensity `mu_s + alpha beta R(t)` is linear in the background
//! rates and the excitation, so the log-likelihood is concave in them, and more: a sum of logs of
//! affine functions minus a linear term, which is self-concordant. Damped Newton's step
//! `1 / (1 + decrement)` is then guaranteed to stay in the domain and raise the likelihood, and a
//! longer step is taken only where the slope along it shows the likelihood still rising; each
//! pass is arithmetic over stored per-event sums, with no `exp` or `ln`. What is left is a one-dimensional problem in `ln beta`: a scan over a grid (the likelihood
//! in the decay can have several local maxima) and a safeguarded Newton refinement, whose profile
//! derivatives come from the full Hessian by the envelope theorem and a Schur complement. One pass
//! with `exp` per decay tried, against one per likelihood evaluation for a joint optimiser.

use crate::hawkes::linalg::invert_spd;
use crate::hawkes::model::{segment_bounds, EventSequence};

/// Events grouped by time stamp, with what every decay shares: gaps, tie counts, segments.
pub(crate) struct Groups {
    /// Time since the previous group (the first: since 0).
    gaps: Vec<f64>,
    /// Events in each group (ties are scored against the state before any of them).
    ties: Vec<f64>,
    /// Index of each background segment's first group, and the group count at the end: groups
    /// come in time order, so each segment's groups are one run, which keeps the hot loops free
    /// of per-event segment lookups.
    starts: Vec<usize>,
    /// From the last event to the window end.
    tail: f64,
    events: f64,
    lengths: Vec<f64>,
    counts: Vec<f64>,
}

/// The recursion state just before each group at one decay: `r = sum exp(-beta lag)`, and for
/// derivatives in the decay `s = sum lag exp(..)`, `w = sum lag^2 exp(..)` (`dr/dbeta = -s`,
/// `ds/dbeta = -w`); the same at the window end.
pub(crate) struct Recursion {
    beta: f64,
    /// Smallest and largest `r` in each segment: the intensity `mu + alpha beta r` is linear in
    /// `r`, so these bound it without a per-event check in the hot loops.
    r_bounds: Vec<(f64, f64)>,
    r: Vec<f64>,
    s: Vec<f64>,
    w: Vec<f64>,
    end: [f64; 3],
}

impl Recursion {
    /// The lowest intensity in segment `s` at background `mu` and excitation `alpha`.
    fn lowest(&self, s: usize, mu: f64, alpha: f64) -> f64 {
        let (low, high) = self.r_bounds[s];
        mu + alpha * self.beta * if alpha >= 0.0 { low } else { high }
    }
}

/// Value, gradient and Hessian of the log-likelihood in natural parameters
/// `[mu_0 .. mu_{S-1}, alpha, beta]`.
pub(crate) type SecondOrder = (f64, Vec<f64>, Vec<Vec<f64>>);

impl Groups {
    /// Groups a univariate sequence. `change_points` must be valid for its window.
    pub(crate) fn new(sequence: &EventSequence, change_points: &[f64]) -> Groups {
        let bounds = segment_bounds(change_points, sequence.end());
        let segments = bounds.len() - 1;
        let times = sequence.times();
        let mut groups = Groups {
            gaps: Vec::new(),
            ties: Vec::new(),
            starts: vec![0],
            tail: 0.0,
            events: times.len() as f64,
            lengths: bounds.windows(2).map(|b| b[1] - b[0]).collect(),
            counts: vec![0.0; segments],
        };
        let mut previous = 0.0;
        let mut segment = 0;
        let mut k = 0;
        while k < times.len() {
            let t = times[k];
            let mut end = k + 1;
            while end < times.len() && times[end] == t {
                end += 1;
            }
            while segment + 1 < segments && t >= bounds[segment + 1] {
                segment += 1;
                groups.starts.push(groups.gaps.len());
            }
            groups.gaps.push(t - previous);
            groups.ties.push((end - k) as f64);
            groups.counts[segment] += (end - k) as f64;
            previous = t;
            k = end;
        }
        groups.starts.resize(segments + 1, groups.gaps.len());
        groups.tail = sequence.end() - previous;
        groups
    }

    fn segments(&self) -> usize {
        self.lengths.len()
    }

    /// The groups of segment `s`.
    fn range(&self, s: usize) -> std::ops::Range<usize> {
        self.starts[s]..self.starts[s + 1]
    }

    /// The recursion at `beta`: the one pass with an `exp` per group. `s` and `w` are kept only
    /// `with_lags`, which derivatives in the decay need and the scan does not.
    pub(crate) fn recursion(&self, beta: f64, with_lags: bool) -> Recursion {
        let n = self.gaps.len();
        let mut state = Recursion {
            beta,
            r_bounds: Vec::with_capacity(self.segments()),
            r: Vec::with_capacity(n),
            s: Vec::with_capacity(if with_lags { n } else { 0 }),
            w: Vec::with_capacity(if with_lags { n } else { 0 }),
            end: [0.0; 3],
        };
        let (mut r, mut s, mut w) = (0.0_f64, 0.0_f64, 0.0_f64);
        let advance = |dt: f64, r: &mut f64, s: &mut f64, w: &mut f64| {
            let decay = (-beta * dt).exp();
            if with_lags {
                *w = decay * (*w + 2.0 * dt * *s + dt * dt * *r);
                *s = decay * (*s + dt * *r);
            }
            *r *= decay;
        };
        for (&dt, &ties) in self.gaps.iter().zip(&self.ties) {
            advance(dt, &mut r, &mut s, &mut w);
            state.r.push(r);
            if with_lags {
                state.s.push(s);
                state.w.push(w);
            }
            r += ties;
        }
        advance(self.tail, &mut r, &mut s, &mut w);
        state.end = [r, s, w];
        for segment in 0..self.segments() {
            let values = &state.r[self.range(segment)];
            let low = values.iter().copied().fold(f64::INFINITY, f64::min);
            let high = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            state.r_bounds.push((low, high));
        }
        state
    }

    /// Maximises over `[mu.., alpha]` at the recursion's decay by damped Newton from `start`
    /// (replaced by a default start when it is not inside the domain), with `alpha >= 0`.
    /// Stops once the squared Newton decrement (about twice the distance to the maximum, in
    /// log-likelihood units) is below `tolerance`, after one more step. Returns the maximiser;
    /// `None` when the problem is degenerate.
    pub(crate) fn inner(
        &self,
        state: &Recursion,
        start: Option<&[f64]>,
        tolerance: f64,
    ) -> Option<Vec<f64>> {
        let segments = self.segments();
        let beta = state.beta;
        let default = || -> Vec<f64> {
            let mut x: Vec<f64> = (0..segments)
                .map(|s| 0.5 * self.counts[s] / self.lengths[s])
                .collect();
            x.push(0.3);
            x
        };
        let mut x = start.map_or_else(default, <[f64]>::to_vec);
        let kernel_mass = self.events - state.end[0];
        let mut restarted = start.is_none();
        for _ in 0..100 {
            // Gradient and (negated) Hessian: diagonal in the rates plus the excitation's row.
            let mut g = vec![0.0; segments + 1];
            let mut d = vec![0.0; segments];
            let mut b = vec![0.0; segments];
            let mut e = 0.0;
            let alpha = x[segments];
            let mut lowest = f64::INFINITY;
            for s in 0..segments {
                let range = self.range(s);
                lowest = lowest.min(state.lowest(s, x[s], alpha));
                let sums = newton_sums(
                    &state.r[range.clone()],
                    &self.ties[range],
                    beta,
                    x[s],
                    alpha,
                );
                g[s] = sums[0];
                g[segments] += sums[1];
                d[s] = sums[2];
                b[s] = sums[3];
                e += sums[4];
            }
            // NaN counts as outside too.
            if lowest.is_nan() || lowest <= 0.0 {
                // A warm start from another decay can lie outside this decay's domain.
                if restarted {
                    return None;
                }
                restarted = true;
                x = default();
                continue;
            }
            for (g, length) in g.iter_mut().zip(&self.lengths) {
                *g -= length;
            }
            g[segments] -= kernel_mass;
            // Solve by the Schur complement on the excitation.
            let schur = e - (0..segments).map(|s| b[s] * b[s] / d[s]).sum::<f64>();
            let positive = |v: f64| v > 0.0;
            if !positive(schur) || !d.iter().copied().all(positive) {
                return None;
            }
            let step_alpha =
                (g[segments] - (0..segments).map(|s| b[s] * g[s] / d[s]).sum::<f64>()) / schur;
            let mut step: Vec<f64> = (0..segments)
                .map(|s| (g[s] - b[s] * step_alpha) / d[s])
                .collect();
            step.push(step_alpha);
            let decrement2: f64 = g.iter().zip(&step).map(|(g, d)| g * d).sum();
            let decrement = decrement2.max(0.0).sqrt();
            // Near the maximum the full step converges quadratically and stays in the domain.
            // Farther out the self-concordant damped step 1 / (1 + decrement) is safe but short
            // when there are many events (the decrement grows with their number). So a longer
            // step is taken once the slope along the direction is still non-negative there (a
            // concave function has then only risen); after an overshoot the next trial is just
            // short of where the slope, interpolated from its value decrement^2 at zero, vanishes.
            let safe = 1.0 / (1.0 + decrement);
            let mut length = 1.0;
            if decrement >= 0.25 {
                loop {
                    length = match self.slope_along(state, &x, &step, length) {
                        Some(slope) if slope >= 0.0 => break,
                        Some(slope) => 0.95 * length * decrement2 / (decrement2 - slope),
                        None => 0.5 * length,
                    };
                    if length <= safe {
                        length = safe;
                        break;
                    }
                }
            }
            for (x, d) in x.iter_mut().zip(&step) {
                *x += length * d;
            }
            // The decrement squared is twice the distance to the maximum (in log-likelihood units)
            // to second order; the full step taken after it squares it again.
            if decrement2 < tolerance {
                break;
            }
        }
        if x[segments] < 0.0 {
            // The unconstrained maximum has a negative excitation, so the constrained one lies on
            // alpha = 0, where the rates have their Poisson estimates.
            for ((x, count), length) in x.iter_mut().zip(&self.counts).zip(&self.lengths) {
                *x = count / length;
            }
            x[segments] = 0.0;
        }
        Some(x)
    }

    /// Slope of the log-likelihood at `x + length step` along `step`, or `None` outside the
    /// domain (a non-positive intensity). One arithmetic pass.
    fn slope_along(&self, state: &Recursion, x: &[f64], step: &[f64], length: f64) -> Option<f64> {
        let segments = self.segments();
        let alpha = x[segments] + length * step[segments];
        let mut slope = -step[segments] * (self.events - state.end[0]);
        slope -= dot(step, &self.lengths);
        let mut lowest = f64::INFINITY;
        for s in 0..segments {
            let range = self.range(s);
            let mu = x[s] + length * step[s];
            lowest = lowest.min(state.lowest(s, mu, alpha));
            slope += slope_sums(
                &state.r[range.clone()],
                &self.ties[range],
                state.beta,
                (mu, alpha),
                (step[s], step[segments]),
            );
        }
        (lowest > 0.0).then_some(slope)
    }

    /// Log-likelihood at `[mu.., alpha]` and the recursion's decay.
    pub(crate) fn value(&self, state: &Recursion, x: &[f64]) -> f64 {
        let segments = self.segments();
        let alpha = x[segments];
        let mut total = -alpha * (self.events - state.end[0]) - dot(x, &self.lengths);
        for (s, &mu) in x[..segments].iter().enumerate() {
            let range = self.range(s);
            for (&r, &c) in state.r[range.clone()].iter().zip(&self.ties[range]) {
                total += c * (mu + alpha * state.beta * r).ln();
            }
        }
        total
    }

    /// Value, gradient and Hessian at `[mu.., alpha]` and the recursion's decay (built
    /// `with_lags`). A non-positive intensity gives a value of `-inf`.
    pub(crate) fn second_order(&self, state: &Recursion, x: &[f64]) -> SecondOrder {
        let segments = self.segments();
        let (ia, ib) = (segments, segments + 1);
        let alpha = x[segments];
        let beta = state.beta;
        let mut g_mu = vec![0.0; segments];
        let mut h_mu_mu = vec![0.0; segments];
        let mut h_mu_a = vec![0.0; segments];
        let mut h_mu_b = vec![0.0; segments];
        let (mut g_a, mut g_b, mut h_aa, mut h_ab, mut h_bb) = (0.0, 0.0, 0.0, 0.0, 0.0);
        let mut log_sum = 0.0;
        let mut seg = 0;
        for (k, &c) in self.ties.iter().enumerate() {
            let (r, s, w) = (state.r[k], state.s[k], state.w[k]);
            // Segments are runs of groups; find this group's by its start.
            while k >= self.starts[seg + 1] {
                seg += 1;
            }
            let intensity = x[seg] + alpha * beta * r;
            let inverse = 1.0 / intensity;
            let inverse2 = c * inverse * inverse;
            let d_a = beta * r;
            let d_b = alpha * (r - beta * s);
            log_sum += c * intensity.ln();
            g_mu[seg] += c * inverse;
            g_a += c * inverse * d_a;
            g_b += c * inverse * d_b;
            h_mu_mu[seg] -= inverse2;
            h_mu_a[seg] -= inverse2 * d_a;
            h_mu_b[seg] -= inverse2 * d_b;
            h_aa -= inverse2 * d_a * d_a;
            h_ab += c * inverse * (r - beta * s) - inverse2 * d_a * d_b;
            h_bb += c * inverse * alpha * (beta * w - 2.0 * s) - inverse2 * d_b * d_b;
        }
        let [r_end, s_end, w_end] = state.end;
        let mut value = log_sum - alpha * (self.events - r_end);
        let p = segments + 2;
        let mut gradient = vec![0.0; p];
        let mut hessian = vec![vec![0.0; p]; p];
        for s in 0..segments {
            value -= x[s] * self.lengths[s];
            gradient[s] = g_mu[s] - self.lengths[s];
            hessian[s][s] = h_mu_mu[s];
            hessian[s][ia] = h_mu_a[s];
            hessian[ia][s] = h_mu_a[s];
            hessian[s][ib] = h_mu_b[s];
            hessian[ib][s] = h_mu_b[s];
        }
        gradient[ia] = g_a - (self.events - r_end);
        gradient[ib] = g_b - alpha * s_end;
        hessian[ia][ia] = h_aa;
        hessian[ia][ib] = h_ab - s_end;
        hessian[ib][ia] = h_ab - s_end;
        hessian[ib][ib] = h_bb + alpha * w_end;
        if !value.is_finite() {
            value = f64::NEG_INFINITY;
        }
        (value, gradient, hessian)
    }
}

/// Sum of products over the shorter of the two slices.
fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(a, b)| a * b).sum()
}

/// Four accumulator lanes: summing in a fixed interleaved order lets the compiler use vector
/// division, which bounds the arithmetic passes of the inner Newton solve.
const LANES: usize = 4;

/// One segment's Newton sums at intensity `l = mu + alpha a`, `a = beta r`, weight `w = c / l`:
/// `[sum w, sum w a, sum w / l, sum w a / l, sum w a^2 / l]`. The caller checks the domain.
fn newton_sums(r: &[f64], c: &[f64], beta: f64, mu: f64, alpha: f64) -> [f64; 5] {
    let mut sums = [[0.0; LANES]; 5];
    let mut add = |lane: usize, r: f64, c: f64| {
        let a = beta * r;
        let inverse = 1.0 / (mu + alpha * a);
        let weight = c * inverse;
        let weight2 = weight * inverse;
        sums[0][lane] += weight;
        sums[1][lane] += weight * a;
        sums[2][lane] += weight2;
        sums[3][lane] += weight2 * a;
        sums[4][lane] += weight2 * a * a;
    };
    let (r4, c4) = (r.chunks_exact(LANES), c.chunks_exact(LANES));
    let (r_rest, c_rest) = (r4.remainder(), c4.remainder());
    for (r, c) in r4.zip(c4) {
        for lane in 0..LANES {
            add(lane, r[lane], c[lane]);
        }
    }
    for (&r, &c) in r_rest.iter().zip(c_rest) {
        add(0, r, c);
    }
    sums.map(|lanes| lanes.iter().sum())
}

/// One segment's part of the slope along a step: `sum c (dmu + dalpha a) / l` at intensity
/// `l = mu + alpha a`. The caller checks the domain.
fn slope_sums(
    r: &[f64],
    c: &[f64],
    beta: f64,
    (mu, alpha): (f64, f64),
    (step_mu, step_alpha): (f64, f64),
) -> f64 {
    let mut sum = [0.0; LANES];
    let (r4, c4) = (r.chunks_exact(LANES), c.chunks_exact(LANES));
    let (r_rest, c_rest) = (r4.remainder(), c4.remainder());
    for (r, c) in r4.zip(c4) {
        for k in 0..LANES {
            let a = beta * r[k];
            sum[k] += c[k] * (step_mu + step_alpha * a) / (mu + alpha * a);
        }
    }
    for (&r, &c) in r_rest.iter().zip(c_rest) {
        let a = beta * r;
        sum[0] += c * (step_mu + step_alpha * a) / (mu + alpha * a);
    }
    sum.iter().sum()
}

/// The maximum found: natural parameters `[mu.., alpha, beta]`, the log-likelihood with its
/// gradient and Hessian there, and how many decays were tried.
pub(crate) struct ProfileMaximum {
    pub(crate) params: Vec<f64>,
    pub(crate) log_likelihood: f64,
    pub(crate) hessian: Vec<Vec<f64>>,
    pub(crate) decays_tried: u64,
}

/// Inner tolerance while scanning: the profile's values only rank the decays, and the
/// refinement solves tightly again from the scan's point.
const SCAN_TOLERANCE: f64 = 1e-4;

/// Maximises the univariate likelihood: the profile over `grid` (decays, any order), then a
/// Newton refinement from each local maximum of the scan. `None` when a segment has no events or
/// every decay is degenerate (the caller falls back to a joint optimiser).
pub(crate) fn maximise(
    sequence: &EventSequence,
    change_points: &[f64],
    grid: &[f64],
    max_iters: u64,
) -> Option<ProfileMaximum> {
    let groups = Groups::new(sequence, change_points);
    if groups.counts.contains(&0.0) || grid.is_empty() {
        return None;
    }
    let mut logs: Vec<f64> = grid.iter().map(|b| b.ln()).collect();
    logs.sort_by(f64::total_cmp);
    logs.dedup();
    let mut tried = 0;
    let mut scan: Vec<(f64, f64, Vec<f64>)> = Vec::new();
    let mut warm: Option<Vec<f64>> = None;
    for &u in &logs {
        let state = groups.recursion(u.exp(), false);
        tried += 1;
        if let Some(x) = groups.inner(&state, warm.as_deref(), SCAN_TOLERANCE) {
            let value = groups.value(&state, &x);
            if value.is_finite() {
                scan.push((u, value, x.clone()));
                warm = Some(x);
            }
        }
    }
    if scan.is_empty() {
        return None;
    }
    // Local maxima of the scan; a grid end counts, since the maximum may lie beyond it.
    let widen = std::f64::consts::LN_10 * 2.0;
    let mut best: Option<ProfileMaximum> = None;
    for k in 0..scan.len() {
        let left = k.checked_sub(1).map(|i| scan[i].1);
        let right = scan.get(k + 1).map(|v| v.1);
        if left.is_some_and(|v| v > scan[k].1) || right.is_some_and(|v| v >= scan[k].1) {
            continue;
        }
        let low = k.checked_sub(1).map_or(scan[k].0 - widen, |i| scan[i].0);
        let high = scan.get(k + 1).map_or(scan[k].0 + widen, |v| v.0);
        let Some(found) = refine(&groups, &scan[k], (low, high), max_iters) else {
            continue;
        };
        tried += found.decays_tried;
        if best
            .as_ref()
            .is_none_or(|b| found.log_likelihood > b.log_likelihood)
        {
            best = Some(found);
        }
    }
    best.map(|b| ProfileMaximum {
        decays_tried: tried,
        ..b
    })
}

/// Safeguarded Newton on the profile in `u = ln beta` inside `(low, high)`, from a scan point.
fn refine(
    groups: &Groups,
    (u0, _, x0): &(f64, f64, Vec<f64>),
    (mut low, mut high): (f64, f64),
    max_iters: u64,
) -> Option<ProfileMaximum> {
    let segments = groups.segments();
    let ib = segments + 1;
    let mut u = *u0;
    let mut x = x0.clone();
    let mut tried = 0;
    loop {
        let beta = u.exp();
        let state = groups.recursion(beta, true);
        tried += 1;
        x = groups.inner(&state, Some(&x), 1e-14 * groups.events)?;
        let (value, gradient, hessian) = groups.second_order(&state, &x);
        if !value.is_finite() {
            return None;
        }
        let done = |x: Vec<f64>| {
            let mut params = x;
            params.push(beta);
            Some(ProfileMaximum {
                params,
                log_likelihood: value,
                hessian: hessian.clone(),
                decays_tried: tried,
            })
        };
        // With no excitation the decay does not enter the likelihood: any value is a maximum.
        if x[segments] == 0.0 {
            return done(x);
        }
        // Envelope theorem: the inner gradient is zero, so the profile's slope is the decay's
        // partial derivative, and its curvature the Schur complement of the inner block.
        let slope = beta * gradient[ib];
        let inner_block: Vec<Vec<f64>> = (0..=segments)
            .map(|a| (0..=segments).map(|c| -hessian[a][c]).collect())
            .collect();
        let inverse = invert_spd(&inner_block)?;
        let coupling: Vec<f64> = (0..=segments).map(|a| hessian[a][ib]).collect();
        let correction: f64 = (0..=segments)
            .map(|a| {
                coupling[a]
                    * (0..=segments)
                        .map(|c| inverse[a][c] * coupling[c])
                        .sum::<f64>()
            })
            .sum();
        let curvature = beta * beta * (hessian[ib][ib] + correction) + slope;
        if slope.abs() < 1e-10 * groups.events || tried >= max_iters {
            return done(x);
        }
        if slope > 0.0 {
            low = u;
        } else {
            high = u;
        }
        let newton = if curvature < 0.0 {
            u - slope / curvature
        } else {
            f64::NAN
        };
        let next = if newton > low && newton < high && (newton - u).abs() <= 1.0 {
            newton
        } else {
            0.5 * (low + high)
        };
        if (next - u).abs() < 1e-12 * u.abs().max(1.0) {
            return done(x);
        }
        u = next;
    }
}
