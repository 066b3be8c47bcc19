//! The compiler's intermediate form: resolved expressions over node indices, and the nodes. It sits
//! below both the compiler (which produces it) and the plan and runs (which keep each node's
//! equation for loop analysis), so neither depends on the other through it.

use crate::model::{DataInterpolation, Equation};

/// Functions of one argument.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum UnaryFn {
    Negate,
    Not,
    Abs,
    Exp,
    Ln,
    Log10,
    Sqrt,
    Sin,
    Cos,
    Tan,
    ArcSin,
    ArcCos,
    ArcTan,
    Sinh,
    Cosh,
    Tanh,
    /// `INT` in XMILE and Stella: the floor.
    Floor,
    /// `INT` in Vensim: truncation toward zero.
    Truncate,
    /// A uniflow: `max(0, x)`.
    NonNegative,
}

/// Functions of two arguments.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BinaryFn {
    Add,
    Subtract,
    Multiply,
    Divide,
    Power,
    /// `MOD` in XMILE and Stella: the result takes the divisor's sign.
    ModFloor,
    /// `MOD` in Vensim: the result takes the dividend's sign.
    ModTruncate,
    Equal,
    NotEqual,
    Less,
    LessEqual,
    Greater,
    GreaterEqual,
    And,
    Or,
    Min,
    Max,
    /// `LOG(x, base)`.
    Log,
}

/// Reductions over a list of values (array builtins and n-ary MIN/MAX).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ReduceFn {
    Sum,
    Product,
    Mean,
    Min,
    Max,
    StdDev,
}

/// Random-number builtins; each call site draws from its own seeded stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RandomFn {
    /// `RANDOM(min, max)` / `UNIFORM(min, max)`.
    Uniform,
    /// `NORMAL(mean, sd)`.
    Normal,
    /// `LOGNORMAL(mean, sd)`: mean and standard deviation of the variable itself.
    LogNormal,
    /// `POISSON(mean)`.
    Poisson,
    /// `EXPRND(mean)`.
    Exponential,
    /// Vensim `RANDOM TRIANGULAR(min, max, start, peak, end)`: start, peak, end.
    Triangular,
}

/// How a table is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LookupMode {
    /// As the table's own kind says (continuous, extrapolating or discrete).
    Table,
    /// Linear, extended along the end segments (`LOOKUP EXTRAPOLATE`).
    Extrapolate,
    /// The y of the first point at or after x (`LOOKUP FORWARD`).
    Forward,
    /// The y of the last point at or before x (`LOOKUP BACKWARD`).
    Backward,
    /// The x at which the table reaches y (`LOOKUP INVERT`).
    Invert,
    /// A data series read at the current time.
    Data(DataInterpolation),
}

/// Functions of a whole vector that give one element (or one value) back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum VectorFn {
    /// `VECTOR SORT ORDER(v, direction)`: the 0-based position of the k-th element in sorted order.
    SortOrder,
    /// `VECTOR RANK(v, direction)`: the 1-based rank of element k.
    Rank,
    /// `VECTOR REORDER(v, order)`: element `order[k]` of v.
    Reorder,
    /// `INVERT MATRIX(m, n)`: element k (row-major) of the inverse of the n x n matrix m.
    Inverse,
}

/// A resolved expression.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Ir {
    Const(f64),
    Node(usize),
    Time,
    Dt,
    StartTime,
    StopTime,
    Unary(UnaryFn, Box<Ir>),
    Binary(BinaryFn, Box<Ir>, Box<Ir>),
    If(Box<Ir>, Box<Ir>, Box<Ir>),
    /// `a / b`, or `fallback` where `b` is zero.
    SafeDiv(Box<Ir>, Box<Ir>, Box<Ir>),
    Reduce(ReduceFn, Vec<Ir>),
    Lookup(usize, Box<Ir>, LookupMode),
    /// Element `base + offset` of `items` (rounded down), NaN outside (`VECTOR ELM MAP`).
    Element {
        items: Vec<Ir>,
        base: usize,
        offset: Box<Ir>,
    },
    /// Element `index` of a vector function of `items` (and, for some, `parameter`s).
    Vector {
        f: VectorFn,
        items: Vec<Ir>,
        parameters: Vec<Ir>,
        index: usize,
    },
    /// `VECTOR SELECT`: Vensim's numerical `action` (0-10) over the `values` whose `selection`
    /// is not 0, or `missing` when none is.
    Select {
        selection: Vec<Ir>,
        values: Vec<Ir>,
        missing: Box<Ir>,
        action: Box<Ir>,
    },
    Step(Box<Ir>, Box<Ir>),
    Ramp(Box<Ir>, Box<Ir>, Option<Box<Ir>>),
    /// XMILE `PULSE(magnitude, first, interval)`: magnitude/DT in the steps at first + k*interval.
    Pulse(Box<Ir>, Box<Ir>, Box<Ir>),
    /// Vensim `PULSE(start, width)`: 1 from start for width, else 0.
    PulseWindow(Box<Ir>, Box<Ir>),
    /// Vensim `PULSE TRAIN(start, width, interval, end)`.
    PulseTrain(Box<Ir>, Box<Ir>, Box<Ir>, Box<Ir>),
    /// A random draw: kind, parameters, call site, explicit seed.
    Random(RandomFn, Vec<Ir>, usize, Option<u64>),
    /// A fixed (pipeline) delay: history buffer, delay time, value before the delay has elapsed.
    Delay {
        buffer: usize,
        delay: Box<Ir>,
        initial: Box<Ir>,
    },
}

