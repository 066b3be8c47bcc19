//! Writes a [`Project`] as a Vensim `.mdl` file that [`read_mdl`](super::read_mdl) reads back to the
//! same project (locations aside).
//!
//! Equations are parsed and printed in Vensim's syntax: names as the model spells them (quoted when
//! they hold characters Vensim names cannot), `IF THEN ELSE(...)`, `:AND:`, `a[dim!]` for XMILE's
//! `a[*]`. Projects written in XMILE's dialect have their builtins renamed to Vensim's where Vensim
//! has the same function; what Vensim cannot express (modules, non-negative stocks, XMILE's
//! `PULSE`) is reported as a warning and written as close as Vensim allows.

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;

use crate::diagnostic::{Diagnostic, DiagnosticKind};
use crate::equation::{parse, print, BinaryOp, Expr, ExprKind, Index, UnaryOp};
use crate::model::{
    DataInterpolation, Dialect, ElementEquation, Equation, GraphicalFunction,
    GraphicalFunctionKind, Macro, Method, Project, TestInput, Variable, VariableKind,
};
use crate::name::canonical;

use super::translate::NA;

/// Writes a project as a `.mdl` file. Returns the text and warnings about what Vensim cannot say
/// exactly as the project does.
pub fn write_mdl(project: &Project) -> (String, Vec<Diagnostic>) {
    let mut writer = Writer::new(project);
    writer.project();
    (writer.out, writer.warnings)
}

struct Writer<'a> {
    project: &'a Project,
    out: String,
    warnings: Vec<Diagnostic>,
    /// Canonical name to the spelling the model declares (variables, dimensions, elements).
    spellings: HashMap<String, String>,
    /// Canonical variable name to its dimensions, for XMILE's `*` subscripts.
    dimensions_of: HashMap<String, Vec<String>>,
    /// Whether builtins are XMILE's (renamed on the way out) rather than Vensim's.
    xmile: bool,
    /// Names of the variables being written that are graphical functions (called like functions).
    tables: Vec<String>,
    /// The variable whose equation is being printed, for warnings.
    current: String,
    /// Macros that stand for an extra output of another (`M out`, read from `M(in : out)`).
    variant_macros: HashSet<String>,
    /// Each macro's extra outputs, in order, with the macro standing for each.
    extra_outputs: HashMap<String, Vec<(String, String)>>,
    /// Macro calls whose extra outputs variables take: (macro, arguments) to those variables.
    call_outputs: HashMap<(String, String), Vec<String>>,
    /// Variables written as the extra outputs of a macro call rather than on their own.
    bound_outputs: HashSet<String>,
}

fn is_plain_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_alphabetic() || c == '_' || c == '$')
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, ' ' | '_' | '$' | '\''))
        && !name.ends_with(' ')
        && !name.contains("  ")
}

