//! Case folders: `blowback run CASE` runs every scenario and writes a comparison table, CSVs,
//! charts and a report; `blowback calibrate CASE` fits parameters to the historical data.
//!
//! This module reads the folder and renders; loading, running, testing and fitting live in the
//! `blowback` library.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{bail, Context};
use blowback::{Case, CheckResult, CheckStatus, ComparisonTable, ScenarioRuns};
use blowback_sd::Results;

use crate::args::{apply_assignments, overrides_from, RunArgs};
use crate::charts::{self, Chart, Line, Pen};
use crate::load::{self, Source};
use crate::output::{column_width, format_value, plural, write_atomic};
use crate::report::{self, ReportInput};

/// The date the afpak case is frozen at (the essay's vantage point), marked on every chart.
const FROZEN_AT: (f64, &str) = (2022.5, "mid-2022: forecast from here");

/// Arguments of `blowback calibrate`.
#[derive(Debug, clap::Args)]
pub struct CalibrateArgs {
    /// A case folder with a `[calibration]` table (calibration.toml or scenarios.toml).
    pub path: PathBuf,
    /// Output folder for calibration.json (default out/CASE).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Override a constant before fitting: NAME=VALUE (repeatable).
    #[arg(long = "set", value_name = "NAME=VALUE")]
    pub set: Vec<String>,
    /// Optimiser iteration limit (default: the case's `max_iters`, else 400).
    #[arg(long)]
    pub max_iters: Option<u64>,
    /// Write the fitted values into the model file (only their equations change).
    #[arg(long)]
    pub write: bool,
}

fn default_out(source: &Source) -> PathBuf {
    PathBuf::from("out").join(source.name())
}

