"""The fields of a feature as they were known at the as-of time, worked out from its events.

A record holds the latest value of each fact (a household's status, a point's last
disinfection); looking at a past day with those would show facts from later days. The event
tables (:data:`geodata.schema.EVENTS`) keep what happened and when, so the value at any time is
that of the latest event up to then:

- households: ``status`` and ``status_date`` from the latest status change with day <= the
  as-of day (``status_date`` only for released and escalated, the changes it dates); before a
  household's first status change it was not yet under observation, so its
  ``observation_start`` reads as unknown. ``last_check`` and ``abnormal_temperature`` from the
  latest follow-up with time <= the as-of time; abnormal means a temperature of
  :data:`FEVER_CELSIUS` or more, or, with no temperature taken, a result of abnormal.
- checkpoints: open or closed from the latest opened or closed change up to the as-of time
  (a staff change alone means open); ``opened`` is the day of the first opening, ``closed``
  the day of the closing in force; ``staff_on_shift`` from the latest change that counts the
  staff. Before a checkpoint's first change it was not opened yet.
- disinfection points: ``last_disinfected`` is the latest round up to the as-of time; none
  means not yet disinfected.

Each fact is read from its own event table, and only for the features that have events in it;
the others keep their recorded value, so data without events reads exactly as before.
Everything is column-wise: one filter and one de-duplication per event table, whatever the
number of features.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from geodata.dataset import Dataset

# The usual threshold of a fever at home observation (armpit temperature).
FEVER_CELSIUS = 37.3

# Per layer, the fields the events decide (and the situation carries as they stood).
EVENT_FIELDS = {
    "households": ("observation_start", "status", "status_date", "last_check", "abnormal_temperature"),
    "checkpoints": ("status", "opened", "closed", "staff_on_shift"),
    "disinfection_points": ("last_disinfected",),
}

_TIME_DTYPE = "datetime64[ms]"
_NAT = np.datetime64("NaT", "ms")
_SETTLED = ("released", "escalated")


def household_facts(households: pd.DataFrame, events: Dataset | None, as_of: pd.Timestamp) -> pd.DataFrame | None:
    """The households' ``observation_start``, ``status``, ``status_date``, ``last_check`` and
    ``abnormal_temperature`` as known at ``as_of``, aligned with ``households``; None when no
    household has events (the records then stand as they are)."""
    coded = household_facts_coded(households, events, as_of)
    return None if coded is None else coded[0]


def household_facts_coded(
    households: pd.DataFrame, events: Dataset | None, as_of: pd.Timestamp
) -> tuple[pd.DataFrame, tuple[np.ndarray, np.ndarray] | None] | None:
    """:func:`household_facts`, with the statuses also as codes into their few values
    (``values[codes]`` is the ``status`` column) when the status changes decided them, None
    otherwise: comparing a million status strings cost more than the rest of a day's change."""
    changes = _events(events, "status_changes")
    followups = _events(events, "followups")
    if changes is None and followups is None:
        return None
    coded: tuple[np.ndarray, np.ndarray] | None = None
    # In numpy arrays, not pandas columns: a past day's page reads 100,000 households here.
    # Statuses are chosen as codes into their few distinct values (the events' made once per
    # table read, with its timeline) and made text once at the end: converting each column of
    # text to Python strings cost more than the rest together.
    records = _household_records(households)
    start, status_date, last_check = records.start, records.status_date, records.last_check
    status: np.ndarray | None = None  # the records' statuses, unless the status changes tell
    abnormal_values, abnormal_missing = records.abnormal_values, records.abnormal_missing
    if changes is not None:
        day = np.datetime64(as_of.normalize(), "ms")
        latest = _chosen(changes, "household", "day", day, households)
        recorded, found, latest_day = latest.timeline.recorded, latest.found, latest.times()
        latest_codes, latest_statuses = latest.codes(changes, "status")
        settled = found & np.isin(latest_statuses, _SETTLED)[latest_codes]
        # Read from the frame, not with the timeline: a record's status may be edited where its
        # id stays (the edited frame is a new one).
        status_codes, statuses, dated = records.status_codes, records.statuses, records.dated
        mine = recorded & (dated <= day) & (~found | (dated >= latest_day))
        kept = ~recorded | mine
        start = np.where(~recorded | found | mine, start, _NAT)
        # Codes past the records' values name the events' values, and the one after them none.
        none = len(statuses) + len(latest_statuses)
        status_codes = np.where(kept, status_codes, np.where(found, latest_codes + len(statuses), none))
        every_status = np.concatenate([statuses, latest_statuses, np.array([None], dtype=object)])
        status = every_status[status_codes]
        coded = (status_codes, every_status)
        status_date = np.where(kept, status_date, np.where(settled, latest_day, _NAT))
    if followups is not None:
        moment = np.datetime64(as_of, "ms")
        latest = _chosen(followups, "household", "time", moment, households)
        recorded, latest_time = latest.timeline.recorded, latest.times()
        taken = pd.to_numeric(pd.Series(latest.values(followups, "temperature")), errors="coerce")
        temperature = taken.to_numpy(dtype=float, na_value=np.nan)
        result_codes, results = latest.codes(followups, "result")
        said_abnormal = latest.found & (results == "abnormal")[result_codes]
        fever = np.where(np.isnan(temperature), said_abnormal, temperature >= FEVER_CELSIUS)
        mine = recorded & (last_check <= moment) & (np.isnat(latest_time) | (last_check >= latest_time))
        kept = ~recorded | mine
        last_check = np.where(kept, last_check, latest_time)
        abnormal_values = np.where(kept, abnormal_values, fever)
        abnormal_missing = np.where(kept, abnormal_missing, np.isnat(latest_time))
    frame = pd.DataFrame(
        {
            "observation_start": start,
            "status": pd.Series(
                _column(households, "status", object).to_numpy() if status is None else status,
                index=households.index,
                dtype=object,
            ),
            "status_date": status_date,
            "last_check": last_check,
            "abnormal_temperature": pd.arrays.BooleanArray(abnormal_values & ~abnormal_missing, abnormal_missing),
        },
        index=households.index,
    )
    return frame, coded


