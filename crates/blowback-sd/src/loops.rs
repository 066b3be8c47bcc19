//! Why a model behaves as it does: its causal graph, feedback loops, loop dominance by the Loops That
//! Matter method, and explanations of a variable's change.
//!
//! The graph covers every quantity that varies, hidden ones included (the stocks and flows that
//! implement SMTH1, DELAY3 and the like), because feedback runs through them; loops and explanations are
//! reported by the visible variables they pass through.
//!
//! Loops That Matter (Schoenberg, Eberlein and Hayward, System Dynamics Review 36(2), 2020): for an
//! equation link x -> z the link score at step t is |Δx z / Δz| times the sign of Δx z / Δx, where
//! Δx z = f(x at t, everything else at t-1) - z at t-1. For a flow into a stock it is ±Δflow / Δ(net
//! flow). A loop's score is the product of its link scores; its relative score divides by the sum of the
//! absolute scores of all loops at that step. Links through `DELAY`, `PREVIOUS` and random draws have no
//! partial effect to measure and score 0; loops made only of hidden structure (a smooth's own
//! adjustment) are left out of listings and of the normalisation.

use std::collections::{HashMap, HashSet};
use std::fmt;

use crate::ir::Ir;
use crate::model::GraphicalFunction;
use crate::plan::{apply_binary, apply_unary, reduce};
use crate::simulation::{NodeRole, Overrides, Results, RunError, Simulation};

/// The sign of a causal link or the character of a loop.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Polarity {
    /// The effect moves with the cause (links), or the loop reinforces.
    Positive,
    /// The effect moves against the cause (links), or the loop balances.
    Negative,
    /// The sign could not be determined (the effect never responded in the run).
    Unknown,
}

impl Polarity {
    fn times(self, other: Polarity) -> Polarity {
        match (self, other) {
            (Polarity::Unknown, _) | (_, Polarity::Unknown) => Polarity::Unknown,
            (a, b) if a == b => Polarity::Positive,
            _ => Polarity::Negative,
        }
    }
}

impl fmt::Display for Polarity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Polarity::Positive => "+",
            Polarity::Negative => "-",
            Polarity::Unknown => "?",
        })
    }
}

/// One causal link between visible variables.
#[derive(Debug, Clone, PartialEq)]
pub struct Link {
    /// The cause.
    pub from: String,
    /// The effect.
    pub to: String,
    /// Sign of the partial effect along the baseline run (or of the flow into the stock).
    pub polarity: Polarity,
    /// Whether the sign of the partial effect changed during the run.
    pub sign_changes: bool,
    /// Whether the link is a flow filling or draining a stock.
    pub is_flow: bool,
}

/// A feedback loop.
#[derive(Debug, Clone, PartialEq)]
pub struct FeedbackLoop {
    /// Stable index within the analysis.
    pub index: usize,
    /// Visible variables around the loop, in causal order.
    pub variables: Vec<String>,
    /// Positive: reinforcing (R); negative: balancing (B).
    pub polarity: Polarity,
    /// A name from case metadata, when one matches.
    pub name: Option<String>,
    nodes: Vec<usize>,
}

impl FeedbackLoop {
    /// `R` for reinforcing, `B` for balancing, `?` when undetermined.
    pub fn kind(&self) -> &'static str {
        match self.polarity {
            Polarity::Positive => "R",
            Polarity::Negative => "B",
            Polarity::Unknown => "?",
        }
    }
}

/// Options for loop enumeration.
#[derive(Debug, Clone, Copy)]
pub struct LoopOptions {
    /// Stop after this many loops (a model can have exponentially many).
    pub max_loops: usize,
    /// Only loops of at most this many nodes (hidden ones included); `None` searches them all.
    pub max_length: Option<usize>,
    /// Keep only an independent set: shortest first, each with a link no earlier loop has.
    pub independent_only: bool,
}

impl Default for LoopOptions {
    fn default() -> Self {
        LoopOptions {
            max_loops: 10_000,
            max_length: None,
            independent_only: false,
        }
    }
}

/// A period in which one loop dominates.
#[derive(Debug, Clone, PartialEq)]
pub struct DominancePeriod {
    /// Start time.
    pub from: f64,
    /// End time.
    pub to: f64,
    /// Index of the dominant loop.
    pub loop_index: usize,
    /// Its mean relative loop score over the period (sign: R positive, B negative).
    pub mean_relative_score: f64,
}

