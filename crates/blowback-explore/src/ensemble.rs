//! Ensembles: every experiment of a design under every scenario, run in parallel over one model,
//! handed to a sink chunk by chunk, and summarised on the fly.
//!
//! Invariant: chunks are aligned to multiples of the chunk size over the whole design, so shards,
//! resumed runs and thread counts all cut the same chunks and produce the same rows.

use std::ops::Range;

use rayon::prelude::*;
use serde::Serialize;

use crate::design::Design;
use crate::error::ExploreError;

/// What one run of a model returns.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ModelRun {
    /// One value per [`Model::outcome_names`].
    pub outcomes: Vec<f64>,
    /// One series per [`Model::series_names`], each over [`Model::times`] (may be empty).
    pub series: Vec<Vec<f64>>,
}

/// A model to explore: anything that maps a parameter vector, under a scenario, to outcomes.
///
/// `Sync` because one model is shared by every worker thread.
pub trait Model: Sync {
    /// Names of the scalar outcomes, in [`ModelRun::outcomes`] order.
    fn outcome_names(&self) -> Vec<String>;
    /// Names of the scenarios (policies); experiment `i` runs under each of them.
    fn scenario_names(&self) -> Vec<String> {
        vec!["base".to_string()]
    }
    /// Names of time series whose percentile envelopes are wanted (none by default).
    fn series_names(&self) -> Vec<String> {
        Vec::new()
    }
    /// The times of those series.
    fn times(&self) -> Vec<f64> {
        Vec::new()
    }
    /// Runs scenario `scenario` with the design's parameter values `parameters`. `with_series`
    /// says whether the envelopes need this run's series; leave them empty otherwise (faster).
    fn run(
        &self,
        scenario: usize,
        parameters: &[f64],
        with_series: bool,
    ) -> Result<ModelRun, String>;
}

/// One chunk of results: consecutive experiments, every scenario.
#[derive(Debug, Clone, PartialEq)]
pub struct Chunk {
    /// Index of the chunk's first experiment in the design.
    pub first_experiment: usize,
    /// Number of experiments in the chunk.
    pub experiments: usize,
    /// Parameter values, experiment-major: `parameters[e * d + j]`.
    pub parameters: Vec<f64>,
    /// Outcomes: `outcomes[(e * scenarios + s) * outcomes_per_run + k]`; NaN where a run failed.
    pub outcomes: Vec<f64>,
}

/// Where chunks go (a Parquet file, a folder of parts, memory, nowhere).
pub trait RunSink {
    /// A chunk already computed by an earlier, interrupted run, if the sink has it (resume).
    fn existing(&mut self, _chunk_index: usize) -> Result<Option<Chunk>, ExploreError> {
        Ok(None)
    }
    /// Stores one freshly computed chunk.
    fn write(&mut self, chunk_index: usize, chunk: &Chunk) -> Result<(), ExploreError>;
}

/// A sink that drops everything (the summary still sees every run).
impl RunSink for () {
    fn write(&mut self, _: usize, _: &Chunk) -> Result<(), ExploreError> {
        Ok(())
    }
}

/// Progress after each chunk, for a progress bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    /// Model runs finished (experiments x scenarios), including resumed ones.
    pub runs_done: usize,
    /// Model runs in this ensemble.
    pub runs_total: usize,
    /// Runs taken from an earlier run's output rather than computed.
    pub runs_resumed: usize,
}

/// Summary statistics of one outcome under one scenario.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct OutcomeStats {
    /// Runs with a finite value.
    pub count: usize,
    /// Mean.
    pub mean: f64,
    /// Smallest value.
    pub min: f64,
    /// Largest value.
    pub max: f64,
    /// 5th, 50th and 95th percentiles (NaN when the values were not kept).
    pub percentiles: [f64; 3],
}

