//! Data variables filled from a data file given at run time, as Vensim does with `vensim -d` (and
//! PySD with `data_files`): a Vensim data variable with no equation (`x :INTERPOLATE:`) takes the
//! series of the column headed with its name in a tab- or comma-separated file whose first column
//! is time (what Vensim writes when it exports a run).
//!
//! The columns become `GET DIRECT DATA` calls on the file, so the values are read like any other
//! data: through the [`DataFiles`](crate::DataFiles) given to the compiler, with the variable's own
//! interpolation keyword.

use std::collections::HashMap;

use crate::model::{ElementEquation, Equation, Project, VariableKind};
use crate::name::canonical;

/// Gives every data variable of the project's main model that has no equation the series of its
/// column in the data file `name` (read later through the compiler's `DataFiles`), whose header
/// line is `header`. Columns are headed `name` or `name[element, ...]`. Returns how many variables
/// it filled; a variable already filled by an earlier file is left alone.
pub fn use_data_file(project: &mut Project, name: &str, header: &str) -> usize {
    let delimiter = if header.contains('\t') { '\t' } else { ',' };
    let columns: HashMap<(String, Vec<String>), usize> = header
        .trim_end_matches(['\r', '\n'])
        .split(delimiter)
        .enumerate()
        .skip(1)
        .filter_map(|(k, cell)| Some((column_key(cell)?, k)))
        .collect();
    let call = |column: usize| {
        let delimiter = if delimiter == '\t' { "\\t" } else { "," };
        Equation::new(format!(
            "GET_DIRECT_DATA('{name}', '{delimiter}', 'A', '{}2')",
            column_letters(column)
        ))
    };
    let dimensions = project.dimensions.clone();
    let elements_of = |dimension: &str| {
        let key = canonical(dimension);
        dimensions
            .iter()
            .find(|d| canonical(&d.name) == key)
            .map(|d| d.elements.clone())
    };
    let Some(model) = project.models.iter_mut().find(|m| m.name.is_none()) else {
        return 0;
    };
    let mut filled = 0;
    for variable in &mut model.variables {
        let open = matches!(variable.kind, VariableKind::Data { .. })
            && variable.equation.is_none()
            && variable.elements.is_empty();
        if !open {
            continue;
        }
        let key = canonical(&variable.name);
        if variable.dimensions.is_empty() {
            if let Some(&column) = columns.get(&(key, Vec::new())) {
                variable.equation = Some(call(column));
                filled += 1;
            }
            continue;
        }
        let Some(lists) = variable
            .dimensions
            .iter()
            .map(|d| elements_of(d))
            .collect::<Option<Vec<_>>>()
        else {
            continue;
        };
        let mut combinations: Vec<Vec<String>> = vec![Vec::new()];
        for list in &lists {
            combinations = combinations
                .into_iter()
                .flat_map(|prefix| {
                    list.iter().map(move |e| {
                        let mut next = prefix.clone();
                        next.push(e.clone());
                        next
                    })
                })
                .collect();
        }
        for subscript in combinations {
            let elements = subscript.iter().map(|e| canonical(e)).collect();
            if let Some(&column) = columns.get(&(key.clone(), elements)) {
                variable.elements.push(ElementEquation {
                    subscript,
                    except: Vec::new(),
                    equation: call(column),
                    graphical_function: None,
                });
            }
        }
        if !variable.elements.is_empty() {
            filled += 1;
        }
    }
    filled
}

/// A column header `name` or `name[e1,e2]` as canonical name and elements.
fn column_key(cell: &str) -> Option<(String, Vec<String>)> {
    let cell = cell.trim().trim_matches('"');
    match cell.split_once('[') {
        Some((name, rest)) => {
            let inside = rest.strip_suffix(']')?;
            Some((canonical(name), inside.split(',').map(canonical).collect()))
        }
        None if !cell.is_empty() => Some((canonical(cell), Vec::new())),
        None => None,
    }
}

/// A spreadsheet column's letters: 0 is `A`, 25 `Z`, 26 `AA`.
fn column_letters(mut column: usize) -> String {
    let mut letters = Vec::new();
    loop {
        letters.push(b'A' + (column % 26) as u8);
        if column < 26 {
            break;
        }
        column = column / 26 - 1;
    }
    letters.iter().rev().map(|&b| b as char).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mdl::read_mdl;

    #[test]
    fn letters() {
        assert_eq!(column_letters(0), "A");
        assert_eq!(column_letters(25), "Z");
        assert_eq!(column_letters(26), "AA");
        assert_eq!(column_letters(27), "AB");
        assert_eq!(column_letters(701), "ZZ");
        assert_eq!(column_letters(702), "AAA");
    }

    #[test]
    fn data_variables_take_their_columns() {
        let text = "{UTF-8}\nd: a, b ~~|\nx :RAW: ~~|\ny[d] ~~|\nz = 1 ~~|\nFINAL TIME = 1 ~~|\n";
        let (mut project, _) = read_mdl(text).unwrap();
        let filled = use_data_file(&mut project, "run.tab", "Time\ty[b]\tz\tx\ty[a]\n");
        assert_eq!(filled, 2);
        let variables = &project.models[0].variables;
        let x = variables.iter().find(|v| v.name == "x").unwrap();
        assert_eq!(
            x.equation.as_ref().unwrap().text,
            "GET_DIRECT_DATA('run.tab', '\\t', 'A', 'D2')"
        );
        let y = variables.iter().find(|v| v.name == "y").unwrap();
        assert_eq!(y.elements.len(), 2);
        assert_eq!(y.elements[0].subscript, vec!["a".to_string()]);
        assert!(y.elements[0].equation.text.contains("'E2'"));
        let z = variables.iter().find(|v| v.name == "z").unwrap();
        assert_eq!(z.equation.as_ref().unwrap().text, "1");
    }
}
