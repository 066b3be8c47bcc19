//! Converts a project to another file format: Vensim `.mdl` or XMILE that other XMILE tools
//! (Stella, simlin) read.
//!
//! To XMILE, a project in Vensim's dialect has its builtins renamed to XMILE's standard ones
//! (`IF THEN ELSE(c, a, b)` becomes `IF c THEN a ELSE b`, `SMOOTH` becomes `SMTH1`, `DELAY N`
//! becomes `DELAYN` with XMILE's argument order, `XIDZ` becomes `SAFEDIV`, Vensim's `PULSE(start,
//! width)` becomes the conditional it stands for), its constant lists and its equations over
//! subranges or with `:EXCEPT:` become one equation per element, and standalone tables become an
//! auxiliary holding a graphical function, called through `LOOKUP` (the forms simlin reads). What
//! XMILE cannot say (dimension mappings, data variables, reality checks, Vensim functions with no
//! XMILE builtin like them) is kept in the form the engine reads back and reported as a warning.

use std::collections::HashSet;

use crate::diagnostic::{Diagnostic, DiagnosticKind};
use crate::equation::{parse, print, BinaryOp, Expr, ExprKind};
use crate::format::ModelFormat;
use crate::mdl::write_mdl;
use crate::model::{Dialect, ElementEquation, Equation, Project, Variable, VariableKind};
use crate::name::canonical;
use crate::xmile::write_xmile;

/// Writes a project in the given format. Returns the text and warnings about what the format
/// cannot say exactly as the project does.
pub fn convert(project: &Project, to: ModelFormat) -> (String, Vec<Diagnostic>) {
    match to {
        ModelFormat::Mdl => write_mdl(project),
        ModelFormat::Xmile => {
            let (xmile, warnings) = to_xmile_dialect(project);
            (write_xmile(&xmile), warnings)
        }
    }
}

