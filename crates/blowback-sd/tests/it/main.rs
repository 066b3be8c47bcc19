//! Integration tests of `blowback-sd`, in one binary to save link time.

mod conformance;
mod diagnostics;
mod loops;
mod mdl;
mod properties;
mod semantics;
mod vensim;

use blowback_sd::{compile, read_xmile, Overrides, Results};

/// Reads, compiles and runs a model given as XMILE text; panics with the diagnostics on failure.
pub fn run_text(text: &str) -> Results {
    let (project, _) = read_xmile(text).unwrap_or_else(|e| panic!("read: {e}"));
    let (simulation, _) = compile(&project).unwrap_or_else(|e| panic!("compile: {:#?}", e.0));
    simulation
        .run(&Overrides::new())
        .unwrap_or_else(|e| panic!("run: {e}"))
}

/// Wraps variable definitions in a minimal XMILE document.
pub fn model(specs: &str, variables: &str) -> String {
    format!(
        r#"<xmile version="1.0" xmlns="http://docs.oasis-open.org/xmile/ns/XMILE/v1.0">
<header><product>test</product></header>
<sim_specs method="Euler">{specs}</sim_specs>
<model><variables>{variables}</variables></model></xmile>"#
    )
}
