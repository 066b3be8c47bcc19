//! `blowback conflict`: reads a conflict (TOML or `blowback-gmcr-model/1` JSON), runs the Graph
//! Model analysis from `blowback-conflict` and renders tables or `blowback-gmcr-expected/1` JSON.
//! No analysis logic lives here.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Context};
use blowback_conflict::{
    analyze, default_concepts, expected_document, explain, inverse_analysis, inverse_by_statements,
    reachable_by_improvements, read_json, read_toml, Concept, Conflict, ConflictSpec, Form, Game,
    PreferenceSpec, Stability,
};

use blowback::{context_onsets, ContextOnsets};
use blowback_conflict::{analyze_contexts, ContextStability};

use crate::diagnostics::Reported;
use crate::output::{plural, write_atomic};

/// Conflict subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Stability of every state for every decision maker, and the equilibria.
    Analyze {
        /// Conflict file: `.toml` (blowback format) or `.json` (blowback-gmcr-model/1).
        file: PathBuf,
        /// Solution concepts, comma-separated: nash, gmr, smr, seq, sim, lh.
        #[arg(long)]
        concepts: Option<String>,
        /// Horizon h for limited-move stability (lh).
        #[arg(long, default_value_t = 2)]
        horizon: u32,
        /// Write `blowback-gmcr-expected/1` JSON to PATH (`-` or no value for standard output)
        /// instead of the tables.
        #[arg(long, value_name = "PATH", num_args = 0..=1, default_missing_value = "-")]
        json: Option<PathBuf>,
        /// Print every state's stability, not only the equilibria and the status quo.
        #[arg(long)]
        all: bool,
        /// Also analyse these decision makers acting as one (comma-separated names).
        #[arg(long)]
        coalition: Option<String>,
    },
    /// Stable outcomes with the stated preferences and in each `[[context]]`, and, with a case,
    /// when each scenario's simulation reaches each context.
    Contexts {
        /// Conflict file (TOML, with `[[context]]` tables).
        file: PathBuf,
        /// Solution concepts, comma-separated: nash, gmr, smr, seq, sim, lh.
        #[arg(long)]
        concepts: Option<String>,
        /// Horizon h for limited-move stability (lh).
        #[arg(long, default_value_t = 2)]
        horizon: u32,
        /// A case folder whose scenarios are run to time the contexts' triggers.
        #[arg(long)]
        case: Option<PathBuf>,
        /// Only triggers met from this time on count (default: the conflict's date, the case's
        /// policy start).
        #[arg(long)]
        from: Option<f64>,
    },
    /// Why a state is or is not stable: the sanction that blocks each improvement.
    Explain {
        /// Conflict file.
        file: PathBuf,
        /// State id.
        #[arg(long)]
        state: u32,
        /// Only this decision maker (default: all).
        #[arg(long)]
        dm: Option<String>,
        /// Solution concept.
        #[arg(long, default_value = "seq")]
        concept: String,
        /// Horizon h for limited-move stability (lh).
        #[arg(long, default_value_t = 2)]
        horizon: u32,
    },
    /// States reachable from the status quo by unilateral improvements, with a shortest path.
    StatusQuo {
        /// Conflict file.
        file: PathBuf,
        /// Start state id (default: the file's status quo).
        #[arg(long)]
        state: Option<u32>,
        /// Mark which reachable states are equilibria under these concepts.
        #[arg(long, default_value = "nash,gmr,smr,seq")]
        concepts: String,
    },
    /// Which preference changes would make a state an equilibrium under a concept.
    Inverse {
        /// Conflict file.
        file: PathBuf,
        /// Target state id.
        #[arg(long)]
        state: u32,
        /// Solution concept.
        #[arg(long, default_value = "seq")]
        concept: String,
        /// Horizon h for limited-move stability (lh).
        #[arg(long, default_value_t = 2)]
        horizon: u32,
        /// Search limit: states passed in all rankings together (`--by rank`) or adjacent
        /// statement swaps (`--by statements`).
        #[arg(long, default_value_t = 4)]
        max_changes: usize,
        /// What may change.
        #[arg(long, value_enum, default_value_t = InverseBy::Statements)]
        by: InverseBy,
    },
}

/// `--by` of `blowback conflict inverse`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum InverseBy {
    /// Swap adjacent prioritisation statements (option-prioritisation files only).
    Statements,
    /// Raise the target state in the decision makers' rankings.
    Rank,
}

