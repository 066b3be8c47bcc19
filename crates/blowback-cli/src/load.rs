//! Opening a case folder or a bare model file: the one place the CLI reads a case from disk.
//!
//! Which files a case folder holds, and which of them is its model, is decided by
//! `blowback::CaseFiles::gather`; this module does the reading, prints the model's diagnostics and
//! names every file by its path in error messages.

use std::path::{Path, PathBuf};

use anyhow::Context;
use blowback::{Case, CaseError, CaseFiles, CaseFolder, MODEL_FILES};
use blowback_diagnostic::Located;
use blowback_explore::ExploreError;
use blowback_sd::decode_model_text;

use crate::diagnostics::{print_diagnostics, Reported};
use crate::output::plural;

/// A case read from disk: its files, and where they are.
#[derive(Debug, Clone)]
pub struct Source {
    /// The text of every file the case has.
    pub files: CaseFiles,
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
        if file == self.files.model_file {
            return self.model_path.clone();
        }
        match (&self.uncertainties, &self.dir) {
            (Some(path), _) if file == "uncertainties.toml" => path.clone(),
            (_, Some(dir)) => dir.join(file),
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

    /// Replaces the case's uncertainties file by the one at `path` (`--uncertainties`).
    pub fn use_uncertainties(&mut self, path: &Path) -> anyhow::Result<()> {
        let text =
            std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        self.files.uncertainties = Some(text);
        self.uncertainties = Some(path.to_path_buf());
        Ok(())
    }

    /// A case error as the CLI shows it: a problem in a file is rendered with its path, line and
    /// the offending text underlined; anything else keeps its message.
    pub fn error(&self, err: CaseError) -> anyhow::Error {
        if let Some((file, problem)) = err.located() {
            let file = match &err {
                CaseError::Data { file, .. } => format!("data/{file}"),
                _ => file.to_string(),
            };
            return self.reported(&file, std::slice::from_ref(problem));
        }
        match err {
            CaseError::Explore { file, source } => match source.as_ref() {
                ExploreError::Syntax(problem)
                | ExploreError::Distribution { error: problem, .. } => {
                    self.reported(&file, std::slice::from_ref(problem))
                }
                _ => anyhow::anyhow!("{}: {source}", self.path_of(&file).display()),
            },
            CaseError::Conflict {
                file,
                source: blowback_conflict::Error::Invalid(problems),
            } => self.reported(&file, &problems),
            CaseError::Conflict { file, source } => {
                anyhow::anyhow!("{}: {source}", self.path_of(&file).display())
            }
            other => anyhow::Error::new(other),
        }
    }

    fn reported(&self, file: &str, problems: &[Located]) -> anyhow::Error {
        Reported::file(&self.path_of(file), self.files.text(file), problems).into()
    }
}

/// A folder on disk, read for `CaseFiles::gather`.
struct Dir<'a>(&'a Path);

impl CaseFolder for Dir<'_> {
    fn read(&self, path: &str) -> std::io::Result<Option<String>> {
        let full = self.0.join(path);
        if MODEL_FILES.contains(&path) {
            // Older Vensim files are not UTF-8; the model reader decodes them.
            return match std::fs::read(&full) {
                Ok(bytes) => Ok(Some(decode_model_text(&bytes).into_owned())),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
                Err(e) => Err(e),
            };
        }
        match std::fs::read_to_string(full) {
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
pub fn read(path: &Path) -> anyhow::Result<Source> {
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
        return Ok(Source {
            dir: Some(path.to_path_buf()),
            model_path: path.join(&files.model_file),
            uncertainties: None,
            files,
        });
    }
    let (text, _) = crate::sd::read_model_file(path)?;
    let name = path
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    Ok(Source {
        files: CaseFiles::model_only(name, text),
        dir: None,
        model_path: path.to_path_buf(),
        uncertainties: None,
    })
}

/// Loads a case from its files, printing the model's warnings. `Ok(None)` means the model had
/// errors, which have been printed.
pub fn load(source: &Source) -> anyhow::Result<Option<Case>> {
    let files = &source.files;
    match Case::load(files) {
        Ok((case, warnings)) => {
            print_diagnostics(&source.model_path, &files.model, &warnings);
            Ok(Some(case))
        }
        Err(CaseError::Model(diagnostics)) => {
            print_diagnostics(&source.model_path, &files.model, &diagnostics.0);
            eprintln!(
                "{} in {}",
                plural(diagnostics.error_count(), "error"),
                source.model_path.display()
            );
            Ok(None)
        }
        Err(err) => Err(source.error(err)),
    }
}

/// Reads and loads a case folder or a bare model: [`read`], then [`load`].
pub fn open(path: &Path) -> anyhow::Result<Option<(Case, Source)>> {
    let source = read(path)?;
    Ok(load(&source)?.map(|case| (case, source)))
}
