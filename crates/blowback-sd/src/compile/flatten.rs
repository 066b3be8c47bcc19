//! Flattens a project into scalar items: module instances are inlined under dotted prefixes and
//! arrayed variables are expanded to one item per element.

use std::collections::HashMap;

use crate::diagnostic::{Diagnostic, DiagnosticKind};
use crate::model::{Equation, GraphicalFunction, Project, Variable, VariableKind};
use crate::name::{canonical, display};

/// Where an item's value comes from.
#[derive(Debug, Clone)]
pub(crate) enum Source {
    /// Its own equation, or none (a diagnostic is raised later if it needs one).
    Equation(Option<Equation>),
    /// The `k`-th number of an element list such as `1, 2, 3`.
    ListElement(Equation, usize),
    /// A module input bound to a variable of the enclosing model.
    Alias { from: String, scope: String },
}

#[derive(Debug, Clone)]
pub(crate) enum ItemKind {
    Stock {
        inflows: Vec<String>,
        outflows: Vec<String>,
        non_negative: bool,
    },
    Flow {
        non_negative: bool,
    },
    Aux,
    Table,
}

/// One scalar item before its equation is resolved.
#[derive(Debug, Clone)]
pub(crate) struct Item {
    pub display: String,
    pub kind: ItemKind,
    pub source: Source,
    pub graphical_function: Option<GraphicalFunction>,
    /// Canonical module path ("" for the main model).
    pub scope: String,
    /// For array elements: (dimension index, element index) per dimension of the variable.
    pub bindings: Vec<(usize, usize)>,
}

/// A dimension with canonical element names.
#[derive(Debug, Clone)]
pub(crate) struct Dim {
    pub key: String,
    pub elements: Vec<String>,
    pub display_elements: Vec<String>,
}

/// The flattened model.
pub(crate) struct Flat {
    pub items: Vec<Item>,
    /// Canonical full key (`scope.name` or `scope.name[e1,e2]`) to item index.
    pub index: HashMap<String, usize>,
    /// Canonical base key of each arrayed variable to its dimension indices.
    pub arrays: HashMap<String, Vec<usize>>,
    pub dims: Vec<Dim>,
    pub dim_index: HashMap<String, usize>,
}

/// Joins a scope and a canonical name into a full key.
pub(crate) fn scoped(scope: &str, name: &str) -> String {
    if scope.is_empty() {
        name.to_string()
    } else {
        format!("{scope}.{name}")
    }
}

