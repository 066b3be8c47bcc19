//! The compiler: project -> flat items -> resolved nodes -> dependency order -> plan.
//!
//! Compilation reports every problem it finds in one pass. The plan it produces evaluates nodes in
//! dependency order; stocks, `PREVIOUS` and fixed delays break cycles because their values come from
//! the previous step, so only cycles through auxiliaries and flows alone are algebraic loops.

mod builtins;
mod data;
mod dims;
mod flatten;
mod resolve;

use std::collections::HashMap;

use crate::data::{DataFiles, NoDataFiles};
use crate::diagnostic::{Diagnostic, DiagnosticKind, Diagnostics};
use crate::ir::{BinaryFn, Ir, Node, NodeKind};
use crate::model::Project;
use crate::name::canonical_display;
use crate::plan::{
    apply_binary, apply_unary, NodeInfo, NodeRole, Op, Simulation, StockPlan, DT, NODE_BASE, NONE,
    START, STOP, TIME,
};

/// Compiles a project into a [`Simulation`], or returns every error found. Warnings come back with
/// the simulation. Data functions (`GET XLS DATA` ...) are errors here: use
/// [`compile_with_data`] for models that read data files.
pub fn compile(project: &Project) -> Result<(Simulation, Vec<Diagnostic>), Diagnostics> {
    compile_with_data(project, &NoDataFiles)
}

/// Compiles a project whose data functions read files through `files` (read once each).
pub fn compile_with_data(
    project: &Project,
    files: &dyn DataFiles,
) -> Result<(Simulation, Vec<Diagnostic>), Diagnostics> {
    let mut diagnostics = Vec::new();
    let flat = flatten::flatten(project, &mut diagnostics);
    let mut cache = data::DataCache::new(files);
    let resolved = resolve::resolve(&flat, project, &mut cache, &mut diagnostics);
    let nodes = &resolved.nodes;

    let dynamic_order = order(nodes, true, &mut diagnostics);
    // A loop among auxiliaries shows in both passes; report it once.
    let mut initial_diagnostics = Vec::new();
    let initial_order = order(nodes, false, &mut initial_diagnostics);
    for d in initial_diagnostics {
        let same_loop = diagnostics
            .iter()
            .any(|seen| seen.kind == DiagnosticKind::AlgebraicLoop && seen.variable == d.variable);
        if !same_loop {
            diagnostics.push(d);
        }
    }
    if diagnostics.iter().any(Diagnostic::is_error) {
        return Err(Diagnostics(diagnostics));
    }

    // A node varies over time if it reads the clock or anything that varies.
    let mut varies: Vec<bool> = nodes
        .iter()
        .map(|n| matches!(n.kind, NodeKind::Stock { .. } | NodeKind::Previous { .. }))
        .collect();
    for &i in &dynamic_order {
        let node = &nodes[i];
        let Some(dynamic) = &node.dynamic else {
            continue;
        };
        let mut v = dynamic.reads_clock() || *dynamic != node.initial;
        dynamic.each_node(&mut |j| v |= varies[j]);
        varies[i] = v;
    }

    let mut emitter = Emitter::new(nodes.len());
    let mut initial_steps = Vec::with_capacity(initial_order.len());
    for &i in &initial_order {
        if nodes[i].kind == NodeKind::Table {
            continue;
        }
        let start = emitter.ops.len();
        emitter.emit(&nodes[i].initial, Some(node_slot(i)));
        initial_steps.push((i as u32, start as u32..emitter.ops.len() as u32));
    }
    let dynamic_start = emitter.ops.len();
    for &i in &dynamic_order {
        if let (true, Some(dynamic)) = (varies[i], &nodes[i].dynamic) {
            emitter.emit(dynamic, Some(node_slot(i)));
        }
    }
    let dynamic_ops = dynamic_start as u32..emitter.ops.len() as u32;

    let mut stocks = Vec::new();
    let mut flow_terms = Vec::new();
    let mut previous = Vec::new();
    for (i, node) in nodes.iter().enumerate() {
        match &node.kind {
            NodeKind::Stock {
                inflows,
                outflows,
                non_negative,
            } => {
                let start = flow_terms.len() as u32;
                flow_terms.extend(inflows.iter().map(|&f| (node_slot(f), 1.0)));
                flow_terms.extend(outflows.iter().map(|&f| (node_slot(f), -1.0)));
                stocks.push(StockPlan {
                    slot: node_slot(i),
                    terms: start..flow_terms.len() as u32,
                    non_negative: *non_negative,
                });
            }
            NodeKind::Previous { source } => previous.push((node_slot(i), node_slot(*source))),
            _ => {}
        }
    }

    let infos: Vec<NodeInfo> = nodes
        .iter()
        .enumerate()
        .map(|(i, n)| NodeInfo {
            name: n.display.clone(),
            role: match n.kind {
                NodeKind::Stock { .. } => NodeRole::Stock,
                NodeKind::Table => NodeRole::Table,
                _ if !varies[i] => NodeRole::Constant,
                NodeKind::Flow => NodeRole::Flow,
                _ => NodeRole::Auxiliary,
            },
            visible: n.visible,
        })
        .collect();
    let mut by_name = HashMap::new();
    for (i, info) in infos.iter().enumerate() {
        if info.visible || info.role == NodeRole::Table {
            by_name.insert(canonical_display(&info.name), i);
        }
    }
    let table_by_name = resolved
        .table_of_node
        .iter()
        .map(|(&node, &table)| (canonical_display(&nodes[node].display), table))
        .collect();

    let random_seeds = emitter.random_seeds(resolved.random_sites);
    let mut slot_template = emitter.slots;
    slot_template[TIME as usize] = project.sim_specs.start;
    slot_template[DT as usize] = project.sim_specs.dt;
    slot_template[START as usize] = project.sim_specs.start;
    slot_template[STOP as usize] = project.sim_specs.stop;
    let simulation = Simulation {
        specs: project.sim_specs.clone(),
        slot_template,
        ops: emitter.ops,
        operands: emitter.operands,
        initial_steps,
        dynamic_ops,
        stocks,
        flow_terms,
        previous,
        delay_sources: resolved
            .delay_inputs
            .iter()
            .map(|&n| node_slot(n))
            .collect(),
        tables: resolved.tables,
        table_by_name,
        random_seeds,
        nodes: infos,
        by_name,
        equations: nodes
            .iter()
            .enumerate()
            .map(|(i, n)| n.dynamic.clone().filter(|_| varies[i]))
            .collect(),
        structural: resolved.structural,
        settle_at_start: nodes
            .iter()
            .enumerate()
            .any(|(i, n)| varies[i] && n.dynamic.as_ref().is_some_and(|d| *d != n.initial)),
        longest_vector: emitter.longest_vector,
    };
    Ok((simulation, diagnostics))
}

