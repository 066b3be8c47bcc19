//! Robust decision analysis over an ensemble: how each policy fares across sampled worlds, its
//! regret against the best policy in each world, pairwise dominance, satisficing, and PRIM
//! scenario discovery (Friedman and Fisher's patient rule induction) for the worlds where a policy
//! fails.

use serde::{Deserialize, Serialize};

use crate::ensemble::percentile;
use crate::error::ExploreError;

/// Whether less or more of an outcome is better (`minimize` or `maximize` in files).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    /// Less is better (attacks, deaths, cost).
    Minimize,
    /// More is better (reserves, growth).
    Maximize,
}

impl Direction {
    /// `minimize` or `maximize`, as files spell it.
    pub fn name(self) -> &'static str {
        match self {
            Direction::Minimize => "minimize",
            Direction::Maximize => "maximize",
        }
    }
}

/// How one policy fares across worlds on one outcome.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PolicyStats {
    /// Policy (scenario) name.
    pub policy: String,
    /// Mean outcome.
    pub mean: f64,
    /// 5th, 50th and 95th percentiles of the outcome.
    pub percentiles: [f64; 3],
    /// Mean regret: how much worse than the best policy of each world, on average.
    pub mean_regret: f64,
    /// 90th percentile of regret.
    pub p90_regret: f64,
    /// Largest regret over the worlds.
    pub max_regret: f64,
    /// Share of worlds in which this policy is the best; a world where k policies tie for best
    /// counts 1/k for each, so the shares of all policies add up to 1.
    pub best_share: f64,
    /// Share of worlds meeting the threshold, when one was given.
    pub satisficing: Option<f64>,
}

/// Per-policy figures and pairwise dominance on one outcome.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PolicyComparison {
    /// One entry per policy.
    pub policies: Vec<PolicyStats>,
    /// `beats[a][b]`: share of worlds where policy `a` is strictly better than policy `b`.
    pub beats: Vec<Vec<f64>>,
    /// Worlds compared (those where every policy's run succeeded).
    pub worlds: usize,
}

/// Compares policies world by world. `columns[p][w]` is policy `p`'s outcome in world `w`; worlds
/// with a non-finite value under any policy are left out. `threshold` is the satisficing level
/// (at most it when minimising, at least it when maximising).
pub fn compare_policies(
    names: &[String],
    columns: &[Vec<f64>],
    direction: Direction,
    threshold: Option<f64>,
) -> Result<PolicyComparison, ExploreError> {
    if names.len() != columns.len() || columns.is_empty() {
        return Err(ExploreError::Analysis(format!(
            "{} policy names for {} outcome columns",
            names.len(),
            columns.len()
        )));
    }
    let n = columns[0].len();
    if columns.iter().any(|c| c.len() != n) {
        return Err(ExploreError::Analysis(
            "outcome columns differ in length".into(),
        ));
    }
    let worlds: Vec<usize> = (0..n)
        .filter(|&w| columns.iter().all(|c| c[w].is_finite()))
        .collect();
    if worlds.is_empty() {
        return Err(ExploreError::Analysis(
            "no world where every policy ran".into(),
        ));
    }
    // Work in "lower is better" terms so one code path serves both directions.
    let sign = match direction {
        Direction::Minimize => 1.0,
        Direction::Maximize => -1.0,
    };
    let p = columns.len();
    let best: Vec<f64> = worlds
        .iter()
        .map(|&w| {
            columns
                .iter()
                .map(|c| sign * c[w])
                .fold(f64::INFINITY, f64::min)
        })
        .collect();
    // How many policies tie for best in each world, to share that world among them.
    let tied: Vec<f64> = worlds
        .iter()
        .zip(&best)
        .map(|(&w, b)| columns.iter().filter(|c| sign * c[w] - b <= 0.0).count() as f64)
        .collect();
    let mut policies = Vec::with_capacity(p);
    for (name, column) in names.iter().zip(columns) {
        let mut values: Vec<f64> = worlds.iter().map(|&w| column[w]).collect();
        let mut regrets: Vec<f64> = worlds
            .iter()
            .zip(&best)
            .map(|(&w, b)| sign * column[w] - b)
            .collect();
        let count = worlds.len() as f64;
        let best_share = regrets
            .iter()
            .zip(&tied)
            .filter(|(r, _)| **r <= 0.0)
            .map(|(_, k)| 1.0 / k)
            // A fold from +0: an empty float sum is -0, which prints as "-0%".
            .fold(0.0, |sum, share| sum + share)
            / count;
        let satisficing = threshold
            .map(|t| values.iter().filter(|v| sign * **v <= sign * t).count() as f64 / count);
        policies.push(PolicyStats {
            policy: name.clone(),
            mean: values.iter().sum::<f64>() / count,
            percentiles: [5.0, 50.0, 95.0].map(|q| percentile(&mut values, q)),
            mean_regret: regrets.iter().sum::<f64>() / count,
            p90_regret: percentile(&mut regrets, 90.0),
            max_regret: regrets.iter().copied().fold(0.0, f64::max),
            best_share,
            satisficing,
        });
    }
    let beats = (0..p)
        .map(|a| {
            (0..p)
                .map(|b| {
                    worlds
                        .iter()
                        .filter(|&&w| sign * columns[a][w] < sign * columns[b][w])
                        .count() as f64
                        / worlds.len() as f64
                })
                .collect()
        })
        .collect();
    Ok(PolicyComparison {
        policies,
        beats,
        worlds: worlds.len(),
    })
}

