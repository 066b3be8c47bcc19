//! Splits equation text into tokens. Never fails: unknown characters become `Unknown` tokens that
//! the parser reports with their span.

use std::ops::Range;

/// One token and its byte span.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Token {
    pub kind: TokenKind,
    pub span: Range<usize>,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum TokenKind {
    Number(f64),
    /// An unquoted identifier, or a multi-word Vensim builtin name joined by single spaces.
    Ident(String),
    /// A `"quoted name"`, without its quotes.
    Quoted(String),
    /// A `'text literal'`, without its quotes.
    Text(String),
    Plus,
    Minus,
    Star,
    Slash,
    Caret,
    LParen,
    RParen,
    LBracket,
    RBracket,
    Comma,
    /// A `:` that does not open a Vensim `:AND:`-style word: array slicing (`a[1:3]`, `a[*:sub]`).
    Colon,
    Equal,
    NotEqual,
    Less,
    LessEqual,
    Greater,
    GreaterEqual,
    /// Vensim's `:AND:`, `:OR:`, `:NOT:` written with colons.
    ColonWord(String),
    /// A character no token starts with.
    Unknown(char),
    /// An unterminated quote or comment; the payload says which.
    Unterminated(&'static str),
}

/// Builtins that Vensim spells with spaces; when one of these is followed by `(` it lexes as a
/// single identifier, so `IF THEN ELSE(c, a, b)` and `DELAY FIXED(x, 2, 0)` parse as calls.
const MULTI_WORD_BUILTINS: &[&str] = &[
    "if then else",
    "delay fixed",
    "active initial",
    "pulse train",
    "random uniform",
    "random normal",
    "random poisson",
    "random exponential",
    "random lognormal",
    "smooth n",
    "delay n",
    "with lookup",
];

pub(crate) fn tokenize(text: &str) -> Vec<Token> {
    let bytes = text.as_bytes();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let c = text[i..].chars().next().unwrap_or(' ');
        let start = i;
        if c.is_whitespace() {
            i += c.len_utf8();
            continue;
        }
        // `{...}` is a comment in XMILE equations (Stella writes placeholders this way).
        if c == '{' {
            match text[i..].find('}') {
                Some(end) => i += end + 1,
                None => {
                    tokens.push(Token {
                        kind: TokenKind::Unterminated("comment"),
                        span: start..text.len(),
                    });
                    i = text.len();
                }
            }
            continue;
        }
        if c.is_ascii_digit() || (c == '.' && bytes.get(i + 1).is_some_and(u8::is_ascii_digit)) {
            let end = scan_number(bytes, i);
            let value = text[i..end].parse::<f64>().unwrap_or(f64::NAN);
            tokens.push(Token {
                kind: TokenKind::Number(value),
                span: start..end,
            });
            i = end;
            continue;
        }
        if c == '"' {
            let mut j = i + 1;
            let mut closed = false;
            while j < bytes.len() {
                match bytes[j] {
                    b'\\' => j += 2,
                    b'"' => {
                        closed = true;
                        break;
                    }
                    _ => j += 1,
                }
            }
            if closed {
                tokens.push(Token {
                    kind: TokenKind::Quoted(unescape(&text[i + 1..j])),
                    span: start..j + 1,
                });
                i = j + 1;
            } else {
                tokens.push(Token {
                    kind: TokenKind::Unterminated("quoted name"),
                    span: start..text.len(),
                });
                i = text.len();
            }
            continue;
        }
        if c == '\'' {
            match text[i + 1..].find('\'') {
                Some(end) => {
                    tokens.push(Token {
                        kind: TokenKind::Text(text[i + 1..i + 1 + end].to_string()),
                        span: start..i + end + 2,
                    });
                    i += end + 2;
                }
                None => {
                    tokens.push(Token {
                        kind: TokenKind::Unterminated("text literal"),
                        span: start..text.len(),
                    });
                    i = text.len();
                }
            }
            continue;
        }
        if is_ident_start(c) {
            let mut end = scan_ident(text, i);
            let mut word = text[i..end].to_string();
            if let Some(joined_end) = join_multi_word(text, i) {
                end = joined_end;
                word = text[i..end]
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ");
            }
            tokens.push(Token {
                kind: TokenKind::Ident(word),
                span: start..end,
            });
            i = end;
            continue;
        }
        if c == ':' {
            let end = text[i + 1..].find(':').map(|e| i + 1 + e);
            if let Some(end) = end {
                let word = &text[i + 1..end];
                if ["and", "or", "not"].contains(&word.to_ascii_lowercase().as_str()) {
                    tokens.push(Token {
                        kind: TokenKind::ColonWord(word.to_ascii_lowercase()),
                        span: start..end + 1,
                    });
                    i = end + 1;
                    continue;
                }
            }
        }
        let two = text.get(i..i + 2).unwrap_or("");
        let (kind, len) = match two {
            "<>" => (TokenKind::NotEqual, 2),
            "<=" => (TokenKind::LessEqual, 2),
            ">=" => (TokenKind::GreaterEqual, 2),
            "==" => (TokenKind::Equal, 2),
            "!=" => (TokenKind::NotEqual, 2),
            _ => match c {
                '+' => (TokenKind::Plus, 1),
                '-' => (TokenKind::Minus, 1),
                '*' => (TokenKind::Star, 1),
                '/' => (TokenKind::Slash, 1),
                '^' => (TokenKind::Caret, 1),
                '(' => (TokenKind::LParen, 1),
                ')' => (TokenKind::RParen, 1),
                '[' => (TokenKind::LBracket, 1),
                ']' => (TokenKind::RBracket, 1),
                ',' => (TokenKind::Comma, 1),
                ':' => (TokenKind::Colon, 1),
                '=' => (TokenKind::Equal, 1),
                '<' => (TokenKind::Less, 1),
                '>' => (TokenKind::Greater, 1),
                other => (TokenKind::Unknown(other), other.len_utf8()),
            },
        };
        tokens.push(Token {
            kind,
            span: start..start + len,
        });
        i += len;
    }
    tokens
}

