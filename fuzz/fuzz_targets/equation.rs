//! Fuzzes the equation parser and printer: no input may panic or hang, and whatever parses
//! cleanly prints to text that parses to the same printed form.
#![no_main]

use blowback_sd::equation::{parse, print};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let (expr, errors) = parse(text);
    if let (Some(expr), true) = (expr, errors.is_empty()) {
        let printed = print(&expr);
        let (again, errors) = parse(&printed);
        assert!(errors.is_empty(), "printed form does not parse: {printed}");
        assert_eq!(print(&again.unwrap()), printed);
    }
});
