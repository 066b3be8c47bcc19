"""Point processes for event data: Hawkes fits from numpy arrays."""

from __future__ import annotations

import html
from typing import Optional, Sequence

import numpy as np
import pandas as pd

from . import _native

__all__ = ["fit_hawkes", "HawkesFit"]


def fit_hawkes(
    times,
    marks=None,
    start: float = 0.0,
    end: Optional[float] = None,
    *,
    change_points: Sequence[float] = (),
    optimizer: str = "profile",
) -> "HawkesFit":
    """Fit a Hawkes process with an exponential kernel by maximum likelihood.

    ``times`` are event times (numbers, any order) observed on ``[start, end]`` (``end``
    defaults to the last event). ``marks`` (one label per event) give one dimension per distinct
    label, with cross-excitation between them. ``change_points`` split the background rate into
    segments. ``optimizer`` is ``"profile"`` (univariate default), ``"lbfgs"`` or ``"newton"``.

    Raises ``TypeError`` for times that are not numbers and :class:`blowback.FitError` when the
    data cannot be fitted (no events, times outside the window).
    """
    try:
        t = np.asarray(times, dtype=np.float64).ravel()
    except (TypeError, ValueError) as e:
        raise TypeError(f"times must be numbers: {e}") from None
    if marks is None:
        labels, codes = ["events"], np.zeros(len(t), dtype=np.int64)
    else:
        marks = np.asarray(marks).ravel()
        if len(marks) != len(t):
            raise ValueError(f"{len(t)} times but {len(marks)} marks")
        unique, codes = np.unique(marks, return_inverse=True)
        labels = [str(u) for u in unique]
    if end is None:
        if len(t) == 0:
            raise ValueError("no events: give end to fit an empty window, or some times")
        end = float(np.nanmax(t))
    order = np.argsort(t, kind="stable")
    fitted = _native.fit_hawkes(
        (t[order] - start).tolist(),
        codes[order].astype(np.int64).tolist(),
        len(labels),
        float(end) - start,
        [float(c) - start for c in change_points],
        optimizer,
    )
    return HawkesFit(fitted, labels)


class HawkesFit:
    """A fitted Hawkes process: background rates ``mu`` (marks x segments), the branching
    matrix ``adjacency`` (``adjacency.loc[i, j]``: expected ``i`` events triggered by one ``j``
    event), the decay ``beta``, standard errors, likelihoods against a Poisson process, and a
    time-rescaling Kolmogorov-Smirnov test."""

    def __init__(self, fitted: dict, labels: list) -> None:
        self.labels = labels
        self.mu = pd.DataFrame(fitted["mu"], index=pd.Index(labels, name="mark"))
        self.mu.columns.name = "segment"
        self.adjacency = pd.DataFrame(
            fitted["adjacency"], index=pd.Index(labels, name="triggered"), columns=pd.Index(labels, name="by")
        )
        self.beta: float = fitted["beta"]
        self.standard_errors = {
            "mu": pd.DataFrame(fitted["se_mu"], index=self.mu.index),
            "adjacency": pd.DataFrame(fitted["se_adjacency"], index=self.adjacency.index, columns=self.adjacency.columns),
            "beta": fitted["se_beta"],
        }
        self.log_likelihood: float = fitted["log_likelihood"]
        self.aic: float = fitted["aic"]
        self.poisson_log_likelihood: float = fitted["poisson_log_likelihood"]
        self.poisson_aic: float = fitted["poisson_aic"]
        self.branching_ratio: float = fitted["branching_ratio"]
        self.ks_statistic: float = fitted["ks_statistic"]
        self.ks_p_value: float = fitted["ks_p_value"]
        self.n_events = pd.Series(fitted["n_events"], index=self.mu.index, name="events")
        self.iterations: int = fitted["iterations"]

    def summary(self) -> pd.Series:
        """The scalar results in one Series."""
        return pd.Series(
            {
                "beta": self.beta,
                "branching_ratio": self.branching_ratio,
                "log_likelihood": self.log_likelihood,
                "aic": self.aic,
                "poisson_aic": self.poisson_aic,
                "ks_statistic": self.ks_statistic,
                "ks_p_value": self.ks_p_value,
                "events": int(self.n_events.sum()),
            }
        )

    def __repr__(self) -> str:
        return (
            f"<blowback.HawkesFit {int(self.n_events.sum())} events, {len(self.labels)} marks: "
            f"branching ratio {self.branching_ratio:.3f}, beta {self.beta:.4g}, "
            f"AIC {self.aic:.1f} (Poisson {self.poisson_aic:.1f})>"
        )

    def _repr_html_(self) -> str:
        return f"<p>{html.escape(repr(self))}</p>" + self.summary().to_frame("value").to_html()
