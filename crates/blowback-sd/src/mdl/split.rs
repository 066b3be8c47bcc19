//! Splits a `.mdl` file into its parts: the equation section's entries (definition `~` units `~`
//! comment `|`), macro boundaries and group markers, and the sketch section after it.
//!
//! Only the definition part tracks quotes: a `~` or `|` inside a quoted name does not end it, while
//! comments may hold unbalanced quotes freely.

use std::ops::Range;

/// One piece of the equation section, in file order.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Part {
    /// `name = ... ~ units ~ comment |` and every other entry ended by `|`.
    Entry(Entry),
    /// `:MACRO: name(inputs : outputs)`; the range covers the text after `:MACRO:`.
    MacroStart(Range<usize>),
    /// `:END OF MACRO:`.
    MacroEnd(Range<usize>),
}

/// One entry's ranges in the file.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Entry {
    /// The definition: the text before the first `~`.
    pub definition: Range<usize>,
    /// The units (and range) after the first `~`, if any.
    pub units: Option<Range<usize>>,
    /// The comment after the second `~`, if any.
    pub comment: Option<Range<usize>>,
    /// Whether the entry ended with `|` (false only at the end of the section).
    pub terminated: bool,
}

/// The file's sections.
pub(crate) struct Sections {
    /// Byte range of the equation section (after any `{UTF-8}` marker, before the sketch).
    pub equations: Range<usize>,
    /// The parts of the equation section.
    pub parts: Vec<Part>,
}

/// The sketch section starts at a line `\\\---///` (some writers use fewer backslashes).
const SKETCH_MARKER: &str = "---///";

pub(crate) fn split(text: &str) -> Sections {
    let mut start = 0;
    let after_bom = text.strip_prefix('\u{feff}').map_or(0, |_| 3);
    start += after_bom;
    let head = &text[start..];
    let blank = head.len() - head.trim_start().len();
    if head[blank..].starts_with('{') {
        if let Some(close) = head[blank..].find('}').filter(|&c| c < 64) {
            // `{UTF-8}` (or another encoding marker) before the first entry.
            start += blank + close + 1;
        }
    }
    let sketch_start = find_line_start(text, start, SKETCH_MARKER);
    let end = sketch_start.unwrap_or(text.len());
    let parts = parts(text, start..end);
    // The sketch (the diagram, after the marker line) holds no equations; it is skipped.
    Sections {
        equations: start..end,
        parts,
    }
}

/// The offset of the first line (at or after `from`) made of backslashes then `marker`, leading
/// whitespace ignored: the sketch marker line.
fn find_line_start(text: &str, from: usize, marker: &str) -> Option<usize> {
    let mut search = from;
    while let Some(found) = text[search..].find(marker) {
        let at = search + found;
        let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
        let before = text[line_start.max(from)..at].trim();
        if !before.is_empty() && before.chars().all(|c| c == '\\') {
            return Some(
                line_start.max(from) + text[line_start.max(from)..at].find('\\').unwrap_or(0),
            );
        }
        search = at + marker.len();
    }
    None
}

fn starts_with_ignore_case(text: &str, prefix: &str) -> bool {
    text.get(..prefix.len())
        .is_some_and(|head| head.eq_ignore_ascii_case(prefix))
}

fn parts(text: &str, range: Range<usize>) -> Vec<Part> {
    let mut parts = Vec::new();
    let mut pos = range.start;
    let end = range.end;
    let bytes = text.as_bytes();
    loop {
        while pos < end && (bytes[pos] as char).is_ascii_whitespace() {
            pos += 1;
        }
        if pos >= end {
            break;
        }
        let rest = &text[pos..end];
        if starts_with_ignore_case(rest, ":MACRO:") {
            // The header runs to the parenthesis that closes the argument list.
            let header_start = pos + ":MACRO:".len();
            let header_end = macro_header_end(text, header_start, end);
            parts.push(Part::MacroStart(header_start..header_end));
            pos = header_end;
            continue;
        }
        if starts_with_ignore_case(rest, ":END OF MACRO:") {
            let marker_end = pos + ":END OF MACRO:".len();
            parts.push(Part::MacroEnd(pos..marker_end));
            pos = marker_end;
            continue;
        }
        let (entry, next) = entry(text, pos, end);
        parts.push(Part::Entry(entry));
        pos = next;
    }
    parts
}

