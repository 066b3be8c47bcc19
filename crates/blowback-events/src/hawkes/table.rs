//! Marked event times from any CSV: one time column (dates or numbers) and an optional mark
//! column, turned into an [`EventSequence`] on a window, with an explicit tie policy.

use std::collections::BTreeMap;
use std::io::Read;

use crate::date::Date;
use crate::hawkes::model::EventSequence;
use crate::hawkes::ties::{resolve_ties, TiePolicy};
use crate::hawkes::HawkesError;
use crate::read::BadRow;

/// A time stamp as written in the file: a calendar day or a plain number.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, serde::Serialize)]
pub enum Stamp {
    /// A calendar day; sequences measure it in days.
    Day(Date),
    /// A number in the caller's time unit.
    Number(f64),
}

impl Stamp {
    /// Parses a number first, then any date spelling [`Date::parse`] accepts.
    pub fn parse(text: &str) -> Result<Stamp, String> {
        let text = text.trim();
        if let Ok(value) = text.parse::<f64>() {
            if value.is_finite() {
                return Ok(Stamp::Number(value));
            }
        }
        Date::parse(text).map(Stamp::Day)
    }

    /// Days since the epoch for dates, the value itself for numbers.
    pub fn value(self) -> f64 {
        match self {
            Stamp::Day(date) => date.days_since_epoch() as f64,
            Stamp::Number(value) => value,
        }
    }
}

impl std::fmt::Display for Stamp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Stamp::Day(date) => write!(f, "{date}"),
            Stamp::Number(value) => write!(f, "{value}"),
        }
    }
}

/// Rows of a time table: stamps and mark labels, with the input line of each row.
#[derive(Debug, Clone, Default)]
pub struct TimeTable {
    /// `(line, stamp, mark label)` per row, in file order.
    pub rows: Vec<(u64, Stamp, String)>,
    /// Rows left out because their time does not parse (lenient reading only), each with its
    /// line, column and text, as the event readers report theirs.
    pub bad_rows: Vec<BadRow>,
}

impl TimeTable {
    /// Where a window starts when none is given, for a window ending at `end`. Numeric times
    /// observe `[0, end]`, as every Hawkes package the fits are compared with (tick, hawkeslib)
    /// takes them; dates start at the earliest event among the rows whose mark is in `marks`
    /// (every row when `marks` is empty). `None` when no such row exists.
    pub fn default_start(&self, end: Stamp, marks: &[String]) -> Option<Stamp> {
        if let Stamp::Number(_) = end {
            return Some(Stamp::Number(0.0));
        }
        self.rows
            .iter()
            .filter(|(_, _, mark)| marks.is_empty() || marks.contains(mark))
            .map(|(_, stamp, _)| *stamp)
            .min_by(|a, b| a.value().total_cmp(&b.value()))
    }
}

/// Errors reading a time table.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum TableError {
    /// A named column is missing from the header.
    #[error("no column `{column}` in the header (columns: {available})")]
    MissingColumn {
        /// The column asked for.
        column: String,
        /// The columns present.
        available: String,
    },
    /// The CSV itself is broken (invalid UTF-8, an I/O failure).
    #[error("line {line}: {message}")]
    Csv {
        /// Physical line of the failure.
        line: u64,
        /// What went wrong.
        message: String,
    },
    /// Strict reading met a row whose time does not parse.
    #[error("{0} (strict mode stops at the first bad row)")]
    Strict(BadRow),
    /// Dates and numbers are mixed in the time column.
    #[error("the time column mixes dates and numbers (line {line})")]
    MixedStamps {
        /// First line of the other kind.
        line: u64,
    },
}

