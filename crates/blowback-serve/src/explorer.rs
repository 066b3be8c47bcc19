//! What the explorer serves, computed from a loaded case (or a bare model) once at start-up, and the
//! checked requests that re-run it. Nothing here knows about HTTP: the router in `api.rs` turns a
//! [`Rejection`] into a status code.
//!
//! Invariant: a request never reads a file. Everything a handler may need from disk (model, scenarios,
//! claims, loops, conflict, data, README) comes in the loaded case, read by the caller before the
//! server starts listening.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Mutex;

use blowback::{window_stat, Basis, Case, Claim, NamedLoop, Scenario};
use blowback_conflict::{analyze, default_concepts, reachable_by_improvements, Conflict, Game};
use blowback_sd::{
    canonical, did_you_mean, FeedbackLoop, LoopOptions, NodeRole, Overrides, Polarity, Simulation,
};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::api::OPENAPI;
use crate::ServeError;

/// Runs longer than this many steps are refused: the explorer answers as a slider moves, so the
/// model's own time settings must keep a run short. Af-Pak takes 4,352 steps.
pub(crate) const MAX_STEPS: f64 = 200_000.0;
/// At most this many variables come back from one run (each is a column of every saved time).
pub(crate) const MAX_VARIABLES: usize = 32;
/// Deepest causal chain an explanation follows.
pub(crate) const MAX_DEPTH: usize = 6;

/// Why a request was refused; the router maps each kind to a status code.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Rejection {
    /// A field of the request is wrong (422); `field` is its JSON path.
    Invalid { field: String, message: String },
    /// The request is valid but the model failed on it (a non-finite value, say) (422).
    RunFailed(String),
}

impl Rejection {
    fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        Rejection::Invalid {
            field: field.into(),
            message: message.into(),
        }
    }
}

/// Whether a slider is a policy choice or a fact about the world nobody knows exactly.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LeverKind {
    /// Set by the scenarios: what a government could choose.
    Policy,
    /// Ranged in the uncertainties file (or, for a bare model, a constant given a default range).
    Uncertain,
}

/// One slider: a constant the page may set, with the range a request must respect.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Lever {
    pub name: String,
    pub kind: LeverKind,
    pub min: f64,
    pub max: f64,
    /// The slider's step: every value a scenario sets lies on it.
    pub step: f64,
    pub default: f64,
    pub doc: String,
    pub source: String,
}

/// `POST /api/run`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RunRequest {
    pub scenario: String,
    #[serde(default)]
    pub overrides: BTreeMap<String, f64>,
    #[serde(default)]
    pub variables: Option<Vec<String>>,
    #[serde(default)]
    pub overlay: bool,
}

/// `POST /api/explain`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ExplainRequest {
    pub scenario: String,
    #[serde(default)]
    pub overrides: BTreeMap<String, f64>,
    pub variable: String,
    pub at: f64,
    /// A whole number; read as a number because JSON (and JSON Schema) let `2.0` be an integer.
    #[serde(default)]
    pub depth: Option<f64>,
}

/// The response to a run request, borrowing the result columns.
#[derive(Serialize)]
struct RunDocument<'a> {
    time: &'a [f64],
    runs: Vec<RunEntry<'a>>,
    elapsed_ms: f64,
}

#[derive(Serialize)]
struct RunEntry<'a> {
    scenario: &'a str,
    current: bool,
    series: Series<'a>,
    outcomes: Vec<OutcomeValue<'a>>,
}

#[derive(Serialize)]
struct OutcomeValue<'a> {
    label: &'a str,
    value: Option<f64>,
}

/// Variable name -> column, as a JSON object in the order asked for.
struct Series<'a>(Vec<(&'a str, &'a [f64])>);

impl Serialize for Series<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (name, column) in &self.0 {
            map.serialize_entry(name, column)?;
        }
        map.end()
    }
}

/// A case (or bare model) ready to serve.
pub struct Explorer {
    case: Case,
    /// The case's scenarios, or one for a bare model.
    scenarios: Vec<Scenario>,
    levers: Vec<Lever>,
    /// Canonical name -> index into `levers`.
    lever_index: HashMap<String, usize>,
    /// Canonical name -> the model's spelling, for every visible variable.
    variables: HashMap<String, String>,
    /// Pre-rendered JSON documents of the read-only endpoints.
    pub(crate) overview: String,
    pub(crate) diagram: String,
    pub(crate) conflict: Option<String>,
    /// The OpenAPI document as served: the generic one narrowed to this case (see [`Explorer::new`]).
    pub(crate) openapi: String,
    /// Loop dominance per scenario, computed on first request (a bounded set: one per scenario).
    loops_cache: Mutex<HashMap<String, String>>,
}

