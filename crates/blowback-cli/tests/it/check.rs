//! `blowback check`: unit problems are warnings unless `--strict-units` makes them errors.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn check(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_blowback"))
        .arg("check")
        .args(args)
        .current_dir(workspace())
        .output()
        .expect("the blowback binary runs")
}

const INCONSISTENT: &str = "crates/blowback-sd/tests/units/err/operators.xmile";

#[test]
fn unit_problems_are_warnings_by_default() {
    let output = check(&[INCONSISTENT]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stdout}{stderr}");
    assert!(stdout.contains("7 unit warnings"), "{stdout}");
    assert!(
        stderr.contains("operators.xmile:10:46") && stderr.contains("is subtracted from"),
        "{stderr}"
    );
}

#[test]
fn strict_units_makes_them_errors() {
    let output = check(&["--strict-units", INCONSISTENT]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("7 errors"), "{stderr}");
}

/// The flagship case must pass the units check with nothing to report (issue 12, item 4).
#[test]
fn the_case_has_consistent_units() {
    let output = check(&["--strict-units", "cases/afpak"]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stdout}{stderr}");
    assert!(stdout.contains("0 unit warnings"), "{stdout}");
}
