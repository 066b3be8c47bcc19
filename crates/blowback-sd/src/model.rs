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
    /// Vensim reality checks (`:THE CONDITION: ... :IMPLIES: ...`), run on request.
    pub reality_checks: Vec<RealityCheck>,
    /// Vensim test inputs (`:TEST INPUT:`), which reality checks switch on by name.
    pub test_inputs: Vec<TestInput>,
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

    /// The dimension a subscript name denotes: a dimension (or subrange) of that name, or else the
    /// smallest dimension holding an element of that name. Names compare canonically.
    pub fn dimension_of(&self, subscript: &str) -> Option<&Dimension> {
        let key = crate::name::canonical(subscript);
        let named = self
            .dimensions
            .iter()
            .find(|d| crate::name::canonical(&d.name) == key);
        named.or_else(|| {
            self.dimensions
                .iter()
                .filter(|d| d.elements.iter().any(|e| crate::name::canonical(e) == key))
                .min_by_key(|d| d.elements.len())
        })
    }

    /// The smallest dimension whose elements include every element the subscript names denote
    /// (each an element, a subrange or a dimension): what a variable defined piece by piece, as
    /// `x[sub1] = ...` and `x[a3] = ...`, is dimensioned by at that position.
    pub fn dimension_covering<'a>(
        &self,
        subscripts: impl IntoIterator<Item = &'a str>,
    ) -> Option<&Dimension> {
        let mut needed: Vec<String> = Vec::new();
        for subscript in subscripts {
            let key = crate::name::canonical(subscript);
            match self
                .dimensions
                .iter()
                .find(|d| crate::name::canonical(&d.name) == key)
            {
                Some(d) => needed.extend(d.elements.iter().map(|e| crate::name::canonical(e))),
                None => needed.push(key),
            }
        }
        self.dimensions
            .iter()
            .filter(|d| {
                let own: Vec<String> = d
                    .elements
                    .iter()
                    .map(|e| crate::name::canonical(e))
                    .collect();
                needed.iter().all(|n| own.contains(n))
            })
            .min_by_key(|d| d.elements.len())
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

/// An array dimension (or subrange) and its elements, in order.
///
/// Arrays in both formats reduce to this one shape:
/// - A **subrange** is a dimension whose elements are all elements of another dimension (Vensim
///   `sub: a2, a3` under `dim: a1, a2, a3`). Nothing marks it: the compiler finds, for each
///   dimension, the largest other dimension holding all its elements (its parent), so element names
///   are shared and a variable over the parent can be read at the subrange's elements.
/// - A **numeric range** (`(a1-a10)`) is expanded by the reader into its elements.
/// - A dimension defined from subranges (`dim: sub1, sub2`) is expanded by the reader into the
///   elements of those subranges, in order.
/// - A dimension given by size (XMILE `size="3"`) has elements `1`..`n`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Dimension {
    /// The dimension's name.
    pub name: String,
    /// Element names, in order; empty only for an equivalence whose elements come from its target.
    pub elements: Vec<String>,
    /// Vensim `->` mappings: how this dimension's elements correspond to other dimensions'. An
    /// equation over one of the two dimensions may read a variable over the other (in either
    /// direction), taking the corresponding element.
    pub mappings: Vec<DimensionMapping>,
    /// Vensim `<->`: this dimension is another name for the named one (same elements, and each may
    /// stand for the other in subscripts).
    pub equivalent_to: Option<String>,
}

impl Dimension {
    /// A dimension with the given elements, no mappings and no equivalence.
    pub fn new(
        name: impl Into<String>,
        elements: impl IntoIterator<Item = impl Into<String>>,
    ) -> Self {
        Dimension {
            name: name.into(),
            elements: elements.into_iter().map(Into::into).collect(),
            ..Dimension::default()
        }
    }
}

/// A Vensim `->` mapping of one dimension onto another.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct DimensionMapping {
    /// The dimension mapped to.
    pub to: String,
    /// Empty for a positional mapping (element k corresponds to element k of `to`); otherwise one
    /// entry per element of this dimension, in order: the element of `to` it corresponds to, or a
    /// subrange of `to` (the element then corresponds to each element of that subrange), as in
    /// `dim: a1, a2, a3 -> (to: b3, b2, b1)`.
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
    /// For text translated from another syntax (a Vensim `.mdl` equation): each translated piece's
    /// range in `text` with the range in the file it came from, in text order. Empty when the text
    /// is verbatim; takes precedence over `offset` otherwise.
    pub source_map: Vec<(Range<usize>, Range<usize>)>,
}

