"""Models: loading, single runs, metadata and the DataFrames they come back as."""

import numpy as np
import pandas as pd
import pytest

import blowback
from conftest import HERE, TEACUP


def test_run_is_indexed_by_time_with_one_column_per_variable(teacup):
    df = teacup.run()
    assert df.index.name == "time"
    assert df.index[0] == 0.0 and df.index[-1] == 30.0
    assert len(df) == 30 / 0.125 + 1
    assert list(df.columns) == list(teacup.variables.index)
    # Euler by hand: T' = (T - 70) / 10 from 180.
    expected = 180.0
    for _ in range(8):
        expected -= 0.125 * (expected - 70.0) / 10.0
    assert df.loc[1.0, "Teacup Temperature"] == pytest.approx(expected, rel=1e-12)


def test_params_change_the_run_and_leave_the_model_as_it_was(teacup):
    warm = teacup.run({"Room Temperature": 30.0}, vars=["Teacup Temperature"])
    base = teacup.run(vars="Teacup Temperature")
    assert list(warm.columns) == ["Teacup Temperature"]
    # The tea cools towards the room: a colder room, a colder cup.
    assert warm["Teacup Temperature"].iloc[-1] < base["Teacup Temperature"].iloc[-1]
    assert teacup.default_value("Room Temperature") == 70.0
    # Names compare as XMILE compares them (case, spaces and underscores).
    same = teacup.run({"room_temperature": 30.0}, vars=["teacup temperature"])
    np.testing.assert_array_equal(same.to_numpy(), warm.to_numpy())


def test_a_series_is_a_parameter_set(teacup):
    params = pd.Series({"Room Temperature": 25.0, "Characteristic Time": 5.0})
    df = teacup.run(params, stop=10)
    assert df["Room Temperature"].iloc[0] == 25.0
    assert df["Characteristic Time"].iloc[-1] == 5.0


def test_time_settings_and_methods(teacup):
    df = teacup.run(start=5, stop=7, dt=0.5, vars=["Teacup Temperature"])
    assert list(df.index) == [5.0, 5.5, 6.0, 6.5, 7.0]
    saved = teacup.run(dt=0.125, save_step=1.0, vars=["Teacup Temperature"])
    assert list(saved.index) == [float(t) for t in range(31)]
    euler = teacup.run(dt=1.0, vars="Teacup Temperature")["Teacup Temperature"]
    rk4 = teacup.run(dt=1.0, method="rk4", vars="Teacup Temperature")["Teacup Temperature"]
    exact = 70 + 110 * np.exp(-np.asarray(euler.index) / 10)
    assert np.abs(rk4.to_numpy() - exact).max() < np.abs(euler.to_numpy() - exact).max() / 100


def test_units_and_docs_are_metadata(teacup):
    df = teacup.run(vars=["Teacup Temperature", "Heat Loss to Room"])
    assert df.attrs["units"]["Teacup Temperature"] == "Degrees Fahrenheit"
    assert df.attrs["units"]["Heat Loss to Room"] == "Degrees Fahrenheit/Minute"
    assert "liquid phase" in df.attrs["docs"]["Teacup Temperature"]
    assert df.attrs["kinds"] == {"Teacup Temperature": "stock", "Heat Loss to Room": "flow"}
    assert df.attrs["time_units"] == "Minute"


def test_variables_lists_names_kinds_units_and_docs(teacup):
    variables = teacup.variables
    assert set(variables.index) == {
        "Room Temperature",
        "Heat Loss to Room",
        "Characteristic Time",
        "Teacup Temperature",
    }
    assert variables.loc["Teacup Temperature", "kind"] == "stock"
    assert variables.loc["Characteristic Time", "units"] == "Minutes"
    assert list(variables.columns) == ["kind", "units", "doc"]
    assert teacup.sim_specs["dt"] == 0.125 and teacup.sim_specs["method"] == "euler"


def test_vensim_and_xmile_files_give_the_same_numbers(teacup):
    mdl = blowback.load(TEACUP / "teacup.mdl")
    a = teacup.run(vars=["Teacup Temperature"])
    b = mdl.run(vars=["Teacup Temperature"])
    np.testing.assert_allclose(a.to_numpy(), b.to_numpy(), rtol=1e-12)


