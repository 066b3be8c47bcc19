//! The one table of builtin functions: every name each dialect spells a builtin with, its
//! argument counts and its lowering to [`Ir`]. **Add a builtin here**: one entry in [`BUILTINS`]
//! (and, if it needs one, a run-time op in `plan.rs`).
//!
//! Names are canonical (lower case, `_` for spaces), so Vensim's `DELAY N`, `SMOOTH3I` or `IF THEN
//! ELSE` and XMILE's `DELAYN`, `SMTH3` or `IF_THEN_ELSE` are all found. A [`Lowering::Scalar`]
//! builtin gets its arguments resolved to scalars and is applied element by element when some are
//! arrays; a [`Lowering::Raw`] one takes its arguments as written (reductions over arrays, table
//! names, vector functions, data files).

use std::collections::HashMap;
use std::sync::OnceLock;

use super::resolve::{binary, boxed, Array, Context, Resolver, Value};
use crate::diagnostic::DiagnosticKind;
use crate::equation::{Expr, ExprKind, Index};
use crate::ir::{BinaryFn, Ir, LookupMode, NodeKind, RandomFn, ReduceFn, UnaryFn, VectorFn};
use crate::model::Dialect;
use crate::name::canonical;

/// A call being lowered: where it is, its canonical name and its arguments as written.
pub(super) struct Call<'a, 'c> {
    pub context: &'a Context<'c>,
    pub expr: &'a Expr,
    pub key: &'a str,
    pub args: &'a [Expr],
}

type ScalarLowering = fn(&mut Resolver, &Call, Vec<Ir>) -> Ir;
type RawLowering = fn(&mut Resolver, &Call) -> Value;

/// How a builtin becomes [`Ir`].
#[derive(Clone, Copy)]
pub(super) enum Lowering {
    /// From its arguments resolved to scalars; per element when some are arrays.
    Scalar(ScalarLowering),
    /// From its arguments as written.
    Raw(RawLowering),
}

/// One builtin function.
pub(super) struct Builtin {
    /// Canonical names, in every dialect.
    pub names: &'static [&'static str],
    /// Fewest and most arguments.
    pub arity: (usize, usize),
    pub lowering: Lowering,
}

const MANY: usize = usize::MAX;

fn unary(f: UnaryFn) -> impl Fn(Ir) -> Ir {
    move |x| Ir::Unary(f, boxed(x))
}

/// Takes argument `i` out of the resolved list (each is used once).
fn take(args: &mut [Ir], i: usize) -> Ir {
    std::mem::replace(&mut args[i], Ir::Const(0.0))
}

fn optional(args: &mut [Ir], i: usize) -> Option<Ir> {
    (i < args.len()).then(|| take(args, i))
}

macro_rules! scalar {
    ($names:expr, $min:expr, $max:expr, $f:expr) => {
        Builtin {
            names: $names,
            arity: ($min, $max),
            lowering: Lowering::Scalar($f),
        }
    };
}

macro_rules! raw {
    ($names:expr, $min:expr, $max:expr, $f:expr) => {
        Builtin {
            names: $names,
            arity: ($min, $max),
            lowering: Lowering::Raw($f),
        }
    };
}

macro_rules! math1 {
    ($names:expr, $f:expr) => {
        scalar!($names, 1, 1, |_, _, mut a| unary($f)(take(&mut a, 0)))
    };
}