fn node_slot(i: usize) -> u32 {
    NODE_BASE + i as u32
}

/// Orders nodes so that each comes after the nodes it reads, for the dynamic pass (only nodes with
/// a dynamic equation) or the initial pass (all nodes). Cycles become diagnostics.
fn order(nodes: &[Node], dynamic: bool, diagnostics: &mut Vec<Diagnostic>) -> Vec<usize> {
    let n = nodes.len();
    let included = |i: usize| !dynamic || nodes[i].dynamic.is_some();
    let mut edges: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (i, node) in nodes.iter().enumerate() {
        if !included(i) {
            continue;
        }
        let equation = if dynamic {
            node.dynamic.as_ref()
        } else {
            Some(&node.initial)
        };
        if let Some(equation) = equation {
            equation.each_node(&mut |j| {
                if included(j) {
                    edges[i].push(j);
                }
            });
        }
    }
    // Tarjan's algorithm, iterative so that long chains cannot overflow the stack. It emits each
    // strongly connected component after the components it depends on: an evaluation order.
    let mut index = vec![usize::MAX; n];
    let mut low = vec![0; n];
    let mut on_stack = vec![false; n];
    let mut stack = Vec::new();
    let mut result = Vec::with_capacity(n);
    let mut counter = 0;
    for root in 0..n {
        if !included(root) || index[root] != usize::MAX {
            continue;
        }
        let mut call: Vec<(usize, usize)> = vec![(root, 0)];
        index[root] = counter;
        low[root] = counter;
        counter += 1;
        stack.push(root);
        on_stack[root] = true;
        while let Some(&mut (v, ref mut next)) = call.last_mut() {
            if *next < edges[v].len() {
                let w = edges[v][*next];
                *next += 1;
                if index[w] == usize::MAX {
                    index[w] = counter;
                    low[w] = counter;
                    counter += 1;
                    stack.push(w);
                    on_stack[w] = true;
                    call.push((w, 0));
                } else if on_stack[w] {
                    low[v] = low[v].min(index[w]);
                }
                continue;
            }
            call.pop();
            if let Some(&(parent, _)) = call.last() {
                low[parent] = low[parent].min(low[v]);
            }
            if low[v] == index[v] {
                let mut component = Vec::new();
                while let Some(w) = stack.pop() {
                    on_stack[w] = false;
                    component.push(w);
                    if w == v {
                        break;
                    }
                }
                let self_loop = edges[v].contains(&v);
                if component.len() > 1 || self_loop {
                    diagnostics.push(loop_diagnostic(nodes, &edges, &component, dynamic));
                }
                result.extend(component);
            }
        }
    }
    result
}

