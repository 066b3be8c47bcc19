//! What `blowback run cases/afpak` spends its time on: every scenario, the behaviour tests and
//! the polarity tests of every claimed link. Run with `cargo bench -p blowback`.

// criterion_group! generates an undocumented public function.
#![allow(missing_docs)]

use std::path::PathBuf;

use blowback::{Case, CaseFiles};
use blowback_sd::Overrides;
use criterion::{criterion_group, criterion_main, Criterion};

fn afpak() -> Case {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../cases/afpak");
    let read = |name: &str| std::fs::read_to_string(dir.join(name)).ok();
    let mut data = Vec::new();
    for entry in std::fs::read_dir(dir.join("data")).expect("cases/afpak/data") {
        let path = entry.expect("directory entry").path();
        if path.extension().is_some_and(|e| e == "csv") {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            data.push((name, std::fs::read_to_string(&path).unwrap()));
        }
    }
    let files = CaseFiles {
        model: read("model.xmile").expect("model.xmile"),
        scenarios: read("scenarios.toml"),
        tests: read("tests.toml"),
        claims: read("claims.toml"),
        calibration: read("calibration.toml"),
        data,
        ..CaseFiles::default()
    };
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
