//! Vensim's data functions at compile time: `GET ... CONSTANTS` become constants, `GET ... DATA`
//! and `GET ... LOOKUPS` become tables (a data series is a table read at the current time). Files
//! come from the caller's [`DataFiles`]; each sheet is read once per compilation.

use std::collections::HashMap;

use super::builtins::Call;
use super::resolve::{boxed, Context, Resolver, Value};
use crate::data::{DataFiles, Grid};
use crate::diagnostic::DiagnosticKind;
use crate::equation::{parse, Expr, ExprKind};
use crate::ir::{Ir, LookupMode};
use crate::model::{Equation, GraphicalFunction, GraphicalFunctionKind};
use crate::name::canonical;

/// The caller's files and the sheets read from them so far.
pub(crate) struct DataCache<'a> {
    files: &'a dyn DataFiles,
    sheets: HashMap<(String, String), Result<Grid, String>>,
}

impl<'a> DataCache<'a> {
    pub(crate) fn new(files: &'a dyn DataFiles) -> Self {
        DataCache {
            files,
            sheets: HashMap::new(),
        }
    }

    fn sheet(&mut self, file: &str, sheet: &str) -> Result<&Grid, String> {
        let key = (file.to_string(), sheet.to_string());
        if !self.sheets.contains_key(&key) {
            let mut bytes = self.files.read(file);
            // Vensim models often name `x.xls` for a workbook saved since as `x.xlsx`.
            if bytes.is_err() && file.to_ascii_lowercase().ends_with(".xls") {
                if let Ok(b) = self.files.read(&format!("{file}x")) {
                    bytes = Ok(b);
                }
            }
            let grid = bytes.and_then(|b| Grid::read(file, b, sheet));
            self.sheets.insert(key.clone(), grid);
        }
        match &self.sheets[&key] {
            Ok(grid) => Ok(grid),
            Err(e) => Err(e.clone()),
        }
    }
}

impl Resolver<'_> {
    /// The text arguments of a data function, all of which must be `'quoted'`.
    fn texts(&mut self, context: &Context, args: &[Expr]) -> Option<Vec<String>> {
        let mut out = Vec::new();
        for arg in args {
            match &arg.kind {
                ExprKind::Text(t) => out.push(t.clone()),
                _ => {
                    self.error(
                        context,
                        arg,
                        DiagnosticKind::Syntax,
                        "data functions take quoted text arguments, like 'data.xlsx'".into(),
                        None,
                    );
                    return None;
                }
            }
        }
        Some(out)
    }

    fn data_error(&mut self, context: &Context, expr: &Expr, message: String) -> Ir {
        self.error(
            context,
            expr,
            DiagnosticKind::Unsupported,
            message,
            Some("data files are read relative to the model file".into()),
        )
    }

    /// `GET ... CONSTANTS(file, sheet, cell)`: this element's number, read across from the cell
    /// (down for a `cell*` reference), rows for the first dimensions and columns for the last;
    /// dimensions the equation fixes to one element do not count (`x[dim, e1]` reads a row).
    pub(super) fn data_constants(&mut self, c: &Call) -> Value {
        let Some(texts) = self.texts(c.context, c.args) else {
            return Value::Scalar(Ir::Const(f64::NAN));
        };
        let item = &self.flat.items[c.context.item];
        let index = item.cover_index;
        let sizes: Vec<usize> = item
            .cover_sizes
            .iter()
            .copied()
            .filter(|&n| n > 1)
            .collect();
        let last = sizes.last().copied().unwrap_or(1).max(1);
        let (down, across) = if sizes.len() <= 1 {
            (0, index)
        } else {
            (index / last, index % last)
        };
        let value = self
            .data
            .sheet(&texts[0], &texts[1])
            .and_then(|grid| grid.constant(&texts[2], down, across));
        Value::Scalar(match value {
            Ok(v) => Ir::Const(v),
            Err(e) => self.data_error(c.context, c.expr, e),
        })
    }

    /// A data or lookup function used as a value: the series read at the current time.
    pub(super) fn data_call(&mut self, c: &Call) -> Value {
        Value::Scalar(match self.data_series(c.context, c.expr, c.key, c.args) {
            Some(table) => Ir::Lookup(
                table,
                boxed(Ir::Time),
                LookupMode::Data(crate::model::DataInterpolation::Interpolate),
            ),
            None => Ir::Const(f64::NAN),
        })
    }

    /// Reads this element's series of a `GET ... DATA` / `GET ... LOOKUPS` call into a new table.
    pub(super) fn data_series(
        &mut self,
        context: &Context,
        expr: &Expr,
        _key: &str,
        args: &[Expr],
    ) -> Option<usize> {
        if args.len() != 4 {
            self.error(
                context,
                expr,
                DiagnosticKind::Arity,
                "data and lookup functions take (file, sheet, time row or column, first cell)"
                    .into(),
                None,
            );
            return None;
        }
        let texts = self.texts(context, args)?;
        let index = self.flat.items[context.item].cover_index;
        let points = self
            .data
            .sheet(&texts[0], &texts[1])
            .and_then(|grid| grid.series(&texts[2], &texts[3], index));
        match points {
            Ok(points) => {
                let table = self.tables.len();
                self.tables.push(GraphicalFunction {
                    kind: GraphicalFunctionKind::Continuous,
                    xs: points.iter().map(|p| p.0).collect(),
                    ys: points.iter().map(|p| p.1).collect(),
                    y_scale: None,
                });
                Some(table)
            }
            Err(e) => {
                self.data_error(context, expr, e);
                None
            }
        }
    }

    /// A lookup defined by a data function (`GET XLS LOOKUPS(...)`): fills its table.
    pub(super) fn table_from_data(&mut self, context: &Context, index: usize, equation: &Equation) {
        let (expr, errors) = parse(&equation.text);
        let Some(expr) = expr.filter(|_| errors.is_empty()) else {
            return;
        };
        let ExprKind::Call { name, args } = &expr.kind else {
            self.error(
                context,
                &expr,
                DiagnosticKind::Unsupported,
                "a lookup's equation must be GET ... LOOKUPS(...) or points".into(),
                None,
            );
            return;
        };
        let key = canonical(name);
        if !super::builtins::is_data_series(&key) {
            self.error(
                context,
                &expr,
                DiagnosticKind::Unsupported,
                format!("a lookup cannot be defined by `{name}`"),
                None,
            );
            return;
        }
        if let Some(table) = self.data_series(context, &expr, &key, args) {
            let filled = self.tables[table].clone();
            if let Some(&own) = self.table_of_node.get(&index) {
                self.tables[own] = filled;
            }
        }
    }
}
