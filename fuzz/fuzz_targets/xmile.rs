//! Fuzzes the XMILE reader and the compiler: no input may panic or hang.
#![no_main]

use blowback_sd::{compile, read_xmile, Overrides};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok((mut project, _)) = read_xmile(text) {
        // Keep runs short: the fuzzer looks for crashes, not long simulations.
        project.sim_specs.stop = project.sim_specs.start + 10.0 * project.sim_specs.dt;
        if let Ok((simulation, _)) = compile(&project) {
            let _ = simulation.run(&Overrides::new());
        }
    }
});
