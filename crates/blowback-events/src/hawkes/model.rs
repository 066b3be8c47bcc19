//! Multivariate Hawkes processes with exponential kernels: sequences, parameters, and the exact
//! log-likelihood with its analytic gradient by the O(n·M) recursion.
//!
//! Intensity of dimension `i`:
//! `lambda_i(t) = mu_i(t) + sum_j sum_{t_k^j < t} A[i][j] * beta * exp(-beta (t - t_k^j))`,
//! so `A[i][j]` is the expected number of `i` events triggered by one `j` event (the kernel
//! integrates to it) and `1/beta` is the mean delay. `mu_i(t)` is piecewise constant between
//! change points. Events at exactly the same time do not excite each other (strict `<`).

use crate::hawkes::HawkesError;

/// Marked event times on the observation window `[0, end]`, sorted by time.
#[derive(Debug, Clone, PartialEq)]
pub struct EventSequence {
    times: Vec<f64>,
    marks: Vec<usize>,
    dims: usize,
    end: f64,
}

impl EventSequence {
    /// Builds a sequence; `times` must be finite, sorted, and in `[0, end]`, `marks[k] < dims`.
    pub fn new(
        times: Vec<f64>,
        marks: Vec<usize>,
        dims: usize,
        end: f64,
    ) -> Result<EventSequence, HawkesError> {
        if dims == 0 {
            return Err(HawkesError::InvalidData(
                "at least one dimension is needed".into(),
            ));
        }
        if times.len() != marks.len() {
            return Err(HawkesError::InvalidData(format!(
                "{} times but {} marks",
                times.len(),
                marks.len()
            )));
        }
        if !(end.is_finite() && end > 0.0) {
            return Err(HawkesError::InvalidData(format!(
                "the window end must be positive, got {end}"
            )));
        }
        for (k, &t) in times.iter().enumerate() {
            if !(0.0..=end).contains(&t) {
                return Err(HawkesError::InvalidData(format!(
                    "event {k} at time {t} lies outside [0, {end}]"
                )));
            }
            if k > 0 && t < times[k - 1] {
                return Err(HawkesError::InvalidData(format!(
                    "event {k} at time {t} comes before event {} at {}: sort the times",
                    k - 1,
                    times[k - 1]
                )));
            }
        }
        if let Some(k) = marks.iter().position(|&m| m >= dims) {
            return Err(HawkesError::InvalidData(format!(
                "event {k} has mark {} but there are {dims} dimensions",
                marks[k]
            )));
        }
        Ok(EventSequence {
            times,
            marks,
            dims,
            end,
        })
    }

    /// A univariate sequence.
    pub fn univariate(times: Vec<f64>, end: f64) -> Result<EventSequence, HawkesError> {
        let n = times.len();
        EventSequence::new(times, vec![0; n], 1, end)
    }

    /// Event times.
    pub fn times(&self) -> &[f64] {
        &self.times
    }

    /// Event marks (dimension indices).
    pub fn marks(&self) -> &[usize] {
        &self.marks
    }

    /// Number of dimensions.
    pub fn dims(&self) -> usize {
        self.dims
    }

    /// End of the observation window.
    pub fn end(&self) -> f64 {
        self.end
    }

    /// Number of events.
    pub fn len(&self) -> usize {
        self.times.len()
    }

    /// True when there are no events.
    pub fn is_empty(&self) -> bool {
        self.times.is_empty()
    }

    /// Events per dimension.
    pub fn counts(&self) -> Vec<usize> {
        let mut counts = vec![0; self.dims];
        for &m in &self.marks {
            counts[m] += 1;
        }
        counts
    }
}

/// Hawkes parameters: background rates per dimension and background segment, the excitation
/// (branching) matrix and the shared decay rate.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct HawkesParams {
    /// `mu[i][s]`: background rate of dimension `i` in segment `s` (segments split by the change
    /// points, in time order).
    pub mu: Vec<Vec<f64>>,
    /// `adjacency[i][j]`: expected number of `i` events triggered by one `j` event.
    pub adjacency: Vec<Vec<f64>>,
    /// Decay rate of the exponential kernel (per time unit).
    pub beta: f64,
}

