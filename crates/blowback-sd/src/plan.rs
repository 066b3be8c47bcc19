//! The compiled plan: a flat list of register operations over `f64` slots, and the functions that
//! execute them. No names, hashing or allocation happen in `execute`; the compiler has resolved
//! everything. [`Simulation`] is defined here, as data, so that the compiler (which builds it) and
//! the runner (`simulation.rs`, which runs it) both depend on this module and not on each other.

use rand::Rng;
use rand_distr::{Distribution, Exp, Poisson, StandardNormal};
use rand_pcg::Pcg64Mcg;

use std::collections::HashMap;
use std::ops::Range;

use crate::ir::{BinaryFn, Ir, LookupMode, RandomFn, ReduceFn, UnaryFn, VectorFn};
use crate::model::{DataInterpolation, GraphicalFunctionKind};
use crate::model::{GraphicalFunction, SimSpecs};

/// What part a named quantity plays in the model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NodeRole {
    /// A stock; its initial value can be overridden.
    Stock,
    /// A flow that changes over time.
    Flow,
    /// An auxiliary that changes over time.
    Auxiliary,
    /// A value fixed for the whole run; it can be overridden.
    Constant,
    /// A named graphical function; its points can be overridden.
    Table,
}

/// Public facts about one compiled quantity.
#[derive(Debug, Clone)]
pub(crate) struct NodeInfo {
    pub name: String,
    pub role: NodeRole,
    pub visible: bool,
}

#[derive(Debug, Clone)]
pub(crate) struct StockPlan {
    pub slot: u32,
    /// Its flows in `Simulation::flow_terms`: +1 for inflows, -1 for outflows.
    pub terms: Range<u32>,
    pub non_negative: bool,
}

/// A compiled model, ready to run many times.
#[derive(Debug, Clone)]
pub struct Simulation {
    pub(crate) specs: SimSpecs,
    pub(crate) slot_template: Vec<f64>,
    pub(crate) ops: Vec<Op>,
    pub(crate) operands: Vec<u32>,
    pub(crate) initial_steps: Vec<(u32, Range<u32>)>,
    pub(crate) dynamic_ops: Range<u32>,
    pub(crate) stocks: Vec<StockPlan>,
    pub(crate) flow_terms: Vec<(u32, f64)>,
    pub(crate) previous: Vec<(u32, u32)>,
    pub(crate) delay_sources: Vec<u32>,
    pub(crate) tables: Vec<GraphicalFunction>,
    pub(crate) table_by_name: HashMap<String, usize>,
    pub(crate) random_seeds: Vec<Option<u64>>,
    pub(crate) nodes: Vec<NodeInfo>,
    pub(crate) by_name: HashMap<String, usize>,
    /// Each node's per-step equation (`None` for stocks and values fixed after the start), kept for
    /// loop analysis and explanations, which re-evaluate equations with some inputs changed.
    pub(crate) equations: Vec<Option<Ir>>,
    /// Nodes whose compile-time value fixed the structure (a delay's order): not overridable.
    pub(crate) structural: Vec<usize>,
    /// Length of the longest vector a vector function sorts.
    pub(crate) longest_vector: usize,
    /// Whether some node has a separate initial equation, so the per-step equations run once more
    /// at the start time before the first row is saved.
    pub(crate) settle_at_start: bool,
}

/// Slot of the current time.
pub(crate) const TIME: u32 = 0;
/// Slot of the time step.
pub(crate) const DT: u32 = 1;
/// Slot of the start time.
pub(crate) const START: u32 = 2;
/// Slot of the stop time.
pub(crate) const STOP: u32 = 3;
/// Slot of node 0; node `i` lives at `NODE_BASE + i`.
pub(crate) const NODE_BASE: u32 = 4;
/// Marks an absent optional operand.
pub(crate) const NONE: u32 = u32::MAX;

