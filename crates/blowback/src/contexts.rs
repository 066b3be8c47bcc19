//! Where the conflict model meets the simulation: when each scenario's run reaches the
//! circumstances (`[[context]]` triggers of a conflict file) in which decision makers' preferences
//! change, so the stable outcomes of each context can be read against the simulated timeline.

use blowback_conflict::ConflictSpec;

use crate::case::ScenarioRuns;
use crate::error::CaseError;

/// When one scenario's run enters each context.
#[derive(Debug, Clone, PartialEq)]
pub struct ContextOnsets {
    /// The scenario.
    pub scenario: String,
    /// Per context of the conflict, in file order: the first time its trigger holds, `None` if it
    /// never does or has no trigger.
    pub onsets: Vec<Option<f64>>,
}

/// The onset of every context of `spec` in every run of `runs`, considering only times from
/// `from` on (the analysis date: a context reached before it is the past). A trigger naming a
/// variable the runs lack is an error.
pub fn context_onsets(
    spec: &ConflictSpec,
    runs: &ScenarioRuns,
    from: f64,
) -> Result<Vec<ContextOnsets>, CaseError> {
    let mut all = Vec::new();
    for (scenario, results) in &runs.runs {
        let times = results.times();
        let start = times.partition_point(|&t| t < from - 1e-9);
        let mut onsets = Vec::new();
        for context in &spec.contexts {
            let Some(trigger) = &context.trigger else {
                onsets.push(None);
                continue;
            };
            let values = results.column(&trigger.variable).ok_or_else(|| {
                CaseError::invalid(
                    "conflict.toml",
                    format!(
                        "context `{}`: the model has no variable `{}`",
                        context.name, trigger.variable
                    ),
                )
            })?;
            onsets.push(trigger.onset(&times[start..], &values[start..]));
        }
        all.push(ContextOnsets {
            scenario: scenario.clone(),
            onsets,
        });
    }
    Ok(all)
}
