//! `blowback-events`: conflict event data and self-exciting point processes.
//!
//! This crate owns three things, all free of file I/O (callers pass any [`std::io::Read`]):
//! - **readers** for UCDP GED (full release and per-country export layouts; UCDP Candidate uses
//!   the same columns), ACLED exports and the GTD, streaming, with every unreadable row reported
//!   by line ([`read_events`], [`EventReader`], [`BadRow`]);
//! - **queries**: a [`Filter`] (country, actor exact or regex, side, dyad, type of violence,
//!   dates, precision codes, deaths) and zero-filled [`panel`]s by day, week, month or year;
//! - **Hawkes processes** with exponential kernels ([`hawkes`]): exact likelihood by recursion,
//!   maximum-likelihood fits with standard errors, branching ratio, AIC against Poisson,
//!   piecewise-constant backgrounds with likelihood-ratio tests, time-rescaling KS checks, and
//!   seeded simulation by thinning and by branching.
//!
//! ```
//! use blowback_events::{read_events, panel, Filter, Period};
//!
//! let csv = "id,date_start,date_end,side_a,side_b,country,best_est,high_est,low_est\n\
//!            1,06/15/2014 00:00:00,06/15/2014 00:00:00,Government of Pakistan,TTP ,Pakistan,3,5,2,\n";
//! let report = read_events(csv.as_bytes(), true).unwrap();
//! let ttp = Filter::new().actor("TTP");
//! let rows = panel(report.events.iter().filter(|e| ttp.matches(e)), Period::Year, None, None);
//! assert_eq!((rows[0].label.as_str(), rows[0].counts.deaths_best), ("2014", 3));
//! ```

mod date;
mod event;
mod extract;
mod filter;
pub mod hawkes;
mod panel;
mod read;

pub use date::Date;
pub use event::{priogrid_cell, Event, Source};
pub use extract::{write_extract, ExtractError, ExtractReport};
pub use filter::Filter;
pub use panel::{by_priogrid_cell, panel, Counts, PanelRow, Period};
pub use read::{read_events, BadRow, EventReader, ReadError, ReadReport, RowOrFatal};
