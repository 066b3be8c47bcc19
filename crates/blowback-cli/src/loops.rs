//! `blowback loops` and `blowback explain`: feedback loops, their dominance over a run, a
//! causal-loop diagram, and the chain of causes behind a variable's change, each link with the
//! essay claim behind it.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use blowback::Case;
use blowback_sd::{FeedbackLoop, LoopOptions, Overrides, Polarity};

use crate::output::write_atomic;

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
    /// Where to write the causal-loop diagram (DOT and SVG); default out/loops/NAME.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
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
    let overrides = match scenario.or_else(|| case.scenario_names().first().copied()) {
        Some(name) => {
            let chosen = case.scenario(name).with_context(|| {
                format!(
                    "no scenario `{name}`; the case has: {}",
                    case.scenario_names().join(", ")
                )
            })?;
            case.overrides_for(chosen, &Overrides::new())
        }
        None => Overrides::new(),
    };
    Ok(Some(Subject {
        name: source.name(),
        case,
        overrides,
    }))
}

/// `blowback loops`.
pub fn loops(args: LoopsArgs) -> anyhow::Result<ExitCode> {
    let Some(subject) = load(&args.path, args.scenario.as_deref())? else {
        return Ok(ExitCode::from(1));
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
    writeln!(
        out,
        "{} feedback loops: {reinforcing} reinforcing (R), {balancing} balancing (B)",
        found.len()
    )?;
    // Long listings help no one: show the named loops and the shortest others.
    let shown: Vec<&FeedbackLoop> = found
        .iter()
        .filter(|l| l.name.is_some())
        .chain(found.iter().filter(|l| l.name.is_none()).take(25))
        .collect();
    for l in &shown {
        writeln!(
            out,
            "  {:<40} {}",
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
        "\nDominant loop by period (Loops That Matter, relative loop score):"
    )?;
    for period in analysis.dominance(span / 50.0) {
        writeln!(
            out,
            "  {:>8.2} - {:<8.2} {:<40} {:+.2}",
            period.from,
            period.to,
            subject.loop_label(&analysis.loops[period.loop_index]),
            period.mean_relative_score
        )?;
    }
    if let Some(phases) = &args.phases {
        for phase in phases.split(',') {
            let (from, to) = phase
                .split_once(':')
                .and_then(|(a, b)| {
                    Some((a.trim().parse::<f64>().ok()?, b.trim().parse::<f64>().ok()?))
                })
                .with_context(|| format!("--phases expects FROM:TO pairs, got `{phase}`"))?;
            writeln!(
                out,
                "\nStrongest loops {from} - {to} (mean |relative score|):"
            )?;
            for (index, score) in analysis.ranking(from, to).into_iter().take(3) {
                writeln!(
                    out,
                    "  {:<40} {score:.3}",
                    subject.loop_label(&analysis.loops[index])
                )?;
            }
        }
    }
    let dir = args
        .out
        .unwrap_or_else(|| PathBuf::from("out/loops").join(&subject.name));
    let dot = diagram_dot(&subject, &found)?;
    write_atomic(&dir.join("causal_loop_diagram.dot"), dot.as_bytes())?;
    match render_svg(&dot) {
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
    print!("{out}");
    Ok(ExitCode::SUCCESS)
}

/// The loops a diagram shows: the named ones when the case names any, else the 50 shortest.
fn drawn_loops(loops: &[FeedbackLoop]) -> Vec<&FeedbackLoop> {
    if loops.iter().any(|l| l.name.is_some()) {
        loops.iter().filter(|l| l.name.is_some()).collect()
    } else {
        loops.iter().take(50).collect()
    }
}

/// A causal-loop diagram of the loops as DOT, condensed to their stocks (see
/// `Simulation::condensed_loop_graph`), `?` where loops disagree. Tooltips carry the claims behind
/// direct links.
fn diagram_dot(subject: &Subject, loops: &[FeedbackLoop]) -> anyhow::Result<String> {
    let edges = subject
        .case
        .simulation()
        .condensed_loop_graph(&subject.overrides, &drawn_loops(loops))?;
    let mut dot = String::from(
        "digraph causal_loops {\n  graph [rankdir=LR];\n  node [shape=box, style=rounded];\n",
    );
    let id = |name: &str| format!("\"{}\"", name.replace('"', "'"));
    let mut nodes: Vec<&str> = edges
        .iter()
        .flat_map(|e| [e.from.as_str(), e.to.as_str()])
        .collect();
    nodes.sort();
    nodes.dedup();
    for name in &nodes {
        writeln!(
            dot,
            "  {} [label={}];",
            id(name),
            id(&name.replace('_', " "))
        )?;
    }
    for edge in &edges {
        // The layout engine draws no self-loops; the stock's node still shows.
        if edge.from == edge.to {
            continue;
        }
        let claim = subject
            .citation(&edge.from, &edge.to)
            .map(|c| format!(", tooltip=\"{}\"", c.replace('"', "'")))
            .unwrap_or_default();
        let color = match edge.polarity {
            Polarity::Positive => "blue",
            Polarity::Negative => "red",
            Polarity::Unknown => "gray",
        };
        writeln!(
            dot,
            "  {} -> {} [label=\"{}\", color={color}{claim}];",
            id(&edge.from),
            id(&edge.to),
            edge.polarity
        )?;
    }
    dot.push_str("}\n");
    Ok(dot)
}

fn render_svg(dot: &str) -> Result<String, String> {
    use layout::backends::svg::SVGWriter;
    use layout::gv::{DotParser, GraphBuilder};
    let graph = DotParser::new(dot).process()?;
    let mut builder = GraphBuilder::new();
    builder.visit_graph(&graph);
    let mut visual = builder.get();
    let mut svg = SVGWriter::new();
    visual.do_it(false, false, false, &mut svg);
    Ok(svg.finalize())
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
    let mut out = String::new();
    writeln!(out, "Why `{}` changed at {}:", args.var, args.at)?;
    let mut level = usize::MAX;
    for step in &chain {
        if step.depth != level {
            level = step.depth;
            writeln!(out, "{}{} moved because of:", "  ".repeat(level), step.to)?;
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
        writeln!(
            out,
            "{}  {:<32} {:>+12.4} ({:>6.1}% of the change){claim}",
            "  ".repeat(level),
            step.from,
            step.delta,
            step.share * 100.0
        )?;
    }
    print!("{out}");
    Ok(ExitCode::SUCCESS)
}
