//! Model file formats: which reader a file needs, chosen from its name, and how its bytes become
//! text.

use std::borrow::Cow;

use crate::data::DataFiles;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::mdl::{read_mdl, read_mdl_with_data};
use crate::model::Project;
use crate::xmile::read_xmile;

/// A model file format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ModelFormat {
    /// XMILE 1.0 (`.xmile`, `.stmx`, `.itmx`, `.xml`, and any other name).
    #[default]
    Xmile,
    /// Vensim's text format (`.mdl`).
    Mdl,
}

impl ModelFormat {
    /// The format a file name implies: `.mdl` (any case) is Vensim, everything else XMILE.
    pub fn of_file_name(name: &str) -> ModelFormat {
        let extension = name.rsplit_once('.').map_or("", |(_, e)| e);
        if extension.eq_ignore_ascii_case("mdl") {
            ModelFormat::Mdl
        } else {
            ModelFormat::Xmile
        }
    }

    /// Reads a model's text in this format.
    pub fn read(self, text: &str) -> Result<(Project, Vec<Diagnostic>), Diagnostics> {
        match self {
            ModelFormat::Xmile => read_xmile(text),
            ModelFormat::Mdl => read_mdl(text),
        }
    }

    /// Reads a model's text in this format, with the data files it may name (`.mdl` subscript
    /// ranges can come from one).
    pub fn read_with_data(
        self,
        text: &str,
        files: &dyn DataFiles,
    ) -> Result<(Project, Vec<Diagnostic>), Diagnostics> {
        match self {
            ModelFormat::Xmile => read_xmile(text),
            ModelFormat::Mdl => read_mdl_with_data(text, files),
        }
    }
}

/// Reads a model, choosing the reader from the file name (see [`ModelFormat::of_file_name`]).
/// Diagnostics' spans are byte offsets into `text`.
pub fn read_model(file_name: &str, text: &str) -> Result<(Project, Vec<Diagnostic>), Diagnostics> {
    ModelFormat::of_file_name(file_name).read(text)
}

/// A model file's bytes as text: UTF-8 when they are (a byte-order mark is dropped), otherwise
/// Windows-1252, the encoding older Vensim versions write `.mdl` files in.
pub fn decode_model_text(bytes: &[u8]) -> Cow<'_, str> {
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) => Cow::Borrowed(text),
        Err(_) => Cow::Owned(bytes.iter().map(|&b| windows_1252(b)).collect()),
    }
}

/// The character a Windows-1252 byte stands for (bytes it leaves undefined map to the C1 control of
/// the same number, as Latin-1 does).
fn windows_1252(byte: u8) -> char {
    const HIGH: [char; 32] = [
        '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8d}', 'Ž',
        '\u{8f}', '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9d}',
        'ž', 'Ÿ',
    ];
    match byte {
        0x80..=0x9f => HIGH[usize::from(byte - 0x80)],
        _ => char::from(byte),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_from_name() {
        assert_eq!(
            ModelFormat::of_file_name("a/b/teacup.MDL"),
            ModelFormat::Mdl
        );
        assert_eq!(ModelFormat::of_file_name("teacup.stmx"), ModelFormat::Xmile);
        assert_eq!(ModelFormat::of_file_name("noext"), ModelFormat::Xmile);
    }

    #[test]
    fn decoding() {
        assert_eq!(decode_model_text(b"\xef\xbb\xbfa\xc3\xa9"), "aé");
        assert_eq!(decode_model_text(b"caf\xe9 \x80"), "café €");
    }
}
