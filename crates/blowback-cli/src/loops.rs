//! `blowback loops` and `blowback explain`: feedback loops, their dominance over a run, a
//! causal-loop diagram, and the chain of causes behind a variable's change, each link with the
//! essay claim behind it.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Context};
use blowback::Case;
use blowback_sd::{FeedbackLoop, LoopAnalysis, LoopOptions, NodeRole, Overrides, Polarity};

use crate::diagram::Diagram;
use crate::output::{column_width, write_atomic};

/// Arguments of `blowback loops`.
#[derive(Debug, clap::Args)]
pub struct LoopsArgs {
    /// An XMILE model, or a case folder (loop names come from its loops.toml).
    pub path: PathBuf,
    /// For a case: the scenario whose run is analysed (default: the first, usually status_quo).
    #[arg(long)]
    pub scenario: Option<String>,
    /// Only an independent loop set (shortest first, each adding a link).
    #[arg(long)]
    pub independent: bool,
    /// Stop enumerating after this many loops.
    #[arg(long, default_value_t = 2_000)]
    pub max_loops: usize,
    /// Only search loops of at most this many variables (0: no limit, Johnson's algorithm).
    #[arg(long, default_value_t = 12)]
    pub max_length: usize,
    /// Report dominance among the loops the case names only (scores stay relative to all loops).
    #[arg(long)]
    pub named: bool,
    /// Phases to rank loops in, as FROM:TO,FROM:TO (times in model units).
    #[arg(long, value_name = "A:B,C:D")]
    pub phases: Option<String>,
    /// The folder for the causal-loop diagram (DOT and SVG); default out/CASE/loops.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Write every loop's score and relative score at every saved time as CSV to PATH (`-` or no
    /// value for standard output): `time`, then `R1 score`, `R1 relative score`, ...
    #[arg(long, value_name = "PATH", num_args = 0..=1, default_missing_value = "-")]
    pub csv: Option<PathBuf>,
    /// The same as JSON, with each loop's name, polarity and variables.
    #[arg(long, value_name = "PATH", num_args = 0..=1, default_missing_value = "-")]
    pub json: Option<PathBuf>,
}

/// Arguments of `blowback explain`.
#[derive(Debug, clap::Args)]
pub struct ExplainArgs {
    /// A case folder (or an XMILE model, without provenance).
    pub path: PathBuf,
    /// The variable whose change to explain.
    #[arg(long)]
    pub var: String,
    /// The time of the change.
    #[arg(long)]
    pub at: f64,
    /// For a case: the scenario (default: the first).
    #[arg(long)]
    pub scenario: Option<String>,
    /// How many links back to follow the largest cause.
    #[arg(long, default_value_t = 4)]
    pub depth: usize,
}

/// What the commands need from a model or case.
struct Subject {
    name: String,
    case: Case,
    /// The scenario analysed (none for a bare model).
    scenario: Option<String>,
    overrides: Overrides,
}

impl Subject {
    /// The claim cited for a direct link: the first claim asserting it, with its paragraphs.
    fn citation(&self, from: &str, to: &str) -> Option<String> {
        self.case
            .claims_on_link(from, to)
            .next()
            .map(|claim| claim.citation())
    }

    /// A loop's label: `R3`, then its name and paragraphs when the case names it.
    fn loop_label(&self, l: &FeedbackLoop) -> String {
        let id = format!("{}{}", l.kind(), l.index + 1);
        let Some(name) = &l.name else {
            return id;
        };
        match self.case.named_loop(name) {
            Some(named) if !named.paragraphs.is_empty() => {
                format!("{id} {name} [{}]", named.paragraphs.join(", "))
            }
            _ => format!("{id} {name}"),
        }
    }
}

fn load(path: &Path, scenario: Option<&str>) -> anyhow::Result<Option<Subject>> {
    let Some((case, source)) = crate::load::open(path)? else {
        return Ok(None);
    };
    let scenario = scenario
        .or_else(|| case.scenario_names().first().copied())
        .map(String::from);
    let overrides = match &scenario {
        Some(name) => {
            let chosen = case.scenario(name).ok_or_else(|| {
                crate::args::unknown_name("scenario", name, &case.scenario_names())
            })?;
            case.overrides_for(chosen, &Overrides::new())
        }
        None => Overrides::new(),
    };
    Ok(Some(Subject {
        name: source.name(),
        case,
        scenario,
        overrides,
    }))
}

