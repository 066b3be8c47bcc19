//! Subscript ranges: `dim: a, b, c`, numeric ranges `(A1-A10)`, ranges made of other ranges,
//! mappings `-> other` and `-> (other: b2, b1)`, equivalences `a <-> b`, and ranges read from a
//! file by `GET DIRECT SUBSCRIPT`.

use std::collections::{HashMap, HashSet};
use std::ops::Range;

use super::lex::{Token, TokenKind};
use super::read::{
    call_arguments, name_of, span_of, split_top_level, symbol, Body, Definition, Located, Reader,
};
use crate::diagnostic::DiagnosticKind;
use crate::model::{Dimension, DimensionMapping};
use crate::name::canonical;

/// A subscript range as declared, before its elements are expanded.
struct RangeDefinition {
    name: Located,
    /// Element names or names of other ranges, in order, or numeric ranges already expanded.
    items: Vec<Located>,
    /// Dimensions this one maps to (`-> other` or `-> (other: e1, e2)`), with the explicit
    /// correspondence if given.
    maps_to: Vec<(Located, Vec<Located>)>,
    /// `<->`: the dimension this one is another name for.
    alias_of: Option<Located>,
}

impl Reader<'_> {
    pub(super) fn dimensions(&mut self, definitions: &[Definition]) -> Vec<Dimension> {
        let mut ranges: Vec<RangeDefinition> = Vec::new();
        for definition in definitions {
            match &definition.body {
                Body::Range(tokens) => {
                    if let Some(range) = self.range_definition(&definition.lhs.name, tokens) {
                        ranges.push(range);
                    }
                }
                Body::Equivalence(other) => ranges.push(RangeDefinition {
                    name: definition.lhs.name.clone(),
                    items: Vec::new(),
                    maps_to: Vec::new(),
                    alias_of: Some(other.clone()),
                }),
                _ => {}
            }
        }
        let index: HashMap<String, usize> = ranges
            .iter()
            .enumerate()
            .map(|(i, r)| (canonical(&r.name.name), i))
            .collect();
        let mut dimensions = Vec::new();
        for i in 0..ranges.len() {
            let mut seen = HashSet::new();
            let elements = self.expand_range(&ranges, &index, i, &mut seen);
            let mut unique = Vec::new();
            let mut keys = HashSet::new();
            for element in elements {
                if keys.insert(canonical(&element)) {
                    unique.push(element);
                }
            }
            if unique.is_empty() {
                continue;
            }
            let range = &ranges[i];
            let mut mappings = Vec::new();
            for (target, elements) in &range.maps_to {
                if !index.contains_key(&canonical(&target.name)) {
                    self.error(
                        DiagnosticKind::Dimension,
                        format!(
                            "`{}` maps to `{}`, which is not a subscript range",
                            range.name.name, target.name
                        ),
                        Some(target.span.clone()),
                    );
                    continue;
                }
                if !elements.is_empty() && elements.len() != unique.len() {
                    self.error(
                        DiagnosticKind::Dimension,
                        format!(
                            "the mapping of `{}` to `{}` lists {} element(s) for {}",
                            range.name.name,
                            target.name,
                            elements.len(),
                            unique.len()
                        ),
                        Some(target.span.clone()),
                    );
                    continue;
                }
                mappings.push(DimensionMapping {
                    to: target.name.clone(),
                    elements: elements.iter().map(|e| e.name.clone()).collect(),
                });
            }
            dimensions.push(Dimension {
                name: range.name.name.clone(),
                elements: unique,
                mappings,
                equivalent_to: range.alias_of.as_ref().map(|a| a.name.clone()),
            });
        }
        dimensions
    }

    fn expand_range(
        &mut self,
        ranges: &[RangeDefinition],
        index: &HashMap<String, usize>,
        at: usize,
        seen: &mut HashSet<usize>,
    ) -> Vec<String> {
        if !seen.insert(at) {
            self.error(
                DiagnosticKind::Dimension,
                format!("subscript range `{}` contains itself", ranges[at].name.name),
                Some(ranges[at].name.span.clone()),
            );
            return Vec::new();
        }
        let range = &ranges[at];
        let result = if let Some(other) = &range.alias_of {
            match index.get(&canonical(&other.name)) {
                Some(&j) => self.expand_range(ranges, index, j, seen),
                None => {
                    self.error(
                        DiagnosticKind::Dimension,
                        format!("`{}` is not a subscript range", other.name),
                        Some(other.span.clone()),
                    );
                    Vec::new()
                }
            }
        } else {
            let mut elements = Vec::new();
            for item in &range.items {
                match index.get(&canonical(&item.name)) {
                    Some(&j) if j != at => {
                        elements.extend(self.expand_range(ranges, index, j, seen));
                    }
                    _ => elements.push(item.name.clone()),
                }
            }
            elements
        };
        seen.remove(&at);
        result
    }

    fn range_definition(&mut self, name: &Located, tokens: &[Token]) -> Option<RangeDefinition> {
        let arrow = tokens.iter().position(|t| symbol(Some(t), "->"));
        let (element_tokens, map_tokens) = match arrow {
            Some(at) => (&tokens[..at], &tokens[at + 1..]),
            None => (tokens, &[][..]),
        };
        if let Some(args) = call_arguments(element_tokens, "GET DIRECT SUBSCRIPT")
            .or_else(|| call_arguments(element_tokens, "GET XLS SUBSCRIPT"))
        {
            let items = self.subscript_from_file(name, &args, span_of(element_tokens))?;
            return Some(RangeDefinition {
                name: name.clone(),
                items,
                maps_to: Vec::new(),
                alias_of: None,
            });
        }
        let mut items = Vec::new();
        for part in split_top_level(element_tokens, ",") {
            match part {
                [] => {}
                [single] => match &single.kind {
                    TokenKind::Name { text, .. } => items.push(Located {
                        name: text.clone(),
                        span: single.span.clone(),
                    }),
                    TokenKind::Number(_) => items.push(Located {
                        name: self.source[single.span.clone()].to_string(),
                        span: single.span.clone(),
                    }),
                    _ => {
                        self.error(
                            DiagnosticKind::Syntax,
                            "expected an element name".into(),
                            Some(single.span.clone()),
                        );
                        return None;
                    }
                },
                [open, first, dash, last, close]
                    if symbol(Some(open), "(")
                        && symbol(Some(dash), "-")
                        && symbol(Some(close), ")") =>
                {
                    items.extend(self.numeric_range(first, last)?);
                }
                other => {
                    self.error_help(
                        DiagnosticKind::Syntax,
                        "expected an element name or a numeric range such as `(A1-A10)`".into(),
                        span_of(other),
                        "separate elements with commas",
                    );
                    return None;
                }
            }
        }
        let mut maps_to = Vec::new();
        for part in split_top_level(map_tokens, ",") {
            match part {
                [] => {}
                // `-> other`: element k corresponds to element k of `other`.
                [single] if name_of(Some(single)).is_some() => {
                    maps_to.extend(name_of(Some(single)).map(|t| (t, Vec::new())));
                }
                // `-> (other: e1, e2, ...)`: an explicit correspondence.
                [open, target, colon, inner @ .., close]
                    if symbol(Some(open), "(")
                        && symbol(Some(colon), ":")
                        && symbol(Some(close), ")")
                        && name_of(Some(target)).is_some() =>
                {
                    let mut elements = Vec::new();
                    for element in split_top_level(inner, ",") {
                        match element {
                            [one] if name_of(Some(one)).is_some() => {
                                elements.extend(name_of(Some(one)));
                            }
                            other => {
                                self.error(
                                    DiagnosticKind::Syntax,
                                    "expected an element name in the mapping".into(),
                                    span_of(other).or(Some(target.span.clone())),
                                );
                                return None;
                            }
                        }
                    }
                    maps_to.extend(name_of(Some(target)).map(|t| (t, elements)));
                }
                other => {
                    self.error_help(
                        DiagnosticKind::Syntax,
                        "expected a dimension name after `->`".into(),
                        span_of(other),
                        "a mapping reads `-> other` or `-> (other: element, element)`",
                    );
                    return None;
                }
            }
        }
        if items.is_empty() {
            self.error(
                DiagnosticKind::Dimension,
                format!("subscript range `{}` has no elements", name.name),
                Some(name.span.clone()),
            );
            return None;
        }
        Some(RangeDefinition {
            name: name.clone(),
            items,
            maps_to,
            alias_of: None,
        })
    }

    /// `GET DIRECT SUBSCRIPT('file', 'sheet', 'first cell', 'last cell', 'prefix')`: the element
    /// names are the cells from the first to the last, row by row, each after the prefix.
    fn subscript_from_file(
        &mut self,
        name: &Located,
        args: &[&[Token]],
        span: Option<Range<usize>>,
    ) -> Option<Vec<Located>> {
        let texts: Vec<&str> = args
            .iter()
            .filter_map(|a| match a {
                [Token {
                    kind: TokenKind::Text(t),
                    ..
                }] => Some(t.as_str()),
                _ => None,
            })
            .collect();
        let (file, sheet, first, last, prefix) = match texts[..] {
            [file, sheet, first, last, prefix] if texts.len() == args.len() => {
                (file, sheet, first, last, prefix)
            }
            [file, sheet, first, last] if texts.len() == args.len() => {
                (file, sheet, first, last, "")
            }
            _ => {
                self.error_help(
                    DiagnosticKind::Arity,
                    format!(
                        "subscript range `{}`: GET DIRECT SUBSCRIPT takes 4 or 5 quoted arguments",
                        name.name
                    ),
                    span,
                    "GET DIRECT SUBSCRIPT('file', 'sheet', 'first cell', 'last cell', 'prefix')",
                );
                return None;
            }
        };
        let read = self
            .files
            .read(file)
            .and_then(|bytes| crate::data::Grid::read(file, bytes, sheet))
            .and_then(|grid| {
                let (r0, c0) = grid.cell_reference(first)?;
                let (r1, c1) = if last.trim().is_empty() {
                    (r0, c0)
                } else {
                    grid.cell_reference(last)?
                };
                let mut names = Vec::new();
                for row in r0.min(r1)..=r0.max(r1) {
                    for column in c0.min(c1)..=c0.max(c1) {
                        let cell = match grid.cell(row, column) {
                            crate::data::Cell::Text(t) => t.trim().to_string(),
                            crate::data::Cell::Number(v) => super::translate::engine_number(*v),
                            crate::data::Cell::Empty => continue,
                        };
                        names.push(format!("{prefix}{cell}"));
                    }
                }
                Ok(names)
            });
        match read {
            Ok(names) if !names.is_empty() => Some(
                names
                    .into_iter()
                    .map(|element| Located {
                        name: element,
                        span: span.clone().unwrap_or(name.span.clone()),
                    })
                    .collect(),
            ),
            Ok(_) => {
                self.error(
                    DiagnosticKind::Dimension,
                    format!(
                        "subscript range `{}`: the cells from {first} to {last} are empty",
                        name.name
                    ),
                    span,
                );
                None
            }
            Err(message) => {
                self.error_help(
                    DiagnosticKind::Dimension,
                    format!("subscript range `{}`: {message}", name.name),
                    span,
                    "data files are read relative to the model file",
                );
                None
            }
        }
    }

    /// `(A1-A10)`: the prefix followed by each number from the first to the last.
    fn numeric_range(&mut self, first: &Token, last: &Token) -> Option<Vec<Located>> {
        let first_text = self.source[first.span.clone()].trim().to_string();
        let last_text = self.source[last.span.clone()].trim().to_string();
        let split_number = |text: &str| {
            let digits = text.len() - text.trim_end_matches(|c: char| c.is_ascii_digit()).len();
            let (prefix, number) = text.split_at(text.len() - digits);
            Some((prefix.to_string(), number.parse::<u64>().ok()?))
        };
        let span = first.span.start..last.span.end;
        match (split_number(&first_text), split_number(&last_text)) {
            (Some((p1, a)), Some((p2, b))) if p1 == p2 && a <= b && b - a < 1_000_000 => Some(
                (a..=b)
                    .map(|n| Located {
                        name: format!("{p1}{n}"),
                        span: span.clone(),
                    })
                    .collect(),
            ),
            _ => {
                self.error_help(
                    DiagnosticKind::Dimension,
                    format!("`({first_text}-{last_text})` is not a numeric range"),
                    Some(span),
                    "both ends need the same prefix and the first number must not exceed the last",
                );
                None
            }
        }
    }
}
