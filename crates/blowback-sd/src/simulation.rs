//! Runs of a compiled simulation: overrides, integration, results.
//!
//! The [`Simulation`] type itself is the plan the compiler produces (`plan.rs`); this module
//! runs it. A [`Simulation`] is immutable and `Send + Sync`: ensembles share one across threads and call
//! [`Simulation::run`] with different [`Overrides`]. Each run allocates its slot vector and result
//! columns once, then steps without allocating.

use std::collections::HashMap;
use std::ops::Range;

use rand::SeedableRng;
use rand_pcg::Pcg64Mcg;

use crate::model::{GraphicalFunction, Method, SimSpecs};
use crate::name::canonical_display;
use crate::name::did_you_mean;
use crate::plan::{execute, RunState, DT, NODE_BASE, TIME};
pub use crate::plan::{NodeRole, Simulation};

/// Changes to a compiled model for one run: constants, initial values of stocks, graphical
/// functions, time settings and the random seed. Names are checked when the run starts.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Overrides {
    values: Vec<(String, f64)>,
    tables: Vec<(String, GraphicalFunction)>,
    /// Integration method, replacing the model's.
    pub method: Option<Method>,
    /// Time step, replacing the model's.
    pub dt: Option<f64>,
    /// Start time, replacing the model's.
    pub start: Option<f64>,
    /// Stop time, replacing the model's.
    pub stop: Option<f64>,
    /// Interval between saved rows, replacing the model's.
    pub save_step: Option<f64>,
    /// Seed of the random streams (random builtins without a seed of their own).
    pub seed: u64,
}

impl Overrides {
    /// No changes.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets a constant, or a stock's initial value, by name.
    pub fn set(&mut self, name: &str, value: f64) -> &mut Self {
        self.values.push((name.to_string(), value));
        self
    }

    /// Replaces a graphical function by name.
    pub fn set_table(&mut self, name: &str, table: GraphicalFunction) -> &mut Self {
        self.tables.push((name.to_string(), table));
        self
    }

    /// The values set so far, in order.
    pub fn values(&self) -> &[(String, f64)] {
        &self.values
    }
}

/// Why a run could not be completed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum RunError {
    /// An override names nothing in the model.
    #[error("the model has no variable `{name}`{}", suggestion.as_ref().map(|s| format!(" (did you mean `{s}`?)")).unwrap_or_default())]
    UnknownName {
        /// The name given.
        name: String,
        /// The closest name the model has.
        suggestion: Option<String>,
    },
    /// An override sets a variable that is computed each step, which would be silently ignored.
    #[error("`{name}` is computed from other variables each step, so it cannot be set; set the constants it depends on")]
    NotAConstant {
        /// The variable.
        name: String,
    },
    /// An override sets a constant whose value fixed the model's structure when it was compiled
    /// (the order of a `DELAY N` or `SMOOTH N`).
    #[error("`{name}` sets the order of a delay or smooth, fixed when the model was compiled; change it in the model instead")]
    Structural {
        /// The variable.
        name: String,
    },
    /// An override names a graphical function the model does not have.
    #[error("`{name}` is not a graphical function of this model")]
    NotATable {
        /// The name given.
        name: String,
    },
    /// Time settings that cannot be simulated.
    #[error("invalid time settings: {0}")]
    InvalidTime(String),
    /// A time asked about lies outside the run.
    #[error("time {time} is outside the run, which goes from {start} to {stop}")]
    TimeOutsideRun {
        /// The time asked about.
        time: f64,
        /// The run's first time.
        start: f64,
        /// The run's last time.
        stop: f64,
    },
    /// A value became NaN or infinite.
    #[error("`{variable}` became {value} at time {time}")]
    NonFinite {
        /// The first variable found with a non-finite value.
        variable: String,
        /// When.
        time: f64,
        /// The value (NaN or ±inf).
        value: f64,
    },
}

