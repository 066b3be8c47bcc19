//! Opening a case folder or a bare model file: the one place the CLI reads a case from disk.
//!
//! Which files a case folder holds, and which of them is its model, is decided by
//! `blowback::CaseFiles::gather`; this module does the reading, prints the model's diagnostics and
//! names every file by its path in error messages.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::Context;
use blowback::{Case, CaseError, CaseFiles, CaseFolder, MODEL_FILES};

use crate::diagnostics::print_diagnostics;

/// Where a case's files are on disk.
#[derive(Debug, Clone)]
pub struct Source {
    /// The folder, for a case; `None` for a bare model file.
    dir: Option<PathBuf>,
    /// The model file.
    model_path: PathBuf,
    /// The uncertainties file when it was given on the command line.
    uncertainties: Option<PathBuf>,
}

impl Source {
    /// Whether the case is a folder (not a bare model file).
    pub fn is_folder(&self) -> bool {
        self.dir.is_some()
    }

    /// The model file.
    pub fn model_path(&self) -> &Path {
        &self.model_path
    }

    /// The path of a case file that a message names (`scenarios.toml`, `data/x.csv`).
    pub fn path_of(&self, file: &str) -> PathBuf {
        match (&self.uncertainties, &self.dir) {
            (Some(path), _) if file == "uncertainties.toml" => path.clone(),
            (_, Some(dir)) => dir.join(file),
            (_, None) if file == "model" => self.model_path.clone(),
            (_, None) => PathBuf::from(file),
        }
    }

    /// A short name for default output folders and titles: the folder's name, or the model file's
    /// name without its extension.
    pub fn name(&self) -> String {
        let name = match &self.dir {
            Some(dir) => dir
                .canonicalize()
                .ok()
                .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
                .or_else(|| dir.file_name().map(|n| n.to_string_lossy().into_owned())),
            None => self
                .model_path
                .file_stem()
                .map(|n| n.to_string_lossy().into_owned()),
        };
        name.unwrap_or_else(|| "case".into())
    }
}

/// A folder on disk, read for `CaseFiles::gather`.
struct Dir<'a>(&'a Path);

impl CaseFolder for Dir<'_> {
    fn read(&self, path: &str) -> std::io::Result<Option<String>> {
        match std::fs::read_to_string(self.0.join(path)) {
            Ok(text) => Ok(Some(text)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }

    fn list(&self, path: &str) -> std::io::Result<Vec<String>> {
        let entries = match std::fs::read_dir(self.0.join(path)) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(e),
        };
        let mut names = Vec::new();
        for entry in entries {
            let entry = entry?;
            // `metadata` follows symbolic links, so a linked data file counts as a file.
            if std::fs::metadata(entry.path())?.is_file() {
                names.push(entry.file_name().to_string_lossy().into_owned());
            }
        }
        Ok(names)
    }
}

/// Reads a case folder (every file a case may have) or a bare model file.
pub fn read(path: &Path) -> anyhow::Result<(CaseFiles, Source)> {
    if path.is_dir() {
        let files = CaseFiles::gather(&Dir(path)).map_err(|err| match err {
            CaseError::NoModel => anyhow::anyhow!(
                "{} has no {} (a case folder holds {} and scenarios.toml)",
                path.display(),
                MODEL_FILES.join(" or "),
                MODEL_FILES[0]
            ),
            CaseError::Read { file, source } => {
                anyhow::Error::new(source).context(format!("reading {}", path.join(file).display()))
            }
            other => other.into(),
        })?;
        let source = Source {
            dir: Some(path.to_path_buf()),
            model_path: path.join(&files.model_file),
            uncertainties: None,
        };
        return Ok((files, source));
    }
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let name = path
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    let source = Source {
        dir: None,
        model_path: path.to_path_buf(),
        uncertainties: None,
    };
    Ok((CaseFiles::model_only(name, text), source))
}

/// Replaces the case's uncertainties file by the one at `path` (`--uncertainties`).
pub fn use_uncertainties(
    files: &mut CaseFiles,
    source: &mut Source,
    path: &Path,
) -> anyhow::Result<()> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    files.uncertainties = Some(text);
    source.uncertainties = Some(path.to_path_buf());
    Ok(())
}

/// Loads a case from its files, printing the model's warnings. `Ok(None)` means the model had
/// errors, which have been printed.
pub fn load(files: &CaseFiles, source: &Source) -> anyhow::Result<Option<Case>> {
    match Case::load(files) {
        Ok((case, warnings)) => {
            print_diagnostics(&source.model_path, &files.model, &warnings);
            Ok(Some(case))
        }
        Err(CaseError::Model(diagnostics)) => {
            print_diagnostics(&source.model_path, &files.model, &diagnostics.0);
            eprintln!(
                "{} error(s) in {}",
                diagnostics.error_count(),
                source.model_path.display()
            );
            Ok(None)
        }
        Err(err) => Err(located(source, err)),
    }
}

/// Reads and loads a case folder or a bare model: [`read`], then [`load`].
pub fn open(path: &Path) -> anyhow::Result<Option<(Case, Source)>> {
    let (files, source) = read(path)?;
    Ok(load(&files, &source)?.map(|case| (case, source)))
}

/// Turns a case error into a message that names the file by its path and shows the line.
pub fn located(source: &Source, err: CaseError) -> anyhow::Error {
    match &err {
        CaseError::Toml {
            file,
            line,
            column,
            message,
            snippet,
            help,
        } => {
            let mut text = format!(
                "{}:{line}:{column}: {message}",
                source.path_of(file).display()
            );
            if !snippet.is_empty() {
                let _ = write!(text, "\n {line:>4} | {snippet}\n      | {:>column$}", "^");
            }
            if let Some(help) = help {
                let _ = write!(text, "\n  help: {help}");
            }
            anyhow::anyhow!(text)
        }
        CaseError::Data { .. }
        | CaseError::Invalid { .. }
        | CaseError::Explore { .. }
        | CaseError::Conflict { .. } => {
            let file = match &err {
                CaseError::Data { file, .. } => format!("data/{file}"),
                CaseError::Invalid { file, .. }
                | CaseError::Explore { file, .. }
                | CaseError::Conflict { file, .. } => file.clone(),
                _ => String::new(),
            };
            // The message starts with the file's name in the folder; name it by its path instead.
            let text = err.to_string();
            let rest = text.strip_prefix(file.as_str()).unwrap_or(&text);
            anyhow::anyhow!("{}{rest}", source.path_of(&file).display())
        }
        _ => anyhow::Error::new(err),
    }
}