/// The result of a Loops That Matter analysis over one run.
#[derive(Debug, Clone)]
pub struct LoopAnalysis {
    /// The loops analysed.
    pub loops: Vec<FeedbackLoop>,
    /// Times of the scores (from the second step on).
    pub times: Vec<f64>,
    /// Loop scores: `scores[loop][step]`, the product of the loop's link scores (positive for a
    /// loop that reinforces at that step, negative for one that balances).
    pub scores: Vec<Vec<f64>>,
    /// Relative loop scores: `relative_scores[loop][step]`, in [-1, 1]: each loop's score divided by
    /// the sum of the absolute scores of all the loops analysed at that step.
    pub relative_scores: Vec<Vec<f64>>,
}

/// One arrow of a causal-loop diagram condensed to stocks: from one stock to the next stock along
/// one or more loops.
#[derive(Debug, Clone, PartialEq)]
pub struct CondensedEdge {
    /// The stock the chain starts at.
    pub from: String,
    /// The stock it ends at.
    pub to: String,
    /// The polarity of the chain from `from` to `to` (`Unknown` where loops disagree).
    pub polarity: Polarity,
    /// The auxiliaries and flows along the chain, in order (from the first loop through it).
    pub via: Vec<String>,
    /// Indices into the loops given of the loops that run along this arrow.
    pub loops: Vec<usize>,
}

impl LoopAnalysis {
    /// Maximal periods in which the same loop has the largest absolute relative score. Periods
    /// shorter than `min_length` time units are merged into the one before.
    pub fn dominance(&self, min_length: f64) -> Vec<DominancePeriod> {
        let mut periods: Vec<DominancePeriod> = Vec::new();
        for (t, &time) in self.times.iter().enumerate() {
            let best = (0..self.loops.len())
                .filter(|&l| self.relative_scores[l][t] != 0.0)
                .max_by(|&a, &b| {
                    self.relative_scores[a][t]
                        .abs()
                        .total_cmp(&self.relative_scores[b][t].abs())
                });
            let Some(best) = best else { continue };
            match periods.last_mut() {
                Some(p) if p.loop_index == best => p.to = time,
                _ => periods.push(DominancePeriod {
                    from: time,
                    to: time,
                    loop_index: best,
                    mean_relative_score: 0.0,
                }),
            }
        }
        let mut merged: Vec<DominancePeriod> = Vec::new();
        for period in periods {
            match merged.last_mut() {
                Some(last)
                    if period.to - period.from < min_length
                        || last.loop_index == period.loop_index =>
                {
                    last.to = period.to
                }
                _ => merged.push(period),
            }
        }
        for period in &mut merged {
            period.mean_relative_score = self.mean_score(period.loop_index, period.from, period.to);
        }
        merged
    }

    /// Mean relative score of a loop over a time window.
    pub fn mean_score(&self, loop_index: usize, from: f64, to: f64) -> f64 {
        let (sum, count) = self
            .times
            .iter()
            .zip(&self.relative_scores[loop_index])
            .filter(|(t, _)| **t >= from && **t <= to)
            .fold((0.0, 0usize), |(s, n), (_, v)| (s + v, n + 1));
        if count == 0 {
            0.0
        } else {
            sum / count as f64
        }
    }

    /// The rows of the analysis at `times` (a run's saved times, in order): `(time, row)` for each
    /// time that is one of the analysed steps. The start has no row, because a score compares a
    /// step with the one before it.
    pub fn rows_at(&self, times: &[f64]) -> Vec<(f64, usize)> {
        // Steps are `start + k * dt`, computed the same way in both runs; the tolerance only
        // absorbs rounding, far below any step.
        let step = match self.times.as_slice() {
            [a, b, ..] => b - a,
            _ => 1.0,
        };
        let tolerance = step.abs() * 1e-6;
        times
            .iter()
            .filter_map(|&t| {
                let row = self.times.partition_point(|&s| s < t - tolerance);
                let found = self.times.get(row)?;
                ((found - t).abs() <= tolerance).then_some((t, row))
            })
            .collect()
    }

    /// Loops ranked by mean absolute relative score over a window, strongest first.
    pub fn ranking(&self, from: f64, to: f64) -> Vec<(usize, f64)> {
        let mut ranked: Vec<(usize, f64)> = (0..self.loops.len())
            .map(|l| {
                let (sum, count) = self
                    .times
                    .iter()
                    .zip(&self.relative_scores[l])
                    .filter(|(t, _)| **t >= from && **t <= to)
                    .fold((0.0, 0usize), |(s, n), (_, v)| (s + v.abs(), n + 1));
                (l, if count == 0 { 0.0 } else { sum / count as f64 })
            })
            .collect();
        ranked.sort_by(|a, b| b.1.total_cmp(&a.1));
        ranked
    }
}

