"""What a view of one dataset keeps between redraws, so that a filter change stays cheap.

A filter change redraws the map many times while the dataset and the as-of day stay the
same. What the filters read does not change with them, and computing it again costs far more
than filtering: the situation of every layer on the as-of day (who is under observation, which
points are overdue) and the planning context (the road network, its entries, coverage
distances). The map view, the planning panel and a briefing each keep one
:class:`DerivedCache` and hand it to :func:`layers.page_model.page_model` and
:func:`layers.planning.overlay.context_for`; each entry is kept with the key it was computed
for and is used only while that key holds. A cache belongs to one dataset: when the dataset
changes (an edit, another file), its owner starts a new one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from layers.planning.coverage import PlanningContext
    from layers.planning.options import PlanningOptions


@dataclass
class DerivedCache:
    """Results derived from one dataset, each with the key it holds for.

    Attributes
    ----------
    as_of
        The as-of time the ``situations`` are for (``None``: none kept yet).
    situations
        Layer name -> its situation frame on ``as_of`` (:mod:`layers.situation`).
    planning_key
        The planning options and as-of time the ``planning_context`` is for.
    planning_context
        The :class:`~layers.planning.coverage.PlanningContext` last built.
    page
        What :func:`layers.page_model.page_model` keeps for this dataset, under keys of its
        own (each layer's ids; the day-dependent properties with the day they are for).
    """

    as_of: pd.Timestamp | None = None
    situations: dict[str, pd.DataFrame] = field(default_factory=dict)
    planning_key: tuple[PlanningOptions, str] | None = None
    planning_context: PlanningContext | None = None
    page: dict = field(default_factory=dict)

    def situations_on(self, as_of: pd.Timestamp) -> dict[str, pd.DataFrame] | None:
        """The situations kept for ``as_of``; None when those kept are for another time."""
        if self.as_of is None or self.as_of != as_of:
            return None
        return self.situations

    def keep_situations(self, as_of: pd.Timestamp, situations: dict[str, pd.DataFrame]) -> None:
        self.as_of, self.situations = as_of, situations

    def planning_for(self, key: tuple[PlanningOptions, str]) -> PlanningContext | None:
        """The planning context kept for ``key``; None when the one kept is for another."""
        return self.planning_context if self.planning_key == key else None

    def keep_planning(self, key: tuple[PlanningOptions, str], context: PlanningContext) -> None:
        self.planning_key, self.planning_context = key, context


def carried_over(old: np.ndarray, patch: tuple[np.ndarray, np.ndarray], fresh: np.ndarray, axis: int = 0) -> np.ndarray:
    """Per-row values of a frame patched from another (:func:`geodata.stores.gpkg_changes.patch_of`
    gives ``patch``: the rows it replaced in the old frame, where the rows it read are in the new),
    from the old frame's ``old`` and ``fresh``, the values worked out for the rows read alone.
    Every other row kept its place in order, so its value is carried over: one household
    changed among a million is worked out alone, not with the million."""
    old_rows, new_rows = patch
    length = old.shape[axis] - len(old_rows) + len(new_rows)
    rows_first = np.moveaxis(old, axis, 0)
    if np.array_equal(old_rows, new_rows):
        out = old.copy()  # rows changed in place: none came or went
    else:
        kept_old = np.ones(old.shape[axis], dtype=bool)
        kept_old[old_rows] = False
        kept_new = np.ones(length, dtype=bool)
        kept_new[new_rows] = False
        shape = list(old.shape)
        shape[axis] = length
        out = np.empty(shape, dtype=np.result_type(old, fresh))
        np.moveaxis(out, axis, 0)[kept_new] = rows_first[kept_old]
    np.moveaxis(out, axis, 0)[new_rows] = np.moveaxis(fresh, axis, 0)
    return out
