//! Arguments shared by several subcommands, and the overrides they build.

use std::path::PathBuf;

use anyhow::{bail, Context};
use blowback_sd::{Method, Overrides, Results, Simulation};

/// Arguments of `blowback run`.
#[derive(Debug, clap::Args)]
pub struct RunArgs {
    /// A model file (XMILE or Vensim `.mdl`), or a case folder (a model and scenarios.toml).
    pub path: PathBuf,
    /// Write results as CSV to PATH (`-` or no value for standard output).
    #[arg(long, value_name = "PATH", num_args = 0..=1, default_missing_value = "-")]
    pub csv: Option<PathBuf>,
    /// Write results as JSON to PATH (`-` or no value for standard output).
    #[arg(long, value_name = "PATH", num_args = 0..=1, default_missing_value = "-")]
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
    /// Time step (default: the model's).
    #[arg(long, allow_negative_numbers = true, value_parser = positive_number)]
    pub dt: Option<f64>,
    /// Start time (default: the model's).
    #[arg(long, allow_negative_numbers = true, value_parser = finite_number)]
    pub start: Option<f64>,
    /// Stop time (default: the model's).
    #[arg(long, allow_negative_numbers = true, value_parser = finite_number)]
    pub stop: Option<f64>,
    /// Seed for the random builtins.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// For a case: run only this scenario.
    #[arg(long)]
    pub scenario: Option<String>,
    /// For a case: the folder for its CSVs, charts and report (default out/CASE).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// For a case: list every behaviour and polarity test, not only failures and findings.
    #[arg(long, short)]
    pub verbose: bool,
    /// A data file (tab- or comma-separated, time in the first column, as Vensim exports runs)
    /// whose columns give the model's data variables that have no equation (repeatable).
    #[arg(long, value_name = "FILE")]
    pub data: Vec<PathBuf>,
}

/// Applies `--set NAME=VALUE` assignments to `overrides`.
pub fn apply_assignments(assignments: &[String], overrides: &mut Overrides) -> anyhow::Result<()> {
    for assignment in assignments {
        let Some((name, value)) = assignment.split_once('=') else {
            bail!("--set expects NAME=VALUE, got `{assignment}` (no `=`)");
        };
        if name.trim().is_empty() {
            bail!("--set expects NAME=VALUE, got `{assignment}` (no name before the `=`)");
        }
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

/// Warns when the run ended before its stop time because dt does not divide the run into whole
/// steps (the engine, like Vensim, stops at the last whole step), naming a dt that would reach it.
pub fn warn_if_stopped_short(simulation: &Simulation, overrides: &Overrides, results: &Results) {
    let specs = simulation.sim_specs();
    let start = overrides.start.unwrap_or(specs.start);
    let stop = overrides.stop.unwrap_or(specs.stop);
    let dt = overrides.dt.unwrap_or(specs.dt);
    let Some(&last) = results.times().last() else {
        return;
    };
    if stop - last > dt * 1e-6 {
        let steps = ((stop - start) / dt).ceil();
        eprintln!(
            "warning: dt {dt} does not divide the run from {start} to {stop} into whole steps, so it \
             ends at {last}; dt {} would reach {stop}",
            (stop - start) / steps
        );
    }
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

/// A finite number, for a time on the command line.
pub fn finite_number(text: &str) -> Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(value) if value.is_finite() => Ok(value),
        Ok(value) => Err(format!("{value} is not a finite number")),
        Err(_) => Err(format!("`{text}` is not a number")),
    }
}

/// A number greater than zero, for a time step or a tolerance. Negative values reach this check
/// (rather than clap's "unexpected argument" for anything that starts with `-`), so the message
/// says what is wrong with them.
pub fn positive_number(text: &str) -> Result<f64, String> {
    let value = finite_number(text)?;
    if value > 0.0 {
        Ok(value)
    } else {
        Err(format!(
            "{value} is not greater than zero; give a positive number such as 0.25"
        ))
    }
}

/// A whole number of at least one, for counts such as samples or draws.
pub fn at_least_one(text: &str) -> Result<usize, String> {
    match text.trim().parse::<usize>() {
        Ok(0) => Err("0 is not allowed; give a count of at least 1".into()),
        Ok(count) => Ok(count),
        Err(_) => Err(format!("`{text}` is not a whole number of at least 1")),
    }
}

/// The error for a name that is none of `known`: the closest known name if one is close, and the
/// known names when they are few enough to read.
pub fn unknown_name(what: &str, name: &str, known: &[&str]) -> anyhow::Error {
    let canonical: Vec<String> = known.iter().map(|k| blowback_sd::canonical(k)).collect();
    let hint = blowback_sd::did_you_mean(
        &blowback_sd::canonical(name),
        canonical.iter().map(String::as_str),
    )
    .and_then(|hit| canonical.iter().position(|c| c == hit))
    .map(|i| format!(" (did you mean `{}`?)", known[i]))
    .unwrap_or_default();
    let list = if known.is_empty() {
        " (there are none)".to_string()
    } else if known.len() <= 20 {
        format!("; known: {}", known.join(", "))
    } else {
        String::new()
    };
    anyhow::anyhow!("no {what} `{name}`{hint}{list}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn negative_and_zero_steps_say_what_is_accepted() {
        assert!(positive_number("-1")
            .unwrap_err()
            .contains("greater than zero"));
        assert!(positive_number("0")
            .unwrap_err()
            .contains("greater than zero"));
        assert!(positive_number("inf")
            .unwrap_err()
            .contains("not a finite number"));
        assert_eq!(positive_number("0.25"), Ok(0.25));
        assert!(at_least_one("0").unwrap_err().contains("at least 1"));
    }

    #[test]
    fn unknown_names_get_the_closest_known_one() {
        let known = ["status_quo", "reform_package"];
        let message = unknown_name("scenario", "status_qu", &known).to_string();
        assert_eq!(
            message,
            "no scenario `status_qu` (did you mean `status_quo`?); known: status_quo, reform_package"
        );
        let message = unknown_name("scenario", "zzz", &known).to_string();
        assert!(!message.contains("did you mean"), "{message}");
    }

    #[test]
    fn an_assignment_without_a_name_is_rejected_before_the_model_sees_it() {
        let error = apply_assignments(&["=5".into()], &mut Overrides::new()).unwrap_err();
        assert!(
            error.to_string().contains("no name before the `=`"),
            "{error}"
        );
    }
}