/// One cause's part in a variable's change.
#[derive(Debug, Clone, PartialEq)]
pub struct Contribution {
    /// The cause.
    pub from: String,
    /// The variable it changes.
    pub to: String,
    /// Depth in the chain (0: a direct cause of the variable asked about).
    pub depth: usize,
    /// The change in `to` over the step attributable to `from` alone (per time unit for stocks).
    pub delta: f64,
    /// `delta` as a share of `to`'s total change (its net flow for stocks).
    pub share: f64,
}

/// Why a loop could not be built from a list of variables.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum LoopError {
    /// A name the model does not have.
    #[error("unknown variable `{0}`")]
    UnknownVariable(String),
    /// Two consecutive variables with no causal link between them.
    #[error("`{from}` does not act on `{to}`: no equation or flow links them")]
    NotLinked {
        /// The cause named.
        from: String,
        /// The effect named.
        to: String,
    },
    /// The baseline run failed.
    #[error(transparent)]
    Run(RunError),
}

/// Internal graph over every varying node.
struct Graph {
    /// `inputs[z]`: (x, is_flow, flow sign) links into z.
    inputs: Vec<Vec<(usize, bool, f64)>>,
    included: Vec<bool>,
}

impl Simulation {
    fn graph(&self) -> Graph {
        let n = self.nodes.len();
        let mut inputs = vec![Vec::new(); n];
        let stock_nodes: HashSet<usize> = self
            .stocks
            .iter()
            .map(|s| self.node_of_slot(s.slot))
            .collect();
        let varies = |i: usize| {
            self.equations[i].is_some()
                || stock_nodes.contains(&i)
                || self
                    .previous
                    .iter()
                    .any(|&(t, _)| self.node_of_slot(t) == i)
        };
        let included: Vec<bool> = (0..n).map(varies).collect();
        for (z, links) in inputs.iter_mut().enumerate() {
            if let Some(equation) = &self.equations[z] {
                let mut seen = HashSet::new();
                equation.each_node(&mut |x| {
                    if included[x] && seen.insert(x) {
                        links.push((x, false, 0.0));
                    }
                });
            }
        }
        for stock in &self.stocks {
            let s = self.node_of_slot(stock.slot);
            for &(slot, sign) in
                &self.flow_terms[stock.terms.start as usize..stock.terms.end as usize]
            {
                inputs[s].push((self.node_of_slot(slot), true, sign));
            }
        }
        for &(target, source) in &self.previous {
            let (t, s) = (self.node_of_slot(target), self.node_of_slot(source));
            inputs[t].push((s, false, 0.0));
        }
        Graph { inputs, included }
    }

    fn node_of_slot(&self, slot: u32) -> usize {
        (slot - crate::plan::NODE_BASE) as usize
    }

    fn visible(&self, i: usize) -> bool {
        self.nodes[i].visible && self.nodes[i].role != NodeRole::Table
    }

    fn visible_name(&self, i: usize) -> &str {
        self.nodes[i]
            .name
            .split('#')
            .next()
            .unwrap_or(&self.nodes[i].name)
    }

    /// The causal links between visible variables, with polarities from the baseline run
    /// (`overrides`). Links through hidden structure are collapsed to one link.
    pub fn causal_graph(&self, overrides: &Overrides) -> Result<Vec<Link>, RunError> {
        let trace = self.run_trace(overrides)?;
        let graph = self.graph();
        let mut links = Vec::new();
        let mut seen = HashSet::new();
        for z in (0..self.nodes.len()).filter(|&z| self.visible(z)) {
            // Walk back through hidden nodes to the visible causes, carrying the chain's sign and
            // whether any link on it changed sign; each link's polarity is computed once.
            let mut stack: Vec<(usize, Polarity, bool, bool)> = graph.inputs[z]
                .iter()
                .map(|&(x, is_flow, sign)| {
                    let (polarity, changes) = self.link_polarity(&trace, x, z, is_flow, sign);
                    (x, polarity, changes, is_flow)
                })
                .collect();
            let mut visited = HashSet::new();
            while let Some((x, polarity, sign_changes, is_flow)) = stack.pop() {
                if !visited.insert(x) {
                    continue;
                }
                if self.visible(x) {
                    if seen.insert((x, z)) {
                        links.push(Link {
                            from: self.nodes[x].name.clone(),
                            to: self.nodes[z].name.clone(),
                            polarity,
                            sign_changes,
                            is_flow,
                        });
                    }
                    continue;
                }
                for &(w, w_flow, sign) in &graph.inputs[x] {
                    let (p, changes) = self.link_polarity(&trace, w, x, w_flow, sign);
                    stack.push((w, polarity.times(p), sign_changes || changes, false));
                }
            }
        }
        Ok(links)
    }

