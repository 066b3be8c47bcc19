//! Panels: event and death counts per calendar period, with every period in the range present
//! (zero-filled) so that a quiet month is a row of zeros rather than a gap.

use std::collections::BTreeMap;

use crate::date::{days_in_month, Date};
use crate::event::Event;

/// Calendar period of a panel row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Period {
    /// One calendar day.
    Day,
    /// ISO week, Monday to Sunday, labelled by its Monday.
    Week,
    /// Calendar month, labelled `YYYY-MM`.
    Month,
    /// Calendar year, labelled `YYYY`.
    Year,
}

impl Period {
    /// The column name used for the period label (`day`, `week`, `month`, `year`).
    pub fn column_name(self) -> &'static str {
        match self {
            Period::Day => "day",
            Period::Week => "week",
            Period::Month => "month",
            Period::Year => "year",
        }
    }

    /// First day of the period containing `date`.
    pub fn start_of(self, date: Date) -> Date {
        match self {
            Period::Day => date,
            Period::Week => {
                Date::from_days_since_epoch(date.days_since_epoch() - i64::from(date.weekday()))
            }
            Period::Month => Date { day: 1, ..date },
            Period::Year => Date {
                month: 1,
                day: 1,
                ..date
            },
        }
    }

    /// First day of the period after the one starting at `start`.
    pub fn next(self, start: Date) -> Date {
        let plus_days = |n: i64| Date::from_days_since_epoch(start.days_since_epoch() + n);
        match self {
            Period::Day => plus_days(1),
            Period::Week => plus_days(7),
            Period::Month => plus_days(i64::from(days_in_month(start.year, start.month))),
            Period::Year => Date {
                year: start.year + 1,
                month: 1,
                day: 1,
            },
        }
    }

    /// Label of the period starting at `start`.
    pub fn label(self, start: Date) -> String {
        match self {
            Period::Day | Period::Week => start.to_string(),
            Period::Month => format!("{:04}-{:02}", start.year, start.month),
            Period::Year => format!("{:04}", start.year),
        }
    }
}

impl std::str::FromStr for Period {
    type Err = String;
    fn from_str(text: &str) -> Result<Period, String> {
        match text {
            "day" => Ok(Period::Day),
            "week" => Ok(Period::Week),
            "month" => Ok(Period::Month),
            "year" => Ok(Period::Year),
            other => Err(format!(
                "`{other}` is not a period (day, week, month or year)"
            )),
        }
    }
}

/// One row of a panel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
pub struct Counts {
    /// Number of events.
    pub events: u64,
    /// Sum of best death estimates.
    pub deaths_best: u64,
    /// Sum of low death estimates.
    pub deaths_low: u64,
    /// Sum of high death estimates.
    pub deaths_high: u64,
}

impl Counts {
    fn add(&mut self, event: &Event) {
        self.events += 1;
        self.deaths_best += u64::from(event.deaths_best);
        self.deaths_low += u64::from(event.deaths_low);
        self.deaths_high += u64::from(event.deaths_high);
    }
}

/// One period of a panel.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct PanelRow {
    /// Period label (see [`Period::label`]).
    pub label: String,
    /// First day of the period.
    pub start: Date,
    /// Totals for the period.
    pub counts: Counts,
}

/// Counts events by the period of their start date. Every period from the one holding `from`
/// (default: the earliest event) to the one holding `to` (default: the latest) is present, zeros
/// included. No events and no range gives an empty panel.
pub fn panel<'a>(
    events: impl IntoIterator<Item = &'a Event>,
    period: Period,
    from: Option<Date>,
    to: Option<Date>,
) -> Vec<PanelRow> {
    let mut totals: BTreeMap<Date, Counts> = BTreeMap::new();
    for event in events {
        totals
            .entry(period.start_of(event.date_start))
            .or_default()
            .add(event);
    }
    let first = from
        .map(|d| period.start_of(d))
        .or_else(|| totals.keys().next().copied());
    let last = to
        .map(|d| period.start_of(d))
        .or_else(|| totals.keys().next_back().copied());
    let (Some(first), Some(last)) = (first, last) else {
        return Vec::new();
    };
    let mut rows = Vec::new();
    let mut start = first;
    while start <= last {
        rows.push(PanelRow {
            label: period.label(start),
            start,
            counts: totals.get(&start).copied().unwrap_or_default(),
        });
        start = period.next(start);
    }
    rows
}

/// Totals per PRIO-GRID cell (events without a cell are left out and counted in the second value).
pub fn by_priogrid_cell<'a>(
    events: impl IntoIterator<Item = &'a Event>,
) -> (BTreeMap<u32, Counts>, u64) {
    let mut cells: BTreeMap<u32, Counts> = BTreeMap::new();
    let mut without_cell = 0;
    for event in events {
        match event.priogrid_gid {
            Some(cell) => cells.entry(cell).or_default().add(event),
            None => without_cell += 1,
        }
    }
    (cells, without_cell)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> Date {
        Date::new(y, m, d).unwrap()
    }

    #[test]
    fn periods_step_and_label_correctly() {
        assert_eq!(Period::Week.start_of(day(2014, 6, 15)), day(2014, 6, 9));
        assert_eq!(Period::Month.next(day(2012, 2, 1)), day(2012, 3, 1));
        assert_eq!(Period::Year.next(day(2012, 1, 1)), day(2013, 1, 1));
        assert_eq!(Period::Month.label(day(2012, 2, 1)), "2012-02");
        assert!("fortnight".parse::<Period>().is_err());
    }
}
