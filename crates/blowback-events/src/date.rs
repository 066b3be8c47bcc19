//! Calendar dates without a time-zone library: parsing the spellings event datasets use and
//! converting to day numbers, which is all that panels and point processes need.

use std::fmt;

/// A proleptic Gregorian calendar day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub struct Date {
    /// Calendar year, e.g. 2014.
    pub year: i32,
    /// Month, 1..=12.
    pub month: u32,
    /// Day of month, 1..=31.
    pub day: u32,
}

impl Date {
    /// Builds a date, or `None` when the day does not exist (30 February, month 13).
    pub fn new(year: i32, month: u32, day: u32) -> Option<Date> {
        if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
            return None;
        }
        Some(Date { year, month, day })
    }

    /// Days since 1970-01-01 (negative before it). Uses the civil-from-days algorithm so that
    /// differences of day numbers are exact day counts across leap years.
    pub fn days_since_epoch(self) -> i64 {
        let y = i64::from(self.year) - i64::from(self.month <= 2);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let m = i64::from(self.month);
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// The inverse of [`Date::days_since_epoch`].
    pub fn from_days_since_epoch(days: i64) -> Date {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
        Date { year, month, day }
    }

    /// Day of the week, 0 = Monday .. 6 = Sunday (ISO numbering minus one).
    pub fn weekday(self) -> u32 {
        // 1970-01-01 was a Thursday (index 3).
        (self.days_since_epoch() + 3).rem_euclid(7) as u32
    }

    /// Parses the date spellings found in UCDP, ACLED and GTD exports: `YYYY-MM-DD`,
    /// `MM/DD/YYYY`, either followed by a time of day (`2014-06-15 00:00:00.000`,
    /// `06/15/2014 00:00:00`, `2014-06-15T00:00:00`), and ACLED's `15 June 2014`. The time of day
    /// is ignored: every dataset here is day-resolved.
    pub fn parse(text: &str) -> Result<Date, String> {
        let text = text.trim();
        let date_part = text.split([' ', 'T']).next().unwrap_or("");
        let numbers = |parts: Vec<&str>| -> Option<Vec<i64>> {
            parts.iter().map(|p| p.trim().parse::<i64>().ok()).collect()
        };
        let parsed = if date_part.contains('-') {
            numbers(date_part.split('-').collect()).and_then(|n| match n.as_slice() {
                [y, m, d] => Some((*y, *m, *d)),
                _ => None,
            })
        } else if date_part.contains('/') {
            numbers(date_part.split('/').collect()).and_then(|n| match n.as_slice() {
                [m, d, y] => Some((*y, *m, *d)),
                _ => None,
            })
        } else {
            parse_day_month_name_year(text)
        };
        let (y, m, d) = parsed.ok_or_else(|| {
            format!("`{text}` is not a date (expected YYYY-MM-DD, MM/DD/YYYY or `15 June 2014`)")
        })?;
        let (Ok(y), Ok(m), Ok(d)) = (i32::try_from(y), u32::try_from(m), u32::try_from(d)) else {
            return Err(format!("`{text}` has an out-of-range component"));
        };
        Date::new(y, m, d).ok_or_else(|| format!("`{text}` is not a day of the calendar"))
    }
}

fn parse_day_month_name_year(text: &str) -> Option<(i64, i64, i64)> {
    const MONTHS: [&str; 12] = [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ];
    let mut words = text.split_whitespace();
    let day = words.next()?.parse().ok()?;
    let month_word = words.next()?.to_ascii_lowercase();
    let month = MONTHS
        .iter()
        .position(|m| m.starts_with(&month_word) && month_word.len() >= 3)?;
    let year = words.next()?.parse().ok()?;
    words
        .next()
        .is_none()
        .then_some((year, month as i64 + 1, day))
}

/// Number of days in `month` of `year`.
pub fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => 0,
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl std::str::FromStr for Date {
    type Err = String;
    fn from_str(text: &str) -> Result<Date, String> {
        Date::parse(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn day_numbers_round_trip_across_leap_years() {
        for days in -800_000..800_000 {
            if days % 97 != 0 {
                continue;
            }
            let date = Date::from_days_since_epoch(days);
            assert_eq!(date.days_since_epoch(), days, "{date}");
        }
        assert_eq!(Date::new(1970, 1, 1).unwrap().days_since_epoch(), 0);
        assert_eq!(Date::new(2000, 3, 1).unwrap().days_since_epoch(), 11_017);
        assert_eq!(Date::new(2014, 6, 15).unwrap().weekday(), 6); // a Sunday
    }

    #[test]
    fn parses_every_spelling_the_datasets_use() {
        let want = Date::new(2014, 6, 15).unwrap();
        for text in [
            "2014-06-15",
            "06/15/2014",
            "6/15/2014 00:00:00",
            "2014-06-15 00:00:00.000",
            "2014-06-15T12:00:00Z",
            "15 June 2014",
            " 15 Jun 2014 ",
        ] {
            assert_eq!(Date::parse(text), Ok(want), "{text}");
        }
        assert!(Date::parse("2014-02-30").is_err());
        assert!(
            Date::parse("15/06/2014").is_err(),
            "day-first is not a UCDP spelling"
        );
        assert!(Date::parse("yesterday").is_err());
    }
}
