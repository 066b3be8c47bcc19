//! What a user reads when something is wrong: one test per class of message (issue 17, items 1-5).
//! Each runs the binary as a user would and compares the message itself, so a reworded, repeated or
//! misplaced message fails here.

use std::path::{Path, PathBuf};
use std::process::Command;

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

const TOY: &str = "crates/blowback-cli/tests/cases/toy";
const TEACUP: &str = "crates/blowback-sd/tests/conformance/sd/samples/teacup/teacup.xmile";

/// Runs `blowback ARGS` in the workspace: exit code, standard output, standard error.
fn blowback(args: &[&str]) -> (Option<i32>, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_blowback"))
        .args(args)
        .current_dir(workspace())
        .output()
        .expect("the blowback binary runs");
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// The first line of standard error, for a command that must fail.
fn error_of(args: &[&str]) -> String {
    let (code, stdout, stderr) = blowback(args);
    assert_ne!(code, Some(0), "`{}` succeeded: {stdout}", args.join(" "));
    stderr.lines().next().unwrap_or_default().to_string()
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("blowback-it-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Item 1: a cause already in its message is not printed again.
#[test]
fn each_message_says_its_thing_once() {
    let message = error_of(&["run", TEACUP, "--set", "Room Temperatur=1"]);
    assert_eq!(
        message,
        "error: the model has no variable `Room Temperatur` (did you mean `Room Temperature`?)"
    );
    let message = error_of(&["run", TOY, "--set", "atrition=1"]);
    assert_eq!(
        message,
        "error: --set: the model has no variable `atrition` (did you mean `attrition`?)"
    );
}

/// Item 2: every unknown name gets the closest known one, in the context it was given.
#[test]
fn unknown_names_get_a_did_you_mean_in_their_context() {
    assert_eq!(
        error_of(&["run", TOY, "--scenario", "crackdwn"]),
        "error: no scenario `crackdwn` (did you mean `crackdown`?); known: base, crackdown"
    );
    assert_eq!(
        error_of(&["explain", TOY, "--var", "atacks", "--at", "2005"]),
        "error: the model has no variable `atacks` (did you mean `attacks`?)"
    );
    assert_eq!(
        error_of(&["explain", TOY, "--var", "attack", "--at", "2005"]),
        "error: the model has no variable `attack` (did you mean `attacks`?)"
    );
    assert_eq!(
        error_of(&["loops", TOY, "--scenario", "bse"]),
        "error: no scenario `bse` (did you mean `base`?); known: base, crackdown"
    );
    assert_eq!(
        error_of(&[
            "conflict",
            "explain",
            "crates/blowback-conflict/tests/conformance/models/Prisoners.json",
            "--state",
            "1",
            "--dm",
            "Prisoner On"
        ]),
        "error: no decision maker `Prisoner On` (did you mean `Prisoner One`?); known: Prisoner One, prisoner 2"
    );
    assert_eq!(
        error_of(&["run", TOY, "--set", "=5"]),
        "error: --set expects NAME=VALUE, got `=5` (no name before the `=`)"
    );
}

/// Item 3: times and settings outside what can be simulated are refused, saying what would do.
#[test]
fn nonsense_settings_are_refused_with_what_would_be_accepted() {
    assert_eq!(
        error_of(&["explain", TOY, "--var", "attacks", "--at", "1900"]),
        "error: time 1900 is outside the run, which goes from 2000 to 2010"
    );
    assert_eq!(
        error_of(&["loops", TOY, "--phases", "2008:2002"]),
        "error: --phases: `2008:2002` ends before it starts; write the earlier time first (2002:2008)"
    );
    assert_eq!(
        error_of(&["loops", TOY, "--phases", "3000:4000"]),
        "error: --phases: `3000:4000` lies outside the run, which goes from 2000 to 2010"
    );
    for dt in ["0", "-1"] {
        assert_eq!(
            error_of(&["run", TEACUP, "--dt", dt]),
            format!("error: invalid value '{dt}' for '--dt <DT>': {dt} is not greater than zero; give a positive number such as 0.25")
        );
    }
    assert_eq!(
        error_of(&["run", TEACUP, "--dt", "100"]),
        "error: invalid time settings: the time step 100 is longer than the run from 0 to 30: use a dt of at most 30"
    );
    assert_eq!(
        error_of(&["run", TEACUP, "--start", "40"]),
        "error: invalid time settings: stop 30 is before start 40"
    );
    // A dt that does not divide the run is simulated (as Vensim does) but said.
    let (code, _, stderr) = blowback(&["run", TEACUP, "--dt", "20"]);
    assert_eq!(code, Some(0));
    assert_eq!(
        stderr.trim(),
        "warning: dt 20 does not divide the run from 0 to 30 into whole steps, so it ends at 20; dt 15 would reach 30"
    );
    assert_eq!(
        error_of(&["explore", TOY, "--samples", "0"]),
        "error: invalid value '0' for '--samples <SAMPLES>': 0 is not allowed; give a count of at least 1"
    );
}

/// Item 4: a problem is located where the reader can act on it, and all are reported at once.
#[test]
fn file_problems_are_located_where_they_are() {
    let dir = scratch("located");
    let teacup = std::fs::read_to_string(workspace().join(TEACUP)).unwrap();
    // Cut short in the middle of the model: reported at the end, not at 1:1.
    let cut = &teacup[..teacup.find("<aux name=\"Characteristic Time\">").unwrap()];
    let truncated = dir.join("truncated.xmile");
    std::fs::write(&truncated, cut).unwrap();
    let (_, _, stderr) = blowback(&["check", truncated.to_str().unwrap()]);
    let last_line = cut.trim_end().lines().count();
    assert!(
        stderr.contains(&format!("truncated.xmile:{last_line}:"))
            && stderr.contains("the file ends before")
            && stderr.contains("cut short"),
        "{stderr}"
    );

    let empty = dir.join("empty.xmile");
    std::fs::write(&empty, "").unwrap();
    let (_, _, stderr) = blowback(&["check", empty.to_str().unwrap()]);
    assert!(stderr.contains("the file is empty"), "{stderr}");
    assert!(!stderr.contains("closed"), "{stderr}");

    // No <sim_specs> and a broken equation: both, in one pass; the first underlines the tag only.
    let start = teacup.find("<sim_specs").unwrap();
    let end = teacup.find("</sim_specs>").unwrap() + "</sim_specs>".len();
    let broken = format!("{}{}", &teacup[..start], &teacup[end..])
        .replace("<eqn>180</eqn>", "<eqn>180 +* </eqn>");
    let both = dir.join("both.xmile");
    std::fs::write(&both, broken).unwrap();
    let (code, _, stderr) = blowback(&["check", both.to_str().unwrap()]);
    assert_eq!(code, Some(1));
    // (Short fragments: the renderer wraps long lines.)
    assert!(stderr.contains("no <sim_specs>"), "{stderr}");
    assert!(stderr.contains("expected a value"), "{stderr}");
    assert!(
        !stderr.contains("</xmile>"),
        "the whole file is underlined: {stderr}"
    );
}

/// Item 5: the same bad row reads the same in every command, with its control bytes escaped;
/// calibration says when its result is held by a limit.
#[test]
fn bad_rows_read_alike_everywhere_and_limits_are_said() {
    let dir = scratch("rows");
    let csv = dir.join("garbage.csv");
    std::fs::write(
        &csv,
        "id,year,type_of_violence,side_a,side_b,date_start,date_end,best_est,deaths_a,deaths_b\n\
         1,2010,3,TTP,Civilians,2010-01-05,2010-01-05,2,0,0\n\
         2,2010,3,TTP,Civilians,bad\u{0}\u{1b}[31mdate,2010-01-05,2,0,0\n\
         3,2010,3,TTP,Civilians,2010-03-05,2010-03-05,4,0,0\n",
    )
    .unwrap();
    let file = csv.to_str().unwrap();
    let (code, _, summary) = blowback(&["events", "summary", file, "--by", "year"]);
    assert_eq!(code, Some(0), "{summary}");
    let (code, _, fit) = blowback(&[
        "events",
        "fit",
        file,
        "--time-column",
        "date_start",
        "--end",
        "2010-12-31",
    ]);
    assert_eq!(code, Some(0), "{fit}");
    let bad_row = |stderr: &str| {
        stderr
            .lines()
            .find(|l| l.contains("line 3"))
            .map(str::to_string)
            .unwrap_or_else(|| panic!("no bad row listed: {stderr}"))
    };
    assert_eq!(bad_row(&summary), bad_row(&fit));
    assert!(
        bad_row(&summary).ends_with(
            "line 3, column `date_start`: `bad\\u{0}\\u{1b}[31mdate` is not a date (expected YYYY-MM-DD, MM/DD/YYYY or `15 June 2014`)"
        ),
        "{summary}"
    );
    assert!(!summary.contains('\u{0}') && !summary.contains('\u{1b}'));
    let strict = error_of(&[
        "events",
        "fit",
        file,
        "--time-column",
        "date_start",
        "--end",
        "2010-12-31",
        "--strict",
    ]);
    assert!(
        strict.contains("strict mode stops at the first bad row"),
        "{strict}"
    );

    let out = scratch("calibrate");
    let (code, _, stderr) = blowback(&[
        "calibrate",
        TOY,
        "--max-iters",
        "1",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        stderr.contains(
            "warning: the optimiser stopped at its limit of 1 iteration per start before converging"
        ),
        "{stderr}"
    );
    assert!(
        stderr
            .contains("warning: 1 of 1 parameter ended on a bound of its range (recruitment_rate)"),
        "{stderr}"
    );
}
