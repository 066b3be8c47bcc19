//! Every vendored model in `tests/conformance/models/` must reproduce its `expected/` file.

use std::path::PathBuf;

use blowback_conflict::{default_concepts, expected_document, read_json, Conflict};
use serde_json::Value;

fn conformance_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/conformance")
}

/// Keys of the expected files that describe provenance rather than results.
const METADATA: &[&str] = &["source", "state_numbering", "peer_gmcr_py_equilibria"];

#[test]
fn every_conformance_model_reproduces_its_expected_file() {
    let mut checked = 0;
    let mut failures = Vec::new();
    let mut entries: Vec<_> = std::fs::read_dir(conformance_dir().join("models"))
        .expect("models folder")
        .map(|e| e.expect("entry").path())
        .collect();
    entries.sort();
    for model_path in entries {
        let name = model_path
            .file_name()
            .unwrap()
            .to_string_lossy()
            .to_string();
        let model = std::fs::read_to_string(&model_path).unwrap();
        let expected: Value = serde_json::from_str(
            &std::fs::read_to_string(conformance_dir().join("expected").join(&name)).unwrap(),
        )
        .unwrap();
        let conflict = Conflict::build(&read_json(&model).unwrap()).unwrap();
        let actual = expected_document(&conflict, &default_concepts(&conflict), None).unwrap();
        let expected_map = expected.as_object().unwrap();
        for (key, expected_value) in expected_map {
            if METADATA.contains(&key.as_str()) {
                continue;
            }
            match actual.get(key) {
                Some(value) if value == expected_value => {}
                Some(value) => failures.push(format!(
                    "{name}: `{key}` differs\n  expected {expected_value}\n  actual   {value}"
                )),
                None => failures.push(format!("{name}: `{key}` missing from output")),
            }
        }
        // Nothing beyond the expected file's sections (status_quo only with a status quo).
        for key in actual.as_object().unwrap().keys() {
            if !expected_map.contains_key(key) {
                failures.push(format!("{name}: unexpected section `{key}`"));
            }
        }
        // The peer's equilibria agree with ours where the file records them.
        if let Some(peer) = expected.get("peer_gmcr_py_equilibria") {
            if peer != &actual["equilibria"] {
                failures.push(format!("{name}: GMCR+ equilibria {peer} differ from ours"));
            }
        }
        checked += 1;
    }
    assert!(checked >= 3, "only {checked} conformance models found");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