    /// Sign of the partial effect of x on z along the run, and whether it changed sign.
    fn link_polarity(
        &self,
        trace: &Results,
        x: usize,
        z: usize,
        is_flow: bool,
        sign: f64,
    ) -> (Polarity, bool) {
        if is_flow {
            return (
                if sign > 0.0 {
                    Polarity::Positive
                } else {
                    Polarity::Negative
                },
                false,
            );
        }
        let Some(equation) = &self.equations[z] else {
            // PREVIOUS: the value one step ago.
            return (Polarity::Positive, false);
        };
        let (mut positive, mut negative) = (0usize, 0usize);
        let tables: Vec<&GraphicalFunction> = self.tables.iter().collect();
        for step in 0..trace.times().len() {
            let value_of = |i: usize| trace.column_at(i)[step];
            let x0 = value_of(x);
            let h = 1e-6 * x0.abs().max(1.0);
            let context = EvalContext {
                time: trace.times()[step],
                dt: self.specs.dt,
                start: self.specs.start,
                stop: self.specs.stop,
                tables: &tables,
            };
            let base = eval(equation, &|i| Some(value_of(i)), &context);
            let bumped = eval(
                equation,
                &|i| Some(if i == x { x0 + h } else { value_of(i) }),
                &context,
            );
            if let (Some(a), Some(b)) = (base, bumped) {
                let d = b - a;
                if d > 0.0 {
                    positive += 1;
                } else if d < 0.0 {
                    negative += 1;
                }
            }
        }
        let polarity = match (positive, negative) {
            (0, 0) => Polarity::Unknown,
            (p, n) if p >= n => Polarity::Positive,
            _ => Polarity::Negative,
        };
        (polarity, positive > 0 && negative > 0)
    }

    /// The model's feedback loops, shortest first, with polarities from the baseline run. Loops
    /// made only of hidden structure are left out. With `max_length` set, only loops of at most that
    /// many nodes are searched (a bounded depth-first search); otherwise Johnson's algorithm finds
    /// every elementary circuit, up to `max_loops`.
    pub fn feedback_loops(
        &self,
        overrides: &Overrides,
        options: LoopOptions,
    ) -> Result<Vec<FeedbackLoop>, RunError> {
        let trace = self.run_trace(overrides)?;
        let graph = self.graph();
        let n = self.nodes.len();
        // Successor lists (cause -> effects) for the cycle search.
        let mut successors = vec![Vec::new(); n];
        for (z, inputs) in graph.inputs.iter().enumerate() {
            for &(x, _, _) in inputs {
                successors[x].push(z);
            }
        }
        let cycles = match options.max_length {
            Some(limit) => bounded_cycles(&successors, &graph.included, limit, options.max_loops),
            None => johnson(&successors, &graph.included, options.max_loops),
        };
        let mut cycles: Vec<Vec<usize>> = cycles
            .into_iter()
            .filter(|c| c.iter().any(|&i| self.visible(i)))
            .collect();
        cycles.sort_by_key(Vec::len);
        let mut polarities = HashMap::new();
        let mut loops = Vec::new();
        let mut covered: HashSet<(usize, usize)> = HashSet::new();
        for cycle in cycles {
            let edges: Vec<(usize, usize)> = (0..cycle.len())
                .map(|k| (cycle[k], cycle[(k + 1) % cycle.len()]))
                .collect();
            if options.independent_only && edges.iter().all(|e| covered.contains(e)) {
                continue;
            }
            covered.extend(edges.iter().copied());
            let polarity = self.cycle_polarity(&trace, &graph, &cycle, &mut polarities);
            loops.push(self.make_loop(loops.len(), cycle, polarity));
        }
        Ok(loops)
    }

    /// The loop through the given visible variables, in causal order (each variable's equation reads
    /// the one before, or the one before is a flow of that stock; the last feeds the first). Hidden
    /// structure between two of them (a smooth, a delay) is followed.
    pub fn loop_through(
        &self,
        overrides: &Overrides,
        variables: &[&str],
        index: usize,
    ) -> Result<FeedbackLoop, LoopError> {
        let graph = self.graph();
        let mut nodes = Vec::new();
        for name in variables {
            let key = crate::name::canonical_display(name);
            match self.by_name.get(&key) {
                Some(&i) => nodes.push(i),
                None => return Err(LoopError::UnknownVariable(name.to_string())),
            }
        }
        let mut cycle = Vec::new();
        for k in 0..nodes.len() {
            let (from, to) = (nodes[k], nodes[(k + 1) % nodes.len()]);
            match self.hidden_path(&graph, from, to) {
                Some(path) => {
                    cycle.push(from);
                    cycle.extend(path);
                }
                None => {
                    return Err(LoopError::NotLinked {
                        from: self.nodes[from].name.clone(),
                        to: self.nodes[to].name.clone(),
                    })
                }
            }
        }
        let trace = self.run_trace(overrides).map_err(LoopError::Run)?;
        let polarity = self.cycle_polarity(&trace, &graph, &cycle, &mut HashMap::new());
        Ok(self.make_loop(index, cycle, polarity))
    }