/// Runs a conflict subcommand.
pub fn run(command: Command) -> anyhow::Result<ExitCode> {
    match command {
        Command::Analyze {
            file,
            concepts,
            horizon,
            json,
            all,
            coalition,
        } => {
            let conflict = load(&file)?;
            let concepts = match concepts {
                Some(list) => Concept::parse_list(&list, horizon)?,
                None => default_concepts(&conflict),
            };
            let coalition: Option<Vec<String>> =
                coalition.map(|list| list.split(',').map(|n| n.trim().to_string()).collect());
            let coalition_refs: Option<Vec<&str>> = coalition
                .as_ref()
                .map(|names| names.iter().map(String::as_str).collect());
            if let Some(path) = &json {
                let doc = expected_document(&conflict, &concepts, coalition_refs.as_deref())?;
                let mut text = serde_json::to_string_pretty(&doc)?;
                text.push('\n');
                write_atomic(path, text.as_bytes())?;
                return Ok(ExitCode::SUCCESS);
            }
            let text = {
                let game = Game::individual(&conflict);
                let stability = analyze(&game, &concepts)?;
                let mut text = render_analysis(&conflict, &game, &stability, all);
                if let Some(names) = &coalition_refs {
                    let coalition_game = Game::with_coalition(&conflict, names)?;
                    let usable: Vec<Concept> = concepts
                        .iter()
                        .copied()
                        .filter(|c| !matches!(c, Concept::Limited(_)))
                        .collect();
                    let coalition_stability = analyze(&coalition_game, &usable)?;
                    text.push_str("\nCoalition analysis\n");
                    text.push_str(&render_equilibria(&conflict, &coalition_stability));
                }
                text
            };
            write_atomic(Path::new("-"), text.as_bytes())?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Contexts {
            file,
            concepts,
            horizon,
            case,
            from,
        } => {
            let (spec, conflict) = load_with_spec(&file)?;
            if spec.contexts.is_empty() {
                bail!(
                    "{} has no [[context]] tables: nothing to compare (see FORMAT.md)",
                    file.display()
                );
            }
            let concepts = match concepts {
                Some(list) => Concept::parse_list(&list, horizon)?,
                None => default_concepts(&conflict),
            };
            let results = analyze_contexts(&spec, &concepts)?;
            let mut text = render_contexts(&conflict, &spec, &concepts, &results);
            if let Some(dir) = case {
                let Some((case, source)) = crate::load::open(&dir)? else {
                    return Ok(ExitCode::from(1));
                };
                let runs = case
                    .run_all(&blowback_sd::Overrides::new())
                    .map_err(|e| source.error(e))?;
                let from = from.unwrap_or_else(|| {
                    case.scenarios()
                        .iter()
                        .filter_map(|s| s.start)
                        .fold(f64::NEG_INFINITY, f64::max)
                });
                let onsets = context_onsets(&spec, &runs, from).map_err(|e| source.error(e))?;
                render_onsets(&mut text, &spec, &onsets, from);
            }
            write_atomic(Path::new("-"), text.as_bytes())?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Explain {
            file,
            state,
            dm,
            concept,
            horizon,
        } => {
            let conflict = load(&file)?;
            let concept = single_concept(&concept, horizon)?;
            let index = state_index(&conflict, state)?;
            let game = Game::individual(&conflict);
            let players: Vec<usize> = match &dm {
                Some(name) => vec![game.player_index(name).ok_or_else(|| {
                    crate::args::unknown_name("decision maker", name, &game.player_names())
                })?],
                None => (0..game.n_players()).collect(),
            };
            let mut text = format!("State {}: {}\n", state, describe_state(&conflict, index));
            for player in players {
                let explanation = explain(&game, player, index, concept)?;
                render_explanation(&mut text, &conflict, &game, &explanation);
            }
            write_atomic(Path::new("-"), text.as_bytes())?;
            Ok(ExitCode::SUCCESS)
        }
        Command::StatusQuo {
            file,
            state,
            concepts,
        } => {
            let conflict = load(&file)?;
            let start = match state {
                Some(id) => state_index(&conflict, id)?,
                None => conflict
                    .status_quo()
                    .context("the file gives no status quo; pass --state ID")?,
            };
            let concepts = Concept::parse_list(&concepts, 2)?;
            let game = Game::individual(&conflict);
            let stability = analyze(&game, &concepts)?;
            let names = game.player_names();
            let mut text = format!(
                "Status quo: state {} ({})\nReachable by legal sequences of unilateral improvements:\n",
                conflict.state_id(start),
                describe_state(&conflict, start)
            );
            for entry in reachable_by_improvements(&game, start) {
                let equilibria = stability.equilibrium_under(entry.state);
                let path: Vec<String> = entry
                    .path
                    .iter()
                    .map(|&(p, s)| format!("{} -> {}", names[p], conflict.state_id(s)))
                    .collect();
                let _ = writeln!(
                    text,
                    "  {:>5}  {:<28} path: {:<40} equilibrium: {}",
                    conflict.state_id(entry.state),
                    describe_state_short(&conflict, entry.state),
                    if path.is_empty() {
                        "(start)".to_string()
                    } else {
                        path.join(", ")
                    },
                    if equilibria.is_empty() {
                        "-".to_string()
                    } else {
                        concept_list(&equilibria)
                    }
                );
            }
            write_atomic(Path::new("-"), text.as_bytes())?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Inverse {
            file,
            state,
            concept,
            horizon,
            max_changes,
            by,
        } => {
            let (spec, conflict) = load_with_spec(&file)?;
            let concept = single_concept(&concept, horizon)?;
            let target = state_index(&conflict, state)?;
            let dms = conflict.decision_makers();
            let mut text = format!(
                "Target: state {} ({}) under {}\n",
                state,
                describe_state(&conflict, target),
                concept
            );
            match by {
                InverseBy::Statements => {
                    let result =
                        inverse_by_statements(&spec, &conflict, target, concept, max_changes)?;
                    render_unstable(&mut text, dms, &result.unstable_for);
                    match result.minimal_swaps {
                        Some(0) => {}
                        Some(swaps) if result.exhaustive => {
                            let _ = writeln!(
                                text,
                                "Fewest adjacent statement swaps that make it an equilibrium: {swaps}; {}:",
                                plural(result.solutions.len(), "way")
                            );
                            render_swaps(&mut text, &spec, dms, &result.solutions);
                        }
                        Some(swaps) => {
                            let _ = writeln!(
                                text,
                                "No sequence of up to {} swaps works jointly. Fixing one decision maker at a time with its fewest swaps: {}:",
                                result.searched_up_to,
                                plural(swaps, "swap")
                            );
                            render_swaps(&mut text, &spec, dms, &result.solutions);
                        }
                        None => {
                            let _ = writeln!(
                                text,
                                "No sequence of up to {} adjacent statement swaps makes it an equilibrium.",
                                result.searched_up_to
                            );
                            if let Some(dm) = result.no_order_works_for {
                                let _ = writeln!(
                                    text,
                                    "No order of {}'s own statements makes it stable for {}: it needs a new preference, not a reordering.",
                                    dms[dm], dms[dm]
                                );
                            }
                        }
                    }
                }
                InverseBy::Rank => {
                    let result = inverse_analysis(&conflict, target, concept, max_changes)?;
                    render_unstable(&mut text, dms, &result.unstable_for);
                    match result.minimal_total {
                        Some(0) => {}
                        Some(total) => {
                            if result.exhaustive {
                                let _ = writeln!(
                                    text,
                                    "Fewest rank raises that make it an equilibrium: {} passed; {}:",
                                    plural(total, "state"),
                                    plural(result.solutions.len(), "way")
                                );
                            } else {
                                let _ = writeln!(
                                    text,
                                    "No combination passing up to {} states works. Greedy search: raises passing {} in all, each as small as it can be:",
                                    result.searched_up_to,
                                    plural(total, "state")
                                );
                            }
                            for (n, solution) in result.solutions.iter().enumerate() {
                                let _ = writeln!(text, "  way {}:", n + 1);
                                for change in solution {
                                    let shown: Vec<String> = change
                                        .passed
                                        .iter()
                                        .take(12)
                                        .map(|&s| conflict.state_id(s).to_string())
                                        .collect();
                                    let more = change.passed.len().saturating_sub(12);
                                    let status_quo = conflict
                                        .status_quo()
                                        .filter(|sq| change.passed.contains(sq))
                                        .map(|sq| {
                                            format!(
                                                " (including the status quo {})",
                                                conflict.state_id(sq)
                                            )
                                        })
                                        .unwrap_or_default();
                                    let _ = writeln!(
                                        text,
                                        "    {} must come to prefer state {state} to {}{status_quo}: {}{}",
                                        dms[change.decision_maker],
                                        plural(change.passed.len(), "state"),
                                        shown.join(", "),
                                        if more > 0 { format!(", ... {more} more") } else { String::new() }
                                    );
                                }
                            }
                        }
                        None => {
                            let _ = writeln!(
                                text,
                                "No combination of rank raises makes it an equilibrium (searched exhaustively up to {} states passed, then greedily).",
                                result.searched_up_to
                            );
                        }
                    }
                }
            }
            write_atomic(Path::new("-"), text.as_bytes())?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn render_unstable(text: &mut String, dms: &[String], unstable_for: &[usize]) {
    if unstable_for.is_empty() {
        text.push_str("Already an equilibrium; no change needed.\n");
    } else {
        let names: Vec<&str> = unstable_for.iter().map(|&dm| dms[dm].as_str()).collect();
        let _ = writeln!(text, "Unstable for: {}", names.join(", "));
    }
}

fn render_swaps(
    text: &mut String,
    spec: &ConflictSpec,
    dms: &[String],
    solutions: &[Vec<blowback_conflict::StatementSwap>],
) {
    for (n, solution) in solutions.iter().enumerate() {
        let _ = writeln!(text, "  way {}:", n + 1);
        for swap in solution {
            let statements = statement_texts(spec, swap.decision_maker);
            let _ = writeln!(
                text,
                "    {}: put `{}` above `{}`",
                dms[swap.decision_maker], statements[swap.promoted], statements[swap.demoted]
            );
        }
    }
}

fn statement_texts(spec: &ConflictSpec, dm: usize) -> Vec<String> {
    match &spec.preferences[dm] {
        PreferenceSpec::Prioritization(statements) => {
            statements.iter().map(|st| st.text.clone()).collect()
        }
        PreferenceSpec::Ranking(_) => Vec::new(),
    }
}

/// The stable outcomes in each context, side by side, and what changes against the stated
/// preferences.
fn render_contexts(
    conflict: &Conflict,
    spec: &ConflictSpec,
    concepts: &[Concept],
    results: &[ContextStability],
) -> String {
    let mut text = String::new();
    let status_quo = conflict.status_quo();
    let _ = writeln!(
        text,
        "Stable outcomes by context ({} decision makers, {} states){}",
        conflict.decision_makers().len(),
        conflict.n_states(),
        status_quo.map_or(String::new(), |sq| format!(
            "; status quo: state {}",
            conflict.state_id(sq)
        ))
    );
    let base = &results[0];
    for result in results {
        let _ = writeln!(text, "\n{}", result.name);
        if let Some(description) = &result.description {
            let _ = writeln!(text, "  {description}");
        }
        if let Some(context) = spec.contexts.iter().find(|c| c.name == result.name) {
            for (dm, _) in &context.preferences {
                let _ = writeln!(
                    text,
                    "  preferences changed: {}",
                    spec.decision_makers[*dm].name
                );
            }
        }
        for (c, concept) in concepts.iter().enumerate() {
            let ids: Vec<String> = result.equilibria[c].iter().map(u32::to_string).collect();
            let sq = result.status_quo_stable.as_ref().map_or("", |s| {
                if s[c] {
                    "  (status quo stable)"
                } else {
                    "  (status quo not stable)"
                }
            });
            let changed = if result.name != base.name && result.differs_from(base, c) {
                "  CHANGED"
            } else {
                ""
            };
            let _ = writeln!(
                text,
                "  {:<5} {:<30}{sq}{changed}",
                concept.key(),
                if ids.is_empty() {
                    "none".to_string()
                } else {
                    ids.join(", ")
                },
            );
        }
        // Describe the states that the stricter concepts keep (GMR and SMR keep many more, held by
        // threats; their ids are listed above).
        let mut shown: Vec<u32> = concepts
            .iter()
            .zip(&result.equilibria)
            .filter(|(c, _)| !matches!(c, Concept::Gmr | Concept::Smr))
            .flat_map(|(_, ids)| ids.iter().copied())
            .collect();
        shown.sort_unstable();
        shown.dedup();
        for id in &shown {
            if let Some(index) = conflict.state_index(*id) {
                let _ = writeln!(text, "    state {id}: {}", describe_state(conflict, index));
            }
        }
    }
    text
}

/// When each scenario's run first meets each context's trigger.
fn render_onsets(text: &mut String, spec: &ConflictSpec, onsets: &[ContextOnsets], from: f64) {
    let _ = writeln!(
        text,
        "\nWhen the simulated scenarios reach each context (first time from {from} on):"
    );
    for (k, context) in spec.contexts.iter().enumerate() {
        let Some(trigger) = &context.trigger else {
            let _ = writeln!(text, "  {}: no trigger", context.name);
            continue;
        };
        let _ = writeln!(
            text,
            "  {} ({} {} {} for {}):",
            context.name,
            trigger.variable,
            if trigger.above { "above" } else { "below" },
            trigger.level,
            trigger.duration
        );
        for scenario in onsets {
            let when = scenario.onsets[k].map_or("never".to_string(), |t| format!("{t:.2}"));
            let _ = writeln!(text, "    {:<28} {when}", scenario.scenario);
        }
    }
}

fn load(path: &Path) -> anyhow::Result<Conflict> {
    Ok(load_with_spec(path)?.1)
}

fn load_with_spec(path: &Path) -> anyhow::Result<(ConflictSpec, Conflict)> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let is_json = path.extension().is_some_and(|e| e == "json")
        || (path.extension().is_none_or(|e| e != "toml") && text.trim_start().starts_with('{'));
    let spec = if is_json {
        read_json(&text)
    } else {
        read_toml(&text)
    };
    let spec = spec.map_err(|error| located(path, &text, error))?;
    let conflict = Conflict::build(&spec).map_err(|error| located(path, &text, error))?;
    Ok((spec, conflict))
}

/// A conflict file's problems, rendered with the file's path and text.
fn located(path: &Path, text: &str, error: blowback_conflict::Error) -> anyhow::Error {
    match error {
        blowback_conflict::Error::Invalid(problems) => {
            Reported::file(path, Some(text), &problems).into()
        }
        other => anyhow::anyhow!("{}: {other}", path.display()),
    }
}

fn single_concept(text: &str, horizon: u32) -> anyhow::Result<Concept> {
    let concepts = Concept::parse_list(text, horizon)?;
    match concepts.as_slice() {
        [one] => Ok(*one),
        _ => bail!("give exactly one concept (nash, gmr, smr, seq, sim or lh), not `{text}`"),
    }
}

fn state_index(conflict: &Conflict, id: u32) -> anyhow::Result<usize> {
    conflict.state_index(id).with_context(|| {
        format!(
            "state {id} does not exist; states run from 1 to {}",
            conflict.n_states()
        )
    })
}

/// The options taken in a state, by id (option form), or its pattern (graph form).
fn describe_state(conflict: &Conflict, state: usize) -> String {
    match conflict.form() {
        Form::Option => {
            let taken = conflict.options_taken(state);
            let pattern = conflict.state_pattern(state).unwrap_or_default();
            if taken.is_empty() {
                format!("{pattern}: no option taken")
            } else {
                format!("{pattern}: {}", taken.join(", "))
            }
        }
        Form::Graph => conflict.state_pattern(state).unwrap_or_else(|| "-".into()),
    }
}

fn describe_state_short(conflict: &Conflict, state: usize) -> String {
    conflict.state_pattern(state).unwrap_or_else(|| "-".into())
}

fn render_analysis(conflict: &Conflict, game: &Game, stability: &Stability, all: bool) -> String {
    let mut text = String::new();
    let names = game.player_names();
    let _ = writeln!(
        text,
        "Conflict: {} ({} feasible states, {} decision makers)",
        conflict.name(),
        conflict.n_states(),
        names.len()
    );
    if conflict.form() == Form::Option {
        text.push_str("Options (pattern position = option number):\n");
        for (index, id) in conflict.option_ids().iter().enumerate() {
            let _ = writeln!(
                text,
                "  {:>2}  {:<22} {:<20} {}",
                index + 1,
                id,
                names[conflict.option_decision_makers()[index]],
                conflict.option_names()[index]
            );
        }
    }
    let _ = writeln!(
        text,
        "Decision makers (one mark each, in this order): {}",
        names
            .iter()
            .enumerate()
            .map(|(i, n)| format!("{}={n}", i + 1))
            .collect::<Vec<_>>()
            .join(", ")
    );
    if let Some(start) = conflict.status_quo() {
        let under = stability.equilibrium_under(start);
        let reachable = reachable_by_improvements(game, start).len() - 1;
        let _ = writeln!(
            text,
            "\nStatus quo: state {} ({}); equilibrium under: {}; {} reachable by unilateral improvements (see `blowback conflict status-quo`)",
            conflict.state_id(start),
            describe_state(conflict, start),
            if under.is_empty() { "none".to_string() } else { concept_list(&under) },
            crate::output::plural(reachable, "other state")
        );
    }
    text.push('\n');
    text.push_str(&render_equilibria(conflict, stability));
    const MAX_ROWS: usize = 512;
    if !all {
        let _ = writeln!(
            text,
            "\n(--all prints the stability of each of the {} states for each decision maker)",
            conflict.n_states()
        );
    } else if conflict.n_states() <= MAX_ROWS {
        let _ = write!(text, "\n{:>6}  {:<12}", "state", "pattern");
        for concept in &stability.concepts {
            let _ = write!(
                text,
                " {:<width$}",
                concept.to_string(),
                width = names.len().max(4)
            );
        }
        text.push_str("  equilibrium under\n");
        for state in 0..conflict.n_states() {
            let _ = write!(
                text,
                "{:>6}  {:<12}",
                conflict.state_id(state),
                describe_state_short(conflict, state)
            );
            for c in 0..stability.concepts.len() {
                let marks: String = (0..names.len())
                    .map(|p| {
                        if stability.stable[p][c].contains(state) {
                            '*'
                        } else {
                            '.'
                        }
                    })
                    .collect();
                let _ = write!(text, " {:<width$}", marks, width = names.len().max(4));
            }
            let _ = writeln!(
                text,
                "  {}",
                concept_list(&stability.equilibrium_under(state))
            );
        }
        text.push_str("('*' = stable for that decision maker, '.' = not)\n");
    } else {
        let _ = writeln!(
            text,
            "\n({} states: per-state table omitted above {MAX_ROWS})",
            conflict.n_states()
        );
    }
    text
}

/// Concepts as a space-separated list: `Nash GMR SEQ`.
fn concept_list(concepts: &[Concept]) -> String {
    concepts
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(" ")
}

fn render_equilibria(conflict: &Conflict, stability: &Stability) -> String {
    let mut text = String::new();
    for (c, concept) in stability.concepts.iter().enumerate() {
        let count = stability.equilibria[c].count();
        let _ = writeln!(text, "{concept} equilibria ({count}):");
        for state in stability.equilibria[c].iter().take(50) {
            let _ = writeln!(
                text,
                "  {:>6}  {}",
                conflict.state_id(state),
                describe_state(conflict, state)
            );
        }
        if count > 50 {
            let _ = writeln!(text, "  ... and {} more", count - 50);
        }
    }
    text
}

fn render_explanation(
    text: &mut String,
    conflict: &Conflict,
    game: &Game,
    explanation: &blowback_conflict::Explanation,
) {
    let names = game.player_names();
    let player = names[explanation.player];
    let verdict = if explanation.stable {
        "stable"
    } else {
        "NOT stable"
    };
    let _ = writeln!(text, "\n{player}: {verdict} under {}", explanation.concept);
    if explanation.checks.is_empty() {
        let _ = writeln!(text, "  no unilateral improvement from here");
    }
    for check in &explanation.checks {
        let target = conflict.state_id(check.target);
        if let Concept::Limited(_) = explanation.concept {
            let outcomes: Vec<String> = check
                .anticipated
                .iter()
                .map(|&s| conflict.state_id(s).to_string())
                .collect();
            let _ = writeln!(
                text,
                "  move to {target}: {} {} -> {}",
                if outcomes.len() == 1 {
                    "anticipated outcome"
                } else {
                    "anticipated outcomes"
                },
                outcomes.join(", "),
                if check.destabilizes {
                    "worth moving"
                } else {
                    "not worth moving"
                }
            );
            continue;
        }
        match &check.sanction {
            Some(sanction) => {
                let steps: Vec<String> = sanction
                    .steps
                    .iter()
                    .map(|&(p, s)| format!("{} -> {}", names[p], conflict.state_id(s)))
                    .collect();
                let how = if explanation.concept == Concept::Sim {
                    "simultaneously"
                } else {
                    "then"
                };
                let _ = writeln!(
                    text,
                    "  improvement to {target} is sanctioned: {how} {} ends in {} ({}), which {player} does not prefer to {}",
                    steps.join(", "),
                    conflict.state_id(sanction.outcome),
                    describe_state(conflict, sanction.outcome),
                    conflict.state_id(explanation.state)
                );
            }
            None => {
                let why = if explanation.concept == Concept::Nash {
                    "Nash ignores sanctions"
                } else {
                    "no sanction exists"
                };
                let _ = writeln!(
                    text,
                    "  improvement to {target} ({}) is not deterred: {why}",
                    describe_state(conflict, check.target)
                );
            }
        }
    }
}
