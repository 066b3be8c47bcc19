//! Historical data: which column of which `data/*.csv` file a model variable should follow.
//!
//! A year in the time column (`2021`) is an annual figure and is compared with the model's mean over
//! that year; a date (`2021-06-25`) or a decimal year is a point in time and is compared with the
//! model's value at the nearest saved time.

use blowback_diagnostic::Located;
use serde::Deserialize;

use crate::error::CaseError;

/// Keeps only the rows of a CSV file whose `column` matches.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct RowFilter {
    /// Column to test.
    pub column: String,
    /// Keep rows whose cell starts with this text.
    #[serde(default)]
    pub starts_with: Option<String>,
    /// Drop rows whose cell contains this text.
    #[serde(default)]
    pub excludes: Option<String>,
}

impl RowFilter {
    fn keeps(&self, cell: &str) -> bool {
        self.starts_with
            .as_ref()
            .is_none_or(|p| cell.starts_with(p.as_str()))
            && self
                .excludes
                .as_ref()
                .is_none_or(|x| !cell.contains(x.as_str()))
    }
}

/// Where a model variable's historical record is.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct SeriesSpec {
    /// The model variable the data measures.
    pub variable: String,
    /// File name within `data/`.
    pub file: String,
    /// Time column (a year, a date `YYYY-MM-DD` or a decimal year).
    #[serde(default = "default_time_column")]
    pub time: String,
    /// Value column; rows with an empty cell are skipped.
    pub value: String,
    /// Optional row filter.
    #[serde(default)]
    pub filter: Option<RowFilter>,
    /// Weight of this series' residuals in a fit.
    #[serde(default = "one")]
    pub weight: f64,
    /// Fit on a log scale (for counts spanning an order of magnitude).
    #[serde(default)]
    pub log: bool,
    /// Legend text for the points; the file name when absent.
    #[serde(default)]
    pub label: Option<String>,
}

fn default_time_column() -> String {
    "year".to_string()
}

fn one() -> f64 {
    1.0
}

/// One data point.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Observation {
    /// Where to plot it: mid-year for annual figures.
    pub time: f64,
    /// For annual figures, the year `[from, to)` over which the model is averaged.
    pub window: Option<(f64, f64)>,
    /// The recorded value.
    pub value: f64,
}

impl Observation {
    /// The last moment the observation describes; a fit frozen at a date uses only points whose
    /// end is not after it.
    pub fn end(&self) -> f64 {
        self.window.map_or(self.time, |(_, to)| to)
    }
}

/// A series read from a data file.
#[derive(Debug, Clone, PartialEq)]
pub struct DataSeries {
    /// Where it came from.
    pub spec: SeriesSpec,
    /// The points, in file order.
    pub observations: Vec<Observation>,
}

impl DataSeries {
    /// Reads the series `spec` describes from the CSV text of its file.
    pub fn read(spec: &SeriesSpec, csv_text: &str) -> Result<Self, CaseError> {
        // Line 0 means the CSV reader did not say where.
        let err = |line: usize, message: String| CaseError::Data {
            file: spec.file.clone(),
            error: match line {
                0 => Located::new(message),
                line => Located::new(message).at_line(csv_text, line),
            },
        };
        let mut reader = csv::ReaderBuilder::new()
            .flexible(false)
            .from_reader(csv_text.as_bytes());
        let headers = reader.headers().map_err(|e| err(1, e.to_string()))?.clone();
        let column = |name: &str| {
            headers
                .iter()
                .position(|h| h.trim() == name)
                .ok_or_else(|| {
                    err(
                        1,
                        format!(
                            "no column `{name}` (columns: {})",
                            headers.iter().collect::<Vec<_>>().join(", ")
                        ),
                    )
                })
        };
        let time_col = column(&spec.time)?;
        let value_col = column(&spec.value)?;
        let filter_col = spec
            .filter
            .as_ref()
            .map(|f| column(&f.column))
            .transpose()?;
        let mut observations = Vec::new();
        for record in reader.records() {
            let record = record
                .map_err(|e| err(e.position().map_or(0, |p| p.line() as usize), e.to_string()))?;
            let line = record.position().map_or(0, |p| p.line() as usize);
            if let (Some(filter), Some(col)) = (&spec.filter, filter_col) {
                if !filter.keeps(record.get(col).unwrap_or("")) {
                    continue;
                }
            }
            let value_text = record.get(value_col).unwrap_or("").trim();
            if value_text.is_empty() {
                continue;
            }
            let value: f64 = value_text.parse().map_err(|_| {
                err(
                    line,
                    format!("`{value_text}` in column `{}` is not a number", spec.value),
                )
            })?;
            let time_text = record.get(time_col).unwrap_or("").trim();
            let (time, window) = parse_time(time_text).ok_or_else(|| {
                err(
                    line,
                    format!(
                        "`{time_text}` in column `{}` is not a year, a date (YYYY-MM-DD) or a decimal year",
                        spec.time
                    ),
                )
            })?;
            observations.push(Observation {
                time,
                window,
                value,
            });
        }
        Ok(DataSeries {
            spec: spec.clone(),
            observations,
        })
    }
}

