//! Parquet output: one row per (experiment, scenario) with the parameter values and outcomes, in
//! "long" form so that pandas, polars and DuckDB read it without reshaping.
//!
//! Columns: `experiment` (INT64), `scenario` (UTF-8 string), one DOUBLE per parameter, one DOUBLE
//! per outcome (NaN where a run failed). Key-value metadata records the parameter count and the
//! scenario names so that files can be decoded, resumed and merged. Only the low-level column
//! writer is used (no arrow), which keeps the build small.

use std::fmt::Display;
use std::io::Write;
use std::sync::Arc;

use bytes::Bytes;
use parquet::basic::{LogicalType, Repetition, Type as PhysicalType};
use parquet::data_type::{ByteArray, ByteArrayType, DoubleType, Int64Type};
use parquet::file::metadata::KeyValue;
use parquet::file::properties::WriterProperties;
use parquet::file::reader::{FileReader, SerializedFileReader};
use parquet::file::writer::SerializedFileWriter;
use parquet::record::RowAccessor;
use parquet::schema::types::Type;

use crate::ensemble::{Chunk, RunSink};
use crate::error::ExploreError;

const KEY_PARAMETERS: &str = "blowback.parameter_count";
const KEY_SCENARIOS: &str = "blowback.scenarios";
const KEY_DESIGN: &str = "blowback.design";
/// Separates scenario names in the metadata (a control character no name contains).
const SEPARATOR: char = '\u{1f}';

/// The shape of a results table: column names and a design description.
#[derive(Debug, Clone, PartialEq)]
pub struct ParquetTable {
    /// Parameter columns.
    pub parameters: Vec<String>,
    /// Scenario names, in the order runs are stored.
    pub scenarios: Vec<String>,
    /// Outcome columns.
    pub outcomes: Vec<String>,
    /// Free-form description of the design (method, samples, seed), checked on resume and merge.
    pub design: String,
}

impl ParquetTable {
    fn schema(&self) -> Result<Arc<Type>, ExploreError> {
        let mut fields = vec![
            Arc::new(
                Type::primitive_type_builder("experiment", PhysicalType::INT64)
                    .with_repetition(Repetition::REQUIRED)
                    .build()?,
            ),
            Arc::new(
                Type::primitive_type_builder("scenario", PhysicalType::BYTE_ARRAY)
                    .with_repetition(Repetition::REQUIRED)
                    .with_logical_type(Some(LogicalType::String))
                    .build()?,
            ),
        ];
        for name in self.parameters.iter().chain(&self.outcomes) {
            fields.push(Arc::new(
                Type::primitive_type_builder(name, PhysicalType::DOUBLE)
                    .with_repetition(Repetition::REQUIRED)
                    .build()?,
            ));
        }
        Ok(Arc::new(
            Type::group_type_builder("blowback_explore")
                .with_fields(fields)
                .build()?,
        ))
    }

    fn properties(&self) -> Arc<WriterProperties> {
        let metadata = vec![
            KeyValue::new(KEY_PARAMETERS.into(), self.parameters.len().to_string()),
            KeyValue::new(
                KEY_SCENARIOS.into(),
                self.scenarios.join(&SEPARATOR.to_string()),
            ),
            KeyValue::new(KEY_DESIGN.into(), self.design.clone()),
        ];
        Arc::new(
            WriterProperties::builder()
                .set_key_value_metadata(Some(metadata))
                .build(),
        )
    }

    /// A whole Parquet file holding one chunk (one row group).
    pub fn encode(&self, chunk: &Chunk) -> Result<Vec<u8>, ExploreError> {
        let mut sink = ParquetSink::new(self.clone(), Vec::new())?;
        sink.write_chunk(chunk)?;
        sink.finish()
    }