@dataclass(frozen=True)
class _HouseholdRecords:
    """What the household facts read from the records, the same on every day."""

    start: np.ndarray
    status_date: np.ndarray
    last_check: np.ndarray
    abnormal_values: np.ndarray
    abnormal_missing: np.ndarray
    status_codes: np.ndarray  # the records' statuses as codes into ``statuses`` (_codes)
    statuses: np.ndarray
    dated: np.ndarray  # the status date of a record released or escalated, NaT otherwise


# The records of the households frame last read: every change of day reads them again, and at
# a million households reading them cost a third of the facts. Frames are replaced, not changed
# in place, when data changes (geodata.editing): held weakly, checked with their lengths.
_RECORDS: dict[tuple[int, int], tuple[weakref.ref, _HouseholdRecords]] = {}


def _household_records(households: pd.DataFrame) -> _HouseholdRecords:
    key = (id(households), len(households))
    kept = _RECORDS.get(key)
    if kept is not None and kept[0]() is households:
        return kept[1]
    status_date = _column(households, "status_date", _TIME_DTYPE).to_numpy()
    abnormal = _column(households, "abnormal_temperature", "boolean").array
    status_codes, statuses = _codes(_column(households, "status", "str"), missing=np.nan)
    records = _HouseholdRecords(
        start=_column(households, "observation_start", _TIME_DTYPE).to_numpy(),
        status_date=status_date,
        last_check=_column(households, "last_check", _TIME_DTYPE).to_numpy(),
        abnormal_values=abnormal.to_numpy(dtype=bool, na_value=False),
        abnormal_missing=np.asarray(abnormal.isna()),
        status_codes=status_codes,
        statuses=statuses,
        # The record's own dated change (a release entered by hand) counts as one more event.
        dated=np.where(np.isin(statuses, _SETTLED)[status_codes], status_date, _NAT),
    )
    for array in (getattr(records, name) for name in records.__dataclass_fields__):
        if array.flags.writeable:
            array.flags.writeable = False  # shared by every day's facts: nobody may change it
    _RECORDS.clear()  # one frame at a time: the one shown
    _RECORDS[key] = (weakref.ref(households), records)
    return records


