"""Applying edits to a dataset: each one only onto the record it was made from.

An edit whose feature changed since (another desk, another program) is refused with a
:class:`~geodata.editing.ConflictError` instead of overwriting that change.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import cast

import pandas as pd

from geodata.dataset import Dataset
from geodata.editing.edits import ConflictError, Edit, position_of
from geodata.editing.records import conformed_frame, differing_fields, record_at, record_frame
from geodata.messages import N_, Message
from geodata.schema import LayerSchema, schema_for


def apply_to_dataset(dataset: Dataset, edits: Iterable[Edit]) -> Dataset:
    """A new dataset with ``edits`` applied in order; ``dataset`` itself is not changed.

    Parameters
    ----------
    dataset
        The data as it is now (e.g. just read from the store).
    edits
        Edits made on this data, or on data that since changed only elsewhere.

    Returns
    -------
    Dataset
        A copy whose edited layers are in their schema's columns and types, on a fresh
        0..n-1 index, added features last.

    Raises
    ------
    EditError
        When an edit does not fit the data: it adds an id that exists, or updates or deletes
        a feature that is gone or whose record is no longer the edit's ``before`` (someone
        else changed it since). Nothing is applied then.
    """
    result = dataset.copy()
    working: dict[str, pd.DataFrame] = {}
    for edit in edits:
        if not isinstance(edit, Edit):
            raise TypeError(f"edits must be Edit values, got {type(edit).__name__}")
        schema = schema_for(edit.layer)
        if edit.layer not in working:
            working[edit.layer] = conformed_frame(schema, result[edit.layer])
        working[edit.layer] = _apply_one(working[edit.layer], schema, edit)
    for name, frame in working.items():
        result[name] = frame.reset_index(drop=True)
    return result


def _apply_one(frame: pd.DataFrame, schema: LayerSchema, edit: Edit) -> pd.DataFrame:
    position = position_of(frame, schema, edit.feature_id)
    before, after = edit.before, edit.after
    if before is None:  # an add
        assert after is not None  # an Edit holds a record before or after (checked when it is made)
        if position is not None:
            raise ConflictError(
                Message(
                    N_("cannot add {layer} {id}: a feature with this id already exists"),
                    layer=edit.layer,
                    id=edit.feature_id,
                ),
                edit,
                record_at(frame, schema, position),
            )
        return pd.concat([frame, record_frame(schema, after)], ignore_index=True)
    if position is None:
        raise ConflictError(
            Message(
                N_("{layer} {id} no longer exists (it was deleted elsewhere); reload and try again"),
                layer=edit.layer,
                id=edit.feature_id,
            ),
            edit,
            None,
        )
    current = record_at(frame, schema, position)
    changed_since = differing_fields(current, before)
    if changed_since:
        raise ConflictError(
            Message(
                N_("{layer} {id} was changed elsewhere since it was read ({fields}); reload and make the edit again"),
                layer=edit.layer,
                id=edit.feature_id,
                fields=", ".join(changed_since),
            ),
            edit,
            current,
            changed_since,
        )
    if after is None:  # a delete
        return frame.drop(index=frame.index[position])
    new_row = record_frame(schema, after)
    for name in edit.changed_fields():
        column = cast(int, frame.columns.get_loc(name))  # conformed columns are unique: a position
        frame.iloc[position, column] = new_row[name].iloc[0]
    return frame