/// `blowback run CASE`: see the module docs.
pub fn run_case(args: &RunArgs) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    let dir = &args.path;
    if !args.data.is_empty() {
        bail!("--data gives a bare model file its data variables; a case reads its data from data/*.csv");
    }
    let source = load::read(dir)?;
    if source.files.scenarios.is_none() {
        bail!(
            "{} has no scenarios.toml; a case needs at least one [[scenario]] (or run the model file itself)",
            dir.display()
        );
    }
    let Some(case) = load::load(&source)? else {
        return Ok(ExitCode::from(1));
    };
    if case.scenarios().is_empty() {
        bail!("{}/scenarios.toml defines no [[scenario]]", dir.display());
    }
    let base = overrides_from(args)?;
    let selected: Vec<&blowback::Scenario> = match &args.scenario {
        Some(name) => vec![case
            .scenario(name)
            .ok_or_else(|| crate::args::unknown_name("scenario", name, &case.scenario_names()))?],
        None => case.scenarios().iter().collect(),
    };
    let vars: Option<Vec<String>> = args.vars.as_ref().map(|v| {
        v.split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(String::from)
            .collect()
    });

    check_vars(&case, vars.as_deref())?;
    for (name, _) in base.values() {
        if !known_variable(&case, name) {
            let hint = case
                .suggest(name)
                .map(|s| format!(" (did you mean `{s}`?)"))
                .unwrap_or_default();
            bail!("--set: the model has no variable `{name}`{hint}");
        }
    }

    // `--csv -` prints one scenario's results and nothing else, like a plain model run.
    if args.csv.as_deref() == Some(Path::new("-")) {
        let results = case
            .run_scenario(selected[0], &base)
            .map_err(|e| source.error(e))?;
        let cols = columns(&results, vars.as_deref())?;
        write_atomic(Path::new("-"), &csv_of(&results, &cols)?)?;
        return Ok(ExitCode::SUCCESS);
    }

    let runs = if args.scenario.is_some() {
        let scenario = selected[0];
        ScenarioRuns {
            runs: vec![(
                scenario.name.clone(),
                case.run_scenario(scenario, &base)
                    .map_err(|e| source.error(e))?,
            )],
        }
    } else {
        case.run_all(&base).map_err(|e| source.error(e))?
    };
    crate::args::warn_if_stopped_short(case.simulation(), &base, &runs.runs[0].1);
    let run_time = started.elapsed();
    let mut scenario_runs = runs.runs.len();

    // Comparisons need every scenario's run, so tests run only when all scenarios did.
    let mut test_runs = 0;
    let (behaviour, polarity) = if args.scenario.is_none() {
        let behaviour = case
            .check_behaviour(&runs, &base)
            .map_err(|e| source.error(e))?;
        let (polarity, polarity_runs) =
            case.check_polarities(&base).map_err(|e| source.error(e))?;
        test_runs = case.behaviour_test_runs() + polarity_runs;
        (Some(behaviour), Some(polarity))
    } else {
        (None, None)
    };
    scenario_runs += test_runs;

    let table = case.comparison_table(&runs);
    let out_dir = args.out.clone().unwrap_or_else(|| default_out(&source));
    let written = write_outputs(
        &case,
        &runs,
        &table,
        vars.as_deref(),
        &out_dir,
        behaviour.as_deref(),
        polarity.as_deref(),
    )?;
    let first = &runs.runs[0].1;
    if let Some(path) = &args.csv {
        write_atomic(path, &csv_of(first, &columns(first, vars.as_deref())?)?)?;
    }
    if let Some(path) = &args.json {
        write_atomic(path, &json_of(first, &columns(first, vars.as_deref())?)?)?;
    }

    // The comparison table comes last, so it is what a terminal still shows when the run is done;
    // the tests are summarised above it (every test with --verbose).
    let mut out = std::io::stdout().lock();
    let mut failed = 0;
    if let Some(behaviour) = &behaviour {
        failed += print_checks(
            &mut out,
            "behaviour tests (tests.toml)",
            behaviour,
            args.verbose,
        )?;
    }
    if let Some(polarity) = &polarity {
        failed += print_checks(
            &mut out,
            "polarity tests (claims.toml links)",
            polarity,
            args.verbose,
        )?;
    }
    if behaviour.is_none() {
        writeln!(
            out,
            "(tests skipped: they compare scenarios, so they run only without --scenario)"
        )?;
    }
    writeln!(
        out,
        "\nwrote {} to {}{}: report.html (open it in a browser), comparison.csv, a CSV per \
         scenario, PNG and SVG charts",
        plural(written, "file"),
        out_dir.display(),
        std::path::MAIN_SEPARATOR
    )?;
    writeln!(
        out,
        "{} ({}, {test_runs} for tests) in {:.0} ms; {:.0} ms in all\n",
        plural(scenario_runs, "model run"),
        plural(runs.runs.len(), "scenario"),
        run_time.as_secs_f64() * 1e3,
        started.elapsed().as_secs_f64() * 1e3
    )?;
    writeln!(out, "{}", render_table(&table))?;
    if failed > 0 {
        writeln!(out, "{} failed", plural(failed, "test"))?;
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}

fn known_variable(case: &Case, name: &str) -> bool {
    case.simulation()
        .variables()
        .any(|v| blowback_sd::canonical(v.name) == blowback_sd::canonical(name))
}

/// Checks `--vars` against the model before anything runs, with a suggestion for typos.
fn check_vars(case: &Case, vars: Option<&[String]>) -> anyhow::Result<()> {
    for name in vars.unwrap_or_default() {
        if !known_variable(case, name) {
            let hint = case
                .suggest(name)
                .map(|s| format!(" (did you mean `{s}`?)"))
                .unwrap_or_default();
            bail!("--vars: the model has no variable `{name}`{hint}");
        }
    }
    Ok(())
}

/// Column indices of `vars` in `results` (all columns when `None`), checking every name.
fn columns(results: &Results, vars: Option<&[String]>) -> anyhow::Result<Vec<usize>> {
    let Some(vars) = vars else {
        return Ok((0..results.names().len()).collect());
    };
    vars.iter()
        .map(|name| {
            results
                .names()
                .iter()
                .position(|n| blowback_sd::canonical(n) == blowback_sd::canonical(name))
                .with_context(|| format!("--vars: the model has no variable `{name}`"))
        })
        .collect()
}