/// Says exactly which time setting cannot be simulated, and what would be accepted.
fn check_time_settings(start: f64, stop: f64, dt: f64) -> Result<(), RunError> {
    let problem = if !(dt > 0.0 && dt.is_finite()) {
        format!("the time step (dt) must be a positive number, got {dt}")
    } else if !(start.is_finite() && stop.is_finite()) {
        format!("start and stop must be finite numbers, got start {start} and stop {stop}")
    } else if stop < start {
        format!("stop {stop} is before start {start}")
    } else if stop > start && dt > stop - start {
        format!(
            "the time step {dt} is longer than the run from {start} to {stop}: use a dt of at most {}",
            stop - start
        )
    } else {
        return Ok(());
    };
    Err(RunError::InvalidTime(problem))
}

/// Simulation results, one column per visible variable, one row per saved time.
#[derive(Debug, Clone, PartialEq)]
pub struct Results {
    times: Vec<f64>,
    names: Vec<String>,
    keys: HashMap<String, usize>,
    /// Column-major: column `c` is `data[c * rows .. (c + 1) * rows]`.
    data: Vec<f64>,
}

impl Results {
    /// The saved times.
    pub fn times(&self) -> &[f64] {
        &self.times
    }

    /// Variable names, in column order, as the model writes them.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// A column by index.
    pub fn column_at(&self, index: usize) -> &[f64] {
        let rows = self.times.len();
        &self.data[index * rows..(index + 1) * rows]
    }

    /// A column by variable name (compared as XMILE compares names).
    pub fn column(&self, name: &str) -> Option<&[f64]> {
        let index = *self.keys.get(&canonical_display(name))?;
        Some(self.column_at(index))
    }

    /// The value of a variable at the saved time nearest to `time`.
    pub fn value_at(&self, name: &str, time: f64) -> Option<f64> {
        let column = self.column(name)?;
        let row = self.row_near(time)?;
        Some(column[row])
    }

    /// The row whose time is nearest to `time`.
    pub fn row_near(&self, time: f64) -> Option<usize> {
        if self.times.is_empty() {
            return None;
        }
        let after = self.times.partition_point(|&t| t < time);
        let candidates = [after.saturating_sub(1), after.min(self.times.len() - 1)];
        candidates.into_iter().min_by(|&a, &b| {
            (self.times[a] - time)
                .abs()
                .total_cmp(&(self.times[b] - time).abs())
        })
    }
}

/// A variable of a compiled model, as listed by [`Simulation::variables`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct VariableInfo<'a> {
    /// Name as written in the model (`Stock A[Entry 1]` for array elements, `m.x` in modules).
    pub name: &'a str,
    /// Its role.
    pub role: NodeRole,
}

impl Simulation {
    /// The model's time settings.
    pub fn sim_specs(&self) -> &SimSpecs {
        &self.specs
    }

