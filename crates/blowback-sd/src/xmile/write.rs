//! Writes a [`Project`] as XMILE 1.0 text that [`read_xmile`](super::read_xmile) reads back to the
//! same project (locations aside).

use std::fmt::Write;

use crate::model::{
    GraphicalFunction, GraphicalFunctionKind, Method, Model, Project, Variable, VariableKind,
};

/// Writes a project as an XMILE 1.0 document.
pub fn write_xmile(project: &Project) -> String {
    let mut out = String::new();
    out.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    out.push_str(
        "<xmile version=\"1.0\" xmlns=\"http://docs.oasis-open.org/xmile/ns/XMILE/v1.0\">\n",
    );
    out.push_str("  <header>\n");
    if let Some(name) = &project.header.name {
        element(&mut out, 4, "name", name);
    }
    if let Some(vendor) = &project.header.vendor {
        element(&mut out, 4, "vendor", vendor);
    }
    // The product decides the dialect of INT and MOD, so it is kept as read.
    let product = project.header.product.as_deref().unwrap_or("blowback");
    element(&mut out, 4, "product", product);
    out.push_str("  </header>\n");

    let specs = &project.sim_specs;
    let method = match specs.method {
        Method::Euler => "Euler",
        Method::Rk2 => "RK2",
        Method::Rk4 => "RK4",
    };
    let _ = write!(out, "  <sim_specs method=\"{method}\"");
    if let Some(units) = &specs.time_units {
        let _ = write!(out, " time_units=\"{}\"", escape(units));
    }
    out.push_str(">\n");
    element(&mut out, 4, "start", &number(specs.start));
    element(&mut out, 4, "stop", &number(specs.stop));
    element(&mut out, 4, "dt", &number(specs.dt));
    if let Some(save) = specs.save_step {
        element(&mut out, 4, "savestep", &number(save));
    }
    out.push_str("  </sim_specs>\n");

    if !project.model_units.is_empty() {
        out.push_str("  <model_units>\n");
        for unit in &project.model_units {
            let disabled = if unit.disabled {
                " disabled=\"true\""
            } else {
                ""
            };
            let _ = writeln!(out, "    <unit name=\"{}\"{disabled}>", escape(&unit.name));
            if let Some(equation) = &unit.equation {
                element(&mut out, 6, "eqn", equation);
            }
            for alias in &unit.aliases {
                element(&mut out, 6, "alias", alias);
            }
            out.push_str("    </unit>\n");
        }
        out.push_str("  </model_units>\n");
    }

    if !project.dimensions.is_empty() {
        out.push_str("  <dimensions>\n");
        for dimension in &project.dimensions {
            let _ = writeln!(out, "    <dim name=\"{}\">", escape(&dimension.name));
            for elem in &dimension.elements {
                let _ = writeln!(out, "      <elem name=\"{}\"/>", escape(elem));
            }
            out.push_str("    </dim>\n");
        }
        out.push_str("  </dimensions>\n");
    }
    for model in &project.models {
        write_model(&mut out, model);
    }
    for m in &project.macros {
        let _ = writeln!(out, "  <macro name=\"{}\">", escape(&m.name));
        for parameter in &m.parameters {
            element(&mut out, 4, "parm", parameter);
        }
        element(&mut out, 4, "eqn", &m.equation.text);
        if let Some(doc) = &m.doc {
            element(&mut out, 4, "doc", doc);
        }
        // A macro with its own variables (stocks, helpers) lists them as a model does.
        if !m.variables.is_empty() {
            out.push_str("    <variables>\n");
            for variable in &m.variables {
                write_variable(&mut out, variable);
            }
            out.push_str("    </variables>\n");
        }
        out.push_str("  </macro>\n");
    }
    out.push_str("</xmile>\n");
    out
}

fn write_model(out: &mut String, model: &Model) {
    match &model.name {
        Some(name) => {
            let _ = writeln!(out, "  <model name=\"{}\">", escape(name));
        }
        None => out.push_str("  <model>\n"),
    }
    out.push_str("    <variables>\n");
    for variable in &model.variables {
        write_variable(out, variable);
    }
    out.push_str("    </variables>\n  </model>\n");
}

