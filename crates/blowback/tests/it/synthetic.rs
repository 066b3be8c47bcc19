//! Small inline cases: each check can fail, and errors name the file and the problem.

use blowback::{Case, CaseError, CaseFiles, CheckStatus};
use blowback_sd::Overrides;

/// Fighters recruit at `recruitment_rate` and are removed by `attrition`; attacks are
/// proportional to fighters.
const MODEL: &str = r#"<xmile version="1.0" xmlns="http://docs.oasis-open.org/xmile/ns/XMILE/v1.0">
  <header><name>toy</name></header>
  <sim_specs><start>2000</start><stop>2010</stop><dt>0.125</dt></sim_specs>
  <model><variables>
    <stock name="fighters"><eqn>100</eqn><inflow>recruitment</inflow><outflow>losses</outflow></stock>
    <flow name="recruitment"><eqn>fighters * recruitment_rate</eqn></flow>
    <flow name="losses"><eqn>fighters * attrition</eqn></flow>
    <aux name="recruitment rate"><eqn>0.3</eqn></aux>
    <aux name="attrition"><eqn>0.1</eqn></aux>
    <aux name="attacks"><eqn>fighters * 0.5</eqn></aux>
  </variables></model>
</xmile>"#;

const SCENARIOS: &str = r#"
[[scenario]]
name = "base"

[[scenario]]
name = "crackdown"
[scenario.overrides]
attrition = 0.5

[report]
variables = ["attacks"]
[[report.outcome]]
label = "attacks 2005"
var = "attacks"
stat = "mean"
from = 2005
to = 2006
"#;

fn files() -> CaseFiles {
    CaseFiles {
        model: MODEL.into(),
        scenarios: Some(SCENARIOS.into()),
        ..CaseFiles::default()
    }
}

fn load(files: &CaseFiles) -> Case {
    Case::load(files).unwrap_or_else(|e| panic!("{e}")).0
}

#[test]
fn compare_tests_pass_and_fail_on_the_numbers() {
    let mut f = files();
    f.tests = Some(
        r#"
[[test]]
name = "crackdown lowers attacks"
kind = "compare"
op = "<"
left = { scenario = "crackdown", var = "attacks", stat = "mean", from = 2005, to = 2010 }
right = { scenario = "base", var = "attacks", stat = "mean", from = 2005, to = 2010 }

[[test]]
name = "crackdown raises attacks (false)"
kind = "compare"
op = ">"
left = { scenario = "crackdown", var = "attacks", stat = "sum", from = 2005, to = 2010 }
right = { scenario = "base", var = "attacks", stat = "sum", from = 2005, to = 2010 }

[[test]]
name = "fighters stay positive, attacks below 1000"
kind = "bounds"
scenario = "base"
overrides = { recruitment_rate = 0 }
bounds = [{ var = "fighters", lo = 0 }, { var = "attacks", hi = 1000 }]

[[test]]
name = "bounds that the run breaks"
kind = "bounds"
scenario = "base"
bounds = [{ var = "fighters", lo = 0, hi = 150 }]
"#
        .into(),
    );
    let case = load(&f);
    let runs = case.run_all(&Overrides::new()).unwrap();
    let results = case.check_behaviour(&runs, &Overrides::new()).unwrap();
    let statuses: Vec<CheckStatus> = results.iter().map(|r| r.status).collect();
    assert_eq!(
        statuses,
        [
            CheckStatus::Pass,
            CheckStatus::Fail,
            CheckStatus::Pass,
            CheckStatus::Fail
        ],
        "{results:#?}"
    );
    assert!(
        results[3].detail.contains("fighters"),
        "{}",
        results[3].detail
    );
    // Each bounds test runs its scenario once more; comparisons reuse the scenario runs.
    assert_eq!(case.behaviour_test_runs(), 2);
}

