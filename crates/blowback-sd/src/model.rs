//! The model as read from a file: projects, simulation specs, variables, graphical functions.
//!
//! These types mirror XMILE closely and keep what a writer needs to give the file back (documentation,
//! units, names as written). They hold equation *text*; parsing and checking happen in the compiler,
//! so a model with broken equations can still be read, reported on, edited and written.

use std::ops::Range;

/// A whole XMILE file: one main model plus the models its modules instantiate.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Project {
    /// Header fields worth keeping.
    pub header: Header,
    /// Time settings and integration method.
    pub sim_specs: SimSpecs,
    /// Array dimensions.
    pub dimensions: Vec<Dimension>,
    /// The main model first (no name), then named models used by modules.
    pub models: Vec<Model>,
    /// Macros: named functions defined by an expression over parameters.
    pub macros: Vec<Macro>,
    /// Units the model defines (XMILE `<model_units>`): new units, units defined by others, aliases.
    pub model_units: Vec<UnitDefinition>,
}

/// A unit of measure defined by the model (XMILE 1.0 `<model_units><unit>`).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct UnitDefinition {
    /// The unit's name.
    pub name: String,
    /// Its definition in other units (`models/year`); `None` for a primary unit.
    pub equation: Option<String>,
    /// Other names for the same unit (`Person`, `Persons` for `People`).
    pub aliases: Vec<String>,
    /// A disabled unit takes no part in checking (XMILE `disabled="true"`).
    pub disabled: bool,
}

/// Header information.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Header {
    /// The model's name.
    pub name: Option<String>,
    /// Who made the file.
    pub vendor: Option<String>,
    /// The product that wrote the file, e.g. `Stella Architect` or `Vensim, xmutil`.
    pub product: Option<String>,
}

impl Project {
    /// Which tool's conventions the equations follow, from the header's product.
    pub fn dialect(&self) -> Dialect {
        match &self.header.product {
            Some(product) if product.to_ascii_lowercase().contains("vensim") => Dialect::Vensim,
            _ => Dialect::Xmile,
        }
    }

    /// The main model.
    pub fn main_model(&self) -> Option<&Model> {
        self.models
            .iter()
            .find(|m| m.name.is_none())
            .or(self.models.first())
    }
}

/// Whose conventions the built-in functions follow where tools disagree.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// XMILE and Stella: `INT` floors and `MOD` takes the divisor's sign.
    Xmile,
    /// Vensim: `INT` truncates toward zero and `MOD` takes the dividend's sign.
    Vensim,
}

/// Integration method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Method {
    /// Euler's method (the default).
    #[default]
    Euler,
    /// Second-order Runge-Kutta (Heun's method).
    Rk2,
    /// Classical fourth-order Runge-Kutta.
    Rk4,
}

impl std::str::FromStr for Method {
    type Err = String;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text.trim().to_ascii_lowercase().as_str() {
            "euler" => Ok(Method::Euler),
            "rk2" => Ok(Method::Rk2),
            "rk4" => Ok(Method::Rk4),
            other => Err(format!(
                "unknown integration method `{other}` (expected euler, rk2 or rk4)"
            )),
        }
    }
}

impl std::fmt::Display for Method {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Method::Euler => "Euler",
            Method::Rk2 => "RK2",
            Method::Rk4 => "RK4",
        })
    }
}

/// Simulation specifications.
#[derive(Debug, Clone, PartialEq)]
pub struct SimSpecs {
    /// Start time.
    pub start: f64,
    /// Stop time.
    pub stop: f64,
    /// Time step (already inverted when the file gave it as a reciprocal).
    pub dt: f64,
    /// Interval between saved rows; `None` saves every step.
    pub save_step: Option<f64>,
    /// Integration method.
    pub method: Method,
    /// Units of time, as text.
    pub time_units: Option<String>,
}

impl Default for SimSpecs {
    fn default() -> Self {
        SimSpecs {
            start: 0.0,
            stop: 10.0,
            dt: 1.0,
            save_step: None,
            method: Method::Euler,
            time_units: None,
        }
    }
}

