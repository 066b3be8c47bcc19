//! Runs every Vensim `.mdl` model of the community test suite (vendored under
//! `tests/conformance/sd`, MIT licence) and compares every expected column.
//!
//! Tolerance as in the XMILE suite: relative 1e-3, or an absolute floor of 1e-6 and 1e-5 of the
//! column's largest magnitude. `EXPECTED_FAILURES` lists the files that do not pass yet, each with
//! its reason; such a file must still fail (so the list stays current), and every other file must
//! pass.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

use blowback_sd::{compile, read_mdl, Overrides, Results};

/// Files that do not pass, and why.
const EXPECTED_FAILURES: &[(&str, &str)] = &[];

fn suite_root() -> PathBuf {
    match std::env::var_os("BLOWBACK_MDL_SUITE") {
        Some(root) => PathBuf::from(root),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/conformance/sd"),
    }
}

pub(crate) struct Expected {
    names: Vec<String>,
    rows: Vec<Vec<Option<f64>>>,
}

pub(crate) fn read_expected(path: &Path) -> Expected {
    let text = fs::read_to_string(path)
        .unwrap()
        .replace("\r\n", "\n")
        .replace('\r', "\n");
    let mut lines = text.lines().filter(|l| !l.trim().is_empty());
    let header = lines.next().unwrap_or_default();
    let separator = if header.contains('\t') { '\t' } else { ',' };
    let names = header
        .split(separator)
        .map(|s| s.trim().trim_matches('"').to_string())
        .collect();
    let rows = lines
        .map(|line| {
            line.split(separator)
                .map(|cell| cell.trim().trim_matches('"').parse::<f64>().ok())
                .collect()
        })
        .collect();
    Expected { names, rows }
}

enum Outcome {
    Pass(usize),
    Fail(String),
}

fn located(diagnostics: &[blowback_sd::Diagnostic], text: &str) -> String {
    let errors: Vec<String> = diagnostics
        .iter()
        .filter(|d| d.is_error())
        .take(3)
        .map(|d| match d.line_column(text) {
            Some((line, column)) => format!("{line}:{column}: {d}"),
            None => d.to_string(),
        })
        .collect();
    errors.join(" | ")
}

fn compare(results: &Results, expected: &Expected, dt: f64) -> Outcome {
    let mut compared = 0;
    for (column, name) in expected.names.iter().enumerate().skip(1) {
        let key = name.to_ascii_uppercase().replace('_', " ");
        if ["INITIAL TIME", "FINAL TIME", "TIME STEP", "SAVEPER"].contains(&key.as_str()) {
            continue;
        }
        let Some(ours) = results.column(name) else {
            return Outcome::Fail(format!("no variable `{name}` in our results"));
        };
        let scale = expected
            .rows
            .iter()
            .filter_map(|r| r.get(column).copied().flatten())
            .fold(0.0_f64, |m, v| m.max(v.abs()));
        for row in &expected.rows {
            let (Some(Some(time)), Some(Some(want))) = (row.first(), row.get(column)) else {
                continue;
            };
            let Some(index) = results.row_near(*time) else {
                return Outcome::Fail("no rows".into());
            };
            if (results.times()[index] - time).abs() > dt / 2.0 {
                return Outcome::Fail(format!("no result row at time {time}"));
            }
            let got = ours[index];
            let tolerance = (want.abs() * 1e-3).max(1e-6).max(scale * 1e-5);
            if (got - want).abs() > tolerance || got.is_nan() {
                return Outcome::Fail(format!(
                    "`{name}` at time {time}: expected {want}, got {got}"
                ));
            }
            compared += 1;
        }
    }
    Outcome::Pass(compared)
}

fn check_model(model: &Path, expected: &Expected) -> Outcome {
    let bytes = match fs::read(model) {
        Ok(b) => b,
        Err(e) => return Outcome::Fail(format!("cannot read: {e}")),
    };
    let text = String::from_utf8_lossy(&bytes);
    let project = match read_mdl(&text) {
        Ok((p, _)) => p,
        Err(e) => return Outcome::Fail(format!("read: {}", located(&e.0, &text))),
    };
    let simulation = match compile(&project) {
        Ok((s, _)) => s,
        Err(e) => return Outcome::Fail(format!("compile: {}", located(&e.0, &text))),
    };
    let results = match simulation.run(&Overrides::new()) {
        Ok(r) => r,
        Err(e) => return Outcome::Fail(format!("run: {e}")),
    };
    compare(&results, expected, project.sim_specs.dt)
}

/// Every folder with an expected output and at least one `.mdl` file, with those files.
fn cases() -> Vec<(String, PathBuf, Vec<PathBuf>)> {
    let root = suite_root();
    let mut folders: Vec<PathBuf> = ["tests", "samples"]
        .iter()
        .filter_map(|group| fs::read_dir(root.join(group)).ok())
        .flatten()
        .map(|entry| entry.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    folders.sort();
    let mut cases = Vec::new();
    for folder in folders {
        let Some(expected) = ["output.csv", "output.tab"]
            .iter()
            .map(|f| folder.join(f))
            .find(|p| p.exists())
        else {
            continue;
        };
        let mut models: Vec<PathBuf> = fs::read_dir(&folder)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| {
                p.extension()
                    .and_then(|e| e.to_str())
                    .is_some_and(|e| e.eq_ignore_ascii_case("mdl"))
            })
            .collect();
        if models.is_empty() {
            continue;
        }
        models.sort();
        let name = folder.file_name().unwrap().to_string_lossy().to_string();
        cases.push((name, expected, models));
    }
    cases
}

#[test]
fn community_suite_from_mdl() {
    let mut table = String::new();
    let mut unexpected = Vec::new();
    let (mut folders, mut folders_passed, mut files_passed, mut known) = (0, 0, 0, 0);
    for (folder, expected_path, models) in cases() {
        folders += 1;
        let expected = read_expected(&expected_path);
        let mut folder_ok = true;
        for model in models {
            let id = format!("{folder}/{}", model.file_name().unwrap().to_string_lossy());
            let reason = EXPECTED_FAILURES
                .iter()
                .find(|(file, _)| *file == id)
                .map(|(_, why)| *why);
            let status = match (check_model(&model, &expected), reason) {
                (Outcome::Pass(n), None) => {
                    files_passed += 1;
                    format!("pass ({n} values)")
                }
                (Outcome::Pass(_), Some(why)) => {
                    unexpected.push(format!("{id}: passes although listed ({why}); update the list"));
                    "unexpected pass".into()
                }
                (Outcome::Fail(message), Some(why)) => {
                    folder_ok = false;
                    known += 1;
                    format!("expected failure [{why}]: {message}")
                }
                (Outcome::Fail(message), None) => {
                    folder_ok = false;
                    unexpected.push(format!("{id}: {message}"));
                    format!("FAIL: {message}")
                }
            };
            let _ = writeln!(table, "{id:<70} {status}");
        }
        if folder_ok {
            folders_passed += 1;
        }
    }
    eprintln!("{table}");
    eprintln!(
        "from .mdl: {folders_passed} of {folders} folders pass ({files_passed} files; {known} expected failures)"
    );
    assert!(folders > 0, "no .mdl models found under {}", suite_root().display());
    assert!(
        unexpected.is_empty(),
        "unexpected results:\n{}",
        unexpected.join("\n")
    );
}