    /// Reads a file written by [`ParquetTable::encode`] or [`ParquetSink`]: its table and all its
    /// rows as one chunk.
    pub fn decode(bytes: Vec<u8>) -> Result<(ParquetTable, Chunk), ExploreError> {
        let reader = SerializedFileReader::new(Bytes::from(bytes))?;
        let metadata = reader.metadata().file_metadata();
        let lookup = |key: &str| {
            metadata
                .key_value_metadata()
                .and_then(|kv| kv.iter().find(|e| e.key == key))
                .and_then(|e| e.value.clone())
        };
        let bad = |what: &str| ExploreError::Write(format!("not a blowback explore file: {what}"));
        let parameter_count: usize = lookup(KEY_PARAMETERS)
            .and_then(|v| v.parse().ok())
            .ok_or_else(|| bad("no parameter count"))?;
        let scenarios: Vec<String> = lookup(KEY_SCENARIOS)
            .ok_or_else(|| bad("no scenario list"))?
            .split(SEPARATOR)
            .map(str::to_string)
            .collect();
        let columns: Vec<String> = metadata
            .schema_descr()
            .columns()
            .iter()
            .map(|c| c.name().to_string())
            .collect();
        if columns.len() < 2 + parameter_count
            || columns[0] != "experiment"
            || columns[1] != "scenario"
        {
            return Err(bad("unexpected columns"));
        }
        let table = ParquetTable {
            parameters: columns[2..2 + parameter_count].to_vec(),
            outcomes: columns[2 + parameter_count..].to_vec(),
            scenarios,
            design: lookup(KEY_DESIGN).unwrap_or_default(),
        };
        let (d, m, k) = (
            table.parameters.len(),
            table.scenarios.len(),
            table.outcomes.len(),
        );
        let mut chunk = Chunk {
            first_experiment: 0,
            experiments: 0,
            parameters: Vec::new(),
            outcomes: Vec::new(),
        };
        for (row_index, row) in reader.get_row_iter(None)?.enumerate() {
            let row = row?;
            let experiment = row.get_long(0)? as usize;
            let scenario = row_index % m;
            if row_index == 0 {
                chunk.first_experiment = experiment;
            }
            if experiment != chunk.first_experiment + row_index / m
                || row.get_string(1)? != &table.scenarios[scenario]
            {
                return Err(bad("rows are not in experiment-then-scenario order"));
            }
            if scenario == 0 {
                chunk.experiments += 1;
                for j in 0..d {
                    chunk.parameters.push(row.get_double(2 + j)?);
                }
            }
            for j in 0..k {
                chunk.outcomes.push(row.get_double(2 + d + j)?);
            }
        }
        Ok((table, chunk))
    }
}

/// Streams chunks into one Parquet file, one row group per chunk, so memory stays bounded.
pub struct ParquetSink<W: Write + Send> {
    table: ParquetTable,
    writer: SerializedFileWriter<W>,
    rows: usize,
}

impl<W: Write + Send> ParquetSink<W> {
    /// Starts a file with `table`'s columns.
    pub fn new(table: ParquetTable, out: W) -> Result<Self, ExploreError> {
        let writer = SerializedFileWriter::new(out, table.schema()?, table.properties())?;
        Ok(ParquetSink {
            table,
            writer,
            rows: 0,
        })
    }

    /// The table being written.
    pub fn table(&self) -> &ParquetTable {
        &self.table
    }

