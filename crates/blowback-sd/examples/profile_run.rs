//! Runs one model many times, for profilers: `cargo run --release --example profile_run -- FILE N`.

fn main() {
    let mut args = std::env::args().skip(1);
    let path = args.next().expect("usage: profile_run FILE [RUNS]");
    let runs: usize = args
        .next()
        .map_or(100, |n| n.parse().expect("RUNS must be a number"));
    let text = std::fs::read_to_string(&path).expect("readable model");
    let (project, _) = blowback_sd::read_xmile(&text).expect("valid model");
    let (simulation, _) = blowback_sd::compile(&project).expect("compiles");
    let overrides = blowback_sd::Overrides::new();
    let mut checksum = 0.0;
    for _ in 0..runs {
        let results = simulation.run(&overrides).expect("runs");
        checksum += results.column_at(0).last().copied().unwrap_or(0.0);
    }
    println!("{checksum}");
}
