//! Partial effects of one variable on another, computed from the equations themselves.
//!
//! A link's polarity is the sign of the partial derivative of the effect with respect to the
//! cause, other things held at their values (the textbook definition of a causal-loop link). The
//! engine runs whole models and cannot hold things fixed, so this module evaluates the effect's
//! equation directly: at every saved time of a run it reads the inputs from the results, nudges
//! the cause, re-evaluates the effect (and any auxiliaries in between that use the cause) and
//! records which way the effect moved. Equations using a function this evaluator does not know give
//! `None`, and the caller falls back to a structural check.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};

use blowback_sd::equation::{parse, BinaryOp, Expr, ExprKind, UnaryOp};
use blowback_sd::{canonical, GraphicalFunction, Project, Results, VariableKind};

/// A run's columns by canonical name, built once and shared by every link's check.
pub(crate) struct RunView<'a> {
    columns: FastMap<String, &'a [f64]>,
    times: &'a [f64],
}

impl<'a> RunView<'a> {
    pub(crate) fn new(results: &'a Results) -> Self {
        let columns = (0..results.names().len())
            .map(|c| (canonical(&results.names()[c]), results.column_at(c)))
            .collect();
        RunView {
            columns,
            times: results.times(),
        }
    }
}

/// FNV-1a: the maps here are keyed by short variable names and looked up millions of times per
/// check, where the standard library's DoS-resistant hash cost more than the arithmetic.
#[derive(Default)]
struct Fnv(u64);

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut hash = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        for byte in bytes {
            hash ^= u64::from(*byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = hash;
    }
}

type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<Fnv>>;
type FastSet<K> = HashSet<K, BuildHasherDefault<Fnv>>;

/// How often a nudge of the cause moved the effect up, down, or not at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct PartialSigns {
    pub up: usize,
    pub down: usize,
    pub flat: usize,
}

struct Node {
    /// Variables the equation uses within the time step (not through a smooth or delay).
    uses: Vec<String>,
    expr: Option<Term>,
    graphical: Option<GraphicalFunction>,
    is_stock: bool,
    is_table: bool,
}

/// Parsed equations of a model's main variables, by canonical name.
pub(crate) struct Equations {
    nodes: FastMap<String, Node>,
    /// The reverse of each node's `uses`.
    used_by: FastMap<String, Vec<String>>,
}

impl Equations {
    pub(crate) fn new(project: &Project) -> Self {
        let mut nodes = FastMap::default();
        for variable in project
            .main_model()
            .map(|m| m.variables.as_slice())
            .unwrap_or(&[])
        {
            let expr = variable
                .equation
                .as_ref()
                .and_then(|e| parse(&e.text).0)
                .map(|e| Term::from_expr(&e));
            let mut uses = Vec::new();
            if let Some(expr) = &expr {
                instant_names(expr, &mut uses);
            }
            nodes.insert(
                canonical(&variable.name),
                Node {
                    uses,
                    expr,
                    graphical: variable.graphical_function.clone(),
                    is_stock: matches!(variable.kind, VariableKind::Stock { .. }),
                    is_table: matches!(variable.kind, VariableKind::GraphicalFunction),
                },
            );
        }
        let mut used_by: FastMap<String, Vec<String>> = FastMap::default();
        for (name, node) in &nodes {
            for used in &node.uses {
                used_by.entry(used.clone()).or_default().push(name.clone());
            }
        }
        Equations { nodes, used_by }
    }

    /// Whether `name` uses `cause` within the time step, through auxiliaries and flows (stocks,
    /// smooths and delays pass a change on only at the next step).
    pub(crate) fn uses_within_step(&self, name: &str, cause: &str) -> bool {
        let mut stack = vec![canonical(name)];
        let mut seen = std::collections::HashSet::new();
        while let Some(node) = stack.pop() {
            if !seen.insert(node.clone()) {
                continue;
            }
            let Some(entry) = self.nodes.get(&node) else {
                continue;
            };
            if entry.is_stock {
                continue;
            }
            for used in &entry.uses {
                if used == cause {
                    return true;
                }
                stack.push(used.clone());
            }
        }
        false
    }

    /// Every variable that uses `cause` (canonical) within the time step.
    fn dependents(&self, cause: &str) -> FastSet<String> {
        let mut found = FastSet::default();
        let mut stack = vec![cause.to_string()];
        while let Some(node) = stack.pop() {
            for user in self.used_by.get(&node).into_iter().flatten() {
                // A stock takes in a change only at the next step.
                let is_stock = self.nodes.get(user).is_some_and(|n| n.is_stock);
                if !is_stock && found.insert(user.clone()) {
                    stack.push(user.clone());
                }
            }
        }
        found
    }

