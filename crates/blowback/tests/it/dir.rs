//! A case folder on disk, read the way the CLI reads it (the library itself does no I/O).

use std::path::PathBuf;

use blowback::CaseFolder;

/// The folder at a path.
pub struct Dir(pub PathBuf);

impl CaseFolder for Dir {
    fn read(&self, path: &str) -> std::io::Result<Option<String>> {
        match std::fs::read_to_string(self.0.join(path)) {
            Ok(text) => Ok(Some(text)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }

    fn list(&self, path: &str) -> std::io::Result<Vec<String>> {
        let mut names = Vec::new();
        let entries = match std::fs::read_dir(self.0.join(path)) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(names),
            Err(e) => return Err(e),
        };
        for entry in entries {
            let entry = entry?;
            if entry.file_type()?.is_file() {
                names.push(entry.file_name().to_string_lossy().into_owned());
            }
        }
        Ok(names)
    }
}