    /// Hidden nodes on a shortest path from `from` to `to` (empty when linked directly).
    fn hidden_path(&self, graph: &Graph, from: usize, to: usize) -> Option<Vec<usize>> {
        let mut previous: HashMap<usize, usize> = HashMap::new();
        let mut queue = std::collections::VecDeque::from([to]);
        // Search backwards from `to` through hidden inputs until `from` is an input.
        while let Some(z) = queue.pop_front() {
            for &(x, _, _) in &graph.inputs[z] {
                if x == from {
                    let mut path = Vec::new();
                    let mut at = z;
                    while at != to {
                        path.push(at);
                        at = previous[&at];
                    }
                    return Some(path);
                }
                if !self.visible(x) && !previous.contains_key(&x) && x != to {
                    previous.insert(x, z);
                    queue.push_back(x);
                }
            }
        }
        None
    }

    fn cycle_polarity(
        &self,
        trace: &Results,
        graph: &Graph,
        cycle: &[usize],
        memo: &mut HashMap<(usize, usize), Polarity>,
    ) -> Polarity {
        let mut polarity = Polarity::Positive;
        for k in 0..cycle.len() {
            let (x, z) = (cycle[k], cycle[(k + 1) % cycle.len()]);
            let link = *memo.entry((x, z)).or_insert_with(|| {
                let (is_flow, sign) = graph.inputs[z]
                    .iter()
                    .find(|(w, _, _)| *w == x)
                    .map(|&(_, f, s)| (f, s))
                    .unwrap_or((false, 0.0));
                self.link_polarity(trace, x, z, is_flow, sign).0
            });
            polarity = polarity.times(link);
        }
        polarity
    }

    fn make_loop(&self, index: usize, cycle: Vec<usize>, polarity: Polarity) -> FeedbackLoop {
        let variables = cycle
            .iter()
            .filter(|&&i| self.visible(i))
            .map(|&i| self.nodes[i].name.clone())
            .collect();
        FeedbackLoop {
            index,
            variables,
            polarity,
            name: None,
            nodes: cycle,
        }
    }

    /// Loop scores over a run by the Loops That Matter method.
    pub fn loop_dominance(
        &self,
        overrides: &Overrides,
        loops: &[FeedbackLoop],
    ) -> Result<LoopAnalysis, RunError> {
        let trace = self.run_trace(overrides)?;
        let graph = self.graph();
        let steps = trace.times().len();
        let mut link_scores: HashMap<(usize, usize), Vec<f64>> = HashMap::new();
        for l in loops {
            for k in 0..l.nodes.len() {
                let (x, z) = (l.nodes[k], l.nodes[(k + 1) % l.nodes.len()]);
                link_scores
                    .entry((x, z))
                    .or_insert_with(|| self.link_scores(&trace, &graph, x, z));
            }
        }
        let scores: Vec<Vec<f64>> = loops
            .iter()
            .map(|l| {
                (1..steps)
                    .map(|t| {
                        (0..l.nodes.len())
                            .map(|k| {
                                link_scores[&(l.nodes[k], l.nodes[(k + 1) % l.nodes.len()])][t]
                            })
                            .product()
                    })
                    .collect()
            })
            .collect();
        let mut relative_scores = scores.clone();
        for t in 0..steps.saturating_sub(1) {
            let total: f64 = scores.iter().map(|s: &Vec<f64>| s[t].abs()).sum();
            for s in &mut relative_scores {
                s[t] = if total > 0.0 && total.is_finite() {
                    s[t] / total
                } else {
                    0.0
                };
            }
        }
        Ok(LoopAnalysis {
            loops: loops.to_vec(),
            times: trace.times()[1.min(steps)..].to_vec(),
            scores,
            relative_scores,
        })
    }