impl Explorer {
    /// Prepares a loaded case (or a bare model loaded as a case) to be served. `name` is its short
    /// name (the page's title when the case has no README); `bare` says it is a bare model, whose
    /// every constant becomes a slider.
    ///
    /// `openapi` is the generic API description; the explorer serves it narrowed to the case (the
    /// scenario names, each lever's range and the variable names become enums and bounds), so a
    /// client or a schema-driven fuzzer knows exactly which requests are valid.
    pub fn new(case: Case, name: &str, bare: bool) -> Result<Explorer, ServeError> {
        let specs = case.simulation().sim_specs();
        let steps = (specs.stop - specs.start) / specs.dt;
        // NaN steps (a zero or non-finite dt) count as too many.
        if steps.is_nan() || steps > MAX_STEPS {
            return Err(ServeError::TooManySteps { steps });
        }
        // A case without scenarios (a bare model) gets one, so the page and the API work the
        // same way.
        let scenarios = if case.scenarios().is_empty() {
            vec![Scenario {
                name: "baseline".into(),
                description: "The model as written.".into(),
                start: None,
                overrides: BTreeMap::new(),
            }]
        } else {
            case.scenarios().to_vec()
        };
        let docs = variable_docs(&case);
        let parameters = case
            .uncertainties()
            .map(|u| u.parameters.as_slice())
            .unwrap_or_default();
        let levers = levers(&case, &docs, parameters, bare);
        let lever_index = levers
            .iter()
            .enumerate()
            .map(|(i, l)| (canonical(&l.name), i))
            .collect();
        let variables = case
            .simulation()
            .variables()
            .map(|v| (canonical(v.name), v.name.to_string()))
            .collect();
        let conflict = case.conflict().map(conflict_document).transpose()?;
        let mut explorer = Explorer {
            case,
            scenarios,
            levers,
            lever_index,
            variables,
            overview: String::new(),
            diagram: String::new(),
            conflict,
            openapi: String::new(),
            loops_cache: Mutex::new(HashMap::new()),
        };
        explorer.openapi = explorer.narrowed_openapi(OPENAPI)?.to_string();
        explorer.overview = explorer.overview_document(name, &docs).to_string();
        explorer.diagram = explorer.diagram_document(&docs)?.to_string();
        Ok(explorer)
    }

    /// The scenario the page opens on (every explorer has at least one).
    pub(crate) fn first_scenario(&self) -> &str {
        &self.scenarios[0].name
    }

    fn narrowed_openapi(&self, generic: &str) -> Result<Value, ServeError> {
        let mut doc: Value = serde_json::from_str(generic).map_err(ServeError::OpenApi)?;
        let scenarios = json!(self.scenario_names());
        let mut variables: Vec<&str> = self.variables.values().map(String::as_str).collect();
        variables.sort_unstable();
        let levers: serde_json::Map<String, Value> = self
            .levers
            .iter()
            .map(|l| {
                let schema = json!({"type": "number", "minimum": l.min, "maximum": l.max});
                (l.name.clone(), schema)
            })
            .collect();
        let overrides =
            json!({"type": "object", "properties": levers, "additionalProperties": false});
        let specs = self.simulation().sim_specs();
        let schemas = &mut doc["components"]["schemas"];
        for request in ["RunRequest", "ExplainRequest"] {
            let properties = &mut schemas[request]["properties"];
            properties["scenario"]["enum"] = scenarios.clone();
            properties["overrides"] = overrides.clone();
        }
        schemas["RunRequest"]["properties"]["variables"]["items"]["enum"] = json!(variables);
        let explain = &mut schemas["ExplainRequest"]["properties"];
        explain["variable"]["enum"] = json!(variables);
        explain["at"]["minimum"] = json!(specs.start);
        explain["at"]["maximum"] = json!(specs.stop);
        doc["paths"]["/api/loops"]["get"]["parameters"][0]["schema"]["enum"] = scenarios;
        Ok(doc)
    }

    fn simulation(&self) -> &Simulation {
        self.case.simulation()
    }

    fn scenario_names(&self) -> Vec<&str> {
        self.scenarios.iter().map(|s| s.name.as_str()).collect()
    }

