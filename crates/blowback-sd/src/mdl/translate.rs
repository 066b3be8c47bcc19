//! Translates a Vensim expression, token by token, into the engine's equation syntax, keeping for
//! every translated piece the file range it came from so the compiler's diagnostics land on the
//! `.mdl` text.
//!
//! The two syntaxes differ only in spelling, so a token maps to a token: names with spaces become
//! names with underscores (or quoted names when they hold other characters), `IF THEN ELSE(` becomes
//! `IF_THEN_ELSE(`, `:AND:`, `:OR:` and `:NOT:` become `AND`, `OR` and `NOT`, and `:NA:` becomes
//! Vensim's NA number. Operator precedence is the same in both.

use std::ops::Range;

use super::lex::{Token, TokenKind};
use crate::diagnostic::{Diagnostic, DiagnosticKind};
use crate::model::Equation;

/// Vensim's `:NA:` value (-2^109 in single precision terms: what Vensim stores for "not available").
pub(crate) const NA: f64 = -1.298_074_214_633_707e33;

/// Words that are operators or keywords in the engine's syntax; names spelled so are quoted.
const RESERVED: &[&str] = &["if", "then", "else", "and", "or", "not", "mod"];

/// An equation being built: text plus where each piece came from.
#[derive(Default)]
pub(crate) struct Builder {
    text: String,
    map: Vec<(Range<usize>, Range<usize>)>,
}

impl Builder {
    /// Appends `piece`, which came from `file` in the source.
    pub fn push(&mut self, piece: &str, file: Range<usize>) {
        let start = self.text.len();
        self.text.push_str(piece);
        self.map.push((start..self.text.len(), file));
    }

    /// Appends text that stands for nothing in the source (a separator).
    pub fn push_plain(&mut self, piece: &str) {
        self.text.push_str(piece);
    }

    pub fn finish(self) -> Equation {
        let offset = self.map.first().map(|(_, file)| file.start);
        Equation {
            text: self.text,
            offset,
            element: None,
            source_map: self.map,
        }
    }
}

/// How a name is written in the engine's syntax: underscores for spaces when that gives a plain
/// identifier, a quoted name otherwise.
pub(crate) fn engine_name(name: &str) -> String {
    let joined = name.replace(' ', "_");
    let plain = joined
        .chars()
        .next()
        .is_some_and(|c| c.is_alphabetic() || c == '_' || c == '$')
        && joined
            .chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '$' || c == '\'')
        && !RESERVED.contains(&joined.to_ascii_lowercase().as_str());
    if plain {
        joined
    } else {
        let mut out = String::with_capacity(name.len() + 2);
        out.push('"');
        for c in name.chars() {
            if c == '"' || c == '\\' {
                out.push('\\');
            }
            out.push(c);
        }
        out.push('"');
        out
    }
}

/// Writes a number so that the engine reads back the same value.
pub(crate) fn engine_number(value: f64) -> String {
    if value.is_nan() {
        "(0/0)".into()
    } else if value.fract() == 0.0 && value.abs() < 1e15 {
        format!("{}", value as i64)
    } else {
        format!("{value:?}")
    }
}

fn is_operand_end(kind: &TokenKind) -> bool {
    matches!(
        kind,
        TokenKind::Name { .. }
            | TokenKind::Number(_)
            | TokenKind::Text(_)
            | TokenKind::Symbol(")" | "]" | "!")
    ) || matches!(kind, TokenKind::Keyword(k) if k == "NA")
}

/// Translates an expression's tokens. Problems that are Vensim-specific (keywords out of place,
/// stray characters) are reported here; everything else is left for the engine's parser, whose
/// errors map back through the equation's source map.
pub(crate) fn translate(
    source: &str,
    tokens: &[Token],
    variable: &str,
    diagnostics: &mut Vec<Diagnostic>,
) -> Equation {
    translate_renaming(source, tokens, variable, &|_| None, diagnostics)
}

