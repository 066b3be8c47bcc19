//! The afpak case as shipped: every scenario runs, every behaviour test and every claimed link's
//! polarity test passes, and the calibration uses no data after mid-2022.

use std::path::PathBuf;
use std::sync::OnceLock;

use blowback::{Case, CaseFiles, CheckStatus, ScenarioRuns};
use blowback_sd::Overrides;

fn case_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../cases/afpak")
}

fn read(name: &str) -> Option<String> {
    std::fs::read_to_string(case_dir().join(name)).ok()
}

fn files() -> CaseFiles {
    let mut data = Vec::new();
    let mut paths: Vec<PathBuf> = std::fs::read_dir(case_dir().join("data"))
        .expect("cases/afpak/data exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "csv"))
        .collect();
    paths.sort();
    for path in paths {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        data.push((name, std::fs::read_to_string(&path).unwrap()));
    }
    CaseFiles {
        model: read("model.xmile").expect("cases/afpak/model.xmile exists"),
        scenarios: read("scenarios.toml"),
        tests: read("tests.toml"),
        claims: read("claims.toml"),
        calibration: read("calibration.toml"),
        data,
        ..CaseFiles::default()
    }
}

/// The case and its scenario runs, loaded once for all tests in this module.
fn loaded() -> &'static (Case, ScenarioRuns, Vec<blowback_sd::Diagnostic>) {
    static CASE: OnceLock<(Case, ScenarioRuns, Vec<blowback_sd::Diagnostic>)> = OnceLock::new();
    CASE.get_or_init(|| {
        let (case, warnings) = Case::load(&files()).unwrap_or_else(|e| panic!("{e}"));
        let runs = case
            .run_all(&Overrides::new())
            .unwrap_or_else(|e| panic!("{e}"));
        (case, runs, warnings)
    })
}

#[test]
fn the_issue_scenarios_exist_and_run_to_finite_results() {
    let (case, runs, _) = loaded();
    for name in [
        "status_quo",
        "pressure_taliban",
        "conditional_us_support",
        "dismantle_infrastructure",
        "reform_package",
        "ttp_talks",
        "no_support_after_2001",
        "khan_return",
    ] {
        assert!(
            case.scenario(name).is_some(),
            "scenarios.toml lacks `{name}`"
        );
    }
    for (name, results) in &runs.runs {
        for (c, variable) in results.names().iter().enumerate() {
            assert!(
                results.column_at(c).iter().all(|v| v.is_finite()),
                "{name}: `{variable}` is not finite"
            );
        }
    }
}

#[test]
fn every_key_outcome_names_a_model_variable() {
    let (case, runs, warnings) = loaded();
    let dropped: Vec<_> = warnings
        .iter()
        .filter(|w| w.message.starts_with("report variable"))
        .map(|w| w.message.clone())
        .collect();
    assert!(dropped.is_empty(), "{dropped:#?}");
    let table = case.comparison_table(runs);
    assert!(
        table.outcomes.len() >= 6,
        "too few outcomes: {:?}",
        table.outcomes
    );
    for (scenario, values) in &table.rows {
        for (outcome, value) in table.outcomes.iter().zip(values) {
            assert!(
                value.is_some_and(f64::is_finite),
                "{scenario}: no value for `{}`",
                outcome.label
            );
        }
    }
}

#[test]
fn every_behaviour_test_passes() {
    let (case, runs, _) = loaded();
    assert!(
        !case.tests().is_empty(),
        "cases/afpak/tests.toml is missing or has no [[test]]"
    );
    let results = case
        .check_behaviour(runs, &Overrides::new())
        .unwrap_or_else(|e| panic!("{e}"));
    let failed: Vec<String> = results
        .iter()
        .filter(|r| r.status != CheckStatus::Pass)
        .map(|r| format!("{}: {}", r.name, r.detail))
        .collect();
    assert!(
        failed.is_empty(),
        "failed behaviour tests:\n{}",
        failed.join("\n")
    );
}

#[test]
fn every_claimed_link_has_the_claimed_polarity() {
    let (case, _, _) = loaded();
    assert!(
        case.claims().iter().any(|c| !c.links.is_empty()),
        "cases/afpak/claims.toml is missing or names no links"
    );
    let (results, _) = case
        .check_polarities(&Overrides::new())
        .unwrap_or_else(|e| panic!("{e}"));
    let failed: Vec<String> = results
        .iter()
        .filter(|r| r.status == CheckStatus::Fail)
        .map(|r| format!("{}: {}", r.name, r.detail))
        .collect();
    assert!(
        failed.is_empty(),
        "links with the wrong sign or no effect:\n{}",
        failed.join("\n")
    );
}

#[test]
fn calibration_uses_no_data_after_mid_2022_and_does_not_worsen_the_fit() {
    let (case, _, _) = loaded();
    let Some(spec) = case.calibration() else {
        panic!("cases/afpak has no calibration settings (calibration.toml or [calibration])");
    };
    assert!(
        spec.until <= 2022.5 + 1e-9,
        "calibration may use data up to {}",
        spec.until
    );
    let variables: Vec<&str> = spec.series.iter().map(|s| s.variable.as_str()).collect();
    assert!(
        variables.contains(&"terrorist_attacks_per_year"),
        "{variables:?}"
    );
    assert!(variables.contains(&"ttp_attacks_per_year"), "{variables:?}");
    // A short fit: enough to show the optimiser moves downhill, cheap enough for every test run.
    let fit = case
        .calibrate(&Overrides::new(), Some(25))
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(
        fit.cost <= fit.initial_cost + 1e-12,
        "{} > {}",
        fit.cost,
        fit.initial_cost
    );
    assert!(
        fit.observations_used >= 8,
        "only {} observations",
        fit.observations_used
    );
    for point in fit.points.iter().filter(|p| p.used) {
        assert!(point.observation.end() <= 2022.5 + 1e-9, "{point:?}");
    }
    for p in &fit.parameters {
        assert!(p.lo <= p.fitted && p.fitted <= p.hi, "{p:?}");
    }
}
