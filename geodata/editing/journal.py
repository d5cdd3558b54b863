"""The journal: one row per saved edit, who saved it and when, with both records as JSON."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable, Mapping

import pandas as pd
import shapely

from geodata.editing.edits import Edit
from geodata.schema import JOURNAL, conform


def journal_frame(
    edits: Iterable[Edit], *, who: str, time: dt.datetime, describe: Callable[[str], str] = str
) -> pd.DataFrame:
    """The journal rows recording ``edits``, in the columns and types of the journal table.

    Parameters
    ----------
    edits
        The edits saved together.
    who
        The person or desk saving them.
    time
        When they were saved (local time).
    describe
        Writes an edit's description (a ``Message``) in the language of the desk saving it;
        by default its English.

    Returns
    -------
    pandas.DataFrame
        One row per edit, in order; ``before`` and ``after`` as JSON text (dates in ISO
        format, geometry as WKT), missing for an add's before and a delete's after.
    """
    rows = [
        {
            "time": time,
            "who": who,
            "layer": edit.layer,
            "feature_id": edit.feature_id,
            "action": edit.kind,
            "description": describe(edit.description),
            "before": _record_json(edit.before),
            "after": _record_json(edit.after),
        }
        for edit in edits
    ]
    frame = pd.DataFrame(rows, columns=list(JOURNAL.field_names), dtype=object)
    return conform(JOURNAL, frame)


def _record_json(record: Mapping | None) -> str | None:
    if record is None:
        return None
    return json.dumps({name: _json_value(value) for name, value in record.items()}, ensure_ascii=False)


def _json_value(value):
    if isinstance(value, shapely.Geometry):
        return shapely.to_wkt(value, rounding_precision=-1)  # full precision: the exact place
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value
