//! `blowback events`: summaries, extracts and Hawkes fits of conflict event data.
//!
//! Reads files, builds filters from flags, calls `blowback-events`, and renders CSV, JSON or
//! text. Bad rows are always counted and listed on standard error; `--strict` makes the first
//! one fatal.

use std::fmt::Write as _;
use std::fs::File;
use std::io::BufReader;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Context};
use blowback_events::hawkes::fit::{fit, likelihood_ratio_test, FitOptions, HawkesFit, Optimizer};
use blowback_events::hawkes::gof::{qq_points_exponential, rescaled_intervals};
use blowback_events::hawkes::model::{log_likelihood, HawkesParams};
use blowback_events::hawkes::table::{build_sequence, read_time_table, Stamp};
use blowback_events::hawkes::ties::TiePolicy;
use blowback_events::{panel, read_events, write_extract, BadRow, Date, Filter, Period};
use serde_json::json;

use crate::output::{printable, write_atomic};

/// Events subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Events and deaths per period (zero-filled), for the events passing the filters.
    Summary(SummaryArgs),
    /// Copy matching rows verbatim into a smaller CSV, optionally labelled by series.
    Extract(ExtractArgs),
    /// Fit a Hawkes process (exponential kernel) to the event times of a CSV.
    Fit(FitArgs),
    /// Log-likelihood of given Hawkes parameters on the event times of a CSV.
    Likelihood(LikelihoodArgs),
}

/// Filters shared by `summary` and `extract`.
#[derive(Debug, clap::Args)]
pub struct FilterArgs {
    /// Keep events where either side is exactly NAME (after trimming); repeatable (any).
    #[arg(long, value_name = "NAME")]
    actor: Vec<String>,
    /// Keep events where either side matches the regular expression; repeatable (any).
    #[arg(long, value_name = "RE")]
    actor_regex: Vec<String>,
    /// Keep events whose side A is exactly NAME.
    #[arg(long, value_name = "NAME")]
    side_a: Vec<String>,
    /// Keep events whose side B is exactly NAME.
    #[arg(long, value_name = "NAME")]
    side_b: Vec<String>,
    /// Keep events in this country; repeatable (any).
    #[arg(long, value_name = "C")]
    country: Vec<String>,
    /// Keep events of this dyad (UCDP dyad_name); repeatable (any).
    #[arg(long, value_name = "NAME")]
    dyad: Vec<String>,
    /// Keep events of this UCDP type of violence (1 state-based, 2 non-state, 3 one-sided).
    #[arg(long, value_name = "N")]
    type_of_violence: Vec<u8>,
    /// Keep events starting on or after DATE.
    #[arg(long, value_name = "DATE")]
    since: Option<Date>,
    /// Keep events starting on or before DATE.
    #[arg(long, value_name = "DATE")]
    until: Option<Date>,
    /// Keep events with date_prec at most N (1 = exact day).
    #[arg(long, value_name = "N")]
    max_date_prec: Option<u8>,
    /// Keep events with where_prec at most N (1 = exact place).
    #[arg(long, value_name = "N")]
    max_where_prec: Option<u8>,
    /// Keep events with at least N deaths (best estimate).
    #[arg(long, value_name = "N")]
    min_deaths: Option<u32>,
    /// Fail on the first unreadable row instead of listing them.
    #[arg(long)]
    strict: bool,
    /// List every row kept with a data-quality warning (default: a count and three examples).
    #[arg(long)]
    show_warnings: bool,
}

impl FilterArgs {
    fn filter(&self) -> anyhow::Result<Filter> {
        let mut filter = Filter::new();
        for name in &self.actor {
            filter = filter.actor(name);
        }
        for pattern in &self.actor_regex {
            filter = filter
                .actor_regex(pattern)
                .with_context(|| format!("--actor-regex `{pattern}`"))?;
        }
        for name in &self.side_a {
            filter = filter.side_a(name);
        }
        for name in &self.side_b {
            filter = filter.side_b(name);
        }
        for name in &self.country {
            filter = filter.country(name);
        }
        for name in &self.dyad {
            filter = filter.dyad(name);
        }
        for &code in &self.type_of_violence {
            filter = filter.type_of_violence(code);
        }
        if let Some(date) = self.since {
            filter = filter.since(date);
        }
        if let Some(date) = self.until {
            filter = filter.until(date);
        }
        if let Some(code) = self.max_date_prec {
            filter = filter.max_date_prec(code);
        }
        if let Some(code) = self.max_where_prec {
            filter = filter.max_where_prec(code);
        }
        if let Some(deaths) = self.min_deaths {
            filter = filter.min_deaths(deaths);
        }
        Ok(filter)
    }
}

