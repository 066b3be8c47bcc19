//! Conditions on option-form states: Y/N/- patterns and prioritisation statements written with
//! `not`, `and`, `or`, `if`, `iff` (or GMCR+'s `-`, `&`, `|`), parsed into a small expression tree.
//!
//! A state is its decimal code: bit i set means option i (0-based) is taken.

use std::fmt;

/// A Y/N/- pattern over the options, option 1 first: `mask` has a bit for each fixed option and
/// `value` the required values of those bits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pattern {
    /// Options the pattern fixes.
    pub mask: u64,
    /// Their required values.
    pub value: u64,
}

impl Pattern {
    /// Parses a pattern of exactly `n_options` characters `Y`, `N` or `-`.
    pub fn parse(text: &str, n_options: usize) -> Result<Pattern, String> {
        let chars: Vec<char> = text.chars().collect();
        if chars.len() != n_options {
            return Err(format!(
                "pattern `{text}` has {} characters but the conflict has {n_options} options",
                chars.len()
            ));
        }
        let mut pattern = Pattern { mask: 0, value: 0 };
        for (index, ch) in chars.iter().enumerate() {
            match ch.to_ascii_uppercase() {
                'Y' => {
                    pattern.mask |= 1 << index;
                    pattern.value |= 1 << index;
                }
                'N' => pattern.mask |= 1 << index,
                '-' => {}
                other => {
                    return Err(format!(
                        "pattern `{text}` has `{other}` at position {}; use Y, N or -",
                        index + 1
                    ))
                }
            }
        }
        Ok(pattern)
    }

    /// Whether the state with decimal code `state` matches.
    pub fn matches(&self, state: u64) -> bool {
        state & self.mask == self.value
    }
}

/// A boolean condition on a state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Condition {
    /// Option (0-based index) is taken.
    Option(usize),
    /// Negation.
    Not(Box<Condition>),
    /// Both hold.
    And(Box<Condition>, Box<Condition>),
    /// Either holds.
    Or(Box<Condition>, Box<Condition>),
    /// The state matches a Y/N/- pattern.
    Pattern(Pattern),
    /// The state matches any of the patterns (the JSON `any_of` form).
    AnyOf(Vec<Pattern>),
}

impl Condition {
    /// Whether the condition holds in the state with decimal code `state`.
    pub fn holds(&self, state: u64) -> bool {
        match self {
            Condition::Option(index) => state & (1 << index) != 0,
            Condition::Not(inner) => !inner.holds(state),
            Condition::And(a, b) => a.holds(state) && b.holds(state),
            Condition::Or(a, b) => a.holds(state) || b.holds(state),
            Condition::Pattern(pattern) => pattern.matches(state),
            Condition::AnyOf(patterns) => patterns.iter().any(|p| p.matches(state)),
        }
    }
}

/// A statement that failed to parse: what went wrong and where (byte offset in the statement).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatementError {
    /// Byte offset of the offending token.
    pub offset: usize,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub hint: String,
}

impl fmt::Display for StatementError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (at byte {})", self.message, self.offset)
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Word(String),
    Number(usize),
    Not,
    And,
    Or,
    If,
    Iff,
    Open,
    Close,
}

fn tokenize(text: &str) -> Result<Vec<(usize, Token)>, StatementError> {
    let mut tokens = Vec::new();
    let bytes = text.as_bytes();
    let mut pos = 0;
    while pos < bytes.len() {
        let ch = bytes[pos] as char;
        if ch.is_ascii_whitespace() {
            pos += 1;
            continue;
        }
        let start = pos;
        let token = match ch {
            '(' => Token::Open,
            ')' => Token::Close,
            '-' | '!' | '~' => Token::Not,
            '&' => Token::And,
            '|' => Token::Or,
            c if c.is_ascii_alphanumeric() || c == '_' => {
                while pos < bytes.len()
                    && ((bytes[pos] as char).is_ascii_alphanumeric() || bytes[pos] == b'_')
                {
                    pos += 1;
                }
                let word = &text[start..pos];
                let token = match word.to_ascii_lowercase().as_str() {
                    "not" => Token::Not,
                    "and" => Token::And,
                    "or" => Token::Or,
                    "if" => Token::If,
                    "iff" => Token::Iff,
                    _ => match word.parse::<usize>() {
                        Ok(number) => Token::Number(number),
                        Err(_) => Token::Word(word.to_string()),
                    },
                };
                tokens.push((start, token));
                continue;
            }
            other => {
                return Err(StatementError {
                    offset: start,
                    message: format!("unexpected character `{other}`"),
                    hint: "statements use option ids with not, and, or, if, iff and parentheses"
                        .into(),
                })
            }
        };
        pos += 1;
        tokens.push((start, token));
    }
    Ok(tokens)
}

/// Parses a prioritisation statement.
///
/// Grammar, loosest first: `q if p` (p implies q) and `q iff p`; `or` / `|`; `and` / `&`;
/// `not` / `-`; option ids, 1-based option numbers, parentheses. `resolve` maps an option id to
/// its 0-based index; numbers are checked against `n_options`.
pub fn parse_statement(
    text: &str,
    n_options: usize,
    resolve: &dyn Fn(&str) -> Option<usize>,
) -> Result<Condition, StatementError> {
    let tokens = tokenize(text)?;
    let mut parser = StatementParser {
        tokens,
        pos: 0,
        text_len: text.len(),
        n_options,
        resolve,
    };
    let condition = parser.implication()?;
    if let Some((offset, token)) = parser.tokens.get(parser.pos) {
        return Err(StatementError {
            offset: *offset,
            message: format!("unexpected {token:?} after a complete statement"),
            hint: "join clauses with and / or, or use parentheses".into(),
        });
    }
    Ok(condition)
}

