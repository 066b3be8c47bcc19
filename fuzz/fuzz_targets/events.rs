//! Fuzzes the event-data reader (UCDP GED, ACLED and GTD layouts, told apart by the header): no
//! input may panic or hang, and every bad row is reported with its line.
#![no_main]

use blowback_events::read_events;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let strict = data.first().is_some_and(|b| b % 2 == 1);
    if let Ok(report) = read_events(data, strict) {
        for bad in &report.bad_rows {
            assert!(bad.line > 0, "a bad row without a line number");
        }
    }
});
