//! The units checker: every equation of every model, against declared units and the rules of
//! dimensional analysis, on the parsed syntax tree of each variable's equation.

use std::collections::HashMap;
use std::ops::Range;

use super::builtins::{signature, Shape, Signature};
use super::context::{describe, phrase, Dims, UnitContext};
use super::parse::parse_units;
use super::ratio::Ratio;
use super::solve::{Conflict, Form, System, Unknown};
use crate::diagnostic::{Diagnostic, DiagnosticKind};
use crate::equation::{parse, BinaryOp, Expr, ExprKind, UnaryOp};
use crate::model::{Dialect, Equation, Model, Project, Variable, VariableKind};
use crate::name::canonical;

/// Vensim writes these four with the model's time units whether or not the modeller uses units,
/// so they alone do not make a model one that declares units.
const VENSIM_CONTROL_VARIABLES: &[&str] = &["initial_time", "final_time", "time_step", "saveper"];

/// Names that mean the clock when no variable of the model has them.
const TIME_NAMES: &[&str] = &[
    "time",
    "dt",
    "time_step",
    "starttime",
    "initial_time",
    "stoptime",
    "final_time",
];

/// A variable's declared units.
#[derive(Debug, Clone)]
enum Declared {
    Known(Dims),
    /// No units, or units that do not parse (already reported): the checker infers nothing.
    Unspecified,
}

struct ModelInfo<'a> {
    model: &'a Model,
    /// Canonical variable name to index in `model.variables`.
    index: HashMap<String, usize>,
    declared: Vec<Declared>,
}

impl ModelInfo<'_> {
    fn variable(&self, key: &str) -> Option<(&Variable, &Declared)> {
        let &i = self.index.get(key)?;
        Some((&self.model.variables[i], &self.declared[i]))
    }
}

/// Checks the units of every equation in `project`. Returns warnings (the model still runs);
/// callers that want unit problems to stop a build promote them. A model in which no variable
/// declares units is not checked at all.
///
/// ```
/// use blowback_sd::{check_units, read_xmile, DiagnosticKind};
///
/// let text = r#"<xmile version="1.0" xmlns="http://docs.oasis-open.org/xmile/ns/XMILE/v1.0">
///   <sim_specs time_units="year"><start>0</start><stop>10</stop><dt>1</dt></sim_specs>
///   <model><variables>
///     <stock name="population"><eqn>100</eqn><inflow>births</inflow><units>people</units></stock>
///     <flow name="births"><eqn>population * birth_rate</eqn><units>people/year</units></flow>
///     <aux name="birth rate"><eqn>0.05</eqn><units>1/month</units></aux>
///   </variables></model>
/// </xmile>"#;
/// let (project, _) = read_xmile(text).unwrap();
/// let diagnostics = check_units(&project);
/// assert_eq!(diagnostics.len(), 1);
/// assert_eq!(diagnostics[0].kind, DiagnosticKind::Units);
/// assert_eq!(diagnostics[0].variable.as_deref(), Some("births"));
/// ```
pub fn check_units(project: &Project) -> Vec<Diagnostic> {
    let (context, problems) = UnitContext::new(&project.model_units);
    let mut diagnostics: Vec<Diagnostic> = problems
        .into_iter()
        .map(|p| {
            Diagnostic::warning(DiagnosticKind::Units, p.message)
                .with_help(format!("unit `{}` is treated as a unit of its own", p.unit))
        })
        .collect();
    let uses_units = project.models.iter().any(|m| {
        m.variables.iter().any(|v| {
            has_units(v) && !VENSIM_CONTROL_VARIABLES.contains(&canonical(&v.name).as_str())
        })
    });
    if !uses_units {
        return diagnostics;
    }

    let mut models = Vec::with_capacity(project.models.len());
    for model in &project.models {
        let mut index = HashMap::new();
        let mut declared = Vec::with_capacity(model.variables.len());
        for (i, variable) in model.variables.iter().enumerate() {
            index.entry(canonical(&variable.name)).or_insert(i);
            declared.push(declared_units(&context, variable, &mut diagnostics));
        }
        models.push(ModelInfo {
            model,
            index,
            declared,
        });
    }
    let time = match project.sim_specs.time_units.as_deref().map(str::trim) {
        Some(text) if !text.is_empty() => match parse_units(text) {
            Ok(units) => context.reduce(&units),
            Err(error) => {
                diagnostics.push(
                    Diagnostic::warning(
                        DiagnosticKind::Units,
                        format!("the model's time units `{text}` cannot be read: {error}"),
                    )
                    .with_help("give <sim_specs time_units=\"...\"> a unit such as `year`"),
                );
                None
            }
        },
        _ => {
            diagnostics.push(
                Diagnostic::warning(
                    DiagnosticKind::Units,
                    "the model declares units but not its time units, so flows and time arguments \
                     are not checked",
                )
                .with_help("add time_units=\"...\" to <sim_specs>, e.g. time_units=\"year\""),
            );
            None
        }
    };
    let checker = Checker {
        models: &models,
        model_index: project
            .models
            .iter()
            .enumerate()
            .map(|(i, m)| (canonical(m.name.as_deref().unwrap_or_default()), i))
            .collect(),
        time,
        dialect: project.dialect(),
    };
    for (m, info) in models.iter().enumerate() {
        checker.check_model(m, info, &mut diagnostics);
    }
    diagnostics
}

