//! Queries over events: a [`Filter`] built from optional criteria, all of which must hold.

use regex::Regex;

use crate::date::Date;
use crate::event::Event;

/// Selection criteria; an empty filter keeps everything. Names are compared after trimming both
/// sides, so UCDP's stray trailing spaces (`"al-Qaida "`) do not matter.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    countries: Vec<String>,
    actors: Vec<String>,
    actor_patterns: Vec<Regex>,
    sides_a: Vec<String>,
    sides_b: Vec<String>,
    dyads: Vec<String>,
    types_of_violence: Vec<u8>,
    since: Option<Date>,
    until: Option<Date>,
    max_date_prec: Option<u8>,
    max_where_prec: Option<u8>,
    min_deaths_best: Option<u32>,
}

fn trimmed(name: &str) -> String {
    name.trim().to_string()
}

impl Filter {
    /// A filter that keeps every event.
    pub fn new() -> Filter {
        Filter::default()
    }

    /// Keeps events in this country (several calls: any of them).
    pub fn country(mut self, name: &str) -> Filter {
        self.countries.push(trimmed(name));
        self
    }

    /// Keeps events where either side is exactly `name` (several calls: any of them).
    pub fn actor(mut self, name: &str) -> Filter {
        self.actors.push(trimmed(name));
        self
    }

    /// Keeps events where either side matches the regular expression (several calls: any).
    /// Fails on an invalid pattern, with the regex crate's located message.
    pub fn actor_regex(mut self, pattern: &str) -> Result<Filter, regex::Error> {
        self.actor_patterns.push(Regex::new(pattern)?);
        Ok(self)
    }

    /// Keeps events whose side A is exactly `name`.
    pub fn side_a(mut self, name: &str) -> Filter {
        self.sides_a.push(trimmed(name));
        self
    }

    /// Keeps events whose side B is exactly `name`.
    pub fn side_b(mut self, name: &str) -> Filter {
        self.sides_b.push(trimmed(name));
        self
    }

    /// Keeps events of this dyad (UCDP `dyad_name`, e.g. `Government of Pakistan - TTP`).
    pub fn dyad(mut self, name: &str) -> Filter {
        self.dyads.push(trimmed(name));
        self
    }

    /// Keeps events of this UCDP type of violence (1 state-based, 2 non-state, 3 one-sided).
    pub fn type_of_violence(mut self, code: u8) -> Filter {
        self.types_of_violence.push(code);
        self
    }

    /// Keeps events starting on or after this day.
    pub fn since(mut self, date: Date) -> Filter {
        self.since = Some(date);
        self
    }

    /// Keeps events starting on or before this day.
    pub fn until(mut self, date: Date) -> Filter {
        self.until = Some(date);
        self
    }

    /// Keeps events whose date precision code is at most this (1 = exact day).
    pub fn max_date_prec(mut self, code: u8) -> Filter {
        self.max_date_prec = Some(code);
        self
    }

    /// Keeps events whose location precision code is at most this (1 = exact place).
    pub fn max_where_prec(mut self, code: u8) -> Filter {
        self.max_where_prec = Some(code);
        self
    }

    /// Keeps events with at least this many deaths (best estimate).
    pub fn min_deaths(mut self, deaths: u32) -> Filter {
        self.min_deaths_best = Some(deaths);
        self
    }

    /// True when the event meets every criterion that was set. A missing precision code fails a
    /// precision criterion, because the point of such a criterion is to keep only known precision.
    pub fn matches(&self, event: &Event) -> bool {
        let any_or_empty =
            |list: &[String], value: &str| list.is_empty() || list.iter().any(|n| n == value);
        let actor_ok = (self.actors.is_empty() && self.actor_patterns.is_empty())
            || self.actors.iter().any(|name| event.involves(name))
            || self
                .actor_patterns
                .iter()
                .any(|re| re.is_match(&event.side_a) || re.is_match(&event.side_b));
        actor_ok
            && any_or_empty(&self.countries, &event.country)
            && any_or_empty(&self.sides_a, &event.side_a)
            && any_or_empty(&self.sides_b, &event.side_b)
            && any_or_empty(&self.dyads, &event.dyad_name)
            && (self.types_of_violence.is_empty()
                || event
                    .type_of_violence
                    .is_some_and(|t| self.types_of_violence.contains(&t)))
            && self.since.is_none_or(|d| event.date_start >= d)
            && self.until.is_none_or(|d| event.date_start <= d)
            && self
                .max_date_prec
                .is_none_or(|max| event.date_prec.is_some_and(|p| p <= max))
            && self
                .max_where_prec
                .is_none_or(|max| event.where_prec.is_some_and(|p| p <= max))
            && self
                .min_deaths_best
                .is_none_or(|min| event.deaths_best >= min)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read::read_events;

    const CSV: &str = "id,date_start,date_end,side_a,side_b,country,type_of_violence,date_prec,where_prec,best,high,low\n\
        1,2014-06-15,,Government of Pakistan,TTP ,Pakistan,1,1,2,3,3,3\n\
        2,2014-06-20,,TTP,Civilians,Pakistan,3,4,1,0,0,0\n\
        3,2015-01-01,,Government of United States of America,al-Qaida ,Pakistan,1,1,1,5,5,5\n";

    fn ids(filter: &Filter) -> Vec<String> {
        let report = read_events(CSV.as_bytes(), true).unwrap();
        report
            .events
            .iter()
            .filter(|e| filter.matches(e))
            .map(|e| e.id.clone())
            .collect()
    }

    #[test]
    fn criteria_combine_with_and_and_repeat_with_or() {
        assert_eq!(ids(&Filter::new()), ["1", "2", "3"]);
        assert_eq!(ids(&Filter::new().actor(" TTP")), ["1", "2"]);
        assert_eq!(
            ids(&Filter::new().actor("al-Qaida")),
            ["3"],
            "trailing space in data"
        );
        assert_eq!(
            ids(&Filter::new().actor_regex("^Government").unwrap()),
            ["1", "3"]
        );
        assert!(Filter::new().actor_regex("(").is_err());
        assert_eq!(ids(&Filter::new().actor("TTP").type_of_violence(3)), ["2"]);
        assert_eq!(ids(&Filter::new().actor("TTP").max_date_prec(1)), ["1"]);
        assert_eq!(ids(&Filter::new().max_where_prec(1)), ["2", "3"]);
        assert_eq!(ids(&Filter::new().min_deaths(1)), ["1", "3"]);
        let june = Filter::new()
            .since(Date::new(2014, 6, 16).unwrap())
            .until(Date::new(2014, 12, 31).unwrap());
        assert_eq!(ids(&june), ["2"]);
        assert_eq!(
            ids(&Filter::new().dyad("Government of Pakistan - TTP")),
            ["1"]
        );
        assert_eq!(
            ids(&Filter::new().side_b("Civilians").country("Pakistan")),
            ["2"]
        );
    }
}
