//! `blowback explore CASE`: runs a case's model over sampled plausible worlds under each scenario,
//! writes the runs as Parquet, and prints outcome ranges, sensitivity indices and robustness
//! figures. `blowback explore merge` joins the Parquet parts of sharded runs.
//!
//! This module reads files, adapts the SD case to `blowback_explore::Model`, and renders; the
//! sampling, ensembles and analyses live in `blowback-explore`.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{bail, Context};
use blowback::{window_stat, Case, CaseFiles, Scenario, Stat};
use blowback_explore::{
    compare_policies, merge_parquet, morris_indices, parse_parameters, prim, sobol_indices, Chunk,
    Design, Direction, Ensemble, EnsembleSummary, ExploreError, Method, Model, ModelRun,
    ParquetTable, PrimOptions, RunSink,
};
use blowback_sd::{NodeRole, Overrides, Simulation};
use serde::Deserialize;

use crate::charts::{self, Chart, Line};
use crate::output::write_atomic;

/// Arguments of `blowback explore`.
#[derive(Debug, clap::Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct ExploreArgs {
    #[command(subcommand)]
    command: Option<ExploreCommand>,
    /// A case folder (model.xmile, scenarios.toml, uncertainties.toml) or an XMILE file (then pass
    /// --uncertainties).
    path: Option<PathBuf>,
    /// The uncertainties file (default CASE/uncertainties.toml).
    #[arg(long, value_name = "FILE")]
    uncertainties: Option<PathBuf>,
    /// Sampling method: mc, lhs, sobol, morris or factorial (default: the file's, else lhs).
    #[arg(long)]
    method: Option<String>,
    /// Experiments (mc, lhs), base samples (sobol), trajectories (morris) or levels (factorial).
    #[arg(long)]
    samples: Option<usize>,
    /// Base seed; experiment i's random stream derives from (seed, i).
    #[arg(long)]
    seed: Option<u64>,
    /// Scenarios to run, comma-separated (default: the file's list, else all).
    #[arg(long, value_delimiter = ',')]
    scenarios: Option<Vec<String>>,
    /// Worker threads (default: all cores).
    #[arg(long)]
    threads: Option<usize>,
    /// Output folder (default out/CASE/explore).
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Run only shard i of n (1-based), e.g. 3/10; merge the shards' folders afterwards.
    #[arg(long, value_name = "I/N")]
    shard: Option<String>,
    /// Discard earlier parts in DIR instead of resuming from them.
    #[arg(long)]
    fresh: bool,
    /// Hide the progress bar.
    #[arg(long)]
    quiet: bool,
}

#[derive(Debug, clap::Subcommand)]
enum ExploreCommand {
    /// Merge the Parquet parts of one or more output folders (e.g. shards) into one file.
    Merge(MergeArgs),
}

#[derive(Debug, clap::Args)]
struct MergeArgs {
    /// Output folders (or part files) to merge, in any order.
    #[arg(required = true)]
    inputs: Vec<PathBuf>,
    /// The merged file.
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
}