/// Reads the time (and mark) column of every row. A row whose time does not parse is left out and
/// listed in [`TimeTable::bad_rows`] (never silently lost), or, with `strict`, stops the reading,
/// as [`crate::read_events`] treats bad rows.
pub fn read_time_table<R: Read>(
    input: R,
    time_column: &str,
    mark_column: Option<&str>,
    strict: bool,
) -> Result<TimeTable, TableError> {
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(input);
    let header = reader
        .headers()
        .map_err(|e| TableError::Csv {
            line: 1,
            message: e.to_string(),
        })?
        .clone();
    let find = |name: &str| {
        header
            .iter()
            .position(|h| h.trim() == name)
            .ok_or_else(|| TableError::MissingColumn {
                column: name.into(),
                available: header.iter().collect::<Vec<_>>().join(", "),
            })
    };
    let time_index = find(time_column)?;
    let mark_index = mark_column.map(find).transpose()?;
    let mut table = TimeTable::default();
    let mut first_is_day: Option<bool> = None;
    // One record reused for every row: a fresh allocation per row was most of the read time.
    let mut record = csv::StringRecord::new();
    while reader
        .read_record(&mut record)
        .map_err(|e| TableError::Csv {
            line: e.position().map_or(0, |p| p.line()),
            message: e.to_string(),
        })?
    {
        let line = record.position().map_or(0, |p| p.line());
        let raw = record.get(time_index).unwrap_or("");
        let stamp = match Stamp::parse(raw) {
            Ok(stamp) => stamp,
            Err(message) => {
                let bad = BadRow {
                    line,
                    column: Some(time_column.to_string()),
                    text: raw.to_string(),
                    message,
                };
                if strict {
                    return Err(TableError::Strict(bad));
                }
                table.bad_rows.push(bad);
                continue;
            }
        };
        let is_day = matches!(stamp, Stamp::Day(_));
        if *first_is_day.get_or_insert(is_day) != is_day {
            return Err(TableError::MixedStamps { line });
        }
        let mark = match mark_index {
            Some(i) => record.get(i).unwrap_or("").trim().to_string(),
            None => String::new(),
        };
        table.rows.push((line, stamp, mark));
    }
    Ok(table)
}

/// A sequence built from a table, and what was left out of the window.
#[derive(Debug, Clone)]
pub struct WindowedSequence {
    /// The sequence on `[0, end - start]`.
    pub sequence: EventSequence,
    /// Mark labels in dimension order.
    pub labels: Vec<String>,
    /// Rows before the window start or after its end (listed by line, not silently lost).
    pub outside_window: Vec<u64>,
    /// Rows whose mark is not among the requested labels (left out, listed by line).
    pub other_marks: Vec<u64>,
    /// Events removed by [`TiePolicy::Collapse`].
    pub collapsed: usize,
}

