//! Same-day ties. Event datasets are day-resolved, but a Hawkes likelihood in continuous time
//! has no ties: two events stamped on one day would otherwise be scored as simultaneous (neither
//! excites the other) and give zero rescaled intervals that wreck goodness-of-fit tests.
//!
//! Two explicit choices: [`TiePolicy::Collapse`] keeps one event per (day, mark), modelling "a day
//! with at least one event"; [`TiePolicy::Jitter`] spreads the events of each day uniformly at
//! random inside that day (seeded), modelling unknown times of day. Collapsed events are jittered
//! too, because a continuous-time model fitted to whole-day times sees a lattice, and its
//! time-rescaling test would reject any model. Jitter keeps counts, which the
//! branching ratio needs; collapse is the conservative check that clustering is not an artefact
//! of multiple reports of one day.

use crate::hawkes::simulate::Rng;

/// How to break ties among day-stamped events.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum TiePolicy {
    /// Keep every event at its day's start; ties stay (and do not excite each other).
    Keep,
    /// Keep one event per day and mark, then jitter the survivors inside their day.
    Collapse {
        /// Seed of the jitter.
        seed: u64,
    },
    /// Move each event to a uniform random time inside its day, from this seed.
    Jitter {
        /// Seed of the jitter.
        seed: u64,
    },
}

/// Applies the policy to `(day, mark)` pairs, where `day` is a whole number of days since the
/// window start; returns `(time, mark)` sorted by time.
pub fn resolve_ties(days: &[(f64, usize)], policy: TiePolicy) -> Vec<(f64, usize)> {
    let mut out: Vec<(f64, usize)> = days.to_vec();
    out.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    let seed = match policy {
        TiePolicy::Keep => return out,
        TiePolicy::Collapse { seed } => {
            out.dedup();
            seed
        }
        TiePolicy::Jitter { seed } => seed,
    };
    let mut rng = Rng::new(seed);
    for event in &mut out {
        event.0 += rng.uniform();
    }
    out.sort_by(|a, b| a.0.total_cmp(&b.0));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collapse_keeps_one_per_day_and_mark_and_jitter_keeps_counts_inside_days() {
        let days = [(3.0, 0), (1.0, 0), (1.0, 0), (1.0, 1)];
        let collapsed = resolve_ties(&days, TiePolicy::Collapse { seed: 4 });
        assert_eq!(collapsed.len(), 3);
        let floors: Vec<(f64, usize)> = collapsed.iter().map(|e| (e.0.floor(), e.1)).collect();
        assert!(
            floors.contains(&(1.0, 0)) && floors.contains(&(1.0, 1)) && floors.contains(&(3.0, 0))
        );
        let jittered = resolve_ties(&days, TiePolicy::Jitter { seed: 1 });
        assert_eq!(jittered.len(), 4);
        assert!(jittered.windows(2).all(|w| w[0].0 < w[1].0));
        assert_eq!(
            jittered.iter().filter(|e| e.0 >= 1.0 && e.0 < 2.0).count(),
            3
        );
        assert_eq!(jittered, resolve_ties(&days, TiePolicy::Jitter { seed: 1 }));
    }
}