    fn overview_document(&self, name: &str, docs: &HashMap<String, (String, String)>) -> Value {
        let specs = self.simulation().sim_specs();
        let (title, story) = self.case.readme().map(story).unwrap_or_default();
        let role = |r: NodeRole| match r {
            NodeRole::Stock => "stock",
            NodeRole::Flow => "flow",
            NodeRole::Auxiliary => "auxiliary",
            NodeRole::Constant => "constant",
            NodeRole::Table => "table",
        };
        let variables: Vec<Value> = self
            .simulation()
            .variables()
            .map(|v| {
                let (doc, units) = docs.get(&canonical(v.name)).cloned().unwrap_or_default();
                json!({"name": v.name, "role": role(v.role), "doc": doc, "units": units})
            })
            .collect();
        let scenarios: Vec<Value> = self
            .scenarios
            .iter()
            .map(|s| {
                // The start is a lever too, so the page can set its slider from the scenario.
                let mut overrides = s.overrides.clone();
                if let Some(start) = s.start {
                    overrides.insert(self.case.start_variable().to_string(), start);
                }
                json!({"name": s.name, "description": s.description, "start": s.start,
                       "overrides": overrides})
            })
            .collect();
        let levers: Vec<Value> = self
            .levers
            .iter()
            .map(|l| {
                json!({
                    "name": l.name,
                    "kind": match l.kind { LeverKind::Policy => "policy", LeverKind::Uncertain => "uncertain" },
                    "min": l.min, "max": l.max, "step": l.step,
                    "default": l.default, "doc": l.doc, "source": l.source,
                })
            })
            .collect();
        let claims: Vec<Value> = self
            .case
            .claims()
            .iter()
            .map(|c| {
                let mut value = claim_json(c);
                value["links"] = c
                    .links
                    .iter()
                    .map(|l| json!({"from": l.from, "to": l.to, "polarity": l.polarity.symbol()}))
                    .collect();
                value
            })
            .collect();
        let loops: Vec<Value> = self
            .case
            .named_loops()
            .iter()
            .map(|l| {
                json!({"name": l.name, "polarity": l.polarity, "variables": l.variables,
                       "paragraphs": l.paragraphs, "reading": l.reading})
            })
            .collect();
        let data: Vec<Value> = self
            .case
            .data()
            .iter()
            .map(|series| {
                let points: Vec<[f64; 2]> = series
                    .observations
                    .iter()
                    .map(|o| [o.time, o.value])
                    .collect();
                json!({
                    "variable": series.spec.variable,
                    "label": series.spec.label.clone().unwrap_or_else(|| series.spec.file.clone()),
                    "points": points,
                })
            })
            .collect();
        let outcomes: Vec<Value> = self
            .case
            .report()
            .outcomes
            .iter()
            .map(|o| {
                json!({"label": o.label, "variable": o.var,
                       "stat": format!("{:?}", o.stat).to_lowercase(), "from": o.from, "to": o.to})
            })
            .collect();
        let mut charts = self.case.report().variables.clone();
        if charts.is_empty() {
            // A bare model: chart its stocks, as a modeller would look at them first.
            charts = self
                .simulation()
                .variables()
                .filter(|v| v.role == NodeRole::Stock)
                .take(6)
                .map(|v| v.name.to_string())
                .collect();
        }
        json!({
            "name": name,
            "title": if title.is_empty() { name.to_string() } else { title },
            "story": story,
            "time": {"start": specs.start, "stop": specs.stop, "dt": specs.dt,
                     "units": specs.time_units.clone().unwrap_or_default()},
            "start_variable": self.levers.iter().any(|l| l.name == self.case.start_variable())
                .then(|| self.case.start_variable()),
            "variables": variables,
            "charts": charts,
            "scenarios": scenarios,
            "levers": levers,
            "claims": claims,
            "loops": loops,
            "data": data,
            "outcomes": outcomes,
        })
    }

    /// The feedback loops the page shows: the named ones, else the shortest the search finds.
    fn loops_for(&self, overrides: &Overrides) -> Result<Vec<FeedbackLoop>, ServeError> {
        if self.case.named_loops().is_empty() {
            let options = LoopOptions {
                max_loops: 50,
                max_length: Some(12),
                independent_only: false,
            };
            return Ok(self.simulation().feedback_loops(overrides, options)?);
        }
        self.case
            .named_feedback_loops(overrides)
            .map_err(|(name, source)| ServeError::Loop { name, source })
    }