impl HawkesParams {
    /// Number of dimensions.
    pub fn dims(&self) -> usize {
        self.adjacency.len()
    }

    /// Number of background segments.
    pub fn segments(&self) -> usize {
        self.mu.first().map_or(0, Vec::len)
    }

    /// Flattens to `[mu (row-major), adjacency (row-major), beta]`, the order used by gradients,
    /// Hessians and standard errors.
    pub fn to_vec(&self) -> Vec<f64> {
        let mut out: Vec<f64> = self.mu.iter().flatten().copied().collect();
        out.extend(self.adjacency.iter().flatten().copied());
        out.push(self.beta);
        out
    }

    /// The inverse of [`HawkesParams::to_vec`].
    pub fn from_slice(values: &[f64], dims: usize, segments: usize) -> HawkesParams {
        let (mu, rest) = values.split_at(dims * segments);
        let (adjacency, beta) = rest.split_at(dims * dims);
        HawkesParams {
            mu: mu.chunks(segments).map(<[f64]>::to_vec).collect(),
            adjacency: adjacency.chunks(dims).map(<[f64]>::to_vec).collect(),
            beta: beta[0],
        }
    }

    /// Checks shapes against a sequence and change points, and that every value is finite and
    /// non-negative with a positive decay.
    pub fn validate(&self, dims: usize, segments: usize) -> Result<(), HawkesError> {
        let shapes_ok = self.mu.len() == dims
            && self.mu.iter().all(|row| row.len() == segments)
            && self.adjacency.len() == dims
            && self.adjacency.iter().all(|row| row.len() == dims);
        if !shapes_ok {
            return Err(HawkesError::InvalidParameters(format!(
                "expected mu as {dims}x{segments} and adjacency as {dims}x{dims}"
            )));
        }
        let values = self.to_vec();
        if values.iter().any(|v| !v.is_finite() || *v < 0.0) || self.beta <= 0.0 {
            return Err(HawkesError::InvalidParameters(
                "rates and excitations must be finite and >= 0, beta > 0".into(),
            ));
        }
        Ok(())
    }
}

/// Checks change points: strictly increasing and inside `(0, end)`.
pub(crate) fn validate_change_points(change_points: &[f64], end: f64) -> Result<(), HawkesError> {
    let mut previous = 0.0;
    for &c in change_points {
        if !(c > previous && c < end) {
            return Err(HawkesError::InvalidData(format!(
                "change point {c} must lie in (0, {end}) and after the previous one"
            )));
        }
        previous = c;
    }
    Ok(())
}

/// Segment boundaries `[0, c_1, ..., c_K, end]`.
pub(crate) fn segment_bounds(change_points: &[f64], end: f64) -> Vec<f64> {
    let mut bounds = Vec::with_capacity(change_points.len() + 2);
    bounds.push(0.0);
    bounds.extend_from_slice(change_points);
    bounds.push(end);
    bounds
}

/// Exact log-likelihood of the sequence on `[0, end]`.
pub fn log_likelihood(
    sequence: &EventSequence,
    change_points: &[f64],
    params: &HawkesParams,
) -> Result<f64, HawkesError> {
    validate_change_points(change_points, sequence.end)?;
    params.validate(sequence.dims, change_points.len() + 1)?;
    Ok(evaluate(sequence, change_points, params, None))
}

/// Exact log-likelihood and its gradient in the order of [`HawkesParams::to_vec`].
pub fn log_likelihood_gradient(
    sequence: &EventSequence,
    change_points: &[f64],
    params: &HawkesParams,
) -> Result<(f64, Vec<f64>), HawkesError> {
    validate_change_points(change_points, sequence.end)?;
    params.validate(sequence.dims, change_points.len() + 1)?;
    let mut gradient = vec![0.0; params.to_vec().len()];
    let value = evaluate(sequence, change_points, params, Some(&mut gradient));
    Ok((value, gradient))
}