/// One register operation: reads operand slots, writes `dst`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Op {
    Copy {
        dst: u32,
        src: u32,
    },
    // The four arithmetic operators get their own variants: one dispatch per operation instead of
    // two, which is most of the run time of small models.
    Add {
        dst: u32,
        a: u32,
        b: u32,
    },
    Subtract {
        dst: u32,
        a: u32,
        b: u32,
    },
    Multiply {
        dst: u32,
        a: u32,
        b: u32,
    },
    Divide {
        dst: u32,
        a: u32,
        b: u32,
    },
    Unary {
        f: UnaryFn,
        dst: u32,
        a: u32,
    },
    Binary {
        f: BinaryFn,
        dst: u32,
        a: u32,
        b: u32,
    },
    Select {
        dst: u32,
        condition: u32,
        a: u32,
        b: u32,
    },
    SafeDiv {
        dst: u32,
        a: u32,
        b: u32,
        fallback: u32,
    },
    /// Reduces the operand slots `operands[start..start + len]`.
    Reduce {
        f: ReduceFn,
        dst: u32,
        start: u32,
        len: u32,
    },
    Lookup {
        dst: u32,
        table: u32,
        x: u32,
        mode: LookupMode,
    },
    /// Operand `start + base + floor(offset)` of `operands[start..start + len]`, NaN outside.
    Element {
        dst: u32,
        start: u32,
        len: u32,
        base: u32,
        offset: u32,
    },
    /// Element `index` of a vector function of `operands[start..start + len]`; `parameter` is
    /// the slot of its scalar parameter, or the start of a second vector of `len` operands.
    Vector {
        f: VectorFn,
        dst: u32,
        start: u32,
        len: u32,
        parameter: u32,
        index: u32,
    },
    /// VECTOR SELECT over `operands[start..start + len]` (selections) and the `len` after them.
    VectorSelect {
        dst: u32,
        start: u32,
        len: u32,
        missing: u32,
        action: u32,
    },
    Step {
        dst: u32,
        height: u32,
        start: u32,
    },
    Ramp {
        dst: u32,
        slope: u32,
        start: u32,
        end: u32,
    },
    Pulse {
        dst: u32,
        magnitude: u32,
        first: u32,
        interval: u32,
    },
    PulseWindow {
        dst: u32,
        start: u32,
        width: u32,
    },
    PulseTrain {
        dst: u32,
        start: u32,
        width: u32,
        interval: u32,
        end: u32,
    },
    /// A draw with parameters `operands[start..start + len]`.
    Random {
        f: RandomFn,
        dst: u32,
        site: u32,
        start: u32,
        len: u32,
    },
    Delay {
        dst: u32,
        buffer: u32,
        delay: u32,
        initial: u32,
    },
}

pub(crate) fn apply_unary(f: UnaryFn, x: f64) -> f64 {
    match f {
        UnaryFn::Negate => -x,
        UnaryFn::Not => f64::from(x == 0.0),
        UnaryFn::Abs => x.abs(),
        UnaryFn::Exp => x.exp(),
        UnaryFn::Ln => x.ln(),
        UnaryFn::Log10 => x.log10(),
        UnaryFn::Sqrt => x.sqrt(),
        UnaryFn::Sin => x.sin(),
        UnaryFn::Cos => x.cos(),
        UnaryFn::Tan => x.tan(),
        UnaryFn::ArcSin => x.asin(),
        UnaryFn::ArcCos => x.acos(),
        UnaryFn::ArcTan => x.atan(),
        UnaryFn::Sinh => x.sinh(),
        UnaryFn::Cosh => x.cosh(),
        UnaryFn::Tanh => x.tanh(),
        UnaryFn::Floor => x.floor(),
        UnaryFn::Truncate => x.trunc(),
        UnaryFn::NonNegative => x.max(0.0),
    }
}

pub(crate) fn apply_binary(f: BinaryFn, a: f64, b: f64) -> f64 {
    match f {
        BinaryFn::Add => a + b,
        BinaryFn::Subtract => a - b,
        BinaryFn::Multiply => a * b,
        BinaryFn::Divide => a / b,
        BinaryFn::Power => a.powf(b),
        BinaryFn::ModFloor => a - b * (a / b).floor(),
        BinaryFn::ModTruncate => a % b,
        BinaryFn::Equal => f64::from(a == b),
        BinaryFn::NotEqual => f64::from(a != b),
        BinaryFn::Less => f64::from(a < b),
        BinaryFn::LessEqual => f64::from(a <= b),
        BinaryFn::Greater => f64::from(a > b),
        BinaryFn::GreaterEqual => f64::from(a >= b),
        BinaryFn::And => f64::from(a != 0.0 && b != 0.0),
        BinaryFn::Or => f64::from(a != 0.0 || b != 0.0),
        BinaryFn::Min => a.min(b),
        BinaryFn::Max => a.max(b),
        BinaryFn::Log => a.ln() / b.ln(),
    }
}