/// Undoes `\"` and `\\` inside a quoted name; other backslashes (Vensim's `\n`) stay.
fn unescape(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\' {
            if let Some(&next) = chars.peek() {
                if next == '"' || next == '\\' {
                    out.push(next);
                    chars.next();
                    continue;
                }
            }
        }
        out.push(c);
    }
    out
}

fn is_ident_start(c: char) -> bool {
    c.is_alphabetic() || c == '_' || c == '$'
}

fn is_ident_continue(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '$' || c == '.' || c == '\''
}

fn scan_ident(text: &str, start: usize) -> usize {
    let mut end = start;
    for c in text[start..].chars() {
        if !is_ident_continue(c) {
            break;
        }
        end += c.len_utf8();
    }
    // A trailing dot belongs to no name (`x.` is never a module path).
    while end > start + 1 && text[..end].ends_with('.') {
        end -= 1;
    }
    end
}

fn scan_number(bytes: &[u8], start: usize) -> usize {
    let mut i = start;
    while i < bytes.len() && bytes[i].is_ascii_digit() {
        i += 1;
    }
    if i < bytes.len() && bytes[i] == b'.' {
        i += 1;
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            i += 1;
        }
    }
    if i < bytes.len() && (bytes[i] == b'e' || bytes[i] == b'E') {
        let mut j = i + 1;
        if j < bytes.len() && (bytes[j] == b'+' || bytes[j] == b'-') {
            j += 1;
        }
        if j < bytes.len() && bytes[j].is_ascii_digit() {
            while j < bytes.len() && bytes[j].is_ascii_digit() {
                j += 1;
            }
            i = j;
        }
    }
    i
}

/// If a multi-word builtin name starts at `start` and is followed by `(`, returns the end of the
/// name (before the parenthesis).
fn join_multi_word(text: &str, start: usize) -> Option<usize> {
    let rest = &text[start..];
    'candidates: for candidate in MULTI_WORD_BUILTINS {
        let mut pos = 0;
        for (k, word) in candidate.split(' ').enumerate() {
            if k > 0 {
                let spaces = rest[pos..].len() - rest[pos..].trim_start().len();
                if spaces == 0 {
                    continue 'candidates;
                }
                pos += spaces;
            }
            let end = pos + word.len();
            match rest.get(pos..end) {
                Some(found) if found.eq_ignore_ascii_case(word) => pos = end,
                _ => continue 'candidates,
            }
            if rest[pos..]
                .chars()
                .next()
                .is_some_and(|c| is_ident_continue(c) && c != '.')
            {
                continue 'candidates;
            }
        }
        if rest[pos..].trim_start().starts_with('(') {
            return Some(start + pos);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<TokenKind> {
        tokenize(text).into_iter().map(|t| t.kind).collect()
    }

    #[test]
    fn numbers_in_every_spelling() {
        assert_eq!(
            kinds(".24 007 1e-3 2.4E2 3e"),
            vec![
                TokenKind::Number(0.24),
                TokenKind::Number(7.0),
                TokenKind::Number(0.001),
                TokenKind::Number(240.0),
                TokenKind::Number(3.0),
                TokenKind::Ident("e".into()),
            ]
        );
    }

    #[test]
    fn multi_word_builtins_join_only_before_a_parenthesis() {
        assert_eq!(
            kinds("IF  THEN ELSE(")[0],
            TokenKind::Ident("IF THEN ELSE".into())
        );
        assert_eq!(
            kinds("IF a THEN b ELSE c")[0],
            TokenKind::Ident("IF".into())
        );
    }

    #[test]
    fn comments_and_quotes() {
        assert_eq!(
            kinds("{note} \"a \\\" b\" <> x"),
            vec![
                TokenKind::Quoted("a \" b".into()),
                TokenKind::NotEqual,
                TokenKind::Ident("x".into())
            ]
        );
        assert_eq!(kinds("{open")[0], TokenKind::Unterminated("comment"));
    }
}
