//! Runs every model of the system-dynamics community's test suite (`SDXorg/test-models`, vendored
//! whole under `tests/conformance/sd`, MIT licence) and compares every expected column.
//!
//! Each folder with an expected output (`output.csv` or `output.tab`) is run from each of its model
//! files the engine reads (XMILE: `.xmile`, `.stmx`). Tolerance: relative 1e-3, with an absolute floor
//! of 1e-6 and of 1e-5 x the column's largest magnitude, because Vensim writes single-precision noise
//! (-2.5e-06 where 0 is exact).
//!
//! `tests/conformance/expected-failures.txt` lists the files that do not pass, each with its reason.
//! A file that fails without being listed fails the test (a regression), and so does a listed file
//! that passes (so the list shrinks as the engine grows). `UPDATE_EXPECTED_FAILURES=1 cargo test -p
//! blowback-sd --test it conformance` rewrites the list: reasons of files still failing are kept, new
//! failures get their error message as the reason (edit it into a cause), passing files drop out.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

use blowback_sd::{
    compile_with_data, decode_model_text, read_mdl_with_data, read_xmile, use_data_file, DataFiles,
    Diagnostic, Method, Overrides, Project,
};

/// Folders whose expected output was made with another integration method than the file names.
/// `zeroled_decimals` says RK4, but its expected stocks are Euler sums of the flows (a flow equal
/// to TIME integrates to 0.5 over the first unit under RK4 and to 0 under Euler; the output has 0).
const METHOD_OF_EXPECTED_OUTPUT: &[(&str, Method)] = &[("zeroled_decimals", Method::Euler)];

/// Folders whose model reads its data variables from a data file given at run time (Vensim's
/// `vensim -d`), and that file.
const RUN_TIME_DATA: &[(&str, &str)] = &[("data_from_other_model", "data.tab")];

/// Reasons in the expected-failures list that mark a file as not being its folder's test (it does
/// not count toward the folder's result).
const NOT_A_TEST: &str = "not this folder's test";

/// Columns of the expected output that are simulation settings, not variables.
const SETTINGS_COLUMNS: &[&str] = &["INITIAL TIME", "FINAL TIME", "TIME STEP", "SAVEPER"];

fn suite_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/conformance/sd")
}

fn expected_failures_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/conformance/expected-failures.txt")
}

/// The model formats this harness runs, by file extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Format {
    Xmile,
    Mdl,
}

impl Format {
    fn of(path: &Path) -> Option<Format> {
        match path.extension()?.to_str()? {
            "xmile" | "stmx" => Some(Format::Xmile),
            e if e.eq_ignore_ascii_case("mdl") => Some(Format::Mdl),
            _ => None,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Format::Xmile => "XMILE",
            Format::Mdl => "Vensim .mdl",
        }
    }

    /// Reads a model file's text into a project, or gives the first error, located.
    fn read(self, text: &str, files: &dyn DataFiles) -> Result<Project, String> {
        match self {
            Format::Xmile => read_xmile(text)
                .map(|(project, _)| project)
                .map_err(|e| located(&e.0, text)),
            Format::Mdl => read_mdl_with_data(text, files)
                .map(|(project, _)| project)
                .map_err(|e| located(&e.0, text)),
        }
    }
}

struct Expected {
    names: Vec<String>,
    rows: Vec<Vec<Option<f64>>>,
}

/// A header cell as CSV quotes it: `"a ""b"""` is `a "b"`.
fn unquote(cell: &str) -> String {
    let cell = cell.trim();
    match cell.strip_prefix('"').and_then(|c| c.strip_suffix('"')) {
        Some(inner) => inner.replace("\"\"", "\""),
        None => cell.to_string(),
    }
}

fn read_expected(path: &Path) -> Expected {
    let text = fs::read_to_string(path)
        .unwrap()
        .replace("\r\n", "\n")
        .replace('\r', "\n");
    let mut lines = text.lines().filter(|l| !l.trim().is_empty());
    let header = lines.next().unwrap();
    let separator = if header.contains('\t') { '\t' } else { ',' };
    let names = header.split(separator).map(unquote).collect();
    let rows = lines
        .map(|line| {
            line.split(separator)
                .map(|cell| cell.trim().trim_matches('"').parse::<f64>().ok())
                .collect()
        })
        .collect();
    Expected { names, rows }
}

