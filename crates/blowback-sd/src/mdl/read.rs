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
    DataInterpolation, Dimension, DimensionMapping, ElementEquation, Equation, GraphicalFunction,
    GraphicalFunctionKind, Header, Macro, Model, Project, RealityCheck, SimSpecs, TestInput,
    Variable, VariableKind,
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

struct Reader<'a> {
    source: &'a str,
    /// Where `GET DIRECT SUBSCRIPT` reads its files.
    files: &'a dyn DataFiles,
    diagnostics: Vec<Diagnostic>,
    /// While reading a macro: the macro's name (canonical) and the name its output variable takes,
    /// so the output can be a stock that reads itself.
    macro_output: Option<(String, String)>,
}

/// A macro as read: its name, inputs, extra outputs and body.
type MacroParts = (Located, Vec<Located>, Vec<Located>, Vec<Definition>);

/// A name with its span in the file.
#[derive(Debug, Clone)]
struct Located {
    name: String,
    span: Range<usize>,
}

/// The left-hand side of an entry: `name[subscripts] :EXCEPT: [...]`.
#[derive(Debug, Clone)]
struct Lhs {
    name: Located,
    subscripts: Vec<Located>,
    except: Vec<Vec<Located>>,
}

/// What an entry defines.
#[derive(Debug, Clone)]
enum Body {
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
struct Definition {
    lhs: Lhs,
    body: Body,
    /// For a data equation (`:=`, or a keyword such as `:INTERPOLATE:`): how its series is read.
    data: Option<DataInterpolation>,
    units: Option<String>,
    doc: Option<String>,
    /// The entry's definition text in the file.
    span: Range<usize>,
}

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

/// Whether a definition makes its variable a lookup: a table, or a data function giving one.
fn is_lookup(definition: &Definition) -> bool {
    match &definition.body {
        Body::Lookup(_) => true,
        Body::Equation(tokens) => lookup_function(tokens),
        _ => false,
    }
}

/// Whether the tokens are one call of a data function that gives a lookup table.
fn lookup_function(tokens: &[Token]) -> bool {
    ["GET XLS LOOKUPS", "GET DIRECT LOOKUPS"]
        .iter()
        .any(|f| call_arguments(tokens, f).is_some())
}

fn symbol(token: Option<&Token>, expected: &str) -> bool {
    matches!(token, Some(Token { kind: TokenKind::Symbol(s), .. }) if *s == expected)
}

fn keyword(token: Option<&Token>, expected: &str) -> bool {
    matches!(token, Some(Token { kind: TokenKind::Keyword(k), .. }) if k == expected)
}

fn name_of(token: Option<&Token>) -> Option<Located> {
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
fn split_top_level<'t>(tokens: &'t [Token], separator: &str) -> Vec<&'t [Token]> {
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

/// If `tokens` is `NAME ( ... )` with the name (case-insensitive) as given, the arguments.
fn call_arguments<'t>(tokens: &'t [Token], function: &str) -> Option<Vec<&'t [Token]>> {
    let name = name_of(tokens.first())?;
    if canonical(&name.name) != canonical(function) || !symbol(tokens.get(1), "(") {
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

fn span_of(tokens: &[Token]) -> Option<Range<usize>> {
    Some(tokens.first()?.span.start..tokens.last()?.span.end)
}

/// A number with an optional sign, as constant lists and tables write them.
fn signed_number(tokens: &[Token]) -> Option<f64> {
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

/// Splits `Meters [0,?]` into the units and the range text.
fn split_units(text: &str) -> (Option<String>, Option<String>) {
    let text = clean_comment(text).unwrap_or_default();
    let text = text.trim();
    if text.ends_with(']') {
        if let Some(open) = text.rfind('[') {
            let units = text[..open].trim();
            let range = text[open..].to_string();
            return ((!units.is_empty()).then(|| units.to_string()), Some(range));
        }
    }
    ((!text.is_empty()).then(|| text.to_string()), None)
}

impl Reader<'_> {
    fn error(&mut self, kind: DiagnosticKind, message: String, span: Option<Range<usize>>) {
        self.diagnostics
            .push(Diagnostic::error(kind, message).with_span(span));
    }

    fn error_help(
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
        let (units, _range) = entry
            .units
            .clone()
            .map(|r| split_units(&self.source[r]))
            .unwrap_or((None, None));
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

    // ----- dimensions -----

    fn dimensions(&mut self, definitions: &[Definition]) -> Vec<Dimension> {
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
        if specs.stop < specs.start {
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
        if control.iter().all(|(n, _)| *n != "final_time") {
            self.error_help(
                DiagnosticKind::Structure,
                "the model has no FINAL TIME".into(),
                Some(0..0),
                "add `FINAL TIME = 100 ~ Month ~ |` (and INITIAL TIME, TIME STEP)",
            );
        }
        specs
    }

    // ----- variables -----

    fn variables(&mut self, definitions: &[Definition], dimensions: &[Dimension]) -> Vec<Variable> {
        let dims = Dims::new(dimensions);
        // Group the definitions of each variable, in file order.
        let mut order: Vec<String> = Vec::new();
        let mut groups: HashMap<String, Vec<&Definition>> = HashMap::new();
        for definition in definitions {
            if !matches!(
                definition.body,
                Body::Equation(_) | Body::Lookup(_) | Body::Data
            ) {
                continue;
            }
            let key = canonical(&definition.lhs.name.name);
            if dims.index.contains_key(&key) {
                self.error(
                    DiagnosticKind::Duplicate,
                    format!(
                        "`{}` is both a subscript range and a variable",
                        definition.lhs.name.name
                    ),
                    Some(definition.lhs.name.span.clone()),
                );
                continue;
            }
            if !groups.contains_key(&key) {
                order.push(key.clone());
            }
            groups.entry(key).or_default().push(definition);
        }
        // First pass: each variable's dimensions, and which variables are stocks.
        let mut shapes: HashMap<String, Vec<String>> = HashMap::new();
        let mut stocks: HashSet<String> = HashSet::new();
        let mut plain: HashSet<String> = HashSet::new();
        for key in &order {
            let group = &groups[key];
            if let Some(shape) = self.shape(group, &dims) {
                shapes.insert(key.clone(), shape);
            }
            let integ = group
                .iter()
                .filter(|d| matches!(&d.body, Body::Equation(t) if call_arguments(t, "INTEG").is_some()))
                .count();
            if integ > 0 {
                if integ < group.len() {
                    self.error_help(
                        DiagnosticKind::Syntax,
                        format!(
                            "`{}` is a stock for some elements and not for others",
                            group[0].lhs.name.name
                        ),
                        Some(group[0].lhs.name.span.clone()),
                        "define every element with INTEG",
                    );
                }
                stocks.insert(key.clone());
            } else if group
                .iter()
                .all(|d| matches!(d.body, Body::Equation(_)) && d.data.is_none() && !is_lookup(d))
            {
                plain.insert(key.clone());
            }
        }
        let mut flows: HashSet<String> = HashSet::new();
        let mut stock_flows: HashMap<String, StockFlows> = HashMap::new();
        let mut taken: HashSet<String> = order.iter().cloned().collect();
        for key in &order {
            if !stocks.contains(key) || !shapes.contains_key(key) {
                continue;
            }
            let group = &groups[key];
            // Every definition of the stock must name the same flows (each at its own elements).
            let mut decompositions = group
                .iter()
                .map(|d| self.decompose_rate(d, &stocks, &plain, &shapes, &shapes[key]));
            let first = decompositions.next().flatten();
            let decomposed = first.filter(|f| decompositions.all(|d| d.as_ref() == Some(f)));
            let result = match decomposed {
                Some((inflows, outflows)) => {
                    for f in inflows.iter().chain(&outflows) {
                        flows.insert(canonical(f));
                    }
                    StockFlows::Named { inflows, outflows }
                }
                None => {
                    let base = format!("{} net flow", group[0].lhs.name.name);
                    let mut name = base.clone();
                    let mut n = 2;
                    while taken.contains(&canonical(&name)) {
                        name = format!("{base} {n}");
                        n += 1;
                    }
                    taken.insert(canonical(&name));
                    StockFlows::Generated(name)
                }
            };
            stock_flows.insert(key.clone(), result);
        }
        // Second pass: build the variables.
        let mut variables = Vec::new();
        for key in &order {
            let group = &groups[key];
            let Some(shape) = shapes.get(key) else {
                continue;
            };
            let first = group[0];
            let kind = if stocks.contains(key) {
                let (inflows, outflows) = match &stock_flows[key] {
                    StockFlows::Named { inflows, outflows } => (inflows.clone(), outflows.clone()),
                    StockFlows::Generated(name) => (vec![name.clone()], Vec::new()),
                };
                VariableKind::Stock {
                    inflows,
                    outflows,
                    non_negative: false,
                }
            } else if group.iter().any(|d| is_lookup(d)) {
                VariableKind::GraphicalFunction
            } else if let Some(interpolation) = group.iter().find_map(|d| d.data) {
                VariableKind::Data { interpolation }
            } else if flows.contains(key) {
                VariableKind::Flow {
                    non_negative: false,
                }
            } else {
                VariableKind::Aux
            };
            let mut variable = Variable {
                name: first.lhs.name.name.clone(),
                kind,
                equation: None,
                initial_equation: None,
                dimensions: shape.clone(),
                elements: Vec::new(),
                graphical_function: None,
                doc: group.iter().find_map(|d| d.doc.clone()),
                units: group.iter().find_map(|d| d.units.clone()),
                span: Some(first.span.clone()),
            };
            let mut generated_flow = match stock_flows.get(key) {
                Some(StockFlows::Generated(name)) => Some(Variable {
                    name: name.clone(),
                    kind: VariableKind::Flow {
                        non_negative: false,
                    },
                    equation: None,
                    initial_equation: None,
                    dimensions: shape.clone(),
                    elements: Vec::new(),
                    graphical_function: None,
                    doc: Some(format!(
                        "The net flow of `{}` (its INTEG rate).",
                        first.lhs.name.name
                    )),
                    units: None,
                    span: Some(first.span.clone()),
                }),
                _ => None,
            };
            self.fill(group, &dims, &mut variable, generated_flow.as_mut());
            variables.push(variable);
            variables.extend(generated_flow);
        }
        variables
    }

    /// The dimensions of a variable from all its definitions, or `None` (reported) when they
    /// do not agree.
    fn shape(&mut self, group: &[&Definition], dims: &Dims) -> Option<Vec<String>> {
        let first = group[0];
        let count = first.lhs.subscripts.len();
        for definition in group {
            if definition.lhs.subscripts.len() != count {
                self.error(
                    DiagnosticKind::Dimension,
                    format!(
                        "`{}` has {} subscript(s) here but {} in its first definition",
                        definition.lhs.name.name,
                        definition.lhs.subscripts.len(),
                        count
                    ),
                    Some(definition.lhs.name.span.clone()),
                );
                return None;
            }
        }
        if count == 0 {
            for extra in &group[1..] {
                self.error_help(
                    DiagnosticKind::Duplicate,
                    format!("`{}` is defined more than once", extra.lhs.name.name),
                    Some(extra.lhs.name.span.clone()),
                    "names are compared ignoring case, spaces and underscores",
                );
            }
            return Some(Vec::new());
        }
        // One definition over whole ranges applies to all their elements as written.
        if group.len() == 1 && first.lhs.except.is_empty() {
            let all_ranges = first
                .lhs
                .subscripts
                .iter()
                .all(|s| dims.index.contains_key(&canonical(&s.name)));
            if all_ranges {
                return Some(
                    first
                        .lhs
                        .subscripts
                        .iter()
                        .map(|s| dims.list[dims.index[&canonical(&s.name)]].name.to_string())
                        .collect(),
                );
            }
        }
        // Otherwise each position takes the smallest full range holding every element used there.
        let mut shape = Vec::new();
        for position in 0..count {
            let mut used: Vec<String> = Vec::new();
            for definition in group {
                let subscript = &definition.lhs.subscripts[position];
                match dims.elements_of(&subscript.name) {
                    Some(elements) => used.extend(elements.iter().cloned()),
                    None => used.push(canonical(&subscript.name)),
                }
            }
            let candidate = dims
                .list
                .iter()
                .enumerate()
                .filter(|(_, d)| used.iter().all(|u| d.keys.contains(u)))
                .min_by_key(|(i, d)| (dims.is_subrange[*i], d.keys.len()))
                .map(|(_, d)| d.name.to_string());
            match candidate {
                Some(name) => shape.push(name),
                None => {
                    let subscript = &group
                        .iter()
                        .map(|d| &d.lhs.subscripts[position])
                        .find(|s| dims.elements_of(&s.name).is_none() && !dims.has_element(&s.name))
                        .unwrap_or(&first.lhs.subscripts[position]);
                    self.error_help(
                        DiagnosticKind::Dimension,
                        format!(
                            "no subscript range holds every element `{}` uses in position {}: `{}` is not known",
                            first.lhs.name.name,
                            position + 1,
                            subscript.name
                        ),
                        Some(subscript.span.clone()),
                        "define the range with `name: element, element ~~|`",
                    );
                    return None;
                }
            }
        }
        Some(shape)
    }

    /// `INTEG(a - b + c, init)` with plain flow names gives inflows `a`, `c` and outflow `b`.
    fn decompose_rate(
        &self,
        definition: &Definition,
        stocks: &HashSet<String>,
        plain: &HashSet<String>,
        shapes: &HashMap<String, Vec<String>>,
        shape: &[String],
    ) -> Option<(Vec<String>, Vec<String>)> {
        let Body::Equation(tokens) = &definition.body else {
            return None;
        };
        let args = call_arguments(tokens, "INTEG")?;
        let rate = args.first()?;
        let mut inflows = Vec::new();
        let mut outflows = Vec::new();
        let mut seen = HashSet::new();
        let mut i = 0;
        let lhs: Vec<String> = definition
            .lhs
            .subscripts
            .iter()
            .map(|s| canonical(&s.name))
            .collect();
        while i < rate.len() {
            let mut negative = false;
            if symbol(rate.get(i), "-") {
                negative = true;
                i += 1;
            } else if symbol(rate.get(i), "+") {
                i += 1;
            } else if i > 0 {
                return None;
            }
            let name = name_of(rate.get(i))?;
            i += 1;
            let mut subscripts = Vec::new();
            if symbol(rate.get(i), "[") {
                i += 1;
                loop {
                    subscripts.push(canonical(&name_of(rate.get(i))?.name));
                    i += 1;
                    if symbol(rate.get(i), ",") {
                        i += 1;
                    } else if symbol(rate.get(i), "]") {
                        i += 1;
                        break;
                    } else {
                        return None;
                    }
                }
            }
            let key = canonical(&name.name);
            if stocks.contains(&key)
                || !plain.contains(&key)
                || subscripts != lhs
                || shapes.get(&key).map(Vec::as_slice) != Some(shape)
                || !seen.insert(key)
            {
                return None;
            }
            if negative {
                outflows.push(name.name);
            } else {
                inflows.push(name.name);
            }
        }
        (!inflows.is_empty() || !outflows.is_empty()).then_some((inflows, outflows))
    }

    /// Fills a variable's equation(s), graphical function(s) and, for a stock whose rate is not a
    /// sum of flows, the generated flow's equation(s).
    fn fill(
        &mut self,
        group: &[&Definition],
        dims: &Dims,
        variable: &mut Variable,
        mut flow: Option<&mut Variable>,
    ) {
        let first = group[0];
        let whole = group.len() == 1
            && first.lhs.except.is_empty()
            && first
                .lhs
                .subscripts
                .iter()
                .zip(&variable.dimensions)
                .all(|(s, d)| canonical(&s.name) == canonical(d));
        let mut covered: HashSet<Vec<String>> = HashSet::new();
        for definition in group {
            let Some(value) = self.value(definition) else {
                continue;
            };
            if whole && !matches!(value.equation, Some(Value::List(_))) {
                variable.equation = match value.equation {
                    Some(Value::Expression(e)) => Some(e),
                    _ => None,
                };
                variable.graphical_function = value.graphical_function;
                if let (Some(flow), Some(rate)) = (flow.as_deref_mut(), value.rate) {
                    flow.equation = Some(rate);
                }
                return;
            }
            let tuples = self.element_tuples(definition, dims, &variable.dimensions);
            let keys: Vec<Vec<String>> = tuples
                .iter()
                .map(|t| t.iter().map(|e| canonical(e)).collect())
                .collect();
            if let Some(at) = keys.iter().position(|k| covered.contains(k)) {
                self.error_help(
                    DiagnosticKind::Duplicate,
                    format!(
                        "`{}[{}]` is defined more than once",
                        definition.lhs.name.name,
                        tuples[at].join(",")
                    ),
                    Some(definition.lhs.name.span.clone()),
                    "each element needs exactly one equation; use :EXCEPT: to leave some out",
                );
                continue;
            }
            covered.extend(keys);
            match value.equation {
                Some(Value::List(list)) => {
                    if list.len() != tuples.len() {
                        self.error_help(
                            DiagnosticKind::Dimension,
                            format!(
                                "`{}` lists {} value(s) for {} element(s)",
                                definition.lhs.name.name,
                                list.len(),
                                tuples.len()
                            ),
                            Some(definition.span.clone()),
                            "give one value per element, rows separated by `;`",
                        );
                        continue;
                    }
                    for (tuple, equation) in tuples.into_iter().zip(list) {
                        variable.elements.push(ElementEquation {
                            subscript: tuple,
                            except: Vec::new(),
                            equation,
                            graphical_function: value.graphical_function.clone(),
                        });
                    }
                }
                equation => {
                    let names = |list: &[Located]| list.iter().map(|s| s.name.clone()).collect();
                    let subscript: Vec<String> = names(&definition.lhs.subscripts);
                    let except: Vec<Vec<String>> =
                        definition.lhs.except.iter().map(|e| names(e)).collect();
                    if let (Some(flow), Some(rate)) = (flow.as_deref_mut(), &value.rate) {
                        flow.elements.push(ElementEquation {
                            subscript: subscript.clone(),
                            except: except.clone(),
                            equation: rate.clone(),
                            graphical_function: None,
                        });
                    }
                    variable.elements.push(ElementEquation {
                        subscript,
                        except,
                        equation: match equation {
                            Some(Value::Expression(e)) => e,
                            _ => Equation::default(),
                        },
                        graphical_function: value.graphical_function,
                    });
                }
            }
        }
        // Vensim lets a variable leave elements undefined (it does not report them); they are 0.
        let total: usize = variable
            .dimensions
            .iter()
            .map(|d| dims.display_elements_of(d).map_or(0, |e| e.len()))
            .product();
        let numeric = matches!(
            variable.kind,
            VariableKind::Aux
                | VariableKind::Flow { .. }
                | VariableKind::Stock { .. }
                | VariableKind::Data { .. }
        );
        if !whole && numeric && covered.len() < total && !variable.elements.is_empty() {
            self.diagnostics.push(
                Diagnostic::warning(
                    DiagnosticKind::MissingEquation,
                    format!(
                        "`{}` is defined for {} of its {} elements; the others are 0",
                        variable.name,
                        covered.len(),
                        total
                    ),
                )
                .with_variable(variable.name.clone())
                .with_span(Some(first.lhs.name.span.clone())),
            );
            variable.equation = Some(Equation::new("0"));
            if let Some(flow) = flow {
                flow.equation = Some(Equation::new("0"));
            }
        }
    }

    /// Every element tuple a definition covers, `:EXCEPT:` removed, first subscript slowest.
    fn element_tuples(
        &mut self,
        definition: &Definition,
        dims: &Dims,
        shape: &[String],
    ) -> Vec<Vec<String>> {
        let expand = |subscripts: &[Located], reader: &mut Self| -> Vec<Vec<String>> {
            let mut tuples = vec![Vec::new()];
            for (position, subscript) in subscripts.iter().enumerate() {
                let options: Vec<String> = match dims.display_elements_of(&subscript.name) {
                    Some(elements) => elements,
                    None => {
                        let in_shape = shape
                            .get(position)
                            .and_then(|d| dims.display_elements_of(d));
                        let key = canonical(&subscript.name);
                        match in_shape.and_then(|e| e.into_iter().find(|e| canonical(e) == key)) {
                            Some(element) => vec![element],
                            None => {
                                reader.error(
                                    DiagnosticKind::Dimension,
                                    format!(
                                        "`{}` is not an element of `{}`",
                                        subscript.name,
                                        shape.get(position).map_or("", String::as_str)
                                    ),
                                    Some(subscript.span.clone()),
                                );
                                return Vec::new();
                            }
                        }
                    }
                };
                tuples = tuples
                    .into_iter()
                    .flat_map(|prefix: Vec<String>| {
                        options.iter().map(move |o| {
                            let mut next = prefix.clone();
                            next.push(o.clone());
                            next
                        })
                    })
                    .collect();
            }
            tuples
        };
        let mut tuples = expand(&definition.lhs.subscripts, self);
        for except in &definition.lhs.except {
            if except.len() != definition.lhs.subscripts.len() {
                self.error(
                    DiagnosticKind::Dimension,
                    format!(
                        "`:EXCEPT:` gives {} subscript(s) for a variable with {}",
                        except.len(),
                        definition.lhs.subscripts.len()
                    ),
                    except.first().map(|s| s.span.clone()),
                );
                continue;
            }
            let removed: HashSet<Vec<String>> = expand(except, self)
                .into_iter()
                .map(|t| t.iter().map(|e| canonical(e)).collect())
                .collect();
            tuples
                .retain(|t| !removed.contains(&t.iter().map(|e| canonical(e)).collect::<Vec<_>>()));
        }
        tuples
    }

    /// The equation, graphical function and (for a stock) rate of one definition.
    fn value(&mut self, definition: &Definition) -> Option<DefinitionValue> {
        let name = &definition.lhs.name.name;
        match &definition.body {
            Body::Data => Some(DefinitionValue::default()),
            Body::Lookup(tokens) => {
                // `table( GET XLS LOOKUPS(...) )`: the data function gives the points.
                let inner = tokens.get(1..tokens.len().saturating_sub(1)).unwrap_or(&[]);
                if lookup_function(inner) {
                    return Some(DefinitionValue {
                        equation: Some(Value::Expression(self.expression(inner, name))),
                        ..DefinitionValue::default()
                    });
                }
                let gf = self.table(tokens, name)?;
                Some(DefinitionValue {
                    graphical_function: Some(gf),
                    ..DefinitionValue::default()
                })
            }
            Body::Equation(tokens) => {
                if tokens.is_empty() {
                    self.error_help(
                        DiagnosticKind::MissingEquation,
                        format!("`{name}` has an empty equation"),
                        Some(definition.span.end..definition.span.end),
                        "give it a value or an expression after `=`",
                    );
                    return None;
                }
                if let Some(args) = call_arguments(tokens, "INTEG") {
                    if args.len() != 2 {
                        self.error_help(
                            DiagnosticKind::Arity,
                            format!(
                                "INTEG takes 2 arguments (rate, initial value), found {}",
                                args.len()
                            ),
                            span_of(tokens),
                            "write `INTEG(inflow - outflow, initial value)`",
                        );
                        return None;
                    }
                    let rate = self.expression(args[0], name);
                    let initial = self.expression(args[1], name);
                    return Some(DefinitionValue {
                        equation: Some(Value::Expression(initial)),
                        rate: Some(rate),
                        graphical_function: None,
                    });
                }
                if let Some(args) = call_arguments(tokens, "WITH LOOKUP") {
                    if args.len() != 2 {
                        self.error(
                            DiagnosticKind::Arity,
                            format!(
                                "WITH LOOKUP takes 2 arguments (input, table), found {}",
                                args.len()
                            ),
                            span_of(tokens),
                        );
                        return None;
                    }
                    let gf = self.table(args[1], name)?;
                    return Some(DefinitionValue {
                        equation: Some(Value::Expression(self.expression(args[0], name))),
                        graphical_function: Some(gf),
                        rate: None,
                    });
                }
                if let Some(args) = call_arguments(tokens, "TABBED ARRAY") {
                    let inner: Vec<Token> = args.concat();
                    let list = self.number_list(&inner, name)?;
                    return Some(DefinitionValue {
                        equation: Some(Value::List(list)),
                        ..DefinitionValue::default()
                    });
                }
                if call_arguments(tokens, "A FUNCTION OF").is_some() {
                    self.error_help(
                        DiagnosticKind::MissingEquation,
                        format!("`{name}` is only declared as A FUNCTION OF its inputs"),
                        span_of(tokens),
                        "give it an equation",
                    );
                    return None;
                }
                let has_separator = tokens
                    .iter()
                    .any(|t| symbol(Some(t), ",") || symbol(Some(t), ";"));
                let depth_zero_list = has_separator
                    && split_top_level(tokens, ",")
                        .iter()
                        .flat_map(|p| split_top_level(p, ";"))
                        .all(|p| p.is_empty() || signed_number(p).is_some());
                if depth_zero_list {
                    let list = self.number_list(tokens, name)?;
                    return Some(DefinitionValue {
                        equation: Some(Value::List(list)),
                        ..DefinitionValue::default()
                    });
                }
                Some(DefinitionValue {
                    equation: Some(Value::Expression(self.expression(tokens, name))),
                    ..DefinitionValue::default()
                })
            }
            _ => None,
        }
    }

    /// Numbers separated by commas, semicolons or (in TABBED ARRAY) blanks, one equation each.
    fn number_list(&mut self, tokens: &[Token], name: &str) -> Option<Vec<Equation>> {
        let mut list = Vec::new();
        let mut i = 0;
        while i < tokens.len() {
            if symbol(tokens.get(i), ",") || symbol(tokens.get(i), ";") {
                i += 1;
                continue;
            }
            let signed = symbol(tokens.get(i), "-") || symbol(tokens.get(i), "+");
            let width = if signed { 2 } else { 1 };
            let part = &tokens[i..(i + width).min(tokens.len())];
            match signed_number(part) {
                Some(value) => {
                    let mut builder = Builder::default();
                    let span = span_of(part).unwrap_or(0..0);
                    let text = if signed {
                        format!("-{}", &self.source[part[1].span.clone()])
                    } else if value == NA {
                        format!("({})", super::translate::engine_number(NA))
                    } else {
                        self.source[span.clone()].to_string()
                    };
                    let text = if symbol(part.first(), "+") {
                        text[1..].to_string()
                    } else {
                        text
                    };
                    builder.push(&text, span);
                    list.push(builder.finish());
                    i += width;
                }
                None => {
                    self.error_help(
                        DiagnosticKind::Syntax,
                        format!("`{name}`: expected a number in the list"),
                        Some(tokens[i].span.clone()),
                        "a constant list holds numbers separated by `,` (and `;` between rows)",
                    );
                    return None;
                }
            }
        }
        Some(list)
    }

    fn expression(&mut self, tokens: &[Token], name: &str) -> Equation {
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

    /// A lookup table: `( [(x0,y0)-(x1,y1)], (x,y), ... )` or `(x1, ..., xn, y1, ..., yn)`.
    fn table(&mut self, tokens: &[Token], name: &str) -> Option<GraphicalFunction> {
        let span = span_of(tokens);
        let fail = |reader: &mut Self, message: String, at: Option<Range<usize>>| {
            reader.error_help(
                DiagnosticKind::GraphicalFunction,
                message,
                at,
                "a lookup reads `([(xmin,ymin)-(xmax,ymax)], (x1,y1), (x2,y2), ...)`",
            );
            None
        };
        if !symbol(tokens.first(), "(") || !symbol(tokens.last(), ")") {
            return fail(
                self,
                format!("`{name}`: expected a lookup table in parentheses"),
                span,
            );
        }
        let inner = &tokens[1..tokens.len() - 1];
        let mut y_scale = None;
        let mut xs = Vec::new();
        let mut ys = Vec::new();
        let mut flat = Vec::new();
        for part in split_top_level(inner, ",") {
            if part.is_empty() {
                continue;
            }
            if symbol(part.first(), "[") {
                // The range `[(x0,y0)-(x1,y1)]`, possibly followed by reference points.
                let numbers: Vec<f64> = self.numbers_in(part);
                if numbers.len() >= 4 {
                    y_scale = Some((numbers[1], numbers[3]));
                }
                continue;
            }
            if symbol(part.first(), "(") && symbol(part.last(), ")") {
                let pair = split_top_level(&part[1..part.len() - 1], ",");
                match (
                    pair.first().and_then(|p| signed_number(p)),
                    pair.get(1).and_then(|p| signed_number(p)),
                ) {
                    (Some(x), Some(y)) if pair.len() == 2 => {
                        xs.push(x);
                        ys.push(y);
                    }
                    _ => {
                        return fail(
                            self,
                            format!("`{name}`: expected a point `(x,y)`"),
                            span_of(part),
                        )
                    }
                }
                continue;
            }
            match signed_number(part) {
                Some(v) => flat.push(v),
                None => {
                    return fail(
                        self,
                        format!("`{name}`: expected a number or a point `(x,y)`"),
                        span_of(part),
                    )
                }
            }
        }
        if !flat.is_empty() {
            if !xs.is_empty() || flat.len() % 2 != 0 {
                return fail(
                    self,
                    format!(
                        "`{name}`: a lookup given as a list needs all x values then all y values"
                    ),
                    span,
                );
            }
            let half = flat.len() / 2;
            xs = flat[..half].to_vec();
            ys = flat[half..].to_vec();
        }
        if xs.is_empty() {
            return fail(self, format!("`{name}`: the lookup has no points"), span);
        }
        if let Some(i) = xs.windows(2).position(|w| w[1] < w[0]) {
            // Vensim reads such a table as if its points were sorted by x.
            self.diagnostics.push(
                Diagnostic::warning(
                    DiagnosticKind::GraphicalFunction,
                    format!(
                        "`{name}`: the lookup's x values are not sorted ({} comes after {}); its points are used in order of x",
                        xs[i + 1],
                        xs[i]
                    ),
                )
                .with_variable(name)
                .with_span(span.clone()),
            );
            let mut points: Vec<(f64, f64)> = xs.iter().copied().zip(ys.iter().copied()).collect();
            points.sort_by(|a, b| a.0.total_cmp(&b.0));
            (xs, ys) = points.into_iter().unzip();
        }
        Some(GraphicalFunction {
            kind: GraphicalFunctionKind::Continuous,
            xs,
            ys,
            y_scale,
        })
    }

    fn numbers_in(&self, tokens: &[Token]) -> Vec<f64> {
        let mut numbers = Vec::new();
        let mut negative = false;
        let mut previous_operand = false;
        for token in tokens {
            match token.kind {
                TokenKind::Symbol("-") if !previous_operand => negative = true,
                TokenKind::Number(v) => {
                    numbers.push(if negative { -v } else { v });
                    negative = false;
                    previous_operand = true;
                    continue;
                }
                _ => {}
            }
            previous_operand = matches!(token.kind, TokenKind::Symbol(")"));
        }
        numbers
    }
}

enum StockFlows {
    Named {
        inflows: Vec<String>,
        outflows: Vec<String>,
    },
    Generated(String),
}

enum Value {
    Expression(Equation),
    List(Vec<Equation>),
}

#[derive(Default)]
struct DefinitionValue {
    equation: Option<Value>,
    graphical_function: Option<GraphicalFunction>,
    /// For a stock: its rate, for the flow that carries it.
    rate: Option<Equation>,
}

/// Subscript ranges with canonical element keys, for element look-ups.
struct Dims<'a> {
    list: Vec<DimKeys<'a>>,
    index: HashMap<String, usize>,
    /// Whether each range's elements all belong to a larger range.
    is_subrange: Vec<bool>,
}

struct DimKeys<'a> {
    name: &'a str,
    elements: &'a [String],
    keys: HashSet<String>,
}

impl<'a> Dims<'a> {
    fn new(dimensions: &'a [Dimension]) -> Self {
        let list: Vec<DimKeys> = dimensions
            .iter()
            .map(|d| DimKeys {
                name: &d.name,
                elements: &d.elements,
                keys: d.elements.iter().map(|e| canonical(e)).collect(),
            })
            .collect();
        let is_subrange = list
            .iter()
            .enumerate()
            .map(|(i, d)| {
                list.iter().enumerate().any(|(j, other)| {
                    j != i && other.keys.len() > d.keys.len() && d.keys.is_subset(&other.keys)
                })
            })
            .collect();
        let index = list
            .iter()
            .enumerate()
            .map(|(i, d)| (canonical(d.name), i))
            .collect();
        Dims {
            list,
            index,
            is_subrange,
        }
    }

    fn elements_of(&self, name: &str) -> Option<Vec<String>> {
        let d = &self.list[*self.index.get(&canonical(name))?];
        Some(d.elements.iter().map(|e| canonical(e)).collect())
    }

    fn display_elements_of(&self, name: &str) -> Option<Vec<String>> {
        let d = &self.list[*self.index.get(&canonical(name))?];
        Some(d.elements.to_vec())
    }

    fn has_element(&self, name: &str) -> bool {
        let key = canonical(name);
        self.list.iter().any(|d| d.keys.contains(&key))
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