/// Every builtin. Semantics worth knowing are documented in ARCHITECTURE.md.
pub(super) const BUILTINS: &[Builtin] = &[
    // Arithmetic and mathematics.
    math1!(&["abs"], UnaryFn::Abs),
    math1!(&["exp"], UnaryFn::Exp),
    math1!(&["ln"], UnaryFn::Ln),
    math1!(&["log10"], UnaryFn::Log10),
    math1!(&["sqrt"], UnaryFn::Sqrt),
    math1!(&["sin"], UnaryFn::Sin),
    math1!(&["cos"], UnaryFn::Cos),
    math1!(&["tan"], UnaryFn::Tan),
    math1!(&["arcsin"], UnaryFn::ArcSin),
    math1!(&["arccos"], UnaryFn::ArcCos),
    math1!(&["arctan"], UnaryFn::ArcTan),
    math1!(&["sinh"], UnaryFn::Sinh),
    math1!(&["cosh"], UnaryFn::Cosh),
    math1!(&["tanh"], UnaryFn::Tanh),
    scalar!(&["int"], 1, 1, |r, _, mut a| {
        let f = match r.dialect {
            Dialect::Vensim => UnaryFn::Truncate,
            Dialect::Xmile => UnaryFn::Floor,
        };
        unary(f)(take(&mut a, 0))
    }),
    math1!(&["integer"], UnaryFn::Truncate),
    scalar!(&["log"], 2, 2, |_, _, mut a| binary(
        BinaryFn::Log,
        take(&mut a, 0),
        take(&mut a, 1)
    )),
    scalar!(&["mod", "modulo"], 2, 2, |r, _, mut a| binary(
        r.modulo(),
        take(&mut a, 0),
        take(&mut a, 1)
    )),
    scalar!(&["power"], 2, 2, |_, _, mut a| binary(
        BinaryFn::Power,
        take(&mut a, 0),
        take(&mut a, 1)
    )),
    scalar!(&["quantum"], 2, 2, |r, c, mut a| {
        // q * INTEGER(x / q), or x itself when q is not positive.
        let x = r.shared(c.context, take(&mut a, 0));
        let q = r.shared(c.context, take(&mut a, 1));
        let steps = unary(UnaryFn::Truncate)(binary(BinaryFn::Divide, x.clone(), q.clone()));
        Ir::If(
            boxed(binary(BinaryFn::LessEqual, q.clone(), Ir::Const(0.0))),
            boxed(x),
            boxed(binary(BinaryFn::Multiply, q, steps)),
        )
    }),
    raw!(&["min"], 1, MANY, |r, c| min_max(
        r,
        c,
        BinaryFn::Min,
        ReduceFn::Min
    )),
    raw!(&["max"], 1, MANY, |r, c| min_max(
        r,
        c,
        BinaryFn::Max,
        ReduceFn::Max
    )),
    scalar!(&["pi"], 0, 0, |_, _, _| Ir::Const(std::f64::consts::PI)),
    scalar!(&["time"], 0, 0, |_, _, _| Ir::Time),
    scalar!(&["safediv"], 2, 3, |_, _, mut a| {
        let fallback = optional(&mut a, 2).unwrap_or(Ir::Const(0.0));
        Ir::SafeDiv(
            boxed(take(&mut a, 0)),
            boxed(take(&mut a, 1)),
            boxed(fallback),
        )
    }),
    scalar!(&["xidz"], 3, 3, |_, _, mut a| Ir::SafeDiv(
        boxed(take(&mut a, 0)),
        boxed(take(&mut a, 1)),
        boxed(take(&mut a, 2))
    )),
    scalar!(&["zidz"], 2, 2, |_, _, mut a| Ir::SafeDiv(
        boxed(take(&mut a, 0)),
        boxed(take(&mut a, 1)),
        boxed(Ir::Const(0.0))
    )),
    scalar!(&["if_then_else"], 3, 3, |_, _, mut a| Ir::If(
        boxed(take(&mut a, 0)),
        boxed(take(&mut a, 1)),
        boxed(take(&mut a, 2))
    )),
    scalar!(&["game"], 1, 1, |_, _, mut a| take(&mut a, 0)),
    scalar!(&["get_time_value"], 3, 3, |r, c, mut a| {
        // Vensim: GET TIME VALUE(relative to, offset, measure); only measure 0 (model time) of
        // the current (0) or initial (1) time: calendar measures need a clock the model lacks.
        let relative = r.fold(&a[0]);
        let measure = r.fold(&a[2]);
        let base =
            match relative {
                Some(0.0) => Ir::Time,
                Some(1.0) => Ir::StartTime,
                _ => return r.error(
                    c.context,
                    &c.args[0],
                    DiagnosticKind::Unsupported,
                    "GET TIME VALUE is supported relative to the current (0) or initial (1) time"
                        .into(),
                    None,
                ),
            };
        if measure != Some(0.0) {
            return r.error(
                c.context,
                &c.args[2],
                DiagnosticKind::Unsupported,
                "GET TIME VALUE is supported for measure 0 (model time) only".into(),
                None,
            );
        }
        binary(BinaryFn::Add, base, take(&mut a, 1))
    }),
    // Time functions.
    scalar!(&["step"], 2, 2, |_, _, mut a| Ir::Step(
        boxed(take(&mut a, 0)),
        boxed(take(&mut a, 1))
    )),
    scalar!(&["ramp"], 2, 3, |_, _, mut a| {
        let end = optional(&mut a, 2).map(boxed);
        Ir::Ramp(boxed(take(&mut a, 0)), boxed(take(&mut a, 1)), end)
    }),
    scalar!(&["pulse"], 1, 3, |r, _, mut a| {
        let n = a.len();
        match r.dialect {
            Dialect::Vensim if n == 2 => {
                Ir::PulseWindow(boxed(take(&mut a, 0)), boxed(take(&mut a, 1)))
            }
            _ => {
                let first = optional(&mut a, 1).unwrap_or(Ir::StartTime);
                let interval = optional(&mut a, 2).unwrap_or(Ir::Const(0.0));
                Ir::Pulse(boxed(take(&mut a, 0)), boxed(first), boxed(interval))
            }
        }
    }),
    scalar!(&["pulse_train"], 4, 4, |_, _, mut a| Ir::PulseTrain(
        boxed(take(&mut a, 0)),
        boxed(take(&mut a, 1)),
        boxed(take(&mut a, 2)),
        boxed(take(&mut a, 3))
    )),
    // Stateful functions: hidden stocks and flows, so every integration method treats them as the
    // model's own stocks.
    scalar!(&["integ"], 2, 2, |r, c, mut a| {
        let stock = r.stock(c.context, take(&mut a, 1));
        let flow = r.flow(c.context, take(&mut a, 0));
        r.set_flows(stock, Some(flow), None);
        Ir::Node(stock)
    }),
    scalar!(&["smth1", "smooth", "smoothi"], 2, 3, |r, c, mut a| {
        let initial = optional(&mut a, 2);
        r.smooth(c.context, take(&mut a, 0), take(&mut a, 1), 1, initial)
    }),
    scalar!(&["smth3", "smooth3", "smooth3i"], 2, 3, |r, c, mut a| {
        let initial = optional(&mut a, 2);
        r.smooth(c.context, take(&mut a, 0), take(&mut a, 1), 3, initial)
    }),
    scalar!(&["smthn"], 3, 4, |r, c, mut a| {
        let initial = optional(&mut a, 3);
        match stages(r, c, 2, take(&mut a, 2)) {
            Some(n) => r.smooth(c.context, take(&mut a, 0), take(&mut a, 1), n, initial),
            None => Ir::Const(f64::NAN),
        }
    }),
    scalar!(&["smooth_n"], 4, 4, |r, c, mut a| {
        let initial = Some(take(&mut a, 2));
        match stages(r, c, 3, take(&mut a, 3)) {
            Some(n) => r.smooth(c.context, take(&mut a, 0), take(&mut a, 1), n, initial),
            None => Ir::Const(f64::NAN),
        }
    }),
    scalar!(&["delay1", "delay1i"], 2, 3, |r, c, mut a| {
        let initial = optional(&mut a, 2);
        r.material_delay(c.context, take(&mut a, 0), take(&mut a, 1), 1, initial)
    }),
    scalar!(&["delay3", "delay3i"], 2, 3, |r, c, mut a| {
        let initial = optional(&mut a, 2);
        r.material_delay(c.context, take(&mut a, 0), take(&mut a, 1), 3, initial)
    }),
    scalar!(&["delayn"], 3, 4, |r, c, mut a| {
        if r.dialect == Dialect::Vensim {
            let initial = optional(&mut a, 3);
            return match stages(r, c, 2, take(&mut a, 2)) {
                Some(n) => {
                    r.vensim_delay_n(c.context, take(&mut a, 0), take(&mut a, 1), n, initial)
                }
                None => Ir::Const(f64::NAN),
            };
        }
        let initial = optional(&mut a, 3);
        match stages(r, c, 2, take(&mut a, 2)) {
            Some(n) => r.material_delay(c.context, take(&mut a, 0), take(&mut a, 1), n, initial),
            None => Ir::Const(f64::NAN),
        }
    }),
    scalar!(&["delay_n"], 4, 4, |r, c, mut a| {
        let initial = Some(take(&mut a, 2));
        match stages(r, c, 3, take(&mut a, 3)) {
            Some(n) => r.vensim_delay_n(c.context, take(&mut a, 0), take(&mut a, 1), n, initial),
            None => Ir::Const(f64::NAN),
        }
    }),
    scalar!(&["delay", "delay_fixed"], 2, 3, |r, c, mut a| {
        let input = r.node_of(c.context, take(&mut a, 0));
        // Vensim: a pipeline of whole steps, its length fixed at the start.
        let delay = match r.dialect {
            Dialect::Vensim => match r.initial_value(&a[1]) {
                Some(d) => {
                    let steps = (d / r.specs.dt).max(1.0);
                    binary(BinaryFn::Multiply, Ir::Const((steps + 1e-6).round()), Ir::Dt)
                }
                None => {
                    return r.error(
                        c.context,
                        &c.args[1],
                        DiagnosticKind::Unsupported,
                        "DELAY FIXED's delay time must be known at the start (it fixes the pipeline's length)".into(),
                        None,
                    )
                }
            },
            Dialect::Xmile => take(&mut a, 1),
        };
        let initial = match optional(&mut a, 2) {
            Some(initial) => initial,
            // Without an initial value the delay starts at the input's initial value.
            None => Ir::Node(r.push_node(c.context, NodeKind::InitialOnly, Ir::Node(input), None)),
        };
        let buffer = r.delay_inputs.len();
        r.delay_inputs.push(input);
        Ir::Delay {
            buffer,
            delay: boxed(delay),
            initial: boxed(initial),
        }
    }),
    scalar!(&["trend"], 2, 3, |r, c, mut a| {
        let initial = optional(&mut a, 2);
        r.trend(c.context, take(&mut a, 0), take(&mut a, 1), initial)
    }),
    scalar!(&["forcst", "forecast"], 3, 4, |r, c, mut a| {
        let initial = optional(&mut a, 3);
        if r.dialect == Dialect::Vensim {
            // input x (1 + ZIDZ(input - average, time x average) x horizon).
            let input = r.shared(c.context, take(&mut a, 0));
            let time = r.shared(c.context, take(&mut a, 1));
            let average = r.smooth(c.context, input.clone(), time.clone(), 1, initial);
            let trend = Ir::SafeDiv(
                boxed(binary(BinaryFn::Subtract, input.clone(), average.clone())),
                boxed(binary(BinaryFn::Multiply, time, average)),
                boxed(Ir::Const(0.0)),
            );
            return binary(
                BinaryFn::Multiply,
                input,
                binary(
                    BinaryFn::Add,
                    Ir::Const(1.0),
                    binary(BinaryFn::Multiply, trend, take(&mut a, 2)),
                ),
            );
        }
        let input = r.shared(c.context, take(&mut a, 0));
        let trend = r.trend(c.context, input.clone(), take(&mut a, 1), initial);
        binary(
            BinaryFn::Multiply,
            input,
            binary(
                BinaryFn::Add,
                Ir::Const(1.0),
                binary(BinaryFn::Multiply, trend, take(&mut a, 2)),
            ),
        )
    }),
    scalar!(&["npv"], 4, 4, |r, c, mut a| {
        let (stream, rate) = (take(&mut a, 0), take(&mut a, 1));
        let (initial, factor) = (take(&mut a, 2), take(&mut a, 3));
        r.npv(c.context, stream, rate, initial, factor)
    }),
    scalar!(&["init", "initial"], 1, 1, |r, c, mut a| {
        let x = take(&mut a, 0);
        Ir::Node(r.push_node(c.context, NodeKind::InitialOnly, x, None))
    }),
    scalar!(&["previous"], 1, 2, |r, c, mut a| {
        let source = r.node_of(c.context, take(&mut a, 0));
        let initial = optional(&mut a, 1).unwrap_or(Ir::Node(source));
        Ir::Node(r.push_node(c.context, NodeKind::Previous { source }, initial, None))
    }),
    scalar!(&["active_initial"], 2, 2, |r, c, mut a| {
        let dynamic = take(&mut a, 0);
        let initial = take(&mut a, 1);
        Ir::Node(r.push_node(c.context, NodeKind::Aux, initial, Some(dynamic)))
    }),
    scalar!(&["sample_if_true"], 3, 3, |r, c, mut a| {
        // Holds the input's value from the last step the condition held: a node that reads its
        // own value from the step before.
        let condition = r.shared(c.context, take(&mut a, 0));
        let input = r.shared(c.context, take(&mut a, 1));
        let initial = take(&mut a, 2);
        let held = r.push_node(c.context, NodeKind::Aux, Ir::Const(0.0), None);
        let previous = r.push_node(
            c.context,
            NodeKind::Previous { source: held },
            initial.clone(),
            None,
        );
        let at_start = Ir::If(
            boxed(condition.clone()),
            boxed(input.clone()),
            boxed(initial),
        );
        let each_step = Ir::If(boxed(condition), boxed(input), boxed(Ir::Node(previous)));
        r.nodes[held].initial = at_start;
        r.nodes[held].dynamic = Some(each_step);
        Ir::Node(held)
    }),
    // Lookups.
    raw!(&["lookup"], 2, 2, |r, c| lookup(r, c, LookupMode::Table)),
    raw!(&["lookup_extrapolate"], 2, 2, |r, c| lookup(
        r,
        c,
        LookupMode::Extrapolate
    )),
    raw!(&["lookup_forward"], 2, 2, |r, c| lookup(
        r,
        c,
        LookupMode::Forward
    )),
    raw!(&["lookup_backward"], 2, 2, |r, c| lookup(
        r,
        c,
        LookupMode::Backward
    )),
    raw!(&["lookup_invert"], 2, 2, |r, c| lookup(
        r,
        c,
        LookupMode::Invert
    )),
    // Random numbers: each call site draws from its own seeded stream.
    scalar!(&["random", "uniform"], 2, 3, |r, c, mut a| {
        let seed = seed(r, c, 2, optional(&mut a, 2));
        r.random(
            RandomFn::Uniform,
            vec![take(&mut a, 0), take(&mut a, 1)],
            seed,
        )
    }),
    scalar!(&["random_uniform"], 3, 3, |r, c, mut a| {
        let seed = seed(r, c, 2, optional(&mut a, 2));
        r.random(
            RandomFn::Uniform,
            vec![take(&mut a, 0), take(&mut a, 1)],
            seed,
        )
    }),
    scalar!(&["normal"], 2, 3, |r, c, mut a| {
        let seed = seed(r, c, 2, optional(&mut a, 2));
        r.random(
            RandomFn::Normal,
            vec![take(&mut a, 0), take(&mut a, 1)],
            seed,
        )
    }),
    scalar!(&["random_normal"], 5, 5, |r, c, mut a| {
        // Vensim: RANDOM NORMAL(min, max, mean, sd, seed), truncated to [min, max].
        let seed = seed(r, c, 4, optional(&mut a, 4));
        let draw = r.random(
            RandomFn::Normal,
            vec![take(&mut a, 2), take(&mut a, 3)],
            seed,
        );
        clamp(draw, take(&mut a, 0), take(&mut a, 1))
    }),
    scalar!(&["lognormal"], 2, 3, |r, c, mut a| {
        let seed = seed(r, c, 2, optional(&mut a, 2));
        r.random(
            RandomFn::LogNormal,
            vec![take(&mut a, 0), take(&mut a, 1)],
            seed,
        )
    }),
    scalar!(&["random_lognormal"], 5, 5, |r, c, mut a| {
        let seed = seed(r, c, 4, optional(&mut a, 4));
        let draw = r.random(
            RandomFn::LogNormal,
            vec![take(&mut a, 2), take(&mut a, 3)],
            seed,
        );
        clamp(draw, take(&mut a, 0), take(&mut a, 1))
    }),
    scalar!(&["poisson"], 1, 2, |r, c, mut a| {
        let seed = seed(r, c, 1, optional(&mut a, 1));
        r.random(RandomFn::Poisson, vec![take(&mut a, 0)], seed)
    }),
    scalar!(&["random_poisson"], 6, 6, |r, c, mut a| {
        // Vensim: RANDOM POISSON(min, max, mean, shift, stretch, seed).
        let seed = seed(r, c, 5, optional(&mut a, 5));
        let draw = r.random(RandomFn::Poisson, vec![take(&mut a, 2)], seed);
        let scaled = binary(
            BinaryFn::Add,
            binary(BinaryFn::Multiply, draw, take(&mut a, 4)),
            take(&mut a, 3),
        );
        clamp(scaled, take(&mut a, 0), take(&mut a, 1))
    }),
    scalar!(&["exprnd"], 1, 2, |r, c, mut a| {
        let seed = seed(r, c, 1, optional(&mut a, 1));
        r.random(RandomFn::Exponential, vec![take(&mut a, 0)], seed)
    }),
    scalar!(&["random_exponential"], 5, 5, |r, c, mut a| {
        // Vensim: RANDOM EXPONENTIAL(min, max, shift, stretch, seed): a unit-mean draw, stretched.
        let seed = seed(r, c, 4, optional(&mut a, 4));
        let draw = r.random(RandomFn::Exponential, vec![Ir::Const(1.0)], seed);
        let scaled = binary(
            BinaryFn::Add,
            binary(BinaryFn::Multiply, draw, take(&mut a, 3)),
            take(&mut a, 2),
        );
        clamp(scaled, take(&mut a, 0), take(&mut a, 1))
    }),
    scalar!(&["random_triangular"], 6, 6, |r, c, mut a| {
        let seed = seed(r, c, 5, optional(&mut a, 5));
        let parameters = vec![take(&mut a, 2), take(&mut a, 3), take(&mut a, 4)];
        let draw = r.random(RandomFn::Triangular, parameters, seed);
        clamp(draw, take(&mut a, 0), take(&mut a, 1))
    }),
    // Arrays.
    raw!(&["sum"], 1, MANY, |r, c| reduce(r, c, ReduceFn::Sum)),
    raw!(&["prod", "product"], 1, MANY, |r, c| reduce(
        r,
        c,
        ReduceFn::Product
    )),
    raw!(&["mean"], 1, MANY, |r, c| reduce(r, c, ReduceFn::Mean)),
    raw!(&["stddev"], 1, MANY, |r, c| reduce(r, c, ReduceFn::StdDev)),
    raw!(&["vmin"], 1, 1, |r, c| reduce(r, c, ReduceFn::Min)),
    raw!(&["vmax"], 1, 1, |r, c| reduce(r, c, ReduceFn::Max)),
    raw!(&["size"], 1, 1, |r, c| {
        let items = r.value(c.context, &c.args[0]).into_items();
        Value::Scalar(Ir::Const(items.len() as f64))
    }),
    raw!(&["elmcount"], 1, 1, elmcount),
    raw!(&["vector_sort_order"], 2, 2, |r, c| vector(
        r,
        c,
        VectorFn::SortOrder
    )),
    raw!(&["vector_rank"], 2, 2, |r, c| vector(r, c, VectorFn::Rank)),
    raw!(&["vector_reorder"], 2, 2, |r, c| vector(
        r,
        c,
        VectorFn::Reorder
    )),
    raw!(&["vector_elm_map"], 2, 2, vector_elm_map),
    raw!(&["vector_select"], 5, 5, vector_select),
    raw!(&["invert_matrix"], 2, 2, invert_matrix),
    // External data (read through the caller's `DataFiles`).
    raw!(
        &["get_direct_constants", "get_xls_constants"],
        3,
        3,
        |r, c| r.data_constants(c)
    ),
    raw!(&["get_direct_data", "get_xls_data"], 4, 4, |r, c| r
        .data_call(c)),
    raw!(&["get_direct_lookups", "get_xls_lookups"], 4, 4, |r, c| r
        .data_call(c)),
];

