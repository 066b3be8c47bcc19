//! Reading Vensim `.mdl` files: World3-03 read, compiled and run (what `blowback run wrld3-03.mdl`
//! does), and the reader alone.
//!
//! `cargo bench -p blowback-sd --bench mdl`; `bench/world3.sh` runs simlin and PySD on the same file
//! and prints the ratios.

// criterion_group! generates an undocumented public function.
#![allow(missing_docs)]

use std::hint::black_box;
use std::path::Path;

use blowback_sd::{compile, read_mdl, Overrides};
use criterion::{criterion_group, criterion_main, Criterion};

fn world3() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/models/world3/wrld3-03.mdl");
    std::fs::read_to_string(path).expect("World3-03 is vendored under tests/models")
}

fn bench(c: &mut Criterion) {
    let text = world3();
    c.bench_function("world3/load_run", |b| {
        b.iter(|| {
            let (project, _) = read_mdl(black_box(&text)).unwrap();
            let (simulation, _) = compile(&project).unwrap();
            simulation.run(&Overrides::new()).unwrap()
        })
    });
    c.bench_function("world3/read", |b| {
        b.iter(|| read_mdl(black_box(&text)).unwrap())
    });
    let (project, _) = read_mdl(&text).unwrap();
    let (simulation, _) = compile(&project).unwrap();
    c.bench_function("world3/run", |b| {
        b.iter(|| simulation.run(black_box(&Overrides::new())).unwrap())
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
