"""Models: :func:`load` reads and compiles a model once; :class:`Model` runs it into DataFrames."""

from __future__ import annotations

import html
import os
from typing import Any, Iterable, Mapping, Optional, Sequence, Union

import numpy as np
import pandas as pd

from . import _native

# A parameter is a number (a constant, or a stock's initial value) or the points of a graphical
# function: a pandas Series (x in the index), a mapping of x to y, or (x, y) pairs.
Value = Union[float, "pd.Series", Mapping[float, float], Sequence[Sequence[float]]]
Params = Optional[Mapping[str, Value]]
Vars = Optional[Union[str, Sequence[str]]]


def load(path: Union[str, os.PathLike], *, data: Sequence[Union[str, os.PathLike]] = ()) -> "Model":
    """Read and compile a model file once.

    ``path`` is an XMILE file (``.xmile``, ``.stmx``, ``.itmx``, ``.xml``) or a Vensim ``.mdl``
    file, chosen by the extension. ``data`` are CSV files giving the data variables that have no
    equation (the CLI's ``run --data``). Data files a ``.mdl`` model names are read relative to
    the model's folder.

    Raises :class:`blowback.ModelError` with every located problem when the file does not read
    or compile, and ``FileNotFoundError`` (an ``OSError``) when it cannot be opened.
    """
    return Model(_native.load_model(os.fspath(path), [os.fspath(d) for d in data]))


def loads(text: str, *, name: str = "model.xmile") -> "Model":
    """Compile a model from its text; ``name``'s extension picks the format (``.mdl`` or XMILE)."""
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, got {type(text).__name__}")
    return Model(_native.load_model_text(text, name))


def _frame(times: bytes, names: list, columns: bytes) -> pd.DataFrame:
    time_values = np.frombuffer(times, dtype=np.float64)
    data = np.frombuffer(columns, dtype=np.float64).reshape(len(names), len(time_values))
    return pd.DataFrame(
        data.T.copy(), index=pd.Index(time_values, name="time"), columns=pd.Index(names, name="variable")
    )


def _vars(vars: Vars) -> Optional[list]:
    if vars is None:
        return None
    if isinstance(vars, str):
        return [vars]
    names = list(vars)
    for name in names:
        if not isinstance(name, str):
            raise TypeError(f"vars must be variable names (str), got {type(name).__name__}")
    return names


