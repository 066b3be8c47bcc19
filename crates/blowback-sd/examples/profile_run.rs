//! Runs (or compiles) one model many times, for profilers:
//! `cargo run --release --example profile_run -- FILE [N] [compile]` (XMILE or Vensim `.mdl`).

fn main() {
    let mut args = std::env::args().skip(1);
    let path = args
        .next()
        .expect("usage: profile_run FILE [RUNS] [compile]");
    let runs: usize = args
        .next()
        .map_or(100, |n| n.parse().expect("RUNS must be a number"));
    let compile_only = args.next().as_deref() == Some("compile");
    let text = std::fs::read_to_string(&path).expect("readable model");
    let read = |text: &str| {
        if path.ends_with(".mdl") {
            blowback_sd::read_mdl(text).expect("valid model").0
        } else {
            blowback_sd::read_xmile(text).expect("valid model").0
        }
    };
    let project = read(&text);
    let (simulation, _) = blowback_sd::compile(&project).expect("compiles");
    if compile_only {
        let mut nodes = 0;
        for _ in 0..runs {
            let (simulation, _) = blowback_sd::compile(&read(&text)).expect("compiles");
            nodes += simulation.variables().count();
        }
        println!("{nodes}");
        return;
    }
    let overrides = blowback_sd::Overrides::new();
    let mut checksum = 0.0;
    for _ in 0..runs {
        let results = simulation.run(&overrides).expect("runs");
        checksum += results.column_at(0).last().copied().unwrap_or(0.0);
    }
    println!("{checksum}");
}
