//! Resolves names and builtins: turns each item's syntax tree into [`Ir`] over node indices, and
//! lowers stateful builtins (smoothing, delays, trends) into hidden stocks and flows so that every
//! integration method treats them exactly like the model's own stocks.

use std::collections::HashMap;

use super::flatten::{element_key, list_parts, scoped, Flat, Item, ItemKind, Source};
use super::ir::{BinaryFn, Ir, Node, NodeKind, RandomFn, ReduceFn, UnaryFn};
use crate::diagnostic::{Diagnostic, DiagnosticKind};
use crate::equation::{parse, BinaryOp, Expr, ExprKind, Index, UnaryOp};
use crate::model::{Dialect, Equation, GraphicalFunction, Macro, Project};
use crate::name::{canonical, did_you_mean};

/// The resolved model: nodes (the first `items.len()` match the items), tables and counters.
pub(crate) struct Resolved {
    pub nodes: Vec<Node>,
    pub tables: Vec<GraphicalFunction>,
    /// Table index of each named or attached graphical function, by item index.
    pub table_of_node: HashMap<usize, usize>,
    /// The node whose history each fixed-delay buffer records.
    pub delay_inputs: Vec<usize>,
    pub random_sites: usize,
}

/// A resolved value: one scalar, or the elements of an array slice.
enum Value {
    Scalar(Ir),
    Array(Vec<Ir>),
}

struct Context<'a> {
    item: usize,
    scope: &'a str,
    bindings: &'a [(usize, usize)],
    equation: &'a Equation,
    locals: Option<&'a HashMap<String, Ir>>,
}

/// Names every builtin answers to, for did-you-mean hints.
const BUILTINS: &[&str] = &[
    "abs",
    "exp",
    "ln",
    "log10",
    "log",
    "sqrt",
    "sin",
    "cos",
    "tan",
    "arcsin",
    "arccos",
    "arctan",
    "sinh",
    "cosh",
    "tanh",
    "int",
    "mod",
    "min",
    "max",
    "pi",
    "safediv",
    "xidz",
    "zidz",
    "init",
    "initial",
    "previous",
    "active_initial",
    "step",
    "ramp",
    "pulse",
    "pulse_train",
    "smth1",
    "smooth",
    "smoothi",
    "smth3",
    "smooth3",
    "smooth3i",
    "smthn",
    "smooth_n",
    "delay",
    "delay1",
    "delay1i",
    "delay3",
    "delay3i",
    "delayn",
    "delay_n",
    "delay_fixed",
    "trend",
    "forcst",
    "lookup",
    "random",
    "uniform",
    "random_uniform",
    "normal",
    "random_normal",
    "lognormal",
    "poisson",
    "exprnd",
    "sum",
    "mean",
    "size",
    "stddev",
    "prod",
    "if_then_else",
    "game",
    "time",
];

/// Accepted argument counts of each builtin.
fn arity(name: &str) -> Option<(usize, usize)> {
    Some(match name {
        "pi" | "time" => (0, 0),
        "abs" | "exp" | "ln" | "log10" | "sqrt" | "sin" | "cos" | "tan" | "arcsin" | "arccos"
        | "arctan" | "sinh" | "cosh" | "tanh" | "int" | "init" | "initial" | "game" | "size" => {
            (1, 1)
        }
        "log" | "mod" | "zidz" | "step" => (2, 2),
        "safediv" => (2, 3),
        "xidz" | "if_then_else" => (3, 3),
        "previous" => (1, 2),
        "active_initial" | "lookup" => (2, 2),
        "ramp" => (2, 3),
        "pulse" => (1, 3),
        "pulse_train" => (4, 4),
        "smth1" | "smooth" | "smth3" | "smooth3" | "delay1" | "delay3" | "trend" => (2, 3),
        "smoothi" | "smooth3i" | "delay1i" | "delay3i" | "delay_fixed" => (3, 3),
        "delay" => (2, 3),
        "smthn" | "delayn" => (3, 4),
        "smooth_n" | "delay_n" => (4, 4),
        "forcst" => (3, 4),
        "random" | "uniform" => (2, 3),
        "random_uniform" => (3, 3),
        "normal" | "lognormal" => (2, 3),
        "random_normal" => (5, 5),
        "poisson" | "exprnd" => (1, 2),
        "min" | "max" | "sum" | "mean" | "stddev" | "prod" => (1, usize::MAX),
        _ => return None,
    })
}

