//! Fuzzes the unit-string parser: no input may panic or hang, and whatever parses prints to text
//! that parses back to the same units.
#![no_main]

use blowback_sd::parse_units;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(units) = parse_units(text) {
        let printed = units.to_string();
        let again = parse_units(&printed)
            .unwrap_or_else(|e| panic!("printed units `{printed}` do not parse: {e}"));
        assert_eq!(again, units, "`{text}` printed as `{printed}`");
    }
});