fn has_units(variable: &Variable) -> bool {
    variable
        .units
        .as_deref()
        .is_some_and(|u| !u.split('[').next().unwrap_or_default().trim().is_empty())
}

fn declared_units(
    context: &UnitContext,
    variable: &Variable,
    diagnostics: &mut Vec<Diagnostic>,
) -> Declared {
    if !has_units(variable) {
        return Declared::Unspecified;
    }
    let text = variable.units.as_deref().unwrap_or_default();
    match parse_units(text) {
        Ok(units) => context
            .reduce(&units)
            .map_or(Declared::Unspecified, Declared::Known),
        Err(error) => {
            diagnostics.push(
                Diagnostic::warning(
                    DiagnosticKind::Units,
                    format!("the units `{}` cannot be read: {error}", text.trim()),
                )
                .with_variable(&variable.name)
                .with_span(variable.span.clone())
                .with_help("write units like `people/year`, `1/year`, `$/(widget*year)` or `dmnl`"),
            );
            Declared::Unspecified
        }
    }
}

struct Checker<'a> {
    models: &'a [ModelInfo<'a>],
    model_index: HashMap<String, usize>,
    time: Option<Dims>,
    dialect: Dialect,
}

/// A unit problem found in one equation, located in the equation's text.
struct Finding {
    span: Range<usize>,
    message: String,
    help: Option<String>,
}

/// Why the walk over an equation stopped early.
enum Stop {
    /// A unit conflict, reported once; later rules would only repeat it.
    Found(Finding),
    /// Exponents overflowed: the equation is not checked.
    GiveUp,
}

/// What an equation's result must be, and how to say so.
struct Expected {
    dims: Dims,
    because: String,
}

