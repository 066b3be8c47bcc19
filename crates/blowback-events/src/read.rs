//! Streaming readers for event datasets: UCDP GED (both layouts) and Candidate, ACLED, GTD.
//!
//! The layout is detected from the header. Records stream one at a time; a record that cannot be
//! read becomes a [`BadRow`] with its line number, column and offending text, so callers can
//! count and list them (never silently drop them) or stop at the first in strict mode.

use std::collections::HashMap;
use std::io::Read;

use crate::date::Date;
use crate::event::{priogrid_cell, Event, Source};

/// A record that could not be turned into an [`Event`].
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct BadRow {
    /// Physical line where the record starts (1-based; the header is line 1).
    pub line: u64,
    /// Column name at fault, when one is.
    pub column: Option<String>,
    /// The offending text (a field, or the start of the record).
    pub text: String,
    /// What is wrong and what was expected.
    pub message: String,
}

impl std::fmt::Display for BadRow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}", self.line)?;
        if let Some(column) = &self.column {
            write!(f, ", column `{column}`")?;
        }
        // Messages usually quote the offending text already; say it once.
        if self.message.contains(&format!("`{}`", self.text)) {
            write!(f, ": {}", self.message)
        } else {
            write!(f, ": {} (found `{}`)", self.message, self.text)
        }
    }
}

/// Errors that stop reading altogether.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReadError {
    /// The header names no layout this crate knows.
    #[error("unrecognised header: {hint}")]
    UnknownLayout {
        /// Which columns were looked for.
        hint: String,
    },
    /// The CSV itself is broken (unterminated quote, invalid UTF-8, I/O failure).
    #[error("line {line}: {message}")]
    Csv {
        /// Line of the failure, 0 when unknown.
        line: u64,
        /// The underlying message.
        message: String,
    },
    /// Strict mode met a bad row.
    #[error("{0} (strict mode stops at the first bad row)")]
    Strict(BadRow),
}

/// Everything read from one input: the good events and every bad row, in order.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct ReadReport {
    /// Events that parsed.
    pub events: Vec<Event>,
    /// Records that did not, with reasons.
    pub bad_rows: Vec<BadRow>,
    /// Records kept as given but with a data-quality warning (e.g. low > best deaths).
    pub warnings: Vec<BadRow>,
}

/// Column positions for one recognised layout.
#[derive(Debug, Clone)]
struct Layout {
    source: Source,
    columns: HashMap<&'static str, usize>,
    width: usize,
}

/// A streaming reader over one CSV input; iterate it for `Result<Event, BadRow>`.
pub struct EventReader<R: Read> {
    records: csv::StringRecordsIntoIter<R>,
    layout: Layout,
    header: Vec<String>,
    warnings: Vec<BadRow>,
}

impl<R: Read> std::fmt::Debug for EventReader<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EventReader")
            .field("source", &self.layout.source)
            .finish_non_exhaustive()
    }
}

/// Finds the first header name (of several aliases) present.
fn find(header: &HashMap<String, usize>, names: &[&str]) -> Option<usize> {
    names.iter().find_map(|name| header.get(*name).copied())
}

impl<R: Read> EventReader<R> {
    /// Reads the header and detects the layout. Fails on an unknown header or broken CSV.
    pub fn new(input: R) -> Result<Self, ReadError> {
        let mut reader = csv::ReaderBuilder::new()
            // UCDP's export ends every row with an empty field the header lacks; width is checked
            // per record below instead, so a short or long row is reported, not fatal.
            .flexible(true)
            .from_reader(input);
        let header = reader.headers().map_err(csv_error)?.clone();
        let by_name: HashMap<String, usize> = header
            .iter()
            .enumerate()
            .map(|(i, name)| {
                (
                    name.trim()
                        .trim_start_matches('\u{feff}')
                        .to_ascii_lowercase(),
                    i,
                )
            })
            .collect();
        let layout = detect(&by_name, header.len())?;
        Ok(EventReader {
            records: reader.into_records(),
            layout,
            header: header.iter().map(str::to_string).collect(),
            warnings: Vec::new(),
        })
    }