/// The entries of a constant list: `1, 2, 3`, or rows separated by `;` for two dimensions.
pub(crate) fn list_parts(text: &str) -> Vec<&str> {
    text.split([',', ';'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect()
}

/// Canonical key of one element of an arrayed variable.
pub(crate) fn element_key(base: &str, elements: &[&str]) -> String {
    format!("{base}[{}]", elements.join(","))
}

const MAX_MODULE_DEPTH: usize = 32;
/// Elements one arrayed variable may expand to; keeps hostile files from exhausting memory.
const MAX_ELEMENTS: usize = 200_000;

pub(crate) fn flatten(project: &Project, diagnostics: &mut Vec<Diagnostic>) -> Flat {
    let dims: Vec<Dim> = project
        .dimensions
        .iter()
        .map(|d| Dim {
            key: canonical(&d.name),
            elements: d.elements.iter().map(|e| canonical(e)).collect(),
            display_elements: d.elements.iter().map(|e| display(e)).collect(),
        })
        .collect();
    let dim_index = dims
        .iter()
        .enumerate()
        .map(|(i, d)| (d.key.clone(), i))
        .collect();
    let mut flat = Flat {
        items: Vec::new(),
        index: HashMap::new(),
        arrays: HashMap::new(),
        dims,
        dim_index,
    };
    if let Some(main) = project.main_model() {
        let mut builder = Builder {
            project,
            flat: &mut flat,
            diagnostics,
        };
        builder.model(&main.variables, "", "", &HashMap::new(), 0);
    }
    flat
}

struct Builder<'a> {
    project: &'a Project,
    flat: &'a mut Flat,
    diagnostics: &'a mut Vec<Diagnostic>,
}

impl Builder<'_> {
    fn model(
        &mut self,
        variables: &[Variable],
        scope: &str,
        display_prefix: &str,
        inputs: &HashMap<String, (String, String)>,
        depth: usize,
    ) {
        for variable in variables {
            let key = canonical(&variable.name);
            if let VariableKind::Module { model, connections } = &variable.kind {
                self.module(variable, model, connections, scope, display_prefix, depth);
                continue;
            }
            let shown = format!("{display_prefix}{}", display(&variable.name));
            let full_key = scoped(scope, &key);
            let mut kind = match &variable.kind {
                VariableKind::Stock {
                    inflows,
                    outflows,
                    non_negative,
                } => ItemKind::Stock {
                    inflows: inflows.clone(),
                    outflows: outflows.clone(),
                    non_negative: *non_negative,
                },
                VariableKind::Flow { non_negative } => ItemKind::Flow {
                    non_negative: *non_negative,
                },
                VariableKind::GraphicalFunction => ItemKind::Table,
                _ => ItemKind::Aux,
            };
            let alias = inputs.get(&key).cloned();
            if alias.is_some() {
                // A module input takes its value from outside, whatever placeholder it had.
                kind = ItemKind::Aux;
            }
            if variable.dimensions.is_empty() {
                let source = match alias {
                    Some((from, from_scope)) => Source::Alias {
                        from,
                        scope: from_scope,
                    },
                    None => Source::Equation(variable.equation.clone()),
                };
                self.push(
                    full_key,
                    Item {
                        display: shown,
                        kind,
                        source,
                        graphical_function: variable.graphical_function.clone(),
                        scope: scope.to_string(),
                        bindings: Vec::new(),
                    },
                    variable,
                );
            } else {
                self.array(variable, full_key, shown, kind, scope);
            }
        }
    }

    fn push(&mut self, key: String, item: Item, variable: &Variable) {
        if self.flat.index.contains_key(&key) {
            self.diagnostics.push(
                Diagnostic::error(
                    DiagnosticKind::Duplicate,
                    format!("`{}` is defined more than once", item.display),
                )
                .with_variable(item.display.clone())
                .with_span(variable.span.clone())
                .with_help("names are compared ignoring case, spaces and underscores"),
            );
            return;
        }
        self.flat.index.insert(key, self.flat.items.len());
        self.flat.items.push(item);
    }

    fn array(
        &mut self,
        variable: &Variable,
        base_key: String,
        shown: String,
        kind: ItemKind,
        scope: &str,
    ) {
        let mut dim_ids = Vec::new();
        for dim_name in &variable.dimensions {
            match self.flat.dim_index.get(&canonical(dim_name)) {
                Some(&i) => dim_ids.push(i),
                None => {
                    self.diagnostics.push(
                        Diagnostic::error(
                            DiagnosticKind::Dimension,
                            format!("dimension `{dim_name}` is not defined"),
                        )
                        .with_variable(shown.clone())
                        .with_span(variable.span.clone())
                        .with_help("declare it under <dimensions> at the top of the file"),
                    );
                    return;
                }
            }
        }
        self.flat.arrays.insert(base_key.clone(), dim_ids.clone());
        let sizes: Vec<usize> = dim_ids
            .iter()
            .map(|&d| self.flat.dims[d].elements.len())
            .collect();
        let total = sizes
            .iter()
            .try_fold(1usize, |acc, &n| acc.checked_mul(n))
            .unwrap_or(usize::MAX);
        if total > MAX_ELEMENTS {
            self.diagnostics.push(
                Diagnostic::error(
                    DiagnosticKind::Dimension,
                    format!("`{shown}` would have {total} elements, more than {MAX_ELEMENTS}"),
                )
                .with_variable(shown.clone())
                .with_span(variable.span.clone()),
            );
            return;
        }
        // Element-by-element equations, keyed by canonical element names.
        let mut per_element: HashMap<Vec<String>, (Equation, Option<GraphicalFunction>)> =
            HashMap::new();
        for element in &variable.elements {
            let subscript: Vec<String> = element.subscript.iter().map(|s| canonical(s)).collect();
            per_element.insert(
                subscript,
                (element.equation.clone(), element.graphical_function.clone()),
            );
        }
        // Vensim exports constant arrays as a list, `1, 2, 3`, in one equation.
        let list = variable.equation.as_ref().filter(|e| {
            let parts = list_parts(&e.text);
            parts.len() == total && total > 1 && parts.iter().all(|p| p.parse::<f64>().is_ok())
        });
        for flat_index in 0..total {
            let mut rest = flat_index;
            let mut positions = vec![0; sizes.len()];
            for k in (0..sizes.len()).rev() {
                positions[k] = rest % sizes[k];
                rest /= sizes[k];
            }
            let element_keys: Vec<&str> = dim_ids
                .iter()
                .zip(&positions)
                .map(|(&d, &p)| self.flat.dims[d].elements[p].as_str())
                .collect();
            let element_display: Vec<&str> = dim_ids
                .iter()
                .zip(&positions)
                .map(|(&d, &p)| self.flat.dims[d].display_elements[p].as_str())
                .collect();
            let key = element_key(&base_key, &element_keys);
            let lookup: Vec<String> = element_keys.iter().map(|s| s.to_string()).collect();
            let (source, gf) = match per_element.get(&lookup) {
                Some((equation, gf)) => (
                    Source::Equation(Some(equation.clone())),
                    gf.clone().or(variable.graphical_function.clone()),
                ),
                None => match list {
                    Some(equation) => (
                        Source::ListElement(equation.clone(), flat_index),
                        variable.graphical_function.clone(),
                    ),
                    None => (
                        Source::Equation(variable.equation.clone()),
                        variable.graphical_function.clone(),
                    ),
                },
            };
            let item = Item {
                display: format!("{shown}[{}]", element_display.join(",")),
                kind: kind.clone(),
                source,
                graphical_function: gf,
                scope: scope.to_string(),
                bindings: dim_ids.iter().copied().zip(positions).collect(),
            };
            self.push(key, item, variable);
        }
    }

    fn module(
        &mut self,
        variable: &Variable,
        model_name: &str,
        connections: &[crate::model::Connection],
        scope: &str,
        display_prefix: &str,
        depth: usize,
    ) {
        let model_key = canonical(model_name);
        let Some(model) = self
            .project
            .models
            .iter()
            .find(|m| m.name.as_deref().map(canonical).as_deref() == Some(model_key.as_str()))
        else {
            self.diagnostics.push(
                Diagnostic::error(
                    DiagnosticKind::UnknownName,
                    format!(
                        "module `{}` uses model `{model_name}`, which the file does not define",
                        variable.name
                    ),
                )
                .with_variable(variable.name.clone())
                .with_span(variable.span.clone()),
            );
            return;
        };
        if depth >= MAX_MODULE_DEPTH {
            self.diagnostics.push(
                Diagnostic::error(
                    DiagnosticKind::Structure,
                    format!("modules nest more than {MAX_MODULE_DEPTH} deep; a model probably contains itself"),
                )
                .with_variable(variable.name.clone())
                .with_span(variable.span.clone()),
            );
            return;
        }
        let instance = canonical(&variable.name);
        let inner_scope = scoped(scope, &instance);
        let inputs = connections
            .iter()
            .map(|c| {
                let from = c.from.trim().trim_start_matches('.').to_string();
                // Stella Architect writes `to` with the module's own prefix (`hares.area`).
                let to = canonical(&c.to);
                let to = to
                    .strip_prefix(&format!("{instance}."))
                    .map(str::to_string)
                    .unwrap_or(to);
                (to, (from, scope.to_string()))
            })
            .collect();
        let prefix = format!("{display_prefix}{}.", display(&variable.name));
        self.model(&model.variables, &inner_scope, &prefix, &inputs, depth + 1);
    }
}
