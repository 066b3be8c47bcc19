//! What `blowback run cases/afpak` spends its time on: every scenario, the behaviour tests and
//! the polarity tests of every claimed link. Run with `cargo bench -p blowback`.

// criterion_group! generates an undocumented public function.
#![allow(missing_docs)]

use std::path::PathBuf;

use blowback::{Case, CaseFiles};
use blowback_sd::Overrides;
use criterion::{criterion_group, criterion_main, Criterion};

#[path = "../tests/it/dir.rs"]
mod dir;

fn afpak() -> Case {
    let folder = dir::Dir(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../cases/afpak"));
    let files = CaseFiles::gather(&folder).unwrap_or_else(|e| panic!("{e}"));
    Case::load(&files).unwrap_or_else(|e| panic!("{e}")).0
}

fn bench(c: &mut Criterion) {
    let case = afpak();
    let base = Overrides::new();
    c.bench_function("afpak/run_all_scenarios", |b| {
        b.iter(|| case.run_all(&base).unwrap())
    });
    let runs = case.run_all(&base).unwrap();
    c.bench_function("afpak/behaviour_tests", |b| {
        b.iter(|| case.check_behaviour(&runs, &base).unwrap())
    });
    c.bench_function("afpak/polarity_tests", |b| {
        b.iter(|| case.check_polarities(&base).unwrap())
    });
}

criterion_group! {
    name = benches;
    // Each iteration is tens of milliseconds; a small sample keeps the bench under a minute.
    config = Criterion::default().sample_size(10);
    targets = bench
}
criterion_main!(benches);