impl Equation {
    /// An equation that did not come from a file.
    pub fn new(text: impl Into<String>) -> Self {
        Equation {
            text: text.into(),
            ..Equation::default()
        }
    }

    /// Maps a byte range in the equation text to a range in the file.
    pub fn file_span(&self, span: &Range<usize>) -> Option<Range<usize>> {
        if !self.source_map.is_empty() {
            return Some(map_through(&self.source_map, span));
        }
        match self.offset {
            Some(offset) => Some(offset + span.start..offset + span.end),
            None => self.element.clone(),
        }
    }
}

/// The file range covered by the pieces a text span overlaps; an empty span (a place between
/// tokens, such as the end of the text) maps to the start of the piece at or after it, or to the
/// end of the last piece.
fn map_through(map: &[(Range<usize>, Range<usize>)], span: &Range<usize>) -> Range<usize> {
    let overlapping = map
        .iter()
        .filter(|(text, _)| text.start < span.end && span.start < text.end);
    let covered = overlapping.fold(None, |acc: Option<Range<usize>>, (_, file)| {
        Some(match acc {
            None => file.clone(),
            Some(r) => r.start.min(file.start)..r.end.max(file.end),
        })
    });
    if let Some(range) = covered {
        return range;
    }
    match map.iter().find(|(text, _)| text.start >= span.start) {
        Some((_, file)) => file.start..file.start,
        None => map.last().map_or(0..0, |(_, file)| file.end..file.end),
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
    /// A data variable (Vensim `:=`): a time series, given by a data function such as
    /// `GET XLS DATA(...)` or `GET DIRECT DATA(...)`, read at each time as `interpolation` says.
    Data {
        /// How values between and beyond the data points are read.
        interpolation: DataInterpolation,
    },
    /// An instance of another model.
    Module {
        /// The model it instantiates.
        model: String,
        /// Input bindings: `to` (a variable inside the module) takes its value from `from`.
        connections: Vec<Connection>,
    },
}

/// How a data variable reads its series between and beyond the given times (Vensim's keywords on
/// a data equation; without one, data functions interpolate).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DataInterpolation {
    /// `:INTERPOLATE:` (the default): linear between points; the end values are held outside.
    #[default]
    Interpolate,
    /// `:RAW:`: the given values only; between given times Vensim leaves the variable without a
    /// value, and this engine holds the last given value.
    Raw,
    /// `:HOLD BACKWARD:`: the value of the last point at or before the time.
    HoldBackward,
    /// `:LOOK FORWARD:`: the value of the next point at or after the time.
    LookForward,
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
    /// For an arrayed variable it applies to every element no entry of `elements` covers.
    ///
    /// A stock's equation may also be Vensim's `INTEG(rate, initial)`: the rate is then a net
    /// inflow of the stock (besides any listed flows) and `initial` its initial value. The same
    /// holds for a stock's per-element equations.
    pub equation: Option<Equation>,
    /// A separate equation for the initial value (XMILE `<init_eqn>`, Vensim `ACTIVE INITIAL`):
    /// used at the start instead of `equation`.
    pub initial_equation: Option<Equation>,
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
            initial_equation: None,
            dimensions: Vec::new(),
            elements: Vec::new(),
            graphical_function: None,
            doc: None,
            units: None,
            span: None,
        }
    }
}

