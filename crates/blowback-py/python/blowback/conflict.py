"""Conflict analysis by the Graph Model for Conflict Resolution (GMCR).

:func:`analyze` reads a conflict (the TOML format of ``crates/blowback-conflict/FORMAT.md``, or
the JSON model format), finds which states are stable for each decision maker under each
solution concept, and returns the tables as DataFrames.
"""

from __future__ import annotations

import html
import json
import os
from pathlib import Path
from typing import Any, Mapping, Optional, Sequence, Union

import pandas as pd

from . import _native

__all__ = ["analyze", "ConflictAnalysis"]


def analyze(
    conflict: Union[str, os.PathLike, Mapping[str, Any]],
    *,
    concepts: Optional[Sequence[str]] = None,
    horizon: int = 2,
    coalition: Optional[Sequence[str]] = None,
) -> "ConflictAnalysis":
    """Analyse a conflict: a path to a ``.toml`` or ``.json`` file, the text of one, or a dict
    in the JSON model format.

    ``concepts`` (default: Nash, GMR, SMR, SEQ, and SIM for option-form conflicts) are any of
    ``"nash"``, ``"gmr"``, ``"smr"``, ``"seq"``, ``"sim"``, ``"lh"`` (limited move, with
    ``horizon``). ``coalition`` names decision makers to analyse acting together as well.

    Raises :class:`blowback.ConflictError` with the located problem for a file that does not
    read.
    """
    if isinstance(conflict, Mapping):
        text, name = json.dumps(conflict), "conflict.json"
    elif isinstance(conflict, os.PathLike) or (
        isinstance(conflict, str) and "\n" not in conflict and not conflict.lstrip().startswith("{")
    ):
        path = Path(conflict)
        text, name = path.read_text(encoding="utf-8"), str(path)
    elif isinstance(conflict, str):
        text, name = conflict, "conflict.json" if conflict.lstrip().startswith("{") else "conflict.toml"
    else:
        raise TypeError(f"conflict must be a path, a text or a dict, got {type(conflict).__name__}")
    concept_list = None if concepts is None else ",".join(concepts)
    document = _native.analyze_conflict(
        text, name, concept_list, horizon, None if coalition is None else list(coalition)
    )
    return ConflictAnalysis(json.loads(document))


class ConflictAnalysis:
    """The analysis of one conflict.

    ``states`` describes each state; ``stability`` says, per state, whether it is stable for each
    decision maker under each concept; ``equilibria`` whether it is stable for all of them;
    ``rankings`` each decision maker's preference order (most preferred first); ``document``
    the whole analysis as the CLI's ``conflict analyze --json`` writes it.
    """

    def __init__(self, document: dict) -> None:
        self.document = document
        self.name: str = document.get("name", "")
        self.states = pd.DataFrame(document["states"]).set_index("id")
        ids = list(self.states.index)
        stable = document["stable"]
        columns = {}
        for dm, per_concept in stable.items():
            for concept, states in per_concept.items():
                members = set(states)
                columns[(dm, concept)] = [s in members for s in ids]
        self.stability = pd.DataFrame(columns, index=self.states.index)
        self.stability.columns = pd.MultiIndex.from_tuples(
            self.stability.columns, names=["decision maker", "concept"]
        )
        self.equilibria = pd.DataFrame(
            {c: [s in set(states) for s in ids] for c, states in document["equilibria"].items()},
            index=self.states.index,
        )
        self.equilibria.columns.name = "concept"
        self.rankings: dict = document.get("rankings", {})
        self.status_quo: Optional[dict] = document.get("status_quo")

    def __repr__(self) -> str:
        found = {c: int(self.equilibria[c].sum()) for c in self.equilibria.columns}
        return f"<blowback.ConflictAnalysis {self.name!r}: {len(self.states)} states, equilibria {found}>"

    def _repr_html_(self) -> str:
        return f"<p>{html.escape(repr(self))}</p>" + self.equilibria[self.equilibria.any(axis=1)].to_html()
