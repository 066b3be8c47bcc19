//! External data for Vensim's data functions (`GET XLS DATA`, `GET DIRECT CONSTANTS`, ...).
//!
//! The engine does no file I/O: the caller implements [`DataFiles`] to hand over the bytes of a
//! file a model names (the CLI reads them relative to the model file). This module turns those
//! bytes into a [`Grid`] of cells: CSV or tab-separated text, or a sheet of an `.xlsx`/`.xls`/
//! `.ods` workbook (read with calamine), and finds cells by Vensim's references (`B2`, a column
//! `A`, a row `1`, or a workbook's named range).

use std::io::Cursor;

/// Supplies the bytes of the data files a model names.
pub trait DataFiles {
    /// The contents of the file called `name` in the model (a path relative to the model file).
    fn read(&self, name: &str) -> Result<Vec<u8>, String>;
}

/// No data files: every data function in the model is an error.
pub(crate) struct NoDataFiles;

impl DataFiles for NoDataFiles {
    fn read(&self, name: &str) -> Result<Vec<u8>, String> {
        Err(format!(
            "the model reads data file `{name}`, but no data files were given to the compiler"
        ))
    }
}

/// One cell of a sheet.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Cell {
    Empty,
    Number(f64),
    Text(String),
}

impl Cell {
    pub(crate) fn number(&self) -> Option<f64> {
        match self {
            Cell::Number(v) => Some(*v),
            Cell::Text(t) => t.trim().parse().ok(),
            Cell::Empty => None,
        }
    }
}

/// A sheet: rows of cells, and the workbook's named ranges that point into it.
#[derive(Debug, Clone, Default)]
pub(crate) struct Grid {
    rows: Vec<Vec<Cell>>,
    /// Named range (lower case) to (first row, first column, last row, last column).
    names: Vec<(String, (usize, usize, usize, usize))>,
}

impl Grid {
    /// Reads a sheet: `sheet` is the tab name for a workbook, the delimiter for text files.
    pub(crate) fn read(name: &str, bytes: Vec<u8>, sheet: &str) -> Result<Grid, String> {
        let lower = name.to_ascii_lowercase();
        if [".xlsx", ".xlsm", ".xls", ".xlsb", ".ods"]
            .iter()
            .any(|e| lower.ends_with(e))
        {
            workbook(bytes, sheet).map_err(|e| format!("`{name}`: {e}"))
        } else {
            text(&bytes, sheet).map_err(|e| format!("`{name}`: {e}"))
        }
    }

    pub(crate) fn cell(&self, row: usize, column: usize) -> &Cell {
        self.rows
            .get(row)
            .and_then(|r| r.get(column))
            .unwrap_or(&Cell::Empty)
    }

    fn height(&self) -> usize {
        self.rows.len()
    }

    fn width(&self) -> usize {
        self.rows.iter().map(Vec::len).max().unwrap_or(0)
    }

    /// The top-left cell of a reference: `B2`, or a named range.
    pub(crate) fn cell_reference(&self, reference: &str) -> Result<(usize, usize), String> {
        let reference = reference.trim().trim_end_matches('*');
        if let Some(cell) = parse_cell(reference) {
            return Ok(cell);
        }
        self.named(reference)
            .map(|(r, c, _, _)| (r, c))
            .ok_or_else(|| format!("`{reference}` is neither a cell (like B2) nor a named range"))
    }

    fn named(&self, name: &str) -> Option<(usize, usize, usize, usize)> {
        let key = name.to_ascii_lowercase();
        self.names.iter().find(|(n, _)| *n == key).map(|(_, r)| *r)
    }

    /// A series (times or x values, and values) for element `k` of a data or lookup function:
    /// `axis` is a column letter (series run down), a row number (series run across) or a named
    /// range; `first` the first value cell. Points with a missing x or value are skipped.
    pub(crate) fn series(
        &self,
        axis: &str,
        first: &str,
        k: usize,
    ) -> Result<Vec<(f64, f64)>, String> {
        let (row, column) = self.cell_reference(first)?;
        let axis = axis.trim();
        let down = if let Some(c) = column_index(axis) {
            Some((c, row))
        } else if axis.chars().all(|c| c.is_ascii_digit()) && !axis.is_empty() {
            None
        } else if let Some((r0, c0, r1, c1)) = self.named(axis) {
            // A named range of times: down when it is a column.
            if c0 == c1 && r1 > r0 {
                Some((c0, r0))
            } else {
                let points = (c0..=c1)
                    .filter_map(|c| {
                        Some((
                            self.cell(r0, c).number()?,
                            self.cell(row + k, c - c0 + column).number()?,
                        ))
                    })
                    .collect();
                return Ok(points);
            }
        } else {
            return Err(format!(
                "`{axis}` is neither a column letter, a row number nor a named range"
            ));
        };
        let mut points = Vec::new();
        match down {
            Some((time_column, _)) => {
                for r in row..self.height() {
                    let x = self.cell(r, time_column).number();
                    let v = self.cell(r, column + k).number();
                    if let (Some(x), Some(v)) = (x, v) {
                        points.push((x, v));
                    }
                }
            }
            None => {
                let time_row: usize = axis
                    .parse::<usize>()
                    .map_err(|e| e.to_string())?
                    .saturating_sub(1);
                for c in column..self.width() {
                    let Some(x) = self.cell(time_row, c).number() else {
                        continue;
                    };
                    if let Some(v) = self.cell(row + k, c).number() {
                        points.push((x, v));
                    }
                }
            }
        }
        if points.is_empty() {
            return Err(format!(
                "no data found from `{first}` with times in `{axis}`"
            ));
        }
        Ok(points)
    }