    /// The model's visible variables, in result-column order.
    pub fn variables(&self) -> impl Iterator<Item = VariableInfo<'_>> {
        self.nodes
            .iter()
            .filter(|n| n.visible)
            .map(|n| VariableInfo {
                name: &n.name,
                role: n.role,
            })
    }

    /// The graphical function `name` as compiled (its points and interpolation), if the model has
    /// one by that name; what [`Overrides::set_table`] replaces.
    pub fn table(&self, name: &str) -> Option<&GraphicalFunction> {
        let index = *self.table_by_name.get(&canonical_display(name))?;
        self.tables.get(index)
    }

    /// The value a constant or a stock's initial value has without overrides, computed from the
    /// model's own equations at the start time.
    pub fn default_value(&self, name: &str) -> Option<f64> {
        let index = *self.by_name.get(&canonical_display(name))?;
        let mut slots = self.slot_template.clone();
        let tables: Vec<&GraphicalFunction> = self.tables.iter().collect();
        let mut state = self.state(&tables, 0);
        for (node, range) in &self.initial_steps {
            self.run_ops(range.clone(), &mut slots, &mut state);
            if *node as usize == index {
                break;
            }
        }
        Some(slots[NODE_BASE as usize + index])
    }

    fn state<'a>(&self, tables: &'a [&'a GraphicalFunction], seed: u64) -> RunState<'a> {
        let rngs = self
            .random_seeds
            .iter()
            .enumerate()
            .map(|(site, explicit)| match explicit {
                Some(s) => Pcg64Mcg::seed_from_u64(*s),
                // Each call site gets its own stream from the run's seed, so adding a random
                // variable does not change the draws of the others.
                None => Pcg64Mcg::seed_from_u64(
                    seed ^ (site as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15),
                ),
            })
            .collect();
        RunState {
            tables,
            rngs,
            histories: vec![Vec::new(); self.delay_sources.len()],
            order: Vec::with_capacity(self.longest_vector),
            numbers: Vec::with_capacity(self.longest_vector),
        }
    }

    fn run_ops(&self, range: Range<u32>, slots: &mut [f64], state: &mut RunState) {
        let ops = &self.ops[range.start as usize..range.end as usize];
        execute(ops, &self.operands, slots, state);
    }

    pub(crate) fn find(&self, name: &str) -> Result<usize, RunError> {
        let key = canonical_display(name);
        self.by_name
            .get(&key)
            .copied()
            .ok_or_else(|| RunError::UnknownName {
                name: name.to_string(),
                suggestion: did_you_mean(&key, self.by_name.keys().map(String::as_str))
                    .map(|k| self.nodes[self.by_name[k]].name.clone()),
            })
    }

    /// Runs the simulation with `overrides`, saving every visible variable.
    pub fn run(&self, overrides: &Overrides) -> Result<Results, RunError> {
        let outputs: Vec<usize> = (0..self.nodes.len())
            .filter(|&i| self.nodes[i].visible)
            .collect();
        self.run_outputs(overrides, &outputs)
    }

    /// Runs the simulation, saving only the named variables (in the order given).
    pub fn run_selected(&self, overrides: &Overrides, names: &[&str]) -> Result<Results, RunError> {
        let outputs = names
            .iter()
            .map(|n| self.find(n))
            .collect::<Result<Vec<_>, _>>()?;
        self.run_outputs(overrides, &outputs)
    }

    /// Runs saving every node (hidden ones too) at every step, for loop analysis.
    pub(crate) fn run_trace(&self, overrides: &Overrides) -> Result<Results, RunError> {
        let mut every_step = overrides.clone();
        every_step.save_step = Some(overrides.dt.unwrap_or(self.specs.dt));
        let all: Vec<usize> = (0..self.nodes.len()).collect();
        self.run_outputs(&every_step, &all)
    }

    fn run_outputs(&self, overrides: &Overrides, outputs: &[usize]) -> Result<Results, RunError> {
        let start = overrides.start.unwrap_or(self.specs.start);
        let stop = overrides.stop.unwrap_or(self.specs.stop);
        let dt = overrides.dt.unwrap_or(self.specs.dt);
        let method = overrides.method.unwrap_or(self.specs.method);
        check_time_settings(start, stop, dt)?;
        let steps = ((stop - start) / dt + 1e-6).floor();
        if steps > 1e8 {
            return Err(RunError::InvalidTime(format!(
                "{steps} steps is more than this engine will run"
            )));
        }
        let steps = steps as usize;
        let save_step = overrides.save_step.or(self.specs.save_step).unwrap_or(dt);
        let save_every = ((save_step / dt) + 1e-6).floor().max(1.0) as usize;

        // Resolve overrides to node indices before anything runs.
        let mut fixed: Vec<Option<f64>> = vec![None; self.nodes.len()];
        for (name, value) in &overrides.values {
            let index = self.find(name)?;
            match self.nodes[index].role {
                NodeRole::Constant if self.structural.contains(&index) => {
                    return Err(RunError::Structural {
                        name: self.nodes[index].name.clone(),
                    })
                }
                NodeRole::Constant | NodeRole::Stock => fixed[index] = Some(*value),
                _ => {
                    return Err(RunError::NotAConstant {
                        name: self.nodes[index].name.clone(),
                    })
                }
            }
        }
        let mut tables: Vec<&GraphicalFunction> = self.tables.iter().collect();
        for (name, table) in &overrides.tables {
            match self.table_by_name.get(&canonical_display(name)) {
                Some(&t) => tables[t] = table,
                None => return Err(RunError::NotATable { name: name.clone() }),
            }
        }

        let mut slots = self.slot_template.clone();
        slots[TIME as usize] = start;
        slots[DT as usize] = dt;
        slots[crate::plan::START as usize] = start;
        slots[crate::plan::STOP as usize] = stop;
        let mut state = self.state(&tables, overrides.seed);

        // Initial pass, in dependency order, with overridden values replacing their equations.
        for (node, range) in &self.initial_steps {
            match fixed[*node as usize] {
                Some(value) => slots[(NODE_BASE + node) as usize] = value,
                None => self.run_ops(range.clone(), &mut slots, &mut state),
            }
        }
        // Auxiliaries with a separate initial equation show their ordinary equation's value at
        // the start, as in Vensim: the initial one only fed the initial values of stocks.
        if self.settle_at_start {
            self.run_ops(self.dynamic_ops.clone(), &mut slots, &mut state);
        }

        let rows = steps / save_every + 1 + usize::from(!steps.is_multiple_of(save_every));
        let mut times = Vec::with_capacity(rows);
        let mut data = vec![0.0; rows * outputs.len()];
        let output_slots: Vec<usize> = outputs.iter().map(|&i| (NODE_BASE as usize) + i).collect();
        let mut integrator = Integrator::new(self, method, dt);
        let mut previous_values = vec![0.0; self.previous.len()];

        let mut until_save = 0;
        for step in 0..=steps {
            let time = start + step as f64 * dt;
            if until_save == 0 || step == steps {
                until_save = save_every;
                let row = times.len();
                times.push(time);
                // One finiteness check per row: a NaN or infinity makes the sum non-finite. (A sum
                // can also overflow from finite values, so the search below may find nothing.)
                let mut check = 0.0;
                let mut index = row;
                for &slot in &output_slots {
                    let value = slots[slot];
                    check += value;
                    data[index] = value;
                    index += rows;
                }
                if !check.is_finite() {
                    if let Some(column) = output_slots.iter().position(|&s| !slots[s].is_finite()) {
                        return Err(RunError::NonFinite {
                            variable: self.nodes[outputs[column]].name.clone(),
                            time,
                            value: slots[output_slots[column]],
                        });
                    }
                }
            }
            until_save -= 1;
            if step == steps {
                break;
            }
            // Values that later steps read as "one step ago".
            for (k, &(_, source)) in self.previous.iter().enumerate() {
                previous_values[k] = slots[source as usize];
            }
            for (history, &source) in state.histories.iter_mut().zip(&self.delay_sources) {
                history.push(slots[source as usize]);
            }
            integrator.step(self, &mut slots, &mut state, time, dt);
            for (k, &(target, _)) in self.previous.iter().enumerate() {
                slots[target as usize] = previous_values[k];
            }
            slots[TIME as usize] = start + (step + 1) as f64 * dt;
            self.run_ops(self.dynamic_ops.clone(), &mut slots, &mut state);
            let stocks_sum: f64 = self.stocks.iter().map(|s| slots[s.slot as usize]).sum();
            if !stocks_sum.is_finite() {
                let bad = self
                    .stocks
                    .iter()
                    .find(|s| !slots[s.slot as usize].is_finite())
                    .map(|s| (s.slot, slots[s.slot as usize]));
                if let Some((slot, value)) = bad {
                    return Err(RunError::NonFinite {
                        variable: self.nodes[(slot - NODE_BASE) as usize]
                            .name
                            .split('#')
                            .next()
                            .unwrap_or_default()
                            .to_string(),
                        time: slots[TIME as usize],
                        value,
                    });
                }
            }
        }
        // A save step that does not divide the run leaves the last row unused.
        let used = times.len();
        if used < rows {
            let mut compact = vec![0.0; used * outputs.len()];
            for column in 0..outputs.len() {
                compact[column * used..(column + 1) * used]
                    .copy_from_slice(&data[column * rows..column * rows + used]);
            }
            data = compact;
        }
        let names: Vec<String> = outputs
            .iter()
            .map(|&i| self.nodes[i].name.clone())
            .collect();
        let keys = names
            .iter()
            .enumerate()
            .map(|(i, n)| (canonical_display(n), i))
            .collect();
        Ok(Results {
            times,
            names,
            keys,
            data,
        })
    }

    /// Net rate of change of each stock from the current flow values.
    fn derivatives(&self, slots: &[f64], dt: f64, out: &mut [f64]) {
        for (stock, net) in self.stocks.iter().zip(out.iter_mut()) {
            let mut sum = 0.0;
            for &(slot, sign) in
                &self.flow_terms[stock.terms.start as usize..stock.terms.end as usize]
            {
                sum += sign * slots[slot as usize];
            }
            if stock.non_negative {
                // The stock may not fall below zero in this step, whether drained by outflows or
                // by negative inflows; the flow variables keep their computed values, as in
                // Stella's output.
                sum = sum.max(-slots[stock.slot as usize] / dt);
            }
            *net = sum;
        }
    }
}

