//! Unit strings as modelling tools write them, parsed into a product of named units with integer
//! exponents.
//!
//! One grammar covers the XMILE 1.0 unit equation and what Vensim and Stella accept:
//!
//! - `*` and `-` multiply, `/` and the word `per` divide (left to right, same precedence), `^` takes
//!   an integer exponent (`widget^2`, `s^-1`, `s^(-1)`), parentheses group: `$/(widget*year)`,
//!   `Meters/(Second-Second)`, `people per year`, `per year`.
//! - The number `1` is the identity (`1/year`); no other number stands alone.
//! - A name is one or more words: spaces and underscores separate words and are the same thing, so
//!   `thousand people` and `thousand_people` are one unit. Names are compared lower-cased and start
//!   with a letter (or any character but a digit or a point: `$` and `%` are units too).
//! - A Vensim range after the units (`Dmnl [0,1]`, `people [0,?]`) is not part of them and is
//!   dropped.
//!
//! Aliases (`Dmnl`, `years` and `Year`) are not resolved here: the parse keeps names as written
//! (lower-cased) so that printing gives back an equivalent string; the checker's unit context maps
//! names to primary units.

use std::collections::BTreeMap;
use std::fmt;
use std::ops::Range;

/// Exponents beyond this are refused: no real unit needs them, and the bound keeps arithmetic
/// on exponents far from overflow whatever the input.
const MAX_EXPONENT: i64 = 1_000_000;
/// Parentheses nested deeper than this are refused, so hostile input cannot exhaust the stack.
const MAX_DEPTH: usize = 64;

/// Units parsed from a unit string: each named unit with its (non-zero) integer exponent.
/// Dimensionless units have no factors.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Units {
    factors: BTreeMap<String, i64>,
}

impl Units {
    /// The named units and their exponents, by name. Names are lower-case words joined by single
    /// spaces, as the parser normalised them.
    pub fn factors(&self) -> impl Iterator<Item = (&str, i64)> {
        self.factors.iter().map(|(name, &e)| (name.as_str(), e))
    }

    /// Whether there are no named units at all (the string was `1`, or its units cancelled).
    /// Names that mean "dimensionless" (`Dmnl`) are still names here; the checker resolves them.
    pub fn is_empty(&self) -> bool {
        self.factors.is_empty()
    }
}

impl fmt::Display for Units {
    /// Prints the units so that [`parse_units`] gives them back: `a*b^2/(c*d)`, `1/year`, or `1`
    /// when empty.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let numerator: Vec<(&str, i64)> = self.factors().filter(|&(_, e)| e > 0).collect();
        let denominator: Vec<(&str, i64)> = self
            .factors()
            .filter(|&(_, e)| e < 0)
            .map(|(n, e)| (n, -e))
            .collect();
        write_product(f, &numerator, false)?;
        if !denominator.is_empty() {
            f.write_str("/")?;
            write_product(f, &denominator, denominator.len() > 1)?;
        }
        Ok(())
    }
}

/// Writes `a*b^2` (or `1` when empty), parenthesised on request.
fn write_product(f: &mut fmt::Formatter<'_>, factors: &[(&str, i64)], group: bool) -> fmt::Result {
    if factors.is_empty() {
        return f.write_str("1");
    }
    if group {
        f.write_str("(")?;
    }
    for (i, (name, exponent)) in factors.iter().enumerate() {
        if i > 0 {
            f.write_str("*")?;
        }
        f.write_str(name)?;
        if *exponent != 1 {
            write!(f, "^{exponent}")?;
        }
    }
    if group {
        f.write_str(")")?;
    }
    Ok(())
}

/// A unit string that does not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct UnitParseError {
    /// What is wrong.
    pub message: String,
    /// Byte range of the offending text in the unit string.
    pub span: Range<usize>,
}

