//! A recovering recursive-descent parser: it returns a tree (with `Error` nodes where text did not
//! parse) and every error it met, so one pass reports all the problems in an equation.

use std::ops::Range;

use super::ast::{BinaryOp, Expr, ExprKind, Index, UnaryOp, UNARY_PRECEDENCE};
use super::lexer::{tokenize, Token, TokenKind};

/// A syntax error in an equation.
#[derive(Debug, Clone, PartialEq)]
pub struct ParseError {
    /// What is wrong.
    pub message: String,
    /// Byte range in the equation text.
    pub span: Range<usize>,
    /// What the parser expected, or another hint.
    pub help: Option<String>,
}

/// Nesting deeper than this is reported instead of parsed, so hostile input cannot exhaust the stack.
const MAX_DEPTH: usize = 256;

/// Parses one equation. Returns `None` for an equation with no expression (empty, or only a comment)
/// and otherwise the tree, which contains `Error` nodes where errors were found.
pub fn parse(text: &str) -> (Option<Expr>, Vec<ParseError>) {
    let tokens = tokenize(text);
    if tokens.is_empty() {
        return (None, Vec::new());
    }
    let mut parser = Parser {
        tokens,
        pos: 0,
        errors: Vec::new(),
        end: text.len(),
        depth: 0,
    };
    let expr = parser.expression(0);
    if let Some(token) = parser.peek().cloned() {
        parser.error(
            format!(
                "unexpected {} after the end of the expression",
                describe(&token.kind)
            ),
            token.span.start..parser.end,
            Some("an operator or a comma may be missing".into()),
        );
    }
    (Some(expr), parser.errors)
}

struct Parser {
    tokens: Vec<Token>,
    pos: usize,
    errors: Vec<ParseError>,
    end: usize,
    depth: usize,
}

fn describe(kind: &TokenKind) -> String {
    match kind {
        TokenKind::Number(n) => format!("number {n}"),
        TokenKind::Ident(s) => format!("`{s}`"),
        TokenKind::Quoted(s) => format!("\"{s}\""),
        TokenKind::Text(s) => format!("'{s}'"),
        TokenKind::ColonWord(w) => format!("`:{w}:`"),
        TokenKind::Unknown(c) => format!("character `{c}`"),
        TokenKind::Unterminated(what) => format!("unterminated {what}"),
        TokenKind::Plus => "`+`".into(),
        TokenKind::Minus => "`-`".into(),
        TokenKind::Star => "`*`".into(),
        TokenKind::Slash => "`/`".into(),
        TokenKind::Caret => "`^`".into(),
        TokenKind::LParen => "`(`".into(),
        TokenKind::RParen => "`)`".into(),
        TokenKind::LBracket => "`[`".into(),
        TokenKind::RBracket => "`]`".into(),
        TokenKind::Comma => "`,`".into(),
        TokenKind::Colon => "`:`".into(),
        TokenKind::Equal => "`=`".into(),
        TokenKind::NotEqual => "`<>`".into(),
        TokenKind::Less => "`<`".into(),
        TokenKind::LessEqual => "`<=`".into(),
        TokenKind::Greater => "`>`".into(),
        TokenKind::GreaterEqual => "`>=`".into(),
    }
}

fn starts_operand(kind: &TokenKind) -> bool {
    matches!(
        kind,
        TokenKind::Number(_)
            | TokenKind::Ident(_)
            | TokenKind::Quoted(_)
            | TokenKind::Text(_)
            | TokenKind::LParen
            | TokenKind::Minus
            | TokenKind::Plus
    )
}

fn is_closer(kind: &TokenKind) -> bool {
    matches!(
        kind,
        TokenKind::RParen | TokenKind::Comma | TokenKind::RBracket
    )
}

fn keyword(kind: &TokenKind) -> Option<String> {
    match kind {
        TokenKind::Ident(s) => Some(s.to_ascii_lowercase()),
        _ => None,
    }
}

