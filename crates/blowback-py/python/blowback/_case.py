"""Case folders: scenarios, behaviour and claim tests, and exploration of the uncertainties."""

from __future__ import annotations

import html
import os
from typing import Optional, Sequence, Union

import numpy as np
import pandas as pd

from . import _native
from ._model import Model, Vars, _loop_frame, _scores_frame, _vars


class Case:
    """A case folder (model, scenarios.toml, tests.toml, claims.toml, uncertainties.toml, ...),
    read and checked once: every name each file uses is checked against the model.

    Raises :class:`blowback.CaseError` (or :class:`blowback.ModelError` for the model) with the
    located problem, as the CLI shows it.
    """

    def __init__(self, path: Union[str, os.PathLike]) -> None:
        self._native = _native.load_case(os.fspath(path))
        self._model: Optional[Model] = None

    @property
    def path(self) -> str:
        """The case folder."""
        return self._native.path

    @property
    def model(self) -> Model:
        """The case's model, to run with parameters of your own."""
        if self._model is None:
            self._model = Model(self._native.model())
        return self._model

    @property
    def scenarios(self) -> pd.DataFrame:
        """The scenarios in file order: a DataFrame indexed by name with their description."""
        rows = self._native.scenarios()
        return pd.DataFrame(rows, columns=["scenario", "description"]).set_index("scenario")

    @property
    def readme(self) -> Optional[str]:
        """The case's README.md, if it has one."""
        return self._native.readme()

    def run(self, *, seed: Optional[int] = None) -> pd.DataFrame:
        """Run every scenario and return the comparison table: one row per scenario, one column
        per key outcome (``df.attrs["outcomes"]`` says which variable, statistic and window)."""
        outcomes, rows, _ = self._native.run([], seed)
        labels = [o[0] for o in outcomes]
        table = pd.DataFrame(
            [[np.nan if v is None else v for v in values] for _, values in rows],
            index=pd.Index([name for name, _ in rows], name="scenario"),
            columns=pd.Index(labels, name="outcome"),
        )
        table.attrs["outcomes"] = {
            label: {"variable": var, "stat": stat, "from": start, "to": end}
            for label, var, stat, start, end in outcomes
        }
        return table

    def series(self, vars: Vars = None, *, seed: Optional[int] = None) -> pd.DataFrame:
        """Every scenario's run: rows indexed by ``(scenario, time)``, one column per variable
        (``vars`` to choose them)."""
        _, _, runs = self._native.run(_vars(vars), seed)
        frames = []
        for scenario, times, names, columns in runs:
            t = np.frombuffer(times, dtype=np.float64)
            data = np.frombuffer(columns, dtype=np.float64).reshape(len(names), len(t))
            frames.append(
                pd.DataFrame(
                    data.T.copy(),
                    index=pd.MultiIndex.from_product([[scenario], t], names=["scenario", "time"]),
                    columns=pd.Index(names, name="variable"),
                )
            )
        return self.model._attrs(pd.concat(frames))

    def check(self) -> pd.DataFrame:
        """Run the behaviour tests (tests.toml) and the claimed links' polarity tests
        (claims.toml): one row per test with its status (PASS, FAIL, STRUCT), whether that is
        what the case expects, and the detail."""
        behaviour, polarity = self._native.check()
        rows = [("behaviour", *r) for r in behaviour] + [("polarity", *r) for r in polarity]
        return pd.DataFrame(rows, columns=["kind", "test", "status", "as_expected", "detail"])

    def loops(
        self, scenario: Optional[str] = None, *, max_loops: int = 10_000, max_length: Optional[int] = None
    ) -> pd.DataFrame:
        """The feedback loops under ``scenario`` (default the first), with the names loops.toml
        gives them: one row per loop (name, polarity, kind, length, variables).
        ``df.attrs["unbuilt"]`` lists named loops that could not be built, and why."""
        (rows, _, _, _), unbuilt = self._native.loops(scenario, max_loops, max_length)
        frame = _loop_frame(rows)
        frame.attrs["unbuilt"] = dict(unbuilt)
        return frame

    def loop_scores(
        self,
        scenario: Optional[str] = None,
        *,
        relative: bool = True,
        max_loops: int = 10_000,
        max_length: Optional[int] = None,
    ) -> pd.DataFrame:
        """Loops That Matter scores under ``scenario``: one row per time, one column per loop
        as :meth:`loops` numbers them (``df.attrs["loops"]`` describes them)."""
        (rows, times, scores, relative_scores), _ = self._native.loops(scenario, max_loops, max_length)
        return _scores_frame(rows, times, relative_scores if relative else scores)

    def explore(
        self,
        method: Optional[str] = None,
        samples: Optional[int] = None,
        seed: Optional[int] = None,
        *,
        scenarios: Optional[Sequence[str]] = None,
        threads: Optional[int] = None,
    ) -> "Exploration":
        """Sample the case's uncertainties (uncertainties.toml) and run every experiment under
        each scenario, in parallel with the GIL released (Ctrl-C stops it).

        ``method`` is ``"mc"``, ``"lhs"``, ``"sobol"`` (Saltelli's design), ``"morris"`` or
        ``"factorial"``; ``samples`` and ``seed`` default to the file's ``[explore]`` settings.
        The same seed gives the same experiments and outcomes whatever the thread count.
        """
        raw = self._native.explore(
            method, samples, seed, None if scenarios is None else list(scenarios), threads
        )
        return Exploration(*raw)

    def __repr__(self) -> str:
        return f"<blowback.Case {self.path!r}: {len(self.scenarios)} scenarios>"

    def _repr_html_(self) -> str:
        return f"<p>{html.escape(repr(self))}</p>" + self.scenarios.to_html()


