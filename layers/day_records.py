"""Every layer's records as they stood on a past day, for exports of that day
(``situation-map export --date``).

The situation on a day (:mod:`layers.situation`, reading :mod:`layers.history`) says what a
feature's facts were at the as-of time; here those facts are written back into the records, so
an export of 14 February holds what the command centre knew that evening and nothing learnt
later:

- households that had started observation by the day, with ``status``, ``status_date``,
  ``last_check`` and ``abnormal_temperature`` as known then; a release or escalation dated later
  reads as still observing;
- checkpoints opened by the day, with their status, days and staff as known then; a closing
  dated later reads as active;
- disinfection points with their last round up to the as-of time (none: not yet disinfected);
- event tables and supplies and publicity up to the as-of time;
- villages and roads as they are (they carry no dates).

Any other date or time after the as-of time is left out (missing), so no later date reaches the
export whatever the records hold.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from geodata.dataset import Dataset
from geodata.schema import EVENTS, SCHEMAS
from layers.history import EVENT_FIELDS
from layers.situation import as_timestamp, checkpoint_situation, disinfection_situation, household_situation

# The field that dates each row of a table: rows after the as-of time did not exist yet.
_ROW_TIMES = {
    "supplies": "date",
    "publicity": "date",
    **{name: next(f.name for f in schema.fields if f.type in ("date", "datetime")) for name, schema in EVENTS.items()},
}


def records_on_day(dataset: Dataset, as_of) -> Dataset:
    """A dataset of ``dataset``'s records as they stood at ``as_of`` (a time; a ``--date`` day is
    its evening, 23:59). The metadata's ``as_of`` becomes that time."""
    moment = as_timestamp(as_of)
    frames: dict[str, pd.DataFrame] = {}
    for name, frame in dataset.frames.items():
        if name not in SCHEMAS:
            continue  # the edit journal is no layer of a day
        if name == "households":
            frame = _households(dataset, moment)
        elif name == "checkpoints":
            frame = _checkpoints(dataset, moment)
        elif name == "disinfection_points":
            frame = _with_facts(frame, disinfection_situation(frame, moment, dataset), name)
        elif name in _ROW_TIMES:
            frame = frame[~(_times(frame[_ROW_TIMES[name]]) > _limit(name, _ROW_TIMES[name], moment))]
        frames[name] = _without_later_times(name, frame, moment)
    metadata = {**dataset.metadata, "as_of": moment.strftime("%Y-%m-%dT%H:%M")}
    return Dataset(frames, metadata)


def _households(dataset: Dataset, moment: pd.Timestamp) -> pd.DataFrame:
    households = dataset.households
    situation = household_situation(households, moment, dataset)
    frame = _with_facts(households, situation, "households")[situation["status_on_day"].notna().to_numpy()]
    later = (_times(frame["status_date"]) > moment.normalize()).to_numpy()
    frame.loc[later, "status"] = "observing"
    frame.loc[later, "status_date"] = pd.NaT
    unchecked = (_times(frame["last_check"]) > moment).to_numpy()
    frame.loc[unchecked, "abnormal_temperature"] = False  # the reading came after the day
    return frame


def _checkpoints(dataset: Dataset, moment: pd.Timestamp) -> pd.DataFrame:
    checkpoints = dataset.checkpoints
    situation = checkpoint_situation(checkpoints, moment, dataset)
    frame = _with_facts(checkpoints, situation, "checkpoints")[situation["status_on_day"].notna().to_numpy()]
    later = (_times(frame["closed"]) > moment.normalize()).to_numpy()
    frame.loc[later & (frame["status"] == "closed").to_numpy(), "status"] = "active"
    return frame


def _with_facts(frame: pd.DataFrame, situation: pd.DataFrame, layer: str) -> pd.DataFrame:
    """``frame`` with the fields the events tell as known on the day (those the situation holds)."""
    out = frame.copy()
    for name in EVENT_FIELDS[layer]:
        if name not in situation.columns:
            continue
        values = situation[name]
        if out[name].dtype == bool:
            values = values.astype("boolean").fillna(False).astype(bool)
        else:
            values = values.astype(out[name].dtype) if out[name].dtype != object else values
        out[name] = values
    return out


def _without_later_times(layer: str, frame: pd.DataFrame, moment: pd.Timestamp) -> pd.DataFrame:
    out = frame.copy()
    for f in SCHEMAS[layer].fields:
        if f.type in ("date", "datetime") and f.name in out.columns:
            times = _times(out[f.name])
            out[f.name] = times.where(~(times > _limit(layer, f.name, moment)))
    return out


def _limit(layer: str, field_name: str, moment: pd.Timestamp) -> pd.Timestamp:
    """The latest value the field may hold: the day for a calendar day, else the time."""
    return moment.normalize() if SCHEMAS[layer].field(field_name).type == "date" else moment


def _times(values: pd.Series) -> pd.Series:
    times = values if values.dtype.kind == "M" else pd.to_datetime(values, errors="coerce")
    return times.astype("datetime64[ms]") if times.dtype != np.dtype("datetime64[ms]") else times