/// A run as CSV: `time`, then the chosen columns headed by the model's names.
fn csv_of(results: &Results, columns: &[usize]) -> anyhow::Result<Vec<u8>> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let mut record: Vec<String> = vec!["time".into()];
    record.extend(columns.iter().map(|&c| results.names()[c].clone()));
    writer.write_record(&record)?;
    for (row, time) in results.times().iter().enumerate() {
        record.clear();
        record.push(time.to_string());
        record.extend(
            columns
                .iter()
                .map(|&c| results.column_at(c)[row].to_string()),
        );
        writer.write_record(&record)?;
    }
    writer.into_inner().map_err(|e| anyhow::anyhow!("{e}"))
}

/// A run as JSON: `{"time": [...], "variables": {"name": [...]}}`.
fn json_of(results: &Results, columns: &[usize]) -> anyhow::Result<Vec<u8>> {
    let mut variables = serde_json::Map::new();
    for &c in columns {
        variables.insert(
            results.names()[c].clone(),
            serde_json::json!(results.column_at(c)),
        );
    }
    let value = serde_json::json!({ "time": results.times(), "variables": variables });
    let mut bytes = serde_json::to_vec_pretty(&value)?;
    bytes.push(b'\n');
    Ok(bytes)
}

/// File-name-safe form of a scenario or variable name.
fn file_stem(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// Writes the CSVs, charts, comparison table and report; returns how many files it wrote.
#[allow(clippy::too_many_arguments)]
fn write_outputs(
    case: &Case,
    runs: &ScenarioRuns,
    table: &ComparisonTable,
    vars: Option<&[String]>,
    out_dir: &Path,
    behaviour: Option<&[CheckResult]>,
    polarity: Option<&[CheckResult]>,
) -> anyhow::Result<usize> {
    let mut written = 0;
    let mut csv_files = Vec::new();
    for (name, results) in &runs.runs {
        let file = format!("{}.csv", file_stem(name));
        let cols = columns(results, vars)?;
        write_atomic(&out_dir.join(&file), &csv_of(results, &cols)?)?;
        csv_files.push((name.clone(), file));
        written += 1;
    }
    write_atomic(&out_dir.join("comparison.csv"), &table_csv(table)?)?;
    written += 1;

    let chart_vars: Vec<String> = match vars {
        Some(vars) => vars.to_vec(),
        None => case.report().variables.clone(),
    };
    let mut svgs = Vec::new();
    for var in &chart_vars {
        let lines: Vec<Line> = runs
            .runs
            .iter()
            .enumerate()
            .filter_map(|(index, (name, results))| {
                Some(Line {
                    label: name,
                    times: results.times(),
                    values: results.column(var)?,
                    pen: Pen::scenario(index),
                })
            })
            .collect();
        if lines.is_empty() {
            continue;
        }
        let points: Vec<(String, Vec<(f64, f64)>)> = case
            .data()
            .iter()
            .filter(|s| blowback_sd::canonical(&s.spec.variable) == blowback_sd::canonical(var))
            .map(|s| {
                let label = s
                    .spec
                    .label
                    .clone()
                    .unwrap_or_else(|| format!("data/{}", s.spec.file));
                (
                    label,
                    s.observations.iter().map(|o| (o.time, o.value)).collect(),
                )
            })
            .collect();
        let title = crate::labels::title_of(case.project(), var);
        let units = crate::labels::units_of(case.project(), var);
        let chart = Chart {
            title: &title,
            y_label: &units,
            lines,
            points,
            marker: Some(FROZEN_AT),
        };
        let svg = charts::svg(&chart)?;
        let stem = file_stem(var);
        write_atomic(&out_dir.join(format!("{stem}.svg")), svg.as_bytes())?;
        write_atomic(&out_dir.join(format!("{stem}.png")), &charts::png(&chart)?)?;
        written += 2;
        svgs.push((var.clone(), svg));
    }
    let outcome_units: Vec<String> = table
        .outcomes
        .iter()
        .map(|o| outcome_units(case, o))
        .collect();
    let key = table_key(table);
    let html = report::html(&ReportInput {
        title: &case_title(case),
        scenarios: case.scenarios(),
        table,
        outcome_units: &outcome_units,
        table_key: key.trim_start_matches('(').trim_end_matches(')'),
        charts: &svgs,
        behaviour,
        polarity,
        csv_files: &csv_files,
    });
    write_atomic(&out_dir.join("report.html"), html.as_bytes())?;
    Ok(written + 1)
}

fn case_title(case: &Case) -> String {
    case.project()
        .header
        .name
        .clone()
        .unwrap_or_else(|| "case".to_string())
}

fn table_csv(table: &ComparisonTable) -> anyhow::Result<Vec<u8>> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let mut record = vec!["scenario".to_string()];
    record.extend(table.outcomes.iter().map(|o| o.label.clone()));
    writer.write_record(&record)?;
    for (name, values) in &table.rows {
        record.clear();
        record.push(name.clone());
        record.extend(
            values
                .iter()
                .map(|v| v.map(|v| v.to_string()).unwrap_or_default()),
        );
        writer.write_record(&record)?;
    }
    writer.into_inner().map_err(|e| anyhow::anyhow!("{e}"))
}

