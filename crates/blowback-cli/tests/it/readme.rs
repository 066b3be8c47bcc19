//! The README's commands name files that exist (issue 17, item 14): every input path in a command
//! line of the tour is checked, so an example cannot point at a file nobody has.

use std::path::Path;

#[test]
fn every_input_file_the_readme_names_exists() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let mut variables: Vec<(String, String)> = Vec::new();
    let mut checked = 0;
    for line in readme.lines() {
        let line = line.split(" #").next().unwrap_or_default();
        if let Some((name, value)) = line
            .split_once('=')
            .filter(|(n, _)| !n.is_empty() && n.chars().all(|c| c.is_ascii_uppercase() || c == '_'))
        {
            variables.push((format!("${name}"), value.to_string()));
            continue;
        }
        let Some(command) = line
            .strip_prefix("cargo run --release -- ")
            .or_else(|| line.strip_prefix("$ blowback "))
        else {
            continue;
        };
        let mut expanded = command.to_string();
        for (name, value) in &variables {
            expanded = expanded.replace(name.as_str(), value);
        }
        let tokens: Vec<&str> = expanded.split_whitespace().collect();
        for (i, token) in tokens.iter().enumerate() {
            let output =
                i > 0 && ["--csv", "--json", "--output", "-o", "--out"].contains(&tokens[i - 1]);
            let is_path = [".xmile", ".mdl", ".toml", ".csv", ".tab"]
                .iter()
                .any(|ext| token.ends_with(ext))
                || token.starts_with("cases/");
            if is_path && !output {
                assert!(
                    root.join(token).exists(),
                    "README.md names `{token}`, which does not exist: {line}"
                );
                checked += 1;
            }
        }
    }
    assert!(
        checked >= 15,
        "only {checked} paths found: is the README's layout what this test reads?"
    );
}