#[test]
fn the_comparison_table_has_one_row_per_scenario() {
    let case = load(&files());
    let runs = case.run_all(&Overrides::new()).unwrap();
    let table = case.comparison_table(&runs);
    assert_eq!(table.rows.len(), 2);
    let base = table.rows[0].1[0].unwrap();
    let crackdown = table.rows[1].1[0].unwrap();
    // Growth at 0.2 a year for ~5.5 years from 50 attacks, against decline at 0.2 a year.
    assert!(base > 100.0 && crackdown < 25.0, "{base} {crackdown}");
}

#[test]
fn polarity_tests_catch_a_wrong_sign_and_flag_structural_links() {
    let mut f = files();
    f.claims = Some(
        r#"
[[claim]]
id = "C1"
links = [
  "recruitment_rate -> fighters (+)",
  "attrition -> attacks (+)",
  "fighters -> attacks (+)",
  "recruitment -> fighters (+)",
  "losses -> fighters (+)",
  "fighters -> losses (-)",
  { from = "attrition", to = "recruitment_rate", polarity = "-" },
]
"#
        .into(),
    );
    let case = load(&f);
    let (results, runs) = case.check_polarities(&Overrides::new()).unwrap();
    let statuses: Vec<CheckStatus> = results.iter().map(|r| r.status).collect();
    assert_eq!(
        statuses,
        [
            CheckStatus::Pass, // more recruitment, more fighters (a run with the constant raised)
            CheckStatus::Fail, // more attrition gives fewer attacks, not more
            CheckStatus::Pass, // partial effect of a stock on an auxiliary, from the equations
            CheckStatus::Pass, // an inflow raises its stock
            CheckStatus::Fail, // an outflow lowers its stock
            CheckStatus::Fail, // more fighters, more losses: the partial effect is positive
            CheckStatus::Fail, // attrition does not act on recruitment_rate at all
        ],
        "{results:#?}"
    );
    // Two runs for each of the three constant causes, one per scenario for the partial effects.
    assert_eq!(runs, 3 * 2 + 2);
    assert!(
        results[2].detail.contains("partial effect"),
        "{}",
        results[2].detail
    );
}

#[test]
fn calibration_recovers_a_known_rate_from_synthetic_data() {
    // Data made by the model itself with recruitment_rate = 0.25: annual mean attacks.
    let mut truth = Overrides::new();
    truth.set("recruitment_rate", 0.25);
    let case = load(&files());
    let results = case.simulation().run(&truth).unwrap();
    let mut csv = String::from("year,attacks\n");
    for year in 2000..2008 {
        let y = f64::from(year);
        let mean = blowback::window_stat(
            results.times(),
            results.column("attacks").unwrap(),
            blowback::Stat::Mean,
            y,
            y + 1.0,
        )
        .unwrap();
        csv.push_str(&format!("{year},{mean}\n"));
    }
    let mut f = files();
    f.data = vec![("attacks.csv".into(), csv)];
    f.calibration = Some(
        r#"
until = 2006
parameters = [{ name = "recruitment_rate", lo = 0.0, hi = 1.0 }]
[[series]]
variable = "attacks"
file = "attacks.csv"
value = "attacks"
log = true
"#
        .into(),
    );
    let case = load(&f);
    let fit = case.calibrate(&Overrides::new(), Some(200)).unwrap();
    let fitted = fit.parameters[0].fitted;
    assert!((fitted - 0.25).abs() < 1e-3, "fitted {fitted}");
    assert!(fit.cost < fit.initial_cost);
    // 2006 and 2007 end after `until`, so they are reported but not fitted.
    assert_eq!(fit.observations_used, 6);
    assert_eq!(fit.points.iter().filter(|p| !p.fitted()).count(), 2);

    // A hold-out window: 2006 is compared but never fitted, 2007 lies beyond it and is not read;
    // a published range of the same series counts only where the model falls outside it.
    let mut csv_range = String::from("year,low,high\n");
    csv_range.push_str("2001,0,1000000\n2002,1000000,2000000\n");
    f.data.push(("ranges.csv".into(), csv_range));
    f.calibration = Some(
        r#"
until = 2006
test_until = 2007
parameters = [{ name = "recruitment_rate", lo = 0.0, hi = 1.0, prior = 0.3 }]
[[series]]
variable = "attacks"
file = "attacks.csv"
value = "attacks"
log = true
[[series]]
variable = "attacks"
file = "ranges.csv"
low = "low"
high = "high"
log = true
"#
        .into(),
    );
    let case = load(&f);
    let fit = case.calibrate(&Overrides::new(), Some(200)).unwrap();
    let holdout: Vec<_> = fit
        .points
        .iter()
        .filter(|p| p.role == blowback::Role::Holdout)
        .collect();
    assert_eq!(holdout.len(), 1, "only 2006 is held out");
    assert!(fit.points.iter().all(|p| p.observation.end() <= 2007.0));
    let inside = fit
        .points
        .iter()
        .find(|p| p.observation.bounds == Some((0.0, 1e6)))
        .unwrap();
    assert_eq!(
        inside.residual, 0.0,
        "inside its range, a point costs nothing"
    );
    let outside = fit
        .points
        .iter()
        .find(|p| p.observation.bounds == Some((1e6, 2e6)))
        .unwrap();
    assert!(outside.residual < 0.0, "below its range: {outside:?}");
    // The prior pulls the estimate a little off the truth (0.25) towards 0.3; the cost includes it.
    assert!(fit.prior_cost > 0.0);
    assert!(fit.series.iter().any(|s| s.role == blowback::Role::Holdout));
}