    /// Signs of the change in `effect` when `cause` is nudged up, at every saved row of `results`.
    /// `None` when an equation on the way cannot be evaluated here.
    pub(crate) fn partial_signs(
        &self,
        run: &RunView,
        dt: f64,
        cause: &str,
        effect: &str,
    ) -> Option<PartialSigns> {
        let cause = canonical(cause);
        let effect = canonical(effect);
        let effect_node = self.nodes.get(&effect)?;
        if effect_node.is_stock {
            return None;
        }
        let columns = &run.columns;
        let cause_column = *columns.get(&cause)?;
        let dependents = self.dependents(&cause);
        let mut signs = PartialSigns::default();
        for (row, &time) in run.times.iter().enumerate() {
            let value = cause_column[row];
            // A step small against the value but far above rounding of the equations.
            let step = 1e-6 * value.abs().max(1e-3);
            let context = |nudge: f64| Context {
                equations: self,
                columns,
                row,
                time,
                dt,
                cause: &cause,
                cause_value: value + nudge,
                dependents: &dependents,
                memo: RefCell::new(FastMap::default()),
            };
            let base = context(0.0).value_of(&effect, 0)?;
            let nudged = context(step).value_of(&effect, 0)?;
            let change = nudged - base;
            let noise = 1e-12 * base.abs().max(1.0);
            if change > noise {
                signs.up += 1;
            } else if change < -noise {
                signs.down += 1;
            } else {
                signs.flat += 1;
            }
        }
        Some(signs)
    }
}

/// Builtins whose output is their internal state, so their inputs act only at the next step.
fn is_stateful(name: &str) -> bool {
    matches!(
        canonical(name).as_str(),
        "smth1"
            | "smth3"
            | "smthn"
            | "delay"
            | "delay1"
            | "delay3"
            | "delayn"
            | "delay_fixed"
            | "previous"
            | "init"
            | "initial"
    )
}

/// An equation with names already canonical, so evaluation does not re-normalise them at every
/// step (normalising dominated the run time before).
enum Term {
    Number(f64),
    Name(String),
    Unary(UnaryOp, Box<Term>),
    Binary(BinaryOp, Box<Term>, Box<Term>),
    If(Box<Term>, Box<Term>, Box<Term>),
    Call(String, Vec<Term>),
    /// Subscripts and parse errors: not evaluated here.
    Unsupported(Option<String>),
}

impl Term {
    fn from_expr(expr: &Expr) -> Term {
        let boxed = |e: &Expr| Box::new(Term::from_expr(e));
        match &expr.kind {
            ExprKind::Number(v) => Term::Number(*v),
            ExprKind::Name(name) => Term::Name(canonical(name)),
            ExprKind::Unary(op, a) => Term::Unary(*op, boxed(a)),
            ExprKind::Binary(op, a, b) => Term::Binary(*op, boxed(a), boxed(b)),
            ExprKind::If(c, a, b) => Term::If(boxed(c), boxed(a), boxed(b)),
            ExprKind::Call { name, args } => {
                Term::Call(canonical(name), args.iter().map(Term::from_expr).collect())
            }
            ExprKind::Subscript { name, .. } => Term::Unsupported(Some(canonical(name))),
            ExprKind::Text(_) | ExprKind::Error => Term::Unsupported(None),
        }
    }
}

/// Whether an equation is a single call to a stateful builtin.
fn is_stateful_call(term: &Term) -> bool {
    matches!(term, Term::Call(name, _) if is_stateful(name))
}

/// Names an expression uses within the step: everything except the arguments of stateful calls.
fn instant_names(term: &Term, out: &mut Vec<String>) {
    match term {
        Term::Name(name) | Term::Unsupported(Some(name)) => out.push(name.clone()),
        Term::Call(name, args) => {
            if !is_stateful(name) {
                out.push(name.clone());
                for arg in args {
                    instant_names(arg, out);
                }
            }
        }
        Term::Unary(_, a) => instant_names(a, out),
        Term::Binary(_, a, b) => {
            instant_names(a, out);
            instant_names(b, out);
        }
        Term::If(c, a, b) => {
            for e in [c, a, b] {
                instant_names(e, out);
            }
        }
        Term::Number(_) | Term::Unsupported(None) => {}
    }
}

struct Context<'a> {
    equations: &'a Equations,
    columns: &'a FastMap<String, &'a [f64]>,
    row: usize,
    time: f64,
    dt: f64,
    cause: &'a str,
    cause_value: f64,
    /// Variables that use the cause within the step: only these are recomputed.
    dependents: &'a FastSet<String>,
    /// Values recomputed so far at this row, so shared inputs are evaluated once.
    memo: RefCell<FastMap<String, f64>>,
}

/// Deep enough for any real chain of auxiliaries; a cycle would be an algebraic loop, which the
/// compiler already refuses, but the limit keeps a bad input from overflowing the stack.
const MAX_DEPTH: usize = 64;

