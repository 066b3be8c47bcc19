//! Output folders of `blowback explore` as shards of one sweep, and `blowback explore merge`.
//!
//! Every run writes `DIR/shard.json` (its design, size, chunk size and shard) before its first
//! part, so the merge knows which parts each folder owes. The merge refuses, naming the shard and
//! writing nothing, when a shard's folder is missing, a shard is incomplete (its task died or is
//! still running), a part is truncated, or folders of different sweeps are mixed; only then does
//! it stream the parts, in design order, into the output through a temporary file.

use std::collections::BTreeMap;
use std::io::{Read, Seek, SeekFrom, Write as _};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Context};
use blowback_explore::{merge_parquet, shard_chunks};

use crate::output::{write_atomic, AtomicFile};

/// The file in an output folder that says which shard of which sweep the folder holds.
const MANIFEST: &str = "shard.json";

/// Arguments of `blowback explore merge`.
#[derive(Debug, clap::Args)]
pub struct MergeArgs {
    /// Output folders (of every shard) or part files to merge, in any order.
    #[arg(required = true)]
    inputs: Vec<PathBuf>,
    /// The merged file (written only if every shard is there and whole).
    #[arg(long = "output", alias = "out", value_name = "FILE")]
    out: PathBuf,
}

/// What an output folder holds: shard `shard` of `shards` (1-based) of a design of `experiments`
/// experiments cut into parts of `chunk_size` experiments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Manifest {
    /// The design's description (method, samples, seed, parameters), as in the parts' metadata.
    pub design: String,
    /// Experiments in the whole design.
    pub experiments: usize,
    /// Experiments per part.
    pub chunk_size: usize,
    /// This folder's shard, from 1.
    pub shard: usize,
    /// Shards of the sweep (1 when the run was not sharded).
    pub shards: usize,
}

impl Manifest {
    /// Writes `DIR/shard.json`.
    pub fn write(&self, dir: &Path) -> anyhow::Result<()> {
        let json = serde_json::json!({
            "design": self.design,
            "experiments": self.experiments,
            "chunk_size": self.chunk_size,
            "shard": self.shard,
            "shards": self.shards,
        });
        write_atomic(
            &dir.join(MANIFEST),
            serde_json::to_string_pretty(&json)?.as_bytes(),
        )
    }

    fn parse(text: &str) -> Result<Manifest, String> {
        let json: serde_json::Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
        let number = |key: &str| {
            json.get(key)
                .and_then(serde_json::Value::as_u64)
                .and_then(|n| usize::try_from(n).ok())
                .ok_or_else(|| format!("no whole number `{key}`"))
        };
        Ok(Manifest {
            design: json
                .get("design")
                .and_then(serde_json::Value::as_str)
                .ok_or("no text `design`")?
                .to_string(),
            experiments: number("experiments")?,
            chunk_size: number("chunk_size")?,
            shard: number("shard")?,
            shards: number("shards")?,
        })
    }

    fn read(dir: &Path) -> anyhow::Result<Option<Manifest>> {
        let path = dir.join(MANIFEST);
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e).with_context(|| format!("reading {}", path.display())),
        };
        let manifest = Manifest::parse(&text)
            .map_err(|e| anyhow::anyhow!("{} is not a shard manifest: {e}", path.display()))?;
        if manifest.shard == 0 || manifest.shard > manifest.shards || manifest.chunk_size == 0 {
            bail!(
                "{}: shard {}/{} with parts of {} experiments is impossible",
                path.display(),
                manifest.shard,
                manifest.shards,
                manifest.chunk_size
            );
        }
        Ok(Some(manifest))
    }

    fn name(&self) -> String {
        format!("shard {}/{}", self.shard, self.shards)
    }

    /// The chunk indices (= part numbers) this shard owes.
    fn chunks(&self) -> Range<usize> {
        shard_chunks(
            self.experiments,
            self.chunk_size,
            self.shard - 1,
            self.shards,
        )
        .unwrap_or(0..0)
    }

    fn experiments_of(&self, chunks: &Range<usize>) -> Range<usize> {
        (chunks.start * self.chunk_size).min(self.experiments)
            ..(chunks.end * self.chunk_size).min(self.experiments)
    }

    fn same_sweep(&self, other: &Manifest) -> bool {
        (&self.design, self.experiments, self.chunk_size, self.shards)
            == (
                &other.design,
                other.experiments,
                other.chunk_size,
                other.shards,
            )
    }
}

