//! The unit rule of each builtin, keyed by the builtin's canonical name (`smth1`, `if_then_else`).
//!
//! A rule is a signature over a few unit shapes: `A` and `B` stand for whatever units the call's
//! arguments have (fresh unknowns per call), `T` for the model's time units. `SMTH1(input,
//! delay, initial)` is `(A, T, A) -> A`; `RAMP(slope, start, end)` is `(A, T, T) -> A*T`.
//! Builtins not listed here are not checked (their arguments still are, inside). `LOOKUP` and its
//! Vensim variants and `POWER` are handled by the checker itself: their rules need the syntax of
//! the call (a table's name, a constant exponent).

use crate::model::Dialect;

/// The units an argument must have, or a result has, in terms of the call's type variables.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Shape {
    /// The call's first type variable.
    A,
    /// The call's second type variable.
    B,
    /// `A / B` (`SAFEDIV`, `XIDZ`, `ZIDZ`).
    ADivB,
    /// `A * T` (`RAMP`: a slope integrated over time).
    ATimesTime,
    /// `A / T` (XMILE `PULSE`: a quantity delivered within one time step).
    ADivTime,
    /// `A^(1/2)` (`SQRT`).
    SqrtA,
    /// The model's time units.
    Time,
    /// `1 / T` (`TREND`, the initial trend of `FORCST`).
    PerTime,
    /// Dimensionless.
    Dimensionless,
    /// Anything: not constrained (a condition, the input of a lookup, a product's factors).
    Free,
}

/// A builtin's unit signature: named arguments, the shape of any further arguments, the result.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Signature {
    pub arguments: &'static [(&'static str, Shape)],
    pub rest: Option<(&'static str, Shape)>,
    pub result: Shape,
}

const fn sig(arguments: &'static [(&'static str, Shape)], result: Shape) -> Signature {
    Signature {
        arguments,
        rest: None,
        result,
    }
}

const fn variadic(
    arguments: &'static [(&'static str, Shape)],
    rest: (&'static str, Shape),
    result: Shape,
) -> Signature {
    Signature {
        arguments,
        rest: Some(rest),
        result,
    }
}

use Shape::*;

const SAME: Signature = sig(&[("argument", A)], A);
const TRANSCENDENTAL: Signature = sig(&[("argument", Dimensionless)], Dimensionless);
const SMOOTH: Signature = sig(
    &[("input", A), ("delay time", Time), ("initial value", A)],
    A,
);
const SMOOTH_ORDER_THIRD: Signature = sig(
    &[
        ("input", A),
        ("delay time", Time),
        ("order", Dimensionless),
        ("initial value", A),
    ],
    A,
);
const SMOOTH_ORDER_FOURTH: Signature = sig(
    &[
        ("input", A),
        ("delay time", Time),
        ("initial value", A),
        ("order", Dimensionless),
    ],
    A,
);
const SAME_ARGUMENTS: Signature = variadic(&[("argument", A)], ("argument", A), A);
const DRAW: Signature = sig(
    &[
        ("first parameter", A),
        ("second parameter", A),
        ("seed", Dimensionless),
    ],
    A,
);