    fn diagram_document(
        &self,
        docs: &HashMap<String, (String, String)>,
    ) -> Result<Value, ServeError> {
        let overrides = self.scenario_overrides(&self.scenarios[0]);
        let loops = self.loops_for(&overrides)?;
        let drawn: Vec<&FeedbackLoop> = loops.iter().collect();
        let edges = self.simulation().condensed_loop_graph(&overrides, &drawn)?;
        let mut nodes: Vec<&str> = edges
            .iter()
            .flat_map(|e| [e.from.as_str(), e.to.as_str()])
            .collect();
        nodes.sort();
        nodes.dedup();
        let nodes: Vec<Value> = nodes
            .iter()
            .map(|n| {
                let doc = docs
                    .get(&canonical(n))
                    .map(|d| d.0.clone())
                    .unwrap_or_default();
                json!({"id": n, "label": n.replace('_', " "), "doc": doc})
            })
            .collect();
        let edges: Vec<Value> = edges
            .iter()
            .map(|e| {
                // The claims behind each direct link of the chain from one stock to the next.
                let chain: Vec<&str> = std::iter::once(e.from.as_str())
                    .chain(e.via.iter().map(String::as_str))
                    .chain(std::iter::once(e.to.as_str()))
                    .collect();
                let mut claims: Vec<&Claim> = Vec::new();
                for pair in chain.windows(2) {
                    for claim in self.case.claims_on_link(pair[0], pair[1]) {
                        if !claims.iter().any(|c| c.id == claim.id) {
                            claims.push(claim);
                        }
                    }
                }
                let claims: Vec<Value> = claims.into_iter().map(claim_json).collect();
                let names: Vec<&str> = e
                    .loops
                    .iter()
                    .filter_map(|&i| loops[i].name.as_deref())
                    .collect();
                json!({"from": e.from, "to": e.to, "polarity": polarity_sign(e.polarity),
                       "via": e.via, "loops": names, "claims": claims})
            })
            .collect();
        Ok(json!({"nodes": nodes, "edges": edges}))
    }

    fn scenario(&self, name: &str) -> Result<&Scenario, Rejection> {
        self.scenarios
            .iter()
            .find(|s| s.name == name)
            .ok_or_else(|| {
                Rejection::invalid(
                    "scenario",
                    format!(
                        "no scenario `{name}`; the case has: {}",
                        self.scenario_names().join(", ")
                    ),
                )
            })
    }

    fn scenario_overrides(&self, scenario: &Scenario) -> Overrides {
        self.case.overrides_for(scenario, &Overrides::new())
    }

    /// Checks every override against the levers: known, finite, inside its range.
    fn check_overrides(
        &self,
        overrides: &BTreeMap<String, f64>,
    ) -> Result<Vec<(&Lever, f64)>, Rejection> {
        overrides
            .iter()
            .map(|(name, &value)| {
                let field = format!("overrides.{name}");
                let Some(&index) = self.lever_index.get(&canonical(name)) else {
                    let message = if self.variables.contains_key(&canonical(name)) {
                        format!(
                            "`{name}` is not adjustable here: the explorer sets only the case's \
                             policy levers and uncertain parameters"
                        )
                    } else {
                        let hint = closest(name, self.levers.iter().map(|l| l.name.as_str()))
                            .map(|s| format!("; did you mean `{s}`?"))
                            .unwrap_or_default();
                        format!("unknown parameter `{name}`{hint}")
                    };
                    return Err(Rejection::invalid(field, message));
                };
                let lever = &self.levers[index];
                // Exact bounds, as the served OpenAPI document states them: JSON numbers round-trip
                // f64 exactly, so a slider at its end sends the bound itself.
                if !(lever.min..=lever.max).contains(&value) {
                    return Err(Rejection::invalid(
                        field,
                        format!(
                            "{value} is outside the range of `{}`, [{}, {}]",
                            lever.name, lever.min, lever.max
                        ),
                    ));
                }
                Ok((lever, value))
            })
            .collect()
    }

    fn variable(&self, field: String, name: &str) -> Result<&str, Rejection> {
        self.variables
            .get(&canonical(name))
            .map(String::as_str)
            .ok_or_else(|| {
                let hint = closest(name, self.variables.values().map(String::as_str))
                    .map(|s| format!("; did you mean `{s}`?"))
                    .unwrap_or_default();
                Rejection::invalid(field, format!("unknown variable `{name}`{hint}"))
            })
    }