/// The project with Vensim's builtins and constant lists in XMILE's standard forms.
fn to_xmile_dialect(project: &Project) -> (Project, Vec<Diagnostic>) {
    let mut out = project.clone();
    // XMILE requires a vendor in the header, and XMILE tools (simlin) insist on one.
    out.header
        .vendor
        .get_or_insert_with(|| "blowback".to_string());
    let mut warnings = Vec::new();
    if project.dialect() != Dialect::Vensim {
        return (out, warnings);
    }
    let variables: HashSet<String> = project
        .models
        .iter()
        .flat_map(|m| &m.variables)
        .map(|v| canonical(&v.name))
        .collect();
    let tables: HashSet<String> = project
        .models
        .iter()
        .flat_map(|m| &m.variables)
        .filter(|v| matches!(v.kind, VariableKind::GraphicalFunction))
        .map(|v| canonical(&v.name))
        .collect();
    let rewriter = Rewriter {
        variables: &variables,
        tables: &tables,
        macros: project.macros.iter().map(|m| canonical(&m.name)).collect(),
        vensim_only: Default::default(),
    };
    let element_counts = |variable: &Variable| -> Option<Vec<Vec<String>>> {
        let mut combinations = vec![Vec::new()];
        for dimension in &variable.dimensions {
            let key = canonical(dimension);
            let elements = &project
                .dimensions
                .iter()
                .find(|d| canonical(&d.name) == key)?
                .elements;
            combinations = combinations
                .into_iter()
                .flat_map(|prefix: Vec<String>| {
                    elements.iter().map(move |e| {
                        let mut next = prefix.clone();
                        next.push(e.clone());
                        next
                    })
                })
                .collect();
        }
        Some(combinations)
    };
    for model in &mut out.models {
        for variable in &mut model.variables {
            let mut warn = |message: String| {
                warnings.push(
                    Diagnostic::warning(DiagnosticKind::Unsupported, message)
                        .with_variable(variable.name.clone()),
                );
            };
            // A standalone table is an auxiliary holding a graphical function and no equation, the
            // form XMILE tools (simlin) write and read.
            if matches!(variable.kind, VariableKind::GraphicalFunction)
                && variable.equation.is_none()
                && variable
                    .elements
                    .iter()
                    .all(|e| e.equation.text.trim().is_empty())
            {
                variable.kind = VariableKind::Aux;
            }
            if matches!(variable.kind, VariableKind::Data { .. }) {
                warn(
                    "XMILE has no data variables; written as an auxiliary with its data call"
                        .into(),
                );
            }
            // A constant list over the whole variable becomes one equation per element.
            if let Some(equation) = &variable.equation {
                if let Some(values) = list_values(&equation.text) {
                    if let Some(combinations) = element_counts(variable) {
                        if combinations.len() == values.len() {
                            variable.equation = None;
                            let mut elements: Vec<ElementEquation> = combinations
                                .into_iter()
                                .zip(values)
                                .map(|(subscript, value)| ElementEquation {
                                    subscript,
                                    except: Vec::new(),
                                    equation: Equation::new(value),
                                    graphical_function: None,
                                })
                                .collect();
                            elements.append(&mut variable.elements);
                            variable.elements = elements;
                        }
                    }
                }
            }
            // `ACTIVE INITIAL(value, initial)` as a whole equation is XMILE's <eqn> and <init_eqn>.
            if let Some((value, initial)) = variable
                .equation
                .as_ref()
                .and_then(|e| active_initial(&e.text))
            {
                if variable.initial_equation.is_none() {
                    variable.equation = Some(Equation::new(value));
                    variable.initial_equation = Some(Equation::new(initial));
                }
            }
            // XMILE's element equations are one element each: entries over subranges or with
            // `:EXCEPT:` become one equation per element, the subrange's name replaced by it.
            if let Some(combinations) = element_counts(variable) {
                expand_elements(variable, &combinations, &project.dimensions);
            }
            let rewrite = |equation: &mut Equation| rewriter.equation(equation);
            variable.equation.iter_mut().for_each(rewrite);
            variable.initial_equation.iter_mut().for_each(rewrite);
            for element in &mut variable.elements {
                rewriter.equation(&mut element.equation);
            }
        }
    }
    for dimension in &project.dimensions {
        if !dimension.mappings.is_empty() {
            warnings.push(Diagnostic::warning(
                DiagnosticKind::Unsupported,
                format!(
                    "XMILE has no dimension mappings; the mapping of `{}` is left out",
                    dimension.name
                ),
            ));
        }
    }
    for m in &mut out.macros {
        rewriter.equation(&mut m.equation);
        for variable in &mut m.variables {
            variable
                .equation
                .iter_mut()
                .for_each(|e| rewriter.equation(e));
            for element in &mut variable.elements {
                rewriter.equation(&mut element.equation);
            }
        }
    }
    for function in rewriter.vensim_only.borrow().iter() {
        warnings.push(Diagnostic::warning(
            DiagnosticKind::Unsupported,
            format!(
                "{function} is not an XMILE builtin; it is kept as Vensim writes it (blowback reads it, other XMILE tools may not)"
            ),
        ));
    }
    if !project.reality_checks.is_empty() {
        warnings.push(Diagnostic::warning(
            DiagnosticKind::Unsupported,
            format!(
                "XMILE has no reality checks; {} are left out",
                project.reality_checks.len()
            ),
        ));
    }
    (out, warnings)
}

/// The two arguments of an equation that is one `ACTIVE INITIAL(value, initial)` call, printed.
fn active_initial(text: &str) -> Option<(String, String)> {
    match parse(text) {
        (
            Some(Expr {
                kind: ExprKind::Call { name, args },
                ..
            }),
            errors,
        ) if errors.is_empty() && canonical(&name) == "active_initial" && args.len() == 2 => {
            Some((print(&args[0]), print(&args[1])))
        }
        _ => None,
    }
}