impl Ir {
    /// Calls `visit` with every node this expression reads in the same time step.
    pub(crate) fn each_node(&self, visit: &mut impl FnMut(usize)) {
        match self {
            Ir::Node(i) => visit(*i),
            Ir::Const(_) | Ir::Time | Ir::Dt | Ir::StartTime | Ir::StopTime => {}
            Ir::Unary(_, a) | Ir::Lookup(_, a, _) => a.each_node(visit),
            Ir::Binary(_, a, b) | Ir::Step(a, b) | Ir::PulseWindow(a, b) => {
                a.each_node(visit);
                b.each_node(visit);
            }
            Ir::If(a, b, c) | Ir::SafeDiv(a, b, c) | Ir::Pulse(a, b, c) => {
                a.each_node(visit);
                b.each_node(visit);
                c.each_node(visit);
            }
            Ir::Ramp(a, b, c) => {
                a.each_node(visit);
                b.each_node(visit);
                if let Some(c) = c {
                    c.each_node(visit);
                }
            }
            Ir::PulseTrain(a, b, c, d) => {
                for x in [a, b, c, d] {
                    x.each_node(visit);
                }
            }
            Ir::Reduce(_, items) | Ir::Random(_, items, _, _) => {
                items.iter().for_each(|x| x.each_node(visit));
            }
            Ir::Delay { delay, initial, .. } => {
                delay.each_node(visit);
                initial.each_node(visit);
            }
            Ir::Element { items, offset, .. } => {
                items.iter().for_each(|x| x.each_node(visit));
                offset.each_node(visit);
            }
            Ir::Vector {
                items, parameters, ..
            } => {
                items.iter().for_each(|x| x.each_node(visit));
                parameters.iter().for_each(|x| x.each_node(visit));
            }
            Ir::Select {
                selection,
                values,
                missing,
                action,
            } => {
                selection.iter().for_each(|x| x.each_node(visit));
                values.iter().for_each(|x| x.each_node(visit));
                missing.each_node(visit);
                action.each_node(visit);
            }
        }
    }

    /// Whether the expression changes with time by itself (not through the nodes it reads).
    pub(crate) fn reads_clock(&self) -> bool {
        let direct = matches!(
            self,
            Ir::Time
                | Ir::Step(..)
                | Ir::Ramp(..)
                | Ir::Pulse(..)
                | Ir::PulseWindow(..)
                | Ir::PulseTrain(..)
                | Ir::Random(..)
                | Ir::Delay { .. }
        );
        direct || self.children().iter().any(|c| c.reads_clock())
    }

    fn children(&self) -> Vec<&Ir> {
        match self {
            Ir::Const(_) | Ir::Node(_) | Ir::Time | Ir::Dt | Ir::StartTime | Ir::StopTime => {
                Vec::new()
            }
            Ir::Unary(_, a) => vec![a],
            // A data series changes with time by itself.
            Ir::Lookup(_, a, _) => vec![a],
            Ir::Binary(_, a, b) | Ir::Step(a, b) | Ir::PulseWindow(a, b) => vec![a, b],
            Ir::If(a, b, c) | Ir::SafeDiv(a, b, c) | Ir::Pulse(a, b, c) => vec![a, b, c],
            Ir::Ramp(a, b, c) => {
                let mut v: Vec<&Ir> = vec![a, b];
                if let Some(c) = c {
                    v.push(c);
                }
                v
            }
            Ir::PulseTrain(a, b, c, d) => vec![a, b, c, d],
            Ir::Reduce(_, items) | Ir::Random(_, items, _, _) => items.iter().collect(),
            Ir::Delay { delay, initial, .. } => vec![delay, initial],
            Ir::Element { items, offset, .. } => items
                .iter()
                .chain(std::iter::once(offset.as_ref()))
                .collect(),
            Ir::Vector {
                items, parameters, ..
            } => items.iter().chain(parameters).collect(),
            Ir::Select {
                selection,
                values,
                missing,
                action,
            } => selection
                .iter()
                .chain(values)
                .chain([missing.as_ref(), action.as_ref()])
                .collect(),
        }
    }
}

/// What a node is, for integration and ordering.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum NodeKind {
    Stock {
        inflows: Vec<usize>,
        outflows: Vec<usize>,
        non_negative: bool,
    },
    Flow,
    Aux,
    /// Computed once at the start and then fixed (`INIT`).
    InitialOnly,
    /// Holds the value `source` had one step earlier (`PREVIOUS`).
    Previous {
        source: usize,
    },
    /// A named graphical function: callable, but not a value.
    Table,
}

/// One scalar quantity of the compiled model.
#[derive(Debug, Clone)]
pub(crate) struct Node {
    /// Name as shown in results (`Stock A[Entry 1]`, `hares.births`).
    pub display: String,
    pub kind: NodeKind,
    /// Equation for the initial pass (a stock's initial value).
    pub initial: Ir,
    /// Equation for each time step; `None` for stocks and values fixed after the start.
    pub dynamic: Option<Ir>,
    /// Whether it appears in results (hidden nodes implement builtins).
    pub visible: bool,
    /// The source equation, for locating diagnostics.
    pub equation: Option<Equation>,
}