/// The recursion. With `R_j(t) = sum_{t_l^j < t} exp(-beta (t - t_l^j))` and
/// `S_j(t) = sum (t - t_l^j) exp(-beta (t - t_l^j))` (so `dR_j/dbeta = -S_j`), both decay
/// between events by `exp(-beta dt)` with `S` picking up `dt * R`; each event then costs O(M).
/// Events sharing a time stamp are scored against the state before any of them is added.
/// The compensator's kernel mass needs no second pass: decayed to the window end,
/// `sum_l (1 - exp(-beta (T - t_l))) = n_j - R_j(T)` and its beta-derivative is `S_j(T)`.
/// Inputs are assumed valid (callers validate); a zero intensity at an event gives `-inf`.
pub(crate) fn evaluate(
    sequence: &EventSequence,
    change_points: &[f64],
    params: &HawkesParams,
    gradient: Option<&mut Vec<f64>>,
) -> f64 {
    if sequence.dims == 1 {
        return evaluate_univariate(sequence, change_points, params, gradient);
    }
    let mut gradient = gradient;
    let dims = sequence.dims;
    let segments = change_points.len() + 1;
    let beta = params.beta;
    let adjacency = &params.adjacency;
    let times = &sequence.times;
    let marks = &sequence.marks;
    let n = times.len();
    let a_offset = dims * segments;
    let beta_index = a_offset + dims * dims;
    if let Some(g) = gradient.as_deref_mut() {
        g.iter_mut().for_each(|v| *v = 0.0);
    }

    let mut recent = vec![0.0; dims]; // R_j
    let mut recent_lag = vec![0.0; dims]; // S_j
    let mut counts = vec![0.0; dims];
    let mut log_sum = 0.0;
    let mut previous_time = 0.0;
    let mut segment = 0;
    let mut k = 0;
    while k < n {
        let t = times[k];
        let mut group_end = k + 1;
        while group_end < n && times[group_end] == t {
            group_end += 1;
        }
        decay_state(&mut recent, &mut recent_lag, None, beta, t - previous_time);
        while segment + 1 < segments && t >= change_points[segment] {
            segment += 1;
        }
        for &mark in &marks[k..group_end] {
            let row = &adjacency[mark];
            let excitation: f64 = row.iter().zip(&recent).map(|(a, r)| a * r).sum();
            let intensity = params.mu[mark][segment] + beta * excitation;
            if intensity <= 0.0 {
                return f64::NEG_INFINITY;
            }
            log_sum += intensity.ln();
            if let Some(g) = gradient.as_deref_mut() {
                let inverse = 1.0 / intensity;
                g[mark * segments + segment] += inverse;
                let mut d_beta = 0.0;
                for j in 0..dims {
                    g[a_offset + mark * dims + j] += inverse * beta * recent[j];
                    d_beta += row[j] * (recent[j] - beta * recent_lag[j]);
                }
                g[beta_index] += inverse * d_beta;
            }
        }
        for &mark in &marks[k..group_end] {
            recent[mark] += 1.0;
            counts[mark] += 1.0;
        }
        previous_time = t;
        k = group_end;
    }
    decay_state(
        &mut recent,
        &mut recent_lag,
        None,
        beta,
        sequence.end - previous_time,
    );

    let bounds = segment_bounds(change_points, sequence.end);
    let mut compensator = 0.0;
    for i in 0..dims {
        for s in 0..segments {
            let length = bounds[s + 1] - bounds[s];
            compensator += params.mu[i][s] * length;
            if let Some(g) = gradient.as_deref_mut() {
                g[i * segments + s] -= length;
            }
        }
    }
    for i in 0..dims {
        for j in 0..dims {
            compensator += adjacency[i][j] * (counts[j] - recent[j]);
            if let Some(g) = gradient.as_deref_mut() {
                g[a_offset + i * dims + j] -= counts[j] - recent[j];
                g[beta_index] -= adjacency[i][j] * recent_lag[j];
            }
        }
    }
    log_sum - compensator
}