class Model:
    """A compiled model. Create one with :func:`blowback.load`.

    A model is immutable: runs never change it, and :meth:`run_many` shares it between threads.
    """

    def __init__(self, native: "_native.NativeModel") -> None:
        self._native = native
        rows = native.variables()
        self._variables = pd.DataFrame(
            rows, columns=["name", "kind", "units", "doc"]
        ).set_index("name")
        start, stop, dt, save_step, method, time_units = native.sim_specs()
        self._specs = {
            "start": start,
            "stop": stop,
            "dt": dt,
            "save_step": save_step if save_step is not None else dt,
            "method": method,
            "time_units": time_units,
        }

    @property
    def path(self) -> str:
        """The file the model was read from."""
        return self._native.path

    @property
    def variables(self) -> pd.DataFrame:
        """The visible variables: a DataFrame indexed by name with ``kind`` (stock, flow,
        auxiliary, constant, table), ``units`` and ``doc``, in result-column order."""
        return self._variables.copy()

    @property
    def sim_specs(self) -> dict:
        """The model's own time settings: start, stop, dt, save_step, method, time_units."""
        return dict(self._specs)

    @property
    def warnings(self) -> list:
        """Warnings the reader and compiler gave, each located in the file."""
        return list(self._native.warnings)

    def default_value(self, name: str) -> Optional[float]:
        """The value a constant (or a stock's initial value) has when no parameter sets it."""
        return self._native.default_value(name)

    def _attrs(self, frame: pd.DataFrame) -> pd.DataFrame:
        known = self._variables
        names = [n for n in frame.columns.get_level_values(-1).unique() if n in known.index]
        frame.attrs["units"] = {n: known.at[n, "units"] for n in names}
        frame.attrs["docs"] = {n: known.at[n, "doc"] for n in names}
        frame.attrs["kinds"] = {n: known.at[n, "kind"] for n in names}
        frame.attrs["time_units"] = self._specs["time_units"]
        frame.attrs["model"] = self.path
        return frame

    def run(
        self,
        params: Params = None,
        *,
        vars: Vars = None,
        start: Optional[float] = None,
        stop: Optional[float] = None,
        dt: Optional[float] = None,
        method: Optional[str] = None,
        seed: Optional[int] = None,
        save_step: Optional[float] = None,
    ) -> pd.DataFrame:
        """Run the model once and return its results, one row per saved time.

        ``params`` maps constants (or stocks, for their initial value) to numbers: a dict or a
        pandas Series. A graphical function takes new points instead of a number: a Series
        (x in the index, y as values), a dict of x to y, or a list of ``(x, y)`` pairs (or a
        two-column array), x non-decreasing; the function keeps its interpolation. ``vars`` limits the columns (a name or a list; default every visible
        variable). ``start``, ``stop``, ``dt``, ``save_step`` and ``method`` (``"euler"``,
        ``"rk2"``, ``"rk4"``) replace the model's settings; ``seed`` seeds the random functions.

        The DataFrame is indexed by ``time``; ``df.attrs`` holds ``units``, ``docs`` and
        ``kinds`` per column, ``time_units`` and ``model``.

        Raises ``TypeError`` for a value that is neither a number nor points,
        :class:`UnknownNameError` (a ``KeyError``) for a name the model lacks (or points given to
        a variable that is not a graphical function), :class:`ParameterError` (a ``ValueError``)
        for a value out of range, :class:`SimulationError` when a variable becomes NaN.
        """
        times, names, columns = self._native.run(
            params, _vars(vars), start, stop, dt, method, seed, save_step
        )
        return self._attrs(_frame(times, names, columns))

    def run_many(
        self,
        params: Union[pd.DataFrame, Iterable[Mapping[str, Value]]],
        *,
        vars: Vars = None,
        start: Optional[float] = None,
        stop: Optional[float] = None,
        dt: Optional[float] = None,
        method: Optional[str] = None,
        seed: Optional[int] = None,
        save_step: Optional[float] = None,
        threads: Optional[int] = None,
        format: str = "long",
    ) -> pd.DataFrame:
        """Run the model once per parameter set, in parallel on all cores (or ``threads``).

        ``params`` is a DataFrame (one run per row, one column per parameter; its index labels
        the runs; a missing value, NaN, keeps the model's own) or a list of mappings. The other
        settings apply to every run; run ``i`` seeds
        its random functions with ``seed + i``, so results do not depend on the thread count.

        ``format="long"`` gives rows indexed by ``(run, time)`` and one column per variable;
        ``format="wide"`` rows indexed by ``time`` and columns ``(run, variable)``.

        The GIL is released while the runs go; Ctrl-C stops them between runs and raises
        ``KeyboardInterrupt``. Errors are those of :meth:`run`, naming the run.
        """
        if format not in ("long", "wide"):
            raise ValueError(f'format must be "long" or "wide", got {format!r}')
        if isinstance(params, pd.DataFrame):
            labels = params.index
            records = [
                {name: value for name, value in zip(params.columns, row) if not _missing(value)}
                for row in params.itertuples(index=False, name=None)
            ]
            for name in params.columns:
                if not isinstance(name, str):
                    raise TypeError(f"parameter names must be strings, got {type(name).__name__}")
        elif isinstance(params, Mapping) or isinstance(params, (str, bytes)):
            raise TypeError("params must be a DataFrame or a list of mappings, one per run")
        else:
            records = list(params)
            labels = pd.RangeIndex(len(records))
        times, names, data = self._native.run_many(
            records, _vars(vars), start, stop, dt, method, seed, save_step, threads
        )
        time_values = np.frombuffer(times, dtype=np.float64)
        n_runs, n_vars, n_times = len(records), len(names), len(time_values)
        cube = np.frombuffer(data, dtype=np.float64).reshape(n_runs, n_vars, n_times)
        run_index = pd.Index(labels, name=labels.name or "run")
        if format == "long":
            index = pd.MultiIndex.from_product([run_index, time_values], names=[run_index.name, "time"])
            values = cube.transpose(0, 2, 1).reshape(n_runs * n_times, n_vars)
            frame = pd.DataFrame(values, index=index, columns=pd.Index(names, name="variable"))
        else:
            columns = pd.MultiIndex.from_product([run_index, names], names=[run_index.name, "variable"])
            values = cube.transpose(2, 0, 1).reshape(n_times, n_runs * n_vars)
            frame = pd.DataFrame(values, index=pd.Index(time_values, name="time"), columns=columns)
        return self._attrs(frame)

    def loops(
        self, params: Params = None, *, max_loops: int = 10_000, max_length: Optional[int] = None
    ) -> pd.DataFrame:
        """The feedback loops, shortest first: one row per loop with its name (from the case's
        loops.toml, else none), polarity (from the run with ``params``), kind (reinforcing or
        balancing), length and variables. ``max_length`` bounds the search on large models."""
        rows = self._native.loops(params, max_loops, max_length)
        return _loop_frame(rows)

    def loop_scores(
        self,
        params: Params = None,
        *,
        relative: bool = True,
        max_loops: int = 10_000,
        max_length: Optional[int] = None,
    ) -> pd.DataFrame:
        """Loops That Matter scores over the run with ``params``: one row per time, one column
        per loop (as :meth:`loops` numbers them). ``relative`` scores lie in [-1, 1] and say
        which loop dominates; otherwise the absolute scores."""
        rows, times, scores, relative_scores = self._native.loop_scores(params, max_loops, max_length)
        return _scores_frame(rows, times, relative_scores if relative else scores)

    def __repr__(self) -> str:
        s = self._specs
        return (
            f"<blowback.Model {self.path!r}: {len(self._variables)} variables, "
            f"time {s['start']:g} to {s['stop']:g} by {s['dt']:g} ({s['method']})>"
        )

    def _repr_html_(self) -> str:
        return f"<p>{html.escape(repr(self))}</p>" + self._variables.to_html(max_rows=40)


def _loop_frame(rows: list) -> pd.DataFrame:
    frame = pd.DataFrame(
        [(i, name, polarity, kind, len(variables), " -> ".join(variables)) for i, name, polarity, kind, variables in rows],
        columns=["loop", "name", "polarity", "kind", "length", "variables"],
    )
    return frame.set_index("loop")


def _scores_frame(rows: list, times: bytes, scores: bytes) -> pd.DataFrame:
    t = np.frombuffer(times, dtype=np.float64)
    data = np.frombuffer(scores, dtype=np.float64)
    frame = pd.DataFrame(
        data.reshape(len(rows), len(t)).T.copy(),
        index=pd.Index(t, name="time"),
        columns=pd.Index([r[0] for r in rows], name="loop"),
    )
    frame.attrs["loops"] = _loop_frame(rows)
    return frame


def _missing(value: Any) -> bool:
    # A DataFrame built from records with different keys holds NaN where a run sets nothing.
    return isinstance(value, float) and value != value