/// Parses a unit string such as `people/year`, `$/(widget*year)`, `people per year` or `Dmnl`.
/// A trailing Vensim range (`[0,1]`) is ignored. Empty text is an error: callers decide what
/// missing units mean.
pub fn parse_units(text: &str) -> Result<Units, UnitParseError> {
    let text = match text.find('[') {
        Some(range_start) => &text[..range_start],
        None => text,
    };
    let tokens = tokenize(text);
    if tokens.is_empty() {
        return Err(UnitParseError {
            message: "no units are given".into(),
            span: 0..text.len(),
        });
    }
    let mut parser = Parser {
        tokens,
        pos: 0,
        depth: 0,
        end: text.len(),
    };
    let factors = parser.product()?;
    if let Some(token) = parser.tokens.get(parser.pos) {
        return Err(parser.error_at(
            token,
            format!("unexpected {} in the units", token.kind.describe()),
        ));
    }
    Ok(Units { factors })
}

#[derive(Debug, Clone, PartialEq)]
enum TokenKind {
    Word(String),
    Star,
    Minus,
    Plus,
    Slash,
    Caret,
    LParen,
    RParen,
}

impl TokenKind {
    fn describe(&self) -> String {
        match self {
            TokenKind::Word(w) => format!("`{w}`"),
            TokenKind::Star => "`*`".into(),
            TokenKind::Minus => "`-`".into(),
            TokenKind::Plus => "`+`".into(),
            TokenKind::Slash => "`/`".into(),
            TokenKind::Caret => "`^`".into(),
            TokenKind::LParen => "`(`".into(),
            TokenKind::RParen => "`)`".into(),
        }
    }
}

#[derive(Debug, Clone)]
struct Token {
    kind: TokenKind,
    span: Range<usize>,
}

/// Whitespace, underscores and quotes separate words; `* - + / ^ ( )` are operators; anything
/// else belongs to a word.
fn tokenize(text: &str) -> Vec<Token> {
    let mut tokens = Vec::new();
    let mut word_start: Option<usize> = None;
    for (i, c) in text.char_indices() {
        let operator = match c {
            '*' => Some(TokenKind::Star),
            '-' => Some(TokenKind::Minus),
            '+' => Some(TokenKind::Plus),
            '/' => Some(TokenKind::Slash),
            '^' => Some(TokenKind::Caret),
            '(' => Some(TokenKind::LParen),
            ')' => Some(TokenKind::RParen),
            _ => None,
        };
        let separator = c.is_whitespace() || c == '_' || c == '"';
        if operator.is_some() || separator {
            if let Some(start) = word_start.take() {
                tokens.push(Token {
                    kind: TokenKind::Word(text[start..i].to_lowercase()),
                    span: start..i,
                });
            }
            if let Some(kind) = operator {
                tokens.push(Token {
                    kind,
                    span: i..i + c.len_utf8(),
                });
            }
        } else if word_start.is_none() {
            word_start = Some(i);
        }
    }
    if let Some(start) = word_start {
        tokens.push(Token {
            kind: TokenKind::Word(text[start..].to_lowercase()),
            span: start..text.len(),
        });
    }
    tokens
}

fn is_per(kind: &TokenKind) -> bool {
    matches!(kind, TokenKind::Word(w) if w == "per")
}

/// The value of a word that starts with a digit or a point, if it is a number.
fn number(word: &str) -> Option<f64> {
    word.parse().ok()
}

type Factors = BTreeMap<String, i64>;

fn combine(into: &mut Factors, other: Factors, sign: i64) -> Option<()> {
    for (name, exponent) in other {
        let entry = into.entry(name).or_insert(0);
        *entry = entry.checked_add(exponent.checked_mul(sign)?)?;
        if entry.abs() > MAX_EXPONENT {
            return None;
        }
    }
    into.retain(|_, e| *e != 0);
    Some(())
}

struct Parser {
    tokens: Vec<Token>,
    pos: usize,
    depth: usize,
    end: usize,
}

impl Parser {
    fn peek(&self) -> Option<&TokenKind> {
        self.tokens.get(self.pos).map(|t| &t.kind)
    }