/// Decays the recursion state over `dt`: `R`, `S` and optionally `W = sum lag^2 exp(..)`.
fn decay_state(
    recent: &mut [f64],
    recent_lag: &mut [f64],
    recent_lag2: Option<&mut [f64]>,
    beta: f64,
    dt: f64,
) {
    if dt <= 0.0 {
        return;
    }
    let decay = (-beta * dt).exp();
    if let Some(lag2) = recent_lag2 {
        for j in 0..recent.len() {
            lag2[j] = decay * (lag2[j] + 2.0 * dt * recent_lag[j] + dt * dt * recent[j]);
        }
    }
    for (r, s) in recent.iter_mut().zip(recent_lag.iter_mut()) {
        *s = decay * (*s + dt * *r);
        *r *= decay;
    }
}

/// The same recursion for one dimension with scalars: the hot path of the speed target
/// (one `exp` and one `ln` per event, no indexing).
fn evaluate_univariate(
    sequence: &EventSequence,
    change_points: &[f64],
    params: &HawkesParams,
    gradient: Option<&mut Vec<f64>>,
) -> f64 {
    let segments = change_points.len() + 1;
    let mu = &params.mu[0];
    let alpha = params.adjacency[0][0];
    let beta = params.beta;
    let times = &sequence.times;
    let n = times.len();
    let mut recent = 0.0;
    let mut recent_lag = 0.0;
    let mut log_sum = 0.0;
    let mut d_mu = vec![0.0; segments];
    let mut d_alpha = 0.0;
    let mut d_beta = 0.0;
    let mut previous_time = 0.0;
    let mut segment = 0;
    let mut next_change = change_points.first().copied().unwrap_or(f64::INFINITY);
    let mut rate = mu[0];
    let want_gradient = gradient.is_some();
    let mut k = 0;
    while k < n {
        let t = times[k];
        let mut group_end = k + 1;
        while group_end < n && times[group_end] == t {
            group_end += 1;
        }
        let dt = t - previous_time;
        if dt > 0.0 {
            let decay = (-beta * dt).exp();
            recent_lag = decay * (recent_lag + dt * recent);
            recent *= decay;
        }
        while t >= next_change {
            segment += 1;
            rate = mu[segment];
            next_change = change_points.get(segment).copied().unwrap_or(f64::INFINITY);
        }
        let intensity = rate + alpha * beta * recent;
        if intensity <= 0.0 {
            return f64::NEG_INFINITY;
        }
        let ties = (group_end - k) as f64;
        log_sum += ties * intensity.ln();
        if want_gradient {
            let inverse = ties / intensity;
            d_mu[segment] += inverse;
            d_alpha += inverse * beta * recent;
            d_beta += inverse * alpha * (recent - beta * recent_lag);
        }
        recent += ties;
        previous_time = t;
        k = group_end;
    }
    let dt = sequence.end - previous_time;
    if dt > 0.0 {
        let decay = (-beta * dt).exp();
        recent_lag = decay * (recent_lag + dt * recent);
        recent *= decay;
    }
    let bounds = segment_bounds(change_points, sequence.end);
    let mut compensator = alpha * (n as f64 - recent);
    for s in 0..segments {
        compensator += mu[s] * (bounds[s + 1] - bounds[s]);
        d_mu[s] -= bounds[s + 1] - bounds[s];
    }
    if let Some(g) = gradient {
        g[..segments].copy_from_slice(&d_mu);
        g[segments] = d_alpha - (n as f64 - recent);
        g[segments + 1] = d_beta - alpha * recent_lag;
    }
    log_sum - compensator
}

