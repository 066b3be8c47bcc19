//! `blowback explore CASE`: runs a case's model over sampled plausible worlds under each scenario,
//! writes the runs as Parquet, and prints outcome ranges, sensitivity indices and robustness
//! figures. `blowback explore merge` joins the Parquet parts of sharded runs.
//!
//! This module reads files, writes the Parquet parts and renders; the case's adapter to
//! `blowback_explore::Model` and the evaluation of conclusions and PRIM questions live in the
//! `blowback` crate, the sampling, ensembles and analyses in `blowback-explore`.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{bail, Context};
use blowback::{
    answer_prim, compare_outcomes, evaluate_conclusion, evaluate_share, name_under,
    select_scenarios, with_structures, world_weights, Case, CaseModel, SamplingMethod,
    Uncertainties, WorldWeights,
};
use blowback_explore::{
    morris_indices, sobol_indices, Chunk, Design, Direction, Ensemble, EnsembleSummary,
    ExploreError, Method, Model, ParquetTable, RunSink,
};

use crate::charts::{self, Chart, Line, Pen};
use crate::load;
use crate::output::{column_width, plural, write_atomic};

mod shards;

use shards::{part_files, part_name, Manifest};

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
    /// Sampling method (default: the file's, else lhs).
    #[arg(long, value_enum)]
    method: Option<MethodArg>,
    /// Experiments (mc, lhs), base samples (sobol), trajectories (morris) or levels (factorial).
    #[arg(long, value_parser = crate::args::at_least_one)]
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
    /// Experiments per Parquet part (default 2048): a killed run loses at most one part's work
    /// and resumes from the rest. Every shard of a sweep needs the same value.
    #[arg(long, value_name = "EXPERIMENTS")]
    chunk_size: Option<std::num::NonZeroUsize>,
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
    Merge(shards::MergeArgs),
}

/// Runs `blowback explore`.
pub fn run(args: ExploreArgs) -> anyhow::Result<ExitCode> {
    if let Some(ExploreCommand::Merge(merge)) = args.command {
        return shards::run_merge(merge);
    }
    let path = args
        .path
        .clone()
        .context("give a case folder or an XMILE file (see `blowback explore --help`)")?;
    let mut source = load::read(&path)?;
    match &args.uncertainties {
        Some(file) => source.use_uncertainties(file)?,
        None if !source.is_folder() => bail!(
            "{} is a model file; pass --uncertainties FILE (a case folder has uncertainties.toml)",
            path.display()
        ),
        None if source.files.uncertainties.is_none() => bail!(
            "{} has no uncertainties.toml: say what is uncertain ([[parameter]]) and what to measure ([[outcome]])",
            path.display()
        ),
        None => {}
    }
    let case_name = source.name();
    let Some(case) = load::load(&source)? else {
        return Ok(ExitCode::from(1));
    };
    let config = case
        .uncertainties()
        .context("the case has no uncertainties file")?;
    let parameters = config.parameters.clone();
    let method = args
        .method
        .map(SamplingMethod::from)
        .or(config.settings.method)
        .map_or(Method::LatinHypercube, SamplingMethod::design_method);
    let samples = args.samples.or(config.settings.samples).unwrap_or(256);
    let seed = args.seed.or(config.settings.seed).unwrap_or(1);
    let design = Design::new(method, parameters, samples, seed)?;

    let scenario_names = args.scenarios.clone().or(config.settings.scenarios.clone());
    let scenarios =
        select_scenarios(&case, scenario_names.as_deref()).map_err(|e| source.error(e))?;
    let scenarios = with_structures(scenarios, &config.structures);
    let mut model =
        CaseModel::new(&case, design.parameters(), scenarios).map_err(|e| source.error(e))?;
    if config.settings.fit.is_some() {
        model = model.with_fit_cost().map_err(|e| source.error(e))?;
    }
    for (scenario, parameter) in model.fixed_samples() {
        eprintln!(
            "note: scenario `{scenario}` sets `{parameter}`, which is also sampled; the scenario's value wins"
        );
    }

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

    let chunk_size = args.chunk_size.map_or(2048, |n| n.get());
    let mut ensemble = Ensemble::new(&model, &design).chunk_size(chunk_size);
    let (shard, shards) = match &args.shard {
        Some(text) => parse_shard(text)?,
        None => (1, 1),
    };
    ensemble = ensemble.shard(shard - 1, shards)?;
    // Before the first part, so that a merge can tell what a folder owes even if this run dies.
    Manifest {
        design: design_text.clone(),
        experiments: design.len(),
        chunk_size,
        shard,
        shards,
    }
    .write(&out_dir)?;
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
            "{bar:40} {pos}/{len} runs  {rate}  ETA {eta}  {msg}",
        )
        .map(|style| {
            style.with_key(
                "rate",
                |state: &indicatif::ProgressState, w: &mut dyn std::fmt::Write| {
                    let _ = write!(w, "{:.0} runs/s", state.per_sec());
                },
            )
        })
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
        "{case_name}: {} ({design_text}) x {} = {} in {elapsed:.1} s on {} ({:.0} runs/s{})",
        plural(summary.experiments.len(), "experiment"),
        plural(summary.scenarios.len(), "scenario"),
        plural(summary.experiments.len() * summary.scenarios.len(), "run"),
        plural(threads, "thread"),
        computed as f64 / elapsed.max(1e-9),
        if summary.resumed_runs > 0 {
            format!(", {} resumed", summary.resumed_runs)
        } else {
            String::new()
        },
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
        render_sensitivity(&mut report, &summary, &design, config, &mut json)?;
    } else {
        writeln!(report, "\n(sensitivity and robustness need the whole design: merge the shards and rerun without --shard to analyse)")?;
    }
    if whole_design {
        let fit_scenario = case
            .calibration()
            .and_then(|c| c.scenario.clone())
            .unwrap_or_else(|| summary.scenarios[0].clone());
        let weights = config
            .settings
            .fit
            .and_then(|fit| world_weights(&summary, &fit_scenario, fit));
        render_robustness(&mut report, &summary, &design, &model, config, &mut json)?;
        render_shares(&mut report, &summary, config, weights.as_ref(), &mut json)?;
    }
    let charts = write_envelope_charts(&out_dir, &summary, &case)?;
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

