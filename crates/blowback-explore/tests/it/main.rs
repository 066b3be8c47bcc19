//! Integration tests of `blowback-explore`: sensitivity indices against closed-form values, and
//! properties that must hold for any model.

mod analytic;
mod ensemble;
mod properties;

use blowback_explore::{Design, Distribution, Method, Parameter};

/// `d` parameters uniform on `[low, high]`.
pub fn uniform_parameters(d: usize, low: f64, high: f64) -> Vec<Parameter> {
    (0..d)
        .map(|j| Parameter {
            name: format!("x{}", j + 1),
            distribution: Distribution::Uniform { low, high },
            source: "test".into(),
        })
        .collect()
}

/// Evaluates `f` at every experiment of `design`.
pub fn evaluate(design: &Design, f: impl Fn(&[f64]) -> f64) -> Vec<f64> {
    let mut point = vec![0.0; design.dimensions()];
    (0..design.len())
        .map(|i| {
            design.point(i, &mut point);
            f(&point)
        })
        .collect()
}

/// The Ishigami function with the usual a = 7, b = 0.1.
pub fn ishigami(x: &[f64]) -> f64 {
    x[0].sin() + 7.0 * x[1].sin().powi(2) + 0.1 * x[2].powi(4) * x[0].sin()
}

/// Sobol's G function with coefficients `a`.
pub fn g_function(x: &[f64], a: &[f64]) -> f64 {
    x.iter()
        .zip(a)
        .map(|(x, a)| ((4.0 * x - 2.0).abs() + a) / (1.0 + a))
        .product()
}

/// Closed-form first-order and total indices of the G function.
pub fn g_function_indices(a: &[f64]) -> (Vec<f64>, Vec<f64>) {
    let partial: Vec<f64> = a.iter().map(|a| 1.0 / (3.0 * (1.0 + a).powi(2))).collect();
    let product: f64 = partial.iter().map(|v| 1.0 + v).product();
    let variance = product - 1.0;
    let first = partial.iter().map(|v| v / variance).collect();
    let total = partial
        .iter()
        .map(|v| v * (product / (1.0 + v)) / variance)
        .collect();
    (first, total)
}

/// A Saltelli design over `parameters` with `n` base samples.
pub fn saltelli(parameters: Vec<Parameter>, n: usize, seed: u64) -> Design {
    Design::new(Method::Saltelli, parameters, n, seed).unwrap()
}
