//! Speed of the analyses and of the ensemble machinery itself, for comparison with SALib and EMA
//! Workbench (bench/explore/compare.sh prints the ratios). Model runs are timed by
//! bench/explore/threads.sh on real models instead.

// criterion_group! generates an undocumented public function.
#![allow(missing_docs)]

use std::f64::consts::PI;

use blowback_explore::{
    prim, sobol_indices, stream, Design, Distribution, Ensemble, Method, Model, ModelRun,
    Parameter, PrimOptions,
};
use criterion::{criterion_group, criterion_main, Criterion};
use rand::Rng;

fn uniform(d: usize, low: f64, high: f64) -> Vec<Parameter> {
    (0..d)
        .map(|j| Parameter {
            name: format!("x{j}"),
            distribution: Distribution::Uniform { low, high },
            source: String::new(),
        })
        .collect()
}

fn ishigami(x: &[f64]) -> f64 {
    x[0].sin() + 7.0 * x[1].sin().powi(2) + 0.1 * x[2].powi(4) * x[0].sin()
}

/// Ishigami as a model, to time the ensemble's own overhead (sampling, scheduling, collection).
struct Ishigami;

impl Model for Ishigami {
    fn outcome_names(&self) -> Vec<String> {
        vec!["y".into()]
    }
    fn run(&self, _: usize, p: &[f64], _: bool) -> Result<ModelRun, String> {
        Ok(ModelRun {
            outcomes: vec![ishigami(p)],
            series: Vec::new(),
        })
    }
}

fn benches(c: &mut Criterion) {
    // Same size as compare.sh gives SALib: Ishigami, N = 8192 base samples, 100 bootstrap resamples.
    let design = Design::new(Method::Saltelli, uniform(3, -PI, PI), 8192, 1).unwrap();
    let outputs: Vec<f64> = (0..design.len())
        .map(|i| {
            let mut p = [0.0; 3];
            design.point(i, &mut p);
            ishigami(&p)
        })
        .collect();
    c.bench_function("sobol_analysis/ishigami_n8192_boot100", |b| {
        b.iter(|| sobol_indices(&design, &outputs, 100).unwrap())
    });

    // PRIM on 10,000 points in 8 dimensions with a planted box, as compare.sh gives EMA Workbench.
    let mut rng = stream(3, 0);
    let points: Vec<Vec<f64>> = (0..10_000)
        .map(|_| (0..8).map(|_| rng.random::<f64>()).collect())
        .collect();
    let labels: Vec<bool> = points.iter().map(|p| p[0] > 0.6 && p[3] < 0.5).collect();
    c.bench_function("prim/10000x8", |b| {
        b.iter(|| prim(&points, &labels, PrimOptions::default()).unwrap())
    });

    let mc = Design::new(Method::MonteCarlo, uniform(3, -PI, PI), 100_000, 1).unwrap();
    for threads in [1, 2] {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        c.bench_function(
            &format!("ensemble_overhead/ishigami_100k/threads{threads}"),
            |b| {
                b.iter(|| {
                    pool.install(|| {
                        Ensemble::new(&Ishigami, &mc)
                            .run(&mut (), &mut |_| {})
                            .unwrap()
                    })
                })
            },
        );
    }
}

criterion_group! {
    name = analysis;
    config = Criterion::default().sample_size(10);
    targets = benches
}
criterion_main!(analysis);
