"""Edits as values: what one change to one feature was, applied and undone exactly.

An :class:`Edit` holds a feature's whole record before and after the change, so undoing it
is applying :meth:`Edit.inverted`, and applying it to data that changed in the meantime is
noticed instead of silently overwriting the other change (docs/architecture.md, Reliability).
An Edit is checked when it is made: its new record must pass
:func:`geodata.validation.validate_frame`, and its description may not hold a personal value.

>>> edit = close_checkpoint(dataset, "CP07", date(2020, 3, 1))       # doctest: +SKIP
>>> dataset = store.apply_edits([edit], who="指挥部")                  # doctest: +SKIP
>>> dataset = store.apply_edits([edit.inverted()], who="指挥部")       # undo; doctest: +SKIP

Records are plain values, one per schema field plus ``"geometry"``: ``str``, ``int``,
``float``, ``bool``, :class:`datetime.date` for dates, :class:`datetime.datetime` for times,
a shapely geometry, or ``None`` where empty. Columns a layer holds beyond its schema are not
part of a record: an update keeps them, a deleted feature that is added back has them empty.
A row of an event table (:data:`EVENT_LAYERS`) is a record without ``"geometry"``; it is added
or deleted (a quick action and its undo), never updated.
"""

from geodata.editing.apply import apply_to_dataset
from geodata.editing.edits import (
    EVENT_LAYERS,
    FEATURE_LAYERS,
    UPDATABLE_LAYERS,
    ConflictError,
    Edit,
    EditError,
    add_feature,
    delete_feature,
    rebased,
    record_of,
    update_feature,
)
from geodata.editing.journal import journal_frame
from geodata.editing.overwrite import overwrite_edits
from geodata.editing.quick_actions import (
    QUICK_ACTIONS,
    QuickAction,
    close_checkpoint,
    escalate_household,
    mark_disinfected,
    release_household,
)

__all__ = [
    "EVENT_LAYERS",
    "FEATURE_LAYERS",
    "UPDATABLE_LAYERS",
    "Edit",
    "EditError",
    "ConflictError",
    "rebased",
    "overwrite_edits",
    "record_of",
    "add_feature",
    "update_feature",
    "delete_feature",
    "apply_to_dataset",
    "QUICK_ACTIONS",
    "QuickAction",
    "mark_disinfected",
    "release_household",
    "escalate_household",
    "close_checkpoint",
    "journal_frame",
]
