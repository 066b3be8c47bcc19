//! Fuzzes the conflict readers (TOML and JSON, by the first byte): no input may panic or hang;
//! a conflict that reads and is small enough is built and analysed under every concept that
//! needs no horizon, which must not panic either.
#![no_main]

use blowback_conflict::{analyze, read_json, read_toml, Concept, Conflict, Game};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&which, rest)) = data.split_first() else { return };
    let Ok(text) = std::str::from_utf8(rest) else { return };
    let spec = if which % 2 == 0 { read_toml(text) } else { read_json(text) };
    let Ok(spec) = spec else { return };
    // Keep each input fast: the state space is exponential in the options by design (the reader
    // itself caps them at MAX_OPTIONS, which a test covers).
    if spec.options.len() > 10 {
        return;
    }
    let Ok(conflict) = Conflict::build(&spec) else { return };
    let game = Game::individual(&conflict);
    let concepts = [Concept::Nash, Concept::Gmr, Concept::Smr, Concept::Seq, Concept::Sim];
    let _ = analyze(&game, &concepts);
});