/// Arguments of `blowback events summary`.
#[derive(Debug, clap::Args)]
pub struct SummaryArgs {
    /// Event file: UCDP GED (either layout) or Candidate, ACLED export, or GTD, as CSV.
    file: PathBuf,
    #[command(flatten)]
    filters: FilterArgs,
    /// Period of each row.
    #[arg(long, default_value = "year", value_name = "day|week|month|year")]
    by: Period,
    /// Write CSV to PATH (`-` for standard output); the default when no format is given.
    #[arg(long, value_name = "PATH", num_args = 0..=1, default_missing_value = "-")]
    csv: Option<PathBuf>,
    /// Write JSON to PATH (`-` or no value for standard output).
    #[arg(long, value_name = "PATH", num_args = 0..=1, default_missing_value = "-")]
    json: Option<PathBuf>,
}

/// Arguments of `blowback events extract`.
#[derive(Debug, clap::Args)]
pub struct ExtractArgs {
    /// Event file (any layout `summary` reads).
    file: PathBuf,
    #[command(flatten)]
    filters: FilterArgs,
    /// Label rows where either side is exactly ACTOR with LABEL, in a `series` column; rows
    /// matching no series are dropped; the first matching series wins. Repeatable.
    #[arg(long, value_name = "LABEL=ACTOR")]
    series: Vec<String>,
    /// Keep only these columns, in this order (comma-separated); default: all.
    #[arg(long, value_name = "A,B", value_delimiter = ',')]
    columns: Vec<String>,
    /// Write the rows as CSV to PATH (`-` or no value for standard output).
    #[arg(long, short = 'o', alias = "output", value_name = "PATH", num_args = 0..=1, default_missing_value = "-")]
    csv: PathBuf,
}

/// Arguments of `blowback events fit`.
#[derive(Debug, clap::Args)]
pub struct FitArgs {
    /// CSV holding one event per row (any CSV; UCDP extracts work as they are).
    file: PathBuf,
    /// Column holding each event's time: dates (any UCDP/ACLED spelling) or numbers.
    #[arg(long, value_name = "C")]
    time_column: String,
    /// Fail on the first unreadable row instead of listing them.
    #[arg(long)]
    strict: bool,
    /// Column whose values split events into dimensions (multivariate fit).
    #[arg(long, value_name = "M")]
    mark_column: Option<String>,
    /// Dimensions to fit, in order (comma-separated mark values); rows with other marks are left
    /// out and counted. Default: every distinct value, sorted.
    #[arg(long, value_name = "A,B", value_delimiter = ',')]
    marks: Vec<String>,
    /// Window start (date or number); default 0 for numeric times (as tick and hawkeslib observe
    /// [0, T]), the earliest event for dates. Earlier rows are left out.
    #[arg(long, value_name = "T")]
    start: Option<String>,
    /// Window end (date or number): the last observed day for dates.
    #[arg(long, value_name = "T")]
    end: String,
    /// Kernel family; only the exponential (one shared decay) is implemented.
    #[arg(long, value_enum, default_value_t = Kernel::Exp)]
    kernel: Kernel,
    /// Background change point (date or number); repeatable. Also fits the model without them
    /// and reports the likelihood-ratio test.
    #[arg(long = "change-point", value_name = "DATE")]
    change_points: Vec<String>,
    /// Same-day ties.
    #[arg(long, value_enum, default_value_t = Ties::Jitter)]
    ties: Ties,
    /// Seed of the jitter.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Optimiser; all reach the same maximum. With several dimensions `profile` uses L-BFGS.
    #[arg(long, value_enum, default_value_t = OptimizerArg::Profile)]
    optimizer: OptimizerArg,
    /// Starting decay rate(s): the decays scanned by `profile` (default nine, 0.01 to 100 over
    /// the mean gap), or one start each for the others (default four, 0.01 to 10).
    #[arg(long, value_name = "BETA", value_delimiter = ',')]
    beta_start: Vec<f64>,
    /// Write JSON to PATH (`-` or no value for standard output) instead of text.
    #[arg(long, value_name = "PATH", num_args = 0..=1, default_missing_value = "-")]
    json: Option<PathBuf>,
    /// Write the QQ plot of the rescaled inter-event times against Exp(1) as CSV to PATH
    /// (columns `dimension`, `theoretical`, `observed`).
    #[arg(long, value_name = "PATH")]
    qq: Option<PathBuf>,
}