    fn error_at(&self, token: &Token, message: String) -> UnitParseError {
        UnitParseError {
            message,
            span: token.span.clone(),
        }
    }

    fn error_here(&self, message: &str) -> UnitParseError {
        let span = match self.tokens.get(self.pos) {
            Some(token) => token.span.clone(),
            None => self.end..self.end,
        };
        UnitParseError {
            message: message.to_string(),
            span,
        }
    }

    fn too_large(&self, span: Range<usize>) -> UnitParseError {
        UnitParseError {
            message: format!("exponents in units must stay within ±{MAX_EXPONENT}"),
            span,
        }
    }

    /// `['per'] power (('*' | '-' | '/' | 'per') power)*`
    fn product(&mut self) -> Result<Factors, UnitParseError> {
        let mut factors = Factors::new();
        let mut sign = 1;
        if self.peek().is_some_and(is_per) {
            self.pos += 1;
            sign = -1;
        }
        loop {
            let start = self.tokens.get(self.pos).map_or(self.end, |t| t.span.start);
            let next = self.power()?;
            combine(&mut factors, next, sign).ok_or_else(|| self.too_large(start..self.end))?;
            sign = match self.peek() {
                Some(TokenKind::Star | TokenKind::Minus) => 1,
                Some(TokenKind::Slash) => -1,
                Some(kind) if is_per(kind) => -1,
                _ => return Ok(factors),
            };
            self.pos += 1;
        }
    }

    /// `factor ['^' exponent]`
    fn power(&mut self) -> Result<Factors, UnitParseError> {
        let start = self.tokens.get(self.pos).map_or(self.end, |t| t.span.start);
        let mut factors = self.factor()?;
        if self.peek() == Some(&TokenKind::Caret) {
            self.pos += 1;
            let exponent = self.exponent()?;
            for e in factors.values_mut() {
                *e = e
                    .checked_mul(exponent)
                    .filter(|e| e.abs() <= MAX_EXPONENT)
                    .ok_or_else(|| self.too_large(start..self.end))?;
            }
            factors.retain(|_, e| *e != 0);
        }
        Ok(factors)
    }

    /// `'(' product ')'`, the number 1, or a name of one or more words.
    fn factor(&mut self) -> Result<Factors, UnitParseError> {
        let Some(token) = self.tokens.get(self.pos).cloned() else {
            return Err(self.error_here("the units end where a unit name was expected"));
        };
        match &token.kind {
            TokenKind::LParen => {
                if self.depth >= MAX_DEPTH {
                    return Err(self.error_at(&token, "parentheses are nested too deeply".into()));
                }
                self.pos += 1;
                self.depth += 1;
                let inner = self.product()?;
                self.depth -= 1;
                if self.peek() != Some(&TokenKind::RParen) {
                    return Err(self.error_here("a `)` is missing in the units"));
                }
                self.pos += 1;
                Ok(inner)
            }
            TokenKind::Word(first)
                if first.starts_with(|c: char| c.is_ascii_digit() || c == '.') =>
            {
                // A number stands alone; a unit name cannot start with a digit (`2 people` is a
                // scale factor, which units cannot express).
                self.pos += 1;
                match number(first) {
                    Some(1.0) => Ok(Factors::new()),
                    Some(_) => Err(self.error_at(
                        &token,
                        format!("`{first}` is a number; the only number units may contain is 1"),
                    )),
                    None => Err(self.error_at(
                        &token,
                        format!("`{first}`: a unit name must start with a letter"),
                    )),
                }
            }
            TokenKind::Word(_) if !is_per(&token.kind) => {
                let mut words = Vec::new();
                while let Some(Token {
                    kind: TokenKind::Word(word),
                    ..
                }) = self.tokens.get(self.pos)
                {
                    if word == "per" {
                        break;
                    }
                    words.push(word.clone());
                    self.pos += 1;
                }
                Ok(Factors::from([(words.join(" "), 1)]))
            }
            other => Err(self.error_at(
                &token,
                format!("expected a unit name, found {}", other.describe()),
            )),
        }
    }