    /// Appends one chunk as a row group.
    pub fn write_chunk(&mut self, chunk: &Chunk) -> Result<(), ExploreError> {
        let (d, m, k) = (
            self.table.parameters.len(),
            self.table.scenarios.len(),
            self.table.outcomes.len(),
        );
        let rows = chunk.experiments * m;
        if chunk.parameters.len() != chunk.experiments * d || chunk.outcomes.len() != rows * k {
            return Err(ExploreError::Write(format!(
                "chunk shape does not match the table ({} parameters, {} scenarios, {} outcomes)",
                d, m, k
            )));
        }
        let mut group = self.writer.next_row_group()?;
        let mut column_index = 0;
        let mut doubles = Vec::with_capacity(rows);
        while let Some(mut column) = group.next_column()? {
            match column_index {
                0 => {
                    let values: Vec<i64> = (0..rows)
                        .map(|r| (chunk.first_experiment + r / m) as i64)
                        .collect();
                    column
                        .typed::<Int64Type>()
                        .write_batch(&values, None, None)?;
                }
                1 => {
                    let values: Vec<ByteArray> = (0..rows)
                        .map(|r| ByteArray::from(self.table.scenarios[r % m].as_str()))
                        .collect();
                    column
                        .typed::<ByteArrayType>()
                        .write_batch(&values, None, None)?;
                }
                c if c < 2 + d => {
                    let j = c - 2;
                    doubles.clear();
                    doubles.extend((0..rows).map(|r| chunk.parameters[(r / m) * d + j]));
                    column
                        .typed::<DoubleType>()
                        .write_batch(&doubles, None, None)?;
                }
                c => {
                    let j = c - 2 - d;
                    doubles.clear();
                    doubles.extend((0..rows).map(|r| chunk.outcomes[r * k + j]));
                    column
                        .typed::<DoubleType>()
                        .write_batch(&doubles, None, None)?;
                }
            }
            column.close()?;
            column_index += 1;
        }
        group.close()?;
        self.rows += rows;
        Ok(())
    }

    /// Writes the footer and returns the underlying writer.
    pub fn finish(self) -> Result<W, ExploreError> {
        Ok(self.writer.into_inner()?)
    }

    /// Rows written so far.
    pub fn rows(&self) -> usize {
        self.rows
    }
}

impl<W: Write + Send> RunSink for ParquetSink<W> {
    fn write(&mut self, _chunk_index: usize, chunk: &Chunk) -> Result<(), ExploreError> {
        self.write_chunk(chunk)
    }
}