def checkpoint_facts(checkpoints: pd.DataFrame, events: Dataset | None, as_of: pd.Timestamp) -> pd.DataFrame | None:
    """The checkpoints' ``status``, ``opened``, ``closed`` and ``staff_on_shift`` as known at
    ``as_of``, aligned with ``checkpoints``; None when no checkpoint has events."""
    changes = _events(events, "checkpoint_changes")
    if changes is None:
        return None
    moment = np.datetime64(as_of, "ms")
    latest_change = _chosen(changes, "checkpoint", "time", moment, checkpoints)
    codes, changes_made = latest_change.timeline.codes_of(changes, "change")  # per event, in the table's order
    counted = changes["staff_on_shift"].notna().to_numpy()
    opening = _chosen(
        changes, "checkpoint", "time", moment, checkpoints, rows=changes_made[codes] == "opened", first=True
    )
    state = _chosen(
        changes, "checkpoint", "time", moment, checkpoints, rows=np.isin(changes_made, ("opened", "closed"))[codes]
    )
    staff = _chosen(changes, "checkpoint", "time", moment, checkpoints, rows=counted)
    recorded = latest_change.timeline.recorded
    state_day = _day(state.times())
    closed_on = _column(checkpoints, "closed", _TIME_DTYPE).to_numpy()
    # The record's closing day (a closing entered by hand) counts as one more event, for that whole day
    # as the rules read a closing.
    mine = (
        recorded
        & (closed_on <= np.datetime64(as_of.normalize(), "ms"))
        & (np.isnat(state_day) | (closed_on >= state_day))
    )
    found = latest_change.found | mine
    state_codes, states = state.codes(changes, "change")
    closed = (state.found & (states == "closed")[state_codes]) | mine
    status = np.full(len(checkpoints), np.nan, dtype=object)  # not opened yet: missing, as pandas writes it
    status[found] = "active"
    status[closed] = "closed"
    opened = _day(opening.times())
    first_day = np.where(np.isnat(opened), _day(latest_change.times()), opened)  # a staff change: open by then
    recorded_status = _column(checkpoints, "status", object).to_numpy()
    staff_counts = pd.to_numeric(pd.Series(staff.values(changes, "staff_on_shift")), errors="coerce").astype("Int64")
    return pd.DataFrame(
        {
            "status": pd.Series(np.where(recorded, status, recorded_status), index=checkpoints.index, dtype=object),
            "opened": np.where(recorded, first_day, _column(checkpoints, "opened", _TIME_DTYPE).to_numpy()),
            "closed": np.where(~recorded | mine, closed_on, np.where(closed, state_day, _NAT)),
            "staff_on_shift": _column(checkpoints, "staff_on_shift", "Int64")
            .where(~recorded, staff_counts.set_axis(checkpoints.index))
            .array,
        },
        index=checkpoints.index,
    )


def disinfection_facts(points: pd.DataFrame, events: Dataset | None, as_of: pd.Timestamp) -> pd.DataFrame | None:
    """The points' ``last_disinfected`` as known at ``as_of``, aligned with ``points``; None
    when no point has rounds."""
    rounds = _events(events, "disinfection_rounds")
    if rounds is None:
        return None
    moment = np.datetime64(as_of, "ms")
    latest = _chosen(rounds, "point", "time", moment, points)
    recorded, latest_time = latest.timeline.recorded, latest.times()
    last = _column(points, "last_disinfected", _TIME_DTYPE).to_numpy()
    mine = recorded & (last <= moment) & (np.isnat(latest_time) | (last >= latest_time))  # "disinfected now"
    return pd.DataFrame({"last_disinfected": np.where(~recorded | mine, last, latest_time)}, index=points.index)


def _events(events: Dataset | None, name: str) -> pd.DataFrame | None:
    """Event table ``name`` when it holds any row (read without Dataset.__getitem__, which
    would add an empty table to the dataset)."""
    if events is None:
        return None
    frame = events.frames.get(name)
    return frame if frame is not None and len(frame) else None