    /// Runs the scenario with the request's overrides (and, with `overlay`, every other scenario in
    /// the same world), returning the response document.
    pub(crate) fn run(&self, request: &RunRequest) -> Result<String, Rejection> {
        let started = std::time::Instant::now();
        let scenario = self.scenario(&request.scenario)?;
        let set = self.check_overrides(&request.overrides)?;
        let requested: Vec<String> = match &request.variables {
            Some(list) if list.len() > MAX_VARIABLES => {
                return Err(Rejection::invalid(
                    "variables",
                    format!(
                        "{} variables asked for; a run returns at most {MAX_VARIABLES}",
                        list.len()
                    ),
                ))
            }
            Some(list) => list.clone(),
            None => self.case.report().variables.clone(),
        };
        let mut names: Vec<&str> = Vec::new();
        for (i, name) in requested.iter().enumerate() {
            let known = self.variable(format!("variables[{i}]"), name)?;
            if !names.contains(&known) {
                names.push(known);
            }
        }
        let outcomes = &self.case.report().outcomes;
        let mut columns = names.clone();
        for outcome in outcomes {
            if let Some(known) = self.variables.get(&canonical(&outcome.var)) {
                if !columns.contains(&known.as_str()) {
                    columns.push(known);
                }
            }
        }
        let mut jobs: Vec<(&Scenario, Overrides)> = Vec::new();
        let mut current = self.scenario_overrides(scenario);
        for (lever, value) in &set {
            current.set(&lever.name, *value);
        }
        jobs.push((scenario, current));
        if request.overlay {
            for other in &self.scenarios {
                if other.name == scenario.name {
                    continue;
                }
                let mut world = self.scenario_overrides(other);
                for (lever, value) in &set {
                    if lever.kind == LeverKind::Uncertain {
                        world.set(&lever.name, *value);
                    }
                }
                jobs.push((other, world));
            }
        }
        let results = jobs
            .par_iter()
            .map(|(s, overrides)| {
                self.simulation()
                    .run_selected(overrides, &columns)
                    .map_err(|e| Rejection::RunFailed(format!("scenario `{}`: {e}", s.name)))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let runs: Vec<RunEntry> = jobs
            .iter()
            .zip(&results)
            .enumerate()
            .map(|(k, ((s, _), results))| RunEntry {
                scenario: &s.name,
                current: k == 0,
                series: Series(
                    names
                        .iter()
                        .map(|n| (*n, results.column(n).unwrap_or_default()))
                        .collect(),
                ),
                outcomes: outcomes
                    .iter()
                    .map(|o| OutcomeValue {
                        label: &o.label,
                        value: results
                            .column(&o.var)
                            .and_then(|c| window_stat(results.times(), c, o.stat, o.from, o.to)),
                    })
                    .collect(),
            })
            .collect();
        let document = RunDocument {
            time: results[0].times(),
            runs,
            elapsed_ms: started.elapsed().as_secs_f64() * 1e3,
        };
        // Serialised straight from the result columns: no intermediate JSON tree for ~40k numbers.
        serde_json::to_string(&document).map_err(|e| Rejection::RunFailed(e.to_string()))
    }

    /// The chain of causes behind a variable's change, each link with its claim.
    pub(crate) fn explain(&self, request: &ExplainRequest) -> Result<Value, Rejection> {
        let scenario = self.scenario(&request.scenario)?;
        let set = self.check_overrides(&request.overrides)?;
        let variable = self.variable("variable".into(), &request.variable)?;
        let specs = self.simulation().sim_specs();
        if !(specs.start..=specs.stop).contains(&request.at) {
            return Err(Rejection::invalid(
                "at",
                format!(
                    "{} is outside the run, [{}, {}]",
                    request.at, specs.start, specs.stop
                ),
            ));
        }
        let depth = request.depth.unwrap_or(3.0);
        if depth.fract() != 0.0 || !(0.0..=MAX_DEPTH as f64).contains(&depth) {
            return Err(Rejection::invalid(
                "depth",
                format!("depth is a whole number of links from 0 to {MAX_DEPTH}, not {depth}"),
            ));
        }
        let depth = depth as usize;
        let mut overrides = self.scenario_overrides(scenario);
        for (lever, value) in &set {
            overrides.set(&lever.name, *value);
        }
        let chain = self
            .simulation()
            .explain(&overrides, variable, request.at, depth)
            .map_err(|e| Rejection::RunFailed(e.to_string()))?;
        let steps: Vec<Value> = chain
            .iter()
            .map(|step| {
                let claim = self
                    .case
                    .claims_on_link(&step.from, &step.to)
                    .next()
                    .map(claim_json);
                json!({"from": step.from, "to": step.to, "depth": step.depth,
                       "delta": step.delta, "share": step.share, "claim": claim})
            })
            .collect();
        Ok(json!({"variable": variable, "at": request.at, "steps": steps}))
    }

    /// Loop dominance over a scenario's run (computed once per scenario, then cached).
    pub(crate) fn loops(&self, scenario: &str) -> Result<String, Rejection> {
        let scenario = self.scenario(scenario)?;
        if let Some(cached) = self.cache().get(&scenario.name) {
            return Ok(cached.clone());
        }
        let overrides = self.scenario_overrides(scenario);
        let failed = |e: ServeError| Rejection::RunFailed(e.to_string());
        let found = self.loops_for(&overrides).map_err(failed)?;
        let analysis = self
            .simulation()
            .loop_dominance(&overrides, &found)
            .map_err(|e| failed(e.into()))?;
        let specs = self.simulation().sim_specs();
        let named: HashMap<&str, &NamedLoop> = self
            .case
            .named_loops()
            .iter()
            .map(|l| (l.name.as_str(), l))
            .collect();
        let loops: Vec<Value> = found
            .iter()
            .map(|l| {
                let label = loop_name(l);
                let (paragraphs, reading) = named
                    .get(label.as_str())
                    .map(|n| (n.paragraphs.clone(), n.reading.clone()))
                    .unwrap_or_default();
                json!({"name": label, "polarity": l.kind(), "variables": l.variables,
                       "paragraphs": paragraphs, "reading": reading})
            })
            .collect();
        let dominance: Vec<Value> = analysis
            .dominance((specs.stop - specs.start) / 50.0)
            .iter()
            .map(|p| {
                json!({"from": p.from, "to": p.to, "loop": loop_name(&analysis.loops[p.loop_index]),
                       "score": p.mean_relative_score})
            })
            .collect();
        let document =
            json!({"scenario": scenario.name, "loops": loops, "dominance": dominance}).to_string();
        self.cache().insert(scenario.name.clone(), document.clone());
        Ok(document)
    }

    fn cache(&self) -> std::sync::MutexGuard<'_, HashMap<String, String>> {
        // A panic while holding the lock leaves a map of complete documents: still usable.
        self.loops_cache
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

fn claim_json(claim: &Claim) -> Value {
    json!({"id": claim.id, "paragraphs": claim.paragraphs, "paraphrase": claim.paraphrase,
           "basis": basis_note(&claim.basis)})
}

/// What a claim rests on besides the essay's paragraphs, as the page shows it beside the citations:
/// the essay's own hedge, a dated outside source, or the modeller's judgement.
fn basis_note(basis: &Basis) -> Option<String> {
    match basis {
        Basis::Essay { hedge: Some(hedge) } => Some(format!("The essay hedges: {hedge}")),
        Basis::Essay { hedge: None } | Basis::Unstated => None,
        Basis::Source { source, date } => Some(format!("Source: {source} ({date})")),
        Basis::Judgement { judgement, .. } => Some(format!("Judgement: {judgement}")),
    }
}

fn loop_name(l: &FeedbackLoop) -> String {
    l.name
        .clone()
        .unwrap_or_else(|| format!("{}{}", l.kind(), l.index + 1))
}

fn polarity_sign(p: Polarity) -> &'static str {
    match p {
        Polarity::Positive => "+",
        Polarity::Negative => "-",
        Polarity::Unknown => "?",
    }
}

/// Canonical name -> (doc, units) of the root model's variables; units in words ("billion US$
/// per year"), as the report and the charts write them, since the page only shows them.
fn variable_docs(case: &Case) -> HashMap<String, (String, String)> {
    case.project()
        .models
        .iter()
        .take(1)
        .flat_map(|m| &m.variables)
        .map(|v| {
            (
                canonical(&v.name),
                (
                    v.doc.clone().unwrap_or_default(),
                    v.units
                        .as_deref()
                        .map(blowback_sd::readable_units)
                        .unwrap_or_default(),
                ),
            )
        })
        .collect()
}

/// The sliders: policy levers (every constant a scenario sets, and the policy start), then the
/// uncertain parameters of the uncertainties file. A bare model gets every constant, ranged from 0 to
/// twice its value, which the source text says is the explorer's own judgement.
fn levers(
    case: &Case,
    docs: &HashMap<String, (String, String)>,
    parameters: &[blowback_explore::Parameter],
    bare: bool,
) -> Vec<Lever> {
    let simulation = case.simulation();
    let doc = |name: &str| {
        docs.get(&canonical(name))
            .map(|d| d.0.clone())
            .unwrap_or_default()
    };
    let mut levers: Vec<Lever> = Vec::new();
    let mut seen: HashSet<String> = HashSet::new();
    if bare {
        for v in simulation
            .variables()
            .filter(|v| v.role == NodeRole::Constant)
        {
            let default = simulation.default_value(v.name).unwrap_or(0.0);
            let (min, max) = match default {
                d if d > 0.0 => (0.0, 2.0 * d),
                d if d < 0.0 => (2.0 * d, 0.0),
                _ => (-1.0, 1.0),
            };
            levers.push(Lever {
                name: v.name.to_string(),
                kind: LeverKind::Uncertain,
                min,
                max,
                step: fitting_step(min, max, &[default]),
                default,
                doc: doc(v.name),
                source: "The model gives no range: the explorer offers 0 to twice the value (judgement)."
                    .into(),
            });
        }
        return levers;
    }
    let mut policy: BTreeMap<String, Vec<f64>> = BTreeMap::new();
    for scenario in case.scenarios() {
        for (name, value) in &scenario.overrides {
            policy.entry(name.clone()).or_default().push(*value);
        }
    }
    for (name, values) in &policy {
        let text = doc(name);
        let default = simulation.default_value(name).unwrap_or(0.0);
        // Levers document their range as "Lever (a..b)"; otherwise span the scenarios' values.
        let (min, max) = documented_range(&text).unwrap_or_else(|| {
            values
                .iter()
                .fold((default.min(0.0), default.max(1.0)), |(lo, hi), &v| {
                    (lo.min(v), hi.max(v))
                })
        });
        seen.insert(canonical(name));
        let mut on_grid = values.clone();
        on_grid.push(default);
        levers.push(Lever {
            name: name.clone(),
            kind: LeverKind::Policy,
            min,
            max,
            step: fitting_step(min, max, &on_grid),
            default,
            doc: text,
            source: "Policy lever set by the scenarios (scenarios.toml).".into(),
        });
    }
    let starts: Vec<f64> = case.scenarios().iter().filter_map(|s| s.start).collect();
    let start_variable = case.start_variable();
    if let (false, Some(default)) = (starts.is_empty(), simulation.default_value(start_variable)) {
        let specs = simulation.sim_specs();
        seen.insert(canonical(start_variable));
        let mut on_grid = starts.clone();
        on_grid.push(default);
        levers.push(Lever {
            name: start_variable.into(),
            kind: LeverKind::Policy,
            min: specs.start,
            max: specs.stop,
            step: fitting_step(specs.start, specs.stop, &on_grid),
            default,
            doc: doc(start_variable),
            source: "Scenario start (the `start` of each scenario in scenarios.toml).".into(),
        });
    }
    for parameter in parameters {
        if !seen.insert(canonical(&parameter.name)) {
            continue;
        }
        let (min, max) = parameter.distribution.bounds();
        let default = simulation.default_value(&parameter.name).unwrap_or(min);
        levers.push(Lever {
            name: parameter.name.clone(),
            kind: LeverKind::Uncertain,
            min,
            max,
            step: fitting_step(min, max, &[default]),
            default,
            doc: doc(&parameter.name),
            source: parameter.source.clone(),
        });
    }
    levers
}

/// `Lever (0..1)` in a doc string -> (0, 1).
fn documented_range(doc: &str) -> Option<(f64, f64)> {
    let rest = &doc[doc.find("Lever (")? + "Lever (".len()..];
    let (range, _) = rest.split_once(')')?;
    let (lo, hi) = range.split_once("..")?;
    let (lo, hi) = (lo.trim().parse().ok()?, hi.trim().parse().ok()?);
    (lo < hi).then_some((lo, hi))
}

/// The largest step no coarser than [`nice_step`] that puts every value of `on_grid` on a slider
/// position (min + k * step), so a slider can show each scenario's setting and the model's value
/// exactly; 0 ("any") when no round step does.
fn fitting_step(min: f64, max: f64, on_grid: &[f64]) -> f64 {
    let nice = nice_step(min, max);
    let fits = |step: f64| {
        on_grid.iter().all(|v| {
            let k = (v - min) / step;
            (k - k.round()).abs() < 1e-6
        })
    };
    [
        1.0, 0.5, 0.25, 0.2, 0.1, 0.05, 0.025, 0.02, 0.01, 0.005, 0.0025, 0.002, 0.001,
    ]
    .iter()
    .map(|f| nice * f)
    .find(|&step| fits(step))
    .unwrap_or(0.0)
}

/// A slider step of about a hundredth of the range, rounded to 1, 2 or 5 times a power of ten.
fn nice_step(min: f64, max: f64) -> f64 {
    let raw = (max - min).abs() / 100.0;
    if !(raw > 0.0 && raw.is_finite()) {
        return 1.0;
    }
    let power = 10f64.powf(raw.log10().floor());
    let mantissa = raw / power;
    let nice = if mantissa < 1.5 {
        1.0
    } else if mantissa < 3.5 {
        2.0
    } else if mantissa < 7.5 {
        5.0
    } else {
        10.0
    };
    nice * power
}

/// The case README's title (its first heading) and the paragraphs of its "in plain words" section
/// (or, failing that, its first prose paragraphs), with line breaks inside a paragraph joined.
fn story(readme: &str) -> (String, Vec<String>) {
    let title = readme
        .lines()
        .find_map(|l| l.strip_prefix("# "))
        .unwrap_or_default()
        .trim()
        .to_string();
    let mut section: Option<&str> = None;
    let mut rest = readme;
    while let Some(at) = rest.find("\n## ") {
        let body = &rest[at + 4..];
        let heading = body.lines().next().unwrap_or_default();
        if heading.to_lowercase().contains("plain words") {
            let end = body.find("\n## ").unwrap_or(body.len());
            section = Some(&body[heading.len()..end]);
            break;
        }
        rest = body;
    }
    let text = section.unwrap_or(readme);
    let paragraphs = text
        .split("\n\n")
        // Plain text for the page: line breaks joined, Markdown's code and emphasis marks dropped.
        .map(|p| {
            p.split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
                .replace(['`', '*'], "")
        })
        .filter(|p| {
            !p.is_empty()
                && !p.starts_with('#')
                && !p.starts_with('|')
                && !p.starts_with("```")
                && !p.starts_with('-')
        })
        .take(8)
        .collect();
    (title, paragraphs)
}

/// The name nearest `name` among `candidates`, when it is close enough to be a typo.
fn closest<'a>(name: &str, candidates: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    let pairs: Vec<(String, &str)> = candidates.map(|c| (canonical(c), c)).collect();
    let hit = did_you_mean(&canonical(name), pairs.iter().map(|(k, _)| k.as_str()))?;
    pairs.iter().find(|(k, _)| k == hit).map(|(_, c)| *c)
}

/// The conflict analysis the page shows: equilibria under the default concepts and the states the
/// status quo can reach by unilateral improvements.
fn conflict_document(conflict: &Conflict) -> Result<String, ServeError> {
    let game = Game::individual(conflict);
    let concepts = default_concepts(conflict);
    let stability = analyze(&game, &concepts)?;
    let names = conflict.decision_makers();
    let state = |index: usize| -> Value {
        let taken = conflict.options_taken(index);
        let stable: Vec<String> = stability
            .equilibrium_under(index)
            .iter()
            .map(ToString::to_string)
            .collect();
        json!({"state": conflict.state_id(index), "pattern": conflict.state_pattern(index),
               "taken": taken, "concepts": stable})
    };
    let mut equilibria: Vec<usize> = (0..conflict.n_states())
        .filter(|&s| stability.equilibria.iter().any(|set| set.contains(s)))
        .collect();
    // Most robust first: states stable under the most concepts.
    equilibria.sort_by_key(|&s| std::cmp::Reverse(stability.equilibrium_under(s).len()));
    let options: Vec<Value> = conflict
        .option_ids()
        .iter()
        .zip(conflict.option_names())
        .zip(conflict.option_decision_makers())
        .map(|((id, description), &dm)| {
            json!({"decision_maker": names[dm], "id": id, "description": description})
        })
        .collect();
    let status_quo = conflict.status_quo().map(|start| {
        let reachable: Vec<Value> = reachable_by_improvements(&game, start)
            .iter()
            .map(|entry| {
                let mut value = state(entry.state);
                value["path"] = entry
                    .path
                    .iter()
                    .map(|&(player, to)| {
                        json!({"decision_maker": names[player], "to": conflict.state_id(to)})
                    })
                    .collect();
                value
            })
            .collect();
        let mut value = state(start);
        value["reachable"] = json!(reachable);
        value
    });
    Ok(json!({
        "name": conflict.name(),
        "decision_makers": names,
        "options": options,
        "concepts": concepts.iter().map(ToString::to_string).collect::<Vec<_>>(),
        "equilibria": equilibria.iter().map(|&s| state(s)).collect::<Vec<_>>(),
        "status_quo": status_quo,
    })
    .to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lever_ranges_come_from_the_doc() {
        assert_eq!(
            documented_range("Lever (0..1): size of a package"),
            Some((0.0, 1.0))
        );
        assert_eq!(documented_range("Lever (2..-1)"), None);
        assert_eq!(documented_range("no range"), None);
    }

    #[test]
    fn slider_steps_are_round() {
        assert_eq!(nice_step(0.0, 1.0), 0.01);
        assert_eq!(nice_step(4000.0, 6000.0), 20.0);
        assert!((nice_step(0.0, 0.4) - 0.005).abs() < 1e-12);
        assert_eq!(nice_step(1.0, 1.0), 1.0);
    }

    #[test]
    fn steps_reach_every_scenario_setting() {
        // Policy start: 2001..2035 with scenarios starting at 2001.5 and 2022.5.
        let step = fitting_step(2001.0, 2035.0, &[2001.5, 2022.5]);
        assert!(step > 0.0 && ((2022.5 - 2001.0) / step).fract().abs() < 1e-9);
        assert_eq!(fitting_step(0.0, 1.0, &[0.0, 1.0]), 0.01);
        assert_eq!(fitting_step(0.0, 1.0, &[std::f64::consts::PI / 10.0]), 0.0);
    }

    #[test]
    fn story_takes_the_plain_words_section() {
        let readme = "# Title here\n\nIntro.\n\n## Files\n\n| a | b |\n\n## The system in plain words\n\nFirst\nline.\n\nSecond `x` **y**.\n\n## Next\n\nNot this.\n";
        let (title, paragraphs) = story(readme);
        assert_eq!(title, "Title here");
        assert_eq!(paragraphs, vec!["First line.", "Second x y."]);
    }

    #[test]
    fn typos_find_their_lever() {
        let names = ["us_support_offer", "talks_commitment"];
        assert_eq!(
            closest("us_suport_offer", names.iter().copied()),
            Some("us_support_offer")
        );
        assert_eq!(closest("zzzzzz", names.iter().copied()), None);
    }
}
