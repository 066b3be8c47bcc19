//! Compile and run times of the engine on the community suite's larger models, on a generated
//! model with 1,000 stocks, on a large arrayed Vensim model (`bench/arrays/population.mdl`, about
//! 8,000 scalar variables), and a hand-written Rust loop of the SIR model as the physical limit.
//!
//! `cargo bench -p blowback-sd --bench engine`; `bench/pysd_compare.sh` runs PySD on the same
//! XMILE models and `bench/arrays/compare.sh` runs PySD and simlin on the arrayed model, printing
//! the ratios.

// criterion_group! generates an undocumented public function.
#![allow(missing_docs)]

use std::hint::black_box;
use std::path::Path;

use blowback_sd::{compile, read_mdl, read_xmile, Overrides};
use criterion::{criterion_group, criterion_main, Criterion};

fn suite_model(relative: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/conformance/sd")
        .join(relative);
    std::fs::read_to_string(path).expect("suite model")
}

/// A chain of `n` stocks: each drains into the next at a rate set by its own auxiliary.
fn generated_model(n: usize) -> String {
    let mut variables = String::new();
    for i in 0..n {
        let inflow = if i > 0 {
            format!("<inflow>f{}</inflow>", i - 1)
        } else {
            String::new()
        };
        let outflow = if i + 1 < n {
            format!("<outflow>f{i}</outflow>")
        } else {
            String::new()
        };
        variables.push_str(&format!(
            "<stock name=\"s{i}\"><eqn>{}</eqn>{inflow}{outflow}</stock>\
             <aux name=\"k{i}\"><eqn>0.1 + 0.001 * {i}</eqn></aux>",
            100 + i % 7
        ));
        if i + 1 < n {
            variables.push_str(&format!(
                "<flow name=\"f{i}\"><eqn>s{i} * k{i}</eqn></flow>"
            ));
        }
    }
    format!(
        "<xmile version=\"1.0\"><sim_specs><start>0</start><stop>100</stop><dt>0.25</dt></sim_specs>\
         <model><variables>{variables}</variables></model></xmile>"
    )
}

/// The SIR sample written by hand: the same equations, dt and saved columns as the XMILE model.
fn sir_by_hand() -> Vec<f64> {
    let (dt, steps) = (0.03125, 3200usize);
    let (total, duration, infectivity) = (1000.0, 5.0, 0.3);
    let (mut s, mut i, mut r) = (total, 5.0, 0.0);
    let rows = steps + 1;
    let mut out = vec![0.0; rows * 8];
    for step in 0..=steps {
        let succumbing = s * i / total * infectivity;
        let recovering = i / duration;
        for (c, v) in [
            s,
            i,
            r,
            succumbing,
            recovering,
            total,
            duration,
            infectivity,
        ]
        .into_iter()
        .enumerate()
        {
            out[c * rows + step] = v;
        }
        s -= dt * succumbing;
        i += dt * (succumbing - recovering);
        r += dt * recovering;
    }
    out
}

fn benchmarks(c: &mut Criterion) {
    let models = [
        ("teacup", suite_model("samples/teacup/teacup.xmile")),
        ("sir", suite_model("samples/SIR/SIR.xmile")),
        (
            "hares_and_lynxes_modules",
            suite_model("samples/bpowers-hares_and_lynxes_modules/model.xmile"),
        ),
        ("generated_1000_stocks", generated_model(1000)),
    ];
    for (name, text) in &models {
        c.bench_function(&format!("compile/{name}"), |b| {
            b.iter(|| {
                let (project, _) = read_xmile(black_box(text)).unwrap();
                compile(&project).unwrap()
            })
        });
        let (project, _) = read_xmile(text).unwrap();
        let (simulation, _) = compile(&project).unwrap();
        let overrides = Overrides::new();
        c.bench_function(&format!("run/{name}"), |b| {
            b.iter(|| simulation.run(black_box(&overrides)).unwrap())
        });
    }
    // The arrayed model, from its .mdl text: read and compile, then run.
    let arrayed = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../bench/arrays/population.mdl"),
    )
    .expect("bench/arrays/population.mdl");
    c.bench_function("compile/arrays_population", |b| {
        b.iter(|| {
            let (project, _) = read_mdl(black_box(&arrayed)).unwrap();
            compile(&project).unwrap()
        })
    });
    let (project, _) = read_mdl(&arrayed).unwrap();
    let (simulation, _) = compile(&project).unwrap();
    let overrides = Overrides::new();
    c.bench_function("run/arrays_population", |b| {
        b.iter(|| simulation.run(black_box(&overrides)).unwrap())
    });
    c.bench_function("run/sir_hand_written_loop", |b| {
        b.iter(|| black_box(sir_by_hand()))
    });
}

criterion_group!(benches, benchmarks);
criterion_main!(benches);