/// An array dimension and its elements, in order.
#[derive(Debug, Clone, PartialEq)]
pub struct Dimension {
    /// The dimension's name.
    pub name: String,
    /// Element names; a dimension given by size has elements `1`..`n`.
    pub elements: Vec<String>,
}

/// One model: a named set of variables.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Model {
    /// `None` for the main model; module models are named.
    pub name: Option<String>,
    /// The variables, in file order.
    pub variables: Vec<Variable>,
}

/// Equation text with where it sits in the source file.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Equation {
    /// The equation as text (XML entities decoded).
    pub text: String,
    /// Byte offset in the file of the text's first byte when the file holds the text verbatim
    /// (no entities), so equation spans map exactly to file spans.
    pub offset: Option<usize>,
    /// Byte range of the whole `<eqn>` element, for diagnostics when `offset` is unknown.
    pub element: Option<Range<usize>>,
}

impl Equation {
    /// An equation that did not come from a file.
    pub fn new(text: impl Into<String>) -> Self {
        Equation {
            text: text.into(),
            offset: None,
            element: None,
        }
    }

    /// Maps a byte range in the equation text to a range in the file.
    pub fn file_span(&self, span: &Range<usize>) -> Option<Range<usize>> {
        match self.offset {
            Some(offset) => Some(offset + span.start..offset + span.end),
            None => self.element.clone(),
        }
    }
}

/// What kind of variable it is.
#[derive(Debug, Clone, PartialEq)]
pub enum VariableKind {
    /// A stock: its equation is the initial value.
    Stock {
        /// Flows that fill it, by name as written.
        inflows: Vec<String>,
        /// Flows that drain it, by name as written.
        outflows: Vec<String>,
        /// Whether outflows are cut so the stock never goes below zero.
        non_negative: bool,
    },
    /// A flow.
    Flow {
        /// Whether the flow is kept at or above zero (a uniflow).
        non_negative: bool,
    },
    /// An auxiliary (converter).
    Aux,
    /// A named graphical function, called like a function.
    GraphicalFunction,
    /// An instance of another model.
    Module {
        /// The model it instantiates.
        model: String,
        /// Input bindings: `to` (a variable inside the module) takes its value from `from`.
        connections: Vec<Connection>,
    },
}

/// A module input binding.
#[derive(Debug, Clone, PartialEq)]
pub struct Connection {
    /// Variable inside the module.
    pub to: String,
    /// Source, relative to the module's parent: `.x` or `x` is the parent's `x`, `m.y` is `y` in
    /// sibling module `m`.
    pub from: String,
}

/// One variable.
#[derive(Debug, Clone, PartialEq)]
pub struct Variable {
    /// Its name as written in the file.
    pub name: String,
    /// Stock, flow, auxiliary, graphical function or module.
    pub kind: VariableKind,
    /// The equation (for a stock, its initial value); `None` when absent or arrayed per element.
    pub equation: Option<Equation>,
    /// Dimension names when the variable is an array.
    pub dimensions: Vec<String>,
    /// Per-element equations of an arrayed variable: subscript text (e.g. `a` or `a,b`) and equation.
    pub elements: Vec<ElementEquation>,
    /// Graphical function applied to the equation's value.
    pub graphical_function: Option<GraphicalFunction>,
    /// Documentation.
    pub doc: Option<String>,
    /// Units, as text.
    pub units: Option<String>,
    /// Byte range of the variable's element in the file.
    pub span: Option<Range<usize>>,
}

impl Variable {
    /// A new scalar variable with an equation.
    pub fn new(name: impl Into<String>, kind: VariableKind, equation: impl Into<String>) -> Self {
        Variable {
            name: name.into(),
            kind,
            equation: Some(Equation::new(equation)),
            dimensions: Vec::new(),
            elements: Vec::new(),
            graphical_function: None,
            doc: None,
            units: None,
            span: None,
        }
    }
}

