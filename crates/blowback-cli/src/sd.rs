//! `blowback run` and `blowback check` for XMILE models, and diagnostic rendering.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Context};
use blowback_sd::{
    compile_with_data, decode_model_text, run_reality_checks, use_data_file, DataFiles, Diagnostic,
    Method, ModelFormat, Overrides, RealityOutcome, Results, Severity, Simulation,
};
use miette::{LabeledSpan, MietteDiagnostic, NamedSource, Report};

use crate::output::write_atomic;

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
    /// Integration method: euler, rk2 or rk4.
    #[arg(long)]
    pub method: Option<String>,
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

/// Arguments of `blowback check`.
#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// A model file (XMILE, or Vensim `.mdl`), or a case folder.
    pub path: PathBuf,
    /// Also run the model's reality checks (Vensim `:THE CONDITION:` ... `:IMPLIES:`).
    #[arg(long)]
    pub reality: bool,
}

/// Prints diagnostics with the offending source text underlined.
pub fn print_diagnostics(path: &Path, text: &str, diagnostics: &[Diagnostic]) {
    for diagnostic in diagnostics {
        eprintln!("{:?}", to_report(path, text, diagnostic));
    }
}

fn to_report(path: &Path, text: &str, diagnostic: &Diagnostic) -> Report {
    let location = diagnostic
        .line_column(text)
        .map(|(line, column)| format!("{}:{line}:{column}: ", path.display()))
        .unwrap_or_else(|| format!("{}: ", path.display()));
    let variable = diagnostic
        .variable
        .as_ref()
        .map(|v| format!("in `{v}`: "))
        .unwrap_or_default();
    let mut rendered = MietteDiagnostic::new(format!("{location}{variable}{}", diagnostic.message))
        .with_severity(match diagnostic.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
        });
    if let Some(span) = &diagnostic.span {
        let start = span.start.min(text.len());
        let end = span.end.clamp(start, text.len());
        rendered = rendered.with_label(LabeledSpan::at(start..end, "here"));
    }
    if let Some(help) = &diagnostic.help {
        rendered = rendered.with_help(help.clone());
    }
    Report::new(rendered).with_source_code(NamedSource::new(
        path.display().to_string(),
        text.to_string(),
    ))
}

/// Reads a model file's text (XMILE or Vensim `.mdl`, whose older files are not UTF-8) and the
/// format its name implies.
pub fn read_model_file(path: &Path) -> anyhow::Result<(String, ModelFormat)> {
    let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    let format = ModelFormat::of_file_name(&path.to_string_lossy());
    Ok((decode_model_text(&bytes).into_owned(), format))
}

/// The data files a model names (Vensim's `GET XLS DATA` and kin), read relative to the model.
pub struct ModelFolder(pub PathBuf);

impl ModelFolder {
    /// The folder of a model file.
    pub fn of(model: &Path) -> ModelFolder {
        ModelFolder(model.parent().unwrap_or(Path::new(".")).to_path_buf())
    }
}

impl DataFiles for ModelFolder {
    fn read(&self, name: &str) -> Result<Vec<u8>, String> {
        let path = self.0.join(name);
        std::fs::read(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))
    }
}

/// Reads and compiles a model file, printing diagnostics. `None` means errors were printed.
pub fn load_model(path: &Path) -> anyhow::Result<Option<Simulation>> {
    load_model_with_data(path, &[])
}

/// [`load_model`], with data files giving the data variables that have no equation.
pub fn load_model_with_data(path: &Path, data: &[PathBuf]) -> anyhow::Result<Option<Simulation>> {
    let (text, format) = read_model_file(path)?;
    let files = ModelFolder::of(path);
    let mut project = match format.read_with_data(&text, &files) {
        Ok((project, warnings)) => {
            print_diagnostics(path, &text, &warnings);
            project
        }
        Err(errors) => {
            print_diagnostics(path, &text, &errors.0);
            return Ok(None);
        }
    };
    for file in data {
        let header =
            std::fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))?;
        // Named by its full path, which the model folder's file reader takes as it is.
        let name = std::path::absolute(file)?.to_string_lossy().into_owned();
        let first_line = header.lines().next().unwrap_or_default();
        if use_data_file(&mut project, &name, first_line) == 0 {
            eprintln!(
                "warning: {} gives no data variable of the model without an equation",
                file.display()
            );
        }
    }
    match compile_with_data(&project, &files) {
        Ok((simulation, warnings)) => {
            print_diagnostics(path, &text, &warnings);
            Ok(Some(simulation))
        }
        Err(errors) => {
            print_diagnostics(path, &text, &errors.0);
            eprintln!("{} error(s) in {}", errors.error_count(), path.display());
            Ok(None)
        }
    }
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
    if let Some(method) = &args.method {
        overrides.method = Some(method.parse::<Method>().map_err(anyhow::Error::msg)?);
    }
    overrides.dt = args.dt;
    overrides.start = args.start;
    overrides.stop = args.stop;
    overrides.seed = args.seed;
    Ok(overrides)
}