/// Merges parts (the files of chunked or sharded runs) into one file written to `out`, in the
/// order given. Each part comes with a name for messages (say, its file and shard) and its bytes,
/// or the error met reading them. Every part must decode, have the first part's table, and
/// continue the design where the part before it ended, the first starting at experiment 0: a
/// missing, repeated, misplaced or damaged part is an error that names it, never a hole in the
/// merged file. Holds one part in memory at a time; returns the writer and the rows written.
pub fn merge_parquet<W: Write + Send, N: Display>(
    parts: impl IntoIterator<Item = (N, std::io::Result<Vec<u8>>)>,
    out: W,
) -> Result<(W, usize), ExploreError> {
    let mut sink: Option<ParquetSink<W>> = None;
    let mut out = Some(out);
    let mut next_experiment = 0;
    for (name, bytes) in parts {
        let fail = |message: String| ExploreError::Part {
            part: name.to_string(),
            message,
        };
        let bytes = bytes.map_err(|e| fail(format!("cannot read it: {e}")))?;
        let (table, chunk) = ParquetTable::decode(bytes)
            .map_err(|e| fail(format!("damaged or truncated part ({e})")))?;
        let current = match (&mut sink, out.take()) {
            (Some(current), _) => current,
            (None, Some(writer)) => sink.insert(ParquetSink::new(table.clone(), writer)?),
            (None, None) => return Err(ExploreError::Write("output already used".into())),
        };
        if current.table() != &table {
            return Err(fail(format!(
                "has other columns, scenarios or design than the first part (`{}` vs `{}`)",
                table.design,
                current.table().design
            )));
        }
        let end = chunk.first_experiment + chunk.experiments;
        if chunk.first_experiment != next_experiment {
            return Err(fail(if chunk.first_experiment > next_experiment {
                format!(
                    "holds experiments {}..{end}, but experiments {next_experiment}..{} come first: the parts holding them are missing",
                    chunk.first_experiment, chunk.first_experiment
                )
            } else {
                format!(
                    "holds experiments {}..{end}, which an earlier part already holds",
                    chunk.first_experiment
                )
            }));
        }
        next_experiment = end;
        current.write_chunk(&chunk)?;
    }
    let sink = sink.ok_or_else(|| ExploreError::Write("no parts to merge".into()))?;
    let rows = sink.rows();
    Ok((sink.finish()?, rows))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> ParquetTable {
        ParquetTable {
            parameters: vec!["a".into(), "b".into()],
            scenarios: vec!["base".into(), "policy x".into()],
            outcomes: vec!["y".into()],
            design: "lhs n=3 seed=1".into(),
        }
    }

    fn chunk(first: usize) -> Chunk {
        Chunk {
            first_experiment: first,
            experiments: 3,
            parameters: vec![0.1, 0.2, 0.3, 0.4, 0.5, 0.6],
            outcomes: vec![1.0, 2.0, f64::NAN, 4.0, 5.0, 6.0],
        }
    }

    #[test]
    fn encode_decode_round_trip() {
        let bytes = table().encode(&chunk(6)).unwrap();
        assert_eq!(&bytes[..4], b"PAR1");
        let (decoded_table, decoded) = ParquetTable::decode(bytes).unwrap();
        assert_eq!(decoded_table, table());
        assert_eq!(decoded.first_experiment, 6);
        assert_eq!(decoded.parameters, chunk(6).parameters);
        assert!(decoded.outcomes[2].is_nan());
        assert_eq!(decoded.outcomes[5], 6.0);
    }

    fn named(parts: Vec<Vec<u8>>) -> Vec<(String, std::io::Result<Vec<u8>>)> {
        parts
            .into_iter()
            .enumerate()
            .map(|(i, bytes)| (format!("part {i}"), Ok(bytes)))
            .collect()
    }

    fn merge_error(parts: Vec<(String, std::io::Result<Vec<u8>>)>) -> String {
        match merge_parquet(parts, Vec::new()) {
            Err(e) => e.to_string(),
            Ok(_) => panic!("the merge should have failed"),
        }
    }

    #[test]
    fn merge_concatenates_and_rejects_mismatches() {
        let parts = named(vec![
            table().encode(&chunk(0)).unwrap(),
            table().encode(&chunk(3)).unwrap(),
        ]);
        let (bytes, rows) = merge_parquet(parts, Vec::new()).unwrap();
        assert_eq!(rows, 12);
        let (_, merged) = ParquetTable::decode(bytes).unwrap();
        assert_eq!(merged.experiments, 6);
        let mut other = table();
        other.design = "mc".into();
        let parts = named(vec![
            table().encode(&chunk(0)).unwrap(),
            other.encode(&chunk(3)).unwrap(),
        ]);
        assert!(merge_error(parts).starts_with("part 1: has other columns"));
    }

    #[test]
    fn merge_names_a_missing_repeated_or_damaged_part() {
        let gap = named(vec![
            table().encode(&chunk(0)).unwrap(),
            table().encode(&chunk(6)).unwrap(),
        ]);
        let message = merge_error(gap);
        assert!(
            message.starts_with("part 1: holds experiments 6..9"),
            "{message}"
        );
        assert!(message.contains("experiments 3..6 come first"), "{message}");

        let late_start = named(vec![table().encode(&chunk(3)).unwrap()]);
        assert!(merge_error(late_start).contains("experiments 0..3 come first"));

        let repeated = named(vec![
            table().encode(&chunk(0)).unwrap(),
            table().encode(&chunk(0)).unwrap(),
        ]);
        assert!(merge_error(repeated).contains("an earlier part already holds"));

        let mut truncated = table().encode(&chunk(3)).unwrap();
        truncated.truncate(truncated.len() / 2);
        let parts = named(vec![table().encode(&chunk(0)).unwrap(), truncated]);
        assert!(merge_error(parts).starts_with("part 1: damaged or truncated part"));

        let unreadable = vec![(
            "part 0".to_string(),
            Err(std::io::Error::other("disk on fire")),
        )];
        assert!(merge_error(unreadable).contains("cannot read it: disk on fire"));
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        assert!(ParquetTable::decode(b"not parquet at all".to_vec()).is_err());
    }
}