/// The file name of part `chunk_index`.
pub fn part_name(chunk_index: usize) -> String {
    format!("part-{chunk_index:06}.parquet")
}

fn part_index(path: &Path) -> Option<usize> {
    path.file_name()?
        .to_str()?
        .strip_prefix("part-")?
        .strip_suffix(".parquet")?
        .parse()
        .ok()
}

/// The `part-*.parquet` files of a folder, sorted by name.
pub fn part_files(dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
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

/// One input of the merge: a folder with its manifest, or loose parts.
struct Input {
    folder: PathBuf,
    manifest: Option<Manifest>,
    parts: Vec<PathBuf>,
}

fn resolve(input: &Path) -> anyhow::Result<Input> {
    if input.is_file() {
        return Ok(Input {
            folder: input.to_path_buf(),
            manifest: None,
            parts: vec![input.to_path_buf()],
        });
    }
    if !input.is_dir() {
        bail!(
            "{}: no such folder or file (a shard that never started has no folder: run it first)",
            input.display()
        );
    }
    // A folder written by `blowback explore` keeps its parts in runs/; accept that folder itself
    // too, or a bare folder of parts.
    let (folder, runs) = if input.join("runs").is_dir() || input.join(MANIFEST).is_file() {
        (input.to_path_buf(), input.join("runs"))
    } else if input.file_name().is_some_and(|n| n == "runs")
        && input.parent().is_some_and(|p| p.join(MANIFEST).is_file())
    {
        (
            input.parent().unwrap_or(input).to_path_buf(),
            input.to_path_buf(),
        )
    } else {
        (input.to_path_buf(), input.to_path_buf())
    };
    let manifest = Manifest::read(&folder)?;
    let parts = if runs.is_dir() {
        part_files(&runs)?
    } else {
        Vec::new()
    };
    Ok(Input {
        folder,
        manifest,
        parts,
    })
}

/// Whether a file starts and ends with Parquet's magic bytes: a file cut short (a copy or a disk
/// that filled up) has lost its footer, and is found here before any merging starts.
fn has_footer(path: &Path) -> std::io::Result<bool> {
    let mut file = std::fs::File::open(path)?;
    let size = file.metadata()?.len();
    if size < 12 {
        return Ok(false);
    }
    let (mut head, mut tail) = ([0u8; 4], [0u8; 4]);
    file.read_exact(&mut head)?;
    file.seek(SeekFrom::End(-4))?;
    file.read_exact(&mut tail)?;
    Ok(&head == b"PAR1" && &tail == b"PAR1")
}

/// Checks that the folders are the shards of one sweep, each there once and whole. Returns the
/// parts in design order, each named with its shard, or the problems found.
fn plan_shards(inputs: &[Input]) -> Result<Vec<(String, PathBuf)>, Vec<String>> {
    let mut problems = Vec::new();
    let mut folders = Vec::new();
    for input in inputs {
        match &input.manifest {
            Some(manifest) => folders.push((input, manifest)),
            None => problems.push(format!(
                "{} has no {MANIFEST}, so which shard it holds is unknown: pass the output folders of one sweep, all written by `blowback explore`, or only part files",
                input.folder.display()
            )),
        }
    }
    let Some(&(first_input, first)) = folders.first() else {
        return Err(problems);
    };
    for &(input, manifest) in &folders[1..] {
        if !manifest.same_sweep(first) {
            problems.push(format!(
                "{} holds {} of `{}` ({} experiments, parts of {}), but {} holds {} of `{}` ({} experiments, parts of {}): they are not shards of one sweep",
                input.folder.display(), manifest.name(), manifest.design, manifest.experiments, manifest.chunk_size,
                first_input.folder.display(), first.name(), first.design, first.experiments, first.chunk_size
            ));
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }

    let mut by_shard: BTreeMap<usize, &Input> = BTreeMap::new();
    for &(input, manifest) in &folders {
        if let Some(other) = by_shard.insert(manifest.shard, input) {
            problems.push(format!(
                "{} and {} both hold {}",
                other.folder.display(),
                input.folder.display(),
                manifest.name()
            ));
        }
    }
    let mut ordered = Vec::new();
    for shard in 1..=first.shards {
        let manifest = Manifest {
            shard,
            ..first.clone()
        };
        let chunks = manifest.chunks();
        let experiments = manifest.experiments_of(&chunks);
        let Some(input) = by_shard.get(&shard) else {
            if !chunks.is_empty() {
                problems.push(format!(
                    "{} is missing: no input folder holds it (experiments {}..{}, {}..{}); run it with `--shard {shard}/{}`, or pass its folder",
                    manifest.name(),
                    experiments.start,
                    experiments.end,
                    part_name(chunks.start),
                    part_name(chunks.end - 1),
                    first.shards
                ));
            }
            continue;
        };
        let mut present: BTreeMap<usize, &PathBuf> = BTreeMap::new();
        for part in &input.parts {
            match part_index(part) {
                Some(index) if chunks.contains(&index) => {
                    present.insert(index, part);
                }
                _ => problems.push(format!(
                    "{} is not one of {}'s parts ({}..{}): is {} left over from another sweep? (`--fresh` starts a folder over)",
                    part.display(),
                    manifest.name(),
                    part_name(chunks.start),
                    part_name(chunks.end.max(1) - 1),
                    input.folder.display()
                )),
            }
        }
        let missing: Vec<usize> = chunks
            .clone()
            .filter(|i| !present.contains_key(i))
            .collect();
        if !missing.is_empty() {
            let listed: Vec<String> = missing.iter().take(4).map(|&i| part_name(i)).collect();
            problems.push(format!(
                "{} ({}) is incomplete: {} of its {} parts missing ({}{}); rerun it with the same command, which resumes from the parts it has",
                manifest.name(),
                input.folder.display(),
                missing.len(),
                chunks.len(),
                listed.join(", "),
                if missing.len() > listed.len() { ", ..." } else { "" }
            ));
        }
        for (_, part) in present {
            match has_footer(part) {
                Ok(true) => ordered.push((format!("{} ({})", part.display(), manifest.name()), part.clone())),
                Ok(false) => problems.push(format!(
                    "{} ({}) is truncated or damaged (no Parquet footer); delete it and rerun {}, which resumes from its other parts",
                    part.display(),
                    manifest.name(),
                    manifest.name()
                )),
                Err(e) => problems.push(format!("{}: {e}", part.display())),
            }
        }
    }
    if problems.is_empty() {
        Ok(ordered)
    } else {
        Err(problems)
    }
}

/// Loose parts (no manifests): ordered by name, which is design order since part numbers are
/// global chunk indices; the merge itself checks that they follow on from each other.
fn plan_loose(inputs: &[Input]) -> Result<Vec<(String, PathBuf)>, Vec<String>> {
    let mut parts: Vec<&PathBuf> = inputs.iter().flat_map(|i| &i.parts).collect();
    parts.sort_by(|a, b| a.file_name().cmp(&b.file_name()));
    let mut problems = Vec::new();
    for pair in parts.windows(2) {
        if pair[0].file_name() == pair[1].file_name() {
            problems.push(format!(
                "{} and {} are the same part: were two runs made with overlapping settings?",
                pair[0].display(),
                pair[1].display()
            ));
        }
    }
    let mut ordered = Vec::new();
    for part in parts {
        match has_footer(part) {
            Ok(true) => ordered.push((part.display().to_string(), part.clone())),
            Ok(false) => problems.push(format!(
                "{} is truncated or damaged (no Parquet footer)",
                part.display()
            )),
            Err(e) => problems.push(format!("{}: {e}", part.display())),
        }
    }
    if problems.is_empty() {
        Ok(ordered)
    } else {
        Err(problems)
    }
}

/// Runs `blowback explore merge`.
pub fn run_merge(args: MergeArgs) -> anyhow::Result<ExitCode> {
    let inputs = args
        .inputs
        .iter()
        .map(|input| resolve(input))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let sharded = inputs.iter().any(|i| i.manifest.is_some());
    let plan = if sharded {
        plan_shards(&inputs)
    } else {
        plan_loose(&inputs)
    };
    let parts = match plan {
        Ok(parts) if parts.is_empty() => bail!("no part-*.parquet files in the inputs"),
        Ok(parts) => parts,
        Err(problems) => bail!(
            "{} not written:\n  {}",
            args.out.display(),
            problems.join("\n  ")
        ),
    };
    let count = parts.len();
    // Streamed through a temporary file: memory holds one part, and a failure part-way (a part
    // damaged inside) leaves no output behind.
    let mut out = AtomicFile::create(&args.out)?;
    let reads = parts.iter().map(|(name, path)| (name, std::fs::read(path)));
    let (_, rows) = merge_parquet(reads, out.writer())
        .with_context(|| format!("{} not written", args.out.display()))?;
    out.commit()?;
    writeln!(
        std::io::stdout().lock(),
        "merged {count} parts, {rows} rows, into {}",
        args.out.display()
    )?;
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;
    use blowback_explore::{Chunk, ParquetTable};

    /// A sweep of 10 experiments in parts of 2 (5 parts), written as 3 shard folders under a
    /// fresh temporary folder, which is removed on drop.
    struct Sweep {
        root: PathBuf,
    }

    impl Sweep {
        fn new(name: &str) -> Sweep {
            let root =
                std::env::temp_dir().join(format!("blowback-shards-{}-{name}", std::process::id()));
            let _ = std::fs::remove_dir_all(&root);
            let table = ParquetTable {
                parameters: vec!["a".into()],
                scenarios: vec!["base".into(), "policy".into()],
                outcomes: vec!["y".into()],
                design: "method=mc samples=10 seed=1 parameters=1".into(),
            };
            for shard in 1..=3 {
                let manifest = Manifest {
                    design: table.design.clone(),
                    experiments: 10,
                    chunk_size: 2,
                    shard,
                    shards: 3,
                };
                let dir = root.join(format!("shard-{shard}"));
                std::fs::create_dir_all(dir.join("runs")).unwrap();
                manifest.write(&dir).unwrap();
                for index in manifest.chunks() {
                    let first = index * 2;
                    let chunk = Chunk {
                        first_experiment: first,
                        experiments: 2,
                        parameters: vec![first as f64, first as f64 + 1.0],
                        outcomes: vec![1.0, 2.0, 3.0, 4.0],
                    };
                    std::fs::write(
                        dir.join("runs").join(part_name(index)),
                        table.encode(&chunk).unwrap(),
                    )
                    .unwrap();
                }
            }
            Sweep { root }
        }

        fn shard(&self, shard: usize) -> PathBuf {
            self.root.join(format!("shard-{shard}"))
        }

        fn part(&self, shard: usize, index: usize) -> PathBuf {
            self.shard(shard).join("runs").join(part_name(index))
        }

        fn merge(&self, shards: &[usize]) -> (anyhow::Result<ExitCode>, PathBuf) {
            let out = self.root.join("merged").join("runs.parquet");
            let args = MergeArgs {
                inputs: shards.iter().map(|&s| self.shard(s)).collect(),
                out: out.clone(),
            };
            (run_merge(args), out)
        }

        /// The merge's error, after checking that it wrote nothing (no file, no temporary file).
        fn refusal(&self, shards: &[usize]) -> String {
            let (result, out) = self.merge(shards);
            let message = format!("{:#}", result.expect_err("the merge should refuse"));
            assert!(
                !out.exists(),
                "{} written despite: {message}",
                out.display()
            );
            if let Ok(entries) = std::fs::read_dir(out.parent().unwrap()) {
                let left: Vec<_> = entries.map(|e| e.unwrap().file_name()).collect();
                assert!(left.is_empty(), "left behind: {left:?}");
            }
            message
        }
    }

    impl Drop for Sweep {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.root);
        }
    }

    #[test]
    fn shards_merge_in_design_order_whatever_the_input_order() {
        let sweep = Sweep::new("whole");
        let (result, out) = sweep.merge(&[3, 1, 2]);
        result.unwrap();
        let (_, merged) = ParquetTable::decode(std::fs::read(out).unwrap()).unwrap();
        assert_eq!(merged.experiments, 10);
        let firsts: Vec<f64> = merged.parameters.iter().step_by(2).copied().collect();
        assert_eq!(firsts, vec![0.0, 2.0, 4.0, 6.0, 8.0]);
    }

    #[test]
    fn a_missing_shard_is_named() {
        let sweep = Sweep::new("missing");
        let message = sweep.refusal(&[1, 3]);
        assert!(
            message.contains("shard 2/3 is missing: no input folder holds it (experiments 2..6, part-000001.parquet..part-000002.parquet)"),
            "{message}"
        );
    }

    #[test]
    fn an_incomplete_shard_is_named_with_its_missing_parts() {
        let sweep = Sweep::new("incomplete");
        std::fs::remove_file(sweep.part(3, 4)).unwrap();
        let message = sweep.refusal(&[1, 2, 3]);
        assert!(
            message.contains("is incomplete: 1 of its 2 parts missing (part-000004.parquet)"),
            "{message}"
        );
        assert!(message.contains("shard 3/3 ("), "{message}");
    }

    #[test]
    fn a_truncated_part_is_named_with_its_shard() {
        let sweep = Sweep::new("truncated");
        let part = sweep.part(2, 2);
        let bytes = std::fs::read(&part).unwrap();
        std::fs::write(&part, &bytes[..bytes.len() / 2]).unwrap();
        let message = sweep.refusal(&[1, 2, 3]);
        assert!(
            message.contains(&format!(
                "{} (shard 2/3) is truncated or damaged",
                part.display()
            )),
            "{message}"
        );
    }

    #[test]
    fn a_part_damaged_inside_fails_the_merge_without_leaving_a_file() {
        let sweep = Sweep::new("misplaced");
        // A whole Parquet file under the wrong number passes the footer check; the merge finds it
        // while writing, and the temporary output must go.
        std::fs::copy(sweep.part(3, 3), sweep.part(3, 4)).unwrap();
        let message = sweep.refusal(&[1, 2, 3]);
        assert!(
            message.contains(
                "(shard 3/3): holds experiments 6..8, which an earlier part already holds"
            ),
            "{message}"
        );
    }

    #[test]
    fn a_damaged_manifest_is_named() {
        let sweep = Sweep::new("manifest");
        let path = sweep.shard(2).join(MANIFEST);
        std::fs::write(&path, r#"{"design": "x", "experiments": 10}"#).unwrap();
        let message = sweep.refusal(&[1, 2, 3]);
        assert!(
            message.contains(&format!(
                "{} is not a shard manifest: no whole number `chunk_size`",
                path.display()
            )),
            "{message}"
        );
        std::fs::write(
            &path,
            r#"{"design": "x", "experiments": 10, "chunk_size": 2, "shard": 4, "shards": 3}"#,
        )
        .unwrap();
        assert!(sweep.refusal(&[1, 2, 3]).contains("shard 4/3"));
    }

    #[test]
    fn folders_of_different_sweeps_or_the_same_shard_twice_are_refused() {
        let sweep = Sweep::new("mixed");
        let mut other =
            Manifest::parse(&std::fs::read_to_string(sweep.shard(2).join(MANIFEST)).unwrap())
                .unwrap();
        other.design = "method=mc samples=10 seed=2 parameters=1".into();
        other.write(&sweep.shard(2)).unwrap();
        assert!(sweep
            .refusal(&[1, 2, 3])
            .contains("they are not shards of one sweep"));

        let sweep = Sweep::new("twice");
        let message = sweep.refusal(&[1, 2, 2, 3]);
        assert!(message.contains("both hold shard 2/3"), "{message}");
    }
}
