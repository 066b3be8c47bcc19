//! Resolves names and arrays: turns each item's syntax tree into [`Ir`] over node indices.
//!
//! Array expressions are resolved to labelled values ([`Value::Array`]: one dimension label per
//! axis, elements in row-major order), so `SUM(a[*:sub] * b[*:sub])`, slices and broadcasting work
//! the same in every builtin; an item's final value must be a single scalar. Builtins are looked
//! up in the one table of `builtins.rs`, which also lowers the stateful ones into hidden stocks.

use std::collections::HashMap;
use std::rc::Rc;

use super::builtins::{self, Call, Lowering};
use super::data::DataCache;
use super::flatten::{scoped, ArrayInfo, Flat, Item, ItemKind, Source};
use crate::diagnostic::{Diagnostic, DiagnosticKind};
use crate::equation::{parse, BinaryOp, Expr, ExprKind, Index, UnaryOp};
use crate::ir::{BinaryFn, Ir, LookupMode, Node, NodeKind, UnaryFn};
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
    /// Nodes whose value fixed the structure at compile time (a delay's order): overriding them
    /// would not change the structure, so runs refuse it.
    pub structural: Vec<usize>,
}

/// A resolved value: one scalar, or a labelled array.
#[derive(Debug, Clone)]
pub(super) enum Value {
    Scalar(Ir),
    Array(Array),
}

/// An array value: one dimension label per axis and the elements in row-major order.
#[derive(Debug, Clone)]
pub(super) struct Array {
    pub dims: Vec<usize>,
    pub sizes: Vec<usize>,
    pub items: Vec<Ir>,
}

impl Array {
    /// Flat index of the element at `positions`.
    fn offset(&self, positions: &[usize]) -> usize {
        positions
            .iter()
            .zip(&self.sizes)
            .fold(0, |acc, (&p, &n)| acc * n + p)
    }
}

impl Value {
    /// Every element (one for a scalar).
    pub(super) fn into_items(self) -> Vec<Ir> {
        match self {
            Value::Scalar(ir) => vec![ir],
            Value::Array(array) => array.items,
        }
    }
}

pub(super) struct Context<'a> {
    pub item: usize,
    pub scope: &'a str,
    pub bindings: &'a [(usize, usize)],
    pub equation: &'a Equation,
    pub locals: Option<&'a HashMap<String, Ir>>,
}