/// `blowback loops`.
pub fn loops(args: LoopsArgs) -> anyhow::Result<ExitCode> {
    let Some(subject) = load(&args.path, args.scenario.as_deref())? else {
        return Ok(ExitCode::from(1));
    };
    let specs = subject.case.simulation().sim_specs();
    let phases = match &args.phases {
        Some(text) => parse_phases(text, specs.start, specs.stop)?,
        None => Vec::new(),
    };
    let options = LoopOptions {
        max_loops: args.max_loops,
        max_length: (args.max_length > 0).then_some(args.max_length),
        independent_only: args.independent,
    };
    let found = subject.case.feedback_loops(&subject.overrides, options)?;
    for (name, e) in &found.unbuilt {
        eprintln!("warning: loop `{name}` in loops.toml: {e}");
    }
    let found = found.loops;
    let simulation = subject.case.simulation();
    let mut analysis = simulation.loop_dominance(&subject.overrides, &found)?;
    if args.named {
        // Keep the scores relative to every loop, but compare only the named ones.
        let keep: Vec<usize> = (0..found.len())
            .filter(|&i| found[i].name.is_some())
            .collect();
        analysis.relative_scores = keep
            .iter()
            .map(|&i| analysis.relative_scores[i].clone())
            .collect();
        analysis.scores = keep.iter().map(|&i| analysis.scores[i].clone()).collect();
        analysis.loops = keep.iter().map(|&i| found[i].clone()).collect();
    }
    let mut out = String::new();
    let reinforcing = found
        .iter()
        .filter(|l| l.polarity == Polarity::Positive)
        .count();
    let balancing = found
        .iter()
        .filter(|l| l.polarity == Polarity::Negative)
        .count();
    let undetermined = found.len() - reinforcing - balancing;
    write!(
        out,
        "{} feedback loops: {reinforcing} reinforcing (R), {balancing} balancing (B)",
        found.len()
    )?;
    if undetermined > 0 {
        write!(
            out,
            ", {undetermined} undetermined (?: a link on the loop never responded in the run)"
        )?;
    }
    writeln!(out)?;
    // Long listings help no one: show the named loops and the shortest others.
    let shown: Vec<&FeedbackLoop> = found
        .iter()
        .filter(|l| l.name.is_some())
        .chain(found.iter().filter(|l| l.name.is_none()).take(25))
        .collect();
    let width = shown
        .iter()
        .map(|l| subject.loop_label(l).chars().count())
        .max()
        .unwrap_or(0);
    for l in &shown {
        writeln!(
            out,
            "  {:<width$} {}",
            subject.loop_label(l),
            l.variables.join(" -> ")
        )?;
    }
    if shown.len() < found.len() {
        writeln!(
            out,
            "  ... and {} more (all are scored below)",
            found.len() - shown.len()
        )?;
    }
    let specs = simulation.sim_specs();
    let span = specs.stop - specs.start;
    writeln!(
        out,
        "\nDominant loop by period (Loops That Matter; mean relative loop score, + reinforcing \
         the change at the time, - balancing it):"
    )?;
    let periods = analysis.dominance(span / 50.0);
    let width = periods
        .iter()
        .map(|p| {
            subject
                .loop_label(&analysis.loops[p.loop_index])
                .chars()
                .count()
        })
        .max()
        .unwrap_or(0);
    let mut acting_against_structure = Vec::new();
    for period in &periods {
        let l = &analysis.loops[period.loop_index];
        writeln!(
            out,
            "  {:>8.2} - {:<8.2} {:<width$} {:+.2}",
            period.from,
            period.to,
            subject.loop_label(l),
            period.mean_relative_score
        )?;
        // As printed: a score that rounds to zero acts neither way.
        let score = (period.mean_relative_score * 100.0).round();
        let against = match l.polarity {
            Polarity::Positive => score < 0.0,
            Polarity::Negative => score > 0.0,
            Polarity::Unknown => false,
        };
        if against && !acting_against_structure.contains(&loop_id(l)) {
            acting_against_structure.push(loop_id(l));
        }
    }
    if !acting_against_structure.is_empty() {
        writeln!(
            out,
            "  note: {} {} against {} polarity in that period (the score's sign): at those values a \
             link on the loop works in reverse, e.g. a nonlinear effect past its turning point, so \
             a B loop reinforces there and an R loop balances",
            acting_against_structure.join(", "),
            if acting_against_structure.len() == 1 { "acts" } else { "act" },
            if acting_against_structure.len() == 1 { "its" } else { "their" },
        )?;
    }
    {
        for &(from, to) in &phases {
            writeln!(
                out,
                "\nStrongest loops {from} - {to} (mean |relative score|):"
            )?;
            let top: Vec<(usize, f64)> = analysis.ranking(from, to).into_iter().take(3).collect();
            let width = top
                .iter()
                .map(|&(i, _)| subject.loop_label(&analysis.loops[i]).chars().count())
                .max()
                .unwrap_or(0);
            for (index, score) in top {
                writeln!(
                    out,
                    "  {:<width$} {score:.3}",
                    subject.loop_label(&analysis.loops[index])
                )?;
            }
        }
    }
    if args.csv.is_some() || args.json.is_some() {
        let saved = simulation.run_selected(&subject.overrides, &[])?;
        let rows = analysis.rows_at(saved.times());
        if let Some(path) = &args.csv {
            write_atomic(path, &scores_csv(&analysis, &rows)?)?;
        }
        if let Some(path) = &args.json {
            let document = scores_json(&analysis, &rows, subject.scenario.as_deref());
            let mut bytes = serde_json::to_vec_pretty(&document)?;
            bytes.push(b'\n');
            write_atomic(path, &bytes)?;
        }
    }
    // Scores on standard output are all it prints there.
    let quiet = [&args.csv, &args.json]
        .iter()
        .any(|p| p.as_deref() == Some(Path::new("-")));
    let dir = args
        .out
        .unwrap_or_else(|| PathBuf::from("out").join(&subject.name).join("loops"));
    let edges = subject
        .case
        .simulation()
        .condensed_loop_graph(&subject.overrides, &drawn_loops(&found))?;
    let diagram = Diagram::new(&edges, |from, to| subject.citation(from, to));
    write_atomic(
        &dir.join("causal_loop_diagram.dot"),
        diagram.dot().as_bytes(),
    )?;
    let title = format!(
        "Causal-loop diagram of {}: {}, condensed to their stocks",
        subject.name,
        if found.iter().any(|l| l.name.is_some()) {
            "the named loops"
        } else {
            "the shortest loops"
        }
    );
    match diagram.svg(&title) {
        Ok(svg) => {
            write_atomic(&dir.join("causal_loop_diagram.svg"), svg.as_bytes())?;
            writeln!(
                out,
                "\nCausal-loop diagram: {}",
                dir.join("causal_loop_diagram.svg").display()
            )?;
        }
        Err(message) => writeln!(out, "\nDOT written; SVG layout failed: {message}")?,
    }
    if !quiet {
        print!("{out}");
    }
    Ok(ExitCode::SUCCESS)
}

