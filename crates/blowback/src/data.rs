//! Historical data: which column of which `data/*.csv` file a model variable should follow.
//!
//! A year in the time column (`2021`) is an annual figure and is compared with the model's mean over
//! that year; a date (`2021-06-25`) or a decimal year is a point in time and is compared with the
//! model's value at the nearest saved time.
//!
//! A series gives either a value column or `low`/`high` columns: a published range (such as a UN
//! estimate of a group's strength) that the model should fall inside. Its measurement error is
//! either stated (`sigma`) or estimated from a second source that counts the same thing
//! (`second_source`): where two independent counts disagree, their log ratio varies about twice
//! as much as either count's own error, so the error is the spread of the log ratio over the
//! years both cover, divided by the square root of two (a constant bias between the two
//! definitions is removed first).

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
    /// Value column; rows with an empty cell are skipped. Absent for a range series.
    #[serde(default)]
    pub value: Option<String>,
    /// Column of the lower end of a published range (a range series).
    #[serde(default)]
    pub low: Option<String>,
    /// Column of the upper end of a published range (a range series).
    #[serde(default)]
    pub high: Option<String>,
    /// Measurement error of the series, as a standard deviation on the fit's scale (of the log for
    /// log series); residuals are divided by it. 1 when neither this nor `second_source` is given.
    #[serde(default)]
    pub sigma: Option<f64>,
    /// A second source for the same quantity, from which the measurement error is estimated.
    #[serde(default)]
    pub second_source: Option<SecondSource>,
    /// Fit every observation up to the hold-out window's end, not only those in the fitting
    /// window: for sparse level estimates (a group's strength) that exist only for recent years.
    #[serde(default)]
    pub always_fit: bool,
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

/// Another count of the same quantity (say PICSS beside PIPS), used only to estimate how far either
/// count can be trusted.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct SecondSource {
    /// File name within `data/`.
    pub file: String,
    /// Time column.
    #[serde(default = "default_time_column")]
    pub time: String,
    /// Value column.
    pub value: String,
    /// Legend text.
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
    /// The recorded value; for a range, its middle (or the one end given).
    pub value: f64,
    /// For a range, its ends (an end not given is infinite).
    pub bounds: Option<(f64, f64)>,
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
    /// Measurement error estimated from the second source, with the number of paired
    /// observations it rests on.
    pub estimated_sigma: Option<(f64, usize)>,
}

impl DataSeries {
    /// Reads the series `spec` describes from the CSV text of its file.
    pub fn read(spec: &SeriesSpec, csv_text: &str) -> Result<Self, CaseError> {
        let columns = match (&spec.value, &spec.low, &spec.high) {
            (Some(value), None, None) => Columns::Value(value.clone()),
            (None, low, high) if low.is_some() || high.is_some() => {
                Columns::Range(low.clone(), high.clone())
            }
            _ => {
                return Err(data_error(
                    &spec.file,
                    csv_text,
                    0,
                    format!(
                        "series for `{}` needs either `value` or `low`/`high` columns, not both",
                        spec.variable
                    ),
                ))
            }
        };
        let observations = read_observations(
            &spec.file,
            csv_text,
            &spec.time,
            &columns,
            spec.filter.as_ref(),
        )?;
        if let Some(sigma) = spec.sigma {
            if !(sigma.is_finite() && sigma > 0.0) {
                return Err(data_error(
                    &spec.file,
                    csv_text,
                    0,
                    format!("series for `{}`: sigma must be positive", spec.variable),
                ));
            }
        }
        Ok(DataSeries {
            spec: spec.clone(),
            observations,
            estimated_sigma: None,
        })
    }

    /// Estimates the measurement error from the second source's CSV text (see the module docs).
    /// Needs at least three years both sources cover.
    pub fn estimate_sigma(
        &mut self,
        second: &SecondSource,
        csv_text: &str,
    ) -> Result<(), CaseError> {
        let others = read_observations(
            &second.file,
            csv_text,
            &second.time,
            &Columns::Value(second.value.clone()),
            None,
        )?;
        let ratios: Vec<f64> = self
            .observations
            .iter()
            .filter(|o| o.bounds.is_none() && o.value > 0.0)
            .filter_map(|o| {
                others
                    .iter()
                    .find(|p| (p.time - o.time).abs() < 1e-9 && p.value > 0.0)
                    .map(|p| (o.value / p.value).ln())
            })
            .collect();
        if ratios.len() < 3 {
            return Err(data_error(
                &second.file,
                csv_text,
                0,
                format!(
                    "only {} time(s) in common with data/{}; at least 3 are needed to estimate a measurement error",
                    ratios.len(),
                    self.spec.file
                ),
            ));
        }
        let n = ratios.len() as f64;
        let mean = ratios.iter().sum::<f64>() / n;
        let variance = ratios.iter().map(|r| (r - mean).powi(2)).sum::<f64>() / (n - 1.0);
        let sigma = (variance / 2.0).sqrt();
        let sigma = if self.spec.log {
            sigma
        } else {
            // On a linear scale the error is relative to the size of the values.
            sigma * mean_abs(&self.observations)
        };
        self.estimated_sigma = Some((sigma.max(1e-6), ratios.len()));
        Ok(())
    }

    /// The measurement error residuals are divided by: stated, estimated, or 1.
    pub fn sigma(&self) -> f64 {
        self.spec
            .sigma
            .or(self.estimated_sigma.map(|(s, _)| s))
            .unwrap_or(1.0)
    }
}

fn mean_abs(observations: &[Observation]) -> f64 {
    let n = observations.len().max(1) as f64;
    observations.iter().map(|o| o.value.abs()).sum::<f64>() / n
}