impl Context<'_> {
    /// The value of a variable at this row with the cause nudged: the cause itself, a recorded
    /// value for stocks and anything saved, recomputed from its equation otherwise.
    fn value_of(&self, name: &str, depth: usize) -> Option<f64> {
        if name == self.cause {
            return Some(self.cause_value);
        }
        let node = self.equations.nodes.get(name);
        let recorded = self.columns.get(name).map(|c| c[self.row]);
        let is_stock = node.is_some_and(|n| n.is_stock);
        // The effect itself is always recomputed; a variable inside its equation only when it
        // uses the cause within the step, since otherwise its recorded value is exact.
        if depth > 0
            && (is_stock
                || node.is_none()
                || (recorded.is_some() && !self.dependents.contains(name)))
        {
            return recorded;
        }
        if depth > MAX_DEPTH {
            return None;
        }
        let node = node?;
        let expr = node.expr.as_ref()?;
        // A smooth or delay answers with its state, which the current inputs cannot move within
        // the step: its recorded value is exact.
        if depth > 0 && is_stateful_call(expr) {
            return recorded;
        }
        if let Some(value) = self.memo.borrow().get(name) {
            return Some(*value);
        }
        let input = self.eval(expr, depth + 1)?;
        let value = match &node.graphical {
            Some(table) => table.eval(input),
            None => input,
        };
        self.memo.borrow_mut().insert(name.to_string(), value);
        Some(value)
    }

    fn eval(&self, term: &Term, depth: usize) -> Option<f64> {
        Some(match term {
            Term::Number(v) => *v,
            Term::Name(key) => match key.as_str() {
                "time" => self.time,
                "dt" => self.dt,
                "pi" => std::f64::consts::PI,
                _ => self.value_of(key, depth)?,
            },
            Term::Unary(op, a) => {
                let a = self.eval(a, depth)?;
                match op {
                    UnaryOp::Negate => -a,
                    UnaryOp::Plus => a,
                    UnaryOp::Not => f64::from(a == 0.0),
                }
            }
            Term::Binary(op, a, b) => {
                let (a, b) = (self.eval(a, depth)?, self.eval(b, depth)?);
                match op {
                    BinaryOp::Add => a + b,
                    BinaryOp::Subtract => a - b,
                    BinaryOp::Multiply => a * b,
                    BinaryOp::Divide => a / b,
                    BinaryOp::Power => a.powf(b),
                    BinaryOp::Modulo => a.rem_euclid(b),
                    BinaryOp::Equal => f64::from(a == b),
                    BinaryOp::NotEqual => f64::from(a != b),
                    BinaryOp::Less => f64::from(a < b),
                    BinaryOp::LessEqual => f64::from(a <= b),
                    BinaryOp::Greater => f64::from(a > b),
                    BinaryOp::GreaterEqual => f64::from(a >= b),
                    BinaryOp::And => f64::from(a != 0.0 && b != 0.0),
                    BinaryOp::Or => f64::from(a != 0.0 || b != 0.0),
                }
            }
            Term::If(c, a, b) => {
                if self.eval(c, depth)? != 0.0 {
                    self.eval(a, depth)?
                } else {
                    self.eval(b, depth)?
                }
            }
            Term::Call(key, args) => {
                // A named graphical function called like a function.
                if let Some(node) = self.equations.nodes.get(key).filter(|n| n.is_table) {
                    let table = node.graphical.as_ref()?;
                    let [x] = args.as_slice() else { return None };
                    return Some(table.eval(self.eval(x, depth)?));
                }
                let values: Option<Vec<f64>> = args.iter().map(|a| self.eval(a, depth)).collect();
                let v = values?;
                match (key.as_str(), v.as_slice()) {
                    ("min", [a, b]) => a.min(*b),
                    ("max", [a, b]) => a.max(*b),
                    ("abs", [a]) => a.abs(),
                    ("exp", [a]) => a.exp(),
                    ("ln", [a]) => a.ln(),
                    ("log10", [a]) => a.log10(),
                    ("sqrt", [a]) => a.sqrt(),
                    ("int", [a]) => a.floor(),
                    ("step", [height, start]) => {
                        if self.time + self.dt / 2.0 >= *start {
                            *height
                        } else {
                            0.0
                        }
                    }
                    ("safediv", [a, b]) => {
                        if *b == 0.0 {
                            0.0
                        } else {
                            a / b
                        }
                    }
                    ("safediv", [a, b, fallback]) => {
                        if *b == 0.0 {
                            *fallback
                        } else {
                            a / b
                        }
                    }
                    // Delays, smooths, random numbers and the rest carry state this evaluator
                    // does not have: leave the link to the structural check.
                    _ => return None,
                }
            }
            Term::Unsupported(_) => return None,
        })
    }
}
