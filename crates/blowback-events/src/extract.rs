//! Extracts: copy the rows of an event file that pass a filter, verbatim, optionally labelling
//! each with a `series` column (the first matching series wins), so that a small, attributable
//! subset of a dataset can be shipped and fitted later without the full release.

use std::io::{Read, Write};

use crate::filter::Filter;
use crate::read::{BadRow, EventReader, ReadError, RowOrFatal};

/// What an extract kept and skipped.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct ExtractReport {
    /// Rows read (good and bad).
    pub rows_read: u64,
    /// Rows written.
    pub rows_written: u64,
    /// Rows written per series, in the order the series were given.
    pub per_series: Vec<(String, u64)>,
    /// Rows that could not be read (never copied, always listed).
    pub bad_rows: Vec<BadRow>,
    /// Rows read with a data-quality warning (copied as they are).
    pub warnings: Vec<BadRow>,
}

/// Errors of an extract: reading, or writing the output.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ExtractError {
    /// The input could not be read.
    #[error(transparent)]
    Read(#[from] ReadError),
    /// The output could not be written.
    #[error("writing the extract: {0}")]
    Write(String),
}

/// Copies rows passing `filter` (and, when `series` is non-empty, matching one of the series
/// filters) from `input` to `output` as CSV, appending a `series` column with the label of the
/// first matching series. `columns` keeps only the named columns, in that order (empty: all).
/// In strict mode the first bad row is an error.
pub fn write_extract<R: Read, W: Write>(
    input: R,
    output: W,
    filter: &Filter,
    series: &[(String, Filter)],
    columns: &[String],
    strict: bool,
) -> Result<ExtractReport, ExtractError> {
    let mut reader = EventReader::new(input)?;
    let mut writer = csv::Writer::from_writer(output);
    let write_error = |e: csv::Error| ExtractError::Write(e.to_string());
    let full_header = reader.header().to_vec();
    let keep: Vec<usize> = if columns.is_empty() {
        (0..full_header.len()).collect()
    } else {
        columns
            .iter()
            .map(|name| {
                full_header
                    .iter()
                    .position(|h| h.trim() == name.trim())
                    .ok_or_else(|| {
                        ExtractError::Read(ReadError::UnknownLayout {
                            hint: format!(
                                "no column `{name}` to keep (have {})",
                                full_header.join(", ")
                            ),
                        })
                    })
            })
            .collect::<Result<_, _>>()?
    };
    let mut header: Vec<String> = keep.iter().map(|&i| full_header[i].clone()).collect();
    if !series.is_empty() {
        header.push("series".into());
    }
    writer.write_record(&header).map_err(write_error)?;
    let mut report = ExtractReport {
        per_series: series.iter().map(|(label, _)| (label.clone(), 0)).collect(),
        ..ExtractReport::default()
    };
    while let Some((all_fields, item)) = reader.next_with_fields() {
        report.rows_read += 1;
        let event = match item {
            Ok(event) => event,
            Err(RowOrFatal::Row(bad)) if !strict => {
                report.bad_rows.push(bad);
                continue;
            }
            Err(RowOrFatal::Row(bad)) => return Err(ReadError::Strict(bad).into()),
            Err(RowOrFatal::Fatal(err)) => return Err(err.into()),
        };
        if !filter.matches(&event) {
            continue;
        }
        let mut fields: Vec<String> = keep
            .iter()
            .map(|&i| all_fields.get(i).cloned().unwrap_or_default())
            .collect();
        if !series.is_empty() {
            let Some(index) = series.iter().position(|(_, f)| f.matches(&event)) else {
                continue;
            };
            fields.push(series[index].0.clone());
            report.per_series[index].1 += 1;
        }
        writer.write_record(&fields).map_err(write_error)?;
        report.rows_written += 1;
    }
    writer
        .flush()
        .map_err(|e| ExtractError::Write(e.to_string()))?;
    report.warnings = reader.warnings().to_vec();
    Ok(report)
}
