//! Variables from their definitions: each variable's dimensions, stocks with their flows (named, or
//! a generated net flow), element equations, constant lists, lookups and data variables.

use std::collections::{HashMap, HashSet};
use std::ops::Range;

use super::lex::{Token, TokenKind};
use super::read::{
    call_arguments, is_lookup, lookup_function, name_of, signed_number, span_of, split_top_level,
    symbol, Body, Definition, Located, Reader,
};
use super::translate::{Builder, NA};
use crate::diagnostic::{Diagnostic, DiagnosticKind};
use crate::model::{
    Dimension, ElementEquation, Equation, GraphicalFunction, GraphicalFunctionKind, Variable,
    VariableKind,
};
use crate::name::canonical;

impl Reader<'_> {
    pub(super) fn variables(
        &mut self,
        definitions: &[Definition],
        dimensions: &[Dimension],
    ) -> Vec<Variable> {
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