fn loop_diagnostic(
    nodes: &[Node],
    edges: &[Vec<usize>],
    component: &[usize],
    dynamic: bool,
) -> Diagnostic {
    // Walk one cycle inside the component, from its first member back to it.
    let members: std::collections::HashSet<usize> = component.iter().copied().collect();
    let start = component[component.len() - 1];
    let mut path = vec![start];
    let mut seen = std::collections::HashSet::new();
    let mut current = start;
    loop {
        let next = edges[current]
            .iter()
            .copied()
            .find(|w| members.contains(w) && (*w == start || !seen.contains(w)));
        match next {
            Some(w) if w == start => break,
            Some(w) => {
                seen.insert(w);
                path.push(w);
                current = w;
            }
            None => break,
        }
    }
    let names: Vec<String> = path
        .iter()
        .map(|&i| {
            let name = &nodes[i].display;
            name.split('#').next().unwrap_or(name).to_string()
        })
        .collect();
    let mut cycle = names.clone();
    cycle.dedup();
    cycle.push(names[0].clone());
    let phase = if dynamic {
        ""
    } else {
        " while computing initial values"
    };
    let first = path
        .iter()
        .find(|&&i| nodes[i].visible)
        .copied()
        .unwrap_or(start);
    Diagnostic::error(
        DiagnosticKind::AlgebraicLoop,
        format!(
            "algebraic loop{phase}: {} (each depends on the next with no stock in between)",
            cycle.join(" -> ")
        ),
    )
    .with_variable(names[0].clone())
    .with_span(
        nodes[first]
            .equation
            .as_ref()
            .and_then(|e| e.element.clone()),
    )
    .with_help(if dynamic {
        "put a stock (or a SMTH1 or DELAY) somewhere on the loop"
    } else {
        "give one of them an explicit initial value"
    })
}

/// Turns [`Ir`] into register operations, folding constant subexpressions.
struct Emitter {
    ops: Vec<Op>,
    operands: Vec<u32>,
    slots: Vec<f64>,
    constants: HashMap<u64, u32>,
    /// Slots holding compile-time constants, with their values.
    constant_value: HashMap<u32, f64>,
    seeds: HashMap<usize, Option<u64>>,
    /// Length of the longest vector a vector function sorts (run scratch is sized to it).
    longest_vector: usize,
}

impl Emitter {
    fn new(node_count: usize) -> Self {
        Emitter {
            ops: Vec::new(),
            operands: Vec::new(),
            slots: vec![0.0; NODE_BASE as usize + node_count],
            constants: HashMap::new(),
            constant_value: HashMap::new(),
            seeds: HashMap::new(),
            longest_vector: 0,
        }
    }

    /// Emits each expression and records their slots as consecutive operands; returns the start.
    fn operand_list(&mut self, items: &[Ir]) -> u32 {
        let slots: Vec<u32> = items.iter().map(|x| self.emit(x, None)).collect();
        let start = self.operands.len() as u32;
        self.operands.extend(&slots);
        start
    }