pub(crate) fn reduce(f: ReduceFn, values: impl Iterator<Item = f64> + Clone) -> f64 {
    match f {
        ReduceFn::Sum => values.sum(),
        ReduceFn::Product => values.product(),
        ReduceFn::Min => values.fold(f64::INFINITY, f64::min),
        ReduceFn::Max => values.fold(f64::NEG_INFINITY, f64::max),
        ReduceFn::Mean => {
            let (sum, n) = values.fold((0.0, 0usize), |(s, n), v| (s + v, n + 1));
            sum / n as f64
        }
        ReduceFn::StdDev => {
            // Population standard deviation (divide by n), as PySD's and Stella's STDDEV.
            let (sum, n) = values
                .clone()
                .fold((0.0, 0usize), |(s, n), v| (s + v, n + 1));
            let mean = sum / n as f64;
            let squares: f64 = values.map(|v| (v - mean) * (v - mean)).sum();
            (squares / n as f64).sqrt()
        }
    }
}

/// Per-run mutable state beyond the slots: random streams and delay histories.
pub(crate) struct RunState<'a> {
    pub tables: &'a [&'a GraphicalFunction],
    pub rngs: Vec<Pcg64Mcg>,
    pub histories: Vec<Vec<f64>>,
    /// Scratch for sorting vectors, sized once for the longest one.
    pub order: Vec<usize>,
    /// Scratch for inverting matrices, sized once for the largest one.
    pub numbers: Vec<f64>,
}

/// Tolerance for comparing times that are sums of time steps.
fn eps(dt: f64) -> f64 {
    dt * 1e-6
}