/// Scratch space for one integration method.
struct Integrator {
    method: Method,
    base: Vec<f64>,
    k: [Vec<f64>; 4],
    /// Euler's update as flat (stock slot, flow slot, sign x dt) terms, when in-place updates are
    /// safe; empty otherwise.
    euler_terms: Vec<(u32, u32, f64)>,
}

impl Integrator {
    fn new(simulation: &Simulation, method: Method, dt: f64) -> Self {
        let n = simulation.stocks.len();
        let stock_slots: std::collections::HashSet<u32> =
            simulation.stocks.iter().map(|s| s.slot).collect();
        let in_place = simulation.stocks.iter().all(|s| !s.non_negative)
            && simulation
                .flow_terms
                .iter()
                .all(|(f, _)| !stock_slots.contains(f));
        let euler_terms = if in_place {
            simulation
                .stocks
                .iter()
                .flat_map(|s| {
                    simulation.flow_terms[s.terms.start as usize..s.terms.end as usize]
                        .iter()
                        .map(move |&(flow, sign)| (s.slot, flow, sign * dt))
                })
                .collect()
        } else {
            Vec::new()
        };
        Integrator {
            method,
            base: vec![0.0; n],
            k: [vec![0.0; n], vec![0.0; n], vec![0.0; n], vec![0.0; n]],
            euler_terms,
        }
    }