    /// `['+' | '-'] integer`, optionally in parentheses.
    fn exponent(&mut self) -> Result<i64, UnitParseError> {
        let parenthesised = self.peek() == Some(&TokenKind::LParen);
        if parenthesised {
            self.pos += 1;
        }
        let mut sign = 1;
        match self.peek() {
            Some(TokenKind::Minus) => {
                sign = -1;
                self.pos += 1;
            }
            Some(TokenKind::Plus) => self.pos += 1,
            _ => {}
        }
        let Some(token) = self.tokens.get(self.pos).cloned() else {
            return Err(self.error_here("the units end where an exponent was expected"));
        };
        let value = match &token.kind {
            TokenKind::Word(word) => word
                .parse::<i64>()
                .ok()
                .filter(|v| v.abs() <= MAX_EXPONENT)
                .ok_or_else(|| {
                    self.error_at(
                        &token,
                        format!("the exponent `{word}` is not a whole number of modest size"),
                    )
                })?,
            other => {
                return Err(self.error_at(
                    &token,
                    format!("expected an exponent, found {}", other.describe()),
                ))
            }
        };
        self.pos += 1;
        if parenthesised {
            if self.peek() != Some(&TokenKind::RParen) {
                return Err(self.error_here("a `)` is missing after the exponent"));
            }
            self.pos += 1;
        }
        Ok(sign * value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn printed(text: &str) -> String {
        parse_units(text)
            .unwrap_or_else(|e| panic!("{text}: {e}"))
            .to_string()
    }

    #[test]
    fn vensim_style() {
        assert_eq!(printed("people/year"), "people/year");
        assert_eq!(printed("1/year"), "1/year");
        assert_eq!(printed("Dmnl"), "dmnl");
        assert_eq!(printed("$/(widget*year)"), "$/(widget*year)");
        assert_eq!(printed("widget^2"), "widget^2");
        assert_eq!(printed("Widgets/Month [0,?]"), "widgets/month");
        assert_eq!(printed("Dmnl [0,1,0.1]"), "dmnl");
        assert_eq!(printed("people*people/people"), "people");
        assert_eq!(printed("year/year"), "1");
    }

    #[test]
    fn stella_and_xmile_style() {
        assert_eq!(printed("people per year"), "people/year");
        assert_eq!(printed("per year"), "1/year");
        assert_eq!(printed("Months Per Year"), "months/year");
        assert_eq!(printed("Meters/(Second-Second)"), "meters/second^2");
        assert_eq!(printed("Meters/Second/Second"), "meters/second^2");
        assert_eq!(printed("US$/Months"), "us$/months");
        assert_eq!(printed("thousand_people / year"), "thousand people/year");
        assert_eq!(printed("s^-1"), "1/s");
        assert_eq!(printed("(m/s)^(-2)"), "s^2/m^2");
        assert_eq!(printed("1"), "1");
        assert_eq!(printed("%"), "%");
        assert_eq!(printed("CO2 2010/year"), "co2 2010/year");
    }

    #[test]
    fn errors_are_located() {
        let error = parse_units("people/(year").unwrap_err();
        assert!(error.message.contains("`)`"), "{error}");
        let error = parse_units("2/year").unwrap_err();
        assert_eq!(error.span, 0..1);
        let error = parse_units("m^x").unwrap_err();
        assert_eq!(error.span, 2..3);
        assert!(parse_units("people//year").is_err());
        assert!(parse_units("2 people").is_err());
        assert!(parse_units("1 year").is_err());
        assert!(parse_units("2nd shift").is_err());
        assert!(parse_units("").is_err());
        assert!(parse_units("  [0,1]").is_err());
        assert!(parse_units("a^999999999999").is_err());
        assert!(parse_units(&"(".repeat(200)).is_err());
    }
}
