"""Plain answers about features that the window's forms, panels and dialogs share.

Qt-free, so they are tested without a display and used by any part of ``desktop/`` without
one widget importing another.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

import geopandas as gpd
from shapely.geometry import Point

from geodata.schema import schema_for
from layers.i18n import _, language


def layer_label(layer: str) -> str:
    """The name of layer (or table) ``layer`` as the user knows it, in the language in use."""
    schema = schema_for(layer)
    return schema.label(language())


def edit_text(action: str, layer: str, feature_id: str = "") -> str:
    """What the Edit menu calls an edit, translated (also the form's title).

    Parameters
    ----------
    action : str
        ``"new"`` (the form's title for an add: no id), ``"add"``, ``"edit"``, ``"move"`` or
        ``"delete"``.
    layer : str
        One of the editable point layers.
    feature_id : str
        The feature's id.
    """
    texts = {
        "checkpoints": {
            "new": _("New checkpoint"),
            "add": _("Add checkpoint {id}"),
            "edit": _("Edit checkpoint {id}"),
            "move": _("Move checkpoint {id}"),
            "delete": _("Delete checkpoint {id}"),
        },
        "households": {
            "new": _("New household"),
            "add": _("Add household {id}"),
            "edit": _("Edit household {id}"),
            "move": _("Move household {id}"),
            "delete": _("Delete household {id}"),
        },
        "disinfection_points": {
            "new": _("New disinfection point"),
            "add": _("Add disinfection point {id}"),
            "edit": _("Edit disinfection point {id}"),
            "move": _("Move disinfection point {id}"),
            "delete": _("Delete disinfection point {id}"),
        },
    }
    return texts[layer][action].format(id=feature_id)


def next_free_id(ids: Iterable[str], prefix: str, width: int) -> str:
    """The id after the highest of ``ids`` in their most common pattern.

    Parameters
    ----------
    ids : iterable of str
        The layer's ids, e.g. ``["CP01", ..., "CP29"]``.
    prefix, width : str, int
        The pattern to use when no id has letters followed by digits.

    Returns
    -------
    str
        e.g. ``"CP30"``; the digits keep the existing ids' width (``"HH051"``).

    Examples
    --------
    >>> next_free_id(["HH001", "HH050", "X"], "HH", 3)
    'HH051'
    """
    ids = [str(i) for i in ids]
    parts = [match.groups() for i in ids if (match := re.fullmatch(r"(\D*)(\d+)", i))]
    if parts:
        prefix = Counter(p for p, _digits in parts).most_common(1)[0][0]
        numbers = [digits for p, digits in parts if p == prefix]
        width, number = max(len(d) for d in numbers), max(int(d) for d in numbers) + 1
    else:
        number = 1
    taken = set(ids)
    while f"{prefix}{number:0{width}d}" in taken:
        number += 1
    return f"{prefix}{number:0{width}d}"


def without_personal_values(message: str, record: dict, schema) -> str:
    """``message`` with any personal value of ``record`` blanked out.

    geodata's messages already leave personal values out; this is the last guard before a
    message reaches the screen, where someone else may be reading over the desk.
    """
    for name in schema.personal_fields:
        value = record.get(name)
        if isinstance(value, str) and value.strip():
            message = message.replace(value.strip(), "…")
    return message


def village_at(villages: gpd.GeoDataFrame, longitude: float, latitude: float) -> str:
    """The name of the village under a point, or "" outside every village.

    Asked at every move of the cursor: the spatial index is the frame's own (``sindex``),
    built on the first question and kept by the frame until its geometry changes.
    """
    hits = villages.sindex.query(Point(longitude, latitude), predicate="intersects")
    return villages["name"].iloc[hits[0]] if len(hits) else ""
