//! The afpak case as shipped: every scenario runs, every behaviour test and every claimed link's
//! polarity test passes, and the calibration uses no data after mid-2022.

use std::path::PathBuf;
use std::sync::OnceLock;

use blowback::{Case, CaseFiles, CheckStatus, ScenarioRuns};
use blowback_sd::Overrides;

fn case_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../cases/afpak")
}

fn files() -> CaseFiles {
    CaseFiles::gather(&super::dir::Dir(case_dir())).unwrap_or_else(|e| panic!("{e}"))
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
fn every_behaviour_test_gives_its_recorded_verdict() {
    let (case, runs, _) = loaded();
    assert!(
        !case.tests().is_empty(),
        "cases/afpak/tests.toml is missing or has no [[test]]"
    );
    let results = case
        .check_behaviour(runs, &Overrides::new())
        .unwrap_or_else(|e| panic!("{e}"));
    let unexpected: Vec<String> = results
        .iter()
        .filter(|r| !r.as_expected())
        .map(|r| {
            format!(
                "{} ({:?}, expected {:?}): {}",
                r.name, r.status, r.expect, r.detail
            )
        })
        .collect();
    assert!(
        unexpected.is_empty(),
        "behaviour tests whose verdict changed:\n{}",
        unexpected.join("\n")
    );
    // Most tests must pass: a recorded failure is a finding, not a way to quieten a test.
    let findings = results
        .iter()
        .filter(|r| r.status == CheckStatus::Fail)
        .count();
    assert!(
        findings * 10 <= results.len(),
        "{findings} of {} tests fail as recorded",
        results.len()
    );
}

#[test]
fn halving_the_time_step_moves_no_reported_outcome_by_more_than_one_percent() {
    let (case, runs, _) = loaded();
    let dt = case.simulation().sim_specs().dt;
    let mut finer = Overrides::new();
    finer.dt = Some(dt / 2.0);
    let fine = case.run_all(&finer).unwrap_or_else(|e| panic!("{e}"));
    let coarse_table = case.comparison_table(runs);
    let fine_table = case.comparison_table(&fine);
    let mut worst = (0.0, String::new());
    for ((scenario, coarse), (_, fine)) in coarse_table.rows.iter().zip(&fine_table.rows) {
        for ((outcome, a), b) in coarse_table.outcomes.iter().zip(coarse).zip(fine) {
            let (a, b) = (a.unwrap(), b.unwrap());
            // Relative change, with an absolute floor for outcomes near zero (relations, shifts).
            let change = (a - b).abs() / a.abs().max(0.1);
            if change > worst.0 {
                worst = (
                    change,
                    format!("{scenario} / {}: {a} -> {b}", outcome.label),
                );
            }
        }
    }
    assert!(
        worst.0 <= 0.01,
        "largest change {:.3}%: {}",
        100.0 * worst.0,
        worst.1
    );
}

#[test]
fn the_model_passes_its_lint() {
    let files = files();
    let (case, _) = Case::load(&files).unwrap_or_else(|e| panic!("{e}"));
    let findings = case.lint(&files.model, files.uncertainties.as_deref());
    let listed: Vec<String> = findings
        .iter()
        .map(|f| format!("{}: {}", f.variable, f.problem))
        .collect();
    assert!(listed.is_empty(), "lint findings:\n{}", listed.join("\n"));
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
    let cut_off = spec.test_until.unwrap_or(spec.until);
    assert!(
        cut_off <= 2022.5 + 1e-9,
        "calibration may read data up to {cut_off}"
    );
    assert!(
        spec.until < cut_off,
        "no hold-out window before the cut-off"
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
    for point in &fit.points {
        assert!(point.observation.end() <= 2022.5 + 1e-9, "{point:?}");
        if point.fitted() {
            assert!(
                point.observation.end() <= spec.until + 1e-9
                    || case
                        .calibration_data()
                        .iter()
                        .any(|s| s.spec.always_fit && s.spec.variable == point.variable),
                "a hold-out point was fitted: {point:?}"
            );
        }
    }
    assert!(
        fit.series.iter().any(|s| s.role == blowback::Role::Holdout),
        "no series has hold-out observations"
    );
    for p in &fit.parameters {
        assert!(p.lo <= p.fitted && p.fitted <= p.hi, "{p:?}");
    }
}

#[test]
fn every_file_of_the_case_is_read_and_checked_at_load() {
    let (case, _, _) = loaded();
    assert!(!case.named_loops().is_empty());
    let uncertainties = case.uncertainties().expect("uncertainties.toml is read");
    assert!(!uncertainties.parameters.is_empty() && !uncertainties.outcomes.is_empty());
    assert!(case.conflict().is_some(), "conflict.toml is read");
    assert!(case.readme().is_some(), "README.md is read");
    assert!(
        case.claims().iter().any(|c| !c.paragraphs.is_empty()),
        "claims keep their paragraphs"
    );
}