/// `--kernel` of `blowback events fit`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Kernel {
    /// Exponential, one decay shared by every pair of dimensions.
    Exp,
}

/// `--ties` of `blowback events fit`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Ties {
    /// A uniform time within the day, seeded.
    Jitter,
    /// One event per day and mark, then jittered.
    Collapse,
    /// Ties do not excite each other (breaks the KS test).
    Keep,
}

impl Ties {
    /// The value's name on the command line.
    fn name(self) -> &'static str {
        match self {
            Ties::Jitter => "jitter",
            Ties::Collapse => "collapse",
            Ties::Keep => "keep",
        }
    }
}

/// `--optimizer` of `blowback events fit`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum OptimizerArg {
    /// Profile likelihood in the decay: a scan, then Newton (one dimension).
    Profile,
    /// argmin's L-BFGS.
    Lbfgs,
    /// Newton with the exact Hessian.
    Newton,
}

/// Arguments of `blowback events likelihood`.
#[derive(Debug, clap::Args)]
pub struct LikelihoodArgs {
    /// CSV holding one event per row.
    file: PathBuf,
    /// Column holding each event's time.
    #[arg(long, value_name = "C")]
    time_column: String,
    /// Fail on the first unreadable row instead of listing them.
    #[arg(long)]
    strict: bool,
    /// Window start; default 0 for numbers, the earliest event for dates.
    #[arg(long, value_name = "T")]
    start: Option<String>,
    /// Window end.
    #[arg(long, value_name = "T")]
    end: String,
    /// Background rate (univariate, constant).
    #[arg(long)]
    mu: f64,
    /// Branching ratio (kernel integral).
    #[arg(long)]
    alpha: f64,
    /// Decay rate.
    #[arg(long)]
    beta: f64,
}

/// Runs an events subcommand.
pub fn run(command: Command) -> anyhow::Result<ExitCode> {
    match command {
        Command::Summary(args) => summary(args),
        Command::Extract(args) => extract(args),
        Command::Fit(args) => fit_command(args),
        Command::Likelihood(args) => likelihood(args),
    }
}

fn open(path: &Path) -> anyhow::Result<BufReader<File>> {
    let file = File::open(path).with_context(|| format!("opening {}", path.display()))?;
    Ok(BufReader::new(file))
}

/// Warnings (rows kept with a data-quality issue) are one line unless `all` asks for the list,
/// because UCDP files carry hundreds of them.
fn report_warnings(path: &Path, warnings: &[BadRow], all: bool) {
    if warnings.is_empty() {
        return;
    }
    eprintln!(
        "note: {}: {} kept with a data-quality warning ({})",
        path.display(),
        crate::output::plural(warnings.len(), "row"),
        if all {
            "listed below"
        } else {
            "--show-warnings lists them"
        }
    );
    if all {
        for warning in warnings {
            eprintln!("  {}:{}", path.display(), printable(&warning.to_string()));
        }
    }
}

fn report_bad_rows(path: &Path, bad_rows: &[BadRow]) {
    if bad_rows.is_empty() {
        return;
    }
    eprintln!(
        "warning: {}: {} left out (use --strict to stop at the first):",
        path.display(),
        crate::output::plural(bad_rows.len(), "unreadable row")
    );
    for bad in bad_rows {
        eprintln!("  {}:{}", path.display(), printable(&bad.to_string()));
    }
}

