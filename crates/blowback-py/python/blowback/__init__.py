"""blowback from Python: strategic feedback models, run and explored into pandas DataFrames.

>>> import blowback
>>> model = blowback.load("teacup.xmile")          # doctest: +SKIP
>>> df = model.run({"room temperature": 20})        # doctest: +SKIP
>>> df["Teacup Temperature"].plot()                 # doctest: +SKIP

:func:`load` compiles a model once; :meth:`Model.run` and :meth:`Model.run_many` (parallel, GIL
released) return DataFrames indexed by time. :class:`Case` opens a case folder (scenarios, tests,
claims, uncertainties). :mod:`blowback.ema` adapts a model to EMA Workbench.
"""

from ._errors import (
    BlowbackError,
    CaseError,
    ConflictError,
    FitError,
    ModelError,
    ParameterError,
    SimulationError,
    UnknownNameError,
)
from ._case import Case, Exploration
from ._model import Model, load, loads
from . import conflict, events

__all__ = [
    "BlowbackError",
    "Case",
    "CaseError",
    "ConflictError",
    "FitError",
    "conflict",
    "events",
    "Exploration",
    "Model",
    "ModelError",
    "ParameterError",
    "SimulationError",
    "UnknownNameError",
    "load",
    "loads",
]
