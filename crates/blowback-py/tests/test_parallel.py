"""Ensembles: run_many against single runs, thread counts, DataFrame layouts, Ctrl-C."""

import _thread
import faulthandler
import threading
import time

import numpy as np
import pandas as pd
import pytest


def test_run_many_matches_single_runs(teacup):
    params = pd.DataFrame(
        {"Room Temperature": [10.0, 40.0, 70.0], "Characteristic Time": [5.0, 10.0, 20.0]},
        index=pd.Index(["cold", "cool", "warm"], name="world"),
    )
    long = teacup.run_many(params, vars=["Teacup Temperature", "Heat Loss to Room"])
    assert long.index.names == ["world", "time"]
    for label, row in params.iterrows():
        single = teacup.run(row, vars=["Teacup Temperature", "Heat Loss to Room"])
        np.testing.assert_array_equal(long.loc[label].to_numpy(), single.to_numpy())
    assert long.attrs["units"]["Teacup Temperature"] == "Degrees Fahrenheit"


def test_wide_and_long_hold_the_same_numbers(teacup):
    params = [{"Room Temperature": t} for t in (0.0, 50.0)]
    long = teacup.run_many(params, vars="Teacup Temperature", stop=3)
    wide = teacup.run_many(params, vars="Teacup Temperature", stop=3, format="wide")
    assert list(wide.columns) == [(0, "Teacup Temperature"), (1, "Teacup Temperature")]
    for run in (0, 1):
        np.testing.assert_array_equal(
            wide[(run, "Teacup Temperature")].to_numpy(), long.loc[run, "Teacup Temperature"].to_numpy()
        )
    assert not np.array_equal(wide[(0, "Teacup Temperature")], wide[(1, "Teacup Temperature")])


def test_missing_values_in_a_frame_keep_the_models_own(teacup):
    params = pd.DataFrame([{"Room Temperature": 10.0}, {"Characteristic Time": 5.0}])
    out = teacup.run_many(params, vars=["Room Temperature", "Characteristic Time"], stop=1)
    assert out.loc[(0, 0.0)].tolist() == [10.0, 10.0]
    assert out.loc[(1, 0.0)].tolist() == [70.0, 5.0]


def test_an_empty_ensemble_has_the_columns_and_no_rows(teacup):
    out = teacup.run_many([], vars=["Teacup Temperature"])
    assert list(out.columns) == ["Teacup Temperature"] and len(out) == 0


def test_same_seed_same_frame_on_one_and_two_threads(noisy):
    params = [{"growth rate": 0.01 * (i % 7)} for i in range(200)]
    one = noisy.run_many(params, seed=42, threads=1)
    two = noisy.run_many(params, seed=42, threads=2)
    pd.testing.assert_frame_equal(one, two)
    # Run i is seeded with seed + i: the same as a single run with that seed.
    single = noisy.run(params[5], seed=47)
    np.testing.assert_array_equal(one.loc[5].to_numpy(), single.to_numpy())
    # And the seed matters, so the comparison above could fail.
    other = noisy.run_many(params, seed=43, threads=2)
    assert not one.equals(other)


def test_ctrl_c_stops_a_long_run_many(teacup):
    # Far more work than the test could wait for: if the interrupt did not stop the runs, the
    # watchdog below would end the process with a traceback.
    params = [{"Room Temperature": float(i % 100)} for i in range(200_000)]
    faulthandler.dump_traceback_later(120, exit=True)
    timer = threading.Timer(0.5, _thread.interrupt_main)
    try:
        timer.start()
        started = time.monotonic()
        with pytest.raises(KeyboardInterrupt):
            teacup.run_many(params, vars="Teacup Temperature", dt=1e-4, save_step=30, threads=2)
        assert time.monotonic() - started < 60
    finally:
        timer.cancel()
        faulthandler.cancel_dump_traceback_later()
    # The model is usable afterwards.
    assert teacup.run(stop=1).shape[0] == 9
