//! What a person reads when things go right (issue 17, items 6, 7 and 13): the end of a run is its
//! comparison table, loops and explanations say what their numbers are, and every subcommand
//! follows one convention for where its output goes.

use std::path::{Path, PathBuf};
use std::process::Command;

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

const TOY: &str = "crates/blowback-cli/tests/cases/toy";
const PRISONERS: &str = "crates/blowback-conflict/tests/conformance/models/Prisoners.json";

fn blowback(args: &[&str]) -> (String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_blowback"))
        .args(args)
        .current_dir(workspace())
        .output()
        .expect("the blowback binary runs");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(
        output.status.success(),
        "`{}`: {stdout}{stderr}",
        args.join(" ")
    );
    (stdout, stderr)
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("blowback-out-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Item 6: the table is what stays on screen, after what was written where.
#[test]
fn a_case_run_ends_with_its_comparison_table() {
    let out = scratch("run");
    let (stdout, _) = blowback(&["run", TOY, "--out", out.to_str().unwrap()]);
    let lines: Vec<&str> = stdout.lines().collect();
    let n = lines.len();
    assert_eq!(
        &lines[n - 4..],
        &[
            "scenario   attacks 2005",
            "base                143",
            "crackdown          16.6",
            "(each column: the mean over its window)",
        ],
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!(
            "to {}{}: report.html (open it in a browser)",
            out.display(),
            std::path::MAIN_SEPARATOR
        )),
        "{stdout}"
    );
    assert!(
        stdout.contains("2 model runs (2 scenarios, 0 for tests)"),
        "{stdout}"
    );
    assert!(out.join("report.html").is_file() && out.join("base.csv").is_file());
    // Item 11: the report's outcome columns carry their units, and the page has contents.
    let report = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(
        report.contains("attacks 2005<span class=\"u\">attacks per year</span>"),
        "{report}"
    );
    assert!(report.contains("<nav aria-label=\"Contents\">"));
    // Item 9: the chart is titled from the variable's documentation, with units on its y axis.
    let svg = std::fs::read_to_string(out.join("attacks.svg")).unwrap();
    assert!(svg.contains("\nAttacks per year\n</text>"), "title: {svg}");
    assert!(
        svg.contains("\nattacks per year\n</text>"),
        "y label: {svg}"
    );
}

/// Item 7: a balancing and a reinforcing loop are counted with their letters, and an explanation
/// names its interval and the units of the change.
#[test]
fn loops_and_explanations_say_what_their_numbers_are() {
    let out = scratch("loops");
    let (stdout, _) = blowback(&["loops", TOY, "--out", out.to_str().unwrap()]);
    assert!(
        stdout.starts_with("2 feedback loops: 1 reinforcing (R), 1 balancing (B)\n"),
        "{stdout}"
    );
    assert!(out.join("causal_loop_diagram.svg").is_file());
    let (stdout, _) = blowback(&["explain", TOY, "--var", "fighters", "--at", "2005"]);
    assert!(
        stdout.starts_with("Why `fighters` changed from 2004.75 to 2005 (one time step of 0.25)"),
        "{stdout}"
    );
    assert!(
        stdout.contains("fighters (a stock) changed at a net rate of"),
        "{stdout}"
    );
    assert!(
        stdout.contains(" people per year, from its flows:"),
        "{stdout}"
    );
    // Shares are of all the pushes, so none exceeds 100% in size.
    for line in stdout.lines().filter(|l| l.trim_end().ends_with('%')) {
        let share: f64 = line
            .split_whitespace()
            .last()
            .unwrap()
            .trim_end_matches('%')
            .parse()
            .unwrap();
        assert!(share.abs() <= 100.0, "{line}");
    }
}

/// Item 7: a conflict analysis leads with what matters; the full table is on request.
#[test]
fn conflict_analysis_leads_with_the_equilibria() {
    let (short, _) = blowback(&["conflict", "analyze", PRISONERS]);
    assert!(short.contains("Nash equilibria (1):"), "{short}");
    assert!(!short.contains("equilibrium under\n"), "{short}");
    assert!(short.contains("--all prints the stability of each of the 4 states"));
    let (all, _) = blowback(&["conflict", "analyze", PRISONERS, "--all"]);
    assert!(all.contains("equilibrium under\n"), "{all}");
}

/// Item 13: `--csv`/`--json` with no value mean standard output in every subcommand that has
/// them; help says each default once and speaks to users.
#[test]
fn outputs_follow_one_convention() {
    let (csv, _) = blowback(&["run", TOY, "--scenario", "base", "--csv"]);
    assert!(csv.starts_with("time,"), "{csv}");
    let (json, _) = blowback(&["conflict", "analyze", PRISONERS, "--json"]);
    assert!(json.trim_start().starts_with('{'), "{json}");
    let out = scratch("loops-csv");
    let (csv, _) = blowback(&["loops", TOY, "--csv", "--out", out.to_str().unwrap()]);
    assert!(csv.starts_with("time,"), "{csv}");

    let (help, _) = blowback(&["conflict", "explain", "--help"]);
    let concept = help.lines().find(|l| l.contains("--concept")).unwrap();
    assert_eq!(concept.matches("default").count(), 1, "{concept}");
    let (help, _) = blowback(&["--help"]);
    assert!(!help.contains("thin shell"), "{help}");
    assert!(help.contains("blowback run cases/afpak"), "{help}");
}