/// PRIM settings.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PrimOptions {
    /// Share of the box's points removed by each peel (default 0.05).
    pub peel_alpha: f64,
    /// Share of the box's points added by each paste (default 0.05).
    pub paste_alpha: f64,
    /// Peeling stops before the box holds less than this share of all points (default 0.05).
    pub min_mass: f64,
    /// The chosen box is the densest on the trajectory with at least this coverage (default 0.5).
    pub min_coverage: f64,
    /// Restrictions are lifted while the density stays within this relative share of the chosen
    /// box's density (default 0.1; 0 keeps every restriction that peeling made).
    pub prune_tolerance: f64,
}

impl Default for PrimOptions {
    fn default() -> Self {
        PrimOptions {
            peel_alpha: 0.05,
            paste_alpha: 0.05,
            min_mass: 0.05,
            min_coverage: 0.5,
            prune_tolerance: 0.1,
        }
    }
}

/// A box in parameter space with its quality figures.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PrimBox {
    /// `(lower, upper)` per parameter, inclusive.
    pub limits: Vec<(f64, f64)>,
    /// Share of all cases of interest that fall in the box.
    pub coverage: f64,
    /// Share of the box's points that are cases of interest.
    pub density: f64,
    /// Share of all points in the box.
    pub mass: f64,
}

/// One step of the peeling trajectory (same figures as a box).
pub type PrimStep = PrimBox;

/// The outcome of PRIM.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PrimResult {
    /// The peeling trajectory from the whole space inward: the coverage/density trade-off.
    pub trajectory: Vec<PrimStep>,
    /// The chosen box after pasting.
    pub chosen: PrimBox,
    /// Parameters the chosen box restricts (its limits are inside the data's range).
    pub restricted: Vec<usize>,
    /// Share of all points that are cases of interest.
    pub base_density: f64,
    /// For each restricted parameter, the chosen box's density with that restriction lifted:
    /// the further below the box's density, the more the restriction matters.
    pub density_without: Vec<(usize, f64)>,
}

