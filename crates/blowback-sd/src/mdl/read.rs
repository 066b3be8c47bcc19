//! Reads a Vensim `.mdl` file into a [`Project`]: entries are split and classified (equations,
//! stocks, lookups, subscript ranges, reality checks), then assembled into variables with their
//! dimensions, and their expressions translated to the engine's syntax with spans into the file.

use std::collections::{HashMap, HashSet};
use std::ops::Range;

use super::lex::{tokenize, Token, TokenKind};
use super::split::{split, Entry, Part};
use super::translate::{translate, Builder, NA};
use crate::data::DataFiles;
use crate::diagnostic::{Diagnostic, DiagnosticKind, Diagnostics};
use crate::equation::{parse, BinaryOp, Expr, ExprKind, UnaryOp};
use crate::model::{
    DataInterpolation, Dimension, Equation, Header, Macro, Model, Project, RealityCheck, SimSpecs,
    TestInput,
};
use crate::name::canonical;

/// The product name a project read from `.mdl` carries, so the engine follows Vensim's conventions.
pub(crate) const PRODUCT: &str = "Vensim (.mdl)";

/// Reads a Vensim `.mdl` model. Returns the project and any warnings, or every error found.
/// Subscript ranges read from files (`GET DIRECT SUBSCRIPT`) are errors: see
/// [`read_mdl_with_data`].
pub fn read_mdl(text: &str) -> Result<(Project, Vec<Diagnostic>), Diagnostics> {
    read_mdl_with_data(text, &crate::data::NoDataFiles)
}

/// Reads a Vensim `.mdl` model whose subscript ranges may come from data files.
pub fn read_mdl_with_data(
    text: &str,
    files: &dyn DataFiles,
) -> Result<(Project, Vec<Diagnostic>), Diagnostics> {
    let mut reader = Reader {
        source: text,
        files,
        diagnostics: Vec::new(),
        macro_output: None,
    };
    let project = reader.project();
    let mut diagnostics = reader.diagnostics;
    let failed = diagnostics.iter().any(Diagnostic::is_error);
    if failed {
        // The compiler will not see this project, so report its expressions' syntax errors here:
        // one pass gives every problem.
        diagnostics.extend(syntax_errors(&project));
    }
    diagnostics.sort_by_key(|d| d.span.as_ref().map_or(0, |s| s.start));
    if failed {
        return Err(Diagnostics(diagnostics));
    }
    Ok((project, diagnostics))
}

/// Syntax errors of every equation in a project, located in the file.
fn syntax_errors(project: &Project) -> Vec<Diagnostic> {
    let mut equations: Vec<(&str, &Equation)> = Vec::new();
    let variables = project
        .models
        .iter()
        .flat_map(|m| &m.variables)
        .chain(project.macros.iter().flat_map(|m| &m.variables));
    for variable in variables {
        for equation in variable
            .equation
            .iter()
            .chain(&variable.initial_equation)
            .chain(variable.elements.iter().map(|e| &e.equation))
        {
            equations.push((&variable.name, equation));
        }
    }
    for m in &project.macros {
        equations.push((&m.name, &m.equation));
    }
    for check in &project.reality_checks {
        equations.push((&check.name, &check.condition));
        equations.push((&check.name, &check.consequence));
    }
    for input in &project.test_inputs {
        equations.push((&input.name, &input.equation));
    }
    let mut diagnostics = Vec::new();
    let mut seen = HashSet::new();
    for (name, equation) in equations {
        // Element equations share their text; report each place once.
        if !seen.insert(equation.offset) || is_number_list(&equation.text) {
            continue;
        }
        for error in parse(&equation.text).1 {
            let mut d = Diagnostic::error(DiagnosticKind::Syntax, error.message)
                .with_variable(name)
                .with_span(equation.file_span(&error.span));
            if let Some(help) = error.help {
                d = d.with_help(help);
            }
            diagnostics.push(d);
        }
    }
    diagnostics
}

/// Whether a text is a constant list (`1, 2, 3`), which is not an expression.
fn is_number_list(text: &str) -> bool {
    text.contains([',', ';'])
        && text
            .split([',', ';'])
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .all(|p| p.trim_matches(['(', ')']).parse::<f64>().is_ok())
}

pub(super) struct Reader<'a> {
    pub(super) source: &'a str,
    /// Where `GET DIRECT SUBSCRIPT` reads its files.
    pub(super) files: &'a dyn DataFiles,
    pub(super) diagnostics: Vec<Diagnostic>,
    /// While reading a macro: the macro's name (canonical) and the name its output variable takes,
    /// so the output can be a stock that reads itself.
    pub(super) macro_output: Option<(String, String)>,
}

