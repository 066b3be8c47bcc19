"""Case folders: the scenario table, tests, loops and exploration, against direct model runs."""

import shutil

import numpy as np
import pandas as pd
import pytest

import blowback
from conftest import HERE

TOY = HERE / "cases/toy"


@pytest.fixture(scope="module")
def toy():
    return blowback.Case(TOY)


def test_scenario_table_agrees_with_the_runs(toy):
    table = toy.run()
    assert list(table.index) == ["base", "crackdown"]
    assert list(table.columns) == ["attacks 2005", "fighters 2010"]
    assert table.attrs["outcomes"]["fighters 2010"]["stat"] == "final"
    series = toy.series(vars=["fighters", "attacks"])
    # Windows are half-open, [2009, 2010): the final value is the last row before 2010.
    for scenario in table.index:
        assert table.at[scenario, "fighters 2010"] == series.loc[(scenario, 2009.875), "fighters"]
    # The scenario's own override, applied to the case's model directly, gives the same run.
    direct = toy.model.run({"attrition": 0.5}, vars="fighters")
    np.testing.assert_array_equal(series.loc["crackdown", "fighters"].to_numpy(), direct["fighters"].to_numpy())
    assert table.at["crackdown", "attacks 2005"] < table.at["base", "attacks 2005"]
    assert series.attrs["units"]["fighters"] == "people"


def test_scenarios_and_metadata(toy):
    assert toy.scenarios.loc["crackdown", "description"] == "Five times the attrition."
    assert "2 scenarios" in repr(toy) and "<table" in toy._repr_html_()


def test_behaviour_tests_pass_and_fail_on_the_numbers(toy):
    checks = toy.check().set_index("test")
    assert checks.loc["crackdown lowers attacks", "status"] == "PASS"
    assert checks.loc["crackdown raises attacks (false on purpose)", "status"] == "FAIL"
    assert not checks.loc["crackdown raises attacks (false on purpose)", "as_expected"]


def test_loops_are_named_from_the_file_and_scored(toy):
    loops = toy.loops()
    named = loops[loops["name"] == "recruits recruit"]
    assert len(named) == 1 and named.iloc[0]["kind"] == "R" and named.iloc[0]["polarity"] == "positive"
    assert set(loops["kind"]) == {"R", "B"}
    scores = toy.loop_scores()
    # Relative scores of all loops share out the whole: their absolute values sum to 1.
    np.testing.assert_allclose(scores.abs().sum(axis=1), 1.0, rtol=1e-9)
    assert list(scores.columns) == list(loops.index)


def test_exploration_matches_direct_runs(toy):
    result = toy.explore()
    assert result.failures == 0 and "method=lhs samples=50 seed=7" == result.design
    experiments = result.experiments
    assert experiments.shape == (50, 3)
    assert experiments["attrition"].between(0.05, 0.3).all()
    for experiment in (0, 17, 49):
        params = experiments.loc[experiment]
        run = toy.model.run(params, vars="attacks")["attacks"]
        window = run[(run.index >= 2009) & (run.index < 2010)]
        assert result.outcomes.loc[(experiment, "base"), "attacks_2009"] == pytest.approx(
            window.mean(), rel=1e-12
        )
    assert "50 experiments x 2 scenarios" in repr(result)


def test_exploration_does_not_depend_on_threads(toy):
    one = toy.explore("mc", 40, 3, threads=1)
    two = toy.explore("mc", 40, 3, threads=2)
    pd.testing.assert_frame_equal(one.outcomes, two.outcomes)
    pd.testing.assert_frame_equal(one.experiments, two.experiments)
    assert not one.outcomes.equals(toy.explore("mc", 40, 4).outcomes)


def test_sobol_and_morris_indices(toy):
    sobol = toy.explore("sobol", 128, 1).sobol
    assert sobol.index.names == ["scenario", "outcome", "parameter"]
    assert sobol["ST"].between(-0.1, 1.5).all()
    # The crackdown scenario fixes attrition, so its samples change nothing there.
    assert sobol.loc[("crackdown", "attacks_2009", "attrition"), "ST"] == 0.0
    assert sobol.loc[("base", "attacks_2009", "recruitment_rate"), "ST"] > 0.2
    morris = toy.explore("morris", 10, 1).morris
    assert list(morris.columns) == ["mu", "mu_star", "sigma", "mu_star_conf"]
    assert (morris["mu_star"] >= morris["mu"].abs() - 1e-9).all()


def test_bad_cases_raise_located_errors(tmp_path, toy):
    with pytest.raises(blowback.CaseError, match="is not a folder"):
        blowback.Case(TOY / "model.xmile")
    with pytest.raises(blowback.CaseError, match="has no model.xmile"):
        blowback.Case(tmp_path)
    broken = tmp_path / "broken"
    shutil.copytree(TOY, broken)
    text = (broken / "scenarios.toml").read_text().replace("attrition = 0.5", "atrition = 0.5")
    (broken / "scenarios.toml").write_text(text)
    with pytest.raises(blowback.CaseError) as info:
        blowback.Case(broken)
    message = str(info.value)
    line = 1 + text[: text.index("atrition")].count("\n")
    assert f"scenarios.toml:{line}:1:" in message and "atrition" in message and "^" in message
    with pytest.raises(ValueError, match="threads must be at least 1"):
        toy.explore(threads=0)
    with pytest.raises(blowback.ParameterError, match="samples must be at least 1"):
        toy.explore(samples=0)
    with pytest.raises(blowback.ParameterError, match="unknown sampling method"):
        toy.explore("random")
    with pytest.raises(blowback.UnknownNameError, match="no scenario `nowhere`"):
        toy.loops("nowhere")


def test_ctrl_c_stops_an_exploration(toy):
    import _thread
    import faulthandler
    import threading

    # Millions of runs: far more than the watchdog's two minutes if the interrupt were ignored.
    faulthandler.dump_traceback_later(120, exit=True)
    timer = threading.Timer(0.5, _thread.interrupt_main)
    try:
        timer.start()
        with pytest.raises(KeyboardInterrupt):
            toy.explore("mc", 3_000_000, 1)
    finally:
        timer.cancel()
        faulthandler.cancel_dump_traceback_later()
    assert toy.explore("mc", 5, 1).failures == 0