    fn random_seeds(&self, sites: usize) -> Vec<Option<u64>> {
        (0..sites)
            .map(|s| self.seeds.get(&s).copied().flatten())
            .collect()
    }

    fn constant(&mut self, value: f64) -> u32 {
        if let Some(&slot) = self.constants.get(&value.to_bits()) {
            return slot;
        }
        let slot = self.slots.len() as u32;
        self.slots.push(value);
        self.constants.insert(value.to_bits(), slot);
        self.constant_value.insert(slot, value);
        slot
    }

    fn temp(&mut self) -> u32 {
        self.slots.push(0.0);
        (self.slots.len() - 1) as u32
    }

    /// Writes `value` into `dst` (or returns where it already is when `dst` is `None`).
    fn place(&mut self, source: u32, dst: Option<u32>) -> u32 {
        match dst {
            Some(d) if d != source => {
                self.ops.push(Op::Copy {
                    dst: d,
                    src: source,
                });
                d
            }
            _ => source,
        }
    }

    fn known(&self, slot: u32) -> Option<f64> {
        self.constant_value.get(&slot).copied()
    }

    fn emit(&mut self, ir: &Ir, dst: Option<u32>) -> u32 {
        match ir {
            Ir::Const(v) => {
                let slot = self.constant(*v);
                self.place(slot, dst)
            }
            Ir::Node(i) => self.place(node_slot(*i), dst),
            Ir::Time => self.place(TIME, dst),
            Ir::Dt => self.place(DT, dst),
            Ir::StartTime => self.place(START, dst),
            Ir::StopTime => self.place(STOP, dst),
            Ir::Unary(f, a) => {
                let a = self.emit(a, None);
                if let Some(x) = self.known(a) {
                    let slot = self.constant(apply_unary(*f, x));
                    return self.place(slot, dst);
                }
                let d = dst.unwrap_or_else(|| self.temp());
                self.ops.push(Op::Unary { f: *f, dst: d, a });
                d
            }
            Ir::Binary(f, a, b) => {
                let a = self.emit(a, None);
                let b = self.emit(b, None);
                if let (Some(x), Some(y)) = (self.known(a), self.known(b)) {
                    let slot = self.constant(apply_binary(*f, x, y));
                    return self.place(slot, dst);
                }
                let d = dst.unwrap_or_else(|| self.temp());
                self.ops.push(match f {
                    BinaryFn::Add => Op::Add { dst: d, a, b },
                    BinaryFn::Subtract => Op::Subtract { dst: d, a, b },
                    BinaryFn::Multiply => Op::Multiply { dst: d, a, b },
                    BinaryFn::Divide => Op::Divide { dst: d, a, b },
                    _ => Op::Binary {
                        f: *f,
                        dst: d,
                        a,
                        b,
                    },
                });
                d
            }
            Ir::If(c, a, b) => {
                let condition = self.emit(c, None);
                if let Some(x) = self.known(condition) {
                    return self.emit(if x != 0.0 { a } else { b }, dst);
                }
                let a = self.emit(a, None);
                let b = self.emit(b, None);
                let d = dst.unwrap_or_else(|| self.temp());
                self.ops.push(Op::Select {
                    dst: d,
                    condition,
                    a,
                    b,
                });
                d
            }
            Ir::SafeDiv(a, b, fallback) => {
                let a = self.emit(a, None);
                let b = self.emit(b, None);
                let fallback = self.emit(fallback, None);
                let d = dst.unwrap_or_else(|| self.temp());
                self.ops.push(Op::SafeDiv {
                    dst: d,
                    a,
                    b,
                    fallback,
                });
                d
            }
            Ir::Reduce(f, items) => {
                let start = self.operand_list(items);
                let d = dst.unwrap_or_else(|| self.temp());
                self.ops.push(Op::Reduce {
                    f: *f,
                    dst: d,
                    start,
                    len: items.len() as u32,
                });
                d
            }
            Ir::Lookup(table, x, mode) => {
                let x = self.emit(x, None);
                let d = dst.unwrap_or_else(|| self.temp());
                self.ops.push(Op::Lookup {
                    dst: d,
                    table: *table as u32,
                    x,
                    mode: *mode,
                });
                d
            }
            Ir::Element {
                items,
                base,
                offset,
            } => {
                let start = self.operand_list(items);
                let offset = self.emit(offset, None);
                let d = dst.unwrap_or_else(|| self.temp());
                self.ops.push(Op::Element {
                    dst: d,
                    start,
                    len: items.len() as u32,
                    base: *base as u32,
                    offset,
                });
                d
            }
            Ir::Vector {
                f,
                items,
                parameters,
                index,
            } => {
                let start = self.operand_list(items);
                let parameter = match f {
                    crate::ir::VectorFn::Reorder => self.operand_list(parameters),
                    crate::ir::VectorFn::Inverse => NONE,
                    _ => self.emit(&parameters[0], None),
                };
                // A matrix inverse works on a copy with its identity beside it.
                let scratch = match f {
                    crate::ir::VectorFn::Inverse => 2 * items.len(),
                    _ => items.len(),
                };
                self.longest_vector = self.longest_vector.max(scratch);
                let d = dst.unwrap_or_else(|| self.temp());
                self.ops.push(Op::Vector {
                    f: *f,
                    dst: d,
                    start,
                    len: items.len() as u32,
                    parameter,
                    index: *index as u32,
                });
                d
            }
            Ir::Select {
                selection,
                values,
                missing,
                action,
            } => {
                let both: Vec<Ir> = selection.iter().chain(values).cloned().collect();
                let start = self.operand_list(&both);
                let missing = self.emit(missing, None);
                let action = self.emit(action, None);
                let d = dst.unwrap_or_else(|| self.temp());
                self.ops.push(Op::VectorSelect {
                    dst: d,
                    start,
                    len: selection.len() as u32,
                    missing,
                    action,
                });
                d
            }
            Ir::Step(height, start) => {
                let height = self.emit(height, None);
                let start = self.emit(start, None);
                let d = dst.unwrap_or_else(|| self.temp());
                self.ops.push(Op::Step {
                    dst: d,
                    height,
                    start,
                });
                d
            }
            Ir::Ramp(slope, start, end) => {
                let slope = self.emit(slope, None);
                let start = self.emit(start, None);
                let end = end.as_ref().map_or(NONE, |e| self.emit(e, None));
                let d = dst.unwrap_or_else(|| self.temp());
                self.ops.push(Op::Ramp {
                    dst: d,
                    slope,
                    start,
                    end,
                });
                d
            }
            Ir::Pulse(magnitude, first, interval) => {
                let magnitude = self.emit(magnitude, None);
                let first = self.emit(first, None);
                let interval = self.emit(interval, None);
                let d = dst.unwrap_or_else(|| self.temp());
                self.ops.push(Op::Pulse {
                    dst: d,
                    magnitude,
                    first,
                    interval,
                });
                d
            }
            Ir::PulseWindow(start, width) => {
                let start = self.emit(start, None);
                let width = self.emit(width, None);
                let d = dst.unwrap_or_else(|| self.temp());
                self.ops.push(Op::PulseWindow {
                    dst: d,
                    start,
                    width,
                });
                d
            }
            Ir::PulseTrain(start, width, interval, end) => {
                let start = self.emit(start, None);
                let width = self.emit(width, None);
                let interval = self.emit(interval, None);
                let end = self.emit(end, None);
                let d = dst.unwrap_or_else(|| self.temp());
                self.ops.push(Op::PulseTrain {
                    dst: d,
                    start,
                    width,
                    interval,
                    end,
                });
                d
            }
            Ir::Random(f, parameters, site, seed) => {
                let start = self.operand_list(parameters);
                self.seeds.insert(*site, *seed);
                let d = dst.unwrap_or_else(|| self.temp());
                self.ops.push(Op::Random {
                    f: *f,
                    dst: d,
                    site: *site as u32,
                    start,
                    len: parameters.len() as u32,
                });
                d
            }
            Ir::Delay {
                buffer,
                delay,
                initial,
            } => {
                let delay = self.emit(delay, None);
                let initial = self.emit(initial, None);
                let d = dst.unwrap_or_else(|| self.temp());
                self.ops.push(Op::Delay {
                    dst: d,
                    buffer: *buffer as u32,
                    delay,
                    initial,
                });
                d
            }
        }
    }
}