/// Percentile bands of one series under one scenario over time.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Envelope {
    /// Scenario name.
    pub scenario: String,
    /// Series name.
    pub series: String,
    /// Times.
    pub times: Vec<f64>,
    /// The percentiles of the bands (e.g. 5, 25, 50, 75, 95).
    pub percentiles: Vec<f64>,
    /// `bands[q][t]`: percentile `q` at time `t`.
    pub bands: Vec<Vec<f64>>,
    /// How many runs the bands are drawn from.
    pub runs: usize,
}

/// What an ensemble run leaves behind.
#[derive(Debug, Clone)]
pub struct EnsembleSummary {
    /// Scenario names.
    pub scenarios: Vec<String>,
    /// Outcome names.
    pub outcomes: Vec<String>,
    /// The experiments this run covered (a shard covers part of the design).
    pub experiments: Range<usize>,
    /// `stats[s * outcomes + k]`.
    pub stats: Vec<OutcomeStats>,
    /// Runs that failed (their outcomes are NaN).
    pub failures: usize,
    /// The first failure's message, with its experiment and scenario.
    pub first_failure: Option<String>,
    /// Runs taken from earlier output (resume).
    pub resumed_runs: usize,
    /// Every outcome, `values[(e * scenarios + s) * outcomes + k]` with `e` relative to
    /// `experiments.start`, when the ensemble kept them (needed for sensitivity and robustness).
    pub values: Option<Vec<f64>>,
    /// Percentile envelopes of the model's series, one per scenario and series.
    pub envelopes: Vec<Envelope>,
}

impl EnsembleSummary {
    /// One outcome under one scenario across experiments (empty when values were not kept).
    pub fn column(&self, scenario: usize, outcome: usize) -> Vec<f64> {
        let (m, k) = (self.scenarios.len(), self.outcomes.len());
        match &self.values {
            Some(values) => values
                .chunks(m * k)
                .map(|row| row[scenario * k + outcome])
                .collect(),
            None => Vec::new(),
        }
    }

    /// Index of a scenario by name.
    pub fn scenario_index(&self, name: &str) -> Option<usize> {
        self.scenarios.iter().position(|s| s == name)
    }

    /// Index of an outcome by name.
    pub fn outcome_index(&self, name: &str) -> Option<usize> {
        self.outcomes.iter().position(|s| s == name)
    }
}

/// The chunks that shard `index` of `count` (0-based) covers when a design of `experiments`
/// experiments is cut into chunks of `chunk_size`: a contiguous range, the shards' ranges in order
/// cover every chunk once, and their sizes differ by at most one chunk. The merge of shard
/// outputs uses it to tell which parts each shard owes.
pub fn shard_chunks(
    experiments: usize,
    chunk_size: usize,
    index: usize,
    count: usize,
) -> Result<Range<usize>, ExploreError> {
    if count == 0 || index >= count {
        return Err(ExploreError::Design(format!(
            "shard {index}/{count}: need 0 <= index < count (the command line counts from 1)"
        )));
    }
    let chunks = experiments.div_ceil(chunk_size.max(1));
    Ok(chunks * index / count..chunks * (index + 1) / count)
}

/// An ensemble of runs: a model, a design and settings. Runs on the current rayon pool (install a
/// pool of N threads around [`Ensemble::run`] to choose the thread count).
pub struct Ensemble<'a, M: Model + ?Sized> {
    model: &'a M,
    design: &'a Design,
    experiments: Range<usize>,
    chunk_size: usize,
    keep_values: bool,
    envelope_runs: usize,
    envelope_percentiles: Vec<f64>,
}

impl<'a, M: Model + ?Sized> Ensemble<'a, M> {
    /// Every experiment of `design` under every scenario of `model`.
    pub fn new(model: &'a M, design: &'a Design) -> Self {
        Ensemble {
            model,
            design,
            experiments: 0..design.len(),
            chunk_size: 2048,
            keep_values: true,
            envelope_runs: 500,
            envelope_percentiles: vec![5.0, 25.0, 50.0, 75.0, 95.0],
        }
    }

    /// Experiments per chunk (row group); default 2048.
    pub fn chunk_size(mut self, chunk_size: usize) -> Self {
        self.chunk_size = chunk_size.max(1);
        self
    }

