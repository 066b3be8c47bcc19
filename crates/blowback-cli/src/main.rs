//! `blowback`: the command-line face of the toolkit.
//!
//! The binary is thin on purpose: it parses arguments, reads files, calls the libraries and renders
//! what they return (diagnostics, tables, charts). No simulation or analysis logic lives here.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod args;
mod case;
mod charts;
mod conflict;
mod convert;
mod diagnostics;
mod diagram;
mod events;
mod explore;
mod labels;
mod load;
mod loops;
mod output;
mod report;
mod sd;
mod serve;

/// Model, simulate and stress-test strategic feedback systems.
///
/// Start with `blowback run cases/afpak`: every policy scenario of the Af-Pak case, its tests,
/// and a report with charts in out/afpak/. `blowback check MODEL` lists a model's problems;
/// `blowback serve cases/afpak` opens the explorer in a browser. Models are XMILE or Vensim
/// `.mdl` files; a case is a folder with a model and scenarios.toml. Outputs follow one rule:
/// `--csv [PATH]` and `--json [PATH]` (standard output when PATH is `-` or left out), `--out DIR`
/// a folder, by default under out/CASE/.
#[derive(Debug, Parser)]
#[command(name = "blowback", version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run a model (XMILE or Vensim `.mdl`), or every scenario of a case folder.
    Run(args::RunArgs),
    /// Check a model and print located diagnostics; exits 1 when there are errors.
    Check(sd::CheckArgs),
    /// Write a model in the other format: Vensim `.mdl` to XMILE or XMILE to `.mdl`.
    Convert(convert::ConvertArgs),
    /// Fit a case's uncertain parameters to its historical data (least squares).
    Calibrate(case::CalibrateArgs),
    /// Feedback loops, their dominance over a run, and a causal-loop diagram.
    Loops(loops::LoopsArgs),
    /// The chain of causes behind a variable's change, with the claims behind each link.
    Explain(loops::ExplainArgs),
    /// Graph Model for Conflict Resolution: which strategic outcomes are stable.
    #[command(subcommand)]
    Conflict(conflict::Command),
    /// Conflict event data: summaries and self-exciting point-process fits.
    #[command(subcommand)]
    Events(events::Command),
    /// Explore a case under uncertainty: sampled worlds x scenarios, sensitivity, robustness.
    Explore(explore::ExploreArgs),
    /// Serve the web explorer: sliders, charts, diagram and conflict analysis in a browser.
    Serve(serve::ServeArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Run(args) if args.path.is_dir() => case::run_case(&args),
        Command::Run(args) => sd::run(args),
        Command::Check(args) => sd::check(args),
        Command::Convert(args) => convert::run(args),
        Command::Calibrate(args) => case::calibrate(args),
        Command::Loops(args) => loops::loops(args),
        Command::Explain(args) => loops::explain(args),
        Command::Conflict(command) => conflict::run(command),
        Command::Events(command) => events::run(command),
        Command::Explore(args) => explore::run(args),
        Command::Serve(args) => serve::serve(args),
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            // A closed pipe (`blowback run m.xmile --csv - | head`) is the reader's choice, not a failure.
            if err
                .chain()
                .filter_map(|cause| cause.downcast_ref::<std::io::Error>())
                .any(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            {
                return ExitCode::SUCCESS;
            }
            // Problems in input files come rendered, with the offending text underlined.
            match err
                .chain()
                .find_map(|cause| cause.downcast_ref::<diagnostics::Reported>())
            {
                Some(reported) => {
                    for report in &reported.0 {
                        eprintln!("{report:?}");
                    }
                }
                None => {
                    // Messages may quote input files; their control bytes must not reach the
                    // terminal as such (line breaks of the message itself stay).
                    let text = error_chain(&err);
                    let lines: Vec<_> = text.lines().map(output::printable).collect();
                    eprintln!("error: {}", lines.join("\n"));
                }
            }
            ExitCode::from(2)
        }
    }
}

/// The error and its causes joined by `: `, each said once: many errors already include their
/// cause's text in their own message (`scenario `x`: unknown variable`), and printing the chain as
/// it stands would repeat it.
fn error_chain(err: &anyhow::Error) -> String {
    let mut text = String::new();
    for cause in err.chain() {
        let message = cause.to_string();
        if text.contains(&message) {
            continue;
        }
        if !text.is_empty() {
            text.push_str(": ");
        }
        text.push_str(&message);
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cause_already_in_the_message_is_not_repeated() {
        let err =
            anyhow::anyhow!("unknown variable `x`").context("scenario `a`: unknown variable `x`");
        assert_eq!(error_chain(&err), "scenario `a`: unknown variable `x`");
    }

    #[test]
    fn distinct_causes_are_all_said() {
        let err = anyhow::anyhow!("no such file").context("reading m.xmile");
        assert_eq!(error_chain(&err), "reading m.xmile: no such file");
    }
}