pub(crate) fn resolve(
    flat: &Flat,
    project: &Project,
    diagnostics: &mut Vec<Diagnostic>,
) -> Resolved {
    let mut resolver = Resolver {
        flat,
        dialect: project.dialect(),
        macros: project
            .macros
            .iter()
            .map(|m| (canonical(&m.name), m))
            .collect(),
        nodes: Vec::with_capacity(flat.items.len()),
        tables: Vec::new(),
        table_of_node: HashMap::new(),
        delay_inputs: Vec::new(),
        random_sites: 0,
        diagnostics,
        macro_depth: 0,
    };
    for (i, item) in flat.items.iter().enumerate() {
        if let Some(gf) = &item.graphical_function {
            resolver.table_of_node.insert(i, resolver.tables.len());
            resolver.tables.push(gf.clone());
        }
        resolver.nodes.push(Node {
            display: item.display.clone(),
            kind: NodeKind::Aux,
            initial: Ir::Const(0.0),
            dynamic: None,
            visible: !matches!(item.kind, ItemKind::Table),
            equation: match &item.source {
                Source::Equation(e) => e.clone(),
                Source::ListElement(e, _) => Some(e.clone()),
                Source::Alias { .. } => None,
            },
        });
    }
    for (i, item) in flat.items.iter().enumerate() {
        resolver.item(i, item);
    }
    Resolved {
        nodes: resolver.nodes,
        tables: resolver.tables,
        table_of_node: resolver.table_of_node,
        delay_inputs: resolver.delay_inputs,
        random_sites: resolver.random_sites,
    }
}

struct Resolver<'a> {
    flat: &'a Flat,
    dialect: Dialect,
    macros: HashMap<String, &'a Macro>,
    nodes: Vec<Node>,
    tables: Vec<GraphicalFunction>,
    table_of_node: HashMap<usize, usize>,
    delay_inputs: Vec<usize>,
    random_sites: usize,
    diagnostics: &'a mut Vec<Diagnostic>,
    macro_depth: usize,
}

fn boxed(ir: Ir) -> Box<Ir> {
    Box::new(ir)
}

fn binary(f: BinaryFn, a: Ir, b: Ir) -> Ir {
    Ir::Binary(f, boxed(a), boxed(b))
}