/// Finds a box of parameter space where the cases of interest (`interesting[i]`, e.g. "the policy
/// failed") concentrate. `points[i]` holds point `i`'s parameter values.
pub fn prim(
    points: &[Vec<f64>],
    interesting: &[bool],
    options: PrimOptions,
) -> Result<PrimResult, ExploreError> {
    let n = points.len();
    if n == 0 || interesting.len() != n {
        return Err(ExploreError::Analysis(format!(
            "PRIM got {n} points and {} labels",
            interesting.len()
        )));
    }
    let d = points[0].len();
    if points
        .iter()
        .any(|p| p.len() != d || p.iter().any(|x| !x.is_finite()))
    {
        return Err(ExploreError::Analysis(
            "PRIM points must all be finite and of one length".into(),
        ));
    }
    let total_interesting = interesting.iter().filter(|b| **b).count();
    if total_interesting == 0 {
        return Err(ExploreError::Analysis(
            "no cases of interest: nothing for PRIM to find".into(),
        ));
    }
    let measure = |limits: &[(f64, f64)]| -> PrimBox {
        let (mut inside, mut hits) = (0usize, 0usize);
        for (p, &y) in points.iter().zip(interesting) {
            if in_box(p, limits) {
                inside += 1;
                hits += usize::from(y);
            }
        }
        PrimBox {
            limits: limits.to_vec(),
            coverage: hits as f64 / total_interesting as f64,
            density: if inside == 0 {
                0.0
            } else {
                hits as f64 / inside as f64
            },
            mass: inside as f64 / n as f64,
        }
    };
    let full: Vec<(f64, f64)> = (0..d)
        .map(|j| {
            points
                .iter()
                .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), p| {
                    (lo.min(p[j]), hi.max(p[j]))
                })
        })
        .collect();
    let mut current = measure(&full);
    let mut trajectory = vec![current.clone()];
    let mut members: Vec<usize> = (0..n).collect();
    let mut column = Vec::with_capacity(n);
    while current.density < 1.0 {
        let mut best: Option<(PrimBox, Vec<usize>)> = None;
        for j in 0..d {
            column.clear();
            column.extend(members.iter().map(|&i| points[i][j]));
            let take = ((options.peel_alpha * members.len() as f64).ceil() as usize)
                .clamp(1, members.len() - 1);
            for low_side in [true, false] {
                let limit = if low_side {
                    let (_, q, _) = column.select_nth_unstable_by(take, f64::total_cmp);
                    *q
                } else {
                    let index = members.len() - 1 - take;
                    let (_, q, _) = column.select_nth_unstable_by(index, f64::total_cmp);
                    *q
                };
                let keep: Vec<usize> = members
                    .iter()
                    .copied()
                    .filter(|&i| {
                        if low_side {
                            points[i][j] >= limit
                        } else {
                            points[i][j] <= limit
                        }
                    })
                    .collect();
                if keep.len() == members.len() || (keep.len() as f64) < options.min_mass * n as f64
                {
                    continue;
                }
                let hits = keep.iter().filter(|&&i| interesting[i]).count();
                let density = hits as f64 / keep.len() as f64;
                let better = match &best {
                    None => true,
                    Some((b, kept)) => {
                        density > b.density || (density == b.density && keep.len() > kept.len())
                    }
                };
                if better {
                    let mut limits = current.limits.clone();
                    if low_side {
                        limits[j].0 = limit;
                    } else {
                        limits[j].1 = limit;
                    }
                    let candidate = PrimBox {
                        limits,
                        coverage: hits as f64 / total_interesting as f64,
                        density,
                        mass: keep.len() as f64 / n as f64,
                    };
                    best = Some((candidate, keep));
                }
            }
        }
        match best {
            Some((next, keep)) => {
                members = keep;
                current = next;
                trajectory.push(current.clone());
            }
            None => break,
        }
    }
    let start = trajectory
        .iter()
        .filter(|b| b.coverage >= options.min_coverage)
        .max_by(|a, b| {
            a.density
                .total_cmp(&b.density)
                .then(b.mass.total_cmp(&a.mass))
        })
        .cloned()
        .unwrap_or_else(|| trajectory[0].clone());
    let pasted = paste(points, start, &full, options, &measure);
    let chosen = prune(pasted, &full, options.prune_tolerance, &measure);
    let restricted: Vec<usize> = (0..d)
        .filter(|&j| chosen.limits[j].0 > full[j].0 || chosen.limits[j].1 < full[j].1)
        .collect();
    let density_without = restricted
        .iter()
        .map(|&j: &usize| {
            let mut limits = chosen.limits.clone();
            limits[j] = full[j];
            (j, measure(&limits).density)
        })
        .collect();
    Ok(PrimResult {
        trajectory,
        chosen,
        restricted,
        base_density: total_interesting as f64 / n as f64,
        density_without,
    })
}

/// Drops restrictions that do not earn their place: with many parameters and few cases, peeling
/// nibbles at dimensions that carry no signal. One at a time, the restriction whose removal costs
/// the least density is lifted, while the density stays within `tolerance` (relative) of the box's.
fn prune(boxed: PrimBox, full: &[(f64, f64)], tolerance: f64, measure: &Measure) -> PrimBox {
    let floor = boxed.density * (1.0 - tolerance);
    let mut current = boxed;
    loop {
        let mut best: Option<PrimBox> = None;
        for (j, range) in full.iter().enumerate() {
            if current.limits[j] == *range {
                continue;
            }
            let mut limits = current.limits.clone();
            limits[j] = *range;
            let candidate = measure(&limits);
            if candidate.density >= floor
                && best.as_ref().is_none_or(|b| candidate.density > b.density)
            {
                best = Some(candidate);
            }
        }
        match best {
            Some(next) => current = next,
            None => return current,
        }
    }
}

/// Measures a box's coverage, density and mass.
type Measure<'a> = dyn Fn(&[(f64, f64)]) -> PrimBox + 'a;

/// Pasting: widen one side of one limit at a time while that raises the density.
fn paste(
    points: &[Vec<f64>],
    mut current: PrimBox,
    full: &[(f64, f64)],
    options: PrimOptions,
    measure: &Measure,
) -> PrimBox {
    let n = points.len() as f64;
    loop {
        let add = ((options.paste_alpha * current.mass * n).ceil() as usize).max(1);
        let mut best: Option<PrimBox> = None;
        for j in 0..full.len() {
            for low_side in [true, false] {
                // Points outside the box only along parameter j, on this side.
                let mut outside: Vec<f64> = points
                    .iter()
                    .filter(|p| {
                        let v = p[j];
                        let beyond = if low_side {
                            v < current.limits[j].0
                        } else {
                            v > current.limits[j].1
                        };
                        beyond
                            && p.iter().enumerate().all(|(i, x)| {
                                i == j || (*x >= current.limits[i].0 && *x <= current.limits[i].1)
                            })
                    })
                    .map(|p| p[j])
                    .collect();
                if outside.is_empty() {
                    continue;
                }
                outside.sort_unstable_by(f64::total_cmp);
                let take = add.min(outside.len());
                let mut limits = current.limits.clone();
                if low_side {
                    limits[j].0 = outside[outside.len() - take];
                } else {
                    limits[j].1 = outside[take - 1];
                }
                let candidate = measure(&limits);
                if candidate.density > current.density
                    && best.as_ref().is_none_or(|b| candidate.density > b.density)
                {
                    best = Some(candidate);
                }
            }
        }
        match best {
            Some(next) => current = next,
            None => return current,
        }
    }
}