/// Exact Hessian of the log-likelihood (natural parameters, order of [`HawkesParams::to_vec`]),
/// from the same recursion extended by `W_j = sum lag^2 exp(-beta lag)` (`dS_j/dbeta = -W_j`).
/// Per event the intensity's gradient touches only its own row (`mu`, `A[m][.]`, `beta`), so the
/// cost is O(n M^2).
pub fn log_likelihood_hessian(
    sequence: &EventSequence,
    change_points: &[f64],
    params: &HawkesParams,
) -> Result<Vec<Vec<f64>>, HawkesError> {
    validate_change_points(change_points, sequence.end)?;
    params.validate(sequence.dims, change_points.len() + 1)?;
    Ok(hessian_unchecked(sequence, change_points, params))
}

pub(crate) fn hessian_unchecked(
    sequence: &EventSequence,
    change_points: &[f64],
    params: &HawkesParams,
) -> Vec<Vec<f64>> {
    let dims = sequence.dims;
    let segments = change_points.len() + 1;
    let beta = params.beta;
    let a_offset = dims * segments;
    let beta_index = a_offset + dims * dims;
    let p = beta_index + 1;
    let mut hessian = vec![vec![0.0; p]; p];
    let mut recent = vec![0.0; dims];
    let mut recent_lag = vec![0.0; dims];
    let mut recent_lag2 = vec![0.0; dims];
    let mut previous_time = 0.0;
    let mut segment = 0;
    let (times, marks) = (&sequence.times, &sequence.marks);
    let n = times.len();
    let mut indices = Vec::with_capacity(dims + 2);
    let mut first = Vec::with_capacity(dims + 2);
    let mut k = 0;
    while k < n {
        let t = times[k];
        let mut group_end = k + 1;
        while group_end < n && times[group_end] == t {
            group_end += 1;
        }
        decay_state(
            &mut recent,
            &mut recent_lag,
            Some(&mut recent_lag2),
            beta,
            t - previous_time,
        );
        while segment + 1 < segments && t >= change_points[segment] {
            segment += 1;
        }
        for &mark in &marks[k..group_end] {
            let row = &params.adjacency[mark];
            let excitation: f64 = row.iter().zip(&recent).map(|(a, r)| a * r).sum();
            let intensity = params.mu[mark][segment] + beta * excitation;
            indices.clear();
            first.clear();
            indices.push(mark * segments + segment);
            first.push(1.0);
            let mut d_beta = 0.0;
            let mut d2_beta = 0.0;
            for j in 0..dims {
                indices.push(a_offset + mark * dims + j);
                first.push(beta * recent[j]);
                d_beta += row[j] * (recent[j] - beta * recent_lag[j]);
                d2_beta += row[j] * (beta * recent_lag2[j] - 2.0 * recent_lag[j]);
            }
            indices.push(beta_index);
            first.push(d_beta);
            let inverse = 1.0 / intensity;
            let inverse2 = inverse * inverse;
            for (x, &ix) in indices.iter().enumerate() {
                for (y, &iy) in indices.iter().enumerate() {
                    hessian[ix][iy] -= first[x] * first[y] * inverse2;
                }
            }
            for j in 0..dims {
                let cross = (recent[j] - beta * recent_lag[j]) * inverse;
                let ia = a_offset + mark * dims + j;
                hessian[ia][beta_index] += cross;
                hessian[beta_index][ia] += cross;
            }
            hessian[beta_index][beta_index] += d2_beta * inverse;
        }
        for &mark in &marks[k..group_end] {
            recent[mark] += 1.0;
        }
        previous_time = t;
        k = group_end;
    }
    decay_state(
        &mut recent,
        &mut recent_lag,
        Some(&mut recent_lag2),
        beta,
        sequence.end - previous_time,
    );
    // Compensator terms: linear in mu; in A_ij, the mass's beta-derivative S_j(T); in beta twice,
    // -W_j(T) per unit of A.
    for i in 0..dims {
        for j in 0..dims {
            let ia = a_offset + i * dims + j;
            hessian[ia][beta_index] -= recent_lag[j];
            hessian[beta_index][ia] -= recent_lag[j];
            hessian[beta_index][beta_index] += params.adjacency[i][j] * recent_lag2[j];
        }
    }
    hessian
}