impl Resolver<'_> {
    fn item(&mut self, index: usize, item: &Item) {
        let empty = Equation::default();
        let equation = match &item.source {
            Source::Equation(Some(e)) | Source::ListElement(e, _) => e,
            _ => &empty,
        };
        let context = Context {
            item: index,
            scope: &item.scope,
            bindings: &item.bindings,
            equation,
            locals: None,
        };
        let value = match &item.source {
            Source::Equation(None) => {
                if matches!(item.kind, ItemKind::Table) {
                    self.nodes[index].kind = NodeKind::Table;
                    return;
                }
                let what = if matches!(item.kind, ItemKind::Stock { .. }) {
                    "has no initial value"
                } else {
                    "has no equation"
                };
                self.diagnostics.push(
                    Diagnostic::error(
                        DiagnosticKind::MissingEquation,
                        format!("`{}` {what}", item.display),
                    )
                    .with_variable(item.display.clone())
                    .with_help("add an <eqn> element"),
                );
                Ir::Const(f64::NAN)
            }
            Source::ListElement(e, k) => {
                let text = list_parts(&e.text).get(*k).copied().unwrap_or("");
                Ir::Const(text.parse().unwrap_or(f64::NAN))
            }
            Source::Alias { from, scope } => {
                let key = scoped(scope, &canonical(from));
                match self.flat.index.get(&key) {
                    Some(&i) => Ir::Node(i),
                    None => {
                        self.diagnostics.push(
                            Diagnostic::error(
                                DiagnosticKind::UnknownName,
                                format!(
                                    "module input `{}` is connected to `{from}`, which does not exist",
                                    item.display
                                ),
                            )
                            .with_variable(item.display.clone()),
                        );
                        Ir::Const(f64::NAN)
                    }
                }
            }
            Source::Equation(Some(equation)) => {
                let (expr, errors) = parse(&equation.text);
                let had_errors = !errors.is_empty();
                for error in errors {
                    let mut d = Diagnostic::error(DiagnosticKind::Syntax, error.message)
                        .with_variable(item.display.clone())
                        .with_span(equation.file_span(&error.span));
                    if let Some(help) = error.help {
                        d = d.with_help(help);
                    }
                    self.diagnostics.push(d);
                }
                match expr {
                    None => {
                        if matches!(item.kind, ItemKind::Table) {
                            self.nodes[index].kind = NodeKind::Table;
                            return;
                        }
                        self.diagnostics.push(
                            Diagnostic::error(
                                DiagnosticKind::MissingEquation,
                                format!("`{}` has an empty equation", item.display),
                            )
                            .with_variable(item.display.clone())
                            .with_span(equation.element.clone())
                            .with_help("give it a value or an expression"),
                        );
                        Ir::Const(f64::NAN)
                    }
                    Some(_) if had_errors => Ir::Const(f64::NAN),
                    Some(expr) => self.scalar(&context, &expr),
                }
            }
        };
        let value = match self.table_of_node.get(&index) {
            Some(&table) if !matches!(item.kind, ItemKind::Table) => {
                Ir::Lookup(table, boxed(value))
            }
            _ => value,
        };
        match &item.kind {
            ItemKind::Table => self.nodes[index].kind = NodeKind::Table,
            ItemKind::Stock {
                inflows,
                outflows,
                non_negative,
            } => {
                let inflows = self.flows(&context, item, inflows);
                let outflows = self.flows(&context, item, outflows);
                let node = &mut self.nodes[index];
                node.kind = NodeKind::Stock {
                    inflows,
                    outflows,
                    non_negative: *non_negative,
                };
                node.initial = value;
            }
            ItemKind::Flow { non_negative } => {
                let value = if *non_negative {
                    Ir::Unary(UnaryFn::NonNegative, boxed(value))
                } else {
                    value
                };
                let node = &mut self.nodes[index];
                node.kind = NodeKind::Flow;
                node.initial = value.clone();
                node.dynamic = Some(value);
            }
            ItemKind::Aux => {
                // ACTIVE INITIAL at the top of an equation gives the node its two equations.
                let split = match value {
                    Ir::Node(h) if h >= self.flat.items.len() => {
                        let hidden = &self.nodes[h];
                        (hidden.kind == NodeKind::Aux
                            && hidden.dynamic.as_ref() != Some(&hidden.initial))
                        .then(|| (hidden.initial.clone(), hidden.dynamic.clone()))
                    }
                    _ => None,
                };
                let node = &mut self.nodes[index];
                match split {
                    Some((initial, dynamic)) => {
                        node.initial = initial;
                        node.dynamic = dynamic;
                    }
                    None => {
                        node.initial = value.clone();
                        node.dynamic = Some(value);
                    }
                }
            }
        }
    }

    fn flows(&mut self, context: &Context, item: &Item, names: &[String]) -> Vec<usize> {
        let mut result = Vec::new();
        for name in names {
            let key = scoped(context.scope, &canonical(name));
            let found = match self.flat.arrays.get(&key) {
                Some(dims) => {
                    let elements: Option<Vec<&str>> = dims
                        .iter()
                        .map(|d| {
                            item.bindings
                                .iter()
                                .find(|(bd, _)| bd == d)
                                .map(|&(bd, pos)| self.flat.dims[bd].elements[pos].as_str())
                        })
                        .collect();
                    elements.and_then(|e| self.flat.index.get(&element_key(&key, &e)).copied())
                }
                None => self.flat.index.get(&key).copied(),
            };
            match found {
                Some(i) => result.push(i),
                None => self.diagnostics.push(
                    Diagnostic::error(
                        DiagnosticKind::UnknownName,
                        format!(
                            "stock `{}` lists flow `{name}`, which does not exist",
                            item.display
                        ),
                    )
                    .with_variable(item.display.clone())
                    .with_help(self.suggestion(context.scope, &canonical(name))),
                ),
            }
        }
        result
    }

    fn suggestion(&self, scope: &str, name: &str) -> String {
        let prefix = if scope.is_empty() {
            String::new()
        } else {
            format!("{scope}.")
        };
        let candidates = self
            .flat
            .index
            .keys()
            .filter_map(|k| k.strip_prefix(prefix.as_str()))
            .filter(|k| !k.contains('.') && !k.contains('['))
            .chain(
                self.flat
                    .arrays
                    .keys()
                    .filter_map(|k| k.strip_prefix(prefix.as_str())),
            );
        match did_you_mean(name, candidates) {
            Some(close) => format!("did you mean `{close}`?"),
            None => "check the spelling; names ignore case, spaces and underscores".into(),
        }
    }

    fn error(
        &mut self,
        context: &Context,
        expr: &Expr,
        kind: DiagnosticKind,
        message: String,
        help: Option<String>,
    ) -> Ir {
        let mut d = Diagnostic::error(kind, message)
            .with_variable(self.nodes[context.item].display.clone())
            .with_span(context.equation.file_span(&expr.span));
        if let Some(help) = help {
            d = d.with_help(help);
        }
        self.diagnostics.push(d);
        Ir::Const(f64::NAN)
    }

    /// Resolves an expression that must be a single value.
    fn scalar(&mut self, context: &Context, expr: &Expr) -> Ir {
        match self.value(context, expr) {
            Value::Scalar(ir) => ir,
            Value::Array(_) => self.error(
                context,
                expr,
                DiagnosticKind::Dimension,
                "an array is used where a single value is needed".into(),
                Some("subscript it, or reduce it with SUM, MEAN, MIN or MAX".into()),
            ),
        }
    }

    /// Resolves an expression to a list of values (an array's elements, or one scalar).
    fn values(&mut self, context: &Context, expr: &Expr) -> Vec<Ir> {
        match self.value(context, expr) {
            Value::Scalar(ir) => vec![ir],
            Value::Array(items) => items,
        }
    }

    fn value(&mut self, context: &Context, expr: &Expr) -> Value {
        let ir = match &expr.kind {
            ExprKind::Number(v) => Ir::Const(*v),
            ExprKind::Error => Ir::Const(f64::NAN),
            ExprKind::Name(name) => return self.name(context, expr, name),
            ExprKind::Subscript { name, indices } => {
                return self.subscript(context, expr, name, indices)
            }
            ExprKind::Unary(op, operand) => {
                let a = self.scalar(context, operand);
                match op {
                    UnaryOp::Plus => a,
                    UnaryOp::Negate => match a {
                        Ir::Const(v) => Ir::Const(-v),
                        a => Ir::Unary(UnaryFn::Negate, boxed(a)),
                    },
                    UnaryOp::Not => Ir::Unary(UnaryFn::Not, boxed(a)),
                }
            }
            ExprKind::Binary(op, left, right) => {
                let a = self.scalar(context, left);
                let b = self.scalar(context, right);
                let f = match op {
                    BinaryOp::Add => BinaryFn::Add,
                    BinaryOp::Subtract => BinaryFn::Subtract,
                    BinaryOp::Multiply => BinaryFn::Multiply,
                    BinaryOp::Divide => BinaryFn::Divide,
                    BinaryOp::Power => BinaryFn::Power,
                    BinaryOp::Modulo => self.modulo(),
                    BinaryOp::Equal => BinaryFn::Equal,
                    BinaryOp::NotEqual => BinaryFn::NotEqual,
                    BinaryOp::Less => BinaryFn::Less,
                    BinaryOp::LessEqual => BinaryFn::LessEqual,
                    BinaryOp::Greater => BinaryFn::Greater,
                    BinaryOp::GreaterEqual => BinaryFn::GreaterEqual,
                    BinaryOp::And => BinaryFn::And,
                    BinaryOp::Or => BinaryFn::Or,
                };
                binary(f, a, b)
            }
            ExprKind::If(c, a, b) => {
                let c = self.scalar(context, c);
                let a = self.scalar(context, a);
                let b = self.scalar(context, b);
                Ir::If(boxed(c), boxed(a), boxed(b))
            }
            ExprKind::Call { name, args } => self.call(context, expr, name, args),
        };
        Value::Scalar(ir)
    }

    fn modulo(&self) -> BinaryFn {
        match self.dialect {
            Dialect::Vensim => BinaryFn::ModTruncate,
            Dialect::Xmile => BinaryFn::ModFloor,
        }
    }

    fn lookup_key(&self, scope: &str, name: &str) -> String {
        let key = canonical(name);
        let key = key.trim_start_matches('.');
        scoped(scope, key)
    }

    fn name(&mut self, context: &Context, expr: &Expr, name: &str) -> Value {
        let key = canonical(name);
        if let Some(local) = context.locals.and_then(|l| l.get(&key)) {
            return Value::Scalar(local.clone());
        }
        let full = self.lookup_key(context.scope, name);
        if let Some(dims) = self.flat.arrays.get(&full).cloned() {
            let choices: Vec<Option<usize>> = dims
                .iter()
                .map(|d| {
                    context
                        .bindings
                        .iter()
                        .find(|(bd, _)| bd == d)
                        .map(|&(_, pos)| pos)
                })
                .collect();
            return self.array_slice(context, expr, &full, &dims, &choices);
        }
        if let Some(&i) = self.flat.index.get(&full) {
            if self.nodes[i].kind == NodeKind::Table
                || matches!(self.flat.items[i].kind, ItemKind::Table)
            {
                return Value::Scalar(self.error(
                    context,
                    expr,
                    DiagnosticKind::UnknownName,
                    format!("`{name}` is a graphical function, not a value"),
                    Some(format!("call it with an argument: {name}(x)")),
                ));
            }
            return Value::Scalar(Ir::Node(i));
        }
        let ir = match key.as_str() {
            "time" => Ir::Time,
            "dt" | "time_step" => Ir::Dt,
            "starttime" | "initial_time" => Ir::StartTime,
            "stoptime" | "final_time" => Ir::StopTime,
            "pi" => Ir::Const(std::f64::consts::PI),
            _ => {
                let help = self.suggestion(context.scope, &key);
                self.error(
                    context,
                    expr,
                    DiagnosticKind::UnknownName,
                    format!("unknown name `{name}`"),
                    Some(help),
                )
            }
        };
        Value::Scalar(ir)
    }

    /// Elements of an arrayed variable with some positions fixed (`Some`) and the rest free.
    fn array_slice(
        &mut self,
        context: &Context,
        expr: &Expr,
        base: &str,
        dims: &[usize],
        choices: &[Option<usize>],
    ) -> Value {
        let mut combos: Vec<Vec<usize>> = vec![Vec::new()];
        for (k, &d) in dims.iter().enumerate() {
            let options: Vec<usize> = match choices[k] {
                Some(p) => vec![p],
                None => (0..self.flat.dims[d].elements.len()).collect(),
            };
            combos = combos
                .into_iter()
                .flat_map(|prefix| {
                    options.iter().map(move |&p| {
                        let mut next = prefix.clone();
                        next.push(p);
                        next
                    })
                })
                .collect();
        }
        let mut irs = Vec::with_capacity(combos.len());
        for combo in &combos {
            let elements: Vec<&str> = dims
                .iter()
                .zip(combo)
                .map(|(&d, &p)| self.flat.dims[d].elements[p].as_str())
                .collect();
            match self.flat.index.get(&element_key(base, &elements)) {
                Some(&i) => irs.push(Ir::Node(i)),
                None => {
                    return Value::Scalar(self.error(
                        context,
                        expr,
                        DiagnosticKind::Dimension,
                        format!("element {base}[{}] does not exist", elements.join(",")),
                        None,
                    ))
                }
            }
        }
        if choices.iter().all(Option::is_some) {
            Value::Scalar(irs.pop().unwrap_or(Ir::Const(f64::NAN)))
        } else {
            Value::Array(irs)
        }
    }

    fn subscript(
        &mut self,
        context: &Context,
        expr: &Expr,
        name: &str,
        indices: &[Index],
    ) -> Value {
        let full = self.lookup_key(context.scope, name);
        let Some(dims) = self.flat.arrays.get(&full).cloned() else {
            let message = if self.flat.index.contains_key(&full) {
                format!("`{name}` is not an array, so it cannot be subscripted")
            } else {
                format!("unknown array `{name}`")
            };
            return Value::Scalar(self.error(
                context,
                expr,
                DiagnosticKind::Dimension,
                message,
                None,
            ));
        };
        if indices.len() != dims.len() {
            return Value::Scalar(self.error(
                context,
                expr,
                DiagnosticKind::Dimension,
                format!(
                    "`{name}` has {} dimension(s) but is given {} subscript(s)",
                    dims.len(),
                    indices.len()
                ),
                None,
            ));
        }
        let mut choices = Vec::with_capacity(dims.len());
        for (index, &d) in indices.iter().zip(&dims) {
            let dim = &self.flat.dims[d];
            let choice = match index {
                Index::Wildcard => None,
                Index::Expr(e) => match &e.kind {
                    ExprKind::Name(n) => {
                        let key = canonical(n);
                        if let Some(pos) = dim.elements.iter().position(|x| *x == key) {
                            Some(pos)
                        } else if let Some(&named) = self.flat.dim_index.get(&key) {
                            // A dimension name: this element in apply-to-all, else every element.
                            context
                                .bindings
                                .iter()
                                .find(|(bd, _)| *bd == named || *bd == d)
                                .map(|&(_, pos)| pos)
                        } else {
                            return Value::Scalar(self.error(
                                context,
                                e,
                                DiagnosticKind::Dimension,
                                format!("`{n}` is not an element of dimension `{}`", dim.key),
                                Some(format!("its elements are: {}", dim.elements.join(", "))),
                            ));
                        }
                    }
                    ExprKind::Number(v) if v.fract() == 0.0 && *v >= 1.0 && (*v as usize) <= dim.elements.len() => {
                        Some(*v as usize - 1)
                    }
                    _ => {
                        return Value::Scalar(self.error(
                            context,
                            e,
                            DiagnosticKind::Unsupported,
                            "subscripts must be element names, dimension names, `*` or constant positions".into(),
                            None,
                        ))
                    }
                },
            };
            choices.push(choice);
        }
        self.array_slice(context, expr, &full, &dims, &choices)
    }

    // ----- hidden structure for stateful builtins -----

    fn push_node(
        &mut self,
        context: &Context,
        kind: NodeKind,
        initial: Ir,
        dynamic: Option<Ir>,
    ) -> usize {
        let index = self.nodes.len();
        let display = format!("{}#{}", self.nodes[context.item].display, index);
        self.nodes.push(Node {
            display,
            kind,
            initial,
            dynamic,
            visible: false,
            equation: None,
        });
        index
    }

    /// A node holding `ir`, so that several places can read one computed value.
    fn node_of(&mut self, context: &Context, ir: Ir) -> usize {
        match ir {
            Ir::Node(i) => i,
            other => self.push_node(context, NodeKind::Aux, other.clone(), Some(other)),
        }
    }

    /// `ir` itself when it is cheap to repeat, else a node reading it.
    fn shared(&mut self, context: &Context, ir: Ir) -> Ir {
        match ir {
            Ir::Const(_) | Ir::Node(_) | Ir::Time | Ir::Dt | Ir::StartTime | Ir::StopTime => ir,
            other => Ir::Node(self.node_of(context, other)),
        }
    }

    fn stock(&mut self, context: &Context, initial: Ir) -> usize {
        self.push_node(
            context,
            NodeKind::Stock {
                inflows: Vec::new(),
                outflows: Vec::new(),
                non_negative: false,
            },
            initial,
            None,
        )
    }

    fn set_flows(&mut self, stock: usize, inflow: Option<usize>, outflow: Option<usize>) {
        if let NodeKind::Stock {
            inflows, outflows, ..
        } = &mut self.nodes[stock].kind
        {
            inflows.extend(inflow);
            outflows.extend(outflow);
        }
    }

    fn flow(&mut self, context: &Context, ir: Ir) -> usize {
        self.push_node(context, NodeKind::Flow, ir.clone(), Some(ir))
    }

    /// An `n`-stage exponential smooth; returns the last stage.
    fn smooth(
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
    fn material_delay(
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

    fn trend(&mut self, context: &Context, input: Ir, time: Ir, initial_trend: Option<Ir>) -> Ir {
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
        binary(
            BinaryFn::Divide,
            binary(BinaryFn::Subtract, input, average.clone()),
            binary(BinaryFn::Multiply, average, time),
        )
    }

    /// `value` is `expr` already resolved; `expr` only locates the diagnostic.
    fn constant_stages(&mut self, context: &Context, expr: &Expr, value: Ir) -> Option<usize> {
        match value {
            Ir::Const(v) if (1.0..=1000.0).contains(&v) => Some(v.round() as usize),
            _ => {
                self.error(
                    context,
                    expr,
                    DiagnosticKind::Unsupported,
                    "the number of stages must be a constant between 1 and 1000".into(),
                    None,
                );
                None
            }
        }
    }

    /// The seed argument at `index`, if given; it must have resolved to a constant.
    fn seed(
        &mut self,
        context: &Context,
        args: &[Expr],
        index: usize,
        value: Option<Ir>,
    ) -> Option<u64> {
        let expr = args.get(index)?;
        match value? {
            Ir::Const(v) if v.is_finite() => Some(v as i64 as u64),
            _ => {
                self.error(
                    context,
                    expr,
                    DiagnosticKind::Unsupported,
                    "a random seed must be a constant number".into(),
                    None,
                );
                None
            }
        }
    }

    fn random(&mut self, kind: RandomFn, parameters: Vec<Ir>, seed: Option<u64>) -> Ir {
        let site = self.random_sites;
        self.random_sites += 1;
        Ir::Random(kind, parameters, site, seed)
    }

    fn table(&mut self, context: &Context, expr: &Expr) -> Option<usize> {
        let name = match &expr.kind {
            ExprKind::Name(n) => n,
            _ => {
                self.error(
                    context,
                    expr,
                    DiagnosticKind::UnknownName,
                    "expected the name of a graphical function".into(),
                    None,
                );
                return None;
            }
        };
        let key = self.lookup_key(context.scope, name);
        match self
            .flat
            .index
            .get(&key)
            .and_then(|i| self.table_of_node.get(i))
        {
            Some(&t) => Some(t),
            None => {
                self.error(
                    context,
                    expr,
                    DiagnosticKind::UnknownName,
                    format!("`{name}` is not a graphical function"),
                    None,
                );
                None
            }
        }
    }

    fn call(&mut self, context: &Context, expr: &Expr, name: &str, args: &[Expr]) -> Ir {
        let key = canonical(name);
        let Some((min, max)) = arity(&key) else {
            return self.call_user(context, expr, name, &key, args);
        };
        if args.len() < min || args.len() > max {
            let expected = if min == max {
                format!("{min}")
            } else if max == usize::MAX {
                format!("at least {min}")
            } else {
                format!("{min} to {max}")
            };
            return self.error(
                context,
                expr,
                DiagnosticKind::Arity,
                format!(
                    "{} takes {expected} argument(s) but is given {}",
                    name.to_ascii_uppercase(),
                    args.len()
                ),
                None,
            );
        }
        // Reductions take arrays; everything else takes scalars.
        if matches!(key.as_str(), "sum" | "mean" | "stddev" | "prod" | "size")
            || (matches!(key.as_str(), "min" | "max") && args.len() == 1)
        {
            let values: Vec<Ir> = args.iter().flat_map(|a| self.values(context, a)).collect();
            let f = match key.as_str() {
                "sum" => ReduceFn::Sum,
                "mean" => ReduceFn::Mean,
                "stddev" => ReduceFn::StdDev,
                "prod" => ReduceFn::Product,
                "min" => ReduceFn::Min,
                "max" => ReduceFn::Max,
                _ => return Ir::Const(values.len() as f64),
            };
            return Ir::Reduce(f, values);
        }
        // Every argument is resolved once, here; LOOKUP's first argument names a table instead.
        let mut a: Vec<Ir> = if key == "lookup" {
            Vec::new()
        } else {
            args.iter().map(|e| self.scalar(context, e)).collect()
        };
        let mut take = |i: usize| std::mem::replace(&mut a[i], Ir::Const(0.0));
        let unary = |f: UnaryFn, x: Ir| Ir::Unary(f, boxed(x));
        let n = args.len();
        match key.as_str() {
            "abs" => unary(UnaryFn::Abs, take(0)),
            "exp" => unary(UnaryFn::Exp, take(0)),
            "ln" => unary(UnaryFn::Ln, take(0)),
            "log10" => unary(UnaryFn::Log10, take(0)),
            "sqrt" => unary(UnaryFn::Sqrt, take(0)),
            "sin" => unary(UnaryFn::Sin, take(0)),
            "cos" => unary(UnaryFn::Cos, take(0)),
            "tan" => unary(UnaryFn::Tan, take(0)),
            "arcsin" => unary(UnaryFn::ArcSin, take(0)),
            "arccos" => unary(UnaryFn::ArcCos, take(0)),
            "arctan" => unary(UnaryFn::ArcTan, take(0)),
            "sinh" => unary(UnaryFn::Sinh, take(0)),
            "cosh" => unary(UnaryFn::Cosh, take(0)),
            "tanh" => unary(UnaryFn::Tanh, take(0)),
            "int" => match self.dialect {
                Dialect::Vensim => unary(UnaryFn::Truncate, take(0)),
                Dialect::Xmile => unary(UnaryFn::Floor, take(0)),
            },
            "game" => take(0),
            "pi" => Ir::Const(std::f64::consts::PI),
            "time" => Ir::Time,
            "log" => binary(BinaryFn::Log, take(0), take(1)),
            "mod" => binary(self.modulo(), take(0), take(1)),
            "min" | "max" => {
                let f = if key == "min" {
                    BinaryFn::Min
                } else {
                    BinaryFn::Max
                };
                if n == 2 {
                    binary(f, take(0), take(1))
                } else {
                    let rf = if key == "min" {
                        ReduceFn::Min
                    } else {
                        ReduceFn::Max
                    };
                    Ir::Reduce(rf, (0..n).map(take).collect())
                }
            }
            "safediv" => {
                let fallback = if n == 3 { take(2) } else { Ir::Const(0.0) };
                Ir::SafeDiv(boxed(take(0)), boxed(take(1)), boxed(fallback))
            }
            "xidz" => Ir::SafeDiv(boxed(take(0)), boxed(take(1)), boxed(take(2))),
            "zidz" => Ir::SafeDiv(boxed(take(0)), boxed(take(1)), boxed(Ir::Const(0.0))),
            "if_then_else" => Ir::If(boxed(take(0)), boxed(take(1)), boxed(take(2))),
            "step" => Ir::Step(boxed(take(0)), boxed(take(1))),
            "ramp" => {
                let end = if n == 3 { Some(boxed(take(2))) } else { None };
                Ir::Ramp(boxed(take(0)), boxed(take(1)), end)
            }
            "pulse" => match self.dialect {
                Dialect::Vensim if n == 2 => Ir::PulseWindow(boxed(take(0)), boxed(take(1))),
                _ => {
                    let first = if n >= 2 { take(1) } else { Ir::StartTime };
                    let interval = if n == 3 { take(2) } else { Ir::Const(0.0) };
                    Ir::Pulse(boxed(take(0)), boxed(first), boxed(interval))
                }
            },
            "pulse_train" => Ir::PulseTrain(
                boxed(take(0)),
                boxed(take(1)),
                boxed(take(2)),
                boxed(take(3)),
            ),
            "smth1" | "smooth" | "smoothi" => {
                let initial = if n == 3 { Some(take(2)) } else { None };
                self.smooth(context, take(0), take(1), 1, initial)
            }
            "smth3" | "smooth3" | "smooth3i" => {
                let initial = if n == 3 { Some(take(2)) } else { None };
                self.smooth(context, take(0), take(1), 3, initial)
            }
            "smthn" | "smooth_n" => {
                let (stages_arg, initial) = if key == "smthn" {
                    (2, if n == 4 { Some(take(3)) } else { None })
                } else {
                    (3, Some(take(2)))
                };
                match self.constant_stages(context, &args[stages_arg], take(stages_arg)) {
                    Some(stages) => self.smooth(context, take(0), take(1), stages, initial),
                    None => Ir::Const(f64::NAN),
                }
            }
            "delay1" | "delay1i" => {
                let initial = if n == 3 { Some(take(2)) } else { None };
                self.material_delay(context, take(0), take(1), 1, initial)
            }
            "delay3" | "delay3i" => {
                let initial = if n == 3 { Some(take(2)) } else { None };
                self.material_delay(context, take(0), take(1), 3, initial)
            }
            "delayn" | "delay_n" => {
                let (stages_arg, initial) = if key == "delayn" {
                    (2, if n == 4 { Some(take(3)) } else { None })
                } else {
                    (3, Some(take(2)))
                };
                match self.constant_stages(context, &args[stages_arg], take(stages_arg)) {
                    Some(stages) => self.material_delay(context, take(0), take(1), stages, initial),
                    None => Ir::Const(f64::NAN),
                }
            }
            "delay" | "delay_fixed" => {
                let input = self.node_of(context, take(0));
                let initial = if n == 3 {
                    take(2)
                } else {
                    // Without an initial value the delay starts at the input's initial value.
                    Ir::Node(self.push_node(context, NodeKind::InitialOnly, Ir::Node(input), None))
                };
                let buffer = self.delay_inputs.len();
                self.delay_inputs.push(input);
                Ir::Delay {
                    buffer,
                    delay: boxed(take(1)),
                    initial: boxed(initial),
                }
            }
            "trend" => {
                let initial = if n == 3 { Some(take(2)) } else { None };
                self.trend(context, take(0), take(1), initial)
            }
            "forcst" => {
                let initial = if n == 4 { Some(take(3)) } else { None };
                let input = self.shared(context, take(0));
                let trend = self.trend(context, input.clone(), take(1), initial);
                binary(
                    BinaryFn::Multiply,
                    input,
                    binary(
                        BinaryFn::Add,
                        Ir::Const(1.0),
                        binary(BinaryFn::Multiply, trend, take(2)),
                    ),
                )
            }
            "init" | "initial" => {
                let x = take(0);
                Ir::Node(self.push_node(context, NodeKind::InitialOnly, x, None))
            }
            "previous" => {
                let x = take(0);
                let source = self.node_of(context, x);
                let initial = if n == 2 { take(1) } else { Ir::Node(source) };
                Ir::Node(self.push_node(context, NodeKind::Previous { source }, initial, None))
            }
            "active_initial" => {
                let dynamic = take(0);
                let initial = take(1);
                Ir::Node(self.push_node(context, NodeKind::Aux, initial, Some(dynamic)))
            }
            "lookup" => {
                let x = self.scalar(context, &args[1]);
                match self.table(context, &args[0]) {
                    Some(t) => Ir::Lookup(t, boxed(x)),
                    None => Ir::Const(f64::NAN),
                }
            }
            "random" | "uniform" | "random_uniform" => {
                let seed = self.seed(context, args, 2, (n == 3).then(|| take(2)));
                self.random(RandomFn::Uniform, vec![take(0), take(1)], seed)
            }
            "normal" => {
                let seed = self.seed(context, args, 2, (n == 3).then(|| take(2)));
                self.random(RandomFn::Normal, vec![take(0), take(1)], seed)
            }
            "random_normal" => {
                // Vensim: RANDOM NORMAL(min, max, mean, sd, seed), truncated to [min, max].
                let seed = self.seed(context, args, 4, (n == 5).then(|| take(4)));
                let draw = self.random(RandomFn::Normal, vec![take(2), take(3)], seed);
                binary(BinaryFn::Min, binary(BinaryFn::Max, draw, take(0)), take(1))
            }
            "lognormal" => {
                let seed = self.seed(context, args, 2, (n == 3).then(|| take(2)));
                self.random(RandomFn::LogNormal, vec![take(0), take(1)], seed)
            }
            "poisson" => {
                let seed = self.seed(context, args, 1, (n == 2).then(|| take(1)));
                self.random(RandomFn::Poisson, vec![take(0)], seed)
            }
            "exprnd" => {
                let seed = self.seed(context, args, 1, (n == 2).then(|| take(1)));
                self.random(RandomFn::Exponential, vec![take(0)], seed)
            }
            _ => Ir::Const(f64::NAN),
        }
    }

    /// Calls of graphical functions by name and of macros.
    fn call_user(
        &mut self,
        context: &Context,
        expr: &Expr,
        name: &str,
        key: &str,
        args: &[Expr],
    ) -> Ir {
        let full = self.lookup_key(context.scope, name);
        if let Some(&table) = self
            .flat
            .index
            .get(&full)
            .and_then(|i| self.table_of_node.get(i))
        {
            if args.len() != 1 {
                return self.error(
                    context,
                    expr,
                    DiagnosticKind::Arity,
                    format!(
                        "graphical function `{name}` takes 1 argument but is given {}",
                        args.len()
                    ),
                    None,
                );
            }
            let x = self.scalar(context, &args[0]);
            return Ir::Lookup(table, boxed(x));
        }
        if let Some(definition) = self.macros.get(key).copied() {
            if args.len() != definition.parameters.len() {
                return self.error(
                    context,
                    expr,
                    DiagnosticKind::Arity,
                    format!(
                        "macro `{name}` takes {} argument(s) but is given {}",
                        definition.parameters.len(),
                        args.len()
                    ),
                    None,
                );
            }
            if self.macro_depth > 16 {
                return self.error(
                    context,
                    expr,
                    DiagnosticKind::Structure,
                    format!("macro `{name}` calls itself too deeply"),
                    None,
                );
            }
            let mut locals = HashMap::new();
            for (parameter, arg) in definition.parameters.iter().zip(args) {
                let value = self.scalar(context, arg);
                let value = self.shared(context, value);
                locals.insert(canonical(parameter), value);
            }
            let (body, errors) = parse(&definition.equation.text);
            if let (Some(body), true) = (body, errors.is_empty()) {
                let inner = Context {
                    item: context.item,
                    scope: context.scope,
                    bindings: context.bindings,
                    equation: &definition.equation,
                    locals: Some(&locals),
                };
                self.macro_depth += 1;
                let ir = self.scalar(&inner, &body);
                self.macro_depth -= 1;
                return ir;
            }
            return self.error(
                context,
                expr,
                DiagnosticKind::Syntax,
                format!("macro `{name}` has an equation that does not parse"),
                None,
            );
        }
        let help = match did_you_mean(key, BUILTINS.iter().copied()) {
            Some(close) => format!("did you mean `{}`?", close.to_ascii_uppercase()),
            None => "not a builtin, a macro or a graphical function of this model".into(),
        };
        self.error(
            context,
            expr,
            DiagnosticKind::UnknownName,
            format!("unknown function `{name}`"),
            Some(help),
        )
    }
}
