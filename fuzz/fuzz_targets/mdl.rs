//! Fuzzes the Vensim `.mdl` reader, writer and the compiler: no input may panic or hang, every
//! error is located, and whatever reads writes back to a file that reads again (unless the writer
//! warned that it could not say something, such as an equation that does not parse).
#![no_main]

use blowback_sd::{compile, decode_model_text, read_mdl, write_mdl, Overrides};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = decode_model_text(data);
    match read_mdl(&text) {
        Ok((mut project, _)) => {
            let (written, warnings) = write_mdl(&project);
            if let (true, Err(errors)) = (warnings.is_empty(), read_mdl(&written)) {
                panic!("the written model does not read: {errors:?}\n{written}");
            }
            // Keep runs short: the fuzzer looks for crashes, not long simulations.
            project.sim_specs.stop = project.sim_specs.start + 10.0 * project.sim_specs.dt;
            if let Ok((simulation, _)) = compile(&project) {
                let _ = simulation.run(&Overrides::new());
            }
        }
        Err(errors) => {
            for error in errors.0.iter().filter(|d| d.is_error()) {
                assert!(error.span.is_some(), "unlocated: {error}");
            }
        }
    }
});