pub(crate) fn resolve<'a>(
    flat: &'a Flat,
    project: &'a Project,
    data: &'a mut DataCache<'a>,
    diagnostics: &'a mut Vec<Diagnostic>,
) -> Resolved {
    let mut resolver = Resolver {
        flat,
        dialect: project.dialect(),
        specs: project.sim_specs.clone(),
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
        structural: Vec::new(),
        data,
        parsed: HashMap::new(),
        diagnostics,
        macro_depth: 0,
    };
    for (i, item) in flat.items.iter().enumerate() {
        if let Some(gf) = &item.graphical_function {
            resolver.table_of_node.insert(i, resolver.tables.len());
            resolver.tables.push(gf.clone());
        } else if matches!(item.kind, ItemKind::Table) {
            // A lookup filled from a data file: its table is read when the item is resolved.
            resolver.table_of_node.insert(i, resolver.tables.len());
            resolver.tables.push(GraphicalFunction::default());
        }
        resolver.nodes.push(Node {
            display: item.display.clone(),
            kind: NodeKind::Aux,
            initial: Ir::Const(0.0),
            dynamic: None,
            visible: !matches!(item.kind, ItemKind::Table) && !item.undefined,
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
        structural: resolver.structural,
    }
}

pub(super) struct Resolver<'a> {
    pub flat: &'a Flat,
    pub dialect: Dialect,
    /// The time settings, for values computed "at initialisation" at compile time.
    pub specs: crate::model::SimSpecs,
    macros: HashMap<String, &'a Macro>,
    pub nodes: Vec<Node>,
    pub tables: Vec<GraphicalFunction>,
    pub table_of_node: HashMap<usize, usize>,
    pub delay_inputs: Vec<usize>,
    pub random_sites: usize,
    pub structural: Vec<usize>,
    pub data: &'a mut DataCache<'a>,
    /// Parsed equations by text and file offset.
    parsed: HashMap<(String, Option<usize>), Parsed>,
    diagnostics: &'a mut Vec<Diagnostic>,
    macro_depth: usize,
}

/// A parsed equation: `None` when empty, `Err` when it had syntax errors (already reported).
type Parsed = Option<Result<Rc<Expr>, ()>>;

pub(super) fn boxed(ir: Ir) -> Box<Ir> {
    Box::new(ir)
}

pub(super) fn binary(f: BinaryFn, a: Ir, b: Ir) -> Ir {
    Ir::Binary(f, boxed(a), boxed(b))
}

/// One axis of a subscripted reference: a fixed position, or positions iterated under a label.
enum Selector {
    Fixed(usize),
    Free { label: usize, positions: Vec<usize> },
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
        if matches!(item.kind, ItemKind::Table) {
            self.nodes[index].kind = NodeKind::Table;
            if let (Source::Equation(Some(equation)), None, false) =
                (&item.source, &item.graphical_function, item.undefined)
            {
                self.table_from_data(&context, index, equation);
            }
            return;
        }
        let parsed = match &item.source {
            Source::Equation(Some(equation)) => self.parse(item, equation),
            _ => None,
        };
        // Vensim stocks: `INTEG(rate, initial)` gives the initial value and a net inflow.
        let mut integ_rate = None;
        let value = match &item.source {
            Source::Equation(None) => {
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
                let text = super::flatten::list_parts(&e.text)
                    .get(*k)
                    .copied()
                    .unwrap_or("");
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
            Source::Equation(Some(equation)) => match parsed {
                None => {
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
                Some(Err(())) => Ir::Const(f64::NAN),
                Some(Ok(expr)) => match (&item.kind, &expr.kind) {
                    (ItemKind::Stock { .. }, ExprKind::Call { name, args })
                        if canonical(name) == "integ" && args.len() == 2 =>
                    {
                        integ_rate = Some(self.scalar(&context, &args[0]));
                        self.scalar(&context, &args[1])
                    }
                    (ItemKind::Data(mode), _) => self.data_variable(&context, &expr, *mode),
                    _ => self.scalar(&context, &expr),
                },
            },
        };
        let value = match self.table_of_node.get(&index) {
            Some(&table) => Ir::Lookup(table, boxed(value), LookupMode::Table),
            None => value,
        };
        let initial = item.initial.as_ref().map(|equation| {
            let context = Context {
                equation,
                ..context
            };
            match self.parse(item, equation) {
                Some(Ok(expr)) => self.scalar(&context, &expr),
                _ => Ir::Const(f64::NAN),
            }
        });
        match &item.kind {
            ItemKind::Table => {}
            ItemKind::Stock {
                inflows,
                outflows,
                non_negative,
            } => {
                let mut inflows = self.flows(&context, item, inflows);
                let outflows = self.flows(&context, item, outflows);
                if let Some(rate) = integ_rate {
                    inflows.push(self.flow(&context, rate));
                }
                let node = &mut self.nodes[index];
                node.kind = NodeKind::Stock {
                    inflows,
                    outflows,
                    non_negative: *non_negative,
                };
                node.initial = initial.unwrap_or(value);
            }
            ItemKind::Flow { non_negative } => {
                let value = if *non_negative {
                    Ir::Unary(UnaryFn::NonNegative, boxed(value))
                } else {
                    value
                };
                let node = &mut self.nodes[index];
                node.kind = NodeKind::Flow;
                node.initial = initial.unwrap_or_else(|| value.clone());
                node.dynamic = Some(value);
            }
            ItemKind::Aux | ItemKind::Data(_) => {
                // ACTIVE INITIAL at the top of an equation gives the node its two equations.
                let split = match value {
                    Ir::Node(h) if h >= self.flat.items.len() && initial.is_none() => {
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
                        node.initial = initial.unwrap_or_else(|| value.clone());
                        node.dynamic = Some(value);
                    }
                }
            }
        }
    }

    /// Parses an item's equation, reporting syntax errors; `Some(Err)` when it has errors. The
    /// elements of an array share their equation, so each distinct one is parsed (and reported)
    /// once.
    fn parse(&mut self, item: &Item, equation: &Equation) -> Parsed {
        let key = (equation.text.clone(), equation.offset);
        if let Some(parsed) = self.parsed.get(&key) {
            return parsed.clone();
        }
        let parsed = self.parse_uncached(item, equation).map(|r| r.map(Rc::new));
        self.parsed.insert(key, parsed.clone());
        parsed
    }

    fn parse_uncached(&mut self, item: &Item, equation: &Equation) -> Option<Result<Expr, ()>> {
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
        let expr = expr?;
        Some(if had_errors { Err(()) } else { Ok(expr) })
    }

    fn flows(&mut self, context: &Context, item: &Item, names: &[String]) -> Vec<usize> {
        let mut result = Vec::new();
        for name in names {
            let key = scoped(context.scope, &canonical(name));
            let found = match self.flat.arrays.get(&key) {
                Some(info) => self.bound_element(context, info),
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

    /// The element of an array that the context's bindings select, if they select one.
    fn bound_element(&self, context: &Context, info: &ArrayInfo) -> Option<usize> {
        let positions: Option<Vec<usize>> = info
            .dims
            .iter()
            .map(|&d| self.bound_position(context, d))
            .collect();
        Some(info.item(&self.flat.dims, &positions?))
    }

    /// The position in `dim` of the element the equation is computing, through the closest of
    /// the context's bindings (same dimension, a mapping, a subrange or parent).
    pub(super) fn bound_position(&self, context: &Context, dim: usize) -> Option<usize> {
        context
            .bindings
            .iter()
            .filter_map(|&(bound, pos)| self.flat.dims.correspond(bound, pos, dim))
            .min_by_key(|&(rank, _)| rank)
            .map(|(_, p)| p)
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

    pub(super) fn error(
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
    pub(super) fn scalar(&mut self, context: &Context, expr: &Expr) -> Ir {
        let value = self.value(context, expr);
        self.expect_scalar(context, expr, value)
    }

    pub(super) fn expect_scalar(&mut self, context: &Context, expr: &Expr, value: Value) -> Ir {
        match value {
            Value::Scalar(ir) => ir,
            Value::Array(array) if array.items.len() == 1 && array.dims.is_empty() => array
                .items
                .into_iter()
                .next()
                .unwrap_or(Ir::Const(f64::NAN)),
            Value::Array(_) => self.error(
                context,
                expr,
                DiagnosticKind::Dimension,
                "an array is used where a single value is needed".into(),
                Some("subscript it, or reduce it with SUM, MEAN, MIN or MAX".into()),
            ),
        }
    }

    pub(super) fn value(&mut self, context: &Context, expr: &Expr) -> Value {
        match &expr.kind {
            ExprKind::Number(v) => Value::Scalar(Ir::Const(*v)),
            ExprKind::Error => Value::Scalar(Ir::Const(f64::NAN)),
            ExprKind::Text(_) => Value::Scalar(self.error(
                context,
                expr,
                DiagnosticKind::Syntax,
                "a quoted text is not a value".into(),
                Some("text arguments belong to data functions such as GET XLS DATA".into()),
            )),
            ExprKind::Name(name) => self.name(context, expr, name),
            ExprKind::Subscript { name, indices } => self.subscript(context, expr, name, indices),
            ExprKind::Unary(op, operand) => {
                let a = self.value(context, operand);
                let op = *op;
                self.map1(a, |a| match op {
                    UnaryOp::Plus => a,
                    UnaryOp::Negate => match a {
                        Ir::Const(v) => Ir::Const(-v),
                        a => Ir::Unary(UnaryFn::Negate, boxed(a)),
                    },
                    UnaryOp::Not => Ir::Unary(UnaryFn::Not, boxed(a)),
                })
            }
            ExprKind::Binary(op, left, right) => {
                let a = self.value(context, left);
                let b = self.value(context, right);
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
                self.broadcast(context, expr, vec![a, b], &mut |_, mut v| {
                    let b = v.pop().unwrap_or(Ir::Const(f64::NAN));
                    let a = v.pop().unwrap_or(Ir::Const(f64::NAN));
                    binary(f, a, b)
                })
            }
            ExprKind::If(c, a, b) => {
                let values = vec![
                    self.value(context, c),
                    self.value(context, a),
                    self.value(context, b),
                ];
                self.broadcast(context, expr, values, &mut |_, mut v| {
                    let b = v.pop().unwrap_or(Ir::Const(f64::NAN));
                    let a = v.pop().unwrap_or(Ir::Const(f64::NAN));
                    let c = v.pop().unwrap_or(Ir::Const(f64::NAN));
                    Ir::If(boxed(c), boxed(a), boxed(b))
                })
            }
            ExprKind::Call { name, args } => self.call(context, expr, name, args),
        }
    }

    fn map1(&mut self, value: Value, mut f: impl FnMut(Ir) -> Ir) -> Value {
        match value {
            Value::Scalar(ir) => Value::Scalar(f(ir)),
            Value::Array(mut array) => {
                array.items = array.items.into_iter().map(f).collect();
                Value::Array(array)
            }
        }
    }

    /// Applies `f` to corresponding elements of the values. Arrays line up by dimension label; a
    /// dimension only one side has is iterated (so `a[x] * b[y]` is an outer product).
    pub(super) fn broadcast(
        &mut self,
        context: &Context,
        expr: &Expr,
        values: Vec<Value>,
        f: &mut dyn FnMut(&mut Self, Vec<Ir>) -> Ir,
    ) -> Value {
        if values.iter().all(|v| matches!(v, Value::Scalar(_))) {
            let scalars = values.into_iter().flat_map(Value::into_items).collect();
            return Value::Scalar(f(self, scalars));
        }
        match self.align(context, expr, &values) {
            Some((dims, sizes, rows)) => {
                let items = rows.into_iter().map(|args| f(self, args)).collect();
                Value::Array(Array { dims, sizes, items })
            }
            None => Value::Scalar(Ir::Const(f64::NAN)),
        }
    }

    /// Lines values up by dimension label: the result's dimensions and sizes, and for each of
    /// its elements (row-major) the corresponding element of every value. `None` after an error.
    #[allow(clippy::type_complexity)]
    pub(super) fn align(
        &mut self,
        context: &Context,
        expr: &Expr,
        values: &[Value],
    ) -> Option<(Vec<usize>, Vec<usize>, Vec<Vec<Ir>>)> {
        let mut dims: Vec<usize> = Vec::new();
        let mut sizes: Vec<usize> = Vec::new();
        for value in values {
            if let Value::Array(array) = value {
                for (&d, &n) in array.dims.iter().zip(&array.sizes) {
                    match dims.iter().position(|&x| x == d) {
                        Some(k) if sizes[k] != n => {
                            self.error(
                                context,
                                expr,
                                DiagnosticKind::Dimension,
                                format!(
                                    "arrays over `{}` have different lengths ({} and {n}) here",
                                    self.flat.dims.dims[d].key, sizes[k]
                                ),
                                None,
                            );
                            return None;
                        }
                        Some(_) => {}
                        None => {
                            dims.push(d);
                            sizes.push(n);
                        }
                    }
                }
            }
        }
        let total: usize = sizes.iter().product();
        let mut rows = Vec::with_capacity(total);
        let mut positions = vec![0; dims.len()];
        for flat_index in 0..total {
            let mut rest = flat_index;
            for k in (0..sizes.len()).rev() {
                positions[k] = rest % sizes[k];
                rest /= sizes[k];
            }
            let args: Vec<Ir> = values
                .iter()
                .map(|v| match v {
                    Value::Scalar(ir) => ir.clone(),
                    Value::Array(array) => {
                        let own: Vec<usize> = array
                            .dims
                            .iter()
                            .map(|d| positions[dims.iter().position(|x| x == d).unwrap_or(0)])
                            .collect();
                        array.items[array.offset(&own)].clone()
                    }
                })
                .collect();
            rows.push(args);
        }
        Some((dims, sizes, rows))
    }

    pub(super) fn modulo(&self) -> BinaryFn {
        match self.dialect {
            Dialect::Vensim => BinaryFn::ModTruncate,
            Dialect::Xmile => BinaryFn::ModFloor,
        }
    }

    pub(super) fn lookup_key(&self, scope: &str, name: &str) -> String {
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
        if let Some(info) = self.flat.arrays.get(&full) {
            let selectors: Vec<Selector> = info
                .dims
                .iter()
                .map(|&d| match self.bound_position(context, d) {
                    Some(p) => Selector::Fixed(p),
                    None => Selector::Free {
                        label: d,
                        positions: (0..self.flat.dims.len(d)).collect(),
                    },
                })
                .collect();
            return self.select(info, &selectors);
        }
        if let Some(&i) = self.flat.index.get(&full) {
            if matches!(self.flat.items[i].kind, ItemKind::Table) {
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
        // Vensim macros name the caller's clock with a `$` suffix.
        let ir = match key.trim_end_matches('$') {
            "time" => Ir::Time,
            "dt" | "time_step" => Ir::Dt,
            "starttime" | "initial_time" => Ir::StartTime,
            "stoptime" | "final_time" => Ir::StopTime,
            "pi" => Ir::Const(std::f64::consts::PI),
            _ => {
                // A dimension name as a value is the (1-based) position of the element being
                // computed, counted in the whole dimension a subrange belongs to; an element
                // name, its position there.
                let dims = &self.flat.dims;
                if let Some(d) = dims.find(&key) {
                    return match self.bound_position(context, d) {
                        Some(p) => Value::Scalar(Ir::Const(dims.ordinal(d, p))),
                        None => Value::Array(Array {
                            dims: vec![d],
                            sizes: vec![dims.len(d)],
                            items: (0..dims.len(d))
                                .map(|p| Ir::Const(dims.ordinal(d, p)))
                                .collect(),
                        }),
                    };
                }
                if let Some((d, p)) = dims.element(&key) {
                    return Value::Scalar(Ir::Const(dims.ordinal(d, p)));
                }
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

    /// The elements an array reference selects.
    fn select(&self, info: &ArrayInfo, selectors: &[Selector]) -> Value {
        let mut dims = Vec::new();
        let mut sizes = Vec::new();
        for s in selectors {
            if let Selector::Free { label, positions } = s {
                dims.push(*label);
                sizes.push(positions.len());
            }
        }
        let total: usize = sizes.iter().product();
        let mut items = Vec::with_capacity(total);
        let mut free = vec![0; sizes.len()];
        let mut positions = vec![0; selectors.len()];
        for flat_index in 0..total {
            let mut rest = flat_index;
            for k in (0..sizes.len()).rev() {
                free[k] = rest % sizes[k];
                rest /= sizes[k];
            }
            let mut k = 0;
            for (slot, s) in positions.iter_mut().zip(selectors) {
                *slot = match s {
                    Selector::Fixed(p) => *p,
                    Selector::Free { positions, .. } => {
                        k += 1;
                        positions[free[k - 1]]
                    }
                };
            }
            items.push(Ir::Node(info.item(&self.flat.dims, &positions)));
        }
        if dims.is_empty() {
            Value::Scalar(items.pop().unwrap_or(Ir::Const(f64::NAN)))
        } else {
            Value::Array(Array { dims, sizes, items })
        }
    }

    /// The array a subscripted reference names, or an error.
    pub(super) fn array_info(
        &mut self,
        context: &Context,
        expr: &Expr,
        name: &str,
    ) -> Result<ArrayInfo, Ir> {
        let full = self.lookup_key(context.scope, name);
        match self.flat.arrays.get(&full) {
            Some(info) => Ok(info.clone()),
            None => {
                let message = if self.flat.index.contains_key(&full) {
                    format!("`{name}` is not an array, so it cannot be subscripted")
                } else {
                    format!("unknown array `{name}`")
                };
                Err(self.error(context, expr, DiagnosticKind::Dimension, message, None))
            }
        }
    }

    fn subscript(
        &mut self,
        context: &Context,
        expr: &Expr,
        name: &str,
        indices: &[Index],
    ) -> Value {
        let info = match self.array_info(context, expr, name) {
            Ok(info) => info,
            Err(ir) => return Value::Scalar(ir),
        };
        if indices.len() != info.dims.len() {
            return Value::Scalar(self.error(
                context,
                expr,
                DiagnosticKind::Dimension,
                format!(
                    "`{name}` has {} dimension(s) but is given {} subscript(s)",
                    info.dims.len(),
                    indices.len()
                ),
                None,
            ));
        }
        let mut selectors = Vec::with_capacity(indices.len());
        for (index, &d) in indices.iter().zip(&info.dims) {
            match self.selector(context, expr, index, d) {
                Ok(s) => selectors.push(s),
                Err(ir) => return Value::Scalar(ir),
            }
        }
        self.select(&info, &selectors)
    }

    /// How one subscript selects positions of dimension `dim`.
    fn selector(
        &mut self,
        context: &Context,
        expr: &Expr,
        index: &Index,
        dim: usize,
    ) -> Result<Selector, Ir> {
        let dims = &self.flat.dims;
        let all = |d: usize| (0..dims.len(d)).collect::<Vec<_>>();
        match index {
            Index::Wildcard => Ok(Selector::Free {
                label: dim,
                positions: all(dim),
            }),
            Index::WildcardOf(name) => match dims.find(name) {
                Some(named) => self.over(context, expr, named, dim),
                None => Err(self.error(
                    context,
                    expr,
                    DiagnosticKind::Dimension,
                    format!("`{name}` is not a dimension"),
                    None,
                )),
            },
            Index::Range(from, to) => {
                let a = self.position_in(context, from, dim)?;
                let b = self.position_in(context, to, dim)?;
                let positions = if a <= b {
                    (a..=b).collect()
                } else {
                    (b..=a).rev().collect()
                };
                Ok(Selector::Free {
                    label: dim,
                    positions,
                })
            }
            Index::Expr(e) => {
                if let ExprKind::Name(n) = &e.kind {
                    let key = canonical(n);
                    if let Some(named) = dims.find(&key) {
                        // A dimension: the element being computed, or else every element.
                        return match self.bound_position(context, named) {
                            Some(p) => match dims.correspond(named, p, dim) {
                                Some((_, q)) => Ok(Selector::Fixed(q)),
                                None => Err(self.error(
                                    context,
                                    e,
                                    DiagnosticKind::Dimension,
                                    format!(
                                        "element `{}` of `{n}` has no counterpart in dimension `{}`",
                                        dims.dims[named].elements[p], dims.dims[dim].key
                                    ),
                                    None,
                                )),
                            },
                            None => self.over(context, e, named, dim),
                        };
                    }
                }
                Ok(Selector::Fixed(self.position_in(context, e, dim)?))
            }
        }
    }

    /// Every element of `named` (a dimension or subrange), as positions of `dim`.
    fn over(
        &mut self,
        context: &Context,
        expr: &Expr,
        named: usize,
        dim: usize,
    ) -> Result<Selector, Ir> {
        let dims = &self.flat.dims;
        let positions: Option<Vec<usize>> = (0..dims.len(named))
            .map(|p| dims.correspond(named, p, dim).map(|(_, q)| q))
            .collect();
        match positions {
            Some(positions) => Ok(Selector::Free {
                label: named,
                positions,
            }),
            None => Err(self.error(
                context,
                expr,
                DiagnosticKind::Dimension,
                format!(
                    "`{}` is not a subrange of, or mapped to, dimension `{}`",
                    dims.dims[named].key, dims.dims[dim].key
                ),
                None,
            )),
        }
    }

    /// A single position of `dim` given by an element name (`e`, `dim.e`) or a constant position.
    fn position_in(&mut self, context: &Context, e: &Expr, dim: usize) -> Result<usize, Ir> {
        let dims = &self.flat.dims;
        let found = match &e.kind {
            ExprKind::Name(n) => {
                let key = canonical(n);
                dims.position(dim, &key).or_else(|| {
                    let (d, element) = key.split_once('.')?;
                    let named = dims.find(d)?;
                    let p = dims.position(named, element)?;
                    dims.correspond(named, p, dim).map(|(_, q)| q)
                })
            }
            ExprKind::Number(v)
                if v.fract() == 0.0 && *v >= 1.0 && (*v as usize) <= dims.len(dim) =>
            {
                Some(*v as usize - 1)
            }
            _ => None,
        };
        match found {
            Some(p) => Ok(p),
            None => {
                let dim = &self.flat.dims.dims[dim];
                let message = match &e.kind {
                    ExprKind::Name(n) => {
                        format!("`{n}` is not an element of dimension `{}`", dim.key)
                    }
                    _ => "subscripts must be element names, dimension names, `*` or constant positions".into(),
                };
                let help = format!("its elements are: {}", dim.elements.join(", "));
                Err(self.error(context, e, DiagnosticKind::Dimension, message, Some(help)))
            }
        }
    }

    // ----- hidden structure for stateful builtins -----

    pub(super) fn push_node(
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
    pub(super) fn node_of(&mut self, context: &Context, ir: Ir) -> usize {
        match ir {
            Ir::Node(i) => i,
            other => self.push_node(context, NodeKind::Aux, other.clone(), Some(other)),
        }
    }

    /// `ir` itself when it is cheap to repeat, else a node reading it.
    pub(super) fn shared(&mut self, context: &Context, ir: Ir) -> Ir {
        match ir {
            Ir::Const(_) | Ir::Node(_) | Ir::Time | Ir::Dt | Ir::StartTime | Ir::StopTime => ir,
            other => Ir::Node(self.node_of(context, other)),
        }
    }

    pub(super) fn stock(&mut self, context: &Context, initial: Ir) -> usize {
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

    pub(super) fn set_flows(
        &mut self,
        stock: usize,
        inflow: Option<usize>,
        outflow: Option<usize>,
    ) {
        if let NodeKind::Stock {
            inflows, outflows, ..
        } = &mut self.nodes[stock].kind
        {
            inflows.extend(inflow);
            outflows.extend(outflow);
        }
    }

    pub(super) fn flow(&mut self, context: &Context, ir: Ir) -> usize {
        self.push_node(context, NodeKind::Flow, ir.clone(), Some(ir))
    }

    /// The value of an expression known at compile time: numbers, and constants of the model
    /// (scalar variables whose equations are arithmetic on numbers and other such constants).
    pub(super) fn fold(&self, ir: &Ir) -> Option<f64> {
        self.fold_at(ir, false)
    }

    /// The value an expression has at the start time, computed at compile time from the model's
    /// equations (numbers, arithmetic, comparisons, IF, STEP, MIN, MAX and TIME at the start): what
    /// fixes a delay's order "at initialisation".
    pub(super) fn initial_value(&self, ir: &Ir) -> Option<f64> {
        self.fold_at(ir, true)
    }

    fn fold_at(&self, ir: &Ir, at_start: bool) -> Option<f64> {
        let fold = |x: &Ir| self.fold_at(x, at_start);
        match ir {
            Ir::Const(v) => Some(*v),
            Ir::Node(i) if *i < self.flat.items.len() => self.item_constant(*i, 0, at_start),
            Ir::Time if at_start => Some(self.specs.start),
            Ir::StartTime => Some(self.specs.start),
            Ir::StopTime => Some(self.specs.stop),
            Ir::Dt => Some(self.specs.dt),
            Ir::Unary(f, a) => Some(crate::plan::apply_unary(*f, fold(a)?)),
            Ir::Binary(f, a, b) => Some(crate::plan::apply_binary(*f, fold(a)?, fold(b)?)),
            Ir::If(c, a, b) if at_start => {
                if fold(c)? != 0.0 {
                    fold(a)
                } else {
                    fold(b)
                }
            }
            Ir::Step(height, start) if at_start => Some(if self.specs.start >= fold(start)? {
                fold(height)?
            } else {
                0.0
            }),
            _ => None,
        }
    }

    fn item_constant(&self, item: usize, depth: usize, at_start: bool) -> Option<f64> {
        if depth > 64 {
            return None;
        }
        let it = &self.flat.items[item];
        if !matches!(it.kind, ItemKind::Aux) {
            return None;
        }
        match &it.source {
            Source::ListElement(e, k) => super::flatten::list_parts(&e.text).get(*k)?.parse().ok(),
            Source::Equation(Some(e)) => {
                let (expr, errors) = parse(&e.text);
                if !errors.is_empty() {
                    return None;
                }
                self.expr_constant(&expr?, &it.scope, depth, at_start)
            }
            _ => None,
        }
    }

    fn expr_constant(&self, expr: &Expr, scope: &str, depth: usize, at_start: bool) -> Option<f64> {
        let value = |e: &Expr| self.expr_constant(e, scope, depth, at_start);
        Some(match &expr.kind {
            ExprKind::Number(v) => *v,
            ExprKind::Name(n) => {
                let key = canonical(n);
                match key.as_str() {
                    "time" if at_start => return Some(self.specs.start),
                    "initial_time" | "starttime" => return Some(self.specs.start),
                    "final_time" | "stoptime" => return Some(self.specs.stop),
                    "time_step" | "dt" => return Some(self.specs.dt),
                    _ => {}
                }
                let i = *self.flat.index.get(&self.lookup_key(scope, n))?;
                self.item_constant(i, depth + 1, at_start)?
            }
            ExprKind::Unary(UnaryOp::Negate, a) => -value(a)?,
            ExprKind::Unary(UnaryOp::Plus, a) => value(a)?,
            ExprKind::Binary(op, a, b) => {
                let (a, b) = (value(a)?, value(b)?);
                match op {
                    BinaryOp::Add => a + b,
                    BinaryOp::Subtract => a - b,
                    BinaryOp::Multiply => a * b,
                    BinaryOp::Divide => a / b,
                    BinaryOp::Power => a.powf(b),
                    BinaryOp::Less if at_start => f64::from(a < b),
                    BinaryOp::LessEqual if at_start => f64::from(a <= b),
                    BinaryOp::Greater if at_start => f64::from(a > b),
                    BinaryOp::GreaterEqual if at_start => f64::from(a >= b),
                    BinaryOp::Equal if at_start => f64::from(a == b),
                    BinaryOp::NotEqual if at_start => f64::from(a != b),
                    _ => return None,
                }
            }
            ExprKind::If(c, a, b) if at_start => {
                if value(c)? != 0.0 {
                    value(a)?
                } else {
                    value(b)?
                }
            }
            ExprKind::Call { name, args } if at_start => {
                let args: Option<Vec<f64>> = args.iter().map(value).collect();
                match (canonical(name).as_str(), args?.as_slice()) {
                    ("step", [height, start]) => {
                        if self.specs.start >= *start {
                            *height
                        } else {
                            0.0
                        }
                    }
                    ("if_then_else", [c, a, b]) => {
                        if *c != 0.0 {
                            *a
                        } else {
                            *b
                        }
                    }
                    ("min", [a, b]) => a.min(*b),
                    ("max", [a, b]) => a.max(*b),
                    (f, [x]) => match f {
                        "abs" => x.abs(),
                        "sqrt" => x.sqrt(),
                        "exp" => x.exp(),
                        "ln" => x.ln(),
                        "sin" => x.sin(),
                        "cos" => x.cos(),
                        "tan" => x.tan(),
                        "integer" => x.trunc(),
                        _ => return None,
                    },
                    _ => return None,
                }
            }
            _ => return None,
        })
    }

    /// Records that the nodes an expression reads fixed part of the model's structure.
    pub(super) fn mark_structural(&mut self, ir: &Ir) {
        let mut found = Vec::new();
        ir.each_node(&mut |i| found.push(i));
        self.structural.extend(found);
    }

    // ----- calls -----

    fn call(&mut self, context: &Context, expr: &Expr, name: &str, args: &[Expr]) -> Value {
        let key = canonical(name);
        // A graphical function of the model shadows a builtin of the same name.
        let full = self.lookup_key(context.scope, name);
        let is_table = self
            .flat
            .index
            .get(&full)
            .is_some_and(|i| self.table_of_node.contains_key(i))
            || self.flat.arrays.contains_key(&full);
        let builtin = builtins::find(&key).filter(|_| !is_table);
        let Some(builtin) = builtin else {
            return Value::Scalar(self.call_user(context, expr, name, &key, args));
        };
        let (min, max) = builtin.arity;
        if args.len() < min || args.len() > max {
            let expected = if min == max {
                format!("{min}")
            } else if max == usize::MAX {
                format!("at least {min}")
            } else {
                format!("{min} to {max}")
            };
            return Value::Scalar(self.error(
                context,
                expr,
                DiagnosticKind::Arity,
                format!(
                    "{} takes {expected} argument(s) but is given {}",
                    name.to_ascii_uppercase(),
                    args.len()
                ),
                None,
            ));
        }
        let call = Call {
            context,
            expr,
            key: &key,
            args,
        };
        match builtin.lowering {
            Lowering::Scalar(lower) => {
                // Every argument is resolved once, here; arrays apply the builtin per element.
                let values: Vec<Value> = args.iter().map(|a| self.value(context, a)).collect();
                self.broadcast(context, expr, values, &mut |r, scalars| {
                    lower(r, &call, scalars)
                })
            }
            Lowering::Raw(lower) => lower(self, &call),
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
            return Ir::Lookup(table, boxed(x), LookupMode::Table);
        }
        if let Some(info) = self.flat.arrays.get(&full).cloned() {
            // An arrayed graphical function called by name: the element the bindings select.
            if let Some(item) = self.bound_element(context, &info) {
                if let (Some(&table), [arg]) = (self.table_of_node.get(&item), args) {
                    let x = self.scalar(context, arg);
                    return Ir::Lookup(table, boxed(x), LookupMode::Table);
                }
            }
        }
        if let Some(definition) = self.macros.get(key).copied() {
            return self.call_macro(context, expr, name, definition, args);
        }
        let help = match did_you_mean(key, builtins::names()) {
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

    fn call_macro(
        &mut self,
        context: &Context,
        expr: &Expr,
        name: &str,
        definition: &Macro,
        args: &[Expr],
    ) -> Ir {
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
        self.macro_depth += 1;
        let ir = self.macro_body(context, expr, name, definition, &mut locals);
        self.macro_depth -= 1;
        ir
    }

    /// A macro's output: its variables (in dependency order, stocks included) become hidden
    /// nodes of this call, then its equation is resolved with them and the parameters in scope.
    fn macro_body(
        &mut self,
        context: &Context,
        expr: &Expr,
        name: &str,
        definition: &Macro,
        locals: &mut HashMap<String, Ir>,
    ) -> Ir {
        let parse_or_error = |r: &mut Self, equation: &Equation| -> Option<Expr> {
            let (body, errors) = parse(&equation.text);
            if errors.is_empty() {
                return body;
            }
            r.error(
                context,
                expr,
                DiagnosticKind::Syntax,
                format!("macro `{name}` has an equation that does not parse"),
                None,
            );
            None
        };
        // Macro variables (the output may be one, named like the macro): a stock gets a hidden
        // stock (its flows resolved once every variable exists), the others hidden auxiliaries.
        // Variables named like a parameter are placeholders for it.
        let mut pending = Vec::new();
        for variable in &definition.variables {
            let key = canonical(&variable.name);
            if locals.contains_key(&key) {
                continue;
            }
            let node = match &variable.kind {
                crate::model::VariableKind::Stock { .. } => self.stock(context, Ir::Const(0.0)),
                crate::model::VariableKind::Flow { .. } => self.push_node(
                    context,
                    NodeKind::Flow,
                    Ir::Const(0.0),
                    Some(Ir::Const(0.0)),
                ),
                _ => self.push_node(context, NodeKind::Aux, Ir::Const(0.0), Some(Ir::Const(0.0))),
            };
            locals.insert(key, Ir::Node(node));
            pending.push((node, variable));
        }
        for (node, variable) in pending {
            let Some(equation) = &variable.equation else {
                continue;
            };
            let Some(body) = parse_or_error(self, equation) else {
                continue;
            };
            let inner = Context {
                item: context.item,
                scope: context.scope,
                bindings: context.bindings,
                equation,
                locals: Some(locals),
            };
            match &variable.kind {
                crate::model::VariableKind::Stock {
                    inflows, outflows, ..
                } => {
                    let (initial, rate) = match &body.kind {
                        ExprKind::Call { name, args }
                            if canonical(name) == "integ" && args.len() == 2 =>
                        {
                            let rate = self.scalar(&inner, &args[0]);
                            (self.scalar(&inner, &args[1]), Some(rate))
                        }
                        _ => (self.scalar(&inner, &body), None),
                    };
                    self.nodes[node].initial = initial;
                    // Flows are macro variables or parameters; a parameter becomes a flow node.
                    for (names, inflow) in [(inflows, true), (outflows, false)] {
                        for name in names {
                            let Some(ir) = locals.get(&canonical(name)).cloned() else {
                                continue;
                            };
                            let flow = match ir {
                                Ir::Node(i) if self.nodes[i].kind == NodeKind::Flow => i,
                                other => self.flow(&inner, other),
                            };
                            if inflow {
                                self.set_flows(node, Some(flow), None);
                            } else {
                                self.set_flows(node, None, Some(flow));
                            }
                        }
                    }
                    if let Some(rate) = rate {
                        let flow = self.flow(&inner, rate);
                        self.set_flows(node, Some(flow), None);
                    }
                }
                _ => {
                    let value = self.scalar(&inner, &body);
                    self.nodes[node].initial = value.clone();
                    self.nodes[node].dynamic = Some(value);
                }
            }
        }
        // The output named by a macro variable's name as written (xmutil leaves its spaces).
        if let Some(output) = locals.get(&canonical(&definition.equation.text)) {
            return output.clone();
        }
        let Some(body) = parse_or_error(self, &definition.equation) else {
            return Ir::Const(f64::NAN);
        };
        let inner = Context {
            item: context.item,
            scope: context.scope,
            bindings: context.bindings,
            equation: &definition.equation,
            locals: Some(locals),
        };
        self.scalar(&inner, &body)
    }

    /// The value of a data variable: its data function read as a series over time.
    fn data_variable(
        &mut self,
        context: &Context,
        expr: &Expr,
        mode: crate::model::DataInterpolation,
    ) -> Ir {
        match &expr.kind {
            ExprKind::Call { name, args } if builtins::is_data_series(&canonical(name)) => {
                match self.data_series(context, expr, &canonical(name), args) {
                    Some(table) => Ir::Lookup(table, boxed(Ir::Time), LookupMode::Data(mode)),
                    None => Ir::Const(f64::NAN),
                }
            }
            _ => self.scalar(context, expr),
        }
    }
}