/// A macro as read: its name, inputs, extra outputs and body.
type MacroParts = (Located, Vec<Located>, Vec<Located>, Vec<Definition>);

/// A name with its span in the file.
#[derive(Debug, Clone)]
pub(super) struct Located {
    pub(super) name: String,
    pub(super) span: Range<usize>,
}

/// The left-hand side of an entry: `name[subscripts] :EXCEPT: [...]`.
#[derive(Debug, Clone)]
pub(super) struct Lhs {
    pub(super) name: Located,
    pub(super) subscripts: Vec<Located>,
    pub(super) except: Vec<Vec<Located>>,
}

/// What an entry defines.
#[derive(Debug, Clone)]
pub(super) enum Body {
    /// `=`, `==` or `:=` and the tokens of the right-hand side.
    Equation(Vec<Token>),
    /// `name(table)`: the tokens of the table, parentheses included.
    Lookup(Vec<Token>),
    /// A name with no equation: data Vensim reads from elsewhere.
    Data,
    /// `dim: elements -> mappings`: the tokens after the colon.
    Range(Vec<Token>),
    /// `dim <-> other`.
    Equivalence(Located),
    /// `name :THE CONDITION: condition :IMPLIES: consequence`.
    Condition(Vec<Token>, Vec<Token>),
    /// `name :TEST INPUT: variable = expression`.
    TestInput(Vec<Token>),
}

#[derive(Debug, Clone)]
pub(super) struct Definition {
    pub(super) lhs: Lhs,
    pub(super) body: Body,
    /// For a data equation (`:=`, or a keyword such as `:INTERPOLATE:`): how its series is read.
    pub(super) data: Option<DataInterpolation>,
    pub(super) units: Option<String>,
    pub(super) doc: Option<String>,
    /// The entry's definition text in the file.
    pub(super) span: Range<usize>,
}

/// Whether a definition makes its variable a lookup: a table, or a data function giving one.
pub(super) fn is_lookup(definition: &Definition) -> bool {
    match &definition.body {
        Body::Lookup(_) => true,
        Body::Equation(tokens) => lookup_function(tokens),
        _ => false,
    }
}

/// Whether the tokens are one call of a data function that gives a lookup table.
pub(super) fn lookup_function(tokens: &[Token]) -> bool {
    ["GET XLS LOOKUPS", "GET DIRECT LOOKUPS"]
        .iter()
        .any(|f| call_arguments(tokens, f).is_some())
}

pub(super) fn symbol(token: Option<&Token>, expected: &str) -> bool {
    matches!(token, Some(Token { kind: TokenKind::Symbol(s), .. }) if *s == expected)
}

pub(super) fn keyword(token: Option<&Token>, expected: &str) -> bool {
    matches!(token, Some(Token { kind: TokenKind::Keyword(k), .. }) if k == expected)
}

pub(super) fn name_of(token: Option<&Token>) -> Option<Located> {
    match token {
        Some(Token {
            kind: TokenKind::Name { text, .. },
            span,
        }) => Some(Located {
            name: text.clone(),
            span: span.clone(),
        }),
        _ => None,
    }
}

/// Splits tokens at commas that are not nested in brackets.
pub(super) fn split_top_level<'t>(tokens: &'t [Token], separator: &str) -> Vec<&'t [Token]> {
    let mut parts = Vec::new();
    let mut depth = 0usize;
    let mut start = 0;
    for (i, token) in tokens.iter().enumerate() {
        match &token.kind {
            TokenKind::Symbol("(" | "[") => depth += 1,
            TokenKind::Symbol(")" | "]") => depth = depth.saturating_sub(1),
            TokenKind::Symbol(s) if *s == separator && depth == 0 => {
                parts.push(&tokens[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&tokens[start..]);
    parts
}

/// Whether two names are the same as [`canonical`] compares them, without allocating (this runs
/// for every definition and function the reader checks for).
fn same_name(a: &str, b: &str) -> bool {
    fn words(name: &str) -> impl Iterator<Item = char> + '_ {
        name.split(|c: char| c.is_whitespace() || c == '_')
            .filter(|word| !word.is_empty())
            .enumerate()
            .flat_map(|(k, word)| {
                (k > 0)
                    .then_some('_')
                    .into_iter()
                    .chain(word.chars().flat_map(char::to_lowercase))
            })
    }
    words(a).eq(words(b))
}

/// If `tokens` is `NAME ( ... )` with the name (case-insensitive) as given, the arguments.
pub(super) fn call_arguments<'t>(tokens: &'t [Token], function: &str) -> Option<Vec<&'t [Token]>> {
    let name = name_of(tokens.first())?;
    if !symbol(tokens.get(1), "(") || !same_name(&name.name, function) {
        return None;
    }
    if !symbol(tokens.last(), ")") || tokens.len() < 3 {
        return None;
    }
    // The closing parenthesis must match the opening one.
    let inner = &tokens[2..tokens.len() - 1];
    let mut depth = 0i64;
    for token in inner {
        match token.kind {
            TokenKind::Symbol("(") => depth += 1,
            TokenKind::Symbol(")") => {
                depth -= 1;
                if depth < 0 {
                    return None;
                }
            }
            _ => {}
        }
    }
    Some(split_top_level(inner, ","))
}