/// An equation for one element of an arrayed variable.
#[derive(Debug, Clone, PartialEq)]
pub struct ElementEquation {
    /// Element names, one per dimension, as written.
    pub subscript: Vec<String>,
    /// The equation.
    pub equation: Equation,
    /// A graphical function for this element, if any.
    pub graphical_function: Option<GraphicalFunction>,
}

/// How a graphical function treats x values between and beyond its points.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum GraphicalFunctionKind {
    /// Linear interpolation; clamped to the end values outside the x range.
    #[default]
    Continuous,
    /// Linear interpolation; extended along the end segments outside the x range.
    Extrapolate,
    /// Step function: the y of the last point at or left of x.
    Discrete,
}

/// A table function: y as a piecewise-linear (or step) function of x.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct GraphicalFunction {
    /// Interpolation behaviour.
    pub kind: GraphicalFunctionKind,
    /// X values, non-decreasing.
    pub xs: Vec<f64>,
    /// Y values, one per x.
    pub ys: Vec<f64>,
    /// The y scale shown in editors (kept for writing).
    pub y_scale: Option<(f64, f64)>,
}

impl GraphicalFunction {
    /// Evaluates the function at `x`.
    pub fn eval(&self, x: f64) -> f64 {
        let xs = &self.xs;
        let ys = &self.ys;
        let n = xs.len().min(ys.len());
        if n == 0 {
            return f64::NAN;
        }
        if x.is_nan() {
            return f64::NAN;
        }
        if n == 1 || x <= xs[0] {
            return match self.kind {
                GraphicalFunctionKind::Extrapolate if n > 1 && xs[1] != xs[0] => {
                    ys[0] + (x - xs[0]) * (ys[1] - ys[0]) / (xs[1] - xs[0])
                }
                _ => ys[0],
            };
        }
        if x >= xs[n - 1] {
            return match self.kind {
                GraphicalFunctionKind::Extrapolate if xs[n - 1] != xs[n - 2] => {
                    ys[n - 1] + (x - xs[n - 1]) * (ys[n - 1] - ys[n - 2]) / (xs[n - 1] - xs[n - 2])
                }
                _ => ys[n - 1],
            };
        }
        // Binary search for the segment [xs[i], xs[i+1]) holding x.
        let i = xs[..n].partition_point(|&v| v <= x) - 1;
        match self.kind {
            GraphicalFunctionKind::Discrete => ys[i],
            _ => {
                let (x0, x1) = (xs[i], xs[i + 1]);
                if x1 == x0 {
                    ys[i + 1]
                } else {
                    ys[i] + (x - x0) * (ys[i + 1] - ys[i]) / (x1 - x0)
                }
            }
        }
    }
}

/// A macro: a function defined in the model by an expression over named parameters.
#[derive(Debug, Clone, PartialEq)]
pub struct Macro {
    /// The name it is called by.
    pub name: String,
    /// Parameter names, in call order.
    pub parameters: Vec<String>,
    /// The body expression.
    pub equation: Equation,
    /// Documentation.
    pub doc: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gf(kind: GraphicalFunctionKind) -> GraphicalFunction {
        GraphicalFunction {
            kind,
            xs: vec![0.0, 1.0, 2.0],
            ys: vec![0.0, 10.0, 0.0],
            y_scale: None,
        }
    }

    #[test]
    fn graphical_function_kinds() {
        let c = gf(GraphicalFunctionKind::Continuous);
        assert_eq!(c.eval(0.5), 5.0);
        assert_eq!(c.eval(-1.0), 0.0);
        assert_eq!(c.eval(3.0), 0.0);
        let e = gf(GraphicalFunctionKind::Extrapolate);
        assert_eq!(e.eval(-1.0), -10.0);
        assert_eq!(e.eval(3.0), -10.0);
        let d = gf(GraphicalFunctionKind::Discrete);
        assert_eq!(d.eval(0.9), 0.0);
        assert_eq!(d.eval(1.0), 10.0);
    }
}