    /// Column names as they appear in the header.
    pub fn header(&self) -> &[String] {
        &self.header
    }

    /// Like the iterator, but also hands back the record's raw fields (trimmed to the header's
    /// width when the extra field is UCDP's trailing empty one), so a caller can copy rows
    /// verbatim into an extract. `None` at the end of the input.
    pub fn next_with_fields(&mut self) -> Option<(Vec<String>, Result<Event, RowOrFatal>)> {
        let record = match self.records.next()? {
            Ok(record) => record,
            Err(err) => return Some((Vec::new(), Err(record_error(err)))),
        };
        let mut fields: Vec<String> = record.iter().map(str::to_string).collect();
        if fields.len() == self.layout.width + 1 && fields.last().is_some_and(String::is_empty) {
            fields.pop();
        }
        let item = self.read_record(&record);
        Some((fields, item))
    }

    /// Rows read so far that were kept but carry a data-quality warning.
    pub fn warnings(&self) -> &[BadRow] {
        &self.warnings
    }

    fn read_record(&mut self, record: &csv::StringRecord) -> Result<Event, RowOrFatal> {
        let (event, warning) = self.layout.event(record).map_err(RowOrFatal::Row)?;
        self.warnings.extend(warning);
        Ok(event)
    }

    /// The dataset the header was recognised as.
    pub fn source(&self) -> Source {
        self.layout.source
    }

    /// Reads everything: lenient mode (`strict == false`) collects bad rows, strict mode fails on
    /// the first. Broken CSV (an unterminated quote) always fails.
    pub fn read_all(mut self, strict: bool) -> Result<ReadReport, ReadError> {
        let mut report = ReadReport::default();
        for item in self.by_ref() {
            match item {
                Ok(event) => report.events.push(event),
                Err(RowOrFatal::Row(bad)) if !strict => report.bad_rows.push(bad),
                Err(RowOrFatal::Row(bad)) => return Err(ReadError::Strict(bad)),
                Err(RowOrFatal::Fatal(err)) => return Err(err),
            }
        }
        report.warnings = self.warnings;
        Ok(report)
    }
}

/// Reads a whole input (see [`EventReader::read_all`]).
pub fn read_events<R: Read>(input: R, strict: bool) -> Result<ReadReport, ReadError> {
    EventReader::new(input)?.read_all(strict)
}

/// What one step of the reader can yield besides an event.
#[derive(Debug)]
#[non_exhaustive]
pub enum RowOrFatal {
    /// A row that could not be read; reading can go on.
    Row(BadRow),
    /// The input is unreadable from here on.
    Fatal(ReadError),
}

impl<R: Read> Iterator for EventReader<R> {
    type Item = Result<Event, RowOrFatal>;

    fn next(&mut self) -> Option<Self::Item> {
        let record = match self.records.next()? {
            Ok(record) => record,
            Err(err) => return Some(Err(record_error(err))),
        };
        Some(self.read_record(&record))
    }
}

/// csv errors about UTF-8 are per record (reading can go on); others end the stream.
fn record_error(err: csv::Error) -> RowOrFatal {
    let line = err.position().map_or(0, |p| p.line());
    match err.kind() {
        csv::ErrorKind::Utf8 { .. } => RowOrFatal::Row(BadRow {
            line,
            column: None,
            text: String::new(),
            message: "record is not valid UTF-8".into(),
        }),
        _ => RowOrFatal::Fatal(csv_error(err)),
    }
}

fn csv_error(err: csv::Error) -> ReadError {
    ReadError::Csv {
        line: err.position().map_or(0, |p| p.line()),
        message: err.to_string(),
    }
}

