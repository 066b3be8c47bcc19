//! Python bindings: the extension module `blowback._native` of the `blowback` wheel.
//!
//! This crate is the Python equivalent of the CLI: it reads files, calls the library crates and
//! hands results over as plain buffers; the Python half of the package (`python/blowback/`)
//! builds the pandas DataFrames and the EMA Workbench model. No simulation logic lives here.

use pyo3::prelude::*;

mod analysis;
mod case;
mod errors;
mod model;
mod render;

/// The native half of the `blowback` package; use `blowback` itself.
#[pymodule]
fn _native(module: &Bound<'_, PyModule>) -> PyResult<()> {
    module.add_function(wrap_pyfunction!(model::load_model, module)?)?;
    module.add_function(wrap_pyfunction!(model::load_model_text, module)?)?;
    module.add_class::<model::NativeModel>()?;
    module.add_function(wrap_pyfunction!(case::load_case, module)?)?;
    module.add_class::<case::NativeCase>()?;
    module.add_function(wrap_pyfunction!(analysis::analyze_conflict, module)?)?;
    module.add_function(wrap_pyfunction!(analysis::fit_hawkes, module)?)?;
    Ok(())
}
