//! `blowback conflict`: placeholder until the conflict engine lands.

use std::process::ExitCode;

/// Conflict subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum Command {}

/// Runs a conflict subcommand.
pub fn run(command: Command) -> anyhow::Result<ExitCode> {
    match command {}
}
