//! Reads XMILE text into a [`Project`].
//!
//! Leniency, because real files need it: undeclared namespace prefixes (xmutil writes `isee:` without
//! declaring it) are declared for the parser; booleans compare case-insensitively (`TruE`); the
//! pre-1.0 Stella 10 layout (variables directly under `<model>`) is accepted; unknown elements are
//! ignored. Everything else that is wrong is reported with its location, all in one pass.

use std::ops::Range;

use roxmltree::{Document, Node, ParsingOptions};

use crate::diagnostic::{Diagnostic, DiagnosticKind, Diagnostics};
use crate::model::{
    Connection, Dimension, ElementEquation, Equation, GraphicalFunction, GraphicalFunctionKind,
    Header, Macro, Method, Model, Project, SimSpecs, UnitDefinition, Variable, VariableKind,
};

/// Reads an XMILE document. Returns the project and any warnings, or every error found.
pub fn read_xmile(text: &str) -> Result<(Project, Vec<Diagnostic>), Diagnostics> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut patched = text.to_string();
    // Byte positions where we inserted namespace declarations, with their lengths, to map spans back.
    let mut insertions: Vec<(usize, usize)> = Vec::new();
    for _ in 0..8 {
        let options = ParsingOptions {
            allow_dtd: true,
            ..ParsingOptions::default()
        };
        let parsed = Document::parse_with_options(&patched, options);
        let declare = match &parsed {
            Err(roxmltree::Error::UnknownNamespace(prefix, _)) => Some(prefix.clone()),
            _ => None,
        };
        if let Some(prefix) = declare {
            drop(parsed);
            let Some(at) = root_tag_end_of_name(&patched) else {
                break;
            };
            let declaration = format!(" xmlns:{prefix}=\"urn:blowback:undeclared:{prefix}\"");
            patched.insert_str(at, &declaration);
            insertions.push((at, declaration.len()));
            continue;
        }
        match parsed {
            Ok(doc) => {
                let mut reader = Reader {
                    source: &patched,
                    insertions: &insertions,
                    diagnostics: Vec::new(),
                };
                let project = reader.project(&doc);
                let mut diagnostics = reader.diagnostics;
                if diagnostics.iter().any(Diagnostic::is_error) {
                    // Every problem in one pass: the equations are checked too when there is a
                    // model to check (a missing <sim_specs> says nothing about them).
                    if !project.models.is_empty() {
                        if let Err(more) = crate::compile::compile(&project) {
                            diagnostics.extend(more.0.into_iter().filter(Diagnostic::is_error));
                        }
                    }
                    return Err(Diagnostics(diagnostics));
                }
                return Ok((project, diagnostics));
            }
            Err(error) => {
                return Err(Diagnostics(vec![xml_error(
                    text,
                    &patched,
                    &insertions,
                    &error,
                )]))
            }
        }
    }
    Err(Diagnostics(vec![Diagnostic::error(
        DiagnosticKind::Xml,
        "the file's namespaces could not be resolved",
    )]))
}

/// A well-formedness error, located where the reader can act on it: a file that ends too soon at
/// its end (the parser reports such errors at 1:1), an empty file as empty.
fn xml_error(
    text: &str,
    patched: &str,
    insertions: &[(usize, usize)],
    error: &roxmltree::Error,
) -> Diagnostic {
    let at_end = text.trim_end().len().saturating_sub(1)..text.trim_end().len();
    let (message, span, help) = match error {
        _ if text.trim().is_empty() => (
            "the file is empty".to_string(),
            0..0,
            "an XMILE file holds an <xmile> element with <sim_specs> and a <model>",
        ),
        roxmltree::Error::NoRootNode => (
            "the file has no XML element".to_string(),
            at_end,
            "is this an XMILE file? It should hold an <xmile> element",
        ),
        roxmltree::Error::UnclosedRootNode | roxmltree::Error::UnexpectedEndOfStream => (
            format!("the file ends before its XML is complete ({error})"),
            at_end,
            "the file may be cut short: every element opened must be closed, down to </xmile>",
        ),
        _ => {
            let pos = error.pos();
            let offset = offset_of(patched, pos.row as usize, pos.col as usize);
            let offset = unshift(offset, insertions);
            (
                format!("the file is not well-formed XML: {error}"),
                offset..(offset + 1).min(text.len()),
                "fix the XML at this point",
            )
        }
    };
    Diagnostic::error(DiagnosticKind::Xml, message)
        .with_span(Some(span))
        .with_help(help)
}