/// Gives an arrayed variable one element equation per element when some of its equations cover
/// several elements (a dimension or subrange in their subscript, or `:EXCEPT:` lists): each
/// element takes the first equation covering it (else the variable's own), with the names of the
/// dimensions it was written over replaced by the element.
fn expand_elements(
    variable: &mut Variable,
    combinations: &[Vec<String>],
    dimensions: &[crate::model::Dimension],
) {
    let members = |name: &str| -> Option<Vec<String>> {
        let key = canonical(name);
        dimensions
            .iter()
            .find(|d| canonical(&d.name) == key)
            .map(|d| d.elements.iter().map(|e| canonical(e)).collect())
    };
    let wide = variable
        .elements
        .iter()
        .any(|e| !e.except.is_empty() || e.subscript.iter().any(|s| members(s).is_some()));
    if !wide {
        return;
    }
    let covers = |subscript: &[String], combination: &[String]| {
        subscript.len() == combination.len()
            && subscript.iter().zip(combination).all(|(s, e)| {
                let element = canonical(e);
                canonical(s) == element || members(s).is_some_and(|m| m.contains(&element))
            })
    };
    let bound = |equation: &Equation, subscript: &[String], combination: &[String]| {
        let bindings: Vec<(String, String)> = subscript
            .iter()
            .zip(combination)
            .filter(|(s, _)| members(s).is_some())
            .map(|(s, e)| (canonical(s), e.clone()))
            .collect();
        substitute(equation, &bindings)
    };
    let mut expanded = Vec::new();
    for combination in combinations {
        let entry = variable.elements.iter().find(|e| {
            covers(&e.subscript, combination) && !e.except.iter().any(|x| covers(x, combination))
        });
        let (equation, graphical_function) = match entry {
            Some(e) => (
                bound(&e.equation, &e.subscript, combination),
                e.graphical_function.clone(),
            ),
            None => match &variable.equation {
                Some(equation) => (
                    bound(equation, &variable.dimensions, combination),
                    variable.graphical_function.clone(),
                ),
                None => continue,
            },
        };
        expanded.push(ElementEquation {
            subscript: combination.clone(),
            except: Vec::new(),
            equation,
            graphical_function,
        });
    }
    variable.elements = expanded;
    variable.equation = None;
}

/// An equation with names replaced (given canonically, with their replacements); text that does
/// not parse stays as it is.
fn substitute(equation: &Equation, bindings: &[(String, String)]) -> Equation {
    fn walk(expr: &mut Expr, bindings: &[(String, String)]) {
        match &mut expr.kind {
            ExprKind::Name(name) => {
                let key = canonical(name);
                if let Some((_, element)) = bindings.iter().find(|(d, _)| *d == key) {
                    *name = element.clone();
                }
            }
            ExprKind::Subscript { indices, .. } => {
                for index in indices {
                    match index {
                        crate::equation::Index::Expr(e) => walk(e, bindings),
                        crate::equation::Index::Range(a, b) => {
                            walk(a, bindings);
                            walk(b, bindings);
                        }
                        _ => {}
                    }
                }
            }
            ExprKind::Unary(_, a) => walk(a, bindings),
            ExprKind::Binary(_, a, b) => {
                walk(a, bindings);
                walk(b, bindings);
            }
            ExprKind::If(c, a, b) => {
                walk(c, bindings);
                walk(a, bindings);
                walk(b, bindings);
            }
            ExprKind::Call { args, .. } => args.iter_mut().for_each(|a| walk(a, bindings)),
            _ => {}
        }
    }
    if bindings.is_empty() {
        return equation.clone();
    }
    match parse(&equation.text) {
        (Some(mut expr), errors) if errors.is_empty() => {
            walk(&mut expr, bindings);
            Equation::new(print(&expr))
        }
        _ => equation.clone(),
    }
}