fn in_box(point: &[f64], limits: &[(f64, f64)]) -> bool {
    point
        .iter()
        .zip(limits)
        .all(|(x, (lo, hi))| *x >= *lo && *x <= *hi)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::design::stream;
    use rand::Rng;

    #[test]
    fn regret_dominance_and_satisficing() {
        let names = vec!["a".to_string(), "b".to_string()];
        // a is better in worlds 0 and 1, b in world 2; world 3 failed for b.
        let columns = vec![vec![1.0, 2.0, 5.0, 1.0], vec![3.0, 4.0, 4.0, f64::NAN]];
        let c = compare_policies(&names, &columns, Direction::Minimize, Some(3.0)).unwrap();
        assert_eq!(c.worlds, 3);
        assert!((c.beats[0][1] - 2.0 / 3.0).abs() < 1e-12);
        assert!((c.beats[1][0] - 1.0 / 3.0).abs() < 1e-12);
        assert!((c.policies[0].mean_regret - 1.0 / 3.0).abs() < 1e-12);
        assert!((c.policies[1].mean_regret - 4.0 / 3.0).abs() < 1e-12);
        assert_eq!(c.policies[1].max_regret, 2.0);
        assert_eq!(c.policies[0].satisficing, Some(2.0 / 3.0));
        assert_eq!(c.policies[1].satisficing, Some(1.0 / 3.0));
        let m = compare_policies(&names, &columns, Direction::Maximize, None).unwrap();
        assert!((m.beats[1][0] - 2.0 / 3.0).abs() < 1e-12);
    }

    #[test]
    fn a_tie_for_best_is_shared_so_best_shares_add_to_one() {
        let names = vec!["a".to_string(), "b".to_string(), "c".to_string()];
        // World 0: a and b tie for best; world 1: c is best.
        let columns = vec![vec![1.0, 3.0], vec![1.0, 4.0], vec![2.0, 2.0]];
        let c = compare_policies(&names, &columns, Direction::Minimize, None).unwrap();
        let shares: Vec<f64> = c.policies.iter().map(|p| p.best_share).collect();
        assert_eq!(shares, vec![0.25, 0.25, 0.5]);
    }

    #[test]
    fn prim_finds_a_planted_box() {
        let mut rng = stream(5, 0);
        let points: Vec<Vec<f64>> = (0..4000)
            .map(|_| (0..4).map(|_| rng.random::<f64>()).collect())
            .collect();
        // Failures: x0 > 0.7 and x2 < 0.4 (12% of the space), plus 2% noise.
        let interesting: Vec<bool> = points
            .iter()
            .map(|p| (p[0] > 0.7 && p[2] < 0.4) || rng.random::<f64>() < 0.02)
            .collect();
        let result = prim(
            &points,
            &interesting,
            PrimOptions {
                min_coverage: 0.8,
                ..PrimOptions::default()
            },
        )
        .unwrap();
        let b = &result.chosen;
        assert!(b.density > 0.8, "{b:?}");
        assert!(b.coverage >= 0.8, "{b:?}");
        assert!((b.limits[0].0 - 0.7).abs() < 0.06, "{b:?}");
        assert!((b.limits[2].1 - 0.4).abs() < 0.06, "{b:?}");
        assert_eq!(result.restricted, vec![0, 2], "{b:?}");
        // Lifting either restriction dilutes the box.
        assert!(
            result
                .density_without
                .iter()
                .all(|(_, d)| *d < b.density - 0.2),
            "{result:?}"
        );
        // The trajectory trades coverage for density.
        let first = &result.trajectory[0];
        let last = result.trajectory.last().unwrap();
        assert!(first.coverage == 1.0 && last.density > first.density);
    }

    #[test]
    fn prim_needs_cases() {
        let points = vec![vec![0.0], vec![1.0]];
        assert!(prim(&points, &[false, false], PrimOptions::default()).is_err());
        assert!(prim(&points, &[true], PrimOptions::default()).is_err());
    }
}