/// Runs one model file and compares it with the folder's expected output; `Err` says why not.
/// The data files a model names, read from its folder.
struct FolderFiles(PathBuf);

impl DataFiles for FolderFiles {
    fn read(&self, name: &str) -> Result<Vec<u8>, String> {
        fs::read(self.0.join(name)).map_err(|e| format!("cannot read `{name}`: {e}"))
    }
}

fn check_model(
    format: Format,
    model: &Path,
    folder: &str,
    expected: &Expected,
) -> Result<usize, String> {
    let bytes = fs::read(model).map_err(|e| format!("cannot read: {e}"))?;
    let text = decode_model_text(&bytes);
    let files = FolderFiles(model.parent().unwrap_or(Path::new(".")).to_path_buf());
    let mut project = format.read(&text, &files)?;
    for (_, data) in RUN_TIME_DATA.iter().filter(|(f, _)| *f == folder) {
        let header = fs::read_to_string(model.with_file_name(data)).map_err(|e| e.to_string())?;
        use_data_file(
            &mut project,
            data,
            header.lines().next().unwrap_or_default(),
        );
    }
    let (simulation, _) = compile_with_data(&project, &files).map_err(|e| located(&e.0, &text))?;
    let mut overrides = Overrides::new();
    overrides.method = METHOD_OF_EXPECTED_OUTPUT
        .iter()
        .find(|(f, _)| *f == folder)
        .map(|(_, m)| *m);
    let results = simulation
        .run(&overrides)
        .map_err(|e| format!("run: {e}"))?;
    let dt = overrides.dt.unwrap_or(project.sim_specs.dt);
    let mut compared = 0;
    for (column, name) in expected.names.iter().enumerate().skip(1) {
        if SETTINGS_COLUMNS.contains(&name.to_ascii_uppercase().replace('_', " ").as_str()) {
            continue;
        }
        let Some(ours) = results.column(name) else {
            return Err(format!("no variable `{name}` in our results"));
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
            let index = results.row_near(*time).ok_or("no rows")?;
            if (results.times()[index] - time).abs() > dt / 2.0 {
                return Err(format!("no result row at time {time}"));
            }
            let got = ours[index];
            let tolerance = (want.abs() * 1e-3).max(1e-6).max(scale * 1e-5);
            if (got - want).abs() > tolerance {
                return Err(format!(
                    "`{name}` at time {time}: expected {want}, got {got}"
                ));
            }
            compared += 1;
        }
    }
    Ok(compared)
}

fn located(diagnostics: &[Diagnostic], text: &str) -> String {
    let first = diagnostics
        .iter()
        .find(|d| d.is_error())
        .or(diagnostics.first());
    match first {
        Some(d) => match d.line_column(text) {
            Some((line, column)) => format!("{line}:{column}: {d}"),
            None => d.to_string(),
        },
        None => "unknown error".into(),
    }
}

/// The committed list: file (relative to the suite root) to the reason it does not pass.
fn expected_failures() -> BTreeMap<String, String> {
    let text = fs::read_to_string(expected_failures_path()).unwrap();
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|line| match line.split_once(char::is_whitespace) {
            Some((file, reason)) => (file.to_string(), reason.trim().to_string()),
            None => (line.to_string(), String::new()),
        })
        .collect()
}