/// `--method` of `blowback explore`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum MethodArg {
    /// Monte Carlo: independent draws.
    #[value(alias = "montecarlo")]
    Mc,
    /// Latin hypercube.
    Lhs,
    /// Saltelli's design for Sobol indices.
    #[value(alias = "saltelli")]
    Sobol,
    /// Morris elementary-effect trajectories.
    Morris,
    /// Full factorial.
    Factorial,
}

impl From<MethodArg> for SamplingMethod {
    fn from(method: MethodArg) -> SamplingMethod {
        match method {
            MethodArg::Mc => SamplingMethod::Mc,
            MethodArg::Lhs => SamplingMethod::Lhs,
            MethodArg::Sobol => SamplingMethod::Sobol,
            MethodArg::Morris => SamplingMethod::Morris,
            MethodArg::Factorial => SamplingMethod::Factorial,
        }
    }
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

/// Chunks as `DIR/part-NNNNNN.parquet`, one file per chunk: a crash loses at most one chunk, a
/// rerun resumes from the parts on disk, and shards write disjoint part numbers.
struct PartsSink {
    dir: PathBuf,
    table: ParquetTable,
}

impl PartsSink {
    fn path(&self, chunk_index: usize) -> PathBuf {
        self.dir.join(part_name(chunk_index))
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
        let (table, chunk) = ParquetTable::decode(bytes).map_err(|e| {
            ExploreError::Write(format!(
                "{} is damaged ({e}); delete it and rerun: the run resumes from the other parts",
                path.display()
            ))
        })?;
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
    let width = column_width(summary.scenarios.iter().map(String::as_str), 8);
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
                "  {scenario:<width$} {:>10} [{:>10}, {:>10}]  ({}..{})",
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
    config: &Uncertainties,
    json: &mut serde_json::Map<String, serde_json::Value>,
) -> anyhow::Result<()> {
    let names: Vec<&str> = design
        .parameters()
        .iter()
        .map(|p| p.name.as_str())
        .collect();
    let width = column_width(names.iter().copied(), 8);
    let focus = config
        .settings
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
                                "  {:<width$} total {:.3} +/- {:.3}   first {:.3} +/- {:.3}",
                                names[j], x.total, x.total_confidence, x.first, x.first_confidence
                            )?;
                        }
                        let sum_first: f64 = indices.iter().map(|x| x.first).sum();
                        writeln!(report, "  ({})", first_order_note(sum_first))?;
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
                                "  {:<width$} mu* {:>10} +/- {:<10} mu {:>10}  sigma {:>10}",
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
    config: &Uncertainties,
    json: &mut serde_json::Map<String, serde_json::Value>,
) -> anyhow::Result<()> {
    let mut robustness = Vec::new();
    for compared in compare_outcomes(summary, model.outcomes(), &config.settings)? {
        let spec = &model.outcomes()[compared.outcome];
        let c = compared.comparison;
        writeln!(
            report,
            "\nRobustness on {} ({}; {} worlds{}; best: the share of worlds where the policy does best, a tie shared):",
            spec.name,
            spec.direction.name(),
            c.worlds,
            spec.threshold.map_or(String::new(), |t| format!(
                "; satisficing: {} {}",
                if spec.direction == Direction::Minimize {
                    "<="
                } else {
                    ">="
                },
                fmt(t)
            ))
        )?;
        let width = column_width(c.policies.iter().map(|p| p.policy.as_str()), 8);
        writeln!(
            report,
            "  {:<width$} {:>10} {:>12} {:>12} {:>8} {:>8}",
            "policy", "median", "mean regret", "p90 regret", "best", "satisf."
        )?;
        for p in &c.policies {
            writeln!(
                report,
                "  {:<width$} {:>10} {:>12} {:>12} {:>7.0}% {:>8}",
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
    if !robustness.is_empty() {
        if let Some(listed) = &config.settings.policies {
            let left_out: Vec<&str> = summary
                .scenarios
                .iter()
                // Structure variants (`policy@structure`) are compared under their own heading.
                .filter(|s| !listed.contains(s) && !s.contains('@'))
                .map(String::as_str)
                .collect();
            if !left_out.is_empty() {
                writeln!(
                    report,
                    "  (not compared: {}, which `policies` in uncertainties.toml does not list as a choice)",
                    left_out.join(", ")
                )?;
            }
        }
    }
    json.insert("robustness".into(), robustness.into());

    let mut boxes = Vec::new();
    let names: Vec<&str> = design
        .parameters()
        .iter()
        .map(|p| p.name.as_str())
        .collect();
    let width = column_width(names.iter().copied(), 8);
    for spec in &config.prim {
        let Some(answer) = answer_prim(spec, summary, design, model.outcomes())? else {
            writeln!(
                report,
                "\nPRIM `{}` skipped: scenario {} or outcome {} not in this run",
                spec.name, spec.policy, spec.outcome
            )?;
            continue;
        };
        let (failures, worlds) = (answer.failures, answer.worlds);
        writeln!(
            report,
            "\nPRIM: where does {} fail ({})? {} of {} worlds ({:.1}%)",
            spec.policy,
            spec.name,
            failures,
            worlds,
            100.0 * failures as f64 / worlds.max(1) as f64
        )?;
        let Some(result) = answer.result else {
            writeln!(report, "  nothing to separate")?;
            continue;
        };
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
                "    {:<width$} [{}, {}]   of [{}, {}]   density {:.0}% without it",
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
            "name": spec.name, "policy": spec.policy, "failures": failures, "worlds": worlds,
            "coverage": b.coverage, "density": b.density, "mass": b.mass, "limits": named_limits,
            "trajectory": result.trajectory.iter().map(|t| (t.coverage, t.density, t.mass)).collect::<Vec<_>>()
        }));
    }
    json.insert("prim".into(), boxes.into());
    Ok(())
}