/// `--phases FROM:TO,...`: each phase forwards in time and overlapping the run, so none comes out
/// empty.
fn parse_phases(text: &str, start: f64, stop: f64) -> anyhow::Result<Vec<(f64, f64)>> {
    text.split(',')
        .map(|phase| {
            let (from, to) = phase
                .split_once(':')
                .and_then(|(a, b)| {
                    Some((a.trim().parse::<f64>().ok()?, b.trim().parse::<f64>().ok()?))
                })
                .with_context(|| {
                    format!("--phases expects FROM:TO pairs such as {start}:{stop}, got `{phase}`")
                })?;
            if from >= to {
                bail!("--phases: `{phase}` ends before it starts; write the earlier time first ({to}:{from})");
            }
            if to < start || from > stop {
                bail!("--phases: `{phase}` lies outside the run, which goes from {start} to {stop}");
            }
            Ok((from, to))
        })
        .collect()
}

/// A loop's id in score tables: `R1`, `B12`, `?3`.
fn loop_id(l: &FeedbackLoop) -> String {
    format!("{}{}", l.kind(), l.index + 1)
}

/// Loop scores at the saved times as CSV: `time`, then each loop's score and relative score.
fn scores_csv(analysis: &LoopAnalysis, rows: &[(f64, usize)]) -> anyhow::Result<Vec<u8>> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let mut record = vec!["time".to_string()];
    for l in &analysis.loops {
        let id = loop_id(l);
        record.push(format!("{id} score"));
        record.push(format!("{id} relative score"));
    }
    writer.write_record(&record)?;
    for &(time, row) in rows {
        record.clear();
        record.push(time.to_string());
        for (scores, relative) in analysis.scores.iter().zip(&analysis.relative_scores) {
            record.push(scores[row].to_string());
            record.push(relative[row].to_string());
        }
        writer.write_record(&record)?;
    }
    writer.into_inner().map_err(|e| anyhow::anyhow!("{e}"))
}

