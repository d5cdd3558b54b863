"""The format versions of a saved MapState, and the steps from each to the next.

A view preset saved today must still open after the format changes: an older file is
upgraded step by step through :data:`MIGRATIONS`, and a file from a newer application is
refused with a message saying so.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from geodata.messages import N_, Message
from layers.map_state.checks import MapStateError, describe

MAPSTATE_VERSION = 1

# Format version n -> a function turning a version-n dict (without its "version" key) into a
# version n+1 dict. Empty while 1 is the only version; the first change to the format adds
# the entry for 1 here.
MIGRATIONS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {}


def upgraded(data: dict[str, Any]) -> dict[str, Any]:
    """A copy of ``data``, without its ``version`` key, brought to the current version."""
    data = dict(data)
    version = data.pop("version", 1)
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise MapStateError(
            Message(N_("version: expected a whole number from 1, got {value}"), value=describe(version))
        )
    if version > MAPSTATE_VERSION:
        raise MapStateError(
            Message(
                N_(
                    "version: this view preset has format version {version}, written by a newer "
                    "application; this one reads up to version {latest}"
                ),
                version=version,
                latest=MAPSTATE_VERSION,
            )
        )
    while version < MAPSTATE_VERSION:
        data = MIGRATIONS[version](data)
        version += 1
    return data