/// The structures the runs were made under: their names, or one unnamed structure (the model as
/// it is) when the uncertainties file has none.
fn structure_labels(config: &Uncertainties) -> Vec<(Option<String>, String)> {
    if config.structures.is_empty() {
        return vec![(None, "model".to_string())];
    }
    config
        .structures
        .iter()
        .enumerate()
        .map(|(k, s)| {
            let suffix = (k > 0 || !s.overrides.is_empty()).then(|| s.name.clone());
            (suffix, s.name.clone())
        })
        .collect()
}

/// A share as a percentage, with the weighted one first when worlds are weighted.
fn share_cell(plain: Option<f64>, weighted: Option<f64>) -> String {
    match (plain, weighted) {
        (Some(p), Some(w)) => format!("{:.0}% ({:.0}%)", 100.0 * w, 100.0 * p),
        (Some(p), None) => format!("{:.0}%", 100.0 * p),
        _ => "-".to_string(),
    }
}

/// The `[[share]]` questions per scenario and structure, and the conclusions per structure; both
/// weighted by fit to the record when the case asks for it.
fn render_shares(
    report: &mut String,
    summary: &EnsembleSummary,
    config: &Uncertainties,
    weights: Option<&WorldWeights>,
    json: &mut serde_json::Map<String, serde_json::Value>,
) -> anyhow::Result<()> {
    let structures = structure_labels(config);
    let w = weights.map(|w| w.weights.as_slice());
    if let Some(weights) = weights {
        writeln!(
            report,
            "\nWorlds weighted by their fit to the record to 2019: {} of {} kept, {:.0} effective worlds (best fit cost {:.1}). Shares below: fit-weighted (all worlds).",
            weights.kept,
            weights.weights.len(),
            weights.effective,
            weights.best_cost
        )?;
        json.insert(
            "fit_weights".into(),
            serde_json::json!({"kept": weights.kept, "effective": weights.effective, "best_cost": weights.best_cost}),
        );
    }
    let header: Vec<&str> = structures.iter().map(|(_, label)| label.as_str()).collect();
    let mut shares_json = Vec::new();
    for share in &config.shares {
        writeln!(
            report,
            "\n{} ({} {} {}) {}:",
            share.name,
            share.outcome,
            share_op(share.op),
            fmt(share.value),
            share.paragraphs.join(" ")
        )?;
        let base: Vec<String> = config.settings.policies.clone().unwrap_or_else(|| {
            summary
                .scenarios
                .iter()
                .filter(|s| !s.contains('@'))
                .cloned()
                .collect()
        });
        let width = column_width(base.iter().map(String::as_str), 8);
        write!(report, "  {:<width$}", "scenario")?;
        for label in &header {
            write!(report, " {label:>22}")?;
        }
        writeln!(report)?;
        for scenario in &base {
            write!(report, "  {scenario:<width$}")?;
            let mut cells = Vec::new();
            for (k, (suffix, label)) in structures.iter().enumerate() {
                let name = match suffix {
                    Some(_) if !config.structures.is_empty() => {
                        name_under(scenario, &config.structures, k)
                    }
                    _ => scenario.clone(),
                };
                let plain = evaluate_share(share, summary, &name, None);
                let weighted = w.and_then(|w| evaluate_share(share, summary, &name, Some(w)));
                write!(
                    report,
                    " {:>22}",
                    share_cell(plain.map(|p| p.share), weighted.map(|p| p.share))
                )?;
                cells.push(serde_json::json!({
                    "structure": label,
                    "share": plain.map(|p| p.share),
                    "weighted_share": weighted.map(|p| p.share),
                    "worlds": plain.map(|p| p.worlds),
                }));
            }
            writeln!(report)?;
            shares_json.push(
                serde_json::json!({"share": share.name, "scenario": scenario, "structures": cells}),
            );
        }
    }
    json.insert("shares".into(), shares_json.into());

    let mut conclusions = Vec::new();
    if !config.conclusions.is_empty() {
        writeln!(
            report,
            "\nShare of plausible worlds in which each conclusion holds, per structure:"
        )?;
        write!(report, "  {:<46}", "conclusion")?;
        for label in &header {
            write!(report, " {label:>22}")?;
        }
        writeln!(report)?;
    }
    for c in &config.conclusions {
        write!(report, "  {:<46}", c.name)?;
        let mut cells = Vec::new();
        for (suffix, label) in &structures {
            let plain = evaluate_conclusion(c, summary, suffix.as_deref(), None);
            let weighted =
                w.and_then(|w| evaluate_conclusion(c, summary, suffix.as_deref(), Some(w)));
            write!(
                report,
                " {:>22}",
                share_cell(plain.map(|p| p.share), weighted.map(|p| p.share))
            )?;
            cells.push(serde_json::json!({
                "structure": label,
                "share": plain.map(|p| p.share),
                "weighted_share": weighted.map(|p| p.share),
                "worlds": plain.map(|p| p.worlds),
            }));
        }
        writeln!(report, "  {}", c.paragraphs.join(" "))?;
        conclusions.push(serde_json::json!({
            "name": c.name, "paragraphs": c.paragraphs, "paraphrase": c.paraphrase,
            "structures": cells,
        }));
    }
    json.insert("conclusions".into(), conclusions.into());
    Ok(())
}

