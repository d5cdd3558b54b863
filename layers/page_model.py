"""What the map page shows for a MapState, and the smallest update between two of them.

The page holds every feature it may ever show (so a filter change never reloads it). For a
MapState, a :class:`PageModel` says which features are shown, the properties that change with
the as-of date (observation day, stage, freshness, ...), which layers are visible and the
page's texts. :func:`page_update` compares two models and returns only what changed: that is
the message the application sends to the page's update API.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from geodata.dataset import Dataset
from layers.filters import (
    checkpoint_situation,
    disinfection_situation,
    household_situation,
    resolve_as_of,
    shown_ids,
)
from layers.map_state import MapState
from layers.page_text import legend_sections, page_subtitle, page_title, words
from layers.styles import village_fill_class

# The layers a page can hold, bottom to top; households only for the internal audience.
PAGE_LAYERS = ("villages", "roads", "disinfection_points", "households", "checkpoints")


@dataclass(frozen=True)
class PageModel:
    """The page's content for one MapState."""

    layers: tuple[str, ...]
    visible: frozenset[str]
    shown: dict[str, frozenset[str]]
    props: dict[str, pd.DataFrame]  # layer -> properties that depend on the day, by feature id
    texts: dict[str, object] = field(default_factory=dict)


def page_layers(state: MapState) -> tuple[str, ...]:
    """The layers a page for ``state`` holds. Public pages hold no household points: the
    households appear only as counts per village."""
    return tuple(n for n in PAGE_LAYERS if n != "households" or state.audience == "internal")


def page_model(dataset: Dataset, state: MapState, lang: str = "zh") -> PageModel:
    """The :class:`PageModel` of ``state`` over ``dataset``."""
    as_of = resolve_as_of(state, dataset)
    layers = page_layers(state)
    ids = shown_ids(dataset, state)
    props = dynamic_properties(dataset, as_of, state.village_fill)
    present = _present_classes(dataset, ids, props)
    texts = {
        "title": page_title(dataset, state, lang),
        "subtitle": page_subtitle(dataset, as_of, lang),
        "labels": state.labels,
        "legend": legend_sections(layers, state, lang, present),
        "disclaimer": dataset.metadata.get("disclaimer", "") if lang == "zh" else _english(dataset),
        "words": words(lang),
    }
    return PageModel(
        layers=layers,
        visible=frozenset(n for n in state.visible_layers if n in layers),
        shown={n: frozenset(ids.get(n, ())) for n in layers},
        props={n: props[n] for n in layers if n in props},
        texts=texts,
    )


def _present_classes(dataset: Dataset, ids: dict, props: dict[str, pd.DataFrame]) -> dict[str, set[str]]:
    """Per point and line layer, the symbol classes among the features shown."""

    def among_shown(layer: str, values: pd.Series) -> set[str]:
        shown = values[values.index.isin(list(ids.get(layer, ())))]
        return set(shown.dropna().astype(str))

    checkpoints = dataset.checkpoints.set_index("id")
    return {
        "checkpoints": among_shown("checkpoints", checkpoints["tier"])
        | among_shown("checkpoints", props["checkpoints"]["status_on_day"]),
        "households": among_shown("households", props["households"]["stage"]),
        "disinfection_points": among_shown("disinfection_points", props["disinfection_points"]["freshness"]),
        "roads": among_shown("roads", dataset.roads.set_index("id")["road_class"]),
    }


def _english(dataset: Dataset) -> str:
    text = dataset.metadata.get("disclaimer", "")
    # The sample's disclaimer is bilingual, Chinese first; show the English half in English.
    for marker in ("Illustrative", "Sample"):
        if marker in text:
            return text[text.index(marker):]
    return text


def dynamic_properties(dataset: Dataset, as_of: pd.Timestamp, village_fill: str) -> dict[str, pd.DataFrame]:
    """Per layer, the properties that change with the as-of time, indexed by feature id."""
    households = dataset.households
    situation = household_situation(households, as_of)
    household_props = pd.DataFrame(
        {
            "stage": situation["stage"],
            "status_on_day": situation["status_on_day"],
            "observation_day": situation["observation_day"],
            "release_date": _day_text(situation["release_date"]),
        }
    )
    household_props.index = households["id"].to_numpy()

    checkpoints = dataset.checkpoints
    checkpoint_props = pd.DataFrame({"status_on_day": checkpoint_situation(checkpoints, as_of)["status_on_day"]})
    checkpoint_props.index = checkpoints["id"].to_numpy()

    points = dataset.disinfection_points
    fresh = disinfection_situation(points, as_of)
    point_props = pd.DataFrame(
        {
            "freshness": fresh["freshness"],
            "due_at": _time_text(fresh["due_at"]),
            "hours_overdue": fresh["hours_overdue"].round(1),
        }
    )
    point_props.index = points["id"].to_numpy()

    under_observation = households.loc[situation["under_observation"].to_numpy(), "village"].value_counts()
    villages = dataset.villages
    counts = villages["code"].map(under_observation).fillna(0).astype(int)
    village_props = pd.DataFrame(
        {
            "observing_households": counts.to_numpy(),
            "fill_class": [village_fill_class(c, village_fill) for c in counts],
        },
        index=villages["code"].to_numpy(),
    )
    return {
        "villages": village_props,
        "households": household_props,
        "checkpoints": checkpoint_props,
        "disinfection_points": point_props,
        "roads": pd.DataFrame(index=dataset.roads["id"].to_numpy()),
    }


def page_update(old: PageModel | None, new: PageModel) -> dict:
    """The message that turns a page showing ``old`` into one showing ``new``.

    With ``old`` None, the message draws ``new`` on a page that shows nothing yet.
    """
    update: dict = {"layers": {}}
    for name in new.layers:
        change: dict = {}
        was_visible = old is not None and name in old.visible
        if (name in new.visible) != was_visible or old is None:
            change["visible"] = name in new.visible
        before = old.shown.get(name, frozenset()) if old else frozenset()
        after = new.shown[name]
        if after - before:
            change["show"] = sorted(after - before)
        if before - after:
            change["hide"] = sorted(before - after)
        changed = _changed_rows(old.props.get(name) if old else None, new.props.get(name))
        if changed:
            change["props"] = changed
        if change:
            update["layers"][name] = change
    for key, value in new.texts.items():
        if old is None or old.texts.get(key) != value:
            update[key] = value
    return update


def _changed_rows(before: pd.DataFrame | None, after: pd.DataFrame | None) -> dict:
    if after is None or after.columns.empty:
        return {}
    if before is not None and before.columns.equals(after.columns):
        common = after.index.intersection(before.index)
        a = after.loc[common].astype(object)
        b = before.loc[common].astype(object)
        differs = ~((a == b) | (a.isna() & b.isna())).all(axis=1)
        ids = common[differs.to_numpy()].append(after.index.difference(before.index))
        if ids.empty:
            return {}
        after = after.loc[ids]
    return _records(after)


def _records(frame: pd.DataFrame) -> dict:
    """``{id: {column: value}}`` with missing values as None and numpy scalars as Python's."""
    clean = frame.astype(object).where(frame.notna(), None)
    return {
        str(index): {k: (v.item() if isinstance(v, np.generic) else v) for k, v in row.items()}
        for index, row in zip(clean.index, clean.to_dict(orient="records"))
    }


def _day_text(values: pd.Series) -> pd.Series:
    return values.dt.strftime("%Y-%m-%d").astype(object).where(values.notna(), None)


def _time_text(values: pd.Series) -> pd.Series:
    return values.dt.strftime("%Y-%m-%d %H:%M").astype(object).where(values.notna(), None)
