//! An ensemble streamed into one Parquet file reads back to exactly the outcomes the summary holds,
//! and a sharded run merged from its parts equals the whole run.

use blowback_explore::{
    merge_parquet, shard_chunks, Chunk, Design, Ensemble, ExploreError, Method, Model, ModelRun,
    ParquetSink, ParquetTable, RunSink,
};

use crate::uniform_parameters;

/// Two policies on a toy "attacks" model: policy 1 halves the first parameter's effect.
struct Toy;

impl Model for Toy {
    fn outcome_names(&self) -> Vec<String> {
        vec!["attacks".into(), "cost".into()]
    }
    fn scenario_names(&self) -> Vec<String> {
        vec!["status_quo".into(), "policy".into()]
    }
    fn run(&self, scenario: usize, p: &[f64], _: bool) -> Result<ModelRun, String> {
        let effect = if scenario == 1 { 0.5 } else { 1.0 };
        Ok(ModelRun {
            outcomes: vec![100.0 * effect * p[0] + 10.0 * p[1], scenario as f64 * p[2]],
            series: Vec::new(),
        })
    }
}

fn table(design: &Design) -> ParquetTable {
    ParquetTable {
        parameters: design.parameters().iter().map(|p| p.name.clone()).collect(),
        scenarios: Toy.scenario_names(),
        outcomes: Toy.outcome_names(),
        design: "toy".into(),
    }
}

#[test]
fn parquet_file_holds_every_run() {
    let design = Design::new(
        Method::LatinHypercube,
        uniform_parameters(3, 0.0, 1.0),
        1000,
        9,
    )
    .unwrap();
    let mut sink = ParquetSink::new(table(&design), Vec::new()).unwrap();
    let summary = Ensemble::new(&Toy, &design)
        .chunk_size(128)
        .run(&mut sink, &mut |_| {})
        .unwrap();
    assert_eq!(sink.rows(), 2000);
    let bytes = sink.finish().unwrap();
    let (read_table, chunk) = ParquetTable::decode(bytes).unwrap();
    assert_eq!(read_table, table(&design));
    assert_eq!(chunk.experiments, 1000);
    assert_eq!(Some(chunk.outcomes), summary.values);
    let mut point = vec![0.0; 3];
    design.point(999, &mut point);
    assert_eq!(&chunk.parameters[999 * 3..], &point[..]);
}

/// Keeps parts in memory, as the command keeps them in files.
#[derive(Default)]
struct Parts(Vec<(usize, Vec<u8>)>, Option<ParquetTable>);

impl RunSink for Parts {
    fn write(&mut self, chunk_index: usize, chunk: &Chunk) -> Result<(), ExploreError> {
        let bytes = self.1.as_ref().unwrap().encode(chunk)?;
        self.0.push((chunk_index, bytes));
        Ok(())
    }
}

#[test]
fn merged_shards_equal_the_whole_run() {
    let design = Design::new(Method::MonteCarlo, uniform_parameters(3, 0.0, 1.0), 700, 4).unwrap();
    let whole = Ensemble::new(&Toy, &design)
        .chunk_size(100)
        .run(&mut (), &mut |_| {})
        .unwrap();
    let mut parts = Parts(Vec::new(), Some(table(&design)));
    // Shards in reverse order, as a job array might finish them.
    for shard in (0..3).rev() {
        Ensemble::new(&Toy, &design)
            .chunk_size(100)
            .shard(shard, 3)
            .unwrap()
            .run(&mut parts, &mut |_| {})
            .unwrap();
    }
    parts.0.sort_by_key(|(index, _)| *index);
    assert_eq!(parts.0.len(), 7);
    let named = parts.0.into_iter().map(|(i, b)| (i, Ok(b)));
    let (bytes, rows) = merge_parquet(named, Vec::new()).unwrap();
    assert_eq!(rows, 1400);
    let (_, merged) = ParquetTable::decode(bytes).unwrap();
    assert_eq!(Some(merged.outcomes), whole.values);
}

#[test]
fn shards_cover_every_chunk_once_and_differ_by_at_most_one() {
    for (chunks, count) in [(7, 3), (3, 7), (64, 32), (1, 1), (0, 2)] {
        let ranges: Vec<_> = (0..count)
            .map(|i| shard_chunks(chunks * 10, 10, i, count).unwrap())
            .collect();
        assert_eq!(ranges[0].start, 0);
        assert_eq!(ranges[count - 1].end, chunks);
        assert!(ranges.windows(2).all(|w| w[0].end == w[1].start));
        let sizes: Vec<usize> = ranges.iter().map(|r| r.len()).collect();
        let (min, max) = (sizes.iter().min().unwrap(), sizes.iter().max().unwrap());
        assert!(
            max - min <= 1,
            "{chunks} chunks over {count} shards: {sizes:?}"
        );
    }
    // A last, short chunk still belongs to exactly one shard.
    assert_eq!(shard_chunks(701, 100, 2, 3).unwrap(), 5..8);
}

#[test]
fn bad_shards_are_rejected() {
    let design = Design::new(Method::MonteCarlo, uniform_parameters(3, 0.0, 1.0), 10, 4).unwrap();
    assert!(Ensemble::new(&Toy, &design).shard(3, 3).is_err());
    assert!(Ensemble::new(&Toy, &design).shard(0, 0).is_err());
}