/// A year (`2021`: annual, plotted mid-year), a date or a decimal year.
fn parse_time(text: &str) -> Option<(f64, Option<(f64, f64)>)> {
    if let Ok(year) = text.parse::<i32>() {
        let y = f64::from(year);
        return Some((y + 0.5, Some((y, y + 1.0))));
    }
    if let Ok(t) = text.parse::<f64>() {
        return t.is_finite().then_some((t, None));
    }
    let mut parts = text.splitn(3, '-');
    let year: i32 = parts.next()?.parse().ok()?;
    let month: u32 = parts.next()?.parse().ok()?;
    let day: u32 = parts.next()?.parse().ok()?;
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let days_in = [
        31,
        if leap { 29 } else { 28 },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ];
    if day > days_in[month as usize - 1] {
        return None;
    }
    let day_of_year: u32 = days_in[..month as usize - 1].iter().sum::<u32>() + day - 1;
    let year_len = if leap { 366.0 } else { 365.0 };
    Some((f64::from(year) + f64::from(day_of_year) / year_len, None))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(filter: Option<RowFilter>) -> SeriesSpec {
        SeriesSpec {
            variable: "v".into(),
            file: "f.csv".into(),
            time: "year".into(),
            value: "attacks".into(),
            filter,
            weight: 1.0,
            log: false,
            label: None,
        }
    }

    #[test]
    fn annual_rows_are_windows_and_filters_apply() {
        let text = "year,group,attacks\n2017,TTP share,0.5\n2018,TTP and splinters,171\n2019,BLA,3\n2020,TTP,\n2021,TTP,87\n";
        let filter = RowFilter {
            column: "group".into(),
            starts_with: Some("TTP".into()),
            excludes: Some("share".into()),
        };
        let series = DataSeries::read(&spec(Some(filter)), text).unwrap();
        let values: Vec<f64> = series.observations.iter().map(|o| o.value).collect();
        assert_eq!(values, [171.0, 87.0]);
        assert_eq!(series.observations[1].window, Some((2021.0, 2022.0)));
        assert_eq!(series.observations[1].end(), 2022.0);
    }

    #[test]
    fn dates_become_decimal_years() {
        let (t, window) = parse_time("2021-07-02").unwrap();
        assert!((t - (2021.0 + 182.0 / 365.0)).abs() < 1e-12);
        assert!(window.is_none());
        assert!(parse_time("2021-02-30").is_none());
        assert!(parse_time("soon").is_none());
    }

    #[test]
    fn a_bad_number_names_file_and_line() {
        let err = DataSeries::read(&spec(None), "year,attacks\n2014,12\n2015,many\n").unwrap_err();
        assert_eq!(
            err.to_string(),
            "data/f.csv:3:1: `many` in column `attacks` is not a number"
        );
    }

    #[test]
    fn a_missing_column_is_reported() {
        let err = DataSeries::read(&spec(None), "year,count\n2014,12\n").unwrap_err();
        assert!(err.to_string().contains("no column `attacks`"), "{err}");
    }
}