    /// The constant at offset (`down`, `across`) from a reference cell (`*` after it transposes).
    pub(crate) fn constant(
        &self,
        reference: &str,
        down: usize,
        across: usize,
    ) -> Result<f64, String> {
        let (row, column) = self.cell_reference(reference)?;
        let (down, across) = if reference.trim().ends_with('*') {
            (across, down)
        } else {
            (down, across)
        };
        self.cell(row + down, column + across)
            .number()
            .ok_or_else(|| format!("no number at offset ({down}, {across}) from `{reference}`"))
    }
}

/// `B2` -> (row 1, column 1).
fn parse_cell(text: &str) -> Option<(usize, usize)> {
    let split = text.find(|c: char| c.is_ascii_digit())?;
    let (letters, digits) = text.split_at(split);
    let column = column_index(letters)?;
    let row: usize = digits.parse().ok()?;
    (row >= 1).then_some((row - 1, column))
}

/// `A` -> 0, `AB` -> 27.
fn column_index(letters: &str) -> Option<usize> {
    if letters.is_empty() || letters.len() > 3 || !letters.chars().all(|c| c.is_ascii_alphabetic())
    {
        return None;
    }
    letters
        .chars()
        .try_fold(0usize, |acc, c| {
            Some(acc * 26 + (c.to_ascii_uppercase() as usize - 'A' as usize + 1))
        })
        .map(|n| n - 1)
}

fn text(bytes: &[u8], delimiter: &str) -> Result<Grid, String> {
    let delimiter = match delimiter {
        "\\t" | "\t" | "tab" => b'\t',
        d if d.len() == 1 => d.as_bytes()[0],
        _ => b',',
    };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes);
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| e.to_string())?;
        rows.push(
            record
                .iter()
                .map(|field| {
                    let field = field.trim();
                    if field.is_empty() {
                        Cell::Empty
                    } else {
                        match field.parse::<f64>() {
                            Ok(v) => Cell::Number(v),
                            Err(_) => Cell::Text(field.to_string()),
                        }
                    }
                })
                .collect(),
        );
    }
    Ok(Grid {
        rows,
        names: Vec::new(),
    })
}

fn workbook(bytes: Vec<u8>, sheet: &str) -> Result<Grid, String> {
    use calamine::{open_workbook_auto_from_rs, Data, Reader};
    let mut book = open_workbook_auto_from_rs(Cursor::new(bytes)).map_err(|e| e.to_string())?;
    let names: Vec<(String, String)> = book.defined_names().to_vec();
    let range = book.worksheet_range(sheet).map_err(|e| {
        format!(
            "no sheet `{sheet}` ({e}); the workbook has {}",
            book.sheet_names().join(", ")
        )
    })?;
    // calamine's range starts at its first used cell; pad so row and column numbers are absolute.
    let (top, left) = range
        .start()
        .map_or((0, 0), |(r, c)| (r as usize, c as usize));
    let mut rows = vec![Vec::new(); top];
    for row in range.rows() {
        let mut cells = vec![Cell::Empty; left];
        cells.extend(row.iter().map(|cell| match cell {
            Data::Int(v) => Cell::Number(*v as f64),
            Data::Float(v) => Cell::Number(*v),
            Data::Bool(b) => Cell::Number(f64::from(u8::from(*b))),
            Data::String(s) => Cell::Text(s.clone()),
            Data::Empty | Data::Error(_) => Cell::Empty,
            other => Cell::Text(other.to_string()),
        }));
        rows.push(cells);
    }
    let names = names
        .into_iter()
        .filter_map(|(name, formula)| {
            // `Sheet!$B$2:$B$10` (the sheet may be quoted); only ranges on this sheet count.
            let (sheet_part, cells) = formula.rsplit_once('!')?;
            if sheet_part.trim_matches('\'') != sheet {
                return None;
            }
            let cells = cells.replace('$', "");
            let (a, b) = cells.split_once(':').unwrap_or((&cells, &cells));
            let (r0, c0) = parse_cell(a)?;
            let (r1, c1) = parse_cell(b)?;
            Some((name.to_ascii_lowercase(), (r0, c0, r1, c1)))
        })
        .collect();
    Ok(Grid { rows, names })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cell_references() {
        assert_eq!(parse_cell("B2"), Some((1, 1)));
        assert_eq!(parse_cell("AA10"), Some((9, 26)));
        assert_eq!(parse_cell("2B"), None);
        assert_eq!(column_index("a"), Some(0));
    }

    #[test]
    fn series_down_and_across() {
        let down = Grid::read("d.csv", b"time,x,y\n0,1,10\n1,2,\n2,3,30\n".to_vec(), ",").unwrap();
        assert_eq!(
            down.series("A", "B2", 0).unwrap(),
            vec![(0.0, 1.0), (1.0, 2.0), (2.0, 3.0)]
        );
        // A missing value drops the point.
        assert_eq!(
            down.series("A", "B2", 1).unwrap(),
            vec![(0.0, 10.0), (2.0, 30.0)]
        );
        let across = Grid::read("a.csv", b"t,0,5\nx,1,2\n".to_vec(), ",").unwrap();
        assert_eq!(
            across.series("1", "B2", 0).unwrap(),
            vec![(0.0, 1.0), (5.0, 2.0)]
        );
        assert_eq!(across.constant("B2", 0, 1).unwrap(), 2.0);
        assert_eq!(across.constant("B1*", 1, 0).unwrap(), 5.0);
        assert!(across.series("1", "Q9", 0).is_err());
    }
}