fn clamp(x: Ir, low: Ir, high: Ir) -> Ir {
    binary(BinaryFn::Min, binary(BinaryFn::Max, x, low), high)
}

/// Whether a function reads a time series (allowed as a data variable's equation).
pub(super) fn is_data_series(key: &str) -> bool {
    matches!(
        key,
        "get_direct_data" | "get_xls_data" | "get_direct_lookups" | "get_xls_lookups"
    )
}

fn table() -> &'static HashMap<&'static str, &'static Builtin> {
    static TABLE: OnceLock<HashMap<&'static str, &'static Builtin>> = OnceLock::new();
    TABLE.get_or_init(|| {
        BUILTINS
            .iter()
            .flat_map(|b| b.names.iter().map(move |&n| (n, b)))
            .collect()
    })
}

/// The builtin a canonical name calls.
pub(super) fn find(key: &str) -> Option<&'static Builtin> {
    table().get(key).copied()
}

/// Every builtin name, for did-you-mean hints.
pub(super) fn names() -> impl Iterator<Item = &'static str> {
    BUILTINS.iter().flat_map(|b| b.names.iter().copied())
}

fn min_max(r: &mut Resolver, c: &Call, pair: BinaryFn, all: ReduceFn) -> Value {
    if c.args.len() == 1 {
        return reduce(r, c, all);
    }
    let values: Vec<Value> = c.args.iter().map(|a| r.value(c.context, a)).collect();
    r.broadcast(c.context, c.expr, values, &mut |_, items| {
        if items.len() == 2 {
            let mut items = items;
            let b = items.pop().unwrap_or(Ir::Const(f64::NAN));
            let a = items.pop().unwrap_or(Ir::Const(f64::NAN));
            binary(pair, a, b)
        } else {
            Ir::Reduce(all, items)
        }
    })
}