/// The O(n²) definition, for tests: every intensity summed over all earlier events.
pub fn log_likelihood_brute_force(
    sequence: &EventSequence,
    change_points: &[f64],
    params: &HawkesParams,
) -> f64 {
    let bounds = segment_bounds(change_points, sequence.end);
    let segment_of = |t: f64| change_points.iter().filter(|&&c| t >= c).count();
    let mut total = 0.0;
    for (k, (&t, &mark)) in sequence.times.iter().zip(&sequence.marks).enumerate() {
        let mut intensity = params.mu[mark][segment_of(t)];
        for l in 0..k {
            let s = sequence.times[l];
            if s < t {
                intensity += params.adjacency[mark][sequence.marks[l]]
                    * params.beta
                    * (-params.beta * (t - s)).exp();
            }
        }
        total += intensity.ln();
    }
    for i in 0..sequence.dims {
        for s in 0..bounds.len() - 1 {
            total -= params.mu[i][s] * (bounds[s + 1] - bounds[s]);
        }
        for (&t, &mark) in sequence.times.iter().zip(&sequence.marks) {
            total -= params.adjacency[i][mark] * (1.0 - (-params.beta * (sequence.end - t)).exp());
        }
    }
    total
}

/// Spectral radius of a non-negative matrix (the branching ratio of the process): the Perron
/// root, found by power iteration on `A + I` (which shares the Perron vector and cannot be
/// periodic) with Collatz-Wielandt bounds as the stopping rule.
pub fn spectral_radius(matrix: &[Vec<f64>]) -> f64 {
    let n = matrix.len();
    if n == 1 {
        return matrix[0][0];
    }
    let mut x = vec![1.0; n];
    let mut estimate = 0.0;
    for _ in 0..10_000 {
        let y: Vec<f64> = (0..n)
            .map(|i| x[i] + (0..n).map(|j| matrix[i][j] * x[j]).sum::<f64>())
            .collect();
        let ratios = (0..n).filter(|&i| x[i] > 0.0).map(|i| y[i] / x[i]);
        let (low, high) = ratios.fold((f64::INFINITY, 0.0_f64), |(lo, hi), r| {
            (lo.min(r), hi.max(r))
        });
        estimate = 0.5 * (low + high) - 1.0;
        let norm = y.iter().cloned().fold(0.0, f64::max);
        if norm == 0.0 {
            return 0.0;
        }
        x = y.iter().map(|v| v / norm).collect();
        if high - low <= 1e-12 * high {
            break;
        }
    }
    estimate.max(0.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params() -> HawkesParams {
        HawkesParams {
            mu: vec![vec![0.3, 0.6], vec![0.2, 0.1]],
            adjacency: vec![vec![0.4, 0.2], vec![0.3, 0.1]],
            beta: 1.7,
        }
    }

    fn sequence() -> EventSequence {
        let times = vec![0.1, 0.5, 0.5, 1.2, 2.0, 2.05, 3.3, 3.3, 4.0, 5.9];
        let marks = vec![0, 1, 0, 0, 1, 1, 0, 1, 0, 1];
        EventSequence::new(times, marks, 2, 6.5).unwrap()
    }

    #[test]
    fn recursion_matches_the_quadratic_definition_with_ties_and_change_points() {
        let change_points = [2.5];
        let fast = log_likelihood(&sequence(), &change_points, &params()).unwrap();
        let slow = log_likelihood_brute_force(&sequence(), &change_points, &params());
        assert!((fast - slow).abs() < 1e-12 * slow.abs(), "{fast} vs {slow}");
    }

    #[test]
    fn analytic_gradient_matches_central_differences() {
        let change_points = [2.5];
        let p = params();
        let (_, gradient) = log_likelihood_gradient(&sequence(), &change_points, &p).unwrap();
        let base = p.to_vec();
        for k in 0..base.len() {
            let h = 1e-6 * base[k].max(1e-3);
            let mut up = base.clone();
            up[k] += h;
            let mut down = base.clone();
            down[k] -= h;
            let f = |v: &[f64]| {
                log_likelihood(
                    &sequence(),
                    &change_points,
                    &HawkesParams::from_slice(v, 2, 2),
                )
                .unwrap()
            };
            let numeric = (f(&up) - f(&down)) / (2.0 * h);
            assert!(
                (numeric - gradient[k]).abs() < 1e-6 * (1.0 + numeric.abs()),
                "parameter {k}: analytic {} numeric {numeric}",
                gradient[k]
            );
        }
    }

    #[test]
    fn analytic_hessian_matches_differences_of_the_gradient() {
        for (seq, change_points, p) in [
            (sequence(), vec![2.5], params()),
            (
                EventSequence::univariate(vec![0.2, 0.9, 0.9, 1.4, 3.0, 3.1], 4.0).unwrap(),
                vec![],
                HawkesParams {
                    mu: vec![vec![0.7]],
                    adjacency: vec![vec![0.4]],
                    beta: 2.2,
                },
            ),
        ] {
            let dims = seq.dims();
            let segments = change_points.len() + 1;
            let hessian = log_likelihood_hessian(&seq, &change_points, &p).unwrap();
            let base = p.to_vec();
            for k in 0..base.len() {
                let h = 1e-6 * base[k];
                let grad = |delta: f64| {
                    let mut v = base.clone();
                    v[k] += delta;
                    let q = HawkesParams::from_slice(&v, dims, segments);
                    log_likelihood_gradient(&seq, &change_points, &q).unwrap().1
                };
                let (up, down) = (grad(h), grad(-h));
                for row in 0..base.len() {
                    let numeric = (up[row] - down[row]) / (2.0 * h);
                    assert!(
                        (numeric - hessian[row][k]).abs() < 1e-5 * (1.0 + numeric.abs()),
                        "H[{row}][{k}]: analytic {} numeric {numeric}",
                        hessian[row][k]
                    );
                }
            }
        }
    }

    #[test]
    fn spectral_radius_of_known_matrices() {
        assert!(
            (spectral_radius(&[vec![0.4, 0.2], vec![0.3, 0.1]]) - 0.5372281323269014).abs() < 1e-9
        );
        // A periodic (reducible-looking) matrix: eigenvalues +-0.5.
        assert!((spectral_radius(&[vec![0.0, 0.5], vec![0.5, 0.0]]) - 0.5).abs() < 1e-9);
        assert_eq!(spectral_radius(&[vec![0.0, 0.0], vec![0.0, 0.0]]), 0.0);
    }

    #[test]
    fn bad_inputs_are_errors_not_panics() {
        assert!(EventSequence::new(vec![2.0, 1.0], vec![0, 0], 1, 3.0).is_err());
        assert!(EventSequence::new(vec![4.0], vec![0], 1, 3.0).is_err());
        assert!(EventSequence::new(vec![1.0], vec![2], 2, 3.0).is_err());
        let mut p = params();
        p.beta = -1.0;
        assert!(log_likelihood(&sequence(), &[2.5], &p).is_err());
        assert!(log_likelihood(&sequence(), &[7.0], &params()).is_err());
    }

    #[test]
    fn univariate_fast_path_agrees_with_brute_force() {
        let seq = EventSequence::univariate(vec![0.2, 0.9, 0.9, 1.4, 3.0, 3.1, 5.5], 6.0).unwrap();
        let p = HawkesParams {
            mu: vec![vec![0.7, 0.2]],
            adjacency: vec![vec![0.4]],
            beta: 2.2,
        };
        let fast = log_likelihood(&seq, &[3.0], &p).unwrap();
        let slow = log_likelihood_brute_force(&seq, &[3.0], &p);
        assert!((fast - slow).abs() < 1e-12 * slow.abs(), "{fast} vs {slow}");
    }
}