impl Checker<'_> {
    fn check_model(&self, m: usize, info: &ModelInfo, diagnostics: &mut Vec<Diagnostic>) {
        // Expected units of each flow from the stocks it fills or drains.
        let mut stock_of_flow: HashMap<String, (usize, Dims)> = HashMap::new();
        let stock_flows: std::collections::HashSet<String> = info
            .model
            .variables
            .iter()
            .filter_map(|v| match &v.kind {
                VariableKind::Stock {
                    inflows, outflows, ..
                } => Some(inflows.iter().chain(outflows).map(|f| canonical(f))),
                _ => None,
            })
            .flatten()
            .collect();
        if let Some(time) = &self.time {
            for (i, variable) in info.model.variables.iter().enumerate() {
                let (
                    VariableKind::Stock {
                        inflows, outflows, ..
                    },
                    Declared::Known(stock),
                ) = (&variable.kind, &info.declared[i])
                else {
                    continue;
                };
                let Some(per_time) = divide(stock, time) else {
                    continue;
                };
                for flow in inflows.iter().chain(outflows) {
                    stock_of_flow
                        .entry(canonical(flow))
                        .or_insert((i, per_time.clone()));
                }
            }
        }

        for (i, variable) in info.model.variables.iter().enumerate() {
            if matches!(variable.kind, VariableKind::Module { .. }) {
                self.check_connections(m, variable, diagnostics);
                continue;
            }
            let key = canonical(&variable.name);
            let flow_of = stock_of_flow.get(&key);
            // A flow's units follow from its stock's, so a flow without units of its own (such as
            // the net flow a Vensim INTEG becomes) is checked against them, not reported: a stock
            // without units is reported itself.
            if !has_units(variable)
                && !stock_flows.contains(&key)
                && !VENSIM_CONTROL_VARIABLES.contains(&key.as_str())
            {
                diagnostics.push(
                    Diagnostic::warning(
                        DiagnosticKind::MissingUnits,
                        format!("`{}` has no units", variable.name),
                    )
                    .with_variable(&variable.name)
                    .with_span(variable.span.clone())
                    .with_help("add <units>...</units>; `dmnl` for a dimensionless quantity"),
                );
            }
            let expected = match (&info.declared[i], flow_of) {
                (Declared::Known(dims), _) => Some(Expected {
                    dims: dims.clone(),
                    because: format!("`{}` is declared {}", variable.name, phrase(dims)),
                }),
                (Declared::Unspecified, Some((stock, dims))) => Some(Expected {
                    dims: dims.clone(),
                    because: format!(
                        "flow `{}` of stock `{}` must be {} (stock units per time unit)",
                        variable.name,
                        info.model.variables[*stock].name,
                        phrase(dims)
                    ),
                }),
                _ => None,
            };
            // A flow whose declared units disagree with its stock's.
            if let (Declared::Known(dims), Some((stock, needed))) = (&info.declared[i], flow_of) {
                if dims != needed {
                    let stock = &info.model.variables[*stock];
                    let span = variable
                        .equation
                        .as_ref()
                        .and_then(|e| e.file_span(&trimmed_span(&e.text)))
                        .or_else(|| variable.span.clone());
                    diagnostics.push(
                        Diagnostic::warning(
                            DiagnosticKind::Units,
                            format!(
                                "flow `{}` is {} but stock `{}` is {}, so its flows must be {}",
                                variable.name,
                                phrase(dims),
                                stock.name,
                                phrase(&info.declared_of(stock)),
                                phrase(needed)
                            ),
                        )
                        .with_variable(&variable.name)
                        .with_span(span)
                        .with_help(format!(
                            "a flow's units are its stock's units divided by the model's time \
                             units; they differ by a factor of {}",
                            ratio_description(dims, needed)
                        )),
                    );
                }
            }
            // A graphical function maps its input to the declared units, so the equation (the
            // input) is only checked inside.
            let maps_input = variable.graphical_function.is_some()
                || matches!(variable.kind, VariableKind::GraphicalFunction);
            let expected = if maps_input { None } else { expected };
            let equations = variable
                .equation
                .iter()
                .chain(&variable.initial_equation)
                .chain(variable.elements.iter().map(|e| &e.equation));
            for equation in equations {
                if let Some(finding) = self.check_equation(m, equation, expected.as_ref()) {
                    diagnostics.push(
                        Diagnostic::warning(DiagnosticKind::Units, finding.message)
                            .with_variable(&variable.name)
                            .with_span(
                                equation
                                    .file_span(&finding.span)
                                    .or_else(|| variable.span.clone()),
                            )
                            .with_help(finding.help.unwrap_or_else(|| {
                                "numbers in an equation take whatever units make it consistent; \
                                 named variables keep their declared units"
                                    .into()
                            })),
                    );
                }
            }
        }
    }

    /// Module inputs: the variable bound from outside must have the units the module declares.
    fn check_connections(&self, m: usize, module: &Variable, diagnostics: &mut Vec<Diagnostic>) {
        let VariableKind::Module { model, connections } = &module.kind else {
            return;
        };
        let Some(&inner) = self.model_index.get(&canonical(model)) else {
            return;
        };
        for connection in connections {
            let inside = self.models[inner]
                .variable(&canonical(&connection.to))
                .map(|(_, d)| d);
            let outside = self.declared_at(m, &canonical(&connection.from));
            if let (Some(Declared::Known(inside)), Some(Declared::Known(outside))) =
                (inside, outside)
            {
                if inside != outside {
                    diagnostics.push(
                        Diagnostic::warning(
                            DiagnosticKind::Units,
                            format!(
                                "module input `{}` is {} but is bound to `{}`, which is {}",
                                connection.to,
                                phrase(inside),
                                connection.from,
                                phrase(outside)
                            ),
                        )
                        .with_variable(&module.name)
                        .with_span(module.span.clone())
                        .with_help("give the module input and its source the same units"),
                    );
                }
            }
        }
    }

    /// The declared units of a possibly dotted name (`x`, `.x`, `module.output`) seen from model `m`.
    fn declared_at(&self, m: usize, key: &str) -> Option<&Declared> {
        let key = key.trim_start_matches('.');
        if let Some((_, declared)) = self.models[m].variable(key) {
            return Some(declared);
        }
        let (module, rest) = key.split_once('.')?;
        let (variable, _) = self.models[m].variable(module)?;
        let VariableKind::Module { model, .. } = &variable.kind else {
            return None;
        };
        let &inner = self.model_index.get(&canonical(model))?;
        if inner == m {
            return None;
        }
        self.declared_at(inner, rest)
    }

    fn check_equation(
        &self,
        m: usize,
        equation: &Equation,
        expected: Option<&Expected>,
    ) -> Option<Finding> {
        let (Some(expr), errors) = parse(&equation.text) else {
            return None;
        };
        // Syntax errors are the compiler's to report; a broken tree says nothing about units.
        if !errors.is_empty() {
            return None;
        }
        let mut walk = Walk {
            checker: self,
            model: m,
            text: &equation.text,
            system: System::default(),
            named: HashMap::new(),
        };
        let result = walk.form(&expr).and_then(|form| match expected {
            Some(expected) => walk.require_equation(&form, expected),
            None => Ok(()),
        });
        match result {
            Err(Stop::Found(finding)) => Some(finding),
            Ok(()) | Err(Stop::GiveUp) => None,
        }
    }
}