/// A reduction over every element of its arguments.
fn reduce(r: &mut Resolver, c: &Call, f: ReduceFn) -> Value {
    let items: Vec<Ir> = c
        .args
        .iter()
        .flat_map(|a| r.value(c.context, a).into_items())
        .collect();
    Value::Scalar(Ir::Reduce(f, items))
}

fn elmcount(r: &mut Resolver, c: &Call) -> Value {
    let name = match &c.args[0].kind {
        ExprKind::Name(n) => Some(n.as_str()),
        ExprKind::Subscript { name, .. } => Some(name.as_str()),
        _ => None,
    };
    match name.and_then(|n| r.flat.dims.find(n)) {
        Some(d) => Value::Scalar(Ir::Const(r.flat.dims.len(d) as f64)),
        None => Value::Scalar(r.error(
            c.context,
            &c.args[0],
            DiagnosticKind::Dimension,
            "ELMCOUNT takes the name of a dimension or subrange".into(),
            None,
        )),
    }
}

/// The whole vector an array argument of a vector function names: its last subscript (or, for a
/// bare name, its last dimension) is iterated even where the equation's element is bound to it.
/// Returns the elements and the dimension iterated.
fn whole_vector(r: &mut Resolver, c: &Call, arg: &Expr) -> Option<(Vec<Ir>, usize)> {
    let (name, last) = match &arg.kind {
        ExprKind::Subscript { name, indices } => (name, indices.last()),
        ExprKind::Name(name) => (name, None),
        _ => {
            r.error(
                c.context,
                arg,
                DiagnosticKind::Dimension,
                "expected an array here".into(),
                None,
            );
            return None;
        }
    };
    let info = r.array_info(c.context, arg, name).ok()?;
    let last_dim = *info.dims.last()?;
    // An element in the last place (`x[a]`, as VECTOR ELM MAP's start) still means the vector.
    let widened;
    let arg = match (&arg.kind, last) {
        (
            ExprKind::Subscript { name, indices },
            Some(Index::Expr(Expr {
                kind: ExprKind::Name(n),
                ..
            })),
        ) if r.flat.dims.find(n).is_none() => {
            let mut indices = indices.clone();
            if let Some(l) = indices.last_mut() {
                *l = Index::Wildcard;
            }
            widened = Expr {
                kind: ExprKind::Subscript {
                    name: name.clone(),
                    indices,
                },
                span: arg.span.clone(),
            };
            &widened
        }
        _ => arg,
    };
    let iterated = match last {
        Some(Index::Expr(Expr {
            kind: ExprKind::Name(n),
            ..
        })) => r.flat.dims.find(n).unwrap_or(last_dim),
        Some(Index::WildcardOf(n)) => r.flat.dims.find(n).unwrap_or(last_dim),
        _ => last_dim,
    };
    // Resolve with the iterated dimension (and whatever corresponds to it) unbound.
    let bindings: Vec<(usize, usize)> = c
        .context
        .bindings
        .iter()
        .copied()
        .filter(|&(d, _)| !r.flat.dims.related(d, iterated))
        .collect();
    let context = Context {
        item: c.context.item,
        scope: c.context.scope,
        bindings: &bindings,
        equation: c.context.equation,
        locals: c.context.locals,
    };
    match r.value(&context, arg) {
        Value::Array(array) => {
            let axis = array.dims.iter().position(|&d| d == iterated)?;
            if array.dims.len() != 1 {
                let _ = axis;
                r.error(
                    c.context,
                    arg,
                    DiagnosticKind::Unsupported,
                    "vector functions take a one-dimensional slice here".into(),
                    None,
                );
                return None;
            }
            Some((array.items, iterated))
        }
        Value::Scalar(ir) => Some((vec![ir], iterated)),
    }
}