fn share_op(op: blowback::Comparison) -> &'static str {
    match op {
        blowback::Comparison::Less => "<",
        blowback::Comparison::LessOrEqual => "<=",
        blowback::Comparison::Greater => ">",
        blowback::Comparison::GreaterOrEqual => ">=",
    }
}

/// What the sum of first-order Sobol indices says: below 1, the rest is interaction; above 1 or
/// below 0 (possible only through estimation error, as many noisy estimates near zero add up),
/// the first-order indices are not resolved at this sample size.
fn first_order_note(sum_first: f64) -> String {
    if sum_first < 0.0 {
        format!(
            "sum of first-order indices {sum_first:.2}: below 0 only through estimation error, so \
             the first-order indices are not resolved at this sample size; read the total-order ones"
        )
    } else if sum_first <= 1.0 {
        format!(
            "sum of first-order indices {sum_first:.2}: the remaining {:.2} of the variance is interaction",
            1.0 - sum_first
        )
    } else {
        format!(
            "sum of first-order indices {sum_first:.2}: above 1 only through estimation error, so \
             interactions are too small to measure at this sample size"
        )
    }
}

/// Per envelope series: one SVG of every scenario's median per structure, and one per scenario
/// with its 5/25/50/75/95% bands (a single chart of all bands of all scenarios is unreadable).
///
/// A scenario keeps its colour from the case's run charts and the explorer (its place in the
/// case's order), whatever subset of scenarios and structures was explored.
fn write_envelope_charts(
    dir: &Path,
    summary: &EnsembleSummary,
    case: &Case,
) -> anyhow::Result<usize> {
    let project = case.project();
    let names = case.scenario_names();
    // `policy@structure` is the policy's run under an alternative structure, in the policy's
    // colour (each structure has its own median chart).
    let index_of = |scenario: &str| {
        let policy = scenario
            .split_once('@')
            .map_or(scenario, |(policy, _)| policy);
        names.iter().position(|n| *n == policy).unwrap_or(0)
    };
    let mut series: Vec<&str> = summary
        .envelopes
        .iter()
        .map(|e| e.series.as_str())
        .collect();
    series.sort_unstable();
    series.dedup();
    let mut written = 0;
    for name in series {
        let units = crate::labels::units_of(project, name);
        let envelopes: Vec<_> = summary
            .envelopes
            .iter()
            .filter(|e| e.series == name)
            .collect();
        // One chart of medians per structure: all policies under all structures at once is a
        // legend taller than the chart.
        let mut structures: Vec<Option<&str>> = envelopes
            .iter()
            .map(|e| e.scenario.split_once('@').map(|(_, s)| s))
            .collect();
        structures.sort_unstable();
        structures.dedup();
        for structure in structures {
            let median_lines = envelopes
                .iter()
                .filter(|e| e.scenario.split_once('@').map(|(_, s)| s) == structure)
                .filter_map(|e| {
                    let i = e.percentiles.iter().position(|p| *p == 50.0)?;
                    Some(Line {
                        // The title names the structure.
                        label: e
                            .scenario
                            .split_once('@')
                            .map_or(&e.scenario[..], |(p, _)| p),
                        times: &e.times,
                        values: &e.bands[i],
                        pen: Pen::scenario(index_of(&e.scenario)),
                    })
                })
                .collect();
            let (title, file) = match structure {
                None => (
                    format!("{name}: median across sampled worlds, by scenario"),
                    format!("envelope_{name}.svg"),
                ),
                Some(structure) => (
                    format!("{name} under the {structure} structure: median across sampled worlds"),
                    format!("envelope_{name}@{structure}.svg"),
                ),
            };
            let chart = Chart {
                title: &title,
                y_label: &units,
                lines: median_lines,
                points: Vec::new(),
                marker: None,
            };
            write_atomic(&dir.join(file), charts::svg(&chart)?.as_bytes())?;
            written += 1;
        }
        for e in &envelopes {
            let labels: Vec<String> = e.percentiles.iter().map(|p| format!("{p}%")).collect();
            let index = index_of(&e.scenario);
            let lines = labels
                .iter()
                .zip(&e.bands)
                .zip(&e.percentiles)
                .map(|((label, band), &percentile)| Line {
                    label,
                    times: &e.times,
                    values: band,
                    pen: Pen::percentile(index, percentile),
                })
                .collect();
            let title = if e.runs < summary.experiments.len() {
                format!(
                    "{name} under {}: percentiles across the first {} of {} sampled worlds",
                    e.scenario,
                    e.runs,
                    summary.experiments.len()
                )
            } else {
                format!(
                    "{name} under {}: percentiles across {} sampled worlds",
                    e.scenario, e.runs
                )
            };
            let chart = Chart {
                title: &title,
                y_label: &units,
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Item 8 of issue 17: a sum of first-order indices above 1 is estimation error, not a
    /// negative interaction.
    #[test]
    fn the_first_order_sum_is_read_for_what_it_is() {
        assert_eq!(
            first_order_note(0.8),
            "sum of first-order indices 0.80: the remaining 0.20 of the variance is interaction"
        );
        let above = first_order_note(1.04);
        assert!(
            above.contains("above 1 only through estimation error"),
            "{above}"
        );
        assert!(!above.contains("the rest is interaction"));
        let below = first_order_note(-0.75);
        assert!(
            below.contains("below 0 only through estimation error"),
            "{below}"
        );
        assert!(!below.contains("interaction"), "{below}");
    }
}
