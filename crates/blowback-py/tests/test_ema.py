"""EMA Workbench: a small experiment through blowback's batch evaluator and through EMA's own
sequential evaluator, checked against direct model runs."""

import numpy as np
import pytest
from ema_workbench import (
    Constant,
    IntegerParameter,
    RealParameter,
    ScalarOutcome,
    SequentialEvaluator,
    TimeSeriesOutcome,
)

import blowback
from blowback.ema import BlowbackEvaluator, BlowbackModel
from conftest import TEACUP


def teacup_model(model):
    ema = BlowbackModel("teacup", model, stop=20)
    ema.uncertainties = [
        RealParameter("Room Temperature", 50, 80),
        RealParameter("cooling", 5, 15, variable_name="Characteristic Time"),
    ]
    ema.levers = [IntegerParameter("start", 150, 200, variable_name="Teacup Temperature")]
    ema.constants = []
    ema.outcomes = [
        TimeSeriesOutcome("Teacup Temperature"),
        TimeSeriesOutcome("TIME"),
        ScalarOutcome("final", variable_name="Teacup Temperature", function=lambda x: x[-1]),
        ScalarOutcome("peak loss", variable_name="Heat Loss to Room", function=np.max),
    ]
    return ema


def direct(model, experiments, i):
    row = experiments.iloc[i]
    params = {
        "Room Temperature": row["Room Temperature"],
        "Characteristic Time": row["cooling"],
        "Teacup Temperature": row["start"],
    }
    return model.run(params, vars=["Teacup Temperature", "Heat Loss to Room"], stop=20)


def test_batch_evaluator_matches_direct_runs(teacup):
    ema = teacup_model(teacup)
    with BlowbackEvaluator(ema, threads=2, batch_size=16) as evaluator:
        experiments, outcomes = evaluator.perform_experiments(scenarios=40, policies=3)
    assert len(experiments) == 120
    assert outcomes["Teacup Temperature"].shape == (120, 161)
    np.testing.assert_array_equal(outcomes["TIME"][0], np.arange(161) * 0.125)
    for i in (0, 57, 119):
        run = direct(teacup, experiments, i)
        np.testing.assert_array_equal(outcomes["Teacup Temperature"][i], run["Teacup Temperature"].to_numpy())
        assert outcomes["final"][i] == run["Teacup Temperature"].iloc[-1]
        assert outcomes["peak loss"][i] == run["Heat Loss to Room"].max()


def test_emas_own_evaluator_runs_the_model_too():
    ema = teacup_model(blowback.load(TEACUP / "teacup.xmile"))
    with SequentialEvaluator(ema) as evaluator:
        experiments, outcomes = evaluator.perform_experiments(scenarios=10, policies=2)
    with BlowbackEvaluator(ema, threads=1) as evaluator:
        _, batch = evaluator.perform_experiments(scenarios=10, policies=2)
    # Different samples (EMA draws anew), so compare each against its own direct run.
    for i in range(len(experiments)):
        run = direct(ema.blowback_model, experiments, i)
        np.testing.assert_array_equal(outcomes["Teacup Temperature"][i], run["Teacup Temperature"].to_numpy())
    assert batch["final"].shape == outcomes["final"].shape == (20,)


def test_constants_apply_and_bad_parameters_raise(teacup):
    ema = BlowbackModel("withconstant", teacup, stop=20)
    ema.uncertainties = [RealParameter("Room Temperature", 50, 80)]
    ema.levers = [IntegerParameter("start", 150, 200, variable_name="Teacup Temperature")]
    ema.constants = [Constant("Characteristic Time", 1.0)]
    ema.outcomes = [TimeSeriesOutcome("Teacup Temperature")]
    with BlowbackEvaluator(ema) as evaluator:
        experiments, outcomes = evaluator.perform_experiments(scenarios=5, policies=1)
    run = teacup.run(
        {"Room Temperature": experiments["Room Temperature"][0], "Characteristic Time": 1.0,
         "Teacup Temperature": experiments["start"][0]},
        vars="Teacup Temperature", stop=20,
    )
    np.testing.assert_array_equal(outcomes["Teacup Temperature"][0], run["Teacup Temperature"].to_numpy())
    ema = BlowbackModel("typo", teacup)
    ema.uncertainties = [RealParameter("Room Temperatur", 50, 80)]
    ema.outcomes = [TimeSeriesOutcome("Teacup Temperature")]
    with pytest.raises(blowback.UnknownNameError, match="Room Temperatur"):
        with BlowbackEvaluator(ema) as evaluator:
            evaluator.perform_experiments(scenarios=2)
    with pytest.raises(ValueError, match="batch_size"):
        BlowbackEvaluator(ema, batch_size=0)