/// `INVERT MATRIX(m[..., rows, columns], n)`: the inverse of the square matrix over the last two
/// subscripts; this equation's element is picked by its bindings of those two dimensions.
fn invert_matrix(r: &mut Resolver, c: &Call) -> Value {
    let arg = &c.args[0];
    let fail = |r: &mut Resolver, message: &str| {
        Value::Scalar(r.error(
            c.context,
            arg,
            DiagnosticKind::Dimension,
            message.into(),
            None,
        ))
    };
    let (name, indices) = match &arg.kind {
        ExprKind::Subscript { name, indices } if indices.len() >= 2 => (name, indices),
        _ => {
            return fail(
                r,
                "INVERT MATRIX takes a matrix subscripted by at least two dimensions",
            )
        }
    };
    let Ok(info) = r.array_info(c.context, arg, name) else {
        return Value::Scalar(Ir::Const(f64::NAN));
    };
    let count = info.dims.len();
    if indices.len() != count {
        return fail(
            r,
            "INVERT MATRIX's argument needs one subscript per dimension",
        );
    }
    let label = |r: &Resolver, k: usize| match &indices[k] {
        Index::Expr(Expr {
            kind: ExprKind::Name(n),
            ..
        }) => r.flat.dims.find(n).unwrap_or(info.dims[k]),
        _ => info.dims[k],
    };
    let (rows, columns) = (label(r, count - 2), label(r, count - 1));
    let bindings: Vec<(usize, usize)> = c
        .context
        .bindings
        .iter()
        .copied()
        .filter(|&(d, _)| d != rows && d != columns)
        .collect();
    let context = Context {
        item: c.context.item,
        scope: c.context.scope,
        bindings: &bindings,
        equation: c.context.equation,
        locals: c.context.locals,
    };
    let matrix = match r.value(&context, arg) {
        Value::Array(array)
            if array.dims == [rows, columns] && array.sizes[0] == array.sizes[1] =>
        {
            array
        }
        _ => {
            return fail(
                r,
                "INVERT MATRIX needs a square matrix over its last two subscripts",
            )
        }
    };
    let n = matrix.sizes[0];
    let element = |i: usize, j: usize| Ir::Vector {
        f: VectorFn::Inverse,
        items: matrix.items.clone(),
        parameters: Vec::new(),
        index: i * n + j,
    };
    match (
        r.bound_position(c.context, rows),
        r.bound_position(c.context, columns),
    ) {
        (Some(i), Some(j)) => Value::Scalar(element(i, j)),
        _ => Value::Array(Array {
            dims: vec![rows, columns],
            sizes: vec![n, n],
            items: (0..n * n).map(|k| element(k / n, k % n)).collect(),
        }),
    }
}