fn summary(args: SummaryArgs) -> anyhow::Result<ExitCode> {
    let filter = args.filters.filter()?;
    let report = read_events(open(&args.file)?, args.filters.strict)
        .with_context(|| format!("reading {}", args.file.display()))?;
    report_bad_rows(&args.file, &report.bad_rows);
    report_warnings(&args.file, &report.warnings, args.filters.show_warnings);
    let selected = report.events.iter().filter(|e| filter.matches(e));
    let rows = panel(selected, args.by, args.filters.since, args.filters.until);
    let column = args.by.column_name();
    if let Some(path) = &args.json {
        let values: Vec<_> = rows
            .iter()
            .map(|row| {
                json!({
                    column: row.label,
                    "events": row.counts.events,
                    "deaths_best": row.counts.deaths_best,
                    "deaths_low": row.counts.deaths_low,
                    "deaths_high": row.counts.deaths_high,
                })
            })
            .collect();
        let mut text = serde_json::to_string_pretty(&values)?;
        text.push('\n');
        write_atomic(path, text.as_bytes())?;
    }
    if args.csv.is_some() || args.json.is_none() {
        let mut text = format!("{column},events,deaths_best,deaths_low,deaths_high\n");
        for row in &rows {
            let c = row.counts;
            writeln!(
                text,
                "{},{},{},{},{}",
                row.label, c.events, c.deaths_best, c.deaths_low, c.deaths_high
            )?;
        }
        let path = args.csv.unwrap_or_else(|| PathBuf::from("-"));
        write_atomic(&path, text.as_bytes())?;
    }
    Ok(ExitCode::SUCCESS)
}

fn extract(args: ExtractArgs) -> anyhow::Result<ExitCode> {
    let filter = args.filters.filter()?;
    let mut series = Vec::new();
    for spec in &args.series {
        let (label, actor) = spec
            .split_once('=')
            .with_context(|| format!("--series `{spec}`: expected LABEL=ACTOR"))?;
        series.push((label.trim().to_string(), Filter::new().actor(actor)));
    }
    let mut bytes = Vec::new();
    let report = write_extract(
        open(&args.file)?,
        &mut bytes,
        &filter,
        &series,
        &args.columns,
        args.filters.strict,
    )
    .with_context(|| format!("reading {}", args.file.display()))?;
    report_bad_rows(&args.file, &report.bad_rows);
    report_warnings(&args.file, &report.warnings, args.filters.show_warnings);
    write_atomic(&args.csv, &bytes)?;
    let per_series: Vec<String> = report
        .per_series
        .iter()
        .map(|(label, n)| format!("{label}: {n}"))
        .collect();
    eprintln!(
        "{} of {} rows written{}",
        report.rows_written,
        report.rows_read,
        if per_series.is_empty() {
            String::new()
        } else {
            format!(" ({})", per_series.join(", "))
        }
    );
    Ok(ExitCode::SUCCESS)
}

fn parse_stamp(flag: &str, text: &str) -> anyhow::Result<Stamp> {
    Stamp::parse(text).map_err(|message| anyhow::anyhow!("{flag} `{text}`: {message}"))
}

