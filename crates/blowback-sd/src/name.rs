//! Variable names as XMILE compares them.
//!
//! XMILE names are case-insensitive, and spaces, underscores and line breaks are the same character
//! (XMILE 1.0, section 3.2.2). Vensim-made files also escape quotes and backslashes inside quoted names.
//! Every look-up in the engine goes through [`canonical`], so `"Teacup Temperature"`,
//! `teacup_temperature` and `TEACUP\ntemperature` all name one variable.

/// Returns the canonical key of a variable name: surrounding quotes removed, runs of whitespace and
/// underscores folded to one `_`, trimmed, and lower-cased. Escapes `\"` and `\\` are undone and
/// `\n` written literally counts as a break.
pub fn canonical(name: &str) -> String {
    // Most names are plain ASCII: fold them byte by byte (compilation calls this for every name).
    if name
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b' ' || b == b'_' || b == b'.' || b == b'$')
    {
        return canonical_ascii(name);
    }
    let trimmed = name.trim();
    let unquoted = trimmed
        .strip_prefix('"')
        .and_then(|rest| rest.strip_suffix('"'))
        .unwrap_or(trimmed);
    let mut out = String::with_capacity(unquoted.len());
    let mut pending_separator = false;
    let mut chars = unquoted.chars().peekable();
    while let Some(c) = chars.next() {
        let c = match c {
            '\\' => match chars.peek() {
                Some('n') => {
                    chars.next();
                    ' '
                }
                Some(&next) if next == '"' || next == '\\' => {
                    chars.next();
                    next
                }
                _ => c,
            },
            _ => c,
        };
        if c.is_whitespace() || c == '_' {
            pending_separator = !out.is_empty();
            continue;
        }
        if pending_separator {
            out.push('_');
            pending_separator = false;
        }
        out.extend(c.to_lowercase());
    }
    out
}

/// [`canonical`] for names of ASCII letters, digits, spaces, underscores, dots and `$`.
fn canonical_ascii(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut pending_separator = false;
    for b in name.bytes() {
        if b == b' ' || b == b'_' {
            pending_separator = !out.is_empty();
            continue;
        }
        if pending_separator {
            out.push('_');
            pending_separator = false;
        }
        out.push(char::from(b.to_ascii_lowercase()));
    }
    out
}

/// Returns a name as people read it: quotes removed, underscores and breaks shown as single spaces.
pub fn display(name: &str) -> String {
    let trimmed = name.trim();
    let unquoted = trimmed
        .strip_prefix('"')
        .and_then(|rest| rest.strip_suffix('"'))
        .unwrap_or(trimmed);
    let unescaped = unquoted.replace("\\n", " ").replace("\\\"", "\"");
    unescaped.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Edit distance between two canonical names, for did-you-mean hints.
pub(crate) fn edit_distance(a: &str, b: &str) -> usize {
    let b_chars: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b_chars.len()).collect();
    let mut current = vec![0; b_chars.len() + 1];
    for (i, ca) in a.chars().enumerate() {
        current[0] = i + 1;
        for (j, &cb) in b_chars.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != cb);
            current[j + 1] = substitution.min(previous[j + 1] + 1).min(current[j] + 1);
        }
        std::mem::swap(&mut previous, &mut current);
    }
    previous[b_chars.len()]
}

/// The closest candidate to `name` if it is close enough to be a plausible typo, or else the
/// shortest candidate that contains it (a name typed in part: `ttp_attack` for
/// `ttp_attacks_per_year`). Compare canonical names (see [`canonical`]) so spelling variants do
/// not count as edits.
pub fn did_you_mean<'a>(name: &str, candidates: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    let limit = (name.chars().count() / 3).max(2);
    let mut closest: Option<(usize, &'a str)> = None;
    let mut containing: Option<&'a str> = None;
    let lower = name.to_lowercase();
    for candidate in candidates {
        let distance = edit_distance(name, candidate);
        if distance <= limit && closest.is_none_or(|(best, _)| distance < best) {
            closest = Some((distance, candidate));
        }
        // Three characters at least, so `a` does not suggest every name with an `a` in it.
        if name.chars().count() >= 3
            && candidate.to_lowercase().contains(&lower)
            && containing.is_none_or(|best| candidate.len() < best.len())
        {
            containing = Some(candidate);
        }
    }
    closest.map(|(_, candidate)| candidate).or(containing)
}

/// Canonical form of a result name, subscripts included (`Stock A[Entry 1]` -> `stock_a[entry_1]`).
pub(crate) fn canonical_display(name: &str) -> String {
    match name.split_once('[') {
        Some((base, rest)) => {
            let inner = rest.trim_end_matches(']');
            let elements: Vec<String> = inner.split(',').map(canonical).collect();
            format!("{}[{}]", canonical_path(base), elements.join(","))
        }
        None => canonical_path(name),
    }
}

fn canonical_path(name: &str) -> String {
    name.split('.').map(canonical).collect::<Vec<_>>().join(".")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_fast_path_agrees_with_the_general_rule() {
        for name in [
            "Teacup  Temperature",
            " a_b ",
            "__x__y__",
            "Rate A[1]",
            "m.Stock_A",
            "Time$",
        ] {
            let general: String = {
                // The general path, forced by a non-ASCII character that canonical drops nowhere.
                let marked = format!("{name}\u{e9}");
                let c = canonical(&marked);
                c.trim_end_matches('\u{e9}')
                    .trim_end_matches('_')
                    .to_string()
            };
            assert_eq!(canonical(name), general, "{name:?}");
        }
    }

    #[test]
    fn spaces_underscores_case_and_breaks_are_equal() {
        assert_eq!(canonical("\"Teacup Temperature\""), "teacup_temperature");
        assert_eq!(canonical("teacup__temperature"), "teacup_temperature");
        assert_eq!(canonical("TEACUP\n  temperature"), "teacup_temperature");
        assert_eq!(canonical("a\\nb"), "a_b");
        assert_eq!(canonical(" _x_ "), "x");
    }

    #[test]
    fn display_form_reads_naturally() {
        assert_eq!(display("\"Heat  Loss\""), "Heat Loss");
    }

    #[test]
    fn suggestions_need_to_be_close() {
        let names = ["population", "birth_rate"];
        assert_eq!(
            did_you_mean("populaton", names.into_iter()),
            Some("population")
        );
        assert_eq!(did_you_mean("zzz", names.into_iter()), None);
    }

    #[test]
    fn a_name_typed_in_part_suggests_the_shortest_that_contains_it() {
        let names = [
            "ttp_attacks_per_year",
            "ttp_attacks_per_year_data",
            "ttp_fighters",
        ];
        assert_eq!(
            did_you_mean("ttp_attack", names.into_iter()),
            Some("ttp_attacks_per_year")
        );
        // Too short to mean anything in particular.
        assert_eq!(did_you_mean("tt", ["ttp_fighters"].into_iter()), None);
    }
}