    /// Runs only shard `index` of `count` (0-based): a contiguous run of whole chunks, so the
    /// shards together cover the design exactly once.
    pub fn shard(mut self, index: usize, count: usize) -> Result<Self, ExploreError> {
        let chunks = shard_chunks(self.design.len(), self.chunk_size, index, count)?;
        self.experiments = (chunks.start * self.chunk_size).min(self.design.len())
            ..(chunks.end * self.chunk_size).min(self.design.len());
        Ok(self)
    }

    /// Whether to keep every outcome in memory for later analysis (default yes: 8 bytes per
    /// outcome per run). Turn off for very large sweeps that only need the files.
    pub fn keep_values(mut self, keep: bool) -> Self {
        self.keep_values = keep;
        self
    }

    /// Envelopes are drawn from the first `runs` experiments of the design (default 500): a fixed,
    /// seed-determined subset, so memory stays bounded however large the ensemble.
    pub fn envelope_runs(mut self, runs: usize) -> Self {
        self.envelope_runs = runs;
        self
    }

    /// Runs the ensemble, handing each chunk to `sink` and reporting progress after each chunk.
    pub fn run(
        &self,
        sink: &mut dyn RunSink,
        progress: &mut dyn FnMut(Progress),
    ) -> Result<EnsembleSummary, ExploreError> {
        let scenarios = self.model.scenario_names();
        let outcomes = self.model.outcome_names();
        let series_names = self.model.series_names();
        let (m, k, d) = (scenarios.len(), outcomes.len(), self.design.dimensions());
        let range = self.experiments.clone();
        let runs_total = range.len() * m;

        let mut accumulators = vec![Accumulator::default(); m * k];
        let mut values = self.keep_values.then(|| Vec::with_capacity(runs_total * k));
        let envelope_end = self.envelope_runs.min(self.design.len());
        // series_store[s][series][experiment] = series values over time.
        let mut series_store: Vec<Vec<Vec<Vec<f64>>>> =
            vec![vec![Vec::new(); series_names.len()]; m];
        let mut failures = 0;
        let mut first_failure = None;
        let mut runs_done = 0;
        let mut runs_resumed = 0;

        if !range.is_empty() {
            let first_chunk = range.start / self.chunk_size;
            let last_chunk = (range.end - 1) / self.chunk_size;
            for chunk_index in first_chunk..=last_chunk {
                let start = (chunk_index * self.chunk_size).max(range.start);
                let end = ((chunk_index + 1) * self.chunk_size).min(range.end);
                let resumed = sink.existing(chunk_index)?;
                let needs_series = !series_names.is_empty() && start < envelope_end;
                let chunk = match resumed {
                    Some(chunk) => {
                        if chunk.first_experiment != start
                            || chunk.experiments != end - start
                            || chunk.outcomes.len() != (end - start) * m * k
                        {
                            return Err(ExploreError::Design(format!(
                                "chunk {chunk_index} on disk does not match this design (experiments {}..{}, expected {start}..{end}); delete the output folder or use the same settings",
                                chunk.first_experiment,
                                chunk.first_experiment + chunk.experiments
                            )));
                        }
                        runs_resumed += chunk.experiments * m;
                        if needs_series {
                            // Only the few envelope runs are recomputed, for their series.
                            let (_, series, _) =
                                self.compute(start..end.min(envelope_end), m, k, d, true);
                            store_series(&mut series_store, series);
                        }
                        chunk
                    }
                    None => {
                        let (chunk, series, failed) =
                            self.compute(start..end, m, k, d, needs_series);
                        store_series(&mut series_store, series);
                        for (experiment, scenario, message) in failed {
                            failures += 1;
                            if first_failure.is_none() {
                                first_failure = Some(format!(
                                    "experiment {experiment}, scenario {}: {message}",
                                    scenarios[scenario]
                                ));
                            }
                        }
                        sink.write(chunk_index, &chunk)?;
                        chunk
                    }
                };
                for row in chunk.outcomes.chunks(m * k) {
                    for (acc, &value) in accumulators.iter_mut().zip(row) {
                        acc.add(value);
                    }
                }
                if let Some(values) = values.as_mut() {
                    values.extend_from_slice(&chunk.outcomes);
                }
                runs_done += chunk.experiments * m;
                progress(Progress {
                    runs_done,
                    runs_total,
                    runs_resumed,
                });
            }
        }

        let stats = accumulators
            .iter()
            .enumerate()
            .map(|(index, acc)| {
                let percentiles = match &values {
                    Some(values) => {
                        let mut column: Vec<f64> = values
                            .iter()
                            .skip(index)
                            .step_by(m * k)
                            .copied()
                            .filter(|v| v.is_finite())
                            .collect();
                        [5.0, 50.0, 95.0].map(|p| percentile(&mut column, p))
                    }
                    None => [f64::NAN; 3],
                };
                acc.stats(percentiles)
            })
            .collect();
        let times = self.model.times();
        let mut envelopes = Vec::new();
        for (s, per_series) in series_store.iter().enumerate() {
            for (q, runs) in per_series.iter().enumerate() {
                if runs.is_empty() {
                    continue;
                }
                let steps = runs.iter().map(Vec::len).min().unwrap_or(0);
                let mut bands = vec![Vec::with_capacity(steps); self.envelope_percentiles.len()];
                let mut column = Vec::with_capacity(runs.len());
                for t in 0..steps {
                    column.clear();
                    column.extend(runs.iter().map(|r| r[t]).filter(|v| v.is_finite()));
                    for (band, &p) in bands.iter_mut().zip(&self.envelope_percentiles) {
                        band.push(percentile(&mut column, p));
                    }
                }
                envelopes.push(Envelope {
                    scenario: scenarios[s].clone(),
                    series: series_names[q].clone(),
                    times: times.iter().copied().take(steps).collect(),
                    percentiles: self.envelope_percentiles.clone(),
                    bands,
                    runs: runs.len(),
                });
            }
        }
        Ok(EnsembleSummary {
            scenarios,
            outcomes,
            experiments: range,
            stats,
            failures,
            first_failure,
            resumed_runs: runs_resumed,
            values,
            envelopes,
        })
    }