def test_loads_compiles_text(teacup):
    text = (TEACUP / "teacup.xmile").read_text()
    model = blowback.loads(text, name="teacup.xmile")
    pd.testing.assert_frame_equal(model.run(), teacup.run(), check_like=False)


def test_random_functions_follow_the_seed(noisy):
    a = noisy.run(seed=1, vars="Population")
    b = noisy.run(seed=1, vars="Population")
    c = noisy.run(seed=2, vars="Population")
    pd.testing.assert_frame_equal(a, b)
    assert not a.equals(c)


def test_repr_and_html(teacup):
    assert "4 variables" in repr(teacup) and "teacup.xmile" in repr(teacup)
    assert "<table" in teacup._repr_html_()


def test_model_reads_relative_to_its_own_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    model = blowback.load(HERE / "models/noisy_growth.xmile")
    assert model.variables.loc["Population", "units"] == "people"


# A stock filled at a rate read off a graphical function of time; a discrete one beside it.
LOOKUP_MODEL = """<?xml version="1.0" encoding="utf-8"?>
<xmile version="1.0" xmlns="http://docs.oasis-open.org/xmile/ns/XMILE/v1.0">
  <header><name>lookup</name><vendor>test</vendor><product version="1">test</product></header>
  <sim_specs><start>0</start><stop>10</stop><dt>1</dt></sim_specs>
  <model><variables>
    <stock name="filled"><eqn>0</eqn><inflow>rate</inflow></stock>
    <flow name="rate"><eqn>schedule(TIME)</eqn></flow>
    <gf name="schedule"><xscale min="0" max="10"/><ypts>0,10</ypts></gf>
    <aux name="stepped"><eqn>steps(TIME)</eqn></aux>
    <gf name="steps" type="discrete"><xscale min="0" max="10"/><ypts>1,2</ypts></gf>
  </variables></model>
</xmile>
"""


def test_a_graphical_function_takes_new_points():
    model = blowback.loads(LOOKUP_MODEL, name="lookup.xmile")
    base = model.run(vars="rate")
    assert base.loc[4.0, "rate"] == pytest.approx(4.0)
    doubled = [(0.0, 0.0), (10.0, 20.0)]
    as_pairs = model.run({"schedule": doubled}, vars="rate")
    assert as_pairs.loc[4.0, "rate"] == pytest.approx(8.0)
    # The same points as a Series (x in the index), a dict, or a two-column array.
    for points in (
        pd.Series([0.0, 20.0], index=[0.0, 10.0]),
        {0.0: 0.0, 10.0: 20.0},
        np.array(doubled),
    ):
        again = model.run({"schedule": points}, vars="rate")
        np.testing.assert_array_equal(again.to_numpy(), as_pairs.to_numpy())
    # The model is as it was, and a discrete function stays discrete with new points.
    np.testing.assert_array_equal(model.run(vars="rate").to_numpy(), base.to_numpy())
    stepped = model.run({"steps": [(0.0, 5.0), (6.0, 7.0)]}, vars="stepped")
    assert stepped.loc[5.0, "stepped"] == 5.0 and stepped.loc[6.0, "stepped"] == 7.0
    # In an ensemble too: one run per set of points.
    runs = model.run_many([{"schedule": doubled}, {}], vars="rate")
    assert runs.loc[(0, 4.0), "rate"] == pytest.approx(8.0)
    assert runs.loc[(1, 4.0), "rate"] == pytest.approx(4.0)


def test_bad_points_are_refused_with_the_reason():
    model = blowback.loads(LOOKUP_MODEL, name="lookup.xmile")
    with pytest.raises(blowback.ParameterError, match="x falls from 10 to 0"):
        model.run({"schedule": [(10.0, 1.0), (0.0, 2.0)]})
    with pytest.raises(blowback.ParameterError, match="has no points"):
        model.run({"schedule": []})
    with pytest.raises(blowback.ParameterError, match="not finite"):
        model.run({"schedule": [(0.0, float("nan"))]})
    with pytest.raises(blowback.UnknownNameError):
        model.run({"rate": [(0.0, 1.0)]})
    with pytest.raises(TypeError, match="or \\(x, y\\) points"):
        model.run({"schedule": [(0.0, 1.0, 2.0)]})