/// The element of a vector function's result that this equation computes, as a scalar, or the
/// whole result when no element is bound.
fn per_element(
    r: &mut Resolver,
    c: &Call,
    dim: usize,
    n: usize,
    mut element: impl FnMut(&mut Resolver, usize) -> Ir,
) -> Value {
    match r.bound_position(c.context, dim) {
        Some(p) if p < n => Value::Scalar(element(r, p)),
        _ => Value::Array(Array {
            dims: vec![dim],
            sizes: vec![n],
            items: (0..n).map(|p| element(r, p)).collect(),
        }),
    }
}

fn vector(r: &mut Resolver, c: &Call, f: VectorFn) -> Value {
    let Some((items, dim)) = whole_vector(r, c, &c.args[0]) else {
        return Value::Scalar(Ir::Const(f64::NAN));
    };
    let parameters = match f {
        VectorFn::Reorder => match whole_vector(r, c, &c.args[1]) {
            Some((order, _)) => order,
            None => return Value::Scalar(Ir::Const(f64::NAN)),
        },
        _ => vec![r.scalar(c.context, &c.args[1])],
    };
    let n = items.len();
    per_element(r, c, dim, n, |_, index| Ir::Vector {
        f,
        items: items.clone(),
        parameters: parameters.clone(),
        index,
    })
}

fn vector_elm_map(r: &mut Resolver, c: &Call) -> Value {
    // The first argument names the starting element: the whole vector and that position.
    let arg = &c.args[0];
    let Some((items, dim)) = whole_vector(r, c, arg) else {
        return Value::Scalar(Ir::Const(f64::NAN));
    };
    let base = match &arg.kind {
        ExprKind::Subscript { indices, .. } => match indices.last() {
            Some(Index::Expr(Expr {
                kind: ExprKind::Name(n),
                ..
            })) => {
                let key = canonical(n);
                r.flat
                    .dims
                    .position(dim, &key)
                    .or_else(|| r.bound_position(c.context, dim))
                    .unwrap_or(0)
            }
            _ => 0,
        },
        _ => 0,
    };
    let offset = r.value(c.context, &c.args[1]);
    r.broadcast(c.context, c.expr, vec![offset], &mut |_, mut o| {
        Ir::Element {
            items: items.clone(),
            base,
            offset: boxed(take(&mut o, 0)),
        }
    })
}