    /// Runs experiments `range` under every scenario in parallel. Returns the chunk, the series of
    /// envelope runs (scenario, series per model series), and the failures.
    #[allow(clippy::type_complexity)]
    fn compute(
        &self,
        range: Range<usize>,
        m: usize,
        k: usize,
        d: usize,
        with_series: bool,
    ) -> (
        Chunk,
        Vec<(usize, Vec<Vec<f64>>)>,
        Vec<(usize, usize, String)>,
    ) {
        let envelope_end = self.envelope_runs.min(self.design.len());
        let per_experiment: Vec<(
            Vec<f64>,
            Vec<f64>,
            Vec<(usize, Vec<Vec<f64>>)>,
            Vec<(usize, usize, String)>,
        )> = range
            .clone()
            .into_par_iter()
            .map(|experiment| {
                let mut parameters = vec![0.0; d];
                self.design.point(experiment, &mut parameters);
                let mut outcomes = vec![f64::NAN; m * k];
                let mut series = Vec::new();
                let mut failed = Vec::new();
                let want_series = with_series && experiment < envelope_end;
                for s in 0..m {
                    match self.model.run(s, &parameters, want_series) {
                        Ok(run) if run.outcomes.len() == k => {
                            outcomes[s * k..(s + 1) * k].copy_from_slice(&run.outcomes);
                            if want_series {
                                series.push((s, run.series));
                            }
                        }
                        Ok(run) => failed.push((
                            experiment,
                            s,
                            format!(
                                "model returned {} outcomes, expected {k}",
                                run.outcomes.len()
                            ),
                        )),
                        Err(message) => failed.push((experiment, s, message)),
                    }
                }
                (parameters, outcomes, series, failed)
            })
            .collect();
        let mut chunk = Chunk {
            first_experiment: range.start,
            experiments: range.len(),
            parameters: Vec::with_capacity(range.len() * d),
            outcomes: Vec::with_capacity(range.len() * m * k),
        };
        let mut all_series = Vec::new();
        let mut all_failed = Vec::new();
        for (parameters, outcomes, series, failed) in per_experiment {
            chunk.parameters.extend(parameters);
            chunk.outcomes.extend(outcomes);
            all_series.extend(series);
            all_failed.extend(failed);
        }
        (chunk, all_series, all_failed)
    }
}