struct StatementParser<'a> {
    tokens: Vec<(usize, Token)>,
    pos: usize,
    text_len: usize,
    n_options: usize,
    resolve: &'a dyn Fn(&str) -> Option<usize>,
}

impl StatementParser<'_> {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.pos).map(|(_, token)| token)
    }

    fn offset(&self) -> usize {
        self.tokens
            .get(self.pos)
            .map_or(self.text_len, |(offset, _)| *offset)
    }

    fn implication(&mut self) -> Result<Condition, StatementError> {
        let consequent = self.disjunction()?;
        match self.peek() {
            Some(Token::If) => {
                self.pos += 1;
                let antecedent = self.disjunction()?;
                // q if p: p implies q, i.e. q or not p.
                Ok(Condition::Or(
                    Box::new(consequent),
                    Box::new(Condition::Not(Box::new(antecedent))),
                ))
            }
            Some(Token::Iff) => {
                self.pos += 1;
                let other = self.disjunction()?;
                let both = Condition::And(Box::new(consequent.clone()), Box::new(other.clone()));
                let neither = Condition::And(
                    Box::new(Condition::Not(Box::new(consequent))),
                    Box::new(Condition::Not(Box::new(other))),
                );
                Ok(Condition::Or(Box::new(both), Box::new(neither)))
            }
            _ => Ok(consequent),
        }
    }

    fn disjunction(&mut self) -> Result<Condition, StatementError> {
        let mut left = self.conjunction()?;
        while self.peek() == Some(&Token::Or) {
            self.pos += 1;
            let right = self.conjunction()?;
            left = Condition::Or(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn conjunction(&mut self) -> Result<Condition, StatementError> {
        let mut left = self.unary()?;
        while self.peek() == Some(&Token::And) {
            self.pos += 1;
            let right = self.unary()?;
            left = Condition::And(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn unary(&mut self) -> Result<Condition, StatementError> {
        let offset = self.offset();
        match self.tokens.get(self.pos).map(|(_, token)| token.clone()) {
            Some(Token::Not) => {
                self.pos += 1;
                Ok(Condition::Not(Box::new(self.unary()?)))
            }
            Some(Token::Open) => {
                self.pos += 1;
                let inner = self.implication()?;
                if self.peek() != Some(&Token::Close) {
                    return Err(StatementError {
                        offset: self.offset(),
                        message: "missing `)`".into(),
                        hint: "close every parenthesis".into(),
                    });
                }
                self.pos += 1;
                Ok(inner)
            }
            Some(Token::Number(number)) => {
                self.pos += 1;
                if number == 0 || number > self.n_options {
                    return Err(StatementError {
                        offset,
                        message: format!("option number {number} does not exist"),
                        hint: format!("option numbers run from 1 to {}", self.n_options),
                    });
                }
                Ok(Condition::Option(number - 1))
            }
            Some(Token::Word(word)) => {
                self.pos += 1;
                match (self.resolve)(&word) {
                    Some(index) => Ok(Condition::Option(index)),
                    None => Err(StatementError {
                        offset,
                        message: format!("unknown option `{word}`"),
                        hint: "use an option id declared in an [[option]] table".into(),
                    }),
                }
            }
            other => Err(StatementError {
                offset,
                message: match other {
                    Some(token) => format!("expected an option, found {token:?}"),
                    None => "statement ends where an option was expected".into(),
                },
                hint: "write e.g. `strike and not back`, `escalate if not restrain`".into(),
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Condition, StatementError> {
        let names = ["a", "b", "c"];
        parse_statement(text, 3, &|word| names.iter().position(|n| *n == word))
    }

    #[test]
    fn precedence_and_implications() {
        let c = parse("a or b and not c").unwrap();
        // a | (b & !c)
        assert!(c.holds(0b001));
        assert!(c.holds(0b010));
        assert!(!c.holds(0b110));
        let implication = parse("b if a").unwrap();
        assert!(implication.holds(0b000));
        assert!(implication.holds(0b010));
        assert!(!implication.holds(0b001));
        assert!(implication.holds(0b011));
        let iff = parse("b iff a").unwrap();
        assert!(iff.holds(0b000) && iff.holds(0b011));
        assert!(!iff.holds(0b001) && !iff.holds(0b010));
        let gmcr = parse("1&-3|2").unwrap();
        assert!(gmcr.holds(0b001) && gmcr.holds(0b010) && !gmcr.holds(0b101));
    }

    #[test]
    fn errors_point_at_the_token() {
        let error = parse("a and zz").unwrap_err();
        assert_eq!(error.offset, 6);
        assert!(error.message.contains("zz"));
        assert_eq!(parse("a and").unwrap_err().offset, 5);
        assert!(parse("4").unwrap_err().message.contains("4"));
        assert!(parse("(a").unwrap_err().message.contains(")"));
    }

    #[test]
    fn patterns() {
        let p = Pattern::parse("Y-N", 3).unwrap();
        assert!(p.matches(0b001) && p.matches(0b011) && !p.matches(0b101));
        assert!(Pattern::parse("YX-", 3).is_err());
        assert!(Pattern::parse("YN", 3).is_err());
    }
}