/// Byte offset just after the root element's name, where a declaration can be inserted.
fn root_tag_end_of_name(text: &str) -> Option<usize> {
    let mut search = 0;
    loop {
        let start = search + text[search..].find('<')?;
        let rest = &text[start + 1..];
        if rest.starts_with('?') || rest.starts_with('!') {
            search = start + 1;
            continue;
        }
        let name_len = rest
            .find(|c: char| c.is_whitespace() || c == '>' || c == '/')
            .unwrap_or(rest.len());
        return Some(start + 1 + name_len);
    }
}

fn offset_of(text: &str, row: usize, col: usize) -> usize {
    let mut offset = 0;
    for (i, line) in text.split_inclusive('\n').enumerate() {
        if i + 1 == row {
            let column_bytes: usize = line
                .chars()
                .take(col.saturating_sub(1))
                .map(char::len_utf8)
                .sum();
            return offset + column_bytes;
        }
        offset += line.len();
    }
    text.len().saturating_sub(1)
}

fn unshift(offset: usize, insertions: &[(usize, usize)]) -> usize {
    let mut result = offset;
    for &(at, len) in insertions.iter().rev() {
        if result >= at + len {
            result -= len;
        } else if result >= at {
            result = at;
        }
    }
    result
}

/// Every element combination of the named dimensions, first dimension slowest.
fn element_combinations(names: &[String], dimensions: &[Dimension]) -> Vec<Vec<String>> {
    let mut combinations = vec![Vec::new()];
    for name in names {
        let key = crate::name::canonical(name);
        let Some(dimension) = dimensions
            .iter()
            .find(|d| crate::name::canonical(&d.name) == key)
        else {
            return Vec::new();
        };
        combinations = combinations
            .into_iter()
            .flat_map(|prefix: Vec<String>| {
                dimension.elements.iter().map(move |e| {
                    let mut next = prefix.clone();
                    next.push(e.clone());
                    next
                })
            })
            .collect();
    }
    combinations
}

struct Reader<'a> {
    source: &'a str,
    insertions: &'a [(usize, usize)],
    diagnostics: Vec<Diagnostic>,
}

/// Default `non_negative` settings from `<behavior>`.
#[derive(Clone, Copy, Default)]
struct Behavior {
    stocks: bool,
    flows: bool,
}

fn children<'a, 'input>(
    node: Node<'a, 'input>,
    name: &'static str,
) -> impl Iterator<Item = Node<'a, 'input>> {
    node.children()
        .filter(move |c| c.is_element() && c.tag_name().name().eq_ignore_ascii_case(name))
}

fn child<'a, 'input>(node: Node<'a, 'input>, name: &'static str) -> Option<Node<'a, 'input>> {
    children(node, name).next()
}

fn attribute<'a>(node: Node<'a, '_>, name: &str) -> Option<&'a str> {
    node.attributes()
        .find(|a| a.name().eq_ignore_ascii_case(name))
        .map(|a| a.value())
}

/// All text inside a node, entities decoded.
fn text_of(node: Node) -> String {
    node.descendants()
        .filter(Node::is_text)
        .filter_map(|n| n.text())
        .collect()
}

fn parse_bool(text: &str) -> Option<bool> {
    match text.trim().to_ascii_lowercase().as_str() {
        "" | "true" | "1" | "yes" => Some(true),
        "false" | "0" | "no" => Some(false),
        _ => None,
    }
}

