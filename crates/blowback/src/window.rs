//! Statistics of one result column over a time window: the vocabulary of behaviour tests, the
//! comparison table and the calibration.

use serde::Deserialize;

/// A summary of a series over a window of time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Stat {
    /// Time-weighted mean (rows are evenly spaced, so the plain mean of the rows).
    Mean,
    /// Smallest value.
    Min,
    /// Largest value.
    Max,
    /// Integral over the window (each row times the step to the next): attacks per year summed over
    /// years gives attacks.
    Sum,
    /// Last value in the window.
    Final,
    /// First value in the window.
    Initial,
}

impl Stat {
    /// The name used in TOML files.
    pub fn name(self) -> &'static str {
        match self {
            Stat::Mean => "mean",
            Stat::Min => "min",
            Stat::Max => "max",
            Stat::Sum => "sum",
            Stat::Final => "final",
            Stat::Initial => "initial",
        }
    }
}

/// Rows whose time lies in the half-open window `[from, to)`, so that years `[2025, 2026)` are one
/// calendar year of rows and adjacent windows never count a row twice.
pub fn window_rows(times: &[f64], from: f64, to: f64) -> std::ops::Range<usize> {
    // The small tolerance absorbs the rounding of accumulated `start + k * dt`.
    let eps = 1e-9;
    let start = times.partition_point(|&t| t < from - eps);
    let end = times.partition_point(|&t| t < to - eps);
    start..end.max(start)
}

/// `stat` of `values` (sampled at `times`) over `[from, to)`; `None` when no row falls inside.
pub fn window_stat(times: &[f64], values: &[f64], stat: Stat, from: f64, to: f64) -> Option<f64> {
    let rows = window_rows(times, from, to);
    if rows.is_empty() {
        return None;
    }
    let slice = &values[rows.clone()];
    Some(match stat {
        Stat::Mean => slice.iter().sum::<f64>() / slice.len() as f64,
        Stat::Min => slice.iter().copied().fold(f64::INFINITY, f64::min),
        Stat::Max => slice.iter().copied().fold(f64::NEG_INFINITY, f64::max),
        Stat::Sum => rows
            .map(|i| {
                // The last row's step is the one before it (or the window's end when alone).
                let step = if i + 1 < times.len() {
                    times[i + 1] - times[i]
                } else if i > 0 {
                    times[i] - times[i - 1]
                } else {
                    to - times[i]
                };
                values[i] * step
            })
            .sum(),
        Stat::Final => *slice.last()?,
        Stat::Initial => slice[0],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ramp() -> (Vec<f64>, Vec<f64>) {
        let times: Vec<f64> = (0..=16).map(|k| 2020.0 + k as f64 * 0.25).collect();
        let values: Vec<f64> = (0..=16).map(|k| k as f64).collect();
        (times, values)
    }

    #[test]
    fn windows_are_half_open() {
        let (times, _) = ramp();
        assert_eq!(window_rows(&times, 2021.0, 2022.0), 4..8);
        assert_eq!(window_rows(&times, 2030.0, 2031.0), 17..17);
    }

    #[test]
    fn statistics_of_a_ramp() {
        let (t, v) = ramp();
        let s = |stat| window_stat(&t, &v, stat, 2021.0, 2022.0).unwrap();
        assert_eq!(s(Stat::Mean), 5.5);
        assert_eq!(s(Stat::Min), 4.0);
        assert_eq!(s(Stat::Max), 7.0);
        assert_eq!(s(Stat::Initial), 4.0);
        assert_eq!(s(Stat::Final), 7.0);
        assert_eq!(s(Stat::Sum), (4.0 + 5.0 + 6.0 + 7.0) * 0.25);
        assert_eq!(window_stat(&t, &v, Stat::Mean, 2040.0, 2041.0), None);
    }
}