fn write_variable(out: &mut String, variable: &Variable) {
    let tag = match variable.kind {
        VariableKind::Stock { .. } => "stock",
        VariableKind::Flow { .. } => "flow",
        // XMILE has no data variables; the data function stays in the equation.
        VariableKind::Aux | VariableKind::Data { .. } => "aux",
        VariableKind::GraphicalFunction => "gf",
        VariableKind::Module { .. } => "module",
    };
    let _ = write!(out, "      <{tag} name=\"{}\"", escape(&variable.name));
    if let VariableKind::Module { model, .. } = &variable.kind {
        if model != &variable.name {
            let _ = write!(out, " model=\"{}\"", escape(model));
        }
    }
    if tag == "gf" {
        let kind = variable
            .graphical_function
            .as_ref()
            .map(|gf| gf.kind)
            .unwrap_or_default();
        out.push_str(&kind_attribute(kind));
    }
    out.push_str(">\n");
    if let Some(doc) = &variable.doc {
        element(out, 8, "doc", doc);
    }
    if !variable.dimensions.is_empty() {
        out.push_str("        <dimensions>\n");
        for dim in &variable.dimensions {
            let _ = writeln!(out, "          <dim name=\"{}\"/>", escape(dim));
        }
        out.push_str("        </dimensions>\n");
    }
    if let Some(equation) = &variable.equation {
        element(out, 8, "eqn", &equation.text);
    }
    if let Some(initial) = &variable.initial_equation {
        element(out, 8, "init_eqn", &initial.text);
    }
    for elem in &variable.elements {
        let _ = writeln!(
            out,
            "        <element subscript=\"{}\">",
            escape(&elem.subscript.join(", "))
        );
        element(out, 10, "eqn", &elem.equation.text);
        if let Some(gf) = &elem.graphical_function {
            write_points(out, 10, gf, true);
        }
        out.push_str("        </element>\n");
    }
    match &variable.kind {
        VariableKind::Stock {
            inflows,
            outflows,
            non_negative,
        } => {
            for flow in inflows {
                element(out, 8, "inflow", flow);
            }
            for flow in outflows {
                element(out, 8, "outflow", flow);
            }
            if *non_negative {
                out.push_str("        <non_negative/>\n");
            }
        }
        VariableKind::Flow { non_negative } => {
            if *non_negative {
                out.push_str("        <non_negative/>\n");
            }
        }
        VariableKind::Module { connections, .. } => {
            for c in connections {
                let _ = writeln!(
                    out,
                    "        <connect to=\"{}\" from=\"{}\"/>",
                    escape(&c.to),
                    escape(&c.from)
                );
            }
        }
        VariableKind::Aux | VariableKind::GraphicalFunction | VariableKind::Data { .. } => {}
    }
    if let Some(gf) = &variable.graphical_function {
        write_points(out, 8, gf, tag != "gf");
    }
    if let Some(units) = &variable.units {
        element(out, 8, "units", units);
    }
    let _ = writeln!(out, "      </{tag}>");
}

fn kind_attribute(kind: GraphicalFunctionKind) -> String {
    match kind {
        GraphicalFunctionKind::Continuous => String::new(),
        GraphicalFunctionKind::Extrapolate => " type=\"extrapolate\"".into(),
        GraphicalFunctionKind::Discrete => " type=\"discrete\"".into(),
    }
}

/// Writes the points of a graphical function, wrapped in `<gf>` when it belongs to a variable.
fn write_points(out: &mut String, indent: usize, gf: &GraphicalFunction, wrap: bool) {
    let pad = " ".repeat(indent);
    let inner = if wrap { indent + 2 } else { indent };
    if wrap {
        let _ = writeln!(out, "{pad}<gf{}>", kind_attribute(gf.kind));
    }
    if let Some((min, max)) = gf.y_scale {
        let _ = writeln!(
            out,
            "{}<yscale min=\"{}\" max=\"{}\"/>",
            " ".repeat(inner),
            number(min),
            number(max)
        );
    }
    let join = |values: &[f64]| {
        values
            .iter()
            .map(|v| number(*v))
            .collect::<Vec<_>>()
            .join(",")
    };
    element(out, inner, "xpts", &join(&gf.xs));
    element(out, inner, "ypts", &join(&gf.ys));
    if wrap {
        let _ = writeln!(out, "{pad}</gf>");
    }
}

/// Shortest decimal text that reads back to the same `f64`.
fn number(value: f64) -> String {
    format!("{value:?}")
}

fn element(out: &mut String, indent: usize, tag: &str, text: &str) {
    let _ = writeln!(out, "{}<{tag}>{}</{tag}>", " ".repeat(indent), escape(text));
}

fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\r' => escaped.push_str("&#13;"),
            _ => escaped.push(c),
        }
    }
    escaped
}