fn store_series(store: &mut [Vec<Vec<Vec<f64>>>], series: Vec<(usize, Vec<Vec<f64>>)>) {
    for (scenario, per_series) in series {
        for (q, values) in per_series.into_iter().enumerate() {
            if let Some(slot) = store[scenario].get_mut(q) {
                slot.push(values);
            }
        }
    }
}

/// Linear-interpolated percentile `p` (0..100) of `values`, which it sorts; NaN when empty.
pub(crate) fn percentile(values: &mut [f64], p: f64) -> f64 {
    if values.is_empty() {
        return f64::NAN;
    }
    values.sort_unstable_by(f64::total_cmp);
    let position = p / 100.0 * (values.len() - 1) as f64;
    let below = position.floor() as usize;
    let above = position.ceil() as usize;
    let weight = position - below as f64;
    values[below] * (1.0 - weight) + values[above] * weight
}

/// Running count, mean, min and max (Welford's update keeps the mean stable).
#[derive(Debug, Clone, Copy)]
struct Accumulator {
    count: usize,
    mean: f64,
    min: f64,
    max: f64,
}

impl Default for Accumulator {
    fn default() -> Self {
        Accumulator {
            count: 0,
            mean: 0.0,
            min: f64::INFINITY,
            max: f64::NEG_INFINITY,
        }
    }
}

impl Accumulator {
    fn add(&mut self, value: f64) {
        if !value.is_finite() {
            return;
        }
        self.count += 1;
        self.mean += (value - self.mean) / self.count as f64;
        self.min = self.min.min(value);
        self.max = self.max.max(value);
    }