#[test]
fn a_typo_in_a_scenario_is_caught_at_load_with_a_suggestion() {
    let mut f = files();
    f.scenarios = Some("[[scenario]]\nname = \"x\"\n[scenario.overrides]\nattrtion = 0.2\n".into());
    let err = Case::load(&f).unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("attrtion") && text.contains("did you mean `attrition`"),
        "{text}"
    );
    // Located where the file names it: line 4, column 1.
    let (file, located) = err.located().unwrap();
    assert_eq!(file, "scenarios.toml");
    assert_eq!((located.line(), located.column()), (Some(4), Some(1)));
}

#[test]
fn setting_a_computed_variable_is_refused() {
    let mut f = files();
    f.scenarios = Some("[[scenario]]\nname = \"x\"\n[scenario.overrides]\nattacks = 3\n".into());
    let err = Case::load(&f).unwrap_err();
    assert!(err.to_string().contains("computed each step"), "{err}");
}

#[test]
fn model_errors_come_back_as_diagnostics() {
    let mut f = files();
    f.model = MODEL.replace("fighters * 0.5", "fighters * (0.5");
    match Case::load(&f) {
        Err(CaseError::Model(diagnostics)) => {
            let first = diagnostics.0.iter().find(|d| d.is_error()).unwrap();
            assert!(first.span.is_some(), "{first:?}");
        }
        other => panic!("expected model diagnostics, got {other:?}"),
    }
}

#[test]
fn a_test_naming_a_missing_scenario_is_an_error_not_a_failure() {
    let mut f = files();
    f.tests = Some("[[test]]\nname = \"t\"\nkind = \"compare\"\nop = \">\"\nleft = { scenario = \"nope\", var = \"attacks\" }\nright = { value = 0 }\n".into());
    let case = load(&f);
    let runs = case.run_all(&Overrides::new()).unwrap();
    let err = case.check_behaviour(&runs, &Overrides::new()).unwrap_err();
    assert!(err.to_string().contains("no scenario `nope`"), "{err}");
}

const UNCERTAIN_ATTRITION: &str =
    "[[parameter]]\nname = \"attrition\"\ndistribution = \"uniform\"\nlow = 0\nhigh = 1\n";