/// `blowback run`.
pub fn run(args: RunArgs) -> anyhow::Result<ExitCode> {
    if args.path.is_dir() {
        return crate::case::run_case(&args);
    }
    let Some(simulation) = load_model_with_data(&args.path, &args.data)? else {
        return Ok(ExitCode::from(1));
    };
    let overrides = overrides_from(&args)?;
    let results = match &args.vars {
        Some(vars) => {
            let names: Vec<&str> = vars
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .collect();
            simulation.run_selected(&overrides, &names)?
        }
        None => simulation.run(&overrides)?,
    };
    if let Some(path) = &args.csv {
        write_atomic(path, &results_csv(&results)?)?;
    }
    if let Some(path) = &args.json {
        write_atomic(path, &results_json(&results)?)?;
    }
    if args.csv.is_none() && args.json.is_none() {
        print_summary(&results)?;
    }
    Ok(ExitCode::SUCCESS)
}

/// `blowback check`.
pub fn check(args: CheckArgs) -> anyhow::Result<ExitCode> {
    let path = if args.path.is_dir() {
        args.path.join("model.xmile")
    } else {
        args.path.clone()
    };
    match load_model(&path)? {
        Some(simulation) => {
            let count = simulation.variables().count();
            println!("{}: ok ({count} variables)", path.display());
            if args.reality {
                return reality_checks(&path);
            }
            Ok(ExitCode::SUCCESS)
        }
        None => Ok(ExitCode::from(1)),
    }
}

/// Runs the reality checks of a model that compiles; exits 1 when one fails or cannot run.
fn reality_checks(path: &Path) -> anyhow::Result<ExitCode> {
    let (text, format) = read_model_file(path)?;
    let files = ModelFolder::of(path);
    let Ok((project, _)) = format.read_with_data(&text, &files) else {
        return Ok(ExitCode::from(1));
    };
    let outcomes = run_reality_checks(&project, &files);
    let mut failed = 0;
    for (name, outcome) in &outcomes {
        match outcome {
            RealityOutcome::Passed => println!("reality check `{name}`: passed"),
            RealityOutcome::Failed { time, element } => {
                failed += 1;
                println!(
                    "reality check `{name}`: FAILED at time {time}{}",
                    element.as_deref().unwrap_or_default()
                );
            }
            RealityOutcome::Error(diagnostics) => {
                failed += 1;
                println!("reality check `{name}`: could not run");
                print_diagnostics(path, &text, &diagnostics.0);
            }
        }
    }
    println!(
        "{} reality check(s): {} passed, {failed} failed",
        outcomes.len(),
        outcomes.len() - failed
    );
    Ok(if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// Results as CSV: a `time` column, then one column per variable headed by the model's names.
pub fn results_csv(results: &Results) -> anyhow::Result<Vec<u8>> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let mut header = vec!["time".to_string()];
    header.extend(results.names().iter().cloned());
    writer.write_record(&header)?;
    let columns: Vec<&[f64]> = (0..results.names().len())
        .map(|c| results.column_at(c))
        .collect();
    let mut record = Vec::with_capacity(header.len());
    for (row, time) in results.times().iter().enumerate() {
        record.clear();
        record.push(time.to_string());
        record.extend(columns.iter().map(|c| c[row].to_string()));
        writer.write_record(&record)?;
    }
    writer.into_inner().map_err(|e| anyhow::anyhow!("{e}"))
}

fn results_json(results: &Results) -> anyhow::Result<Vec<u8>> {
    let mut variables = serde_json::Map::new();
    for (c, name) in results.names().iter().enumerate() {
        variables.insert(name.clone(), serde_json::json!(results.column_at(c)));
    }
    let value = serde_json::json!({ "time": results.times(), "variables": variables });
    let mut bytes = serde_json::to_vec_pretty(&value)?;
    bytes.push(b'\n');
    Ok(bytes)
}

fn print_summary(results: &Results) -> std::io::Result<()> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    let times = results.times();
    let (first, last) = (
        times.first().copied().unwrap_or(0.0),
        times.last().copied().unwrap_or(0.0),
    );
    let width = results
        .names()
        .iter()
        .map(|n| n.chars().count())
        .max()
        .unwrap_or(8)
        .max(8);
    writeln!(
        out,
        "{:<width$}  {:>12}  {:>12}  {:>12}  {:>12}",
        "variable",
        format!("t={first}"),
        format!("t={last}"),
        "min",
        "max"
    )?;
    for (c, name) in results.names().iter().enumerate() {
        let column = results.column_at(c);
        let min = column.iter().copied().fold(f64::INFINITY, f64::min);
        let max = column.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        writeln!(
            out,
            "{name:<width$}  {:>12.6}  {:>12.6}  {min:>12.6}  {max:>12.6}",
            column.first().copied().unwrap_or(f64::NAN),
            column.last().copied().unwrap_or(f64::NAN),
        )?;
    }
    writeln!(
        out,
        "({} saved rows; --csv FILE or --csv - for every value)",
        times.len()
    )
}