/// Loop scores at the saved times as JSON, each loop with its id, name, polarity and variables.
fn scores_json(
    analysis: &LoopAnalysis,
    rows: &[(f64, usize)],
    scenario: Option<&str>,
) -> serde_json::Value {
    let loops: Vec<serde_json::Value> = analysis
        .loops
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let at =
                |column: &[f64]| -> Vec<f64> { rows.iter().map(|&(_, r)| column[r]).collect() };
            serde_json::json!({
                "id": loop_id(l),
                "name": l.name,
                "polarity": l.kind(),
                "variables": l.variables,
                "scores": at(&analysis.scores[i]),
                "relative_scores": at(&analysis.relative_scores[i]),
            })
        })
        .collect();
    serde_json::json!({
        "scenario": scenario,
        "times": rows.iter().map(|&(t, _)| t).collect::<Vec<_>>(),
        "loops": loops,
    })
}

/// The loops a diagram shows: the named ones when the case names any, else the 50 shortest.
fn drawn_loops(loops: &[FeedbackLoop]) -> Vec<&FeedbackLoop> {
    if loops.iter().any(|l| l.name.is_some()) {
        loops.iter().filter(|l| l.name.is_some()).collect()
    } else {
        loops.iter().take(50).collect()
    }
}

/// `blowback explain`.
pub fn explain(args: ExplainArgs) -> anyhow::Result<ExitCode> {
    let Some(subject) = load(&args.path, args.scenario.as_deref())? else {
        return Ok(ExitCode::from(1));
    };
    let chain =
        subject
            .case
            .simulation()
            .explain(&subject.overrides, &args.var, args.at, args.depth)?;
    let has_claims = subject.case.claims().iter().any(|c| !c.links.is_empty());
    let project = subject.case.project();
    // The change explained is over the one time step that ends nearest the time asked about.
    let specs = subject.case.simulation().sim_specs();
    let dt = subject.overrides.dt.unwrap_or(specs.dt);
    let start = subject.overrides.start.unwrap_or(specs.start);
    let step_end = start + ((args.at - start) / dt).round().max(1.0) * dt;
    let mut out = String::new();
    writeln!(
        out,
        "Why `{}` changed from {} to {} (one time step of {dt}); each cause's push on the \
         variable's change, and its share of all the pushes:",
        args.var,
        step_end - dt,
        step_end
    )?;
    let width = column_width(chain.iter().map(|c| c.from.as_str()), 0);
    let mut level = usize::MAX;
    let mut shares = 0.0;
    for (i, step) in chain.iter().enumerate() {
        if step.depth != level {
            level = step.depth;
            let same_level = chain[i..].iter().take_while(|c| c.depth == level);
            let (net, gross) =
                same_level.fold((0.0, 0.0), |(n, g), c| (n + c.delta, g + c.delta.abs()));
            let units = crate::labels::units_of(project, &step.to);
            let units = if units.is_empty() {
                String::new()
            } else {
                format!(" {units}")
            };
            // A stock's causes are its flows: rates, not changes over the step.
            let is_stock = subject.case.simulation().variables().any(|v| {
                v.role == NodeRole::Stock
                    && blowback_sd::canonical(v.name) == blowback_sd::canonical(&step.to)
            });
            if is_stock {
                let time_units = specs.time_units.as_deref().unwrap_or("time unit");
                writeln!(
                    out,
                    "{}{} (a stock) changed at a net rate of {}{units} per {time_units}, from its flows:",
                    "  ".repeat(level),
                    step.to,
                    crate::labels::signed(net),
                )?;
            } else {
                writeln!(
                    out,
                    "{}{} moved by {}{units} because of:",
                    "  ".repeat(level),
                    step.to,
                    crate::labels::signed(net),
                )?;
            }
            shares = gross;
        }
        let claim = subject
            .citation(&step.from, &step.to)
            .map(|c| format!("  claim {c}"))
            .unwrap_or_else(|| {
                if has_claims {
                    "  (no claim: model structure)".into()
                } else {
                    String::new()
                }
            });
        let share = if shares > 0.0 {
            step.delta / shares * 100.0
        } else {
            0.0
        };
        writeln!(
            out,
            "{}  {:<width$} {:>10} {:>5.0}%{claim}",
            "  ".repeat(level),
            step.from,
            crate::labels::signed(step.delta),
            share
        )?;
    }
    print!("{out}");
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use blowback_sd::{compile, read_xmile};

    use super::*;

    /// Logistic growth saved every year: a reinforcing and a balancing loop.
    fn analysis() -> (LoopAnalysis, Vec<f64>) {
        let text = r#"<xmile version="1.0" xmlns="http://docs.oasis-open.org/xmile/ns/XMILE/v1.0">
  <sim_specs><start>0</start><stop>4</stop><dt>0.5</dt><savestep>1</savestep></sim_specs>
  <model><variables>
    <stock name="population"><eqn>10</eqn><inflow>growth</inflow></stock>
    <flow name="growth"><eqn>population * rate</eqn></flow>
    <aux name="rate"><eqn>0.5 * (1 - population / 100)</eqn></aux>
  </variables></model>
</xmile>"#;
        let (project, _) = read_xmile(text).unwrap();
        let simulation = compile(&project).unwrap().0;
        let overrides = Overrides::new();
        let loops = simulation
            .feedback_loops(&overrides, LoopOptions::default())
            .unwrap();
        let analysis = simulation.loop_dominance(&overrides, &loops).unwrap();
        let saved = simulation.run_selected(&overrides, &[]).unwrap();
        (analysis, saved.times().to_vec())
    }

    #[test]
    fn loop_scores_are_written_at_every_saved_time() {
        let (analysis, saved) = analysis();
        let rows = analysis.rows_at(&saved);
        let csv = String::from_utf8(scores_csv(&analysis, &rows).unwrap()).unwrap();
        let lines: Vec<&str> = csv.lines().collect();
        let ids: Vec<String> = analysis.loops.iter().map(loop_id).collect();
        let mut header = vec!["time".to_string()];
        for id in &ids {
            header.push(format!("{id} score"));
            header.push(format!("{id} relative score"));
        }
        assert_eq!(lines[0], header.join(","));
        // Saved at 0..4; the start has no score.
        let times: Vec<&str> = lines[1..]
            .iter()
            .map(|l| l.split(',').next().unwrap())
            .collect();
        assert_eq!(times, ["1", "2", "3", "4"]);
        for (line, &(_, row)) in lines[1..].iter().zip(&rows) {
            let cells: Vec<f64> = line
                .split(',')
                .skip(1)
                .map(|c| c.parse().unwrap())
                .collect();
            let total: f64 = analysis.scores.iter().map(|s| s[row].abs()).sum();
            for (l, pair) in cells.chunks(2).enumerate() {
                assert_eq!(pair[0], analysis.scores[l][row]);
                assert!((pair[1] - pair[0] / total).abs() < 1e-12);
            }
        }

        let json = scores_json(&analysis, &rows, Some("base"));
        assert_eq!(json["scenario"], "base");
        assert_eq!(json["times"], serde_json::json!([1.0, 2.0, 3.0, 4.0]));
        assert_eq!(json["loops"].as_array().unwrap().len(), ids.len());
        let first = &json["loops"][0];
        assert_eq!(first["id"], ids[0]);
        assert_eq!(first["scores"].as_array().unwrap().len(), 4);
        assert_eq!(
            first["relative_scores"][3],
            analysis.relative_scores[0][rows[3].1]
        );
    }
}
