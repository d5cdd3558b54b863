"""MapState: one plain, immutable value for what the map shows.

The window edits a MapState, and the web map, the wall display and the briefing all render
from one. Saved as JSON it is a *view preset*; the command line takes it as a file. The JSON
carries a format ``version`` so that presets saved today still open after the format changes:
an older file is upgraded step by step through ``migrations.MIGRATIONS``, and a file from a newer
application is refused with a message saying so.

Every value is checked when it is built, so a MapState that exists is valid; problems raise
:class:`MapStateError` naming the key path (``filters.checkpoint_tiers``) and the bad value.
"""

from layers.map_state.checks import MapStateError
from layers.map_state.migrations import MAPSTATE_VERSION
from layers.map_state.value import (
    AUDIENCES,
    BASEMAP_DATUMS,
    DEFAULT_VISIBLE_LAYERS,
    MAX_ZOOM,
    VILLAGE_FILLS,
    Filters,
    MapState,
    PlannedSite,
    Planning,
    View,
)

__all__ = [
    "AUDIENCES",
    "BASEMAP_DATUMS",
    "DEFAULT_VISIBLE_LAYERS",
    "MAPSTATE_VERSION",
    "MAX_ZOOM",
    "VILLAGE_FILLS",
    "Filters",
    "MapState",
    "MapStateError",
    "PlannedSite",
    "Planning",
    "View",
]
