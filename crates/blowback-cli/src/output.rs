//! Output helpers shared by every subcommand: atomic file writes, standard output and number
//! formatting.

use std::fs::{self, File};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use anyhow::Context;

/// Writes `bytes` to `path` atomically: into a temporary file beside it, flushed and synced, then
/// renamed over the target, so a crash never leaves a half-written output. `-` means standard output.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    if path == Path::new("-") {
        let mut out = std::io::stdout().lock();
        out.write_all(bytes)?;
        out.flush()?;
        return Ok(());
    }
    let mut file = AtomicFile::create(path)?;
    file.writer()
        .write_all(bytes)
        .with_context(|| format!("writing {}", path.display()))?;
    file.commit()
}

/// A file written piece by piece that appears whole or not at all: the bytes go to a temporary
/// file beside the target, which [`AtomicFile::commit`] syncs and renames over it. Dropped without
/// a commit (an error on the way), it removes the temporary file and leaves the target as it was.
pub struct AtomicFile {
    path: PathBuf,
    tmp: PathBuf,
    file: BufWriter<File>,
    committed: bool,
}

impl AtomicFile {
    /// Starts writing `path` (creating its folder if needed).
    pub fn create(path: &Path) -> anyhow::Result<AtomicFile> {
        let dir = match path.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent,
            _ => Path::new("."),
        };
        fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        let file_name = path
            .file_name()
            .with_context(|| format!("{} is not a file path", path.display()))?;
        let tmp = dir.join(format!(
            ".{}.tmp-{}",
            file_name.to_string_lossy(),
            std::process::id()
        ));
        let file = File::create(&tmp).with_context(|| format!("creating {}", tmp.display()))?;
        Ok(AtomicFile {
            path: path.to_path_buf(),
            tmp,
            file: BufWriter::new(file),
            committed: false,
        })
    }

    /// Where the bytes go.
    pub fn writer(&mut self) -> &mut BufWriter<File> {
        &mut self.file
    }

    /// Flushes and syncs the bytes, then renames them over the target.
    pub fn commit(mut self) -> anyhow::Result<()> {
        self.finish()
            .with_context(|| format!("writing {}", self.path.display()))
    }

    fn finish(&mut self) -> std::io::Result<()> {
        self.file.flush()?;
        self.file.get_ref().sync_all()?;
        fs::rename(&self.tmp, &self.path)?;
        self.committed = true;
        Ok(())
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_file(&self.tmp);
        }
    }
}

/// Formats a table value with about four significant figures.
pub fn format_value(value: Option<f64>) -> String {
    match value {
        None => "-".into(),
        Some(v) if !v.is_finite() => v.to_string(),
        Some(v) if v.abs() >= 100.0 => format!("{v:.0}"),
        Some(v) if v.abs() >= 10.0 => format!("{v:.1}"),
        Some(v) => format!("{v:.2}"),
    }
}

/// The width of a text column: its longest cell, and at least `at_least` (its header's width), so
/// a long name (`status_quo@aid_backlash`) does not push its row's numbers out of line.
pub fn column_width<'a>(cells: impl IntoIterator<Item = &'a str>, at_least: usize) -> usize {
    cells
        .into_iter()
        .map(|cell| cell.chars().count())
        .max()
        .unwrap_or(0)
        .max(at_least)
}

/// `1 file`, `2 files`: a count with its noun in the right number (nouns here take an `s`).
pub fn plural(count: usize, noun: &str) -> String {
    if count == 1 {
        format!("1 {noun}")
    } else {
        format!("{count} {noun}s")
    }
}

/// Text from an input file made safe to print on a terminal: control characters (NUL, escape
/// sequences, bells, line breaks inside a field) are shown as escapes instead of acting on it.
pub fn printable(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(char::is_control) {
        return text.into();
    }
    text.chars()
        .map(|c| {
            if c.is_control() {
                c.escape_default().to_string()
            } else {
                c.to_string()
            }
        })
        .collect::<String>()
        .into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_escaped_and_the_rest_kept() {
        assert_eq!(
            printable("TTP \u{0}\u{7}\u{1b}[31m é"),
            "TTP \\u{0}\\u{7}\\u{1b}[31m é"
        );
        assert_eq!(printable("plain"), "plain");
        assert_eq!(column_width(["a", "status_quo@aid_backlash"], 8), 23);
        assert_eq!(column_width([], 8), 8);
        assert_eq!(plural(1, "scenario"), "1 scenario");
        assert_eq!(plural(3, "scenario"), "3 scenarios");
    }
}
