//! The equation language: lexer, recovering parser, syntax tree and printer.
//!
//! The grammar is XMILE 1.0's expression language (section 3.3) with the Vensim spellings that files
//! exported from Vensim carry (`IF THEN ELSE(c, a, b)`, `:AND:`, multi-word builtin names). Precedence,
//! loosest first: `IF THEN ELSE`; `OR`; `AND`; `=` `<>`; `<` `<=` `>` `>=`; `+` `-`; `*` `/` `MOD`;
//! unary `-` `+` `NOT`; `^` (right-associative, so `-2^2` is -4 and `2^3^2` is 512).

mod ast;
mod lexer;
mod parser;
mod print;

pub use ast::{BinaryOp, Expr, ExprKind, Index, UnaryOp};
pub use parser::{parse, ParseError};
pub use print::print;
