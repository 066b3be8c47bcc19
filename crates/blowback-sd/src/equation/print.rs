//! Prints a syntax tree back to XMILE equation text that parses to the same tree.

use super::ast::{BinaryOp, Expr, ExprKind, Index, UnaryOp};

/// Prints an expression as XMILE equation text. Nested operators are parenthesised explicitly, so the
/// text does not depend on a reader's precedence rules.
pub fn print(expr: &Expr) -> String {
    let mut out = String::new();
    write_expr(expr, &mut out);
    out
}

fn write_expr(expr: &Expr, out: &mut String) {
    match &expr.kind {
        ExprKind::Number(value) => write_number(*value, out),
        ExprKind::Name(name) => write_name(name, out),
        ExprKind::Text(text) => {
            out.push('\'');
            out.push_str(text);
            out.push('\'');
        }
        ExprKind::Subscript { name, indices } => {
            write_name(name, out);
            out.push('[');
            for (i, index) in indices.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                match index {
                    Index::Wildcard => out.push('*'),
                    Index::WildcardOf(dimension) => {
                        out.push_str("*:");
                        write_name(dimension, out);
                    }
                    Index::Range(from, to) => {
                        write_operand(from, out);
                        out.push(':');
                        write_operand(to, out);
                    }
                    Index::Expr(e) => write_expr(e, out),
                }
            }
            out.push(']');
        }
        ExprKind::Unary(op, operand) => {
            out.push_str(match op {
                UnaryOp::Negate => "-",
                UnaryOp::Plus => "+",
                UnaryOp::Not => "NOT ",
            });
            // A prefix operator on a prefix operator needs no parentheses (`--x`), and adding them
            // would make the printed text nest deeper than the original.
            if matches!(operand.kind, ExprKind::Unary(..)) {
                write_expr(operand, out);
            } else {
                write_operand(operand, out);
            }
        }
        ExprKind::Binary(op, left, right) => {
            // Left-associative chains print flat (`a + b - c`, `a <> b <> c`), so a long chain does
            // not turn into deeply nested parentheses; every other nesting is explicit.
            let flat_left = matches!(&left.kind, ExprKind::Binary(inner, ..)
                if inner.precedence() == op.precedence() && *op != BinaryOp::Power);
            if flat_left {
                write_expr(left, out);
            } else {
                write_operand(left, out);
            }
            out.push(' ');
            out.push_str(op.symbol());
            out.push(' ');
            write_operand(right, out);
        }
        ExprKind::If(condition, then, otherwise) => {
            out.push_str("IF ");
            write_expr(condition, out);
            out.push_str(" THEN ");
            write_expr(then, out);
            out.push_str(" ELSE ");
            write_expr(otherwise, out);
        }
        ExprKind::Call { name, args } => {
            // Multi-word names print joined (`IF_THEN_ELSE`); anything else odd is quoted.
            write_name(&name.replace(' ', "_"), out);
            out.push('(');
            for (i, arg) in args.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_expr(arg, out);
            }
            out.push(')');
        }
        // An unparsed part prints as an empty comment so the text stays parseable where possible.
        ExprKind::Error => out.push_str("{error}"),
    }
}

fn write_operand(expr: &Expr, out: &mut String) {
    let needs_parentheses = matches!(
        expr.kind,
        ExprKind::Binary(..) | ExprKind::If(..) | ExprKind::Unary(..)
    ) || matches!(expr.kind, ExprKind::Number(v) if v < 0.0 || v.is_nan());
    if needs_parentheses {
        out.push('(');
        write_expr(expr, out);
        out.push(')');
    } else {
        write_expr(expr, out);
    }
}

fn write_number(value: f64, out: &mut String) {
    if value.is_nan() {
        out.push_str("(0/0)");
    } else if value.is_infinite() {
        out.push_str(if value > 0.0 { "1e999" } else { "-1e999" });
    } else if value.fract() == 0.0 && value.abs() < 1e15 {
        out.push_str(&format!("{}", value as i64));
    } else {
        // `{:?}` is the shortest text that reads back to the same f64, with an exponent when large.
        out.push_str(&format!("{value:?}"));
    }
}

const KEYWORDS: &[&str] = &["if", "then", "else", "and", "or", "not", "mod"];

fn write_name(name: &str, out: &mut String) {
    let plain = name
        .chars()
        .next()
        .is_some_and(|c| c.is_alphabetic() || c == '_' || c == '$')
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '$' || c == '.')
        && !name.ends_with('.')
        && !KEYWORDS.contains(&name.to_ascii_lowercase().as_str());
    if plain {
        out.push_str(name);
    } else {
        out.push('"');
        for c in name.chars() {
            match c {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                _ => out.push(c),
            }
        }
        out.push('"');
    }
}