@dataclass(frozen=True)
class _Timeline:
    """One event table's events sorted by time, each with the feature it names."""

    order: np.ndarray  # event rows, by time (stable: the table's order among equal times)
    times: np.ndarray  # their times, datetime64[ms], NaT last
    owners: np.ndarray  # per sorted event, the position of its id among the features' ids (-1: none)
    feature_ids: np.ndarray  # per feature, the position of its id among the distinct ids (-1: none)
    recorded: np.ndarray  # per feature: it has an event
    # Columns of the events as codes into their few values (_codes), made once per table read.
    coded: dict[str, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict, compare=False)

    def codes_of(self, events: pd.DataFrame, name: str) -> tuple[np.ndarray, np.ndarray]:
        """Column ``name`` of ``events`` as codes (per event, in the table's order) and values."""
        if name not in self.coded:
            self.coded[name] = _codes(events[name], missing=np.nan)
        return self.coded[name]


# Timelines of the event tables last read: the page model asks again at every as-of change and
# sorting a hundred thousand follow-ups each time would cost more than the rest of the page.
# Frames are replaced, not changed in place, when data changes (geodata.editing), so a frame's
# identity names its content; the lengths are checked too.
_TIMELINES: dict[tuple, tuple[weakref.ref, weakref.ref, int, int, _Timeline]] = {}
_KEPT_TIMELINES = 32


def _timeline(events: pd.DataFrame, key: str, time: str, features: pd.DataFrame) -> _Timeline:
    cache_key = (id(events), id(features), key, time)
    kept = _TIMELINES.get(cache_key)
    if kept is not None:
        events_ref, features_ref, events_count, features_count, timeline = kept
        if (
            events_ref() is events
            and features_ref() is features
            and (events_count, features_count)
            == (
                len(events),
                len(features),
            )
        ):
            return timeline
    feature_ids, distinct = _feature_ids(features)
    times = _column(events, time, _TIME_DTYPE).to_numpy()
    order = np.argsort(times, kind="stable")  # NaT sorts last
    owners = positions_among(distinct, events[key].to_numpy(dtype=object)[order])
    recorded = np.zeros(len(distinct) + 1, dtype=bool)
    recorded[owners] = True  # owners of -1 mark the extra last slot
    timeline = _Timeline(order, times[order], owners, feature_ids, recorded[feature_ids] & (feature_ids >= 0))
    if len(_TIMELINES) >= _KEPT_TIMELINES:
        _TIMELINES.clear()
    _TIMELINES[cache_key] = (weakref.ref(events), weakref.ref(features), len(events), len(features), timeline)
    return timeline


# The ids of the features frame last numbered: a household's status changes and its
# follow-ups each make a timeline over the same million ids, and numbering them (and hashing
# them for the lookups) took most of the first past day's time.
_FEATURE_IDS: dict[tuple[int, int], tuple[weakref.ref, np.ndarray, pd.Index]] = {}


def _feature_ids(features: pd.DataFrame) -> tuple[np.ndarray, pd.Index]:
    """Per feature, the position of its id among the distinct ids (-1: none), and those ids."""
    key = (id(features), len(features))
    kept = _FEATURE_IDS.get(key)
    if kept is not None and kept[0]() is features:
        return kept[1], kept[2]
    feature_ids, distinct = pd.factorize(id_objects(features, "id"))
    feature_ids.flags.writeable = False
    index = pd.Index(distinct)
    if len(_FEATURE_IDS) >= _KEPT_TIMELINES:
        _FEATURE_IDS.clear()
    _FEATURE_IDS[key] = (weakref.ref(features), feature_ids, index)
    return feature_ids, index


def positions_among(distinct: pd.Index, ids: np.ndarray) -> np.ndarray:
    """Per id, its position among the unique ``distinct`` (-1: not among them), as
    ``distinct.get_indexer(ids)`` gives it, hashing the smaller side: a few events placed
    among a million households' ids kept a hash table of the million (66 MB) with the ids."""
    if len(ids) >= len(distinct):
        return distinct.get_indexer(pd.Index(ids))
    codes, uniques = pd.factorize(ids)
    at = pd.Index(uniques).get_indexer(distinct)
    found = at >= 0
    position_of = np.full(len(uniques) + 1, -1, dtype=np.intp)  # the last slot: a missing id
    position_of[at[found]] = np.flatnonzero(found)
    return position_of[codes]


