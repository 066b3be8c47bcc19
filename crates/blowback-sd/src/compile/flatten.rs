//! Flattens a project into scalar items: module instances are inlined under dotted prefixes and
//! arrayed variables are expanded to one item per element, each with the equation that covers it
//! (an element equation over elements, subranges and `:EXCEPT:` lists, or the apply-to-all one).

use std::collections::HashMap;

use super::dims::Dims;
use crate::diagnostic::{Diagnostic, DiagnosticKind};
use crate::model::{
    DataInterpolation, ElementEquation, Equation, GraphicalFunction, Project, Variable,
    VariableKind,
};
use crate::name::{canonical, display};

/// Where an item's value comes from.
#[derive(Debug, Clone)]
pub(crate) enum Source {
    /// Its own equation, or none (a diagnostic is raised later if it needs one).
    Equation(Option<Equation>),
    /// The `k`-th number of an element list such as `1, 2, 3` (rows separated by `;`).
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
    Data(DataInterpolation),
}

/// One scalar item before its equation is resolved.
#[derive(Debug, Clone)]
pub(crate) struct Item {
    pub display: String,
    pub kind: ItemKind,
    pub source: Source,
    /// A separate equation for the initial value.
    pub initial: Option<Equation>,
    pub graphical_function: Option<GraphicalFunction>,
    /// Canonical module path ("" for the main model).
    pub scope: String,
    /// For array elements: (dimension, position in it) for each dimension of the variable, then
    /// for each dimension or subrange the covering element equation names.
    pub bindings: Vec<(usize, usize)>,
    /// Row-major position of this element among the elements its equation covers, and the
    /// extent of that cover per dimension: which entry of a list or a data range is its own.
    pub cover_index: usize,
    pub cover_sizes: Vec<usize>,
    /// An element a Vensim variable leaves undefined: 0, and left out of the results.
    pub undefined: bool,
}

/// An arrayed variable: its dimensions and where its elements start (row-major, contiguous).
#[derive(Debug, Clone)]
pub(crate) struct ArrayInfo {
    pub dims: Vec<usize>,
    pub first: usize,
}

impl ArrayInfo {
    /// Item index of the element at `positions` (one per dimension).
    pub(crate) fn item(&self, dims: &Dims, positions: &[usize]) -> usize {
        let mut offset = 0;
        for (&d, &p) in self.dims.iter().zip(positions) {
            offset = offset * dims.len(d) + p;
        }
        self.first + offset
    }
}