impl Parser {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.pos)
    }

    fn peek_kind(&self) -> Option<&TokenKind> {
        self.peek().map(|t| &t.kind)
    }

    fn next(&mut self) -> Option<Token> {
        let token = self.tokens.get(self.pos).cloned();
        if token.is_some() {
            self.pos += 1;
        }
        token
    }

    fn here(&self) -> Range<usize> {
        self.peek().map_or(self.end..self.end, |t| t.span.clone())
    }

    fn error(&mut self, message: String, span: Range<usize>, help: Option<String>) {
        self.errors.push(ParseError {
            message,
            span,
            help,
        });
    }

    fn is_keyword(&self, word: &str) -> bool {
        self.peek_kind()
            .and_then(keyword)
            .is_some_and(|k| k == word)
    }

    fn binary_op(&self) -> Option<BinaryOp> {
        let op = match self.peek_kind()? {
            TokenKind::Plus => BinaryOp::Add,
            TokenKind::Minus => BinaryOp::Subtract,
            TokenKind::Star => BinaryOp::Multiply,
            TokenKind::Slash => BinaryOp::Divide,
            TokenKind::Caret => BinaryOp::Power,
            TokenKind::Equal => BinaryOp::Equal,
            TokenKind::NotEqual => BinaryOp::NotEqual,
            TokenKind::Less => BinaryOp::Less,
            TokenKind::LessEqual => BinaryOp::LessEqual,
            TokenKind::Greater => BinaryOp::Greater,
            TokenKind::GreaterEqual => BinaryOp::GreaterEqual,
            TokenKind::ColonWord(w) if w == "and" => BinaryOp::And,
            TokenKind::ColonWord(w) if w == "or" => BinaryOp::Or,
            TokenKind::Ident(s) => match s.to_ascii_lowercase().as_str() {
                "and" => BinaryOp::And,
                "or" => BinaryOp::Or,
                "mod" => BinaryOp::Modulo,
                _ => return None,
            },
            _ => return None,
        };
        Some(op)
    }

    /// Parses an expression whose infix operators all bind at least as tightly as `min_precedence`.
    fn expression(&mut self, min_precedence: u8) -> Expr {
        self.depth += 1;
        let expr = if self.depth > MAX_DEPTH {
            let span = self.here();
            self.error(
                "expression nested too deeply".into(),
                span.clone(),
                Some(format!(
                    "at most {MAX_DEPTH} levels of nesting are supported"
                )),
            );
            self.pos = self.tokens.len();
            Expr {
                kind: ExprKind::Error,
                span,
            }
        } else {
            let mut left = self.prefix();
            while let Some(op) = self.binary_op() {
                let precedence = op.precedence();
                if precedence < min_precedence {
                    break;
                }
                self.next();
                // `^` is right-associative; everything else associates to the left.
                let next_min = if op == BinaryOp::Power {
                    precedence
                } else {
                    precedence + 1
                };
                let right = self.expression(next_min);
                let span = left.span.start..right.span.end.max(left.span.end);
                left = Expr {
                    kind: ExprKind::Binary(op, Box::new(left), Box::new(right)),
                    span,
                };
            }
            left
        };
        self.depth -= 1;
        expr
    }

    fn prefix(&mut self) -> Expr {
        let Some(token) = self.peek().cloned() else {
            let span = self.end..self.end;
            self.error(
                "the expression ends too early".into(),
                span.clone(),
                Some("a value, a name or `(` was expected here".into()),
            );
            return Expr {
                kind: ExprKind::Error,
                span,
            };
        };
        let start = token.span.start;
        match token.kind {
            TokenKind::Number(value) => {
                self.next();
                Expr {
                    kind: ExprKind::Number(value),
                    span: token.span,
                }
            }
            TokenKind::Text(text) => {
                self.next();
                Expr {
                    kind: ExprKind::Text(text),
                    span: token.span,
                }
            }
            TokenKind::Minus | TokenKind::Plus => {
                self.next();
                let operand = self.expression(UNARY_PRECEDENCE);
                let op = if token.kind == TokenKind::Minus {
                    UnaryOp::Negate
                } else {
                    UnaryOp::Plus
                };
                Expr {
                    span: start..operand.span.end,
                    kind: ExprKind::Unary(op, Box::new(operand)),
                }
            }
            TokenKind::ColonWord(ref w) if w == "not" => self.not(start),
            TokenKind::Ident(ref word) if word.eq_ignore_ascii_case("not") => self.not(start),
            // No builtin is called `IF`, so `IF (c) THEN ...` is a conditional; Vensim's
            // `IF THEN ELSE(` reaches here already joined into one name.
            TokenKind::Ident(ref word) if word.eq_ignore_ascii_case("if") => {
                self.if_then_else(start)
            }
            TokenKind::Ident(name) | TokenKind::Quoted(name) => {
                self.next();
                match self.peek_kind() {
                    Some(TokenKind::LParen) => self.call(name, start),
                    Some(TokenKind::LBracket) => self.subscript(name, start),
                    _ => Expr {
                        kind: ExprKind::Name(name),
                        span: token.span,
                    },
                }
            }
            TokenKind::LParen => {
                self.next();
                let inner = self.expression(0);
                let end = self.expect_closing(TokenKind::RParen, "`)`", start);
                Expr {
                    kind: inner.kind,
                    span: start..end,
                }
            }
            other => {
                let closer = matches!(
                    other,
                    TokenKind::RParen | TokenKind::Comma | TokenKind::RBracket
                );
                let message = match other {
                    TokenKind::Unterminated(what) => format!("unterminated {what}"),
                    _ => format!("expected a value but found {}", describe(&other)),
                };
                self.error(
                    message,
                    token.span.clone(),
                    Some("a value, a name or `(` was expected here".into()),
                );
                if closer {
                    return Expr {
                        kind: ExprKind::Error,
                        span: token.span,
                    };
                }
                // Skip the stray tokens, then read the operand that should follow, so that one
                // mistake gives one diagnostic.
                while self
                    .peek_kind()
                    .is_some_and(|k| !starts_operand(k) && !is_closer(k))
                {
                    self.next();
                }
                let end = if self.peek_kind().is_some_and(starts_operand) {
                    self.prefix().span.end
                } else {
                    token.span.end
                };
                Expr {
                    kind: ExprKind::Error,
                    span: start..end,
                }
            }
        }
    }

    fn not(&mut self, start: usize) -> Expr {
        self.next();
        let operand = self.expression(UNARY_PRECEDENCE);
        Expr {
            span: start..operand.span.end,
            kind: ExprKind::Unary(UnaryOp::Not, Box::new(operand)),
        }
    }

    fn if_then_else(&mut self, start: usize) -> Expr {
        self.next();
        let condition = self.expression(0);
        self.expect_keyword("then");
        let then = self.expression(0);
        self.expect_keyword("else");
        let otherwise = self.expression(0);
        Expr {
            span: start..otherwise.span.end.max(then.span.end),
            kind: ExprKind::If(Box::new(condition), Box::new(then), Box::new(otherwise)),
        }
    }

    fn expect_keyword(&mut self, word: &str) {
        if self.is_keyword(word) {
            self.next();
        } else {
            let span = self.here();
            let found = self
                .peek()
                .map_or("the end of the equation".to_string(), |t| describe(&t.kind));
            self.error(
                format!("expected `{}` but found {found}", word.to_ascii_uppercase()),
                span,
                Some("IF condition THEN value ELSE value".into()),
            );
        }
    }

    /// Consumes the closing token or reports it missing; returns the end of the construct.
    fn expect_closing(&mut self, closing: TokenKind, what: &str, open: usize) -> usize {
        if self.peek_kind() == Some(&closing) {
            return self.next().map_or(self.end, |t| t.span.end);
        }
        let span = self.here();
        let found = self
            .peek()
            .map_or("the end of the equation".to_string(), |t| describe(&t.kind));
        self.error(
            format!("expected {what} but found {found}"),
            span.clone(),
            Some(format!("the bracket opened at byte {open} is not closed")),
        );
        span.start
    }

    fn call(&mut self, name: String, start: usize) -> Expr {
        self.next(); // `(`
        let mut args = Vec::new();
        if self.peek_kind() == Some(&TokenKind::RParen) {
            let end = self.next().map_or(self.end, |t| t.span.end);
            return Expr {
                kind: ExprKind::Call { name, args },
                span: start..end,
            };
        }
        loop {
            let before = self.pos;
            args.push(self.expression(0));
            match self.peek_kind() {
                Some(TokenKind::Comma) => {
                    self.next();
                }
                Some(TokenKind::RParen) | None => break,
                Some(_) => {
                    let span = self.here();
                    self.error(
                        "expected `,` or `)` in the argument list".into(),
                        span,
                        None,
                    );
                    self.skip_to_argument_end();
                    if self.pos == before {
                        break;
                    }
                    if self.peek_kind() == Some(&TokenKind::Comma) {
                        self.next();
                    } else {
                        break;
                    }
                }
            }
        }
        let end = self.expect_closing(TokenKind::RParen, "`)`", start);
        Expr {
            kind: ExprKind::Call { name, args },
            span: start..end,
        }
    }

    /// The dimension name after `*:`.
    fn wildcard_of(&mut self) -> Index {
        match self.peek().cloned() {
            Some(Token {
                kind: TokenKind::Ident(name) | TokenKind::Quoted(name),
                ..
            }) => {
                self.next();
                Index::WildcardOf(name)
            }
            other => {
                let span = other.map_or(self.end..self.end, |t| t.span);
                self.error(
                    "expected a dimension name after `*:`".into(),
                    span,
                    Some("`*:name` takes every element of dimension or subrange `name`".into()),
                );
                Index::Wildcard
            }
        }
    }

    fn skip_to_argument_end(&mut self) {
        let mut depth = 0usize;
        while let Some(kind) = self.peek_kind() {
            match kind {
                TokenKind::LParen => depth += 1,
                TokenKind::RParen if depth == 0 => return,
                TokenKind::RParen => depth -= 1,
                TokenKind::Comma if depth == 0 => return,
                _ => {}
            }
            self.pos += 1;
        }
    }

    fn subscript(&mut self, name: String, start: usize) -> Expr {
        self.next(); // `[`
        let mut indices = Vec::new();
        loop {
            if self.peek_kind() == Some(&TokenKind::Star) {
                self.next();
                if self.peek_kind() == Some(&TokenKind::Colon) {
                    self.next();
                    indices.push(self.wildcard_of());
                } else {
                    indices.push(Index::Wildcard);
                }
            } else {
                let first = self.expression(0);
                if let (ExprKind::Name(name), Some(TokenKind::Unknown('!'))) =
                    (&first.kind, self.peek_kind())
                {
                    // Vensim's `sub!`: the same as `*:sub`.
                    let name = name.clone();
                    self.next();
                    indices.push(Index::WildcardOf(name));
                } else if self.peek_kind() == Some(&TokenKind::Colon) {
                    self.next();
                    let last = self.expression(0);
                    indices.push(Index::Range(first, last));
                } else {
                    indices.push(Index::Expr(first));
                }
            }
            if self.peek_kind() == Some(&TokenKind::Comma) {
                self.next();
            } else {
                break;
            }
        }
        let end = self.expect_closing(TokenKind::RBracket, "`]`", start);
        Expr {
            kind: ExprKind::Subscript { name, indices },
            span: start..end,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::equation::print;

    fn round(text: &str) -> String {
        let (expr, errors) = parse(text);
        assert!(errors.is_empty(), "{text}: {errors:?}");
        print(&expr.unwrap())
    }

    #[test]
    fn precedence_and_associativity() {
        assert_eq!(round("-2^2"), "-(2 ^ 2)");
        assert_eq!(round("2^3^2"), "2 ^ (3 ^ 2)");
        assert_eq!(round("10-4-3"), "10 - 4 - 3");
        assert_eq!(round("10-(4-3)"), "10 - (4 - 3)");
        assert_eq!(round("a*b/c"), "a * b / c");
        assert_eq!(round("--x"), "--x");
        assert_eq!(round("a + b * c"), "a + (b * c)");
        assert_eq!(round("NOT a = b"), "(NOT a) = b");
        assert_eq!(round("a < b AND c OR d"), "((a < b) AND c) OR d");
        assert_eq!(round("7 mod 3 * 2"), "7 MOD 3 * 2");
        assert_eq!(round("a <> b <> c"), "a <> b <> c");
    }

    #[test]
    fn if_then_else_both_spellings() {
        assert_eq!(round("IF a > 1 THEN 2 ELSE 3"), "IF a > 1 THEN 2 ELSE 3");
        assert_eq!(round("IF THEN ELSE(a, 2, 3)"), "IF_THEN_ELSE(a, 2, 3)");
        assert_eq!(
            round("1 + if x then 2 else 3 + 4"),
            "1 + (IF x THEN 2 ELSE 3 + 4)"
        );
    }

    #[test]
    fn calls_subscripts_and_quoted_names() {
        assert_eq!(round("SUM(a[*, b])"), "SUM(a[*, b])");
        assert_eq!(round("\"Heat Loss\" / 2"), "\"Heat Loss\" / 2");
        assert_eq!(round("PI()"), "PI()");
        assert_eq!(round("a[*:sub, 1:3]"), "a[*:sub, 1:3]");
        assert_eq!(round("SUM(a[sub!, b])"), "SUM(a[*:sub, b])");
        assert_eq!(
            round("GET_XLS_DATA('a b.xls', 'B2')"),
            "GET_XLS_DATA('a b.xls', 'B2')"
        );
        assert_eq!(round("a[x.b : x.c]"), "a[x.b:x.c]");
        let (_, errors) = parse("a[*:]");
        assert_eq!(errors.len(), 1);
    }

    #[test]
    fn errors_are_located_and_all_reported() {
        let (_, errors) = parse("a + * b");
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].span, 4..5);
        let (_, errors) = parse("max(a b, , c");
        assert!(errors.len() >= 2, "{errors:?}");
        let (_, errors) = parse("IF a THEN b");
        assert!(errors[0].message.contains("ELSE"));
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let text = "(".repeat(100_000);
        let (_, errors) = parse(&text);
        assert!(!errors.is_empty());
    }

    /// Found by the fuzzer: printing must not nest deeper than the source, or a long chain that
    /// parses would print to text that no longer does.
    #[test]
    fn long_chains_print_without_extra_nesting() {
        let unary = format!("{}or", "+".repeat(200));
        assert_eq!(round(&round(&unary)), round(&unary));
        let sum = (0..400)
            .map(|i| format!("x{i}"))
            .collect::<Vec<_>>()
            .join(" + ");
        assert_eq!(round(&sum), sum);
    }

    #[test]
    fn empty_and_comment_only_equations_have_no_expression() {
        assert_eq!(parse("  ").0, None);
        assert_eq!(parse("{Enter equation}").0, None);
    }
}
