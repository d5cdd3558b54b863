"""From a MapState to the features the map shows.

:func:`select_layers` gives, for each visible layer, its rows, a mask of those shown and their
as-of situation; the page model (:mod:`layers.page_model`) builds on it on every filter change,
so everything is a column-wise mask (no loop over rows). The as-of rules themselves live in
:mod:`layers.situation` and are exported here too.

Selection rules:

- Only the layers in ``state.visible_layers`` appear, in that order.
- ``filters.villages`` selects villages by ``code`` and the point layers (checkpoints,
  households, disinfection points) by their ``village`` field. Roads are never filtered.
- Households not yet started and checkpoints not yet opened on the as-of day are never shown.
- Checkpoints: ``checkpoint_tiers`` by tier, ``checkpoint_statuses`` by status on the day.
- Households: ``household_reasons`` by reason, ``household_statuses`` by status on the day,
  ``observation_days`` (first, last) keeps households under observation on a day in range.
- Disinfection points: ``overdue_only`` keeps the overdue ones.
- The audience is no filter here: the page applies it (a public page holds no household
  points and no personal field; see :mod:`layers.page_model` and :mod:`layers.webmap`).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import NamedTuple

import geopandas as gpd
import numpy as np
import pandas as pd

from geodata.dataset import Dataset, empty_frame
from geodata.schema import LAYERS
from layers.map_state import Filters, MapState
from layers.situation import (
    AsOfError,
    checkpoint_situation,
    disinfection_situation,
    household_situation,
    resolve_as_of,
)

__all__ = [
    "AsOfError",
    "checkpoint_situation",
    "disinfection_situation",
    "household_situation",
    "resolve_as_of",
    "LayerSelection",
    "select_layers",
]


class LayerSelection(NamedTuple):
    """One layer's rows, which of them are shown, and their situation (if the layer has one)."""

    frame: gpd.GeoDataFrame
    shown: np.ndarray
    situation: pd.DataFrame | None


def select_layers(
    dataset: Dataset, state: MapState, situations: dict[str, pd.DataFrame] | None = None
) -> dict[str, LayerSelection]:
    """Per visible layer: its frame, a boolean mask of the rows shown, and its situation
    (None for layers without one). The cheapest form of the filter result, for callers that
    keep their own arrays (the page model compares masks between two states).

    ``situations`` may hold situation frames already computed for this dataset at the
    state's as-of time; they are used instead of computing them again.
    """
    situations = situations or {}
    as_of = None
    selections = {}
    for layer in state.visible_layers:
        # Read without Dataset.__getitem__, which would add an empty frame to the dataset.
        frame = dataset.frames[layer] if layer in dataset else _empty_layer(layer)
        shown = _village_mask(layer, frame, state.filters.villages)
        situation = None
        if layer in _SITUATIONS:
            if as_of is None:
                as_of = resolve_as_of(state, dataset)
            situation_of, mask_of = _SITUATIONS[layer]
            situation = situations.get(layer)
            if situation is None:
                situation = situation_of(frame, as_of, dataset)
            shown = shown & mask_of(frame, situation, state.filters)
        selections[layer] = LayerSelection(frame, shown, situation)
    return selections


@functools.cache
def _empty_layer(layer: str) -> gpd.GeoDataFrame:
    # Built once: making an empty frame costs more than filtering ten thousand rows, and it is
    # only ever read (every selection is a copy).
    return empty_frame(layer)


def _village_mask(layer: str, frame: pd.DataFrame, villages: tuple[str, ...] | None) -> np.ndarray:
    schema = LAYERS[layer]
    village_field = schema.id_field if layer == "villages" else schema.village_field
    if villages is None or village_field is None:
        return np.ones(len(frame), dtype=bool)
    return frame[village_field].isin(villages).to_numpy()


def _checkpoint_mask(frame: pd.DataFrame, situation: pd.DataFrame, filters: Filters) -> np.ndarray:
    return (
        situation["status_on_day"].notna().to_numpy()
        & _in(frame["tier"], filters.checkpoint_tiers)
        & _in(situation["status_on_day"], filters.checkpoint_statuses)
    )


def _household_mask(frame: pd.DataFrame, situation: pd.DataFrame, filters: Filters) -> np.ndarray:
    shown = (
        situation["status_on_day"].notna().to_numpy()
        & _in(frame["reason"], filters.household_reasons)
        & _in(situation["status_on_day"], filters.household_statuses)
    )
    if filters.observation_days is not None:
        first, last = filters.observation_days
        # observation_day is missing unless under observation; read as 0, it is in no range (days start at 1).
        day = situation["observation_day"].to_numpy(dtype="int64", na_value=0)
        shown = shown & (first <= day) & (day <= last)
    return shown


def _disinfection_mask(frame: pd.DataFrame, situation: pd.DataFrame, filters: Filters) -> np.ndarray:
    if filters.overdue_only:
        return situation["overdue"].to_numpy()
    return np.ones(len(frame), dtype=bool)


def _in(column: pd.Series, allowed: tuple[str, ...] | None) -> np.ndarray:
    """Where ``column`` holds one of ``allowed``; everywhere when ``allowed`` is None."""
    if allowed is None:
        return np.ones(len(column), dtype=bool)
    return column.isin(allowed).to_numpy()


# Layer -> (its as-of situation, the rows its filters keep given that situation).
_SITUATIONS: dict[str, tuple[Callable, Callable]] = {
    "checkpoints": (checkpoint_situation, _checkpoint_mask),
    "households": (household_situation, _household_mask),
    "disinfection_points": (disinfection_situation, _disinfection_mask),
}
