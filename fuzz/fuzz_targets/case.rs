//! Fuzzes the case readers: a small fixed model with one fuzzed case file (scenarios, tests,
//! claims, calibration, loops, uncertainties or conflict, chosen by the first byte). Loading the
//! case parses every file and checks every name across them; no input may panic or hang, and a
//! rejected file must say where its problem is.
#![no_main]

use blowback::{Case, CaseFiles};
use libfuzzer_sys::fuzz_target;

const MODEL: &str = include_str!("../../crates/blowback-sd/tests/conformance/sd/samples/teacup/teacup.xmile");

fuzz_target!(|data: &[u8]| {
    let Some((&which, rest)) = data.split_first() else { return };
    let Ok(text) = std::str::from_utf8(rest) else { return };
    let mut files = CaseFiles::model_only("model.xmile", MODEL);
    let text = Some(text.to_string());
    match which % 7 {
        0 => files.scenarios = text,
        1 => files.tests = text,
        2 => files.claims = text,
        3 => files.calibration = text,
        4 => files.loops = text,
        5 => files.uncertainties = text,
        _ => files.conflict = text,
    }
    if let Err(error) = Case::load(&files) {
        assert!(!error.to_string().is_empty(), "an error with no message");
    }
});