#[test]
fn every_case_file_is_read_and_its_names_checked_at_load() {
    let mut f = files();
    f.loops =
        Some("[[loop]]\nname = \"growth\"\nvariables = [\"fighters\", \"recruitment\"]\n".into());
    f.uncertainties = Some(format!(
        "{UNCERTAIN_ATTRITION}[[outcome]]\nname = \"attacks\"\nvariable = \"attacks\"\nstat = \"mean\"\n"
    ));
    f.conflict = Some(
        "name = \"c\"\n[[decision_maker]]\nname = \"A\"\noption = [{ id = \"x\" }]\npreference = [{ statement = \"x\" }]\n\
         [[decision_maker]]\nname = \"B\"\noption = [{ id = \"y\" }]\npreference = [{ statement = \"y\" }]\n"
            .into(),
    );
    f.readme = Some("# Toy\n".into());
    let case = load(&f);
    assert_eq!(case.named_loops()[0].name, "growth");
    assert_eq!(
        case.uncertainties().unwrap().parameters[0].name,
        "attrition"
    );
    assert_eq!(case.conflict().unwrap().n_states(), 4);
    assert_eq!(case.readme(), Some("# Toy\n"));

    let refused = |f: &CaseFiles, expected: &str| {
        let err = Case::load(f).unwrap_err().to_string();
        assert!(err.contains(expected), "{err}");
    };
    let mut bad = f.clone();
    bad.loops = Some("[[loop]]\nname = \"l\"\nvariables = [\"fightrs\"]\n".into());
    refused(&bad, "did you mean `fighters`");
    let mut bad = f.clone();
    bad.uncertainties = Some(UNCERTAIN_ATTRITION.replace("attrition", "attacks"));
    refused(&bad, "not a constant");
    let mut bad = f.clone();
    bad.uncertainties = Some(format!(
        "{UNCERTAIN_ATTRITION}[[outcome]]\nname = \"o\"\nvariable = \"attacks\"\nstat = \"mean\"\n\
         [[conclusion]]\nname = \"c\"\nleft = {{ scenario = \"crakdown\", outcome = \"o\" }}\nop = \"<\"\n\
         right = {{ scenario = \"base\", outcome = \"o\" }}\n"
    ));
    refused(&bad, "did you mean `crackdown`");
    let mut bad = f.clone();
    bad.conflict = Some("name = \"c\"\n".into());
    refused(&bad, "conflict.toml");
}

#[test]
fn named_loops_are_named_and_added_when_the_search_misses_them() {
    use blowback_sd::{LoopOptions, Polarity};
    let mut f = files();
    f.loops = Some(
        "[[loop]]\nname = \"recruiting\"\nvariables = [\"recruitment\", \"fighters\"]\n".into(),
    );
    let case = load(&f);
    let base = Overrides::new();
    let all = case.feedback_loops(&base, LoopOptions::default()).unwrap();
    assert_eq!(all.loops.len(), 2, "recruitment (R) and losses (B)");
    let named: Vec<_> = all
        .loops
        .iter()
        .filter(|l| l.name.as_deref() == Some("recruiting"))
        .collect();
    assert_eq!(named.len(), 1);
    assert_eq!(named[0].polarity, Polarity::Positive);
    // A search bounded below the loop's length finds nothing; the name brings the loop back.
    let short = LoopOptions {
        max_loops: 10,
        max_length: Some(1),
        independent_only: false,
    };
    let bounded = case.feedback_loops(&base, short).unwrap();
    assert_eq!(bounded.loops.len(), 1);
    assert_eq!(bounded.loops[0].name.as_deref(), Some("recruiting"));
    assert!(bounded.unbuilt.is_empty());
    let only_named = case.named_feedback_loops(&base).unwrap();
    assert_eq!(only_named.len(), 1);
    assert_eq!(case.named_loop("recruiting").unwrap().variables.len(), 2);
}

#[test]
fn claims_are_found_by_their_links() {
    let mut f = files();
    f.claims = Some(
        "[[claim]]\nid = \"more_fighters_more_attacks\"\nparagraphs = [\"P1\"]\nlinks = [\"fighters -> attacks (+)\"]\n\
         [[claim]]\nid = \"again\"\nlinks = [\"fighters -> attacks (+)\", \"attrition -> losses (+)\"]\n"
            .into(),
    );
    let case = load(&f);
    let ids: Vec<&str> = case
        .claims_on_link("Fighters", "attacks")
        .map(|c| c.id.as_str())
        .collect();
    assert_eq!(ids, ["more_fighters_more_attacks", "again"]);
    assert_eq!(case.claims_on_link("attacks", "fighters").count(), 0);
}