def id_objects(features: pd.DataFrame, column: str) -> np.ndarray:
    """Column ``column`` of ``features`` as an array of Python objects (missing as pandas gives
    them), made once per frame and column: the page model's ids and the events' numbering of
    the features share the same objects (a million ids as Python text are 60 MB, and were made
    twice). Frames are replaced, not changed in place: held weakly, with their lengths."""
    key = (id(features), len(features), column)
    kept = _ID_OBJECTS.get(key)
    if kept is not None and kept[0]() is features:
        return kept[1]
    values = _column(features, column, object).to_numpy(dtype=object)
    values.flags.writeable = False  # shared: nobody may change it
    if len(_ID_OBJECTS) >= _KEPT_TIMELINES:
        _ID_OBJECTS.clear()
    _ID_OBJECTS[key] = (weakref.ref(features), values)
    return values


_ID_OBJECTS: dict[tuple[int, int, str], tuple[weakref.ref, np.ndarray]] = {}


@dataclass(frozen=True)
class _Chosen:
    """Per feature, one of its events (or none): where that event stands in the timeline."""

    timeline: _Timeline
    position: np.ndarray  # per feature, the position of its event among the sorted events (-1: none)

    @property
    def found(self) -> np.ndarray:
        return self.position >= 0

    def times(self) -> np.ndarray:
        """The events' times, datetime64[ms], NaT where none."""
        return np.where(self.found, self.timeline.times[np.maximum(self.position, 0)], _NAT)

    def values(self, events: pd.DataFrame, name: str):
        """The events' values of column ``name`` (an array of its type, missing where none)."""
        rows = np.where(self.found, self.timeline.order[np.maximum(self.position, 0)], -1)
        return events[name].array.take(rows, allow_fill=True)

    def codes(self, events: pd.DataFrame, name: str) -> tuple[np.ndarray, np.ndarray]:
        """The events' values of text column ``name`` as codes into ``values`` (:func:`_codes`;
        where there is no event, the code of a missing value)."""
        codes, values = self.timeline.codes_of(events, name)
        rows = self.timeline.order[np.maximum(self.position, 0)]
        return np.where(self.found, codes[rows], len(values) - 1), values


def _chosen(
    events: pd.DataFrame,
    key: str,
    time: str,
    until: np.datetime64,
    features: pd.DataFrame,
    rows: np.ndarray | None = None,
    first: bool = False,
) -> _Chosen:
    """For each feature, its latest event (its first with ``first``) with ``time`` <=
    ``until``, among ``rows`` (a mask over the events; all when None). Events at the same time
    keep the table's order: the later row wins."""
    timeline = _timeline(events, key, time, features)
    known = int(np.searchsorted(timeline.times, until, side="right"))
    owners = timeline.owners[:known]
    positions = np.flatnonzero((owners >= 0) if rows is None else (owners >= 0) & rows[timeline.order[:known]])
    slots = int(timeline.feature_ids.max(initial=-1)) + 2  # every distinct id, and one for none
    if first:
        chosen = np.full(slots, known, dtype=np.int64)
        np.minimum.at(chosen, owners[positions], positions)
        chosen[chosen == known] = -1
    else:
        chosen = np.full(slots, -1, dtype=np.int64)
        np.maximum.at(chosen, owners[positions], positions)
    return _Chosen(timeline, chosen[timeline.feature_ids])  # features without an id read the last slot: -1


def _day(times: np.ndarray) -> np.ndarray:
    """datetime64[ms] times cut to their day (NaT stays NaT)."""
    return times.astype("datetime64[D]").astype(_TIME_DTYPE)


def _codes(column: pd.Series, missing) -> tuple[np.ndarray, np.ndarray]:
    """``column`` as codes into its distinct values (objects, ``missing`` last for missing
    values): ``values[codes]`` is ``column.astype(object)`` with ``missing`` for missing."""
    codes, distinct = pd.factorize(column, use_na_sentinel=True)
    values = np.empty(len(distinct) + 1, dtype=object)
    values[:-1] = np.asarray(distinct, dtype=object)
    values[-1] = missing
    return np.where(codes < 0, len(distinct), codes), values


def _column(frame: pd.DataFrame, name: str, dtype) -> pd.Series:
    """``frame[name]`` in ``dtype`` (all missing when the frame lacks it)."""
    if name not in frame.columns:
        return pd.Series(None, index=frame.index, dtype=object).astype(dtype)
    column = frame[name]
    if dtype == _TIME_DTYPE and column.dtype.kind != "M":
        column = pd.to_datetime(column, errors="coerce")
    return column.astype(dtype)