/// The comparison table as aligned text.
fn render_table(table: &ComparisonTable) -> String {
    let name_width = column_width(table.rows.iter().map(|(n, _)| n.as_str()), "scenario".len());
    let widths: Vec<usize> = table
        .outcomes
        .iter()
        .enumerate()
        .map(|(i, o)| {
            table
                .rows
                .iter()
                .map(|(_, v)| format_value(v[i]).len())
                .max()
                .unwrap_or(1)
                .max(o.label.chars().count())
        })
        .collect();
    let mut text = format!("{:<name_width$}", "scenario");
    for (o, w) in table.outcomes.iter().zip(&widths) {
        let _ = write!(text, "  {:>w$}", o.label);
    }
    for (name, values) in &table.rows {
        let _ = write!(text, "\n{name:<name_width$}");
        for (v, w) in values.iter().zip(&widths) {
            let _ = write!(text, "  {:>w$}", format_value(*v));
        }
    }
    text.push('\n');
    text.push_str(&table_key(table));
    text
}

/// The units of an outcome column in words: its variable's, except that a sum over time of a
/// rate drops the "per time unit" (attacks per year summed over years are attacks).
fn outcome_units(case: &Case, outcome: &blowback::Outcome) -> String {
    let units = crate::labels::units_of(case.project(), &outcome.var);
    let time_units = case
        .simulation()
        .sim_specs()
        .time_units
        .as_deref()
        .map(blowback_sd::readable_units)
        .unwrap_or_default();
    if outcome.stat == blowback::Stat::Sum && !time_units.is_empty() {
        if let Some(stripped) = units.strip_suffix(&format!(" per {time_units}")) {
            return stripped.to_string();
        }
    }
    units
}

/// What the columns are, from the case's own outcome definitions: means over their window unless
/// said otherwise.
fn table_key(table: &ComparisonTable) -> String {
    let others: Vec<String> = table
        .outcomes
        .iter()
        .filter(|o| o.stat != blowback::Stat::Mean)
        .map(|o| {
            format!(
                "{}: {} from {} up to {}",
                o.label,
                o.stat.name(),
                o.from,
                o.to
            )
        })
        .collect();
    if others.is_empty() {
        "(each column: the mean over its window)".into()
    } else {
        format!(
            "(each column: the mean over its window, except {})",
            others.join("; ")
        )
    }
}

fn print_checks(
    out: &mut impl std::io::Write,
    title: &str,
    checks: &[CheckResult],
    verbose: bool,
) -> std::io::Result<usize> {
    let count = |status| {
        checks
            .iter()
            .filter(|c| c.status == status && c.as_expected())
            .count()
    };
    let (pass, findings, structural) = (
        count(CheckStatus::Pass),
        count(CheckStatus::Fail),
        count(CheckStatus::StructuralOnly),
    );
    let unexpected = checks.iter().filter(|c| !c.as_expected()).count();
    write!(out, "{title}: {pass} passed, {unexpected} failed")?;
    if findings > 0 {
        write!(
            out,
            ", {findings} failed as recorded (findings against a claim)"
        )?;
    }
    if structural > 0 {
        write!(out, ", {structural} structural only")?;
    }
    writeln!(out)?;
    let mut hidden = 0;
    for check in checks {
        let label = match (check.status, check.as_expected()) {
            (CheckStatus::Fail, true) => "FINDING",
            (CheckStatus::Pass, false) => "UNEXPECTED PASS",
            (status, _) => status.label(),
        };
        // Failures and findings always show; passing and structural-only tests with --verbose.
        if verbose || !check.as_expected() || check.status == CheckStatus::Fail {
            writeln!(out, "  {:<6} {}: {}", label, check.name, check.detail)?;
        } else {
            hidden += 1;
        }
    }
    if hidden > 0 {
        writeln!(
            out,
            "  ({hidden} more as expected; --verbose lists every test)"
        )?;
    }
    Ok(unexpected)
}

