//! Splits Vensim text into tokens with their byte spans in the file.
//!
//! Vensim names are runs of words separated by spaces, so `Teacup Temperature` is one token; a
//! line continuation (`\` at the end of a line) and any other whitespace inside a name count as one
//! space. The lexer never fails: characters no token starts with become [`TokenKind::Unknown`],
//! and an unterminated quote becomes [`TokenKind::Unterminated`], for the reader to report.

use std::ops::Range;

/// One token and its byte range in the file.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Token {
    pub kind: TokenKind,
    pub span: Range<usize>,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum TokenKind {
    /// A name: unquoted words joined by single spaces, or a quoted name without its quotes.
    Name { text: String, quoted: bool },
    /// A number literal.
    Number(f64),
    /// A `'single-quoted'` string (file names and cell ranges of the data functions).
    Text(String),
    /// `:WORD:` keywords such as `:AND:`, `:EXCEPT:`, `:THE CONDITION:`, upper-cased, single spaces.
    Keyword(String),
    /// Punctuation and operators, as written (`(`, `<=`, `->`, `:=`, ...).
    Symbol(&'static str),
    /// A character no token starts with.
    Unknown(char),
    /// An unterminated quoted name or string; the payload says which.
    Unterminated(&'static str),
}

/// The colon keywords Vensim knows; anything else between colons is a plain `:` (a subscript
/// range definition or a macro's output list).
const KEYWORDS: &[&str] = &[
    "AND",
    "OR",
    "NOT",
    "NA",
    "EXCEPT",
    "THE CONDITION",
    "IMPLIES",
    "TEST INPUT",
    "INTERPOLATE",
    "RAW",
    "HOLD BACKWARD",
    "LOOK FORWARD",
    "SUPPLEMENTARY",
    "MACRO",
    "END OF MACRO",
];

const SYMBOLS: &[&str] = &[
    "<->", "<=", ">=", "<>", "==", ":=", "->", "(", ")", "[", "]", ",", ";", "+", "-", "*", "/",
    "^", "=", "<", ">", "!", ":",
];

/// Tokenizes `source[range]`; spans are offsets into `source`.
pub(crate) fn tokenize(source: &str, range: Range<usize>) -> Vec<Token> {
    let mut lexer = Lexer {
        source,
        pos: range.start,
        end: range.end.min(source.len()),
        tokens: Vec::new(),
    };
    lexer.run();
    lexer.tokens
}

struct Lexer<'a> {
    source: &'a str,
    pos: usize,
    end: usize,
    tokens: Vec<Token>,
}

fn is_word_start(c: char) -> bool {
    c.is_alphabetic() || c == '_' || c == '$'
}

fn is_word_continue(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '$' || c == '\'' || c == '.'
}

impl Lexer<'_> {
    fn rest(&self) -> &str {
        &self.source[self.pos..self.end]
    }

    fn peek(&self) -> Option<char> {
        self.rest().chars().next()
    }

    fn push(&mut self, kind: TokenKind, start: usize) {
        self.tokens.push(Token {
            kind,
            span: start..self.pos,
        });
    }

    /// Length of the whitespace (including line continuations and `{...}` comments) at `at`.
    fn blank_len(&self, at: usize) -> usize {
        let text = &self.source[at..self.end];
        let mut i = 0;
        loop {
            let rest = &text[i..];
            if let Some(c) = rest.chars().next().filter(|c| c.is_whitespace()) {
                i += c.len_utf8();
            } else if let Some(after) = rest.strip_prefix('\\') {
                let trimmed = after.trim_start_matches([' ', '\t', '\r']);
                if trimmed.starts_with('\n') {
                    i += rest.len() - trimmed.len() + 1;
                } else {
                    return i;
                }
            } else if rest.starts_with('{') {
                match rest.find('}') {
                    Some(close) => i += close + 1,
                    None => return i,
                }
            } else {
                return i;
            }
        }
    }

    fn run(&mut self) {
        while self.pos < self.end {
            let blank = self.blank_len(self.pos);
            if blank > 0 {
                self.pos += blank;
                continue;
            }
            let start = self.pos;
            let Some(c) = self.peek() else { break };
            if c == '{' {
                // An unclosed `{` comment: report it rather than lose the rest silently.
                self.pos = self.end;
                self.push(TokenKind::Unterminated("comment `{`"), start);
            } else if c == '"' {
                self.quoted(start);
            } else if c == '\'' {
                self.string(start);
            } else if c.is_ascii_digit()
                || (c == '.' && self.rest()[1..].starts_with(|d: char| d.is_ascii_digit()))
            {
                self.number(start);
            } else if is_word_start(c) {
                self.name(start);
            } else if c == ':' && self.keyword(start) {
            } else if let Some(symbol) = SYMBOLS.iter().find(|s| self.rest().starts_with(**s)) {
                self.pos += symbol.len();
                self.push(TokenKind::Symbol(symbol), start);
            } else {
                self.pos += c.len_utf8();
                self.push(TokenKind::Unknown(c), start);
            }
        }
    }

    fn quoted(&mut self, start: usize) {
        let bytes = self.source.as_bytes();
        let mut i = start + 1;
        let mut text = String::new();
        while i < self.end {
            match bytes[i] {
                b'\\' if i + 1 < self.end && (bytes[i + 1] == b'"' || bytes[i + 1] == b'\\') => {
                    text.push(bytes[i + 1] as char);
                    i += 2;
                }
                b'"' => {
                    self.pos = i + 1;
                    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
                    self.push(TokenKind::Name { text, quoted: true }, start);
                    return;
                }
                _ => {
                    let c = self.source[i..].chars().next().unwrap_or(' ');
                    text.push(c);
                    i += c.len_utf8();
                }
            }
        }
        self.pos = self.end;
        self.push(TokenKind::Unterminated("quoted name"), start);
    }

    fn string(&mut self, start: usize) {
        match self.source[start + 1..self.end].find('\'') {
            Some(close) => {
                let text = self.source[start + 1..start + 1 + close].to_string();
                self.pos = start + close + 2;
                self.push(TokenKind::Text(text), start);
            }
            None => {
                self.pos = self.end;
                self.push(TokenKind::Unterminated("string"), start);
            }
        }
    }

    fn number(&mut self, start: usize) {
        let bytes = self.source.as_bytes();
        let mut i = start;
        let digits = |i: &mut usize| {
            while *i < self.end && bytes[*i].is_ascii_digit() {
                *i += 1;
            }
        };
        digits(&mut i);
        if i < self.end && bytes[i] == b'.' {
            i += 1;
            digits(&mut i);
        }
        if i < self.end && (bytes[i] == b'e' || bytes[i] == b'E') {
            let mut j = i + 1;
            if j < self.end && (bytes[j] == b'+' || bytes[j] == b'-') {
                j += 1;
            }
            if j < self.end && bytes[j].is_ascii_digit() {
                digits(&mut j);
                i = j;
            }
        }
        let value = self.source[start..i].parse::<f64>().unwrap_or(f64::NAN);
        self.pos = i;
        self.push(TokenKind::Number(value), start);
    }

    /// A name: words (letters, digits, `_`, `$`, `'`, `.`) joined across whitespace.
    fn name(&mut self, start: usize) {
        let mut words: Vec<&str> = Vec::new();
        let mut end = start;
        loop {
            let word_end = self.source[end..self.end]
                .char_indices()
                .find(|&(_, c)| !is_word_continue(c))
                .map_or(self.end, |(i, _)| end + i);
            words.push(&self.source[end..word_end]);
            self.pos = word_end;
            let blank = self.blank_len(word_end);
            let next = self.source[word_end + blank..self.end].chars().next();
            if blank > 0 && next.is_some_and(|c| is_word_start(c) || c.is_ascii_digit()) {
                end = word_end + blank;
            } else {
                break;
            }
        }
        self.push(
            TokenKind::Name {
                text: words.join(" "),
                quoted: false,
            },
            start,
        );
    }

    /// A `:KEYWORD:` if one starts here; returns whether it consumed one.
    fn keyword(&mut self, start: usize) -> bool {
        let inner = &self.source[start + 1..self.end];
        let Some(close) = inner.find(':') else {
            return false;
        };
        let word = inner[..close]
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_ascii_uppercase();
        if !KEYWORDS.contains(&word.as_str()) {
            return false;
        }
        self.pos = start + close + 2;
        self.push(TokenKind::Keyword(word), start);
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<TokenKind> {
        tokenize(text, 0..text.len())
            .into_iter()
            .map(|t| t.kind)
            .collect()
    }

    fn name(text: &str) -> TokenKind {
        TokenKind::Name {
            text: text.into(),
            quoted: false,
        }
    }

    #[test]
    fn names_span_words_and_continuations() {
        assert_eq!(
            kinds("Heat Loss to \\\n\t\tRoom / 2"),
            vec![
                name("Heat Loss to Room"),
                TokenKind::Symbol("/"),
                TokenKind::Number(2.0)
            ]
        );
        assert_eq!(
            kinds("IF THEN ELSE(Time<5"),
            vec![
                name("IF THEN ELSE"),
                TokenKind::Symbol("("),
                name("Time"),
                TokenKind::Symbol("<"),
                TokenKind::Number(5.0)
            ]
        );
    }

    #[test]
    fn keywords_strings_and_quotes() {
        assert_eq!(
            kinds("a :AND: :not: b"),
            vec![
                name("a"),
                TokenKind::Keyword("AND".into()),
                TokenKind::Keyword("NOT".into()),
                name("b")
            ]
        );
        assert_eq!(
            kinds("dim: a"),
            vec![name("dim"), TokenKind::Symbol(":"), name("a")]
        );
        assert_eq!(
            kinds("'data.xlsx' \"a \\\" b\""),
            vec![
                TokenKind::Text("data.xlsx".into()),
                TokenKind::Name {
                    text: "a \" b".into(),
                    quoted: true
                }
            ]
        );
        assert_eq!(kinds("\"open")[0], TokenKind::Unterminated("quoted name"));
    }

    #[test]
    fn numbers_and_symbols() {
        assert_eq!(
            kinds("1e+09<->.5 -> x[d!]"),
            vec![
                TokenKind::Number(1e9),
                TokenKind::Symbol("<->"),
                TokenKind::Number(0.5),
                TokenKind::Symbol("->"),
                name("x"),
                TokenKind::Symbol("["),
                name("d"),
                TokenKind::Symbol("!"),
                TokenKind::Symbol("]"),
            ]
        );
    }

    #[test]
    fn spans_are_file_offsets() {
        let text = "xx = Heat  Loss";
        let tokens = tokenize(text, 5..text.len());
        assert_eq!(tokens[0].span, 5..15);
    }
}