    /// The loops' arrows condensed to their stocks: an arrow from one stock to the next stock along
    /// a loop, marked with the polarity of the chain of auxiliaries and flows between them (link
    /// polarities from the run under `overrides`). Loops without a stock (algebraic, so not drawn)
    /// are skipped; a loop through one stock gives an arrow from the stock to itself. Sorted by
    /// (from, to).
    pub fn condensed_loop_graph(
        &self,
        overrides: &Overrides,
        loops: &[&FeedbackLoop],
    ) -> Result<Vec<CondensedEdge>, RunError> {
        let links = self.causal_graph(overrides)?;
        let stocks: HashSet<&str> = self
            .variables()
            .filter(|v| v.role == NodeRole::Stock)
            .map(|v| v.name)
            .collect();
        let sign: HashMap<(&str, &str), Polarity> = links
            .iter()
            .map(|l| ((l.from.as_str(), l.to.as_str()), l.polarity))
            .collect();
        let mut edges: HashMap<(String, String), CondensedEdge> = HashMap::new();
        for (index, l) in loops.iter().enumerate() {
            let vars = &l.variables;
            let Some(first) = vars.iter().position(|v| stocks.contains(v.as_str())) else {
                continue;
            };
            // Walk once around the loop from its first stock, closing a segment at each stock.
            let mut from = vars[first].as_str();
            let mut polarity = Polarity::Positive;
            let mut via = Vec::new();
            for k in 1..=vars.len() {
                let previous = vars[(first + k - 1) % vars.len()].as_str();
                let current = vars[(first + k) % vars.len()].as_str();
                let link = sign
                    .get(&(previous, current))
                    .copied()
                    .unwrap_or(Polarity::Unknown);
                polarity = polarity.times(link);
                if !stocks.contains(current) {
                    via.push(current.to_string());
                    continue;
                }
                let edge = edges
                    .entry((from.to_string(), current.to_string()))
                    .or_insert_with(|| CondensedEdge {
                        from: from.to_string(),
                        to: current.to_string(),
                        polarity,
                        via: std::mem::take(&mut via),
                        loops: Vec::new(),
                    });
                if edge.polarity != polarity {
                    edge.polarity = Polarity::Unknown;
                }
                if edge.loops.last() != Some(&index) {
                    edge.loops.push(index);
                }
                via.clear();
                from = current;
                polarity = Polarity::Positive;
            }
        }
        let mut sorted: Vec<CondensedEdge> = edges.into_values().collect();
        sorted.sort_by(|a, b| (&a.from, &a.to).cmp(&(&b.from, &b.to)));
        Ok(sorted)
    }

    /// Link scores of x -> z at every step (0 at the first).
    fn link_scores(&self, trace: &Results, graph: &Graph, x: usize, z: usize) -> Vec<f64> {
        let steps = trace.times().len();
        let mut out = vec![0.0; steps];
        let column = |i: usize| trace.column_at(i);
        let input = graph.inputs[z].iter().find(|(w, _, _)| *w == x).copied();
        let Some((_, is_flow, sign)) = input else {
            return out;
        };
        if is_flow {
            let stock = self.stocks.iter().find(|s| self.node_of_slot(s.slot) == z);
            let Some(stock) = stock else { return out };
            let terms = &self.flow_terms[stock.terms.start as usize..stock.terms.end as usize];
            let net = |t: usize| -> f64 {
                terms
                    .iter()
                    .map(|&(slot, s)| s * column(self.node_of_slot(slot))[t])
                    .sum()
            };
            for (t, score) in out.iter_mut().enumerate().skip(1) {
                let d_net = net(t) - net(t - 1);
                let d_flow = column(x)[t] - column(x)[t - 1];
                *score = if d_net == 0.0 {
                    0.0
                } else {
                    sign * d_flow / d_net
                };
            }
            return out;
        }
        let Some(equation) = &self.equations[z] else {
            return out;
        };
        let tables: Vec<&GraphicalFunction> = self.tables.iter().collect();
        for (t, score) in out.iter_mut().enumerate().skip(1) {
            let dz = column(z)[t] - column(z)[t - 1];
            let dx = column(x)[t] - column(x)[t - 1];
            if dz == 0.0 || dx == 0.0 {
                continue;
            }
            let context = EvalContext {
                time: trace.times()[t - 1],
                dt: self.specs.dt,
                start: self.specs.start,
                stop: self.specs.stop,
                tables: &tables,
            };
            let partial = eval(
                equation,
                &|i| {
                    Some(if i == x {
                        column(x)[t]
                    } else {
                        column(i)[t - 1]
                    })
                },
                &context,
            );
            if let Some(value) = partial {
                let dxz = value - column(z)[t - 1];
                *score = (dxz / dz).abs() * (dxz / dx).signum();
            }
        }
        out
    }