class Exploration:
    """The result of :meth:`Case.explore`: the experiments, their outcomes, and the Sobol or
    Morris indices when the design allows them."""

    def __init__(self, parameters, points, scenarios, outcomes, values, failures, first_failure, sobol, morris, design):
        n_parameters = len(parameters)
        points = np.frombuffer(points, dtype=np.float64)
        n_experiments = len(points) // n_parameters if n_parameters else 0
        self.design: str = design
        self.failures: int = failures
        self.first_failure: Optional[str] = first_failure
        self.experiments = pd.DataFrame(
            points.reshape(n_experiments, n_parameters),
            index=pd.RangeIndex(n_experiments, name="experiment"),
            columns=pd.Index(parameters, name="parameter"),
        )
        """One row per experiment, one column per sampled parameter."""
        values = np.frombuffer(values, dtype=np.float64)
        self.outcomes = pd.DataFrame(
            values.reshape(n_experiments * len(scenarios), len(outcomes)),
            index=pd.MultiIndex.from_product(
                [range(n_experiments), scenarios], names=["experiment", "scenario"]
            ),
            columns=pd.Index(outcomes, name="outcome"),
        )
        """One row per experiment and scenario, one column per outcome (NaN where a run failed)."""
        index = ["scenario", "outcome", "parameter"]
        self.sobol = pd.DataFrame(
            sobol, columns=index + ["S1", "S1_conf", "ST", "ST_conf"]
        ).set_index(index)
        """First-order and total Sobol indices with 95% bootstrap intervals (Saltelli designs)."""
        self.morris = pd.DataFrame(
            morris, columns=index + ["mu", "mu_star", "sigma", "mu_star_conf"]
        ).set_index(index)
        """Morris elementary-effect measures (Morris designs)."""

    def __repr__(self) -> str:
        return (
            f"<blowback.Exploration {self.design}: {len(self.experiments)} experiments x "
            f"{self.outcomes.index.get_level_values('scenario').nunique()} scenarios, "
            f"{self.failures} failed runs>"
        )

    def _repr_html_(self) -> str:
        return f"<p>{html.escape(repr(self))}</p>" + self.outcomes.describe().to_html()