/// The unit signature of the builtin with canonical name `name`, in the file's dialect.
/// `arguments` is the number of arguments at the call (Vensim's two-argument `PULSE` differs).
pub(crate) fn signature(name: &str, dialect: Dialect, arguments: usize) -> Option<Signature> {
    Some(match name {
        "abs" | "int" | "integer" | "game" | "init" | "initial" => SAME,
        "exp" | "ln" | "log10" | "sin" | "cos" | "tan" | "arcsin" | "arccos" | "arctan"
        | "sinh" | "cosh" | "tanh" => TRANSCENDENTAL,
        "log" => sig(
            &[("argument", Dimensionless), ("base", Dimensionless)],
            Dimensionless,
        ),
        "sqrt" => sig(&[("argument", A)], SqrtA),
        "mod" | "modulo" => sig(&[("dividend", A), ("divisor", A)], A),
        "quantum" => sig(&[("value", A), ("quantum", A)], A),
        "min" | "max" | "vmin" | "vmax" | "sum" | "mean" | "stddev" => SAME_ARGUMENTS,
        "prod" | "product" => variadic(&[], ("factor", Free), Free),
        "size" | "elmcount" => sig(&[("array", Free)], Dimensionless),
        "pi" => sig(&[], Free),
        "time" => sig(&[], Time),
        "safediv" | "xidz" => sig(
            &[("numerator", A), ("denominator", B), ("fallback", ADivB)],
            ADivB,
        ),
        "zidz" => sig(&[("numerator", A), ("denominator", B)], ADivB),
        "if_then_else" => sig(
            &[
                ("condition", Free),
                ("value if true", A),
                ("value if false", A),
            ],
            A,
        ),
        "previous" => sig(&[("input", A), ("initial value", A)], A),
        "sample_if_true" => sig(
            &[("condition", Free), ("input", A), ("initial value", A)],
            A,
        ),
        "active_initial" => sig(&[("value", A), ("initial value", A)], A),
        "step" => sig(&[("height", A), ("step time", Time)], A),
        "ramp" => sig(
            &[("slope", A), ("start time", Time), ("end time", Time)],
            ATimesTime,
        ),
        "pulse" if dialect == Dialect::Vensim && arguments == 2 => {
            sig(&[("start time", Time), ("width", Time)], Dimensionless)
        }
        "pulse" => sig(
            &[("magnitude", A), ("first time", Time), ("interval", Time)],
            ADivTime,
        ),
        "integ" => sig(&[("rate", ADivTime), ("initial value", A)], A),
        "pulse_train" => sig(
            &[
                ("start time", Time),
                ("width", Time),
                ("interval", Time),
                ("end time", Time),
            ],
            Dimensionless,
        ),
        "smth1" | "smooth" | "smoothi" | "smth3" | "smooth3" | "smooth3i" | "delay1"
        | "delay1i" | "delay3" | "delay3i" | "delay" | "delay_fixed" => SMOOTH,
        "smthn" | "delayn" => SMOOTH_ORDER_THIRD,
        "smooth_n" | "delay_n" => SMOOTH_ORDER_FOURTH,
        "trend" => sig(
            &[
                ("input", A),
                ("averaging time", Time),
                ("initial trend", PerTime),
            ],
            PerTime,
        ),
        "forcst" | "forecast" => sig(
            &[
                ("input", A),
                ("averaging time", Time),
                ("horizon", Time),
                ("initial trend", PerTime),
            ],
            A,
        ),
        // NPV accumulates the discounted stream over time.
        "npv" => sig(
            &[
                ("stream", A),
                ("discount rate", PerTime),
                ("initial value", ATimesTime),
                ("factor", Dimensionless),
            ],
            ATimesTime,
        ),
        "random" | "uniform" | "random_uniform" | "normal" | "lognormal" => DRAW,
        "random_normal" => sig(
            &[
                ("minimum", A),
                ("maximum", A),
                ("mean", A),
                ("standard deviation", A),
                ("seed", Dimensionless),
            ],
            A,
        ),
        "poisson" | "exprnd" => sig(&[("mean", A), ("seed", Dimensionless)], A),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pulse_follows_the_dialect() {
        let vensim = signature("pulse", Dialect::Vensim, 2).unwrap();
        assert_eq!(vensim.result, Dimensionless);
        let xmile = signature("pulse", Dialect::Xmile, 2).unwrap();
        assert_eq!(xmile.result, ADivTime);
    }

    #[test]
    fn unknown_functions_have_no_rule() {
        assert!(signature("my_macro", Dialect::Xmile, 1).is_none());
        assert!(signature("smth1", Dialect::Xmile, 2).is_some());
    }
}