impl ModelInfo<'_> {
    fn declared_of(&self, variable: &Variable) -> Dims {
        match self.variable(&canonical(&variable.name)) {
            Some((_, Declared::Known(dims))) => dims.clone(),
            _ => Dims::new(),
        }
    }
}

fn divide(a: &Dims, b: &Dims) -> Option<Dims> {
    Form::known(a.clone())
        .combine(&Form::known(b.clone()), Ratio::integer(-1))
        .map(|f| f.known)
}

/// `a / b` in words, for hints.
fn ratio_description(a: &Dims, b: &Dims) -> String {
    divide(a, b).map_or_else(|| "(too large to show)".into(), |d| describe(&d))
}

/// The span of `text` without surrounding whitespace.
fn trimmed_span(text: &str) -> Range<usize> {
    let start = text.len() - text.trim_start().len();
    let end = text.trim_end().len().max(start);
    start..end
}

/// The walk over one equation: the units of each sub-expression as a [`Form`], and the rules
/// between them in a [`System`].
struct Walk<'a> {
    checker: &'a Checker<'a>,
    model: usize,
    text: &'a str,
    system: System,
    /// Unknowns that stand for named things with no units, one per name, so two uses agree.
    named: HashMap<String, Unknown>,
}

impl Walk<'_> {
    fn snippet(&self, span: &Range<usize>) -> String {
        let raw = self.text.get(span.clone()).unwrap_or_default();
        let words: Vec<&str> = raw.split_whitespace().collect();
        let joined = words.join(" ");
        if joined.chars().count() > 48 {
            let cut: String = joined.chars().take(45).collect();
            format!("{cut}...")
        } else {
            joined
        }
    }

    fn named_unknown(&mut self, key: &str) -> Form {
        let unknown = match self.named.get(key) {
            Some(&u) => u,
            None => {
                let u = self.system.fresh();
                self.named.insert(key.to_string(), u);
                u
            }
        };
        Form::unknown(unknown)
    }

    fn fresh(&mut self) -> Form {
        Form::unknown(self.system.fresh())
    }

    fn time(&mut self) -> Form {
        match &self.checker.time {
            Some(time) => Form::known(time.clone()),
            None => self.named_unknown(" time"),
        }
    }

    fn units_of(&self, form: &Form) -> String {
        self.system
            .evaluate(form)
            .map_or_else(|| "in units too large to show".into(), |d| phrase(&d))
    }

    /// Requires `a` and `b` to have equal units; `message` words a conflict from the units each
    /// has.
    fn require(
        &mut self,
        a: &Form,
        b: &Form,
        span: Range<usize>,
        message: impl FnOnce(String, String) -> (String, Option<String>),
    ) -> Result<(), Stop> {
        match self.system.equate(a, b) {
            Ok(()) => Ok(()),
            Err(Conflict::Overflow) => Err(Stop::GiveUp),
            Err(Conflict::Inconsistent) => {
                let (message, help) = message(self.units_of(a), self.units_of(b));
                Err(Stop::Found(Finding {
                    span,
                    message,
                    help,
                }))
            }
        }
    }

    fn require_equation(&mut self, form: &Form, expected: &Expected) -> Result<(), Stop> {
        let span = trimmed_span(self.text);
        let wanted = Form::known(expected.dims.clone());
        let because = expected.because.clone();
        let gives = self.system.evaluate(form);
        self.require(form, &wanted, span, |actual, _| {
            let help = gives.as_ref().map(|g| {
                format!(
                    "the two differ by a factor of {}",
                    ratio_description(g, &expected.dims)
                )
            });
            (
                format!("the equation's result is {actual} but {because}"),
                help,
            )
        })
    }

    /// The units of `expr`, adding the rules its operators and functions impose.
    fn form(&mut self, expr: &Expr) -> Result<Form, Stop> {
        match &expr.kind {
            // Numbers take whatever units the equation needs; text (a data file's name) is not
            // a quantity.
            ExprKind::Number(_) | ExprKind::Text(_) => Ok(self.fresh()),
            ExprKind::Name(name) | ExprKind::Subscript { name, .. } => Ok(self.name(name)),
            ExprKind::Unary(UnaryOp::Negate | UnaryOp::Plus, a) => self.form(a),
            ExprKind::Unary(UnaryOp::Not, a) => {
                self.form(a)?;
                Ok(Form::dimensionless())
            }
            ExprKind::Binary(op, a, b) => self.binary(expr, *op, a, b),
            ExprKind::If(condition, a, b) => {
                self.form(condition)?;
                let fa = self.form(a)?;
                let fb = self.form(b)?;
                let (sa, sb) = (self.snippet(&a.span), self.snippet(&b.span));
                self.require(&fa, &fb, expr.span.clone(), |ua, ub| {
                    (
                        format!(
                            "the THEN branch `{sa}` is {ua} but the ELSE branch `{sb}` is {ub}"
                        ),
                        Some("both branches of an IF must have the same units".into()),
                    )
                })?;
                Ok(fa)
            }
            ExprKind::Call { name, args } => self.call(name, args),
            ExprKind::Error => Err(Stop::GiveUp),
        }
    }

    fn name(&mut self, name: &str) -> Form {
        let key = canonical(name);
        let key = key.trim_start_matches('.');
        match self.checker.declared_at(self.model, key) {
            Some(Declared::Known(dims)) => return Form::known(dims.clone()),
            Some(Declared::Unspecified) => return self.named_unknown(key),
            None => {}
        }
        if TIME_NAMES.contains(&key) {
            return self.time();
        }
        if key == "pi" {
            return self.fresh();
        }
        // Dimension elements, names the compiler reports as unknown: nothing to infer.
        self.named_unknown(key)
    }

    fn binary(&mut self, expr: &Expr, op: BinaryOp, a: &Expr, b: &Expr) -> Result<Form, Stop> {
        let fa = self.form(a)?;
        if op == BinaryOp::Power {
            return self.power(fa, a, b);
        }
        let fb = self.form(b)?;
        let (sa, sb) = (self.snippet(&a.span), self.snippet(&b.span));
        let span = expr.span.clone();
        match op {
            BinaryOp::Multiply => fa.combine(&fb, Ratio::ONE).ok_or(Stop::GiveUp),
            BinaryOp::Divide => fa.combine(&fb, Ratio::integer(-1)).ok_or(Stop::GiveUp),
            BinaryOp::Add | BinaryOp::Subtract | BinaryOp::Modulo => {
                let verb = match op {
                    BinaryOp::Add => "added to",
                    BinaryOp::Subtract => "subtracted from",
                    _ => "taken modulo",
                };
                self.require(&fa, &fb, span, |ua, ub| {
                    (
                        format!("`{sb}`, {ub}, is {verb} `{sa}`, {ua}"),
                        Some(
                            "quantities that are added, subtracted or taken modulo each other \
                             need the same units"
                                .into(),
                        ),
                    )
                })?;
                Ok(fa)
            }
            BinaryOp::Equal
            | BinaryOp::NotEqual
            | BinaryOp::Less
            | BinaryOp::LessEqual
            | BinaryOp::Greater
            | BinaryOp::GreaterEqual => {
                self.require(&fa, &fb, span, |ua, ub| {
                    (
                        format!("`{sa}`, {ua}, is compared with `{sb}`, {ub}"),
                        Some("only quantities with the same units can be compared".into()),
                    )
                })?;
                Ok(Form::dimensionless())
            }
            BinaryOp::And | BinaryOp::Or | BinaryOp::Power => Ok(Form::dimensionless()),
        }
    }

    /// `a ^ b`: the exponent is dimensionless; a constant exponent scales the base's units, any
    /// other exponent needs a dimensionless base (its units would depend on the exponent's value).
    fn power(&mut self, base: Form, a: &Expr, b: &Expr) -> Result<Form, Stop> {
        let exponent = self.form(b)?;
        let sb = self.snippet(&b.span);
        self.require(
            &exponent,
            &Form::dimensionless(),
            b.span.clone(),
            |ub, _| {
                (
                    format!("the exponent `{sb}` is {ub}; exponents must be dimensionless"),
                    Some("divide the exponent by a reference value in the same units".into()),
                )
            },
        )?;
        if let Some(value) = constant(b).and_then(Ratio::from_f64) {
            return base.power(value).ok_or(Stop::GiveUp);
        }
        let sa = self.snippet(&a.span);
        self.require(&base, &Form::dimensionless(), a.span.clone(), |ua, _| {
            (
                format!(
                    "`{sa}`, {ua}, is raised to the power `{sb}`, which is not a constant \
                     whole number or simple fraction"
                ),
                Some("only a dimensionless quantity can be raised to a variable power".into()),
            )
        })?;
        Ok(Form::dimensionless())
    }

    fn call(&mut self, name: &str, args: &[Expr]) -> Result<Form, Stop> {
        let key = canonical(name);
        if let ("power", [base, exponent]) = (key.as_str(), args) {
            let base_form = self.form(base)?;
            return self.power(base_form, base, exponent);
        }
        if matches!(
            key.as_str(),
            "lookup" | "lookup_extrapolate" | "lookup_forward" | "lookup_backward"
        ) {
            // LOOKUP(table, x): the table's declared units; the input is the table's business.
            for arg in args.iter().skip(1) {
                self.form(arg)?;
            }
            return Ok(match args.first().map(|a| &a.kind) {
                Some(ExprKind::Name(table)) => self.name(table),
                _ => self.fresh(),
            });
        }
        if let Some(signature) = signature(&key, self.checker.dialect, args.len()) {
            return self.builtin(name, &signature, args);
        }
        for arg in args {
            self.form(arg)?;
        }
        // A graphical function called by name gives its declared units; a macro, anything.
        match self.checker.models[self.model].variable(&key) {
            Some((_, Declared::Known(dims))) => Ok(Form::known(dims.clone())),
            Some((_, Declared::Unspecified)) => Ok(self.named_unknown(&key)),
            None => Ok(self.fresh()),
        }
    }

    fn builtin(&mut self, name: &str, signature: &Signature, args: &[Expr]) -> Result<Form, Stop> {
        let a = self.fresh();
        let b = self.fresh();
        let function = name.to_uppercase();
        for (i, arg) in args.iter().enumerate() {
            let form = self.form(arg)?;
            let (role, shape) = match signature.arguments.get(i) {
                Some(&(role, shape)) => (role, shape),
                None => match signature.rest {
                    Some(rest) => rest,
                    // Too many arguments: the compiler reports the arity.
                    None => continue,
                },
            };
            let Some(wanted) = self.shape(shape, &a, &b)? else {
                continue;
            };
            let snippet = self.snippet(&arg.span);
            let single = signature.arguments.len() == 1 && signature.rest.is_none();
            self.require(&form, &wanted, arg.span.clone(), |actual, needed| {
                let which = if single {
                    format!("the argument of {function}")
                } else if role == "argument" {
                    format!("argument {} of {function}", i + 1)
                } else {
                    format!("argument {} of {function} (the {role})", i + 1)
                };
                (
                    format!("{which}, `{snippet}`, is {actual} but should be {needed}"),
                    Some(shape_hint(shape, &function)),
                )
            })?;
        }
        Ok(self.shape(signature.result, &a, &b)?.unwrap_or_else(|| {
            // A free result: a fresh unknown, like a number.
            Form::unknown(self.system.fresh())
        }))
    }

    /// The form of a shape for this call; `None` for [`Shape::Free`].
    fn shape(&mut self, shape: Shape, a: &Form, b: &Form) -> Result<Option<Form>, Stop> {
        let over = |x: &Form, y: &Form| x.combine(y, Ratio::integer(-1)).ok_or(Stop::GiveUp);
        Ok(Some(match shape {
            Shape::A => a.clone(),
            Shape::B => b.clone(),
            Shape::ADivB => over(a, b)?,
            Shape::ATimesTime => {
                let time = self.time();
                a.combine(&time, Ratio::ONE).ok_or(Stop::GiveUp)?
            }
            Shape::ADivTime => {
                let time = self.time();
                over(a, &time)?
            }
            Shape::SqrtA => a
                .power(Ratio::new(1, 2).ok_or(Stop::GiveUp)?)
                .ok_or(Stop::GiveUp)?,
            Shape::Time => self.time(),
            Shape::PerTime => {
                let time = self.time();
                over(&Form::dimensionless(), &time)?
            }
            Shape::Dimensionless => Form::dimensionless(),
            Shape::Free => return Ok(None),
        }))
    }
}

/// What a shape asks for, in words.
fn shape_hint(shape: Shape, function: &str) -> String {
    match shape {
        Shape::Time => {
            format!("{function} takes times in the model's time units (<sim_specs time_units>)")
        }
        Shape::PerTime => format!("{function}'s trend is a fraction per unit of the model's time"),
        Shape::Dimensionless => {
            format!("{function} needs a dimensionless argument; divide by a reference value first")
        }
        _ => format!("{function}'s arguments must agree in units"),
    }
}

/// The value of an expression made only of numbers and arithmetic, for constant exponents.
fn constant(expr: &Expr) -> Option<f64> {
    match &expr.kind {
        ExprKind::Number(v) => Some(*v),
        ExprKind::Unary(UnaryOp::Negate, a) => Some(-constant(a)?),
        ExprKind::Unary(UnaryOp::Plus, a) => constant(a),
        ExprKind::Binary(op, a, b) => {
            let (a, b) = (constant(a)?, constant(b)?);
            match op {
                BinaryOp::Add => Some(a + b),
                BinaryOp::Subtract => Some(a - b),
                BinaryOp::Multiply => Some(a * b),
                BinaryOp::Divide => Some(a / b),
                _ => None,
            }
        }
        _ => None,
    }
}
