//! Errors: located diagnostics for bad input, and analysis requests that cannot be met.

pub use blowback_diagnostic::Located;

/// Everything that can go wrong in this crate.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The conflict file is malformed or inconsistent; every problem found is listed.
    #[error("{}", render(.0))]
    Invalid(Vec<Located>),
    /// The request does not fit this conflict (unknown decision maker, concept not defined for
    /// this form, conflict too large for an exhaustive method).
    #[error("{0}")]
    Unsupported(String),
}

fn render(diagnostics: &[Located]) -> String {
    let mut text = String::new();
    for (index, diagnostic) in diagnostics.iter().enumerate() {
        if index > 0 {
            text.push('\n');
        }
        text.push_str(&diagnostic.to_string());
    }
    text
}

impl Error {
    /// A single unlocated diagnostic.
    pub fn invalid(message: impl Into<String>) -> Self {
        Error::Invalid(vec![Located::new(message)])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_problem_is_listed_with_its_place() {
        let source = "a = 1\nbb = oops\n";
        let error = Error::Invalid(vec![
            Located::new("bad").at(source, 11..15).with_help("fix it"),
            Located::new("also bad"),
        ]);
        let text = error.to_string();
        assert_eq!(text, "2:6: bad (help: fix it)\nalso bad");
    }
}