fn detect(header: &HashMap<String, usize>, width: usize) -> Result<Layout, ReadError> {
    let mut columns = HashMap::new();
    let mut take = |key: &'static str, names: &[&str]| {
        if let Some(i) = find(header, names) {
            columns.insert(key, i);
        }
    };
    let source = if header.contains_key("side_a") && header.contains_key("date_start") {
        take("id", &["id"]);
        take("date_start", &["date_start"]);
        take("date_end", &["date_end"]);
        take("date_prec", &["date_prec"]);
        take("where_prec", &["where_prec"]);
        take("type_of_violence", &["type_of_violence"]);
        take("country", &["country"]);
        take("conflict_name", &["conflict_name"]);
        take("dyad_name", &["dyad_name"]);
        take("side_a", &["side_a"]);
        take("side_b", &["side_b"]);
        take("best", &["best", "best_est"]);
        take("low", &["low", "low_est"]);
        take("high", &["high", "high_est"]);
        take("latitude", &["latitude"]);
        take("longitude", &["longitude"]);
        take("priogrid_gid", &["priogrid_gid"]);
        Source::UcdpGed
    } else if header.contains_key("event_date") && header.contains_key("actor1") {
        take("id", &["event_id_cnty", "data_id"]);
        take("date_start", &["event_date"]);
        take("date_prec", &["time_precision"]);
        take("where_prec", &["geo_precision"]);
        take("country", &["country"]);
        take("conflict_name", &["event_type"]);
        take("side_a", &["actor1"]);
        take("side_b", &["actor2"]);
        take("best", &["fatalities"]);
        take("latitude", &["latitude"]);
        take("longitude", &["longitude"]);
        Source::Acled
    } else if header.contains_key("iyear") && header.contains_key("gname") {
        take("id", &["eventid"]);
        take("iyear", &["iyear"]);
        take("imonth", &["imonth"]);
        take("iday", &["iday"]);
        take("where_prec", &["specificity"]);
        take("country", &["country_txt"]);
        take("conflict_name", &["attacktype1_txt"]);
        take("side_a", &["gname"]);
        take("side_b", &["targtype1_txt"]);
        take("best", &["nkill"]);
        take("latitude", &["latitude"]);
        take("longitude", &["longitude"]);
        Source::Gtd
    } else {
        return Err(ReadError::UnknownLayout {
            hint: "expected UCDP GED/Candidate (side_a, date_start), ACLED (event_date, actor1) \
                   or GTD (iyear, gname) columns"
                .into(),
        });
    };
    let required: &[&str] = match source {
        Source::UcdpGed => &["id", "date_start", "side_a", "side_b", "best"],
        Source::Acled => &["id", "date_start", "side_a", "side_b", "best"],
        Source::Gtd => &["id", "iyear", "imonth", "iday", "side_a", "best"],
    };
    let missing: Vec<&str> = required
        .iter()
        .copied()
        .filter(|key| !columns.contains_key(key))
        .collect();
    if !missing.is_empty() {
        return Err(ReadError::UnknownLayout {
            hint: format!("{source:?} header lacks {}", missing.join(", ")),
        });
    }
    Ok(Layout {
        source,
        columns,
        width,
    })
}

