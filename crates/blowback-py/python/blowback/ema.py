"""blowback as a backend for the EMA Workbench (``pip install ema_workbench``).

:class:`BlowbackModel` is a model EMA's ``perform_experiments`` accepts, with uncertainties,
levers, constants and outcomes (scalar or time series) as EMA defines them; any EMA evaluator
runs it one experiment at a time. :class:`BlowbackEvaluator` runs the experiments of blowback
models in batches through :meth:`blowback.Model.run_many`, in parallel on all cores with the GIL
released, and hands each experiment's outcomes to EMA's callback as EMA's own evaluators do::

    from ema_workbench import RealParameter, TimeSeriesOutcome
    from blowback.ema import BlowbackModel, BlowbackEvaluator

    model = BlowbackModel("teacup", "teacup.xmile")
    model.uncertainties = [RealParameter("Room Temperature", 50, 80)]
    model.outcomes = [TimeSeriesOutcome("Teacup Temperature")]
    with BlowbackEvaluator(model) as evaluator:
        experiments, outcomes = evaluator.perform_experiments(scenarios=1000)

Outcome names are model variable names; ``TIME`` gives the saved times (for time series
outcomes). Categorical parameters must have numeric categories (a model's constants are numbers).
"""

from __future__ import annotations

import os
from typing import Optional, Union

import numpy as np
from ema_workbench.em_framework.evaluators import BaseEvaluator
from ema_workbench.em_framework.experiment_runner import ExperimentRunner
from ema_workbench.em_framework.model import SingleReplication
from ema_workbench.em_framework.points import ExperimentReplication, experiment_generator
from ema_workbench.em_framework.util import NamedObjectMap

from ._model import Model, load

__all__ = ["BlowbackModel", "BlowbackEvaluator"]

TIME = "TIME"


class BlowbackModel(SingleReplication):
    """An EMA Workbench model that runs a blowback model.

    ``model`` is a :class:`blowback.Model` or the path of a model file (XMILE or ``.mdl``).
    ``start``, ``stop``, ``dt``, ``method`` and ``seed`` apply to every experiment (see
    :meth:`blowback.Model.run`); ``name`` must be alphanumeric, as EMA requires.
    """

    def __init__(
        self,
        name: str,
        model: Union[Model, str, os.PathLike],
        *,
        start: Optional[float] = None,
        stop: Optional[float] = None,
        dt: Optional[float] = None,
        method: Optional[str] = None,
        seed: Optional[int] = None,
    ) -> None:
        super().__init__(name)
        self.blowback_model = model if isinstance(model, Model) else load(model)
        self.settings = {"start": start, "stop": stop, "dt": dt, "method": method}
        self.seed = seed

    def _saved_variables(self) -> list:
        # Several outcomes may read one variable: save it once.
        return list(dict.fromkeys(v for v in self.output_variables if v != TIME))

    def run_experiment(self, experiment) -> dict:
        """Run one experiment (EMA's per-experiment path) and return its series by name."""
        df = self.blowback_model.run(
            dict(experiment.items()), vars=self._saved_variables(), seed=self.seed, **self.settings
        )
        return _outputs(df.index.to_numpy(), df)

    def parameters_of(self, experiment) -> dict:
        """The model parameters of an EMA experiment: uncertainties and levers mapped to their
        variables, and the constants, as :meth:`run_model` would set them."""
        scenario = experiment.scenario.copy()
        policy = experiment.policy.copy()
        self._transform(scenario, self.uncertainties)
        self._transform(policy, self.levers)
        constants = {c.name: c.value for c in self.constants}
        return dict(ExperimentReplication(scenario, policy, constants).items())

    def outcomes_of(self, outputs: dict) -> dict:
        """EMA's outcomes (each outcome's ``process`` applied) from one run's series."""
        return {
            outcome.name: outcome.process([outputs[v] for v in outcome.variable_name])
            for outcome in self.outcomes
        }


def _outputs(times: np.ndarray, frame) -> dict:
    outputs = {name: frame[name].to_numpy() for name in frame.columns}
    outputs[TIME] = times
    return outputs


class BlowbackEvaluator(BaseEvaluator):
    """An EMA evaluator that runs the experiments of :class:`BlowbackModel` models in parallel
    batches of ``batch_size`` through :meth:`blowback.Model.run_many` (``threads`` workers;
    default all cores). Experiments of other models run one by one, as EMA's
    ``SequentialEvaluator`` runs them. Results do not depend on the thread count.
    """

    def __init__(self, msis, *, threads: Optional[int] = None, batch_size: int = 2048) -> None:
        super().__init__(msis)
        if batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        self.threads = threads
        self.batch_size = batch_size

    def initialize(self) -> None:
        pass

    def finalize(self) -> None:
        pass

    def evaluate_experiments(self, scenarios, policies, callback, combine="factorial", **kwargs):
        models = NamedObjectMap(SingleReplication)
        models.extend(self._msis)
        batch: list = []
        others = None
        for experiment in experiment_generator(scenarios, self._msis, policies, combine=combine):
            model = models[experiment.model_name]
            if not isinstance(model, BlowbackModel):
                if others is None:
                    others = ExperimentRunner(models)
                callback(experiment, others.run_experiment(experiment))
                continue
            if batch and (batch[-1][0] is not model or len(batch) >= self.batch_size):
                self._run_batch(batch, callback)
                batch = []
            batch.append((model, experiment))
        if batch:
            self._run_batch(batch, callback)
        if others is not None:
            others.cleanup()

    def _run_batch(self, batch: list, callback) -> None:
        model: BlowbackModel = batch[0][0]
        params = [model.parameters_of(experiment) for _, experiment in batch]
        variables = model._saved_variables()
        frame = model.blowback_model.run_many(
            params,
            vars=variables,
            seed=model.seed,
            threads=self.threads,
            format="long",
            **model.settings,
        )
        n_times = len(frame) // len(batch) if batch else 0
        times = frame.index.get_level_values("time").to_numpy()[:n_times]
        values = frame.to_numpy().reshape(len(batch), n_times, len(variables))
        for i, (_, experiment) in enumerate(batch):
            outputs = {name: values[i, :, k] for k, name in enumerate(variables)}
            outputs[TIME] = times
            callback(experiment, model.outcomes_of(outputs))
