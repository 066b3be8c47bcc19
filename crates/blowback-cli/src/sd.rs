//! `blowback run` and `blowback check` for model files.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use blowback_sd::{compile, read_xmile, Results, Simulation};

use crate::args::{overrides_from, RunArgs};
use crate::diagnostics::print_diagnostics;
use crate::output::write_atomic;

/// Arguments of `blowback check`.
#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// An XMILE model file, or a case folder.
    pub path: PathBuf,
    /// For a case folder: also check that every variable has a <doc> with provenance and units,
    /// and that the model agrees with uncertainties.toml (exit 1 on any finding).
    #[arg(long)]
    pub lint: bool,
}

/// Reads and compiles a model file, printing diagnostics. `None` means errors were printed.
pub fn load_model(path: &Path) -> anyhow::Result<Option<Simulation>> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let project = match read_xmile(&text) {
        Ok((project, warnings)) => {
            print_diagnostics(path, &text, &warnings);
            project
        }
        Err(errors) => {
            print_diagnostics(path, &text, &errors.0);
            return Ok(None);
        }
    };
    match compile(&project) {
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

/// `blowback run` on a model file.
pub fn run(args: RunArgs) -> anyhow::Result<ExitCode> {
    let Some(simulation) = load_model(&args.path)? else {
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
        crate::load::read(&args.path)?.model_path().to_path_buf()
    } else {
        args.path.clone()
    };
    let Some(simulation) = load_model(&path)? else {
        return Ok(ExitCode::from(1));
    };
    let count = simulation.variables().count();
    if !args.lint {
        println!("{}: ok ({count} variables)", path.display());
        return Ok(ExitCode::SUCCESS);
    }
    if !args.path.is_dir() {
        anyhow::bail!(
            "--lint checks a case folder against its uncertainties.toml; give the folder"
        );
    }
    let Some((case, source)) = crate::load::open(&args.path)? else {
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
    if findings.is_empty() {
        println!(
            "{}: ok ({count} variables; lint: every variable has provenance and units, and the model agrees with uncertainties.toml)",
            path.display()
        );
        Ok(ExitCode::SUCCESS)
    } else {
        println!("{}: {} lint finding(s)", path.display(), findings.len());
        Ok(ExitCode::from(1))
    }
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