impl Layout {
    fn event(&self, record: &csv::StringRecord) -> Result<(Event, Option<BadRow>), BadRow> {
        let line = record.position().map_or(0, |p| p.line());
        let bad = |column: Option<&str>, text: &str, message: String| BadRow {
            line,
            column: column.map(str::to_string),
            text: text.chars().take(120).collect(),
            message,
        };
        // A row may carry one extra trailing field if it is empty (UCDP's export does this on every
        // row); any other width means columns have shifted and nothing in the row can be trusted.
        let width_ok = record.len() == self.width
            || (record.len() == self.width + 1 && record.get(self.width) == Some(""));
        if !width_ok {
            let start: Vec<&str> = record.iter().take(4).collect();
            return Err(bad(
                None,
                &start.join(","),
                format!(
                    "record has {} fields, header has {}",
                    record.len(),
                    self.width
                ),
            ));
        }
        let get = |key: &str| -> &str {
            self.columns
                .get(key)
                .and_then(|&i| record.get(i))
                .unwrap_or("")
        };
        let text = |key: &str| get(key).trim().to_string();
        let small_code = |key: &'static str| -> Result<Option<u8>, BadRow> {
            let raw = get(key).trim();
            if raw.is_empty() {
                return Ok(None);
            }
            raw.parse::<u8>()
                .map(Some)
                .map_err(|_| bad(Some(key), raw, "expected a small integer code".into()))
        };
        let deaths = |key: &'static str, fallback: Option<u32>| -> Result<u32, BadRow> {
            let raw = get(key).trim();
            if raw.is_empty() {
                // GTD leaves nkill empty when unknown and ACLED/GED always fill it; a missing
                // low/high column falls back to the best estimate.
                return fallback.ok_or_else(|| bad(Some(key), raw, "missing death count".into()));
            }
            let value: f64 = raw
                .parse()
                .map_err(|_| bad(Some(key), raw, "expected a death count".into()))?;
            if value < 0.0 || value.fract() != 0.0 || value > f64::from(u32::MAX) {
                return Err(bad(
                    Some(key),
                    raw,
                    "expected a whole, non-negative count".into(),
                ));
            }
            Ok(value as u32)
        };
        let coordinate = |key: &'static str| -> Result<Option<f64>, BadRow> {
            let raw = get(key).trim();
            if raw.is_empty() {
                return Ok(None);
            }
            raw.parse::<f64>()
                .map(Some)
                .map_err(|_| bad(Some(key), raw, "expected a coordinate in degrees".into()))
        };

        let (date_start, date_end, date_prec) = match self.source {
            Source::Gtd => self.gtd_date(record, line)?,
            _ => {
                let start_raw = get("date_start");
                let start = Date::parse(start_raw)
                    .map_err(|msg| bad(Some("date_start"), start_raw, msg))?;
                let end_raw = get("date_end");
                let end = if end_raw.trim().is_empty() {
                    start
                } else {
                    Date::parse(end_raw).map_err(|msg| bad(Some("date_end"), end_raw, msg))?
                };
                if end < start {
                    return Err(bad(
                        Some("date_end"),
                        end_raw,
                        format!("event ends before it starts ({start})"),
                    ));
                }
                (start, end, small_code("date_prec")?)
            }
        };
        let deaths_best = match self.source {
            Source::Gtd => deaths("best", Some(0))?,
            _ => deaths("best", None)?,
        };
        let deaths_low = deaths("low", Some(deaths_best))?;
        let deaths_high = deaths("high", Some(deaths_best))?;
        // UCDP's best estimate is the sum of the per-party counts; its low and high estimates are
        // occasionally out of order (200 of 5,834 rows in the Pakistan export). The event is real,
        // so it is kept as given, with a warning, rather than dropped.
        let warning = (deaths_low > deaths_best || deaths_best > deaths_high).then(|| {
            bad(
                Some("low/high"),
                &format!("low {deaths_low}, best {deaths_best}, high {deaths_high}"),
                "death estimates out of order (kept as given; expected low <= best <= high)".into(),
            )
        });
        let latitude = coordinate("latitude")?;
        let longitude = coordinate("longitude")?;
        let priogrid_gid = match get("priogrid_gid").trim() {
            "" => latitude
                .zip(longitude)
                .and_then(|(la, lo)| priogrid_cell(la, lo)),
            raw => Some(raw.parse::<u32>().map_err(|_| {
                bad(
                    Some("priogrid_gid"),
                    raw,
                    "expected a PRIO-GRID cell id".into(),
                )
            })?),
        };
        let side_a = text("side_a");
        let side_b = text("side_b");
        let dyad_name = match text("dyad_name") {
            name if !name.is_empty() => name,
            _ if side_b.is_empty() => side_a.clone(),
            _ => format!("{side_a} - {side_b}"),
        };
        let event = Event {
            id: text("id"),
            line,
            date_start,
            date_end,
            date_prec,
            where_prec: small_code("where_prec")?,
            type_of_violence: small_code("type_of_violence")?,
            country: text("country"),
            conflict_name: text("conflict_name"),
            dyad_name,
            side_a,
            side_b,
            deaths_best,
            deaths_low,
            deaths_high,
            latitude,
            longitude,
            priogrid_gid,
            source: self.source,
        };
        Ok((event, warning))
    }

    /// GTD spells dates as three integer columns, with 0 for an unknown day or month; those map
    /// to the first day of the period and UCDP's month (4) or year (5) precision codes.
    fn gtd_date(
        &self,
        record: &csv::StringRecord,
        line: u64,
    ) -> Result<(Date, Date, Option<u8>), BadRow> {
        let field = |key: &'static str| -> Result<i64, BadRow> {
            let raw = self
                .columns
                .get(key)
                .and_then(|&i| record.get(i))
                .unwrap_or("")
                .trim();
            raw.parse::<i64>().map_err(|_| BadRow {
                line,
                column: Some(key.into()),
                text: raw.into(),
                message: "expected an integer date part".into(),
            })
        };
        let (year, month, day) = (field("iyear")?, field("imonth")?, field("iday")?);
        let precision = if month == 0 {
            5
        } else if day == 0 {
            4
        } else {
            1
        };
        let date =
            Date::new(year as i32, month.max(1) as u32, day.max(1) as u32).ok_or_else(|| {
                BadRow {
                    line,
                    column: Some("iday".into()),
                    text: format!("{year}-{month}-{day}"),
                    message: "not a day of the calendar".into(),
                }
            })?;
        Ok((date, date, Some(precision)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXPORT: &str = "id,date_start,date_end,side_a,side_b,country,best_est,high_est,low_est\n\
        1,06/15/2014 00:00:00,06/15/2014 00:00:00,Government of Pakistan,TTP ,Pakistan,3,5,2,\n\
        2,2014-06-16,2014-06-17,TTP,Civilians,Pakistan,1,1,1,\n";

    #[test]
    fn reads_the_country_export_layout_with_trailing_fields_and_spaces() {
        let report = read_events(EXPORT.as_bytes(), true).unwrap();
        assert!(report.bad_rows.is_empty());
        assert_eq!(report.events.len(), 2);
        let first = &report.events[0];
        assert_eq!(first.side_b, "TTP", "trailing space trimmed");
        assert_eq!(
            (first.deaths_low, first.deaths_best, first.deaths_high),
            (2, 3, 5)
        );
        assert_eq!(first.line, 2);
        assert_eq!(report.events[1].date_end, Date::new(2014, 6, 17).unwrap());
    }

    #[test]
    fn bad_rows_are_counted_with_their_lines_and_strict_mode_stops() {
        let input = format!("{EXPORT}3,2014-13-01,,TTP,X,Pakistan,1,1,1,\n4,2014-01-01,,TTP,X\n");
        let report = read_events(input.as_bytes(), false).unwrap();
        assert_eq!(report.events.len(), 2);
        assert_eq!(report.bad_rows.len(), 2);
        assert_eq!(report.bad_rows[0].line, 4);
        assert_eq!(report.bad_rows[0].column.as_deref(), Some("date_start"));
        assert_eq!(report.bad_rows[1].line, 5);
        let err = read_events(input.as_bytes(), true).unwrap_err();
        assert!(err.to_string().contains("line 4"), "{err}");
    }

    #[test]
    fn unknown_headers_are_refused_with_a_hint() {
        let err = read_events("a,b\n1,2\n".as_bytes(), false).unwrap_err();
        assert!(err.to_string().contains("side_a"), "{err}");
    }
}
