"""Bad input from Python raises a clear exception and never crashes the interpreter."""

import math

import pandas as pd
import pytest

import blowback
from conftest import TEACUP


def test_unknown_parameter_is_a_key_error_with_a_suggestion(teacup):
    with pytest.raises(blowback.UnknownNameError) as info:
        teacup.run({"Room Temperatur": 20})
    assert isinstance(info.value, KeyError)
    message = str(info.value)
    assert "Room Temperatur" in message and "did you mean `Room Temperature`" in message


def test_unknown_output_variable(teacup):
    with pytest.raises(KeyError, match="Teacup Temp"):
        teacup.run(vars=["Teacup Temp"])


@pytest.mark.parametrize(
    "params, fragment",
    [
        ({"Room Temperature": "warm"}, "expected a number, got str 'warm'"),
        ({"Room Temperature": None}, "expected a number, got NoneType"),
        ({"Room Temperature": [1, 2]}, "expected a number, or (x, y) points for a graphical function, got list [1, 2]"),
        ({3: 1.0}, "parameter names must be strings, got int"),
        ([("Room Temperature", 1.0)], "params must be a mapping"),
        ("Room Temperature", "params must be a mapping"),
    ],
)
def test_wrong_types_are_type_errors(teacup, params, fragment):
    with pytest.raises(TypeError) as info:
        teacup.run(params)
    assert fragment in str(info.value)


@pytest.mark.parametrize(
    "kwargs, fragment",
    [
        ({"params": {"Room Temperature": math.nan}}, "is NaN; give a finite number"),
        ({"params": {"Room Temperature": math.inf}}, "is inf; give a finite number"),
        ({"dt": 0}, "dt is 0; it must be greater than 0"),
        ({"dt": -0.5}, "must be greater than 0"),
        ({"save_step": 0}, "save_step is 0"),
        ({"start": 10, "stop": 5}, "invalid time settings"),
        ({"stop": math.inf}, "stop is inf"),
        ({"seed": -1}, "seed -1 is out of range"),
        ({"seed": 2**64}, "out of range"),
        ({"method": "rk45"}, 'unknown method `rk45`; use "euler", "rk2" or "rk4"'),
        ({"params": {"Heat Loss to Room": 1.0}}, "computed from other variables"),
    ],
)
def test_values_out_of_range_are_value_errors(teacup, kwargs, fragment):
    with pytest.raises(blowback.ParameterError) as info:
        teacup.run(**kwargs)
    assert isinstance(info.value, ValueError)
    assert fragment in str(info.value)


def test_wrong_setting_types(teacup):
    with pytest.raises(TypeError):
        teacup.run(dt="small")
    with pytest.raises(TypeError, match="seed must be an integer, got float"):
        teacup.run(seed=1.5)
    with pytest.raises(TypeError, match="vars must be variable names"):
        teacup.run(vars=[1])


def test_a_run_that_blows_up_names_the_variable_and_time(teacup):
    # A characteristic time of 0 divides by zero in the first step.
    with pytest.raises(blowback.SimulationError) as info:
        teacup.run({"Characteristic Time": 0.0})
    assert "Heat Loss to Room" in str(info.value) and "at time 0" in str(info.value)


def test_broken_model_file_reports_file_line_column_text_and_hint(tmp_path):
    text = (TEACUP / "teacup.xmile").read_text()
    broken = text.replace(
        "<eqn>(Teacup_Temperature-Room_Temperature)/Characteristic_Time</eqn>",
        "<eqn>(Teacup_Temperature-Room_Temperature)/Characteristic_Tme</eqn>",
    )
    assert broken != text
    path = tmp_path / "broken.xmile"
    path.write_text(broken)
    with pytest.raises(blowback.ModelError) as info:
        blowback.load(path)
    message = str(info.value)
    line = 1 + broken[: broken.index("Characteristic_Tme")].count("\n")
    assert f"broken.xmile:{line}:" in message
    assert "Characteristic_Tme" in message
    assert "^" in message
    assert "help: did you mean `characteristic_time`?" in message


def test_broken_mdl_file(tmp_path):
    path = tmp_path / "broken.mdl"
    path.write_text("x = 1 +\n~ ~ |\n")
    with pytest.raises(blowback.ModelError, match="broken.mdl:1:"):
        blowback.load(path)


def test_missing_and_non_model_files(tmp_path):
    with pytest.raises(FileNotFoundError):
        blowback.load(tmp_path / "nothing.xmile")
    (tmp_path / "notes.xmile").write_bytes(b"\x00\x01 not xml")
    with pytest.raises(blowback.ModelError):
        blowback.load(tmp_path / "notes.xmile")
    with pytest.raises(TypeError):
        blowback.loads(b"<xmile/>")


def test_run_many_errors_name_the_run(teacup):
    with pytest.raises(TypeError, match="run 1: parameter `Room Temperature`: expected a number"):
        teacup.run_many([{"Room Temperature": 1}, {"Room Temperature": "x"}])
    with pytest.raises(blowback.SimulationError, match="run 2: "):
        teacup.run_many([{"Characteristic Time": t} for t in (1.0, 2.0, 0.0, 4.0)])
    with pytest.raises(ValueError, match="threads must be at least 1"):
        teacup.run_many([{}], threads=0)
    with pytest.raises(ValueError, match='format must be "long" or "wide"'):
        teacup.run_many([{}], format="tall")
    with pytest.raises(TypeError, match="DataFrame or a list of mappings"):
        teacup.run_many({"Room Temperature": 1.0})
    with pytest.raises(TypeError, match="parameter names must be strings"):
        teacup.run_many(pd.DataFrame({0: [1.0]}))


def test_the_interpreter_survives_every_error(teacup):
    # After all of the above, the model still runs.
    assert teacup.run(vars="Teacup Temperature").shape == (241, 1)