/// Every (folder, expected output) pair of the suite, sorted.
fn folders_with_output(root: &Path) -> Vec<(PathBuf, PathBuf)> {
    let mut folders: Vec<PathBuf> = ["tests", "samples"]
        .iter()
        .flat_map(|group| fs::read_dir(root.join(group)).unwrap())
        .map(|entry| entry.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    folders.sort();
    folders
        .into_iter()
        .filter_map(|folder| {
            let expected = ["output.csv", "output.tab"]
                .iter()
                .map(|f| folder.join(f))
                .find(|p| p.exists())?;
            Some((folder, expected))
        })
        .collect()
}

/// Rewrites the list from this run's failures, keeping the reasons already written.
fn write_expected_failures(listed: &BTreeMap<String, String>, failing: &[(String, String)]) {
    let path = expected_failures_path();
    let old = fs::read_to_string(&path).unwrap_or_default();
    let mut text: String = old
        .lines()
        .take_while(|l| l.starts_with('#') || l.trim().is_empty())
        .map(|l| format!("{l}\n"))
        .collect();
    for (file, message) in failing {
        let reason = listed.get(file).unwrap_or(message);
        let _ = writeln!(text, "{file} {reason}");
    }
    fs::write(&path, text).unwrap();
}

#[test]
fn community_suite() {
    let root = suite_root();
    let listed = expected_failures();
    let mut table = String::new();
    let mut problems = Vec::new();
    let mut seen = Vec::new();
    let mut failing = Vec::new();
    // (passed, failed as listed) per format.
    let mut counts: BTreeMap<Format, (usize, usize)> = BTreeMap::new();
    // (folders with a file of the format, folders where every such file passes) per format.
    let mut folder_counts: BTreeMap<Format, (usize, usize)> = BTreeMap::new();
    for (folder, expected_path) in folders_with_output(&root) {
        let folder_name = folder.file_name().unwrap().to_string_lossy().to_string();
        let expected = read_expected(&expected_path);
        let mut models: Vec<(Format, PathBuf)> = fs::read_dir(&folder)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter_map(|p| Format::of(&p).map(|f| (f, p)))
            .collect();
        models.sort();
        let mut folder_passes: BTreeMap<Format, bool> = BTreeMap::new();
        for (format, model) in models {
            let id = model
                .strip_prefix(&root)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            seen.push(id.clone());
            let outcome = check_model(format, &model, &folder_name, &expected);
            let a_test = !listed
                .get(&id)
                .is_some_and(|reason| reason.starts_with(NOT_A_TEST));
            *folder_passes.entry(format).or_insert(true) &= outcome.is_ok() || !a_test;
            if let Err(message) = &outcome {
                failing.push((id.clone(), message.clone()));
            }
            let count = counts.entry(format).or_default();
            let status = match (&outcome, listed.get(&id)) {
                (Ok(n), None) => {
                    count.0 += 1;
                    format!("pass ({n} values)")
                }
                (Err(message), Some(reason)) => {
                    count.1 += 1;
                    format!("expected failure: {message} [{reason}]")
                }
                (Ok(_), Some(reason)) => {
                    problems.push(format!(
                        "{id}: passes now; remove it from expected-failures.txt (listed: {reason})"
                    ));
                    "UNEXPECTED PASS".into()
                }
                (Err(message), None) => {
                    problems.push(format!("{id}: {message}"));
                    format!("FAIL: {message}")
                }
            };
            let _ = writeln!(table, "{id:<80} {status}");
        }
        for (format, passes) in folder_passes {
            let count = folder_counts.entry(format).or_default();
            count.0 += 1;
            count.1 += usize::from(passes);
        }
    }
    if std::env::var_os("UPDATE_EXPECTED_FAILURES").is_some() {
        write_expected_failures(&listed, &failing);
        return;
    }
    for file in listed.keys() {
        if !seen.contains(file) {
            problems.push(format!(
                "{file}: listed in expected-failures.txt but not in the suite"
            ));
        }
    }
    eprintln!("{table}");
    for (format, (passed, failed)) in &counts {
        let (folders, folders_passing) = folder_counts.get(format).copied().unwrap_or_default();
        eprintln!(
            "{}: {passed} of {} files pass ({failed} expected failures); {folders_passing} of {folders} folders pass every such file",
            format.name(),
            passed + failed
        );
    }
    assert!(
        problems.is_empty(),
        "conformance regressions or stale entries:\n{}",
        problems.join("\n")
    );
}
