//! What a case folder holds, file by file, and the one place that decides which files to read.
//!
//! The caller does the reading (this crate does no I/O): it hands [`CaseFiles::gather`] a
//! [`CaseFolder`], and `gather` asks it for each file a case may have. The model is the first of
//! [`MODEL_FILES`] the folder has, so another model format can stand in for `model.xmile` by adding
//! its name there (and its reader to [`crate::Case::load`]).

use crate::error::CaseError;

/// The names a case's model file may have, in order of preference.
pub const MODEL_FILES: &[&str] = &["model.xmile", "model.mdl"];

/// Read access to a case folder, given by the caller. Paths are relative to the folder and use `/`.
pub trait CaseFolder {
    /// The text of the file at `path`; `Ok(None)` when there is no such file.
    fn read(&self, path: &str) -> std::io::Result<Option<String>>;
    /// The names of the files (not folders) directly inside the folder `path`; empty when there is
    /// no such folder.
    fn list(&self, path: &str) -> std::io::Result<Vec<String>>;
}

/// The text of a case folder's files. [`CaseFiles::gather`] fills it from a folder;
/// [`CaseFiles::model_only`] makes a case of a bare model file.
#[derive(Debug, Clone, Default)]
pub struct CaseFiles {
    /// The model file's name (one of [`MODEL_FILES`] in a folder, the file's own name for a bare
    /// model): errors name it, and it says which reader the model needs.
    pub model_file: String,
    /// The model's text.
    pub model: String,
    /// `scenarios.toml`, if the folder has one.
    pub scenarios: Option<String>,
    /// `tests.toml`, if present.
    pub tests: Option<String>,
    /// `claims.toml`, if present.
    pub claims: Option<String>,
    /// `calibration.toml`, if present (a `[calibration]` section of `scenarios.toml` also works).
    pub calibration: Option<String>,
    /// `loops.toml` (the feedback loops the case names), if present.
    pub loops: Option<String>,
    /// `uncertainties.toml` (uncertain parameters, outcomes, conclusions), if present.
    pub uncertainties: Option<String>,
    /// `conflict.toml` (the case's Graph Model for Conflict Resolution), if present.
    pub conflict: Option<String>,
    /// `README.md` (the case's story), if present.
    pub readme: Option<String>,
    /// `data/*.csv`: file name (without `data/`) and text, sorted by name.
    pub data: Vec<(String, String)>,
}

impl CaseFiles {
    /// Reads every file a case may have from `folder`.
    pub fn gather(folder: &impl CaseFolder) -> Result<CaseFiles, CaseError> {
        let read = |path: &str| {
            folder.read(path).map_err(|source| CaseError::Read {
                file: path.to_string(),
                source,
            })
        };
        let mut model = None;
        for name in MODEL_FILES {
            if let Some(text) = read(name)? {
                model = Some((name.to_string(), text));
                break;
            }
        }
        let (model_file, model) = model.ok_or(CaseError::NoModel)?;
        let mut names = folder.list("data").map_err(|source| CaseError::Read {
            file: "data".into(),
            source,
        })?;
        names.retain(|name| name.ends_with(".csv"));
        names.sort();
        let mut data = Vec::with_capacity(names.len());
        for name in names {
            // Listed a moment ago; gone now means someone removed it, which is an error like any
            // other unreadable file.
            let text = read(&format!("data/{name}"))?.ok_or_else(|| CaseError::Read {
                file: format!("data/{name}"),
                source: std::io::ErrorKind::NotFound.into(),
            })?;
            data.push((name, text));
        }
        Ok(CaseFiles {
            model_file,
            model,
            scenarios: read("scenarios.toml")?,
            tests: read("tests.toml")?,
            claims: read("claims.toml")?,
            calibration: read("calibration.toml")?,
            loops: read("loops.toml")?,
            uncertainties: read("uncertainties.toml")?,
            conflict: read("conflict.toml")?,
            readme: read("README.md")?,
            data,
        })
    }

    /// The text of a file of the case by its name in the folder (`scenarios.toml`,
    /// `data/x.csv`, the model file's name), as errors name it.
    pub fn text(&self, file: &str) -> Option<&str> {
        let text = match file {
            "scenarios.toml" => &self.scenarios,
            "tests.toml" => &self.tests,
            "claims.toml" => &self.claims,
            "calibration.toml" => &self.calibration,
            "loops.toml" => &self.loops,
            "uncertainties.toml" => &self.uncertainties,
            "conflict.toml" => &self.conflict,
            "README.md" => &self.readme,
            _ if file == self.model_file => return Some(&self.model),
            _ => {
                let name = file.strip_prefix("data/")?;
                return self
                    .data
                    .iter()
                    .find(|(n, _)| n == name)
                    .map(|(_, text)| text.as_str());
            }
        };
        text.as_deref()
    }

    /// A case made of one model file and nothing else.
    pub fn model_only(file_name: impl Into<String>, text: impl Into<String>) -> CaseFiles {
        CaseFiles {
            model_file: file_name.into(),
            model: text.into(),
            ..CaseFiles::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    /// A folder in memory: path -> text.
    struct Memory(BTreeMap<&'static str, &'static str>);

    impl CaseFolder for Memory {
        fn read(&self, path: &str) -> std::io::Result<Option<String>> {
            Ok(self.0.get(path).map(|text| text.to_string()))
        }

        fn list(&self, path: &str) -> std::io::Result<Vec<String>> {
            let prefix = format!("{path}/");
            Ok(self
                .0
                .keys()
                .filter_map(|k| k.strip_prefix(prefix.as_str()))
                .filter(|rest| !rest.contains('/'))
                .map(String::from)
                .collect())
        }
    }

    #[test]
    fn gathers_every_file_and_only_csv_data() {
        let folder = Memory(BTreeMap::from([
            ("model.xmile", "<xmile/>"),
            ("loops.toml", "[[loop]]"),
            ("README.md", "# A case"),
            ("data/b.csv", "year,x\n"),
            ("data/a.csv", "year,y\n"),
            ("data/notes.txt", "not data"),
        ]));
        let files = CaseFiles::gather(&folder).unwrap();
        assert_eq!(files.model_file, "model.xmile");
        assert_eq!(files.loops.as_deref(), Some("[[loop]]"));
        assert_eq!(files.readme.as_deref(), Some("# A case"));
        assert!(files.scenarios.is_none() && files.conflict.is_none());
        let names: Vec<&str> = files.data.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["a.csv", "b.csv"]);
        assert_eq!(files.text("loops.toml"), Some("[[loop]]"));
        assert_eq!(files.text("data/b.csv"), Some("year,x\n"));
        assert_eq!(files.text("model.xmile"), Some("<xmile/>"));
        assert_eq!(files.text("scenarios.toml"), None);
    }

    #[test]
    fn a_folder_without_a_model_is_an_error() {
        let folder = Memory(BTreeMap::from([("scenarios.toml", "")]));
        assert!(matches!(
            CaseFiles::gather(&folder),
            Err(CaseError::NoModel)
        ));
    }
}