    /// Advances the stocks from `time` to `time + dt`. Flows must be current for `time`.
    fn step(
        &mut self,
        sim: &Simulation,
        slots: &mut [f64],
        state: &mut RunState,
        time: f64,
        dt: f64,
    ) {
        let stocks = &sim.stocks;
        match self.method {
            Method::Euler if !self.euler_terms.is_empty() || stocks.is_empty() => {
                // Fast path: each (stock, flow, sign x dt) term updates its stock in place. Valid
                // because no flow slot is a stock and no stock is non-negative (see `new`).
                for &(stock, flow, coefficient) in &self.euler_terms {
                    slots[stock as usize] += coefficient * slots[flow as usize];
                }
            }
            Method::Euler => {
                sim.derivatives(slots, dt, &mut self.k[0]);
                for (stock, d) in stocks.iter().zip(&self.k[0]) {
                    slots[stock.slot as usize] += dt * d;
                }
            }
            Method::Rk2 | Method::Rk4 => {
                for (b, stock) in self.base.iter_mut().zip(stocks) {
                    *b = slots[stock.slot as usize];
                }
                let stages: &[(f64, f64)] = if self.method == Method::Rk2 {
                    &[(0.0, 0.0), (1.0, 1.0)]
                } else {
                    &[(0.0, 0.0), (0.5, 0.5), (0.5, 0.5), (1.0, 1.0)]
                };
                for (s, &(time_fraction, weight)) in stages.iter().enumerate() {
                    if s > 0 {
                        let (earlier, _) = self.k.split_at(s);
                        let previous = &earlier[s - 1];
                        for ((stock, b), d) in stocks.iter().zip(&self.base).zip(previous) {
                            slots[stock.slot as usize] = b + weight * dt * d;
                        }
                        slots[TIME as usize] = time + time_fraction * dt;
                        sim.run_ops(sim.dynamic_ops.clone(), slots, state);
                    }
                    let (_, rest) = self.k.split_at_mut(s);
                    sim.derivatives(slots, dt, &mut rest[0]);
                }
                let weights: &[f64] = if self.method == Method::Rk2 {
                    &[0.5, 0.5]
                } else {
                    &[1.0 / 6.0, 2.0 / 6.0, 2.0 / 6.0, 1.0 / 6.0]
                };
                for (i, stock) in stocks.iter().enumerate() {
                    let change: f64 = weights.iter().zip(&self.k).map(|(w, k)| w * k[i]).sum();
                    slots[stock.slot as usize] = self.base[i] + dt * change;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn simulation_is_send_and_sync() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<Simulation>();
    }
}