pub(super) fn span_of(tokens: &[Token]) -> Option<Range<usize>> {
    Some(tokens.first()?.span.start..tokens.last()?.span.end)
}

/// A number with an optional sign, as constant lists and tables write them.
pub(super) fn signed_number(tokens: &[Token]) -> Option<f64> {
    match tokens {
        [Token {
            kind: TokenKind::Number(v),
            ..
        }] => Some(*v),
        [Token {
            kind: TokenKind::Symbol("-"),
            ..
        }, Token {
            kind: TokenKind::Number(v),
            ..
        }] => Some(-v),
        [Token {
            kind: TokenKind::Symbol("+"),
            ..
        }, Token {
            kind: TokenKind::Number(v),
            ..
        }] => Some(*v),
        [Token {
            kind: TokenKind::Keyword(k),
            ..
        }] if k == "NA" => Some(NA),
        _ => None,
    }
}

/// Comment text with line continuations joined and surrounding blanks trimmed.
fn clean_comment(text: &str) -> Option<String> {
    let mut out = String::new();
    for line in text.lines() {
        let trimmed = line.trim();
        match trimmed.strip_suffix('\\') {
            Some(head) => {
                out.push_str(head.trim_end());
                out.push(' ');
            }
            None => {
                out.push_str(trimmed);
                out.push('\n');
            }
        }
    }
    let out = out.trim().to_string();
    (!out.is_empty()).then_some(out)
}

/// The units of `Meters [0,?]`: the range after them (a bound for Vensim's editor and its
/// sliders, not for the simulation) is not kept.
fn units_without_range(text: &str) -> Option<String> {
    let text = clean_comment(text).unwrap_or_default();
    let mut units = text.trim();
    if units.ends_with(']') {
        if let Some(open) = units.rfind('[') {
            units = units[..open].trim();
        }
    }
    (!units.is_empty()).then(|| units.to_string())
}