/// The flattened model.
pub(crate) struct Flat {
    pub items: Vec<Item>,
    /// Canonical full key (`scope.name` or `scope.name[e1,e2]`) to item index.
    pub index: HashMap<String, usize>,
    /// Canonical base key of each arrayed variable.
    pub arrays: HashMap<String, ArrayInfo>,
    pub dims: Dims,
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
    let dims = Dims::new(project, diagnostics);
    let mut flat = Flat {
        items: Vec::new(),
        index: HashMap::new(),
        arrays: HashMap::new(),
        dims,
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

/// How one element equation covers one position: the dimensions named and the positions covered.
struct Cover {
    /// For each position of the variable: `None` for a single element, else the dimension named.
    named: Vec<Option<usize>>,
    /// For each position: the covered positions in the variable's dimension, in order.
    positions: Vec<Vec<usize>>,
    /// Excluded combinations (positions in the variable's dimensions, per position the allowed set).
    except: Vec<Vec<Vec<usize>>>,
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
                VariableKind::Data { interpolation } => ItemKind::Data(*interpolation),
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
                        initial: variable.initial_equation.clone(),
                        graphical_function: variable.graphical_function.clone(),
                        scope: scope.to_string(),
                        bindings: Vec::new(),
                        cover_index: 0,
                        cover_sizes: Vec::new(),
                        undefined: false,
                    },
                    variable,
                );
            } else {
                self.array(variable, full_key, shown, kind, scope);
            }
        }
    }

    fn duplicate(&mut self, shown: &str, variable: &Variable) {
        self.diagnostics.push(
            Diagnostic::error(
                DiagnosticKind::Duplicate,
                format!("`{shown}` is defined more than once"),
            )
            .with_variable(shown.to_string())
            .with_span(variable.span.clone())
            .with_help("names are compared ignoring case, spaces and underscores"),
        );
    }

    fn push(&mut self, key: String, item: Item, variable: &Variable) {
        if self.flat.index.contains_key(&key) || self.flat.arrays.contains_key(&key) {
            let shown = item.display.clone();
            self.duplicate(&shown, variable);
            return;
        }
        self.flat.index.insert(key, self.flat.items.len());
        self.flat.items.push(item);
    }

    fn dimension_error(&mut self, shown: &str, variable: &Variable, message: String, help: &str) {
        self.diagnostics.push(
            Diagnostic::error(DiagnosticKind::Dimension, message)
                .with_variable(shown.to_string())
                .with_span(variable.span.clone())
                .with_help(help.to_string()),
        );
    }

    /// How an element equation's subscript covers the variable's dimensions.
    fn cover(
        &mut self,
        shown: &str,
        variable: &Variable,
        dim_ids: &[usize],
        element: &ElementEquation,
    ) -> Option<Cover> {
        if element.subscript.len() != dim_ids.len() {
            self.dimension_error(
                shown,
                variable,
                format!(
                    "an equation of `{shown}` has {} subscript(s) for {} dimension(s)",
                    element.subscript.len(),
                    dim_ids.len()
                ),
                "give one element, subrange or dimension per dimension",
            );
            return None;
        }
        let mut named = Vec::new();
        let mut positions = Vec::new();
        for (name, &d) in element.subscript.iter().zip(dim_ids) {
            let (dim, covered) = self.covered(d, name)?;
            named.push(dim);
            positions.push(covered);
        }
        let mut except = Vec::new();
        for tuple in &element.except {
            if tuple.len() != dim_ids.len() {
                self.dimension_error(
                    shown,
                    variable,
                    format!("an :EXCEPT: list of `{shown}` has the wrong number of subscripts"),
                    "give one element or subrange per dimension",
                );
                return None;
            }
            let mut sets = Vec::new();
            for (name, &d) in tuple.iter().zip(dim_ids) {
                sets.push(self.covered(d, name)?.1);
            }
            except.push(sets);
        }
        if positions.iter().any(Vec::is_empty) {
            let names = element.subscript.join(", ");
            self.dimension_error(
                shown,
                variable,
                format!(
                    "`{shown}[{names}]`: a subscript names nothing in the variable's dimensions"
                ),
                "use elements, subranges or the dimensions the variable is declared with",
            );
            return None;
        }
        Some(Cover {
            named,
            positions,
            except,
        })
    }

    /// The dimension a subscript names (if it is one) and the positions of `dim` it covers.
    fn covered(&self, dim: usize, name: &str) -> Option<(Option<usize>, Vec<usize>)> {
        let key = canonical(name);
        let dims = &self.flat.dims;
        if let Some(p) = dims.position(dim, &key) {
            return Some((None, vec![p]));
        }
        if let Some((d, element)) = key.split_once('.') {
            if dims.find(d) == Some(dim) {
                return dims.position(dim, element).map(|p| (None, vec![p]));
            }
        }
        let named = dims.find(&key)?;
        let positions = (0..dims.len(named))
            .filter_map(|p| dims.correspond(named, p, dim).map(|(_, q)| q))
            .collect();
        Some((Some(named), positions))
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
            match self.flat.dims.find(dim_name) {
                Some(i) => dim_ids.push(i),
                None => {
                    self.dimension_error(
                        &shown,
                        variable,
                        format!("dimension `{dim_name}` is not defined"),
                        "declare it under <dimensions> at the top of the file",
                    );
                    return;
                }
            }
        }
        if self.flat.arrays.contains_key(&base_key) || self.flat.index.contains_key(&base_key) {
            self.duplicate(&shown, variable);
            return;
        }
        let sizes: Vec<usize> = dim_ids.iter().map(|&d| self.flat.dims.len(d)).collect();
        let total = sizes
            .iter()
            .try_fold(1usize, |acc, &n| acc.checked_mul(n))
            .unwrap_or(usize::MAX);
        if total > MAX_ELEMENTS {
            self.dimension_error(
                &shown,
                variable,
                format!("`{shown}` would have {total} elements, more than {MAX_ELEMENTS}"),
                "split the variable or use smaller dimensions",
            );
            return;
        }
        let mut covers = Vec::new();
        for element in &variable.elements {
            match self.cover(&shown, variable, &dim_ids, element) {
                Some(cover) => covers.push((element, cover)),
                None => return,
            }
        }
        self.flat.arrays.insert(
            base_key.clone(),
            ArrayInfo {
                dims: dim_ids.clone(),
                first: self.flat.items.len(),
            },
        );
        // Vensim exports constant arrays as a list, `1, 2, 3`, in one equation.
        let list = |equation: &Option<Equation>, count: usize| {
            equation
                .as_ref()
                .filter(|e| is_number_list(&e.text, count))
                .cloned()
        };
        let whole_list = list(&variable.equation, total);
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
                .map(|(&d, &p)| self.flat.dims.dims[d].elements[p].as_str())
                .collect();
            let element_display: Vec<&str> = dim_ids
                .iter()
                .zip(&positions)
                .map(|(&d, &p)| self.flat.dims.dims[d].display_elements[p].as_str())
                .collect();
            let key = element_key(&base_key, &element_keys);
            let mut bindings: Vec<(usize, usize)> = dim_ids
                .iter()
                .copied()
                .zip(positions.iter().copied())
                .collect();
            let covering = covers
                .iter()
                .find(|(_, cover)| covers_element(cover, &positions));
            let mut cover_index = flat_index;
            let mut cover_sizes = sizes.clone();
            // Vensim lets a variable define only some elements; the rest are 0 and unreported.
            let undefined = covering.is_none()
                && variable.equation.is_none()
                && !covers.is_empty()
                && self.project.dialect() == crate::model::Dialect::Vensim;
            let (source, gf) = match covering {
                Some((element, cover)) => {
                    // Inside the equation, each dimension it names stands for this element.
                    let mut list_index = 0;
                    let mut list_size = 1;
                    for (k, named) in cover.named.iter().enumerate() {
                        let offset = cover.positions[k]
                            .iter()
                            .position(|&p| p == positions[k])
                            .unwrap_or(0);
                        list_index = list_index * cover.positions[k].len() + offset;
                        list_size *= cover.positions[k].len();
                        if let Some(d) = *named {
                            if !bindings.iter().any(|&(b, _)| b == d) {
                                bindings.push((d, offset));
                            }
                        }
                    }
                    let gf = element
                        .graphical_function
                        .clone()
                        .or(variable.graphical_function.clone());
                    let equation = Some(element.equation.clone());
                    cover_index = list_index;
                    cover_sizes = cover.positions.iter().map(Vec::len).collect();
                    match list(&equation, list_size) {
                        Some(e) if list_size > 1 => (Source::ListElement(e, list_index), gf),
                        _ => (Source::Equation(equation), gf),
                    }
                }
                None if undefined => (
                    Source::Equation(Some(Equation::new("0"))),
                    variable.graphical_function.clone(),
                ),
                None => match &whole_list {
                    Some(equation) if total > 1 => (
                        Source::ListElement(equation.clone(), flat_index),
                        variable.graphical_function.clone(),
                    ),
                    _ => (
                        Source::Equation(variable.equation.clone()),
                        variable.graphical_function.clone(),
                    ),
                },
            };
            let item = Item {
                display: format!("{shown}[{}]", element_display.join(",")),
                kind: kind.clone(),
                source,
                initial: variable.initial_equation.clone(),
                graphical_function: gf,
                scope: scope.to_string(),
                bindings,
                cover_index,
                cover_sizes,
                undefined,
            };
            self.flat.index.insert(key, self.flat.items.len());
            self.flat.items.push(item);
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

/// Whether an element equation covers the element at `positions`.
fn covers_element(cover: &Cover, positions: &[usize]) -> bool {
    let inside = |sets: &[Vec<usize>]| sets.iter().zip(positions).all(|(set, p)| set.contains(p));
    inside(&cover.positions) && !cover.except.iter().any(|sets| inside(sets))
}

/// Whether `text` is a list of exactly `count` numbers (commas, and `;` between rows).
fn is_number_list(text: &str, count: usize) -> bool {
    let parts = list_parts(text);
    parts.len() == count && count > 1 && parts.iter().all(|p| p.parse::<f64>().is_ok())
}