/// `VECTOR SELECT(selection, values, missing, action, error action)` over the dimensions the
/// first two arguments iterate (`dim!`), lined up by dimension. The error action is not checked.
fn vector_select(r: &mut Resolver, c: &Call) -> Value {
    let both = [
        r.value(c.context, &c.args[0]),
        r.value(c.context, &c.args[1]),
    ];
    let Some((_, _, rows)) = r.align(c.context, c.expr, &both) else {
        return Value::Scalar(Ir::Const(f64::NAN));
    };
    let (selection, values): (Vec<Ir>, Vec<Ir>) = rows
        .into_iter()
        .map(|mut pair| (take(&mut pair, 0), take(&mut pair, 1)))
        .unzip();
    let missing = r.scalar(c.context, &c.args[2]);
    let action = r.scalar(c.context, &c.args[3]);
    Value::Scalar(Ir::Select {
        selection,
        values,
        missing: boxed(missing),
        action: boxed(action),
    })
}

fn lookup(r: &mut Resolver, c: &Call, mode: LookupMode) -> Value {
    // xmutil writes functions it does not know as `LOOKUP(COSH, x)`: call the builtin.
    if let ExprKind::Name(name) = &c.args[0].kind {
        let key = canonical(name);
        let full = r.lookup_key(c.context.scope, name);
        let is_variable = r.flat.index.contains_key(&full) || r.flat.arrays.contains_key(&full);
        if let (Some(_), false, LookupMode::Table) = (find(&key), is_variable, mode) {
            let call = Expr {
                kind: ExprKind::Call {
                    name: name.clone(),
                    args: c.args[1..].to_vec(),
                },
                span: c.expr.span.clone(),
            };
            return r.value(c.context, &call);
        }
    }
    let x = r.value(c.context, &c.args[1]);
    let Some(table) = r.table(c.context, &c.args[0]) else {
        return Value::Scalar(Ir::Const(f64::NAN));
    };
    r.broadcast(c.context, c.expr, vec![x], &mut |_, mut x| {
        Ir::Lookup(table, boxed(take(&mut x, 0)), mode)
    })
}

/// The number of stages of `SMOOTH N` / `DELAY N`: its value at the start time, computed when the
/// model is compiled, fixes the structure (as Vensim fixes it at initialisation); runs then refuse
/// to override the constants it came from.
fn stages(r: &mut Resolver, c: &Call, index: usize, value: Ir) -> Option<usize> {
    match r.initial_value(&value) {
        Some(v) if (1.0..=1000.0).contains(&v) => {
            r.mark_structural(&value);
            Some(v.round() as usize)
        }
        _ => {
            r.error(
                c.context,
                &c.args[index],
                DiagnosticKind::Unsupported,
                "the number of stages must be known at the start (numbers, constants, STEP, IF) and between 1 and 1000".into(),
                None,
            );
            None
        }
    }
}

/// The seed argument at `index`, if given; it must be a constant.
/// A seed of 0 means "no seed of its own" (Vensim: do not reseed), so the run's seed applies.
fn seed(r: &mut Resolver, c: &Call, index: usize, value: Option<Ir>) -> Option<u64> {
    let expr = c.args.get(index)?;
    let value = value?;
    match r.fold(&value) {
        Some(0.0) => None,
        Some(v) if v.is_finite() => Some(v as i64 as u64),
        _ => {
            r.error(
                c.context,
                expr,
                DiagnosticKind::Unsupported,
                "a random seed must be a constant number".into(),
                None,
            );
            None
        }
    }
}

