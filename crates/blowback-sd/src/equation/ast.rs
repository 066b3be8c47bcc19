//! The syntax tree of one equation.

use std::ops::Range;

/// A node of an equation's syntax tree with its byte span in the equation text.
#[derive(Debug, Clone, PartialEq)]
pub struct Expr {
    /// What the node is.
    pub kind: ExprKind,
    /// Byte range in the equation text.
    pub span: Range<usize>,
}

/// The kinds of expression node.
#[derive(Debug, Clone, PartialEq)]
pub enum ExprKind {
    /// A numeric literal.
    Number(f64),
    /// A reference to a variable (or a dimension element, inside subscripts), as written.
    Name(String),
    /// A `'single-quoted'` text literal: file names, sheets and cells of Vensim's data functions.
    Text(String),
    /// A subscripted reference `name[i, j]`.
    Subscript {
        /// The variable, as written.
        name: String,
        /// One index per dimension.
        indices: Vec<Index>,
    },
    /// A prefix operator.
    Unary(UnaryOp, Box<Expr>),
    /// An infix operator.
    Binary(BinaryOp, Box<Expr>, Box<Expr>),
    /// `IF c THEN a ELSE b`.
    If(Box<Expr>, Box<Expr>, Box<Expr>),
    /// A call of a builtin, a graphical function or a macro, by name as written.
    Call {
        /// The function's name as written (multi-word Vensim names joined with single spaces).
        name: String,
        /// The arguments.
        args: Vec<Expr>,
    },
    /// A part that did not parse; its diagnostic is in the parse errors.
    Error,
}

/// One subscript index.
#[derive(Debug, Clone, PartialEq)]
pub enum Index {
    /// `*`: every element of the dimension in this position.
    Wildcard,
    /// `*:name`: every element of the named dimension or subrange (Vensim writes `name!`), kept
    /// as a dimension of the result even where the equation's own element is bound to it.
    WildcardOf(String),
    /// `a:b`: the elements from `a` to `b` inclusive, each an element name or a 1-based position.
    Range(Expr, Expr),
    /// An element name, a dimension name, or an expression giving a 1-based position.
    Expr(Expr),
}

/// Prefix operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnaryOp {
    /// `-x`
    Negate,
    /// `+x`
    Plus,
    /// `NOT x`: 1 when x is 0, else 0.
    Not,
}

/// Infix operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinaryOp {
    /// `+`
    Add,
    /// `-`
    Subtract,
    /// `*`
    Multiply,
    /// `/`
    Divide,
    /// `^`
    Power,
    /// `MOD`
    Modulo,
    /// `=`
    Equal,
    /// `<>`
    NotEqual,
    /// `<`
    Less,
    /// `<=`
    LessEqual,
    /// `>`
    Greater,
    /// `>=`
    GreaterEqual,
    /// `AND`
    And,
    /// `OR`
    Or,
}

impl BinaryOp {
    /// Binding strength: higher binds tighter.
    pub(crate) fn precedence(self) -> u8 {
        match self {
            BinaryOp::Or => 1,
            BinaryOp::And => 2,
            BinaryOp::Equal | BinaryOp::NotEqual => 3,
            BinaryOp::Less | BinaryOp::LessEqual | BinaryOp::Greater | BinaryOp::GreaterEqual => 4,
            BinaryOp::Add | BinaryOp::Subtract => 5,
            BinaryOp::Multiply | BinaryOp::Divide | BinaryOp::Modulo => 6,
            BinaryOp::Power => 8,
        }
    }

    /// The operator as XMILE writes it.
    pub(crate) fn symbol(self) -> &'static str {
        match self {
            BinaryOp::Add => "+",
            BinaryOp::Subtract => "-",
            BinaryOp::Multiply => "*",
            BinaryOp::Divide => "/",
            BinaryOp::Power => "^",
            BinaryOp::Modulo => "MOD",
            BinaryOp::Equal => "=",
            BinaryOp::NotEqual => "<>",
            BinaryOp::Less => "<",
            BinaryOp::LessEqual => "<=",
            BinaryOp::Greater => ">",
            BinaryOp::GreaterEqual => ">=",
            BinaryOp::And => "AND",
            BinaryOp::Or => "OR",
        }
    }
}

/// Precedence of prefix operators: between `*` and `^`.
pub(crate) const UNARY_PRECEDENCE: u8 = 7;

impl Expr {
    /// Calls `visit` on this node and every node below it, parents first.
    pub fn walk<'a>(&'a self, visit: &mut impl FnMut(&'a Expr)) {
        visit(self);
        match &self.kind {
            ExprKind::Number(_) | ExprKind::Name(_) | ExprKind::Text(_) | ExprKind::Error => {}
            ExprKind::Subscript { indices, .. } => {
                for index in indices {
                    match index {
                        Index::Expr(e) => e.walk(visit),
                        Index::Range(a, b) => {
                            a.walk(visit);
                            b.walk(visit);
                        }
                        Index::Wildcard | Index::WildcardOf(_) => {}
                    }
                }
            }
            ExprKind::Unary(_, a) => a.walk(visit),
            ExprKind::Binary(_, a, b) => {
                a.walk(visit);
                b.walk(visit);
            }
            ExprKind::If(c, a, b) => {
                c.walk(visit);
                a.walk(visit);
                b.walk(visit);
            }
            ExprKind::Call { args, .. } => args.iter().for_each(|a| a.walk(visit)),
        }
    }
}
