//! Conflict analysis (GMCR) and Hawkes fits: thin calls into `blowback-conflict` and
//! `blowback-events`, with their problems raised as located Python exceptions.

use blowback_conflict::{
    default_concepts, expected_document, read_json, read_toml, Concept, Conflict,
};
use blowback_events::hawkes::fit::{fit, FitOptions, Optimizer};
use blowback_events::hawkes::model::EventSequence;
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::errors::raise;
use crate::render;

/// Analyses a conflict given as TOML or JSON text (`name` labels messages; a `.json` name or a
/// text starting with `{` is JSON): the expected-schema document, as JSON text.
#[pyfunction]
#[pyo3(signature = (text, name, concepts=None, horizon=2, coalition=None))]
pub fn analyze_conflict(
    py: Python<'_>,
    text: String,
    name: String,
    concepts: Option<String>,
    horizon: u32,
    coalition: Option<Vec<String>>,
) -> PyResult<String> {
    let error = |e: blowback_conflict::Error| match e {
        blowback_conflict::Error::Invalid(problems) => raise(
            py,
            "ConflictError",
            problems
                .iter()
                .map(|p| render::located(&name, &text, p))
                .collect::<String>()
                .trim_end()
                .to_string(),
        ),
        other => raise(py, "ConflictError", format!("{name}: {other}")),
    };
    let is_json =
        name.ends_with(".json") || (!name.ends_with(".toml") && text.trim_start().starts_with('{'));
    let spec = if is_json {
        read_json(&text)
    } else {
        read_toml(&text)
    }
    .map_err(error)?;
    let conflict = Conflict::build(&spec).map_err(error)?;
    let concepts = match concepts {
        Some(list) => Concept::parse_list(&list, horizon).map_err(error)?,
        None => default_concepts(&conflict),
    };
    let members: Option<Vec<&str>> = coalition
        .as_ref()
        .map(|names| names.iter().map(String::as_str).collect());
    let document = py
        .detach(|| expected_document(&conflict, &concepts, members.as_deref()))
        .map_err(error)?;
    Ok(document.to_string())
}

/// Fits a Hawkes process with an exponential kernel to event times on `[0, end]` (sorted), with
/// marks `0..dims` (one dimension per mark).
#[pyfunction]
#[pyo3(signature = (times, marks, dims, end, change_points=Vec::new(), optimizer="profile"))]
pub fn fit_hawkes<'py>(
    py: Python<'py>,
    times: Vec<f64>,
    marks: Vec<usize>,
    dims: usize,
    end: f64,
    change_points: Vec<f64>,
    optimizer: &str,
) -> PyResult<Bound<'py, PyDict>> {
    let optimizer = match optimizer {
        "profile" => Optimizer::Profile,
        "lbfgs" => Optimizer::Lbfgs,
        "newton" => Optimizer::Newton,
        other => {
            return Err(raise(
                py,
                "ParameterError",
                format!("unknown optimizer `{other}`; use \"profile\", \"lbfgs\" or \"newton\""),
            ))
        }
    };
    let fitted = py.detach(|| {
        let sequence = EventSequence::new(times, marks, dims, end)?;
        fit(
            &sequence,
            &FitOptions {
                change_points,
                optimizer,
                ..FitOptions::default()
            },
        )
    });
    let fitted = fitted.map_err(|e| raise(py, "FitError", e.to_string()))?;
    let out = PyDict::new(py);
    out.set_item("mu", &fitted.params.mu)?;
    out.set_item("adjacency", &fitted.params.adjacency)?;
    out.set_item("beta", fitted.params.beta)?;
    out.set_item("se_mu", &fitted.standard_errors.mu)?;
    out.set_item("se_adjacency", &fitted.standard_errors.adjacency)?;
    out.set_item("se_beta", fitted.standard_errors.beta)?;
    out.set_item("log_likelihood", fitted.log_likelihood)?;
    out.set_item("n_params", fitted.n_params)?;
    out.set_item("aic", fitted.aic)?;
    out.set_item("poisson_log_likelihood", fitted.poisson_log_likelihood)?;
    out.set_item("poisson_aic", fitted.poisson_aic)?;
    out.set_item("branching_ratio", fitted.branching_ratio)?;
    out.set_item("ks_statistic", fitted.ks_statistic)?;
    out.set_item("ks_p_value", fitted.ks_p_value)?;
    out.set_item("n_events", &fitted.n_events)?;
    out.set_item("iterations", fitted.iterations)?;
    Ok(out)
}