impl Resolver<'_> {
    /// An `n`-stage exponential smooth; returns the last stage.
    pub(super) fn smooth(
        &mut self,
        context: &Context,
        input: Ir,
        time: Ir,
        stages: usize,
        initial: Option<Ir>,
    ) -> Ir {
        let input = self.shared(context, input);
        let initial = match initial {
            Some(i) => self.shared(context, i),
            None => input.clone(),
        };
        let stage_time = self.shared(
            context,
            binary(BinaryFn::Divide, time, Ir::Const(stages as f64)),
        );
        let mut previous = input;
        for _ in 0..stages {
            let stock = self.stock(context, initial.clone());
            let gap = binary(BinaryFn::Subtract, previous, Ir::Node(stock));
            let flow = self.flow(context, binary(BinaryFn::Divide, gap, stage_time.clone()));
            self.set_flows(stock, Some(flow), None);
            previous = Ir::Node(stock);
        }
        previous
    }

    /// An `n`-stage material delay; returns the outflow of the last stage.
    pub(super) fn material_delay(
        &mut self,
        context: &Context,
        input: Ir,
        time: Ir,
        stages: usize,
        initial: Option<Ir>,
    ) -> Ir {
        let input = self.node_of(context, input);
        let initial = match initial {
            Some(i) => self.shared(context, i),
            None => Ir::Node(input),
        };
        let stage_time = self.shared(
            context,
            binary(BinaryFn::Divide, time, Ir::Const(stages as f64)),
        );
        let mut inflow = input;
        for _ in 0..stages {
            let stock = self.stock(
                context,
                binary(BinaryFn::Multiply, initial.clone(), stage_time.clone()),
            );
            let outflow = self.flow(
                context,
                binary(BinaryFn::Divide, Ir::Node(stock), stage_time.clone()),
            );
            self.set_flows(stock, Some(inflow), Some(outflow));
            inflow = outflow;
        }
        Ir::Node(inflow)
    }

    /// Vensim's `DELAY N`: each stage drains with the delay time the input saw `k` steps before
    /// it (the delay time travels with the material), and the output reads the delay time of one
    /// step before; the order is lowered while `order x dt` exceeds the delay time at the start.
    pub(super) fn vensim_delay_n(
        &mut self,
        context: &Context,
        input: Ir,
        time: Ir,
        stages: usize,
        initial: Option<Ir>,
    ) -> Ir {
        let mut stages = stages;
        if let Some(d) = self.initial_value(&time) {
            while stages > 1 && stages as f64 * self.specs.dt > d + 1e-12 {
                stages -= 1;
            }
        }
        let input = self.node_of(context, input);
        let initial = match initial {
            Some(i) => self.shared(context, i),
            None => Ir::Node(input),
        };
        let time = self.node_of(context, time);
        let n = Ir::Const(stages as f64);
        // times[k]: the delay time k steps ago.
        let mut times = vec![time];
        for k in 1..stages.max(2) {
            let source = times[k - 1];
            let previous =
                self.push_node(context, NodeKind::Previous { source }, Ir::Node(time), None);
            times.push(previous);
        }
        let mut inflow = input;
        let mut last = None;
        for &stage_time in times.iter().take(stages) {
            let stock = self.stock(
                context,
                binary(
                    BinaryFn::Divide,
                    binary(BinaryFn::Multiply, initial.clone(), Ir::Node(time)),
                    n.clone(),
                ),
            );
            let outflow = self.flow(
                context,
                binary(
                    BinaryFn::Divide,
                    binary(BinaryFn::Multiply, Ir::Node(stock), n.clone()),
                    Ir::Node(stage_time),
                ),
            );
            self.set_flows(stock, Some(inflow), Some(outflow));
            inflow = outflow;
            last = Some(stock);
        }
        let last = last.unwrap_or(input);
        binary(
            BinaryFn::Divide,
            binary(BinaryFn::Multiply, Ir::Node(last), n),
            Ir::Node(times[1]),
        )
    }

    pub(super) fn trend(
        &mut self,
        context: &Context,
        input: Ir,
        time: Ir,
        initial_trend: Option<Ir>,
    ) -> Ir {
        let input = self.shared(context, input);
        let time = self.shared(context, time);
        let initial_trend = initial_trend.unwrap_or(Ir::Const(0.0));
        // The average starts where the initial trend would have put it.
        let initial_average = binary(
            BinaryFn::Divide,
            input.clone(),
            binary(
                BinaryFn::Add,
                Ir::Const(1.0),
                binary(BinaryFn::Multiply, initial_trend, time.clone()),
            ),
        );
        let average = self.smooth(
            context,
            input.clone(),
            time.clone(),
            1,
            Some(initial_average),
        );
        let gap = binary(BinaryFn::Subtract, input, average.clone());
        match self.dialect {
            // Vensim: ZIDZ(input - average, time x ABS(average)).
            Dialect::Vensim => Ir::SafeDiv(
                boxed(gap),
                boxed(binary(
                    BinaryFn::Multiply,
                    time,
                    Ir::Unary(UnaryFn::Abs, boxed(average)),
                )),
                boxed(Ir::Const(0.0)),
            ),
            Dialect::Xmile => binary(
                BinaryFn::Divide,
                gap,
                binary(BinaryFn::Multiply, average, time),
            ),
        }
    }

    /// Vensim's `NPV(stream, rate, initial, factor)`: a discount factor that falls as
    /// `df' = -df * rate / (1 + rate * dt)` from 1, and an accumulation of `stream * df`; the value
    /// is `(accumulated + stream * df * dt) * factor`.
    pub(super) fn npv(
        &mut self,
        context: &Context,
        stream: Ir,
        rate: Ir,
        initial: Ir,
        factor: Ir,
    ) -> Ir {
        let stream = self.shared(context, stream);
        let rate = self.shared(context, rate);
        let discount = self.stock(context, Ir::Const(1.0));
        let fall = binary(
            BinaryFn::Divide,
            binary(BinaryFn::Multiply, Ir::Node(discount), rate.clone()),
            binary(
                BinaryFn::Add,
                Ir::Const(1.0),
                binary(BinaryFn::Multiply, rate, Ir::Dt),
            ),
        );
        let fall = self.flow(context, fall);
        self.set_flows(discount, None, Some(fall));
        let discounted = self.shared(
            context,
            binary(BinaryFn::Multiply, stream, Ir::Node(discount)),
        );
        let accumulated = self.stock(context, initial);
        let inflow = self.flow(context, discounted.clone());
        self.set_flows(accumulated, Some(inflow), None);
        binary(
            BinaryFn::Multiply,
            binary(
                BinaryFn::Add,
                Ir::Node(accumulated),
                binary(BinaryFn::Multiply, discounted, Ir::Dt),
            ),
            factor,
        )
    }

    pub(super) fn random(&mut self, kind: RandomFn, parameters: Vec<Ir>, seed: Option<u64>) -> Ir {
        let site = self.random_sites;
        self.random_sites += 1;
        Ir::Random(kind, parameters, site, seed)
    }

    /// The table a lookup's first argument names (a graphical function, or an element of an
    /// arrayed one).
    pub(super) fn table(&mut self, context: &Context, expr: &Expr) -> Option<usize> {
        let item = match &expr.kind {
            ExprKind::Name(name) => {
                let key = self.lookup_key(context.scope, name);
                match self.flat.arrays.get(&key) {
                    Some(info) => {
                        let info = info.clone();
                        let positions: Option<Vec<usize>> = info
                            .dims
                            .iter()
                            .map(|&d| self.bound_position(context, d))
                            .collect();
                        positions.map(|p| info.item(&self.flat.dims, &p))
                    }
                    None => self.flat.index.get(&key).copied(),
                }
            }
            ExprKind::Subscript { .. } => match self.value(context, expr) {
                Value::Scalar(Ir::Node(i)) => Some(i),
                _ => None,
            },
            _ => None,
        };
        match item.and_then(|i| self.table_of_node.get(&i)) {
            Some(&t) => Some(t),
            None => {
                self.error(
                    context,
                    expr,
                    DiagnosticKind::UnknownName,
                    "expected the name of a graphical function".into(),
                    None,
                );
                None
            }
        }
    }
}