/// [`translate`], writing the names `rename` gives a new name for (it is passed each name as
/// written) under that name.
pub(crate) fn translate_renaming(
    source: &str,
    tokens: &[Token],
    variable: &str,
    rename: &dyn Fn(&str) -> Option<String>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Equation {
    let mut out = Builder::default();
    let mut previous: Option<&TokenKind> = None;
    // Parentheses to close after each token: Vensim's `:NOT:` applies to the whole comparison
    // after it (`:NOT: a > b` is `NOT (a > b)`), where the engine's NOT binds like a minus sign.
    let mut closers = vec![0usize; tokens.len()];
    // A subscripted lookup call `table[a](x)` is written `LOOKUP(table[a], x)`: the table's name
    // gets `LOOKUP(` before it and the call's `(` becomes a comma.
    let mut lookup_names = vec![false; tokens.len()];
    let mut lookup_calls = vec![false; tokens.len()];
    for (i, token) in tokens.iter().enumerate() {
        if matches!(&token.kind, TokenKind::Name { .. }) && is_symbol(tokens.get(i + 1), "[") {
            if let Some(close) = matching(tokens, i + 1) {
                if is_symbol(tokens.get(close + 1), "(") {
                    lookup_names[i] = true;
                    lookup_calls[close + 1] = true;
                }
            }
        }
    }
    for (i, token) in tokens.iter().enumerate() {
        let span = token.span.clone();
        if lookup_names[i] {
            if previous.is_some_and(|p| !matches!(p, TokenKind::Symbol("(" | "["))) {
                out.push_plain(" ");
            }
            out.push("LOOKUP(", span.start..span.start);
            previous = Some(&TokenKind::Symbol("("));
        }
        if lookup_calls[i] {
            out.push(",", span);
            previous = Some(&TokenKind::Symbol(","));
            continue;
        }
        // Spacing: none after an opening bracket or a prefix operator, none before closers.
        let tight_before = matches!(token.kind, TokenKind::Symbol(")" | "]" | "," | ";" | "!"))
            || (matches!(token.kind, TokenKind::Symbol("(" | "["))
                && previous.is_some_and(|p| matches!(p, TokenKind::Name { .. })));
        let after_open = previous.is_some_and(|p| matches!(p, TokenKind::Symbol("(" | "[")));
        let after_prefix = previous.is_some_and(|p| {
            matches!(p, TokenKind::Symbol("-" | "+")) && {
                let before = i.checked_sub(2).map(|k| &tokens[k].kind);
                !before.is_some_and(is_operand_end)
            }
        });
        if previous.is_some() && !tight_before && !after_open && !after_prefix {
            out.push_plain(" ");
        }
        match &token.kind {
            TokenKind::Name { text, .. } => match rename(text) {
                Some(to) => out.push(&engine_name(&to), span),
                None => out.push(&engine_name(text), span),
            },
            TokenKind::Number(_) => out.push(&source[span.clone()], span),
            TokenKind::Keyword(word) => match word.as_str() {
                "AND" | "OR" => out.push(word, span),
                "NOT" => {
                    out.push("NOT (", span);
                    let end = not_operand_end(tokens, i + 1);
                    if end > i + 1 {
                        closers[end - 1] += 1;
                    } else {
                        out.push_plain(")");
                    }
                    previous = Some(&TokenKind::Symbol("("));
                    continue;
                }
                "NA" => out.push(&format!("({})", engine_number(NA)), span),
                _ => {
                    diagnostics.push(
                        Diagnostic::error(
                            DiagnosticKind::Syntax,
                            format!("`:{word}:` cannot appear inside an expression"),
                        )
                        .with_variable(variable)
                        .with_span(Some(span.clone())),
                    );
                    // A neutral value, so this one mistake gives one diagnostic.
                    out.push("0", span);
                }
            },
            TokenKind::Symbol(symbol) => out.push(symbol, span),
            TokenKind::Text(text) => {
                // The engine's syntax has no strings; data functions take them (see the engine's
                // builtin table), written as Vensim does.
                out.push(&format!("'{text}'"), span);
            }
            TokenKind::Unknown(_) | TokenKind::Unterminated(_) => {
                out.push(&source[span.clone()], span);
            }
        }
        for _ in 0..closers[i] {
            out.push_plain(")");
        }
        previous = Some(&token.kind);
    }
    out.finish()
}

fn is_symbol(token: Option<&Token>, expected: &str) -> bool {
    matches!(token, Some(Token { kind: TokenKind::Symbol(s), .. }) if *s == expected)
}

/// The index of the bracket closing the one at `open` (`(` or `[`), if any.
pub(crate) fn matching(tokens: &[Token], open: usize) -> Option<usize> {
    let (opener, closer) = match tokens.get(open)?.kind {
        TokenKind::Symbol("[") => ("[", "]"),
        TokenKind::Symbol("(") => ("(", ")"),
        _ => return None,
    };
    let mut depth = 0usize;
    for (k, token) in tokens.iter().enumerate().skip(open) {
        if is_symbol(Some(token), opener) {
            depth += 1;
        } else if is_symbol(Some(token), closer) {
            depth -= 1;
            if depth == 0 {
                return Some(k);
            }
        }
    }
    None
}

/// Where the operand of a `:NOT:` starting at `start` ends (exclusive): before the next `:AND:`,
/// `:OR:`, comma or unmatched closing bracket at its own depth.
fn not_operand_end(tokens: &[Token], start: usize) -> usize {
    let mut depth = 0usize;
    for (k, token) in tokens.iter().enumerate().skip(start) {
        match &token.kind {
            TokenKind::Symbol("(" | "[") => depth += 1,
            TokenKind::Symbol(")" | "]") if depth == 0 => return k,
            TokenKind::Symbol(")" | "]") => depth -= 1,
            TokenKind::Symbol("," | ";") if depth == 0 => return k,
            TokenKind::Keyword(word) if depth == 0 && (word == "AND" || word == "OR") => return k,
            _ => {}
        }
    }
    tokens.len()
}

#[cfg(test)]
mod tests {
    use super::super::lex::tokenize;
    use super::*;

    fn check(vensim: &str, engine: &str) {
        let tokens = tokenize(vensim, 0..vensim.len());
        let mut diagnostics = Vec::new();
        let equation = translate(vensim, &tokens, "x", &mut diagnostics);
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        assert_eq!(equation.text, engine);
    }

    #[test]
    fn spellings() {
        check(
            "(Teacup Temperature - Room Temperature) / Characteristic Time",
            "(Teacup_Temperature - Room_Temperature) / Characteristic_Time",
        );
        check(
            "IF THEN ELSE(a :AND: :NOT: b, -1, c[d1, e])",
            "IF_THEN_ELSE(a AND NOT (b), -1, c[d1, e])",
        );
        check("\"Absorption (GHA)\" * 2", "\"Absorption (GHA)\" * 2");
        check("and + a.b", "\"and\" + \"a.b\"");
        check("x - -y ^ 2", "x - -y ^ 2");
        check(
            ":NOT: a > 1 :AND: :NOT: (b) :OR: c",
            "NOT (a > 1) AND NOT ((b)) OR c",
        );
        check("tab[a, b](x + 1) * 2", "LOOKUP(tab[a, b], x + 1) * 2");
        check("f(tab[a](x))", "f(LOOKUP(tab[a], x))");
    }

    #[test]
    fn spans_map_back() {
        let text = "Heat Loss / ?";
        let tokens = tokenize(text, 0..text.len());
        let equation = translate(text, &tokens, "x", &mut Vec::new());
        let at = equation.text.find('?').unwrap();
        assert_eq!(equation.file_span(&(at..at + 1)), Some(12..13));
        assert_eq!(equation.file_span(&(0..9)), Some(0..9));
    }
}