/// Builds a sequence on the window `[start, end]` (times shifted so `start` is 0). For day
/// stamps, an event on the day `end` counts (the window closes at the end of that day, `end + 1`
/// in day numbers), so `end` names the last observed day. `labels` fixes the dimensions and
/// their order (rows with other marks are left out and listed); when empty, the distinct marks
/// in sorted order are used.
pub fn build_sequence(
    table: &TimeTable,
    start: Stamp,
    end: Stamp,
    labels: &[String],
    ties: TiePolicy,
) -> Result<WindowedSequence, HawkesError> {
    let is_day = matches!(end, Stamp::Day(_));
    let kinds_agree = |s: &Stamp| matches!(s, Stamp::Day(_)) == is_day;
    if !kinds_agree(&start) || !table.rows.iter().all(|(_, s, _)| kinds_agree(s)) {
        return Err(HawkesError::InvalidData(
            "window bounds and event times must both be dates or both be numbers".into(),
        ));
    }
    let start_value = start.value();
    let end_value = end.value() + if is_day { 1.0 } else { 0.0 };
    if end_value <= start_value {
        return Err(HawkesError::InvalidData(
            "the window ends before it starts".into(),
        ));
    }
    let labels: Vec<String> = if labels.is_empty() {
        let distinct: BTreeMap<&str, ()> = table
            .rows
            .iter()
            .map(|(_, _, m)| (m.as_str(), ()))
            .collect();
        distinct.keys().map(|m| m.to_string()).collect()
    } else {
        labels.to_vec()
    };
    let mut points = Vec::new();
    let mut outside_window = Vec::new();
    let mut other_marks = Vec::new();
    for (line, stamp, mark) in &table.rows {
        let Some(dim) = labels.iter().position(|l| l == mark) else {
            other_marks.push(*line);
            continue;
        };
        let t = stamp.value() - start_value;
        let outside =
            t < 0.0 || (is_day && stamp.value() >= end_value) || t > end_value - start_value;
        if outside {
            outside_window.push(*line);
            continue;
        }
        points.push((t, dim));
    }
    let before = points.len();
    let resolved = if is_day {
        resolve_ties(&points, ties)
    } else {
        // Numeric times are taken as given; only sort them.
        resolve_ties(&points, TiePolicy::Keep)
    };
    let collapsed = before - resolved.len();
    let (times, marks): (Vec<f64>, Vec<usize>) = resolved.into_iter().unzip();
    let sequence = EventSequence::new(times, marks, labels.len(), end_value - start_value)?;
    Ok(WindowedSequence {
        sequence,
        labels,
        outside_window,
        other_marks,
        collapsed,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numeric_windows_start_at_zero_and_dated_ones_at_the_first_event() {
        let numbers =
            read_time_table("t,m\n5,a\n7.5,b\n".as_bytes(), "t", Some("m"), false).unwrap();
        // The earliest event is at 5, but numeric times observe [0, T].
        assert_eq!(
            numbers.default_start(Stamp::Number(10.0), &[]),
            Some(Stamp::Number(0.0))
        );
        let dates = read_time_table(
            "t,m\n2020-03-01,a\n2020-01-15,b\n2020-02-01,a\n".as_bytes(),
            "t",
            Some("m"),
            false,
        )
        .unwrap();
        let end = Stamp::parse("2020-12-31").unwrap();
        assert_eq!(
            dates.default_start(end, &[]),
            Some(Stamp::parse("2020-01-15").unwrap())
        );
        // Only the marks being fitted count.
        assert_eq!(
            dates.default_start(end, &["a".to_string()]),
            Some(Stamp::parse("2020-02-01").unwrap())
        );
        assert_eq!(dates.default_start(end, &["c".to_string()]), None);
    }

    const CSV: &str = "when,kind\n2014-06-15,a\n06/15/2014 00:00:00,b\n2014-06-20,a\n2014-07-01,a\n2013-12-31,a\n";

    #[test]
    fn windows_include_the_end_day_and_list_what_they_leave_out() {
        let table = read_time_table(CSV.as_bytes(), "when", Some("kind"), false).unwrap();
        let start = Stamp::parse("2014-01-01").unwrap();
        let end = Stamp::parse("2014-07-01").unwrap();
        let labels = vec!["a".to_string()];
        let w = build_sequence(&table, start, end, &labels, TiePolicy::Keep).unwrap();
        assert_eq!(w.sequence.times(), &[165.0, 170.0, 181.0]);
        assert_eq!(
            w.sequence.end(),
            182.0,
            "the window closes at the end of 1 July"
        );
        assert_eq!(w.other_marks, vec![3]);
        assert_eq!(w.outside_window, vec![6]);
        let both =
            build_sequence(&table, start, end, &[], TiePolicy::Collapse { seed: 1 }).unwrap();
        assert_eq!(both.labels, vec!["a", "b"]);
        assert_eq!(
            both.collapsed, 0,
            "same day, different marks: not a tie to collapse"
        );
    }

    #[test]
    fn numeric_times_and_errors() {
        let table = read_time_table("t\n0.5\n2.25\n".as_bytes(), "t", None, false).unwrap();
        let w = build_sequence(
            &table,
            Stamp::Number(0.0),
            Stamp::Number(3.0),
            &[],
            TiePolicy::Keep,
        )
        .unwrap();
        assert_eq!(w.sequence.times(), &[0.5, 2.25]);
        assert!(build_sequence(
            &table,
            Stamp::Number(0.0),
            Stamp::parse("2014-01-01").unwrap(),
            &[],
            TiePolicy::Keep
        )
        .is_err());
        let mixed =
            read_time_table("t\n0.5\n2014-01-01\n".as_bytes(), "t", None, false).unwrap_err();
        assert_eq!(mixed, TableError::MixedStamps { line: 3 });
        let missing = read_time_table("t\n1\n".as_bytes(), "time", None, false).unwrap_err();
        assert!(missing.to_string().contains("no column `time`"));
    }

    /// The same bad row reads the same way here as in the event readers: left out and listed,
    /// or, strictly, the error.
    #[test]
    fn a_bad_time_is_listed_or_in_strict_mode_stops_the_reading() {
        let text = "t\n0.5\nsoon\n2.25\n";
        let table = read_time_table(text.as_bytes(), "t", None, false).unwrap();
        assert_eq!(table.rows.len(), 2);
        assert_eq!(table.bad_rows.len(), 1);
        assert_eq!(table.bad_rows[0].line, 3);
        assert_eq!(table.bad_rows[0].text, "soon");
        let strict = read_time_table(text.as_bytes(), "t", None, true).unwrap_err();
        assert!(
            strict
                .to_string()
                .starts_with("line 3, column `t`: `soon` is not a date"),
            "{strict}"
        );
    }
}