/// Executes `ops` in order over `slots`.
pub(crate) fn execute(ops: &[Op], operands: &[u32], slots: &mut [f64], state: &mut RunState) {
    for op in ops {
        match *op {
            Op::Copy { dst, src } => slots[dst as usize] = slots[src as usize],
            Op::Add { dst, a, b } => slots[dst as usize] = slots[a as usize] + slots[b as usize],
            Op::Subtract { dst, a, b } => {
                slots[dst as usize] = slots[a as usize] - slots[b as usize]
            }
            Op::Multiply { dst, a, b } => {
                slots[dst as usize] = slots[a as usize] * slots[b as usize]
            }
            Op::Divide { dst, a, b } => slots[dst as usize] = slots[a as usize] / slots[b as usize],
            Op::Unary { f, dst, a } => slots[dst as usize] = apply_unary(f, slots[a as usize]),
            Op::Binary { f, dst, a, b } => {
                slots[dst as usize] = apply_binary(f, slots[a as usize], slots[b as usize])
            }
            Op::Select {
                dst,
                condition,
                a,
                b,
            } => {
                slots[dst as usize] = if slots[condition as usize] != 0.0 {
                    slots[a as usize]
                } else {
                    slots[b as usize]
                }
            }
            Op::SafeDiv {
                dst,
                a,
                b,
                fallback,
            } => {
                let divisor = slots[b as usize];
                slots[dst as usize] = if divisor == 0.0 {
                    slots[fallback as usize]
                } else {
                    slots[a as usize] / divisor
                }
            }
            Op::Reduce { f, dst, start, len } => {
                let range = &operands[start as usize..(start + len) as usize];
                let values = range.iter().map(|&s| slots[s as usize]);
                slots[dst as usize] = reduce(f, values);
            }
            Op::Lookup {
                dst,
                table,
                x,
                mode,
            } => {
                slots[dst as usize] = lookup(state.tables[table as usize], slots[x as usize], mode)
            }
            Op::Element {
                dst,
                start,
                len,
                base,
                offset,
            } => {
                let position = base as f64 + slots[offset as usize].floor();
                slots[dst as usize] = if position >= 0.0 && position < len as f64 {
                    slots[operands[(start + position as u32) as usize] as usize]
                } else {
                    f64::NAN
                };
            }
            Op::Vector {
                f,
                dst,
                start,
                len,
                parameter,
                index,
            } => {
                let items = &operands[start as usize..(start + len) as usize];
                slots[dst as usize] = match f {
                    VectorFn::Inverse => inverse_element(items, index, slots, &mut state.numbers),
                    _ => vector(
                        f,
                        items,
                        operands,
                        parameter,
                        index,
                        slots,
                        &mut state.order,
                    ),
                };
            }
            Op::VectorSelect {
                dst,
                start,
                len,
                missing,
                action,
            } => {
                let selection = &operands[start as usize..(start + len) as usize];
                let values = &operands[(start + len) as usize..(start + 2 * len) as usize];
                slots[dst as usize] = vector_select(
                    selection.iter().map(|&s| slots[s as usize]),
                    values.iter().map(|&v| slots[v as usize]),
                    slots[missing as usize],
                    slots[action as usize],
                );
            }
            Op::Step { dst, height, start } => {
                let t = slots[TIME as usize];
                let dt = slots[DT as usize];
                slots[dst as usize] = if t + eps(dt) >= slots[start as usize] {
                    slots[height as usize]
                } else {
                    0.0
                }
            }
            Op::Ramp {
                dst,
                slope,
                start,
                end,
            } => {
                let t = slots[TIME as usize];
                let begin = slots[start as usize];
                let until = if end == NONE {
                    t
                } else {
                    t.min(slots[end as usize])
                };
                slots[dst as usize] = if t > begin {
                    slots[slope as usize] * (until - begin)
                } else {
                    0.0
                }
            }
            Op::Pulse {
                dst,
                magnitude,
                first,
                interval,
            } => {
                let t = slots[TIME as usize];
                let dt = slots[DT as usize];
                let first = slots[first as usize];
                let interval = slots[interval as usize];
                let since = t - first;
                let phase = if since < -eps(dt) {
                    f64::INFINITY
                } else if interval > 0.0 {
                    since - interval * ((since + eps(dt)) / interval).floor()
                } else {
                    since
                };
                slots[dst as usize] = if phase.abs() < dt - eps(dt) && phase > -eps(dt) {
                    slots[magnitude as usize] / dt
                } else {
                    0.0
                }
            }
            Op::PulseWindow { dst, start, width } => {
                let t = slots[TIME as usize];
                let dt = slots[DT as usize];
                let begin = slots[start as usize];
                let width = slots[width as usize].max(dt);
                slots[dst as usize] =
                    f64::from(t + eps(dt) >= begin && t + eps(dt) < begin + width);
            }
            Op::PulseTrain {
                dst,
                start,
                width,
                interval,
                end,
            } => {
                let t = slots[TIME as usize];
                let dt = slots[DT as usize];
                let begin = slots[start as usize];
                let interval = slots[interval as usize];
                let on = if t + eps(dt) < begin || t > slots[end as usize] + eps(dt) {
                    false
                } else {
                    let phase = if interval > 0.0 {
                        (t - begin + eps(dt)) % interval
                    } else {
                        t - begin + eps(dt)
                    };
                    phase < slots[width as usize].max(dt)
                };
                slots[dst as usize] = f64::from(on);
            }
            Op::Random {
                f,
                dst,
                site,
                start,
                len,
            } => {
                let rng = &mut state.rngs[site as usize];
                let mut p = [0.0; 3];
                for (k, &slot) in operands[start as usize..(start + len) as usize]
                    .iter()
                    .take(3)
                    .enumerate()
                {
                    p[k] = slots[slot as usize];
                }
                slots[dst as usize] = draw(f, rng, p);
            }
            Op::Delay {
                dst,
                buffer,
                delay,
                initial,
            } => {
                let history = &state.histories[buffer as usize];
                slots[dst as usize] = delayed(
                    history,
                    slots[TIME as usize] - slots[delay as usize],
                    slots[START as usize],
                    slots[DT as usize],
                    slots[initial as usize],
                );
            }
        }
    }
}

/// The value a delay input had at `when`, from its per-step history (linear between steps).
fn delayed(history: &[f64], when: f64, start: f64, dt: f64, initial: f64) -> f64 {
    if when < start - eps(dt) || history.is_empty() {
        return initial;
    }
    let position = ((when - start) / dt).max(0.0);
    let below = position.floor();
    let index = below as usize;
    if index + 1 >= history.len() {
        return history[history.len() - 1];
    }
    let fraction = position - below;
    if fraction < 1e-9 {
        history[index]
    } else {
        history[index] * (1.0 - fraction) + history[index + 1] * fraction
    }
}

