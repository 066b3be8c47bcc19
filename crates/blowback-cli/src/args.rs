//! Arguments shared by several subcommands, and the overrides they build.

use std::path::PathBuf;

use anyhow::{bail, Context};
use blowback_sd::{Method, Overrides};

/// Arguments of `blowback run`.
#[derive(Debug, clap::Args)]
pub struct RunArgs {
    /// An XMILE model file, or a case folder (with model.xmile and scenarios.toml).
    pub path: PathBuf,
    /// Write results as CSV to FILE (`-` for standard output).
    #[arg(long, value_name = "FILE")]
    pub csv: Option<PathBuf>,
    /// Write results as JSON to FILE (`-` for standard output).
    #[arg(long, value_name = "FILE")]
    pub json: Option<PathBuf>,
    /// Only these variables, comma-separated (model names).
    #[arg(long, value_name = "A,B")]
    pub vars: Option<String>,
    /// Override a constant or a stock's initial value: NAME=VALUE (repeatable).
    #[arg(long = "set", value_name = "NAME=VALUE")]
    pub set: Vec<String>,
    /// Integration method.
    #[arg(long, value_enum, ignore_case = true)]
    pub method: Option<IntegrationMethod>,
    /// Time step.
    #[arg(long)]
    pub dt: Option<f64>,
    /// Start time.
    #[arg(long)]
    pub start: Option<f64>,
    /// Stop time.
    #[arg(long)]
    pub stop: Option<f64>,
    /// Seed for the random builtins.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// For a case: run only this scenario.
    #[arg(long)]
    pub scenario: Option<String>,
    /// For a case: output folder (default out/CASE).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// A data file (tab- or comma-separated, time in the first column, as Vensim exports runs)
    /// whose columns give the model's data variables that have no equation (repeatable).
    #[arg(long, value_name = "FILE")]
    pub data: Vec<PathBuf>,
}

/// Applies `--set NAME=VALUE` assignments to `overrides`.
pub fn apply_assignments(assignments: &[String], overrides: &mut Overrides) -> anyhow::Result<()> {
    for assignment in assignments {
        let Some((name, value)) = assignment.split_once('=') else {
            bail!("--set expects NAME=VALUE, got `{assignment}`");
        };
        let value: f64 = value
            .trim()
            .parse()
            .with_context(|| format!("--set {name}: `{value}` is not a number"))?;
        overrides.set(name.trim(), value);
    }
    Ok(())
}

/// Builds overrides from the command line.
pub fn overrides_from(args: &RunArgs) -> anyhow::Result<Overrides> {
    let mut overrides = Overrides::new();
    apply_assignments(&args.set, &mut overrides)?;
    overrides.method = args.method.map(Method::from);
    overrides.dt = args.dt;
    overrides.start = args.start;
    overrides.stop = args.stop;
    overrides.seed = args.seed;
    Ok(overrides)
}

/// `--method` of `blowback run`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum IntegrationMethod {
    /// Euler's method.
    Euler,
    /// Second-order Runge-Kutta (Heun's method).
    Rk2,
    /// Classical fourth-order Runge-Kutta.
    Rk4,
}

impl From<IntegrationMethod> for Method {
    fn from(method: IntegrationMethod) -> Method {
        match method {
            IntegrationMethod::Euler => Method::Euler,
            IntegrationMethod::Rk2 => Method::Rk2,
            IntegrationMethod::Rk4 => Method::Rk4,
        }
    }
}