/// An equation for some elements of an arrayed variable.
///
/// Each subscript entry names, for one dimension of the variable, either one element or a dimension
/// or subrange (the equation then covers each of its elements, and inside the equation that name
/// stands for the element being computed). `except` removes element combinations, as Vensim's
/// `x[dim1, dim2] :EXCEPT: [a1, b1], [a2, sub2] = ...`. When several entries cover one element the
/// first in the list wins; elements no entry covers take the variable's own `equation`.
#[derive(Debug, Clone, PartialEq)]
pub struct ElementEquation {
    /// One entry per dimension of the variable: an element, dimension or subrange name.
    pub subscript: Vec<String>,
    /// `:EXCEPT:` lists: combinations (one entry per dimension, elements or subranges) left out.
    pub except: Vec<Vec<String>>,
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
        self.eval_as(x, self.kind)
    }

    /// Evaluates the function at `x` as if it were of `kind`.
    pub fn eval_as(&self, x: f64, kind: GraphicalFunctionKind) -> f64 {
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
            return match kind {
                GraphicalFunctionKind::Extrapolate if n > 1 && xs[1] != xs[0] => {
                    ys[0] + (x - xs[0]) * (ys[1] - ys[0]) / (xs[1] - xs[0])
                }
                _ => ys[0],
            };
        }
        if x >= xs[n - 1] {
            return match kind {
                GraphicalFunctionKind::Extrapolate if xs[n - 1] != xs[n - 2] => {
                    ys[n - 1] + (x - xs[n - 1]) * (ys[n - 1] - ys[n - 2]) / (xs[n - 1] - xs[n - 2])
                }
                _ => ys[n - 1],
            };
        }
        // Binary search for the segment [xs[i], xs[i+1]) holding x.
        let i = xs[..n].partition_point(|&v| v <= x) - 1;
        match kind {
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

/// A reality check: whenever `condition` holds, `consequence` must hold too.
///
/// When the condition names only test inputs (joined by `AND`), the check runs the model with
/// those inputs switched on and requires the consequence at every saved time; otherwise it runs
/// the model as it is and requires the consequence wherever the condition is true.
#[derive(Debug, Clone, PartialEq)]
pub struct RealityCheck {
    /// The check's name.
    pub name: String,
    /// Dimensions the check is written over (its subscripts), if any.
    pub dimensions: Vec<String>,
    /// The condition.
    pub condition: Equation,
    /// The test inputs the condition switches on, when it is made only of them.
    pub test_inputs: Vec<String>,
    /// What must hold.
    pub consequence: Equation,
    /// Byte range of the check in the file.
    pub span: Option<Range<usize>>,
}

/// A test input: while a reality check uses it, `variable` takes `equation` instead of its own.
#[derive(Debug, Clone, PartialEq)]
pub struct TestInput {
    /// The test input's name.
    pub name: String,
    /// The variable it changes.
    pub variable: String,
    /// The replacement equation, over the variable's dimensions. It reads the variable's own
    /// value under the name [`TestInput::original_name`].
    pub equation: Equation,
    /// Byte range of the test input in the file.
    pub span: Option<Range<usize>>,
}

impl TestInput {
    /// The name under which a test input's equation reads the variable's value without the test.
    pub fn original_name(variable: &str) -> String {
        format!("{variable} without test input")
    }
}

/// A macro: a function defined in the model by an expression over named parameters.
#[derive(Debug, Clone, PartialEq)]
pub struct Macro {
    /// The name it is called by.
    pub name: String,
    /// Parameter names, in call order.
    pub parameters: Vec<String>,
    /// The body expression: the value a call returns. It may name the parameters and the macro's
    /// own variables.
    pub equation: Equation,
    /// Variables inside the macro (stocks included); each call gets its own copy of them, with the
    /// parameters bound to the call's arguments.
    pub variables: Vec<Variable>,
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
    fn dimensions_covering_subranges_and_elements() {
        let project = Project {
            dimensions: vec![
                Dimension::new("age", ["infant", "child", "teen"]),
                Dimension::new("older", ["child", "teen"]),
                Dimension::new("other", ["x", "y"]),
            ],
            ..Project::default()
        };
        let name = |d: Option<&Dimension>| d.map(|d| d.name.clone());
        assert_eq!(
            name(project.dimension_covering(["Older", "infant"])),
            Some("age".into())
        );
        assert_eq!(
            name(project.dimension_covering(["older"])),
            Some("older".into())
        );
        assert_eq!(name(project.dimension_covering(["teen", "x"])), None);
        assert_eq!(name(project.dimension_of("teen")), Some("older".into()));
        assert_eq!(name(project.dimension_of("AGE")), Some("age".into()));
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