fn macro_header_end(text: &str, start: usize, end: usize) -> usize {
    let mut depth = 0usize;
    for (i, c) in text[start..end].char_indices() {
        match c {
            '(' => depth += 1,
            ')' if depth > 1 => depth -= 1,
            ')' => return start + i + 1,
            '\n' if depth == 0 && !text[start..start + i].trim().is_empty() => return start + i,
            _ => {}
        }
    }
    end
}

/// Reads one entry from `start`; returns it and the offset after its `|`.
fn entry(text: &str, start: usize, end: usize) -> (Entry, usize) {
    let bytes = text.as_bytes();
    let mut tildes: Vec<usize> = Vec::new();
    let mut in_quote = false;
    let mut i = start;
    while i < end {
        let b = bytes[i];
        if tildes.is_empty() && in_quote {
            match b {
                b'\\' => i += 1,
                b'"' => in_quote = false,
                _ => {}
            }
        } else {
            match b {
                // A quote counts only when it closes on its own line, so one unclosed quote is
                // reported where it is instead of swallowing the entries after it.
                b'"' if tildes.is_empty() && closes_on_line(bytes, i + 1, end) => in_quote = true,
                b'~' => tildes.push(i),
                b'|' => break,
                _ => {}
            }
        }
        i += 1;
    }
    let stop = i.min(end);
    let terminated = stop < end;
    let mut bounds = vec![start];
    bounds.extend(tildes.iter().map(|&t| t + 1));
    let piece = |k: usize| -> Option<Range<usize>> {
        let from = *bounds.get(k)?;
        let to = tildes.get(k).copied().unwrap_or(stop);
        Some(from..to)
    };
    let entry = Entry {
        definition: piece(0).unwrap_or(start..stop),
        units: piece(1),
        comment: piece(2),
        terminated,
    };
    (entry, if terminated { stop + 1 } else { stop })
}

/// Whether a quote opened before `from` closes before the end of its line (a line continuation,
/// `\` at the end of a line, does not end it).
fn closes_on_line(bytes: &[u8], from: usize, end: usize) -> bool {
    let mut i = from;
    while i < end {
        match bytes[i] {
            b'\\' => i += 2,
            b'"' => return true,
            b'\n' => return false,
            _ => i += 1,
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entries(text: &str) -> Vec<(String, Option<String>, Option<String>)> {
        split(text)
            .parts
            .into_iter()
            .filter_map(|p| match p {
                Part::Entry(e) => Some((
                    text[e.definition].trim().to_string(),
                    e.units.map(|u| text[u].trim().to_string()),
                    e.comment.map(|c| text[c].trim().to_string()),
                )),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn entries_units_and_comments() {
        let text = "{UTF-8}\na = \"x~|\" + 1\n ~ Meters [0,?]\n ~ note with \" quote |\nb = 2 ~~|\n\\\\\\---/// Sketch\nstuff|";
        let found = entries(text);
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].0, "a = \"x~|\" + 1");
        assert_eq!(found[0].1.as_deref(), Some("Meters [0,?]"));
        assert_eq!(found[0].2.as_deref(), Some("note with \" quote"));
        assert_eq!(found[1].0, "b = 2");
        assert_eq!(split(text).equations.end, text.find("\\\\").unwrap());
    }

    #[test]
    fn macros_are_marked() {
        let text = ":MACRO: M(a, b : c)\nM = a ~~|\n:END OF MACRO:\nx = M(1,2) ~~|";
        let parts = split(text).parts;
        assert!(
            matches!(&parts[0], Part::MacroStart(r) if text[r.clone()].trim() == "M(a, b : c)")
        );
        assert!(matches!(parts[2], Part::MacroEnd(_)));
        assert_eq!(parts.len(), 4);
    }

    #[test]
    fn unterminated_last_entry() {
        let text = "a = 1 ~ u";
        let parts = split(text).parts;
        assert!(matches!(&parts[0], Part::Entry(e) if !e.terminated));
    }
}
