"""Overwriting after a conflict: the user's side of a refused save, saved over what is stored.

A save may hold several edits: a quick action's record and the event it appends. When another
desk did the same action on the same feature in the same second, both desks' events got the
same id (it is made of the feature and the moment), and the second desk's save is refused.
Overwriting then must keep both events, as both desks reported one: the record is rebased on
the stored one (:func:`~geodata.editing.rebased`), and the event is added under the next free
id rather than rebased, which would change the other desk's event (events are never changed)
or, where both records agree already, drop this desk's.

>>> try:                                                                 # doctest: +SKIP
...     store.apply_edits(edits, who=desk)
... except ConflictError as conflict:
...     conflict.batch = tuple(edits)
...     store.apply_edits(overwrite_edits(conflict, store.read_all()), who=desk)
"""

from __future__ import annotations

from geodata.dataset import Dataset
from geodata.editing.edits import EVENT_LAYERS, ConflictError, Edit, rebased
from geodata.editing.quick_actions import free_event_id
from geodata.schema import schema_for

__all__ = ["overwrite_edits"]


def overwrite_edits(conflict: ConflictError, dataset: Dataset) -> list[Edit]:
    """The edits that save the refused ``conflict.batch`` over ``dataset``, the data as stored
    now (read again after the refusal).

    Each edit of the batch is, in order: an event added, under its id when still free, else
    under the next free one (``-2``, ``-3``…) of ``dataset``; the refused edit, rebased on
    ``conflict.current``, the record the store held when it refused (left out when that is
    the user's record already); any other edit as made.

    Raises
    ------
    EditError
        From :func:`~geodata.editing.rebased`: the refused edit cannot be made again (a feature
        of a layer that cannot be added back is gone).
    """
    edits: list[Edit] = []
    for edit in conflict.batch:
        if edit.layer in EVENT_LAYERS and edit.before is None and edit.after is not None:
            edits.append(_added_under_a_free_id(dataset, edit))
        elif edit is conflict.edit:
            again = rebased(edit, conflict.current)
            if again is not None:
                edits.append(again)
        else:
            edits.append(edit)
    return edits


def _added_under_a_free_id(dataset: Dataset, edit: Edit) -> Edit:
    assert edit.after is not None  # an add
    event_id = free_event_id(dataset, edit.layer, edit.feature_id)
    if event_id == edit.feature_id:
        return edit
    schema = schema_for(edit.layer)
    return Edit(edit.layer, event_id, None, {**edit.after, schema.id_field: event_id}, edit.description)