/// A name as Vensim writes it: plain, or quoted with `"` and `\` escaped.
fn quote(name: &str) -> String {
    let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
    if is_plain_name(&name) {
        name
    } else {
        let mut out = String::from("\"");
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

/// A number as Vensim reads it back exactly.
fn number(value: f64) -> String {
    if value == NA {
        ":NA:".into()
    } else if value.is_nan() {
        // Vensim has no NaN literal; 0/0 computes it.
        "(0/0)".into()
    } else if value.is_infinite() {
        if value > 0.0 {
            "1e+300*1e+300"
        } else {
            "-1e+300*1e+300"
        }
        .into()
    } else if value.fract() == 0.0 && value.abs() < 1e15 {
        format!("{}", value as i64)
    } else {
        format!("{value:?}")
    }
}

/// The numbers of a constant list (`1, 2; 3, 4`), if the text is one.
fn list_numbers(text: &str) -> Option<Vec<f64>> {
    if !text.contains([',', ';']) {
        return None;
    }
    text.split([',', ';'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| {
            let p = p
                .strip_prefix('(')
                .and_then(|q| q.strip_suffix(')'))
                .unwrap_or(p);
            p.trim().parse::<f64>().ok()
        })
        .collect()
}

/// Text that may sit in a units or comment field (which end at `~` and `|`).
fn field(text: &str) -> String {
    text.replace(['~', '|'], " ").replace('\n', "\n\t\t")
}

impl<'a> Writer<'a> {
    fn new(project: &'a Project) -> Self {
        let mut spellings = HashMap::new();
        let mut dimensions_of = HashMap::new();
        let mut tables = Vec::new();
        for dimension in &project.dimensions {
            spellings.insert(canonical(&dimension.name), dimension.name.clone());
            for element in &dimension.elements {
                spellings.insert(canonical(element), element.clone());
            }
        }
        for input in &project.test_inputs {
            spellings.insert(canonical(&input.name), input.name.clone());
        }
        let macro_variables = project.macros.iter().flat_map(|m| &m.variables);
        for variable in project
            .models
            .iter()
            .flat_map(|m| &m.variables)
            .chain(macro_variables)
        {
            let key = canonical(&variable.name);
            spellings.insert(key.clone(), variable.name.clone());
            dimensions_of.insert(key.clone(), variable.dimensions.clone());
            if matches!(variable.kind, VariableKind::GraphicalFunction) {
                tables.push(key);
            }
        }
        let mut writer = Writer {
            project,
            out: String::new(),
            warnings: Vec::new(),
            spellings,
            dimensions_of,
            xmile: project.dialect() == Dialect::Xmile,
            tables,
            current: String::new(),
            variant_macros: HashSet::new(),
            extra_outputs: HashMap::new(),
            call_outputs: HashMap::new(),
            bound_outputs: HashSet::new(),
        };
        writer.find_extra_outputs();
        writer
    }

    /// Macros with extra outputs, as the reader gives them: a macro `M out` with M's parameters
    /// and variables whose equation names M's variable `out`, and variables `x = M out(args)`
    /// beside a call `M(args)` elsewhere. They are written back as `:MACRO: M(params : out)` and
    /// `M(args : x)`.
    fn find_extra_outputs(&mut self) {
        let macros = &self.project.macros;
        for variant in macros {
            for base in macros {
                let Some(output) = canonical(&variant.name)
                    .strip_prefix(&format!("{}_", canonical(&base.name)))
                    .map(str::to_string)
                else {
                    continue;
                };
                let output_variable = base.variables.iter().find(|v| canonical(&v.name) == output);
                if let Some(output_variable) = output_variable {
                    if variant.parameters == base.parameters && variant.variables == base.variables
                    {
                        self.variant_macros.insert(canonical(&variant.name));
                        self.extra_outputs
                            .entry(canonical(&base.name))
                            .or_default()
                            .push((output_variable.name.clone(), canonical(&variant.name)));
                    }
                }
            }
        }
        if self.variant_macros.is_empty() {
            return;
        }
        let variables: Vec<&Variable> = self
            .project
            .main_model()
            .map(|m| m.variables.iter().collect())
            .unwrap_or_default();
        // Each variable that is one call of a variant binds an output of the base call with the
        // same arguments.
        let mut bindings: HashMap<(String, String), Vec<(usize, String)>> = HashMap::new();
        for variable in &variables {
            let Some(equation) = &variable.equation else {
                continue;
            };
            let Some(Expr {
                kind: ExprKind::Call { name, args },
                ..
            }) = parse(&equation.text).0
            else {
                continue;
            };
            let variant = canonical(&name);
            for (base, outputs) in &self.extra_outputs {
                if let Some(position) = outputs.iter().position(|(_, v)| *v == variant) {
                    bindings
                        .entry((base.clone(), arguments_key(&args)))
                        .or_default()
                        .push((position, variable.name.clone()));
                }
            }
        }
        for ((base, arguments), mut bound) in bindings {
            let count = self.extra_outputs[&base].len();
            bound.sort();
            if bound.len() == count && bound.iter().enumerate().all(|(k, (p, _))| k == *p) {
                for (_, name) in &bound {
                    self.bound_outputs.insert(canonical(name));
                }
                self.call_outputs.insert(
                    (base, arguments),
                    bound.into_iter().map(|(_, n)| n).collect(),
                );
            }
        }
    }

    fn warn(&mut self, message: String) {
        let mut warning = Diagnostic::warning(DiagnosticKind::Unsupported, message);
        if !self.current.is_empty() {
            warning = warning.with_variable(self.current.clone());
        }
        self.warnings.push(warning);
    }

    fn project(&mut self) {
        self.out.push_str("{UTF-8}\n");
        for m in &self.project.macros {
            self.macro_definition(m);
        }
        for dimension in &self.project.dimensions {
            let name = quote(&dimension.name);
            if let Some(target) = &dimension.equivalent_to {
                let _ = writeln!(self.out, "{name} <-> {}\n\t~\t\n\t~\t\t|\n", quote(target));
                continue;
            }
            let elements: Vec<String> = dimension.elements.iter().map(|e| quote(e)).collect();
            let _ = write!(self.out, "{name}:\n\t{}", elements.join(", "));
            for mapping in &dimension.mappings {
                if mapping.elements.is_empty() {
                    let _ = write!(self.out, " -> {}", quote(&mapping.to));
                } else {
                    let targets: Vec<String> = mapping.elements.iter().map(|e| quote(e)).collect();
                    let _ = write!(
                        self.out,
                        " -> ({}: {})",
                        quote(&mapping.to),
                        targets.join(", ")
                    );
                }
            }
            self.out.push_str("\n\t~\t\n\t~\t\t|\n\n");
        }
        let variables: Vec<&Variable> = self
            .project
            .main_model()
            .map(|m| m.variables.iter().collect())
            .unwrap_or_default();
        for variable in &variables {
            if !self.bound_outputs.contains(&canonical(&variable.name)) {
                self.variable(variable);
            }
        }
        if self.project.models.len() > 1 {
            self.warn(format!(
                "{} module model(s) are not written: Vensim has no modules",
                self.project.models.len() - 1
            ));
        }
        for input in &self.project.test_inputs {
            self.test_input(input);
        }
        for check in &self.project.reality_checks {
            self.current = check.name.clone();
            let lhs = self.lhs(&check.name, &check.dimensions);
            let condition = self.expression(&check.condition);
            let consequence = self.expression(&check.consequence);
            let _ = writeln!(
                self.out,
                "{lhs} :THE CONDITION:\n\t{condition} :IMPLIES: {consequence}\n\t~\t\n\t~\t\t|\n"
            );
        }
        self.current.clear();
        self.control();
        self.sketch(&variables);
    }

    fn control(&mut self) {
        let specs = &self.project.sim_specs;
        let units = specs.time_units.as_deref().map(field).unwrap_or_default();
        self.out.push_str(
            "********************************************************\n\t.Control\n\
             ********************************************************~\n\
             \t\tSimulation Control Parameters\n\t|\n\n",
        );
        let save = specs.save_step.map_or("TIME STEP".to_string(), number);
        let _ = write!(
            self.out,
            "FINAL TIME  = {}\n\t~\t{units}\n\t~\tThe final time for the simulation.\n\t|\n\n\
             INITIAL TIME  = {}\n\t~\t{units}\n\t~\tThe initial time for the simulation.\n\t|\n\n\
             SAVEPER  = \n\t{save}\n\t~\t{units} [0,?]\n\t~\tThe frequency with which output is stored.\n\t|\n\n\
             TIME STEP  = {}\n\t~\t{units} [0,?]\n\t~\tThe time step for the simulation.\n\t|\n\n",
            number(specs.stop),
            number(specs.start),
            number(specs.dt)
        );
        if specs.method != Method::Euler {
            self.warn(format!(
                "the integration method {} is not written: Vensim keeps it in its own settings",
                specs.method
            ));
        }
    }

    /// A simple sketch so Vensim shows the variables: one view, the variables in a grid.
    fn sketch(&mut self, variables: &[&Variable]) {
        self.out.push_str(
            "\\\\\\---/// Sketch information - do not modify anything except names\n\
             V300  Do not put anything below this section - it will be ignored\n*View 1\n\
             $192-192-192,0,Times New Roman|12||0-0-0|0-0-0|0-0-255|-1--1--1|-1--1--1|96,96,100,0\n",
        );
        for (i, variable) in variables.iter().enumerate() {
            let (column, row) = (i % 6, i / 6);
            let shape = if matches!(variable.kind, VariableKind::Stock { .. }) {
                3
            } else {
                8
            };
            let _ = writeln!(
                self.out,
                "10,{},{},{},{},40,20,{shape},3,0,0,0,0,0,0",
                i + 1,
                quote(&variable.name),
                100 + 180 * column,
                60 + 80 * row
            );
        }
        self.out.push_str("///---\\\\\\\n");
    }

    fn macro_definition(&mut self, m: &Macro) {
        let key = canonical(&m.name);
        if self.variant_macros.contains(&key) {
            return;
        }
        let parameters: Vec<String> = m.parameters.iter().map(|p| quote(p)).collect();
        let extra: Vec<String> = self
            .extra_outputs
            .get(&key)
            .map(|outputs| outputs.iter().map(|(output, _)| quote(output)).collect())
            .unwrap_or_default();
        let outputs = if extra.is_empty() {
            String::new()
        } else {
            format!(" : {}", extra.join(", "))
        };
        let _ = writeln!(
            self.out,
            ":MACRO: {}({}{outputs})",
            quote(&m.name),
            parameters.join(", ")
        );
        // The variable the macro's equation names is its output, written under the macro's name
        // (Vensim's convention), and so are the references to it.
        let output = match parse(&m.equation.text).0.map(|e| e.kind) {
            Some(ExprKind::Name(n)) => m
                .variables
                .iter()
                .find(|v| canonical(&v.name) == canonical(&n))
                .map(|v| canonical(&v.name)),
            _ => None,
        };
        if let Some(output) = &output {
            self.spellings.insert(output.clone(), m.name.clone());
        }
        let defines_output =
            output.is_some() || m.variables.iter().any(|v| canonical(&v.name) == key);
        for variable in &m.variables {
            if output.as_ref() == Some(&canonical(&variable.name)) {
                let mut renamed = variable.clone();
                renamed.name = m.name.clone();
                self.variable(&renamed);
            } else {
                self.variable(variable);
            }
        }
        if let Some(output) = &output {
            self.spellings.remove(output);
        }
        if !defines_output {
            self.current = m.name.clone();
            let body = self.expression(&m.equation);
            let doc = m.doc.as_deref().map(field).unwrap_or_default();
            let _ = writeln!(
                self.out,
                "{} = {body}\n\t~\t\n\t~\t{doc}\n\t|\n",
                quote(&m.name)
            );
        }
        self.out.push_str(":END OF MACRO:\n");
    }

    fn test_input(&mut self, input: &TestInput) {
        self.current = input.name.clone();
        // The input reads the variable's own value under a placeholder name; Vensim spells it as
        // the variable.
        let original = canonical(&TestInput::original_name(&input.variable));
        self.spellings.insert(original, input.variable.clone());
        let dimensions = self
            .dimensions_of
            .get(&canonical(&input.variable))
            .cloned()
            .unwrap_or_default();
        let target = self.lhs(&input.variable, &dimensions);
        let body = self.expression(&input.equation);
        let _ = writeln!(
            self.out,
            "{} :TEST INPUT:\n\t{target} = {body}\n\t~\t\n\t~\t\t|\n",
            quote(&input.name)
        );
    }

    fn lhs(&self, name: &str, subscripts: &[String]) -> String {
        if subscripts.is_empty() {
            quote(name)
        } else {
            let subscripts: Vec<String> = subscripts.iter().map(|s| quote(s)).collect();
            format!("{}[{}]", quote(name), subscripts.join(","))
        }
    }

    fn lhs_of_element(&self, name: &str, element: &ElementEquation) -> String {
        let mut lhs = self.lhs(name, &element.subscript);
        if !element.except.is_empty() {
            let lists: Vec<String> = element
                .except
                .iter()
                .map(|e| {
                    let names: Vec<String> = e.iter().map(|s| quote(s)).collect();
                    format!("[{}]", names.join(","))
                })
                .collect();
            let _ = write!(lhs, " :EXCEPT: {}", lists.join(", "));
        }
        lhs
    }

    /// Every equation of a variable: `(left-hand side, equation, graphical function)`.
    fn pieces(&self, variable: &'a Variable) -> Vec<Piece<'a>> {
        if let Some(list) = self.as_list(variable) {
            let lhs = self.lhs(&variable.name, &variable.dimensions);
            return vec![(lhs, Some(list), None)];
        }
        let mut pieces = Vec::new();
        // Elements no equation covers are 0 in Vensim, so a 0 for the rest is left unsaid.
        let zero_rest = !variable.elements.is_empty()
            && variable
                .equation
                .as_ref()
                .is_some_and(|e| e.text.trim() == "0");
        let covers_rest =
            (variable.equation.is_some() && !zero_rest) || variable.elements.is_empty();
        if covers_rest {
            let mut lhs = self.lhs(&variable.name, &variable.dimensions);
            if !variable.elements.is_empty() {
                // The variable's own equation covers what no element equation does.
                let lists: Vec<String> = variable
                    .elements
                    .iter()
                    .map(|e| {
                        let names: Vec<String> = e.subscript.iter().map(|s| quote(s)).collect();
                        format!("[{}]", names.join(","))
                    })
                    .collect();
                let _ = write!(lhs, " :EXCEPT: {}", lists.join(", "));
            }
            pieces.push((
                lhs,
                variable.equation.clone(),
                variable.graphical_function.as_ref(),
            ));
        }
        for element in &variable.elements {
            pieces.push((
                self.lhs_of_element(&variable.name, element),
                Some(element.equation.clone()),
                element
                    .graphical_function
                    .as_ref()
                    .or(variable.graphical_function.as_ref()),
            ));
        }
        pieces
    }

    /// A variable given number by number for each element, in order, as one constant list over its
    /// dimensions (`x[d1, d2] = 1, 2; 3, 4;`), the way Vensim writes constant arrays.
    fn as_list(&self, variable: &Variable) -> Option<Equation> {
        if variable.dimensions.is_empty()
            || variable.elements.len() < 2
            || variable.equation.is_some()
            || variable.graphical_function.is_some()
        {
            return None;
        }
        let elements_of = |dimension: &String| {
            let key = canonical(dimension);
            self.project
                .dimensions
                .iter()
                .find(|d| canonical(&d.name) == key)
                .map(|d| d.elements.clone())
        };
        let dims: Vec<Vec<String>> = variable
            .dimensions
            .iter()
            .map(elements_of)
            .collect::<Option<_>>()?;
        let mut combinations = vec![Vec::new()];
        for elements in &dims {
            combinations = combinations
                .into_iter()
                .flat_map(|prefix: Vec<String>| {
                    elements.iter().map(move |e| {
                        let mut next = prefix.clone();
                        next.push(canonical(e));
                        next
                    })
                })
                .collect();
        }
        if combinations.len() != variable.elements.len() {
            return None;
        }
        let row = dims.last().map_or(1, Vec::len).max(1);
        let mut text = String::new();
        for (k, (element, combination)) in variable.elements.iter().zip(&combinations).enumerate() {
            let subscript: Vec<String> = element.subscript.iter().map(|s| canonical(s)).collect();
            let value: f64 = element.equation.text.trim().parse().ok()?;
            if &subscript != combination
                || !element.except.is_empty()
                || element.graphical_function.is_some()
            {
                return None;
            }
            if k > 0 {
                text.push_str(if k % row == 0 && dims.len() > 1 {
                    "; "
                } else {
                    ", "
                });
            }
            text.push_str(&number(value));
        }
        Some(Equation::new(text))
    }

    fn variable(&mut self, variable: &Variable) {
        self.current = variable.name.clone();
        let units = variable.units.as_deref().map(field).unwrap_or_default();
        let doc = variable.doc.as_deref().map(field).unwrap_or_default();
        let footer = format!("\n\t~\t{units}\n\t~\t{doc}\n\t|\n\n");
        if let VariableKind::Module { .. } = variable.kind {
            self.warn(format!(
                "module `{}` is not written: Vensim has no modules",
                variable.name
            ));
            return;
        }
        let pieces = self.pieces(variable);
        let count = pieces.len();
        for (k, (lhs, equation, gf)) in pieces.into_iter().enumerate() {
            let ending = if k + 1 == count {
                footer.as_str()
            } else {
                " ~~|\n"
            };
            let subscripts = lhs_subscripts(&lhs);
            let equation = equation.as_ref();
            let body = match &variable.kind {
                VariableKind::Stock {
                    inflows,
                    outflows,
                    non_negative,
                } => {
                    if *non_negative && k == 0 {
                        self.warn(format!(
                            "stock `{}` is non-negative, which Vensim cannot say; written as a plain INTEG",
                            variable.name
                        ));
                    }
                    let initial = equation.map_or("0".to_string(), |e| self.expression(e));
                    if initial
                        .trim_start()
                        .to_ascii_uppercase()
                        .starts_with("INTEG")
                    {
                        format!("= {initial}")
                    } else {
                        let rate = self.rate(inflows, outflows, subscripts.as_deref());
                        format!("= INTEG (\n\t{rate},\n\t\t{initial})")
                    }
                }
                VariableKind::GraphicalFunction => match (gf, equation) {
                    (Some(gf), _) => table(gf),
                    (None, Some(e)) => format!("= {}", self.expression(e)),
                    (None, None) => "((0,0),(1,1))".to_string(),
                },
                VariableKind::Data { interpolation } => {
                    let keyword = match interpolation {
                        DataInterpolation::Interpolate => "",
                        DataInterpolation::Raw => ":RAW:",
                        DataInterpolation::HoldBackward => ":HOLD BACKWARD:",
                        DataInterpolation::LookForward => ":LOOK FORWARD:",
                    };
                    match equation {
                        Some(e) if !e.text.trim().is_empty() => {
                            format!("{keyword}:= {}", self.expression(e))
                        }
                        _ => keyword.to_string(),
                    }
                }
                VariableKind::Flow { non_negative } => {
                    let mut value = self.value(equation, gf);
                    if *non_negative {
                        value = format!("MAX(0, {value})");
                    }
                    format!("= {value}")
                }
                _ => format!("= {}", self.value(equation, gf)),
            };
            let separator = if body.starts_with(['(', ':']) {
                ""
            } else {
                " "
            };
            let _ = write!(self.out, "{lhs}{separator}{body}{ending}");
        }
        if let Some(initial) = &variable.initial_equation {
            self.warn(format!(
                "the separate initial equation of `{}` ({}) is not written; Vensim spells it ACTIVE INITIAL(value, initial)",
                variable.name, initial.text
            ));
        }
    }

    /// An equation (a list, an expression, or `WITH LOOKUP` when a table applies to it).
    fn value(&mut self, equation: Option<&Equation>, gf: Option<&GraphicalFunction>) -> String {
        let text = equation.map_or("0".to_string(), |e| self.expression(e));
        match gf {
            Some(gf) => format!("WITH LOOKUP (\n\t{text},\n\t\t{})", table(gf)),
            None => text,
        }
    }

    fn rate(&self, inflows: &[String], outflows: &[String], subscripts: Option<&str>) -> String {
        let reference = |flow: &String| {
            let arrayed = self
                .dimensions_of
                .get(&canonical(flow))
                .is_some_and(|d| !d.is_empty());
            match subscripts {
                Some(s) if arrayed => format!("{}[{s}]", self.name(flow)),
                _ => self.name(flow),
            }
        };
        let mut rate = String::new();
        for flow in inflows {
            if !rate.is_empty() {
                rate.push_str(" + ");
            }
            rate.push_str(&reference(flow));
        }
        for flow in outflows {
            rate.push_str(if rate.is_empty() { "-" } else { " - " });
            rate.push_str(&reference(flow));
        }
        if rate.is_empty() {
            rate.push('0');
        }
        rate
    }

    /// An equation in Vensim's syntax.
    fn expression(&mut self, equation: &Equation) -> String {
        if let Some(numbers) = list_numbers(&equation.text) {
            let parts: Vec<String> = numbers.into_iter().map(number).collect();
            return parts.join(", ");
        }
        match parse(&equation.text) {
            (Some(expr), errors) if errors.is_empty() => {
                let mut out = String::new();
                self.expr(&expr, &mut out);
                out
            }
            (None, _) => "0".into(),
            _ => {
                self.warn(format!(
                    "`{}` does not parse; written as it is",
                    equation.text
                ));
                equation.text.clone()
            }
        }
    }

    fn name(&self, name: &str) -> String {
        match self.spellings.get(&canonical(name)) {
            Some(spelling) => quote(spelling),
            None => quote(&name.replace('_', " ")),
        }
    }

    fn operand(&mut self, expr: &Expr, out: &mut String) {
        let needs = matches!(expr.kind, ExprKind::Binary(..) | ExprKind::Unary(..))
            || matches!(expr.kind, ExprKind::Number(v) if v < 0.0 && v != NA);
        if needs {
            out.push('(');
            self.expr(expr, out);
            out.push(')');
        } else {
            self.expr(expr, out);
        }
    }

    fn expr(&mut self, expr: &Expr, out: &mut String) {
        match &expr.kind {
            ExprKind::Number(v) => out.push_str(&number(*v)),
            ExprKind::Text(text) => {
                out.push('\'');
                out.push_str(text);
                out.push('\'');
            }
            ExprKind::Name(name) => out.push_str(&self.special_name(name)),
            ExprKind::Subscript { name, indices } => {
                out.push_str(&self.name(name));
                out.push('[');
                let dims = self
                    .dimensions_of
                    .get(&canonical(name))
                    .cloned()
                    .unwrap_or_default();
                for (k, index) in indices.iter().enumerate() {
                    if k > 0 {
                        out.push(',');
                    }
                    match index {
                        Index::Wildcard => match dims.get(k) {
                            Some(dim) => {
                                out.push_str(&quote(dim));
                                out.push('!');
                            }
                            None => {
                                self.warn(format!(
                                    "`{name}[*]`: no dimension known at position {}",
                                    k + 1
                                ));
                                out.push('*');
                            }
                        },
                        Index::WildcardOf(dimension) => {
                            out.push_str(&self.name(dimension));
                            out.push('!');
                        }
                        Index::Range(from, to) => {
                            self.warn(format!(
                                "`{name}`: Vensim has no slices `a:b`; written as XMILE writes them"
                            ));
                            self.expr(from, out);
                            out.push(':');
                            self.expr(to, out);
                        }
                        Index::Expr(e) => self.expr(e, out),
                    }
                }
                out.push(']');
            }
            ExprKind::Unary(op, operand) => {
                out.push_str(match op {
                    UnaryOp::Negate => "-",
                    UnaryOp::Plus => "+",
                    UnaryOp::Not => ":NOT: ",
                });
                self.operand(operand, out);
            }
            ExprKind::Binary(BinaryOp::Modulo, a, b) => {
                out.push_str("MODULO(");
                self.expr(a, out);
                out.push_str(", ");
                self.expr(b, out);
                out.push(')');
            }
            ExprKind::Binary(op, a, b) => {
                self.operand(a, out);
                out.push_str(match op {
                    BinaryOp::And => " :AND: ",
                    BinaryOp::Or => " :OR: ",
                    other => match other {
                        BinaryOp::Add => " + ",
                        BinaryOp::Subtract => " - ",
                        BinaryOp::Multiply => " * ",
                        BinaryOp::Divide => " / ",
                        BinaryOp::Power => " ^ ",
                        BinaryOp::Equal => " = ",
                        BinaryOp::NotEqual => " <> ",
                        BinaryOp::Less => " < ",
                        BinaryOp::LessEqual => " <= ",
                        BinaryOp::Greater => " > ",
                        _ => " >= ",
                    },
                });
                self.operand(b, out);
            }
            ExprKind::If(c, a, b) => {
                out.push_str("IF THEN ELSE(");
                self.expr(c, out);
                out.push_str(", ");
                self.expr(a, out);
                out.push_str(", ");
                self.expr(b, out);
                out.push(')');
            }
            ExprKind::Call { name, args } => self.call(name, args, out),
            ExprKind::Error => out.push('0'),
        }
    }

    /// Names XMILE gives meaning to without a variable: TIME, DT and the time settings.
    fn special_name(&self, name: &str) -> String {
        let key = canonical(name);
        if !self.spellings.contains_key(&key) {
            let spelled = match key.as_str() {
                "time" => Some("Time"),
                "dt" | "time_step" => Some("TIME STEP"),
                "starttime" | "initial_time" => Some("INITIAL TIME"),
                "stoptime" | "final_time" => Some("FINAL TIME"),
                _ => None,
            };
            if let Some(spelled) = spelled {
                return spelled.to_string();
            }
        }
        self.name(name)
    }

    fn arguments(&mut self, args: &[Expr], out: &mut String) {
        for (k, arg) in args.iter().enumerate() {
            if k > 0 {
                out.push_str(", ");
            }
            self.expr(arg, out);
        }
    }

    fn call(&mut self, name: &str, args: &[Expr], out: &mut String) {
        let key = canonical(name);
        // A macro call whose extra outputs other variables take: `M(inputs : out1, out2)`.
        if let Some(targets) = self
            .call_outputs
            .get(&(key.clone(), arguments_key(args)))
            .cloned()
        {
            out.push_str(&self.name(name));
            out.push('(');
            self.arguments(args, out);
            out.push_str(" : ");
            out.push_str(
                &targets
                    .iter()
                    .map(|t| quote(t))
                    .collect::<Vec<_>>()
                    .join(", "),
            );
            out.push(')');
            return;
        }
        // A table called like a function, or LOOKUP(table, x).
        if self.tables.contains(&key) {
            out.push_str(&self.name(name));
            out.push('(');
            self.arguments(args, out);
            out.push(')');
            return;
        }
        if key == "lookup" && args.len() == 2 {
            self.expr(&args[0], out);
            out.push('(');
            self.expr(&args[1], out);
            out.push(')');
            return;
        }
        if self.xmile {
            if let Some(()) = self.xmile_builtin(&key, args, out) {
                return;
            }
        }
        out.push_str(&name.replace('_', " "));
        out.push('(');
        self.arguments(args, out);
        out.push(')');
    }

    /// XMILE builtins Vensim spells differently; `None` when the name needs no change.
    fn xmile_builtin(&mut self, key: &str, args: &[Expr], out: &mut String) -> Option<()> {
        // (Vensim name, argument order) for renamed functions with reordered arguments.
        let (vensim, order): (&str, &[usize]) = match (key, args.len()) {
            ("smth1", 2) => ("SMOOTH", &[0, 1]),
            ("smth1", 3) => ("SMOOTHI", &[0, 1, 2]),
            ("smth3", 2) => ("SMOOTH3", &[0, 1]),
            ("smth3", 3) => ("SMOOTH3I", &[0, 1, 2]),
            ("smthn", 3) => ("SMOOTH N", &[0, 1, 0, 2]),
            ("smthn", 4) => ("SMOOTH N", &[0, 1, 3, 2]),
            ("delay1", 3) => ("DELAY1I", &[0, 1, 2]),
            ("delay3", 3) => ("DELAY3I", &[0, 1, 2]),
            ("delayn", 3) => ("DELAY N", &[0, 1, 0, 2]),
            ("delayn", 4) => ("DELAY N", &[0, 1, 3, 2]),
            ("delay", 2) => ("DELAY FIXED", &[0, 1, 0]),
            ("delay", 3) => ("DELAY FIXED", &[0, 1, 2]),
            ("init", 1) => ("INITIAL", &[0]),
            ("int", 1) => ("INTEGER", &[0]),
            ("safediv", 2) => ("ZIDZ", &[0, 1]),
            ("safediv", 3) => ("XIDZ", &[0, 1, 2]),
            ("forcst", 3) => ("FORECAST", &[0, 1, 2]),
            ("log10", 1) => {
                out.push_str("LOG(");
                self.expr(&args[0], out);
                out.push_str(", 10)");
                return Some(());
            }
            ("pi", 0) => {
                out.push_str(&number(std::f64::consts::PI));
                return Some(());
            }
            ("size", 1) => ("ELMCOUNT", &[0]),
            ("pulse", _) => {
                self.warn("XMILE's PULSE has no Vensim equivalent; written as Vensim's PULSE(start, width)".into());
                return None;
            }
            ("mean", _) | ("stddev", _) | ("previous", _) => {
                self.warn(format!(
                    "{} has no Vensim equivalent; written as it is",
                    key.to_ascii_uppercase()
                ));
                return None;
            }
            _ => return None,
        };
        out.push_str(vensim);
        out.push('(');
        for (k, &a) in order.iter().enumerate() {
            if k > 0 {
                out.push_str(", ");
            }
            self.expr(&args[a], out);
        }
        out.push(')');
        Some(())
    }
}

/// A call's arguments as a key: their printed form.
fn arguments_key(args: &[Expr]) -> String {
    args.iter().map(print).collect::<Vec<_>>().join(",")
}

/// One equation of a variable as written: left-hand side, equation, table.
type Piece<'a> = (String, Option<Equation>, Option<&'a GraphicalFunction>);

/// The subscripts of a left-hand side `name[a,b] ...`, as written.
fn lhs_subscripts(lhs: &str) -> Option<String> {
    let open = lhs.find('[')?;
    let close = lhs[open..].find(']')? + open;
    Some(lhs[open + 1..close].to_string())
}

/// A lookup table: `( [(xmin,ymin)-(xmax,ymax)], (x,y), ... )`.
fn table(gf: &GraphicalFunction) -> String {
    let fold = |values: &[f64], pick: fn(f64, f64) -> f64| values.iter().copied().reduce(pick);
    let (x_min, x_max) = (
        fold(&gf.xs, f64::min).unwrap_or(0.0),
        fold(&gf.xs, f64::max).unwrap_or(1.0),
    );
    let mut out = String::from("(\n\t");
    // Vensim keeps a y range for its editor; a table read without one is written without one.
    if let Some((y_min, y_max)) = gf.y_scale {
        let _ = write!(
            out,
            "[({},{})-({},{})],",
            number(x_min),
            number(y_min),
            number(x_max),
            number(y_max)
        );
    }
    let points: Vec<String> = gf
        .xs
        .iter()
        .zip(&gf.ys)
        .map(|(x, y)| format!("({},{})", number(*x), number(*y)))
        .collect();
    out.push_str(&points.join(","));
    out.push(')');
    if gf.kind != GraphicalFunctionKind::Continuous {
        // Vensim tables hold their end values and interpolate; the kind is a property of the call
        // (LOOKUP EXTRAPOLATE), not of the table.
        out.push_str("\n\t{ note: the original table was not continuous }");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::read_mdl;
    use super::*;

    #[test]
    fn writes_what_reads_back() {
        let text = "{UTF-8}\ndim: a, b ~~|\nsub: b ~~|\nx[dim] = 1, 2 ~ Widgets ~ The x. |\n\
                    y[dim] = x[dim] * 2 ~~|\n\
                    s = INTEG(inflow - outflow, 10) ~~|\ninflow = IF THEN ELSE(Time > 1 :AND: :NOT: s > 5, 1, 0) ~~|\n\
                    outflow = tab(s) ~~|\ntab([(0,0)-(10,1)],(0,0),(10,1)) ~~|\n\
                    FINAL TIME = 10 ~ Month ~|\nTIME STEP = 0.5 ~~|\n";
        let (project, _) = read_mdl(text).unwrap();
        let (written, warnings) = write_mdl(&project);
        assert!(warnings.is_empty(), "{warnings:?}");
        let (again, _) = read_mdl(&written).unwrap_or_else(|e| panic!("{written}\n{e:?}"));
        assert_eq!(again.dimensions, project.dimensions);
        assert_eq!(again.sim_specs, project.sim_specs);
        let names = |p: &Project| -> Vec<String> {
            p.models[0]
                .variables
                .iter()
                .map(|v| v.name.clone())
                .collect()
        };
        assert_eq!(names(&again), names(&project));
        assert!(
            written.contains("IF THEN ELSE((Time > 1) :AND: (:NOT: (s > 5)), 1, 0)"),
            "{written}"
        );
    }
}