    /// The chain of causes behind `variable`'s change at the saved step nearest `time`: its direct
    /// causes with their contributions, then the causes of the largest contributor, down to `depth`.
    pub fn explain(
        &self,
        overrides: &Overrides,
        variable: &str,
        time: f64,
        depth: usize,
    ) -> Result<Vec<Contribution>, RunError> {
        let index = self.find(variable)?;
        let trace = self.run_trace(overrides)?;
        let (start, stop) = (trace.times()[0], trace.times()[trace.times().len() - 1]);
        if !(start..=stop).contains(&time) {
            return Err(RunError::TimeOutsideRun { time, start, stop });
        }
        let step = trace.row_near(time).unwrap_or(0).max(1);
        let graph = self.graph();
        let mut out = Vec::new();
        let mut current = index;
        let mut visited = HashSet::new();
        for level in 0..depth {
            if !visited.insert(current) {
                break;
            }
            let mut contributions = self.contributions(&trace, &graph, current, step);
            contributions.sort_by(|a, b| b.1.abs().total_cmp(&a.1.abs()));
            let total: f64 = if self.equations[current].is_some() {
                trace.column_at(current)[step] - trace.column_at(current)[step - 1]
            } else {
                contributions.iter().map(|c| c.1).sum()
            };
            for &(from, delta) in &contributions {
                out.push(Contribution {
                    from: self.visible_name(from).to_string(),
                    to: self.visible_name(current).to_string(),
                    depth: level,
                    delta,
                    share: if total == 0.0 { 0.0 } else { delta / total },
                });
            }
            match contributions
                .iter()
                .find(|c| c.1 != 0.0 && !visited.contains(&c.0))
            {
                Some(&(next, _)) => current = next,
                None => break,
            }
        }
        Ok(out)
    }

    /// Direct contributions to node z's change at `step`, through hidden nodes to visible causes.
    fn contributions(
        &self,
        trace: &Results,
        graph: &Graph,
        z: usize,
        step: usize,
    ) -> Vec<(usize, f64)> {
        let column = |i: usize| trace.column_at(i);
        let tables: Vec<&GraphicalFunction> = self.tables.iter().collect();
        let mut result: Vec<(usize, f64)> = Vec::new();
        for &(x, is_flow, sign) in &graph.inputs[z] {
            let delta = if is_flow {
                sign * column(x)[step]
            } else if let Some(equation) = &self.equations[z] {
                let context = EvalContext {
                    time: trace.times()[step - 1],
                    dt: self.specs.dt,
                    start: self.specs.start,
                    stop: self.specs.stop,
                    tables: &tables,
                };
                eval(
                    equation,
                    &|i| {
                        Some(if i == x {
                            column(x)[step]
                        } else {
                            column(i)[step - 1]
                        })
                    },
                    &context,
                )
                .map_or(0.0, |v| v - column(z)[step - 1])
            } else {
                column(z)[step] - column(z)[step - 1]
            };
            // A hidden cause (a smooth's stock, a materialised argument) stands for its own causes.
            if !self.visible(x) && graph.inputs[x].iter().any(|&(w, _, _)| w != z) {
                let inner = self.contributions(trace, graph, x, step);
                let inner_total: f64 = inner.iter().map(|c| c.1).sum();
                for (w, d) in inner {
                    let scaled = if inner_total == 0.0 {
                        0.0
                    } else {
                        delta * d / inner_total
                    };
                    match result.iter_mut().find(|r| r.0 == w) {
                        Some(r) => r.1 += scaled,
                        None => result.push((w, scaled)),
                    }
                }
                continue;
            }
            match result.iter_mut().find(|r| r.0 == x) {
                Some(r) => r.1 += delta,
                None => result.push((x, delta)),
            }
        }
        result.retain(|&(x, _)| x != z);
        result
    }
}

/// Johnson's algorithm for the elementary circuits of a directed graph, stopping at `limit`.
fn johnson(successors: &[Vec<usize>], included: &[bool], limit: usize) -> Vec<Vec<usize>> {
    let n = successors.len();
    let mut cycles = Vec::new();
    let mut blocked = vec![false; n];
    let mut blocked_by: Vec<HashSet<usize>> = vec![HashSet::new(); n];
    for start in 0..n {
        if !included[start] || cycles.len() >= limit {
            continue;
        }
        // Only nodes >= start take part, so each circuit is found once, from its smallest node.
        for i in start..n {
            blocked[i] = false;
            blocked_by[i].clear();
        }
        let mut path = vec![start];
        // Explicit stack of (node, next successor index, found a circuit below).
        let mut stack: Vec<(usize, usize, bool)> = vec![(start, 0, false)];
        blocked[start] = true;
        while let Some(&mut (v, ref mut next, ref mut found)) = stack.last_mut() {
            if cycles.len() >= limit {
                break;
            }
            if *next < successors[v].len() {
                let w = successors[v][*next];
                *next += 1;
                if w < start || !included[w] {
                    continue;
                }
                if w == start {
                    cycles.push(path.clone());
                    *found = true;
                } else if !blocked[w] {
                    blocked[w] = true;
                    path.push(w);
                    stack.push((w, 0, false));
                }
                continue;
            }
            let (v, _, found) = stack.pop().unwrap_or((v, 0, false));
            if found {
                unblock(v, &mut blocked, &mut blocked_by);
            } else {
                for &w in &successors[v] {
                    if w >= start && included[w] {
                        blocked_by[w].insert(v);
                    }
                }
            }
            path.pop();
            if let Some(parent) = stack.last_mut() {
                parent.2 |= found;
            }
        }
    }
    cycles
}