/// Says, on standard error, what makes a fit less than it seems: an optimiser stopped by its
/// iteration limit, and parameters held by their bounds rather than by the data.
fn calibration_warnings(fit: &blowback::Calibration) {
    if fit.stopped_at_limit {
        eprintln!(
            "warning: the optimiser stopped at its limit of {} per start before converging; the \
             fit may improve with --max-iters {}",
            plural(fit.iteration_limit as usize, "iteration"),
            fit.iteration_limit * 4
        );
    }
    let bound: Vec<&str> = fit
        .parameters
        .iter()
        .filter(|p| p.at_bound())
        .map(|p| p.name.as_str())
        .collect();
    if !bound.is_empty() {
        eprintln!(
            "warning: {} of {} ended on a bound of {} range ({}): the range, not the data, set \
             the value; widen the range in the calibration settings if the bound is not a hard limit",
            bound.len(),
            plural(fit.parameters.len(), "parameter"),
            if bound.len() == 1 { "its" } else { "their" },
            bound.join(", ")
        );
    }
}

/// `blowback calibrate CASE`.
pub fn calibrate(args: CalibrateArgs) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    let Some((case, source)) = load::open(&args.path)? else {
        return Ok(ExitCode::from(1));
    };
    let mut base = blowback_sd::Overrides::new();
    apply_assignments(&args.set, &mut base)?;
    let fit = case
        .calibrate(&base, args.max_iters)
        .map_err(|e| source.error(e))?;

    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "fit to the historical record (holdout: compared with the fitted model, never fitted)"
    )?;
    // Columns as wide as their longest entry, so a long variable name does not push its row out
    // of line.
    let name_width = column_width(fit.points.iter().map(|p| p.variable.as_str()), 8);
    writeln!(
        out,
        "{:<name_width$} {:>10} {:>16} {:>10} {:>10} {:>9}  window",
        "variable", "time", "data", "model0", "fitted", "residual"
    )?;
    for (point, before) in fit.points.iter().zip(&fit.initial_points) {
        let time = match point.observation.window {
            Some((from, _)) => format!("{from:.0}"),
            None => format!("{:.2}", point.observation.time),
        };
        let data = match point.observation.bounds {
            Some((low, high)) => format!(
                "{}-{}",
                if low.is_finite() {
                    format_value(Some(low))
                } else {
                    String::new()
                },
                if high.is_finite() {
                    format_value(Some(high))
                } else {
                    String::new()
                }
            ),
            None => format_value(Some(point.observation.value)),
        };
        writeln!(
            out,
            "{:<name_width$} {:>10} {:>16} {:>10} {:>10} {:>+9.3}  {}",
            point.variable,
            time,
            data,
            format_value(Some(before.model)),
            format_value(Some(point.model)),
            point.residual,
            point.role.name()
        )?;
    }
    writeln!(
        out,
        "\nhow well each series is fitted (residuals on the fit's scale; Theil shares of the mean squared error)"
    )?;
    let label_width = column_width(fit.series.iter().map(|s| s.label.as_str()), 6);
    writeln!(
        out,
        "{:<label_width$} {:<8} {:>3} {:>7} {:>6} {:>6} {:>6} {:>6} {:>6} {:>7}",
        "series", "window", "n", "rms", "sigma", "U_M", "U_S", "U_C", "r", "outside"
    )?;
    for s in &fit.series {
        let shares = |f: fn(&blowback::Theil) -> f64| {
            s.theil
                .as_ref()
                .map_or_else(|| "-".to_string(), |t| format!("{:.2}", f(t)))
        };
        writeln!(
            out,
            "{:<label_width$} {:<8} {:>3} {:>7.3} {:>6.3} {:>6} {:>6} {:>6} {:>6} {:>7}",
            s.label,
            s.role.name(),
            s.n,
            s.rms_residual,
            s.sigma,
            shares(|t| t.bias),
            shares(|t| t.variance),
            shares(|t| t.covariance),
            shares(|t| t.correlation),
            s.outside_range
        )?;
    }
    writeln!(out, "\nfitted parameters (model value -> fitted, [bounds])")?;
    let parameter_width = column_width(fit.parameters.iter().map(|p| p.name.as_str()), 0);
    for p in &fit.parameters {
        let at_bound = p.at_bound();
        writeln!(
            out,
            "  {:<parameter_width$} {:>12.6} -> {:>12.6}  [{}, {}]{}",
            p.name,
            p.initial,
            p.fitted,
            p.lo,
            p.hi,
            if at_bound { "  at a bound" } else { "" }
        )?;
    }
    writeln!(
        out,
        "\ncost {:.4} -> {:.4} (of which priors {:.4}) over {} fitted observations; {} over {}, {}, {:.1} s",
        fit.initial_cost,
        fit.cost,
        fit.prior_cost,
        fit.observations_used,
        plural(fit.iterations as usize, "iteration"),
        plural(fit.starts as usize, "start"),
        plural(fit.runs, "run"),
        started.elapsed().as_secs_f64()
    )?;
    calibration_warnings(&fit);
    let theil_json = |t: &Option<blowback::Theil>| {
        t.map(|t| {
            serde_json::json!({
                "mse": t.mse, "bias": t.bias, "variance": t.variance,
                "covariance": t.covariance, "correlation": t.correlation,
            })
        })
    };
    let json = serde_json::json!({
        "parameters": fit.parameters.iter().map(|p| serde_json::json!({
            "name": p.name, "model_value": p.initial, "fitted": p.fitted, "lo": p.lo, "hi": p.hi,
        })).collect::<Vec<_>>(),
        "initial_cost": fit.initial_cost,
        "cost": fit.cost,
        "prior_cost": fit.prior_cost,
        "iterations": fit.iterations,
        "starts": fit.starts,
        "runs": fit.runs,
        "observations_used": fit.observations_used,
        "series": fit.series.iter().map(|s| serde_json::json!({
            "variable": s.variable, "label": s.label, "window": s.role.name(), "n": s.n,
            "rms_residual": s.rms_residual, "sigma": s.sigma, "outside_range": s.outside_range,
            "theil": theil_json(&s.theil),
        })).collect::<Vec<_>>(),
        "points": fit.points.iter().zip(&fit.initial_points).map(|(p, b)| serde_json::json!({
            "variable": p.variable,
            "time": p.observation.time,
            "window": p.observation.window.map(|(a, b)| [a, b]),
            "data": p.observation.value,
            "range": p.observation.bounds.map(|(a, b)| [a, b]),
            "model_before": b.model,
            "model_fitted": p.model,
            "residual": p.residual,
            "role": p.role.name(),
        })).collect::<Vec<_>>(),
    });
    let out_dir = args.out.clone().unwrap_or_else(|| default_out(&source));
    let path = out_dir.join("calibration.json");
    let mut bytes = serde_json::to_vec_pretty(&json)?;
    bytes.push(b'\n');
    write_atomic(&path, &bytes)?;
    if args.write {
        let model_path = source.model_path().to_path_buf();
        let values: Vec<(&str, f64)> = fit
            .parameters
            .iter()
            .map(|p| (p.name.as_str(), p.fitted))
            .collect();
        let edited = blowback_sd::set_constants(&source.files.model, &values)
            .with_context(|| format!("writing the fit into {}", model_path.display()))?;
        write_atomic(&model_path, edited.as_bytes())?;
        writeln!(
            out,
            "wrote {} and the fitted values into {}",
            path.display(),
            model_path.display()
        )?;
    } else {
        writeln!(
            out,
            "wrote {} (the model file is unchanged; --write puts the fit into it)",
            path.display()
        )?;
    }
    Ok(ExitCode::SUCCESS)
}