impl Reader<'_> {
    pub(super) fn expression(&mut self, tokens: &[Token], name: &str) -> Equation {
        let Some((macro_key, output)) = &self.macro_output else {
            return translate(self.source, tokens, name, &mut self.diagnostics);
        };
        // Inside a macro, `Time$` names the model's own `Time`; the macro's name, its output.
        let rename = |n: &str| {
            if canonical(n) == *macro_key {
                Some(output.clone())
            } else {
                n.strip_suffix('$')
                    .map(|global| global.trim_end().to_string())
            }
        };
        super::translate::translate_renaming(
            self.source,
            tokens,
            name,
            &rename,
            &mut self.diagnostics,
        )
    }

    pub(super) fn error(
        &mut self,
        kind: DiagnosticKind,
        message: String,
        span: Option<Range<usize>>,
    ) {
        self.diagnostics
            .push(Diagnostic::error(kind, message).with_span(span));
    }

    pub(super) fn error_help(
        &mut self,
        kind: DiagnosticKind,
        message: String,
        span: Option<Range<usize>>,
        help: &str,
    ) {
        self.diagnostics.push(
            Diagnostic::error(kind, message)
                .with_span(span)
                .with_help(help),
        );
    }

    fn project(&mut self) -> Project {
        let sections = split(self.source);
        let mut definitions = Vec::new();
        let mut macros: Vec<MacroParts> = Vec::new();
        let mut in_macro = false;
        for part in &sections.parts {
            match part {
                Part::MacroStart(range) => {
                    if in_macro {
                        self.error(
                            DiagnosticKind::Syntax,
                            "a macro starts before the previous one ends".into(),
                            Some(range.clone()),
                        );
                    }
                    in_macro = true;
                    if let Some(header) = self.macro_header(range.clone()) {
                        macros.push((header.0, header.1, header.2, Vec::new()));
                    }
                }
                Part::MacroEnd(range) => {
                    if !in_macro {
                        self.error(
                            DiagnosticKind::Syntax,
                            "`:END OF MACRO:` without a macro".into(),
                            Some(range.clone()),
                        );
                    }
                    in_macro = false;
                }
                Part::Entry(entry) => {
                    if let Some(definition) = self.definition(entry) {
                        match macros.last_mut() {
                            Some(m) if in_macro => m.3.push(definition),
                            _ => definitions.push(definition),
                        }
                    }
                }
            }
        }
        if in_macro {
            self.error(
                DiagnosticKind::Syntax,
                "the last macro has no `:END OF MACRO:`".into(),
                Some(sections.equations.end..sections.equations.end),
            );
        }
        let mut project = Project {
            header: Header {
                name: None,
                vendor: None,
                product: Some(PRODUCT.into()),
            },
            ..Project::default()
        };
        project.dimensions = self.dimensions(&definitions);
        project.sim_specs = self.sim_specs(&mut definitions);
        self.expand_macro_outputs(&mut definitions, &macros);
        let variables = self.variables(&definitions, &project.dimensions);
        (project.reality_checks, project.test_inputs) = self.reality_checks(&definitions);
        project.models.push(Model {
            name: None,
            variables,
        });
        for (name, inputs, outputs, body) in macros {
            let defined = self.macro_definitions(name, inputs, outputs, body, &project.dimensions);
            project.macros.extend(defined);
        }
        project
    }

    /// `NAME(input, ... : output, ...)` after `:MACRO:`.
    fn macro_header(
        &mut self,
        range: Range<usize>,
    ) -> Option<(Located, Vec<Located>, Vec<Located>)> {
        let tokens = tokenize(self.source, range.clone());
        let Some(name) = name_of(tokens.first()) else {
            self.error(
                DiagnosticKind::Syntax,
                "expected the macro's name after `:MACRO:`".into(),
                Some(range),
            );
            return None;
        };
        let mut inputs = Vec::new();
        let mut outputs = Vec::new();
        let mut after_colon = false;
        for token in tokens.iter().skip(1) {
            match &token.kind {
                TokenKind::Name { text, .. } => {
                    let located = Located {
                        name: text.clone(),
                        span: token.span.clone(),
                    };
                    if after_colon {
                        outputs.push(located);
                    } else {
                        inputs.push(located);
                    }
                }
                TokenKind::Symbol(":") => after_colon = true,
                TokenKind::Symbol("(" | ")" | ",") => {}
                _ => {
                    self.error(
                        DiagnosticKind::Syntax,
                        "unexpected text in the macro's argument list".into(),
                        Some(token.span.clone()),
                    );
                    return None;
                }
            }
        }
        Some((name, inputs, outputs))
    }

    /// The macros one `:MACRO:` defines: itself, and one more per extra output (`NAME(in : out)`),
    /// named `NAME out`, which the call sites of the extra outputs use.
    fn macro_definitions(
        &mut self,
        name: Located,
        inputs: Vec<Located>,
        outputs: Vec<Located>,
        body: Vec<Definition>,
        dimensions: &[Dimension],
    ) -> Vec<Macro> {
        let key = canonical(&name.name);
        let doc = body
            .iter()
            .find(|d| canonical(&d.lhs.name.name) == key)
            .and_then(|d| d.doc.clone());
        // A macro that is one expression stays one (as XMILE writes macros). Otherwise the variable
        // named like the macro is its output; it takes another name inside the macro, so that it
        // can be a stock or read itself without being taken for a call of the macro.
        let single = outputs.is_empty()
            && body.len() == 1
            && canonical(&body[0].lhs.name.name) == key
            && body[0].lhs.subscripts.is_empty()
            && body[0].data.is_none()
            && matches!(&body[0].body, Body::Equation(t) if call_arguments(t, "INTEG").is_none());
        let output_name = if single {
            name.name.clone()
        } else {
            format!("{} output", name.name)
        };
        if !single {
            self.macro_output = Some((key.clone(), output_name.clone()));
        }
        let mut variables = self.variables(&body, dimensions);
        self.macro_output = None;
        for variable in &mut variables {
            if canonical(&variable.name) == key {
                variable.name = output_name.clone();
            }
        }
        let Some(output) = variables
            .iter()
            .position(|v| canonical(&v.name) == canonical(&output_name))
        else {
            self.error_help(
                DiagnosticKind::MissingEquation,
                format!(
                    "macro `{}` never defines its output `{}`",
                    name.name, name.name
                ),
                Some(name.span),
                "give the macro an equation for a variable named like the macro",
            );
            return Vec::new();
        };
        let parameters: Vec<String> = inputs.into_iter().map(|p| p.name).collect();
        let reference = |target: &str, span: Range<usize>| {
            let mut builder = Builder::default();
            builder.push(&super::translate::engine_name(target), span);
            builder.finish()
        };
        if single {
            return vec![Macro {
                name: name.name,
                parameters,
                equation: variables.remove(output).equation.unwrap_or_default(),
                variables,
                doc,
            }];
        }
        let mut macros = Vec::new();
        for extra in &outputs {
            if !variables
                .iter()
                .any(|v| canonical(&v.name) == canonical(&extra.name))
            {
                self.error_help(
                    DiagnosticKind::MissingEquation,
                    format!(
                        "macro `{}` never defines its output `{}`",
                        name.name, extra.name
                    ),
                    Some(extra.span.clone()),
                    "give the macro an equation for each output listed after `:`",
                );
                continue;
            }
            macros.push(Macro {
                name: format!("{} {}", name.name, extra.name),
                parameters: parameters.clone(),
                equation: reference(&extra.name, extra.span.clone()),
                variables: variables.clone(),
                doc: None,
            });
        }
        macros.insert(
            0,
            Macro {
                name: name.name.clone(),
                parameters,
                equation: reference(&output_name, name.span.clone()),
                variables,
                doc,
            },
        );
        macros
    }

    /// Calls of macros with extra outputs, `total = ADD3(a, b, c : low, high)`: the call keeps its
    /// inputs and each variable after `:` gets its own definition, a call of the macro for that
    /// output (`low = ADD3 minval(a, b, c)`), over the same subscripts.
    fn expand_macro_outputs(&mut self, definitions: &mut Vec<Definition>, macros: &[MacroParts]) {
        let outputs: HashMap<String, (&Located, &Vec<Located>)> = macros
            .iter()
            .filter(|m| !m.2.is_empty())
            .map(|m| (canonical(&m.0.name), (&m.0, &m.2)))
            .collect();
        if outputs.is_empty() {
            return;
        }
        let mut added = Vec::new();
        for definition in definitions.iter_mut() {
            let Body::Equation(tokens) = &mut definition.body else {
                continue;
            };
            let mut i = 0;
            while i < tokens.len() {
                let Some(call) = name_of(tokens.get(i)) else {
                    i += 1;
                    continue;
                };
                let Some(&(header, extra)) = outputs.get(&canonical(&call.name)) else {
                    i += 1;
                    continue;
                };
                if !symbol(tokens.get(i + 1), "(") {
                    i += 1;
                    continue;
                }
                let Some(close) = super::translate::matching(tokens, i + 1) else {
                    break;
                };
                let mut depth = 0usize;
                let colon = (i + 2..close).find(|&k| match tokens[k].kind {
                    TokenKind::Symbol("(" | "[") => {
                        depth += 1;
                        false
                    }
                    TokenKind::Symbol(")" | "]") => {
                        depth = depth.saturating_sub(1);
                        false
                    }
                    TokenKind::Symbol(":") => depth == 0,
                    _ => false,
                });
                let Some(colon) = colon else {
                    i += 1;
                    continue;
                };
                let targets: Vec<&[Token]> = split_top_level(&tokens[colon + 1..close], ",");
                if targets.len() != extra.len() {
                    self.error(
                        DiagnosticKind::Arity,
                        format!(
                            "macro `{}` has {} extra output(s) but the call names {}",
                            header.name,
                            extra.len(),
                            targets.len()
                        ),
                        span_of(&tokens[colon..close]),
                    );
                    break;
                }
                for (target, output) in targets.iter().zip(extra) {
                    let Some(target) = (target.len() == 1)
                        .then(|| name_of(target.first()))
                        .flatten()
                    else {
                        self.error(
                            DiagnosticKind::Syntax,
                            "expected a variable name for the macro's extra output".into(),
                            span_of(target).or(Some(tokens[colon].span.clone())),
                        );
                        continue;
                    };
                    let mut call_tokens = vec![Token {
                        kind: TokenKind::Name {
                            text: format!("{} {}", header.name, output.name),
                            quoted: false,
                        },
                        span: tokens[i].span.clone(),
                    }];
                    call_tokens.extend_from_slice(&tokens[i + 1..colon]);
                    call_tokens.push(tokens[close].clone());
                    added.push(Definition {
                        lhs: Lhs {
                            name: target,
                            subscripts: definition.lhs.subscripts.clone(),
                            except: definition.lhs.except.clone(),
                        },
                        body: Body::Equation(call_tokens),
                        data: None,
                        units: None,
                        doc: Some(format!(
                            "Output `{}` of macro `{}`, as `{}` calls it.",
                            output.name, header.name, definition.lhs.name.name
                        )),
                        span: definition.span.clone(),
                    });
                }
                tokens.drain(colon..close);
                i += 1;
            }
        }
        definitions.extend(added);
    }

    /// Classifies one entry; `None` for groups, blank entries and entries already reported.
    fn definition(&mut self, entry: &Entry) -> Option<Definition> {
        let text = &self.source[entry.definition.clone()];
        if text.trim().is_empty() || text.trim_start().starts_with('*') {
            return None;
        }
        let tokens = tokenize(self.source, entry.definition.clone());
        let Some(name) = name_of(tokens.first()) else {
            // An entry of only a `{comment}` has no token: point at the whole definition.
            let span = tokens
                .first()
                .map_or(entry.definition.clone(), |t| t.span.clone());
            let span = Some(span);
            self.error_help(
                DiagnosticKind::Syntax,
                "expected a variable name at the start of the entry".into(),
                span,
                "an entry reads `name = expression ~ units ~ comment |`",
            );
            return None;
        };
        let mut i = 1;
        let mut subscripts = Vec::new();
        if symbol(tokens.get(i), "[") {
            subscripts = self.subscript_list(&tokens, &mut i)?;
        }
        let mut except = Vec::new();
        if keyword(tokens.get(i), "EXCEPT") {
            i += 1;
            loop {
                if !symbol(tokens.get(i), "[") {
                    let span = tokens.get(i).map_or(name.span.clone(), |t| t.span.clone());
                    self.error(
                        DiagnosticKind::Syntax,
                        "expected `[` after `:EXCEPT:`".into(),
                        Some(span),
                    );
                    return None;
                }
                except.push(self.subscript_list(&tokens, &mut i)?);
                if symbol(tokens.get(i), ",") {
                    i += 1;
                } else {
                    break;
                }
            }
        }
        // A keyword says how a data variable reads its series between and beyond its points.
        let mut data = None;
        if let Some(Token {
            kind: TokenKind::Keyword(k),
            ..
        }) = tokens.get(i)
        {
            data = match k.as_str() {
                "INTERPOLATE" => Some(DataInterpolation::Interpolate),
                "RAW" => Some(DataInterpolation::Raw),
                "HOLD BACKWARD" => Some(DataInterpolation::HoldBackward),
                "LOOK FORWARD" => Some(DataInterpolation::LookForward),
                _ => None,
            };
            if data.is_some() {
                i += 1;
            }
        }
        if symbol(tokens.get(i), ":=") || tokens.get(i).is_none() {
            data = data.or(Some(DataInterpolation::Interpolate));
        }
        let rest = tokens.get(i + 1..).unwrap_or(&[]).to_vec();
        let body = match tokens.get(i) {
            None => Body::Data,
            Some(Token {
                kind: TokenKind::Symbol("=" | "==" | ":="),
                ..
            }) => Body::Equation(rest),
            Some(Token {
                kind: TokenKind::Symbol("("),
                ..
            }) => Body::Lookup(tokens[i..].to_vec()),
            Some(Token {
                kind: TokenKind::Symbol(":"),
                ..
            }) if subscripts.is_empty() => Body::Range(rest),
            Some(Token {
                kind: TokenKind::Symbol("<->"),
                ..
            }) => match name_of(rest.first()) {
                Some(other) if rest.len() == 1 => Body::Equivalence(other),
                _ => {
                    self.error(
                        DiagnosticKind::Syntax,
                        "expected one dimension name after `<->`".into(),
                        span_of(&rest).or(Some(tokens[i].span.clone())),
                    );
                    return None;
                }
            },
            Some(Token {
                kind: TokenKind::Keyword(k),
                span,
            }) if k == "THE CONDITION" => {
                let Some(at) = rest.iter().position(|t| keyword(Some(t), "IMPLIES")) else {
                    self.error(
                        DiagnosticKind::Syntax,
                        "a reality check needs `:IMPLIES:` after its condition".into(),
                        Some(span.clone()),
                    );
                    return None;
                };
                Body::Condition(rest[..at].to_vec(), rest[at + 1..].to_vec())
            }
            Some(Token {
                kind: TokenKind::Keyword(k),
                ..
            }) if k == "TEST INPUT" => Body::TestInput(rest),
            Some(other) => {
                self.error_help(
                    DiagnosticKind::Syntax,
                    format!(
                        "expected `=` after `{}` but found `{}`",
                        name.name,
                        self.source[other.span.clone()].trim()
                    ),
                    Some(other.span.clone()),
                    "an entry reads `name = expression ~ units ~ comment |`",
                );
                return None;
            }
        };
        let units = entry
            .units
            .clone()
            .and_then(|r| units_without_range(&self.source[r]));
        let doc = entry
            .comment
            .clone()
            .and_then(|r| clean_comment(&self.source[r]));
        if !entry.terminated {
            self.error_help(
                DiagnosticKind::Syntax,
                format!("the entry for `{}` is not ended by `|`", name.name),
                Some(entry.definition.end..entry.definition.end),
                "end every entry with `|`",
            );
        }
        Some(Definition {
            lhs: Lhs {
                name,
                subscripts,
                except,
            },
            body,
            data,
            units,
            doc,
            span: entry.definition.clone(),
        })
    }

    /// Reads `[a, b, ...]` starting at `tokens[*i]` (the `[`); leaves `*i` after the `]`.
    fn subscript_list(&mut self, tokens: &[Token], i: &mut usize) -> Option<Vec<Located>> {
        let open = tokens[*i].span.clone();
        *i += 1;
        let mut list = Vec::new();
        loop {
            match name_of(tokens.get(*i)) {
                Some(located) => list.push(located),
                None => {
                    let span = tokens.get(*i).map_or(open.clone(), |t| t.span.clone());
                    self.error(
                        DiagnosticKind::Syntax,
                        "expected a subscript name".into(),
                        Some(span),
                    );
                    return None;
                }
            }
            *i += 1;
            // `!` has no meaning on the left-hand side; Vensim ignores it there.
            if symbol(tokens.get(*i), "!") {
                *i += 1;
            }
            if symbol(tokens.get(*i), ",") {
                *i += 1;
                continue;
            }
            if symbol(tokens.get(*i), "]") {
                *i += 1;
                return Some(list);
            }
            let span = tokens.get(*i).map_or(open.clone(), |t| t.span.clone());
            self.error_help(
                DiagnosticKind::Syntax,
                "expected `,` or `]` in the subscript list".into(),
                Some(span),
                "the bracket opened here is not closed",
            );
            return None;
        }
    }

    // ----- reality checks -----

    fn reality_checks(
        &mut self,
        definitions: &[Definition],
    ) -> (Vec<RealityCheck>, Vec<TestInput>) {
        let mut inputs = Vec::new();
        for definition in definitions {
            let Body::TestInput(tokens) = &definition.body else {
                continue;
            };
            let name = &definition.lhs.name;
            let Some(target) = name_of(tokens.first()) else {
                self.error_help(
                    DiagnosticKind::Syntax,
                    format!(
                        "test input `{}` must name the variable it changes",
                        name.name
                    ),
                    Some(name.span.clone()),
                    "a test input reads `name :TEST INPUT: variable = expression`",
                );
                continue;
            };
            let Some(equals) = tokens.iter().position(|t| symbol(Some(t), "=")) else {
                self.error_help(
                    DiagnosticKind::Syntax,
                    format!("test input `{}` has no `=`", name.name),
                    Some(target.span),
                    "a test input reads `name :TEST INPUT: variable = expression`",
                );
                continue;
            };
            // Inside the test input, the variable's own name means its value without the test.
            let original = TestInput::original_name(&target.name);
            let target_key = canonical(&target.name);
            let equation = super::translate::translate_renaming(
                self.source,
                &tokens[equals + 1..],
                &name.name,
                &|n| (canonical(n) == target_key).then(|| original.clone()),
                &mut self.diagnostics,
            );
            inputs.push(TestInput {
                name: name.name.clone(),
                variable: target.name,
                equation,
                span: Some(definition.span.clone()),
            });
        }
        let input_names: HashSet<String> = inputs.iter().map(|i| canonical(&i.name)).collect();
        let mut checks = Vec::new();
        for definition in definitions {
            let Body::Condition(condition, consequence) = &definition.body else {
                continue;
            };
            let name = &definition.lhs.name.name;
            // A condition made only of test input names (with subscripts), joined by :AND:.
            let mut test_inputs = Vec::new();
            let mut only_inputs = !condition.is_empty();
            let mut expect_name = true;
            let mut depth = 0usize;
            for token in condition {
                match &token.kind {
                    TokenKind::Symbol("[") => depth += 1,
                    TokenKind::Symbol("]") => depth = depth.saturating_sub(1),
                    _ if depth > 0 => {}
                    TokenKind::Name { text, .. }
                        if expect_name && input_names.contains(&canonical(text)) =>
                    {
                        test_inputs.push(text.clone());
                        expect_name = false;
                    }
                    TokenKind::Keyword(k) if k == "AND" && !expect_name => expect_name = true,
                    _ => only_inputs = false,
                }
            }
            if !only_inputs || expect_name {
                test_inputs.clear();
            }
            let check = RealityCheck {
                name: name.clone(),
                dimensions: definition
                    .lhs
                    .subscripts
                    .iter()
                    .map(|s| s.name.clone())
                    .collect(),
                condition: self.expression(condition, name),
                test_inputs,
                consequence: self.expression(consequence, name),
                span: Some(definition.span.clone()),
            };
            if consequence.is_empty() {
                self.error(
                    DiagnosticKind::Syntax,
                    format!("reality check `{name}` has nothing after `:IMPLIES:`"),
                    Some(definition.span.end..definition.span.end),
                );
            }
            checks.push(check);
        }
        (checks, inputs)
    }

    // ----- simulation control -----

    /// Takes INITIAL TIME, FINAL TIME, TIME STEP and SAVEPER out of the definitions.
    fn sim_specs(&mut self, definitions: &mut Vec<Definition>) -> SimSpecs {
        let mut specs = SimSpecs::default();
        let names = ["initial_time", "final_time", "time_step", "saveper"];
        let mut values: HashMap<&str, f64> = HashMap::new();
        let mut control: Vec<(&str, Definition)> = Vec::new();
        definitions.retain(|d| {
            let key = canonical(&d.lhs.name.name);
            match names.iter().find(|n| **n == key) {
                Some(n) if d.lhs.subscripts.is_empty() && matches!(d.body, Body::Equation(_)) => {
                    control.push((n, d.clone()));
                    false
                }
                _ => true,
            }
        });
        // Control variables may refer to each other (SAVEPER = TIME STEP): evaluate in rounds.
        for _ in 0..names.len() {
            for (name, definition) in &control {
                if values.contains_key(name) {
                    continue;
                }
                let Body::Equation(tokens) = &definition.body else {
                    continue;
                };
                let equation = translate(self.source, tokens, name, &mut Vec::new());
                if let Some(value) = parse(&equation.text)
                    .0
                    .and_then(|e| constant_value(&e, &values))
                {
                    values.insert(name, value);
                }
            }
        }
        for (name, definition) in &control {
            if !values.contains_key(name) {
                self.error_help(
                    DiagnosticKind::Unsupported,
                    format!("`{}` must be a constant", definition.lhs.name.name),
                    Some(definition.span.clone()),
                    "give the simulation's time settings as numbers",
                );
            }
            if definition.units.is_some() && specs.time_units.is_none() && *name != "saveper" {
                specs.time_units = definition.units.clone();
            }
        }
        if let Some(&start) = values.get("initial_time") {
            specs.start = start;
        }
        if let Some(&stop) = values.get("final_time") {
            specs.stop = stop;
        }
        if let Some(&dt) = values.get("time_step") {
            specs.dt = dt;
        }
        // Saving every step is what no save step means.
        specs.save_step = values.get("saveper").copied().filter(|&s| s != specs.dt);
        let span_of_control = |name: &str| {
            control
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, d)| d.span.clone())
        };
        if !(specs.dt > 0.0 && specs.dt.is_finite()) {
            self.error(
                DiagnosticKind::Structure,
                format!("the time step must be positive, found {}", specs.dt),
                span_of_control("time_step"),
            );
            specs.dt = 1.0;
        }
        // Without a FINAL TIME the error below says so; comparing the default with the start would
        // report a problem that has no line to point at.
        let has_final = control.iter().any(|(n, _)| *n == "final_time");
        if has_final && specs.stop < specs.start {
            self.error(
                DiagnosticKind::Structure,
                format!(
                    "the final time {} is before the initial time {}",
                    specs.stop, specs.start
                ),
                span_of_control("final_time"),
            );
        }
        if specs.save_step.is_some_and(|s| !(s > 0.0 && s.is_finite())) {
            self.error(
                DiagnosticKind::Structure,
                "SAVEPER must be positive".into(),
                span_of_control("saveper"),
            );
            specs.save_step = None;
        }
        if !has_final {
            self.error_help(
                DiagnosticKind::Structure,
                "the model has no FINAL TIME".into(),
                Some(0..0),
                "add `FINAL TIME = 100 ~ Month ~ |` (and INITIAL TIME, TIME STEP)",
            );
        }
        specs
    }
}

/// Evaluates a constant expression (numbers, arithmetic, and names already given values).
fn constant_value(expr: &Expr, values: &HashMap<&str, f64>) -> Option<f64> {
    Some(match &expr.kind {
        ExprKind::Number(v) => *v,
        ExprKind::Name(name) => *values.get(canonical(name).as_str())?,
        ExprKind::Unary(UnaryOp::Negate, a) => -constant_value(a, values)?,
        ExprKind::Unary(UnaryOp::Plus, a) => constant_value(a, values)?,
        ExprKind::Binary(op, a, b) => {
            let (a, b) = (constant_value(a, values)?, constant_value(b, values)?);
            match op {
                BinaryOp::Add => a + b,
                BinaryOp::Subtract => a - b,
                BinaryOp::Multiply => a * b,
                BinaryOp::Divide => a / b,
                BinaryOp::Power => a.powf(b),
                _ => return None,
            }
        }
        _ => return None,
    })
}
