//! Raising the package's exception classes, which live in Python (`blowback/_errors.py`) so they
//! can derive from both `BlowbackError` and the built-in class a Python user expects
//! (`ValueError`, `KeyError`).

use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use pyo3::types::PyType;

/// An exception of class `name` from `blowback._errors` carrying `message`.
pub fn raise(py: Python<'_>, name: &str, message: impl Into<String>) -> PyErr {
    let message = message.into();
    let class = py
        .import("blowback._errors")
        .and_then(|module| module.getattr(name))
        .and_then(|class| class.cast_into::<PyType>().map_err(PyErr::from));
    match class {
        Ok(class) => PyErr::from_type(class, message),
        // Only when the package is broken (the native module imported on its own).
        Err(_) => PyRuntimeError::new_err(message),
    }
}
