//! Partial effects of one variable on another, from the compiled equations.
//!
//! A link's polarity is the sign of the partial derivative of the effect with respect to the
//! cause, other things held at their values (the textbook definition of a causal-loop link). At
//! every saved row of a run, the effect's compiled equation is re-evaluated with the cause nudged
//! up: inputs come from the run's saved values, except the auxiliaries and flows between the
//! cause and the effect within the step, which are recomputed from their own equations. Stocks,
//! smooths and delays pass a change on only at the next step, so their saved values stand.

use std::cell::RefCell;
use std::collections::HashMap;

use crate::loops::{eval, EvalContext};
use crate::model::GraphicalFunction;
use crate::name::canonical_display;
use crate::plan::{NodeRole, Simulation};
use crate::simulation::Results;

/// How often a nudge of the cause moved the effect up, down, or not at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PartialSigns {
    /// Rows where the effect rose.
    pub up: usize,
    /// Rows where it fell.
    pub down: usize,
    /// Rows where it did not move.
    pub flat: usize,
}

/// A run's saved values by compiled node, built once and shared by every link's check.
pub struct RecordedRun<'a> {
    results: &'a Results,
    /// Result column of each node, if it was saved.
    columns: Vec<Option<usize>>,
}

/// Deep enough for any real chain of auxiliaries; a cycle would be an algebraic loop, which the
/// compiler already refuses, but the limit keeps the recursion bounded.
const MAX_DEPTH: usize = 64;

impl Simulation {
    /// Indexes a run of this simulation for [`Simulation::partial_signs`].
    pub fn recorded<'a>(&self, results: &'a Results) -> RecordedRun<'a> {
        let by_name: HashMap<String, usize> = results
            .names()
            .iter()
            .enumerate()
            .map(|(c, n)| (canonical_display(n), c))
            .collect();
        let columns = self
            .nodes
            .iter()
            .map(|n| by_name.get(&canonical_display(&n.name)).copied())
            .collect();
        RecordedRun { results, columns }
    }

    /// Whether `effect` uses `cause` within a time step, through auxiliaries and flows (stocks,
    /// smooths and delays pass a change on only at the next step).
    pub fn uses_within_step(&self, effect: &str, cause: &str) -> bool {
        let (Some(&effect), Some(&cause)) = (
            self.by_name.get(&canonical_display(effect)),
            self.by_name.get(&canonical_display(cause)),
        ) else {
            return false;
        };
        let mut seen = vec![false; self.nodes.len()];
        let mut stack = vec![effect];
        while let Some(node) = stack.pop() {
            if std::mem::replace(&mut seen[node], true) {
                continue;
            }
            if let Some(equation) = &self.equations[node] {
                let mut found = false;
                equation.each_node(&mut |i| {
                    found |= i == cause;
                    stack.push(i);
                });
                if found {
                    return true;
                }
            }
        }
        false
    }

    /// Signs of the change in `effect` when `cause` is nudged up, at every saved row of `run`.
    /// `None` when the effect is a stock, a name is unknown or not saved, or an equation on the
    /// way needs a value the run did not save (the inside of a smooth, a random draw).
    pub fn partial_signs(
        &self,
        run: &RecordedRun,
        cause: &str,
        effect: &str,
    ) -> Option<PartialSigns> {
        let cause = *self.by_name.get(&canonical_display(cause))?;
        let effect = *self.by_name.get(&canonical_display(effect))?;
        if self.nodes[effect].role == NodeRole::Stock {
            return None;
        }
        let cause_column = run.results.column_at(run.columns[cause]?);
        let dependents = self.dependents(cause);
        let tables: Vec<&GraphicalFunction> = self.tables.iter().collect();
        let mut signs = PartialSigns::default();
        for (row, &time) in run.results.times().iter().enumerate() {
            let value = cause_column[row];
            // A step small against the value but far above rounding of the equations.
            let step = 1e-6 * value.abs().max(1e-3);
            let evaluator = |nudge: f64| Evaluator {
                simulation: self,
                run,
                row,
                context: EvalContext {
                    time,
                    dt: self.specs.dt,
                    start: self.specs.start,
                    stop: self.specs.stop,
                    tables: &tables,
                },
                cause,
                cause_value: value + nudge,
                dependents: &dependents,
                memo: RefCell::new(HashMap::new()),
            };
            let base = evaluator(0.0).value(effect, 0)?;
            let nudged = evaluator(step).value(effect, 0)?;
            let change = nudged - base;
            let noise = 1e-12 * base.abs().max(1.0);
            if change > noise {
                signs.up += 1;
            } else if change < -noise {
                signs.down += 1;
            } else {
                signs.flat += 1;
            }
        }
        Some(signs)
    }

    /// Which nodes use `cause` within the step (through per-step equations).
    fn dependents(&self, cause: usize) -> Vec<bool> {
        let mut used_by: Vec<Vec<usize>> = vec![Vec::new(); self.nodes.len()];
        for (node, equation) in self.equations.iter().enumerate() {
            if let Some(equation) = equation {
                equation.each_node(&mut |i| used_by[i].push(node));
            }
        }
        let mut found = vec![false; self.nodes.len()];
        let mut stack = vec![cause];
        while let Some(node) = stack.pop() {
            for &user in &used_by[node] {
                if !std::mem::replace(&mut found[user], true) {
                    stack.push(user);
                }
            }
        }
        found
    }
}

struct Evaluator<'a> {
    simulation: &'a Simulation,
    run: &'a RecordedRun<'a>,
    row: usize,
    context: EvalContext<'a>,
    cause: usize,
    cause_value: f64,
    dependents: &'a [bool],
    /// Values recomputed so far at this row, so shared inputs are evaluated once.
    memo: RefCell<HashMap<usize, f64>>,
}

impl Evaluator<'_> {
    /// A node's value with the cause nudged: the cause itself, the saved value of anything the
    /// cause does not reach within the step, and otherwise its equation re-evaluated (the effect
    /// itself always is, and so are unsaved helpers of builtins).
    fn value(&self, node: usize, depth: usize) -> Option<f64> {
        if node == self.cause {
            return Some(self.cause_value);
        }
        let recorded = self.run.columns[node].map(|c| self.run.results.column_at(c)[self.row]);
        if depth > MAX_DEPTH || (depth > 0 && !self.dependents[node] && recorded.is_some()) {
            return recorded;
        }
        if let Some(&value) = self.memo.borrow().get(&node) {
            return Some(value);
        }
        let equation = self.simulation.equations[node].as_ref()?;
        let value = eval(equation, &|i| self.value(i, depth + 1), &self.context)?;
        self.memo.borrow_mut().insert(node, value);
        Some(value)
    }
}