/// Reads a table as `mode` says.
pub(crate) fn lookup(table: &GraphicalFunction, x: f64, mode: LookupMode) -> f64 {
    let (xs, ys) = (&table.xs, &table.ys);
    let n = xs.len().min(ys.len());
    if n == 0 || x.is_nan() {
        return f64::NAN;
    }
    match mode {
        LookupMode::Table | LookupMode::Data(DataInterpolation::Interpolate) => table.eval(x),
        LookupMode::Extrapolate => table.eval_as(x, GraphicalFunctionKind::Extrapolate),
        LookupMode::Backward
        | LookupMode::Data(DataInterpolation::HoldBackward | DataInterpolation::Raw) => {
            let i = xs[..n].partition_point(|&v| v <= x);
            ys[i.saturating_sub(1)]
        }
        LookupMode::Forward | LookupMode::Data(DataInterpolation::LookForward) => {
            let i = xs[..n].partition_point(|&v| v < x);
            ys[i.min(n - 1)]
        }
        LookupMode::Invert => {
            // The first segment whose y range holds x, interpolated; clamped to the ends.
            for i in 0..n.saturating_sub(1) {
                let (y0, y1) = (ys[i], ys[i + 1]);
                if (y0 <= x && x <= y1) || (y1 <= x && x <= y0) {
                    return if y1 == y0 {
                        xs[i]
                    } else {
                        xs[i] + (x - y0) * (xs[i + 1] - xs[i]) / (y1 - y0)
                    };
                }
            }
            if (x - ys[0]).abs() <= (x - ys[n - 1]).abs() {
                xs[0]
            } else {
                xs[n - 1]
            }
        }
    }
}

/// Vensim's VECTOR SELECT: `action` 0-4 act on selection x value (sum, product, min, max,
/// mean), 5 on value ^ selection (product), 6-10 on the values alone (sum, product, min, max,
/// mean); only where the selection is not 0. `missing` when nothing is selected.
fn vector_select(
    selection: impl Iterator<Item = f64>,
    values: impl Iterator<Item = f64>,
    missing: f64,
    action: f64,
) -> f64 {
    let action = action.round() as i64;
    let (mut sum, mut product, mut low, mut high, mut count) =
        (0.0, 1.0, f64::INFINITY, f64::NEG_INFINITY, 0usize);
    for (s, v) in selection.zip(values) {
        if s == 0.0 {
            continue;
        }
        let x = match action {
            0..=4 => s * v,
            5 => v.powf(s),
            _ => v,
        };
        sum += x;
        product *= x;
        low = low.min(x);
        high = high.max(x);
        count += 1;
    }
    if count == 0 {
        return missing;
    }
    match action {
        0 | 6 => sum,
        1 | 5 | 7 => product,
        2 | 8 => low,
        3 | 9 => high,
        4 | 10 => sum / count as f64,
        _ => f64::NAN,
    }
}

/// Element `index` (row-major) of the inverse of the square matrix in `items`, by Gauss-Jordan
/// elimination with partial pivoting; NaN for a singular matrix. `scratch` holds the matrix and
/// the identity beside it.
fn inverse_element(items: &[u32], index: u32, slots: &[f64], scratch: &mut Vec<f64>) -> f64 {
    let n = (items.len() as f64).sqrt().round() as usize;
    if n * n != items.len() || n == 0 {
        return f64::NAN;
    }
    let width = 2 * n;
    scratch.clear();
    for row in 0..n {
        scratch.extend(
            items[row * n..(row + 1) * n]
                .iter()
                .map(|&s| slots[s as usize]),
        );
        scratch.extend((0..n).map(|k| f64::from(u8::from(k == row))));
    }
    for column in 0..n {
        let pivot = (column..n)
            .max_by(|&a, &b| {
                scratch[a * width + column]
                    .abs()
                    .total_cmp(&scratch[b * width + column].abs())
            })
            .unwrap_or(column);
        let value = scratch[pivot * width + column];
        if value == 0.0 || !value.is_finite() {
            return f64::NAN;
        }
        if pivot != column {
            for k in 0..width {
                scratch.swap(pivot * width + k, column * width + k);
            }
        }
        for k in 0..width {
            scratch[column * width + k] /= value;
        }
        for row in 0..n {
            let factor = scratch[row * width + column];
            if row != column && factor != 0.0 {
                for k in 0..width {
                    scratch[row * width + k] -= factor * scratch[column * width + k];
                }
            }
        }
    }
    let (row, column) = (index as usize / n, index as usize % n);
    scratch[row * width + n + column]
}