/// Elementary cycles of at most `limit` nodes, each found once from its smallest node, by
/// depth-first search; stops at `max` cycles.
fn bounded_cycles(
    successors: &[Vec<usize>],
    included: &[bool],
    limit: usize,
    max: usize,
) -> Vec<Vec<usize>> {
    let mut cycles = Vec::new();
    let mut on_path = vec![false; successors.len()];
    for start in 0..successors.len() {
        if !included[start] || cycles.len() >= max {
            continue;
        }
        let mut path = vec![start];
        on_path[start] = true;
        let mut stack: Vec<usize> = vec![0];
        while let Some(next) = stack.last_mut() {
            let v = path[path.len() - 1];
            if *next >= successors[v].len() || cycles.len() >= max {
                stack.pop();
                on_path[v] = false;
                path.pop();
                continue;
            }
            let w = successors[v][*next];
            *next += 1;
            if w == start {
                cycles.push(path.clone());
            } else if w > start && included[w] && !on_path[w] && path.len() < limit {
                on_path[w] = true;
                path.push(w);
                stack.push(0);
            }
        }
    }
    cycles
}

fn unblock(v: usize, blocked: &mut [bool], blocked_by: &mut [HashSet<usize>]) {
    let mut work = vec![v];
    while let Some(u) = work.pop() {
        if !blocked[u] {
            continue;
        }
        blocked[u] = false;
        work.extend(std::mem::take(&mut blocked_by[u]));
    }
}

/// The clock and tables an equation is re-evaluated with.
pub(crate) struct EvalContext<'a> {
    pub time: f64,
    pub dt: f64,
    pub start: f64,
    pub stop: f64,
    pub tables: &'a [&'a GraphicalFunction],
}

/// Evaluates an equation with node values from `value`. `None` when it holds a delay or random draw,
/// whose partial effects cannot be re-evaluated from values alone.
pub(crate) fn eval(ir: &Ir, value: &dyn Fn(usize) -> Option<f64>, c: &EvalContext) -> Option<f64> {
    let e = |x: &Ir| eval(x, value, c);
    Some(match ir {
        Ir::Const(v) => *v,
        Ir::Node(i) => value(*i)?,
        Ir::Time => c.time,
        Ir::Dt => c.dt,
        Ir::StartTime => c.start,
        Ir::StopTime => c.stop,
        Ir::Unary(f, a) => apply_unary(*f, e(a)?),
        Ir::Binary(f, a, b) => apply_binary(*f, e(a)?, e(b)?),
        Ir::If(cond, a, b) => {
            if e(cond)? != 0.0 {
                e(a)?
            } else {
                e(b)?
            }
        }
        Ir::SafeDiv(a, b, fallback) => {
            let d = e(b)?;
            if d == 0.0 {
                e(fallback)?
            } else {
                e(a)? / d
            }
        }
        Ir::Reduce(f, items) => {
            let values: Option<Vec<f64>> = items.iter().map(&e).collect();
            reduce(*f, values?.into_iter())
        }
        Ir::Lookup(t, x, mode) => crate::plan::lookup(c.tables[*t], e(x)?, *mode),
        Ir::Step(h, start) => {
            if c.time + c.dt * 1e-6 >= e(start)? {
                e(h)?
            } else {
                0.0
            }
        }
        Ir::Ramp(slope, start, end) => {
            let begin = e(start)?;
            let until = match end {
                Some(end) => c.time.min(e(end)?),
                None => c.time,
            };
            if c.time > begin {
                e(slope)? * (until - begin)
            } else {
                0.0
            }
        }
        Ir::Pulse(..)
        | Ir::PulseWindow(..)
        | Ir::PulseTrain(..)
        | Ir::Random(..)
        | Ir::Delay { .. }
        | Ir::Element { .. }
        | Ir::Vector { .. }
        | Ir::Select { .. } => return None,
    })
}