fn fit_command(args: FitArgs) -> anyhow::Result<ExitCode> {
    let Kernel::Exp = args.kernel;
    let ties = match args.ties {
        Ties::Jitter => TiePolicy::Jitter { seed: args.seed },
        Ties::Collapse => TiePolicy::Collapse { seed: args.seed },
        Ties::Keep => TiePolicy::Keep,
    };
    let table = read_time_table(
        open(&args.file)?,
        &args.time_column,
        args.mark_column.as_deref(),
        args.strict,
    )
    .with_context(|| format!("reading {}", args.file.display()))?;
    report_bad_rows(&args.file, &table.bad_rows);
    let end = parse_stamp("--end", &args.end)?;
    let start = match &args.start {
        Some(text) => parse_stamp("--start", text)?,
        None => table
            .default_start(end, &args.marks)
            .context("no rows with the requested marks")?,
    };
    let windowed = build_sequence(&table, start, end, &args.marks, ties)?;
    let counts = windowed.sequence.counts();
    if let Some(i) = counts.iter().position(|&c| c == 0) {
        bail!(
            "mark `{}` has no events in the window (marks fitted: {})",
            windowed.labels[i],
            windowed.labels.join(", ")
        );
    }
    let mut change_points = Vec::new();
    for text in &args.change_points {
        let time = parse_stamp("--change-point", text)?.value() - start.value();
        if !(time > 0.0 && time < windowed.sequence.end()) {
            bail!("--change-point {text} lies outside the window (after --start, before --end)");
        }
        change_points.push(time);
    }
    let optimizer = match args.optimizer {
        OptimizerArg::Profile => Optimizer::Profile,
        OptimizerArg::Lbfgs => Optimizer::Lbfgs,
        OptimizerArg::Newton => Optimizer::Newton,
    };
    let options = FitOptions {
        change_points: change_points.clone(),
        beta_starts: args.beta_start.clone(),
        optimizer,
        ..FitOptions::default()
    };
    let result = fit(&windowed.sequence, &options)?;
    if let Some(path) = &args.qq {
        let intervals = rescaled_intervals(&windowed.sequence, &change_points, &result.params);
        let mut text = String::from("dimension,theoretical,observed\n");
        for (label, sample) in windowed.labels.iter().zip(&intervals) {
            for (theoretical, observed) in qq_points_exponential(sample) {
                writeln!(text, "{label},{theoretical},{observed}")?;
            }
        }
        write_atomic(path, text.as_bytes())?;
    }
    let restricted = if change_points.is_empty() {
        None
    } else {
        Some(fit(
            &windowed.sequence,
            &FitOptions {
                change_points: Vec::new(),
                ..options.clone()
            },
        )?)
    };
    let unit = if matches!(end, Stamp::Day(_)) {
        "day"
    } else {
        "time unit"
    };
    let ties_name = if matches!(end, Stamp::Day(_)) {
        args.ties.name()
    } else {
        "none (numeric times)"
    };
    let fit_json = |fit: &HawkesFit| {
        json!({
            "mu": fit.params.mu,
            "adjacency": fit.params.adjacency,
            "beta": fit.params.beta,
            "log_likelihood": fit.log_likelihood,
            "branching_ratio": fit.branching_ratio,
            "standard_errors": {
                "mu": fit.standard_errors.mu,
                "adjacency": fit.standard_errors.adjacency,
                "beta": fit.standard_errors.beta,
            },
            "aic": fit.aic,
            "poisson_log_likelihood": fit.poisson_log_likelihood,
            "poisson_aic": fit.poisson_aic,
            "ks_statistic": fit.ks_statistic,
            "ks_p_value": fit.ks_p_value,
            "n_params": fit.n_params,
            "iterations": fit.iterations,
        })
    };
    let mut value = fit_json(&result);
    let object = value.as_object_mut().expect("fit_json builds an object");
    object.insert("marks".into(), json!(windowed.labels));
    object.insert("n_events".into(), json!(result.n_events));
    object.insert("time_unit".into(), json!(unit));
    object.insert(
        "window".into(),
        json!({ "start": start.to_string(), "end": end.to_string(), "length": result.end }),
    );
    object.insert("change_points".into(), json!(args.change_points));
    object.insert("change_point_times".into(), json!(change_points));
    object.insert("ties".into(), json!(ties_name));
    object.insert("seed".into(), json!(args.seed));
    object.insert(
        "rows_outside_window".into(),
        json!(windowed.outside_window.len()),
    );
    object.insert("collapsed_ties".into(), json!(windowed.collapsed));
    object.insert(
        "rows_with_other_marks".into(),
        json!(windowed.other_marks.len()),
    );
    if let Some(restricted) = &restricted {
        let test = likelihood_ratio_test(restricted, &result);
        object.insert("without_change_points".into(), fit_json(restricted));
        object.insert(
            "likelihood_ratio_test".into(),
            json!({ "statistic": test.statistic, "degrees_of_freedom": test.degrees_of_freedom, "p_value": test.p_value }),
        );
    }
    if let Some(path) = &args.json {
        let mut text = serde_json::to_string_pretty(&value)?;
        text.push('\n');
        write_atomic(path, text.as_bytes())?;
        return Ok(ExitCode::SUCCESS);
    }
    let mut text = String::new();
    writeln!(
        text,
        "{} (ties: {ties_name}, {} rows outside the window, {} with other marks, {} ties collapsed)",
        fit_header(windowed.sequence.len(), start, end, result.end, unit),
        windowed.outside_window.len(),
        windowed.other_marks.len(),
        windowed.collapsed
    )?;
    render_fit(&mut text, &windowed.labels, &result)?;
    if let Some(restricted) = &restricted {
        let test = likelihood_ratio_test(restricted, &result);
        writeln!(text, "\nwithout change points:")?;
        render_fit(&mut text, &windowed.labels, restricted)?;
        writeln!(
            text,
            "\nlikelihood-ratio test of the change points: statistic {:.3}, df {}, p = {:.3e}",
            test.statistic, test.degrees_of_freedom, test.p_value
        )?;
    }
    write_atomic(Path::new("-"), text.as_bytes())?;
    Ok(ExitCode::SUCCESS)
}

