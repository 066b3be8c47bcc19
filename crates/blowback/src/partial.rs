//! Partial effects of one variable on another, for the claim checks: a thin adapter over the
//! engine's own re-evaluation of its compiled equations ([`blowback_sd::Simulation::partial_signs`]),
//! so claims are judged with exactly the equations the runs use, every builtin included.

pub(crate) use blowback_sd::PartialSigns;
use blowback_sd::{RecordedRun, Results, Simulation};

/// A run's saved values, indexed once and shared by every link's check.
pub(crate) type RunView<'a> = RecordedRun<'a>;

/// The compiled equations of a case's model.
pub(crate) struct Equations<'a> {
    simulation: &'a Simulation,
}

impl<'a> Equations<'a> {
    pub(crate) fn new(simulation: &'a Simulation) -> Self {
        Equations { simulation }
    }

    /// Indexes a run for [`Equations::partial_signs`].
    pub(crate) fn view<'r>(&self, results: &'r Results) -> RunView<'r> {
        self.simulation.recorded(results)
    }

    /// Whether `name` uses `cause` within the time step, through auxiliaries and flows (stocks,
    /// smooths and delays pass a change on only at the next step).
    pub(crate) fn uses_within_step(&self, name: &str, cause: &str) -> bool {
        self.simulation.uses_within_step(name, cause)
    }

    /// Signs of the change in `effect` when `cause` is nudged up, at every saved row of a run.
    /// `None` when an equation on the way cannot be re-evaluated from the saved values.
    pub(crate) fn partial_signs(
        &self,
        run: &RunView,
        cause: &str,
        effect: &str,
    ) -> Option<PartialSigns> {
        self.simulation.partial_signs(run, cause, effect)
    }
}
