//! Global sensitivity analysis: Morris elementary effects and Sobol variance-based indices.
//!
//! Both take the outputs of a [`Design`] in experiment order, so any model (or a closed-form test
//! function) can be analysed the same way.

use rand::Rng;
use serde::Serialize;

use crate::design::{stream, Design, Method};
use crate::distribution::normal_quantile;
use crate::error::ExploreError;

/// First-order and total Sobol indices of one parameter, with bootstrap confidence half-widths.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct SobolIndex {
    /// First-order index `S_i`: the share of output variance explained by the parameter alone.
    pub first: f64,
    /// Half-width of the 95% bootstrap confidence interval of `first`.
    pub first_confidence: f64,
    /// Total index `ST_i`: the share of variance that involves the parameter at all.
    pub total: f64,
    /// Half-width of the 95% bootstrap confidence interval of `total`.
    pub total_confidence: f64,
}

/// Morris screening measures of one parameter (elementary effects in unit-cube steps).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct MorrisIndex {
    /// Mean elementary effect (signed; effects of opposite sign cancel).
    pub mu: f64,
    /// Mean absolute elementary effect: overall importance.
    pub mu_star: f64,
    /// Standard deviation of the effects: non-linearity and interactions.
    pub sigma: f64,
    /// Half-width of the 95% bootstrap confidence interval of `mu_star`.
    pub mu_star_confidence: f64,
}

/// Sobol indices from the outputs of a Saltelli design (`outputs[i]` is the model at experiment
/// `i`): first order by Saltelli et al. (2010), total by Jansen (1999), both over outputs centred
/// on the mean of the A and B rows. Blocks with a non-finite output are dropped. `bootstrap`
/// resamples of the blocks give the confidence intervals (normal approximation, as SALib does).
pub fn sobol_indices(
    design: &Design,
    outputs: &[f64],
    bootstrap: usize,
) -> Result<Vec<SobolIndex>, ExploreError> {
    if design.method() != Method::Saltelli {
        return Err(ExploreError::Analysis(
            "Sobol indices need a Saltelli design (--method sobol)".into(),
        ));
    }
    let d = design.dimensions();
    check_len(design, outputs)?;
    let blocks: Vec<&[f64]> = outputs
        .chunks(d + 2)
        .filter(|b| b.iter().all(|y| y.is_finite()))
        .collect();
    if blocks.len() < 2 {
        return Err(ExploreError::Analysis(format!(
            "{} usable base samples; Sobol indices need at least 2",
            blocks.len()
        )));
    }
    let all: Vec<usize> = (0..blocks.len()).collect();
    let estimate = estimate_sobol(&blocks, &all, d);
    let mut samples_first = vec![Vec::with_capacity(bootstrap); d];
    let mut samples_total = vec![Vec::with_capacity(bootstrap); d];
    let mut rng = stream(design.seed() ^ 0xb007, 0);
    let mut picks = vec![0usize; blocks.len()];
    for _ in 0..bootstrap {
        for p in picks.iter_mut() {
            *p = rng.random_range(0..blocks.len());
        }
        for (j, (first, total)) in estimate_sobol(&blocks, &picks, d).into_iter().enumerate() {
            samples_first[j].push(first);
            samples_total[j].push(total);
        }
    }
    let z = normal_quantile(0.975);
    Ok(estimate
        .into_iter()
        .enumerate()
        .map(|(j, (first, total))| SobolIndex {
            first,
            total,
            first_confidence: z * std_dev(&samples_first[j]),
            total_confidence: z * std_dev(&samples_total[j]),
        })
        .collect())
}

/// Point estimates over the chosen blocks (with repetition, for the bootstrap).
fn estimate_sobol(blocks: &[&[f64]], picks: &[usize], d: usize) -> Vec<(f64, f64)> {
    let n = picks.len() as f64;
    let mean = picks
        .iter()
        .map(|&k| blocks[k][0] + blocks[k][1])
        .sum::<f64>()
        / (2.0 * n);
    let variance = picks
        .iter()
        .map(|&k| (blocks[k][0] - mean).powi(2) + (blocks[k][1] - mean).powi(2))
        .sum::<f64>()
        / (2.0 * n);
    (0..d)
        .map(|j| {
            if variance <= 0.0 {
                return (0.0, 0.0);
            }
            let (mut first, mut total) = (0.0, 0.0);
            for &k in picks {
                let a = blocks[k][0] - mean;
                let b = blocks[k][1] - mean;
                let ab = blocks[k][2 + j] - mean;
                first += b * (ab - a);
                total += (a - ab) * (a - ab);
            }
            (first / n / variance, 0.5 * total / n / variance)
        })
        .collect()
}

/// Morris measures from the outputs of a Morris design.
pub fn morris_indices(
    design: &Design,
    outputs: &[f64],
    bootstrap: usize,
) -> Result<Vec<MorrisIndex>, ExploreError> {
    let Method::Morris { levels } = design.method() else {
        return Err(ExploreError::Analysis(
            "Morris measures need a Morris design (--method morris)".into(),
        ));
    };
    check_len(design, outputs)?;
    let d = design.dimensions();
    let mut effects: Vec<Vec<f64>> = vec![Vec::new(); d];
    for (t, trajectory) in outputs.chunks(d + 1).enumerate() {
        let (_, order, deltas) = design.morris_trajectory(t, levels);
        for (step, &dim) in order.iter().enumerate() {
            let effect = (trajectory[step + 1] - trajectory[step]) / deltas[dim];
            if effect.is_finite() {
                effects[dim].push(effect);
            }
        }
    }
    let z = normal_quantile(0.975);
    let mut rng = stream(design.seed() ^ 0xb007, 1);
    Ok(effects
        .iter()
        .map(|e| {
            if e.is_empty() {
                return MorrisIndex {
                    mu: f64::NAN,
                    mu_star: f64::NAN,
                    sigma: f64::NAN,
                    mu_star_confidence: f64::NAN,
                };
            }
            let n = e.len() as f64;
            let mu_star_of =
                |values: &mut dyn Iterator<Item = f64>| values.map(f64::abs).sum::<f64>() / n;
            let boot: Vec<f64> = (0..bootstrap)
                .map(|_| mu_star_of(&mut (0..e.len()).map(|_| e[rng.random_range(0..e.len())])))
                .collect();
            MorrisIndex {
                mu: e.iter().sum::<f64>() / n,
                mu_star: mu_star_of(&mut e.iter().copied()),
                sigma: std_dev(e),
                mu_star_confidence: z * std_dev(&boot),
            }
        })
        .collect())
}

fn check_len(design: &Design, outputs: &[f64]) -> Result<(), ExploreError> {
    if outputs.len() != design.len() {
        return Err(ExploreError::Analysis(format!(
            "{} outputs for a design of {} experiments",
            outputs.len(),
            design.len()
        )));
    }
    Ok(())
}

/// Sample standard deviation (n - 1); 0 for fewer than two values.
pub(crate) fn std_dev(values: &[f64]) -> f64 {
    if values.len() < 2 {
        return 0.0;
    }
    let n = values.len() as f64;
    let mean = values.iter().sum::<f64>() / n;
    (values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt()
}