/// The first line of a fit's text: how many events, and the window they were observed in.
fn fit_header(events: usize, start: Stamp, end: Stamp, length: f64, unit: &str) -> String {
    let through = if matches!(end, Stamp::Day(_)) {
        " (through that day)"
    } else {
        ""
    };
    format!(
        "Hawkes fit, exponential kernel, {events} events in the window from {start} to {end}{through}: {length:.1} {unit}s"
    )
}

fn render_fit(text: &mut String, labels: &[String], fit: &HawkesFit) -> anyhow::Result<()> {
    let p = &fit.params;
    let se = &fit.standard_errors;
    for (i, label) in labels.iter().enumerate() {
        let name = if label.is_empty() { "events" } else { label };
        let rates: Vec<String> = p.mu[i]
            .iter()
            .zip(&se.mu[i])
            .map(|(m, s)| format!("{m:.4} ± {s:.4}"))
            .collect();
        writeln!(text, "  mu[{name}] per segment: {}", rates.join(", "))?;
        for (j, source) in labels.iter().enumerate() {
            let source = if source.is_empty() { "events" } else { source };
            writeln!(
                text,
                "  A[{name} <- {source}] = {:.4} ± {:.4}",
                p.adjacency[i][j], se.adjacency[i][j]
            )?;
        }
    }
    writeln!(
        text,
        "  beta = {:.4} ± {:.4} (mean delay 1/beta = {:.3})",
        p.beta,
        se.beta,
        1.0 / p.beta
    )?;
    writeln!(
        text,
        "  branching ratio {:.4}; log L {:.4}; AIC {:.2} vs Poisson {:.2}; KS {:.4} (p = {:.3e})",
        fit.branching_ratio,
        fit.log_likelihood,
        fit.aic,
        fit.poisson_aic,
        fit.ks_statistic,
        fit.ks_p_value
    )?;
    Ok(())
}

fn likelihood(args: LikelihoodArgs) -> anyhow::Result<ExitCode> {
    let table = read_time_table(open(&args.file)?, &args.time_column, None, args.strict)
        .with_context(|| format!("reading {}", args.file.display()))?;
    report_bad_rows(&args.file, &table.bad_rows);
    let end = parse_stamp("--end", &args.end)?;
    let start = match &args.start {
        Some(text) => parse_stamp("--start", text)?,
        None => table
            .default_start(end, &[])
            .context("the file has no events")?,
    };
    let windowed = build_sequence(&table, start, end, &[], TiePolicy::Keep)?;
    let params = HawkesParams {
        mu: vec![vec![args.mu]],
        adjacency: vec![vec![args.alpha]],
        beta: args.beta,
    };
    let value = log_likelihood(&windowed.sequence, &[], &params)?;
    write_atomic(Path::new("-"), format!("{value:.17e}\n").as_bytes())?;
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fit_says_which_window_it_observed() {
        let header = fit_header(
            3,
            Stamp::Number(0.0),
            Stamp::Number(10.0),
            10.0,
            "time unit",
        );
        assert_eq!(
            header,
            "Hawkes fit, exponential kernel, 3 events in the window from 0 to 10: 10.0 time units"
        );
        let days = fit_header(
            2,
            Stamp::parse("2021-01-01").unwrap(),
            Stamp::parse("2021-01-31").unwrap(),
            31.0,
            "day",
        );
        assert!(
            days.contains("from 2021-01-01 to 2021-01-31 (through that day): 31.0 days"),
            "{days}"
        );
    }
}
