//! Readers on hand-written fixtures of every layout, on the vendored TTP extract, and on the
//! vendored full UCDP Pakistan export.

use std::path::{Path, PathBuf};

use blowback_events::hawkes::table::{build_sequence, read_time_table, Stamp};
use blowback_events::hawkes::ties::TiePolicy;
use blowback_events::{panel, read_events, write_extract, Date, Filter, Period, Source};

fn crate_path(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(relative)
}

fn read(relative: &str) -> String {
    let path = crate_path(relative);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn day(y: i32, m: u32, d: u32) -> Date {
    Date::new(y, m, d).unwrap()
}

#[test]
fn full_release_layout_with_newlines_in_quotes_and_iso_datetimes() {
    let report = read_events(read("tests/data/ged_full.csv").as_bytes(), true).unwrap();
    assert_eq!(report.events.len(), 2);
    let first = &report.events[0];
    assert_eq!(first.source, Source::UcdpGed);
    assert_eq!(first.side_b, "TTP");
    assert_eq!(
        (first.deaths_low, first.deaths_best, first.deaths_high),
        (10, 12, 15)
    );
    assert_eq!(first.date_start, day(2014, 6, 15));
    assert_eq!(
        first.priogrid_gid,
        Some(177_621),
        "computed from coordinates when blank"
    );
    // The first record spans two physical lines, so the second starts on line 4.
    assert_eq!(report.events[1].line, 4);
    assert_eq!(report.events[1].date_end, day(2014, 7, 31));
    assert_eq!(report.events[1].date_prec, Some(4));
    assert_eq!(report.events[1].priogrid_gid, None);
}

#[test]
fn acled_and_gtd_map_onto_the_common_record() {
    let acled = read_events(read("tests/data/acled.csv").as_bytes(), true).unwrap();
    assert_eq!(acled.events.len(), 2);
    assert_eq!(acled.events[0].source, Source::Acled);
    assert_eq!(acled.events[0].date_start, day(2014, 6, 15));
    assert_eq!(acled.events[0].side_b, "TTP: Tehreek-i-Taliban Pakistan");
    assert_eq!(acled.events[0].deaths_best, 5);
    assert_eq!(
        acled.events[1].dyad_name,
        "Military Forces of United States"
    );

    let gtd = read_events(read("tests/data/gtd.csv").as_bytes(), true).unwrap();
    assert_eq!(gtd.events.len(), 2);
    assert_eq!(gtd.events[0].source, Source::Gtd);
    assert_eq!(gtd.events[0].deaths_best, 36);
    assert_eq!(
        gtd.events[1].date_start,
        day(2014, 6, 1),
        "unknown day -> first of month"
    );
    assert_eq!(gtd.events[1].date_prec, Some(4));
    assert_eq!(
        gtd.events[1].deaths_best, 0,
        "blank nkill is unknown, counted as 0"
    );
}

#[test]
fn every_bad_row_is_listed_with_its_line_and_reason() {
    let text = read("tests/data/bad.csv");
    let report = read_events(text.as_bytes(), false).unwrap();
    assert_eq!(report.events.len(), 2, "rows 1 and 6 are readable");
    let lines: Vec<u64> = report.bad_rows.iter().map(|b| b.line).collect();
    assert_eq!(lines, vec![3, 4, 5, 6]);
    let columns: Vec<Option<&str>> = report
        .bad_rows
        .iter()
        .map(|b| b.column.as_deref())
        .collect();
    assert_eq!(
        columns,
        vec![Some("date_start"), Some("best"), Some("date_end"), None]
    );
    assert!(report.bad_rows[1].text.contains("one"));
    assert_eq!(
        report.warnings.len(),
        1,
        "row 6 has low > best > high but is kept"
    );
    assert_eq!(report.warnings[0].line, 7);
    let strict = read_events(text.as_bytes(), true).unwrap_err();
    assert!(strict.to_string().starts_with("line 3"), "{strict}");
}

#[test]
fn vendored_ttp_extract_reads_cleanly_and_matches_published_yearly_totals() {
    let text = read("../../cases/afpak/data/ucdp/ged_pakistan_ttp_us.csv");
    let report = read_events(text.as_bytes(), true).unwrap();
    assert_eq!(report.events.len(), 4_435);
    let ttp = Filter::new().actor("TTP");
    let rows = panel(
        report.events.iter().filter(|e| ttp.matches(e)),
        Period::Year,
        None,
        None,
    );
    let by_year: Vec<(String, u64, u64)> = rows
        .iter()
        .map(|r| (r.label.clone(), r.counts.events, r.counts.deaths_best))
        .collect();
    // Totals computed independently (Python csv module) from the full UCDP export.
    assert_eq!(by_year[0], ("2007".into(), 81, 643));
    assert_eq!(by_year[3], ("2010".into(), 750, 6_114));
    assert_eq!(by_year[12], ("2019".into(), 56, 174));
    assert_eq!(rows.iter().map(|r| r.counts.events).sum::<u64>(), 4_024);

    let table = read_time_table(text.as_bytes(), "date_start", Some("series"), true).unwrap();
    let start = Stamp::Day(day(2007, 1, 1));
    let end = Stamp::Day(day(2019, 12, 31));
    let labels = vec!["us_strike".to_string(), "ttp".to_string()];
    let windowed =
        build_sequence(&table, start, end, &labels, TiePolicy::Collapse { seed: 1 }).unwrap();
    assert_eq!(windowed.sequence.dims(), 2);
    assert_eq!(windowed.outside_window.len(), 113, "US events of 2001-2006");
    assert_eq!(windowed.sequence.end(), 4_748.0);
}

#[test]
fn monthly_panels_are_zero_filled() {
    let text = read("../../cases/afpak/data/ucdp/ged_pakistan_ttp_us.csv");
    let report = read_events(text.as_bytes(), true).unwrap();
    let us = Filter::new().side_a("Government of United States of America");
    let rows = panel(
        report.events.iter().filter(|e| us.matches(e)),
        Period::Month,
        Some(day(2013, 1, 1)),
        Some(day(2013, 12, 31)),
    );
    assert_eq!(rows.len(), 12);
    assert_eq!(rows.iter().map(|r| r.counts.events).sum::<u64>(), 1);
    assert_eq!(rows.iter().filter(|r| r.counts.events == 0).count(), 11);
}

#[test]
fn extract_round_trips_through_the_reader() {
    let text = read("tests/data/ged_full.csv");
    let mut out = Vec::new();
    let series = vec![("ttp".to_string(), Filter::new().actor("TTP"))];
    let columns: Vec<String> = [
        "id",
        "date_start",
        "side_a",
        "side_b",
        "best",
        "low",
        "high",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let report = write_extract(
        text.as_bytes(),
        &mut out,
        &Filter::new(),
        &series,
        &columns,
        true,
    )
    .unwrap();
    assert_eq!(report.rows_written, 2);
    let again = read_events(out.as_slice(), true).unwrap();
    assert_eq!(again.events.len(), 2);
    assert!(String::from_utf8(out)
        .unwrap()
        .starts_with("id,date_start,side_a,side_b,best,low,high,series\n"));
}

/// The full export is vendored with its CC BY 4.0 attribution (`tests/data/ucdp/README.md`), so this
/// runs on every clone.
#[test]
fn full_ucdp_pakistan_export_has_zero_unexplained_rows() {
    let text = read("tests/data/ucdp/ucdp_ged_pakistan_1989_2019.csv");
    assert_eq!(
        text.lines().count(),
        9_895,
        "physical lines per the data README"
    );
    let report = read_events(text.as_bytes(), true).unwrap();
    assert_eq!(report.events.len(), 5_834);
    assert!(report.bad_rows.is_empty());
    // The only warnings are UCDP's out-of-order low/high estimates; best is always consistent.
    assert_eq!(report.warnings.len(), 200);
    assert!(report
        .warnings
        .iter()
        .all(|w| w.column.as_deref() == Some("low/high")));
    let first = report.events.iter().map(|e| e.date_start).min().unwrap();
    let last = report.events.iter().map(|e| e.date_start).max().unwrap();
    assert_eq!((first, last), (day(2019 - 30, 1, 25), day(2019, 12, 19)));
}
