//! `blowback run` and `blowback check` for model files.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use blowback_sd::{
    check_units, compile_with_data, decode_model_text, run_reality_checks, use_data_file,
    DataFiles, Diagnostic, DiagnosticKind, ModelFormat, RealityOutcome, Results, Severity,
    Simulation,
};

use crate::args::{overrides_from, RunArgs};
pub use crate::diagnostics::print_diagnostics;
use crate::output::{column_width, plural, write_atomic};

/// Arguments of `blowback check`.
#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// A model file (XMILE, or Vensim `.mdl`), or a case folder.
    pub path: PathBuf,
    /// For a case folder: also check that every variable has a <doc> with provenance and units,
    /// and that the model agrees with uncertainties.toml (exit 1 on any finding).
    #[arg(long)]
    pub lint: bool,
    /// Treat unit warnings (inconsistent or missing units) as errors: exit 1 when units do not check.
    #[arg(long)]
    pub strict_units: bool,
    /// Also run the model's reality checks (Vensim `:THE CONDITION:` ... `:IMPLIES:`).
    #[arg(long)]
    pub reality: bool,
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

/// Reads and compiles a model file, printing diagnostics, with data files giving the data
/// variables that have no equation. `None` means errors were printed.
pub fn load_model(path: &Path, data: &[PathBuf]) -> anyhow::Result<Option<Simulation>> {
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
            eprintln!(
                "{} in {}",
                plural(errors.error_count(), "error"),
                path.display()
            );
            Ok(None)
        }
    }
}

/// `blowback run` on a model file.
pub fn run(args: RunArgs) -> anyhow::Result<ExitCode> {
    let Some(simulation) = load_model(&args.path, &args.data)? else {
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
    crate::args::warn_if_stopped_short(&simulation, &overrides, &results);
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

/// `blowback check`: read, compile and check units, reporting everything found in one pass; then,
/// when asked, the model's reality checks and the case lint.
pub fn check(args: CheckArgs) -> anyhow::Result<ExitCode> {
    let path = if args.path.is_dir() {
        crate::load::read(&args.path)?.model_path().to_path_buf()
    } else {
        args.path.clone()
    };
    let Some(count) = check_model(&path, args.strict_units)? else {
        return Ok(ExitCode::from(1));
    };
    if args.reality && !reality_checks(&path)? {
        return Ok(ExitCode::from(1));
    }
    if args.lint {
        return lint(&args.path, count);
    }
    Ok(ExitCode::SUCCESS)
}

/// Reads, compiles and checks the units of a model file, printing every diagnostic; the number of
/// variables when there is no error.
fn check_model(path: &Path, strict_units: bool) -> anyhow::Result<Option<usize>> {
    let (text, format) = read_model_file(path)?;
    let files = ModelFolder::of(path);
    let project = match format.read_with_data(&text, &files) {
        Ok((project, warnings)) => {
            print_diagnostics(path, &text, &warnings);
            project
        }
        Err(errors) => {
            print_diagnostics(path, &text, &errors.0);
            return Ok(None);
        }
    };
    let mut units = check_units(&project);
    if strict_units {
        units.iter_mut().for_each(|d| d.severity = Severity::Error);
    }
    let (variables, mut diagnostics) = match compile_with_data(&project, &files) {
        Ok((simulation, warnings)) => (Some(simulation.variables().count()), warnings),
        Err(errors) => (None, errors.0),
    };
    diagnostics.extend(units);
    print_diagnostics(path, &text, &diagnostics);
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    let unit_warnings = diagnostics
        .iter()
        .filter(|d| !d.is_error() && is_units(d))
        .count();
    match (variables, errors) {
        (Some(count), 0) => {
            println!(
                "{}: ok ({}, {})",
                path.display(),
                plural(count, "variable"),
                plural(unit_warnings, "unit warning")
            );
            Ok(Some(count))
        }
        _ => {
            eprintln!("{} in {}", plural(errors, "error"), path.display());
            Ok(None)
        }
    }
}

/// `--lint`: every variable of a case's model has provenance and units, and the model agrees with
/// the case's uncertainties.toml.
fn lint(folder: &Path, count: usize) -> anyhow::Result<ExitCode> {
    if !folder.is_dir() {
        anyhow::bail!(
            "--lint checks a case folder against its uncertainties.toml; give the folder"
        );
    }
    let Some((case, source)) = crate::load::open(folder)? else {
        return Ok(ExitCode::from(1));
    };
    let uncertainties = source.files.uncertainties.as_deref();
    let findings = case.lint(&source.files.model, uncertainties);
    let (model, other): (Vec<_>, Vec<_>) = findings
        .iter()
        .partition(|f| f.file == blowback::LintFile::Model);
    let problems = |list: &[&blowback::LintFinding]| -> Vec<blowback_diagnostic::Located> {
        list.iter().map(|f| f.problem.clone()).collect()
    };
    let reports = crate::diagnostics::Reported::file(
        source.model_path(),
        Some(&source.files.model),
        &problems(&model),
    )
    .0
    .into_iter()
    .chain(
        crate::diagnostics::Reported::file(
            &source.path_of("uncertainties.toml"),
            uncertainties,
            &problems(&other),
        )
        .0,
    );
    for report in reports {
        eprintln!("{report:?}");
    }
    let path = source.model_path().display();
    if findings.is_empty() {
        println!(
            "{path}: lint ok ({count} variables, each with provenance and units; the model agrees with uncertainties.toml)"
        );
        Ok(ExitCode::SUCCESS)
    } else {
        println!("{path}: {}", plural(findings.len(), "lint finding"));
        Ok(ExitCode::from(1))
    }
}

fn is_units(diagnostic: &Diagnostic) -> bool {
    matches!(
        diagnostic.kind,
        DiagnosticKind::Units | DiagnosticKind::MissingUnits
    )
}

/// Runs the reality checks of a model that compiles; false when one fails or cannot run.
fn reality_checks(path: &Path) -> anyhow::Result<bool> {
    let (text, format) = read_model_file(path)?;
    let files = ModelFolder::of(path);
    let Ok((project, _)) = format.read_with_data(&text, &files) else {
        return Ok(false);
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
        "{}: {} passed, {failed} failed",
        plural(outcomes.len(), "reality check"),
        outcomes.len() - failed
    );
    Ok(failed == 0)
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
    let width = column_width(results.names().iter().map(String::as_str), 8);
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
        "({}; --csv PATH writes every value, --csv alone prints them)",
        plural(times.len(), "saved row")
    )
}