/// The `[explore]`, `[[outcome]]`, `[[conclusion]]` and `[[prim]]` tables of an uncertainties file
/// (its `[[parameter]]` tables are read by `blowback_explore::parse_parameters`).
#[derive(Debug, Default, Deserialize)]
struct ExploreFile {
    #[serde(default)]
    explore: Settings,
    #[serde(default)]
    outcome: Vec<OutcomeSpec>,
    #[serde(default)]
    conclusion: Vec<ConclusionSpec>,
    #[serde(default)]
    prim: Vec<PrimSpec>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Settings {
    method: Option<String>,
    samples: Option<usize>,
    seed: Option<u64>,
    scenarios: Option<Vec<String>>,
    /// Variables whose percentile envelopes over time are charted.
    #[serde(default)]
    envelopes: Vec<String>,
    /// The scenario whose Sobol/Morris indices are printed (default: the first).
    sensitivity_scenario: Option<String>,
    /// The scenarios compared as policies (regret, best share); default: all that run.
    policies: Option<Vec<String>>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct OutcomeSpec {
    name: String,
    variable: String,
    stat: Stat,
    from: Option<f64>,
    to: Option<f64>,
    #[serde(default = "minimize")]
    direction: String,
    threshold: Option<f64>,
    /// Whether to compare policies on this outcome (false for historical windows).
    #[serde(default = "yes")]
    compare: bool,
}

fn yes() -> bool {
    true
}

fn minimize() -> String {
    "minimize".into()
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ConclusionSpec {
    name: String,
    #[serde(default)]
    paragraphs: Vec<String>,
    #[serde(default)]
    paraphrase: String,
    left: Term,
    op: String,
    right: Term,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Term {
    scenario: String,
    outcome: String,
    #[serde(default = "one")]
    factor: f64,
}

fn one() -> f64 {
    1.0
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PrimSpec {
    name: String,
    policy: String,
    outcome: String,
    /// The policy fails in a world where it does no better than this scenario there...
    baseline: Option<String>,
    /// ...by at least this share (0.1 = must cut the outcome by 10%).
    #[serde(default)]
    margin: f64,
    /// Or: fails where the outcome is worse than this level.
    threshold: Option<f64>,
}

/// Runs `blowback explore`.
pub fn run(args: ExploreArgs) -> anyhow::Result<ExitCode> {
    if let Some(ExploreCommand::Merge(merge)) = args.command {
        return run_merge(merge);
    }
    let path = args
        .path
        .clone()
        .context("give a case folder or an XMILE file (see `blowback explore --help`)")?;
    let (files, case_dir, case_name) = read_inputs(&path)?;
    let uncertainties_path = match (&args.uncertainties, &case_dir) {
        (Some(p), _) => p.clone(),
        (None, Some(dir)) => dir.join("uncertainties.toml"),
        (None, None) => bail!(
            "{} is a model file; pass --uncertainties FILE (a case folder has uncertainties.toml)",
            path.display()
        ),
    };
    let uncertainties_text = std::fs::read_to_string(&uncertainties_path)
        .with_context(|| format!("reading {}", uncertainties_path.display()))?;
    let parameters = parse_parameters(&uncertainties_text)
        .map_err(|e| anyhow::anyhow!("{}: {e}", uncertainties_path.display()))?;
    let config: ExploreFile = toml::from_str(&uncertainties_text).map_err(|e| {
        let (line, column) = e
            .span()
            .map_or((0, 0), |s| line_column(&uncertainties_text, s.start));
        anyhow::anyhow!(
            "{}:{line}:{column}: {}",
            uncertainties_path.display(),
            e.message()
        )
    })?;

    let (case, _warnings) = Case::load(&files).map_err(|e| anyhow::anyhow!("{path:?}: {e}"))?;
    let method_name = args
        .method
        .clone()
        .or(config.explore.method.clone())
        .unwrap_or_else(|| "lhs".into());
    let method = parse_method(&method_name)?;
    let samples = args.samples.or(config.explore.samples).unwrap_or(256);
    let seed = args.seed.or(config.explore.seed).unwrap_or(1);
    let design = Design::new(method, parameters, samples, seed)?;

    let scenario_names = args.scenarios.clone().or(config.explore.scenarios.clone());
    let scenarios = select_scenarios(&case, scenario_names.as_deref())?;
    let model = CaseModel::new(&case, &design, scenarios, &config)?;

    let out_dir = args
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from("out").join(&case_name).join("explore"));
    std::fs::create_dir_all(&out_dir).with_context(|| format!("creating {}", out_dir.display()))?;
    let design_text = format!(
        "method={} samples={samples} seed={seed} parameters={}",
        method.name(),
        design.dimensions()
    );
    let table = ParquetTable {
        parameters: design.parameters().iter().map(|p| p.name.clone()).collect(),
        scenarios: model.scenario_names(),
        outcomes: model.outcome_names(),
        design: design_text.clone(),
    };
    // Parts get a folder of their own so `pandas.read_parquet(DIR/runs)` sees only Parquet.
    let runs_dir = out_dir.join("runs");
    std::fs::create_dir_all(&runs_dir)
        .with_context(|| format!("creating {}", runs_dir.display()))?;
    if args.fresh {
        for part in part_files(&runs_dir)? {
            std::fs::remove_file(&part).with_context(|| format!("removing {}", part.display()))?;
        }
    }
    let mut sink = PartsSink {
        dir: runs_dir,
        table,
    };

    let mut ensemble = Ensemble::new(&model, &design);
    if let Some(shard) = &args.shard {
        let (index, count) = parse_shard(shard)?;
        ensemble = ensemble.shard(index - 1, count)?;
    }
    let threads = args
        .threads
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .context("starting worker threads")?;
    let bar = if args.quiet {
        indicatif::ProgressBar::hidden()
    } else {
        indicatif::ProgressBar::new(0)
    };
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{bar:40} {pos}/{len} runs  {per_sec}  ETA {eta}  {msg}",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    let started = Instant::now();
    let summary = pool.install(|| {
        ensemble.run(&mut sink, &mut |p| {
            bar.set_length(p.runs_total as u64);
            bar.set_position(p.runs_done as u64);
            if p.runs_resumed > 0 {
                bar.set_message(format!("({} resumed)", p.runs_resumed));
            }
        })
    })?;
    bar.finish_and_clear();
    let elapsed = started.elapsed().as_secs_f64();

    let mut report = String::new();
    let computed = summary.experiments.len() * summary.scenarios.len() - summary.resumed_runs;
    writeln!(
        report,
        "{case_name}: {} experiments ({design_text}) x {} scenarios = {} runs in {elapsed:.1} s on {threads} threads ({:.0} runs/s{})",
        summary.experiments.len(),
        summary.scenarios.len(),
        summary.experiments.len() * summary.scenarios.len(),
        computed as f64 / elapsed.max(1e-9),
        if summary.resumed_runs > 0 { format!(", {} resumed", summary.resumed_runs) } else { String::new() },
    )?;
    if summary.failures > 0 {
        writeln!(
            report,
            "warning: {} runs failed (NaN in the output); first: {}",
            summary.failures,
            summary.first_failure.as_deref().unwrap_or("?")
        )?;
    }
    let mut json = serde_json::Map::new();
    json.insert("design".into(), design_text.clone().into());
    json.insert("experiments".into(), summary.experiments.len().into());
    json.insert(
        "scenarios".into(),
        serde_json::to_value(&summary.scenarios)?,
    );
    json.insert("failures".into(), summary.failures.into());
    json.insert("seconds".into(), elapsed.into());
    json.insert("threads".into(), threads.into());

    render_ranges(&mut report, &summary, &mut json)?;
    let whole_design = summary.experiments.len() == design.len();
    if whole_design {
        render_sensitivity(&mut report, &summary, &design, &config, &mut json)?;
    } else {
        writeln!(report, "\n(sensitivity and robustness need the whole design: merge the shards and rerun without --shard to analyse)")?;
    }
    if whole_design {
        render_robustness(&mut report, &summary, &design, &model, &config, &mut json)?;
    }
    let charts = write_envelope_charts(&out_dir, &summary)?;
    json.insert(
        "envelopes".into(),
        serde_json::to_value(&summary.envelopes)?,
    );
    write_atomic(
        &out_dir.join("summary.json"),
        serde_json::to_string_pretty(&json)?.as_bytes(),
    )?;
    write_atomic(&out_dir.join("summary.txt"), report.as_bytes())?;
    // Written through a handle rather than print! so a closed pipe (`| head`) is an error the
    // caller treats as success, not a panic.
    let mut stdout = std::io::stdout().lock();
    write!(stdout, "{report}")?;
    writeln!(
        stdout,
        "\nwrote {}: runs/part-*.parquet (one row per experiment and scenario), summary.json, summary.txt{}",
        out_dir.display(),
        if charts > 0 { format!(", {charts} envelope charts") } else { String::new() }
    )?;
    Ok(ExitCode::SUCCESS)
}

/// Reads the model (and the case files, for a folder). Returns the files, the case folder and a
/// name for the default output folder.
fn read_inputs(path: &Path) -> anyhow::Result<(CaseFiles, Option<PathBuf>, String)> {
    let name = path
        .file_stem()
        .map_or_else(|| "model".into(), |s| s.to_string_lossy().into_owned());
    if path.is_dir() {
        let files = crate::case::read_case(path)?;
        Ok((files, Some(path.to_path_buf()), name))
    } else {
        let (model, model_format) = crate::sd::read_model_file(path)?;
        Ok((
            CaseFiles {
                model,
                model_format,
                ..CaseFiles::default()
            },
            None,
            name,
        ))
    }
}

fn parse_method(name: &str) -> anyhow::Result<Method> {
    Ok(match name {
        "mc" | "montecarlo" => Method::MonteCarlo,
        "lhs" => Method::LatinHypercube,
        "sobol" | "saltelli" => Method::Saltelli,
        "morris" => Method::Morris { levels: 4 },
        "factorial" => Method::FullFactorial,
        other => bail!("unknown method `{other}` (hint: mc, lhs, sobol, morris or factorial)"),
    })
}

fn parse_shard(text: &str) -> anyhow::Result<(usize, usize)> {
    let parsed = text
        .split_once('/')
        .and_then(|(i, n)| Some((i.trim().parse().ok()?, n.trim().parse().ok()?)));
    match parsed {
        Some((i, n)) if i >= 1 && i <= n => Ok((i, n)),
        _ => bail!("--shard `{text}`: expected I/N with 1 <= I <= N, e.g. 3/10"),
    }
}

fn select_scenarios(case: &Case, names: Option<&[String]>) -> anyhow::Result<Vec<Scenario>> {
    let all = case.scenarios();
    if all.is_empty() {
        return Ok(vec![Scenario {
            name: "base".into(),
            description: String::new(),
            start: None,
            overrides: BTreeMap::new(),
        }]);
    }
    match names {
        None => Ok(all.to_vec()),
        Some(names) => names
            .iter()
            .map(|n| {
                case.scenario(n).cloned().with_context(|| {
                    format!(
                        "no scenario `{n}` (hint: the case has {})",
                        case.scenario_names().join(", ")
                    )
                })
            })
            .collect(),
    }
}

fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

/// The SD case seen as an explorable model: parameters become constant overrides, scenarios add
/// their own overrides on top, outcomes are window statistics of model variables.
struct CaseModel<'a> {
    simulation: &'a Simulation,
    base: Vec<Overrides>,
    scenario_names: Vec<String>,
    parameter_names: Vec<String>,
    outcomes: Vec<OutcomeSpec>,
    envelope_vars: Vec<String>,
    selected: Vec<String>,
    times: Vec<f64>,
}

impl<'a> CaseModel<'a> {
    fn new(
        case: &'a Case,
        design: &Design,
        scenarios: Vec<Scenario>,
        config: &ExploreFile,
    ) -> anyhow::Result<Self> {
        let simulation = case.simulation();
        let constants: Vec<&str> = simulation
            .variables()
            .filter(|v| v.role == NodeRole::Constant)
            .map(|v| v.name)
            .collect();
        let known: Vec<&str> = simulation.variables().map(|v| v.name).collect();
        for p in design.parameters() {
            let canonical = blowback_sd::canonical(&p.name);
            if !constants
                .iter()
                .any(|c| blowback_sd::canonical(c) == canonical)
            {
                let close: Vec<&str> = constants
                    .iter()
                    .filter(|c| c.contains(&canonical[..canonical.len().min(5)]))
                    .take(5)
                    .copied()
                    .collect();
                bail!(
                    "uncertain parameter `{}` is not a constant of the model{}",
                    p.name,
                    if close.is_empty() {
                        String::new()
                    } else {
                        format!(" (hint: did you mean {}?)", close.join(", "))
                    }
                );
            }
            for s in &scenarios {
                if s.overrides
                    .keys()
                    .any(|k| blowback_sd::canonical(k) == canonical)
                {
                    eprintln!(
                        "note: scenario `{}` sets `{}`, which is also sampled; the scenario's value wins",
                        s.name, p.name
                    );
                }
            }
        }
        let mut outcomes = config.outcome.clone();
        if outcomes.is_empty() {
            bail!("the uncertainties file has no [[outcome]] tables: say what to measure (name, variable, stat, from, to)");
        }
        for o in &outcomes {
            if !known
                .iter()
                .any(|k| blowback_sd::canonical(k) == blowback_sd::canonical(&o.variable))
            {
                bail!(
                    "outcome `{}` names variable `{}`, which the model lacks",
                    o.name,
                    o.variable
                );
            }
            if o.direction != "minimize" && o.direction != "maximize" {
                bail!(
                    "outcome `{}`: direction must be minimize or maximize, not `{}`",
                    o.name,
                    o.direction
                );
            }
        }
        outcomes.dedup_by(|a, b| a.name == b.name);
        let envelope_vars: Vec<String> = config.explore.envelopes.clone();
        for v in &envelope_vars {
            if !known
                .iter()
                .any(|k| blowback_sd::canonical(k) == blowback_sd::canonical(v))
            {
                bail!("[explore] envelopes names `{v}`, which the model lacks");
            }
        }
        let mut selected: Vec<String> = outcomes.iter().map(|o| o.variable.clone()).collect();
        selected.extend(envelope_vars.iter().cloned());
        selected.sort();
        selected.dedup();
        let names: Vec<&str> = selected.iter().map(String::as_str).collect();
        let probe = simulation
            .run_selected(&Overrides::new(), &names)
            .map_err(|e| anyhow::anyhow!("running the model at its default values: {e}"))?;
        let base = scenarios
            .iter()
            .map(|s| case.overrides_for(s, &Overrides::new()))
            .collect();
        Ok(CaseModel {
            simulation,
            base,
            scenario_names: scenarios.iter().map(|s| s.name.clone()).collect(),
            parameter_names: design.parameters().iter().map(|p| p.name.clone()).collect(),
            outcomes,
            envelope_vars,
            selected,
            times: probe.times().to_vec(),
        })
    }
}

impl Model for CaseModel<'_> {
    fn outcome_names(&self) -> Vec<String> {
        self.outcomes.iter().map(|o| o.name.clone()).collect()
    }

    fn scenario_names(&self) -> Vec<String> {
        self.scenario_names.clone()
    }

    fn series_names(&self) -> Vec<String> {
        self.envelope_vars.clone()
    }

    fn times(&self) -> Vec<f64> {
        self.times.clone()
    }

    fn run(
        &self,
        scenario: usize,
        parameters: &[f64],
        with_series: bool,
    ) -> Result<ModelRun, String> {
        // Sampled values first, then the scenario's own overrides, so a policy lever the
        // scenario fixes is never overwritten by a sample.
        let mut overrides = Overrides::new();
        for (name, value) in self.parameter_names.iter().zip(parameters) {
            overrides.set(name, *value);
        }
        for (name, value) in self.base[scenario].values() {
            overrides.set(name, *value);
        }
        let names: Vec<&str> = self.selected.iter().map(String::as_str).collect();
        let results = self
            .simulation
            .run_selected(&overrides, &names)
            .map_err(|e| e.to_string())?;
        let times = results.times();
        let mut outcomes = Vec::with_capacity(self.outcomes.len());
        for o in &self.outcomes {
            let values = results
                .column(&o.variable)
                .ok_or_else(|| format!("no column {}", o.variable))?;
            let from = o.from.unwrap_or(f64::NEG_INFINITY);
            let to = o.to.unwrap_or(f64::INFINITY);
            outcomes.push(window_stat(times, values, o.stat, from, to).unwrap_or(f64::NAN));
        }
        let series = if with_series {
            self.envelope_vars
                .iter()
                .map(|v| results.column(v).map(<[f64]>::to_vec).unwrap_or_default())
                .collect()
        } else {
            Vec::new()
        };
        Ok(ModelRun { outcomes, series })
    }
}

/// Chunks as `DIR/part-NNNNNN.parquet`, one file per chunk: a crash loses at most one chunk, a
/// rerun resumes from the parts on disk, and shards write disjoint part numbers.
struct PartsSink {
    dir: PathBuf,
    table: ParquetTable,
}

impl PartsSink {
    fn path(&self, chunk_index: usize) -> PathBuf {
        self.dir.join(format!("part-{chunk_index:06}.parquet"))
    }
}

impl RunSink for PartsSink {
    fn existing(&mut self, chunk_index: usize) -> Result<Option<Chunk>, ExploreError> {
        let path = self.path(chunk_index);
        let bytes = match std::fs::read(&path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => {
                return Err(ExploreError::Write(format!(
                    "reading {}: {e}",
                    path.display()
                )))
            }
        };
        let (table, chunk) = ParquetTable::decode(bytes)
            .map_err(|e| ExploreError::Write(format!("{}: {e}", path.display())))?;
        if table != self.table {
            return Err(ExploreError::Write(format!(
                "{} holds results of another design or model ({}); pass --fresh to start over or --out elsewhere",
                path.display(),
                table.design
            )));
        }
        Ok(Some(chunk))
    }

    fn write(&mut self, chunk_index: usize, chunk: &Chunk) -> Result<(), ExploreError> {
        let bytes = self.table.encode(chunk)?;
        write_atomic(&self.path(chunk_index), &bytes)
            .map_err(|e| ExploreError::Write(format!("{e:#}")))
    }
}

fn part_files(dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let mut parts: Vec<PathBuf> = std::fs::read_dir(dir)
        .with_context(|| format!("listing {}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("part-") && n.ends_with(".parquet"))
        })
        .collect();
    parts.sort();
    Ok(parts)
}

fn run_merge(args: MergeArgs) -> anyhow::Result<ExitCode> {
    let mut parts = Vec::new();
    for input in &args.inputs {
        if input.join("runs").is_dir() {
            parts.extend(part_files(&input.join("runs"))?);
        } else if input.is_dir() {
            parts.extend(part_files(input)?);
        } else {
            parts.push(input.clone());
        }
    }
    // Part numbers are global chunk indices, so sorting by file name restores design order
    // across shard folders.
    parts.sort_by(|a, b| a.file_name().cmp(&b.file_name()));
    if let Some(pair) = parts
        .windows(2)
        .find(|w| w[0].file_name() == w[1].file_name())
    {
        bail!(
            "{} and {} are the same chunk: were two shards run with overlapping settings?",
            pair[0].display(),
            pair[1].display()
        );
    }
    if parts.is_empty() {
        bail!("no part-*.parquet files in the inputs");
    }
    let count = parts.len();
    let reads = parts.iter().map(|p| {
        std::fs::read(p).map_err(|e| ExploreError::Write(format!("reading {}: {e}", p.display())))
    });
    let (bytes, rows) = merge_parquet(reads, Vec::new())?;
    write_atomic(&args.out, &bytes)?;
    writeln!(
        std::io::stdout().lock(),
        "merged {count} parts, {rows} rows, into {}",
        args.out.display()
    )?;
    Ok(ExitCode::SUCCESS)
}

fn fmt(value: f64) -> String {
    if !value.is_finite() {
        return "n/a".into();
    }
    let magnitude = value.abs();
    if magnitude >= 1000.0 {
        format!("{value:.0}")
    } else if magnitude >= 10.0 {
        format!("{value:.1}")
    } else {
        format!("{value:.3}")
    }
}

fn render_ranges(
    report: &mut String,
    summary: &EnsembleSummary,
    json: &mut serde_json::Map<String, serde_json::Value>,
) -> anyhow::Result<()> {
    let k = summary.outcomes.len();
    let mut ranges = Vec::new();
    for (o, outcome) in summary.outcomes.iter().enumerate() {
        writeln!(
            report,
            "\n{outcome}: median [5%, 95%] (min..max) across worlds"
        )?;
        for (s, scenario) in summary.scenarios.iter().enumerate() {
            let st = summary.stats[s * k + o];
            writeln!(
                report,
                "  {scenario:<28} {:>10} [{:>10}, {:>10}]  ({}..{})",
                fmt(st.percentiles[1]),
                fmt(st.percentiles[0]),
                fmt(st.percentiles[2]),
                fmt(st.min),
                fmt(st.max)
            )?;
            ranges.push(serde_json::json!({
                "outcome": outcome, "scenario": scenario, "stats": st
            }));
        }
    }
    json.insert("ranges".into(), ranges.into());
    Ok(())
}

fn render_sensitivity(
    report: &mut String,
    summary: &EnsembleSummary,
    design: &Design,
    config: &ExploreFile,
    json: &mut serde_json::Map<String, serde_json::Value>,
) -> anyhow::Result<()> {
    let names: Vec<&str> = design
        .parameters()
        .iter()
        .map(|p| p.name.as_str())
        .collect();
    let focus = config
        .explore
        .sensitivity_scenario
        .as_deref()
        .and_then(|n| summary.scenario_index(n))
        .unwrap_or(0);
    let mut all = Vec::new();
    match design.method() {
        Method::Saltelli => {
            for (o, outcome) in summary.outcomes.iter().enumerate() {
                for (s, scenario) in summary.scenarios.iter().enumerate() {
                    let indices = sobol_indices(design, &summary.column(s, o), 100)?;
                    if s == focus {
                        let mut order: Vec<usize> = (0..indices.len()).collect();
                        order.sort_by(|&a, &b| indices[b].total.total_cmp(&indices[a].total));
                        writeln!(report, "\nSobol indices of {outcome} under {scenario} (largest total first; +/- 95% bootstrap):")?;
                        for &j in order.iter().take(8) {
                            let x = indices[j];
                            writeln!(
                                report,
                                "  {:<30} total {:.3} +/- {:.3}   first {:.3} +/- {:.3}",
                                names[j], x.total, x.total_confidence, x.first, x.first_confidence
                            )?;
                        }
                        let sum_first: f64 = indices.iter().map(|x| x.first).sum();
                        writeln!(report, "  (sum of first-order indices {sum_first:.2}: the rest is interaction)")?;
                    }
                    let named: Vec<_> = indices
                        .iter()
                        .zip(&names)
                        .map(|(x, n)| serde_json::json!({"parameter": n, "index": x}))
                        .collect();
                    all.push(serde_json::json!({"outcome": outcome, "scenario": scenario, "sobol": named}));
                }
            }
        }
        Method::Morris { .. } => {
            for (o, outcome) in summary.outcomes.iter().enumerate() {
                for (s, scenario) in summary.scenarios.iter().enumerate() {
                    let indices = morris_indices(design, &summary.column(s, o), 100)?;
                    if s == focus {
                        let mut order: Vec<usize> = (0..indices.len()).collect();
                        order.sort_by(|&a, &b| indices[b].mu_star.total_cmp(&indices[a].mu_star));
                        writeln!(report, "\nMorris screening of {outcome} under {scenario} (largest mu* first; effects per full-range step):")?;
                        for &j in order.iter().take(8) {
                            let x = indices[j];
                            writeln!(
                                report,
                                "  {:<30} mu* {:>10} +/- {:<10} mu {:>10}  sigma {:>10}",
                                names[j],
                                fmt(x.mu_star),
                                fmt(x.mu_star_confidence),
                                fmt(x.mu),
                                fmt(x.sigma)
                            )?;
                        }
                    }
                    let named: Vec<_> = indices
                        .iter()
                        .zip(&names)
                        .map(|(x, n)| serde_json::json!({"parameter": n, "index": x}))
                        .collect();
                    all.push(serde_json::json!({"outcome": outcome, "scenario": scenario, "morris": named}));
                }
            }
        }
        _ => {}
    }
    if !all.is_empty() {
        json.insert("sensitivity".into(), all.into());
    }
    Ok(())
}

fn render_robustness(
    report: &mut String,
    summary: &EnsembleSummary,
    design: &Design,
    model: &CaseModel,
    config: &ExploreFile,
    json: &mut serde_json::Map<String, serde_json::Value>,
) -> anyhow::Result<()> {
    let policies: Vec<usize> = match &config.explore.policies {
        Some(names) => names
            .iter()
            .filter_map(|n| summary.scenario_index(n))
            .collect(),
        None => (0..summary.scenarios.len()).collect(),
    };
    let policy_names: Vec<String> = policies
        .iter()
        .map(|&s| summary.scenarios[s].clone())
        .collect();
    let mut robustness = Vec::new();
    if policies.len() > 1 {
        for (o, spec) in model
            .outcomes
            .iter()
            .enumerate()
            .filter(|(_, spec)| spec.compare)
        {
            let direction = if spec.direction == "maximize" {
                Direction::Maximize
            } else {
                Direction::Minimize
            };
            let columns: Vec<Vec<f64>> = policies.iter().map(|&s| summary.column(s, o)).collect();
            let c = compare_policies(&policy_names, &columns, direction, spec.threshold)?;
            writeln!(
                report,
                "\nRobustness on {} ({}; {} worlds{}):",
                spec.name,
                spec.direction,
                c.worlds,
                spec.threshold.map_or(String::new(), |t| format!(
                    "; satisficing: {} {}",
                    if direction == Direction::Minimize {
                        "<="
                    } else {
                        ">="
                    },
                    fmt(t)
                ))
            )?;
            writeln!(
                report,
                "  {:<28} {:>10} {:>12} {:>12} {:>8} {:>8}",
                "policy", "median", "mean regret", "p90 regret", "best", "satisf."
            )?;
            for p in &c.policies {
                writeln!(
                    report,
                    "  {:<28} {:>10} {:>12} {:>12} {:>7.0}% {:>8}",
                    p.policy,
                    fmt(p.percentiles[1]),
                    fmt(p.mean_regret),
                    fmt(p.p90_regret),
                    100.0 * p.best_share,
                    p.satisficing
                        .map_or("-".into(), |s| format!("{:.0}%", 100.0 * s))
                )?;
            }
            robustness.push(serde_json::json!({"outcome": spec.name, "comparison": c}));
        }
    }
    json.insert("robustness".into(), robustness.into());

    let mut conclusions = Vec::new();
    if !config.conclusion.is_empty() {
        writeln!(
            report,
            "\nShare of plausible worlds in which each conclusion holds:"
        )?;
    }
    for c in &config.conclusion {
        let column = |t: &Term| -> Option<Vec<f64>> {
            let s = summary.scenario_index(&t.scenario)?;
            let o = summary.outcome_index(&t.outcome)?;
            Some(
                summary
                    .column(s, o)
                    .into_iter()
                    .map(|v| v * t.factor)
                    .collect(),
            )
        };
        let (Some(left), Some(right)) = (column(&c.left), column(&c.right)) else {
            writeln!(
                report,
                "  {:<44} skipped: needs scenarios {} and {} and their outcomes in this run",
                c.name, c.left.scenario, c.right.scenario
            )?;
            continue;
        };
        let pairs: Vec<(f64, f64)> = left
            .into_iter()
            .zip(right)
            .filter(|(a, b)| a.is_finite() && b.is_finite())
            .collect();
        let holds = pairs
            .iter()
            .filter(|(a, b)| match c.op.as_str() {
                "<" => a < b,
                "<=" => a <= b,
                ">" => a > b,
                ">=" => a >= b,
                _ => false,
            })
            .count();
        if !["<", "<=", ">", ">="].contains(&c.op.as_str()) {
            bail!(
                "conclusion `{}`: op must be <, <=, > or >=, not `{}`",
                c.name,
                c.op
            );
        }
        let share = holds as f64 / pairs.len().max(1) as f64;
        writeln!(
            report,
            "  {:<44} {:>5.1}%  {}",
            c.name,
            100.0 * share,
            c.paragraphs.join(" ")
        )?;
        conclusions.push(serde_json::json!({
            "name": c.name, "paragraphs": c.paragraphs, "paraphrase": c.paraphrase,
            "share": share, "worlds": pairs.len()
        }));
    }
    json.insert("conclusions".into(), conclusions.into());

    let mut boxes = Vec::new();
    let names: Vec<&str> = design
        .parameters()
        .iter()
        .map(|p| p.name.as_str())
        .collect();
    for spec in &config.prim {
        let (Some(s), Some(o)) = (
            summary.scenario_index(&spec.policy),
            summary.outcome_index(&spec.outcome),
        ) else {
            writeln!(
                report,
                "\nPRIM `{}` skipped: scenario {} or outcome {} not in this run",
                spec.name, spec.policy, spec.outcome
            )?;
            continue;
        };
        let direction = model.outcomes[o].direction.as_str();
        let worse = |a: f64, b: f64| {
            if direction == "maximize" {
                a < b
            } else {
                a > b
            }
        };
        let policy = summary.column(s, o);
        let failing: Vec<Option<bool>> = match (&spec.baseline, spec.threshold) {
            (Some(baseline), _) => {
                let b = summary.scenario_index(baseline).with_context(|| {
                    format!("PRIM `{}`: baseline {baseline} not in this run", spec.name)
                })?;
                let base = summary.column(b, o);
                policy
                    .iter()
                    .zip(&base)
                    .map(|(p, b)| {
                        // Failing = not improving on the baseline by at least the margin.
                        (p.is_finite() && b.is_finite()).then(|| {
                            if direction == "maximize" {
                                *p <= b + spec.margin * b.abs()
                            } else {
                                *p >= b - spec.margin * b.abs()
                            }
                        })
                    })
                    .collect()
            }
            (None, Some(t)) => policy
                .iter()
                .map(|p| p.is_finite().then(|| worse(*p, t)))
                .collect(),
            (None, None) => bail!(
                "PRIM `{}`: give a baseline scenario or a threshold",
                spec.name
            ),
        };
        let mut points = Vec::new();
        let mut labels = Vec::new();
        let mut point = vec![0.0; design.dimensions()];
        for (e, fail) in failing.iter().enumerate() {
            if let Some(fail) = fail {
                design.point(summary.experiments.start + e, &mut point);
                points.push(point.clone());
                labels.push(*fail);
            }
        }
        let failures = labels.iter().filter(|b| **b).count();
        writeln!(
            report,
            "\nPRIM: where does {} fail ({})? {} of {} worlds ({:.1}%)",
            spec.policy,
            spec.name,
            failures,
            labels.len(),
            100.0 * failures as f64 / labels.len().max(1) as f64
        )?;
        if failures == 0 || failures == labels.len() {
            writeln!(report, "  nothing to separate")?;
            continue;
        }
        let result = prim(&points, &labels, PrimOptions::default())?;
        let b = &result.chosen;
        writeln!(
            report,
            "  box: coverage {:.0}%, density {:.0}% (base rate {:.0}%), mass {:.0}%",
            100.0 * b.coverage,
            100.0 * b.density,
            100.0 * result.base_density,
            100.0 * b.mass
        )?;
        // Strongest restrictions first: those whose lifting dilutes the box the most.
        let mut order = result.density_without.clone();
        order.sort_by(|a, b| a.1.total_cmp(&b.1));
        let shown = 12;
        for &(j, without) in order.iter().take(shown) {
            let (lo, hi) = design.parameters()[j].distribution.bounds();
            writeln!(
                report,
                "    {:<30} [{}, {}]   of [{}, {}]   density {:.0}% without it",
                names[j],
                fmt(b.limits[j].0),
                fmt(b.limits[j].1),
                fmt(lo),
                fmt(hi),
                100.0 * without
            )?;
        }
        if order.len() > shown {
            writeln!(
                report,
                "    ... and {} weaker restrictions (see summary.json)",
                order.len() - shown
            )?;
        }
        let curve: Vec<String> = result
            .trajectory
            .iter()
            .step_by((result.trajectory.len() / 6).max(1))
            .map(|t| format!("{:.0}/{:.0}", 100.0 * t.coverage, 100.0 * t.density))
            .collect();
        writeln!(
            report,
            "  peeling trajectory (coverage/density %): {}",
            curve.join("  ")
        )?;
        let named_limits: Vec<_> = order
            .iter()
            .map(|&(j, without)| serde_json::json!({"parameter": names[j], "low": b.limits[j].0, "high": b.limits[j].1, "density_without": without}))
            .collect();
        boxes.push(serde_json::json!({
            "name": spec.name, "policy": spec.policy, "failures": failures, "worlds": labels.len(),
            "coverage": b.coverage, "density": b.density, "mass": b.mass, "limits": named_limits,
            "trajectory": result.trajectory.iter().map(|t| (t.coverage, t.density, t.mass)).collect::<Vec<_>>()
        }));
    }
    json.insert("prim".into(), boxes.into());
    Ok(())
}

/// Per envelope series: one SVG of every scenario's median, and one per scenario with its
/// 5/25/50/75/95% bands (a single chart of all bands of all scenarios is unreadable).
fn write_envelope_charts(dir: &Path, summary: &EnsembleSummary) -> anyhow::Result<usize> {
    let mut series: Vec<&str> = summary
        .envelopes
        .iter()
        .map(|e| e.series.as_str())
        .collect();
    series.sort_unstable();
    series.dedup();
    let mut written = 0;
    for name in series {
        let envelopes: Vec<_> = summary
            .envelopes
            .iter()
            .filter(|e| e.series == name)
            .collect();
        let median_lines = envelopes
            .iter()
            .filter_map(|e| {
                let i = e.percentiles.iter().position(|p| *p == 50.0)?;
                Some(Line {
                    label: &e.scenario,
                    times: &e.times,
                    values: &e.bands[i],
                })
            })
            .collect();
        let title = format!("{name}: median across sampled worlds, by scenario");
        let chart = Chart {
            title: &title,
            lines: median_lines,
            points: Vec::new(),
            marker: None,
        };
        write_atomic(
            &dir.join(format!("envelope_{name}.svg")),
            charts::svg(&chart)?.as_bytes(),
        )?;
        written += 1;
        for e in &envelopes {
            let labels: Vec<String> = e.percentiles.iter().map(|p| format!("{p}%")).collect();
            let lines = labels
                .iter()
                .zip(&e.bands)
                .map(|(label, band)| Line {
                    label,
                    times: &e.times,
                    values: band,
                })
                .collect();
            let title = format!(
                "{name} under {}: percentiles across {} sampled worlds",
                e.scenario, e.runs
            );
            let chart = Chart {
                title: &title,
                lines,
                points: Vec::new(),
                marker: None,
            };
            write_atomic(
                &dir.join(format!("envelope_{name}_{}.svg", e.scenario)),
                charts::svg(&chart)?.as_bytes(),
            )?;
            written += 1;
        }
    }
    Ok(written)
}