/// The values of a constant list (`1, 2; 3`), as written.
fn list_values(text: &str) -> Option<Vec<String>> {
    if !text.contains([',', ';']) {
        return None;
    }
    let values: Vec<String> = text
        .split([',', ';'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(str::to_string)
        .collect();
    values
        .iter()
        .all(|v| v.trim_matches(['(', ')']).parse::<f64>().is_ok())
        .then_some(values)
}

/// The builtins of XMILE 1.0 (section 3.5), canonical, as other XMILE tools know them.
const XMILE_BUILTINS: &[&str] = &[
    "abs",
    "arccos",
    "arcsin",
    "arctan",
    "cos",
    "exp",
    "inf",
    "int",
    "ln",
    "log10",
    "max",
    "min",
    "pi",
    "sin",
    "sqrt",
    "tan",
    "safediv",
    "delay",
    "delay1",
    "delay3",
    "delayn",
    "forcst",
    "smth1",
    "smth3",
    "smthn",
    "trend",
    "pulse",
    "ramp",
    "step",
    "exprnd",
    "lognormal",
    "normal",
    "poisson",
    "random",
    "uniform",
    "size",
    "stddev",
    "sum",
    "mean",
    "prod",
    "rank",
    "init",
    "previous",
    "lookup",
    "if_then_else",
];

struct Rewriter<'a> {
    variables: &'a HashSet<String>,
    tables: &'a HashSet<String>,
    macros: HashSet<String>,
    /// Vensim functions kept as Vensim writes them because XMILE has none like them.
    vensim_only: std::cell::RefCell<std::collections::BTreeSet<String>>,
}

fn node(kind: ExprKind, like: &Expr) -> Expr {
    Expr {
        kind,
        span: like.span.clone(),
    }
}

fn call(name: &str, args: Vec<Expr>, like: &Expr) -> Expr {
    node(
        ExprKind::Call {
            name: name.to_string(),
            args,
        },
        like,
    )
}

fn binary(op: BinaryOp, a: Expr, b: Expr, like: &Expr) -> Expr {
    node(ExprKind::Binary(op, Box::new(a), Box::new(b)), like)
}

impl Rewriter<'_> {
    /// Rewrites an equation's text in XMILE's forms; text that does not parse stays as it is.
    fn equation(&self, equation: &mut Equation) {
        if list_values(&equation.text).is_some() {
            return;
        }
        if let (Some(expr), errors) = parse(&equation.text) {
            if errors.is_empty() {
                *equation = Equation::new(print(&self.expr(expr)));
            }
        }
    }

    fn expr(&self, expr: Expr) -> Expr {
        let span = expr.span.clone();
        let kind = match expr.kind {
            ExprKind::Name(name) => {
                let key = canonical(&name);
                let standard = match key.as_str() {
                    _ if self.variables.contains(&key) => None,
                    "time_step" => Some("DT"),
                    "initial_time" => Some("STARTTIME"),
                    "final_time" => Some("STOPTIME"),
                    "time" => Some("TIME"),
                    _ => None,
                };
                ExprKind::Name(standard.map_or(name, str::to_string))
            }
            ExprKind::Subscript { name, indices } => ExprKind::Subscript {
                name,
                indices: indices
                    .into_iter()
                    .map(|index| match index {
                        crate::equation::Index::Expr(e) => {
                            crate::equation::Index::Expr(self.expr(e))
                        }
                        other => other,
                    })
                    .collect(),
            },
            ExprKind::Unary(op, a) => ExprKind::Unary(op, Box::new(self.expr(*a))),
            ExprKind::Binary(op, a, b) => {
                ExprKind::Binary(op, Box::new(self.expr(*a)), Box::new(self.expr(*b)))
            }
            ExprKind::If(c, a, b) => ExprKind::If(
                Box::new(self.expr(*c)),
                Box::new(self.expr(*a)),
                Box::new(self.expr(*b)),
            ),
            ExprKind::Call { name, args } => {
                let args: Vec<Expr> = args.into_iter().map(|a| self.expr(a)).collect();
                let like = Expr {
                    kind: ExprKind::Error,
                    span: span.clone(),
                };
                return self.call(&name, args, &like);
            }
            other => other,
        };
        Expr { kind, span }
    }

    fn call(&self, name: &str, mut args: Vec<Expr>, like: &Expr) -> Expr {
        let key = canonical(name);
        // A graphical function called like a function is `LOOKUP(table, x)`, which every XMILE
        // tool reads (simlin does not take the call form).
        if self.tables.contains(&key) && args.len() == 1 {
            let table = node(ExprKind::Name(name.to_string()), like);
            return call("LOOKUP", vec![table, args.remove(0)], like);
        }
        let n = args.len();
        let reorder = |order: &[usize], args: &[Expr]| -> Vec<Expr> {
            order.iter().map(|&i| args[i].clone()).collect()
        };
        match (key.as_str(), n) {
            ("if_then_else", 3) => {
                let mut it = args.into_iter();
                let (c, a, b) = (it.next(), it.next(), it.next());
                match (c, a, b) {
                    (Some(c), Some(a), Some(b)) => {
                        node(ExprKind::If(Box::new(c), Box::new(a), Box::new(b)), like)
                    }
                    _ => node(ExprKind::Error, like),
                }
            }
            ("smooth", 2) => call("SMTH1", args, like),
            ("smoothi", 3) => call("SMTH1", args, like),
            ("smooth3", 2) => call("SMTH3", args, like),
            ("smooth3i", 3) => call("SMTH3", args, like),
            ("smooth_n", 4) => call("SMTHN", reorder(&[0, 1, 3, 2], &args), like),
            ("delay1i", 3) => call("DELAY1", args, like),
            ("delay3i", 3) => call("DELAY3", args, like),
            ("delay_n", 4) => call("DELAYN", reorder(&[0, 1, 3, 2], &args), like),
            ("delay_fixed", 3) => call("DELAY", args, like),
            ("initial", 1) => call("INIT", args, like),
            ("integer", 1) => call("INT", args, like),
            ("zidz", 2) | ("xidz", 3) => call("SAFEDIV", args, like),
            ("forecast", 3) => call("FORCST", args, like),
            ("modulo", 2) => {
                let mut it = args.into_iter();
                match (it.next(), it.next()) {
                    (Some(a), Some(b)) => binary(BinaryOp::Modulo, a, b, like),
                    _ => node(ExprKind::Error, like),
                }
            }
            ("power", 2) => {
                let mut it = args.into_iter();
                match (it.next(), it.next()) {
                    (Some(a), Some(b)) => binary(BinaryOp::Power, a, b, like),
                    _ => node(ExprKind::Error, like),
                }
            }
            ("log", 2) => {
                let ln = |e: Expr| call("LN", vec![e], like);
                let mut it = args.into_iter();
                match (it.next(), it.next()) {
                    (Some(x), Some(base)) => binary(BinaryOp::Divide, ln(x), ln(base), like),
                    _ => node(ExprKind::Error, like),
                }
            }
            // Vensim's PULSE(start, width): 1 from start for width (at least one step), else 0.
            ("pulse", 2) => {
                let time = node(ExprKind::Name("TIME".into()), like);
                let dt = node(ExprKind::Name("DT".into()), like);
                let (start, width) = (args[0].clone(), args[1].clone());
                let end = binary(
                    BinaryOp::Add,
                    start.clone(),
                    call("MAX", vec![width, dt], like),
                    like,
                );
                let condition = binary(
                    BinaryOp::And,
                    binary(BinaryOp::GreaterEqual, time.clone(), start, like),
                    binary(BinaryOp::Less, time, end, like),
                    like,
                );
                node(
                    ExprKind::If(
                        Box::new(condition),
                        Box::new(node(ExprKind::Number(1.0), like)),
                        Box::new(node(ExprKind::Number(0.0), like)),
                    ),
                    like,
                )
            }
            _ => {
                let known = XMILE_BUILTINS.contains(&key.as_str())
                    || self.macros.contains(&key)
                    || self.tables.contains(&key);
                if !known {
                    self.vensim_only
                        .borrow_mut()
                        .insert(name.replace('_', " ").to_ascii_uppercase());
                }
                call(&name.replace(' ', "_").to_ascii_uppercase(), args, like)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mdl::read_mdl;
    use crate::xmile::read_xmile;

    #[test]
    fn vensim_builtins_become_xmile_ones() {
        let text = "{UTF-8}\ndim: a, b ~~|\nk[dim] = 1, 2 ~~|\n\
                    x = IF THEN ELSE(Time > 1, SMOOTH N(k[a], 2, 0, 3), XIDZ(1, 0, 5)) ~~|\n\
                    y = PULSE(2, 1) + MODULO(7, 3) + tab(x) + TIME STEP ~~|\n\
                    tab((0,0),(1,1)) ~~|\nFINAL TIME = 4 ~~|\nTIME STEP = 0.5 ~~|\n";
        let (project, _) = read_mdl(text).unwrap();
        let (xmile, warnings) = convert(&project, ModelFormat::Xmile);
        assert!(warnings.is_empty(), "{warnings:?}");
        assert!(
            xmile.contains("IF TIME &gt; 1 THEN SMTHN(k[a], 2, 3, 0) ELSE SAFEDIV(1, 0, 5)"),
            "{xmile}"
        );
        assert!(xmile.contains("LOOKUP(tab, x)"), "{xmile}");
        assert!(xmile.contains("<aux name=\"tab\">"), "{xmile}");
        assert!(xmile.contains("7 MOD 3"), "{xmile}");
        assert!(xmile.contains("<element subscript=\"b\">"), "{xmile}");
        let (again, _) = read_xmile(&xmile).unwrap();
        assert_eq!(
            again.models[0].variables.len(),
            project.models[0].variables.len()
        );
    }
}