/// One element of a vector function. `order` is scratch for the sort, allocated once per run.
fn vector(
    f: VectorFn,
    items: &[u32],
    operands: &[u32],
    parameter: u32,
    index: u32,
    slots: &[f64],
    order: &mut Vec<usize>,
) -> f64 {
    let n = items.len();
    let value = |k: usize| slots[items[k] as usize];
    match f {
        VectorFn::Reorder => {
            let at = operands[(parameter + index) as usize];
            let k = slots[at as usize];
            if k >= 0.0 && (k as usize) < n {
                value(k as usize)
            } else {
                f64::NAN
            }
        }
        VectorFn::Inverse => f64::NAN,
        VectorFn::SortOrder | VectorFn::Rank => {
            // Ascending for a positive direction; otherwise the ascending order reversed (ties
            // then come last-first, as in Vensim).
            let ascending = slots[parameter as usize] > 0.0;
            order.clear();
            order.extend(0..n);
            order.sort_by(|&a, &b| value(a).total_cmp(&value(b)));
            if !ascending {
                order.reverse();
            }
            match f {
                VectorFn::SortOrder => order[index as usize] as f64,
                _ => order
                    .iter()
                    .position(|&k| k == index as usize)
                    .map_or(f64::NAN, |p| p as f64 + 1.0),
            }
        }
    }
}

fn draw(f: RandomFn, rng: &mut Pcg64Mcg, parameters: [f64; 3]) -> f64 {
    let [p, q, r] = parameters;
    match f {
        RandomFn::Uniform => p + (q - p) * rng.random::<f64>(),
        RandomFn::Normal => {
            let z: f64 = StandardNormal.sample(rng);
            p + q * z
        }
        RandomFn::LogNormal => {
            // p and q are the mean and standard deviation of the variable itself.
            if p <= 0.0 {
                return f64::NAN;
            }
            let sigma2 = (1.0 + (q * q) / (p * p)).ln();
            let mu = p.ln() - sigma2 / 2.0;
            let z: f64 = StandardNormal.sample(rng);
            (mu + sigma2.sqrt() * z).exp()
        }
        RandomFn::Poisson => match Poisson::new(p) {
            Ok(d) => d.sample(rng),
            Err(_) if p == 0.0 => 0.0,
            Err(_) => f64::NAN,
        },
        RandomFn::Exponential => match Exp::new(1.0 / p) {
            Ok(d) => d.sample(rng),
            Err(_) => f64::NAN,
        },
        RandomFn::Triangular => {
            // Inverse of the triangular distribution's cumulative function on [p, r], mode q.
            let (low, mode, high) = (p, q, r);
            if !(low <= mode && mode <= high && low < high) {
                return f64::NAN;
            }
            let u: f64 = rng.random();
            let split = (mode - low) / (high - low);
            if u < split {
                low + (u * (high - low) * (mode - low)).sqrt()
            } else {
                high - ((1.0 - u) * (high - low) * (high - mode)).sqrt()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modulo_dialects() {
        assert_eq!(apply_binary(BinaryFn::ModFloor, -7.0, 3.0), 2.0);
        assert_eq!(apply_binary(BinaryFn::ModTruncate, -7.0, 3.0), -1.0);
        assert_eq!(apply_unary(UnaryFn::Floor, -1.5), -2.0);
        assert_eq!(apply_unary(UnaryFn::Truncate, -1.5), -1.0);
    }

    #[test]
    fn delay_reads_history_between_steps() {
        let history = [10.0, 20.0, 30.0];
        assert_eq!(delayed(&history, -1.0, 0.0, 1.0, 5.0), 5.0);
        assert_eq!(delayed(&history, 1.0, 0.0, 1.0, 5.0), 20.0);
        assert_eq!(delayed(&history, 1.5, 0.0, 1.0, 5.0), 25.0);
        assert_eq!(delayed(&history, 9.0, 0.0, 1.0, 5.0), 30.0);
    }

    #[test]
    fn matrix_inverse_by_elimination() {
        // [[4, 7], [2, 6]] has inverse [[0.6, -0.7], [-0.2, 0.4]]; the pivot row swaps for [[0, 1], [1, 0]].
        let slots = [4.0, 7.0, 2.0, 6.0, 0.0, 1.0, 1.0, 0.0];
        let mut scratch = Vec::new();
        let inverse: Vec<f64> = (0..4)
            .map(|k| inverse_element(&[0, 1, 2, 3], k, &slots, &mut scratch))
            .collect();
        let expected = [0.6, -0.7, -0.2, 0.4];
        assert!(inverse
            .iter()
            .zip(expected)
            .all(|(a, b)| (a - b).abs() < 1e-12));
        assert_eq!(inverse_element(&[4, 5, 6, 7], 1, &slots, &mut scratch), 1.0);
        // Singular: NaN, not a panic.
        assert!(inverse_element(&[0, 0, 0, 0], 0, &slots, &mut scratch).is_nan());
    }

    #[test]
    fn population_standard_deviation() {
        let v = [2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0];
        assert_eq!(reduce(ReduceFn::StdDev, v.iter().copied()), 2.0);
    }
}