impl Reader<'_> {
    /// Where a node is: all of it when it fits on a line, else its start tag, so a problem with
    /// a large element (the root's missing <sim_specs>) underlines the tag, not the whole file.
    fn span(&self, node: Node) -> Option<Range<usize>> {
        let mut range = node.range();
        let text = &self.source[range.clone()];
        if node.is_element() && text.contains('\n') {
            if let Some(end) = text.find('>') {
                range.end = range.start + end + 1;
            }
        }
        Some(unshift(range.start, self.insertions)..unshift(range.end, self.insertions))
    }

    fn error(&mut self, kind: DiagnosticKind, message: String, node: Node, help: Option<&str>) {
        let mut diagnostic = Diagnostic::error(kind, message).with_span(self.span(node));
        if let Some(help) = help {
            diagnostic = diagnostic.with_help(help);
        }
        self.diagnostics.push(diagnostic);
    }

    fn project(&mut self, doc: &Document) -> Project {
        let root = doc.root_element();
        let mut project = Project::default();
        if !root.tag_name().name().eq_ignore_ascii_case("xmile") {
            self.error(
                DiagnosticKind::Structure,
                format!(
                    "the root element is <{}>, not <xmile>",
                    root.tag_name().name()
                ),
                root,
                Some("is this an XMILE file?"),
            );
            return project;
        }
        if let Some(header) = child(root, "header") {
            project.header = Header {
                name: child(header, "name").map(text_of),
                vendor: child(header, "vendor").map(text_of),
                product: child(header, "product").map(text_of),
            };
        }
        match child(root, "sim_specs") {
            Some(specs) => project.sim_specs = self.sim_specs(specs),
            None => self.error(
                DiagnosticKind::Structure,
                "the file has no <sim_specs>".into(),
                root,
                Some("add <sim_specs><start>0</start><stop>10</stop><dt>1</dt></sim_specs>"),
            ),
        }
        let mut behavior = Behavior::default();
        if let Some(node) = child(root, "behavior") {
            if let Some(nn) = child(node, "non_negative") {
                let on = parse_bool(&text_of(nn)).unwrap_or(true);
                behavior = Behavior {
                    stocks: on,
                    flows: on,
                };
            }
            if let Some(nn) = child(node, "stock").and_then(|s| child(s, "non_negative")) {
                behavior.stocks = parse_bool(&text_of(nn)).unwrap_or(true);
            }
            if let Some(nn) = child(node, "flow").and_then(|s| child(s, "non_negative")) {
                behavior.flows = parse_bool(&text_of(nn)).unwrap_or(true);
            }
        }
        if let Some(units) = child(root, "model_units") {
            project.model_units = children(units, "unit")
                .filter_map(|unit| {
                    Some(UnitDefinition {
                        name: attribute(unit, "name")?.trim().to_string(),
                        equation: child(unit, "eqn")
                            .map(|e| text_of(e).trim().to_string())
                            .filter(|e| !e.is_empty()),
                        aliases: children(unit, "alias")
                            .map(|a| text_of(a).trim().to_string())
                            .filter(|a| !a.is_empty())
                            .collect(),
                        disabled: attribute(unit, "disabled").and_then(parse_bool) == Some(true),
                    })
                })
                .collect();
        }
        if let Some(dims) = child(root, "dimensions") {
            for dim in children(dims, "dim") {
                if let Some(dimension) = self.dimension(dim) {
                    project.dimensions.push(dimension);
                }
            }
        }
        for model in children(root, "model") {
            project
                .models
                .push(self.model(model, behavior, &project.dimensions));
        }
        for node in children(root, "macro") {
            if let Some(m) = self.macro_definition(node, behavior, &project.dimensions) {
                project.macros.push(m);
            }
        }
        if project.models.is_empty() {
            self.error(
                DiagnosticKind::Structure,
                "the file has no <model>".into(),
                root,
                None,
            );
        }
        project
    }

    fn number(&mut self, node: Node, what: &str) -> Option<f64> {
        let text = text_of(node);
        match text.trim().parse::<f64>() {
            Ok(value) if value.is_finite() => Some(value),
            _ => {
                self.error(
                    DiagnosticKind::Structure,
                    format!("{what} must be a number, found `{}`", text.trim()),
                    node,
                    None,
                );
                None
            }
        }
    }

    fn sim_specs(&mut self, node: Node) -> SimSpecs {
        let mut specs = SimSpecs::default();
        if let Some(method) = attribute(node, "method") {
            match method.parse::<Method>() {
                Ok(m) => specs.method = m,
                Err(message) => self.error(DiagnosticKind::Structure, message, node, None),
            }
        }
        specs.time_units = attribute(node, "time_units").map(str::to_string);
        if let Some(start) = child(node, "start").and_then(|n| self.number(n, "<start>")) {
            specs.start = start;
        }
        if let Some(stop) = child(node, "stop").and_then(|n| self.number(n, "<stop>")) {
            specs.stop = stop;
        }
        if let Some(dt_node) = child(node, "dt") {
            if let Some(dt) = self.number(dt_node, "<dt>") {
                let reciprocal = attribute(dt_node, "reciprocal")
                    .and_then(parse_bool)
                    .unwrap_or(false);
                specs.dt = if reciprocal { 1.0 / dt } else { dt };
                if specs.dt <= 0.0 || !specs.dt.is_finite() {
                    self.error(
                        DiagnosticKind::Structure,
                        format!("the time step must be positive, found {dt}"),
                        dt_node,
                        None,
                    );
                    specs.dt = 1.0;
                }
            }
        }
        if let Some(n) = children(node, "savestep")
            .chain(children(node, "save_step"))
            .chain(children(node, "saveper"))
            .next()
        {
            specs.save_step = self.number(n, "the save step");
        }
        if specs.save_step.is_none() {
            specs.save_step = attribute(node, "save_interval").and_then(|s| s.parse().ok());
        }
        if specs.stop < specs.start {
            self.error(
                DiagnosticKind::Structure,
                format!(
                    "the stop time {} is before the start time {}",
                    specs.stop, specs.start
                ),
                node,
                None,
            );
        }
        specs
    }

    fn dimension(&mut self, node: Node) -> Option<Dimension> {
        let Some(name) = attribute(node, "name") else {
            self.error(
                DiagnosticKind::Structure,
                "a <dim> has no name".into(),
                node,
                None,
            );
            return None;
        };
        let mut elements: Vec<String> = children(node, "elem")
            .filter_map(|e| attribute(e, "name").map(str::to_string))
            .collect();
        if elements.is_empty() {
            match attribute(node, "size").map(|s| s.trim().parse::<usize>()) {
                Some(Ok(size)) if size > 0 && size <= 1_000_000 => {
                    elements = (1..=size).map(|i| i.to_string()).collect();
                }
                _ => {
                    self.error(
                        DiagnosticKind::Dimension,
                        format!("dimension `{name}` has neither elements nor a valid size"),
                        node,
                        Some("give <elem name=\"...\"/> children or size=\"n\""),
                    );
                    return None;
                }
            }
        }
        Some(Dimension::new(name, elements))
    }

    fn macro_definition(
        &mut self,
        node: Node,
        behavior: Behavior,
        dimensions: &[Dimension],
    ) -> Option<Macro> {
        let name = attribute(node, "name")?.to_string();
        let equation = match child(node, "eqn") {
            Some(eqn) => self.equation(eqn),
            None => {
                self.error(
                    DiagnosticKind::Unsupported,
                    format!("macro `{name}` has no <eqn>; only expression macros are supported"),
                    node,
                    None,
                );
                return None;
            }
        };
        Some(Macro {
            name,
            parameters: children(node, "parm").map(text_of).collect(),
            equation,
            // A macro with stocks or helpers lists them under <variables>, like a model.
            variables: match child(node, "variables") {
                Some(_) => self.model(node, behavior, dimensions).variables,
                None => Vec::new(),
            },
            doc: child(node, "doc").map(text_of),
        })
    }

    fn model(&mut self, node: Node, behavior: Behavior, dimensions: &[Dimension]) -> Model {
        let name = attribute(node, "name").map(str::to_string);
        // XMILE 1.0 wraps variables in <variables>; Stella 10 put them straight under <model>.
        let container = child(node, "variables").unwrap_or(node);
        let mut variables = Vec::new();
        for element in container.children().filter(Node::is_element) {
            let tag = element.tag_name().name().to_ascii_lowercase();
            let variable = match tag.as_str() {
                "stock" | "flow" | "aux" | "gf" | "module" => {
                    self.variable(element, &tag, behavior, dimensions)
                }
                _ => None,
            };
            variables.extend(variable);
        }
        Model { name, variables }
    }

    fn equation(&mut self, node: Node) -> Equation {
        let text = text_of(node);
        let span = self.span(node);
        // The offset is exact only when the file holds the text verbatim (no entities or CDATA).
        let offset = node
            .children()
            .find(Node::is_text)
            .map(|t| t.range())
            .filter(|_| node.children().filter(Node::is_text).count() == 1)
            .filter(|r| self.source.get(r.clone()) == Some(text.as_str()))
            .map(|r| unshift(r.start, self.insertions));
        Equation {
            text,
            offset,
            element: span,
            source_map: Vec::new(),
        }
    }

    fn variable(
        &mut self,
        node: Node,
        tag: &str,
        behavior: Behavior,
        all_dimensions: &[Dimension],
    ) -> Option<Variable> {
        let Some(name) = attribute(node, "name") else {
            self.error(
                DiagnosticKind::Structure,
                format!("a <{tag}> has no name"),
                node,
                Some("add name=\"...\""),
            );
            return None;
        };
        let non_negative = |default: bool| {
            child(node, "non_negative")
                .map(|n| parse_bool(&text_of(n)).unwrap_or(true))
                .unwrap_or(default)
        };
        let kind = match tag {
            "stock" => VariableKind::Stock {
                inflows: children(node, "inflow")
                    .map(|n| text_of(n).trim().to_string())
                    .collect(),
                outflows: children(node, "outflow")
                    .map(|n| text_of(n).trim().to_string())
                    .collect(),
                non_negative: non_negative(behavior.stocks),
            },
            "flow" => VariableKind::Flow {
                non_negative: non_negative(behavior.flows),
            },
            "gf" => VariableKind::GraphicalFunction,
            "module" => VariableKind::Module {
                model: attribute(node, "model").unwrap_or(name).to_string(),
                connections: children(node, "connect")
                    .filter_map(|c| {
                        Some(Connection {
                            to: attribute(c, "to")?.to_string(),
                            from: attribute(c, "from")?.to_string(),
                        })
                    })
                    .collect(),
            },
            _ => VariableKind::Aux,
        };
        let graphical_function = if tag == "gf" {
            self.graphical_function(node)
        } else {
            child(node, "gf").and_then(|gf| self.graphical_function(gf))
        };
        let dimensions: Vec<String> = child(node, "dimensions")
            .map(|d| {
                children(d, "dim")
                    .filter_map(|dim| attribute(dim, "name").map(str::to_string))
                    .collect()
            })
            .unwrap_or_default();
        let mut elements: Vec<ElementEquation> = children(node, "element")
            .filter_map(|element| {
                let subscript = attribute(element, "subscript")?
                    .split(',')
                    .map(|s| s.trim().to_string())
                    .collect();
                let equation = child(element, "eqn").map(|e| self.equation(e))?;
                let graphical_function =
                    child(element, "gf").and_then(|gf| self.graphical_function(gf));
                Some(ElementEquation {
                    subscript,
                    except: Vec::new(),
                    equation,
                    graphical_function,
                })
            })
            .collect();
        let equation_nodes: Vec<Node> = children(node, "eqn").collect();
        let mut equation = equation_nodes.last().map(|e| self.equation(*e));
        // Hand-written arrayed variables sometimes give one <eqn> per element, in element order.
        if equation_nodes.len() > 1 && elements.is_empty() && !dimensions.is_empty() {
            let combinations = element_combinations(&dimensions, all_dimensions);
            if combinations.len() == equation_nodes.len() {
                for (subscript, eqn) in combinations.into_iter().zip(&equation_nodes) {
                    let equation = self.equation(*eqn);
                    elements.push(ElementEquation {
                        subscript,
                        except: Vec::new(),
                        equation,
                        graphical_function: None,
                    });
                }
                equation = None;
            }
        }
        // An auxiliary holding a graphical function and no equation is a table called like a
        // function, as simlin writes standalone lookups.
        let element_tables = !elements.is_empty()
            && elements
                .iter()
                .all(|e| e.graphical_function.is_some() && e.equation.text.trim().is_empty());
        let kind = match kind {
            VariableKind::Aux
                if equation.is_none()
                    && ((elements.is_empty() && graphical_function.is_some())
                        || element_tables) =>
            {
                VariableKind::GraphicalFunction
            }
            kind => kind,
        };
        Some(Variable {
            name: name.to_string(),
            kind,
            equation,
            initial_equation: child(node, "init_eqn").map(|e| self.equation(e)),
            dimensions,
            elements,
            graphical_function,
            doc: child(node, "doc").map(|d| text_of(d).trim().to_string()),
            units: child(node, "units").map(|u| text_of(u).trim().to_string()),
            span: self.span(node),
        })
    }

    fn points(&mut self, node: Node) -> Option<Vec<f64>> {
        let separator = attribute(node, "sep").unwrap_or(",");
        let text = text_of(node);
        let mut values = Vec::new();
        for part in text.split(separator) {
            let part = part.trim();
            if part.is_empty() {
                continue;
            }
            match part.parse::<f64>() {
                Ok(v) if v.is_finite() => values.push(v),
                _ => {
                    self.error(
                        DiagnosticKind::GraphicalFunction,
                        format!("`{part}` in the graphical function's points is not a number"),
                        node,
                        None,
                    );
                    return None;
                }
            }
        }
        Some(values)
    }

    fn graphical_function(&mut self, node: Node) -> Option<GraphicalFunction> {
        let kind_text = attribute(node, "type").map(str::to_ascii_lowercase);
        let discrete = attribute(node, "discrete").and_then(parse_bool) == Some(true);
        let kind = match kind_text.as_deref() {
            Some("extrapolate") => GraphicalFunctionKind::Extrapolate,
            Some("discrete") => GraphicalFunctionKind::Discrete,
            _ if discrete => GraphicalFunctionKind::Discrete,
            _ => GraphicalFunctionKind::Continuous,
        };
        let scale = |name: &'static str| {
            child(node, name).and_then(|s| {
                Some((
                    attribute(s, "min")?.trim().parse::<f64>().ok()?,
                    attribute(s, "max")?.trim().parse::<f64>().ok()?,
                ))
            })
        };
        let x_scale = scale("xscale");
        let y_scale = scale("yscale");
        let ys = match child(node, "ypts") {
            Some(ypts) => self.points(ypts)?,
            None => {
                self.error(
                    DiagnosticKind::GraphicalFunction,
                    "the graphical function has no <ypts>".into(),
                    node,
                    None,
                );
                return None;
            }
        };
        let xs = match child(node, "xpts") {
            Some(xpts) => self.points(xpts)?,
            None => match x_scale {
                Some((min, max)) if ys.len() > 1 => (0..ys.len())
                    .map(|i| min + (max - min) * i as f64 / (ys.len() - 1) as f64)
                    .collect(),
                Some((min, _)) => vec![min],
                None => {
                    self.error(
                        DiagnosticKind::GraphicalFunction,
                        "the graphical function has neither <xpts> nor <xscale>".into(),
                        node,
                        Some("add <xscale min=\"..\" max=\"..\"/>"),
                    );
                    return None;
                }
            },
        };
        if xs.len() != ys.len() || ys.is_empty() {
            self.error(
                DiagnosticKind::GraphicalFunction,
                format!(
                    "the graphical function has {} x values but {} y values",
                    xs.len(),
                    ys.len()
                ),
                node,
                None,
            );
            return None;
        }
        if let Some(i) = xs.windows(2).position(|w| w[1] < w[0]) {
            self.error(
                DiagnosticKind::GraphicalFunction,
                format!(
                    "the graphical function's x values are not sorted: {} comes after {}",
                    xs[i + 1],
                    xs[i]
                ),
                node,
                Some("x values must not decrease"),
            );
            return None;
        }
        Some(GraphicalFunction {
            kind,
            xs,
            ys,
            y_scale,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEACUP: &str = r#"<?xml version="1.0"?>
<xmile version="1.0" xmlns="http://docs.oasis-open.org/xmile/ns/XMILE/v1.0">
  <header><product>Hand</product></header>
  <sim_specs method="rk4"><start>0</start><stop>30</stop><dt reciprocal="true">8</dt></sim_specs>
  <model><variables>
    <stock name="Teacup Temperature"><eqn>180</eqn><outflow>Heat Loss</outflow><non_negative>TruE</non_negative></stock>
    <flow name="Heat Loss"><eqn>(Teacup_Temperature - 70) / 10</eqn></flow>
  </variables></model>
</xmile>"#;

    #[test]
    fn reads_specs_and_variables() {
        let (project, warnings) = read_xmile(TEACUP).unwrap();
        assert!(warnings.is_empty());
        assert_eq!(project.sim_specs.dt, 0.125);
        assert_eq!(project.sim_specs.method, Method::Rk4);
        let model = project.main_model().unwrap();
        assert_eq!(model.variables.len(), 2);
        assert!(matches!(
            model.variables[0].kind,
            VariableKind::Stock {
                non_negative: true,
                ..
            }
        ));
        let eqn = model.variables[1].equation.as_ref().unwrap();
        let offset = eqn.offset.unwrap();
        assert_eq!(&TEACUP[offset..offset + 4], "(Tea");
    }

    #[test]
    fn undeclared_prefixes_are_tolerated_and_spans_stay_right() {
        let text = "<xmile><sim_specs isee:x=\"1\"><start>0</start><stop>1</stop><dt>1</dt></sim_specs><model><variables><aux name=\"a\"><eqn>1+</eqn></aux></variables></model></xmile>";
        let (project, _) = read_xmile(text).unwrap();
        let eqn = project.models[0].variables[0].equation.clone().unwrap();
        assert_eq!(&text[eqn.offset.unwrap()..eqn.offset.unwrap() + 2], "1+");
    }

    #[test]
    fn an_aux_with_only_a_table_is_a_table() {
        let text = "<xmile><sim_specs><start>0</start><stop>1</stop><dt>1</dt></sim_specs><model><variables><aux name=\"t\"><gf><xpts>0,1</xpts><ypts>0,2</ypts></gf></aux></variables></model></xmile>";
        let (project, _) = read_xmile(text).unwrap();
        assert_eq!(
            project.models[0].variables[0].kind,
            VariableKind::GraphicalFunction
        );
        let arrayed = "<xmile><sim_specs><start>0</start><stop>1</stop><dt>1</dt></sim_specs><dimensions><dim name=\"d\"><elem name=\"a\"/></dim></dimensions><model><variables><aux name=\"t\"><dimensions><dim name=\"d\"/></dimensions><element subscript=\"a\"><eqn></eqn><gf><xpts>0,1</xpts><ypts>0,2</ypts></gf></element></aux></variables></model></xmile>";
        let (project, _) = read_xmile(arrayed).unwrap();
        assert_eq!(
            project.models[0].variables[0].kind,
            VariableKind::GraphicalFunction
        );
    }

    #[test]
    fn bad_xml_is_located() {
        let text = "<xmile>\n<model><variables><flow name=\"a\"></variables></model></xmile>";
        let errors = read_xmile(text).unwrap_err();
        let d = &errors.0[0];
        assert_eq!(d.kind, DiagnosticKind::Xml);
        assert_eq!(d.line_column(text).unwrap().0, 2);
    }

    #[test]
    fn unsorted_graphical_function_is_an_error() {
        let text = "<xmile><sim_specs><start>0</start><stop>1</stop><dt>1</dt></sim_specs><model><variables><aux name=\"a\"><eqn>TIME</eqn><gf><xpts>0,2,1</xpts><ypts>1,2,3</ypts></gf></aux></variables></model></xmile>";
        let errors = read_xmile(text).unwrap_err();
        assert_eq!(errors.0[0].kind, DiagnosticKind::GraphicalFunction);
        assert!(errors.0[0].message.contains("not sorted"));
    }
}