/// A data-file error on `line` of `csv_text` (0 when the reader did not say where).
fn data_error(file: &str, csv_text: &str, line: usize, message: String) -> CaseError {
    CaseError::Data {
        file: file.to_string(),
        error: match line {
            0 => Located::new(message),
            line => Located::new(message).at_line(csv_text, line),
        },
    }
}

/// Which columns hold the measurement.
enum Columns {
    /// One value per row.
    Value(String),
    /// A published range per row (either end may be missing).
    Range(Option<String>, Option<String>),
}

fn read_observations(
    file: &str,
    csv_text: &str,
    time_name: &str,
    columns: &Columns,
    filter: Option<&RowFilter>,
) -> Result<Vec<Observation>, CaseError> {
    let err = |line: usize, message: String| data_error(file, csv_text, line, message);
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
    let time_col = column(time_name)?;
    let (value_col, low_col, high_col) = match columns {
        Columns::Value(v) => (Some((column(v)?, v.as_str())), None, None),
        Columns::Range(low, high) => (
            None,
            low.as_deref()
                .map(|l| column(l).map(|c| (c, l)))
                .transpose()?,
            high.as_deref()
                .map(|h| column(h).map(|c| (c, h)))
                .transpose()?,
        ),
    };
    let filter_col = filter.map(|f| column(&f.column)).transpose()?;
    let mut observations = Vec::new();
    for record in reader.records() {
        let record = record
            .map_err(|e| err(e.position().map_or(0, |p| p.line() as usize), e.to_string()))?;
        let line = record.position().map_or(0, |p| p.line() as usize);
        if let (Some(filter), Some(col)) = (filter, filter_col) {
            if !filter.keeps(record.get(col).unwrap_or("")) {
                continue;
            }
        }
        let number = |col: Option<(usize, &str)>| -> Result<Option<f64>, CaseError> {
            let Some((col, name)) = col else {
                return Ok(None);
            };
            let text = record.get(col).unwrap_or("").trim();
            if text.is_empty() {
                return Ok(None);
            }
            text.parse::<f64>()
                .ok()
                .filter(|v| v.is_finite())
                .map(Some)
                .ok_or_else(|| err(line, format!("`{text}` in column `{name}` is not a number")))
        };
        let (value, bounds) = match columns {
            Columns::Value(_) => match number(value_col)? {
                Some(v) => (v, None),
                None => continue,
            },
            Columns::Range(..) => {
                let (low, high) = (number(low_col)?, number(high_col)?);
                let value = match (low, high) {
                    (Some(l), Some(h)) if l > h => {
                        return Err(err(line, format!("range {l} to {h} is empty")))
                    }
                    (Some(l), Some(h)) => (l + h) / 2.0,
                    (Some(v), None) | (None, Some(v)) => v,
                    (None, None) => continue,
                };
                (
                    value,
                    Some((
                        low.unwrap_or(f64::NEG_INFINITY),
                        high.unwrap_or(f64::INFINITY),
                    )),
                )
            }
        };
        let time_text = record.get(time_col).unwrap_or("").trim();
        let (time, window) = parse_time(time_text).ok_or_else(|| {
            err(
                line,
                format!(
                    "`{time_text}` in column `{time_name}` is not a year, a date (YYYY-MM-DD) or a decimal year"
                ),
            )
        })?;
        observations.push(Observation {
            time,
            window,
            value,
            bounds,
        });
    }
    Ok(observations)
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
            value: Some("attacks".into()),
            low: None,
            high: None,
            sigma: None,
            second_source: None,
            always_fit: false,
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

    #[test]
    fn a_range_series_keeps_both_ends() {
        let mut spec = spec(None);
        spec.value = None;
        spec.time = "date".into();
        spec.low = Some("low".into());
        spec.high = Some("high".into());
        let text = "date,low,high\n2021-06-01,2500,6000\n2020-07-23,,6500\n";
        let series = DataSeries::read(&spec, text).unwrap();
        assert_eq!(series.observations[0].bounds, Some((2500.0, 6000.0)));
        assert_eq!(series.observations[0].value, 4250.0);
        assert_eq!(
            series.observations[1].bounds,
            Some((f64::NEG_INFINITY, 6500.0))
        );
        let err = DataSeries::read(&spec, "date,low,high\n2021-06-01,7000,6000\n").unwrap_err();
        assert!(err.to_string().contains("is empty"), "{err}");
    }

    #[test]
    fn a_second_source_gives_the_measurement_error() {
        let mut first = spec(None);
        first.log = true;
        let mut series = DataSeries::read(
            &first,
            "year,attacks\n2015,100\n2016,200\n2017,400\n2018,50\n",
        )
        .unwrap();
        // The second count is 10% higher every year but one, which is 30% higher.
        let second = SecondSource {
            file: "g.csv".into(),
            time: "year".into(),
            value: "n".into(),
            label: None,
        };
        series
            .estimate_sigma(&second, "year,n\n2015,110\n2016,220\n2017,520\n2019,9\n")
            .unwrap();
        let (sigma, pairs) = series.estimated_sigma.unwrap();
        assert_eq!(pairs, 3);
        let r = [
            (1.0f64 / 1.1).ln(),
            (1.0f64 / 1.1).ln(),
            (1.0f64 / 1.3).ln(),
        ];
        let mean = r.iter().sum::<f64>() / 3.0;
        let var = r.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / 2.0;
        assert!((sigma - (var / 2.0).sqrt()).abs() < 1e-12);
        assert_eq!(series.sigma(), sigma);
        let err = series
            .estimate_sigma(&second, "year,n\n2015,110\n")
            .unwrap_err();
        assert!(err.to_string().contains("at least 3"), "{err}");
    }
}