    fn stats(&self, percentiles: [f64; 3]) -> OutcomeStats {
        let empty = self.count == 0;
        OutcomeStats {
            count: self.count,
            mean: if empty { f64::NAN } else { self.mean },
            min: if empty { f64::NAN } else { self.min },
            max: if empty { f64::NAN } else { self.max },
            percentiles,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Distribution, Method, Parameter};

    struct Linear;

    impl Model for Linear {
        fn outcome_names(&self) -> Vec<String> {
            vec!["sum".into(), "product".into()]
        }
        fn scenario_names(&self) -> Vec<String> {
            vec!["plain".into(), "doubled".into()]
        }
        fn series_names(&self) -> Vec<String> {
            vec!["ramp".into()]
        }
        fn times(&self) -> Vec<f64> {
            vec![0.0, 1.0, 2.0]
        }
        fn run(&self, scenario: usize, p: &[f64], with_series: bool) -> Result<ModelRun, String> {
            if p[0] > 0.95 {
                return Err("x too large".into());
            }
            let factor = if scenario == 1 { 2.0 } else { 1.0 };
            Ok(ModelRun {
                outcomes: vec![factor * (p[0] + p[1]), p[0] * p[1]],
                series: if with_series {
                    vec![vec![0.0, p[0], 2.0 * p[0]]]
                } else {
                    vec![]
                },
            })
        }
    }

    /// Bit patterns, so that NaN (a failed run) compares equal to NaN.
    fn bits(values: &Option<Vec<f64>>) -> Vec<u64> {
        values
            .as_ref()
            .unwrap()
            .iter()
            .map(|v| v.to_bits())
            .collect()
    }

    fn design(n: usize) -> Design {
        let parameters = (0..2)
            .map(|j| Parameter {
                name: format!("x{j}"),
                distribution: Distribution::Uniform {
                    low: 0.0,
                    high: 1.0,
                },
                source: String::new(),
            })
            .collect();
        Design::new(Method::LatinHypercube, parameters, n, 11).unwrap()
    }

    struct Memory(Vec<(usize, Chunk)>);

    impl RunSink for Memory {
        fn existing(&mut self, chunk_index: usize) -> Result<Option<Chunk>, ExploreError> {
            Ok(self
                .0
                .iter()
                .find(|(i, _)| *i == chunk_index)
                .map(|(_, c)| c.clone()))
        }
        fn write(&mut self, chunk_index: usize, chunk: &Chunk) -> Result<(), ExploreError> {
            self.0.push((chunk_index, chunk.clone()));
            Ok(())
        }
    }

    #[test]
    fn results_do_not_depend_on_threads_chunks_or_shards() {
        let design = design(300);
        let one = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .unwrap();
        let two = rayon::ThreadPoolBuilder::new()
            .num_threads(2)
            .build()
            .unwrap();
        let a = one
            .install(|| {
                Ensemble::new(&Linear, &design)
                    .chunk_size(64)
                    .run(&mut (), &mut |_| {})
            })
            .unwrap();
        let b = two
            .install(|| {
                Ensemble::new(&Linear, &design)
                    .chunk_size(64)
                    .run(&mut (), &mut |_| {})
            })
            .unwrap();
        assert!(bits(&a.values) == bits(&b.values));
        let mut sharded = Vec::new();
        for shard in 0..3 {
            let s = Ensemble::new(&Linear, &design)
                .chunk_size(64)
                .shard(shard, 3)
                .unwrap();
            sharded.extend(s.run(&mut (), &mut |_| {}).unwrap().values.unwrap());
        }
        assert!(bits(&a.values) == bits(&Some(sharded)));
        assert!(a.failures > 0 && a.first_failure.as_ref().unwrap().contains("too large"));
        let column = a.column(1, 0);
        assert_eq!(column.len(), 300);
        let stats = a.stats[2]; // scenario 1, outcome 0
        assert!(stats.max <= 2.0 * 1.95 && stats.min >= 0.0 && stats.count + a.failures / 2 == 300);
    }

    #[test]
    fn resume_takes_chunks_from_the_sink() {
        let design = design(200);
        let mut memory = Memory(Vec::new());
        let full = Ensemble::new(&Linear, &design)
            .chunk_size(50)
            .run(&mut memory, &mut |_| {})
            .unwrap();
        // Pretend the run stopped after two chunks.
        memory.0.truncate(2);
        let mut last = None;
        let resumed = Ensemble::new(&Linear, &design)
            .chunk_size(50)
            .run(&mut memory, &mut |p| last = Some(p))
            .unwrap();
        assert!(bits(&full.values) == bits(&resumed.values));
        assert_eq!(resumed.resumed_runs, 2 * 50 * 2);
        assert_eq!(last.unwrap().runs_done, 400);
        assert_eq!(memory.0.len(), 4);
        assert_eq!(full.envelopes, resumed.envelopes);
    }

    #[test]
    fn envelopes_bound_the_series() {
        let design = design(100);
        let summary = Ensemble::new(&Linear, &design)
            .envelope_runs(40)
            .run(&mut (), &mut |_| {})
            .unwrap();
        assert_eq!(summary.envelopes.len(), 2);
        let env = &summary.envelopes[0];
        assert!(env.runs <= 40 && env.runs > 30);
        assert_eq!(env.bands[0][0], 0.0);
        // The last time's percentiles rise with the percentile level.
        let last: Vec<f64> = env.bands.iter().map(|b| b[2]).collect();
        assert!(last.windows(2).all(|w| w[0] <= w[1]));
    }

    #[test]
    fn percentile_interpolates() {
        let mut v = vec![3.0, 1.0, 2.0, 4.0];
        assert_eq!(percentile(&mut v, 50.0), 2.5);
        assert_eq!(percentile(&mut v, 0.0), 1.0);
        assert_eq!(percentile(&mut v, 100.0), 4.0);
    }
}
